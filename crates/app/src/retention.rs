//! Identity retention: people found ineligible, or who declined the offer, gave no
//! consent to be kept. After the program's retention period (90 days by default) their
//! names, birth date and contact details are erased; their encounters keep the
//! demographics and offenses that reports count, and audit and history still refer to
//! the record by its id. Runs with the worker's housekeeping.
use chrono::Duration;

use crate::audit::{self, ALLOWED, Ctx};
use crate::{App, AppResult};

/// People erased per program per run (the rest wait for the next run).
const BATCH: i64 = 500;

/// Erases the identity of everyone due; returns how many were erased.
pub async fn erase_due(app: &App) -> AppResult<u64> {
    let now = app.now();
    let programs = {
        let mut tx = app.store.read().await?;
        let p = tx.identity_retention().await?;
        tx.rollback().await?;
        p
    };
    let mut erased = 0;
    for (program_id, days) in programs {
        let cutoff = now - Duration::days(days.max(0));
        let due = {
            let mut tx = app.store.read().await?;
            let d = tx.participants_to_erase(program_id, cutoff, BATCH).await?;
            tx.rollback().await?;
            d
        };
        for id in due {
            // One transaction each: the erasure and its audit record together.
            let mut tx = app.store.write().await?;
            tx.erase_participant(id, now).await?;
            audit::record(
                &mut tx,
                app,
                &Ctx::system(),
                "participant.erase",
                "participant",
                &id.to_string(),
                ALLOWED,
                &format!("identity kept {days} days: ineligible or declined"),
            )
            .await?;
            tx.commit().await?;
            erased += 1;
        }
    }
    Ok(erased)
}
