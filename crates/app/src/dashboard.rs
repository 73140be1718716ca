//! The coordinator's first dashboard and deadline list.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use handoff_domain::hold::DUE_SOON_DAYS;
use handoff_domain::measures::{self, Counts, Histograms, Measures, Medians, MonthLine};
use handoff_domain::policy::{ProgramAction, program_grant};
use handoff_domain::service_measures::KindLine;
use handoff_domain::{OrgKind, Pathway};
use handoff_storage::{FactDuration, FactFilter, HoldQueueRow, spans};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::case::load_program;
use crate::{App, AppError, AppResult};
use handoff_i18n::{staff, staff_with};

pub struct Period {
    pub from: NaiveDate,
    /// Inclusive last day.
    pub to: NaiveDate,
}

/// Which encounters a dashboard counts besides the period: one pathway, and/or the kind
/// of the responding agency (police versus fire/EMS versus crisis team entry).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter {
    pub pathway: Option<Pathway>,
    pub entry: Option<OrgKind>,
    /// One agency, provider or officer of the program (ids as chosen on the page).
    pub agency_id: Option<Uuid>,
    pub provider_id: Option<Uuid>,
    pub officer_id: Option<Uuid>,
}

impl Filter {
    /// Reads the filter's query values ("" for all), with errors by field: pathway, kind
    /// of responding agency, and the ids of an agency, a provider and an officer.
    pub fn parse(
        pathway: &str,
        entry: &str,
        agency: &str,
        provider: &str,
        officer: &str,
    ) -> AppResult<Filter> {
        let id = |field: &str, v: &str| -> AppResult<Option<Uuid>> {
            match v.trim() {
                "" => Ok(None),
                v => Uuid::parse_str(v)
                    .map(Some)
                    .map_err(|_| AppError::field(field, staff("err-dashboard-choose-listed"))),
            }
        };
        let (agency_id, provider_id, officer_id) = (
            id("agency", agency)?,
            id("provider", provider)?,
            id("officer", officer)?,
        );
        let pathway = match pathway.trim() {
            "" => None,
            p => Some(Pathway::parse(p).ok_or_else(|| {
                AppError::field(
                    "pathway",
                    staff_with(
                        "err-dashboard-pathway-unknown",
                        &[("pathway", format!("{p:?}").into())],
                    ),
                )
            })?),
        };
        let entry = match entry.trim() {
            "" => None,
            k => Some(
                OrgKind::parse(k)
                    .filter(|k| ENTRY_KINDS.contains(k))
                    .ok_or_else(|| {
                        AppError::field(
                            "entry",
                            staff_with(
                                "err-dashboard-entry-unknown",
                                &[("kind", format!("{k:?}").into())],
                            ),
                        )
                    })?,
            ),
        };
        Ok(Filter {
            pathway,
            entry,
            agency_id,
            provider_id,
            officer_id,
        })
    }
    /// The fact rows of a program's period this filter selects.
    pub fn facts(&self, program_id: Uuid, from: NaiveDate, to: NaiveDate) -> FactFilter {
        FactFilter {
            program_id,
            from,
            to,
            pathway: self.pathway.map(|p| p.as_str().to_string()),
            agency_kind: self.entry.map(|k| k.as_str().to_string()),
            agency_id: self.agency_id,
            provider_id: self.provider_id,
            officer_id: self.officer_id,
        }
    }
}

/// The kinds of organization whose responders record encounters.
pub const ENTRY_KINDS: [OrgKind; 3] = [
    OrgKind::LawEnforcement,
    OrgKind::FireEms,
    OrgKind::CrisisResponse,
];

pub struct DashboardView {
    pub program_name: String,
    pub period: Period,
    pub filter: Filter,
    pub dashboard: Measures,
    pub tz: Tz,
    /// What the filter offers: responding agencies, providers, officers (id, name).
    pub agencies: Vec<(Uuid, String)>,
    pub providers: Vec<(Uuid, String)>,
    pub officers: Vec<(Uuid, String)>,
    /// Referrals by kind of service (every referral of the period's encounters, not only
    /// those the filter's encounter measures count).
    pub by_service: Vec<handoff_domain::service_measures::KindLine>,
    /// Referrals declined for want of capacity, by kind and month.
    pub shortfalls: Vec<(String, String, u64)>,
}

