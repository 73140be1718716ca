//! What follows the handoff: the provider's referrals, the prosecutor's held charges, the
//! program's measures and deadlines.
use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use handoff_app::referrals::ReferralActionInput;
use handoff_app::{AppError, admin, dashboard, holds, referrals};
use handoff_domain::input::{HoldDecisionInput, parse_date};
use handoff_domain::policy::ProgramAction;

use super::bodies::{self, DeadlineLine, Hold, HoldQueueLine, Referral, ReferralQueueLine};
use super::{
    ApiResult, Json, Paging, answer, encode_cursor, if_match, ok, paged, stale_as, with_etag,
};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Id};
use crate::kit::render::staff;

/// The provider's referral queue: open referrals, warm handoffs waiting first; with
/// `all=true`, every referral, last changed first.
#[utoipa::path(get, path = "/api/v1/referrals", operation_id = "referral_queue", tag = "referrals",
    params(Paging, ("all" = Option<bool>, Query, description = "Closed referrals too")),
    responses((status = 200, description = "One page", body = bodies::ReferralQueue,
        headers(("Link" = String, description = "The next page, when there is one")))))]
pub async fn referral_queue(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    paging: Paging,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let all = match q.get("all").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(AppError::field("all", staff("err-api-true-false")).into()),
    };
    let page = paging.page();
    let queue = referrals::queue(&st.app, &ctx, all, page).await?;
    let next = queue.next.map(encode_cursor);
    let body = bodies::ReferralQueue {
        organization: queue.org_name.clone(),
        referrals: queue.rows.iter().map(ReferralQueueLine::from).collect(),
        next_cursor: next.clone(),
    };
    Ok(paged(&body, "/api/v1/referrals", page, next.as_deref()))
}

/// A referral, as the provider sees it, with its version as `ETag`.
#[utoipa::path(get, path = "/api/v1/referrals/{id}", operation_id = "get_referral", tag = "referrals",
    params(("id" = Uuid, Path, description = "The referral")),
    responses((status = 200, description = "The referral", body = Referral,
        headers(("ETag" = String, description = "The referral's version, for If-Match")))))]
pub async fn get_referral(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Id(id): Id,
) -> ApiResult {
    let v = referrals::view(&st.app, &ctx, id).await?;
    Ok(with_etag(
        answer(StatusCode::OK, &Referral::from(&v)),
        v.referral.updated_at,
    ))
}

/// Record a step on a referral. With `If-Match`, only if nobody changed it since it was
/// read.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/events", operation_id = "referral_event", tag = "referrals",
    params(
        ("id" = Uuid, Path, description = "The referral"),
        ("If-Match" = Option<String>, Header, description = "The ETag as last read: the step is recorded only if it is still current"),
    ),
    request_body = ReferralActionInput,
    responses(
        (status = 200, description = "The referral after the step", body = Referral,
            headers(("ETag" = String, description = "The referral's new version"))),
        (status = 409, description = "The step does not follow from the referral's status, or the body's version is stale", body = bodies::Problem, content_type = "application/problem+json"),
        (status = 412, description = "The If-Match version is no longer current: nothing changed", body = bodies::Problem, content_type = "application/problem+json"),
    ))]
pub async fn referral_event(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Id(id): Id,
    headers: HeaderMap,
    Json(mut input): Json<ReferralActionInput>,
) -> Response {
    let expected = if_match(&headers);
    let from_header = expected.is_some();
    if let Some(v) = expected {
        input.version = v;
    }
    let acted = stale_as(referrals::act(&st.app, &ctx, id, &input).await, from_header);
    if let Err(e) = acted {
        return ApiError(e).into_response();
    }
    match referrals::view(&st.app, &ctx, id).await {
        Ok(v) => with_etag(
            answer(StatusCode::OK, &Referral::from(&v)),
            v.referral.updated_at,
        ),
        Err(e) => ApiError(e).into_response(),
    }
}

/// The prosecutor's held charges: undecided first, by deadline.
#[utoipa::path(get, path = "/api/v1/holds", operation_id = "hold_queue", tag = "holds",
    params(Paging),
    responses((status = 200, description = "One page", body = bodies::HoldQueue,
        headers(("Link" = String, description = "The next page, when there is one")))))]
pub async fn hold_queue(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    paging: Paging,
) -> ApiResult {
    let page = paging.page();
    let q = holds::queue(&st.app, &ctx, page).await?;
    let next = q.next.map(encode_cursor);
    let body = bodies::HoldQueue {
        organization: q.org_name.clone(),
        holds: q.rows.iter().map(HoldQueueLine::from).collect(),
        next_cursor: next.clone(),
    };
    Ok(paged(&body, "/api/v1/holds", page, next.as_deref()))
}

