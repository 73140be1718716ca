//! Safety flags (ADR 0021): the program's kinds, and the flags on a person, their reasons
//! sealed at rest.
use super::*;

const FLAG: &str = "id, program_id, participant_id, kind, set_by, set_at, set_reason, cleared_by, cleared_at, clear_reason";

impl Tx {
    /// The program's kinds, in order, retired ones too (flags set under them still show).
    pub async fn flag_kinds(&mut self, program_id: Uuid) -> Result<Vec<FlagKindRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, FlagKindRow>("SELECT program_id, code, label, audience, obey, position, retired_at FROM flag_kinds WHERE program_id = $1 ORDER BY position, code")
            .bind(program_id).fetch_all(c).await)?,
        )
    }

    /// Adds a kind (a code already on the list is a conflict).
    pub async fn add_flag_kind(&mut self, k: &FlagKindRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO flag_kinds (program_id, code, label, audience, obey, position, retired_at) VALUES ($1,$2,$3,$4,$5,$6,$7)")
            .bind(k.program_id).bind(&k.code).bind(&k.label).bind(&k.audience).bind(&k.obey).bind(k.position).bind(k.retired_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Takes a kind off the list for new flags.
    pub async fn retire_flag_kind(
        &mut self,
        program_id: Uuid,
        code: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE flag_kinds SET retired_at = $3 WHERE program_id = $1 AND code = $2 AND retired_at IS NULL")
            .bind(program_id).bind(code).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    fn open_flag(&self, mut f: FlagRow) -> Result<FlagRow> {
        if !f.set_reason.is_empty() {
            f.set_reason = crypto::open(&self.keys, "participant_flags.set_reason", &f.set_reason)?;
        }
        f.clear_reason = match f.clear_reason.as_deref() {
            Some(r) if !r.is_empty() => Some(crypto::open(
                &self.keys,
                "participant_flags.clear_reason",
                r,
            )?),
            other => other.map(str::to_string),
        };
        Ok(f)
    }

    /// A person's flags, set ones first by time, then cleared ones.
    pub async fn flags_of(&mut self, participant_id: Uuid) -> Result<Vec<FlagRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {FLAG} FROM participant_flags WHERE participant_id = $1 ORDER BY cleared_at IS NOT NULL, set_at, id"
        ));
        let rows = q!(self, c => sqlx::query_as::<_, FlagRow>(sql).bind(participant_id).fetch_all(c).await)?;
        rows.into_iter().map(|f| self.open_flag(f)).collect()
    }

    pub async fn set_flag(&mut self, f: &FlagRow) -> Result<()> {
        let reason = crypto::seal(&self.keys, "participant_flags.set_reason", &f.set_reason)?;
        q!(self, c => sqlx::query("INSERT INTO participant_flags (id, program_id, participant_id, kind, set_by, set_at, set_reason, cleared_by, cleared_at, clear_reason) VALUES ($1,$2,$3,$4,$5,$6,$7,NULL,NULL,NULL)")
            .bind(f.id).bind(f.program_id).bind(f.participant_id).bind(&f.kind).bind(f.set_by).bind(f.set_at).bind(&reason)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Clears a flag in force on the person, once.
    pub async fn clear_flag(
        &mut self,
        id: Uuid,
        participant_id: Uuid,
        by: Uuid,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<()> {
        let reason = crypto::seal(&self.keys, "participant_flags.clear_reason", reason)?;
        let n = q!(self, c => sqlx::query("UPDATE participant_flags SET cleared_by = $3, cleared_at = $4, clear_reason = $5 WHERE id = $1 AND participant_id = $2 AND cleared_at IS NULL")
            .bind(id).bind(participant_id).bind(by).bind(at).bind(&reason).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }
}
