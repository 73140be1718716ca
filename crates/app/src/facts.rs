//! Each encounter's fact row (ADR 0011): derived from the source rows and rewritten in the
//! transaction of every action that changes one of them, so that dashboards, reports and
//! exports count without joining the case tables.
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use handoff_domain::HandoffMode;
use handoff_domain::referral::ReferralStatus;
use handoff_storage::*;
use uuid::Uuid;

use crate::case::service_facts;
use crate::{App, AppResult};

/// What a fact row is made of.
pub struct Sources<'a> {
    pub enc: &'a EncounterRow,
    pub agency_kind: &'a str,
    pub tz: Tz,
    pub eligible: bool,
    pub offer: Option<&'a OfferRow>,
    pub referrals: &'a [ReferralRow],
    pub hold: Option<&'a HoldRow>,
    pub screened: bool,
    pub prior_encounters: i64,
    pub now: DateTime<Utc>,
}

fn minutes(from: DateTime<Utc>, to: Option<DateTime<Utc>>) -> Option<i64> {
    to.map(|t| (t - from).num_minutes())
}

/// The fact row of an encounter from its sources (pure).
pub fn build(s: Sources<'_>) -> FactRow {
    let at = s.enc.occurred_at;
    let live: Vec<&ReferralRow> = s
        .referrals
        .iter()
        .filter(|r| r.status != ReferralStatus::EnteredInError.as_str())
        .collect();
    let live_rows: Vec<ReferralRow> = live.iter().map(|r| (*r).clone()).collect();
    let service = service_facts(&live_rows);
    // The handoff: a warm handoff's arrival, a contact card's first contact.
    let handoff_at = |r: &ReferralRow| match HandoffMode::parse(&r.mode) {
        Some(HandoffMode::Warm) => r.arrived_at,
        _ => r.first_contact_at,
    };
    let first_contact = live.iter().filter_map(|r| handoff_at(r)).min();
    let warm = live
        .iter()
        .filter(|r| r.mode == HandoffMode::Warm.as_str())
        .filter_map(|r| r.arrived_at.map(|a| (a - r.requested_at).num_minutes()))
        .min();
    let accepted = s.offer.is_some_and(|o| o.accepted);
    let day = at.with_timezone(&s.tz).date_naive();
    FactRow {
        encounter_id: s.enc.id,
        program_id: s.enc.program_id,
        occurred_at: at,
        day,
        month: day.format("%Y-%m").to_string(),
        pathway: s.enc.pathway.clone(),
        agency_id: s.enc.agency_id,
        agency_kind: s.agency_kind.to_string(),
        officer_id: s.enc.officer_id,
        provider_id: live.last().map(|r| r.to_org_id),
        participant_id: s.enc.participant_id,
        sex: s.enc.sex.clone(),
        race: s.enc.race.clone(),
        ethnicity: s.enc.ethnicity.clone(),
        age: s.enc.age_at_encounter,
        prior_encounters: s.prior_encounters,
        eligible: s.eligible,
        offered: s.offer.is_some(),
        accepted,
        referred: accepted && !live.is_empty(),
        screened: s.screened,
        handed_off: first_contact.is_some(),
        warm_minutes: warm,
        contact_minutes: minutes(at, first_contact),
        intake_minutes: minutes(at, service.intake_at),
        engaged_minutes: minutes(at, service.engaged_at),
        engaged_at: service.engaged_at,
        exit_kind: service.exit.map(|(k, _)| k.as_str().to_string()),
        exit_minutes: service.exit.map(|(_, t)| (t - at).num_minutes()),
        deadline_ends_at: s.hold.map(|h| h.deadline_ends_at),
        deadline_met: s
            .hold
            .and_then(|h| service.intake_at.map(|i| i < h.deadline_ends_at)),
        updated_at: s.now,
    }
}

/// Rewrites an encounter's fact row from its sources, inside the caller's transaction.
pub async fn refresh(tx: &mut Tx, app: &App, encounter_id: Uuid) -> AppResult<()> {
    let row = read_and_build(tx, app, encounter_id).await?;
    tx.run(&write(&row)).await?;
    Ok(())
}

/// The statements that write a fact row: the row, and its month's rollup made stale.
pub fn write(row: &FactRow) -> [Stmt; 2] {
    [
        Stmt::case_fact(row),
        Stmt::rollup_stale(row.program_id, &row.month),
    ]
}

