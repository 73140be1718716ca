//! The JSON API: the same services as the pages, authenticated with bearer tokens.
//! Bodies are parsed strictly (unknown fields refused by name; 1 MiB at most) and errors
//! are problem+json with the problem named by field.
use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use handoff_app::case_view::CaseView;
use handoff_app::holds::HoldView;
use handoff_app::referrals::{ReferralActionInput, ReferralView};
use handoff_app::{
    AppError, admin, case_view, dashboard, encounters, holds, offers, overrides, referrals,
};
use handoff_domain::input::{
    AttemptInput, EncounterInput, HoldDecisionInput, OfferInput, parse_date,
};
use handoff_domain::policy::ProgramAction;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Id;
use crate::error::{ApiError, problem};

type ApiResult = Result<Response, ApiError>;

/// A JSON body parsed strictly (unknown fields refused, the wrong field named), as an
/// extractor: a handler gets the typed input or never runs. Bodies over 1 MiB are 413, a
/// body that is not JSON of the type is 400, both problem+json.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        let bytes = match Bytes::from_request(req, state).await {
            Ok(b) => b,
            Err(r) => {
                let status = r.status();
                let detail = if status == StatusCode::PAYLOAD_TOO_LARGE {
                    "The body is larger than 1 MiB.".to_string()
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
        serde_json::from_slice(&bytes).map(Json).map_err(|e| {
            problem(
                StatusCode::BAD_REQUEST,
                "Bad Request",
                &format!("The JSON body is not valid: {e}."),
                None,
            )
        })
    }
}

fn json_response(status: StatusCode, v: Value) -> Response {
    (status, axum::Json(v)).into_response()
}

fn ok(v: Value) -> ApiResult {
    Ok(json_response(StatusCode::OK, v))
}

fn case_json(v: &CaseView) -> Value {
    json!({
        "id": v.encounter.id,
        "reference": v.encounter.reference,
        "pathway": v.pathway.as_str(),
        "facts": v.facts.iter().map(|(l, x)| json!({"label": l, "value": x})).collect::<Vec<_>>(),
        "follow_up": v.follow_up.as_ref().map(|f| json!({"due": f.due, "first_attempt_at": f.first_attempt, "status": f.text()})),
        "attempts": v.attempts.iter().map(|a| json!({"at": a.at, "outcome": a.outcome.as_str(), "team": a.team, "note": a.note, "by": a.by})).collect::<Vec<_>>(),
        "occurred_at": v.encounter.occurred_at,
        "location": v.encounter.location,
        "incident_number": v.encounter.incident_number,
        "officer": v.officer_name,
        "agency": v.agency_name,
        "person": { "name": v.person_name, "dob": v.person_dob },
        "offenses": v.offenses.iter().map(|o| json!({"code": o.code, "name": o.name, "drug": o.drug})).collect::<Vec<_>>(),
        "eligibility": {
            "eligible": v.eligible,
            "rules_version": v.rules_version,
            "criteria": v.criteria,
            "override": v.override_.as_ref().map(|o| json!({"status": o.status, "reason": o.reason})),
            "effective_eligible": v.effective_eligible,
        },
        "offer": v.offer.as_ref().map(|o| json!({"accepted": o.accepted, "decline_reason": o.decline_reason, "at": o.offered_at})),
        "referrals": v.referrals.iter().map(|r| json!({"id": r.id, "provider": r.provider, "mode": r.mode, "requested_at": r.requested_at, "closed_without_service": r.closed_without_service})).collect::<Vec<_>>(),
        "legal_hold": v.hold.as_ref().map(|h| json!({
            "id": h.id, "kind": h.kind, "citation_number": h.citation_number, "court_date": h.court_date,
            "deadline": h.deadline_day, "state": h.state_label, "deadline_status": h.deadline_status,
            "decision": h.decision, "decision_reason": h.decision_reason, "correction": h.correction,
        })),
        "progress": v.progress,
        // Why the status is not shared, when it is not (the absence is explained).
        "progress_note": (!v.consent_note.is_empty()).then_some(&v.consent_note),
        "notice": handoff_domain::consent::NOTICE_2_32,
    })
}

fn referral_json(v: &ReferralView) -> Value {
    let r = &v.referral;
    json!({
        "id": r.id,
        "reference": v.reference,
        "status": r.status,
        "business_status": r.business_status,
        "status_reason": r.status_reason,
        "mode": r.mode,
        "from": v.from_org.name,
        "requested_at": r.requested_at,
        "arrived_at": r.arrived_at,
        "warm_handoff_minutes": v.warm_minutes,
        "first_contact_at": r.first_contact_at,
        "intake_at": r.intake_at,
        "engaged_at": r.engaged_at,
        "exit": r.exit_kind.as_ref().map(|k| json!({"kind": k, "at": r.exit_at})),
        "intake_deadline": v.intake_deadline,
        "person": {
            "first_name": v.person.first_name, "last_name": v.person.last_name, "dob": v.person.dob,
            "phone": v.person.phone, "email": v.person.email,
        },
        "events": v.events.iter().map(|(e, who)| json!({"kind": e.kind, "occurred_at": e.occurred_at, "status_after": e.status_after, "reason": e.reason, "note": e.note, "by": who})).collect::<Vec<_>>(),
        "actions": v.actions.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
        "version": r.updated_at.to_rfc3339(),
    })
}

