//! Queries of idempotency.
use super::*;

impl Tx {
    pub async fn idempotency(
        &mut self,
        user_id: Uuid,
        key: &str,
    ) -> Result<Option<IdempotencyRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, IdempotencyRow>("SELECT user_id, idem_key, request_hash, response_status, response_body, created_at FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2").bind(user_id).bind(key).fetch_optional(c).await)?,
        )
    }

    /// Stores the response of a keyed request. Returns false if the key was already used
    /// (another request with it committed first).
    pub async fn insert_idempotency(&mut self, r: &IdempotencyRow) -> Result<bool> {
        let n = q!(self, c => sqlx::query("INSERT INTO idempotency_keys (user_id, idem_key, request_hash, response_status, response_body, created_at) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (user_id, idem_key) DO NOTHING")
            .bind(r.user_id).bind(&r.idem_key).bind(&r.request_hash).bind(r.response_status).bind(&r.response_body).bind(r.created_at)
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn purge_idempotency(&mut self, before: DateTime<Utc>) -> Result<u64> {
        Ok(
            q!(self, c => sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1").bind(before).execute(c).await.map(|r| r.rows_affected()))?,
        )
    }
}
