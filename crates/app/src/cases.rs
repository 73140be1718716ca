//! The officer's side of a case: the encounter, the eligibility decision and its
//! override, the offer, the release of information, the handoff, the legal hold and the
//! referral slip.
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use handoff_domain::eligibility::{self, Attestation, ContactFacts, Criterion, Rules};
use handoff_domain::hold::{self, DeadlineStatus, HoldState};
use handoff_domain::input::{
    AttemptInput, EncounterInput, Facts, NewEncounter, Offer, OfferInput, PersonRef,
};
use handoff_domain::pathways::{self, Spec};
use handoff_domain::policy::{
    Access, CaseAction, CaseFacts, FieldGroup, ProgramAction, View, case_access, program_grant,
};
use handoff_domain::progress::{self, ProgressStatus, ServiceFacts};
use handoff_domain::referral::{BusinessStatus, ReferralStatus};
use handoff_domain::{
    AttemptOutcome, ContactKind, ExitKind, FieldErrors, HandoffMode, HoldKind, OrgKind,
    OutreachSource, Pathway,
};
use handoff_storage::*;
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::util::{reference_number, sha256_hex};
use crate::{App, AppError, AppResult, program_tz};

pub const DEADLINE_JOB: &str = "hold_deadline";

pub fn deadline_job_key(hold_id: Uuid) -> String {
    format!("{DEADLINE_JOB}:{hold_id}")
}

/// Access facts for a case, as of `now`.
/// Access facts for a case, as of `now`: those the action's decision needs (the policy
/// says which), so a check costs no more reads than it must.
pub async fn case_facts(
    tx: &mut Tx,
    e: &EncounterRow,
    now: DateTime<Utc>,
    action: CaseAction,
) -> AppResult<CaseFacts> {
    let needed = action.facts_needed();
    let referral_org_ids = if needed.referrals {
        tx.referrals_for_encounter(e.id)
            .await?
            .iter()
            .map(|r| r.to_org_id)
            .collect()
    } else {
        Vec::new()
    };
    let prosecutor_org_id = if needed.hold {
        tx.hold_for_encounter(e.id)
            .await?
            .map(|h| h.prosecutor_org_id)
    } else {
        None
    };
    let consent_recipient_org_ids = if needed.consents {
        crate::consents::status_recipients(tx, e, now).await?
    } else {
        Vec::new()
    };
    let emergency_user_ids = if needed.emergency {
        tx.emergency_grantees(e.id, now)
            .await?
            .into_iter()
            .map(|(u, _)| u)
            .collect()
    } else {
        Vec::new()
    };
    Ok(CaseFacts {
        program_id: e.program_id,
        agency_org_id: e.agency_id,
        officer_id: e.officer_id,
        referral_org_ids,
        prosecutor_org_id,
        consent_recipient_org_ids,
        emergency_user_ids,
    })
}

pub fn parse_ids(s: &str) -> Vec<Uuid> {
    s.split(',')
        .filter_map(|x| Uuid::parse_str(x.trim()).ok())
        .collect()
}

/// The local day by which a provider must first contact the person: the program's contact
/// business hours after `from`, and never after the intake deadline's last day.
fn contact_due(
    data: &crate::ProgramData,
    from: DateTime<Utc>,
    intake_last: NaiveDate,
) -> NaiveDate {
    data.calendar
        .add_business_hours(from, data.contact_hours)
        .with_timezone(&data.tz)
        .date_naive()
        .min(intake_last)
}

/// What the rules need of the person's history: earlier participations within the
/// window, counted only when the rules limit them (the usual path reads nothing more).
async fn prior_history(
    app: &App,
    max: Option<u32>,
    window_months: u32,
    enc: &EncounterRow,
) -> AppResult<eligibility::History> {
    if max.is_none() {
        return Ok(eligibility::History::default());
    }
    let since = enc
        .occurred_at
        .checked_sub_months(chrono::Months::new(window_months))
        .unwrap_or(enc.occurred_at);
    let mut tx = app.store.read().await?;
    let n = tx
        .prior_participations(enc.participant_id, since, enc.occurred_at)
        .await?;
    tx.rollback().await?;
    Ok(eligibility::History {
        prior_participations: Some(u32::try_from(n).unwrap_or(u32::MAX)),
    })
}

/// What an encounter is decided on besides the rules.
pub struct DecisionFacts<'a> {
    pub offenses: &'a [eligibility::OffenseFacts],
    pub dob: NaiveDate,
    pub day: NaiveDate,
    pub attested: &'a [Attestation],
    pub contact: ContactFacts,
}

/// The eligibility decision for an encounter of its pathway: the charge for Officer
/// Intervention, the pathway's own rules otherwise. Reads the person's earlier
/// participation when the rules limit it.
pub async fn decide(
    app: &App,
    rules: &Rules,
    enc: &EncounterRow,
    f: DecisionFacts<'_>,
) -> AppResult<eligibility::Decision> {
    let pathway = Pathway::parse(&enc.pathway).unwrap_or(Pathway::OfficerIntervention);
    if pathways::spec(pathway).charges {
        let history = prior_history(
            app,
            rules.max_prior_participations,
            rules.prior_window_months,
            enc,
        )
        .await?;
        Ok(eligibility::evaluate_with(
            rules, f.offenses, f.dob, f.day, f.attested, history,
        ))
    } else {
        let pr = rules.for_pathway(pathway);
        let history = prior_history(
            app,
            pr.max_prior_participations,
            pr.prior_window_months,
            enc,
        )
        .await?;
        Ok(eligibility::evaluate_pathway(
            &pr, f.dob, f.day, f.attested, history, f.contact,
        ))
    }
}

