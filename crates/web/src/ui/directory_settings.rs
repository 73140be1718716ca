//! The directory page for coordinators (ADR 0017): its size and staleness, the export, and
//! the settings (ranking rule, hold kinds, fallback, publication).
use handoff_domain::Coded;
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use handoff_app::directory::settings::{self, SettingsInput, SettingsView};
use handoff_domain::FieldErrors;
use handoff_domain::directory::choose::Criterion;

use crate::AppState;
use crate::auth::Session;
use crate::kit::forms::{Fields, FromFields};
use crate::kit::page::{Input, error_for, form_errors};
use crate::kit::render::{Layout, render, see_other, staff};

#[derive(Template)]
#[template(path = "directory.html")]
struct DirectoryPage {
    layout: Layout,
    v: SettingsView,
    input: SettingsInput,
    errors: FieldErrors,
}

impl DirectoryPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn ranks(&self) -> Vec<usize> {
        (0..Criterion::ALL.len()).collect()
    }
    fn ordinal(&self, i: &usize) -> String {
        staff(if *i == 0 {
            "directory-rank-first"
        } else {
            "directory-rank-then"
        })
    }
    fn criteria(&self) -> &'static [Criterion] {
        Criterion::ALL
    }
    fn rule_sel(&self, i: &usize, code: &str) -> &'static str {
        if self.input.rule.get(*i).is_some_and(|c| c == code) {
            "selected"
        } else {
            ""
        }
    }
    fn types(&self) -> Vec<(&'static str, &'static str, bool)> {
        settings::service_types()
    }
    fn hold_checked(&self, code: &str) -> &'static str {
        if self.input.hold_types.iter().any(|c| c == code) {
            "checked"
        } else {
            ""
        }
    }
}

impl FromFields for SettingsInput {
    fn from_fields(f: &mut Fields) -> Self {
        SettingsInput {
            rule: f.all("rule"),
            hold_types: f.all("hold_types"),
            fallback: f.get("fallback"),
            public: f.get("public") == "yes",
        }
    }
}

fn input_of(v: &SettingsView) -> SettingsInput {
    SettingsInput {
        rule: v
            .settings
            .choice_rule
            .split_whitespace()
            .map(String::from)
            .collect(),
        hold_types: v
            .settings
            .hold_service_types
            .split_whitespace()
            .map(String::from)
            .collect(),
        fallback: v.settings.fallback.clone(),
        public: v.settings.directory_public,
    }
}

async fn page(
    st: &AppState,
    s: &Session,
    notice: Option<&String>,
    typed: Option<SettingsInput>,
    errors: FieldErrors,
) -> Response {
    match settings::view(&st.app, &s.ctx).await {
        Ok(v) => {
            let status = if errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let input = typed.unwrap_or_else(|| input_of(&v));
            render(
                status,
                &DirectoryPage {
                    layout: Layout::new(staff("directory-title"), s, notice),
                    v,
                    input,
                    errors,
                },
            )
        }
        Err(e) => error_for(s, &e),
    }
}

pub async fn show(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    page(&st, &s, q.get("notice"), None, FieldErrors::new()).await
}

pub async fn save(State(st): State<AppState>, form: Input<SettingsInput>) -> Response {
    let r = form
        .run(async |v| settings::save(&st.app, &form.s.ctx, v).await)
        .await;
    let Input { s, v, .. } = form;
    match r {
        Ok(()) => see_other("/directory?notice=directory"),
        Err(e) => match form_errors(e) {
            Ok(errors) => page(&st, &s, None, Some(v), errors).await,
            Err(e) => error_for(&s, &e),
        },
    }
}

/// The whole directory as an HSDS file to download (audited).
pub async fn export(State(st): State<AppState>, s: Session) -> Response {
    match handoff_app::directory::export(&st.app, &s.ctx).await {
        Ok(json) => {
            let mut r = (StatusCode::OK, json).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            r.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"directory-hsds.json\""),
            );
            r
        }
        Err(e) => error_for(&s, &e),
    }
}
