//! The audit trail page (search) and its CSV export, for coordinators and administrators.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono_tz::Tz;
use handoff_app::AppError;
use handoff_app::trail::{self, SearchInput, SearchResult};
use handoff_domain::FieldErrors;

use crate::AppState;
use crate::auth::Session;
use crate::kit::page::{error_for, form_errors};
use crate::kit::render::{Fmt, Layout, render, staff};

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    input: SearchInput,
    errors: FieldErrors,
    result: Option<SearchResult>,
    export_query: String,
}

impl Fmt for AuditPage {
    fn tz(&self) -> Tz {
        self.result.as_ref().map_or(chrono_tz::UTC, |r| r.tz)
    }
}

impl AuditPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn sel(&self, v: &str) -> &'static str {
        if self.input.outcome == v {
            "selected"
        } else {
            ""
        }
    }
}

fn input_of(q: &HashMap<String, String>) -> SearchInput {
    let g = |k: &str| q.get(k).cloned().unwrap_or_default();
    SearchInput {
        username: g("user"),
        action: g("action"),
        resource: g("resource"),
        outcome: g("outcome"),
        from: g("from"),
        to: g("to"),
    }
}

fn query_of(i: &SearchInput) -> String {
    serde_urlencoded::to_string([
        ("user", &i.username),
        ("action", &i.action),
        ("resource", &i.resource),
        ("outcome", &i.outcome),
        ("from", &i.from),
        ("to", &i.to),
    ])
    .unwrap_or_default()
}

pub async fn page(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let input = input_of(&q);
    let (result, errors, status) = match trail::search(&st.app, &s.ctx, &input).await {
        Ok(r) => (Some(r), FieldErrors::new(), StatusCode::OK),
        Err(e) => match form_errors(e) {
            Ok(errors) => (None, errors, StatusCode::UNPROCESSABLE_ENTITY),
            Err(e) => return error_for(&s, &e),
        },
    };
    let export_query = query_of(&input);
    render(
        status,
        &AuditPage {
            layout: Layout::new(staff("audit-title"), &s, None),
            input,
            errors,
            result,
            export_query,
        },
    )
}

pub async fn export(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match trail::export_csv(&st.app, &s.ctx, &input_of(&q)).await {
        Ok(bytes) => {
            let mut r = (StatusCode::OK, bytes).into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            h.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"handoff-audit.csv\""),
            );
            r
        }
        Err(AppError::Invalid(e)) => error_for(&s, &AppError::Invalid(e)),
        Err(e) => error_for(&s, &e),
    }
}