/// The stored row of what a pathway adds to an encounter.
fn facts_row(encounter_id: Uuid, f: &Facts, follow_up_due: Option<NaiveDate>) -> PathwayFactsRow {
    PathwayFactsRow {
        encounter_id,
        naloxone_doses: f.naloxone_doses,
        transported: f.transported,
        surrendered_items: f.surrendered_items.clone(),
        contact_kind: f.contact_kind.map(|k| k.as_str().to_string()),
        prior_involvement_on: f.prior_involvement_on,
        prior_involvement_ref: f.prior_involvement_ref.clone(),
        outreach_source: f.outreach_source.map(|k| k.as_str().to_string()),
        call_type: f.call_type.clone(),
        police_present: f.police_present,
        team: f.team.clone(),
        follow_up_due,
    }
}

/// The contact facts the rules read, from a stored row.
pub fn contact_of(row: Option<&PathwayFactsRow>) -> ContactFacts {
    ContactFacts {
        contact_kind: row
            .and_then(|r| r.contact_kind.as_deref())
            .and_then(ContactKind::parse),
        prior_involvement_on: row.and_then(|r| r.prior_involvement_on),
    }
}

/// A pathway's facts as label and value, for pages.
pub fn fact_lines(row: &PathwayFactsRow) -> Vec<(String, String)> {
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    let mut v: Vec<(String, String)> = Vec::new();
    let mut push = |l: &str, x: Option<String>| {
        if let Some(x) = x {
            v.push((l.to_string(), x));
        }
    };
    push(
        "Naloxone doses given",
        row.naloxone_doses.map(|n| n.to_string()),
    );
    push("Transported to a hospital", row.transported.map(yes_no));
    push("Handed in without charge", row.surrendered_items.clone());
    push(
        "Contact",
        row.contact_kind
            .as_deref()
            .and_then(ContactKind::parse)
            .map(|k| k.label().to_string()),
    );
    push(
        "Verified prior involvement",
        row.prior_involvement_on
            .map(|d| match &row.prior_involvement_ref {
                Some(r) => format!("{d} ({r})"),
                None => d.to_string(),
            }),
    );
    push(
        "On the outreach list for",
        row.outreach_source
            .as_deref()
            .and_then(OutreachSource::parse)
            .map(|k| k.label().to_string()),
    );
    push("Call type", row.call_type.clone());
    push("Police on the call", row.police_present.map(yes_no));
    push("Team", row.team.clone());
    v
}

/// What an encounter's pathway asks and does.
pub fn spec_of(enc: &EncounterRow) -> &'static Spec {
    pathways::spec(Pathway::parse(&enc.pathway).unwrap_or(Pathway::OfficerIntervention))
}

pub fn join_ids(ids: &[Uuid]) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The service facts of a case, over all its referrals (an intake at any of them counts).
pub fn service_facts(referrals: &[ReferralRow]) -> ServiceFacts {
    let min =
        |f: &dyn Fn(&ReferralRow) -> Option<DateTime<Utc>>| referrals.iter().filter_map(f).min();
    let exit = referrals
        .iter()
        .filter_map(|r| Some((ExitKind::parse(r.exit_kind.as_deref()?)?, r.exit_at?)))
        .max_by_key(|(_, at)| *at);
    ServiceFacts {
        first_contact_at: min(&|r| r.first_contact_at),
        intake_at: min(&|r| r.intake_at),
        engaged_at: min(&|r| r.engaged_at),
        exit,
    }
}

/// A case event to insert (several go in one statement).
pub fn event(
    app: &App,
    e: &EncounterRow,
    actor: Option<Uuid>,
    kind: &str,
    summary: &str,
) -> CaseEventRow {
    CaseEventRow {
        id: Uuid::now_v7(),
        program_id: e.program_id,
        encounter_id: e.id,
        kind: kind.into(),
        summary: summary.into(),
        actor_id: actor.filter(|a| !a.is_nil()),
        at: app.now(),
    }
}

pub async fn case_event(
    tx: &mut Tx,
    app: &App,
    e: &EncounterRow,
    actor: Option<Uuid>,
    kind: &str,
    summary: &str,
) -> AppResult<()> {
    tx.insert_case_event(&event(app, e, actor, kind, summary))
        .await?;
    Ok(())
}

pub async fn load_program(tx: &mut Tx, id: Uuid) -> AppResult<(ProgramRow, Tz)> {
    let p = tx.program(id).await?;
    let tz = program_tz(&p);
    Ok((p, tz))
}

// ----- participant search ---------------------------------------------------------------

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
            "Type at least two letters of the last name.",
        ));
    }
    if query.chars().count() > 200 {
        return Err(AppError::field("q", "Use at most 200 characters."));
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

// ----- encounter ------------------------------------------------------------------------------

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
            "The idempotency key must be 1 to 200 characters.",
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
                        "The chosen participant was not found; search again.",
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
                e.add("person.last_name", format!(
                    "{} {} (born {}) is already recorded. Choose them from the search so the same person is not entered twice.",
                    existing.first_name, existing.last_name, existing.dob
                ));
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
            .map(|d| data.calendar.days_deadline(enc.occurred_at, d).last_day);
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

fn failed_labels(criteria: &[Criterion]) -> String {
    criteria
        .iter()
        .filter(|c| c.outcome != eligibility::Outcome::Met)
        .map(|c| c.label.clone())
        .collect::<Vec<_>>()
        .join("; ")
}

fn replay(prev: IdempotencyRow, body_hash: &str) -> AppResult<Created> {
    if prev.request_hash != body_hash {
        return Err(AppError::Conflict(
            "This idempotency key was already used for a different request.".into(),
        ));
    }
    let id = Uuid::parse_str(&prev.response_body)
        .map_err(|_| AppError::Internal("idempotency row".into()))?;
    Ok(Created { id, replayed: true })
}

// ----- reading a case (legal view) -------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct OffenseLine {
    pub code: String,
    pub name: String,
    pub drug: Option<String>,
}

