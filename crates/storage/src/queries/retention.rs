//! Queries of identity retention.
use super::*;

impl Tx {
    /// Each program with how long it keeps the identity of people it did not serve.
    pub async fn identity_retention(&mut self) -> Result<Vec<(Uuid, i64)>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (Uuid, i64)>("SELECT id, identity_retention_days FROM programs").fetch_all(c).await)?,
        )
    }

    /// People of a program whose every encounter ended without consent to keep them
    /// (found ineligible with no override pending or approved, or the offer declined),
    /// the last before `cutoff`, not yet erased.
    pub async fn participants_to_erase(
        &mut self,
        program_id: Uuid,
        cutoff: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Uuid>> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, Uuid>("SELECT p.id FROM participants p \
                WHERE p.program_id = $1 AND p.erased_at IS NULL \
                AND EXISTS (SELECT 1 FROM encounters e WHERE e.participant_id = p.id) \
                AND NOT EXISTS (SELECT 1 FROM encounters e WHERE e.participant_id = p.id AND e.occurred_at >= $2) \
                AND NOT EXISTS (SELECT 1 FROM encounters e \
                    JOIN eligibility_decisions d ON d.encounter_id = e.id \
                    LEFT JOIN eligibility_overrides o ON o.decision_id = d.id \
                    LEFT JOIN offers f ON f.encounter_id = e.id \
                    WHERE e.participant_id = p.id \
                    AND NOT ((f.accepted IS NOT NULL AND f.accepted = FALSE) \
                        OR (f.accepted IS NULL AND d.eligible = FALSE AND (o.status IS NULL OR o.status = 'rejected')))) \
                ORDER BY p.id LIMIT $3")
                .bind(program_id).bind(cutoff).bind(limit).fetch_all(c).await)?,
        )
    }

    /// Erases a person's identity (names, birth date, contact, search keys); the row
    /// stays so that encounters, audit and history still refer to it.
    pub async fn erase_participant(&mut self, id: Uuid, at: DateTime<Utc>) -> Result<()> {
        let placeholder = "1900-01-01";
        let n = q!(self, c => sqlx::query("UPDATE participants SET first_name = '(erased)', last_name = '', dob = $2, phone = NULL, email = NULL, match_key = $3, search_name = '', erased_at = $4 WHERE id = $1 AND erased_at IS NULL")
            .bind(id).bind(placeholder).bind(format!("erased:{id}")).bind(at)
            .execute(c).await.map(|r| r.rows_affected()))?;
        one(n)?;
        // Messages to them: their address and words (a queued one is not sent).
        q!(self, c => sqlx::query("UPDATE messages SET address = '', subject = '', body = '', state = CASE WHEN state = 'queued' THEN 'failed' ELSE state END, last_error = CASE WHEN state = 'queued' THEN 'the identity was erased' ELSE last_error END WHERE recipient_kind = 'participant' AND recipient_id = $1")
            .bind(id).execute(c).await.map(|_| ()))?;
        // Where they agreed to be reminded is theirs too.
        q!(self, c => sqlx::query("DELETE FROM participant_contacts WHERE participant_id = $1")
            .bind(id).execute(c).await.map(|_| ()))?;
        // The reasons of their safety flags name them too.
        q!(self, c => sqlx::query("UPDATE participant_flags SET set_reason = '', clear_reason = NULL WHERE participant_id = $1")
            .bind(id).execute(c).await.map(|_| ()))?;
        Ok(())
    }
}
