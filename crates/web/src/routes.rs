//! Every route, registered once: the router is built from this list, the OpenAPI
//! document lists its API routes, and the authorization test walks it (a route added
//! without an entry in that test fails it).
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use serde_json::{Value, json};

use crate::{AppState, api, assets, middleware, ui};

/// One route: method, path, and whether it is part of the JSON API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub api: bool,
    pub summary: &'static str,
    /// The JSON body schema name (API routes that take one).
    pub body: Option<&'static str>,
}

struct Registry {
    router: Router<AppState>,
    specs: Vec<RouteSpec>,
}

impl Registry {
    fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        summary: &'static str,
        body: Option<&'static str>,
        mr: MethodRouter<AppState>,
    ) -> Self {
        self.router = self.router.route(path, mr);
        self.specs.push(RouteSpec {
            method,
            path,
            api: path.starts_with("/api/"),
            summary,
            body,
        });
        self
    }
    fn get(self, path: &'static str, summary: &'static str, mr: MethodRouter<AppState>) -> Self {
        self.add("GET", path, summary, None, mr)
    }
    fn post(
        self,
        path: &'static str,
        summary: &'static str,
        body: Option<&'static str>,
        mr: MethodRouter<AppState>,
    ) -> Self {
        self.add("POST", path, summary, body, mr)
    }
}