/// A referral as the referring agency sees it: where, how, when, and whether the provider
/// refused it (so the agency can refer again). No service content.
#[derive(Debug, Clone)]
pub struct ReferralLegalLine {
    pub id: Uuid,
    pub provider: String,
    pub mode: HandoffMode,
    pub requested_at: DateTime<Utc>,
    pub closed_without_service: bool,
}

#[derive(Debug, Clone)]
pub struct HoldLine {
    pub id: Uuid,
    pub kind: HoldKind,
    pub citation_number: Option<String>,
    pub court_date: Option<NaiveDate>,
    pub deadline_day: NaiveDate,
    /// The state as the viewer may see it.
    pub state_label: String,
    pub deadline_status: Option<DeadlineStatus>,
    pub decision: Option<String>,
    pub decision_reason: Option<String>,
    pub correction: Option<String>,
}

/// The referring agency's (and supervisor's) view of a case. Built from types that have
/// no field for clinical content.
#[derive(Debug, Clone)]
pub struct CaseView {
    pub encounter: EncounterRow,
    pub pathway: Pathway,
    pub spec: &'static Spec,
    /// What the pathway added, as label and value.
    pub facts: Vec<(String, String)>,
    pub attempts: Vec<AttemptLine>,
    pub follow_up: Option<FollowUp>,
    pub officer_name: String,
    pub agency_name: String,
    pub person_name: String,
    pub person_dob: Option<NaiveDate>,
    pub offenses: Vec<OffenseLine>,
    pub eligible: bool,
    pub criteria: Vec<Criterion>,
    pub rules_version: i64,
    pub attestations: Vec<Attestation>,
    pub override_: Option<OverrideRow>,
    pub effective_eligible: bool,
    pub offer: Option<OfferRow>,
    pub referrals: Vec<ReferralLegalLine>,
    pub can_refer_again: bool,
    pub hold: Option<HoldLine>,
    pub progress: ProgressStatus,
    /// Why the status is not shared (when it is not).
    pub consent_note: String,
    /// Consents that name the viewer's organization as a recipient.
    pub consents: Vec<crate::consents::ConsentLine>,
    pub can_act: bool,
    pub can_approve: bool,
    pub needs_supervisor: bool,
    pub providers: Vec<OrgRow>,
    pub history: Vec<CaseEventRow>,
    pub tz: Tz,
}

/// A contact attempt as shown on the case.
#[derive(Debug, Clone)]
pub struct AttemptLine {
    pub at: DateTime<Utc>,
    pub outcome: AttemptOutcome,
    pub team: String,
    pub note: String,
    pub by: String,
}

/// The follow-up visit deadline of a case (Naloxone Plus; any pathway whose rules set one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub due: NaiveDate,
    /// When the first attempt was made, if one was.
    pub first_attempt: Option<DateTime<Utc>>,
    pub state: FollowUpState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpState {
    MetOnTime,
    MadeLate,
    Due,
    Overdue,
}

impl FollowUp {
    /// The deadline's state: met when the first attempt was made by the end of the due
    /// day (program time); overdue once that day has passed without one.
    pub fn of(
        due: NaiveDate,
        first_attempt: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        tz: Tz,
    ) -> Self {
        let state = match first_attempt {
            Some(t) if t.with_timezone(&tz).date_naive() <= due => FollowUpState::MetOnTime,
            Some(_) => FollowUpState::MadeLate,
            None if now.with_timezone(&tz).date_naive() > due => FollowUpState::Overdue,
            None => FollowUpState::Due,
        };
        FollowUp {
            due,
            first_attempt,
            state,
        }
    }
    pub fn text(&self) -> String {
        match self.state {
            FollowUpState::MetOnTime => format!("Follow-up made on time (due {})", self.due),
            FollowUpState::MadeLate => format!("Follow-up made late (was due {})", self.due),
            FollowUpState::Due => format!("Follow-up visit due by {}", self.due),
            FollowUpState::Overdue => format!("Follow-up overdue since {}", self.due),
        }
    }
    pub fn class(&self) -> &'static str {
        match self.state {
            FollowUpState::MetOnTime => "good",
            FollowUpState::MadeLate | FollowUpState::Due => "warn",
            FollowUpState::Overdue => "bad",
        }
    }
}

/// Case events the legal side may see without consent (service events need it).
pub fn legal_event_visible(kind: &str, progress_shared: bool) -> bool {
    progress_shared || !kind.starts_with("service.")
}

/// How a hold's state may be shown to a legal-side viewer: whether intake happened is a
/// Part 2 fact, so without consent the state is reduced to "status not shared".
pub fn legal_state_label(state: HoldState, shared: bool) -> String {
    match state {
        // Every undecided state reads the same without a release, so that "awaiting intake"
        // cannot be told apart from the others.
        s if !shared && !s.is_final() => {
            "Charge held; progress not shared (no valid release of information)".into()
        }
        s => s.label().into(),
    }
}

pub fn offense_lines(app: &App, rows: &[OffenseRow]) -> Vec<OffenseLine> {
    let codes = app.codes();
    rows.iter()
        .map(|o| {
            let drug = if eligibility::is_drug_offense(&o.code) {
                let mut parts = Vec::new();
                if let Some(a) = &o.drug_activity {
                    parts.push(codes.name("drug_activity", a));
                }
                if let Some(t) = &o.drug_type {
                    parts.push(codes.name("drug_type", t));
                }
                match (o.quantity, &o.unit) {
                    (Some(q), Some(u)) => parts.push(format!("{q} {}", codes.name("drug_unit", u))),
                    _ => parts.push("quantity unknown".into()),
                }
                Some(parts.join(", "))
            } else {
                None
            };
            OffenseLine {
                code: o.code.clone(),
                name: codes.name("offense", &o.code),
                drug,
            }
        })
        .collect()
}

