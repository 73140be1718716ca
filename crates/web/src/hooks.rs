//! What other systems call back (ADR 0020): an SMS gateway's delivery report. The address
//! Handoff gave the gateway carries the message's id and a keyed signature of it; anything
//! else is not found. Reports are audited as the system.
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::ApiError;

pub async fn sms_report(
    State(st): State<AppState>,
    Path((id, signature)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return ApiError(handoff_app::AppError::NotFound).into_response();
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match handoff_app::outbox::delivery_report(&st.app, id, &signature, content_type, &body).await {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => ApiError(handoff_app::AppError::NotFound).into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}

/// A text someone sent back through the gateway: a STOP stops their reminders.
pub async fn sms_inbound(
    State(st): State<AppState>,
    Path(signature): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match handoff_app::outbox::inbound_text(&st.app, &signature, content_type, &body).await {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => ApiError(handoff_app::AppError::NotFound).into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}
