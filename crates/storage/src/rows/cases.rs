//! Rows of an encounter and what follows it: participants, encounters, offenses, decisions,
//! overrides, offers, consents, referrals and service events, holds, case events, screenings,
//! pathway facts, contact attempts, emergency access.
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::PageKey;

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

/// The person's preferred language (ADR 0018), and whether they need an interpreter.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LanguageRow {
    pub participant_id: Uuid,
    /// A BCP 47 code of a catalogue in force.
    pub language: String,
    pub needs_interpreter: bool,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Uuid,
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
    #[sqlx(flatten)]
    pub page: PageKey,
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
    /// The language the consent was signed in (its `form_text` is in it).
    pub language: String,
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
    /// The directory service referred to (None: a referral to a provider, as before
    /// services were listed).
    pub service_id: Option<Uuid>,
    /// The service's taxonomy codes when the referral was made, space-separated.
    pub service_types: String,
    /// Whether an intake here satisfies a held charge (and counts in the encounter's
    /// treatment measures).
    pub counts_for_hold: bool,
    /// The coded reason of the last rejection, failure, cancellation or hold.
    pub status_reason_code: Option<String>,
    /// The person's release it rests on (a consent of kind `release`): a referral to a
    /// partner that is not a treatment service; the partner sees it only while it is valid.
    pub release_id: Option<Uuid>,
    /// A warm handoff's page acknowledged (ADR 0019): when, and by whom.
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<Uuid>,
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
    /// When the provider first reached the person (the contact deadline is then met).
    pub first_contact_at: Option<DateTime<Utc>>,
    pub assigned_to: Option<Uuid>,
    pub first_name: String,
    pub last_name: String,
    pub from_org_name: String,
    /// The directory service referred to, if the referral names one.
    pub service_name: Option<String>,
    /// A warm handoff's page acknowledged (ADR 0019).
    pub acknowledged_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    pub page: PageKey,
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
    #[sqlx(flatten)]
    pub page: PageKey,
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