/// Counts the measures for encounters whose local date is in the period.
pub async fn dashboard(
    app: &App,
    ctx: &Ctx,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    filter: Filter,
) -> AppResult<DashboardView> {
    let pid = ctx.require_program()?;
    if program_grant(&ctx.actor, pid, ProgramAction::ViewDashboard).is_none() {
        return Err(audit::deny(app, ctx, "dashboard.read", "program", &pid.to_string()).await);
    }
    let now = app.now();
    // The program's settings and organizations from the app's cache (`App::program_data`,
    // current within 30 s, at once after a change here): not read again per request.
    let data = app.program_data(pid).await?;
    let tz = data.tz;
    let today = now.with_timezone(&tz).date_naive();
    let to = to.unwrap_or(today);
    let from = from.unwrap_or_else(|| to.checked_sub_days(chrono::Days::new(89)).unwrap_or(to));
    for (field, d) in [("from", from), ("to", to)] {
        if !(1900..=2200).contains(&chrono::Datelike::year(&d)) {
            return Err(AppError::field(field, staff("err-dashboard-date-range")));
        }
    }
    if from > to {
        return Err(AppError::field("from", staff("err-dashboard-period-order")));
    }
    if (to - from).num_days() > 3660 {
        return Err(AppError::field(
            "from",
            staff("err-dashboard-period-too-long"),
        ));
    }
    // The choices, and the chosen ids must be among them (another program's are not).
    let of_kind = |kinds: &[OrgKind]| -> Vec<(Uuid, String)> {
        data.orgs
            .iter()
            .filter(|o| OrgKind::parse(&o.kind).is_some_and(|k| kinds.contains(&k)))
            .map(|o| (o.id, o.name.clone()))
            .collect()
    };
    let agencies = of_kind(&ENTRY_KINDS);
    let providers = of_kind(&[OrgKind::Provider]);
    let mut tx = app.store.read().await?;
    let mut officers: Vec<(Uuid, String)> = tx
        .memberships_in(pid)
        .await?
        .into_iter()
        .filter(|m| m.role == handoff_domain::Role::Officer.as_str())
        .map(|m| (m.user_id, format!("{} ({})", m.username, m.org_name)))
        .collect();
    officers.dedup_by_key(|(id, _)| *id);
    for (field, chosen, list) in [
        ("agency", filter.agency_id, &agencies),
        ("provider", filter.provider_id, &providers),
        ("officer", filter.officer_id, &officers),
    ] {
        if chosen.is_some_and(|c| !list.iter().any(|(id, _)| *id == c)) {
            return Err(AppError::field(field, staff("err-dashboard-choose-listed")));
        }
    }
    // The read is recorded while it runs (its own transaction, on the writer): the
    // request waits for the longer of the two, not their sum, and answers only once both
    // are done, so nothing is shown that was not recorded.
    let reads = async {
        // Referrals count for the whole program, whatever the filter.
        let whole = FactFilter {
            program_id: pid,
            from,
            to,
            ..FactFilter::default()
        };
        let t = tiling(&mut tx, &whole, now).await?;
        let f = filter.facts(pid, from, to);
        let measures = if f == whole {
            measure_tiled(&mut tx, &f, now, t.clone()).await?
        } else {
            measure(&mut tx, &f, now).await?
        };
        let services = services(&mut tx, &whole, tz, &t, now, EXACT_MEDIAN_ROWS_ROLLED).await?;
        tx.rollback().await?;
        Ok::<_, AppError>((measures, services))
    };
    let (id, detail) = (pid.to_string(), format!("{from} to {to}"));
    let recorded = audit::alone(app, ctx, "dashboard.read", "program", &id, ALLOWED, &detail);
    let (read, recorded) = tokio::join!(reads, recorded);
    recorded?;
    let (measures, (by_service, shortfalls)) = read?;
    Ok(DashboardView {
        program_name: data.program.name.clone(),
        period: Period { from, to },
        filter,
        dashboard: measures,
        tz,
        agencies,
        providers,
        officers,
        by_service,
        shortfalls,
    })
}

