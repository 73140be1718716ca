//! Queries of consents.
use super::*;

impl Tx {
    pub async fn insert_consent(&mut self, k: &ConsentRow) -> Result<()> {
        self.run(&[Stmt::consent(k)]).await
    }

    pub async fn consents_for_encounter(&mut self, encounter_id: Uuid) -> Result<Vec<ConsentRow>> {
        Ok({
            let mut rows = q!(self, c => sqlx::query_as::<_, ConsentRow>(sel!(CONSENT, "consents WHERE encounter_id = $1 ORDER BY signed_at")).bind(encounter_id).fetch_all(c).await)?;
            for r in &mut rows {
                r.signed_name = crypto::open(&self.keys, "consents.signed_name", &r.signed_name)?;
            }
            rows
        })
    }

    pub async fn consent(&mut self, id: Uuid) -> Result<ConsentRow> {
        Ok({
            let mut r = q!(self, c => sqlx::query_as::<_, ConsentRow>(sel!(CONSENT, "consents WHERE id = $1")).bind(id).fetch_one(c).await)?;
            r.signed_name = crypto::open(&self.keys, "consents.signed_name", &r.signed_name)?;
            r
        })
    }

    /// Records the person's request to revoke (once).
    pub async fn revoke_consent_by(
        &mut self,
        id: Uuid,
        at: DateTime<Utc>,
        by: Uuid,
        note: &str,
    ) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE consents SET revoked_at = $2, revoked_by = $3, revoke_note = $4 WHERE id = $1 AND revoked_at IS NULL").bind(id).bind(at).bind(by).bind(note).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    pub async fn revoke_consent(&mut self, id: Uuid, at: DateTime<Utc>) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE consents SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL").bind(id).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }
}
