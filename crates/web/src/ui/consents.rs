//! The printable consent form and recording a revocation.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono_tz::Tz;
use handoff_app::consents;
use handoff_app::consents::ConsentForm;

use crate::AppState;
use crate::auth::Session;
use crate::error::Id;
use crate::kit::forms::NoteForm;
use crate::kit::page::{Input, error_for};
use crate::kit::render::{Fmt, Layout, render, see_other};

#[derive(Template)]
#[template(path = "consent.html")]
pub(crate) struct ConsentPage {
    layout: Layout,
    f: ConsentForm,
}

impl Fmt for ConsentPage {
    fn tz(&self) -> Tz {
        self.f.tz
    }
}

impl ConsentPage {
    fn expiry(&self) -> String {
        let r = &self.f.line.row;
        let mut parts = Vec::new();
        if let Some(x) = r.expires_at {
            parts.push(format!("on {}", self.t(&x)));
        }
        if r.expiry_event.is_some() {
            parts.push(format!(
                "at {}",
                handoff_domain::consent::Event::FinalDisposition.label()
            ));
        }
        parts.join(", or ")
    }
}

pub async fn consent_page(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match consents::form(&st.app, &s.ctx, id).await {
        Ok(f) => render(
            StatusCode::OK,
            &ConsentPage {
                layout: Layout::new("Consent to disclose", &s, q.get("notice")),
                f,
            },
        ),
        Err(e) => error_for(&s, &e),
    }
}

pub async fn consent_revoke(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<NoteForm>,
) -> Response {
    let s = &form.s;
    match form
        .run(async |v| consents::revoke(&st.app, &s.ctx, id, &v.0).await)
        .await
    {
        Ok(state) => see_other(&format!(
            "/consents/{id}?notice={}",
            if state.permits() {
                "revocation_pending"
            } else {
                "revoked"
            }
        )),
        Err(e) => error_for(s, &e),
    }
}
