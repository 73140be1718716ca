//! Who is asking: a session cookie for people, a bearer token for systems.
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use handoff_app::{AppError, Ctx, auth};

use crate::AppState;
use crate::error::{ApiError, problem};

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

pub fn client(parts: &Parts) -> (String, String) {
    let ip = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "-".into());
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
            crate::pages::see_other(&format!("/sign-in?next={next}"))
        };
        let Some(token) = read_cookie(parts, cookie_name(state.secure_cookies)) else {
            return Err(to_sign_in());
        };
        match auth::resolve_session(&state.app, &token).await {
            Ok(Some(s)) => {
                let (ip, user_agent) = client(parts);
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
            Err(e) => Err(crate::pages::error_page(&e)),
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
                "Send a valid API token: Authorization: Bearer <token>.",
                None,
            );
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
            r
        };
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string());
        let Some(token) = token else {
            return Err(unauthorized());
        };
        match auth::resolve_token(&state.app, &token).await {
            Ok(Some((actor, display_name))) => {
                let (ip, user_agent) = client(parts);
                Ok(ApiUser(Ctx {
                    actor,
                    display_name,
                    ip,
                    user_agent,
                }))
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
        Err(AppError::Conflict(
            "This form has expired. Reload the page and submit it again.".into(),
        ))
    }
}

/// A submitted secret (a CSRF token) equals the expected one, compared in constant time.
pub fn same_secret(submitted: &str, expected: &str) -> bool {
    !submitted.is_empty() && constant_time_eq(submitted.as_bytes(), expected.as_bytes())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
