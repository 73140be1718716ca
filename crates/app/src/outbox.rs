//! The outbox's delivery (ADR 0019, 0020): the worker claims due messages under a lease,
//! sends each outside any transaction, and marks it sent only if it still holds the lease.
//! A crash between the send and the mark sends it again, with the same id (its Message-ID,
//! its `webhook-id`), so the receiver can drop the repeat. Failures are retried with
//! backoff; a refusal the channel calls permanent fails at once, and a staff page then
//! falls back to the person's next contact point. The action that wrote the message is
//! never rolled back by its delivery.
use chrono::{DateTime, Duration, Utc};
use handoff_storage::{MessageRow, Stmt, Tx};
use uuid::Uuid;

pub use crate::channels::SendError;
pub use crate::channels::email::{MailSettings, Mailer};
use crate::channels::sms::{self, Report};
use crate::channels::{Channels, Outgoing};
use crate::{App, AppError, AppResult};

/// How long a worker holds a claimed message.
pub const LEASE_SECONDS: i64 = 60;
/// Messages claimed, and sent at once.
const BATCH: i64 = 50;
/// Tries before a message is failed for good.
pub const MAX_ATTEMPTS: i64 = 10;

/// When a failed message is tried again: 1, 2, 4 ... minutes after its `attempts`-th try,
/// at most 30; none after `MAX_ATTEMPTS`.
pub fn retry_after(attempts: i64) -> Option<Duration> {
    (attempts < MAX_ATTEMPTS).then(|| {
        let minutes = 1i64 << (attempts.clamp(1, 6) - 1);
        Duration::minutes(minutes.min(30))
    })
}

/// The channels that can send now: messages on others stay queued.
fn open_channels(c: &Channels) -> Vec<&'static str> {
    ["email", "sms", "webhook"]
        .into_iter()
        .filter(|ch| c.has(ch))
        .collect()
}

/// Where the gateway reports a text's delivery: the message's id and a keyed signature of
/// it, so nobody else can report on a message.
pub fn sms_callback(app: &App, id: Uuid) -> String {
    format!(
        "{}/hooks/sms/{id}/{}",
        app.settings.public_url.trim_end_matches('/'),
        app.store.pseudonym("sms-callback", &id.to_string())
    )
}

/// Claims and sends the due messages, a batch at a time, until none is due; returns how
/// many were sent. A batch is sent at once (the SMTP transport keeps a pool of
/// connections) and its outcomes written in one transaction. Messages on a channel that is
/// not set up stay queued.
pub async fn deliver_due(app: &App, worker: &str) -> AppResult<usize> {
    let channels = app.channels();
    let open = open_channels(&channels);
    let mut sent = 0;
    loop {
        let now = app.now();
        let mut tx = app.store.write().await?;
        let batch = tx
            .claim_messages(
                worker,
                now,
                now + Duration::seconds(LEASE_SECONDS),
                BATCH,
                &open,
            )
            .await?;
        let mut claimed = Vec::with_capacity(batch.len());
        for row in batch {
            let secret = match (row.channel.as_str(), row.recipient_id) {
                ("webhook", Some(endpoint)) => tx.webhook_secret(endpoint).await?,
                _ => None,
            };
            let callback = (row.channel == "sms").then(|| sms_callback(app, row.id));
            claimed.push(Outgoing {
                row,
                secret,
                callback,
            });
        }
        tx.commit().await?;
        if claimed.is_empty() {
            return Ok(sent);
        }
        let mut sending = tokio::task::JoinSet::new();
        for m in claimed {
            let channels = channels.clone();
            sending.spawn(async move {
                let result = channels.send(&m).await;
                (m.row, result)
            });
        }
        let mut outcomes = Vec::new();
        while let Some(done) = sending.join_next().await {
            outcomes.push(done.map_err(|e| AppError::Internal(format!("sending: {e}")))?);
        }
        let now = app.now();
        let mut tx = app.store.write().await?;
        for (m, result) in outcomes {
            match result {
                Ok(provider_id) => {
                    // A crash here sends the message again, with the same id.
                    tx.fail_point("outbox.before_mark")?;
                    if tx
                        .mark_sent(m.id, worker, now, provider_id.as_deref())
                        .await?
                    {
                        sent += 1;
                    }
                }
                Err(SendError::Transient(e)) => {
                    tracing::warn!(message = %m.id, error = %e, "send failed; will retry");
                    let retry = retry_after(m.attempts).map(|d| now + d);
                    tx.message_failed(m.id, worker, &e, retry).await?;
                    if retry.is_none() {
                        fall_back(&mut tx, app, &m, now).await?;
                    }
                }
                Err(SendError::Permanent(e)) => {
                    tracing::warn!(message = %m.id, error = %e, "send refused");
                    tx.message_failed(m.id, worker, &e, None).await?;
                    fall_back(&mut tx, app, &m, now).await?;
                }
            }
        }
        tx.commit().await?;
    }
}

