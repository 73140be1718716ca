//! HTTPS served by Handoff itself: a browser-like client that trusts only the test CA
//! signs in; the session cookie is `__Host-` prefixed and Secure, and every response
//! carries Strict-Transport-Security. Bad certificate files are refused with their name.
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use handoff_web::AppState;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

use crate::support::*;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tls")
        .join(name)
}

struct Https {
    addr: std::net::SocketAddr,
    connector: tokio_rustls::TlsConnector,
}

impl Https {
    async fn request(&self, method: Method, path: &str, cookie: &str, form: &str) -> Resp {
        let tcp = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let name = ServerName::try_from("localhost").unwrap();
        let tls = self.connector.connect(name, tcp).await.unwrap();
        let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .unwrap();
        tokio::spawn(conn);
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "localhost");
        if !cookie.is_empty() {
            b = b.header("cookie", cookie);
        }
        if !form.is_empty() {
            b = b.header("content-type", "application/x-www-form-urlencoded");
        }
        let resp = send
            .send_request(b.body(Full::new(Bytes::from(form.to_string()))).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }
}

async fn https_server(w: &World) -> Https {
    let config =
        handoff_web::tls::load_config(&fixture("server.pem"), &fixture("server.key")).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState {
        app: w.app.clone(),
        secure_cookies: true,
        proxies: Default::default(),
    };
    tokio::spawn(handoff_web::tls::serve(
        state,
        listener,
        config,
        std::future::pending(),
    ));
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(fixture("ca.pem")).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let client = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    Https {
        addr,
        connector: tokio_rustls::TlsConnector::from(Arc::new(client)),
    }
}

#[tokio::test]
async fn https_sign_in_uses_host_prefixed_secure_cookies_and_hsts() {
    let w = world(Backend::Sqlite).await;
    let s = https_server(&w).await;
    let page = s.request(Method::GET, "/sign-in", "", "").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.headers["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    let form = serde_urlencoded::to_string([
        ("username", "officer"),
        ("password", PASSWORD),
        ("next", "/"),
    ])
    .unwrap();
    let r = s.request(Method::POST, "/sign-in", "", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let cookie = r.headers["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("__Host-handoff_session="), "{cookie}");
    for attr in ["; Secure", "; HttpOnly", "; SameSite=Strict", "; Path=/"] {
        assert!(cookie.contains(attr), "{attr} missing: {cookie}");
    }
    assert!(
        !cookie.contains("Domain="),
        "a __Host- cookie names no domain"
    );
    // The prefixed cookie is the one the server reads back.
    let pending = cookie.split(';').next().unwrap();
    let code_page = s.request(Method::GET, "/sign-in/code", pending, "").await;
    assert_eq!(code_page.status, StatusCode::OK, "{}", code_page.body);
    assert!(code_page.headers.contains_key("strict-transport-security"));
    // The unprefixed name is not accepted over HTTPS.
    let plain = pending.replacen("__Host-", "", 1);
    let r = s.request(Method::GET, "/sign-in/code", &plain, "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Plain HTTP answers carry no HSTS (the test world serves HTTP).
    let r = request(
        &w.client,
        Method::GET,
        &format!("{}/sign-in", w.base),
        &[],
        None,
    )
    .await;
    assert!(!r.headers.contains_key("strict-transport-security"));
}

#[test]
fn bad_certificate_files_are_named() {
    let missing = handoff_web::tls::load_config(&fixture("nope.pem"), &fixture("server.key"))
        .err()
        .unwrap();
    assert!(
        missing.contains("nope.pem") && missing.contains("cannot read"),
        "{missing}"
    );
    let not_cert = handoff_web::tls::load_config(&fixture("README.md"), &fixture("server.key"))
        .err()
        .unwrap();
    assert!(not_cert.contains("holds no certificate"), "{not_cert}");
    let mismatch = handoff_web::tls::load_config(&fixture("server.pem"), &fixture("other.key"))
        .err()
        .unwrap();
    assert!(mismatch.contains("do not go together"), "{mismatch}");
    let no_key = handoff_web::tls::load_config(&fixture("server.pem"), &fixture("ca.pem"))
        .err()
        .unwrap();
    assert!(no_key.contains("private key"), "{no_key}");
}
