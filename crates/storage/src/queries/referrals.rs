//! Queries of referrals and service events.
use super::*;

impl Tx {
    pub async fn insert_referral(&mut self, r: &ReferralRow) -> Result<()> {
        self.run(&[Stmt::referral(r)]).await
    }

    /// Turns a warm handoff into a contact card with its first-contact day; Conflict if
    /// the referral changed since it was read.
    pub async fn switch_referral_mode(
        &mut self,
        r: &ReferralRow,
        expected_updated_at: DateTime<Utc>,
    ) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE referrals SET mode = $2, contact_deadline = $3, updated_at = $4 WHERE id = $1 AND updated_at = $5")
            .bind(r.id).bind(&r.mode).bind(r.contact_deadline).bind(r.updated_at).bind(expected_updated_at)
            .execute(c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::Conflict(
                "the referral was changed by someone else; reload and try again".into(),
            ));
        }
        Ok(())
    }

    /// Writes a referral's current state (the history is in service_events). Fails with
    /// Conflict if the referral changed since it was read (`expected_updated_at`).
    pub async fn update_referral(
        &mut self,
        r: &ReferralRow,
        expected_updated_at: DateTime<Utc>,
    ) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE referrals SET status = $2, business_status = $3, status_reason = $4, assigned_to = $5, arrived_at = $6, first_contact_at = $7, intake_at = $8, engaged_at = $9, exit_kind = $10, exit_at = $11, updated_at = $12, status_reason_code = $14 WHERE id = $1 AND updated_at = $13")
            .bind(r.id).bind(&r.status).bind(&r.business_status).bind(&r.status_reason).bind(r.assigned_to).bind(r.arrived_at).bind(r.first_contact_at).bind(r.intake_at).bind(r.engaged_at).bind(&r.exit_kind).bind(r.exit_at).bind(r.updated_at).bind(expected_updated_at).bind(&r.status_reason_code)
            .execute(c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::Conflict(
                "the referral was changed by someone else; reload and try again".into(),
            ));
        }
        Ok(())
    }

    pub async fn referral(&mut self, id: Uuid) -> Result<ReferralRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ReferralRow>(sel!(REFERRAL, "referrals WHERE id = $1")).bind(id).fetch_one(c).await)?,
        )
    }

    pub async fn referrals_for_encounter(
        &mut self,
        encounter_id: Uuid,
    ) -> Result<Vec<ReferralRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ReferralRow>(sel!(REFERRAL, "referrals WHERE encounter_id = $1 ORDER BY requested_at")).bind(encounter_id).fetch_all(c).await)?,
        )
    }

    /// A provider's queue: open referrals, warm handoffs waiting for a response first.
    /// A provider's referrals, one page: open ones with warm handoffs waiting first, then
    /// other requests, newest first; or all of them, last changed first.
    /// A referral resting on a release is listed only while the release is valid (not
    /// revoked, not expired at `now`).
    pub async fn referral_queue(
        &mut self,
        org_id: Uuid,
        include_closed: bool,
        page: Page,
        now: DateTime<Utc>,
    ) -> Result<Paged<ReferralQueueRow>> {
        let (o, only_open) = if include_closed {
            (
                Order {
                    rank: "0",
                    at: "r.updated_at",
                    id: "r.id",
                    desc: true,
                },
                "",
            )
        } else {
            (
                Order {
                    rank: "CASE WHEN r.mode = 'warm' AND r.status = 'requested' THEN 0 WHEN r.status = 'requested' THEN 1 ELSE 2 END",
                    at: "r.requested_at",
                    id: "r.id",
                    desc: true,
                },
                " AND r.status IN ('requested','accepted','in-progress','on-hold')",
            )
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {}, r.id, r.encounter_id, e.reference, r.mode, r.status, r.business_status, r.requested_at, r.contact_deadline, r.first_contact_at, r.assigned_to, p.first_name, p.last_name, o.name AS from_org_name, ds.name AS service_name, r.acknowledged_at FROM referrals r JOIN encounters e ON e.id = r.encounter_id JOIN participants p ON p.id = r.participant_id JOIN organizations o ON o.id = r.from_org_id LEFT JOIN directory_services ds ON ds.id = r.service_id WHERE r.to_org_id = $1{only_open}
            AND (r.release_id IS NULL OR EXISTS (SELECT 1 FROM consents k WHERE k.id = r.release_id AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $6))){}{} LIMIT $2",
            o.key_columns(),
            o.after(3),
            o.order_by(),
        ));
        let (rank, at, id) = page.after_or_start();
        let rows = q!(self, c => sqlx::query_as::<_, ReferralQueueRow>(sql).bind(org_id).bind(page.limit + 1).bind(rank).bind(at).bind(id).bind(now).fetch_all(c).await)?;
        let rows = self.open_names(rows)?;
        Ok(split(rows, page.limit, |r| r.page))
    }

    pub async fn insert_service_event(&mut self, s: &ServiceEventRow) -> Result<()> {
        let reason = s
            .reason
            .as_deref()
            .map(|r| crypto::seal(&self.keys, "service_events.reason", r))
            .transpose()?;
        let note = s
            .note
            .as_deref()
            .map(|n| crypto::seal(&self.keys, "service_events.note", n))
            .transpose()?;
        q!(self, c => sqlx::query("INSERT INTO service_events (id, referral_id, kind, occurred_at, status_after, reason, note, detail_json, recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)")
            .bind(s.id).bind(s.referral_id).bind(&s.kind).bind(s.occurred_at).bind(&s.status_after).bind(&reason).bind(&note).bind(&s.detail_json).bind(s.recorded_by).bind(s.recorded_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn service_events(&mut self, referral_id: Uuid) -> Result<Vec<ServiceEventRow>> {
        Ok({
            let mut rows = q!(self, c => sqlx::query_as::<_, ServiceEventRow>("SELECT id, referral_id, kind, occurred_at, status_after, reason, note, detail_json, recorded_by, recorded_at FROM service_events WHERE referral_id = $1 ORDER BY recorded_at, id").bind(referral_id).fetch_all(c).await)?;
            for r in &mut rows {
                r.reason =
                    crypto::open_opt(&self.keys, "service_events.reason", r.reason.as_deref())?;
                r.note = crypto::open_opt(&self.keys, "service_events.note", r.note.as_deref())?;
            }
            rows
        })
    }
}
