//! The offer, the consent signed with it, the handoff (referral), the legal hold, a
//! referral to another provider, and contact attempts.
use chrono::{DateTime, NaiveDate, Utc};
use handoff_domain::hold::HoldState;
use handoff_domain::input::{AttemptInput, Offer, OfferInput};
use handoff_domain::policy::CaseAction;
use handoff_domain::referral::{BusinessStatus, ReferralStatus};
use handoff_domain::{Coded, FieldErrors, HandoffMode, OrgKind, Pathway};
use handoff_storage::*;
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::case::{
    DEADLINE_JOB, case_event, contact_due, deadline_job_key, event, guarded, intake_deadline,
    spec_of,
};
use crate::{App, AppError, AppResult};
use handoff_i18n::{staff, staff_with};

pub(crate) fn provider_of(orgs: &[OrgRow], id: Uuid) -> AppResult<OrgRow> {
    orgs.iter()
        .find(|o| o.id == id && o.kind == OrgKind::Provider.as_str())
        .cloned()
        .ok_or_else(|| AppError::field("provider_id", staff("err-offer-provider-choose")))
}

/// A new referral (requested) to a provider, not yet written; a warm handoff goes to
/// whoever is on call now.
pub(crate) async fn create_referral(
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
        service_id: None,
        service_types: String::new(),
        counts_for_hold: true,
        status_reason_code: None,
        release_id: None,
        acknowledged_at: None,
        acknowledged_by: None,
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
    let tz = data.tz;
    let today = now.with_timezone(&tz).date_naive();
    let spec = spec_of(&enc);
    let offer = input.parse(today, spec.charges)?;
    let decision = read.decision_status(enc.id).await?;
    let override_status = decision.override_status.as_deref();
    if !(decision.eligible || override_status == Some("approved")) {
        return Err(AppError::Rule(match override_status {
            Some("pending") => staff("err-offer-override-pending"),
            _ => staff("err-offer-not-eligible"),
        }));
    }
    let already = |e: StoreError| match e {
        StoreError::Conflict(_) => AppError::Conflict(staff("err-offer-already-recorded")),
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
                        .ok_or_else(|| AppError::Rule(staff("err-offer-no-prosecutor")))?,
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
            // The consent's words are in the person's language.
            let lang =
                crate::consent_terms::person_lang(app, &mut read, enc.participant_id).await?;
            let signed = crate::consent_terms::Signed {
                name: consent_signed_name,
                by: ctx.actor.user_id,
                at: now,
            };
            first.push(Stmt::consent(&match &prosecutor {
                Some((_, pros)) => {
                    crate::consents::offer_consent(&enc, &providers, [agency, pros], signed, &lang)
                }
                None => crate::consents::referral_consent(&enc, &providers, agency, signed, &lang),
            }));
            // On the program's calendar: the intake deadline ends on a business day; first
            // contact on a contact card is due within its business hours (issue 4).
            let deadline = intake_deadline(&data, &enc, None);
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
            // A warm handoff pages the on-call person now, in this transaction.
            second.extend(
                crate::paging::first_page(&mut read, app, &enc, &referral, Some(ctx.actor.user_id))
                    .await?,
            );
            // The partner's own system is told, if it has an endpoint.
            second.extend(
                crate::webhooks::referral_event(&mut read, app, &referral, "created", None, now)
                    .await?,
            );
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
                        kind: DEADLINE_JOB.into(),
                        dedupe_key: deadline_job_key(hold_row.id),
                        payload: hold_row.id.to_string(),
                        run_at: deadline.ends_at,
                        ..JobRow::pending(now)
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
        second.push(crate::facts::write(&f));
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
        errors.add("provider_id", staff("err-offer-provider-required"));
    }
    let mode = HandoffMode::parse(mode.trim());
    if mode.is_none() {
        errors.add("handoff_mode", staff("err-offer-handoff-mode"));
    }
    let (Some(provider_id), Some(mode)) = (provider_id, mode) else {
        return Err(AppError::Invalid(errors));
    };
    if !tx.offer(enc.id).await?.is_some_and(|o| o.accepted) {
        return Err(AppError::Rule(staff("err-offer-acceptance-first")));
    }
    let referrals = tx.referrals_for_encounter(enc.id).await?;
    if referrals
        .iter()
        .filter(|r| r.counts_for_hold)
        .any(|r| ReferralStatus::parse(&r.status).is_some_and(|s| s.is_open()))
    {
        return Err(AppError::Rule(staff("err-offer-referral-open")));
    }
    let orgs = tx.orgs(enc.program_id).await?;
    let provider = provider_of(&orgs, provider_id)?;
    let contact_deadline = if mode == HandoffMode::ContactCard {
        let data = app.program_data(enc.program_id).await?;
        let hold = tx.hold_for_encounter(enc.id).await?;
        let last = intake_deadline(&data, &enc, hold.as_ref()).last_day;
        Some(contact_due(&data, app.now(), last))
    } else {
        None
    };
    let (referral, e) =
        create_referral(&mut tx, app, ctx, &enc, &provider, mode, contact_deadline).await?;
    tx.insert_referral(&referral).await?;
    tx.insert_case_event(&e).await?;
    let mut pages =
        crate::paging::first_page(&mut tx, app, &enc, &referral, Some(ctx.actor.user_id)).await?;
    pages.extend(
        crate::webhooks::referral_event(&mut tx, app, &referral, "created", None, app.now())
            .await?,
    );
    tx.run(&pages).await?;
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
        return Err(AppError::Rule(staff_with(
            "err-offer-attempts-pathway",
            &[("pathway", staff(&pathway.key()).into())],
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
