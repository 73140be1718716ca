//! Eligibility rules for coordinators (issue 4): the version in force as a file to edit,
//! a dry run against the latest encounters, saving as a new version, and the file to
//! download.
use crate::kit::render::said;
use handoff_domain::Coded;
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use handoff_app::AppError;
use handoff_app::rules::{self, DryRun};
use std::collections::BTreeMap;

use handoff_domain::eligibility::Attestation;
use handoff_domain::{FieldErrors, Pathway, rules_file};

use crate::AppState;
use crate::auth::Session;
use crate::kit::forms::Fields;
use crate::kit::forms::FromFields;
use crate::kit::page::{Input, error_for, form_errors};
use crate::kit::render::{Layout, render, see_other, staff, status_for};

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    layout: Layout,
    version: i64,
    /// The version a save makes (after any saved for later).
    next_version: i64,
    /// Versions saved to take effect later: (version, first day).
    scheduled: Vec<(i64, chrono::NaiveDate)>,
    text: String,
    /// The per-field form's values (as typed after an error).
    fields: BTreeMap<String, String>,
    dry: Option<DryRun>,
    errors: FieldErrors,
    /// The file editor is open (it was used, or has an error).
    file_open: bool,
}

impl RulesPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn fv(&self, key: &str) -> &str {
        self.fields.get(key).map(String::as_str).unwrap_or("")
    }
    fn pk(&self, p: &Pathway, key: &str) -> String {
        format!("pathways.{}.{key}", p.as_str())
    }
    fn att_checked(&self, key: &str, code: &str) -> &'static str {
        if self.fv(key).split(',').any(|c| c.trim() == code) {
            "checked"
        } else {
            ""
        }
    }
    fn attestations(&self) -> Vec<(&'static str, String)> {
        Attestation::ALL
            .iter()
            .map(|a| (a.as_str(), said(*a)))
            .collect()
    }
    /// The pathways without a charge, each with its own rules.
    fn other_pathways(&self) -> Vec<Pathway> {
        Pathway::ALL
            .iter()
            .copied()
            .filter(|p| *p != Pathway::OfficerIntervention)
            .collect()
    }
    /// Rows of drug type limits: the written ones and a few blank.
    fn limit_rows(&self) -> Vec<usize> {
        let n = self
            .fields
            .keys()
            .filter(|k| k.ends_with("].drug_type"))
            .count();
        (0..n + rules_file::BLANK_LIMIT_ROWS).collect()
    }
    fn lk(&self, i: &usize, key: &str) -> String {
        format!("drug_limits[{i}].{key}")
    }
}

/// What the user typed on the rules page: the file, or the per-field form.
enum Typed {
    Nothing,
    File(String),
    Fields(BTreeMap<String, String>),
}

