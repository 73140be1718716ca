//! Live capacity by API (ADR 0017): a partner's case managers (and the program's
//! coordinators) read and update what their services can take now.
use axum::extract::State;
use axum::http::StatusCode;
use handoff_app::directory::capacity::{self, CapacityInput};

use handoff_app::directory::capacity::CapacityLine;

use super::bodies;
use super::{ApiResult, Json, answer};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Id;

/// The capacities the user may update: their organization's services' (a case manager)
/// or all of the program's (a coordinator).
#[utoipa::path(get, path = "/api/v1/capacities", operation_id = "list_capacities", tag = "directory",
    responses((status = 200, description = "The capacities", body = bodies::CapacityList)))]
pub async fn list_capacities(State(st): State<AppState>, ApiUser(ctx): ApiUser) -> ApiResult {
    let lines = capacity::mine(&st.app, &ctx).await?;
    Ok(answer(
        StatusCode::OK,
        &bodies::CapacityList { capacities: lines },
    ))
}

/// Update what a service can take now: set the count, one more, one fewer, or confirm it
/// is still right. Refused by field when it would be negative or above the maximum.
#[utoipa::path(post, path = "/api/v1/capacities/{id}", operation_id = "update_capacity", tag = "directory",
    params(("id" = Uuid, Path, description = "The capacity")),
    request_body = CapacityInput,
    responses((status = 200, description = "The capacity after the update", body = CapacityLine)))]
pub async fn update_capacity(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Id(id): Id,
    Json(input): Json<CapacityInput>,
) -> ApiResult {
    let line = capacity::update(&st.app, &ctx, id, input.change()).await?;
    Ok(answer(StatusCode::OK, &line))
}
