//! One boundary error, rendered as an HTML page for people and as problem+json for the API.
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use handoff_app::AppError;

use crate::kit::render::{staff, staff_with};

pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Stale(_) => StatusCode::PRECONDITION_FAILED,
        AppError::Rule(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Limited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// What a person or client may be told: never internal details.
pub fn public_message(e: &AppError) -> String {
    match e {
        AppError::NotFound => staff("err-web-not-found"),
        AppError::Unauthenticated => staff("err-web-sign-in-first"),
        AppError::Invalid(f) => staff_with("err-web-please-correct", "errors", f.to_string()),
        AppError::Conflict(m) | AppError::Rule(m) | AppError::Stale(m) => m.clone(),
        AppError::Limited { retry_after } => {
            staff_with("err-web-limited", "seconds", retry_after.to_string())
        }
        AppError::Internal(_) => staff("err-web-internal"),
    }
}

/// An error answered as problem+json (RFC 9457).
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

pub fn problem(
    status: StatusCode,
    title: &str,
    detail: &str,
    errors: Option<serde_json::Value>,
) -> Response {
    let mut body = serde_json::json!({
        "type": "about:blank",
        "title": title,
        "status": status.as_u16(),
        "detail": detail,
    });
    if let Some(e) = errors {
        body["errors"] = e;
    }
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    resp
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        let errors = match &self.0 {
            AppError::Invalid(f) => Some(serde_json::to_value(&f.0).unwrap_or_default()),
            _ => None,
        };
        let title = status.canonical_reason().unwrap_or("Error");
        let mut r = problem(status, title, &public_message(&self.0), errors);
        if let AppError::Limited { retry_after } = self.0 {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        r
    }
}

/// A record's id from the path. A malformed one names no record: it is answered as "not
/// found" (problem+json under `/api/`, the error page elsewhere), never with the parser's
/// text or the input echoed back.
pub struct Id(pub uuid::Uuid);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Id {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<uuid::Uuid>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(id)) => Ok(Id(id)),
            Err(_) => Err(not_found_for(parts.uri.path())),
        }
    }
}

/// "Not found" in the form the path's clients read: problem+json for the API.
pub fn not_found_for(path: &str) -> Response {
    if path == "/api" || path.starts_with("/api/") {
        ApiError(AppError::NotFound).into_response()
    } else {
        error_page(&AppError::NotFound)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    pub(crate) layout: crate::kit::render::Layout,
    pub(crate) status: u16,
    pub(crate) message: String,
}

pub fn error_page(e: &AppError) -> Response {
    let status = status_of(e);
    crate::kit::render::render(
        status,
        &ErrorPage {
            layout: crate::kit::render::Layout::anonymous(&crate::kit::render::staff(
                "error-title",
            )),
            status: status.as_u16(),
            message: public_message(e),
        },
    )
}
