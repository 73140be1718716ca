//! Cross-cutting layers: security headers on every response, and refusal of cross-site
//! state-changing requests (the browser's Sec-Fetch-Site and Origin headers).
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::problem;
use crate::kit::render::staff;

pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub async fn security_headers(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    if st.secure_cookies {
        // Browsers that once reached us over HTTPS never try plain HTTP for a year.
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(self)"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !is_static && !h.contains_key(header::CACHE_CONTROL) {
        // Pages hold personal data: never cache them.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// Refuses a state-changing request that a browser says came from another site: by
/// `Sec-Fetch-Site`, else by an `Origin` that is not this server's own scheme, host and
/// port. Refusals are audited.
pub async fn same_origin(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let h = req.headers();
        let refused = if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
            (site != "same-origin" && site != "none").then(|| format!("Sec-Fetch-Site: {site}"))
        } else if let Some(origin) = h.get(header::ORIGIN) {
            let host = h
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let scheme = if st.secure_cookies { "https" } else { "http" };
            let own = format!("{scheme}://{host}");
            let origin = origin.to_str().unwrap_or("");
            (host.is_empty() || !origin.eq_ignore_ascii_case(&own))
                .then(|| format!("Origin: {}", origin.chars().take(200).collect::<String>()))
        } else {
            None
        };
        if let Some(why) = refused {
            let (parts, _) = req.into_parts();
            let (ip, user_agent) = crate::auth::client(&parts, &st.proxies);
            let ctx = handoff_app::Ctx {
                actor: handoff_domain::policy::Actor {
                    user_id: uuid::Uuid::nil(),
                    username: String::new(),
                    memberships: vec![],
                },
                display_name: String::new(),
                ip,
                user_agent,
            };
            let path: String = parts.uri.path().chars().take(200).collect();
            if let Err(e) = handoff_app::audit::alone(
                &st.app,
                &ctx,
                "request.cross_site",
                "path",
                &path,
                handoff_app::audit::DENIED,
                &why,
            )
            .await
            {
                return crate::error::ApiError(e).into_response();
            }
            return problem(
                StatusCode::FORBIDDEN,
                "Forbidden",
                &staff("err-web-cross-site"),
                None,
            );
        }
    }
    next.run(req).await
}
