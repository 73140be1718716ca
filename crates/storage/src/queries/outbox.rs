//! Queries of the outbox, staff contact points and paging (ADR 0019).
use super::*;

const MESSAGE: &str = "id, program_id, dedupe_key, channel, recipient_kind, recipient_id, address, subject, body, cause_kind, cause_id, state, attempts, next_at, locked_by, locked_until, last_error, created_at, sent_at";

impl Tx {
    fn open_message(&self, mut m: MessageRow) -> Result<MessageRow> {
        m.address = crypto::open(&self.keys, "messages.address", &m.address)?;
        m.subject = crypto::open(&self.keys, "messages.subject", &m.subject)?;
        m.body = crypto::open(&self.keys, "messages.body", &m.body)?;
        Ok(m)
    }

    /// Claims up to `limit` due messages with a lease: queued, due, and not held by a
    /// worker whose lease is still running. On PostgreSQL, SKIP LOCKED lets several
    /// workers claim at once without taking the same row; on SQLite the one writer
    /// serialises them.
    pub async fn claim_messages(
        &mut self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
        channels: &[&str],
    ) -> Result<Vec<MessageRow>> {
        // The channels are the outbox's own names, never input: checked, then inlined.
        let list = channels
            .iter()
            .filter(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_lowercase()))
            .map(|c| format!("'{c}'"))
            .collect::<Vec<_>>()
            .join(",");
        if list.is_empty() {
            return Ok(Vec::new());
        }
        let due = format!(
            "SELECT id FROM messages WHERE state = 'queued' AND channel IN ({list}) AND next_at <= $1 AND (locked_until IS NULL OR locked_until < $1) ORDER BY next_at LIMIT $2"
        );
        let ids: Vec<Uuid> = match &mut self.inner {
            Inner::Sqlite(t) => {
                sqlx::query_scalar(sqlx::AssertSqlSafe(due))
                    .bind(now)
                    .bind(limit)
                    .fetch_all(&mut **t)
                    .await?
            }
            Inner::Pg(t) => {
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("{due} FOR UPDATE SKIP LOCKED")))
                    .bind(now)
                    .bind(limit)
                    .fetch_all(&mut **t)
                    .await?
            }
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let sql = sqlx::AssertSqlSafe(format!(
                "UPDATE messages SET locked_by = $2, locked_until = $3, attempts = attempts + 1 WHERE id = $1 RETURNING {MESSAGE}"
            ));
            let m = q!(self, c => sqlx::query_as::<_, MessageRow>(sql).bind(id).bind(worker).bind(lease_until).fetch_one(c).await)?;
            out.push(self.open_message(m)?);
        }
        Ok(out)
    }

    /// Marks a message sent, only if this worker still holds its lease. False: the lease
    /// ran out (another worker may send it again, with the same id).
    /// `provider_id` is the channel's own id for it (an SMS gateway's). A delivery report
    /// that came in before this (a quick gateway) keeps its state.
    pub async fn mark_sent(
        &mut self,
        id: Uuid,
        worker: &str,
        now: DateTime<Utc>,
        provider_id: Option<&str>,
    ) -> Result<bool> {
        let n = q!(self, c => sqlx::query("UPDATE messages SET state = CASE WHEN state = 'queued' THEN 'sent' ELSE state END, sent_at = $3, provider_id = $4, locked_by = NULL, locked_until = NULL, last_error = CASE WHEN state = 'queued' THEN NULL ELSE last_error END WHERE id = $1 AND locked_by = $2 AND locked_until >= $3")
            .bind(id).bind(worker).bind(now).bind(provider_id).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Records a channel's delivery report: delivered, or failed with the reason. Only a
    /// message not already delivered or failed changes; false otherwise (a repeated report).
    pub async fn message_reported(
        &mut self,
        id: Uuid,
        now: DateTime<Utc>,
        delivered: bool,
        detail: &str,
    ) -> Result<bool> {
        let n = if delivered {
            q!(self, c => sqlx::query("UPDATE messages SET state = 'delivered', delivered_at = $2 WHERE id = $1 AND state IN ('queued', 'sent')")
                .bind(id).bind(now).execute(c).await.map(|r| r.rows_affected()))?
        } else {
            q!(self, c => sqlx::query("UPDATE messages SET state = 'failed', last_error = $2 WHERE id = $1 AND state IN ('queued', 'sent')")
                .bind(id).bind(detail).execute(c).await.map(|r| r.rows_affected()))?
        };
        Ok(n == 1)
    }

    /// The gateway's id for a message, and when it was reported delivered.
    pub async fn message_delivery(
        &mut self,
        id: Uuid,
    ) -> Result<(Option<String>, Option<DateTime<Utc>>)> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (Option<String>, Option<DateTime<Utc>>)>("SELECT provider_id, delivered_at FROM messages WHERE id = $1")
            .bind(id).fetch_one(c).await)?,
        )
    }

    /// Records a failed attempt: tried again at `retry_at`, or failed for good.
    pub async fn message_failed(
        &mut self,
        id: Uuid,
        worker: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        match retry_at {
            Some(at) => {
                q!(self, c => sqlx::query("UPDATE messages SET last_error = $3, next_at = $4, locked_by = NULL, locked_until = NULL WHERE id = $1 AND locked_by = $2 AND state = 'queued'")
                    .bind(id).bind(worker).bind(error).bind(at).execute(c).await.map(|_| ()))?
            }
            None => {
                q!(self, c => sqlx::query("UPDATE messages SET state = 'failed', last_error = $3, locked_by = NULL, locked_until = NULL WHERE id = $1 AND locked_by = $2 AND state = 'queued'")
                    .bind(id).bind(worker).bind(error).execute(c).await.map(|_| ()))?
            }
        }
        Ok(())
    }

    /// The messages a cause (a referral) sent, oldest first, without their sealed parts.
    pub async fn messages_for(&mut self, cause_id: Uuid) -> Result<Vec<MessageState>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, MessageState>("SELECT id, channel, recipient_id, state, attempts, last_error, created_at, sent_at FROM messages WHERE cause_id = $1 ORDER BY created_at, id")
            .bind(cause_id).fetch_all(c).await)?,
        )
    }

    /// One message, opened (tests and the coordinator's page).
    pub async fn message(&mut self, id: Uuid) -> Result<MessageRow> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {MESSAGE} FROM messages WHERE id = $1"));
        let m = q!(self, c => sqlx::query_as::<_, MessageRow>(sql).bind(id).fetch_one(c).await)?;
        self.open_message(m)
    }

    // ----- where staff are paged --------------------------------------------------------

    pub async fn contacts_of(&mut self, user_id: Uuid) -> Result<Vec<ContactRow>> {
        let rows = q!(self, c => sqlx::query_as::<_, ContactRow>("SELECT id, user_id, channel, address, position, created_at FROM user_contacts WHERE user_id = $1 ORDER BY position, created_at")
            .bind(user_id).fetch_all(c).await)?;
        rows.into_iter()
            .map(|mut r| {
                r.address = crypto::open(&self.keys, "user_contacts.address", &r.address)?;
                Ok(r)
            })
            .collect()
    }

    pub async fn add_contact(&mut self, r: &ContactRow) -> Result<()> {
        let address = crypto::seal(&self.keys, "user_contacts.address", &r.address)?;
        q!(self, c => sqlx::query("INSERT INTO user_contacts (id, user_id, channel, address, position, created_at) VALUES ($1,$2,$3,$4,$5,$6)")
            .bind(r.id).bind(r.user_id).bind(&r.channel).bind(&address).bind(r.position).bind(r.created_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Removes one of a user's contact points (not another user's).
    pub async fn remove_contact(&mut self, id: Uuid, user_id: Uuid) -> Result<()> {
        let n = q!(self, c => sqlx::query("DELETE FROM user_contacts WHERE id = $1 AND user_id = $2").bind(id).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    // ----- paging ------------------------------------------------------------------------

    /// Everyone on shift at an organization now, in the roster's order (position, then the
    /// shift that started last).
    pub async fn on_shift_now(
        &mut self,
        org_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Vec<ShiftView>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ShiftView>("SELECT s.id, s.organization_id, s.user_id, u.display_name, s.starts_at, s.ends_at, s.position FROM on_call_shifts s JOIN users u ON u.id = s.user_id WHERE s.organization_id = $1 AND s.starts_at <= $2 AND s.ends_at > $2 AND u.disabled = $3 ORDER BY s.position, s.starts_at DESC")
            .bind(org_id).bind(now).bind(false).fetch_all(c).await)?,
        )
    }

    /// The program's coordinators (the ladder's last rung), by name.
    pub async fn coordinators(&mut self, program_id: Uuid) -> Result<Vec<(Uuid, String)>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (Uuid, String)>("SELECT DISTINCT u.id, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.program_id = $1 AND m.role = 'coordinator' AND u.disabled = $2 ORDER BY u.display_name")
            .bind(program_id).bind(false).fetch_all(c).await)?,
        )
    }

    pub async fn pages_of(&mut self, referral_id: Uuid) -> Result<Vec<PageRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, PageRow>("SELECT referral_id, rung, user_id, paged_at, message_id FROM pages WHERE referral_id = $1 ORDER BY rung, paged_at")
            .bind(referral_id).fetch_all(c).await)?,
        )
    }

    /// Records the acknowledgement of a referral's page, once. False: it was already.
    pub async fn acknowledge_referral(
        &mut self,
        id: Uuid,
        by: Uuid,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let n = q!(self, c => sqlx::query("UPDATE referrals SET acknowledged_at = $3, acknowledged_by = $2 WHERE id = $1 AND acknowledged_at IS NULL")
            .bind(id).bind(by).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}

impl Tx {
    /// How long a rung of the paging ladder waits for an acknowledgement.
    pub async fn page_window_minutes(&mut self, program_id: Uuid) -> Result<i64> {
        Ok(
            q!(self, c => sqlx::query_scalar("SELECT page_window_minutes FROM programs WHERE id = $1")
            .bind(program_id).fetch_one(c).await)?,
        )
    }
}

impl Tx {
    /// A program's latest messages, newest first, and its counts by state.
    pub async fn outbox(
        &mut self,
        program_id: Uuid,
        limit: i64,
    ) -> Result<(Vec<OutboxLine>, Vec<(String, i64)>)> {
        let lines = q!(self, c => sqlx::query_as::<_, OutboxLine>("SELECT m.id, m.channel, COALESCE(u.display_name, o.name) AS recipient, e.reference, m.cause_kind, m.state, m.attempts, m.last_error, m.created_at, m.sent_at
            FROM messages m LEFT JOIN users u ON u.id = m.recipient_id LEFT JOIN webhook_endpoints w ON w.id = m.recipient_id LEFT JOIN organizations o ON o.id = w.organization_id
            LEFT JOIN referrals r ON r.id = m.cause_id LEFT JOIN encounters e ON e.id = r.encounter_id
            WHERE m.program_id = $1 ORDER BY m.created_at DESC, m.id DESC LIMIT $2")
            .bind(program_id).bind(limit).fetch_all(c).await)?;
        let counts = q!(self, c => sqlx::query_as::<_, (String, i64)>("SELECT state, COUNT(*) FROM messages WHERE program_id = $1 GROUP BY state ORDER BY state")
            .bind(program_id).fetch_all(c).await)?;
        Ok((lines, counts))
    }
}

impl Tx {
    pub async fn link_by_hash(&mut self, token_hash: &str) -> Result<Option<LinkRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, LinkRow>("SELECT id, program_id, token_hash, referral_id, user_id, created_at, expires_at, revoked_at, revoked_by, used FROM links WHERE token_hash = $1")
            .bind(token_hash).fetch_optional(c).await)?,
        )
    }

    /// Records a step taken with a link, once: false if it was taken with it already.
    pub async fn use_link(&mut self, id: Uuid, step: &str) -> Result<bool> {
        let l: Option<String> = q!(self, c => sqlx::query_scalar("SELECT used FROM links WHERE id = $1").bind(id).fetch_optional(c).await)?;
        let Some(used) = l else { return Ok(false) };
        if used.split_whitespace().any(|s| s == step) {
            return Ok(false);
        }
        let now_used = format!("{used} {step}").trim().to_string();
        let n = q!(self, c => sqlx::query("UPDATE links SET used = $3 WHERE id = $1 AND used = $2")
            .bind(id).bind(&used).bind(&now_used).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn capacity_link_by_hash(
        &mut self,
        token_hash: &str,
    ) -> Result<Option<CapacityLinkRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, CapacityLinkRow>("SELECT id, program_id, token_hash, capacity_id, user_id, created_at, expires_at, revoked_at, revoked_by FROM capacity_links WHERE token_hash = $1")
            .bind(token_hash).fetch_optional(c).await)?,
        )
    }

    /// Withdraws a program's links that are still good (those of referrals and of
    /// capacities); how many.
    pub async fn revoke_links(
        &mut self,
        program_id: Uuid,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        Ok(
            q!(self, c => sqlx::query("UPDATE links SET revoked_at = $3, revoked_by = $2 WHERE program_id = $1 AND revoked_at IS NULL AND expires_at > $3")
            .bind(program_id).bind(by).bind(now).execute(c).await.map(|r| r.rows_affected()))?
                + q!(self, c => sqlx::query("UPDATE capacity_links SET revoked_at = $3, revoked_by = $2 WHERE program_id = $1 AND revoked_at IS NULL AND expires_at > $3")
            .bind(program_id).bind(by).bind(now).execute(c).await.map(|r| r.rows_affected()))?,
        )
    }
}
