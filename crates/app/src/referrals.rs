//! The provider's side: the queue of referrals and the service timeline (acceptance,
//! arrival, contacts, intake, first treatment, exit), mapped onto FHIR task statuses.
//! Recording an intake or an exit moves the legal hold in the same transaction.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use handoff_domain::hold::{self, HoldState, IntakeEffect};
use handoff_domain::input::parse_local_datetime;
use handoff_domain::policy::{CaseAction, ProgramAction};
use handoff_domain::referral::{
    self, ActionKind, BusinessStatus, ContactOutcome, History, ReferralStatus, Side,
};
use handoff_domain::{ExitKind, FieldErrors, HandoffMode};
use handoff_storage::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::case::{case_event, load_program, referral_guarded};
use crate::{App, AppError, AppResult};
use handoff_domain::Coded;
use handoff_i18n::{staff, staff_with};

/// A provider's queue.
pub type Queue = crate::case::OrgList<ReferralQueueRow>;

pub async fn queue(app: &App, ctx: &Ctx, include_closed: bool, page: Page) -> AppResult<Queue> {
    crate::case::org_list(
        app,
        ctx,
        ProgramAction::ViewReferralQueue,
        "referral.queue",
        async |tx: &mut Tx, org: Uuid, _| {
            Ok(tx
                .referral_queue(org, include_closed, page, app.now())
                .await?)
        },
    )
    .await
}

/// The provider's view of one referral: identity, contact and the service record.
pub struct ReferralView {
    pub referral: ReferralRow,
    pub person: ParticipantRow,
    /// The person's language as staff read it (empty: not recorded).
    pub language: String,
    /// The person's safety flags a provider may see (never officer safety).
    pub flags: crate::flags::Flags,
    /// The intake's appointment and the channel the person chose for reminders.
    pub reminders: crate::reminders::RemindersView,
    pub reference: String,
    pub from_org: OrgRow,
    pub assigned_name: Option<String>,
    pub events: Vec<(ServiceEventRow, String)>,
    pub warm_minutes: Option<i64>,
    /// The encounter's intake deadline (a held charge's, or the program's).
    pub intake_deadline: NaiveDate,
    pub status: ReferralStatus,
    pub actions: Vec<ActionKind>,
    /// The case's consents (the provider discloses under them).
    pub consents: Vec<crate::consents::ConsentLine>,
    /// Screenings recorded on this referral, oldest first.
    pub screenings: Vec<ScreeningRow>,
    /// Organizations a new consent may name.
    pub orgs: Vec<OrgRow>,
    /// The provider may record a consent here (it took the person; not under an
    /// emergency grant).
    pub records_consents: bool,
    /// Read under a break-the-glass grant, until then (nothing can be changed).
    pub emergency_until: Option<DateTime<Utc>>,
    pub tz: Tz,
    /// A warm handoff's paging (ADR 0019).
    pub paging: Option<crate::paging::PagingView>,
}

/// Actions a provider may take from a status (for the buttons shown).
pub fn available_actions(
    status: ReferralStatus,
    intake_done: bool,
    mode: HandoffMode,
    arrived: bool,
) -> Vec<ActionKind> {
    ActionKind::ALL
        .iter()
        .copied()
        .filter(|a| a.side_allowed(Side::Performer))
        .filter(|a| !(*a == ActionKind::Arrival && (mode != HandoffMode::Warm || arrived)))
        .filter(|a| !(*a == ActionKind::Intake && intake_done))
        .filter(|a| {
            referral::transition(
                status,
                Side::Performer,
                *a,
                Some("x"),
                Some(ExitKind::Completed),
                History { intake_done },
            )
            .is_ok()
        })
        .collect()
}

