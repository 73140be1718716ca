//! Page helpers that need the signed-in session: the layout for it, the error page for it,
//! and reading a form (CSRF checked and audited).

use axum::body::Bytes;
use axum::response::Response;
use chrono_tz::Tz;
use handoff_app::{AppError, Ctx};
use handoff_domain::FieldErrors;

use crate::AppState;
use crate::auth::{Session, check_csrf};
use crate::error::ErrorPage;
use crate::error::{public_message, status_of};
use crate::kit::forms::Fields;
use crate::kit::render::{Layout, nav_for, notice_text, render};

pub(crate) fn error_for(s: &Session, e: &AppError) -> Response {
    let status = status_of(e);
    let mut layout = Layout::new(status.canonical_reason().unwrap_or("Error"), s, None);
    layout.notice = None;
    render(
        status,
        &ErrorPage {
            layout,
            status: status.as_u16(),
            message: public_message(e),
        },
    )
}

/// What a refused form submission shows next to the form: its field errors, or a rule
/// or conflict as a message for the whole form. Other errors get the error page.
pub(crate) fn form_errors(e: AppError) -> Result<FieldErrors, AppError> {
    match e {
        AppError::Invalid(f) => Ok(f),
        AppError::Rule(m) | AppError::Conflict(m) | AppError::Stale(m) => {
            Ok(FieldErrors::single("form", m))
        }
        e => Err(e),
    }
}

/// Reads a form and checks its CSRF token (a refusal is audited); the caller refuses
/// unknown fields with `finish`.
pub(crate) async fn form(
    app: &handoff_app::App,
    s: &Session,
    body: &Bytes,
) -> Result<Fields, AppError> {
    let mut f = Fields::parse(body).map_err(AppError::Invalid)?;
    if let Err(e) = check_csrf(s, &f.get("csrf")) {
        handoff_app::audit::alone(
            app,
            &s.ctx,
            "request.csrf",
            "form",
            "",
            handoff_app::audit::DENIED,
            "the form's CSRF token does not match the session's",
        )
        .await?;
        return Err(e);
    }
    Ok(f)
}

pub(crate) async fn program_tz(st: &AppState, ctx: &Ctx) -> Tz {
    match ctx.program_id() {
        Some(pid) => st
            .app
            .program_data(pid)
            .await
            .map(|d| d.tz)
            .unwrap_or(chrono_tz::UTC),
        None => chrono_tz::UTC,
    }
}

impl Layout {
    /// The layout of a signed-in person's page: their name, the navigation their roles
    /// allow, the form token, and a notice if one was asked for.
    pub fn new(title: impl Into<String>, s: &Session, notice: Option<&String>) -> Layout {
        Layout {
            title: title.into(),
            user: Some(s.ctx.display_name.clone()),
            nav: nav_for(&s.ctx),
            csrf: s.csrf.clone(),
            css: crate::assets::css_path(),
            notice: notice.and_then(|n| notice_text(n)),
        }
    }
}

/// A page form, read at the door: the signed-in session, the body parsed as name/value
/// pairs, and its CSRF token checked (a refusal is audited). A handler is given it or never
/// runs: without a session the browser goes to the sign-in page, a body over 1 MiB gets
/// 413, a bad form or token the error page. The handler refuses unknown fields with
/// `finish` once it has read the ones it knows.
pub struct Form(pub Session, pub Fields);

impl axum::extract::FromRequest<AppState> for Form {
    type Rejection = Response;

    async fn from_request(
        req: axum::extract::Request,
        st: &AppState,
    ) -> Result<Self, Self::Rejection> {
        use axum::extract::FromRequestParts;
        use axum::response::IntoResponse;
        let (mut parts, body) = req.into_parts();
        let s = Session::from_request_parts(&mut parts, st).await?;
        let req = axum::extract::Request::from_parts(parts, body);
        let bytes = Bytes::from_request(req, st)
            .await
            .map_err(IntoResponse::into_response)?;
        match form(&st.app, &s, &bytes).await {
            Ok(f) => Ok(Form(s, f)),
            Err(e) => Err(error_for(&s, &e)),
        }
    }
}

/// A form posted without a signed-in session (the sign-in steps): its fields parsed at
/// the door, with who is posting (client address as recorded, user agent, device cookie).
/// A body that is not a form gets the error page.
pub struct AnonymousForm {
    pub fields: Fields,
    pub ip: String,
    pub user_agent: String,
    pub device: Option<String>,
}

impl axum::extract::FromRequest<AppState> for AnonymousForm {
    type Rejection = Response;

