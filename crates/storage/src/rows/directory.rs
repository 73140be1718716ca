//! Rows of the directory (ADR 0017): documents with the columns a query filters on.
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DirServiceRow {
    pub id: Uuid,
    pub program_id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    pub status: String,
    /// The service's taxonomy codes, space-separated with a space at each end.
    pub type_codes: String,
    /// The service's own freshness window for capacity (else the program's).
    pub fresh_minutes: Option<i64>,
    pub modified_at: DateTime<Utc>,
    pub doc: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DirLocationRow {
    pub id: Uuid,
    pub program_id: Uuid,
    pub org_id: Option<Uuid>,
    pub doc: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DirTermRow {
    pub id: Uuid,
    pub program_id: Uuid,
    /// `term` or `taxonomy`.
    pub kind: String,
    pub doc: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CapacityRow {
    pub id: Uuid,
    pub program_id: Uuid,
    pub service_id: Uuid,
    /// The HSDS unit, as JSON.
    pub unit: String,
    pub available: i64,
    pub maximum: Option<i64>,
    pub description: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// An organization with its HSDS document, if it has one.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OrgDocRow {
    pub id: Uuid,
    pub kind: String,
    pub name: String,
    pub hsds: Option<String>,
}

/// The program's directory settings.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DirectorySettings {
    pub capacity_fresh_minutes: i64,
    pub capacity_hold_minutes: i64,
    pub directory_public: bool,
    /// Service type codes whose intake satisfies a held charge, space-separated.
    pub hold_service_types: String,
    /// The criteria the officer's suggestions are ranked by, in order, space-separated.
    pub choice_rule: String,
    /// What is shown when no service fits.
    pub fallback: String,
}

/// A unit of a service's capacity held for a referral.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CapacityHoldRow {
    pub id: Uuid,
    pub program_id: Uuid,
    pub capacity_id: Uuid,
    pub referral_id: Uuid,
    pub held_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub state: String,
    pub ended_at: Option<DateTime<Utc>>,
}

/// The needs screen recorded with an encounter's referrals (codes only).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NeedsRow {
    pub encounter_id: Uuid,
    pub program_id: Uuid,
    pub problems: String,
    pub positive: String,
    pub safety_score: Option<i64>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

/// A referral as the measures per service kind read it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReferralMeasureRow {
    pub service_types: String,
    pub status: String,
    pub status_reason_code: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub requested_at: DateTime<Utc>,
    pub intake_at: Option<DateTime<Utc>>,
}
