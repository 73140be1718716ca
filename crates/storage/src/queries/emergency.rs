//! Queries of break-the-glass.
use super::*;

impl Tx {
    pub async fn insert_emergency_access(&mut self, g: &EmergencyAccessRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO emergency_access (id, program_id, encounter_id, user_id, reason, granted_at, expires_at, reviewed_by, reviewed_at, review_note) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)")
            .bind(g.id).bind(g.program_id).bind(g.encounter_id).bind(g.user_id).bind(&g.reason).bind(g.granted_at).bind(g.expires_at).bind(g.reviewed_by).bind(g.reviewed_at).bind(&g.review_note)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Users holding an emergency grant on a case at `now`.
    pub async fn emergency_grantees(
        &mut self,
        encounter_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Vec<(Uuid, DateTime<Utc>)>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (Uuid, DateTime<Utc>)>("SELECT user_id, expires_at FROM emergency_access WHERE encounter_id = $1 AND granted_at <= $2 AND expires_at > $2").bind(encounter_id).bind(now).fetch_all(c).await)?,
        )
    }

    /// When a user's emergency grant on a case ends, if one is in force at `now`.
    pub async fn emergency_until(
        &mut self,
        encounter_id: Uuid,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        Ok(self
            .emergency_grantees(encounter_id, now)
            .await?
            .into_iter()
            .filter(|(u, _)| *u == user_id)
            .map(|(_, until)| until)
            .max())
    }

    /// A program's grants, unreviewed first, then the latest.
    pub async fn emergency_reviews(
        &mut self,
        program_id: Uuid,
        limit: i64,
    ) -> Result<Vec<EmergencyReviewRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, EmergencyReviewRow>("SELECT g.id, g.encounter_id, e.reference, u.username, u.display_name, g.reason, g.granted_at, g.expires_at, g.reviewed_at, g.review_note FROM emergency_access g JOIN encounters e ON e.id = g.encounter_id JOIN users u ON u.id = g.user_id WHERE g.program_id = $1 ORDER BY (g.reviewed_at IS NULL) DESC, g.granted_at DESC LIMIT $2").bind(program_id).bind(limit).fetch_all(c).await)?,
        )
    }

    pub async fn emergency_access(&mut self, id: Uuid) -> Result<EmergencyAccessRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, EmergencyAccessRow>("SELECT id, program_id, encounter_id, user_id, reason, granted_at, expires_at, reviewed_by, reviewed_at, review_note FROM emergency_access WHERE id = $1").bind(id).fetch_one(c).await)?,
        )
    }

    /// Marks a grant reviewed (once).
    pub async fn review_emergency_access(
        &mut self,
        id: Uuid,
        by: Uuid,
        at: DateTime<Utc>,
        note: &str,
    ) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE emergency_access SET reviewed_by = $2, reviewed_at = $3, review_note = $4 WHERE id = $1 AND reviewed_at IS NULL").bind(id).bind(by).bind(at).bind(note).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }
}
