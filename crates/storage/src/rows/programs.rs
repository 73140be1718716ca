//! Rows of a program and its people: the program, rules, organizations, users and their
//! memberships, sessions, tokens, the on-call roster, reference codes, the calendar.
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
    /// API requests one token may make in a minute (issue 13).
    pub api_token_per_minute: i64,
    /// API requests one user may make in a minute, over all of their tokens.
    pub api_user_per_minute: i64,
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

/// An organization's hours and what to bring, in one language (the slip's, ADR 0018).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrgTextRow {
    pub org_id: Uuid,
    pub language: String,
    pub hours: String,
    pub what_to_bring: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<Uuid>,
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

impl UserRow {
    /// A new account, enabled, never signed in, without an authenticator yet.
    pub fn new(
        username: String,
        display_name: String,
        password_hash: String,
        now: DateTime<Utc>,
    ) -> UserRow {
        UserRow {
            id: Uuid::now_v7(),
            username,
            display_name,
            password_hash,
            disabled: false,
            created_at: now,
            last_sign_in_at: None,
            failed_count: 0,
            failed_since: None,
            locked_at: None,
            unlocked_at: None,
            totp_secret: None,
            totp_enrolled_at: None,
            totp_last_step: 0,
        }
    }
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
    /// 0: first on call; 1, 2 ...: the backups paged next, in this order (ADR 0019).
    pub position: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShiftView {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub user_id: Uuid,
    pub display_name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub position: i64,
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
