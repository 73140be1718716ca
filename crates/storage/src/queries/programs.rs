//! Queries of programs, rules, organizations.
use super::*;

impl Tx {
    pub async fn insert_program(&mut self, p: &ProgramRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO programs (id, name, time_zone, pathways, intake_deadline_days, supervisor_approves_overrides, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)")
            .bind(p.id).bind(&p.name).bind(&p.time_zone).bind(&p.pathways).bind(p.intake_deadline_days).bind(p.supervisor_approves_overrides).bind(p.created_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn program(&mut self, id: Uuid) -> Result<ProgramRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ProgramRow>(sel!(PROGRAM, "programs WHERE id = $1")).bind(id).fetch_one(c).await)?,
        )
    }

    pub async fn programs(&mut self) -> Result<Vec<ProgramRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ProgramRow>(sel!(PROGRAM, "programs ORDER BY name")).fetch_all(c).await)?,
        )
    }

    pub async fn program_by_name(&mut self, name: &str) -> Result<Option<ProgramRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ProgramRow>(sel!(PROGRAM, "programs WHERE name = $1")).bind(name).fetch_optional(c).await)?,
        )
    }

    pub async fn insert_rules(&mut self, r: &RulesRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO eligibility_rules (id, program_id, version, rules_json, effective_at, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)")
            .bind(r.id).bind(r.program_id).bind(r.version).bind(&r.rules_json).bind(r.effective_at).bind(r.created_by).bind(r.created_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// The rules version in force at `at` (the latest effective one).
    pub async fn rules_at(&mut self, program_id: Uuid, at: DateTime<Utc>) -> Result<RulesRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, RulesRow>("SELECT id, program_id, version, rules_json, effective_at, created_by, created_at FROM eligibility_rules WHERE program_id = $1 AND effective_at <= $2 ORDER BY effective_at DESC, version DESC LIMIT 1")
            .bind(program_id).bind(at).fetch_one(c).await)?,
        )
    }

    /// Versions saved to take effect after `at`, soonest first.
    pub async fn rules_scheduled(
        &mut self,
        program_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<Vec<RulesRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, RulesRow>("SELECT id, program_id, version, rules_json, effective_at, created_by, created_at FROM eligibility_rules WHERE program_id = $1 AND effective_at > $2 ORDER BY effective_at, version")
            .bind(program_id).bind(at).fetch_all(c).await)?,
        )
    }

    /// The highest rules version a program has (in force or scheduled).
    pub async fn max_rules_version(&mut self, program_id: Uuid) -> Result<i64> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(version), 0) FROM eligibility_rules WHERE program_id = $1")
            .bind(program_id).fetch_one(c).await)?,
        )
    }

    pub async fn insert_org(&mut self, o: &OrgRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO organizations (id, program_id, kind, name, address, phone, hours, what_to_bring, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)")
            .bind(o.id).bind(o.program_id).bind(&o.kind).bind(&o.name).bind(&o.address).bind(&o.phone).bind(&o.hours).bind(&o.what_to_bring).bind(o.created_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn org(&mut self, id: Uuid) -> Result<OrgRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, OrgRow>(sel!(ORG, "organizations WHERE id = $1")).bind(id).fetch_one(c).await)?,
        )
    }

    pub async fn orgs(&mut self, program_id: Uuid) -> Result<Vec<OrgRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, OrgRow>(sel!(ORG, "organizations WHERE program_id = $1 ORDER BY kind, name")).bind(program_id).fetch_all(c).await)?,
        )
    }

    /// What the slip prints of an organization: its address, phone, hours and what to
    /// bring (in the program's language).
    pub async fn set_org_details(&mut self, o: &OrgRow) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE organizations SET address = $2, phone = $3, hours = $4, what_to_bring = $5 WHERE id = $1")
            .bind(o.id).bind(&o.address).bind(&o.phone).bind(&o.hours).bind(&o.what_to_bring)
            .execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    /// An organization's texts in other languages, by language.
    pub async fn org_texts(&mut self, org_id: Uuid) -> Result<Vec<OrgTextRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, OrgTextRow>("SELECT org_id, language, hours, what_to_bring, updated_at, updated_by FROM organization_texts WHERE org_id = $1 ORDER BY language").bind(org_id).fetch_all(c).await)?,
        )
    }

    /// Keeps an organization's texts in one language; both empty removes them.
    pub async fn set_org_text(&mut self, t: &OrgTextRow) -> Result<()> {
        if t.hours.is_empty() && t.what_to_bring.is_empty() {
            q!(self, c => sqlx::query("DELETE FROM organization_texts WHERE org_id = $1 AND language = $2")
                .bind(t.org_id).bind(&t.language).execute(c).await.map(|_| ()))?;
            return Ok(());
        }
        q!(self, c => sqlx::query("INSERT INTO organization_texts (org_id, language, hours, what_to_bring, updated_at, updated_by) VALUES ($1,$2,$3,$4,$5,$6)
            ON CONFLICT (org_id, language) DO UPDATE SET hours = excluded.hours, what_to_bring = excluded.what_to_bring, updated_at = excluded.updated_at, updated_by = excluded.updated_by")
            .bind(t.org_id).bind(&t.language).bind(&t.hours).bind(&t.what_to_bring).bind(t.updated_at).bind(t.updated_by)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }
}