/// The measures over the fact rows a filter selects (ADR 0011). The period is read as
/// the largest current rollup spans that fit it (months, thirds of months, days), and
/// the days whose rollups are not current are counted live from the fact rows (all of it
/// when one officer, or more than one dimension, is chosen: rollups do not keep those).
pub async fn measure(
    tx: &mut handoff_storage::Tx,
    f: &FactFilter,
    now: DateTime<Utc>,
) -> AppResult<Measures> {
    let t = tiling(tx, f, now).await?;
    measure_tiled(tx, f, now, t).await
}

/// `measure` with the filter's tiling already read.
async fn measure_tiled(
    tx: &mut handoff_storage::Tx,
    f: &FactFilter,
    now: DateTime<Utc>,
    tiling: spans::Tiling,
) -> AppResult<Measures> {
    let rolled = tiling.rolled;
    let live: Vec<FactFilter> = tiling
        .live
        .into_iter()
        .map(|(from, to)| FactFilter {
            from,
            to,
            ..f.clone()
        })
        .collect();
    let mut c = handoff_storage::FactCounts::default();
    // The rolled-up counts by month: their sum, and the months' trend below.
    let by_month = if rolled.is_empty() {
        Vec::new()
    } else {
        tx.rollup_counts_by_month(f, &rolled).await?
    };
    for m in &by_month {
        c += &m.counts;
    }
    for l in &live {
        c += &tx.fact_counts(l, now).await?;
    }
    let u = |n: i64| u64::try_from(n).unwrap_or(0);
    let counts = Counts {
        encounters: u(c.encounters),
        people: 0,
        new_people: u(c.new_people),
        eligible: u(c.eligible),
        offered: u(c.offered),
        accepted: u(c.accepted),
        referred: u(c.referred),
        screened: u(c.screened),
        handed_off: u(c.handed_off),
        intakes: u(c.intakes),
        engaged: u(c.engaged),
        repeat_encounters: u(c.repeat_encounters),
        engaged_30: u(c.engaged_30),
        known_30: u(c.known_30),
        engaged_60: u(c.engaged_60),
        known_60: u(c.known_60),
        engaged_90: u(c.engaged_90),
        known_90: u(c.known_90),
        retained_30: u(c.retained_30),
        retention_known_30: u(c.retention_known_30),
        retained_90: u(c.retained_90),
        retention_known_90: u(c.retention_known_90),
        deadlines_met: u(c.deadlines_met),
        deadlines_missed: u(c.deadlines_missed),
        deadlines_open: u(c.deadlines_open),
    };
    if counts.encounters == 0 {
        return Ok(measures::measures(
            &counts,
            &Histograms::default(),
            Medians::default(),
            vec![],
        ));
    }
    // Each duration at the rollups' bucket width, rollups and live parts added up.
    let mut hist = handoff_storage::DurationHistograms::default();
    if !rolled.is_empty() {
        hist.merge(&tx.rollup_histograms(f, &rolled).await?);
    }
    // The live parts' durations are read once: their histograms, and exact medians when
    // nothing is rolled up.
    let mut live_values: [Vec<i64>; 4] = Default::default();
    for l in &live {
        let values = tx.fact_durations(l).await?;
        for ((d, all), v) in FactDuration::ALL
            .into_iter()
            .zip(&mut live_values)
            .zip(values)
        {
            for x in &v {
                hist.add(d, x / d.rollup_unit().max(1), 1);
            }
            all.extend(v);
        }
    }
    let get = |d: FactDuration| hist.of(d);
    // Bands are in hours.
    let hours = |d: FactDuration| -> Vec<(i64, i64)> {
        let unit = d.rollup_unit();
        let mut h: std::collections::BTreeMap<i64, i64> = std::collections::BTreeMap::new();
        for (b, n) in get(d) {
            *h.entry(b * unit / 60).or_default() += n;
        }
        h.into_iter().collect()
    };
    let h = Histograms {
        warm_minutes: get(FactDuration::WarmHandoff),
        contact_hours: hours(FactDuration::FirstContact),
        intake_hours: hours(FactDuration::Intake),
        engaged_hours: hours(FactDuration::Engagement),
    };
    let mut months: std::collections::BTreeMap<String, (i64, i64, i64)> =
        std::collections::BTreeMap::new();
    let mut add_month = |m: String, e: i64, r: i64, i: i64| {
        let x = months.entry(m).or_default();
        x.0 += e;
        x.1 += r;
        x.2 += i;
    };
    for m in by_month {
        add_month(
            m.month,
            m.counts.encounters,
            m.counts.referred,
            m.counts.intakes,
        );
    }
    for l in &live {
        for (m, e, r, i) in tx.fact_months(l).await? {
            add_month(m, e, r, i);
        }
    }
    let months = months
        .into_iter()
        .map(|(month, (e, r, i))| MonthLine {
            month,
            encounters: u(e),
            referred: u(r),
            intakes: u(i),
        })
        .collect();
    // Exact medians when everything was counted live from up to 20,000 encounters, or
    // from up to 2,000 whatever was rolled up (one more read of their durations; their
    // rows are scattered on disk, so more would cost what the rollups save); else from
    // the histograms, to their step.
    let mut medians = Medians::default();
    let exact = if rolled.is_empty() && counts.encounters <= EXACT_MEDIAN_ROWS {
        for v in &mut live_values {
            v.sort_unstable();
        }
        Some(live_values)
    } else if counts.encounters <= EXACT_MEDIAN_ROWS_ROLLED {
        let mut values = tx.fact_durations(f).await?;
        for v in &mut values {
            v.sort_unstable();
        }
        Some(values)
    } else {
        None
    };
    for (k, (d, slot)) in [
        (FactDuration::WarmHandoff, &mut medians.warm_minutes),
        (FactDuration::FirstContact, &mut medians.contact_minutes),
        (FactDuration::Intake, &mut medians.intake_minutes),
        (FactDuration::Engagement, &mut medians.engaged_minutes),
    ]
    .into_iter()
    .enumerate()
    {
        *slot = match &exact {
            Some(values) => exact_median(&values[k]),
            None => measures::histogram_median(&get(d), d.rollup_unit()),
        };
    }
    Ok(measures::measures(&counts, &h, medians, months))
}

