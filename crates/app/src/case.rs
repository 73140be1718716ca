//! What every action on a case shares: the access facts the policy decides on, the
//! pathway facts and the eligibility decision, case events, the program and its zone.
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use handoff_domain::eligibility::{self, Attestation, ContactFacts, Rules};
use handoff_domain::input::Facts;
use handoff_domain::pathways::{self, Spec};
use handoff_domain::policy::{Access, AccessFacts, CaseAction, View, case_access};
use handoff_domain::progress::ServiceFacts;
use handoff_domain::{ContactKind, ExitKind, OutreachSource, Pathway};
use handoff_storage::*;
use uuid::Uuid;

use crate::audit::{self, Ctx};
use crate::{App, AppResult, program_tz};

pub const DEADLINE_JOB: &str = "hold_deadline";

pub fn deadline_job_key(hold_id: Uuid) -> String {
    format!("{DEADLINE_JOB}:{hold_id}")
}

/// Access facts for a case, as of `now`.
/// Access facts for a case, as of `now`: those the action's decision needs (the policy
/// says which), so a check costs no more reads than it must.
pub async fn access_facts(
    tx: &mut Tx,
    e: &EncounterRow,
    now: DateTime<Utc>,
    action: CaseAction,
) -> AppResult<AccessFacts> {
    let needed = action.facts_needed();
    let referral_org_ids = if needed.referrals {
        let mut orgs = Vec::new();
        for r in tx.referrals_for_encounter(e.id).await? {
            // A partner's referral counts while the person's release for it is valid.
            let released = match r.release_id {
                Some(rel) => crate::consent_terms::release_valid(tx, rel, now).await?,
                None => true,
            };
            if released {
                orgs.push(r.to_org_id);
            }
        }
        orgs
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
        crate::consent_terms::status_recipients(tx, e, now).await?
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
    Ok(AccessFacts {
        program_id: e.program_id,
        agency_org_id: e.agency_id,
        officer_id: e.officer_id,
        referral_org_ids,
        prosecutor_org_id,
        consent_recipient_org_ids,
        emergency_user_ids,
    })
}

/// The encounter's intake deadline (`domain::deadlines::intake`): its held charge's, or
/// the program's days on its calendar.
pub(crate) fn intake_deadline(
    data: &crate::ProgramData,
    enc: &EncounterRow,
    hold: Option<&HoldRow>,
) -> handoff_domain::hold::Deadline {
    handoff_domain::deadlines::intake(
        &data.calendar,
        enc.occurred_at,
        data.program.intake_deadline_days as u32,
        hold.map(|h| handoff_domain::hold::Deadline {
            last_day: h.deadline_day,
            ends_at: h.deadline_ends_at,
        }),
    )
}

/// The day a provider must first contact the person on a contact card referred at
/// `from` (`domain::deadlines::first_contact`).
pub(crate) fn contact_due(
    data: &crate::ProgramData,
    from: DateTime<Utc>,
    intake_last: NaiveDate,
) -> NaiveDate {
    handoff_domain::deadlines::first_contact(&data.calendar, from, data.contact_hours, intake_last)
}

/// What the rules need of the person's history: earlier participations within the
/// window, counted only when the rules limit them (the usual path reads nothing more).
pub(crate) async fn prior_history(
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
pub(crate) fn facts_row(
    encounter_id: Uuid,
    f: &Facts,
    follow_up_due: Option<NaiveDate>,
) -> PathwayFactsRow {
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

/// Loads an encounter and checks an action on it, auditing a denial as "not found".
/// Takes the action's transaction and gives it back; a denial rolls it back first (on
/// SQLite the audit record needs the one writer connection).
pub(crate) async fn guarded(
    app: &App,
    ctx: &Ctx,
    mut tx: Tx,
    encounter_id: Uuid,
    action: CaseAction,
    audit_action: &str,
) -> AppResult<(Tx, EncounterRow, AccessFacts)> {
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
    let facts = access_facts(&mut tx, &enc, now, action).await?;
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

/// A list of the actor's organization (a provider's referral queue, a prosecutor's held
/// charges): its name, its rows, the program's zone.
pub struct OrgList<T> {
    pub org_name: String,
    pub rows: Vec<T>,
    /// Where the next page starts, if there is one.
    pub next: Option<handoff_storage::PageKey>,
    pub tz: Tz,
}

/// Reads a list for the organization through which the actor holds `action`: an audited
/// denial without the grant; otherwise `load` reads the rows in one transaction and the
/// read is audited with how many rows it showed.
pub(crate) async fn org_list<T>(
    app: &App,
    ctx: &Ctx,
    action: handoff_domain::policy::ProgramAction,
    audit_action: &str,
    load: impl AsyncFnOnce(&mut Tx, Uuid, Tz) -> AppResult<handoff_storage::Paged<T>>,
) -> AppResult<OrgList<T>> {
    let pid = ctx.require_program()?;
    let Some(grant) = handoff_domain::policy::program_grant(&ctx.actor, pid, action).cloned()
    else {
        return Err(audit::deny(app, ctx, audit_action, "program", &pid.to_string()).await);
    };
    let mut tx = app.store.write().await?;
    let (_, tz) = load_program(&mut tx, pid).await?;
    let org = tx.org(grant.org_id).await?;
    let handoff_storage::Paged { rows, next } = load(&mut tx, grant.org_id, tz).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        audit_action,
        "organization",
        &grant.org_id.to_string(),
        crate::audit::ALLOWED,
        &format!("{} rows", rows.len()),
    )
    .await?;
    tx.commit().await?;
    Ok(OrgList {
        org_name: org.name,
        rows,
        next,
        tz,
    })
}

/// Loads a referral through the access policy for `action`: the receiving organization's
/// staff (a partner's while the person's release is valid), or a break-the-glass reader
/// (viewing only, until the grant ends, which is returned). Anyone else: not found, audited.
pub(crate) async fn referral_guarded(
    app: &App,
    ctx: &Ctx,
    mut tx: Tx,
    id: Uuid,
    action: CaseAction,
    audit_action: &str,
) -> AppResult<(Tx, ReferralRow, EncounterRow, Option<DateTime<Utc>>)> {
    let now = app.now();
    let r = match tx.referral(id).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => {
            tx.rollback().await?;
            return Err(audit::deny(app, ctx, audit_action, "referral", &id.to_string()).await);
        }
        Err(e) => return Err(e.into()),
    };
    let enc = tx.encounter(r.encounter_id).await?;
    let mut facts = access_facts(&mut tx, &enc, now, action).await?;
    // A provider sees its own referral only, not another provider's for the same case; a
    // partner only while the person's release for it is valid.
    let released = match r.release_id {
        Some(rel) => crate::consent_terms::release_valid(&mut tx, rel, now).await?,
        None => true,
    };
    facts.referral_org_ids = if released {
        vec![r.to_org_id]
    } else {
        Vec::new()
    };
    match case_access(&ctx.actor, action, &facts) {
        Access::Allow(View::Clinical { org_id }) if org_id == r.to_org_id => Ok((tx, r, enc, None)),
        // Break-the-glass: reading only (the policy never grants acting on it), until the
        // grant ends.
        Access::Allow(View::Emergency { .. }) if action == CaseAction::ViewReferral => {
            let until = tx.emergency_until(enc.id, ctx.actor.user_id, now).await?;
            Ok((tx, r, enc, until))
        }
        _ => {
            tx.rollback().await?;
            Err(audit::deny(app, ctx, audit_action, "referral", &id.to_string()).await)
        }
    }
}
