//! The job worker: persisted jobs with a lease and a dedupe key. A job is claimed in one
//! transaction (recording the lease) and carried out in another that also marks it done,
//! only if this worker still holds the lease; the effect itself is guarded by the state it
//! expects, so a restart or a second worker never acts twice.
use chrono::Duration;
use handoff_domain::hold::{self, HoldState};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::case::{DEADLINE_JOB, case_event, service_facts};
use crate::{App, AppError, AppResult};

pub const LEASE_SECONDS: i64 = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ran {
    /// A job was claimed and done (with what it did).
    Done { kind: String, effect: String },
    /// The lease was lost before the work was committed; nothing was done.
    LeaseLost,
    /// The job failed; it will be tried again later.
    Failed(String),
}

/// Claims the next due job, if any, recording the lease. Returns its id.
pub async fn claim(app: &App, worker: &str) -> AppResult<Option<handoff_storage::JobRow>> {
    let now = app.now();
    let mut tx = app.store.write().await?;
    let job = tx
        .claim_job(worker, now, now + Duration::seconds(LEASE_SECONDS))
        .await?;
    tx.commit().await?;
    Ok(job)
}

/// Carries out a claimed job and marks it done, in one transaction.
pub async fn execute(app: &App, worker: &str, job: &handoff_storage::JobRow) -> AppResult<Ran> {
    let now = app.now();
    let mut tx = app.store.write().await?;
    let effect = match job.kind.as_str() {
        DEADLINE_JOB => {
            let hold_id = Uuid::parse_str(&job.payload)
                .map_err(|_| AppError::Internal("job payload".into()))?;
            let h = tx.hold(hold_id).await?;
            let state = HoldState::parse(&h.state).unwrap_or(HoldState::Held);
            if now < h.deadline_ends_at {
                // The deadline moved (extended): come back then.
                tx.rollback().await?;
                let mut tx = app.store.write().await?;
                tx.reschedule_job(&job.dedupe_key, h.deadline_ends_at)
                    .await?;
                tx.commit().await?;
                return Ok(Ran::Done {
                    kind: job.kind.clone(),
                    effect: "rescheduled".into(),
                });
            }
            // Only referrals a held charge counts on can meet its deadline (ADR 0017).
            let mut referrals = tx.referrals_for_encounter(h.encounter_id).await?;
            referrals.retain(|r| r.counts_for_hold);
            let intake_in_time = service_facts(&referrals)
                .intake_at
                .is_some_and(|i| i < h.deadline_ends_at);
            let mut updated = h.clone();
            updated.updated_at = now.max(h.updated_at + Duration::microseconds(1));
            match hold::on_deadline_passed(state) {
                // An intake came in time but the hold was not moved (it changed at the same
                // moment): move it now rather than leave it waiting.
                Some(_) if intake_in_time => {
                    updated.state = HoldState::IntakeMet.as_str().into();
                    tx.update_hold(&updated, &h).await?;
                    "intake_met".to_string()
                }
                Some(next) => {
                    updated.state = next.as_str().into();
                    tx.update_hold(&updated, &h).await?;
                    let enc = tx.encounter(h.encounter_id).await?;
                    case_event(
                        &mut tx,
                        app,
                        &enc,
                        None,
                        "service.hold_deadline_missed",
                        &format!(
                            "Deadline missed: no intake by the end of {}",
                            h.deadline_day
                        ),
                    )
                    .await?;
                    audit::record(
                        &mut tx,
                        app,
                        &Ctx::system(),
                        "hold.deadline_missed",
                        "legal_hold",
                        &h.id.to_string(),
                        ALLOWED,
                        "",
                    )
                    .await?;
                    "deadline_missed".to_string()
                }
                None => "no change".to_string(),
            }
        }
        crate::paging::PAGE_JOB => crate::paging::escalate(&mut tx, app, &job.payload).await?,
        crate::reminders::REMIND_JOB => crate::reminders::run(&mut tx, app, &job.payload).await?,
        crate::digest::DIGEST_JOB => crate::digest::run(&mut tx, app, &job.payload).await?,
        other => format!("unknown job kind {other}; ignored"),
    };
    tx.fail_point("worker.before_finish")?;
    if !tx.finish_job(job.id, worker, now).await? {
        tx.rollback().await?;
        return Ok(Ran::LeaseLost);
    }
    tx.commit().await?;
    Ok(Ran::Done {
        kind: job.kind.clone(),
        effect,
    })
}

/// Claims and runs one due job. None when nothing is due.
pub async fn run_once(app: &App, worker: &str) -> AppResult<Option<Ran>> {
    let Some(job) = claim(app, worker).await? else {
        return Ok(None);
    };
    match execute(app, worker, &job).await {
        Ok(r) => Ok(Some(r)),
        Err(e) => {
            let now = app.now();
            let retry =
                (job.attempts < 10).then(|| now + Duration::seconds(30 * job.attempts.max(1)));
            let mut tx = app.store.write().await?;
            tx.fail_job(job.id, &e.to_string(), retry, now).await?;
            tx.commit().await?;
            tracing::warn!(job = %job.id, kind = %job.kind, error = %e, "job failed");
            Ok(Some(Ran::Failed(e.to_string())))
        }
    }
}

/// Runs every job that is due now; returns how many ran.
pub async fn drain(app: &App, worker: &str) -> AppResult<usize> {
    let mut n = 0;
    while run_once(app, worker).await?.is_some() {
        n += 1;
    }
    Ok(n)
}

/// Housekeeping: idempotency keys are kept 24 hours; the identity of people not served
/// is erased after the retention period. Returns how many rows each removed.
pub async fn housekeeping(app: &App) -> AppResult<(u64, u64)> {
    let mut tx = app.store.write().await?;
    let n = tx
        .purge_idempotency(app.now() - Duration::hours(24))
        .await?;
    tx.commit().await?;
    let erased = crate::retention::erase_due(app).await?;
    // Each program's next morning reminders to staff (a program added since, too).
    crate::digest::ensure_scheduled(app).await?;
    // A reference file imported by another server or the command line.
    app.reload_codes().await?;
    Ok((n, erased))
}

/// The background loop of a server: drains due jobs, then waits a little.
pub async fn run_forever(app: App, worker: String, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut ticks: u64 = 0;
    loop {
        if let Err(e) = drain(&app, &worker).await {
            tracing::error!(error = %e, "worker");
        }
        // What leaves Handoff (ADR 0019): due messages, every second.
        if let Err(e) = crate::outbox::deliver_due(&app, &worker).await {
            tracing::error!(error = %e, "outbox");
        }
        if ticks.is_multiple_of(3600)
            && let Err(e) = housekeeping(&app).await
        {
            tracing::error!(error = %e, "housekeeping");
        }
        // Rollups are kept current within a minute (ADR 0011).
        if ticks.is_multiple_of(60)
            && let Err(e) = crate::facts::roll_up(&app).await
        {
            tracing::error!(error = %e, "rollups");
        }
        ticks += 1;
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
            _ = stop.changed() => break,
        }
    }
}
