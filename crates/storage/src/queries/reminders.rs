//! Reminders (ADR 0022): appointments, where a person agreed to be reminded, the program's
//! quiet hours.
use super::*;

const CONTACT: &str = "id, program_id, participant_id, channel, address, address_index, shared, consented_at, consented_by, stopped_at, created_at";

impl Tx {
    /// Schedules (or moves) a referral's intake.
    pub async fn set_appointment(&mut self, a: &AppointmentRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO appointments (referral_id, program_id, at, place, set_by, set_at) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (referral_id) DO UPDATE SET at = excluded.at, place = excluded.place, set_by = excluded.set_by, set_at = excluded.set_at")
            .bind(a.referral_id).bind(a.program_id).bind(a.at).bind(&a.place).bind(a.set_by).bind(a.set_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn appointment_of(&mut self, referral_id: Uuid) -> Result<Option<AppointmentRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, AppointmentRow>("SELECT referral_id, program_id, at, place, set_by, set_at FROM appointments WHERE referral_id = $1")
            .bind(referral_id).fetch_optional(c).await)?,
        )
    }

    /// The channel the person chose last (stopped or not), opened.
    pub async fn participant_contact(
        &mut self,
        participant_id: Uuid,
    ) -> Result<Option<ParticipantContactRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {CONTACT} FROM participant_contacts WHERE participant_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1"
        ));
        let row = q!(self, c => sqlx::query_as::<_, ParticipantContactRow>(sql).bind(participant_id).fetch_optional(c).await)?;
        row.map(|mut r| {
            r.address = crypto::open(&self.keys, "participant_contacts.address", &r.address)?;
            Ok(r)
        })
        .transpose()
    }

    /// Records the channel the person chose, with their consent (it replaces any before).
    pub async fn add_participant_contact(&mut self, r: &ParticipantContactRow) -> Result<()> {
        let address = crypto::seal(&self.keys, "participant_contacts.address", &r.address)?;
        q!(self, c => sqlx::query("INSERT INTO participant_contacts (id, program_id, participant_id, channel, address, address_index, shared, consented_at, consented_by, stopped_at, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)")
            .bind(r.id).bind(r.program_id).bind(r.participant_id).bind(&r.channel).bind(&address).bind(&r.address_index).bind(r.shared).bind(r.consented_at).bind(r.consented_by).bind(r.stopped_at).bind(r.created_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Stops every contact point with this keyed index (a STOP from it); how many.
    pub async fn stop_participant_contacts(
        &mut self,
        address_index: &str,
        at: DateTime<Utc>,
    ) -> Result<u64> {
        Ok(
            q!(self, c => sqlx::query("UPDATE participant_contacts SET stopped_at = $2 WHERE address_index = $1 AND stopped_at IS NULL")
            .bind(address_index).bind(at).execute(c).await.map(|r| r.rows_affected()))?,
        )
    }

    /// Stops the person's reminders (their consent withdrawn through staff).
    pub async fn stop_reminders_of(
        &mut self,
        participant_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<u64> {
        Ok(
            q!(self, c => sqlx::query("UPDATE participant_contacts SET stopped_at = $2 WHERE participant_id = $1 AND stopped_at IS NULL")
            .bind(participant_id).bind(at).execute(c).await.map(|r| r.rows_affected()))?,
        )
    }

    /// The program's quiet hours (local "HH:MM" start and end) and how many hours before
    /// an appointment the person is reminded.
    pub async fn reminder_settings(&mut self, program_id: Uuid) -> Result<(String, String, i64)> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (String, String, i64)>("SELECT quiet_start, quiet_end, reminder_hours FROM programs WHERE id = $1")
            .bind(program_id).fetch_one(c).await)?,
        )
    }
}

impl Tx {
    /// A program's warm handoffs since `since`: when called, when acknowledged, the highest
    /// rung paged (-1: nobody) and whether the ladder ended unanswered.
    pub async fn paged_handoffs(
        &mut self,
        program_id: Uuid,
        since: DateTime<Utc>,
    ) -> Result<Vec<(DateTime<Utc>, Option<DateTime<Utc>>, i64, i64)>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (DateTime<Utc>, Option<DateTime<Utc>>, i64, i64)>("SELECT r.requested_at, r.acknowledged_at,
                CAST(COALESCE((SELECT MAX(p.rung) FROM pages p WHERE p.referral_id = r.id), -1) AS BIGINT),
                CAST(CASE WHEN EXISTS (SELECT 1 FROM case_events ce WHERE ce.encounter_id = r.encounter_id AND ce.kind IN ('referral.page_unanswered', 'care.page_unanswered')) THEN 1 ELSE 0 END AS BIGINT)
                FROM referrals r WHERE r.program_id = $1 AND r.mode = 'warm' AND r.requested_at >= $2")
            .bind(program_id).bind(since).fetch_all(c).await)?,
        )
    }
}

impl Tx {
    /// How many business days before a held charge's intake deadline its provider is
    /// reminded.
    pub async fn intake_remind_days(&mut self, program_id: Uuid) -> Result<i64> {
        Ok(
            q!(self, c => sqlx::query_scalar("SELECT intake_remind_days FROM programs WHERE id = $1")
            .bind(program_id).fetch_one(c).await)?,
        )
    }

    /// Every program's id (the worker schedules each one's morning reminders).
    pub async fn program_ids(&mut self) -> Result<Vec<Uuid>> {
        Ok(
            q!(self, c => sqlx::query_scalar("SELECT id FROM programs ORDER BY id").fetch_all(c).await)?,
        )
    }
}

impl Tx {
    pub async fn message_timing(&mut self, program_id: Uuid) -> Result<MessageTiming> {
        Ok(
            q!(self, c => sqlx::query_as::<_, MessageTiming>("SELECT page_window_minutes, quiet_start, quiet_end, reminder_hours, intake_remind_days FROM programs WHERE id = $1")
            .bind(program_id).fetch_one(c).await)?,
        )
    }

    pub async fn set_message_timing(&mut self, program_id: Uuid, t: &MessageTiming) -> Result<()> {
        q!(self, c => sqlx::query("UPDATE programs SET page_window_minutes = $2, quiet_start = $3, quiet_end = $4, reminder_hours = $5, intake_remind_days = $6 WHERE id = $1")
            .bind(program_id).bind(t.page_window_minutes).bind(&t.quiet_start).bind(&t.quiet_end).bind(t.reminder_hours).bind(t.intake_remind_days)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }
}
