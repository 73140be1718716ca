//! The prosecutor's held charges and decisions.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono_tz::Tz;
use handoff_app::holds;
use handoff_app::holds::{HoldQueue, HoldView};
use handoff_domain::FieldErrors;
use handoff_domain::hold::DeadlineStatus;
use handoff_domain::input::HoldDecisionInput;
use handoff_domain::progress::ProgressStatus;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Session;
use crate::error::Id;
use crate::kit::forms::{Fields, FromFields};
use crate::kit::page::{Input, error_for, form_errors};
use crate::kit::render::{
    Fmt, Layout, deadline_class, deadline_text, render, see_other, staff, status_for,
};

#[derive(Template)]
#[template(path = "holds.html")]
pub(crate) struct HoldsPage {
    layout: Layout,
    q: HoldQueue,
    pager: crate::kit::page::Pager,
}

impl Fmt for HoldsPage {
    fn tz(&self) -> Tz {
        self.q.tz
    }
}

impl HoldsPage {
    fn deadline(&self, s: &Option<DeadlineStatus>) -> String {
        deadline_text(s)
    }
    fn class(&self, s: &Option<DeadlineStatus>) -> &'static str {
        deadline_class(s)
    }
}

pub async fn holds_queue(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let page = match crate::kit::page::list_page(&q, 200) {
        Ok(p) => p,
        Err(e) => return error_for(&s, &e),
    };
    match holds::queue(&st.app, &s.ctx, page).await {
        Ok(queue) => render(
            StatusCode::OK,
            &HoldsPage {
                layout: Layout::new(staff("holds-title"), &s, q.get("notice")),
                pager: crate::kit::page::Pager::new("/holds", &q, queue.next),
                q: queue,
            },
        ),
        Err(e) => error_for(&s, &e),
    }
}

#[derive(Template)]
#[template(path = "hold.html")]
pub(crate) struct HoldPage {
    layout: Layout,
    v: HoldView,
    errors: FieldErrors,
    input: HoldDecisionInput,
}

impl Fmt for HoldPage {
    fn tz(&self) -> Tz {
        self.v.tz
    }
}

impl HoldPage {
    fn notice_232(&self) -> &'static str {
        handoff_domain::consent::NOTICE_2_32
    }
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn checked(&self, a: &str, b: &str) -> &'static str {
        if a == b { "checked" } else { "" }
    }
    fn deadline(&self, s: &Option<DeadlineStatus>) -> String {
        deadline_text(s)
    }
}

pub(crate) async fn hold_page(
    st: &AppState,
    s: &Session,
    id: Uuid,
    notice: Option<&String>,
    errors: FieldErrors,
    input: HoldDecisionInput,
) -> Response {
    match holds::view(&st.app, &s.ctx, id).await {
        Ok(v) => {
            let status = status_for(&errors);
            let title = handoff_i18n::Texts::staff_en()
                .t_with("hold-title", &[("reference", (&v.reference).into())]);
            render(
                status,
                &HoldPage {
                    layout: Layout::new(title, s, notice),
                    v,
                    errors,
                    input,
                },
            )
        }
        Err(e) => error_for(s, &e),
    }
}

pub async fn hold(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    hold_page(
        &st,
        &s,
        id,
        q.get("notice"),
        FieldErrors::new(),
        HoldDecisionInput::default(),
    )
    .await
}

impl FromFields for HoldDecisionInput {
    fn from_fields(f: &mut Fields) -> Self {
        HoldDecisionInput {
            decision: f.get("decision"),
            reason: f.get("reason"),
            new_deadline: f.get("new_deadline"),
        }
    }
}

pub async fn hold_decide(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<HoldDecisionInput>,
) -> Response {
    let r = form
        .run(async |v| holds::decide(&st.app, &form.s.ctx, id, v, None).await)
        .await;
    let Input { s, v: input, .. } = form;
    match r {
        Ok(()) => see_other(&format!("/holds/{id}?notice=decision")),
        Err(e) => match form_errors(e) {
            Ok(errors) => hold_page(&st, &s, id, None, errors, input).await,
            Err(e) => error_for(&s, &e),
        },
    }
}
