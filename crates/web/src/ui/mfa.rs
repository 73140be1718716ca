//! The second sign-in step: an authenticator code (TOTP) or a recovery code, and the
//! enrolment of a new authenticator by QR code. Between the password and the code the
//! browser holds a pending session, which opens no page but these.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use handoff_app::auth::{self as app_auth, Pending, Stage};
use handoff_app::{AppError, totp};
use qrcodegen::{QrCode, QrCodeEcc};

use crate::AppState;
use crate::auth::{cookie_name, read_cookie, session_cookie, url_escape, with_session};
use crate::error::error_page;
use crate::kit::page::AnonymousForm;
use crate::kit::render::{Layout, render, see_other, staff};
use crate::ui::sign_in::safe_next;

/// A browser between its password and its code. Without one: back to the sign-in page.
pub struct PendingSignIn {
    pub pending: Pending,
    pub token: String,
}

impl FromRequestParts<AppState> for PendingSignIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let expired = || see_other("/sign-in?notice=sign_in_expired");
        let Some(token) = read_cookie(parts, cookie_name(state.secure_cookies)) else {
            return Err(expired());
        };
        let device = crate::auth::device_of(parts, state.secure_cookies);
        match app_auth::resolve_pending(&state.app, &token, device.as_deref()).await {
            Ok(Some(pending)) => Ok(PendingSignIn { pending, token }),
            Ok(None) => Err(expired()),
            Err(e) => Err(error_page(&e)),
        }
    }
}

#[derive(Template)]
#[template(path = "sign_in_code.html")]
struct CodePage {
    layout: Layout,
    csrf: String,
    next: String,
    code: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "sign_in_enrol.html")]
struct EnrolPage {
    layout: Layout,
    csrf: String,
    next: String,
    code: String,
    error: Option<String>,
    qr_svg: String,
    secret_grouped: String,
    uri: String,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
struct RecoveryPage {
    layout: Layout,
    codes: Vec<String>,
    next: String,
}

fn next_of(q: &HashMap<String, String>) -> String {
    safe_next(q.get("next").map(String::as_str).unwrap_or("/"))
}

fn code_page(p: &PendingSignIn, next: String, code: String, error: Option<String>) -> CodePage {
    CodePage {
        layout: Layout::anonymous(&staff("sign-in-code-title")),
        csrf: p.pending.csrf.clone(),
        next,
        code,
        error,
    }
}

fn enrol_page(
    p: &PendingSignIn,
    next: String,
    code: String,
    error: Option<String>,
) -> Result<EnrolPage, AppError> {
    let secret = p
        .pending
        .secret
        .clone()
        .ok_or_else(|| AppError::Internal("an enrolment without a secret".into()))?;
    let uri = totp::otpauth_uri("Handoff", &p.pending.username, &secret);
    Ok(EnrolPage {
        layout: Layout::anonymous(&staff("sign-in-enrol-title")),
        csrf: p.pending.csrf.clone(),
        next,
        code,
        error,
        qr_svg: qr_svg(&uri)?,
        secret_grouped: totp::grouped(&secret),
        uri,
    })
}

pub async fn code_form(p: PendingSignIn, Query(q): Query<HashMap<String, String>>) -> Response {
    let next = next_of(&q);
    if p.pending.stage == Stage::Enrol {
        return see_other(&format!("/sign-in/enrol?next={}", url_escape(&next)));
    }
    render(StatusCode::OK, &code_page(&p, next, String::new(), None))
}

pub async fn enrol_form(p: PendingSignIn, Query(q): Query<HashMap<String, String>>) -> Response {
    let next = next_of(&q);
    if p.pending.stage == Stage::Code {
        return see_other(&format!("/sign-in/code?next={}", url_escape(&next)));
    }
    match enrol_page(&p, next, String::new(), None) {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => error_page(&e),
    }
}

/// A form of the second step, read at the door: the pending sign-in, the fields, and the
/// CSRF token checked against the pending session's (a refusal is audited).
pub struct PendingForm {
    pending: PendingSignIn,
    form: AnonymousForm,
}

impl axum::extract::FromRequest<AppState> for PendingForm {
    type Rejection = Response;