/// A held charge, with its version as `ETag`.
#[utoipa::path(get, path = "/api/v1/holds/{id}", operation_id = "get_hold", tag = "holds",
    params(("id" = Uuid, Path, description = "The held charge")),
    responses((status = 200, description = "The held charge", body = Hold,
        headers(("ETag" = String, description = "The hold's version, for If-Match")))))]
pub async fn get_hold(State(st): State<AppState>, ApiUser(ctx): ApiUser, Id(id): Id) -> ApiResult {
    let v = holds::view(&st.app, &ctx, id).await?;
    Ok(with_etag(
        answer(StatusCode::OK, &Hold::from(&v)),
        v.hold.updated_at,
    ))
}

/// The prosecutor's decision. With `If-Match`, only if nobody changed the hold since it
/// was read.
#[utoipa::path(post, path = "/api/v1/holds/{id}/decision", operation_id = "decide_hold", tag = "holds",
    params(
        ("id" = Uuid, Path, description = "The held charge"),
        ("If-Match" = Option<String>, Header, description = "The ETag as last read: the decision is recorded only if it is still current"),
    ),
    request_body = HoldDecisionInput,
    responses(
        (status = 200, description = "The held charge after the decision", body = Hold,
            headers(("ETag" = String, description = "The hold's new version"))),
        (status = 409, description = "Already decided, or changed at the same time", body = bodies::Problem, content_type = "application/problem+json"),
        (status = 412, description = "The If-Match version is no longer current: nothing changed", body = bodies::Problem, content_type = "application/problem+json"),
    ))]
pub async fn decide_hold(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Id(id): Id,
    headers: HeaderMap,
    Json(input): Json<HoldDecisionInput>,
) -> Response {
    let expected = if_match(&headers);
    let acted = holds::decide(&st.app, &ctx, id, &input, expected.as_deref()).await;
    if let Err(e) = acted {
        return ApiError(e).into_response();
    }
    match holds::view(&st.app, &ctx, id).await {
        Ok(v) => with_etag(answer(StatusCode::OK, &Hold::from(&v)), v.hold.updated_at),
        Err(e) => ApiError(e).into_response(),
    }
}

/// The program's measures for a period, optionally for one pathway, entry, agency,
/// provider or officer.
#[utoipa::path(get, path = "/api/v1/dashboard", operation_id = "get_dashboard", tag = "reports",
    params(
        ("from" = Option<chrono::NaiveDate>, Query, description = "First day (default: 90 days ago)"),
        ("to" = Option<chrono::NaiveDate>, Query, description = "Last day (default: today)"),
        ("pathway" = Option<String>, Query, description = "A pathway code", max_length = 40),
        ("entry" = Option<String>, Query, description = "How people entered", max_length = 40),
        ("agency" = Option<Uuid>, Query, description = "An agency"),
        ("provider" = Option<Uuid>, Query, description = "A provider"),
        ("officer" = Option<Uuid>, Query, description = "An officer"),
    ),
    responses((status = 200, description = "The measures", body = bodies::Dashboard)))]
pub async fn get_dashboard(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    admin::guard(
        &st.app,
        &ctx,
        ProgramAction::ViewDashboard,
        "dashboard.read",
    )
    .await?;
    let date = |k: &str| -> Result<Option<chrono::NaiveDate>, AppError> {
        match q.get(k) {
            None => Ok(None),
            Some(v) => parse_date(v)
                .map(Some)
                .ok_or_else(|| AppError::field(k, staff("err-web-date"))),
        }
    };
    let s = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let filter = dashboard::Filter::parse(
        s("pathway"),
        s("entry"),
        s("agency"),
        s("provider"),
        s("officer"),
    )?;
    let v = dashboard::dashboard(&st.app, &ctx, date("from")?, date("to")?, filter).await?;
    ok(bodies::Dashboard {
        program: v.program_name.clone(),
        from: v.period.from,
        to: v.period.to,
        pathway: v.filter.pathway.map(|p| p.as_str().to_string()),
        entry: v.filter.entry.map(|k| k.as_str().to_string()),
        measures: v.dashboard.clone(),
    })
}

/// Holds overdue, missed or due within days, by deadline (the coordinator's list).
#[utoipa::path(get, path = "/api/v1/deadlines", operation_id = "deadlines", tag = "holds",
    params(Paging),
    responses((status = 200, description = "One page; the next is in the Link header", body = Vec<DeadlineLine>,
        headers(("Link" = String, description = "The next page, when there is one")))))]
pub async fn deadlines(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    paging: Paging,
) -> ApiResult {
    let page = paging.page();
    let d = dashboard::deadlines(&st.app, &ctx, page).await?;
    let next = d.next.map(encode_cursor);
    let body: Vec<DeadlineLine> = d.rows.iter().map(DeadlineLine::from).collect();
    Ok(paged(&body, "/api/v1/deadlines", page, next.as_deref()))
}
