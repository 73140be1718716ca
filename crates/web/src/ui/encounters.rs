//! The responder's encounters: the list, the entry form (with the person search) and
//! recording one.
use crate::kit::render::said;
use handoff_domain::Coded;
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono_tz::Tz;
use handoff_app::encounters::{EncounterFormData, ParticipantMatch};
use handoff_app::{AppError, encounters};
use handoff_domain::eligibility::Attestation;
use handoff_domain::input::{EncounterInput, FactsInput, MAX_OFFENSES, OffenseInput, parse_date};
use handoff_domain::{
    ContactKind, Ethnicity, FieldErrors, OutreachSource, Pathway, Race, Role, Sex,
};
use handoff_storage::EncounterListRow;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Session;
use crate::kit::forms::Fields;
use crate::kit::forms::FromFields;
use crate::kit::page::{Input, error_for, program_tz};
use crate::kit::render::{Fmt, Layout, pairs, render, see_other, sel, staff, status_for};

#[derive(Template)]
#[template(path = "encounters.html")]
pub(crate) struct EncountersPage {
    layout: Layout,
    rows: Vec<EncounterListRow>,
    pager: crate::kit::page::Pager,
    tz: Tz,
    supervisor: bool,
}

impl Fmt for EncountersPage {
    fn tz(&self) -> Tz {
        self.tz
    }
}

impl EncountersPage {
    fn pathway(&self, r: &EncounterListRow) -> String {
        Pathway::parse(&r.pathway).map(said).unwrap_or_default()
    }
    fn status(&self, r: &EncounterListRow) -> String {
        encounters::list_status(r)
    }
}

pub async fn encounters(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let page = match crate::kit::page::list_page(&q, 100) {
        Ok(p) => p,
        Err(e) => return error_for(&s, &e),
    };
    let (rows, pager) = match encounters::my_encounters(&st.app, &s.ctx, page).await {
        Ok(r) => (
            r.rows,
            crate::kit::page::Pager::new("/encounters", &q, r.next),
        ),
        Err(e) => return error_for(&s, &e),
    };
    let tz = program_tz(&st, &s.ctx).await;
    let supervisor = s.ctx.actor.has_role(Role::Supervisor);
    render(
        StatusCode::OK,
        &EncountersPage {
            layout: Layout::new(
                staff(if supervisor {
                    "encounters-title-agency"
                } else {
                    "encounters-title-mine"
                }),
                &s,
                q.get("notice"),
            ),
            rows,
            pager,
            tz,
            supervisor,
        },
    )
}

#[derive(Template)]
#[template(path = "encounter_new.html")]
pub(crate) struct NewEncounterPage {
    layout: Layout,
    form: EncounterFormData,
    input: EncounterInput,
    errors: FieldErrors,
    q: String,
    dob: String,
    searched: bool,
    matches: Vec<ParticipantMatch>,
    chosen: Option<ParticipantMatch>,
    idem_key: String,
    sexes: Vec<(&'static str, &'static str)>,
    races: Vec<(&'static str, &'static str)>,
    ethnicities: Vec<(&'static str, &'static str)>,
    attestations: Vec<(&'static str, &'static str)>,
    /// The languages in force: (code, own name).
    languages: Vec<(String, String)>,
}

impl NewEncounterPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    /// Whether this pathway's form has a section (`pathways::Section::as_str`).
    fn has(&self, section: &str) -> bool {
        self.form
            .spec
            .sections
            .iter()
            .any(|s| s.as_str() == section)
    }
    fn fsel(&self, a: &str, b: &str) -> &'static str {
        if a == b { "checked" } else { "" }
    }
    fn contact_kinds(&self) -> Vec<(&'static str, &'static str)> {
        pairs(ContactKind::ALL, ContactKind::as_str, ContactKind::label)
    }
    fn outreach_sources(&self) -> Vec<(&'static str, &'static str)> {
        pairs(
            OutreachSource::ALL,
            OutreachSource::as_str,
            OutreachSource::label,
        )
    }
    /// The search link keeps the pathway.
    fn pathway_code(&self) -> &'static str {
        self.form.pathway.as_str()
    }
    fn oerr(&self, i: &usize, field: &str) -> String {
        self.err(&format!("offenses[{i}].{field}"))
    }
    fn sel(&self, a: &str, b: &str) -> &'static str {
        sel(a, b)
    }
    fn attested(&self, code: &str) -> &'static str {
        if self.input.attestations.iter().any(|a| a == code) {
            "checked"
        } else {
            ""
        }
    }
    fn existing_id(&self) -> String {
        self.errors
            .get("existing_participant_id")
            .unwrap_or("")
            .to_string()
    }
}

/// The participant search on the encounter form: the name typed, the birth date, and
/// whether to run it.
pub(crate) struct Search {
    q: String,
    dob: String,
    searched: bool,
}

