//! Queries of screenings.
use super::*;

impl Tx {
    /// A referral's screenings, oldest first, answers decrypted.
    /// What the encounter's pathway added to it (none for encounters from before).
    pub async fn pathway_facts(&mut self, encounter_id: Uuid) -> Result<Option<PathwayFactsRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, PathwayFactsRow>("SELECT encounter_id, naloxone_doses, transported, surrendered_items, contact_kind, prior_involvement_on, prior_involvement_ref, outreach_source, call_type, police_present, team, follow_up_due FROM encounter_facts WHERE encounter_id = $1").bind(encounter_id).fetch_optional(c).await)?,
        )
    }

    /// An encounter's contact attempts, oldest first, notes decrypted.
    pub async fn attempts(&mut self, encounter_id: Uuid) -> Result<Vec<AttemptRow>> {
        let mut rows = q!(self, c => sqlx::query_as::<_, AttemptRow>("SELECT id, encounter_id, program_id, attempted_at, outcome, team, note, recorded_by, recorded_at FROM contact_attempts WHERE encounter_id = $1 ORDER BY attempted_at, id").bind(encounter_id).fetch_all(c).await)?;
        for r in &mut rows {
            if let Some(n) = &r.note {
                r.note = Some(crypto::open(&self.keys, "contact_attempts.note", n)?);
            }
        }
        Ok(rows)
    }

    pub async fn insert_attempt(&mut self, a: &AttemptRow) -> Result<()> {
        self.run(&[Stmt::attempt(a)]).await
    }

    pub async fn set_suppression_threshold(&mut self, program_id: Uuid, n: i64) -> Result<()> {
        let x = q!(self, c => sqlx::query("UPDATE programs SET suppression_threshold = $2 WHERE id = $1")
            .bind(program_id).bind(n)
            .execute(c).await.map(|r| r.rows_affected()))?;
        one(x)
    }

    pub async fn set_api_limits(
        &mut self,
        program_id: Uuid,
        per_token: i64,
        per_user: i64,
    ) -> Result<()> {
        let x = q!(self, c => sqlx::query("UPDATE programs SET api_token_per_minute = $2, api_user_per_minute = $3 WHERE id = $1")
            .bind(program_id).bind(per_token).bind(per_user)
            .execute(c).await.map(|r| r.rows_affected()))?;
        one(x)
    }

    /// How many encounters each pathway has in a program.
    pub async fn pathway_counts(&mut self, program_id: Uuid) -> Result<Vec<(String, i64)>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (String, i64)>("SELECT pathway, COUNT(*) FROM encounters WHERE program_id = $1 GROUP BY pathway").bind(program_id).fetch_all(c).await)?,
        )
    }
}
