//! The prosecutor's side: the queue of held charges with their deadline state, and the
//! decision (decline to file, file, extend the deadline).
use chrono::NaiveDate;
use chrono_tz::Tz;
use handoff_domain::HoldKind;
use handoff_domain::hold::{self, DeadlineStatus, HoldState};
use handoff_domain::input::HoldDecisionInput;
use handoff_domain::policy::{Access, CaseAction, FieldGroup, ProgramAction, View, case_access};
use handoff_domain::progress::{self, ProgressStatus};
use handoff_i18n::staff;
use handoff_storage::*;
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::case::{access_facts, case_event, deadline_job_key, load_program, service_facts};
use crate::case_view::{OffenseLine, legal_event_visible, legal_state_label, offense_lines};
use crate::util::capitalize;
use crate::{App, AppError, AppResult};

pub struct QueueLine {
    pub row: HoldQueueRow,
    pub state_label: String,
    pub deadline_status: Option<DeadlineStatus>,
    pub shared: bool,
}

pub type HoldQueue = crate::case::OrgList<QueueLine>;

pub async fn queue(app: &App, ctx: &Ctx, page: Page) -> AppResult<HoldQueue> {
    let now = app.now();
    crate::case::org_list(
        app,
        ctx,
        ProgramAction::ViewProsecutorQueue,
        "hold.queue",
        async |tx: &mut Tx, org: Uuid, tz: Tz| {
            let Paged { rows, next } = tx.hold_queue(org, page).await?;
            let mut lines = Vec::with_capacity(rows.len());
            for row in rows {
                let enc = tx.encounter(row.encounter_id).await?;
                let shared = crate::consent_terms::status_recipients(tx, &enc, now)
                    .await?
                    .contains(&org);
                let state = HoldState::parse(&row.state).unwrap_or(HoldState::Held);
                let deadline = hold::Deadline {
                    last_day: row.deadline_day,
                    ends_at: row.deadline_ends_at,
                };
                lines.push(QueueLine {
                    state_label: legal_state_label(state, shared),
                    deadline_status: shared
                        .then(|| hold::deadline_status(state, deadline, now, tz)),
                    shared,
                    row: HoldQueueRow {
                        correction: if shared { row.correction.clone() } else { None },
                        ..row
                    },
                });
            }
            Ok(Paged { rows: lines, next })
        },
    )
    .await
}

/// The prosecutor's view of one held charge. No clinical field exists here.
pub struct HoldView {
    pub hold: HoldRow,
    pub kind: HoldKind,
    pub state: HoldState,
    pub state_label: String,
    pub deadline_status: Option<DeadlineStatus>,
    pub reference: String,
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub location: String,
    pub incident_number: String,
    pub person_name: String,
    pub person_dob: NaiveDate,
    pub agency_name: String,
    pub officer_name: String,
    pub offenses: Vec<OffenseLine>,
    pub progress: ProgressStatus,
    /// Why the status is not shared (when it is not).
    pub consent_note: String,
    pub history: Vec<CaseEventRow>,
    pub can_decide: bool,
    pub tz: Tz,
}

async fn guarded(
    app: &App,
    ctx: &Ctx,
    mut tx: Tx,
    id: Uuid,
    action: CaseAction,
    audit_action: &str,
) -> AppResult<(Tx, HoldRow, EncounterRow, bool)> {
    let now = app.now();
    let h = match tx.hold(id).await {
        Ok(h) => h,
        Err(StoreError::NotFound) => {
            tx.rollback().await?;
            return Err(audit::deny(app, ctx, audit_action, "legal_hold", &id.to_string()).await);
        }
        Err(e) => return Err(e.into()),
    };
    let enc = tx.encounter(h.encounter_id).await?;
    let facts = access_facts(&mut tx, &enc, now, action).await?;
    match case_access(&ctx.actor, action, &facts) {
        Access::Allow(view @ View::Legal { .. }) => {
            Ok((tx, h, enc, view.sees(FieldGroup::ParticipationStatus)))
        }
        _ => {
            tx.rollback().await?;
            Err(audit::deny(app, ctx, audit_action, "legal_hold", &id.to_string()).await)
        }
    }
}

