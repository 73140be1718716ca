//! The responder's side of an encounter: finding the person, recording the encounter and
//! its eligibility decision, the responder's list, and the entry form.
use chrono::NaiveDate;
use chrono_tz::Tz;
use handoff_domain::eligibility::{self, Attestation, Criterion, Rules};
use handoff_domain::input::{EncounterInput, NewEncounter, PersonRef};
use handoff_domain::pathways::{self, Spec};
use handoff_domain::policy::{ProgramAction, program_grant};
use handoff_domain::{Coded, FieldErrors, OrgKind, Pathway};
use handoff_storage::*;
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::case::{DecisionFacts, decide, event, facts_row};
use crate::util::{reference_number, sha256_hex};
use crate::{App, AppError, AppResult};
use handoff_i18n::{staff, staff_with};

#[derive(Debug, Clone)]
pub struct ParticipantMatch {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub dob: NaiveDate,
}

/// Searches participants by last name (and first name), optionally with the birth date, so
/// the same person is not entered twice. Audited: it reads identities.
pub async fn search_participants(
    app: &App,
    ctx: &Ctx,
    query: &str,
    dob: Option<NaiveDate>,
) -> AppResult<Vec<ParticipantMatch>> {
    let pid = ctx.require_program()?;
    let Some(grant) = program_grant(&ctx.actor, pid, ProgramAction::SearchParticipants).cloned()
    else {
        return Err(audit::deny(app, ctx, "participant.search", "program", &pid.to_string()).await);
    };
    let words: Vec<String> = query
        .split_whitespace()
        .map(handoff_domain::input::normalize_name)
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words[0].chars().count() < 2 {
        return Err(AppError::field(
            "q",
            staff("err-encounter-search-too-short"),
        ));
    }
    if query.chars().count() > 200 {
        return Err(AppError::field(
            "q",
            staff_with("err-encounter-search-too-long", &[("max", "200".into())]),
        ));
    }
    let (last, first) = (&words[0], words.get(1).map(String::as_str));
    let mut tx = app.store.write().await?;
    // What a responder may learn (docs/adr/0012): anyone in the program by the exact last
    // name and birth date (the duplicate check: the person is in front of them), and the
    // people their own agency has met by part of the name. Never a directory of everyone
    // the program knows.
    let exact: Vec<ParticipantRow> = match dob {
        Some(d) => tx
            .search_participants(pid, last, first, Some(d), None, EXACT_MATCHES * 4)
            .await?
            .into_iter()
            .filter(|p| handoff_domain::input::normalize_name(&p.last_name) == *last)
            .take(EXACT_MATCHES as usize)
            .collect(),
        None => Vec::new(),
    };
    let own = tx
        .search_participants(pid, last, first, dob, Some(grant.org_id), AGENCY_MATCHES)
        .await?;
    let (n_exact, n_own) = (exact.len(), own.len());
    let mut rows = exact;
    for p in own {
        if !rows.iter().any(|r| r.id == p.id) {
            rows.push(p);
        }
    }
    rows.sort_by(|a, b| {
        (a.last_name.to_lowercase(), a.first_name.to_lowercase())
            .cmp(&(b.last_name.to_lowercase(), b.first_name.to_lowercase()))
    });
    // What was searched is kept, so that a search for someone the responder has no
    // business looking up can be found afterwards.
    audit::record(
        &mut tx,
        app,
        ctx,
        "participant.search",
        "program",
        &pid.to_string(),
        ALLOWED,
        &format!(
            "searched {}; {} results ({n_exact} by exact name and birth date, {n_own} met by the agency)",
            audit::sealed(
                app,
                &format!(
                    "last name {last:?}{}{}",
                    first.map(|f| format!(", first name {f:?}")).unwrap_or_default(),
                    dob.map(|d| format!(", born {d}")).unwrap_or_default(),
                )
            )?,
            rows.len()
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|p| ParticipantMatch {
            id: p.id,
            first_name: p.first_name,
            last_name: p.last_name,
            dob: p.dob,
        })
        .collect())
}

