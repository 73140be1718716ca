//! The program's list of safety flag kinds (ADR 0021), kept by its coordinators and
//! administrators: each kind's audience and what messages do for it.
use crate::kit::render::said;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use handoff_domain::FieldErrors;
use handoff_domain::flags::{Audience, Obey};
use handoff_storage::FlagKindRow;
use std::collections::HashMap;

use crate::AppState;
use crate::auth::Session;
use crate::kit::forms::{Fields, FromFields};
use crate::kit::page::{Input, error_for, form_errors};
use crate::kit::render::{Layout, render, see_other, staff, status_for};

#[derive(Template)]
#[template(path = "flag_kinds.html")]
struct KindsPage {
    layout: Layout,
    kinds: Vec<FlagKindRow>,
    typed: KindForm,
    errors: FieldErrors,
}

impl KindsPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn audiences(&self) -> Vec<(&'static str, String)> {
        Audience::ALL
            .iter()
            .map(|a| (a.as_str(), said(*a)))
            .collect()
    }
    fn obeys(&self) -> Vec<(&'static str, String)> {
        Obey::ALL.iter().map(|o| (o.as_str(), said(*o))).collect()
    }
    fn audience_label(&self, code: &str) -> String {
        Audience::parse(code).map(said).unwrap_or_default()
    }
    fn obey_label(&self, code: &str) -> String {
        Obey::parse(code).map(said).unwrap_or_default()
    }
}

#[derive(Default)]
pub(crate) struct KindForm {
    label: String,
    audience: String,
    obey: String,
}

impl FromFields for KindForm {
    fn from_fields(f: &mut Fields) -> Self {
        KindForm {
            label: f.get("label"),
            audience: f.get("audience"),
            obey: f.get("obey"),
        }
    }
}

pub(crate) struct CodeForm(String);

impl FromFields for CodeForm {
    fn from_fields(f: &mut Fields) -> Self {
        CodeForm(f.get("code"))
    }
}

async fn page(
    st: &AppState,
    s: &Session,
    notice: Option<&String>,
    typed: KindForm,
    errors: FieldErrors,
) -> Response {
    match handoff_app::flags::kinds(&st.app, &s.ctx).await {
        Ok(kinds) => render(
            status_for(&errors),
            &KindsPage {
                layout: Layout::new(staff("flag-kinds-title"), s, notice),
                kinds,
                typed,
                errors,
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
        KindForm::default(),
        FieldErrors::new(),
    )
    .await
}

pub async fn add(State(st): State<AppState>, form: Input<KindForm>) -> Response {
    let r = form
        .run(async |v| {
            handoff_app::flags::add_kind(&st.app, &form.s.ctx, &v.label, &v.audience, &v.obey).await
        })
        .await;
    let Input { s, v, .. } = form;
    match r {
        Ok(()) => see_other("/admin/flags?notice=flags"),
        Err(e) => match form_errors(e) {
            Ok(errors) => page(&st, &s, None, v, errors).await,
            Err(e) => error_for(&s, &e),
        },
    }
}

pub async fn retire(State(st): State<AppState>, form: Input<CodeForm>) -> Response {
    let r = form
        .run(async |v| handoff_app::flags::retire_kind(&st.app, &form.s.ctx, &v.0).await)
        .await;
    match r {
        Ok(()) => see_other("/admin/flags?notice=flags"),
        Err(e) => error_for(&form.s, &e),
    }
}
