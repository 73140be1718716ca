//! The Open Referral HSDS 3.1 read API over the program's directory (ADR 0017): `/hsds/`,
//! `/hsds/services`, `/hsds/services/{id}`, `/hsds/organizations`. These are the standard's
//! routes, described by its own OpenAPI document, so they are not in Handoff's (ADR 0016).
//! A program member's bearer token reads its program's directory; without a token, the
//! one directory on this server its program made public.
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::{StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use handoff_app::AppError;
use handoff_app::directory::{self, Reader, ServiceQuery};
use handoff_domain::FieldErrors;
use uuid::Uuid;

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::kit::render::{staff, staff_with};

/// Who asks: a token's holder, or anyone.
pub struct Asker(Option<ApiUser>);

impl FromRequestParts<AppState> for Asker {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        if parts.headers.contains_key(header::AUTHORIZATION) {
            Ok(Asker(Some(
                ApiUser::from_request_parts(parts, state).await?,
            )))
        } else {
            Ok(Asker(None))
        }
    }
}

impl Asker {
    fn reader(&self) -> Reader<'_> {
        match &self.0 {
            Some(ApiUser(ctx)) => Reader::Member(ctx),
            None => Reader::Public,
        }
    }
}

fn json(v: &serde_json::Value) -> Response {
    (StatusCode::OK, axum::Json(v)).into_response()
}

/// The query's parameters, each checked; an unknown one is refused by name.
fn params(raw: Option<String>, allowed: &[&str]) -> Result<ServiceQuery, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|_| ApiError(AppError::field("query", staff("err-api-hsds-query"))))?;
    let mut q = ServiceQuery {
        page: 1,
        per_page: 50,
        ..ServiceQuery::default()
    };
    let mut errors = FieldErrors::new();
    let mut seen = Vec::new();
    for (k, v) in pairs {
        if seen.contains(&k) {
            errors.add(&k, staff("err-api-hsds-repeated"));
            continue;
        }
        seen.push(k.clone());
        match k.as_str() {
            "page" if allowed.contains(&"page") => match v.parse::<usize>() {
                Ok(n) if (1..=1_000_000).contains(&n) => q.page = n,
                _ => errors.add("page", staff("err-api-hsds-page")),
            },
            "per_page" if allowed.contains(&"per_page") => match v.parse::<usize>() {
                Ok(n) if (1..=500).contains(&n) => q.per_page = n,
                _ => errors.add("per_page", staff("err-api-hsds-per-page")),
            },
            "modified_after" if allowed.contains(&"modified_after") => {
                match chrono::DateTime::parse_from_rfc3339(&v) {
                    Ok(t) => q.modified_after = Some(t.with_timezone(&chrono::Utc)),
                    Err(_) => errors.add("modified_after", staff("err-api-hsds-modified-after")),
                }
            }
            "taxonomy_term_id" if allowed.contains(&"taxonomy_term_id") => {
                match Uuid::parse_str(&v) {
                    Ok(id) => q.taxonomy_term_id = Some(id),
                    Err(_) => errors.add("taxonomy_term_id", staff("err-api-hsds-uuid")),
                }
            }
            other => errors.add(
                other,
                staff_with("err-api-hsds-unknown", "allowed", allowed.join(", ")),
            ),
        }
    }
    if errors.is_empty() {
        Ok(q)
    } else {
        Err(ApiError(AppError::Invalid(errors)))
    }
}

/// `GET /hsds/`: which HSDS version and profile this API answers.
pub async fn root(State(state): State<AppState>, asker: Asker) -> Result<Response, ApiError> {
    directory::program_for(&state.app, &asker.reader()).await?;
    Ok(json(&serde_json::json!({
        "version": "3.1",
        "profile": "https://openreferral.org/hsds/3.1",
        "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.1/schema/openapi.json",
    })))
}

pub async fn services(
    State(state): State<AppState>,
    asker: Asker,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = params(
        raw,
        &["page", "per_page", "modified_after", "taxonomy_term_id"],
    )?;
    Ok(json(
        &directory::hsds_services(&state.app, &asker.reader(), &q).await?,
    ))
}

pub async fn service(
    State(state): State<AppState>,
    asker: Asker,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError(AppError::NotFound))?;
    Ok(json(
        &directory::hsds_service(&state.app, &asker.reader(), id).await?,
    ))
}

pub async fn organizations(
    State(state): State<AppState>,
    asker: Asker,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = params(raw, &["page", "per_page"])?;
    Ok(json(
        &directory::hsds_organizations(&state.app, &asker.reader(), q.page, q.per_page).await?,
    ))
}