pub async fn view(app: &App, ctx: &Ctx, id: Uuid) -> AppResult<ReferralView> {
    let (mut tx, r, enc, emergency_until) = referral_guarded(
        app,
        ctx,
        app.store.write().await?,
        id,
        CaseAction::ViewReferral,
        "referral.read",
    )
    .await?;
    let (_, tz) = load_program(&mut tx, enc.program_id).await?;
    let person = tx.participant(r.participant_id).await?;
    let from_org = tx.org(r.from_org_id).await?;
    let assigned_name = match r.assigned_to {
        Some(u) => Some(tx.user(u).await?.display_name),
        None => None,
    };
    let mut events = Vec::new();
    for e in tx.service_events(r.id).await? {
        let who = tx
            .user(e.recorded_by)
            .await
            .map(|u| u.display_name)
            .unwrap_or_default();
        events.push((e, who));
    }
    let hold = tx.hold_for_encounter(enc.id).await?;
    // Only the consents naming this referral's provider: another provider's consent
    // would tell this one who else treats the person.
    let consents = crate::consents::for_org(&mut tx, &enc, r.to_org_id, app.now()).await?;
    let screenings = tx.screenings(r.id).await?;
    let language = crate::languages::label(app, tx.language_of(enc.participant_id).await?.as_ref());
    let paging = crate::paging::view(&mut tx, app, &r).await?;
    let reminders = crate::reminders::view(&mut tx, &r).await?;
    let flags = crate::flags::view(
        &mut tx,
        ctx,
        enc.program_id,
        enc.participant_id,
        crate::flags::Side::Service,
    )
    .await?;
    let orgs = tx
        .orgs(enc.program_id)
        .await?
        .into_iter()
        .filter(|o| o.id != r.to_org_id)
        .collect();
    let status = ReferralStatus::parse(&r.status).unwrap_or(ReferralStatus::Requested);
    let mode = HandoffMode::parse(&r.mode).unwrap_or(HandoffMode::ContactCard);
    audit::record(
        &mut tx,
        app,
        ctx,
        "referral.read",
        "referral",
        &id.to_string(),
        ALLOWED,
        if emergency_until.is_some() {
            "emergency access"
        } else {
            ""
        },
    )
    .await?;
    tx.commit().await?;
    Ok(ReferralView {
        reminders,
        flags,
        paging,
        language,
        warm_minutes: r.arrived_at.map(|a| (a - r.requested_at).num_minutes()),
        intake_deadline: crate::case::intake_deadline(
            &*app.program_data(enc.program_id).await?,
            &enc,
            hold.as_ref(),
        )
        .last_day,
        actions: if emergency_until.is_some() {
            Vec::new()
        } else {
            available_actions(status, r.intake_at.is_some(), mode, r.arrived_at.is_some())
        },
        records_consents: emergency_until.is_none() && status.took_the_person(),
        emergency_until,
        status,
        reference: enc.reference,
        referral: r,
        person,
        from_org,
        assigned_name,
        events,
        consents,
        screenings,
        orgs,
        tz,
    })
}

/// A step on a referral, as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ReferralActionInput {
    #[schema(schema_with = handoff_domain::input::schema::referral_action, required = true)]
    pub action: String,
    /// When it happened (local time or RFC 3339); empty means now.
    #[schema(schema_with = occurred_schema)]
    pub occurred_at: String,
    #[schema(max_length = 1000)]
    pub reason: String,
    /// reject, fail, cancel, on_hold: the coded reason (no_capacity, not_eligible, ...);
    /// with it, `reason` is an optional note.
    #[schema(schema_with = handoff_domain::input::schema::outcome_reason)]
    pub reason_code: String,
    #[schema(max_length = 4000)]
    pub note: String,
    #[schema(schema_with = handoff_domain::input::schema::exit_kind)]
    pub exit_kind: String,
    #[schema(schema_with = handoff_domain::input::schema::contact_outcome)]
    pub contact_outcome: String,
    /// The referral's `updated_at` when the form was shown (optimistic concurrency: a
    /// stale one is `AppError::Stale`, nothing changed). In the API, `If-Match` says it.
    #[schema(max_length = 64)]
    pub version: String,
}

fn occurred_schema() -> utoipa::openapi::schema::Object {
    handoff_domain::input::schema::when("When it happened; left out: now")
}

pub async fn act(app: &App, ctx: &Ctx, id: Uuid, input: &ReferralActionInput) -> AppResult<()> {
    act_with(app, ctx, id, input, None).await
}

/// A step taken with a one-tap link (ADR 0019): the link's use is recorded in the step's
/// own transaction, so the step happens once per link, or not at all.
pub(crate) type LinkUse<'a> = Option<(Uuid, &'a str)>;

/// Claims a link's step in `tx`, or refuses it (taken with this link already).
async fn use_link(tx: &mut Tx, link: LinkUse<'_>) -> AppResult<()> {
    if let Some((id, step)) = link
        && !tx.use_link(id, step).await?
    {
        return Err(AppError::Conflict(staff("err-referral-link-used")));
    }
    Ok(())
}