/// At most this many people found program-wide by exact last name and birth date.
const EXACT_MATCHES: i64 = 5;
/// At most this many of the agency's own people found by part of the name.
const AGENCY_MATCHES: i64 = 20;

/// The name as searched: last name first, normalised.
pub fn search_name(first: &str, last: &str) -> String {
    format!(
        "{} {}",
        handoff_domain::input::normalize_name(last),
        handoff_domain::input::normalize_name(first)
    )
}

/// The result of a keyed request, replayed for a retry with the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub id: Uuid,
    pub replayed: bool,
}

/// Records an encounter and its eligibility decision, in one transaction. With an
/// idempotency key, a retry returns the first result and a different body is a conflict.
///
/// Reads come first, on a reader; the writer (one connection on SQLite) is held only for
/// the inserts, sent in two calls.
pub async fn create_encounter(
    app: &App,
    ctx: &Ctx,
    input: &EncounterInput,
    idem_key: Option<&str>,
) -> AppResult<Created> {
    let pid = ctx.require_program()?;
    let Some(grant) = program_grant(&ctx.actor, pid, ProgramAction::CreateEncounter).cloned()
    else {
        return Err(audit::deny(app, ctx, "encounter.create", "program", &pid.to_string()).await);
    };
    let now = app.now();
    let body_hash = sha256_hex(serde_json::to_string(input).unwrap_or_default().as_bytes());
    if let Some(key) = idem_key
        && (key.is_empty() || key.len() > 200)
    {
        return Err(AppError::field(
            "idempotency_key",
            staff("err-encounter-idempotency-key-length"),
        ));
    }
    let data = app.program_data(pid).await?;
    let (program, tz) = (&data.program, data.tz);
    let mut read = app.store.conn().await?;
    // A retry is answered as the first request was, before anything is validated again.
    if let Some(key) = idem_key
        && let Some(prev) = read.idempotency(ctx.actor.user_id, key).await?
    {
        return replay(prev, &body_hash);
    }
    let codes = app.codes();
    let new: NewEncounter = input.parse(&codes, tz, now)?;
    let mut errors = FieldErrors::new();
    let language =
        crate::languages::read(app, &input.language, &input.needs_interpreter, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    // The pathway must be enabled and suit the responder's organization.
    if let Some(why) = pathways::refusal(
        &pathways::parse_list(&program.pathways),
        grant.org_kind,
        new.pathway,
    ) {
        return Err(AppError::field("pathway", why));
    }
    let spec = pathways::spec(new.pathway);

    let mut first = Vec::new();
    let mut prior_encounters = 0;
    let (participant_id, dob, sex, race, ethnicity) = match &new.person {
        PersonRef::Existing(id) => {
            let p = match read.participant(*id).await {
                Ok(p) if p.program_id == pid => p,
                _ => {
                    return Err(AppError::field(
                        "participant_id",
                        staff("err-encounter-participant-not-found"),
                    ));
                }
            };
            prior_encounters = read.prior_encounter_count(p.id, new.occurred_at).await?;
            (p.id, p.dob, p.sex, p.race, p.ethnicity)
        }
        PersonRef::New(person) => {
            if let Some(existing) = read
                .participant_by_match_key(pid, &person.match_key())
                .await?
            {
                // This shows an existing person's identity: audited like a search.
                audit::alone(
                    app,
                    ctx,
                    "participant.match",
                    "participant",
                    &existing.id.to_string(),
                    ALLOWED,
                    "duplicate check",
                )
                .await?;
                let mut e = FieldErrors::new();
                e.add(
                    "person.last_name",
                    staff_with(
                        "err-encounter-person-exists",
                        &[
                            ("first", (&existing.first_name).into()),
                            ("last", (&existing.last_name).into()),
                            ("dob", existing.dob.to_string().into()),
                        ],
                    ),
                );
                e.add("existing_participant_id", existing.id.to_string());
                return Err(AppError::Invalid(e));
            }
            let row = ParticipantRow {
                id: Uuid::now_v7(),
                program_id: pid,
                first_name: person.first_name.clone(),
                last_name: person.last_name.clone(),
                dob: person.dob,
                sex: person.sex.as_str().into(),
                race: person.race.as_str().into(),
                ethnicity: person.ethnicity.as_str().into(),
                phone: person.phone.clone(),
                email: person.email.clone(),
                match_key: person.match_key(),
                search_name: search_name(&person.first_name, &person.last_name),
                created_at: now,
                created_by: ctx.actor.user_id,
                erased_at: None,
            };
            first.push(Stmt::participant(&row));
            (row.id, row.dob, row.sex, row.race, row.ethnicity)
        }
    };
    read.rollback().await?;
    let local_day = new.occurred_at.with_timezone(&tz).date_naive();
    let enc = EncounterRow {
        id: Uuid::now_v7(),
        program_id: pid,
        reference: reference_number()?,
        pathway: new.pathway.as_str().into(),
        agency_id: grant.org_id,
        officer_id: ctx.actor.user_id,
        participant_id,
        occurred_at: new.occurred_at,
        location: new.location.clone(),
        incident_number: new.incident_number.clone(),
        age_at_encounter: eligibility::age_on(dob, local_day) as i64,
        sex,
        race,
        ethnicity,
        created_at: now,
    };
    // The key goes first: a concurrent retry with the same key fails on it.
    if let Some(key) = idem_key {
        first.insert(
            0,
            Stmt::idempotency(&IdempotencyRow {
                user_id: ctx.actor.user_id,
                idem_key: key.into(),
                request_hash: body_hash.clone(),
                response_status: 201,
                response_body: enc.id.to_string(),
                created_at: now,
            }),
        );
    }
    first.push(Stmt::encounter(&enc));
    if let Some(l) = &language {
        first.push(Stmt::language(&crate::languages::row(
            participant_id,
            l,
            ctx.actor.user_id,
            now,
        )));
    }
    for (i, o) in new.offenses.iter().enumerate() {
        first.push(Stmt::offense(&OffenseRow {
            id: Uuid::now_v7(),
            encounter_id: enc.id,
            position: i as i64,
            code: o.code.clone(),
            code_version: codes.version.clone(),
            drug_activity: o.drug_activity.clone(),
            drug_type: o.drug_type.clone(),
            quantity: o.quantity,
            unit: o.unit.clone(),
        }));
    }
    let rules_row = &data.rules;
    let rules: Rules = serde_json::from_str(&rules_row.rules_json)
        .map_err(|e| AppError::Internal(format!("rules: {e}")))?;
    let decision = decide(
        app,
        &rules,
        &enc,
        DecisionFacts {
            offenses: &new.offenses,
            dob,
            day: local_day,
            attested: &new.attestations,
            contact: new.facts.contact(),
        },
    )
    .await?;
    if !spec.charges {
        let follow_up_due = rules
            .for_pathway(new.pathway)
            .follow_up_days
            .map(|d| handoff_domain::deadlines::follow_up(&data.calendar, enc.occurred_at, d));
        first.push(Stmt::pathway_facts(&facts_row(
            enc.id,
            &new.facts,
            follow_up_due,
        )));
    }
    let summary = if decision.eligible {
        "Eligible".to_string()
    } else {
        format!("Not eligible: {}", failed_labels(&decision.criteria))
    };
    let actor = Some(ctx.actor.user_id);
    let second = [
        Stmt::decision(&DecisionRow {
            id: Uuid::now_v7(),
            encounter_id: enc.id,
            rules_version: rules_row.version,
            rules_json: rules_row.rules_json.clone(),
            attestations: new
                .attestations
                .iter()
                .map(|a| a.as_str())
                .collect::<Vec<_>>()
                .join(","),
            criteria_json: serde_json::to_string(&decision.criteria)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            eligible: decision.eligible,
            decided_by: ctx.actor.user_id,
            decided_at: now,
        }),
        Stmt::case_fact(&crate::facts::build(crate::facts::Sources {
            enc: &enc,
            agency_kind: grant.org_kind.as_str(),
            tz,
            eligible: decision.eligible,
            offer: None,
            referrals: &[],
            hold: None,
            screened: false,
            prior_encounters,
            now,
        })),
        Stmt::case_event(&event(
            app,
            &enc,
            actor,
            "encounter.recorded",
            &format!(
                "{} encounter recorded by {}",
                new.pathway.label(),
                ctx.display_name
            ),
        )),
        Stmt::case_event(&event(app, &enc, actor, "eligibility.decided", &summary)),
        Stmt::audit(&audit::entry(
            app,
            ctx,
            "encounter.create",
            "encounter",
            &enc.id.to_string(),
            ALLOWED,
            &format!("program {} ({})", program.name, enc.reference),
        )),
    ];
    if let Err(e) = app
        .store
        .write_all(&[&first, &second], "encounter.after_offenses")
        .await
    {
        // A retry that raced the first request: answer as the first was answered.
        if let (StoreError::Conflict(_), Some(key)) = (&e, idem_key) {
            let mut read = app.store.conn().await?;
            if let Some(prev) = read.idempotency(ctx.actor.user_id, key).await? {
                return replay(prev, &body_hash);
            }
        }
        return Err(e.into());
    }
    Ok(Created {
        id: enc.id,
        replayed: false,
    })
}

pub(crate) fn failed_labels(criteria: &[Criterion]) -> String {
    criteria
        .iter()
        .filter(|c| c.outcome != eligibility::Outcome::Met)
        .map(|c| c.label.clone())
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) fn replay(prev: IdempotencyRow, body_hash: &str) -> AppResult<Created> {
    if prev.request_hash != body_hash {
        return Err(AppError::Conflict(staff(
            "err-encounter-idempotency-key-reused",
        )));
    }
    let id = Uuid::parse_str(&prev.response_body)
        .map_err(|_| AppError::Internal("idempotency row".into()))?;
    Ok(Created { id, replayed: true })
}

/// The officer's (or supervisor's) recent encounters.
pub async fn my_encounters(
    app: &App,
    ctx: &Ctx,
    page: handoff_storage::Page,
) -> AppResult<handoff_storage::Paged<EncounterListRow>> {
    let pid = ctx.require_program()?;
    let Some(grant) = program_grant(&ctx.actor, pid, ProgramAction::ViewOwnEncounters).cloned()
    else {
        return Err(audit::deny(app, ctx, "encounter.list", "program", &pid.to_string()).await);
    };
    let mut tx = app.store.write().await?;
    let officer = (grant.role != handoff_domain::Role::Supervisor).then_some(ctx.actor.user_id);
    let rows = tx.encounters_of(officer, grant.org_id, page).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "encounter.list",
        "organization",
        &grant.org_id.to_string(),
        ALLOWED,
        &format!("{} rows", rows.rows.len()),
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Form data for a new encounter: the pick lists.
pub struct EncounterFormData {
    /// The pathway of this form and the others the user may start.
    pub pathway: Pathway,
    pub spec: &'static Spec,
    pub startable: Vec<Pathway>,
    pub offenses: Vec<(String, String)>,
    pub activities: Vec<(String, String)>,
    pub drug_types: Vec<(String, String)>,
    pub units: Vec<(String, String)>,
    /// What the program's rules in force ask the officer to attest.
    pub attestations: Vec<Attestation>,
    pub tz: Tz,
    pub now_local: String,
}

/// The entry form of `wanted` (a pathway code), or of the first pathway the user may
/// start (Officer Intervention when it is one of them).
pub async fn encounter_form(app: &App, ctx: &Ctx, wanted: &str) -> AppResult<EncounterFormData> {
    let pid = ctx.require_program()?;
    let Some(grant) = program_grant(&ctx.actor, pid, ProgramAction::CreateEncounter).cloned()
    else {
        return Err(audit::deny(app, ctx, "encounter.form", "program", &pid.to_string()).await);
    };
    let data = app.program_data(pid).await?;
    let startable = pathways::startable(
        &pathways::parse_list(&data.program.pathways),
        grant.org_kind,
    );
    let pathway = Pathway::parse(wanted.trim())
        .filter(|p| startable.contains(p))
        .or_else(|| {
            startable
                .iter()
                .copied()
                .find(|p| *p == Pathway::OfficerIntervention)
        })
        .or_else(|| startable.first().copied())
        .ok_or_else(|| AppError::Rule(staff("err-encounter-no-pathway")))?;
    let tz = data.tz;
    let codes = app.codes();
    let list = |t: &str| {
        codes
            .active(t)
            .into_iter()
            .map(|c| (c.code.clone(), c.name.clone()))
            .collect()
    };
    let rules: Rules = serde_json::from_str(&data.rules.rules_json)
        .map_err(|e| AppError::Internal(format!("rules: {e}")))?;
    Ok(EncounterFormData {
        attestations: rules.attestations_for(pathway),
        pathway,
        spec: pathways::spec(pathway),
        startable,
        offenses: list("offense"),
        activities: list("drug_activity"),
        drug_types: list("drug_type"),
        units: list("drug_unit"),
        now_local: app
            .now()
            .with_timezone(&tz)
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        tz,
    })
}

/// The program's providers (for forms).
pub async fn providers(app: &App, ctx: &Ctx) -> AppResult<Vec<OrgRow>> {
    let pid = ctx.require_program()?;
    let mut tx = app.store.read().await?;
    let orgs = tx.orgs(pid).await?;
    tx.rollback().await?;
    Ok(orgs
        .into_iter()
        .filter(|o| o.kind == OrgKind::Provider.as_str())
        .collect())
}

/// What a responder's list says of an encounter: what the agency decided and, for a held
/// charge, only the prosecutor's final decision. Progress in treatment needs the person's
/// consent and is shown on the encounter's own page, never in the list.
pub fn list_status(r: &EncounterListRow) -> String {
    let charges = r.pathway == Pathway::OfficerIntervention.as_str();
    if !charges {
        return match (r.offer_accepted, r.follow_up_due) {
            (Some(true), _) => staff("encounters-status-referred"),
            (Some(false), _) => staff("encounters-status-declined"),
            (None, Some(d)) => staff_with(
                "encounters-status-follow-up-due",
                &[("date", d.to_string().into())],
            ),
            (None, None) if r.eligible == Some(false) => staff("encounters-status-not-eligible"),
            (None, None) => staff("encounters-status-record-referral"),
        };
    }
    match (
        r.eligible,
        r.override_status.as_deref(),
        r.offer_accepted,
        r.hold_state.as_deref(),
    ) {
        // Progress needs the release: it is on the encounter's page. The list says
        // only what the agency decided and the prosecutor's final decision.
        (_, _, Some(true), Some(h)) => match handoff_domain::hold::HoldState::parse(h) {
            Some(state) if state.is_final() => staff(&state.key()),
            _ => staff("encounters-status-charge-held"),
        },
        (_, _, Some(false), _) => staff("encounters-status-declined"),
        (Some(true), _, None, _) | (_, Some("approved"), None, _) => {
            staff("encounters-status-record-offer")
        }
        (_, Some("pending"), _, _) => staff("encounters-status-override-pending"),
        _ => staff("encounters-status-not-eligible"),
    }
}
