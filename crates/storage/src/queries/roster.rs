//! Queries of on-call roster.
use super::*;

impl Tx {
    pub async fn insert_shift(&mut self, s: &ShiftRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO on_call_shifts (id, organization_id, user_id, starts_at, ends_at, created_at, position) VALUES ($1,$2,$3,$4,$5,$6,$7)")
            .bind(s.id).bind(s.organization_id).bind(s.user_id).bind(s.starts_at).bind(s.ends_at).bind(s.created_at).bind(s.position)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn shift(&mut self, id: Uuid) -> Result<ShiftRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ShiftRow>("SELECT id, organization_id, user_id, starts_at, ends_at, created_at, position FROM on_call_shifts WHERE id = $1").bind(id).fetch_one(c).await)?,
        )
    }

    pub async fn delete_shift(&mut self, id: Uuid) -> Result<()> {
        let n = q!(self, c => sqlx::query("DELETE FROM on_call_shifts WHERE id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    /// Shifts of an organization that have not ended, earliest first.
    pub async fn shifts(&mut self, org_id: Uuid, now: DateTime<Utc>) -> Result<Vec<ShiftView>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ShiftView>("SELECT s.id, s.organization_id, s.user_id, u.display_name, s.starts_at, s.ends_at, s.position FROM on_call_shifts s JOIN users u ON u.id = s.user_id WHERE s.organization_id = $1 AND s.ends_at > $2 ORDER BY s.starts_at, s.position")
            .bind(org_id).bind(now).fetch_all(c).await)?,
        )
    }

    /// Who takes warm handoffs for an organization now (the shift that started last).
    pub async fn on_call_now(
        &mut self,
        org_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<ShiftView>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ShiftView>("SELECT s.id, s.organization_id, s.user_id, u.display_name, s.starts_at, s.ends_at, s.position FROM on_call_shifts s JOIN users u ON u.id = s.user_id WHERE s.organization_id = $1 AND s.starts_at <= $2 AND s.ends_at > $2 AND u.disabled = $3 ORDER BY s.position, s.starts_at DESC LIMIT 1")
            .bind(org_id).bind(now).bind(false).fetch_optional(c).await)?,
        )
    }
}
