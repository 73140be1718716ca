//! The officer's choice of services (issue 15, ADR 0017): the person's needs, the services
//! that fit them ranked with reasons, and referrals to several at once. The phone's
//! position orders the list and is never stored.
use crate::kit::render::said;
use handoff_domain::Coded;
use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono_tz::Tz;
use handoff_app::directory::refer::{self, Choices, ServiceReferralInput};
use handoff_domain::FieldErrors;
use handoff_domain::directory::choose::Suggestion;
use handoff_domain::directory::hours::Hours;
use handoff_domain::needs::{self, AHC, Needs, Problem, Question};
use uuid::Uuid;

use crate::AppState;
use crate::auth::Session;
use crate::error::Id;
use crate::kit::forms::{Fields, FromFields};
use crate::kit::page::{Input, error_for, form_errors};
use crate::kit::render::{Fmt, Layout, render, see_other, staff};

/// Languages offered for the person (ISO 639-1), most common in US programs first; each
/// named by the staff catalogue (`services-language-` and its code, `none` for not asked).
const LANGUAGES: &[&str] = &[
    "", "en", "es", "zh", "vi", "ar", "fr", "ht", "ko", "pl", "ru", "tl", "asl",
];

/// The needs and position as typed (query or form).
#[derive(Debug, Clone, Default)]
pub struct NeedsForm {
    pub problems: Vec<String>,
    pub answers: BTreeMap<String, Vec<String>>,
    pub language: String,
    pub lat: String,
    pub lon: String,
}

impl NeedsForm {
    fn from_pairs(pairs: &[(String, String)]) -> NeedsForm {
        let mut f = NeedsForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "problems" => f.problems.push(v.clone()),
                "language" => f.language = v.clone(),
                "lat" => f.lat = v.clone(),
                "lon" => f.lon = v.clone(),
                q if q.starts_with("ahc") => {
                    f.answers.entry(q.to_string()).or_default().push(v.clone())
                }
                _ => {}
            }
        }
        f
    }

    fn read(f: &mut Fields) -> NeedsForm {
        NeedsForm {
            problems: f.all("problems"),
            answers: AHC
                .iter()
                .map(|q| (q.id.to_string(), f.all(q.id)))
                .filter(|(_, v)| !v.is_empty())
                .collect(),
            language: f.get("language"),
            lat: f.get("lat"),
            lon: f.get("lon"),
        }
    }

    /// The position, if one was given and reads as one.
    fn here(&self, errors: &mut FieldErrors) -> Option<(f64, f64)> {
        if self.lat.trim().is_empty() && self.lon.trim().is_empty() {
            return None;
        }
        match (
            self.lat.trim().parse::<f64>(),
            self.lon.trim().parse::<f64>(),
        ) {
            (Ok(la), Ok(lo)) if (-90.0..=90.0).contains(&la) && (-180.0..=180.0).contains(&lo) => {
                Some((la, lo))
            }
            _ => {
                errors.add("lat", staff("err-ui-services-position"));
                None
            }
        }
    }

    fn language(&self, errors: &mut FieldErrors) -> Option<String> {
        match self.language.trim() {
            "" => None,
            l if LANGUAGES.contains(&l) => Some(l.to_string()),
            _ => {
                errors.add("language", staff("err-ui-services-language"));
                None
            }
        }
    }
}

pub struct ServicesForm {
    needs: NeedsForm,
    chosen: Chosen,
}

/// What was chosen on the page: the services ticked, the handoff, the release.
#[derive(Default)]
pub struct Chosen {
    service_ids: Vec<String>,
    handoff_mode: String,
    release_signed_name: String,
    release_confirmed: String,
}

