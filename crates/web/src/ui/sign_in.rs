//! Signing in with a password (the second step is `mfa`), signing out, the start page.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use handoff_app::{AppError, auth as app_auth};

use crate::AppState;
use crate::auth::{Session, session_cookie};
use crate::error::error_page;
use crate::kit::page::error_for;
use crate::kit::page::{AnonymousForm, Input};
use crate::kit::render::{Layout, nav_for, notice_text, render, see_other, staff};

#[derive(Template)]
#[template(path = "sign_in.html")]
pub(crate) struct SignInPage {
    layout: Layout,
    username: String,
    error: Option<String>,
    next: String,
}

/// Where to go after signing in: only a path on this server. Anything else (another
/// host as `//host` or `/\\host`, a scheme, a space, tab, CR/LF or other control or
/// non-ASCII character that a browser might strip or read as a separator, a string
/// that is not a valid path and query) gives the start page.
pub(crate) fn safe_next(next: &str) -> String {
    let b = next.as_bytes();
    let ok = b.first() == Some(&b'/')
        && !matches!(b.get(1), Some(b'/' | b'\\'))
        && b.len() <= 2048
        && b.iter().all(|c| c.is_ascii_graphic() && *c != b'\\')
        && next.parse::<axum::http::uri::PathAndQuery>().is_ok()
        && HeaderValue::from_str(next).is_ok();
    if ok { next.to_string() } else { "/".into() }
}

pub async fn sign_in_form(Query(q): Query<HashMap<String, String>>) -> Response {
    let mut layout = Layout::anonymous(&staff("sign-in-title"));
    layout.notice = q.get("notice").and_then(|n| notice_text(n));
    render(
        StatusCode::OK,
        &SignInPage {
            layout,
            username: String::new(),
            error: None,
            next: safe_next(q.get("next").map(String::as_str).unwrap_or("/")),
        },
    )
}

pub async fn sign_in(State(st): State<AppState>, form: AnonymousForm) -> Response {
    let mut f = form.fields;
    let username = f.get("username");
    let password = f.get("password");
    let next = safe_next(&f.get("next"));
    let (ip, ua, device) = (form.ip, form.user_agent, form.device);
    match app_auth::sign_in(&st.app, &username, &password, &ip, &ua, device.as_deref()).await {
        Ok(session) => {
            let to = match session.stage {
                app_auth::Stage::Full => next,
                app_auth::Stage::Code => {
                    format!("/sign-in/code?next={}", crate::auth::url_escape(&next))
                }
                app_auth::Stage::Enrol => {
                    format!("/sign-in/enrol?next={}", crate::auth::url_escape(&next))
                }
            };
            crate::auth::with_session(&st, see_other(&to), &session)
        }
        Err(AppError::Invalid(e)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SignInPage {
                layout: Layout::anonymous(&staff("sign-in-title")),
                username,
                error: e.0.first().map(|x| x.message.clone()),
                next,
            },
        ),
        Err(e) => error_page(&e),
    }
}

pub async fn sign_out(State(st): State<AppState>, form: Input<()>) -> Response {
    let s = &form.s;
    if let Err(e) = form
        .run(async |_| app_auth::sign_out(&st.app, &s.ctx, &s.token).await)
        .await
    {
        return error_for(s, &e);
    }
    let mut r = see_other("/sign-in?notice=signed_out");
    if let Ok(v) = HeaderValue::from_str(&session_cookie(st.secure_cookies, "", 0)) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

pub async fn home(s: Session, Query(q): Query<HashMap<String, String>>) -> Response {
    match nav_for(&s.ctx).first() {
        // A notice for the start page (after sign-in) follows the redirect.
        Some((href, _)) => match q.get("notice").filter(|n| notice_text(n).is_some()) {
            Some(n) => see_other(&format!("{href}?notice={n}")),
            None => see_other(href),
        },
        None => error_for(&s, &AppError::Rule(staff("sign-in-no-role"))),
    }
}
