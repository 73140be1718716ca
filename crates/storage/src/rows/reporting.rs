//! The reporting rows (ADR 0011): one fact row per encounter, the filters and counts over
//! them.
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

pub use crate::code::Code;

/// One encounter's facts for measures (issue 5, ADR 0011): dimensions, flags and minutes
/// from the encounter. Derived from the source rows; never edited by hand.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FactRow {
    pub encounter_id: Uuid,
    pub program_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    /// The local encounter day (program time zone) and its month, "YYYY-MM".
    pub day: NaiveDate,
    pub month: String,
    pub pathway: String,
    pub agency_id: Uuid,
    pub agency_kind: String,
    pub officer_id: Uuid,
    /// The provider of the latest referral (not entered in error).
    pub provider_id: Option<Uuid>,
    pub participant_id: Uuid,
    pub sex: String,
    pub race: String,
    pub ethnicity: String,
    pub age: i64,
    /// The person's encounters in the program before this one.
    pub prior_encounters: i64,
    pub eligible: bool,
    pub offered: bool,
    pub accepted: bool,
    pub referred: bool,
    pub screened: bool,
    pub handed_off: bool,
    pub warm_minutes: Option<i64>,
    /// To the first treatment contact (warm-handoff arrival or first contact).
    pub contact_minutes: Option<i64>,
    pub intake_minutes: Option<i64>,
    pub engaged_minutes: Option<i64>,
    pub engaged_at: Option<DateTime<Utc>>,
    pub exit_kind: Option<String>,
    pub exit_minutes: Option<i64>,
    pub deadline_ends_at: Option<DateTime<Utc>>,
    /// Intake before the deadline's end (true), after it (false), or no intake yet.
    pub deadline_met: Option<bool>,
    pub updated_at: DateTime<Utc>,
}

/// What a research export reads of a fact row (`Store::scan_fact_rows`): the fact row
/// without its program, times and write time, which no export column shows (fewer
/// columns to send, parse and keep).
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    pub encounter_id: Uuid,
    pub day: NaiveDate,
    pub month: Code,
    pub pathway: Code,
    pub agency_id: Uuid,
    pub agency_kind: Code,
    pub officer_id: Uuid,
    pub provider_id: Option<Uuid>,
    pub participant_id: Uuid,
    pub sex: Code,
    pub race: Code,
    pub ethnicity: Code,
    pub age: i64,
    pub prior_encounters: i64,
    pub eligible: bool,
    pub offered: bool,
    pub accepted: bool,
    pub referred: bool,
    pub screened: bool,
    pub handed_off: bool,
    pub warm_minutes: Option<i64>,
    pub contact_minutes: Option<i64>,
    pub intake_minutes: Option<i64>,
    pub engaged_minutes: Option<i64>,
    pub exit_kind: Option<Code>,
    pub exit_minutes: Option<i64>,
    pub deadline_ends_at: Option<DateTime<Utc>>,
    pub deadline_met: Option<bool>,
}

/// Which fact rows a measure counts: a program's encounters of a period of local days,
/// optionally of one pathway, agency, kind of agency, provider or officer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FactFilter {
    pub program_id: Uuid,
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub pathway: Option<String>,
    pub agency_id: Option<Uuid>,
    pub agency_kind: Option<String>,
    pub provider_id: Option<Uuid>,
    pub officer_id: Option<Uuid>,
}

/// Counts over fact rows (one group).
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct FactCounts {
    pub encounters: i64,
    /// Encounters that were the person's first with the program (additive, unlike
    /// distinct people).
    pub new_people: i64,
    pub eligible: i64,
    pub offered: i64,
    pub accepted: i64,
    pub referred: i64,
    pub screened: i64,
    pub handed_off: i64,
    pub intakes: i64,
    pub engaged: i64,
    pub repeat_encounters: i64,
    pub engaged_30: i64,
    pub known_30: i64,
    pub engaged_60: i64,
    pub known_60: i64,
    pub engaged_90: i64,
    pub known_90: i64,
    pub retained_30: i64,
    pub retention_known_30: i64,
    pub retained_90: i64,
    pub retention_known_90: i64,
    pub deadlines_met: i64,
    pub deadlines_missed: i64,
    pub deadlines_open: i64,
}

/// Referrals of a period with the same service types, status, coded reason and local
/// month of request (rolled up by the day of their encounter, ADR 0011).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceRollup {
    pub service_types: String,
    pub status: String,
    pub reason_code: Option<String>,
    /// The local month the referral was made in ("YYYY-MM").
    pub month: String,
    pub referrals: i64,
    /// Those with an intake.
    pub served: i64,
    /// Hours from the encounter to intake: (hour, referrals), hour order.
    pub hours: Vec<(i64, i64)>,
}

/// The counts of one month ("YYYY-MM").
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct MonthCounts {
    pub month: String,
    #[sqlx(flatten)]
    pub counts: FactCounts,
}

impl std::ops::AddAssign<&FactCounts> for FactCounts {
    fn add_assign(&mut self, o: &FactCounts) {
        self.encounters += o.encounters;
        self.new_people += o.new_people;
        self.eligible += o.eligible;
        self.offered += o.offered;
        self.accepted += o.accepted;
        self.referred += o.referred;
        self.screened += o.screened;
        self.handed_off += o.handed_off;
        self.intakes += o.intakes;
        self.engaged += o.engaged;
        self.repeat_encounters += o.repeat_encounters;
        self.engaged_30 += o.engaged_30;
        self.known_30 += o.known_30;
        self.engaged_60 += o.engaged_60;
        self.known_60 += o.known_60;
        self.engaged_90 += o.engaged_90;
        self.known_90 += o.known_90;
        self.retained_30 += o.retained_30;
        self.retention_known_30 += o.retention_known_30;
        self.retained_90 += o.retained_90;
        self.retention_known_90 += o.retention_known_90;
        self.deadlines_met += o.deadlines_met;
        self.deadlines_missed += o.deadlines_missed;
        self.deadlines_open += o.deadlines_open;
    }
}

/// One referral as a research export's referral table reads it (`Tx::research_referrals`):
/// the referral's own times and codes, and its encounter's local day and month, person and
/// needs screen as its fact row and screen have them.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ResearchReferralRow {
    pub id: Uuid,
    pub encounter_id: Uuid,
    pub participant_id: Uuid,
    pub day: NaiveDate,
    pub month: String,
    pub occurred_at: DateTime<Utc>,
    pub to_org_id: Uuid,
    pub service_types: String,
    pub mode: String,
    pub counts_for_hold: bool,
    pub status: String,
    pub status_reason_code: Option<String>,
    pub requested_at: DateTime<Utc>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub first_contact_at: Option<DateTime<Utc>>,
    pub intake_at: Option<DateTime<Utc>>,
    pub engaged_at: Option<DateTime<Utc>>,
    pub exit_kind: Option<String>,
    pub exit_at: Option<DateTime<Utc>>,
    pub problems: Option<String>,
    pub positive: Option<String>,
}