    async fn from_request(
        req: axum::extract::Request,
        st: &AppState,
    ) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let (parts, body) = req.into_parts();
        let (ip, user_agent) = crate::auth::client(&parts, &st.proxies);
        let device = crate::auth::device_of(&parts, st.secure_cookies);
        let req = axum::extract::Request::from_parts(parts, body);
        let bytes = Bytes::from_request(req, st)
            .await
            .map_err(IntoResponse::into_response)?;
        let fields =
            Fields::parse(&bytes).map_err(|e| crate::error::error_page(&AppError::Invalid(e)))?;
        Ok(AnonymousForm {
            fields,
            ip,
            user_agent,
            device,
        })
    }
}

/// A page form read into its typed values at the door: the session, size and CSRF token
/// as `Form`, then the values read by name (`FromFields`). Names the form does not have
/// are refused when the handler runs its service (`run`): as a validation error, so the
/// form is shown again with what was typed.
pub struct Input<T> {
    pub s: Session,
    pub v: T,
    unknown: Result<(), FieldErrors>,
}

impl<T> Input<T> {
    /// Runs `service` with the typed values, unless the form carried names it does not
    /// have.
    pub async fn run<R>(
        &self,
        service: impl AsyncFnOnce(&T) -> Result<R, AppError>,
    ) -> Result<R, AppError> {
        match &self.unknown {
            Ok(()) => service(&self.v).await,
            Err(e) => Err(AppError::Invalid(e.clone())),
        }
    }

    /// The refusal of unknown names, if any (for a handler that calls no service).
    pub fn unknown(&self) -> Result<(), AppError> {
        self.unknown.clone().map_err(AppError::Invalid)
    }
}

impl<T: crate::kit::forms::FromFields> axum::extract::FromRequest<AppState> for Input<T> {
    type Rejection = Response;

    async fn from_request(
        req: axum::extract::Request,
        st: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Form(s, mut f) = Form::from_request(req, st).await?;
        let v = T::from_fields(&mut f);
        let unknown = f.finish();
        Ok(Input { s, v, unknown })
    }
}

/// A page of a long list on a staff page: the first, or the one after `?after=` (the same
/// cursor as the API's). A link that does not name a place in the list is refused.
pub(crate) fn list_page(
    q: &std::collections::HashMap<String, String>,
    limit: i64,
) -> Result<handoff_storage::Page, AppError> {
    match q.get("after") {
        None => Ok(handoff_storage::Page::first(limit)),
        Some(c) => crate::api::decode_cursor(c)
            .map(|k| handoff_storage::Page {
                after: Some(k),
                limit,
            })
            .ok_or_else(|| AppError::field("after", handoff_i18n::staff("err-page-link"))),
    }
}

/// The links under a long list: to the next page (with the page's other query values
/// kept), and back to the first when this is not it.
#[derive(Default)]
pub struct Pager {
    pub next: Option<String>,
    pub first: Option<String>,
}

impl Pager {
    pub(crate) fn new(
        path: &str,
        q: &std::collections::HashMap<String, String>,
        next: Option<handoff_storage::PageKey>,
    ) -> Pager {
        let mut kept: Vec<(&str, &str)> = q
            .iter()
            .filter(|(k, _)| *k != "after" && *k != "notice")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        kept.sort();
        let href = |after: Option<String>| {
            let mut pairs = kept.clone();
            if let Some(a) = &after {
                pairs.push(("after", a.as_str()));
            }
            match serde_urlencoded::to_string(&pairs) {
                Ok(s) if !s.is_empty() => format!("{path}?{s}"),
                _ => path.to_string(),
            }
        };
        Pager {
            next: next.map(|k| href(Some(crate::api::encode_cursor(k)))),
            first: q.contains_key("after").then(|| href(None)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn the_pager_keeps_the_pages_other_values_and_drops_the_notice() {
        let key = handoff_storage::PageKey {
            page_rank: 0,
            page_at: chrono::DateTime::UNIX_EPOCH,
            page_id: uuid::Uuid::nil(),
        };
        let q: HashMap<String, String> = [("all", "1"), ("notice", "saved")]
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let p = Pager::new("/queue", &q, Some(key));
        let next = p.next.expect("next");
        assert!(next.starts_with("/queue?all=1&after="), "{next}");
        assert!(p.first.is_none());
        let mut later = q.clone();
        later.insert("after".into(), crate::api::encode_cursor(key));
        let p = Pager::new("/queue", &later, None);
        assert_eq!(p.first.as_deref(), Some("/queue?all=1"));
        assert!(p.next.is_none());
        assert!(list_page(&later, 5).is_ok_and(|p| p.after == Some(key) && p.limit == 5));
        later.insert("after".into(), "x".into());
        assert!(list_page(&later, 5).is_err());
    }
}