/// Reads a case from the referring agency's side (officer, supervisor).
pub async fn view_case(app: &App, ctx: &Ctx, encounter_id: Uuid) -> AppResult<CaseView> {
    let now = app.now();
    let mut tx = app.store.write().await?;
    let Ok(enc) = tx.encounter(encounter_id).await else {
        tx.rollback().await?;
        return Err(audit::deny(
            app,
            ctx,
            "encounter.read",
            "encounter",
            &encounter_id.to_string(),
        )
        .await);
    };
    let facts = case_facts(&mut tx, &enc, now, CaseAction::ViewEncounter).await?;
    let (org_id, shared) = match case_access(&ctx.actor, CaseAction::ViewEncounter, &facts) {
        // The projection decides what the page carries (domain::policy::View::sees).
        Access::Allow(view @ View::Legal { org_id, .. }) => {
            (org_id, view.sees(FieldGroup::ParticipationStatus))
        }
        _ => {
            tx.rollback().await?;
            return Err(audit::deny(
                app,
                ctx,
                "encounter.read",
                "encounter",
                &encounter_id.to_string(),
            )
            .await);
        }
    };
    let can_act = case_access(&ctx.actor, CaseAction::ActOnEncounter, &facts).allowed();
    let can_approve = case_access(&ctx.actor, CaseAction::ApproveOverride, &facts).allowed();
    let (program, tz) = load_program(&mut tx, enc.program_id).await?;
    let person = tx.participant(enc.participant_id).await?;
    let officer = tx.user(enc.officer_id).await?;
    let agency = tx.org(enc.agency_id).await?;
    let offenses = tx.offenses(enc.id).await?;
    let decision = tx.decision(enc.id).await?;
    let override_ = tx.override_of(decision.id).await?;
    let offer = tx.offer(enc.id).await?;
    let referrals = tx.referrals_for_encounter(enc.id).await?;
    let hold_row = tx.hold_for_encounter(enc.id).await?;
    let orgs = tx.orgs(enc.program_id).await?;
    let history = tx.case_events(enc.id).await?;
    let facts_row = tx.pathway_facts(enc.id).await?;
    let spec = spec_of(&enc);
    let mut attempts = Vec::new();
    if spec.attempts {
        for a in tx.attempts(enc.id).await? {
            attempts.push(AttemptLine {
                at: a.attempted_at,
                outcome: AttemptOutcome::parse(&a.outcome).unwrap_or(AttemptOutcome::NotFound),
                team: a.team,
                note: a.note.unwrap_or_default(),
                by: tx.user(a.recorded_by).await?.display_name,
            });
        }
    }
    let follow_up = facts_row
        .as_ref()
        .and_then(|f| f.follow_up_due)
        .map(|due| FollowUp::of(due, attempts.first().map(|a| a.at), now, tz));
    let criteria: Vec<Criterion> = serde_json::from_str(&decision.criteria_json)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let org_name = |id: Uuid| {
        orgs.iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let referral_lines: Vec<ReferralLegalLine> = referrals
        .iter()
        .map(|r| ReferralLegalLine {
            id: r.id,
            provider: org_name(r.to_org_id),
            mode: HandoffMode::parse(&r.mode).unwrap_or(HandoffMode::ContactCard),
            requested_at: r.requested_at,
            closed_without_service: matches!(
                ReferralStatus::parse(&r.status),
                Some(ReferralStatus::Rejected | ReferralStatus::Cancelled)
            ),
        })
        .collect();
    let any_open = referrals
        .iter()
        .any(|r| ReferralStatus::parse(&r.status).is_some_and(|s| s.is_open()));
    let deadline = hold_row.as_ref().map(|h| hold::Deadline {
        last_day: h.deadline_day,
        ends_at: h.deadline_ends_at,
    });
    let hold = hold_row.as_ref().map(|h| {
        let state = HoldState::parse(&h.state).unwrap_or(HoldState::Held);
        HoldLine {
            id: h.id,
            kind: HoldKind::parse(&h.kind).unwrap_or(HoldKind::Abeyance),
            citation_number: h.citation_number.clone(),
            court_date: h.court_date,
            deadline_day: h.deadline_day,
            state_label: legal_state_label(state, shared),
            deadline_status: shared.then(|| {
                hold::deadline_status(
                    state,
                    hold::Deadline {
                        last_day: h.deadline_day,
                        ends_at: h.deadline_ends_at,
                    },
                    now,
                    tz,
                )
            }),
            decision: h.decision.clone(),
            decision_reason: h.decision_reason.clone(),
            correction: if shared { h.correction.clone() } else { None },
        }
    });
    let progress = progress::progress(shared, &service_facts(&referrals), deadline, now, tz);
    let consent_note = if shared {
        String::new()
    } else {
        crate::consents::not_shared_reason(&mut tx, &enc, org_id, now, tz).await?
    };
    let consents = crate::consents::for_org(&mut tx, &enc, org_id, now).await?;
    let effective_eligible =
        decision.eligible || override_.as_ref().is_some_and(|o| o.status == "approved");
    let view = CaseView {
        pathway: Pathway::parse(&enc.pathway).unwrap_or(Pathway::OfficerIntervention),
        spec,
        facts: facts_row.as_ref().map(fact_lines).unwrap_or_default(),
        attempts,
        follow_up,
        officer_name: officer.display_name,
        agency_name: agency.name,
        person_name: if person.erased_at.is_some() {
            "Identity erased after the retention period".into()
        } else {
            format!("{} {}", person.first_name, person.last_name)
        },
        person_dob: person.erased_at.is_none().then_some(person.dob),
        offenses: offense_lines(app, &offenses),
        eligible: decision.eligible,
        criteria,
        rules_version: decision.rules_version,
        attestations: decision
            .attestations
            .split(',')
            .filter_map(Attestation::parse)
            .collect(),
        override_,
        effective_eligible,
        can_refer_again: can_act
            && offer.as_ref().is_some_and(|o| o.accepted)
            && !referrals.is_empty()
            && !any_open,
        offer,
        referrals: referral_lines,
        hold,
        progress,
        consent_note,
        consents,
        can_act,
        can_approve,
        needs_supervisor: program.supervisor_approves_overrides,
        providers: orgs
            .into_iter()
            .filter(|o| o.kind == OrgKind::Provider.as_str())
            .collect(),
        history: history
            .into_iter()
            .filter(|e| legal_event_visible(&e.kind, shared))
            .collect(),
        encounter: enc,
        tz,
    };
    audit::record(
        &mut tx,
        app,
        ctx,
        "encounter.read",
        "encounter",
        &encounter_id.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(view)
}

/// The officer's (or supervisor's) recent encounters.
pub async fn my_encounters(app: &App, ctx: &Ctx) -> AppResult<Vec<EncounterListRow>> {
    let pid = ctx.require_program()?;
    let Some(grant) = program_grant(&ctx.actor, pid, ProgramAction::ViewOwnEncounters).cloned()
    else {
        return Err(audit::deny(app, ctx, "encounter.list", "program", &pid.to_string()).await);
    };
    let mut tx = app.store.write().await?;
    let rows = if grant.role == handoff_domain::Role::Supervisor {
        tx.encounters_of_agency(grant.org_id, 100).await?
    } else {
        tx.encounters_of_officer(ctx.actor.user_id, 50).await?
    };
    audit::record(
        &mut tx,
        app,
        ctx,
        "encounter.list",
        "organization",
        &grant.org_id.to_string(),
        ALLOWED,
        &format!("{} rows", rows.len()),
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Loads an encounter and checks an action on it, auditing a denial as "not found".
/// Takes the action's transaction and gives it back; a denial rolls it back first (on
/// SQLite the audit record needs the one writer connection).
async fn guarded(
    app: &App,
    ctx: &Ctx,
    mut tx: Tx,
    encounter_id: Uuid,
    action: CaseAction,
    audit_action: &str,
) -> AppResult<(Tx, EncounterRow, CaseFacts)> {
    let now = app.now();
    let enc = match tx.encounter(encounter_id).await {
        Ok(e) => e,
        Err(StoreError::NotFound) => {
            tx.rollback().await?;
            return Err(audit::deny(
                app,
                ctx,
                audit_action,
                "encounter",
                &encounter_id.to_string(),
            )
            .await);
        }
        Err(e) => return Err(e.into()),
    };
    let facts = case_facts(&mut tx, &enc, now, action).await?;
    if !case_access(&ctx.actor, action, &facts).allowed() {
        tx.rollback().await?;
        return Err(audit::deny(
            app,
            ctx,
            audit_action,
            "encounter",
            &encounter_id.to_string(),
        )
        .await);
    }
    Ok((tx, enc, facts))
}

// ----- override ---------------------------------------------------------------------------------

pub async fn request_override(
    app: &App,
    ctx: &Ctx,
    encounter_id: Uuid,
    reason: &str,
) -> AppResult<()> {
    let (mut tx, enc, _) = guarded(
        app,
        ctx,
        app.store.write().await?,
        encounter_id,
        CaseAction::ActOnEncounter,
        "eligibility.override",
    )
    .await?;
    let reason = crate::util::required_text("reason", reason, "reason for the override", 1000)?;
    let (program, _) = load_program(&mut tx, enc.program_id).await?;
    let decision = tx.decision(enc.id).await?;
    if decision.eligible {
        return Err(AppError::Rule(
            "The person is eligible; there is nothing to override.".into(),
        ));
    }
    if tx.override_of(decision.id).await?.is_some() {
        return Err(AppError::Conflict(
            "An override was already requested for this decision.".into(),
        ));
    }
    let status = if program.supervisor_approves_overrides {
        "pending"
    } else {
        "approved"
    };
    let now = app.now();
    tx.insert_override(&OverrideRow {
        id: Uuid::now_v7(),
        decision_id: decision.id,
        reason: reason.clone(),
        requested_by: ctx.actor.user_id,
        requested_at: now,
        status: status.into(),
        reviewed_by: None,
        reviewed_at: None,
        review_note: None,
    })
    .await?;
    let summary = if status == "pending" {
        format!("Override requested (awaiting a supervisor): {reason}")
    } else {
        format!("Eligibility overridden: {reason}")
    };
    case_event(
        &mut tx,
        app,
        &enc,
        Some(ctx.actor.user_id),
        "eligibility.override",
        &summary,
    )
    .await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "eligibility.override",
        "encounter",
        &enc.id.to_string(),
        ALLOWED,
        status,
    )
    .await?;
    crate::facts::refresh(&mut tx, app, enc.id).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn pending_overrides(app: &App, ctx: &Ctx) -> AppResult<Vec<PendingOverrideRow>> {
    let pid = ctx.require_program()?;
    let Some(grant) = program_grant(&ctx.actor, pid, ProgramAction::ReviewOverrides).cloned()
    else {
        return Err(audit::deny(
            app,
            ctx,
            "eligibility.override.list",
            "program",
            &pid.to_string(),
        )
        .await);
    };
    let mut tx = app.store.write().await?;
    let rows = tx.pending_overrides(grant.org_id).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "eligibility.override.list",
        "organization",
        &grant.org_id.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// A supervisor's review; `approve` is None when the form did not say.
pub async fn review_override(
    app: &App,
    ctx: &Ctx,
    encounter_id: Uuid,
    approve: Option<bool>,
    note: &str,
) -> AppResult<()> {
    let (mut tx, enc, _) = guarded(
        app,
        ctx,
        app.store.write().await?,
        encounter_id,
        CaseAction::ApproveOverride,
        "eligibility.override.review",
    )
    .await?;
    let Some(approve) = approve else {
        return Err(AppError::field("decision", "Choose approve or refuse."));
    };
    let note = note.trim();
    if !approve && note.is_empty() {
        return Err(AppError::field("note", "Say why the override is refused."));
    }
    let decision = tx.decision(enc.id).await?;
    let Some(o) = tx.override_of(decision.id).await? else {
        return Err(AppError::Rule("No override was requested.".into()));
    };
    if o.requested_by == ctx.actor.user_id {
        return Err(AppError::Rule(
            "A supervisor cannot approve their own override.".into(),
        ));
    }
    let status = if approve { "approved" } else { "rejected" };
    tx.review_override(o.id, status, ctx.actor.user_id, app.now(), note)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => {
                AppError::Conflict("This override was already reviewed.".into())
            }
            e => e.into(),
        })?;
    case_event(
        &mut tx,
        app,
        &enc,
        Some(ctx.actor.user_id),
        "eligibility.override_reviewed",
        &format!("Override {status} by {}", ctx.display_name),
    )
    .await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "eligibility.override.review",
        "encounter",
        &enc.id.to_string(),
        ALLOWED,
        status,
    )
    .await?;
    crate::facts::refresh(&mut tx, app, enc.id).await?;
    tx.commit().await?;
    Ok(())
}

// ----- offer, consent, handoff, hold ---------------------------------------------------------

fn provider_of(orgs: &[OrgRow], id: Uuid) -> AppResult<OrgRow> {
    orgs.iter()
        .find(|o| o.id == id && o.kind == OrgKind::Provider.as_str())
        .cloned()
        .ok_or_else(|| AppError::field("provider_id", "Choose one of the program's providers."))
}

/// A new referral (requested) to a provider, not yet written; a warm handoff goes to
/// whoever is on call now.
async fn create_referral(
    tx: &mut Tx,
    app: &App,
    ctx: &Ctx,
    enc: &EncounterRow,
    provider: &OrgRow,
    mode: HandoffMode,
    contact_deadline: Option<NaiveDate>,
) -> AppResult<(ReferralRow, CaseEventRow)> {
    let now = app.now();
    let assigned = match mode {
        HandoffMode::Warm => tx.on_call_now(provider.id, now).await?.map(|s| s.user_id),
        HandoffMode::ContactCard => None,
    };
    let r = ReferralRow {
        id: Uuid::now_v7(),
        encounter_id: enc.id,
        program_id: enc.program_id,
        participant_id: enc.participant_id,
        from_org_id: enc.agency_id,
        to_org_id: provider.id,
        mode: mode.as_str().into(),
        status: ReferralStatus::Requested.as_str().into(),
        business_status: BusinessStatus::AwaitingResponse.as_str().into(),
        status_reason: None,
        assigned_to: assigned,
        requested_at: now,
        contact_deadline,
        arrived_at: None,
        first_contact_at: None,
        intake_at: None,
        engaged_at: None,
        exit_kind: None,
        exit_at: None,
        updated_at: now,
    };
    let e = event(
        app,
        enc,
        Some(ctx.actor.user_id),
        "referral.requested",
        &format!("{} to {}", mode.label(), provider.name),
    );
    Ok((r, e))
}

/// Records the person's answer to the offer. On acceptance, in the same transaction: the
/// release of information, the referral (warm handoff or contact card), the legal hold
/// and its deadline job.
pub async fn record_offer(
    app: &App,
    ctx: &Ctx,
    encounter_id: Uuid,
    input: &OfferInput,
) -> AppResult<()> {
    let now = app.now();
    // Reads on a reader; the writer is held only for the inserts.
    let (mut read, enc, _) = guarded(
        app,
        ctx,
        app.store.conn().await?,
        encounter_id,
        CaseAction::ActOnEncounter,
        "offer.record",
    )
    .await?;
    let data = app.program_data(enc.program_id).await?;
    let (program, tz) = (&data.program, data.tz);
    let today = now.with_timezone(&tz).date_naive();
    let spec = spec_of(&enc);
    let offer = input.parse(today, spec.charges)?;
    let decision = read.decision_status(enc.id).await?;
    let override_status = decision.override_status.as_deref();
    if !(decision.eligible || override_status == Some("approved")) {
        return Err(AppError::Rule(match override_status {
            Some("pending") => "The override is waiting for a supervisor; the offer can be recorded once it is approved.".into(),
            _ => "The person is not eligible. Request an override with a reason if you believe they should be offered diversion.".into(),
        }));
    }
    let already = |e: StoreError| match e {
        StoreError::Conflict(_) => {
            AppError::Conflict("The offer was already recorded for this encounter.".into())
        }
        e => e.into(),
    };
    let mut events = Vec::new();
    let mut first = Vec::new();
    let mut second = Vec::new();
    let actor = Some(ctx.actor.user_id);
    // What the offer changes in the case's fact row: accepted, the provider, the deadline.
    let mut fact_change: (bool, Option<Uuid>, Option<DateTime<Utc>>) = (false, None, None);
    match offer {
        Offer::Declined { reason } => {
            first.push(Stmt::offer(&OfferRow {
                encounter_id: enc.id,
                accepted: false,
                decline_reason: Some(reason),
                offered_by: ctx.actor.user_id,
                offered_at: now,
            }));
            events.push(event(
                app,
                &enc,
                actor,
                "offer.declined",
                if spec.charges {
                    "The person declined the offer; normal processing"
                } else {
                    "The person declined the referral"
                },
            ));
        }
        Offer::Accepted {
            consent_signed_name,
            handoff,
            provider_id,
            hold: hold_kind,
            citation_number,
            court_date,
        } => {
            let orgs = &data.orgs;
            let provider = provider_of(orgs, provider_id)?;
            // Only a held charge involves the prosecutor.
            let prosecutor = match hold_kind {
                None => None,
                Some(kind) => Some((
                    kind,
                    orgs.iter()
                        .find(|o| o.kind == OrgKind::Prosecutor.as_str())
                        .cloned()
                        .ok_or_else(|| {
                            AppError::Rule(
                                "The program has no prosecutor's office; ask the administrator to add one."
                                    .into(),
                            )
                        })?,
                )),
            };
            first.push(Stmt::offer(&OfferRow {
                encounter_id: enc.id,
                accepted: true,
                decline_reason: None,
                offered_by: ctx.actor.user_id,
                offered_at: now,
            }));
            let providers: Vec<&OrgRow> = orgs
                .iter()
                .filter(|o| o.kind == OrgKind::Provider.as_str())
                .collect();
            let agency = orgs
                .iter()
                .find(|o| o.id == enc.agency_id)
                .ok_or_else(|| AppError::Internal("the encounter's agency is gone".into()))?;
            first.push(Stmt::consent(&match &prosecutor {
                Some((_, pros)) => crate::consents::offer_consent(
                    &enc,
                    &providers,
                    agency,
                    pros,
                    consent_signed_name,
                    ctx.actor.user_id,
                    now,
                ),
                None => crate::consents::referral_consent(
                    &enc,
                    &providers,
                    agency,
                    consent_signed_name,
                    ctx.actor.user_id,
                    now,
                ),
            }));
            // On the program's calendar: the intake deadline ends on a business day; first
            // contact on a contact card is due within its business hours (issue 4).
            let deadline = data
                .calendar
                .days_deadline(enc.occurred_at, program.intake_deadline_days as u32);
            let contact_deadline = (handoff == HandoffMode::ContactCard)
                .then(|| contact_due(&data, now, deadline.last_day));
            let (referral, e) = create_referral(
                &mut read,
                app,
                ctx,
                &enc,
                &provider,
                handoff,
                contact_deadline,
            )
            .await?;
            first.push(Stmt::referral(&referral));
            events.push(e);
            fact_change = (
                true,
                Some(referral.to_org_id),
                prosecutor.as_ref().map(|_| deadline.ends_at),
            );
            match prosecutor {
                Some((hold_kind, prosecutor)) => {
                    let hold_row = HoldRow {
                        id: Uuid::now_v7(),
                        encounter_id: enc.id,
                        program_id: enc.program_id,
                        prosecutor_org_id: prosecutor.id,
                        kind: hold_kind.as_str().into(),
                        citation_number,
                        court_date,
                        deadline_day: deadline.last_day,
                        deadline_ends_at: deadline.ends_at,
                        state: HoldState::Held.as_str().into(),
                        correction: None,
                        decision: None,
                        decision_reason: None,
                        decided_by: None,
                        decided_at: None,
                        created_at: now,
                        updated_at: now,
                    };
                    second.push(Stmt::hold(&hold_row));
                    second.push(Stmt::job(&JobRow {
                        id: Uuid::now_v7(),
                        kind: DEADLINE_JOB.into(),
                        dedupe_key: deadline_job_key(hold_row.id),
                        payload: hold_row.id.to_string(),
                        run_at: deadline.ends_at,
                        status: "pending".into(),
                        attempts: 0,
                        locked_by: None,
                        locked_until: None,
                        last_error: None,
                        created_at: now,
                        finished_at: None,
                    }));
                    events.push(event(
                        app,
                        &enc,
                        actor,
                        "offer.accepted",
                        "The person accepted and signed the release of information",
                    ));
                    events.push(event(
                        app,
                        &enc,
                        actor,
                        "hold.created",
                        &format!(
                            "{}; intake deadline {}",
                            hold_kind.label(),
                            deadline.last_day
                        ),
                    ));
                }
                None => events.push(event(
                    app,
                    &enc,
                    actor,
                    "offer.accepted",
                    "The person accepted the referral and signed the consent",
                )),
            }
        }
    }
    if let Some(mut f) = read.case_fact(enc.id).await? {
        let (accepted, provider, deadline) = fact_change;
        f.offered = true;
        f.accepted = accepted;
        f.referred = accepted && provider.is_some();
        f.provider_id = provider;
        f.deadline_ends_at = deadline;
        f.updated_at = now;
        second.extend(crate::facts::write(&f));
    }
    read.rollback().await?;
    second.extend(events.iter().map(Stmt::case_event));
    second.push(Stmt::audit(&audit::entry(
        app,
        ctx,
        "offer.record",
        "encounter",
        &enc.id.to_string(),
        ALLOWED,
        "",
    )));
    app.store
        .write_all(&[&first, &second], "offer.after_referral")
        .await
        .map_err(already)?;
    Ok(())
}

/// After a provider rejected (or the agency cancelled) a referral, refer to another.
pub async fn refer_again(
    app: &App,
    ctx: &Ctx,
    encounter_id: Uuid,
    provider_id: &str,
    mode: &str,
) -> AppResult<()> {
    let (mut tx, enc, _) = guarded(
        app,
        ctx,
        app.store.write().await?,
        encounter_id,
        CaseAction::ActOnEncounter,
        "referral.create",
    )
    .await?;
    let mut errors = FieldErrors::new();
    let provider_id = Uuid::parse_str(provider_id.trim()).ok();
    if provider_id.is_none() {
        errors.add("provider_id", "Choose the provider.");
    }
    let mode = HandoffMode::parse(mode.trim());
    if mode.is_none() {
        errors.add("handoff_mode", "Choose a warm handoff or a contact card.");
    }
    let (Some(provider_id), Some(mode)) = (provider_id, mode) else {
        return Err(AppError::Invalid(errors));
    };
    if !tx.offer(enc.id).await?.is_some_and(|o| o.accepted) {
        return Err(AppError::Rule(
            "Record the person's acceptance first.".into(),
        ));
    }
    let referrals = tx.referrals_for_encounter(enc.id).await?;
    if referrals
        .iter()
        .any(|r| ReferralStatus::parse(&r.status).is_some_and(|s| s.is_open()))
    {
        return Err(AppError::Rule(
            "A referral is still open; another can be made after the provider declines it.".into(),
        ));
    }
    let orgs = tx.orgs(enc.program_id).await?;
    let provider = provider_of(&orgs, provider_id)?;
    let contact_deadline = if mode == HandoffMode::ContactCard {
        let data = app.program_data(enc.program_id).await?;
        // The hold's intake deadline when a charge is held, else the program's.
        let last = match tx.hold_for_encounter(enc.id).await? {
            Some(h) => h.deadline_day,
            None => {
                data.calendar
                    .days_deadline(enc.occurred_at, data.program.intake_deadline_days as u32)
                    .last_day
            }
        };
        Some(contact_due(&data, app.now(), last))
    } else {
        None
    };
    let (referral, e) =
        create_referral(&mut tx, app, ctx, &enc, &provider, mode, contact_deadline).await?;
    tx.insert_referral(&referral).await?;
    tx.insert_case_event(&e).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "referral.create",
        "encounter",
        &enc.id.to_string(),
        ALLOWED,
        &provider.id.to_string(),
    )
    .await?;
    crate::facts::refresh(&mut tx, app, enc.id).await?;
    tx.commit().await?;
    Ok(())
}

/// Records a contact attempt on an Active Outreach or Naloxone Plus case.
pub async fn record_attempt(
    app: &App,
    ctx: &Ctx,
    encounter_id: Uuid,
    input: &AttemptInput,
) -> AppResult<()> {
    let (mut tx, enc, _) = guarded(
        app,
        ctx,
        app.store.write().await?,
        encounter_id,
        CaseAction::ActOnEncounter,
        "attempt.record",
    )
    .await?;
    let pathway = Pathway::parse(&enc.pathway).unwrap_or(Pathway::OfficerIntervention);
    if !spec_of(&enc).attempts {
        return Err(AppError::Rule(format!(
            "Contact attempts are recorded on Active Outreach and Naloxone Plus cases, not on {}.",
            pathway.label()
        )));
    }
    let data = app.program_data(enc.program_id).await?;
    let now = app.now();
    let a = input.parse(data.tz, now, enc.occurred_at)?;
    let row = AttemptRow {
        id: Uuid::now_v7(),
        encounter_id: enc.id,
        program_id: enc.program_id,
        attempted_at: a.attempted_at,
        outcome: a.outcome.as_str().into(),
        team: a.team.clone(),
        note: (!a.note.is_empty()).then_some(a.note),
        recorded_by: ctx.actor.user_id,
        recorded_at: now,
    };
    tx.insert_attempt(&row).await?;
    let team = if a.team.is_empty() {
        String::new()
    } else {
        format!(" ({})", a.team)
    };
    case_event(
        &mut tx,
        app,
        &enc,
        Some(ctx.actor.user_id),
        "attempt.recorded",
        &format!("Contact attempt: {}{team}", a.outcome.label()),
    )
    .await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "attempt.record",
        "encounter",
        &enc.id.to_string(),
        ALLOWED,
        a.outcome.as_str(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What the person keeps: where to go, when, and a reference number. No offense details.
#[derive(Debug, Clone)]
pub struct Slip {
    pub reference: String,
    pub provider_name: String,
    pub address: String,
    pub phone: String,
    pub hours: String,
    pub what_to_bring: String,
    pub mode: HandoffMode,
    pub deadline_day: Option<NaiveDate>,
    pub on_call_name: Option<String>,
    pub program_name: String,
}

pub async fn slip(app: &App, ctx: &Ctx, encounter_id: Uuid) -> AppResult<Slip> {
    let (mut tx, enc, _) = guarded(
        app,
        ctx,
        app.store.write().await?,
        encounter_id,
        CaseAction::ActOnEncounter,
        "slip.read",
    )
    .await?;
    let referrals = tx.referrals_for_encounter(enc.id).await?;
    let Some(r) = referrals
        .iter()
        .rev()
        .find(|r| r.status != ReferralStatus::EnteredInError.as_str())
    else {
        return Err(AppError::Rule(
            "There is no referral for this encounter yet.".into(),
        ));
    };
    let provider = tx.org(r.to_org_id).await?;
    let hold = tx.hold_for_encounter(enc.id).await?;
    let on_call_name = match r.assigned_to {
        Some(u) => Some(tx.user(u).await?.display_name),
        None => None,
    };
    let (program, _) = load_program(&mut tx, enc.program_id).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "slip.read",
        "encounter",
        &enc.id.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(Slip {
        reference: enc.reference,
        provider_name: provider.name,
        address: provider.address,
        phone: provider.phone,
        hours: provider.hours,
        what_to_bring: provider.what_to_bring,
        mode: HandoffMode::parse(&r.mode).unwrap_or(HandoffMode::ContactCard),
        deadline_day: r.contact_deadline.or(hold.map(|h| h.deadline_day)),
        on_call_name,
        program_name: program.name,
    })
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
        .ok_or_else(|| {
            AppError::Rule(
                "No pathway your organization starts is enabled in this program; ask the coordinator."
                    .into(),
            )
        })?;
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
