//! Break-the-glass: a case manager or coordinator gets read access to one case's
//! clinical record outside their scope by stating a reason. The grant lasts
//! `Settings::emergency_minutes`, every read under it is audited, and the program's
//! coordinators review each grant.
use chrono::{DateTime, Duration, Utc};
use handoff_domain::policy::{ProgramAction, program_grant};
use handoff_storage::{EmergencyAccessRow, EmergencyReviewRow, StoreError};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::{App, AppError, AppResult};
use handoff_i18n::{staff, staff_with};

/// What the emergency access page shows for one case.
pub struct CaseEmergency {
    pub encounter_id: Uuid,
    pub reference: String,
    /// The actor's grant in force, if any: until then, and the case's referrals
    /// (id, provider) to open.
    pub until: Option<DateTime<Utc>>,
    pub referrals: Vec<(Uuid, String)>,
    pub minutes: i64,
}

/// "Use at most 500 characters." (a reason or a review note).
fn at_most_500() -> String {
    staff_with("err-emergency-too-long", &[("max", "500".into())])
}

/// The case, if it exists in a program where the actor may break the glass.
async fn case_in_scope(
    app: &App,
    ctx: &Ctx,
    lookup: impl AsyncFnOnce(
        &mut handoff_storage::Tx,
    ) -> handoff_storage::Result<handoff_storage::EncounterRow>,
) -> AppResult<Option<handoff_storage::EncounterRow>> {
    let mut tx = app.store.read().await?;
    let e = lookup(&mut tx).await;
    tx.rollback().await?;
    match e {
        Ok(e)
            if program_grant(&ctx.actor, e.program_id, ProgramAction::BreakTheGlass).is_some() =>
        {
            Ok(Some(e))
        }
        Ok(_) | Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The case, if it is in a program where the actor may break the glass. Others are told
/// "not found" (audited), whether the case exists or not.
async fn eligible_case(
    app: &App,
    ctx: &Ctx,
    encounter_id: Uuid,
    action: &str,
) -> AppResult<handoff_storage::EncounterRow> {
    match case_in_scope(app, ctx, async |tx| tx.encounter(encounter_id).await).await? {
        Some(e) => Ok(e),
        None => Err(audit::deny(app, ctx, action, "encounter", &encounter_id.to_string()).await),
    }
}

/// The page for one case: the form to ask, or the grant in force with the referrals.
pub async fn case_page(app: &App, ctx: &Ctx, encounter_id: Uuid) -> AppResult<CaseEmergency> {
    let enc = eligible_case(app, ctx, encounter_id, "emergency.read").await?;
    let now = app.now();
    let mut tx = app.store.read().await?;
    let until = tx.emergency_until(enc.id, ctx.actor.user_id, now).await?;
    let mut referrals = Vec::new();
    if until.is_some() {
        // Which providers hold the case is itself Part 2 information: shown only under
        // the grant.
        let orgs = tx.orgs(enc.program_id).await?;
        for r in tx.referrals_for_encounter(enc.id).await? {
            let name = orgs
                .iter()
                .find(|o| o.id == r.to_org_id)
                .map(|o| o.name.clone())
                .unwrap_or_default();
            referrals.push((r.id, name));
        }
    }
    tx.rollback().await?;
    Ok(CaseEmergency {
        encounter_id: enc.id,
        reference: enc.reference,
        until,
        referrals,
        minutes: app.settings.emergency_minutes,
    })
}

/// Grants emergency access for the stated reason. Audited with the reason; listed for
/// the coordinators' review.
pub async fn grant(app: &App, ctx: &Ctx, encounter_id: Uuid, reason: &str) -> AppResult<Uuid> {
    let enc = eligible_case(app, ctx, encounter_id, "emergency.grant").await?;
    let reason = reason.trim();
    if reason.chars().count() < 10 {
        return Err(AppError::field(
            "reason",
            staff("err-emergency-reason-short"),
        ));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::field("reason", at_most_500()));
    }
    let now = app.now();
    let row = EmergencyAccessRow {
        id: Uuid::now_v7(),
        program_id: enc.program_id,
        encounter_id: enc.id,
        user_id: ctx.actor.user_id,
        reason: reason.into(),
        granted_at: now,
        expires_at: now + Duration::minutes(app.settings.emergency_minutes),
        reviewed_by: None,
        reviewed_at: None,
        review_note: None,
    };
    let mut tx = app.store.write().await?;
    tx.insert_emergency_access(&row).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "emergency.grant",
        "encounter",
        &enc.id.to_string(),
        ALLOWED,
        reason,
    )
    .await?;
    tx.commit().await?;
    Ok(row.id)
}

/// Finds a case by the reference on the person's slip, for a user who may break the
/// glass in its program.
pub async fn find(app: &App, ctx: &Ctx, reference: &str) -> AppResult<Uuid> {
    let reference = reference.trim().to_uppercase();
    if reference.is_empty() {
        return Err(AppError::field(
            "reference",
            staff("err-emergency-reference-empty"),
        ));
    }
    let found = case_in_scope(app, ctx, async |tx| {
        tx.encounter_by_reference(&reference).await
    })
    .await?;
    match found {
        Some(e) => Ok(e.id),
        None => {
            let _ = audit::deny(app, ctx, "emergency.find", "reference", &reference).await;
            Err(AppError::field(
                "reference",
                staff("err-emergency-reference-unknown"),
            ))
        }
    }
}

/// The program's grants for its coordinators: unreviewed first.
pub async fn reviews(app: &App, ctx: &Ctx) -> AppResult<Vec<EmergencyReviewRow>> {
    let pid = ctx.require_program()?;
    if program_grant(&ctx.actor, pid, ProgramAction::ReviewEmergencyAccess).is_none() {
        return Err(audit::deny(app, ctx, "emergency.reviews", "program", &pid.to_string()).await);
    }
    let mut tx = app.store.write().await?;
    let rows = tx.emergency_reviews(pid, 200).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "emergency.reviews",
        "program",
        &pid.to_string(),
        ALLOWED,
        &format!("{} rows", rows.len()),
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// A coordinator marks a grant reviewed, with what they found.
pub async fn review(app: &App, ctx: &Ctx, grant_id: Uuid, note: &str) -> AppResult<()> {
    let note = note.trim();
    let mut tx = app.store.write().await?;
    let g = match tx.emergency_access(grant_id).await {
        Ok(g) => g,
        Err(StoreError::NotFound) => {
            tx.rollback().await?;
            return Err(audit::deny(
                app,
                ctx,
                "emergency.review",
                "emergency_access",
                &grant_id.to_string(),
            )
            .await);
        }
        Err(e) => return Err(e.into()),
    };
    if program_grant(
        &ctx.actor,
        g.program_id,
        ProgramAction::ReviewEmergencyAccess,
    )
    .is_none()
    {
        tx.rollback().await?;
        return Err(audit::deny(
            app,
            ctx,
            "emergency.review",
            "emergency_access",
            &grant_id.to_string(),
        )
        .await);
    }
    if note.is_empty() {
        tx.rollback().await?;
        return Err(AppError::field("note", staff("err-emergency-review-note")));
    }
    if note.chars().count() > 500 {
        tx.rollback().await?;
        return Err(AppError::field("note", at_most_500()));
    }
    if g.reviewed_at.is_some() {
        tx.rollback().await?;
        return Err(AppError::Conflict(staff("err-emergency-reviewed")));
    }
    tx.review_emergency_access(grant_id, ctx.actor.user_id, app.now(), note)
        .await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "emergency.review",
        "emergency_access",
        &grant_id.to_string(),
        ALLOWED,
        note,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
