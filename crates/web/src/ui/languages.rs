//! The administrator's languages page (issue 16, ADR 0018): the participant languages in
//! force, whether a qualified person reviewed each, the files of the languages folder that
//! were refused (with line and key), and loading the folder again at once.
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use handoff_app::languages::{self, Overview};

use crate::AppState;
use crate::auth::Session;
use crate::kit::forms::NoteForm;
use crate::kit::page::{Input, error_for};
use crate::kit::render::{Layout, render, staff};

#[derive(Template)]
#[template(path = "languages.html")]
struct LanguagesPage {
    layout: Layout,
    v: Overview,
    reloaded: bool,
}

fn page(s: &Session, v: Overview, reloaded: bool) -> Response {
    render(
        StatusCode::OK,
        &LanguagesPage {
            layout: Layout::new(staff("languages-title"), s, None),
            v,
            reloaded,
        },
    )
}

pub async fn show(State(st): State<AppState>, s: Session) -> Response {
    match languages::admin(&st.app, &s.ctx, false).await {
        Ok(v) => page(&s, v, false),
        Err(e) => error_for(&s, &e),
    }
}

/// Reads the languages folder again: the page shows what it now holds.
pub async fn reload(State(st): State<AppState>, form: Input<NoteForm>) -> Response {
    let r = form
        .run(async |_| languages::admin(&st.app, &form.s.ctx, true).await)
        .await;
    let s = &form.s;
    match r {
        Ok(v) => page(s, v, true),
        Err(e) => error_for(s, &e),
    }
}
