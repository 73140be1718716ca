//! Queries of reference codes.
use super::*;

impl Tx {
    pub async fn reference_version_exists(&mut self, version: &str) -> Result<bool> {
        let n: i64 = q!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM reference_versions WHERE version = $1").bind(version).fetch_one(c).await)?;
        Ok(n > 0)
    }

    pub async fn insert_reference_version(
        &mut self,
        version: &str,
        sha: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO reference_versions (version, source_sha256, loaded_at) VALUES ($1,$2,$3)").bind(version).bind(sha).bind(at).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn insert_reference_code(&mut self, r: &RefCodeRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO reference_codes (version, code_table, code, name, code_group, active, note) VALUES ($1,$2,$3,$4,$5,$6,$7)")
            .bind(&r.version).bind(&r.code_table).bind(&r.code).bind(&r.name).bind(&r.code_group).bind(r.active).bind(&r.note)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// The newest loaded version of the reference tables.
    pub async fn latest_reference_version(&mut self) -> Result<Option<String>> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, String>("SELECT version FROM reference_versions ORDER BY loaded_at DESC, version DESC LIMIT 1").fetch_optional(c).await)?,
        )
    }

    pub async fn reference_codes(&mut self, version: &str) -> Result<Vec<RefCodeRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, RefCodeRow>("SELECT version, code_table, code, name, code_group, active, note FROM reference_codes WHERE version = $1 ORDER BY code_table, code").bind(version).fetch_all(c).await)?,
        )
    }

    /// When the latest reference version was loaded.
    pub async fn latest_reference_loaded_at(&mut self) -> Result<Option<DateTime<Utc>>> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, DateTime<Utc>>("SELECT loaded_at FROM reference_versions ORDER BY loaded_at DESC LIMIT 1").fetch_optional(c).await)?,
        )
    }

    /// Every version's codes, the latest version first.
    pub async fn reference_codes_all(&mut self) -> Result<Vec<RefCodeRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, RefCodeRow>("SELECT c.version, c.code_table, c.code, c.name, c.code_group, c.active, c.note FROM reference_codes c JOIN reference_versions v ON v.version = c.version ORDER BY v.loaded_at DESC, v.version DESC, c.code_table, c.code").fetch_all(c).await)?,
        )
    }
}
