//! The queries, each written once for both backends.
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::rows::*;
use crate::{Inner, Result, Stmt, StoreError, Tx, crypto, q};

const PROGRAM: &str = "id, name, time_zone, pathways, intake_deadline_days, supervisor_approves_overrides, created_at, suppression_threshold, api_token_per_minute, api_user_per_minute";
const ORG: &str = "id, program_id, kind, name, address, phone, hours, what_to_bring, created_at";
const USER: &str = "id, username, display_name, password_hash, disabled, created_at, last_sign_in_at, failed_count, failed_since, locked_at, unlocked_at, totp_secret, totp_enrolled_at, totp_last_step";
const PARTICIPANT: &str = "id, program_id, first_name, last_name, dob, sex, race, ethnicity, phone, email, match_key, search_name, created_at, created_by, erased_at";
const FACT_ROW: &str = "encounter_id, program_id, occurred_at, day, month, pathway, agency_id, agency_kind, officer_id, provider_id, participant_id, sex, race, ethnicity, age, prior_encounters, eligible, offered, accepted, referred, screened, handed_off, warm_minutes, contact_minutes, intake_minutes, engaged_minutes, engaged_at, exit_kind, exit_minutes, deadline_ends_at, deadline_met, updated_at";

/// The four durations' histograms: (bucket, rows) by bucket, each in its rollup unit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DurationHistograms(pub std::collections::BTreeMap<(u8, i64), i64>);

impl DurationHistograms {
    fn slot(d: FactDuration) -> u8 {
        match d {
            FactDuration::WarmHandoff => 0,
            FactDuration::FirstContact => 1,
            FactDuration::Intake => 2,
            FactDuration::Engagement => 3,
        }
    }
    pub fn add(&mut self, d: FactDuration, bucket: i64, n: i64) {
        *self.0.entry((Self::slot(d), bucket)).or_default() += n;
    }
    pub fn merge(&mut self, other: &DurationHistograms) {
        for (k, n) in &other.0 {
            *self.0.entry(*k).or_default() += n;
        }
    }
    /// One duration's (bucket, rows), smallest bucket first.
    pub fn of(&self, d: FactDuration) -> Vec<(i64, i64)> {
        let s = Self::slot(d);
        self.0
            .range((s, i64::MIN)..=(s, i64::MAX))
            .map(|((_, b), n)| (*b, *n))
            .collect()
    }
}

/// A duration a histogram is asked of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FactDuration {
    WarmHandoff,
    FirstContact,
    Intake,
    Engagement,
}

impl FactDuration {
    pub const ALL: [FactDuration; 4] = [
        FactDuration::WarmHandoff,
        FactDuration::FirstContact,
        FactDuration::Intake,
        FactDuration::Engagement,
    ];

    /// The measure's code and bucket width in rollups.
    pub fn code(self) -> &'static str {
        match self {
            FactDuration::WarmHandoff => "w",
            FactDuration::FirstContact => "c",
            FactDuration::Intake => "i",
            FactDuration::Engagement => "e",
        }
    }
    pub fn rollup_unit(self) -> i64 {
        ROLLUP_HISTOGRAMS
            .iter()
            .find(|(c, _, _)| *c == self.code())
            .map_or(1, |(_, _, u)| *u)
    }
}

/// A text dimension counts can be broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactDim {
    Sex,
    Race,
    Ethnicity,
    Pathway,
    AgencyKind,
}

impl FactDim {
    pub(crate) fn column(self) -> &'static str {
        match self {
            FactDim::Sex => "sex",
            FactDim::Race => "race",
            FactDim::Ethnicity => "ethnicity",
            FactDim::Pathway => "pathway",
            FactDim::AgencyKind => "agency_kind",
        }
    }
}

/// One group of a breakdown.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Breakdown<K> {
    pub key: K,
    pub encounters: i64,
    pub eligible: i64,
    pub offered_eligible: i64,
    pub accepted_eligible: i64,
    pub accepted: i64,
    pub referred: i64,
    pub engaged: i64,
}

/// The counts of a breakdown's group, over fact rows.
fn breakdown_exprs() -> String {
    let s = |cond: &str| format!("COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0)");
    format!(
        "COUNT(*) AS encounters, {} AS eligible, {} AS offered_eligible, {} AS accepted_eligible, {} AS accepted, {} AS referred, {} AS engaged",
        s("eligible"),
        s("eligible AND offered"),
        s("eligible AND accepted"),
        s("accepted"),
        s("referred"),
        s("referred AND engaged_minutes IS NOT NULL"),
    )
}

/// The counted columns of a breakdown group (and of a rollup group row).
const BREAKDOWN_COUNTS: [&str; 7] = [
    "encounters",
    "eligible",
    "offered_eligible",
    "accepted_eligible",
    "accepted",
    "referred",
    "engaged",
];

