//! Rows of the outbox and of paging (ADR 0019).
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// One message to one recipient, for one cause. `address`, `subject` and `body` are plain
/// here; the store seals them.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MessageRow {
    pub id: Uuid,
    pub program_id: Uuid,
    pub dedupe_key: String,
    pub channel: String,
    pub recipient_kind: String,
    pub recipient_id: Option<Uuid>,
    pub address: String,
    pub subject: String,
    pub body: String,
    pub cause_kind: String,
    pub cause_id: Option<Uuid>,
    /// queued, sent, failed
    pub state: String,
    pub attempts: i64,
    pub next_at: DateTime<Utc>,
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl MessageRow {
    /// A new message queued `now` and due at once: the caller names its program, key,
    /// channel, recipient, words and cause (`..MessageRow::queued(now)`).
    pub fn queued(now: DateTime<Utc>) -> MessageRow {
        MessageRow {
            id: Uuid::now_v7(),
            program_id: Uuid::nil(),
            dedupe_key: String::new(),
            channel: String::new(),
            recipient_kind: String::new(),
            recipient_id: None,
            address: String::new(),
            subject: String::new(),
            body: String::new(),
            cause_kind: String::new(),
            cause_id: None,
            state: "queued".into(),
            attempts: 0,
            next_at: now,
            locked_by: None,
            locked_until: None,
            last_error: None,
            created_at: now,
            sent_at: None,
        }
    }
}

/// A message's delivery state, without its sealed parts (what pages list).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MessageState {
    pub id: Uuid,
    pub channel: String,
    pub recipient_id: Option<Uuid>,
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// Where a staff member is paged.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ContactRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub channel: String,
    pub address: String,
    pub position: i64,
    pub created_at: DateTime<Utc>,
}

/// One rung of a warm handoff's paging ladder, for one person.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PageRow {
    pub referral_id: Uuid,
    pub rung: i64,
    pub user_id: Uuid,
    pub paged_at: DateTime<Utc>,
    pub message_id: Option<Uuid>,
}

/// A message as the coordinator's outbox lists it: its state, whom it was for (by name),
/// and the case it came from (by reference). Never its address or words.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OutboxLine {
    pub id: Uuid,
    pub channel: String,
    pub recipient: Option<String>,
    pub reference: Option<String>,
    pub cause_kind: String,
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A one-tap link: bound to one referral and the person it was sent to.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LinkRow {
    pub id: Uuid,
    pub program_id: Uuid,
    pub token_hash: String,
    pub referral_id: Uuid,
    pub user_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<Uuid>,
    pub used: String,
}

/// A partner organization's webhook endpoint (ADR 0020); its secret sealed at rest.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WebhookRow {
    pub id: Uuid,
    pub program_id: Uuid,
    pub organization_id: Uuid,
    pub url: String,
    pub secret: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub disabled_at: Option<DateTime<Utc>>,
}

/// A kind of safety flag on the program's list (ADR 0021).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FlagKindRow {
    pub program_id: Uuid,
    pub code: String,
    pub label: String,
    /// responders, contacts
    pub audience: String,
    /// none, no_home, no_messages
    pub obey: String,
    pub position: i64,
    pub retired_at: Option<DateTime<Utc>>,
}

/// A safety flag on a person; its reasons sealed at rest.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FlagRow {
    pub id: Uuid,
    pub program_id: Uuid,
    pub participant_id: Uuid,
    pub kind: String,
    pub set_by: Uuid,
    pub set_at: DateTime<Utc>,
    pub set_reason: String,
    pub cleared_by: Option<Uuid>,
    pub cleared_at: Option<DateTime<Utc>>,
    pub clear_reason: Option<String>,
}

/// An intake scheduled with a date, time and place (ADR 0022).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AppointmentRow {
    pub referral_id: Uuid,
    pub program_id: Uuid,
    pub at: DateTime<Utc>,
    pub place: String,
    pub set_by: Uuid,
    pub set_at: DateTime<Utc>,
}

/// Where the person agreed to be reminded: the one channel they chose (the latest row).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ParticipantContactRow {
    pub id: Uuid,
    pub program_id: Uuid,
    pub participant_id: Uuid,
    /// sms, email
    pub channel: String,
    pub address: String,
    /// A keyed index of the address (a STOP from it finds the row).
    pub address_index: String,
    /// A shared or home phone or address ("do not contact at home" withholds).
    pub shared: bool,
    pub consented_at: DateTime<Utc>,
    pub consented_by: Uuid,
    /// STOP (or the consent withdrawn): nothing more is sent.
    pub stopped_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A one-tap link that updates one capacity (its token's hash only).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CapacityLinkRow {
    pub id: Uuid,
    pub program_id: Uuid,
    pub token_hash: String,
    pub capacity_id: Uuid,
    pub user_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<Uuid>,
}

/// How a program's messages are timed (ADR 0019, 0022).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MessageTiming {
    /// How long a rung of the paging ladder waits for an acknowledgement.
    pub page_window_minutes: i64,
    /// Local "HH:MM": participants get no message from `quiet_start` to `quiet_end`.
    pub quiet_start: String,
    pub quiet_end: String,
    /// How many hours before an appointment the person is reminded.
    pub reminder_hours: i64,
    /// How many business days before a held charge's intake deadline its provider hears.
    pub intake_remind_days: i64,
}
