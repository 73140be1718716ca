//! What the slip says of each organization that receives referrals, in every language in
//! force (ADR 0018): kept by those who keep the directory.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use handoff_app::org_texts::{self, OrgTextsInput, Translation};
use handoff_domain::FieldErrors;
use handoff_storage::OrgRow;
use std::collections::HashMap;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Session;
use crate::kit::forms::{Fields, FromFields};
use crate::kit::page::{Input, error_for, form_errors};
use crate::kit::render::{Layout, render, see_other, staff, status_for};

#[derive(Template)]
#[template(path = "org_texts.html")]
struct ListPage {
    layout: Layout,
    orgs: Vec<OrgRow>,
}

/// One language's texts on the form: code, the language's own name, and the texts.
struct LangTexts {
    index: usize,
    code: String,
    name: String,
    hours: String,
    bring: String,
}

#[derive(Template)]
#[template(path = "org_text.html")]
struct EditPage {
    layout: Layout,
    org: OrgRow,
    typed: OrgTextsInput,
    languages: Vec<LangTexts>,
    errors: FieldErrors,
}

impl EditPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn lang_err(&self, what: &str, code: &str) -> String {
        self.err(&org_texts::field(what, code))
    }
}

pub(crate) struct TextsForm(OrgTextsInput);

impl FromFields for TextsForm {
    fn from_fields(f: &mut Fields) -> Self {
        let translations = f
            .indexed("t")
            .into_values()
            .map(|mut m| Translation {
                language: m.remove("language").unwrap_or_default(),
                hours: m.remove("hours").unwrap_or_default(),
                what_to_bring: m.remove("bring").unwrap_or_default(),
            })
            .collect();
        TextsForm(OrgTextsInput {
            address: f.get("address"),
            phone: f.get("phone"),
            hours: f.get("hours"),
            what_to_bring: f.get("what_to_bring"),
            translations,
        })
    }
}

pub async fn list(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match org_texts::list(&st.app, &s.ctx).await {
        Ok(orgs) => render(
            axum::http::StatusCode::OK,
            &ListPage {
                layout: Layout::new(staff("org-texts-title"), &s, q.get("notice")),
                orgs,
            },
        ),
        Err(e) => error_for(&s, &e),
    }
}

async fn edit_page(
    st: &AppState,
    s: &Session,
    id: Uuid,
    typed: Option<OrgTextsInput>,
    errors: FieldErrors,
) -> Response {
    let current = match org_texts::view(&st.app, &s.ctx, id).await {
        Ok(c) => c,
        Err(e) => return error_for(s, &e),
    };
    let texts = st.app.texts();
    // What was typed survives a refusal; else what is kept.
    let typed = typed.unwrap_or_else(|| OrgTextsInput {
        address: current.org.address.clone(),
        phone: current.org.phone.clone(),
        hours: current.org.hours.clone(),
        what_to_bring: current.org.what_to_bring.clone(),
        translations: current
            .texts
            .iter()
            .map(|t| Translation {
                language: t.language.clone(),
                hours: t.hours.clone(),
                what_to_bring: t.what_to_bring.clone(),
            })
            .collect(),
    });
    let languages = texts
        .languages()
        .filter(|c| c.code != "en")
        .enumerate()
        .map(|(index, c)| {
            let t = typed.translations.iter().find(|t| t.language == c.code);
            LangTexts {
                index,
                code: c.code.clone(),
                name: c.name.clone(),
                hours: t.map(|t| t.hours.clone()).unwrap_or_default(),
                bring: t.map(|t| t.what_to_bring.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let title = handoff_i18n::Texts::staff_en().t_with(
        "org-text-title",
        &[("org", current.org.name.as_str().into())],
    );
    render(
        status_for(&errors),
        &EditPage {
            layout: Layout::new(title, s, None),
            org: current.org,
            typed,
            languages,
            errors,
        },
    )
}

pub async fn edit(State(st): State<AppState>, s: Session, Path(id): Path<Uuid>) -> Response {
    edit_page(&st, &s, id, None, FieldErrors::new()).await
}

pub async fn save(
    State(st): State<AppState>,
    Path(id): Path<Uuid>,
    form: Input<TextsForm>,
) -> Response {
    let r = form
        .run(async |v| org_texts::save(&st.app, &form.s.ctx, id, &v.0).await)
        .await;
    let Input { s, v, .. } = form;
    match r {
        Ok(()) => see_other("/directory/organizations?notice=org_texts"),
        Err(e) => match form_errors(e) {
            Ok(errors) => edit_page(&st, &s, id, Some(v.0), errors).await,
            Err(e) => error_for(&s, &e),
        },
    }
}
