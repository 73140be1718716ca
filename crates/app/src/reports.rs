//! Published reports (issue 5): the quarterly performance report and the equity analysis,
//! counted from fact rows (ADR 0011) with small numbers suppressed at the program's
//! threshold. Reading one is audited.
use chrono::NaiveDate;
use handoff_domain::measures::Rate;
use handoff_domain::policy::{ProgramAction, program_grant};
use handoff_domain::reports::{self, EquityTable, GroupCounts, Quarter, Report, ReportInput};
use handoff_domain::{Coded, Ethnicity, Pathway, Race, Sex};
use handoff_i18n::staff;
use handoff_storage::spans::Tiling;
use handoff_storage::{Breakdown, FactDim, FactFilter, Tx};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::dashboard::{measure, tiling};
use crate::{App, AppError, AppResult};

async fn allowed(app: &App, ctx: &Ctx, action: &str) -> AppResult<Uuid> {
    let pid = ctx.require_program()?;
    if program_grant(&ctx.actor, pid, ProgramAction::ViewReports).is_none() {
        return Err(audit::deny(app, ctx, action, "program", &pid.to_string()).await);
    }
    Ok(pid)
}

/// Reads a quarter typed as "2026Q3"; empty means the last full quarter.
pub fn parse_quarter(s: &str, today: NaiveDate) -> AppResult<Quarter> {
    match s.trim() {
        "" => Ok(Quarter::containing(today).previous()),
        q => Quarter::parse(q)
            .ok_or_else(|| AppError::field("quarter", staff("err-reports-quarter"))),
    }
}

fn groups<K>(rows: Vec<Breakdown<K>>, label: impl Fn(&K) -> String) -> Vec<GroupCounts> {
    let u = |n: i64| u64::try_from(n).unwrap_or(0);
    let mut out: Vec<GroupCounts> = Vec::new();
    for r in rows {
        let l = label(&r.key);
        // Keys that share a label (ages in one group) add up.
        let i = match out.iter().position(|g| g.label == l) {
            Some(i) => i,
            None => {
                out.push(GroupCounts {
                    label: l,
                    ..Default::default()
                });
                out.len() - 1
            }
        };
        let g = &mut out[i];
        g.encounters += u(r.encounters);
        g.eligible += u(r.eligible);
        g.offered_eligible += u(r.offered_eligible);
        g.accepted_eligible += u(r.accepted_eligible);
        g.accepted += u(r.accepted);
        g.referred += u(r.referred);
        g.engaged += u(r.engaged);
    }
    out
}

/// The fact filter of one of a tiling's live ranges.
fn part(f: &FactFilter, (from, to): (NaiveDate, NaiveDate)) -> FactFilter {
    FactFilter {
        from,
        to,
        ..f.clone()
    }
}

/// A breakdown of a whole program's period by a text dimension: rolled-up spans, and the
/// live ranges counted from the fact rows (the groups add up by label).
async fn by_text(
    tx: &mut Tx,
    f: &FactFilter,
    t: &Tiling,
    dim: FactDim,
) -> AppResult<Vec<Breakdown<String>>> {
    let mut rows = tx.rollup_breakdown(f.program_id, &t.rolled, dim).await?;
    for r in &t.live {
        rows.extend(tx.fact_breakdown(&part(f, *r), dim).await?);
    }
    Ok(rows)
}