fn breakdown_sql(f: &FactFilter, column: &str) -> (String, Vec<FactArg>) {
    let (clause, extra) = fact_where(f, 3);
    (
        format!(
            "SELECT {column} AS key, {} FROM fact_rows WHERE {clause} GROUP BY {column} ORDER BY {column}",
            breakdown_exprs()
        ),
        extra,
    )
}

/// The breakdowns rollups keep: (dim, key expression over fact rows). The provider's
/// breakdown is kept in its own column.
const ROLLUP_GROUP_DIMS: [(&str, &str); 5] = [
    ("sex", "sex"),
    ("race", "race"),
    ("ethnicity", "ethnicity"),
    ("pathway", "pathway"),
    ("age", "CAST(age AS TEXT)"),
];

/// The dimensions of a rollup row.
const ROLLUP_DIMS: &str = "month, pathway, agency_id, agency_kind, provider_id";

/// The counted columns of a rollup row, in `counts_exprs` order.
const ROLLUP_COUNTS: &str = "encounters, new_people, eligible, offered, accepted, referred, screened, handed_off, intakes, engaged, repeat_encounters, engaged_30, known_30, engaged_60, known_60, engaged_90, known_90, retained_30, retention_known_30, retained_90, retention_known_90, deadlines_met, deadlines_missed, deadlines_open";

/// The histograms rollups keep: (measure code, column, bucket width in minutes).
pub const ROLLUP_HISTOGRAMS: [(&str, &str, i64); 4] = [
    ("w", "warm_minutes", 1),
    ("c", "contact_minutes", 60),
    ("i", "intake_minutes", 60),
    ("e", "engaged_minutes", 360),
];

/// The dimensions histograms are rolled up by, one at a time, and their column.
pub(crate) const ROLLUP_HIST_DIMS: [(&str, Option<&str>); 5] = [
    ("all", None),
    ("pathway", Some("pathway")),
    ("kind", Some("agency_kind")),
    ("agency", Some("agency_id")),
    ("provider", Some("provider_id")),
];

