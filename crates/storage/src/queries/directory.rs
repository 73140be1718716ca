//! Queries of the directory (ADR 0017).
use super::*;

const SERVICE: &str =
    "id, program_id, org_id, name, status, type_codes, fresh_minutes, modified_at, doc";
const CAPACITY: &str =
    "id, program_id, service_id, unit, available, maximum, description, updated_at";

impl Tx {
    pub async fn directory_version(&mut self, program_id: Uuid) -> Result<i64> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, i64>("SELECT directory_version FROM programs WHERE id = $1").bind(program_id).fetch_one(c).await)?,
        )
    }

    /// Marks the directory changed, in the transaction of the change.
    pub async fn bump_directory_version(&mut self, program_id: Uuid) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE programs SET directory_version = directory_version + 1 WHERE id = $1").bind(program_id).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    pub async fn set_directory_public(&mut self, program_id: Uuid, public: bool) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE programs SET directory_public = $2 WHERE id = $1").bind(program_id).bind(public).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    /// The programs whose directory anyone may read.
    pub async fn public_directories(&mut self) -> Result<Vec<Uuid>> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, Uuid>("SELECT id FROM programs WHERE directory_public ORDER BY id").fetch_all(c).await)?,
        )
    }

    pub async fn directory_public(&mut self, program_id: Uuid) -> Result<bool> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, bool>("SELECT directory_public FROM programs WHERE id = $1").bind(program_id).fetch_one(c).await)?,
        )
    }

    pub async fn directory_services(&mut self, program_id: Uuid) -> Result<Vec<DirServiceRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, DirServiceRow>(sel!(SERVICE, "directory_services WHERE program_id = $1 ORDER BY name, id")).bind(program_id).fetch_all(c).await)?,
        )
    }

    pub async fn directory_locations(&mut self, program_id: Uuid) -> Result<Vec<DirLocationRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, DirLocationRow>("SELECT id, program_id, org_id, doc FROM directory_locations WHERE program_id = $1 ORDER BY id").bind(program_id).fetch_all(c).await)?,
        )
    }

    pub async fn directory_terms(&mut self, program_id: Uuid) -> Result<Vec<DirTermRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, DirTermRow>("SELECT id, program_id, kind, doc FROM directory_terms WHERE program_id = $1 ORDER BY id").bind(program_id).fetch_all(c).await)?,
        )
    }

    pub async fn org_docs(&mut self, program_id: Uuid) -> Result<Vec<OrgDocRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, OrgDocRow>("SELECT id, kind, name, hsds FROM organizations WHERE program_id = $1 ORDER BY name, id").bind(program_id).fetch_all(c).await)?,
        )
    }

    pub async fn capacities(&mut self, program_id: Uuid) -> Result<Vec<CapacityRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, CapacityRow>(sel!(CAPACITY, "service_capacity WHERE program_id = $1 ORDER BY service_id, id")).bind(program_id).fetch_all(c).await)?,
        )
    }

    pub async fn capacity(&mut self, id: Uuid) -> Result<CapacityRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, CapacityRow>(sel!(CAPACITY, "service_capacity WHERE id = $1")).bind(id).fetch_one(c).await)?,
        )
    }

    /// Of `ids`, those a directory other than `program_id`'s uses (organizations,
    /// services, locations, terms).
    pub async fn foreign_directory_ids(
        &mut self,
        program_id: Uuid,
        ids: &[Uuid],
    ) -> Result<Vec<Uuid>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let list = marks.join(",");
            let sql = [
                "organizations",
                "directory_services",
                "directory_locations",
                "directory_terms",
            ]
            .iter()
            .map(|t| format!("SELECT id FROM {t} WHERE program_id <> $1 AND id IN ({list})"))
            .collect::<Vec<_>>()
            .join(" UNION ");
            let found = q!(self, c => {
                // Only placeholders and fixed table names are formatted in.
                let mut query = sqlx::query_scalar::<_, Uuid>(sqlx::AssertSqlSafe(sql.clone())).bind(program_id);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(c).await
            })?;
            out.extend(found);
        }
        Ok(out)
    }

    pub async fn upsert_directory_service(&mut self, r: &DirServiceRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO directory_services (id, program_id, org_id, name, status, type_codes, modified_at, doc) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
            ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, name = excluded.name, status = excluded.status, type_codes = excluded.type_codes, modified_at = excluded.modified_at, doc = excluded.doc")
            .bind(r.id).bind(r.program_id).bind(r.org_id).bind(&r.name).bind(&r.status).bind(&r.type_codes).bind(r.modified_at).bind(&r.doc)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn upsert_directory_location(&mut self, r: &DirLocationRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO directory_locations (id, program_id, org_id, doc) VALUES ($1,$2,$3,$4)
            ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, doc = excluded.doc")
            .bind(r.id).bind(r.program_id).bind(r.org_id).bind(&r.doc).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn upsert_directory_term(&mut self, r: &DirTermRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO directory_terms (id, program_id, kind, doc) VALUES ($1,$2,$3,$4)
            ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, doc = excluded.doc")
            .bind(r.id).bind(r.program_id).bind(&r.kind).bind(&r.doc).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// An organization's name and HSDS document.
    pub async fn set_org_hsds(&mut self, id: Uuid, name: &str, hsds: &str) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE organizations SET name = $2, hsds = $3 WHERE id = $1").bind(id).bind(name).bind(hsds).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    /// A capacity from a file: inserted, or updated only if the file's is newer than the
    /// one kept (a partner's live update is not overwritten by an older feed).
    pub async fn upsert_capacity(&mut self, r: &CapacityRow) -> Result<bool> {
        let n = q!(self, c => sqlx::query("INSERT INTO service_capacity (id, program_id, service_id, unit, available, maximum, description, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
            ON CONFLICT (id) DO UPDATE SET unit = excluded.unit, available = excluded.available, maximum = excluded.maximum, description = excluded.description, updated_at = excluded.updated_at
            WHERE service_capacity.updated_at < excluded.updated_at AND service_capacity.service_id = excluded.service_id")
            .bind(r.id).bind(r.program_id).bind(r.service_id).bind(&r.unit).bind(r.available).bind(r.maximum).bind(&r.description).bind(r.updated_at)
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// A partner's update of what a service can take now: set to `available` (and
    /// `maximum`, if given), only if it stays from 0 to the maximum; false otherwise.
    pub async fn set_capacity(
        &mut self,
        id: Uuid,
        available: i64,
        maximum: Option<i64>,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let n = q!(self, c => sqlx::query("UPDATE service_capacity SET available = $2, maximum = COALESCE($3, maximum), updated_at = $4
            WHERE id = $1 AND $2 >= 0 AND (COALESCE($3, maximum) IS NULL OR $2 <= COALESCE($3, maximum))")
            .bind(id).bind(available).bind(maximum).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// One tap: the available count moved by `delta` (0: confirmed as it is), in one
    /// statement so that two taps at once both count; false if it would leave 0 to the
    /// maximum.
    pub async fn adjust_capacity(
        &mut self,
        id: Uuid,
        delta: i64,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let n = q!(self, c => sqlx::query("UPDATE service_capacity SET available = available + $2, updated_at = $3
            WHERE id = $1 AND available + $2 >= 0 AND (maximum IS NULL OR available + $2 <= maximum)")
            .bind(id).bind(delta).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn directory_settings(&mut self, program_id: Uuid) -> Result<DirectorySettings> {
        Ok(
            q!(self, c => sqlx::query_as::<_, DirectorySettings>("SELECT capacity_fresh_minutes, capacity_hold_minutes, directory_public, hold_service_types, choice_rule, fallback FROM programs WHERE id = $1").bind(program_id).fetch_one(c).await)?,
        )
    }

    /// A service's own freshness window for capacity (None: the program's).
    pub async fn set_service_freshness(
        &mut self,
        program_id: Uuid,
        service_id: Uuid,
        minutes: Option<i64>,
    ) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE directory_services SET fresh_minutes = $3 WHERE program_id = $1 AND id = $2").bind(program_id).bind(service_id).bind(minutes).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    /// Units held now, by capacity.
    pub async fn live_holds(
        &mut self,
        program_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Vec<(Uuid, i64)>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (Uuid, i64)>("SELECT capacity_id, COUNT(*) FROM capacity_holds WHERE program_id = $1 AND state = 'held' AND expires_at > $2 GROUP BY capacity_id")
            .bind(program_id).bind(now).fetch_all(c).await)?,
        )
    }

    /// Holds one unit for a referral if one is free (available above the units held now);
    /// false if none is. The capacity's row is locked first, so two officers referring to
    /// the last bed at once cannot both hold it.
    pub async fn hold_unit(&mut self, h: &CapacityHoldRow) -> Result<bool> {
        q!(self, c => sqlx::query("UPDATE service_capacity SET available = available WHERE id = $1").bind(h.capacity_id).execute(c).await.map(|_| ()))?;
        let n = q!(self, c => sqlx::query("INSERT INTO capacity_holds (id, program_id, capacity_id, referral_id, held_at, expires_at, state, ended_at)
            SELECT $1, $2, $3, $4, $5, $6, 'held', NULL
            WHERE (SELECT available FROM service_capacity WHERE id = $3)
                > (SELECT COUNT(*) FROM capacity_holds WHERE capacity_id = $3 AND state = 'held' AND expires_at > $5)")
            .bind(h.id).bind(h.program_id).bind(h.capacity_id).bind(h.referral_id).bind(h.held_at).bind(h.expires_at)
            .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn holds_of_referrals(&mut self, encounter_id: Uuid) -> Result<Vec<CapacityHoldRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, CapacityHoldRow>("SELECT h.id, h.program_id, h.capacity_id, h.referral_id, h.held_at, h.expires_at, h.state, h.ended_at FROM capacity_holds h JOIN referrals r ON r.id = h.referral_id WHERE r.encounter_id = $1 ORDER BY h.held_at")
            .bind(encounter_id).fetch_all(c).await)?,
        )
    }

    /// Ends a referral's live hold (`taken` or `released`); the capacity it was on, if any.
    pub async fn end_hold(
        &mut self,
        referral_id: Uuid,
        state: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Uuid>> {
        let cap = q!(self, c => sqlx::query_scalar::<_, Uuid>("SELECT capacity_id FROM capacity_holds WHERE referral_id = $1 AND state = 'held' AND expires_at > $2")
            .bind(referral_id).bind(now).fetch_optional(c).await)?;
        q!(self, c => sqlx::query("UPDATE capacity_holds SET state = $2, ended_at = $3 WHERE referral_id = $1 AND state = 'held'")
            .bind(referral_id).bind(state).bind(now).execute(c).await.map(|_| ()))?;
        Ok(cap)
    }

    pub async fn upsert_needs(&mut self, n: &NeedsRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO needs_screens (encounter_id, program_id, problems, positive, safety_score, recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7)
            ON CONFLICT (encounter_id) DO UPDATE SET problems = excluded.problems, positive = excluded.positive, safety_score = excluded.safety_score, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at")
            .bind(n.encounter_id).bind(n.program_id).bind(&n.problems).bind(&n.positive).bind(n.safety_score).bind(n.recorded_by).bind(n.recorded_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn needs_of(&mut self, encounter_id: Uuid) -> Result<Option<NeedsRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, NeedsRow>("SELECT encounter_id, program_id, problems, positive, safety_score, recorded_by, recorded_at FROM needs_screens WHERE encounter_id = $1")
            .bind(encounter_id).fetch_optional(c).await)?,
        )
    }

    /// The officer's ranking rule, the hold kinds, the fallback and publication.
    pub async fn set_directory_settings(
        &mut self,
        program_id: Uuid,
        s: &DirectorySettings,
    ) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE programs SET choice_rule = $2, hold_service_types = $3, fallback = $4, directory_public = $5 WHERE id = $1")
            .bind(program_id).bind(&s.choice_rule).bind(&s.hold_service_types).bind(&s.fallback).bind(s.directory_public)
            .execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    /// The referrals of the encounters that occurred in [from, to).
    pub async fn referral_measure_rows(
        &mut self,
        program_id: Uuid,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ReferralMeasureRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ReferralMeasureRow>("SELECT r.service_types, r.status, r.status_reason_code, e.occurred_at, r.requested_at, r.intake_at
            FROM referrals r JOIN encounters e ON e.id = r.encounter_id
            WHERE r.program_id = $1 AND e.program_id = $1 AND e.occurred_at >= $2 AND e.occurred_at < $3")
            .bind(program_id).bind(from).bind(to).fetch_all(c).await)?,
        )
    }
}
