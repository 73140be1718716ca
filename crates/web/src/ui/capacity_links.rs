//! One-tap capacity links (ADR 0019): the page a link in a morning reminder opens, without
//! signing in, and the one capacity it updates.
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono_tz::Tz;
use handoff_app::capacity_links::{self, CapacityLinkView};
use handoff_app::directory::capacity::CapacityInput;
use handoff_app::links::Refused;

use crate::AppState;
use crate::kit::page::AnonymousForm;
use crate::kit::render::{Fmt, Layout, render, see_other, staff};
use crate::ui::links::Client;

#[derive(Template)]
#[template(path = "capacity_link.html")]
struct CapacityLinkPage {
    layout: Layout,
    token: String,
    v: Option<CapacityLinkView>,
    error: String,
    tz: Tz,
}

impl Fmt for CapacityLinkPage {
    fn tz(&self) -> Tz {
        self.tz
    }
}

fn page(
    token: &str,
    v: Result<CapacityLinkView, Refused>,
    error: String,
    status: StatusCode,
) -> Response {
    let (v, status) = match v {
        Ok(v) => (Some(v), status),
        Err(Refused::Unknown) => (None, StatusCode::NOT_FOUND),
        Err(_) => (None, StatusCode::GONE),
    };
    render(
        status,
        &CapacityLinkPage {
            layout: Layout::anonymous(&staff("capacity-link-title")),
            token: token.to_string(),
            tz: v.as_ref().map_or(chrono_tz::UTC, |v| v.tz),
            v,
            error,
        },
    )
}

pub async fn show(
    State(st): State<AppState>,
    Path(token): Path<String>,
    Client(ip, ua): Client,
) -> Response {
    match capacity_links::open(&st.app, &token, &ip, &ua).await {
        Ok(v) => page(&token, v, String::new(), StatusCode::OK),
        Err(e) => crate::error::error_page(&e),
    }
}

pub async fn update(
    State(st): State<AppState>,
    Path(token): Path<String>,
    form: AnonymousForm,
) -> Response {
    let mut f = form.fields;
    let number = |s: String| {
        let t = s.trim().to_string();
        (!t.is_empty()).then(|| t.parse::<i64>().unwrap_or(-1))
    };
    let input = CapacityInput {
        change: f.get("change"),
        available: number(f.get("available")),
        maximum: number(f.get("maximum")),
    };
    let r = capacity_links::act(&st.app, &token, input.change(), &form.ip, &form.user_agent).await;
    match r {
        Ok(Ok(_)) => see_other(&format!("/c/{token}")),
        Ok(Err(why)) => page(&token, Err(why), String::new(), StatusCode::OK),
        Err(e) => {
            let message = match &e {
                handoff_app::AppError::Invalid(fe) => {
                    fe.0.iter()
                        .map(|x| format!("{} {}", x.field, x.message))
                        .collect::<Vec<_>>()
                        .join("; ")
                }
                other => crate::error::public_message(other),
            };
            match capacity_links::open(&st.app, &token, &form.ip, &form.user_agent).await {
                Ok(v) => page(&token, v, message, StatusCode::UNPROCESSABLE_ENTITY),
                Err(e2) => crate::error::error_page(&e2),
            }
        }
    }
}
