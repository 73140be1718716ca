//! The one HTTP client the outbox needs: a POST of a small body to a gateway or a webhook
//! receiver, over HTTPS (the public roots, or a private CA) or plain HTTP on a private
//! network, with one deadline for the whole exchange. No pooling: SMS and webhooks are a
//! few a minute, and a fresh connection cannot carry a stale one's failure.
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::Request;
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

use super::SendError;

/// How much of an answer is read: enough for any gateway's JSON.
const MAX_ANSWER: usize = 64 * 1024;

/// What came back.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

#[derive(Clone)]
pub struct Client {
    tls: tokio_rustls::TlsConnector,
    timeout: Duration,
}

impl Client {
    /// A client trusting the public roots and, when given, a private CA (PEM).
    pub fn new(ca_pem: Option<&[u8]>, timeout: Duration) -> Result<Client, String> {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(pem) = ca_pem {
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert = cert.map_err(|e| format!("the CA file: {e}"))?;
                roots.add(cert).map_err(|e| format!("the CA file: {e}"))?;
            }
        }
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        Ok(Client {
            tls: tokio_rustls::TlsConnector::from(Arc::new(config)),
            timeout,
        })
    }

    /// POSTs `body` to `url` with the headers; a refused connection, a deadline passed or
    /// an answer that is not HTTP is worth trying again.
    pub async fn post(
        &self,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<Answer, SendError> {
        match tokio::time::timeout(self.timeout, self.exchange(url, headers, body)).await {
            Ok(r) => r,
            Err(_) => Err(SendError::Transient(format!(
                "no answer within {} s",
                self.timeout.as_secs()
            ))),
        }
    }

    async fn exchange(
        &self,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<Answer, SendError> {
        let target = Target::parse(url).map_err(SendError::Permanent)?;
        let transient = |what: &str, e: &dyn std::fmt::Display| {
            SendError::Transient(format!("{what} {}: {e}", target.authority))
        };
        let tcp = tokio::net::TcpStream::connect((target.host.as_str(), target.port))
            .await
            .map_err(|e| transient("connecting to", &e))?;
        let mut req = Request::post(target.path.as_str())
            .header("host", target.authority.as_str())
            .header("user-agent", "Handoff");
        for (k, v) in headers {
            req = req.header(*k, v.as_str());
        }
        let req = req
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| SendError::Permanent(format!("the request: {e}")))?;
        let resp = if target.tls {
            let name = ServerName::try_from(target.host.clone())
                .map_err(|e| SendError::Permanent(format!("the host name: {e}")))?;
            let tls = self
                .tls
                .connect(name, tcp)
                .await
                .map_err(|e| transient("TLS with", &e))?;
            send(TokioIo::new(tls), req, &target.authority).await?
        } else {
            send(TokioIo::new(tcp), req, &target.authority).await?
        };
        let status = resp.status().as_u16();
        let body = Limited::new(resp.into_body(), MAX_ANSWER)
            .collect()
            .await
            .map(|b| String::from_utf8_lossy(&b.to_bytes()).into_owned())
            .unwrap_or_default();
        Ok(Answer { status, body })
    }
}

async fn send<T>(
    io: TokioIo<T>,
    req: Request<Full<Bytes>>,
    authority: &str,
) -> Result<hyper::Response<hyper::body::Incoming>, SendError>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| SendError::Transient(format!("{authority}: {e}")))?;
    tokio::spawn(conn);
    sender
        .send_request(req)
        .await
        .map_err(|e| SendError::Transient(format!("{authority} answered badly: {e}")))
}

/// A URL's parts: only http and https, a host, an optional port, a path.
#[derive(Debug, PartialEq)]
pub struct Target {
    pub tls: bool,
    pub host: String,
    pub port: u16,
    pub authority: String,
    pub path: String,
}

/// Why an address is not one a message can be sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadAddress {
    /// Neither http:// nor https:// (the address).
    NotHttp(String),
    /// A user name or password in the address.
    Credentials,
    /// The port is not a number (the port as written).
    Port(String),
    /// No host, or spaces or control characters in the path (the address).
    Unusable(String),
}

/// As the settings and the delivery log say it (staff pages word it by the catalogue).
impl std::fmt::Display for BadAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BadAddress::NotHttp(url) => {
                write!(f, "\"{url}\" is not an http:// or https:// address")
            }
            BadAddress::Credentials => {
                f.write_str("put credentials in the settings, not in the address")
            }
            BadAddress::Port(p) => write!(f, "\"{p}\" is not a port number"),
            BadAddress::Unusable(url) => write!(f, "\"{url}\" is not a usable address"),
        }
    }
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, String> {
        Target::read(url).map_err(|e| e.to_string())
    }

    /// Reads an address, saying why it is not one when it is not.
    pub fn read(url: &str) -> Result<Target, BadAddress> {
        let (tls, rest) = if let Some(r) = url.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = url.strip_prefix("http://") {
            (false, r)
        } else {
            return Err(BadAddress::NotHttp(url.to_string()));
        };
        let (authority, path) = match rest.find(['/', '?']) {
            Some(i) if rest[i..].starts_with('/') => (&rest[..i], rest[i..].to_string()),
            Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
            None => (rest, "/".to_string()),
        };
        if authority.contains('@') {
            return Err(BadAddress::Credentials);
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || p.chars().all(|c| c.is_ascii_digit()) => (
                h.trim_start_matches('[').trim_end_matches(']'),
                p.parse::<u16>()
                    .map_err(|_| BadAddress::Port(p.to_string()))?,
            ),
            _ => (authority, if tls { 443 } else { 80 }),
        };
        if host.is_empty() || path.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(BadAddress::Unusable(url.to_string()));
        }
        Ok(Target {
            tls,
            host: host.to_string(),
            port,
            authority: authority.to_string(),
            path,
        })
    }
}

/// Plain HTTP only to this machine or a private network (a gateway on the same host).
pub fn is_private(host: &str) -> bool {
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(a)) => a.is_loopback() || a.is_private(),
        Ok(std::net::IpAddr::V6(a)) => a.is_loopback(),
        Err(_) => host == "localhost",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_read_and_bad_ones_refused() {
        let t = Target::parse("https://sms.example.org/v1/send?x=1").unwrap();
        assert_eq!(
            (t.tls, t.host.as_str(), t.port, t.path.as_str()),
            (true, "sms.example.org", 443, "/v1/send?x=1")
        );
        let t = Target::parse("http://127.0.0.1:8025").unwrap();
        assert_eq!((t.port, t.path.as_str()), (8025, "/"));
        for (bad, why) in [
            ("ftp://x", "not an http"),
            ("https://u:p@x/", "credentials"),
            ("http://x:99999/", "not a port"),
            ("http:///p", "not a usable"),
        ] {
            let e = Target::parse(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }
}