/// How the period of a filter is read: the largest current rollup spans that fit it, and
/// live ranges for the rest (all of it when one officer, or more than one dimension, is
/// chosen: rollups do not keep those).
pub async fn tiling(
    tx: &mut handoff_storage::Tx,
    f: &FactFilter,
    now: DateTime<Utc>,
) -> AppResult<spans::Tiling> {
    if !handoff_storage::rollup_hist_usable(f) {
        return Ok(spans::Tiling {
            rolled: Vec::new(),
            live: vec![(f.from, f.to)],
        });
    }
    let built: std::collections::HashMap<String, Option<DateTime<Utc>>> = tx
        .rollup_spans(f.program_id, f.from, f.to)
        .await?
        .into_iter()
        .collect();
    // The dirty days of the whole months: a span reaching past the period is read whole
    // only when its other days are known to be empty.
    let (first, last) = (
        spans::Span::month(f.from).first,
        spans::Span::month(f.to).last,
    );
    let dirty = tx.dirty_days(f.program_id, first, last).await?;
    Ok(spans::tile(f.from, f.to, |s| {
        if dirty.iter().any(|d| *d >= s.first && *d <= s.last) {
            return spans::State::Stale;
        }
        match built.get(&s.name) {
            None => spans::State::Empty,
            Some(v) if v.is_none_or(|v| v > now) => spans::State::Usable,
            Some(_) => spans::State::Stale,
        }
    }))
}

