//! Who is asking: a session cookie for people, a bearer token for systems.
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use handoff_app::{AppError, Ctx, auth};

use crate::AppState;
use crate::error::{ApiError, problem};
use crate::kit::render::staff;

pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-handoff_session"
    } else {
        "handoff_session"
    }
}

pub fn read_cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn session_cookie(secure: bool, value: &str, max_age_secs: i64) -> String {
    let secure_attr = if secure { "; Secure" } else { "" };
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure_attr}",
        cookie_name(secure)
    )
}

/// The proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`): addresses or
/// networks (`10.0.0.0/8`, `::1`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses `ADDR` or `ADDR/BITS` items, naming the first one that is wrong.
    pub fn parse<S: AsRef<str>>(items: &[S]) -> Result<TrustedProxies, String> {
        let mut out = Vec::new();
        for item in items
            .iter()
            .map(|i| i.as_ref().trim())
            .filter(|i| !i.is_empty())
        {
            let (addr, bits) = match item.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (item, None),
            };
            let ip: IpAddr = addr
                .parse()
                .map_err(|_| format!("{item:?} is not an IP address or network"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                None => max,
                Some(b) => b
                    .parse::<u8>()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| format!("{item:?}: the prefix length must be 0 to {max}"))?,
            };
            out.push((ip, bits));
        }
        Ok(TrustedProxies(out))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        self.0.iter().any(|(net, bits)| match (net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(*bits)).unwrap_or(0);
                u32::from(*n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(*bits)).unwrap_or(0);
                u128::from(*n) & mask == u128::from(a) & mask
            }
            _ => false,
        })
    }

    /// The client's address, as recorded: the peer's, or, when the peer is a trusted
    /// proxy, the nearest address in `X-Forwarded-For` that is not a trusted proxy,
    /// followed by ` via ` and the peer (both are kept). Forwarded entries from a peer
    /// that is not trusted are ignored: anyone can send the header.
    pub fn client_of(&self, peer: Option<IpAddr>, headers: &axum::http::HeaderMap) -> String {
        let Some(peer) = peer else {
            return "-".into();
        };
        if !self.contains(peer) {
            return peer.to_string();
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = None;
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) if self.contains(ip) => client = Some(ip),
                Ok(ip) => {
                    client = Some(ip);
                    break;
                }
                // An entry that is not an address: nothing before it can be believed.
                Err(_) => break,
            }
        }
        match client {
            Some(c) if c != peer => format!("{c} via {peer}"),
            _ => peer.to_string(),
        }
    }
}

/// The client's address (as recorded, see `TrustedProxies::client_of`) and user agent.
pub fn client(parts: &Parts, proxies: &TrustedProxies) -> (String, String) {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let ip = proxies.client_of(peer, &parts.headers);
    let ua = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .chars()
        .take(300)
        .collect();
    (ip, ua)
}

/// A signed-in person (session cookie). Pages redirect to the sign-in page without one.
pub struct Session {
    pub ctx: Ctx,
    pub csrf: String,
    pub token: String,
}

impl FromRequestParts<AppState> for Session {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let to_sign_in = || {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let next: String = url_escape(next);
            crate::kit::render::see_other(&format!("/sign-in?next={next}"))
        };
        let Some(token) = read_cookie(parts, cookie_name(state.secure_cookies)) else {
            return Err(to_sign_in());
        };
        match auth::resolve_session(&state.app, &token).await {
            Ok(Some(s)) => {
                let (ip, user_agent) = client(parts, &state.proxies);
                Ok(Session {
                    ctx: Ctx {
                        actor: s.ctx_actor,
                        display_name: s.display_name,
                        ip,
                        user_agent,
                    },
                    csrf: s.csrf,
                    token,
                })
            }
            Ok(None) => Err(to_sign_in()),
            Err(e) => Err(crate::error::error_page(&e)),
        }
    }
}

pub fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An API client (bearer token).
pub struct ApiUser(pub Ctx);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let unauthorized = || {
            let mut r = problem(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                &staff("err-web-api-token"),
                None,
            );
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
            r
        };
        // The scheme is case-insensitive (RFC 9110 11.1).
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim().to_string());
        let Some(token) = token else {
            return Err(unauthorized());
        };
        match auth::resolve_token(&state.app, &token).await {
            Ok(Some((actor, display_name))) => {
                let (ip, user_agent) = client(parts, &state.proxies);
                let ctx = Ctx {
                    actor,
                    display_name,
                    ip,
                    user_agent,
                };
                match handoff_app::limits::check(&state.app, &ctx, &token).await {
                    Ok(()) => Ok(ApiUser(ctx)),
                    Err(e) => Err(ApiError(e).into_response()),
                }
            }
            Ok(None) => Err(unauthorized()),
            Err(e) => Err(ApiError(e).into_response()),
        }
    }
}

/// Checks the form's CSRF token against the session's.
pub fn check_csrf(session: &Session, submitted: &str) -> Result<(), AppError> {
    if same_secret(submitted, &session.csrf) {
        Ok(())
    } else {
        Err(AppError::Conflict(staff("err-web-form-expired")))
    }
}

pub use handoff_app::util::same_secret;

/// The device cookie's name (docs/adr/0013).
pub fn device_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-handoff_device"
    } else {
        "handoff_device"
    }
}

/// The device cookie a request carries, if any.
pub fn device_of(parts: &Parts, secure: bool) -> Option<String> {
    read_cookie(parts, device_cookie_name(secure))
}

pub fn device_cookie(secure: bool, value: &str) -> String {
    let secure_attr = if secure { "; Secure" } else { "" };
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure_attr}",
        device_cookie_name(secure),
        handoff_app::auth::DEVICE_DAYS * 86_400
    )
}

/// Sets the session cookie on a response (a full session lasts up to the sign-in limit,
/// a pending one the few minutes it has to be completed).
pub fn with_session(
    st: &AppState,
    mut r: Response,
    session: &handoff_app::auth::NewSession,
) -> Response {
    let max_age = match session.stage {
        handoff_app::auth::Stage::Full => st.app.settings.session_max_hours * 3600,
        _ => handoff_app::auth::PENDING_MINUTES * 60,
    };
    if let Ok(v) =
        header::HeaderValue::from_str(&session_cookie(st.secure_cookies, &session.token, max_age))
    {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    if let Some(d) = &session.device
        && let Ok(v) = header::HeaderValue::from_str(&device_cookie(st.secure_cookies, d))
    {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}