    async fn from_request(
        req: axum::extract::Request,
        st: &AppState,
    ) -> Result<Self, Self::Rejection> {
        use axum::extract::FromRequestParts;
        let (mut parts, body) = req.into_parts();
        let p = PendingSignIn::from_request_parts(&mut parts, st).await?;
        let req = axum::extract::Request::from_parts(parts, body);
        let mut form = AnonymousForm::from_request(req, st).await?;
        if crate::auth::same_secret(&form.fields.get("csrf"), &p.pending.csrf) {
            return Ok(PendingForm { pending: p, form });
        }
        let ctx = handoff_app::Ctx {
            actor: handoff_domain::policy::Actor {
                user_id: p.pending.user_id,
                username: p.pending.username.clone(),
                memberships: vec![],
            },
            display_name: p.pending.display_name.clone(),
            ip: form.ip,
            user_agent: form.user_agent,
        };
        if let Err(e) = handoff_app::audit::alone(
            &st.app,
            &ctx,
            "request.csrf",
            "form",
            "/sign-in/code",
            handoff_app::audit::DENIED,
            "the form's CSRF token does not match the pending sign-in's",
        )
        .await
        {
            return Err(error_page(&e));
        }
        Err(error_page(&AppError::Conflict(staff(
            "sign-in-code-expired",
        ))))
    }
}

/// Both forms post here: the pending session's stage says which check applies.
pub async fn submit(State(st): State<AppState>, pf: PendingForm) -> Response {
    let PendingForm { pending: p, form } = pf;
    let mut f = form.fields;
    let next = safe_next(&f.get("next"));
    let code = f.get("code");
    if let Err(e) = f.finish() {
        return error_page(&AppError::Invalid(e));
    }
    let (ip, ua, device) = (form.ip, form.user_agent, form.device);
    match app_auth::second_factor(&st.app, &p.token, &code, &ip, &ua, device.as_deref()).await {
        Ok(done) if !done.recovery_codes.is_empty() => with_session(
            &st,
            render(
                StatusCode::OK,
                &RecoveryPage {
                    layout: Layout::anonymous(&staff("recovery-codes-title")),
                    codes: done.recovery_codes,
                    next,
                },
            ),
            &done.session,
        ),
        Ok(done) => {
            let to = match done.recovery_left {
                Some(left) => format!(
                    "{}{}notice=recovery_used_{}",
                    next,
                    if next.contains('?') { '&' } else { '?' },
                    left.min(99)
                ),
                None => next,
            };
            with_session(&st, see_other(&to), &done.session)
        }
        Err(AppError::Invalid(e)) => {
            let error = e.0.first().map(|x| x.message.clone());
            let page = match p.pending.stage {
                Stage::Enrol => match enrol_page(&p, next, code, error) {
                    Ok(page) => return render(StatusCode::UNPROCESSABLE_ENTITY, &page),
                    Err(e) => return error_page(&e),
                },
                _ => code_page(&p, next, code, error),
            };
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(AppError::Conflict(m)) => {
            // Expired or locked: the pending session is of no more use.
            let mut r = see_other(&format!(
                "/sign-in?notice={}",
                if m.contains("locked") {
                    "account_locked"
                } else {
                    "sign_in_expired"
                }
            ));
            if let Ok(v) = HeaderValue::from_str(&session_cookie(st.secure_cookies, "", 0)) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Err(e) => error_page(&e),
    }
}

/// The QR code of `text` as an SVG (dark modules as one path, a four-module quiet zone).
pub fn qr_svg(text: &str) -> Result<String, AppError> {
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium)
        .map_err(|e| AppError::Internal(format!("QR code: {e}")))?;
    let size = qr.size();
    let border = 4;
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    let dim = size + 2 * border;
    // The label is the catalogue's text, escaped: the SVG is written into the page as is.
    let label = staff("sign-in-enrol-qr-label")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {dim} {dim}\" width=\"220\" height=\"220\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"{label}\"><rect width=\"{dim}\" height=\"{dim}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_an_svg_with_a_quiet_zone() {
        let svg = qr_svg("otpauth://totp/Handoff:officer?secret=ABCD").unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        // Version 3 (29 modules) or larger, plus 8 of border.
        let dim: i32 = svg
            .split("viewBox=\"0 0 ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(dim >= 29 + 8, "{dim}");
        // The finder pattern's top-left module is dark, at (4,4).
        assert!(svg.contains("M4,4h1v1h-1z"));
    }
}
