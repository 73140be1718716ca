//! Row models, one per table (plus a few joined read models). Enumerations are stored as
//! their short codes; the services parse them back into domain types.
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProgramRow {
    pub id: Uuid,
    pub name: String,
    pub time_zone: String,
    pub pathways: String,
    pub intake_deadline_days: i64,
    pub supervisor_approves_overrides: bool,
    pub created_at: DateTime<Utc>,
    /// Published counts under this are suppressed.
    pub suppression_threshold: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RulesRow {
    pub id: Uuid,
    pub program_id: Uuid,
    pub version: i64,
    pub rules_json: String,
    pub effective_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrgRow {
    pub id: Uuid,
    pub program_id: Uuid,
    pub kind: String,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub hours: String,
    pub what_to_bring: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// Failed sign-ins since `failed_since` (the lockout window's start).
    pub failed_count: i64,
    pub failed_since: Option<DateTime<Utc>>,
    /// Locked after too many failures, until an administrator unlocks the account.
    pub locked_at: Option<DateTime<Utc>>,
    /// When an administrator last unlocked or re-enabled the account.
    pub unlocked_at: Option<DateTime<Utc>>,
    /// The TOTP secret (base32), once enrolment is confirmed.
    pub totp_secret: Option<String>,
    pub totp_enrolled_at: Option<DateTime<Utc>>,
    /// The last TOTP time step accepted: a code is accepted once.
    pub totp_last_step: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MembershipRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub organization_id: Uuid,
    pub program_id: Uuid,
    pub role: String,
    pub created_at: DateTime<Utc>,
}

/// A membership with its organization's kind and name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MembershipView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub username: String,
    pub organization_id: Uuid,
    pub program_id: Uuid,
    pub role: String,
    pub org_kind: String,
    pub org_name: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id_hash: String,
    pub user_id: Uuid,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// `full` once every factor is checked; `code` or `enrol` while the second factor is
    /// awaited (see migration 0004).
    pub stage: String,
    /// The secret being enrolled (stage `enrol`).
    pub pending_secret: Option<String>,
}

/// A one-time recovery code (its hash).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecoveryCodeRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub code_hash: String,
    pub created_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// A session with its user, read in one query.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUserRow {
    pub id_hash: String,
    pub user_id: Uuid,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub username: String,
    pub display_name: String,
    pub disabled: bool,
    pub stage: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub token_hash: String,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShiftRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub user_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShiftView {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub user_id: Uuid,
    pub display_name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RefCodeRow {
    pub version: String,
    pub code_table: String,
    pub code: String,
    pub name: String,
    pub code_group: String,
    pub active: bool,
    pub note: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ParticipantRow {
    pub id: Uuid,
    pub program_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub dob: NaiveDate,
    pub sex: String,
    pub race: String,
    pub ethnicity: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub match_key: String,
    pub search_name: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Uuid,
    /// When the identity was erased (retention): names, birth date and contact are gone.
    pub erased_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EncounterRow {
    pub id: Uuid,
    pub program_id: Uuid,
    pub reference: String,
    pub pathway: String,
    pub agency_id: Uuid,
    pub officer_id: Uuid,
    pub participant_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub location: String,
    pub incident_number: String,
    pub age_at_encounter: i64,
    pub sex: String,
    pub race: String,
    pub ethnicity: String,
    pub created_at: DateTime<Utc>,
}

/// An encounter with what lists need: the person's name, the decision, the offer, the hold.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EncounterListRow {
    pub id: Uuid,
    pub reference: String,
    pub occurred_at: DateTime<Utc>,
    pub officer_id: Uuid,
    pub agency_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub eligible: Option<bool>,
    pub override_status: Option<String>,
    pub offer_accepted: Option<bool>,
    pub hold_state: Option<String>,
    pub pathway: String,
    pub follow_up_due: Option<NaiveDate>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OffenseRow {
    pub id: Uuid,
    pub encounter_id: Uuid,
    pub position: i64,
    pub code: String,
    pub code_version: String,
    pub drug_activity: Option<String>,
    pub drug_type: Option<String>,
    pub quantity: Option<f64>,
    pub unit: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DecisionRow {
    pub id: Uuid,
    pub encounter_id: Uuid,
    pub rules_version: i64,
    pub rules_json: String,
    pub attestations: String,
    pub criteria_json: String,
    pub eligible: bool,
    pub decided_by: Uuid,
    pub decided_at: DateTime<Utc>,
}

/// An eligibility decision with its override status, read in one query.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DecisionStatusRow {
    pub id: Uuid,
    pub eligible: bool,
    pub override_status: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OverrideRow {
    pub id: Uuid,
    pub decision_id: Uuid,
    pub reason: String,
    pub requested_by: Uuid,
    pub requested_at: DateTime<Utc>,
    pub status: String,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_note: Option<String>,
}

/// A pending override with its encounter, for the supervisor's list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingOverrideRow {
    pub id: Uuid,
    pub encounter_id: Uuid,
    pub reference: String,
    pub agency_id: Uuid,
    pub officer_name: String,
    pub reason: String,
    pub requested_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfferRow {
    pub encounter_id: Uuid,
    pub accepted: bool,
    pub decline_reason: Option<String>,
    pub offered_by: Uuid,
    pub offered_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConsentRow {
    pub id: Uuid,
    pub participant_id: Uuid,
    pub encounter_id: Uuid,
    pub kind: String,
    /// Comma-separated organization ids.
    pub discloser_org_ids: String,
    pub recipient_org_ids: String,
    pub purpose: String,
    pub signed_name: String,
    pub signed_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// When the person asked to revoke it (whether it is in effect is decided by
    /// `domain::consent`).
    pub revoked_at: Option<DateTime<Utc>>,
    pub recorded_by: Uuid,
    /// Categories of information, comma-separated (`domain::consent::Info`).
    pub information: String,
    pub recipient_class: Option<String>,
    pub revocation_text: String,
    pub expiry_event: Option<String>,
    pub irrevocable_until_at: Option<DateTime<Utc>>,
    pub irrevocable_until_event: Option<String>,
    pub signature_method: String,
    pub attestation: String,
    /// The consent's words as shown to the person when signing.
    pub form_text: String,
    pub revoked_by: Option<Uuid>,
    pub revoke_note: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReferralRow {
    pub id: Uuid,
    pub encounter_id: Uuid,
    pub program_id: Uuid,
    pub participant_id: Uuid,
    pub from_org_id: Uuid,
    pub to_org_id: Uuid,
    pub mode: String,
    pub status: String,
    pub business_status: String,
    pub status_reason: Option<String>,
    pub assigned_to: Option<Uuid>,
    pub requested_at: DateTime<Utc>,
    pub contact_deadline: Option<NaiveDate>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub first_contact_at: Option<DateTime<Utc>>,
    pub intake_at: Option<DateTime<Utc>>,
    pub engaged_at: Option<DateTime<Utc>>,
    pub exit_kind: Option<String>,
    pub exit_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// A referral in a provider's queue, with the person's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReferralQueueRow {
    pub id: Uuid,
    pub encounter_id: Uuid,
    pub reference: String,
    pub mode: String,
    pub status: String,
    pub business_status: String,
    pub requested_at: DateTime<Utc>,
    pub contact_deadline: Option<NaiveDate>,
    pub assigned_to: Option<Uuid>,
    pub first_name: String,
    pub last_name: String,
    pub from_org_name: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServiceEventRow {
    pub id: Uuid,
    pub referral_id: Uuid,
    pub kind: String,
    pub occurred_at: DateTime<Utc>,
    pub status_after: String,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub detail_json: String,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HoldRow {
    pub id: Uuid,
    pub encounter_id: Uuid,
    pub program_id: Uuid,
    pub prosecutor_org_id: Uuid,
    pub kind: String,
    pub citation_number: Option<String>,
    pub court_date: Option<NaiveDate>,
    pub deadline_day: NaiveDate,
    pub deadline_ends_at: DateTime<Utc>,
    pub state: String,
    pub correction: Option<String>,
    pub decision: Option<String>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A hold in the prosecutor's queue or the coordinator's deadline list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HoldQueueRow {
    pub id: Uuid,
    pub encounter_id: Uuid,
    pub reference: String,
    pub occurred_at: DateTime<Utc>,
    pub first_name: String,
    pub last_name: String,
    pub agency_name: String,
    pub kind: String,
    pub deadline_day: NaiveDate,
    pub deadline_ends_at: DateTime<Utc>,
    pub state: String,
    pub correction: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseEventRow {
    pub id: Uuid,
    pub program_id: Uuid,
    pub encounter_id: Uuid,
    pub kind: String,
    pub summary: String,
    pub actor_id: Option<Uuid>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobRow {
    pub id: Uuid,
    pub kind: String,
    pub dedupe_key: String,
    pub payload: String,
    pub run_at: DateTime<Utc>,
    pub status: String,
    pub attempts: i64,
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// What an audit record says: when, who, what, on which resource, with what outcome,
/// from where. Written as it is (`Stmt::audit`), and read inside `AuditRow` (searches) and
/// `AuditChainRow` (the chain).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NewAudit {
    pub at: DateTime<Utc>,
    pub user_id: Option<Uuid>,
    pub username: String,
    pub action: String,
    pub resource_kind: String,
    pub resource_id: String,
    pub outcome: String,
    pub ip: String,
    pub user_agent: String,
    pub detail: String,
}

/// An audit record as a search finds it (its fields are the record's, by `Deref`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    #[sqlx(flatten)]
    pub record: NewAudit,
}

/// An audit record with its place in the chain, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditChainRow {
    pub id: i64,
    pub seq: Option<i64>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
    #[sqlx(flatten)]
    pub record: NewAudit,
}

macro_rules! audit_fields {
    ($t:ty) => {
        impl std::ops::Deref for $t {
            type Target = NewAudit;
            fn deref(&self) -> &NewAudit {
                &self.record
            }
        }
        impl std::ops::DerefMut for $t {
            fn deref_mut(&mut self) -> &mut NewAudit {
                &mut self.record
            }
        }
    };
}
audit_fields!(AuditRow);
audit_fields!(AuditChainRow);

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IdempotencyRow {
    pub user_id: Uuid,
    pub idem_key: String,
    pub request_hash: String,
    pub response_status: i64,
    pub response_body: String,
    pub created_at: DateTime<Utc>,
}

/// A break-the-glass grant: one user, one case, a reason, a time limit, a review.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EmergencyAccessRow {
    pub id: Uuid,
    pub program_id: Uuid,
    pub encounter_id: Uuid,
    pub user_id: Uuid,
    pub reason: String,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_note: Option<String>,
}

/// A grant as coordinators review it: with who, and which case.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EmergencyReviewRow {
    pub id: Uuid,
    pub encounter_id: Uuid,
    pub reference: String,
    pub username: String,
    pub display_name: String,
    pub reason: String,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_note: Option<String>,
}

/// Where the audit chain starts after its oldest records were removed (retention).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditCheckpointRow {
    pub through_seq: i64,
    pub through_hash: String,
    pub through_at: DateTime<Utc>,
    pub pruned_at: DateTime<Utc>,
    pub records_pruned: i64,
    pub mac: String,
}

/// A search of the audit trail: the program's users' records and those of no known user
/// (sign-ins under unknown names, throttled attempts, cross-site refusals). Empty strings
/// match anything; `action_prefix` is a SQL
/// LIKE pattern (the caller escapes and appends `%`).
#[derive(Debug, Clone)]
pub struct AuditFilter {
    pub program_id: Uuid,
    pub username: String,
    pub action_prefix: String,
    pub resource_id: String,
    pub outcome: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// A participant as stored: identity fields encrypted (ADR 0009).
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ParticipantRaw {
    pub id: Uuid,
    pub program_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub dob: String,
    pub sex: String,
    pub race: String,
    pub ethnicity: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub match_key: String,
    pub search_name: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Uuid,
    pub erased_at: Option<DateTime<Utc>>,
}

/// A row that carries a participant's (encrypted) name.
pub(crate) trait HasName {
    fn names(&mut self) -> (&mut String, &mut String);
}

macro_rules! has_name {
    ($($t:ty),+) => {
        $(impl HasName for $t {
            fn names(&mut self) -> (&mut String, &mut String) {
                (&mut self.first_name, &mut self.last_name)
            }
        })+
    };
}
has_name!(EncounterListRow, ReferralQueueRow, HoldQueueRow);

/// A recorded screening (issue 4). `answers` is JSON (encrypted at rest).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScreeningRow {
    pub id: Uuid,
    pub program_id: Uuid,
    pub encounter_id: Uuid,
    pub referral_id: Uuid,
    pub instrument: String,
    pub version: String,
    pub profile: String,
    pub answers: String,
    pub score: Option<i64>,
    pub max_score: i64,
    pub prorated: bool,
    pub band: String,
    pub positive: Option<bool>,
    /// Alerts raised, one per line.
    pub alerts: String,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

/// A program's working calendar as stored (issue 4).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CalendarRow {
    pub business_days: String,
    pub opens: String,
    pub closes: String,
    pub contact_business_hours: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HolidayRow {
    pub day: NaiveDate,
    pub name: String,
}

/// What a pathway adds to an encounter (issue 4, ADR 0010); only its own fields are set.
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct PathwayFactsRow {
    pub encounter_id: Uuid,
    pub naloxone_doses: Option<i64>,
    pub transported: Option<bool>,
    pub surrendered_items: Option<String>,
    pub contact_kind: Option<String>,
    pub prior_involvement_on: Option<NaiveDate>,
    pub prior_involvement_ref: Option<String>,
    pub outreach_source: Option<String>,
    pub call_type: Option<String>,
    pub police_present: Option<bool>,
    pub team: Option<String>,
    /// The day by which the follow-up visit is due (end of day, program time).
    pub follow_up_due: Option<NaiveDate>,
}

/// A contact attempt on an Active Outreach or Naloxone Plus case; `note` is encrypted.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AttemptRow {
    pub id: Uuid,
    pub encounter_id: Uuid,
    pub program_id: Uuid,
    pub attempted_at: DateTime<Utc>,
    pub outcome: String,
    pub team: String,
    pub note: Option<String>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

/// One encounter's facts for measures (issue 5, ADR 0011): dimensions, flags and minutes
/// from the encounter. Derived from the source rows; never edited by hand.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CaseFactRow {
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