fn registry() -> Registry {
    Registry {
        router: Router::new(),
        specs: Vec::new(),
    }
    // Public.
    .get("/health/live", "The process is up", get(live))
    .get("/health/ready", "The database answers", get(ready))
    .get(
        "/api/openapi.json",
        "This API's OpenAPI 3 document",
        get(openapi_json),
    )
    .get(
        "/static/{file}",
        "Static assets (content-hashed names)",
        get(assets::serve),
    )
    .get("/sign-in", "Sign-in page", get(ui::sign_in::sign_in_form))
    .post("/sign-in", "Sign in", None, post(ui::sign_in::sign_in))
    .get(
        "/planner",
        "Pathway planner: which pathways fit a community's problems and resources",
        get(ui::planner::public),
    )
    .get(
        "/sign-in/code",
        "Second sign-in step: the authenticator or recovery code",
        get(ui::mfa::code_form),
    )
    .post(
        "/sign-in/code",
        "Check the authenticator or recovery code",
        None,
        post(ui::mfa::submit),
    )
    .get(
        "/sign-in/enrol",
        "Second sign-in step: set up an authenticator (QR code)",
        get(ui::mfa::enrol_form),
    )
    .post(
        "/sign-in/enrol",
        "Confirm the new authenticator with its first code",
        None,
        post(ui::mfa::submit),
    )
    // People.
    .get(
        "/",
        "Start page for the user's role",
        get(ui::sign_in::home),
    )
    .post("/sign-out", "Sign out", None, post(ui::sign_in::sign_out))
    .get(
        "/encounters",
        "My (or my agency's) encounters",
        get(ui::encounters::encounters),
    )
    .get(
        "/encounters/new",
        "New encounter form, with participant search",
        get(ui::encounters::encounter_new),
    )
    .post(
        "/encounters",
        "Record an encounter",
        None,
        post(ui::encounters::encounter_create),
    )
    .get(
        "/encounters/{id}",
        "An encounter: decision, offer, handoff, hold, progress",
        get(ui::case::case),
    )
    .post(
        "/encounters/{id}/override",
        "Override an ineligible decision",
        None,
        post(ui::case::case_override),
    )
    .post(
        "/encounters/{id}/override/review",
        "Supervisor approves or refuses an override",
        None,
        post(ui::case::case_override_review),
    )
    .post(
        "/encounters/{id}/offer",
        "Record the offer (and on acceptance: release, handoff, hold)",
        None,
        post(ui::case::case_offer),
    )
    .post(
        "/encounters/{id}/referrals",
        "Refer to another provider after a refusal",
        None,
        post(ui::case::case_refer),
    )
    .post(
        "/encounters/{id}/attempts",
        "Record a contact attempt (Active Outreach, Naloxone Plus follow-up)",
        None,
        post(ui::case::case_attempt),
    )
    .get(
        "/encounters/{id}/slip",
        "The referral slip for the person",
        get(ui::case::slip),
    )
    .get(
        "/overrides",
        "Overrides awaiting a supervisor",
        get(ui::case::overrides),
    )
    .get(
        "/queue",
        "A provider's referral queue",
        get(ui::referrals::queue),
    )
    .get(
        "/referrals/{id}",
        "A referral (provider)",
        get(ui::referrals::referral),
    )
    .post(
        "/referrals/{id}/events",
        "Record a step on a referral",
        None,
        post(ui::referrals::referral_event),
    )
    .get(
        "/referrals/{id}/screenings/new",
        "A screening instrument's form (?instrument=phq9, ...)",
        get(ui::screenings::new),
    )
    .post(
        "/referrals/{id}/screenings",
        "Score and save a screening",
        None,
        post(ui::screenings::create),
    )
    .post(
        "/referrals/{id}/consents",
        "Record a general consent to disclose (42 CFR 2.31)",
        None,
        post(ui::referrals::referral_consent),
    )
    .get(
        "/consents/{id}",
        "A consent to disclose, printable, with its state",
        get(ui::consents::consent_page),
    )
    .post(
        "/consents/{id}/revoke",
        "Record that the person revoked a consent",
        None,
        post(ui::consents::consent_revoke),
    )
    .get(
        "/holds",
        "The prosecutor's held charges",
        get(ui::holds::holds_queue),
    )
    .get("/holds/{id}", "A held charge", get(ui::holds::hold))
    .post(
        "/holds/{id}/decision",
        "The prosecutor's decision",
        None,
        post(ui::holds::hold_decide),
    )
    .get(
        "/dashboard",
        "The coordinator's dashboard and deadlines",
        get(ui::dashboard::dashboard_page),
    )
    .get("/admin", "Users and roles", get(ui::admin::admin_index))
    .post(
        "/admin/users",
        "Create a user",
        None,
        post(ui::admin::admin_create_user),
    )
    .post(
        "/admin/memberships",
        "Give a user a role",
        None,
        post(ui::admin::admin_add_membership),
    )
    .post(
        "/admin/users/{id}/reset-mfa",
        "Reset a user's authenticator (they set up a new one at their next sign-in)",
        None,
        post(ui::admin::admin_reset_mfa),
    )
    .post(
        "/admin/users/{id}/unlock",
        "Unlock an account locked after failed sign-ins, or re-enable one disabled for disuse",
        None,
        post(ui::admin::admin_unlock_user),
    )
    .get(
        "/emergency-access",
        "Break-the-glass: find a case by reference; coordinators review grants",
        get(ui::emergency::index),
    )
    .post(
        "/emergency-access/find",
        "Find a case by the reference on the person's slip",
        None,
        post(ui::emergency::find),
    )
    .post(
        "/emergency-access/{id}/review",
        "A coordinator reviews an emergency access grant",
        None,
        post(ui::emergency::review),
    )
    .get(
        "/encounters/{id}/emergency",
        "Emergency access to a case: the reason form, or the grant in force",
        get(ui::emergency::case),
    )
    .post(
        "/encounters/{id}/emergency",
        "Ask for emergency access to a case's clinical record, with a reason",
        None,
        post(ui::emergency::grant),
    )
    .get(
        "/audit",
        "Search the program's audit trail",
        get(ui::audit::page),
    )
    .get(
        "/audit/export",
        "The audit search as CSV",
        get(ui::audit::export),
    )
    .get(
        "/calendar",
        "The program's business days and hours and holidays",
        get(ui::calendar::show),
    )
    .post(
        "/calendar",
        "Set the business days and hours",
        None,
        post(ui::calendar::set),
    )
    .post(
        "/calendar/holidays",
        "Add a holiday",
        None,
        post(ui::calendar::add_holiday),
    )
    .post(
        "/calendar/holidays/delete",
        "Remove a holiday",
        None,
        post(ui::calendar::remove_holiday),
    )
    .get(
        "/planner/program",
        "Pathway planner with what the program's own numbers suggest",
        get(ui::planner::program),
    )
    .get(
        "/rules",
        "The eligibility rules in force, as a file to edit",
        get(ui::rules::show),
    )
    .get(
        "/rules/export",
        "The eligibility rules in force as a TOML file",
        get(ui::rules::export),
    )
    .post(
        "/rules/dry-run",
        "How an edited rules file would decide recent encounters",
        None,
        post(ui::rules::dry_run),
    )
    .post(
        "/rules",
        "Save an edited rules file as a new version",
        None,
        post(ui::rules::save),
    )
    .post(
        "/rules/fields",
        "Edit the rules field by field: dry run or save as a new version",
        None,
        post(ui::rules::save_fields),
    )
    .get(
        "/pathways",
        "The pathways the program enables",
        get(ui::rules::pathways),
    )
    .post(
        "/pathways",
        "Enable or turn off pathways (no restart)",
        None,
        post(ui::rules::save_pathways),
    )
    .get(
        "/reports/quarterly",
        "Quarterly performance report (Illinois and grant measures, suppressed)",
        get(ui::reports::quarterly),
    )
    .get(
        "/reports/quarterly.csv",
        "Quarterly performance report as CSV",
        get(ui::reports::quarterly_csv),
    )
    .get(
        "/reports/equity",
        "Offer and acceptance rates by group, with relative rate indexes",
        get(ui::reports::equity),
    )
    .get(
        "/reports/research",
        "De-identified research export: the form and data dictionary",
        get(ui::reports::research_form),
    )
    .post(
        "/reports/research",
        "Download a de-identified research export (CSV or Parquet)",
        None,
        post(ui::reports::research_export),
    )
    .post(
        "/reports/threshold",
        "Set the program's small-number threshold",
        None,
        post(ui::reports::threshold),
    )
    .get("/roster", "On-call roster", get(ui::admin::roster))
    .post(
        "/roster/shifts",
        "Add an on-call shift",
        None,
        post(ui::admin::roster_add),
    )
    .post(
        "/roster/shifts/{id}/delete",
        "Remove an on-call shift",
        None,
        post(ui::admin::roster_remove),
    )
    // API.
    .get(
        "/api/v1/me",
        "The token's user and memberships",
        get(api::me),
    )
    .get(
        "/api/v1/participants",
        "Search participants (q=last name, dob=optional)",
        get(api::search_participants),
    )
    .post(
        "/api/v1/encounters",
        "Record an encounter (Idempotency-Key header recommended)",
        Some("EncounterInput"),
        post(api::create_encounter),
    )
    .get(
        "/api/v1/encounters/{id}",
        "An encounter, as the referring agency sees it",
        get(api::get_encounter),
    )
    .post(
        "/api/v1/encounters/{id}/override",
        "Override an ineligible decision",
        Some("OverrideInput"),
        post(api::override_encounter),
    )
    .post(
        "/api/v1/encounters/{id}/override/review",
        "Approve or refuse an override",
        Some("ReviewInput"),
        post(api::review_override),
    )
    .post(
        "/api/v1/encounters/{id}/offer",
        "Record the offer",
        Some("OfferInput"),
        post(api::offer),
    )
    .post(
        "/api/v1/encounters/{id}/attempts",
        "Record a contact attempt (Active Outreach, Naloxone Plus)",
        Some("AttemptInput"),
        post(api::attempt),
    )
    .post(
        "/api/v1/encounters/{id}/referrals",
        "Refer to another provider",
        Some("ReferInput"),
        post(api::refer_again),
    )
    .get(
        "/api/v1/referrals",
        "The provider's referral queue",
        get(api::referral_queue),
    )
    .get(
        "/api/v1/referrals/{id}",
        "A referral (provider)",
        get(api::get_referral),
    )
    .post(
        "/api/v1/referrals/{id}/events",
        "Record a step on a referral",
        Some("ReferralActionInput"),
        post(api::referral_event),
    )
    .get(
        "/api/v1/holds",
        "The prosecutor's held charges",
        get(api::hold_queue),
    )
    .get("/api/v1/holds/{id}", "A held charge", get(api::get_hold))
    .post(
        "/api/v1/holds/{id}/decision",
        "The prosecutor's decision",
        Some("HoldDecisionInput"),
        post(api::decide_hold),
    )
    .get(
        "/api/v1/dashboard",
        "Program measures for a period (from, to)",
        get(api::get_dashboard),
    )
    .get(
        "/api/v1/deadlines",
        "Holds overdue, missed or due soon",
        get(api::deadlines),
    )
}