/// A staff page that failed for good goes to the person's next contact point (one that
/// can be sent on now, if any), as a new message with the same words: its dedupe key is
/// the failed one's and the contact's position, so it is written once. Other messages (a
/// participant's, a webhook, a test) do not fall back: a participant gets messages only on
/// the channel they chose.
async fn fall_back(tx: &mut Tx, app: &App, m: &MessageRow, now: DateTime<Utc>) -> AppResult<()> {
    let (Some(user), true) = (
        m.recipient_id,
        m.recipient_kind == "user" && m.dedupe_key.starts_with("page:"),
    ) else {
        return Ok(());
    };
    let contacts = tx.contacts_of(user).await?;
    let Some(at) = contacts
        .iter()
        .position(|c| c.channel == m.channel && c.address == m.address)
    else {
        return Ok(());
    };
    let channels = app.channels();
    let later = &contacts[at + 1..];
    let Some(next) = later
        .iter()
        .find(|c| channels.has(&c.channel))
        .or(later.first())
    else {
        return Ok(());
    };
    let base = m.dedupe_key.split('>').next().unwrap_or(&m.dedupe_key);
    let row = MessageRow {
        program_id: m.program_id,
        dedupe_key: format!("{base}>{}", next.position),
        channel: next.channel.clone(),
        recipient_kind: m.recipient_kind.clone(),
        recipient_id: m.recipient_id,
        address: next.address.clone(),
        subject: m.subject.clone(),
        body: m.body.clone(),
        cause_kind: m.cause_kind.clone(),
        cause_id: m.cause_id,
        ..MessageRow::queued(now)
    };
    tx.run(&[Stmt::message(&row)]).await?;
    Ok(())
}

