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
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct DirectorySettings {
    pub capacity_fresh_minutes: i64,
    pub capacity_hold_minutes: i64,
    pub directory_public: bool,
}