fn hold_json(v: &HoldView) -> Value {
    json!({
        "id": v.hold.id,
        "reference": v.reference,
        "person": { "name": v.person_name, "dob": v.person_dob },
        "agency": v.agency_name,
        "officer": v.officer_name,
        "occurred_at": v.occurred_at,
        "offenses": v.offenses.iter().map(|o| json!({"code": o.code, "name": o.name})).collect::<Vec<_>>(),
        "kind": v.kind,
        "citation_number": v.hold.citation_number,
        "court_date": v.hold.court_date,
        "deadline": v.hold.deadline_day,
        "state": v.state_label,
        "deadline_status": v.deadline_status,
        "correction": v.hold.correction,
        "decision": v.hold.decision,
        "decision_reason": v.hold.decision_reason,
        "progress": v.progress,
        "progress_note": (!v.consent_note.is_empty()).then_some(&v.consent_note),
        "notice": handoff_domain::consent::NOTICE_2_32,
    })
}

pub async fn me(ApiUser(ctx): ApiUser) -> ApiResult {
    ok(json!({
        "user_id": ctx.actor.user_id,
        "username": ctx.actor.username,
        "name": ctx.display_name,
        "memberships": ctx.actor.memberships.iter().map(|m| json!({"program_id": m.program_id, "organization_id": m.org_id, "role": m.role.as_str()})).collect::<Vec<_>>(),
    }))
}

