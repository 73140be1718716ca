//! Queries of month rollups (ADR 0011).
use super::*;
use crate::spans::{Span, is_name};

impl Tx {
    /// Makes rollup passes take turns until this transaction ends: on PostgreSQL, workers
    /// of several servers would otherwise rebuild the same expired day at once and both
    /// insert its rows (on SQLite the write transaction already excludes other writers).
    /// Actions do not take it: marking a day dirty never waits for a pass.
    pub async fn lock_rollups(&mut self) -> Result<()> {
        if let Inner::Pg(t) = &mut self.inner {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(ROLLUP_LOCK)
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }

    /// Takes up to `limit` of a program's dirty days, newest first: their marks are
    /// removed now, so a fact row written while they are rebuilt marks its day again (on
    /// PostgreSQL the delete waits for a writer holding the mark, whose row is then read).
    pub async fn take_dirty_days(
        &mut self,
        program_id: Uuid,
        limit: i64,
    ) -> Result<Vec<NaiveDate>> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, NaiveDate>("DELETE FROM fact_dirty_days WHERE program_id = $1 AND day IN (SELECT day FROM fact_dirty_days WHERE program_id = $1 ORDER BY day DESC LIMIT $2) RETURNING day").bind(program_id).bind(limit).fetch_all(c).await)?,
        )
    }

    /// A program's dirty days in [from, to].
    pub async fn dirty_days(
        &mut self,
        program_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<NaiveDate>> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, NaiveDate>("SELECT day FROM fact_dirty_days WHERE program_id = $1 AND day >= $2 AND day <= $3 ORDER BY day").bind(program_id).bind(from).bind(to).fetch_all(c).await)?,
        )
    }

    /// Marks every day of a program that has fact rows dirty (after rows were written
    /// without their marks: a bulk load).
    pub async fn mark_fact_days_dirty(&mut self, program_id: Uuid) -> Result<u64> {
        Ok(
            q!(self, c => sqlx::query("INSERT INTO fact_dirty_days (program_id, day) SELECT DISTINCT program_id, day FROM fact_rows WHERE program_id = $1 ON CONFLICT (program_id, day) DO NOTHING").bind(program_id).execute(c).await.map(|r| r.rows_affected()))?,
        )
    }

    /// Marks one day of a program dirty: the worker's next pass rebuilds its rollups, and
    /// reads count it live until then (what an action on that day's encounters does, by
    /// trigger; `bench-reports` uses it to time views with the worker a pass behind).
    pub async fn mark_fact_day_dirty(&mut self, program_id: Uuid, day: NaiveDate) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO fact_dirty_days (program_id, day) VALUES ($1, $2) ON CONFLICT (program_id, day) DO NOTHING").bind(program_id).bind(day).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Up to `limit` days whose rollups' time-dependent counts changed by `now`.
    pub async fn expired_days(
        &mut self,
        program_id: Uuid,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<NaiveDate>> {
        let names = q!(self, c => sqlx::query_scalar::<_, String>("SELECT span FROM fact_rollup_spans WHERE program_id = $1 AND valid_until <= $2 AND LENGTH(span) = 10 ORDER BY span DESC LIMIT $3").bind(program_id).bind(now).bind(limit).fetch_all(c).await)?;
        Ok(names
            .iter()
            .filter_map(|n| NaiveDate::parse_from_str(n, "%Y-%m-%d").ok())
            .collect())
    }

    /// The rolled-up spans of the months from `from` to `to` and until when each is
    /// current (none: for good).
    pub async fn rollup_spans(
        &mut self,
        program_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(String, Option<DateTime<Utc>>)>> {
        let lo = Span::month(from).name;
        let hi = Span::month(to)
            .last
            .succ_opt()
            .map_or_else(|| "9999-99".to_string(), |d| Span::month(d).name);
        Ok(
            q!(self, c => sqlx::query_as::<_, (String, Option<DateTime<Utc>>)>("SELECT span, valid_until FROM fact_rollup_spans WHERE program_id = $1 AND span >= $2 AND span < $3").bind(program_id).bind(lo.clone()).bind(hi.clone()).fetch_all(c).await)?,
        )
    }

    /// Rebuilds one day's rollup from its fact rows, as of `now`: the counts in the
    /// database (the measures' own expressions), the histograms and the time until which
    /// the day's time-dependent counts stay as built from one read of its rows.
    pub async fn rebuild_day(
        &mut self,
        program_id: Uuid,
        day: NaiveDate,
        now: DateTime<Utc>,
        month_of: &(dyn Fn(DateTime<Utc>) -> String + Sync),
    ) -> Result<()> {
        let span = Span::day(day);
        self.clear_span(program_id, &span.name).await?;
        self.rebuild_day_services(program_id, &span, month_of)
            .await?;
        let d = |n: i64| now - chrono::Duration::days(n);
        let counts = format!(
            "INSERT INTO fact_rollups (program_id, span, {ROLLUP_DIMS}, {ROLLUP_COUNTS}) SELECT program_id, '{}', {ROLLUP_DIMS}, {} FROM fact_rows WHERE program_id = $1 AND day = $2 GROUP BY program_id, {ROLLUP_DIMS}",
            span.name,
            counts_exprs(3)
        );
        q!(self, c => sqlx::query(sqlx::AssertSqlSafe(counts.clone())).bind(program_id).bind(day).bind(d(30)).bind(d(60)).bind(d(90)).bind(now).execute(&mut *c).await.map(|_| ()))?;
        let groups = ROLLUP_GROUP_DIMS
            .iter()
            .map(|(dim, key)| (*dim, *key, key.to_string(), "NULL"))
            .chain([("provider", "provider_id", "''".to_string(), "provider_id")]);
        for (dim, group, key, provider) in groups {
            let sql = format!(
                "INSERT INTO fact_rollup_groups (program_id, span, dim, key, provider_id, {}) SELECT program_id, '{}', '{dim}', {key}, {provider}, {} FROM fact_rows WHERE program_id = $1 AND day = $2 GROUP BY program_id, {group}",
                BREAKDOWN_COUNTS.join(", "),
                span.name,
                breakdown_exprs()
            );
            q!(self, c => sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(program_id).bind(day).execute(&mut *c).await.map(|_| ()))?;
        }
        type Durations = (
            String,
            String,
            Uuid,
            Option<Uuid>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            DateTime<Utc>,
            Option<DateTime<Utc>>,
            Option<DateTime<Utc>>,
        );
        let rows = q!(self, c => sqlx::query_as::<_, Durations>("SELECT pathway, agency_kind, agency_id, provider_id, warm_minutes, contact_minutes, intake_minutes, engaged_minutes, occurred_at, engaged_at, deadline_ends_at FROM fact_rows WHERE program_id = $1 AND day = $2").bind(program_id).bind(day).fetch_all(c).await)?;
        if rows.is_empty() {
            return self.set_span(program_id, &span.name, None, now).await;
        }
        // Each dimension's key's histograms, added up as the rows are read.
        let mut hist: std::collections::BTreeMap<(usize, String), crate::hist::Sum> =
            Default::default();
        let mut valid_until: Option<DateTime<Utc>> = None;
        let days = chrono::Duration::days;
        for (pathway, kind, agency, provider, w, c, i, e, at, engaged_at, deadline) in rows {
            let keys = [
                Some(String::new()),
                Some(pathway),
                Some(kind),
                Some(agency.to_string()),
                provider.map(|p| p.to_string()),
            ];
            for (k, key) in keys.into_iter().enumerate() {
                let Some(key) = key else { continue };
                let sum = hist.entry((k, key)).or_default();
                for (m, v) in [w, c, i, e].into_iter().enumerate() {
                    if let Some(v) = v.filter(|v| *v >= 0) {
                        sum.add(m, v / ROLLUP_HISTOGRAMS[m].2.max(1), 1);
                    }
                }
            }
            // When a count that depends on the time would change: 30, 60 and 90 days after
            // the encounter, 30 and 90 after engagement, at the deadline.
            let times = [
                Some(at + days(30)),
                Some(at + days(60)),
                Some(at + days(90)),
                engaged_at.map(|t| t + days(30)),
                engaged_at.map(|t| t + days(90)),
                deadline,
            ];
            for t in times.into_iter().flatten().filter(|t| *t > now) {
                valid_until = Some(valid_until.map_or(t, |v| v.min(t)));
            }
        }
        let stmts: Vec<Stmt> = hist
            .into_iter()
            .map(|((k, key), sum)| {
                Stmt::rollup_hist(
                    program_id,
                    &span.name,
                    ROLLUP_HIST_DIMS[k].0,
                    &key,
                    crate::hist::encode(&sum.lists()),
                )
            })
            .collect();
        self.run(&Stmt::merge_inserts(stmts, 900)).await?;
        self.set_span(program_id, &span.name, Some(valid_until), now)
            .await
    }

    /// Rebuilds a third or a month as the sum of its parts' rollups.
    pub async fn rebuild_from_parts(
        &mut self,
        program_id: Uuid,
        span: &Span,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let Some((lo, hi)) = span.parts_range() else {
            return Ok(());
        };
        if !is_name(&span.name) {
            return Err(StoreError::Conflict(format!("not a span: {:?}", span.name)));
        }
        self.clear_span(program_id, &span.name).await?;
        let parts = q!(self, c => sqlx::query_scalar::<_, Option<DateTime<Utc>>>("SELECT valid_until FROM fact_rollup_spans WHERE program_id = $1 AND span >= $2 AND span <= $3").bind(program_id).bind(lo.clone()).bind(hi.clone()).fetch_all(c).await)?;
        if parts.is_empty() {
            return self.set_span(program_id, &span.name, None, now).await;
        }
        let sums: Vec<String> = ROLLUP_COUNTS
            .split(", ")
            .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
            .collect();
        let name = &span.name;
        let counts = format!(
            "INSERT INTO fact_rollups (program_id, span, {ROLLUP_DIMS}, {ROLLUP_COUNTS}) SELECT program_id, '{name}', {ROLLUP_DIMS}, {} FROM fact_rollups WHERE program_id = $1 AND span >= $2 AND span <= $3 GROUP BY program_id, {ROLLUP_DIMS}",
            sums.join(", ")
        );
        let group_sums: Vec<String> = BREAKDOWN_COUNTS
            .iter()
            .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
            .collect();
        let group_dims: Vec<String> = ROLLUP_GROUP_DIMS
            .iter()
            .map(|(d, _)| format!("'{d}'"))
            .chain(["'provider'".to_string()])
            .collect();
        let groups = format!(
            "INSERT INTO fact_rollup_groups (program_id, span, dim, key, provider_id, {}) SELECT program_id, '{name}', dim, key, provider_id, {} FROM fact_rollup_groups WHERE program_id = $1 AND dim IN ({}) AND span >= $2 AND span <= $3 GROUP BY program_id, dim, key, provider_id",
            BREAKDOWN_COUNTS.join(", "),
            group_sums.join(", "),
            group_dims.join(", ")
        );
        for sql in [counts, groups] {
            q!(self, c => sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(program_id).bind(lo.clone()).bind(hi.clone()).execute(&mut *c).await.map(|_| ()))?;
        }
        // The histograms: each dimension's key's values of the parts, added up here.
        let values = q!(self, c => sqlx::query_as::<_, (String, String, Vec<u8>)>("SELECT dim, key, data FROM fact_rollup_hists WHERE program_id = $1 AND span >= $2 AND span <= $3").bind(program_id).bind(lo.clone()).bind(hi.clone()).fetch_all(&mut *c).await)?;
        let mut sums: std::collections::BTreeMap<(String, String), crate::hist::Sum> =
            Default::default();
        for (dim, key, data) in values {
            sums.entry((dim, key)).or_default().add_encoded(&data)?;
        }
        let stmts: Vec<Stmt> = sums
            .into_iter()
            .map(|((dim, key), sum)| {
                Stmt::rollup_hist(
                    program_id,
                    name,
                    &dim,
                    &key,
                    crate::hist::encode(&sum.lists()),
                )
            })
            .collect();
        self.run(&Stmt::merge_inserts(stmts, 900)).await?;
        let services = self
            .service_sums(
                "SELECT service_types, status, reason, month, n, served, hours FROM fact_rollup_services WHERE program_id = $1 AND span >= $2 AND span <= $3",
                program_id,
                Some((&lo, &hi)),
            )
            .await?;
        self.put_services(program_id, name, services).await?;
        let valid_until = parts.into_iter().flatten().min();
        self.set_span(program_id, name, Some(valid_until), now)
            .await
    }

    /// A day's referrals by service types, status, reason and month of request, from the
    /// referrals of the day's encounters (`month_of`: a time's local month).
    async fn rebuild_day_services(
        &mut self,
        program_id: Uuid,
        span: &Span,
        month_of: &(dyn Fn(DateTime<Utc>) -> String + Sync),
    ) -> Result<()> {
        type Referral = (
            String,
            String,
            Option<String>,
            DateTime<Utc>,
            DateTime<Utc>,
            Option<DateTime<Utc>>,
        );
        let rows = q!(self, c => sqlx::query_as::<_, Referral>("SELECT r.service_types, r.status, r.status_reason_code, f.occurred_at, r.requested_at, r.intake_at FROM fact_rows f JOIN referrals r ON r.encounter_id = f.encounter_id WHERE f.program_id = $1 AND f.day = $2").bind(program_id).bind(span.first).fetch_all(c).await)?;
        let mut groups: ServiceSums = Default::default();
        for (types, status, reason, occurred_at, requested_at, intake_at) in rows {
            let g = groups
                .entry((
                    types,
                    status,
                    reason.unwrap_or_default(),
                    month_of(requested_at),
                ))
                .or_default();
            g.0 += 1;
            if let Some(i) = intake_at {
                g.1 += 1;
                g.2.add(0, (i - occurred_at).num_minutes().div_euclid(60), 1);
            }
        }
        self.put_services(program_id, &span.name, groups).await
    }

    async fn put_services(
        &mut self,
        program_id: Uuid,
        span: &str,
        groups: ServiceSums,
    ) -> Result<()> {
        let stmts: Vec<Stmt> = groups
            .into_iter()
            .map(|((types, status, reason, month), (n, served, hours))| {
                Stmt::rollup_services(
                    program_id,
                    span,
                    [types, status, reason, month],
                    n,
                    served,
                    crate::hist::encode(&hours.lists()),
                )
            })
            .collect();
        self.run(&Stmt::merge_inserts(stmts, 900)).await
    }

    /// The rolled-up referrals of some spans, added up by service types, status, reason
    /// and month.
    pub async fn rollup_services(
        &mut self,
        program_id: Uuid,
        spans: &[String],
    ) -> Result<Vec<ServiceRollup>> {
        let Some(list) = span_list(spans) else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT service_types, status, reason, month, n, served, hours FROM fact_rollup_services WHERE program_id = $1 AND span IN ({list})"
        );
        let groups = self.service_sums(&sql, program_id, None).await?;
        Ok(groups
            .into_iter()
            .map(
                |((service_types, status, reason, month), (n, served, hours))| ServiceRollup {
                    service_types,
                    status,
                    reason_code: (!reason.is_empty()).then_some(reason),
                    month,
                    referrals: n,
                    served,
                    hours: hours.lists()[0].clone(),
                },
            )
            .collect())
    }

    /// Reads rolled-up referral rows and adds them up by their key.
    async fn service_sums(
        &mut self,
        sql: &str,
        program_id: Uuid,
        parts: Option<(&str, &str)>,
    ) -> Result<ServiceSums> {
        type Stored = (String, String, String, String, i64, i64, Vec<u8>);
        let rows = q!(self, c => {
            let q = sqlx::query_as::<_, Stored>(sqlx::AssertSqlSafe(sql.to_string())).bind(program_id);
            let q = match parts {
                Some((lo, hi)) => q.bind(lo.to_string()).bind(hi.to_string()),
                None => q,
            };
            q.fetch_all(c).await
        })?;
        let mut groups: ServiceSums = Default::default();
        for (types, status, reason, month, n, served, hours) in rows {
            let g = groups.entry((types, status, reason, month)).or_default();
            g.0 += n;
            g.1 += served;
            g.2.add_encoded(&hours)?;
        }
        Ok(groups)
    }

    async fn clear_span(&mut self, program_id: Uuid, span: &str) -> Result<()> {
        q!(self, c => sqlx::query("DELETE FROM fact_rollup_services WHERE program_id = $1 AND span = $2").bind(program_id).bind(span).execute(&mut *c).await.map(|_| ()))?;
        q!(self, c => sqlx::query("DELETE FROM fact_rollups WHERE program_id = $1 AND span = $2").bind(program_id).bind(span).execute(&mut *c).await.map(|_| ()))?;
        q!(self, c => sqlx::query("DELETE FROM fact_rollup_hists WHERE program_id = $1 AND span = $2").bind(program_id).bind(span).execute(&mut *c).await.map(|_| ()))?;
        q!(self, c => sqlx::query("DELETE FROM fact_rollup_groups WHERE program_id = $1 AND span = $2").bind(program_id).bind(span).execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    /// Records a span as built (`Some(valid until)`), or as empty (`None`: no entry).
    async fn set_span(
        &mut self,
        program_id: Uuid,
        span: &str,
        built: Option<Option<DateTime<Utc>>>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        q!(self, c => sqlx::query("DELETE FROM fact_rollup_spans WHERE program_id = $1 AND span = $2").bind(program_id).bind(span).execute(&mut *c).await.map(|_| ()))?;
        if let Some(valid_until) = built {
            q!(self, c => sqlx::query("INSERT INTO fact_rollup_spans (program_id, span, built_at, valid_until) VALUES ($1, $2, $3, $4)").bind(program_id).bind(span).bind(now).bind(valid_until).execute(&mut *c).await.map(|_| ()))?;
        }
        Ok(())
    }

    /// The rollup counts of some spans by month, with the filter's dimensions (not its
    /// days or officer: the caller chose the spans and counts an officer live), in one
    /// read: the totals and the trend by month are their sums.
    pub async fn rollup_counts_by_month(
        &mut self,
        f: &FactFilter,
        spans: &[String],
    ) -> Result<Vec<MonthCounts>> {
        let (clause, extra) = rollup_where(f, spans);
        let sums: Vec<String> = ROLLUP_COUNTS
            .split(", ")
            .map(|c| format!("CAST(COALESCE(SUM({c}), 0) AS BIGINT) AS {c}"))
            .collect();
        let sql = format!(
            "SELECT month, {} FROM fact_rollups WHERE {clause} GROUP BY month ORDER BY month",
            sums.join(", ")
        );
        Ok(q!(self, c => {
            bind_extra!(sqlx::query_as::<_, MonthCounts>(sqlx::AssertSqlSafe(sql.clone())).bind(f.program_id), &extra)
            .fetch_all(c)
            .await
        })?)
    }

    /// The rollup counts of some spans (`rollup_counts_by_month`, added up).
    pub async fn rollup_counts(&mut self, f: &FactFilter, spans: &[String]) -> Result<FactCounts> {
        let mut total = FactCounts::default();
        for m in self.rollup_counts_by_month(f, spans).await? {
            total += &m.counts;
        }
        Ok(total)
    }

    /// The rolled-up histograms of the four durations, in one read (each in its rollup
    /// unit: `ROLLUP_HISTOGRAMS`).
    pub async fn rollup_histograms(
        &mut self,
        f: &FactFilter,
        spans: &[String],
    ) -> Result<DurationHistograms> {
        // The one dimension the filter chooses (or none: the whole program), and its key.
        let (dim, key) = [
            ("pathway", f.pathway.clone()),
            ("kind", f.agency_kind.clone()),
            ("agency", f.agency_id.map(|u| u.to_string())),
            ("provider", f.provider_id.map(|u| u.to_string())),
        ]
        .into_iter()
        .find_map(|(d, k)| k.map(|k| (d, k)))
        .unwrap_or(("all", String::new()));
        let mut out = DurationHistograms::default();
        let Some(list) = span_list(spans) else {
            return Ok(out);
        };
        let sql = format!(
            "SELECT data FROM fact_rollup_hists WHERE program_id = $1 AND span IN ({list}) AND dim = $2 AND key = $3"
        );
        let values = q!(self, c => sqlx::query_scalar::<_, Vec<u8>>(sqlx::AssertSqlSafe(sql.clone())).bind(f.program_id).bind(dim).bind(key.clone()).fetch_all(c).await)?;
        let mut sum = crate::hist::Sum::default();
        for data in &values {
            sum.add_encoded(data)?;
        }
        for (d, list) in FactDuration::ALL.into_iter().zip(sum.lists()) {
            for (bucket, n) in list {
                out.add(d, bucket, n);
            }
        }
        Ok(out)
    }

    /// A breakdown by a text dimension (sex, race, ethnicity, pathway) over rolled-up
    /// spans of the whole program.
    pub async fn rollup_breakdown(
        &mut self,
        program_id: Uuid,
        spans: &[String],
        dim: FactDim,
    ) -> Result<Vec<Breakdown<String>>> {
        let sql = rollup_groups_sql(spans, dim.column(), "key");
        Ok(
            q!(self, c => sqlx::query_as::<_, Breakdown<String>>(sqlx::AssertSqlSafe(sql.clone())).bind(program_id).fetch_all(c).await)?,
        )
    }

    /// The breakdown by age (years) over rolled-up spans.
    pub async fn rollup_breakdown_age(
        &mut self,
        program_id: Uuid,
        spans: &[String],
    ) -> Result<Vec<Breakdown<i64>>> {
        let sql = rollup_groups_sql(spans, "age", "CAST(key AS BIGINT)");
        Ok(
            q!(self, c => sqlx::query_as::<_, Breakdown<i64>>(sqlx::AssertSqlSafe(sql.clone())).bind(program_id).fetch_all(c).await)?,
        )
    }

    /// The breakdown by the provider of the latest referral over rolled-up spans.
    pub async fn rollup_breakdown_provider(
        &mut self,
        program_id: Uuid,
        spans: &[String],
    ) -> Result<Vec<Breakdown<Option<Uuid>>>> {
        let sql = rollup_groups_sql(spans, "provider", "provider_id");
        Ok(
            q!(self, c => sqlx::query_as::<_, Breakdown<Option<Uuid>>>(sqlx::AssertSqlSafe(sql.clone())).bind(program_id).fetch_all(c).await)?,
        )
    }

    /// Rolled-up encounters, referrals and intakes by month.
    pub async fn rollup_months_trend(
        &mut self,
        f: &FactFilter,
        spans: &[String],
    ) -> Result<Vec<(String, i64, i64, i64)>> {
        Ok(self
            .rollup_counts_by_month(f, spans)
            .await?
            .into_iter()
            .map(|m| {
                let c = m.counts;
                (m.month, c.encounters, c.referred, c.intakes)
            })
            .collect())
    }

    /// The four durations (minutes) of the selected rows, in no order, from one read of
    /// the rows (four `GROUP BY`s would read them four times). Nulls and negatives are
    /// left out.
    pub async fn fact_durations(&mut self, f: &FactFilter) -> Result<[Vec<i64>; 4]> {
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
        let mut out: [Vec<i64>; 4] = Default::default();
        for (w, c, i, e) in rows {
            for (k, v) in [w, c, i, e].into_iter().enumerate() {
                if let Some(v) = v.filter(|v| *v >= 0) {
                    out[k].push(v);
                }
            }
        }
        Ok(out)
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

/// The advisory lock of rollup passes on PostgreSQL ("rollups" in ASCII).
const ROLLUP_LOCK: i64 = 0x0072_6f6c_6c75_7073;

/// Referrals added up by (service types, status, reason or "", month): how many, how
/// many served, and their hours to intake.
type ServiceSums =
    std::collections::BTreeMap<(String, String, String, String), (i64, i64, crate::hist::Sum)>;

/// A rolled-up breakdown: the groups of one dimension, summed over some spans.
fn rollup_groups_sql(spans: &[String], dim: &str, key: &str) -> String {
    let (clause, _) = rollup_where(&FactFilter::default(), spans);
    let sums: Vec<String> = BREAKDOWN_COUNTS
        .iter()
        .map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"))
        .collect();
    format!(
        "SELECT {key} AS key, {} FROM fact_rollup_groups WHERE {clause} AND dim = '{dim}' GROUP BY {key}",
        sums.join(", ")
    )
}
