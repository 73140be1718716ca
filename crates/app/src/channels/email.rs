//! Email over SMTP (ADR 0019): STARTTLS required, AUTH when an account is given, a pool
//! of connections, the message's row id as its Message-ID.
use std::time::Duration as StdDuration;

use handoff_storage::MessageRow;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::SendError;

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

/// The email channel.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    timeout: StdDuration,
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
            timeout: s.timeout,
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
        // The transport's own timeout covers each read and write; a server that takes the
        // message and never answers is given up on here, as a whole.
        match tokio::time::timeout(self.timeout * 2, self.transport.send(email)).await {
            Err(_) => Err(SendError::Transient(format!(
                "the SMTP server did not answer within {} s",
                (self.timeout * 2).as_secs()
            ))),
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Ok(Err(e)) => Err(SendError::Transient(e.to_string())),
        }
    }
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
}