pub async fn view(app: &App, ctx: &Ctx, id: Uuid) -> AppResult<HoldView> {
    let now = app.now();
    let (mut tx, h, enc, shared) = guarded(
        app,
        ctx,
        app.store.write().await?,
        id,
        CaseAction::ViewHold,
        "hold.read",
    )
    .await?;
    let (_, tz) = load_program(&mut tx, enc.program_id).await?;
    let person = tx.participant(enc.participant_id).await?;
    let agency = tx.org(enc.agency_id).await?;
    let officer = tx.user(enc.officer_id).await?;
    let offenses = tx.offenses(enc.id).await?;
    // The prosecutor sees only the referrals the held charge counts on.
    let mut referrals = tx.referrals_for_encounter(enc.id).await?;
    referrals.retain(|r| r.counts_for_hold);
    let history = tx.case_events(enc.id).await?;
    let state = HoldState::parse(&h.state).unwrap_or(HoldState::Held);
    let deadline = hold::Deadline {
        last_day: h.deadline_day,
        ends_at: h.deadline_ends_at,
    };
    let consent_note = if shared {
        String::new()
    } else {
        crate::consent_terms::not_shared_reason(&mut tx, &enc, h.prosecutor_org_id, now, tz).await?
    };
    audit::record(
        &mut tx,
        app,
        ctx,
        "hold.read",
        "legal_hold",
        &id.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(HoldView {
        kind: HoldKind::parse(&h.kind).unwrap_or(HoldKind::Abeyance),
        state,
        state_label: legal_state_label(state, shared),
        deadline_status: shared.then(|| hold::deadline_status(state, deadline, now, tz)),
        reference: enc.reference.clone(),
        occurred_at: enc.occurred_at,
        location: enc.location.clone(),
        incident_number: enc.incident_number.clone(),
        person_name: format!("{} {}", person.first_name, person.last_name),
        person_dob: person.dob,
        agency_name: agency.name,
        officer_name: officer.display_name,
        offenses: offense_lines(app, &offenses),
        progress: progress::progress(shared, &service_facts(&referrals), Some(deadline), now, tz),
        consent_note,
        history: history
            .into_iter()
            .filter(|e| legal_event_visible(&e.kind, shared))
            .collect(),
        can_decide: !state.is_final(),
        hold: HoldRow {
            correction: if shared { h.correction.clone() } else { None },
            ..h
        },
        tz,
    })
}

/// The prosecutor's decision on a held charge. With `expected` (the hold's `updated_at` as
/// the client last read it, RFC 3339), a hold changed since is `AppError::Stale` and nothing
/// changes.
pub async fn decide(
    app: &App,
    ctx: &Ctx,
    id: Uuid,
    input: &HoldDecisionInput,
    expected: Option<&str>,
) -> AppResult<()> {
    let now = app.now();
    let (mut tx, h, enc, _) = guarded(
        app,
        ctx,
        app.store.write().await?,
        id,
        CaseAction::DecideHold,
        "hold.decide",
    )
    .await?;
    if expected.is_some_and(|v| v != h.updated_at.to_rfc3339()) {
        tx.rollback().await?;
        return Err(AppError::Stale(staff("err-holds-stale")));
    }
    let d = input.parse()?;
    let (_, tz) = load_program(&mut tx, enc.program_id).await?;
    let state = HoldState::parse(&h.state).unwrap_or(HoldState::Held);
    let current = hold::Deadline {
        last_day: h.deadline_day,
        ends_at: h.deadline_ends_at,
    };
    let today = now.with_timezone(&tz).date_naive();
    let (next, new_deadline) = hold::decide(state, d.decision, current, d.new_deadline, today, tz)
        .map_err(|e| match e {
            hold::DecisionError::ExtendNotLater | hold::DecisionError::ExtendNeedsDate => {
                AppError::field("new_deadline", capitalize(&e.to_string()))
            }
            e => AppError::Rule(capitalize(&e.to_string())),
        })?;
    let mut updated = h.clone();
    updated.state = next.as_str().into();
    updated.decision = Some(d.decision.as_str().into());
    updated.decision_reason = Some(d.reason.clone());
    updated.decided_by = Some(ctx.actor.user_id);
    updated.decided_at = Some(now);
    updated.updated_at = now.max(h.updated_at + chrono::Duration::microseconds(1));
    if let Some(nd) = new_deadline {
        updated.deadline_day = nd.last_day;
        updated.deadline_ends_at = nd.ends_at;
        // An intake already recorded before the new deadline meets it.
        let mut referrals = tx.referrals_for_encounter(enc.id).await?;
        referrals.retain(|r| r.counts_for_hold);
        if service_facts(&referrals)
            .intake_at
            .is_some_and(|i| i < nd.ends_at)
        {
            updated.state = HoldState::IntakeMet.as_str().into();
        }
        tx.reschedule_job(&deadline_job_key(h.id), nd.ends_at)
            .await?;
    }
    tx.update_hold(&updated, &h).await?;
    let summary = match new_deadline {
        Some(nd) => format!(
            "{}: new deadline {} ({})",
            d.decision.label(),
            nd.last_day,
            d.reason
        ),
        None => format!("{} ({})", d.decision.label(), d.reason),
    };
    case_event(
        &mut tx,
        app,
        &enc,
        Some(ctx.actor.user_id),
        "hold.decided",
        &summary,
    )
    .await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "hold.decide",
        "legal_hold",
        &id.to_string(),
        ALLOWED,
        d.decision.as_str(),
    )
    .await?;
    crate::facts::refresh(&mut tx, app, enc.id).await?;
    tx.commit().await?;
    Ok(())
}
