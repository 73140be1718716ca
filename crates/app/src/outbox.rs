//! The outbox's delivery (ADR 0019): the worker claims due messages under a lease, sends
//! each outside any transaction, and marks it sent only if it still holds the lease. A
//! crash between the send and the mark sends it again, with the same id (its Message-ID),
//! so the receiver can drop the repeat. Failures are retried with backoff; a refusal the
//! server calls permanent fails at once. The action that wrote the message is never rolled
//! back by its delivery.
use std::time::Duration as StdDuration;

use chrono::Duration;
use handoff_storage::MessageRow;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::{App, AppError, AppResult};

/// How long a worker holds a claimed message.
pub const LEASE_SECONDS: i64 = 60;
/// Messages claimed, and sent at once.
const BATCH: i64 = 50;
/// Tries before a message is failed for good.
pub const MAX_ATTEMPTS: i64 = 10;

/// The SMTP server Handoff sends email through: from the environment or flags, never the
/// database. STARTTLS is required; AUTH is used when an account is given.
#[derive(Clone)]
pub struct MailSettings {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    pub from: String,
    /// A private CA the server's certificate is signed by (PEM), besides the public roots.
    pub ca_pem: Option<Vec<u8>>,
    pub timeout: StdDuration,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &"(hidden)")
            .field("from", &self.from)
            .finish()
    }
}

impl MailSettings {
    /// Reads `smtp://user:password@host:port` (user and password percent-encoded; port 587
    /// by default) and the sender's address.
    pub fn parse(url: &str, from: &str, ca_pem: Option<Vec<u8>>) -> Result<MailSettings, String> {
        let rest = url
            .strip_prefix("smtp://")
            .ok_or("the SMTP URL starts with smtp:// (STARTTLS is always required)")?;
        let (auth, hostport) = match rest.rsplit_once('@') {
            Some((a, h)) => (Some(a), h),
            None => (None, rest),
        };
        let hostport = hostport.trim_end_matches('/');
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse::<u16>()
                    .map_err(|_| format!("\"{p}\" is not a port number"))?,
            ),
            None => (hostport, 587),
        };
        if host.is_empty() {
            return Err("the SMTP URL names no server".into());
        }
        let decode = |s: &str| {
            percent_decode(s).ok_or_else(|| format!("\"{s}\" is not percent-encoded properly"))
        };
        let (user, password) = match auth.map(|a| a.split_once(':').unwrap_or((a, ""))) {
            Some((u, p)) => (decode(u)?, decode(p)?),
            None => (String::new(), String::new()),
        };
        from.parse::<Mailbox>()
            .map_err(|e| format!("the sender \"{from}\" is not an email address: {e}"))?;
        Ok(MailSettings {
            host: host.to_string(),
            port,
            user,
            password,
            from: from.to_string(),
            ca_pem,
            timeout: StdDuration::from_secs(20),
        })
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Why a send did not go: worth trying again, or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    Transient(String),
    Permanent(String),
}

/// The email channel.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(s: &MailSettings) -> Result<Mailer, String> {
        let mut tls = TlsParameters::builder(s.host.clone());
        if let Some(pem) = &s.ca_pem {
            tls = tls.add_root_certificate(
                Certificate::from_pem(pem).map_err(|e| format!("the SMTP CA file: {e}"))?,
            );
        }
        let tls = tls.build_rustls().map_err(|e| format!("SMTP TLS: {e}"))?;
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(s.host.clone())
            .port(s.port)
            .tls(Tls::Required(tls))
            .timeout(Some(s.timeout));
        if !s.user.is_empty() {
            b = b.credentials(Credentials::new(s.user.clone(), s.password.clone()));
        }
        Ok(Mailer {
            transport: b.build(),
            from: s.from.parse().map_err(|e| format!("the sender: {e}"))?,
        })
    }

    /// Sends one message, its row id as its Message-ID.
    pub async fn send(&self, m: &MessageRow) -> Result<(), SendError> {
        let to: Mailbox = m.address.parse().map_err(|e| {
            SendError::Permanent(format!("the address is not an email address: {e}"))
        })?;
        let email = Message::builder()
            .message_id(Some(format!("<{}@handoff>", m.id)))
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone())
            .map_err(|e| SendError::Permanent(e.to_string()))?;
        match self.transport.send(email).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Err(e) => Err(SendError::Transient(e.to_string())),
        }
    }
}