pub(crate) async fn act_with(
    app: &App,
    ctx: &Ctx,
    id: Uuid,
    input: &ReferralActionInput,
    link: LinkUse<'_>,
) -> AppResult<()> {
    let now = app.now();
    let (mut tx, mut r, enc, _) = referral_guarded(
        app,
        ctx,
        app.store.write().await?,
        id,
        CaseAction::ActOnReferral,
        "referral.update",
    )
    .await?;
    let (_, tz) = load_program(&mut tx, enc.program_id).await?;

    let mut errors = FieldErrors::new();
    let action = ActionKind::parse(input.action.trim());
    if action.is_none() {
        errors.add("action", staff("err-referral-action-choose"));
    }
    let occurred_at = if input.occurred_at.trim().is_empty() {
        now
    } else {
        match parse_local_datetime(&input.occurred_at, tz) {
            Some(t) if t > now + Duration::minutes(5) => {
                errors.add("occurred_at", staff("err-referral-occurred-future"));
                now
            }
            Some(t) if t < r.requested_at => {
                errors.add("occurred_at", staff("err-referral-occurred-before"));
                now
            }
            Some(t) => t,
            None => {
                errors.add("occurred_at", staff("err-referral-occurred-format"));
                now
            }
        }
    };
    let reason_code = match input.reason_code.trim() {
        "" => None,
        c => {
            let r = referral::OutcomeReason::parse(c);
            if r.is_none() {
                errors.add("reason_code", staff("err-referral-reason-code-choose"));
            }
            r
        }
    };
    let exit = match input.exit_kind.trim() {
        "" => None,
        k => {
            let e = ExitKind::parse(k);
            if e.is_none() {
                errors.add("exit_kind", staff("err-referral-exit-kind-choose"));
            }
            e
        }
    };
    let outcome: Option<ContactOutcome> = match input.contact_outcome.trim() {
        "" => None,
        o => match serde_json::from_value(serde_json::Value::String(o.into())) {
            Ok(v) => Some(v),
            Err(_) => {
                errors.add(
                    "contact_outcome",
                    staff("err-referral-contact-outcome-choose"),
                );
                None
            }
        },
    };
    if action == Some(ActionKind::ContactAttempt)
        && outcome.is_none()
        && input.contact_outcome.trim().is_empty()
    {
        errors.add(
            "contact_outcome",
            staff("err-referral-contact-outcome-choose"),
        );
    }
    if action == Some(ActionKind::Exit) && exit.is_none() && input.exit_kind.trim().is_empty() {
        errors.add("exit_kind", staff("err-referral-exit-kind-choose"));
    }
    if input.reason.chars().count() > 1000 {
        errors.add("reason", staff("err-referral-reason-too-long"));
    }
    if input.note.chars().count() > 4000 {
        errors.add("note", staff("err-referral-note-too-long"));
    }
    let Some(action) = action else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if !input.version.trim().is_empty() && input.version.trim() != r.updated_at.to_rfc3339() {
        return Err(AppError::Stale(staff("err-referral-stale")));
    }
    let from = ReferralStatus::parse(&r.status).unwrap_or(ReferralStatus::Requested);
    let reason = match (reason_code, input.reason.trim()) {
        (Some(code), "") => Some(code.label().to_string()),
        (Some(code), note) => Some(format!("{}: {note}", code.label())),
        (None, "") => None,
        (None, text) => Some(text.to_string()),
    };
    let (status, business) = referral::transition(
        from,
        Side::Performer,
        action,
        reason.as_deref(),
        exit,
        History {
            intake_done: r.intake_at.is_some(),
        },
    )
    .map_err(|e| match e {
        referral::TransitionError::ReasonRequired(_) => {
            AppError::field("reason_code", staff("err-referral-reason-required"))
        }
        referral::TransitionError::ExitKindRequired => {
            AppError::field("exit_kind", staff("err-referral-exit-kind-choose"))
        }
        // The provider's side is the only one taking steps here.
        referral::TransitionError::WrongSide { .. } => AppError::Rule(staff_with(
            "err-referral-wrong-side",
            &[("action", staff(&action.key()).into())],
        )),
        referral::TransitionError::NotFrom { action: code, .. } => AppError::Rule(staff_with(
            "err-referral-not-from",
            &[
                ("action", code.into()),
                ("status", staff(&from.key()).into()),
            ],
        )),
        referral::TransitionError::IntakeFirst => {
            AppError::Rule(staff("err-referral-intake-first"))
        }
    })?;
    if action == ActionKind::Arrival
        && (r.mode != HandoffMode::Warm.as_str() || r.arrived_at.is_some())
    {
        return Err(AppError::Rule(staff("err-referral-arrival-once")));
    }
    if action == ActionKind::Intake && r.intake_at.is_some() {
        return Err(AppError::Rule(staff("err-referral-intake-recorded")));
    }
    let expected = r.updated_at;
    let mut business = business;
    match action {
        ActionKind::Accept if r.assigned_to.is_none() => {
            r.assigned_to = Some(ctx.actor.user_id);
        }
        ActionKind::Arrival => {
            r.arrived_at = Some(occurred_at);
            r.first_contact_at = Some(
                r.first_contact_at
                    .map_or(occurred_at, |f| f.min(occurred_at)),
            );
            if r.assigned_to.is_none() {
                r.assigned_to = Some(ctx.actor.user_id);
            }
        }
        ActionKind::ContactAttempt if outcome == Some(ContactOutcome::Reached) => {
            r.first_contact_at = Some(
                r.first_contact_at
                    .map_or(occurred_at, |f| f.min(occurred_at)),
            );
            business = BusinessStatus::Contacted;
        }
        ActionKind::Intake => {
            r.intake_at = Some(occurred_at);
            r.first_contact_at = Some(
                r.first_contact_at
                    .map_or(occurred_at, |f| f.min(occurred_at)),
            );
        }
        ActionKind::FirstTreatment => {
            if r.intake_at.is_some_and(|i| occurred_at < i) {
                return Err(AppError::field(
                    "occurred_at",
                    staff("err-referral-treatment-before-intake"),
                ));
            }
            if r.engaged_at.is_some() {
                return Err(AppError::Rule(staff("err-referral-treatment-recorded")));
            }
            r.engaged_at = Some(occurred_at);
        }
        ActionKind::Exit => {
            r.exit_kind = exit.map(|e| e.as_str().to_string());
            r.exit_at = Some(occurred_at);
        }
        _ => {}
    }
    r.status = status.as_str().into();
    r.business_status = business.as_str().into();
    if reason.is_some() {
        r.status_reason = reason.clone();
        r.status_reason_code = reason_code.map(|c| c.as_str().to_string());
    }
    r.updated_at = now.max(expected + Duration::microseconds(1));
    tx.update_referral(&r, expected).await?;
    let told = crate::webhooks::referral_event(
        &mut tx,
        app,
        &r,
        "updated",
        Some(action.as_str()),
        r.updated_at,
    )
    .await?;
    tx.run(&told).await?;
    let detail = serde_json::json!({ "contact_outcome": outcome, "exit_kind": exit.map(|e| e.as_str()), "reason_code": reason_code.map(|c| c.as_str()) });
    tx.insert_service_event(&ServiceEventRow {
        id: Uuid::now_v7(),
        referral_id: r.id,
        kind: action.as_str().into(),
        occurred_at,
        status_after: status.as_str().into(),
        reason: reason.clone(),
        note: (!input.note.trim().is_empty()).then(|| input.note.trim().to_string()),
        detail_json: detail.to_string(),
        recorded_by: ctx.actor.user_id,
        recorded_at: now,
    })
    .await?;
    // What the legal side may learn, as case events: provider refusal is operational
    // (the agency must refer again); the service steps need the person's consent to be
    // shown and are marked "service.".
    let provider = tx.org(r.to_org_id).await?;
    let legal_summary = match action {
        ActionKind::Reject => Some((
            "referral.rejected",
            format!("{} declined the referral", provider.name),
        )),
        ActionKind::Accept => Some((
            "service.accepted",
            format!("{} accepted the referral", provider.name),
        )),
        ActionKind::Arrival => Some((
            "service.contacted",
            "Case manager met the person".to_string(),
        )),
        ActionKind::ContactAttempt if outcome == Some(ContactOutcome::Reached) => Some((
            "service.contacted",
            "Provider reached the person".to_string(),
        )),
        ActionKind::Intake => Some(("service.intake", "Intake completed".to_string())),
        ActionKind::FirstTreatment => Some(("service.engaged", "Engaged in treatment".to_string())),
        ActionKind::Exit => Some((
            "service.exit",
            if exit == Some(ExitKind::Completed) {
                "Completed the program".to_string()
            } else {
                "Left the program".to_string()
            },
        )),
        _ => None,
    };
    if let Some((kind, summary)) = legal_summary {
        // A referral a held charge does not count on stays out of the legal side's view.
        let kind = if r.counts_for_hold {
            kind.to_string()
        } else {
            format!("care.{}", kind.split_once('.').map_or(kind, |(_, k)| k))
        };
        case_event(&mut tx, app, &enc, Some(ctx.actor.user_id), &kind, &summary).await?;
    }
    crate::directory::held::on_referral_step(&mut tx, r.id, action, now).await?;
    tx.fail_point("referral.before_hold")?;
    // Only an intake (or an exit) at a service of the kinds the program's rules name
    // moves a held charge (ADR 0017).
    let hold_row = if r.counts_for_hold {
        tx.hold_for_encounter(enc.id).await?
    } else {
        None
    };
    if let Some(h) = hold_row {
        let state = HoldState::parse(&h.state).unwrap_or(HoldState::Held);
        let deadline = hold::Deadline {
            last_day: h.deadline_day,
            ends_at: h.deadline_ends_at,
        };
        let mut updated = h.clone();
        updated.updated_at = now.max(h.updated_at + Duration::microseconds(1));
        match action {
            ActionKind::Intake => match hold::on_intake(state, occurred_at, deadline) {
                IntakeEffect::Transition(next) => {
                    updated.state = next.as_str().into();
                    tx.update_hold(&updated, &h).await?;
                    let summary = if next == HoldState::IntakeMet {
                        "Intake completed by the deadline"
                    } else {
                        "Deadline missed: intake after the deadline"
                    };
                    case_event(
                        &mut tx,
                        app,
                        &enc,
                        None,
                        &format!("service.hold_{}", next.as_str()),
                        summary,
                    )
                    .await?;
                }
                IntakeEffect::Correction => {
                    let local = occurred_at.with_timezone(&tz).format("%Y-%m-%d");
                    updated.correction = Some(format!(
                        "Correction: intake dated {local} (before the deadline) was recorded on {} after the deadline was marked missed. The earlier state is not reversed; review before deciding.",
                        now.with_timezone(&tz).format("%Y-%m-%d")
                    ));
                    tx.update_hold(&updated, &h).await?;
                    case_event(
                        &mut tx,
                        app,
                        &enc,
                        None,
                        "service.hold_correction",
                        "Late correction: intake dated before the deadline",
                    )
                    .await?;
                }
                IntakeEffect::NoChange => {}
            },
            ActionKind::Exit
                if matches!(
                    exit,
                    Some(ExitKind::Withdrawn | ExitKind::NewArrest | ExitKind::Disengaged)
                ) =>
            {
                if let Some(next) = hold::on_referred_back(state) {
                    updated.state = next.as_str().into();
                    tx.update_hold(&updated, &h).await?;
                    case_event(
                        &mut tx,
                        app,
                        &enc,
                        None,
                        "service.hold_referred_back",
                        "Referred back to the prosecutor: left the program",
                    )
                    .await?;
                }
            }
            _ => {}
        }
    }
    audit::record(
        &mut tx,
        app,
        ctx,
        "referral.update",
        "referral",
        &id.to_string(),
        ALLOWED,
        action.as_str(),
    )
    .await?;
    crate::facts::refresh(&mut tx, app, enc.id).await?;
    if let Err(e) = use_link(&mut tx, link).await {
        tx.rollback().await?;
        return Err(e);
    }
    tx.commit().await?;
    Ok(())
}

