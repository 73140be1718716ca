//! Queries of month rollups (ADR 0011).
use super::*;

impl Tx {
    /// The months of a program that have fact rows, oldest first.
    pub async fn fact_months_present(&mut self, program_id: Uuid) -> Result<Vec<String>> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, String>("SELECT DISTINCT month FROM fact_rows WHERE program_id = $1 ORDER BY month").bind(program_id).fetch_all(c).await)?,
        )
    }

    /// The months rolled up and when.
    pub async fn rollup_months(
        &mut self,
        program_id: Uuid,
    ) -> Result<Vec<(String, DateTime<Utc>)>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, (String, DateTime<Utc>)>("SELECT month, built_at FROM fact_rollup_months WHERE program_id = $1 ORDER BY month").bind(program_id).fetch_all(c).await)?,
        )
    }

    /// Rebuilds one month's rollup from its fact rows, as of `now`. The month's rows are
    /// found by their days (the index on program and day; `month = ?` would read every row
    /// of the program, 0.6 s a statement at a million rows).
    pub async fn rebuild_rollup(
        &mut self,
        program_id: Uuid,
        month: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let d = |n: i64| now - chrono::Duration::days(n);
        let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
            .map_err(|_| StoreError::Conflict(format!("not a month: {month:?}")))?;
        let last = first
            .checked_add_months(chrono::Months::new(1))
            .and_then(|d| d.pred_opt())
            .unwrap_or(first);
        let rows = "program_id = $1 AND day >= $7 AND day <= $8 AND month = $2";
        let dims = "program_id, month, pathway, agency_id, agency_kind, provider_id";
        let counts = format!(
            "INSERT INTO fact_rollups ({dims}, {ROLLUP_COUNTS}) SELECT {dims}, {} FROM fact_rows WHERE {rows} GROUP BY {dims}",
            counts_exprs(3)
        );
        let mut hist = String::new();
        for (code, col, unit) in ROLLUP_HISTOGRAMS {
            for (dim, column) in ROLLUP_HIST_DIMS {
                let (cols, group) = match column {
                    Some(c) => (format!("{c}, "), format!("{c}, ")),
                    None => (String::new(), String::new()),
                };
                hist.push_str(&format!(
                    "INSERT INTO fact_rollup_hist (program_id, month, dim, {cols}measure, bucket, n) SELECT program_id, month, '{dim}', {cols}'{code}', {col} / {unit}, COUNT(*) FROM fact_rows WHERE program_id = $1 AND day >= $3 AND day <= $4 AND month = $2 AND {col} IS NOT NULL AND {col} >= 0 GROUP BY program_id, month, {group}{col} / {unit};\n"
                ));
            }
        }
        q!(self, c => sqlx::query("DELETE FROM fact_rollups WHERE program_id = $1 AND month = $2").bind(program_id).bind(month).execute(&mut *c).await.map(|_| ()))?;
        q!(self, c => sqlx::query("DELETE FROM fact_rollup_hist WHERE program_id = $1 AND month = $2").bind(program_id).bind(month).execute(&mut *c).await.map(|_| ()))?;
        q!(self, c => sqlx::query(sqlx::AssertSqlSafe(counts.clone())).bind(program_id).bind(month).bind(d(30)).bind(d(60)).bind(d(90)).bind(now).bind(first).bind(last).execute(&mut *c).await.map(|_| ()))?;
        for statement in hist.lines() {
            q!(self, c => sqlx::query(sqlx::AssertSqlSafe(statement.to_string())).bind(program_id).bind(month).bind(first).bind(last).execute(&mut *c).await.map(|_| ()))?;
        }
        q!(self, c => sqlx::query("INSERT INTO fact_rollup_months (program_id, month, built_at) VALUES ($1, $2, $3) ON CONFLICT (program_id, month) DO UPDATE SET built_at = excluded.built_at").bind(program_id).bind(month).bind(now).execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    /// The rollup counts of some months, with the filter's dimensions (not its days or
    /// officer: the caller chose the months and counts an officer live).
    pub async fn rollup_counts(&mut self, f: &FactFilter, months: &[String]) -> Result<FactCounts> {
        let (clause, extra) = rollup_where(f, months);
        let sums: Vec<String> = ROLLUP_COUNTS
            .split(", ")
            .map(|c| format!("CAST(COALESCE(SUM({c}), 0) AS BIGINT) AS {c}"))
            .collect();
        let sql = format!(
            "SELECT {} FROM fact_rollups WHERE {clause}",
            sums.join(", ")
        );
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_as::<_, FactCounts>(sqlx::AssertSqlSafe(sql.clone())).bind(f.program_id), &extra)
            .fetch_one(c)
            .await
        })?)
    }

    /// The rolled-up histograms of the four durations, in one read (each in its rollup
    /// unit: `ROLLUP_HISTOGRAMS`).
    pub async fn rollup_histograms(
        &mut self,
        f: &FactFilter,
        months: &[String],
    ) -> Result<DurationHistograms> {
        let (mut clause, extra) = rollup_where(f, months);
        let dim = ROLLUP_HIST_DIMS
            .iter()
            .find(|(_, c)| match c {
                Some("pathway") => f.pathway.is_some(),
                Some("agency_kind") => f.agency_kind.is_some(),
                Some("agency_id") => f.agency_id.is_some(),
                Some("provider_id") => f.provider_id.is_some(),
                _ => false,
            })
            .map_or("all", |(d, _)| d);
        clause.push_str(&format!(" AND dim = '{dim}'"));
        let sql = format!(
            "SELECT measure, bucket, CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM fact_rollup_hist WHERE {clause} GROUP BY measure, bucket ORDER BY measure, bucket"
        );
        let rows = q!(self, c => {
            bind_extra!(sqlx::query_as::<_, (String, i64, i64)>(sqlx::AssertSqlSafe(sql.clone())).bind(f.program_id), &extra)
            .fetch_all(c)
            .await
        })?;
        let mut out = DurationHistograms::default();
        for (code, bucket, n) in rows {
            if let Some(d) = FactDuration::ALL.into_iter().find(|d| d.code() == code) {
                out.add(d, bucket, n);
            }
        }
        Ok(out)
    }

    /// Rolled-up encounters, referrals and intakes by month.
    pub async fn rollup_months_trend(
        &mut self,
        f: &FactFilter,
        months: &[String],
    ) -> Result<Vec<(String, i64, i64, i64)>> {
        let (clause, extra) = rollup_where(f, months);
        let sql = format!(
            "SELECT month, CAST(COALESCE(SUM(encounters), 0) AS BIGINT), CAST(COALESCE(SUM(referred), 0) AS BIGINT), CAST(COALESCE(SUM(intakes), 0) AS BIGINT) FROM fact_rollups WHERE {clause} GROUP BY month ORDER BY month"
        );
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_as::<_, (String, i64, i64, i64)>(sqlx::AssertSqlSafe(sql.clone())).bind(f.program_id), &extra)
            .fetch_all(c)
            .await
        })?)
    }

    /// How the four durations are distributed over the selected rows, each in its rollup
    /// unit (value divided by the unit's minutes), counted from one read of the rows (four
    /// `GROUP BY`s would read them four times). Nulls and negatives are left out.
    pub async fn fact_histograms(&mut self, f: &FactFilter) -> Result<DurationHistograms> {
        let (clause, extra) = fact_where(f, 3);
        let sql = format!(
            "SELECT warm_minutes, contact_minutes, intake_minutes, engaged_minutes FROM fact_rows WHERE {clause} AND (warm_minutes IS NOT NULL OR contact_minutes IS NOT NULL OR intake_minutes IS NOT NULL OR engaged_minutes IS NOT NULL)"
        );
        type Durations = (Option<i64>, Option<i64>, Option<i64>, Option<i64>);
        let rows = q!(self, c => {
            bind_extra!(sqlx::query_as::<_, Durations>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(f.program_id).bind(f.from).bind(f.to), &extra)
            .fetch_all(c)
            .await
        })?;
        let mut out = DurationHistograms::default();
        for (w, c, i, e) in rows {
            for (d, v) in [
                (FactDuration::WarmHandoff, w),
                (FactDuration::FirstContact, c),
                (FactDuration::Intake, i),
                (FactDuration::Engagement, e),
            ] {
                if let Some(v) = v.filter(|v| *v >= 0) {
                    out.add(d, v / d.rollup_unit().max(1), 1);
                }
            }
        }
        Ok(out)
    }

    /// The values of a duration column in [lo, hi) minutes over the selected rows, sorted
    /// (to find an exact median inside one histogram bucket).
    pub async fn fact_values(
        &mut self,
        f: &FactFilter,
        column: FactDuration,
        lo: i64,
        hi: i64,
    ) -> Result<Vec<i64>> {
        let (clause, extra) = fact_where(f, 5);
        let col = column.column();
        let sql = format!(
            "SELECT {col} FROM fact_rows WHERE {clause} AND {col} >= $4 AND {col} < $5 ORDER BY {col}"
        );
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(f.program_id).bind(f.from).bind(f.to).bind(lo).bind(hi), &extra)
            .fetch_all(c)
            .await
        })?)
    }

    /// Counts by a text dimension (sex, race, ethnicity, pathway, kind of agency).
    pub async fn fact_breakdown(
        &mut self,
        f: &FactFilter,
        dim: FactDim,
    ) -> Result<Vec<Breakdown<String>>> {
        let (sql, extra) = breakdown_sql(f, dim.column());
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_as::<_, Breakdown<String>>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(f.program_id).bind(f.from).bind(f.to), &extra)
            .fetch_all(c)
            .await
        })?)
    }

    /// Counts by age at the encounter (in years).
    pub async fn fact_breakdown_age(&mut self, f: &FactFilter) -> Result<Vec<Breakdown<i64>>> {
        let (sql, extra) = breakdown_sql(f, "age");
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_as::<_, Breakdown<i64>>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(f.program_id).bind(f.from).bind(f.to), &extra)
            .fetch_all(c)
            .await
        })?)
    }

    /// Counts by the provider of the latest referral (none: no referral).
    pub async fn fact_breakdown_provider(
        &mut self,
        f: &FactFilter,
    ) -> Result<Vec<Breakdown<Option<Uuid>>>> {
        let (sql, extra) = breakdown_sql(f, "provider_id");
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_as::<_, Breakdown<Option<Uuid>>>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(f.program_id).bind(f.from).bind(f.to), &extra)
            .fetch_all(c)
            .await
        })?)
    }

    /// Encounters, referrals and intakes by month ("YYYY-MM") over the selected rows.
    pub async fn fact_months(&mut self, f: &FactFilter) -> Result<Vec<(String, i64, i64, i64)>> {
        let (clause, extra) = fact_where(f, 3);
        let sql = format!(
            "SELECT month, COUNT(*), COALESCE(SUM(CASE WHEN referred THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN intake_minutes IS NOT NULL THEN 1 ELSE 0 END), 0) FROM fact_rows WHERE {clause} GROUP BY month ORDER BY month"
        );
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_as::<_, (String, i64, i64, i64)>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(f.program_id).bind(f.from).bind(f.to), &extra)
            .fetch_all(c)
            .await
        })?)
    }

    /// Sets the pathways a program enables (a comma-separated list of codes).
    pub async fn set_program_pathways(&mut self, program_id: Uuid, pathways: &str) -> Result<()> {
        let n = q!(self, x => sqlx::query("UPDATE programs SET pathways = $2 WHERE id = $1")
            .bind(program_id).bind(pathways)
            .execute(x).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    pub async fn screenings(&mut self, referral_id: Uuid) -> Result<Vec<ScreeningRow>> {
        let mut rows = q!(self, c => sqlx::query_as::<_, ScreeningRow>("SELECT id, program_id, encounter_id, referral_id, instrument, version, profile, answers, score, max_score, prorated, band, positive, alerts, recorded_by, recorded_at FROM screenings WHERE referral_id = $1 ORDER BY recorded_at, id").bind(referral_id).fetch_all(c).await)?;
        for r in &mut rows {
            r.answers = crypto::open(&self.keys, "screenings.answers", &r.answers)?;
        }
        Ok(rows)
    }
}