/// Whether rolled-up histograms can answer a filter: at most one dimension chosen, and no
/// officer.
pub fn rollup_hist_usable(f: &FactFilter) -> bool {
    f.officer_id.is_none()
        && [
            f.pathway.is_some(),
            f.agency_kind.is_some(),
            f.agency_id.is_some(),
            f.provider_id.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count()
            <= 1
}

/// The count expressions over fact rows; `$p..$p+3` are now minus 30, 60 and 90 days,
/// and now.
fn counts_exprs(p: usize) -> String {
    let (d30, d60, d90, now) = (p, p + 1, p + 2, p + 3);
    let s = |cond: &str, name: &str| {
        format!("COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0) AS {name}")
    };
    [
        "COUNT(*) AS encounters".to_string(),
        s("prior_encounters = 0", "new_people"),
        s("eligible", "eligible"),
        s("offered", "offered"),
        s("accepted", "accepted"),
        s("referred", "referred"),
        s("screened", "screened"),
        s("handed_off", "handed_off"),
        s("intake_minutes IS NOT NULL", "intakes"),
        s("engaged_minutes IS NOT NULL", "engaged"),
        s("prior_encounters > 0", "repeat_encounters"),
        s("referred AND engaged_minutes <= 43200", "engaged_30"),
        s(&format!("referred AND (engaged_minutes <= 43200 OR occurred_at <= ${d30})"), "known_30"),
        s("referred AND engaged_minutes <= 86400", "engaged_60"),
        s(&format!("referred AND (engaged_minutes <= 86400 OR occurred_at <= ${d60})"), "known_60"),
        s("referred AND engaged_minutes <= 129600", "engaged_90"),
        s(&format!("referred AND (engaged_minutes <= 129600 OR occurred_at <= ${d90})"), "known_90"),
        s(&format!("engaged_at <= ${d30} AND (exit_minutes IS NULL OR exit_minutes >= engaged_minutes + 43200)"), "retained_30"),
        s(&format!("engaged_at <= ${d30} OR exit_minutes < engaged_minutes + 43200"), "retention_known_30"),
        s(&format!("engaged_at <= ${d90} AND (exit_minutes IS NULL OR exit_minutes >= engaged_minutes + 129600)"), "retained_90"),
        s(&format!("engaged_at <= ${d90} OR exit_minutes < engaged_minutes + 129600"), "retention_known_90"),
        s("deadline_met", "deadlines_met"),
        s(&format!("NOT deadline_met OR (deadline_met IS NULL AND deadline_ends_at <= ${now})"), "deadlines_missed"),
        s(&format!("deadline_met IS NULL AND deadline_ends_at > ${now}"), "deadlines_open"),
    ]
    .join(", ")
}

/// Span names as SQL literals for `span IN (...)` (checked names only: they are written
/// into the statement), or none.
pub(crate) fn span_list(spans: &[String]) -> Option<String> {
    let list: Vec<String> = spans
        .iter()
        .filter(|m| crate::spans::is_name(m))
        .map(|m| format!("'{m}'"))
        .collect();
    (!list.is_empty()).then(|| list.join(", "))
}

/// The WHERE clause over rollup rows: program ($1), the spans (as literals, checked to be
/// span names), and the filter's dimensions.
fn rollup_where(f: &FactFilter, spans: &[String]) -> (String, Vec<FactArg>) {
    let mut clause = format!(
        "program_id = $1 AND span IN ({})",
        span_list(spans).unwrap_or_else(|| "''".to_string())
    );
    let mut args = Vec::new();
    let mut add = |col: &str, a: FactArg| {
        args.push(a);
        clause.push_str(&format!(" AND {col} = ${}", 1 + args.len()));
    };
    if let Some(p) = &f.pathway {
        add("pathway", FactArg::Text(p.clone()));
    }
    if let Some(k) = &f.agency_kind {
        add("agency_kind", FactArg::Text(k.clone()));
    }
    if let Some(a) = f.agency_id {
        add("agency_id", FactArg::Uuid(a));
    }
    if let Some(p) = f.provider_id {
        add("provider_id", FactArg::Uuid(p));
    }
    (clause, args)
}

/// Binds the optional dimensions of a fact filter after the query's own parameters.
macro_rules! bind_extra {
    ($q:expr, $extra:expr) => {{
        let mut q = $q;
        for x in $extra {
            q = match x {
                FactArg::Text(t) => q.bind(t.clone()),
                FactArg::Uuid(u) => q.bind(*u),
            };
        }
        q
    }};
}

enum FactArg {
    Text(String),
    Uuid(Uuid),
}

/// The WHERE clause of a fact filter: program ($1), days ($2, $3), then the optional
/// dimensions numbered from after `last` (the query's own parameters).
fn fact_where(f: &FactFilter, last: usize) -> (String, Vec<FactArg>) {
    let mut clause = String::from("program_id = $1 AND day >= $2 AND day <= $3");
    let mut args = Vec::new();
    let mut add = |col: &str, a: FactArg| {
        args.push(a);
        clause.push_str(&format!(" AND {col} = ${}", last + args.len()));
    };
    if let Some(p) = &f.pathway {
        add("pathway", FactArg::Text(p.clone()));
    }
    if let Some(k) = &f.agency_kind {
        add("agency_kind", FactArg::Text(k.clone()));
    }
    if let Some(a) = f.agency_id {
        add("agency_id", FactArg::Uuid(a));
    }
    if let Some(p) = f.provider_id {
        add("provider_id", FactArg::Uuid(p));
    }
    if let Some(o) = f.officer_id {
        add("officer_id", FactArg::Uuid(o));
    }
    (clause, args)
}

const ENCOUNTER: &str = "id, program_id, reference, pathway, agency_id, officer_id, participant_id, occurred_at, location, incident_number, age_at_encounter, sex, race, ethnicity, created_at";
const REFERRAL: &str = "id, encounter_id, program_id, participant_id, from_org_id, to_org_id, mode, status, business_status, status_reason, assigned_to, requested_at, contact_deadline, arrived_at, first_contact_at, intake_at, engaged_at, exit_kind, exit_at, updated_at, service_id, service_types, counts_for_hold, status_reason_code, release_id, acknowledged_at, acknowledged_by";
const HOLD: &str = "id, encounter_id, program_id, prosecutor_org_id, kind, citation_number, court_date, deadline_day, deadline_ends_at, state, correction, decision, decision_reason, decided_by, decided_at, created_at, updated_at";
const CONSENT: &str = "id, participant_id, encounter_id, kind, discloser_org_ids, recipient_org_ids, purpose, signed_name, signed_at, expires_at, revoked_at, recorded_by, information, recipient_class, revocation_text, expiry_event, irrevocable_until_at, irrevocable_until_event, signature_method, attestation, form_text, revoked_by, revoke_note, language";
const JOB: &str = "id, kind, dedupe_key, payload, run_at, status, attempts, locked_by, locked_until, last_error, created_at, finished_at";

/// Builds `SELECT {cols} FROM {rest}` once per call site (the strings are constants).
macro_rules! sel {
    ($cols:expr, $rest:literal) => {
        sqlx::AssertSqlSafe(format!("SELECT {} FROM {}", $cols, $rest))
    };
}

fn one(n: u64) -> Result<()> {
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

macro_rules! chain_cols {
    () => {
        "id, seq, prev_hash, hash, at, user_id, username, action, resource_kind, resource_id, outcome, ip, user_agent, detail"
    };
}

mod audit;
mod calendar;
mod consents;
mod digest;
mod directory;
mod emergency;
mod encounters;
mod escalation;
mod facts;
mod flags;
mod history;
mod holds;
mod idempotency;
mod jobs;
mod outbox;
mod participants;
mod planner;
mod programs;
mod reference;
mod referrals;
mod reminders;
mod retention;
mod rollups;
mod roster;
mod screenings;
mod users;
mod webhooks;