/// Months are rolled up this many days after they end: every intake deadline (30 days by
/// default) and 30-day outcome is known by then. Later outcomes (60 and 90 days,
/// retention) still change with time: rollups are rebuilt daily, so those are as of the
/// day's rollup; any change to a case makes its month live again at once.
pub const ROLLUP_AFTER_DAYS: i64 = 35;

/// Builds the rollups of months that ended more than `ROLLUP_AFTER_DAYS` ago and have
/// none, or one older than a day (retention keeps changing with time). Returns how many
/// months it built.
pub async fn roll_up(app: &App) -> AppResult<u64> {
    let now = app.now();
    let mut tx = app.store.read().await?;
    let programs = tx.programs().await?;
    tx.rollback().await?;
    let mut built = 0;
    for p in programs {
        let tz = app.program_data(p.id).await?.tz;
        let today = now.with_timezone(&tz).date_naive();
        let mut tx = app.store.read().await?;
        let present = tx.fact_months_present(p.id).await?;
        let done = tx.rollup_months(p.id).await?;
        tx.rollback().await?;
        for month in present {
            let Some(last_day) = month_last_day(&month) else {
                continue;
            };
            if (today - last_day).num_days() <= ROLLUP_AFTER_DAYS {
                continue;
            }
            let fresh = done
                .iter()
                .any(|(m, at)| *m == month && now - *at < chrono::Duration::days(1));
            if fresh {
                continue;
            }
            let mut tx = app.store.write().await?;
            tx.rebuild_rollup(p.id, &month, now).await?;
            tx.commit().await?;
            built += 1;
        }
    }
    Ok(built)
}

/// The last day of a month written "YYYY-MM".
pub fn month_last_day(month: &str) -> Option<chrono::NaiveDate> {
    let first = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
}

async fn read_and_build(tx: &mut Tx, app: &App, encounter_id: Uuid) -> AppResult<FactRow> {
    let enc = tx.encounter(encounter_id).await?;
    let tz = app.program_data(enc.program_id).await?.tz;
    let agency = tx.org(enc.agency_id).await?;
    let decision = tx.decision_status(enc.id).await?;
    let offer = tx.offer(enc.id).await?;
    let referrals = tx.referrals_for_encounter(enc.id).await?;
    let hold = tx.hold_for_encounter(enc.id).await?;
    let screened = tx.has_screening(enc.id).await?;
    let prior = tx
        .prior_encounter_count(enc.participant_id, enc.occurred_at)
        .await?;
    Ok(build(Sources {
        enc: &enc,
        agency_kind: &agency.kind,
        tz,
        eligible: decision.eligible || decision.override_status.as_deref() == Some("approved"),
        offer: offer.as_ref(),
        referrals: &referrals,
        hold: hold.as_ref(),
        screened,
        prior_encounters: prior,
        now: app.now(),
    }))
}

/// Rows per transaction when filling or rebuilding.
const BATCH: i64 = 200;

/// Writes the fact rows of encounters that have none (recorded before facts existed).
/// Runs at start; returns how many were written.
pub async fn backfill(app: &App) -> AppResult<u64> {
    let mut written = 0;
    loop {
        let mut tx = app.store.write().await?;
        let ids = tx.encounters_without_facts(BATCH).await?;
        for id in &ids {
            refresh(&mut tx, app, *id).await?;
        }
        tx.commit().await?;
        written += ids.len() as u64;
        if (ids.len() as i64) < BATCH {
            return Ok(written);
        }
    }
}

/// Recomputes every fact row from the sources (`handoff facts rebuild`). Returns how many
/// rows it wrote and how many differed from what was stored.
pub async fn rebuild(app: &App) -> AppResult<(u64, u64)> {
    let (mut written, mut changed) = (0, 0);
    let mut after = Uuid::nil();
    loop {
        let mut tx = app.store.write().await?;
        let ids = tx.encounter_ids_after(after, BATCH).await?;
        for id in &ids {
            let fresh = read_and_build(&mut tx, app, *id).await?;
            let stored = tx.case_fact(*id).await?;
            if stored.as_ref().map(without_time) != Some(without_time(&fresh)) {
                changed += 1;
                tx.run(&write(&fresh)).await?;
            }
            written += 1;
        }
        tx.commit().await?;
        match ids.last() {
            Some(last) if ids.len() as i64 == BATCH => after = *last,
            _ => return Ok((written, changed)),
        }
    }
}

/// A row without its write time, for comparing what it says.
pub fn without_time(r: &FactRow) -> FactRow {
    FactRow {
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
        ..r.clone()
    }
}
