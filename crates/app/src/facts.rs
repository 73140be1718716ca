//! Each encounter's fact row (ADR 0011): derived from the source rows and rewritten in the
//! transaction of every action that changes one of them, so that dashboards, reports and
//! exports count without joining the case tables.
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use handoff_domain::HandoffMode;
use handoff_domain::referral::ReferralStatus;
use handoff_storage::spans::Span;
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
        // The encounter's treatment measures count the referrals a held charge counts
        // on (those to other services are measured per referral, ADR 0017).
        .filter(|r| r.status != ReferralStatus::EnteredInError.as_str() && r.counts_for_hold)
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
    tx.run(&[write(&row)]).await?;
    Ok(())
}

/// The statement that writes a fact row (the database marks its day dirty for the
/// worker's next rollup; reads count a dirty day live meanwhile).
pub fn write(row: &FactRow) -> Stmt {
    Stmt::case_fact(row)
}

/// Days rebuilt per transaction, so that the first rollup of a large program (every day
/// dirty) does not hold the writer for long.
const ROLLUP_DAYS_PER_TX: i64 = 64;

/// Keeps the rollups current (ADR 0011): rebuilds every dirty day and every day whose
/// time-dependent counts (30/60/90-day outcomes, retention, deadlines) have changed since
/// it was built, then their thirds and months as sums. The worker runs it every minute.
/// Returns how many days it rebuilt.
pub async fn roll_up(app: &App) -> AppResult<u64> {
    let mut tx = app.store.read().await?;
    let programs = tx.programs().await?;
    tx.rollback().await?;
    let mut built = 0;
    for p in programs {
        let tz = crate::program_tz(&p);
        let month_of = move |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m").to_string();
        loop {
            let now = app.now();
            let mut tx = app.store.write().await?;
            tx.lock_rollups().await?;
            let mut days = tx.take_dirty_days(p.id, ROLLUP_DAYS_PER_TX).await?;
            days.extend(tx.expired_days(p.id, now, ROLLUP_DAYS_PER_TX).await?);
            days.sort();
            days.dedup();
            if days.is_empty() {
                tx.rollback().await?;
                break;
            }
            for d in &days {
                tx.rebuild_day(p.id, *d, now, &month_of).await?;
            }
            let mut thirds: Vec<Span> = days.iter().map(|d| Span::third(*d)).collect();
            thirds.dedup();
            let mut months: Vec<Span> = days.iter().map(|d| Span::month(*d)).collect();
            months.dedup();
            for s in thirds.iter().chain(&months) {
                tx.rebuild_from_parts(p.id, s, now).await?;
            }
            tx.commit().await?;
            built += days.len() as u64;
        }
    }
    Ok(built)
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
                tx.run(&[write(&fresh)]).await?;
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