pub(crate) async fn new_encounter_page(
    st: &AppState,
    s: &Session,
    input: EncounterInput,
    errors: FieldErrors,
    search: Search,
    notice: Option<&String>,
) -> Response {
    let Search { q, dob, searched } = search;
    let form = match encounters::encounter_form(&st.app, &s.ctx, &input.pathway).await {
        Ok(f) => f,
        Err(e) => return error_for(s, &e),
    };
    let mut input = input;
    if input.occurred_at.is_empty() {
        input.occurred_at = form.now_local.clone();
    }
    input.pathway = form.pathway.as_str().to_string();
    while form.spec.charges && input.offenses.len() < MAX_OFFENSES {
        input.offenses.push(OffenseInput::default());
    }
    let mut search_errors = FieldErrors::new();
    let matches = if searched {
        let dob_date = parse_date(&dob);
        match encounters::search_participants(&st.app, &s.ctx, &q, dob_date).await {
            Ok(m) => m,
            Err(AppError::Invalid(e)) => {
                search_errors = e;
                vec![]
            }
            Err(e) => return error_for(s, &e),
        }
    } else {
        vec![]
    };
    let chosen = if input.participant_id.is_empty() {
        None
    } else {
        // The chosen person is shown by name: searched again by id among the matches.
        matches
            .iter()
            .find(|m| m.id.to_string() == input.participant_id)
            .cloned()
    };
    let mut errors = errors;
    errors.0.extend(search_errors.0);
    let status = status_for(&errors);
    // Only what the program's rules ask for.
    let attestations = pairs(&form.attestations, Attestation::as_str, Attestation::label);
    render(
        status,
        &NewEncounterPage {
            layout: Layout::new(
                handoff_i18n::Texts::staff_en().t_with(
                    "encounter-new-title",
                    &[("pathway", said(form.pathway).into())],
                ),
                s,
                notice,
            ),
            form,
            input,
            errors,
            q,
            dob,
            searched,
            matches,
            chosen,
            idem_key: Uuid::now_v7().to_string(),
            sexes: pairs(Sex::ALL, Sex::as_str, Sex::label),
            races: pairs(Race::ALL, Race::as_str, Race::label),
            ethnicities: pairs(Ethnicity::ALL, Ethnicity::as_str, Ethnicity::label),
            attestations,
            languages: language_choices(&st.app),
        },
    )
}

pub async fn encounter_new(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let query = q.get("q").cloned().unwrap_or_default();
    let dob = q.get("dob").cloned().unwrap_or_default();
    let mut input = EncounterInput::default();
    if let Some(p) = q.get("participant") {
        input.participant_id = p.clone();
    }
    if let Some(p) = q.get("pathway") {
        input.pathway = p.clone();
    }
    let searched = !query.trim().is_empty();
    let search = Search {
        q: query,
        dob,
        searched,
    };
    new_encounter_page(&st, &s, input, FieldErrors::new(), search, q.get("notice")).await
}

/// The languages a person may have, for a choice: (code, "own name (code)").
pub(crate) fn language_choices(app: &handoff_app::App) -> Vec<(String, String)> {
    app.texts()
        .languages()
        .map(|c| {
            let label = if c.code == "en" {
                c.name.clone()
            } else {
                format!("{} ({})", c.name, c.code)
            };
            (c.code.clone(), label)
        })
        .collect()
}

/// The encounter form: the same input the API takes, the idempotency key, and the person
/// search as it stood (shown again with the form).
pub(crate) struct EncounterForm {
    input: EncounterInput,
    key: String,
    q: String,
    dob: String,
}

impl FromFields for EncounterForm {
    fn from_fields(f: &mut Fields) -> Self {
        EncounterForm {
            input: encounter_input(f),
            key: f.get("idempotency_key"),
            q: f.get("q"),
            dob: f.get("search_dob"),
        }
    }
}

/// Reads the encounter form into the same input the API uses.
fn encounter_input(f: &mut Fields) -> EncounterInput {
    let mut offenses = Vec::new();
    for (_, o) in f.indexed("offenses") {
        let g = |k: &str| o.get(k).cloned().unwrap_or_default();
        offenses.push(OffenseInput {
            code: g("code"),
            drug_activity: g("drug_activity"),
            drug_type: g("drug_type"),
            quantity: g("quantity"),
            unit: g("unit"),
        });
    }
    let g = |f: &mut Fields, n: &str| f.get(&format!("facts.{n}"));
    let facts = FactsInput {
        naloxone_doses: g(f, "naloxone_doses"),
        transported: g(f, "transported"),
        surrendered_items: g(f, "surrendered_items"),
        contact_kind: g(f, "contact_kind"),
        prior_involvement_on: g(f, "prior_involvement_on"),
        prior_involvement_ref: g(f, "prior_involvement_ref"),
        outreach_source: g(f, "outreach_source"),
        call_type: g(f, "call_type"),
        police_present: g(f, "police_present"),
        team: g(f, "team"),
    };
    EncounterInput {
        pathway: f.get("pathway"),
        facts,
        occurred_at: f.get("occurred_at"),
        location: f.get("location"),
        incident_number: f.get("incident_number"),
        offenses,
        attestations: f.all("attestations"),
        participant_id: f.get("participant_id"),
        person: handoff_domain::input::PersonInput {
            first_name: f.get("person.first_name"),
            last_name: f.get("person.last_name"),
            dob: f.get("person.dob"),
            sex: f.get("person.sex"),
            race: f.get("person.race"),
            ethnicity: f.get("person.ethnicity"),
            phone: f.get("person.phone"),
            email: f.get("person.email"),
        },
        language: f.get("language"),
        needs_interpreter: f.get("needs_interpreter"),
    }
}

pub async fn encounter_create(State(st): State<AppState>, form: Input<EncounterForm>) -> Response {
    let unknown = form.unknown();
    let Input { s, v, .. } = form;
    let EncounterForm { input, key, q, dob } = v;
    if let Err(AppError::Invalid(e)) = unknown {
        let search = Search {
            q,
            dob,
            searched: false,
        };
        return new_encounter_page(&st, &s, input, e, search, None).await;
    }
    let key = (!key.is_empty()).then_some(key);
    match encounters::create_encounter(&st.app, &s.ctx, &input, key.as_deref()).await {
        Ok(c) => see_other(&format!("/encounters/{}?notice=encounter", c.id)),
        Err(AppError::Invalid(e)) => {
            let searched = !q.is_empty();
            let search = Search { q, dob, searched };
            new_encounter_page(&st, &s, input, e, search, None).await
        }
        Err(e) => error_for(&s, &e),
    }
}