/// A gateway's delivery report, checked against the signature in its address: a text
/// delivered, or failed (a staff page then falls back); audited as the system. False: the
/// address is not one Handoff gave.
pub async fn delivery_report(
    app: &App,
    id: Uuid,
    signature: &str,
    content_type: &str,
    body: &[u8],
) -> AppResult<bool> {
    let expected = app.store.pseudonym("sms-callback", &id.to_string());
    if !crate::util::same_secret(signature, &expected) {
        return Ok(false);
    }
    let report = sms::read_report(content_type, body).map_err(|e| AppError::field("report", e))?;
    let now = app.now();
    let mut tx = app.store.write().await?;
    let m = match tx.message(id).await {
        Ok(m) => m,
        Err(handoff_storage::StoreError::NotFound) => {
            tx.rollback().await?;
            return Ok(false);
        }
        Err(e) => return Err(e.into()),
    };
    let (action, detail) = match &report {
        Report::Pending => {
            tx.rollback().await?;
            return Ok(true);
        }
        Report::Delivered => ("message.delivered", "delivered".to_string()),
        Report::Failed(why) => ("message.undelivered", why.clone()),
    };
    if tx
        .message_reported(id, now, report == Report::Delivered, &detail)
        .await?
        && report != Report::Delivered
    {
        fall_back(&mut tx, app, &m, now).await?;
    }
    crate::audit::record(
        &mut tx,
        app,
        &crate::Ctx::system(),
        action,
        "message",
        &id.to_string(),
        crate::audit::ALLOWED,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Where the gateway posts texts people send back (a STOP): a keyed signature of this
/// server's own, so nobody else can stop someone's reminders.
pub fn sms_inbound(app: &App) -> String {
    format!(
        "{}/hooks/sms/inbound/{}",
        app.settings.public_url.trim_end_matches('/'),
        app.store.pseudonym("sms-inbound", "v1")
    )
}

/// A text someone sent back, checked against the signature in its address: a STOP (any
/// of the carriers' words) from a number stops every reminder to it; audited as the
/// system. False: the address is not the one Handoff gives.
pub async fn inbound_text(
    app: &App,
    signature: &str,
    content_type: &str,
    body: &[u8],
) -> AppResult<bool> {
    let expected = app.store.pseudonym("sms-inbound", "v1");
    if !crate::util::same_secret(signature, &expected) {
        return Ok(false);
    }
    let (from, text) =
        sms::read_inbound(content_type, body).map_err(|e| AppError::field("text", e))?;
    if !handoff_domain::reminders::is_stop(&text) {
        return Ok(true);
    }
    let now = app.now();
    let mut tx = app.store.write().await?;
    let n = crate::reminders::stop_from(&mut tx, app, &from, now).await?;
    crate::audit::record(
        &mut tx,
        app,
        &crate::Ctx::system(),
        "participant.reminders.stop",
        "contact",
        "sms",
        crate::audit::ALLOWED,
        &format!("{n} stopped"),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// What the coordinator's outbox page shows.
pub struct Overview {
    pub lines: Vec<handoff_storage::OutboxLine>,
    pub counts: Vec<(String, i64)>,
    /// Email can leave this server.
    pub channel: bool,
    /// Where the SMS gateway posts replies (STOP), when texts are set up.
    pub inbound: Option<String>,
    /// The last 30 days of warm handoffs' paging.
    pub paging: handoff_domain::measures::PagingMeasures,
}

/// The program's latest messages and their states (never their addresses or words), for
/// its coordinators and administrators; audited.
pub async fn overview(app: &App, ctx: &crate::Ctx) -> AppResult<Overview> {
    let pid = ctx.require_program()?;
    crate::admin::guard(
        app,
        ctx,
        handoff_domain::policy::ProgramAction::ViewOutbox,
        "outbox.read",
    )
    .await?;
    let mut tx = app.store.write().await?;
    let (lines, counts) = tx.outbox(pid, 200).await?;
    let rows: Vec<handoff_domain::measures::PagedHandoff> = tx
        .paged_handoffs(pid, app.now() - Duration::days(30))
        .await?
        .into_iter()
        .map(
            |(called, acked, top, unanswered)| handoff_domain::measures::PagedHandoff {
                ack_minutes: acked.map(|a| (a - called).num_minutes()),
                top_rung: (top >= 0).then_some(top),
                unanswered: unanswered == 1,
            },
        )
        .collect();
    crate::audit::record(
        &mut tx,
        app,
        ctx,
        "outbox.read",
        "program",
        &pid.to_string(),
        crate::audit::ALLOWED,
        &format!("{} messages", lines.len()),
    )
    .await?;
    tx.commit().await?;
    Ok(Overview {
        lines,
        counts,
        channel: app.channels().any_staff(),
        inbound: app.channels().has("sms").then(|| sms_inbound(app)),
        paging: handoff_domain::measures::paging(&rows),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_then_stop() {
        let m = |n| retry_after(n).map(|d| d.num_minutes());
        assert_eq!(
            (1..=7).map(m).collect::<Vec<_>>(),
            [
                Some(1),
                Some(2),
                Some(4),
                Some(8),
                Some(16),
                Some(30),
                Some(30)
            ]
        );
        assert_eq!(m(MAX_ATTEMPTS), None);
    }
}

/// The program's message timing as typed.
#[derive(Debug, Clone, Default)]
pub struct TimingInput {
    pub page_window_minutes: String,
    pub quiet_start: String,
    pub quiet_end: String,
    pub reminder_hours: String,
    pub intake_remind_days: String,
}

/// The program's message timing.
pub async fn timing(app: &App, ctx: &crate::Ctx) -> AppResult<handoff_storage::MessageTiming> {
    let pid = ctx.require_program()?;
    let mut tx = app.store.read().await?;
    let t = tx.message_timing(pid).await?;
    tx.rollback().await?;
    Ok(t)
}

/// Changes how the program's messages are timed (its coordinators and administrators),
/// checked by field; audited.
pub async fn set_timing(app: &App, ctx: &crate::Ctx, input: &TimingInput) -> AppResult<()> {
    let pid = ctx.require_program()?;
    crate::admin::guard(
        app,
        ctx,
        handoff_domain::policy::ProgramAction::ManageCalendar,
        "program.message_timing",
    )
    .await?;
    let mut e = handoff_domain::FieldErrors::new();
    let mut number = |field: &str,
                      typed: &str,
                      range: std::ops::RangeInclusive<i64>,
                      what: &str| match typed.trim().parse::<i64>() {
        Ok(n) if range.contains(&n) => n,
        _ => {
            e.add(
                field,
                format!(
                    "{what}: a whole number from {} to {}.",
                    range.start(),
                    range.end()
                ),
            );
            0
        }
    };
    let window = number(
        "page_window_minutes",
        &input.page_window_minutes,
        1..=120,
        "Minutes",
    );
    let hours = number("reminder_hours", &input.reminder_hours, 1..=72, "Hours");
    let days = number(
        "intake_remind_days",
        &input.intake_remind_days,
        0..=10,
        "Business days",
    );
    let mut time =
        |field: &str, typed: &str| match chrono::NaiveTime::parse_from_str(typed.trim(), "%H:%M") {
            Ok(t) => t.format("%H:%M").to_string(),
            Err(_) => {
                e.add(field, "A time like 21:00.");
                String::new()
            }
        };
    let start = time("quiet_start", &input.quiet_start);
    let end = time("quiet_end", &input.quiet_end);
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let t = handoff_storage::MessageTiming {
        page_window_minutes: window,
        quiet_start: start,
        quiet_end: end,
        reminder_hours: hours,
        intake_remind_days: days,
    };
    let mut tx = app.store.write().await?;
    tx.set_message_timing(pid, &t).await?;
    crate::audit::record(
        &mut tx,
        app,
        ctx,
        "program.message_timing",
        "program",
        &pid.to_string(),
        crate::audit::ALLOWED,
        &format!("{t:?}"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