async fn page(
    st: &AppState,
    s: &Session,
    notice: Option<&String>,
    typed: Typed,
    dry: Option<DryRun>,
    errors: FieldErrors,
) -> Response {
    let (version, current) = match rules::current_file(&st.app, &s.ctx).await {
        Ok(x) => x,
        Err(e) => return error_for(s, &e),
    };
    let current_fields = match rules::current_fields(&st.app, &s.ctx).await {
        Ok(x) => x,
        Err(e) => return error_for(s, &e),
    };
    let scheduled = match rules::scheduled(&st.app, &s.ctx).await {
        Ok(x) => x,
        Err(e) => return error_for(s, &e),
    };
    let status = status_for(&errors);
    let (text, fields, file_open) = match typed {
        Typed::Nothing => (current, current_fields, false),
        Typed::File(t) => (t, current_fields, true),
        Typed::Fields(f) => (current, f, false),
    };
    render(
        status,
        &RulesPage {
            layout: Layout::new(staff("rules-title"), s, notice),
            next_version: scheduled.iter().map(|(v, _)| *v).max().unwrap_or(version) + 1,
            scheduled,
            version,
            file_open: file_open || !errors.get("file").unwrap_or("").is_empty(),
            text,
            fields,
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
    page(
        &st,
        &s,
        q.get("notice"),
        Typed::Nothing,
        None,
        FieldErrors::new(),
    )
    .await
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

/// The rules file as typed, and the day it should take effect.
pub(crate) struct RulesFile {
    text: String,
    effective_on: String,
    /// The latest version when the page was shown: a save over a newer one is refused.
    based_on: String,
}

impl FromFields for RulesFile {
    fn from_fields(f: &mut Fields) -> Self {
        RulesFile {
            text: f.get("file"),
            effective_on: f.get("effective_on"),
            based_on: f.get("based_on"),
        }
    }
}

/// Where a save goes: back to the page, saying when the version takes effect.
fn saved(later: Option<chrono::NaiveDate>) -> Response {
    match later {
        None => see_other("/rules?notice=rules"),
        Some(_) => see_other("/rules?notice=rules_later"),
    }
}

pub async fn dry_run(State(st): State<AppState>, form: Input<RulesFile>) -> Response {
    if let Err(e) = form.unknown() {
        return error_for(&form.s, &e);
    }
    let Input { s, v, .. } = form;
    let text = v.text;
    match rules::dry_run(&st.app, &s.ctx, &text).await {
        Ok(d) => {
            page(
                &st,
                &s,
                None,
                Typed::File(text),
                Some(d),
                FieldErrors::new(),
            )
            .await
        }
        Err(e) => match form_errors(e) {
            Ok(errors) => page(&st, &s, None, Typed::File(text), None, errors).await,
            Err(e) => error_for(&s, &e),
        },
    }
}

pub async fn save(State(st): State<AppState>, form: Input<RulesFile>) -> Response {
    if let Err(e) = form.unknown() {
        return error_for(&form.s, &e);
    }
    let Input { s, v, .. } = form;
    let (text, effective_on) = (v.text, v.effective_on);
    match rules::save(&st.app, &s.ctx, &text, &effective_on, &v.based_on).await {
        Ok((_, later)) => saved(later),
        Err(e) => match form_errors(e) {
            Ok(errors) => page(&st, &s, None, Typed::File(text), None, errors).await,
            Err(e) => error_for(&s, &e),
        },
    }
}

/// The per-field form as the map `rules_file::from_fields` reads: every known name, the
/// checkbox lists joined, the drug limit rows renumbered from 0.
fn fields_of(f: &mut crate::kit::forms::Fields) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for key in rules_file::to_fields(&handoff_domain::eligibility::Rules::default()).keys() {
        if key.starts_with("drug_limits[") {
            continue;
        }
        let v = if key.ends_with("required_attestations") {
            f.all(key).join(",")
        } else {
            f.get(key)
        };
        out.insert(key.clone(), v);
    }
    for (i, (_, row)) in f.indexed("drug_limits").into_iter().enumerate() {
        for k in [
            "drug_type",
            "max_grams",
            "max_milliliters",
            "max_dosage_units",
        ] {
            out.insert(
                format!("drug_limits[{i}].{k}"),
                row.get(k).cloned().unwrap_or_default(),
            );
        }
    }
    out
}

/// The per-field rules form as typed: every field, a dry run or a save, and the day.
pub(crate) struct RulesFields {
    fields: BTreeMap<String, String>,
    intent: String,
    effective_on: String,
    based_on: String,
}

impl FromFields for RulesFields {
    fn from_fields(f: &mut Fields) -> Self {
        RulesFields {
            fields: fields_of(f),
            intent: f.get("intent"),
            effective_on: f.get("effective_on"),
            based_on: f.get("based_on"),
        }
    }
}

/// The per-field form: a dry run or a save, through the same path as the file.
pub async fn save_fields(State(st): State<AppState>, form: Input<RulesFields>) -> Response {
    let unknown = form.unknown();
    let Input { s, v, .. } = form;
    let RulesFields {
        mut fields,
        intent,
        effective_on,
        based_on,
    } = v;
    // The typed day is shown again with the form.
    fields.insert("effective_on".into(), effective_on.clone());
    if let Err(AppError::Invalid(e)) = unknown {
        return page(&st, &s, None, Typed::Fields(fields), None, e).await;
    }
    let text = match rules::file_from_fields(&st.app, &fields) {
        Ok(t) => t,
        Err(e) => return fields_error(&st, &s, fields, e).await,
    };
    if intent == "dry_run" {
        match rules::dry_run(&st.app, &s.ctx, &text).await {
            Ok(d) => {
                page(
                    &st,
                    &s,
                    None,
                    Typed::Fields(fields),
                    Some(d),
                    FieldErrors::new(),
                )
                .await
            }
            Err(e) => fields_error(&st, &s, fields, e).await,
        }
    } else {
        match rules::save(&st.app, &s.ctx, &text, &effective_on, &based_on).await {
            Ok((_, later)) => saved(later),
            Err(e) => fields_error(&st, &s, fields, e).await,
        }
    }
}

async fn fields_error(
    st: &AppState,
    s: &Session,
    fields: BTreeMap<String, String>,
    e: AppError,
) -> Response {
    match form_errors(e) {
        Ok(errors) => page(st, s, None, Typed::Fields(fields), None, errors).await,
        Err(e) => error_for(s, &e),
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
    fn summary(&self, p: &handoff_domain::Pathway) -> String {
        staff(handoff_domain::pathways::spec(*p).summary)
    }
    fn starters(&self, p: &handoff_domain::Pathway) -> String {
        handoff_domain::pathways::spec(*p)
            .started_by
            .iter()
            .map(|k| said(*k))
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
            layout: Layout::new(staff("pathways-title"), s, notice),
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

/// The pathways ticked.
pub(crate) struct PathwaysForm(Vec<String>);

impl FromFields for PathwaysForm {
    fn from_fields(f: &mut Fields) -> Self {
        PathwaysForm(f.all("pathways"))
    }
}

pub async fn save_pathways(State(st): State<AppState>, form: Input<PathwaysForm>) -> Response {
    let r = form
        .run(async |v| rules::set_pathways(&st.app, &form.s.ctx, &v.0).await)
        .await;
    let Input { s, v, .. } = form;
    let chosen = v.0;
    match r {
        Ok(()) => see_other("/pathways?notice=pathways"),
        Err(e) => match form_errors(e) {
            Ok(errors) => pathways_page(&st, &s, None, Some(chosen), errors).await,
            Err(e) => error_for(&s, &e),
        },
    }
}