impl FromFields for ServicesForm {
    fn from_fields(f: &mut Fields) -> Self {
        ServicesForm {
            needs: NeedsForm::read(f),
            chosen: Chosen {
                service_ids: f.all("service_ids"),
                handoff_mode: f.get("handoff_mode"),
                release_signed_name: f.get("release_signed_name"),
                release_confirmed: f.get("release_confirmed"),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "services.html")]
struct ServicesPage {
    layout: Layout,
    id: Uuid,
    tz: Tz,
    choices: Option<Choices>,
    typed: NeedsForm,
    chosen: Chosen,
    errors: FieldErrors,
    position_js: &'static str,
}

impl Fmt for ServicesPage {
    fn tz(&self) -> Tz {
        self.tz
    }
}

impl ServicesPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn problems(&self) -> &'static [Problem] {
        Problem::ALL
    }
    fn questions(&self) -> &'static [Question] {
        AHC
    }
    fn languages(&self) -> Vec<(&'static str, String)> {
        LANGUAGES
            .iter()
            .map(|c| {
                let key = if c.is_empty() { "none" } else { c };
                (*c, staff(&format!("services-language-{key}")))
            })
            .collect()
    }
    /// The ranking rule's criteria in order: "a, then b, then c".
    fn ranked_by(&self, c: &Choices) -> String {
        let texts = handoff_i18n::Texts::staff_en();
        c.rule
            .0
            .iter()
            .rev()
            .map(|k| said(*k))
            .reduce(|rest, first| {
                texts.t_with(
                    "services-rank-then",
                    &[("first", first.into()), ("rest", rest.into())],
                )
            })
            .unwrap_or_default()
    }
    fn has_problem(&self, p: &Problem) -> &'static str {
        if self.typed.problems.iter().any(|x| x == p.as_str()) {
            "checked"
        } else {
            ""
        }
    }
    fn answered(&self, q: &Question, a: &str) -> &'static str {
        if self
            .typed
            .answers
            .get(q.id)
            .is_some_and(|v| v.iter().any(|x| x == a))
        {
            "checked"
        } else {
            ""
        }
    }
    fn any_answer(&self) -> bool {
        !self.typed.answers.is_empty()
    }
    fn lang_sel(&self, code: &str) -> &'static str {
        if self.typed.language == code {
            "selected"
        } else {
            ""
        }
    }
    fn is_chosen(&self, s: &Suggestion) -> &'static str {
        if self.chosen.service_ids.contains(&s.service_id.to_string()) {
            "checked"
        } else {
            ""
        }
    }
    fn mode(&self, m: &str) -> &'static str {
        if self.chosen.handoff_mode == m {
            "checked"
        } else {
            ""
        }
    }
    fn hidden_answers(&self) -> Vec<(String, String)> {
        self.typed
            .answers
            .iter()
            .flat_map(|(k, v)| v.iter().map(move |a| (k.clone(), a.clone())))
            .collect()
    }
    fn hours_class(&self, s: &Suggestion) -> &'static str {
        match s.hours {
            Hours::Open { .. } => "good",
            Hours::Closed { .. } => "bad",
            Hours::Unknown => "warn",
        }
    }
    /// Not a treatment service: referring there needs the person's release.
    fn needs_release(&self, s: &Suggestion) -> bool {
        handoff_domain::directory::needs_release(&s.types)
    }
    fn any_needs_release(&self) -> bool {
        self.choices
            .as_ref()
            .is_some_and(|c| c.suggestions.iter().any(|s| self.needs_release(s)))
    }
    /// The release, in the person's language.
    fn release_text(&self) -> String {
        self.choices.as_ref().map_or_else(String::new, |c| {
            c.lang
                .t_with("release-agree", &[("agency", (&c.agency).into())])
        })
    }
    fn release_open(&self) -> bool {
        !self.err("release_signed_name").is_empty()
            || !self.err("release_confirmed").is_empty()
            || !self.chosen.release_signed_name.is_empty()
    }
    fn any_fits(&self) -> bool {
        self.choices
            .as_ref()
            .is_some_and(|c| c.suggestions.iter().any(Suggestion::fits))
    }
    fn needs_label(&self, n: &Needs) -> String {
        let mut parts: Vec<String> = n.problems.iter().map(|p| said(*p)).collect();
        parts.extend(n.positive.iter().map(|d| said(*d)));
        if parts.is_empty() {
            staff("services-needs-none")
        } else {
            parts.join(", ")
        }
    }
}

async fn page(
    st: &AppState,
    s: &Session,
    id: Uuid,
    (typed, chosen): (NeedsForm, Chosen),
    mut errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let here = typed.here(&mut errors);
    let language = typed.language(&mut errors);
    let needs = match needs::evaluate(&typed.problems, &typed.answers) {
        Ok(n) => n,
        Err(e) => {
            for f in e.0 {
                errors.add(f.field, f.message);
            }
            Needs::default()
        }
    };
    let choices = match refer::choices(&st.app, &s.ctx, id, &needs, language, here).await {
        Ok(c) => c,
        Err(e) => return error_for(s, &e),
    };
    render(
        status,
        &ServicesPage {
            layout: Layout::new(staff("services-title"), s, None),
            id,
            tz: choices.tz,
            choices: Some(choices),
            typed,
            chosen,
            errors,
            position_js: crate::assets::js_path(),
        },
    )
}

pub async fn show(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    page(
        &st,
        &s,
        id,
        (
            NeedsForm::from_pairs(&q),
            Chosen {
                handoff_mode: "warm".into(),
                ..Chosen::default()
            },
        ),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn refer(State(st): State<AppState>, Id(id): Id, form: Input<ServicesForm>) -> Response {
    let r = form
        .run(async |v| {
            let input = ServiceReferralInput {
                service_ids: v.chosen.service_ids.clone(),
                handoff_mode: v.chosen.handoff_mode.clone(),
                problems: v.needs.problems.clone(),
                answers: v.needs.answers.clone(),
                release_signed_name: v.chosen.release_signed_name.clone(),
                release_confirmed: v.chosen.release_confirmed.clone(),
            };
            refer::refer(&st.app, &form.s.ctx, id, &input).await
        })
        .await;
    let Input { s, v, .. } = form;
    match r {
        Ok(done) => {
            let held = done.iter().filter(|d| d.held_until.is_some()).count();
            see_other(&format!(
                "/encounters/{id}?notice=services_{}_{held}",
                done.len()
            ))
        }
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                page(
                    &st,
                    &s,
                    id,
                    (v.needs, v.chosen),
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            Err(e) => error_for(&s, &e),
        },
    }
}
