//! Queries of planner.
use super::*;

impl Tx {
    /// Each decision of a program: whether eligible, and its criteria (JSON).
    pub async fn decisions_of_program(&mut self, program_id: Uuid) -> Result<Vec<(bool, String)>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (bool, String)>("SELECT d.eligible, d.criteria_json FROM eligibility_decisions d JOIN encounters e ON e.id = d.encounter_id WHERE e.program_id = $1").bind(program_id).fetch_all(c).await)?,
        )
    }

    /// Counts for the planner: offers, declined offers, contact-card referrals, those
    /// never contacted by their deadline, missed intake deadlines.
    pub async fn planner_counts(
        &mut self,
        program_id: Uuid,
        today: NaiveDate,
    ) -> Result<(i64, i64, i64, i64, i64)> {
        let offers: (i64, i64) = q!(self, c => sqlx::query_as("SELECT COUNT(*), COALESCE(SUM(CASE WHEN f.accepted THEN 0 ELSE 1 END), 0) FROM offers f JOIN encounters e ON e.id = f.encounter_id WHERE e.program_id = $1").bind(program_id).fetch_one(c).await)?;
        let cards: (i64, i64) = q!(self, c => sqlx::query_as("SELECT COUNT(*), COALESCE(SUM(CASE WHEN first_contact_at IS NULL AND contact_deadline < $2 THEN 1 ELSE 0 END), 0) FROM referrals WHERE program_id = $1 AND mode = 'contact_card'").bind(program_id).bind(today).fetch_one(c).await)?;
        let missed: i64 = q!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM legal_holds WHERE program_id = $1 AND state = 'deadline_missed'").bind(program_id).fetch_one(c).await)?;
        Ok((offers.0, offers.1, cards.0, cards.1, missed))
    }
}
