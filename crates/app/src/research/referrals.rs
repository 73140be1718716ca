//! The referral table of a research export (issue 15): one row per referral, so that an
//! encounter that led to a withdrawal-management bed, a peer coach and a shelter shows all
//! three, each with its service type, its closed-loop status and coded reason, and its
//! times. Keys, dates and shifts are those of the encounter table for the same recipient.
use std::io::Write;

use chrono::{DateTime, Utc};
use handoff_domain::service_measures::kind_code_of;
use handoff_storage::ResearchReferralRow;
use uuid::Uuid;

use super::order::Order;
use super::row::Row;
use super::sink::Sink;
use super::{Column, Dates, ENCOUNTER, Keys, Kind, PERSON, PROVIDER, REFERRAL, Spec, col};
use crate::{App, AppResult};

/// How many columns the referral table has.
pub(super) const R: usize = 20;

/// Referrals read per page.
const PAGE: i64 = 5_000;

pub(super) const COLUMNS: [Column; R] = [
    col(
        "referral_key",
        Kind::Text,
        "Pseudonymous referral id (keyed hash; differs per recipient).",
    ),
    col(
        "encounter_key",
        Kind::Text,
        "The encounter's key, as in the encounters table of the same recipient.",
    ),
    col(
        "person_key",
        Kind::Text,
        "Pseudonymous person id, as in the encounters table.",
    ),
    col(
        "encounter_date",
        Kind::Text,
        "The encounter's date, as in the encounters table (month, or shifted by the person's offset).",
    ),
    col(
        "service_types",
        Kind::OptText,
        "The service's types and access facets when referred (Handoff taxonomy codes, space-separated, e.g. sud-withdrawal access-walk-in); empty for a referral to a provider made before services were listed.",
    ),
    col(
        "service_kind",
        Kind::Text,
        "The kind the first type belongs to (the top of its taxonomy branch: sud, mh, co-occurring, recovery, housing, social), or provider when no service was listed.",
    ),
    col(
        "organization_key",
        Kind::Text,
        "Pseudonymous receiving organization (the same key as provider_key in the encounters table).",
    ),
    col(
        "mode",
        Kind::Text,
        "warm (the case manager or peer came to the person) or contact_card.",
    ),
    col(
        "counts_for_hold",
        Kind::Bool,
        "An intake at this service satisfies a held charge (the program's hold kinds; treatment by default).",
    ),
    col(
        "status",
        Kind::Text,
        "FHIR SDOH Task status: requested, accepted, rejected, in-progress, on-hold, failed, completed or cancelled.",
    ),
    col(
        "outcome_reason",
        Kind::OptText,
        "Coded reason for a rejection, failure, cancellation or hold: no_capacity, not_eligible, could_not_contact, declined, no_show, moved or other.",
    ),
    col(
        "minutes_to_referral",
        Kind::Int,
        "Minutes from the encounter to the referral request.",
    ),
    col(
        "warm_handoff_minutes",
        Kind::OptInt,
        "Minutes from the referral request to the case manager's or peer's arrival (warm handoffs).",
    ),
    col(
        "minutes_to_first_contact",
        Kind::OptInt,
        "Minutes from the encounter to the first contact with this service.",
    ),
    col(
        "minutes_to_intake",
        Kind::OptInt,
        "Minutes from the encounter to the intake at this service.",
    ),
    col(
        "minutes_to_engagement",
        Kind::OptInt,
        "Minutes from the encounter to the first service after intake.",
    ),
    col(
        "exit_kind",
        Kind::OptText,
        "completed, disengaged, withdrawn, new_arrest, moved or deceased; empty while open.",
    ),
    col(
        "minutes_to_exit",
        Kind::OptInt,
        "Minutes from the encounter to the exit from this service.",
    ),
    col(
        "presenting_problems",
        Kind::OptText,
        "The needs screen's presenting problems (codes, space-separated: substance_use, mental_health, co_occurring, housing_instability); empty without a screen.",
    ),
    col(
        "social_needs",
        Kind::OptText,
        "The AHC core domains the needs screen found positive (codes, space-separated: housing, food, transportation, utilities, safety); empty when none or without a screen.",
    ),
];

/// Writes one referral, de-identified for a recipient.
fn write_row(keys: &mut Keys, spec: &Spec, r: &ResearchReferralRow, row: &mut Row) {
    let since = |row: &mut Row, t: Option<DateTime<Utc>>, from: DateTime<Utc>| {
        row.opt_int(t.map(|t| (t - from).num_minutes()));
    };
    row.clear();
    row.text(&keys.fresh(REFERRAL, r.id));
    row.text(&keys.fresh(ENCOUNTER, r.encounter_id));
    row.text(&keys.key(PERSON, r.participant_id));
    keys.date(spec.dates, r.participant_id, &r.month, r.day, row);
    row.opt_text(Some(&r.service_types));
    row.text(
        kind_code_of(&r.service_types)
            .as_deref()
            .unwrap_or("provider")
            .as_bytes(),
    );
    row.text(&keys.key(PROVIDER, r.to_org_id));
    row.text(r.mode.as_bytes());
    row.bool(r.counts_for_hold);
    row.text(r.status.as_bytes());
    row.opt_text(r.status_reason_code.as_deref());
    row.int((r.requested_at - r.occurred_at).num_minutes());
    if r.mode == "warm" {
        since(row, r.arrived_at, r.requested_at);
    } else {
        row.empty();
    }
    since(row, r.first_contact_at, r.occurred_at);
    since(row, r.intake_at, r.occurred_at);
    since(row, r.engaged_at, r.occurred_at);
    row.opt_text(r.exit_kind.as_deref());
    since(row, r.exit_at, r.occurred_at);
    row.opt_text(r.problems.as_deref());
    row.opt_text(r.positive.as_deref());
}

/// Writes the referral table to `out`, calling `progress(done, total)` after each page;
/// returns the rows written. The rows leave sorted by referral key whatever the dates
/// (the pages come in id order, which follows time).
pub(super) async fn export<W: Write + Send>(
    app: &App,
    program_id: Uuid,
    spec: &Spec,
    out: W,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> AppResult<u64> {
    // One read transaction: the pages are of one moment.
    let mut tx = app.store.read().await?;
    let total = tx
        .count_research_referrals(program_id, spec.from, spec.to)
        .await?;
    let total = u64::try_from(total).unwrap_or(0);
    let mut sink = Sink::new(spec.format, out, &COLUMNS)?;
    let mut keys = Keys::new(app, &spec.recipient);
    let mut order = Order::new(Dates::Shift, total, R)?;
    let mut row = Row::default();
    let mut after = Uuid::nil();
    let mut done = 0u64;
    loop {
        let page = tx
            .research_referrals(program_id, spec.from, spec.to, after, PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        done += page.len() as u64;
        for r in &page {
            write_row(&mut keys, spec, r, &mut row);
            order.push(row.as_bytes())?;
        }
        progress(done, total);
    }
    tx.rollback().await?;
    order.finish(&mut sink)?;
    sink.finish()?;
    Ok(done)
}