pub async fn create_encounter(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    headers: HeaderMap,
    Json(input): Json<EncounterInput>,
) -> Response {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let created = match encounters::create_encounter(&st.app, &ctx, &input, key.as_deref()).await {
        Ok(c) => c,
        Err(e) => return ApiError(e).into_response(),
    };
    match case_view::view_case(&st.app, &ctx, created.id).await {
        Ok(v) => {
            let mut r = json_response(StatusCode::CREATED, case_json(&v));
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

pub async fn get_encounter(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Id(id): Id,
) -> ApiResult {
    let v = case_view::view_case(&st.app, &ctx, id).await?;
    ok(case_json(&v))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverrideBody {
    pub reason: String,
}

pub async fn override_encounter(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Id(id): Id,
    Json(input): Json<OverrideBody>,
) -> Response {
    then_case(
        &st,
        &ctx,
        id,
        overrides::request_override(&st.app, &ctx, id, &input.reason).await,
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    pub approve: bool,
    #[serde(default)]
    pub note: String,
}

pub async fn review_override(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Id(id): Id,
    Json(input): Json<ReviewBody>,
) -> Response {
    then_case(
        &st,
        &ctx,
        id,
        overrides::review_override(&st.app, &ctx, id, Some(input.approve), &input.note).await,
    )
    .await
}

pub async fn offer(
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

pub async fn attempt(
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferBody {
    pub provider_id: String,
    pub handoff_mode: String,
}

pub async fn refer_again(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Id(id): Id,
    Json(input): Json<ReferBody>,
) -> Response {
    then_case(
        &st,
        &ctx,
        id,
        offers::refer_again(&st.app, &ctx, id, &input.provider_id, &input.handoff_mode).await,
    )
    .await
}

async fn then_case(
    st: &AppState,
    ctx: &handoff_app::Ctx,
    id: Uuid,
    r: Result<(), AppError>,
) -> Response {
    after(r, case_view::view_case(&st.app, ctx, id), case_json).await
}

/// The answer to an action: the record as it is now, or the action's problem. (The view is
/// read only if the action succeeded.)
async fn after<T>(
    acted: Result<(), AppError>,
    view: impl std::future::Future<Output = Result<T, AppError>>,
    to_json: fn(&T) -> Value,
) -> Response {
    if let Err(e) = acted {
        return ApiError(e).into_response();
    }
    match view.await {
        Ok(v) => json_response(StatusCode::OK, to_json(&v)),
        Err(e) => ApiError(e).into_response(),
    }
}

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
    let dob = match q.get("dob").filter(|d| !d.is_empty()) {
        Some(d) => Some(
            parse_date(d).ok_or_else(|| AppError::field("dob", "Use a date like 1990-04-21."))?,
        ),
        None => None,
    };
    let rows = encounters::search_participants(
        &st.app,
        &ctx,
        q.get("q").map(String::as_str).unwrap_or(""),
        dob,
    )
    .await?;
    ok(json!(rows.iter().map(|m| json!({"id": m.id, "first_name": m.first_name, "last_name": m.last_name, "dob": m.dob})).collect::<Vec<_>>()))
}

pub async fn referral_queue(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let all = q.get("all").is_some_and(|v| v == "1" || v == "true");
    let queue = referrals::queue(&st.app, &ctx, all).await?;
    ok(json!({
        "organization": queue.org_name,
        "referrals": queue.rows.iter().map(|r| json!({
            "id": r.id, "reference": r.reference, "mode": r.mode, "status": r.status, "business_status": r.business_status,
            "requested_at": r.requested_at, "contact_deadline": r.contact_deadline, "assigned_to": r.assigned_to,
            "person": { "first_name": r.first_name, "last_name": r.last_name }, "from": r.from_org_name,
        })).collect::<Vec<_>>(),
    }))
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

/// The version an `If-Match` header asks for (`updated_at` as RFC 3339), if any; `*` and
/// no header ask for none. A malformed header is refused as 400.
fn if_match(headers: &HeaderMap) -> Result<Option<String>, Response> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let v = v.to_str().map_err(|_| {
        problem(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "If-Match must be an entity tag from this API.",
            None,
        )
    })?;
    let v = v.trim();
    if v == "*" {
        return Ok(None);
    }
    let tag = v.strip_prefix("W/").unwrap_or(v);
    match tag.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(t) if !t.is_empty() && !t.contains('"') => Ok(Some(t.to_string())),
        _ => Err(problem(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "If-Match must be one quoted entity tag, as an ETag from this API.",
            None,
        )),
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

pub async fn get_referral(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Id(id): Id,
) -> ApiResult {
    let v = referrals::view(&st.app, &ctx, id).await?;
    Ok(with_etag(
        json_response(StatusCode::OK, referral_json(&v)),
        v.referral.updated_at,
    ))
}

pub async fn referral_event(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Id(id): Id,
    headers: HeaderMap,
    Json(mut input): Json<ReferralActionInput>,
) -> Response {
    let expected = match if_match(&headers) {
        Ok(e) => e,
        Err(r) => return r,
    };
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
            json_response(StatusCode::OK, referral_json(&v)),
            v.referral.updated_at,
        ),
        Err(e) => ApiError(e).into_response(),
    }
}

pub async fn hold_queue(State(st): State<AppState>, ApiUser(ctx): ApiUser) -> ApiResult {
    let q = holds::queue(&st.app, &ctx).await?;
    ok(json!({
        "organization": q.org_name,
        "holds": q.rows.iter().map(|l| json!({
            "id": l.row.id, "reference": l.row.reference, "occurred_at": l.row.occurred_at,
            "person": { "first_name": l.row.first_name, "last_name": l.row.last_name },
            "agency": l.row.agency_name, "kind": l.row.kind, "deadline": l.row.deadline_day,
            "state": l.state_label, "deadline_status": l.deadline_status, "correction": l.row.correction,
        })).collect::<Vec<_>>(),
    }))
}

pub async fn get_hold(State(st): State<AppState>, ApiUser(ctx): ApiUser, Id(id): Id) -> ApiResult {
    let v = holds::view(&st.app, &ctx, id).await?;
    Ok(with_etag(
        json_response(StatusCode::OK, hold_json(&v)),
        v.hold.updated_at,
    ))
}

pub async fn decide_hold(
    State(st): State<AppState>,
    ApiUser(ctx): ApiUser,
    Id(id): Id,
    headers: HeaderMap,
    Json(input): Json<HoldDecisionInput>,
) -> Response {
    let expected = match if_match(&headers) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let acted = holds::decide(&st.app, &ctx, id, &input, expected.as_deref()).await;
    if let Err(e) = acted {
        return ApiError(e).into_response();
    }
    match holds::view(&st.app, &ctx, id).await {
        Ok(v) => with_etag(
            json_response(StatusCode::OK, hold_json(&v)),
            v.hold.updated_at,
        ),
        Err(e) => ApiError(e).into_response(),
    }
}

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
        match q.get(k).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => parse_date(v)
                .map(Some)
                .ok_or_else(|| AppError::field(k, "Use a date like 2026-05-01.")),
        }
    };
    let q = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let filter = dashboard::Filter::parse(
        q("pathway"),
        q("entry"),
        q("agency"),
        q("provider"),
        q("officer"),
    )?;
    let v = dashboard::dashboard(&st.app, &ctx, date("from")?, date("to")?, filter).await?;
    ok(json!({
        "program": v.program_name, "from": v.period.from, "to": v.period.to,
        "pathway": v.filter.pathway.map(|p| p.as_str()),
        "entry": v.filter.entry.map(|k| k.as_str()),
        "measures": v.dashboard,
    }))
}

pub async fn deadlines(State(st): State<AppState>, ApiUser(ctx): ApiUser) -> ApiResult {
    let d = dashboard::deadlines(&st.app, &ctx).await?;
    ok(json!(d.rows.iter().map(|r| json!({
        "hold_id": r.id, "reference": r.reference, "person": { "first_name": r.first_name, "last_name": r.last_name },
        "agency": r.agency_name, "deadline": r.deadline_day, "state": r.state,
    })).collect::<Vec<_>>()))
}
