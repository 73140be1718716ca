//! Queries of case facts (ADR 0011).
use super::*;

impl Tx {
    pub async fn case_fact(&mut self, encounter_id: Uuid) -> Result<Option<FactRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, FactRow>(sqlx::AssertSqlSafe(format!("SELECT {FACT_ROW} FROM fact_rows WHERE encounter_id = $1"))).bind(encounter_id).fetch_optional(c).await)?,
        )
    }

    /// A program's fact rows of a period, in encounter order (tests and rebuild checks).
    pub async fn fact_rows_of(&mut self, program_id: Uuid) -> Result<Vec<FactRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, FactRow>(sqlx::AssertSqlSafe(format!("SELECT {FACT_ROW} FROM fact_rows WHERE program_id = $1 ORDER BY occurred_at, encounter_id"))).bind(program_id).fetch_all(c).await)?,
        )
    }

    pub async fn count_fact_rows(
        &mut self,
        program_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64> {
        Ok(
            q!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM fact_rows WHERE program_id = $1 AND day >= $2 AND day <= $3")
            .bind(program_id).bind(from).bind(to).fetch_one(c).await)?,
        )
    }

    /// Encounters that have no fact row yet (written before facts existed), oldest first.
    pub async fn encounters_without_facts(&mut self, limit: i64) -> Result<Vec<Uuid>> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, Uuid>("SELECT e.id FROM encounters e LEFT JOIN fact_rows f ON f.encounter_id = e.id WHERE f.encounter_id IS NULL ORDER BY e.occurred_at, e.id LIMIT $1").bind(limit).fetch_all(c).await)?,
        )
    }

    /// Every encounter id, oldest first, after `after` (for a full rebuild in pages).
    pub async fn encounter_ids_after(&mut self, after: Uuid, limit: i64) -> Result<Vec<Uuid>> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, Uuid>("SELECT id FROM encounters WHERE id > $1 ORDER BY id LIMIT $2").bind(after).bind(limit).fetch_all(c).await)?,
        )
    }

    pub async fn has_screening(&mut self, encounter_id: Uuid) -> Result<bool> {
        let n: i64 = q!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM screenings WHERE encounter_id = $1").bind(encounter_id).fetch_one(c).await)?;
        Ok(n > 0)
    }

    /// The person's encounters in the program before `before`.
    pub async fn prior_encounter_count(
        &mut self,
        participant_id: Uuid,
        before: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(
            q!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM encounters WHERE participant_id = $1 AND occurred_at < $2").bind(participant_id).bind(before).fetch_one(c).await)?,
        )
    }

    /// The counts of the measures over the fact rows a filter selects, as of `now`.
    pub async fn fact_counts(&mut self, f: &FactFilter, now: DateTime<Utc>) -> Result<FactCounts> {
        let (clause, extra) = fact_where(f, 7);
        let sql = format!("SELECT {} FROM fact_rows WHERE {clause}", counts_exprs(4));
        let d = |n: i64| now - chrono::Duration::days(n);
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_as::<_, FactCounts>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(f.program_id).bind(f.from).bind(f.to).bind(d(30)).bind(d(60)).bind(d(90)).bind(now), &extra)
            .fetch_one(c)
            .await
        })?)
    }

    /// Distinct people among the fact rows a filter selects.
    pub async fn fact_people(&mut self, f: &FactFilter) -> Result<i64> {
        let (clause, extra) = fact_where(f, 3);
        let sql = format!("SELECT COUNT(DISTINCT participant_id) FROM fact_rows WHERE {clause}");
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(f.program_id).bind(f.from).bind(f.to), &extra)
            .fetch_one(c)
            .await
        })?)
    }
}

/// The referrals a research export's referral table holds: of the program's encounters of
/// a period of local days (as the fact rows date them), not entered in error.
const RESEARCH_REFERRALS: &str =
    "FROM referrals r JOIN fact_rows f ON f.encounter_id = r.encounter_id
    LEFT JOIN needs_screens n ON n.encounter_id = r.encounter_id
    WHERE f.program_id = $1 AND f.day >= $2 AND f.day <= $3 AND r.status <> 'entered-in-error'";

impl Tx {
    pub async fn count_research_referrals(
        &mut self,
        program_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64> {
        Ok(
            q!(self, c => sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {RESEARCH_REFERRALS}")))
            .bind(program_id).bind(from).bind(to).fetch_one(c).await)?,
        )
    }

    /// One page of those referrals, in id order after `after` (a page's last id).
    pub async fn research_referrals(
        &mut self,
        program_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
        after: Uuid,
        limit: i64,
    ) -> Result<Vec<ResearchReferralRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, ResearchReferralRow>(sqlx::AssertSqlSafe(format!(
                "SELECT r.id, r.encounter_id, f.participant_id, f.day, f.month, f.occurred_at, r.to_org_id,
                r.service_types, r.mode, r.counts_for_hold, r.status, r.status_reason_code, r.requested_at,
                r.arrived_at, r.first_contact_at, r.intake_at, r.engaged_at, r.exit_kind, r.exit_at,
                n.problems, n.positive
                {RESEARCH_REFERRALS} AND r.id > $4 ORDER BY r.id LIMIT $5"
            )))
            .bind(program_id).bind(from).bind(to).bind(after).bind(limit).fetch_all(c).await)?,
        )
    }
}
