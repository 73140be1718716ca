//! Encounters (cases) as the referring agency records them: the person, the eligibility
//! decision, the offer, contact attempts, referrals.
use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use handoff_app::{AppError, admin, case_view, encounters, offers, overrides};
use handoff_domain::input::{AttemptInput, EncounterInput, OfferInput, parse_date};
use handoff_domain::policy::ProgramAction;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::bodies::{self, Encounter, EncounterLine, EncounterPage, Me, Membership};
use super::{ApiResult, Json, Paging, answer, encode_cursor, ok, paged};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Id};
use crate::kit::render::staff;

/// The token's user and memberships.
#[utoipa::path(get, path = "/api/v1/me", operation_id = "me", tag = "people",
    responses((status = 200, description = "The user", body = Me)))]
pub async fn me(ApiUser(ctx): ApiUser) -> ApiResult {
    ok(Me {
        user_id: ctx.actor.user_id,
        username: ctx.actor.username.clone(),
        name: ctx.display_name.clone(),
        memberships: ctx
            .actor
            .memberships
            .iter()
            .map(|m| Membership {
                program_id: m.program_id,
                organization_id: m.org_id,
                role: m.role.as_str().into(),
            })
            .collect(),
    })
}

/// Search participants before recording an encounter, so nobody is entered twice. Not a
/// paged list: at most 5 exact matches (last name and birth date, program-wide) and 20
/// partial ones (people the caller's agency has met). The search is audited.
#[utoipa::path(get, path = "/api/v1/participants", operation_id = "search_participants", tag = "people",
    params(
        ("q" = String, Query, description = "Last name, or part of it (and first name)", min_length = 2, max_length = 200),
        ("dob" = Option<chrono::NaiveDate>, Query, description = "Birth date"),
    ),
    responses((status = 200, description = "Matches, best first", body = Vec<bodies::ParticipantMatch>)))]
pub async fn search_participants(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    admin::guard(
        &st.app,
        &ctx,
        ProgramAction::SearchParticipants,
        "participant.search",
    )
    .await?;
    let dob = match q.get("dob") {
        Some(d) => Some(parse_date(d).ok_or_else(|| AppError::field("dob", staff("err-api-dob")))?),
        None => None,
    };
    let query = q.get("q").map(String::as_str).unwrap_or("");
    if query.chars().count() < 2 {
        return Err(AppError::field("q", staff("err-api-search-short")).into());
    }
    let rows = encounters::search_participants(&st.app, &ctx, query, dob).await?;
    ok(rows
        .iter()
        .map(|m| bodies::ParticipantMatch {
            id: m.id,
            first_name: m.first_name.clone(),
            last_name: m.last_name.clone(),
            dob: m.dob,
        })
        .collect::<Vec<_>>())
}

/// Record an encounter. With an `Idempotency-Key`, a retry of the same request answers the
/// first result (`Idempotent-Replayed: true`) and records nothing twice.
#[utoipa::path(post, path = "/api/v1/encounters", operation_id = "create_encounter", tag = "encounters",
    request_body = EncounterInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Any unique string per request (a UUID)", max_length = 200)),
    responses(
        (status = 201, description = "Recorded, with the eligibility decision", body = Encounter,
            headers(("Location" = String, description = "The encounter's URL"))),
        (status = 409, description = "The idempotency key was used for a different request", body = bodies::Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_encounter(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    headers: HeaderMap,
    Json(input): Json<EncounterInput>,
) -> Response {
    let key = match headers.get("idempotency-key").map(|v| v.to_str()) {
        None => None,
        Some(Ok(k)) if !k.is_empty() && k.len() <= 200 => Some(k.to_string()),
        Some(_) => {
            return ApiError(AppError::field(
                "Idempotency-Key",
                staff("err-api-idempotency-key"),
            ))
            .into_response();
        }
    };
    let created = match encounters::create_encounter(&st.app, &ctx, &input, key.as_deref()).await {
        Ok(c) => c,
        Err(e) => return ApiError(e).into_response(),
    };
    match case_view::view_case(&st.app, &ctx, created.id).await {
        Ok(v) => {
            let mut r = answer(StatusCode::CREATED, &Encounter::from(&v));
            if let Ok(loc) = HeaderValue::from_str(&format!("/api/v1/encounters/{}", created.id)) {
                r.headers_mut().insert(header::LOCATION, loc);
            }
            if created.replayed {
                r.headers_mut()
                    .insert("idempotent-replayed", HeaderValue::from_static("true"));
            }
            r
        }
        Err(e) => ApiError(e).into_response(),
    }
}

/// The caller's encounters, newest first: an officer's own, a supervisor's agency's.
#[utoipa::path(get, path = "/api/v1/encounters", operation_id = "list_encounters", tag = "encounters",
    params(Paging),
    responses((status = 200, description = "One page", body = EncounterPage,
        headers(("Link" = String, description = "The next page, when there is one: `<...>; rel=\"next\"`")))))]
pub async fn list_encounters(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    paging: Paging,
) -> ApiResult {
    let page = paging.page();
    let p = encounters::my_encounters(&st.app, &ctx, page).await?;
    let next = p.next.map(encode_cursor);
    let body = EncounterPage {
        encounters: p.rows.iter().map(EncounterLine::from).collect(),
        next_cursor: next.clone(),
    };
    Ok(paged(&body, "/api/v1/encounters", page, next.as_deref()))
}

