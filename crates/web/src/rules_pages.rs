//! Eligibility rules for coordinators (issue 4): the version in force as a file to edit,
//! a dry run against the latest encounters, saving as a new version, and the file to
//! download.
use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use handoff_app::AppError;
use handoff_app::rules::{self, DryRun};
use handoff_domain::FieldErrors;

use crate::AppState;
use crate::auth::Session;
use crate::pages::{Layout, error_for, form, form_errors, render, see_other, status_for};

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    layout: Layout,
    version: i64,
    text: String,
    dry: Option<DryRun>,
    errors: FieldErrors,
}

impl RulesPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
}

async fn page(
    st: &AppState,
    s: &Session,
    notice: Option<&String>,
    typed: Option<String>,
    dry: Option<DryRun>,
    errors: FieldErrors,
) -> Response {
    let (version, current) = match rules::current_file(&st.app, &s.ctx).await {
        Ok(x) => x,
        Err(e) => return error_for(s, &e),
    };
    let status = status_for(&errors);
    render(
        status,
        &RulesPage {
            layout: Layout::new("Eligibility rules", s, notice),
            version,
            text: typed.unwrap_or(current),
            dry,
            errors,
        },
    )
}

pub async fn show(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    page(&st, &s, q.get("notice"), None, None, FieldErrors::new()).await
}

pub async fn export(State(st): State<AppState>, s: Session) -> Response {
    match rules::current_file(&st.app, &s.ctx).await {
        Ok((version, text)) => {
            let mut r = (StatusCode::OK, text).into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            if let Ok(v) = HeaderValue::from_str(&format!(
                "attachment; filename=\"eligibility-rules-v{version}.toml\""
            )) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            r
        }
        Err(e) => error_for(&s, &e),
    }
}

/// The form's file text, or the error page.
fn text_of(s: &Session, body: &Bytes) -> Result<String, Response> {
    let mut f = form(s, body).map_err(|e| error_for(s, &e))?;
    let text = f.get("file");
    f.finish()
        .map_err(|e| error_for(s, &AppError::Invalid(e)))?;
    Ok(text)
}

pub async fn dry_run(State(st): State<AppState>, s: Session, body: Bytes) -> Response {
    let text = match text_of(&s, &body) {
        Ok(t) => t,
        Err(r) => return r,
    };
    match rules::dry_run(&st.app, &s.ctx, &text).await {
        Ok(d) => page(&st, &s, None, Some(text), Some(d), FieldErrors::new()).await,
        Err(e) => match form_errors(e) {
            Ok(errors) => page(&st, &s, None, Some(text), None, errors).await,
            Err(e) => error_for(&s, &e),
        },
    }
}

pub async fn save(State(st): State<AppState>, s: Session, body: Bytes) -> Response {
    let text = match text_of(&s, &body) {
        Ok(t) => t,
        Err(r) => return r,
    };
    match rules::save(&st.app, &s.ctx, &text).await {
        Ok(_) => see_other("/rules?notice=rules"),
        Err(e) => match form_errors(e) {
            Ok(errors) => page(&st, &s, None, Some(text), None, errors).await,
            Err(e) => error_for(&s, &e),
        },
    }
}

#[derive(Template)]
#[template(path = "pathways.html")]
struct PathwaysPage {
    layout: Layout,
    lines: Vec<rules::PathwayLine>,
    errors: FieldErrors,
}

impl PathwaysPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn summary(&self, p: &handoff_domain::Pathway) -> &'static str {
        handoff_domain::pathways::spec(*p).summary
    }
    fn starters(&self, p: &handoff_domain::Pathway) -> String {
        handoff_domain::pathways::spec(*p)
            .started_by
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

async fn pathways_page(
    st: &AppState,
    s: &Session,
    notice: Option<&String>,
    typed: Option<Vec<String>>,
    errors: FieldErrors,
) -> Response {
    let mut lines = match rules::pathways(&st.app, &s.ctx).await {
        Ok(l) => l,
        Err(e) => return error_for(s, &e),
    };
    // After an error the boxes show what the user ticked.
    if let Some(t) = typed {
        for l in &mut lines {
            l.enabled = t.iter().any(|c| c == l.pathway.as_str());
        }
    }
    render(
        status_for(&errors),
        &PathwaysPage {
            layout: Layout::new("Pathways", s, notice),
            lines,
            errors,
        },
    )
}

pub async fn pathways(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    pathways_page(&st, &s, q.get("notice"), None, FieldErrors::new()).await
}

pub async fn save_pathways(State(st): State<AppState>, s: Session, body: Bytes) -> Response {
    let mut f = match form(&s, &body) {
        Ok(f) => f,
        Err(e) => return error_for(&s, &e),
    };
    let chosen = f.all("pathways");
    let r = match f.finish() {
        Ok(()) => rules::set_pathways(&st.app, &s.ctx, &chosen).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match r {
        Ok(()) => see_other("/pathways?notice=pathways"),
        Err(e) => match form_errors(e) {
            Ok(errors) => pathways_page(&st, &s, None, Some(chosen), errors).await,
            Err(e) => error_for(&s, &e),
        },
    }
}
