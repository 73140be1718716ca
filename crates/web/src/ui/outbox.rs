//! The coordinator's outbox (ADR 0019): what left the program, to whom, for which case,
//! and how it went; never an address or a message's words.
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono_tz::Tz;
use handoff_app::outbox::Overview;

use crate::AppState;
use crate::auth::Session;
use crate::kit::page::error_for;
use crate::kit::render::{Fmt, Layout, render};

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    layout: Layout,
    v: Overview,
    tz: Tz,
}

impl Fmt for OutboxPage {
    fn tz(&self) -> Tz {
        self.tz
    }
}

pub async fn show(
    State(st): State<AppState>,
    s: Session,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let tz = crate::kit::page::program_tz(&st, &s.ctx).await;
    match handoff_app::outbox::overview(&st.app, &s.ctx).await {
        Ok(v) => render(
            StatusCode::OK,
            &OutboxPage {
                layout: Layout::new("Outbox", &s, q.get("notice")),
                v,
                tz,
            },
        ),
        Err(e) => error_for(&s, &e),
    }
}
