//! The JSON API: the same services as the pages, authenticated with bearer tokens. Every
//! route is registered with its OpenAPI entry (`routes`), bodies are checked against the
//! document and parsed strictly, and errors are problem+json naming the field at fault.
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use handoff_app::AppError;
use handoff_domain::FieldErrors;
use handoff_storage::{Page, PageKey};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{ApiError, problem};
use crate::kit::render::{staff, staff_with};

pub mod bodies;
mod cases;
mod directory;
pub mod doc;
mod followup;
pub mod hsds;

type ApiResult = Result<Response, ApiError>;

/// The API's routes, each with its document entry: a route cannot be added without one.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(cases::me))
        .routes(routes!(cases::search_participants))
        .routes(routes!(cases::create_encounter, cases::list_encounters))
        .routes(routes!(cases::get_encounter))
        .routes(routes!(cases::request_override))
        .routes(routes!(cases::review_override))
        .routes(routes!(cases::record_offer))
        .routes(routes!(cases::record_attempt))
        .routes(routes!(cases::refer_again))
        .routes(routes!(followup::referral_queue))
        .routes(routes!(followup::get_referral))
        .routes(routes!(followup::referral_event))
        .routes(routes!(followup::hold_queue))
        .routes(routes!(followup::get_hold))
        .routes(routes!(followup::decide_hold))
        .routes(routes!(followup::get_dashboard))
        .routes(routes!(followup::deadlines))
        .routes(routes!(directory::list_capacities))
        .routes(routes!(directory::update_capacity))
}

/// A JSON body, as an extractor: sent as `application/json` (else 415), at most 1 MiB
/// (413), JSON (400), and as the document describes the type (422, each field named);
/// only then does the handler run.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + ToSchema, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .is_some_and(|v| v == "application/json" || v.ends_with("+json"));
        if !json {
            return Err(problem(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported Media Type",
                &staff("err-api-media-type"),
                None,
            ));
        }
        let bytes = match Bytes::from_request(req, state).await {
            Ok(b) => b,
            Err(r) => {
                let status = r.status();
                let detail = if status == StatusCode::PAYLOAD_TOO_LARGE {
                    staff("err-api-too-large")
                } else {
                    r.body_text()
                };
                return Err(problem(
                    status,
                    status.canonical_reason().unwrap_or("Bad request"),
                    &detail,
                    None,
                ));
            }
        };
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            problem(
                StatusCode::BAD_REQUEST,
                "Bad Request",
                &staff_with("err-api-not-json", "error", e.to_string()),
                None,
            )
        })?;
        let faults = doc::check(&T::name(), &value);
        if !faults.is_empty() {
            let mut errors = FieldErrors::new();
            for (f, m) in faults {
                errors.add(f, m);
            }
            return Err(ApiError(AppError::Invalid(errors)).into_response());
        }
        serde_json::from_value(value).map(Json).map_err(|e| {
            problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Unprocessable Entity",
                &staff_with("err-api-not-fitting", "error", e.to_string()),
                None,
            )
        })
    }
}

/// A typed answer: the status and the body the document lists for it.
fn answer<T: Serialize>(status: StatusCode, body: &T) -> Response {
    (status, axum::Json(body)).into_response()
}

fn ok<T: Serialize>(body: T) -> ApiResult {
    Ok(answer(StatusCode::OK, &body))
}

/// The page a list is asked for (`cursor`, `limit`): a bad one is 422, by name.
#[derive(Debug, Clone, Copy, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Where the page starts: the `next_cursor` of the page before; left out for the first
    /// page.
    #[param(value_type = Option<String>, max_length = 200)]
    cursor: Option<PageKey>,
    /// How many rows, 1 to 100 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    limit: Option<i64>,
}

pub const PAGE_DEFAULT: i64 = 50;
pub const PAGE_MAX: i64 = 100;

impl Paging {
    pub fn page(self) -> Page {
        Page {
            after: self.cursor,
            limit: self.limit.unwrap_or(PAGE_DEFAULT),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Paging {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        let q: Vec<(String, String)> =
            serde_urlencoded::from_str(parts.uri.query().unwrap_or("")).unwrap_or_default();
        let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let mut errors = FieldErrors::new();
        let limit = match get("limit") {
            None => None,
            Some(v) => match v.parse::<i64>() {
                Ok(n) if (1..=PAGE_MAX).contains(&n) => Some(n),
                _ => {
                    errors.add("limit", staff_with("err-api-limit", "max", PAGE_MAX));
                    None
                }
            },
        };
        let cursor = match get("cursor") {
            None => None,
            Some(c) => match decode_cursor(c) {
                Some(k) => Some(k),
                None => {
                    errors.add("cursor", staff("err-api-cursor"));
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(ApiError(AppError::Invalid(errors)).into_response());
        }
        Ok(Paging { cursor, limit })
    }
}

pub fn encode_cursor(k: PageKey) -> String {
    let raw = format!(
        "{}|{}|{}",
        k.page_rank,
        k.page_at
            .to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
        k.page_id
    );
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

pub(crate) fn decode_cursor(c: &str) -> Option<PageKey> {
    if c.len() > 200 {
        return None;
    }
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .ok()?;
    let raw = String::from_utf8(raw).ok()?;
    let mut parts = raw.split('|');
    let page_rank = parts.next()?.parse().ok()?;
    let page_at = chrono::DateTime::parse_from_rfc3339(parts.next()?)
        .ok()?
        .with_timezone(&chrono::Utc);
    let page_id = uuid::Uuid::parse_str(parts.next()?).ok()?;
    parts.next().is_none().then_some(PageKey {
        page_rank,
        page_at,
        page_id,
    })
}

/// A page's answer: the body, and a `Link` to the next page when there is one.
fn paged<T: Serialize>(body: &T, path: &str, page: Page, next: Option<&str>) -> Response {
    let mut r = answer(StatusCode::OK, body);
    if let Some(c) = next
        && let Ok(v) = HeaderValue::from_str(&format!(
            "<{path}?cursor={c}&limit={}>; rel=\"next\"",
            page.limit
        ))
    {
        r.headers_mut().insert(header::LINK, v);
    }
    r
}

/// A record's version as an entity tag (ADR 0015): its `updated_at`, quoted.
fn etag(updated_at: chrono::DateTime<chrono::Utc>) -> String {
    format!("\"{}\"", updated_at.to_rfc3339())
}

/// A response with the record's entity tag.
fn with_etag(mut r: Response, updated_at: chrono::DateTime<chrono::Utc>) -> Response {
    if r.status().is_success()
        && let Ok(v) = HeaderValue::from_str(&etag(updated_at))
    {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

/// What `If-Match` asks (RFC 9110 13.1.1): nothing without the header or with `*`;
/// otherwise the one strong entity tag it names. Anything else (a weak tag, several
/// tags, a malformed value) can match no version of ours: the change is refused as 412
/// and nothing changes.
fn if_match(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::IF_MATCH)?;
    let v = v.to_str().unwrap_or("").trim();
    if v == "*" {
        return None;
    }
    match v.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(t) if !t.is_empty() && !t.contains('"') => Some(t.to_string()),
        // Never a version: compared, it is stale.
        _ => Some(String::from("-")),
    }
}

/// A stale version answers 412 when it came from `If-Match` (a precondition), 409 when it
/// came in the body.
fn stale_as(acted: Result<(), AppError>, from_header: bool) -> Result<(), AppError> {
    match acted {
        Err(AppError::Stale(m)) if !from_header => Err(AppError::Conflict(m)),
        other => other,
    }
}