/// When a failed message is tried again: 1, 2, 4 ... minutes after its `attempts`-th try,
/// at most 30; none after `MAX_ATTEMPTS`.
pub fn retry_after(attempts: i64) -> Option<Duration> {
    (attempts < MAX_ATTEMPTS).then(|| {
        let minutes = 1i64 << (attempts.clamp(1, 6) - 1);
        Duration::minutes(minutes.min(30))
    })
}

/// Claims and sends the due messages, a batch at a time, until none is due; returns how
/// many were sent. A batch is sent at once (the transport keeps a pool of connections) and
/// its outcomes written in one transaction. With no channel configured nothing is sent:
/// they stay queued.
pub async fn deliver_due(app: &App, worker: &str) -> AppResult<usize> {
    let Some(mailer) = app.mailer() else {
        return Ok(0);
    };
    let mut sent = 0;
    loop {
        let now = app.now();
        let mut tx = app.store.write().await?;
        let batch = tx
            .claim_messages(worker, now, now + Duration::seconds(LEASE_SECONDS), BATCH)
            .await?;
        tx.commit().await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        let mut sending = tokio::task::JoinSet::new();
        for m in batch {
            let mailer = mailer.clone();
            sending.spawn(async move {
                let result = match m.channel.as_str() {
                    "email" => mailer.send(&m).await,
                    other => Err(SendError::Permanent(format!("no {other} channel"))),
                };
                (m.id, m.attempts, result)
            });
        }
        let mut outcomes = Vec::new();
        while let Some(done) = sending.join_next().await {
            outcomes.push(done.map_err(|e| AppError::Internal(format!("sending: {e}")))?);
        }
        let now = app.now();
        let mut tx = app.store.write().await?;
        for (id, attempts, result) in outcomes {
            match result {
                Ok(()) => {
                    // A crash here sends the message again, with the same id.
                    tx.fail_point("outbox.before_mark")?;
                    if tx.mark_sent(id, worker, now).await? {
                        sent += 1;
                    }
                }
                Err(SendError::Transient(e)) => {
                    tracing::warn!(message = %id, error = %e, "send failed; will retry");
                    let retry = retry_after(attempts).map(|d| now + d);
                    tx.message_failed(id, worker, &e, retry).await?;
                }
                Err(SendError::Permanent(e)) => {
                    tracing::warn!(message = %id, error = %e, "send refused");
                    tx.message_failed(id, worker, &e, None).await?;
                }
            }
        }
        tx.commit().await?;
    }
}

/// A mailer for the settings, or why none could be made.
pub fn mailer_for(settings: &Option<MailSettings>) -> AppResult<Option<std::sync::Arc<Mailer>>> {
    settings
        .as_ref()
        .map(|s| Mailer::new(s).map(std::sync::Arc::new))
        .transpose()
        .map_err(AppError::Internal)
}

/// What the coordinator's outbox page shows.
pub struct Overview {
    pub lines: Vec<handoff_storage::OutboxLine>,
    pub counts: Vec<(String, i64)>,
    /// Email can leave this server.
    pub channel: bool,
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
        channel: app.mailer().is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_settings_are_read_and_bad_ones_refused_with_the_reason() {
        let s = MailSettings::parse(
            "smtp://pages%40county.gov:p%40ss%20word@mail.county.gov:2525",
            "Handoff <handoff@county.gov>",
            None,
        )
        .unwrap();
        assert_eq!(
            (
                s.host.as_str(),
                s.port,
                s.user.as_str(),
                s.password.as_str()
            ),
            ("mail.county.gov", 2525, "pages@county.gov", "p@ss word")
        );
        assert!(
            !format!("{s:?}").contains("p@ss"),
            "the password is not printed"
        );
        let d = MailSettings::parse("smtp://mail.county.gov", "a@b.gov", None).unwrap();
        assert_eq!((d.port, d.user.as_str()), (587, ""));
        for (url, from, why) in [
            ("smtps://mail.county.gov", "a@b.gov", "starts with smtp://"),
            (
                "smtp://mail.county.gov:99999",
                "a@b.gov",
                "not a port number",
            ),
            ("smtp://u:p@", "a@b.gov", "names no server"),
            ("smtp://u:%zz@mail.county.gov", "a@b.gov", "percent-encoded"),
            (
                "smtp://mail.county.gov",
                "not an address",
                "not an email address",
            ),
        ] {
            let e = MailSettings::parse(url, from, None).unwrap_err();
            assert!(e.contains(why), "{url}: {e}");
        }
    }

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
