//! What a referral's step does to the unit of capacity it holds (ADR 0017).
use chrono::{DateTime, Utc};
use handoff_storage::Tx;
use uuid::Uuid;

use crate::AppResult;

/// A referral's held unit, when its status changes: released when it is rejected,
/// cancelled or entered in error; taken (the unit is used: one fewer available) when the
/// person arrives or completes intake.
pub async fn on_referral_step(
    tx: &mut Tx,
    referral_id: Uuid,
    step: handoff_domain::referral::ActionKind,
    now: DateTime<Utc>,
) -> AppResult<()> {
    use handoff_domain::referral::ActionKind as A;
    match step {
        A::Reject | A::Cancel | A::EnteredInError => {
            tx.end_hold(referral_id, "released", now).await?;
        }
        A::Arrival | A::Intake => {
            if let Some(cap) = tx.end_hold(referral_id, "taken", now).await? {
                tx.adjust_capacity(cap, -1, now).await?;
            }
        }
        _ => {}
    }
    Ok(())
}