/// The demographic breakdowns of a whole program's period: sex, race, ethnicity, age
/// group.
async fn demographics(tx: &mut Tx, f: &FactFilter, t: &Tiling) -> AppResult<[Vec<GroupCounts>; 4]> {
    // A code as the staff catalogue names it (a code no longer known, as stored).
    let text =
        |parse: fn(&str) -> Option<String>| move |k: &String| parse(k).unwrap_or_else(|| k.clone());
    let by_sex = groups(
        by_text(tx, f, t, FactDim::Sex).await?,
        text(|k| Sex::parse(k).map(|x| staff(&x.key()))),
    );
    let by_race = groups(
        by_text(tx, f, t, FactDim::Race).await?,
        text(|k| Race::parse(k).map(|x| staff(&x.key()))),
    );
    let by_ethnicity = groups(
        by_text(tx, f, t, FactDim::Ethnicity).await?,
        text(|k| Ethnicity::parse(k).map(|x| staff(&x.key()))),
    );
    let mut ages = tx.rollup_breakdown_age(f.program_id, &t.rolled).await?;
    for r in &t.live {
        ages.extend(tx.fact_breakdown_age(&part(f, *r)).await?);
    }
    let mut by_age = groups(ages, |a| reports::age_group(*a));
    by_age.sort_by_cached_key(|g| reports::age_group_rank(&g.label));
    Ok([by_sex, by_race, by_ethnicity, by_age])
}

/// The quarterly performance report of a program (no access check: the caller's).
pub async fn quarterly_of(app: &App, program_id: Uuid, quarter: Quarter) -> AppResult<Report> {
    let data = app.program_data(program_id).await?;
    let f = FactFilter {
        program_id,
        from: quarter.first_day(),
        to: quarter.last_day(),
        ..Default::default()
    };
    let mut tx = app.store.read().await?;
    let m = measure(&mut tx, &f, app.now()).await?;
    let t = tiling(&mut tx, &f, app.now()).await?;
    let people = u64::try_from(tx.fact_people(&f).await?).unwrap_or(0);
    let [by_sex, by_race, by_ethnicity, by_age] = demographics(&mut tx, &f, &t).await?;
    let by_pathway = groups(by_text(&mut tx, &f, &t, FactDim::Pathway).await?, |k| {
        Pathway::parse(k).map_or_else(|| k.clone(), |p| staff(&p.key()))
    });
    let mut providers = tx
        .rollup_breakdown_provider(f.program_id, &t.rolled)
        .await?;
    for r in &t.live {
        providers.extend(tx.fact_breakdown_provider(&part(&f, *r)).await?);
    }
    // Encounters without a referral have no provider: they are no row of the table.
    providers.retain(|r| r.key.is_some());
    let by_provider = groups(providers, |k| match k {
        Some(id) => data
            .orgs
            .iter()
            .find(|o| o.id == *id)
            .map_or_else(|| id.to_string(), |o| o.name.clone()),
        None => String::new(),
    });
    let (by_service, _) = crate::dashboard::services(
        &mut tx,
        &f,
        data.tz,
        &t,
        app.now(),
        crate::dashboard::EXACT_MEDIAN_ROWS_ROLLED,
    )
    .await?;
    tx.rollback().await?;
    let counts = handoff_domain::measures::Counts {
        encounters: m.encounters,
        people,
        new_people: m.new_people,
        eligible: m.eligible,
        offered: m.offered,
        accepted: m.accepted,
        referred: m.referred,
        screened: m.screened,
        handed_off: m.handed_off,
        intakes: m.intakes,
        engaged: m.engaged,
        ..Default::default()
    };
    let engaged_30: Rate = m.engaged_30.clone();
    Ok(reports::quarterly(&ReportInput {
        program: &data.program.name,
        quarter,
        threshold: threshold_of(&data.program),
        counts: &counts,
        engaged_30: &engaged_30,
        median_days_to_engagement: m.engagement_days.median,
        by_sex: &by_sex,
        by_race: &by_race,
        by_ethnicity: &by_ethnicity,
        by_age: &by_age,
        by_pathway: &by_pathway,
        by_provider: &by_provider,
        by_service: &by_service,
    }))
}

fn threshold_of(p: &handoff_storage::ProgramRow) -> u64 {
    u64::try_from(p.suppression_threshold).unwrap_or(handoff_domain::suppress::DEFAULT_THRESHOLD)
}

/// The quarterly report for a coordinator; `quarter` as typed ("" for the last full one).
pub async fn quarterly(app: &App, ctx: &Ctx, quarter: &str) -> AppResult<Report> {
    let pid = allowed(app, ctx, "report.quarterly").await?;
    let tz = app.program_data(pid).await?.tz;
    let q = parse_quarter(quarter, app.now().with_timezone(&tz).date_naive())?;
    let report = quarterly_of(app, pid, q).await?;
    audit::alone(
        app,
        ctx,
        "report.quarterly",
        "program",
        &pid.to_string(),
        ALLOWED,
        &q.code(),
    )
    .await?;
    Ok(report)
}