/// An encounter, as the referring agency sees it.
#[utoipa::path(get, path = "/api/v1/encounters/{id}", operation_id = "get_encounter", tag = "encounters",
    params(("id" = Uuid, Path, description = "The encounter")),
    responses((status = 200, description = "The encounter", body = Encounter)))]
pub async fn get_encounter(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Id(id): Id,
) -> ApiResult {
    let v = case_view::view_case(&st.app, &ctx, id).await?;
    ok(Encounter::from(&v))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideInput {
    /// Why the person should be offered diversion although the rules say no.
    #[schema(max_length = 1000)]
    pub reason: String,
}

/// Ask to override an ineligible decision (a supervisor reviews it where the program says
/// so).
#[utoipa::path(post, path = "/api/v1/encounters/{id}/override", operation_id = "request_override", tag = "encounters",
    params(("id" = Uuid, Path, description = "The encounter")),
    request_body = OverrideInput,
    responses(
        (status = 200, description = "The encounter, with the override", body = Encounter),
        (status = 409, description = "Already overridden, or not ineligible", body = bodies::Problem, content_type = "application/problem+json"),
    ))]
pub async fn request_override(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Id(id): Id,
    Json(input): Json<OverrideInput>,
) -> Response {
    then_case(
        &st,
        &ctx,
        id,
        overrides::request_override(&st.app, &ctx, id, &input.reason).await,
    )
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    pub approve: bool,
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: String,
}

/// A supervisor approves or refuses an override.
#[utoipa::path(post, path = "/api/v1/encounters/{id}/override/review", operation_id = "review_override", tag = "encounters",
    params(("id" = Uuid, Path, description = "The encounter")),
    request_body = ReviewInput,
    responses(
        (status = 200, description = "The encounter, with the review", body = Encounter),
        (status = 409, description = "No override is waiting", body = bodies::Problem, content_type = "application/problem+json"),
    ))]
pub async fn review_override(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Id(id): Id,
    Json(input): Json<ReviewInput>,
) -> Response {
    then_case(
        &st,
        &ctx,
        id,
        overrides::review_override(&st.app, &ctx, id, Some(input.approve), &input.note).await,
    )
    .await
}

/// Record the offer: accepted (release of information, handoff, hold) or declined.
#[utoipa::path(post, path = "/api/v1/encounters/{id}/offer", operation_id = "record_offer", tag = "encounters",
    params(("id" = Uuid, Path, description = "The encounter")),
    request_body = OfferInput,
    responses(
        (status = 200, description = "The encounter, with the offer and referral", body = Encounter),
        (status = 409, description = "The offer was already recorded, or the person is not eligible", body = bodies::Problem, content_type = "application/problem+json"),
    ))]
pub async fn record_offer(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Id(id): Id,
    Json(input): Json<OfferInput>,
) -> Response {
    then_case(
        &st,
        &ctx,
        id,
        offers::record_offer(&st.app, &ctx, id, &input).await,
    )
    .await
}

/// Record a contact attempt (Active Outreach, Naloxone Plus follow-up).
#[utoipa::path(post, path = "/api/v1/encounters/{id}/attempts", operation_id = "record_attempt", tag = "encounters",
    params(("id" = Uuid, Path, description = "The encounter")),
    request_body = AttemptInput,
    responses(
        (status = 200, description = "The encounter, with the attempt", body = Encounter),
        (status = 409, description = "The pathway records no attempts", body = bodies::Problem, content_type = "application/problem+json"),
    ))]
pub async fn record_attempt(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Id(id): Id,
    Json(input): Json<AttemptInput>,
) -> Response {
    then_case(
        &st,
        &ctx,
        id,
        offers::record_attempt(&st.app, &ctx, id, &input).await,
    )
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferInput {
    #[schema(format = Uuid, value_type = String)]
    pub provider_id: String,
    #[schema(schema_with = handoff_domain::input::schema::handoff_mode)]
    pub handoff_mode: String,
}

/// Refer the person to another provider (after a provider rejected or closed a referral).
#[utoipa::path(post, path = "/api/v1/encounters/{id}/referrals", operation_id = "refer_again", tag = "encounters",
    params(("id" = Uuid, Path, description = "The encounter")),
    request_body = ReferInput,
    responses(
        (status = 200, description = "The encounter, with the new referral", body = Encounter),
        (status = 409, description = "A referral is still open", body = bodies::Problem, content_type = "application/problem+json"),
    ))]
pub async fn refer_again(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Id(id): Id,
    Json(input): Json<ReferInput>,
) -> Response {
    then_case(
        &st,
        &ctx,
        id,
        offers::refer_again(&st.app, &ctx, id, &input.provider_id, &input.handoff_mode).await,
    )
    .await
}

/// The answer to an action on a case: the case as it is now, or the action's problem.
async fn then_case(
    st: &AppState,
    ctx: &handoff_app::Ctx,
    id: Uuid,
    acted: Result<(), AppError>,
) -> Response {
    if let Err(e) = acted {
        return ApiError(e).into_response();
    }
    match case_view::view_case(&st.app, ctx, id).await {
        Ok(v) => answer(StatusCode::OK, &Encounter::from(&v)),
        Err(e) => ApiError(e).into_response(),
    }
}
