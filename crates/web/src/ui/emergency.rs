//! Break-the-glass pages: find a case by its reference, ask for emergency access with a
//! reason, and (coordinators) review every grant.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono_tz::Tz;
use handoff_app::AppError;
use handoff_app::emergency::{self, CaseEmergency};
use handoff_domain::FieldErrors;
use handoff_domain::policy::{ProgramAction, program_grant};
use handoff_storage::EmergencyReviewRow;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Session;
use crate::error::Id;
use crate::kit::forms::{NoteForm, ReasonForm, ReferenceForm};
use crate::kit::page::{Input, error_for, form_errors};
use crate::kit::render::{Fmt, Layout, render, see_other, staff, status_for};

#[derive(Template)]
#[template(path = "emergency.html")]
struct IndexPage {
    layout: Layout,
    reference: String,
    errors: FieldErrors,
    /// For coordinators: the program's grants.
    reviews: Option<Vec<EmergencyReviewRow>>,
    tz: Tz,
}

impl Fmt for IndexPage {
    fn tz(&self) -> Tz {
        self.tz
    }
}

impl IndexPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
}

async fn index_page(
    st: &AppState,
    s: &Session,
    notice: Option<&String>,
    reference: String,
    errors: FieldErrors,
) -> Response {
    let Some(pid) = s.ctx.program_id() else {
        return error_for(s, &AppError::NotFound);
    };
    if program_grant(&s.ctx.actor, pid, ProgramAction::BreakTheGlass).is_none() {
        return error_for(s, &AppError::NotFound);
    }
    let reviews =
        if program_grant(&s.ctx.actor, pid, ProgramAction::ReviewEmergencyAccess).is_some() {
            match emergency::reviews(&st.app, &s.ctx).await {
                Ok(r) => Some(r),
                Err(e) => return error_for(s, &e),
            }
        } else {
            None
        };
    let tz = match st.app.program_data(pid).await {
        Ok(p) => p.tz,
        Err(e) => return error_for(s, &e),
    };
    let status = status_for(&errors);
    render(
        status,
        &IndexPage {
            layout: Layout::new(staff("emergency-title"), s, notice),
            reference,
            errors,
            reviews,
            tz,
        },
    )
}

pub async fn index(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    index_page(&st, &s, q.get("notice"), String::new(), FieldErrors::new()).await
}

pub async fn find(State(st): State<AppState>, form: Input<ReferenceForm>) -> Response {
    let r = form
        .run(async |v| emergency::find(&st.app, &form.s.ctx, &v.0).await)
        .await;
    let Input { s, v, .. } = form;
    let reference = v.0;
    match r {
        Ok(id) => see_other(&format!("/encounters/{id}/emergency")),
        Err(e) => match form_errors(e) {
            Ok(errors) => index_page(&st, &s, None, reference, errors).await,
            Err(e) => error_for(&s, &e),
        },
    }
}

#[derive(Template)]
#[template(path = "emergency_case.html")]
struct CasePage {
    layout: Layout,
    c: CaseEmergency,
    reason: String,
    errors: FieldErrors,
    tz: Tz,
}

impl Fmt for CasePage {
    fn tz(&self) -> Tz {
        self.tz
    }
}

impl CasePage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
}

async fn case_page(
    st: &AppState,
    s: &Session,
    id: Uuid,
    notice: Option<&String>,
    reason: String,
    errors: FieldErrors,
) -> Response {
    let c = match emergency::case_page(&st.app, &s.ctx, id).await {
        Ok(c) => c,
        Err(e) => return error_for(s, &e),
    };
    let tz = match s.ctx.program_id() {
        Some(pid) => match st.app.program_data(pid).await {
            Ok(p) => p.tz,
            Err(e) => return error_for(s, &e),
        },
        None => chrono_tz::UTC,
    };
    let status = status_for(&errors);
    render(
        status,
        &CasePage {
            layout: Layout::new(
                handoff_i18n::Texts::staff_en().t_with(
                    "emergency-case-title",
                    &[("reference", (&c.reference).into())],
                ),
                s,
                notice,
            ),
            c,
            reason,
            errors,
            tz,
        },
    )
}

pub async fn case(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    case_page(
        &st,
        &s,
        id,
        q.get("notice"),
        String::new(),
        FieldErrors::new(),
    )
    .await
}

pub async fn grant(State(st): State<AppState>, Id(id): Id, form: Input<ReasonForm>) -> Response {
    let r = form
        .run(async |v| emergency::grant(&st.app, &form.s.ctx, id, &v.0).await)
        .await;
    let Input { s, v, .. } = form;
    let reason = v.0;
    match r {
        Ok(_) => see_other(&format!("/encounters/{id}/emergency?notice=emergency")),
        Err(e) => match form_errors(e) {
            Ok(errors) => case_page(&st, &s, id, None, reason, errors).await,
            Err(e) => error_for(&s, &e),
        },
    }
}

pub async fn review(State(st): State<AppState>, Id(id): Id, form: Input<NoteForm>) -> Response {
    let r = form
        .run(async |v| emergency::review(&st.app, &form.s.ctx, id, &v.0).await)
        .await;
    let s = form.s;
    match r {
        Ok(()) => see_other("/emergency-access?notice=reviewed_grant"),
        Err(e) => match form_errors(e) {
            Ok(errors) => index_page(&st, &s, None, String::new(), errors).await,
            Err(e) => error_for(&s, &e),
        },
    }
}