/// The quarterly report from the command line (`handoff report quarterly`), audited as
/// the console.
pub async fn quarterly_console(app: &App, program_id: Uuid, quarter: &str) -> AppResult<Report> {
    let tz = app.program_data(program_id).await?.tz;
    let q = parse_quarter(quarter, app.now().with_timezone(&tz).date_naive())?;
    let report = quarterly_of(app, program_id, q).await?;
    audit::alone(
        app,
        &Ctx::console(),
        "report.quarterly",
        "program",
        &program_id.to_string(),
        ALLOWED,
        &q.code(),
    )
    .await?;
    Ok(report)
}

/// The equity analysis of a period: offer and acceptance rates among eligible encounters
/// by race, ethnicity, sex and age group, each against the largest group.
pub struct Equity {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub threshold: u64,
    pub tables: Vec<EquityTable>,
}

pub async fn equity(app: &App, ctx: &Ctx, from: NaiveDate, to: NaiveDate) -> AppResult<Equity> {
    let pid = allowed(app, ctx, "report.equity").await?;
    if from > to {
        return Err(AppError::field("from", staff("err-reports-period")));
    }
    let data = app.program_data(pid).await?;
    let t = threshold_of(&data.program);
    let f = FactFilter {
        program_id: pid,
        from,
        to,
        ..Default::default()
    };
    let mut tx = app.store.read().await?;
    let spans = tiling(&mut tx, &f, app.now()).await?;
    let [by_sex, by_race, by_ethnicity, by_age] = demographics(&mut tx, &f, &spans).await?;
    tx.rollback().await?;
    audit::alone(
        app,
        ctx,
        "report.equity",
        "program",
        &pid.to_string(),
        ALLOWED,
        &format!("{from} to {to}"),
    )
    .await?;
    Ok(Equity {
        from,
        to,
        threshold: t,
        tables: vec![
            reports::equity(&staff("reports-dimension-race"), &by_race, t),
            reports::equity(&staff("reports-dimension-ethnicity"), &by_ethnicity, t),
            reports::equity(&staff("reports-dimension-sex"), &by_sex, t),
            reports::equity(&staff("reports-dimension-age-group"), &by_age, t),
        ],
    })
}

/// Sets the program's small-number threshold (5 to 100; 11 unless the program decides).
pub async fn set_threshold(app: &App, ctx: &Ctx, value: &str) -> AppResult<()> {
    let pid = allowed(app, ctx, "report.threshold").await?;
    let n = match value.trim().parse::<i64>() {
        Ok(n) if (5..=100).contains(&n) => n,
        _ => {
            return Err(AppError::field("threshold", staff("err-reports-threshold")));
        }
    };
    let mut tx = app.store.write().await?;
    tx.set_suppression_threshold(pid, n).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "report.threshold",
        "program",
        &pid.to_string(),
        ALLOWED,
        &n.to_string(),
    )
    .await?;
    tx.commit().await?;
    app.forget_program(pid);
    Ok(())
}

/// A report as CSV: one row per figure and per table cell, each with its definition.
pub fn report_csv(r: &Report) -> AppResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    // The first two rows say what the report is (six columns, like the rest).
    w.write_record([
        "program",
        "period",
        "from",
        "to",
        "suppression_threshold",
        "",
    ])
    .map_err(err)?;
    w.write_record([
        crate::trail::safe_cell(&r.program),
        r.period.clone(),
        r.from.to_string(),
        r.to.to_string(),
        r.threshold.to_string(),
        String::new(),
    ])
    .map_err(err)?;
    for row in reports::to_csv_rows(r) {
        w.write_record(row.iter().map(|c| crate::trail::safe_cell(c)))
            .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(format!("csv: {e}")))
}