/// All routes (for tests and documentation).
pub fn route_specs() -> Vec<RouteSpec> {
    registry().specs
}

pub const BODY_LIMIT: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    registry()
        .router
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // Pages are small but phones are on weak signal: gzip what is worth it.
        .layer(tower_http::compression::CompressionLayer::new().gzip(true))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::same_origin,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> Response {
    crate::error::not_found_for(uri.path())
}

async fn live() -> &'static str {
    "ok"
}

async fn ready(State(st): State<AppState>) -> Response {
    match st.app.store.ping().await {
        Ok(()) => "ok".into_response(),
        Err(e) => {
            tracing::error!(error = %e, "readiness");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

async fn openapi_json() -> Response {
    axum::Json(openapi()).into_response()
}

fn s(t: &str) -> Value {
    json!({"type": t})
}

fn schemas() -> Value {
    let string = s("string");
    json!({
        "Problem": {"type": "object", "properties": {"type": string, "title": string, "status": s("integer"), "detail": string,
            "errors": {"type": "array", "items": {"type": "object", "properties": {"field": string, "message": string}}}}},
        "OffenseInput": {"type": "object", "additionalProperties": false, "properties": {
            "code": {"type": "string", "description": "NIBRS offense code, e.g. 35A"},
            "drug_activity": {"type": "string", "description": "NIBRS drug activity code (35A/35B), e.g. P"},
            "drug_type": {"type": "string", "description": "NIBRS suspected drug type code (35A), e.g. D"},
            "quantity": {"type": "string", "description": "Estimated quantity as a decimal; empty if unknown"},
            "unit": {"type": "string", "description": "NIBRS drug measurement unit, e.g. GM"}}},
        "PersonInput": {"type": "object", "additionalProperties": false, "properties": {
            "first_name": string, "last_name": string, "dob": {"type": "string", "format": "date"},
            "sex": {"type": "string", "enum": ["F", "M", "U"]}, "race": {"type": "string", "enum": ["W", "B", "I", "A", "P", "U"]},
            "ethnicity": {"type": "string", "enum": ["H", "N", "U"]}, "phone": string, "email": string}},
        "EncounterInput": {"type": "object", "additionalProperties": false, "properties": {
            "pathway": {"type": "string", "enum": handoff_domain::Pathway::ALL.iter().map(|p| p.as_str()).collect::<Vec<_>>(), "description": "Empty or left out: officer_intervention"},
            "facts": {"$ref": "#/components/schemas/FactsInput"},
            "occurred_at": {"type": "string", "description": "RFC 3339, or local YYYY-MM-DDTHH:MM in the program's time zone"},
            "location": string, "incident_number": string,
            "offenses": {"type": "array", "maxItems": 3, "items": {"$ref": "#/components/schemas/OffenseInput"}},
            "attestations": {"type": "array", "items": {"type": "string", "enum": handoff_domain::eligibility::Attestation::ALL.iter().map(|a| a.as_str()).collect::<Vec<_>>()}},
            "participant_id": {"type": "string", "description": "An existing participant's id; otherwise give person"},
            "person": {"$ref": "#/components/schemas/PersonInput"}}},
        "FactsInput": {"type": "object", "additionalProperties": false, "description": "What a pathway adds; fields of sections the pathway does not use must be empty", "properties": {
            "naloxone_doses": {"type": "string", "description": "naloxone_plus: doses given, 0 to 20"},
            "transported": {"type": "string", "enum": ["yes", "no"], "description": "naloxone_plus"},
            "surrendered_items": {"type": "string", "description": "self_referral: items handed in without charge"},
            "contact_kind": {"type": "string", "enum": handoff_domain::ContactKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(), "description": "officer_referral"},
            "prior_involvement_on": {"type": "string", "format": "date", "description": "officer_referral, social contact"},
            "prior_involvement_ref": string,
            "outreach_source": {"type": "string", "enum": handoff_domain::OutreachSource::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(), "description": "active_outreach"},
            "call_type": {"type": "string", "description": "community_response"},
            "police_present": {"type": "string", "enum": ["yes", "no"], "description": "community_response"},
            "team": {"type": "string", "description": "active_outreach, naloxone_plus, community_response"}}},
        "AttemptInput": {"type": "object", "additionalProperties": false, "required": ["attempted_at", "outcome"], "properties": {
            "attempted_at": {"type": "string", "description": "RFC 3339, or local YYYY-MM-DDTHH:MM"},
            "outcome": {"type": "string", "enum": handoff_domain::AttemptOutcome::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>()},
            "team": string, "note": string}},
        "OverrideInput": {"type": "object", "additionalProperties": false, "required": ["reason"], "properties": {"reason": string}},
        "ReviewInput": {"type": "object", "additionalProperties": false, "required": ["approve"], "properties": {"approve": s("boolean"), "note": string}},
        "OfferInput": {"type": "object", "additionalProperties": false, "properties": {
            "response": {"type": "string", "enum": ["accepted", "declined"]}, "decline_reason": string,
            "consent_signed_name": string, "consent_confirmed": {"type": "string", "enum": ["yes"]},
            "handoff_mode": {"type": "string", "enum": ["warm", "contact_card"]}, "provider_id": {"type": "string", "format": "uuid"},
            "hold_kind": {"type": "string", "enum": ["abeyance", "citation"]}, "citation_number": string, "court_date": {"type": "string", "format": "date"}}},
        "ReferInput": {"type": "object", "additionalProperties": false, "required": ["provider_id", "handoff_mode"], "properties": {
            "provider_id": {"type": "string", "format": "uuid"}, "handoff_mode": {"type": "string", "enum": ["warm", "contact_card"]}}},
        "ReferralActionInput": {"type": "object", "additionalProperties": false, "properties": {
            "action": {"type": "string", "enum": ["accept", "reject", "arrival", "contact_attempt", "intake_scheduled", "no_show", "intake", "first_treatment", "on_hold", "resume", "fail", "exit", "cancel"]},
            "occurred_at": string, "reason": string, "note": string,
            "exit_kind": {"type": "string", "enum": ["completed", "disengaged", "withdrawn", "new_arrest", "moved", "deceased"]},
            "contact_outcome": {"type": "string", "enum": ["reached", "no_answer", "left_message", "wrong_number"]},
            "version": {"type": "string", "description": "The referral's version when read; a stale one is a conflict"}}},
        "HoldDecisionInput": {"type": "object", "additionalProperties": false, "properties": {
            "decision": {"type": "string", "enum": ["decline_to_file", "file", "extend"]}, "reason": string,
            "new_deadline": {"type": "string", "format": "date"}}},
    })
}

/// The OpenAPI 3 document, built from the route list so the two cannot drift.
pub fn openapi() -> Value {
    let mut paths = serde_json::Map::new();
    for r in route_specs()
        .into_iter()
        .filter(|r| r.api && r.path != "/api/openapi.json")
    {
        let mut op = json!({
            "summary": r.summary,
            "security": [{"bearer": []}],
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {}}},
                "401": {"description": "No valid token", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
                "404": {"description": "Not found, or not yours to see", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
                "422": {"description": "Invalid input, by field", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
            },
        });
        let params: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}))
            .collect();
        if !params.is_empty() {
            op["parameters"] = Value::Array(params);
        }
        if let Some(b) = r.body {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{b}")}}}});
            op["responses"]["409"] = json!({"description": "Conflict (already done, changed meanwhile, idempotency key reused)", "content": {"application/problem+json": {}}});
            op["responses"]["413"] = json!({"description": "Body over 1 MiB"});
        }
        // Conditional updates (ADR 0015): the records two parties may change.
        if matches!(r.path, "/api/v1/referrals/{id}" | "/api/v1/holds/{id}") && r.method == "GET" {
            op["responses"]["200"]["headers"] = json!({"ETag": {"description": "The record's version, for If-Match", "schema": {"type": "string"}}});
        }
        if matches!(
            r.path,
            "/api/v1/referrals/{id}/events" | "/api/v1/holds/{id}/decision"
        ) {
            if let Some(p) = op["parameters"].as_array_mut() {
                p.push(json!({"name": "If-Match", "in": "header", "required": false, "description": "The ETag of the record as last read: a change is made only if it is still current", "schema": {"type": "string"}}));
            }
            op["responses"]["200"]["headers"] = json!({"ETag": {"description": "The record's new version", "schema": {"type": "string"}}});
            op["responses"]["400"] = json!({"description": "Malformed body or If-Match", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
            op["responses"]["412"] = json!({"description": "The If-Match version is no longer current: nothing changed", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
        }
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        entry[r.method.to_lowercase()] = op;
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Handoff API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "First responder diversion: encounters, eligibility, offers, referrals, legal holds. Every read of personal data is checked against the access policy and audited."},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A token from `handoff token create --user NAME`."}},
            "schemas": schemas(),
        },
    })
}
