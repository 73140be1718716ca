//! One-tap links (ADR 0019): the page a link in a page opens, without signing in, and the
//! steps it records; and the coordinator's withdrawal of outstanding links.
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use chrono_tz::Tz;
use handoff_app::links::{self, LinkView, Refused};
use handoff_domain::Coded;

use crate::AppState;
use crate::kit::forms::NoteForm;
use crate::kit::page::{AnonymousForm, Input, error_for};
use crate::kit::render::{Fmt, Layout, render, see_other, staff};

/// Who asks: the client's address and agent (behind a trusted proxy, the client's).
pub struct Client(pub(crate) String, pub(crate) String);

impl axum::extract::FromRequestParts<AppState> for Client {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        let (ip, ua) = crate::auth::client(parts, &st.proxies);
        Ok(Client(ip, ua))
    }
}

#[derive(Template)]
#[template(path = "link.html")]
struct LinkPage {
    layout: Layout,
    token: String,
    v: Option<LinkView>,
    refused: Option<Refused>,
    error: String,
    reasons: Vec<(&'static str, String)>,
    tz: Tz,
}

impl Fmt for LinkPage {
    fn tz(&self) -> Tz {
        self.tz
    }
}

impl LinkPage {
    fn refusal(&self) -> String {
        staff(match self.refused {
            Some(Refused::Expired) => "link-expired",
            Some(Refused::Withdrawn) => "link-withdrawn",
            _ => "link-not-valid",
        })
    }
}

fn page(token: &str, v: Result<LinkView, Refused>, error: String, st: StatusCode) -> Response {
    let (v, refused) = match v {
        Ok(v) => (Some(v), None),
        Err(r) => (None, Some(r)),
    };
    let status = match refused {
        Some(Refused::Unknown) => StatusCode::NOT_FOUND,
        Some(_) => StatusCode::GONE,
        None => st,
    };
    render(
        status,
        &LinkPage {
            layout: Layout::anonymous(&staff("link-page-title")),
            token: token.to_string(),
            tz: v.as_ref().map_or(chrono_tz::UTC, |v| v.tz),
            v,
            refused,
            error,
            reasons: links::reasons(),
        },
    )
}

pub async fn show(
    State(st): State<AppState>,
    Path(token): Path<String>,
    Client(ip, ua): Client,
) -> Response {
    match links::open(&st.app, &token, &ip, &ua).await {
        Ok(v) => page(&token, v, String::new(), StatusCode::OK),
        Err(e) => crate::error::error_page(&e),
    }
}

pub async fn step(
    State(st): State<AppState>,
    Path(token): Path<String>,
    form: AnonymousForm,
) -> Response {
    let mut f = form.fields;
    let (step, reason) = (f.get("step"), f.get("reason_code"));
    match links::act(&st.app, &token, &step, &reason, &form.ip, &form.user_agent).await {
        Ok(Ok(())) => see_other(&format!("/l/{token}")),
        Ok(Err(why)) => page(&token, Err(why), String::new(), StatusCode::OK),
        Err(e) => {
            // Say why on the link's page, with what it can still record.
            let message = match &e {
                handoff_app::AppError::Invalid(fe) => {
                    fe.0.first().map(|x| x.message.clone()).unwrap_or_default()
                }
                other => crate::error::public_message(other),
            };
            match links::open(&st.app, &token, &form.ip, &form.user_agent).await {
                Ok(v) => page(&token, v, message, StatusCode::UNPROCESSABLE_ENTITY),
                Err(e2) => crate::error::error_page(&e2),
            }
        }
    }
}

/// A coordinator withdraws every outstanding link of the program.
pub async fn revoke(State(st): State<AppState>, form: Input<NoteForm>) -> Response {
    let r = form
        .run(async |_| links::revoke_all(&st.app, &form.s.ctx).await)
        .await;
    match r {
        Ok(_) => see_other("/outbox?notice=links_revoked"),
        Err(e) => error_for(&form.s, &e),
    }
}
