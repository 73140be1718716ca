//! Overrides of an eligibility decision, and the supervisor's review.
use handoff_domain::policy::{CaseAction, ProgramAction, program_grant};
use handoff_storage::*;
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::case::{case_event, guarded, load_program};
use crate::{App, AppError, AppResult};
use handoff_i18n::staff;

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
    let reason = crate::util::required_text(
        "reason",
        reason,
        "err-override-reason-required",
        "err-override-reason-too-long",
        1000,
    )?;
    let (program, _) = load_program(&mut tx, enc.program_id).await?;
    let decision = tx.decision(enc.id).await?;
    if decision.eligible {
        return Err(AppError::Rule(staff("err-override-eligible")));
    }
    if tx.override_of(decision.id).await?.is_some() {
        return Err(AppError::Conflict(staff("err-override-already-requested")));
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
        return Err(AppError::field("decision", staff("err-override-decision")));
    };
    let note = note.trim();
    if !approve && note.is_empty() {
        return Err(AppError::field(
            "note",
            staff("err-override-refusal-reason"),
        ));
    }
    let decision = tx.decision(enc.id).await?;
    let Some(o) = tx.override_of(decision.id).await? else {
        return Err(AppError::Rule(staff("err-override-none")));
    };
    if o.requested_by == ctx.actor.user_id {
        return Err(AppError::Rule(staff("err-override-own")));
    }
    let status = if approve { "approved" } else { "rejected" };
    tx.review_override(o.id, status, ctx.actor.user_id, app.now(), note)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => AppError::Conflict(staff("err-override-already-reviewed")),
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
