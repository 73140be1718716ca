//! A provider's escalation list and its contacts without an account (ADR 0019).
use super::*;

impl Tx {
    /// The organization's escalation list in order: (user, name, position, link-only),
    /// disabled users left out.
    pub async fn escalation_of(&mut self, org_id: Uuid) -> Result<Vec<(Uuid, String, i64, bool)>> {
        let rows: Vec<(Uuid, String, i64, Option<Uuid>)> = q!(self, c => sqlx::query_as::<_, (Uuid, String, i64, Option<Uuid>)>("SELECT u.id, u.display_name, x.position, l.user_id FROM escalation_list x JOIN users u ON u.id = x.user_id LEFT JOIN link_only_users l ON l.user_id = u.id
            WHERE x.organization_id = $1 AND u.disabled = $2 ORDER BY x.position, x.added_at")
            .bind(org_id).bind(false).fetch_all(c).await)?;
        Ok(rows
            .into_iter()
            .map(|(id, name, position, link)| (id, name, position, link.is_some()))
            .collect())
    }

    /// Puts someone on the list (again: moved to `position`).
    pub async fn add_escalation(
        &mut self,
        org_id: Uuid,
        user_id: Uuid,
        position: i64,
        by: Option<Uuid>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO escalation_list (organization_id, user_id, position, added_by, added_at) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (organization_id, user_id) DO UPDATE SET position = excluded.position, added_by = excluded.added_by, added_at = excluded.added_at")
            .bind(org_id).bind(user_id).bind(position).bind(by).bind(at).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn remove_escalation(&mut self, org_id: Uuid, user_id: Uuid) -> Result<()> {
        let n = q!(self, c => sqlx::query("DELETE FROM escalation_list WHERE organization_id = $1 AND user_id = $2")
            .bind(org_id).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    /// Marks a user as a contact without an account (link-only).
    pub async fn add_link_only(
        &mut self,
        user_id: Uuid,
        org_id: Uuid,
        by: Option<Uuid>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO link_only_users (user_id, organization_id, created_by, created_at) VALUES ($1,$2,$3,$4)")
            .bind(user_id).bind(org_id).bind(by).bind(at).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Whether a user is a contact without an account (who may not sign in).
    pub async fn is_link_only(&mut self, user_id: Uuid) -> Result<bool> {
        let found: Option<Uuid> = q!(self, c => sqlx::query_scalar("SELECT user_id FROM link_only_users WHERE user_id = $1")
            .bind(user_id).fetch_optional(c).await)?;
        Ok(found.is_some())
    }
}
