//! The channels a message leaves by (ADR 0019, 0020): email over SMTP, SMS through an HTTP
//! gateway, webhooks signed per Standard Webhooks. Each is a real protocol, configured
//! outside the database; the outbox hands a claimed message to `Channels::send`.
pub mod email;
pub mod http;
pub mod sms;
pub mod webhook;

use std::time::Duration;

use handoff_storage::MessageRow;

/// Why a send did not go: worth trying again, or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    Transient(String),
    Permanent(String),
}

/// A claimed message with what its channel needs besides the row.
pub struct Outgoing {
    pub row: MessageRow,
    /// A webhook endpoint's signing secret (`whsec_...`).
    pub secret: Option<String>,
    /// Where an SMS gateway reports delivery.
    pub callback: Option<String>,
}

/// The configured channels. Webhooks need no server-wide setting: their endpoints are the
/// program's.
pub struct Channels {
    pub email: Option<email::Mailer>,
    pub sms: Option<sms::Gateway>,
    hooks: http::Client,
}

impl Channels {
    pub fn new(
        mail: &Option<email::MailSettings>,
        sms: &Option<sms::SmsSettings>,
        webhook_timeout: Duration,
    ) -> Result<Channels, String> {
        Ok(Channels {
            email: mail.as_ref().map(email::Mailer::new).transpose()?,
            sms: sms.as_ref().map(sms::Gateway::new).transpose()?,
            hooks: http::Client::new(None, webhook_timeout)?,
        })
    }

    /// Whether a message on this channel can leave now.
    pub fn has(&self, channel: &str) -> bool {
        match channel {
            "email" => self.email.is_some(),
            "sms" => self.sms.is_some(),
            "webhook" => true,
            _ => false,
        }
    }

    /// Whether any channel a person can be paged on is set up.
    pub fn any_staff(&self) -> bool {
        self.email.is_some() || self.sms.is_some()
    }

    /// Sends one message; the channel's own id for it when it gives one.
    pub async fn send(&self, m: &Outgoing) -> Result<Option<String>, SendError> {
        let none = |c: &str| SendError::Transient(format!("no {c} channel is set up"));
        match m.row.channel.as_str() {
            "email" => {
                let mailer = self.email.as_ref().ok_or_else(|| none("email"))?;
                mailer.send(&m.row).await.map(|()| None)
            }
            "sms" => {
                let gw = self.sms.as_ref().ok_or_else(|| none("SMS"))?;
                // A text has no subject line: it leads.
                let text = format!("{}\n{}", m.row.subject, m.row.body);
                gw.send(&m.row.address, &text, m.callback.as_deref()).await
            }
            "webhook" => {
                let secret = m
                    .secret
                    .as_deref()
                    .ok_or_else(|| SendError::Permanent("the endpoint has been removed".into()))?;
                webhook::send(&self.hooks, &m.row, secret)
                    .await
                    .map(|()| None)
            }
            other => Err(SendError::Permanent(format!("no {other} channel"))),
        }
    }
}
