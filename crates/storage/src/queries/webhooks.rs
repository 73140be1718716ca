//! A partner organization's webhook endpoints (ADR 0020): the secret is sealed at rest and
//! opened only to sign.
use super::*;

impl Tx {
    pub async fn add_webhook(&mut self, w: &WebhookRow) -> Result<()> {
        let secret = crypto::seal(&self.keys, "webhook_endpoints.secret", &w.secret)?;
        q!(self, c => sqlx::query("INSERT INTO webhook_endpoints (id, program_id, organization_id, url, secret, created_at, created_by, disabled_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)")
            .bind(w.id).bind(w.program_id).bind(w.organization_id).bind(&w.url).bind(&secret).bind(w.created_at).bind(w.created_by).bind(w.disabled_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// A program's endpoints, newest first, their secrets left sealed (never shown again).
    pub async fn webhooks_of(&mut self, program_id: Uuid) -> Result<Vec<WebhookRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, WebhookRow>("SELECT id, program_id, organization_id, url, '' AS secret, created_at, created_by, disabled_at FROM webhook_endpoints WHERE program_id = $1 ORDER BY created_at DESC, id")
            .bind(program_id).fetch_all(c).await)?,
        )
    }

    /// The endpoints an organization's events go to now: (id, url).
    pub async fn live_webhooks(&mut self, organization_id: Uuid) -> Result<Vec<(Uuid, String)>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (Uuid, String)>("SELECT id, url FROM webhook_endpoints WHERE organization_id = $1 AND disabled_at IS NULL ORDER BY created_at, id")
            .bind(organization_id).fetch_all(c).await)?,
        )
    }

    /// The signing secret of an endpoint still in use; none once it is removed.
    pub async fn webhook_secret(&mut self, id: Uuid) -> Result<Option<String>> {
        let sealed: Option<String> = q!(self, c => sqlx::query_scalar("SELECT secret FROM webhook_endpoints WHERE id = $1 AND disabled_at IS NULL")
            .bind(id).fetch_optional(c).await)?;
        sealed
            .map(|s| crypto::open(&self.keys, "webhook_endpoints.secret", &s))
            .transpose()
    }

    /// Stops an endpoint of the program; its queued events then fail.
    pub async fn disable_webhook(
        &mut self,
        id: Uuid,
        program_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE webhook_endpoints SET disabled_at = $3 WHERE id = $1 AND program_id = $2 AND disabled_at IS NULL")
            .bind(id).bind(program_id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }
}

impl Tx {
    /// The latest message to a recipient (an endpoint), without its sealed parts.
    pub async fn last_message_to(&mut self, recipient_id: Uuid) -> Result<Option<MessageState>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, MessageState>("SELECT id, channel, recipient_id, state, attempts, last_error, created_at, sent_at FROM messages WHERE recipient_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1")
            .bind(recipient_id).fetch_optional(c).await)?,
        )
    }
}