/// Records that someone at the referral's organization has the page and is on it.
pub async fn acknowledge(app: &App, ctx: &Ctx, referral_id: Uuid) -> AppResult<()> {
    acknowledge_with(app, ctx, referral_id, None).await
}

pub(crate) async fn acknowledge_with(
    app: &App,
    ctx: &Ctx,
    referral_id: Uuid,
    link: LinkUse<'_>,
) -> AppResult<()> {
    let (mut tx, r, enc, _) = referral_guarded(
        app,
        ctx,
        app.store.write().await?,
        referral_id,
        CaseAction::ActOnReferral,
        "referral.acknowledge",
    )
    .await?;
    let now = app.now();
    if !tx
        .acknowledge_referral(r.id, ctx.actor.user_id, now)
        .await?
    {
        tx.rollback().await?;
        return Err(AppError::Conflict(staff("err-referral-page-acknowledged")));
    }
    let acknowledged = ReferralRow {
        acknowledged_at: Some(now),
        acknowledged_by: Some(ctx.actor.user_id),
        ..r.clone()
    };
    let told =
        crate::webhooks::referral_event(&mut tx, app, &acknowledged, "acknowledged", None, now)
            .await?;
    tx.run(&told).await?;
    let minutes = (now - r.requested_at).num_minutes();
    tx.insert_case_event(&crate::case::event(
        app,
        &enc,
        Some(ctx.actor.user_id),
        &crate::paging::kind(&r, "acknowledged"),
        &format!(
            "{} acknowledged the page, {minutes} min after the call",
            ctx.display_name
        ),
    ))
    .await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "referral.acknowledge",
        "referral",
        &r.id.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    if let Err(e) = use_link(&mut tx, link).await {
        tx.rollback().await?;
        return Err(e);
    }
    tx.commit().await?;
    Ok(())
}
