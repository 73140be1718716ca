//! The administrator's webhooks page (ADR 0020): which partner systems are told of their
//! referrals, how the latest message to each went, adding one (its secret shown once),
//! testing and stopping one.
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono_tz::Tz;
use handoff_app::webhooks::{self, Endpoints};
use handoff_domain::FieldErrors;
use std::collections::HashMap;

use crate::AppState;
use crate::auth::Session;
use crate::error::Id;
use crate::kit::forms::{Fields, FromFields, NoteForm};
use crate::kit::page::{Input, error_for, form_errors};
use crate::kit::render::{Fmt, Layout, render, see_other, staff, status_for};

#[derive(Template)]
#[template(path = "webhooks.html")]
struct WebhooksPage {
    layout: Layout,
    v: Endpoints,
    tz: Tz,
    typed: EndpointForm,
    errors: FieldErrors,
    /// The secret of the endpoint just added: shown this once.
    secret: Option<String>,
}

impl Fmt for WebhooksPage {
    fn tz(&self) -> Tz {
        self.tz
    }
}

impl WebhooksPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
}

#[derive(Default)]
pub(crate) struct EndpointForm {
    organization: String,
    url: String,
}

impl FromFields for EndpointForm {
    fn from_fields(f: &mut Fields) -> Self {
        EndpointForm {
            organization: f.get("organization"),
            url: f.get("url"),
        }
    }
}

async fn page(
    st: &AppState,
    s: &Session,
    notice: Option<&String>,
    typed: EndpointForm,
    errors: FieldErrors,
    secret: Option<String>,
) -> Response {
    let tz = crate::kit::page::program_tz(st, &s.ctx).await;
    match webhooks::list(&st.app, &s.ctx).await {
        Ok(v) => render(
            status_for(&errors),
            &WebhooksPage {
                layout: Layout::new(staff("webhooks-title"), s, notice),
                v,
                tz,
                typed,
                errors,
                secret,
            },
        ),
        Err(e) => error_for(s, &e),
    }
}

pub async fn show(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    page(
        &st,
        &s,
        q.get("notice"),
        EndpointForm::default(),
        FieldErrors::new(),
        None,
    )
    .await
}

pub async fn add(State(st): State<AppState>, form: Input<EndpointForm>) -> Response {
    let r = form
        .run(async |v| webhooks::add(&st.app, &form.s.ctx, &v.organization, &v.url).await)
        .await;
    let Input { s, v, .. } = form;
    match r {
        Ok(secret) => {
            page(
                &st,
                &s,
                None,
                EndpointForm::default(),
                FieldErrors::new(),
                Some(secret),
            )
            .await
        }
        Err(e) => match form_errors(e) {
            Ok(errors) => page(&st, &s, None, v, errors, None).await,
            Err(e) => error_for(&s, &e),
        },
    }
}

pub async fn test(State(st): State<AppState>, Id(id): Id, form: Input<NoteForm>) -> Response {
    let r = form
        .run(async |_| webhooks::test(&st.app, &form.s.ctx, id).await)
        .await;
    match r {
        Ok(()) => see_other("/admin/webhooks?notice=test_sent"),
        Err(e) => error_for(&form.s, &e),
    }
}

pub async fn disable(State(st): State<AppState>, Id(id): Id, form: Input<NoteForm>) -> Response {
    let r = form
        .run(async |_| webhooks::disable(&st.app, &form.s.ctx, id).await)
        .await;
    match r {
        Ok(()) => see_other("/admin/webhooks?notice=webhook_stopped"),
        Err(e) => error_for(&form.s, &e),
    }
}