/// Referrals by kind of service, and those declined for want of capacity by kind and
/// month, of every referral of the period's encounters (`f`'s program and days; `t` its
/// tiling). Read from the rollups of `t`'s spans and the referrals of its live days; when
/// the rollups hold at most `exact_up_to` referrals, all are read live instead, so that
/// the medians are exact (else to the hour).
pub async fn services(
    tx: &mut handoff_storage::Tx,
    f: &FactFilter,
    tz: Tz,
    t: &spans::Tiling,
    now: DateTime<Utc>,
    exact_up_to: u64,
) -> AppResult<(Vec<KindLine>, Vec<(String, String, u64)>)> {
    use handoff_domain::service_measures as sm;
    let rolled = tx.rollup_services(f.program_id, &t.rolled).await?;
    let n: i64 = rolled.iter().map(|g| g.referrals).sum();
    if u64::try_from(n).unwrap_or(0) <= exact_up_to {
        let rows = crate::directory::referral_rows(tx, f.program_id, tz, f.from, f.to, now).await?;
        return Ok((sm::by_kind(&rows), sm::shortfalls(&rows, tz)));
    }
    let u = |n: i64| u64::try_from(n).unwrap_or(0);
    let mut groups: Vec<sm::Group> = rolled
        .into_iter()
        .map(|g| sm::Group {
            service_types: g.service_types,
            status: g.status,
            reason_code: g.reason_code,
            month: g.month,
            referrals: u(g.referrals),
            served: u(g.served),
            hours: g.hours,
        })
        .collect();
    for (a, b) in &t.live {
        let rows = crate::directory::referral_rows(tx, f.program_id, tz, *a, *b, now).await?;
        groups.extend(sm::groups_of(&rows, tz));
    }
    Ok((
        sm::by_kind_of_groups(&groups),
        sm::shortfalls_of_groups(&groups),
    ))
}

/// Up to this many encounters counted live, medians are exact; above, to the histogram's
/// step.
pub const EXACT_MEDIAN_ROWS: u64 = 20_000;
/// Up to this many encounters, medians are exact even when rollups were read.
pub const EXACT_MEDIAN_ROWS_ROLLED: u64 = 2_000;

/// The median of sorted values.
fn exact_median(sorted: &[i64]) -> Option<f64> {
    let values: Vec<f64> = measures::median_ranks(sorted.len() as u64)
        .into_iter()
        .filter_map(|r| sorted.get(r as usize).map(|v| *v as f64))
        .collect();
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

pub struct DeadlineList {
    pub rows: Vec<HoldQueueRow>,
    pub next: Option<handoff_storage::PageKey>,
    pub tz: Tz,
    pub now: DateTime<Utc>,
}

/// Holds overdue or due within the next few days, and deadlines missed: the coordinator's
/// list (operations view: names, dates and states).
pub async fn deadlines(
    app: &App,
    ctx: &Ctx,
    page: handoff_storage::Page,
) -> AppResult<DeadlineList> {
    let pid = ctx.require_program()?;
    if program_grant(&ctx.actor, pid, ProgramAction::ViewDeadlines).is_none() {
        return Err(audit::deny(app, ctx, "deadline.list", "program", &pid.to_string()).await);
    }
    let now = app.now();
    let mut tx = app.store.write().await?;
    let (_, tz) = load_program(&mut tx, pid).await?;
    let handoff_storage::Paged { rows, next } = tx
        .holds_due(pid, now + Duration::days(DUE_SOON_DAYS + 1), page)
        .await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "deadline.list",
        "program",
        &pid.to_string(),
        ALLOWED,
        &format!("{} rows", rows.len()),
    )
    .await?;
    tx.commit().await?;
    Ok(DeadlineList {
        rows,
        next,
        tz,
        now,
    })
}
