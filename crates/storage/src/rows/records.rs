//! Rows of the system's own records: jobs, the audit trail and its checkpoint, idempotency
//! keys.
use chrono::{DateTime, Utc};
use uuid::Uuid;

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

impl JobRow {
    /// A new pending job, created `now`: the caller names its kind, key, payload and time
    /// (`..JobRow::pending(now)`).
    pub fn pending(now: DateTime<Utc>) -> JobRow {
        JobRow {
            id: Uuid::now_v7(),
            kind: String::new(),
            dedupe_key: String::new(),
            payload: String::new(),
            run_at: now,
            status: "pending".into(),
            attempts: 0,
            locked_by: None,
            locked_until: None,
            last_error: None,
            created_at: now,
            finished_at: None,
        }
    }
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
