//! The coordinator's first dashboard and deadline list.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use handoff_domain::hold::{self, DUE_SOON_DAYS};
use handoff_domain::measures::{self, Dashboard, EncounterFacts};
use handoff_domain::policy::{ProgramAction, program_grant};
use handoff_domain::{OrgKind, Pathway};
use handoff_storage::HoldQueueRow;
use std::collections::HashMap;

use crate::audit::{self, ALLOWED, Ctx};
use crate::cases::load_program;
use crate::{App, AppError, AppResult};

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
}

impl Filter {
    /// Reads the filter's query values ("" for all), with errors by field.
    pub fn parse(pathway: &str, entry: &str) -> AppResult<Filter> {
        let pathway = match pathway.trim() {
            "" => None,
            p => Some(
                Pathway::parse(p)
                    .ok_or_else(|| AppError::field("pathway", format!("Unknown pathway {p:?}.")))?,
            ),
        };
        let entry = match entry.trim() {
            "" => None,
            k => Some(
                OrgKind::parse(k)
                    .filter(|k| ENTRY_KINDS.contains(k))
                    .ok_or_else(|| {
                        AppError::field(
                            "entry",
                            format!("Unknown kind of responding agency {k:?}."),
                        )
                    })?,
            ),
        };
        Ok(Filter { pathway, entry })
    }
    fn keeps(&self, pathway: &str, agency_kind: &str) -> bool {
        self.pathway.is_none_or(|p| p.as_str() == pathway)
            && self.entry.is_none_or(|k| k.as_str() == agency_kind)
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
    pub dashboard: Dashboard,
    pub tz: Tz,
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
    let mut tx = app.store.read().await?;
    let (program, tz) = load_program(&mut tx, pid).await?;
    let today = now.with_timezone(&tz).date_naive();
    let to = to.unwrap_or(today);
    let from = from.unwrap_or_else(|| to.checked_sub_days(chrono::Days::new(89)).unwrap_or(to));
    for (field, d) in [("from", from), ("to", to)] {
        if !(1900..=2200).contains(&chrono::Datelike::year(&d)) {
            return Err(AppError::field(field, "Use a date between 1900 and 2200."));
        }
    }
    if from > to {
        return Err(AppError::field(
            "from",
            "The start of the period must be on or before its end.",
        ));
    }
    if (to - from).num_days() > 3660 {
        return Err(AppError::field(
            "from",
            "The period can be at most ten years.",
        ));
    }
    let start = hold::start_of_day(from, tz);
    let end = hold::start_of_day(to.succ_opt().unwrap_or(to), tz);
    let facts = collect_facts(&mut tx, pid, start, end, filter).await?;
    tx.rollback().await?;
    audit::alone(
        app,
        ctx,
        "dashboard.read",
        "program",
        &pid.to_string(),
        ALLOWED,
        &format!("{from} to {to}"),
    )
    .await?;
    Ok(DashboardView {
        program_name: program.name,
        period: Period { from, to },
        filter,
        dashboard: measures::compute(&facts, now),
        tz,
    })
}

/// One [`EncounterFacts`] per encounter, from the encounter and its referrals.
pub async fn collect_facts(
    tx: &mut handoff_storage::Tx,
    pid: uuid::Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    filter: Filter,
) -> AppResult<Vec<EncounterFacts>> {
    let encounters = tx.encounter_facts(pid, start, end).await?;
    let referrals = tx.referral_facts(pid, start, end).await?;
    let mut by_enc: HashMap<uuid::Uuid, Vec<_>> = HashMap::new();
    for r in referrals {
        by_enc.entry(r.encounter_id).or_default().push(r);
    }
    Ok(encounters
        .into_iter()
        .filter(|e| filter.keeps(&e.pathway, &e.agency_kind))
        .map(|e| {
            let refs = by_enc.get(&e.id).map(Vec::as_slice).unwrap_or(&[]);
            let min = |f: &dyn Fn(&handoff_storage::ReferralFactsRow) -> Option<DateTime<Utc>>| {
                refs.iter().filter_map(f).min()
            };
            let eligible =
                e.eligible.unwrap_or(false) || e.override_status.as_deref() == Some("approved");
            let accepted = e.offer_accepted == Some(true);
            EncounterFacts {
                encounter_at: e.occurred_at,
                eligible,
                offered: e.offer_accepted.is_some(),
                accepted,
                referred: accepted && !refs.is_empty(),
                handed_off: refs.iter().any(|r| {
                    if r.mode == "warm" {
                        r.arrived_at.is_some()
                    } else {
                        r.first_contact_at.is_some()
                    }
                }),
                warm_minutes: refs
                    .iter()
                    .filter(|r| r.mode == "warm")
                    .filter_map(|r| r.arrived_at.map(|a| (a - r.requested_at).num_minutes()))
                    .min(),
                intake_at: min(&|r| r.intake_at),
                engaged_at: min(&|r| r.engaged_at),
                deadline_ends_at: e.deadline_ends_at,
            }
        })
        .collect())
}

pub struct DeadlineList {
    pub rows: Vec<HoldQueueRow>,
    pub tz: Tz,
    pub now: DateTime<Utc>,
}

/// Holds overdue or due within the next few days, and deadlines missed: the coordinator's
/// list (operations view: names, dates and states).
pub async fn deadlines(app: &App, ctx: &Ctx) -> AppResult<DeadlineList> {
    let pid = ctx.require_program()?;
    if program_grant(&ctx.actor, pid, ProgramAction::ViewDeadlines).is_none() {
        return Err(audit::deny(app, ctx, "deadline.list", "program", &pid.to_string()).await);
    }
    let now = app.now();
    let mut tx = app.store.write().await?;
    let (_, tz) = load_program(&mut tx, pid).await?;
    let rows = tx
        .holds_due(pid, now + Duration::days(DUE_SOON_DAYS + 1), 200)
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
    Ok(DeadlineList { rows, tz, now })
}
