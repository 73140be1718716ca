//! Every route, registered once: the router is built from this list, the OpenAPI
//! document lists its API routes, and the authorization test walks it (a route added
//! without an entry in that test fails it).
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use serde_json::Value;

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
    /// The API's routes, registered with their document entries; their specs are read
    /// back from the document, so the route list and the document are one list.
    fn api(mut self) -> Self {
        let (router, _) = api::routes().split_for_parts();
        self.router = self.router.merge(router);
        let paths = api::doc::document()["paths"]
            .as_object()
            .into_iter()
            .flatten();
        for (path, item) in paths {
            for (method, op) in item.as_object().into_iter().flatten() {
                self.specs.push(RouteSpec {
                    method: match method.as_str() {
                        "get" => "GET",
                        "post" => "POST",
                        "put" => "PUT",
                        "patch" => "PATCH",
                        "delete" => "DELETE",
                        _ => continue,
                    },
                    path: path.as_str(),
                    api: true,
                    summary: op["summary"].as_str().unwrap_or(""),
                    body: None,
                });
            }
        }
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
    // The directory in the Open Referral format (ADR 0017): a program member's token, or
    // nobody's when the program made its directory public.
    .get(
        "/hsds/",
        "HSDS 3.1: the API's version and profile",
        get(api::hsds::root),
    )
    .get(
        "/hsds/services",
        "HSDS 3.1: the program's services, paged",
        get(api::hsds::services),
    )
    .get(
        "/hsds/services/{id}",
        "HSDS 3.1: one service, compiled",
        get(api::hsds::service),
    )
    .get(
        "/hsds/organizations",
        "HSDS 3.1: the partner organizations, paged",
        get(api::hsds::organizations),
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
        "/encounters/{id}/services",
        "The services that fit the person's needs, ranked with reasons",
        get(ui::services::show),
    )
    .post(
        "/encounters/{id}/services",
        "Refer the person to one or several services (each holds a place where it can)",
        None,
        post(ui::services::refer),
    )
    .post(
        "/encounters/{id}/language",
        "Record or change the person's preferred language and interpreter need",
        None,
        post(ui::case::case_language),
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
    .post(
        "/capacities/{id}",
        "A provider updates what a service can take now, in one tap",
        None,
        post(ui::directory::update),
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
    .post(
        "/referrals/{id}/acknowledge",
        "Acknowledge a warm handoff's page (the ladder stops)",
        None,
        post(ui::referrals::referral_acknowledge),
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
    .get(
        "/l/{token}",
        "A one-tap link's page: the next steps of one referral, without signing in",
        get(ui::links::show),
    )
    .post(
        "/l/{token}",
        "Record one step with a one-tap link",
        None,
        post(ui::links::step),
    )
    .post(
        "/hooks/sms/inbound/{signature}",
        "A text someone sent back through the SMS gateway (STOP stops their reminders)",
        None,
        post(crate::hooks::sms_inbound),
    )
    .post(
        "/referrals/{id}/appointment",
        "Schedule the intake: date, time and place (the person is reminded if they agreed)",
        None,
        post(ui::referrals::referral_appointment),
    )
    .post(
        "/referrals/{id}/reminders",
        "The channel the person chose for reminders, with their consent; or stop them",
        None,
        post(ui::referrals::referral_reminders),
    )
    .post(
        "/hooks/sms/{id}/{signature}",
        "An SMS gateway's delivery report (the address Handoff gave it)",
        None,
        post(crate::hooks::sms_report),
    )
    .get(
        "/c/{token}",
        "A one-tap capacity link's page: one service's capacity, without signing in",
        get(ui::capacity_links::show),
    )
    .post(
        "/c/{token}",
        "Update one service's capacity with a one-tap link",
        None,
        post(ui::capacity_links::update),
    )
    .post(
        "/outbox/timing",
        "How the program's messages are timed: the paging window, quiet hours, reminders",
        None,
        post(ui::outbox::set_timing),
    )
    .post(
        "/outbox/links/revoke",
        "Withdraw the program's outstanding one-tap links",
        None,
        post(ui::links::revoke),
    )
    .get(
        "/outbox",
        "What left the program: pages and messages, and how each went",
        get(ui::outbox::show),
    )
    .get(
        "/me/contacts",
        "Where you are paged",
        get(ui::contacts::show),
    )
    .post(
        "/me/contacts",
        "Add an address you are paged at",
        None,
        post(ui::contacts::add),
    )
    .post(
        "/encounters/{id}/contact-card",
        "Switch a warm handoff nobody is coming for to a contact card",
        None,
        post(ui::case::case_contact_card),
    )
    .post(
        "/encounters/{id}/flags",
        "Set or clear a safety flag on the person (responders)",
        None,
        post(ui::case::case_flags),
    )
    .post(
        "/referrals/{id}/flags",
        "Set or clear a safety flag on the person (the provider; never officer safety)",
        None,
        post(ui::referrals::referral_flags),
    )
    .post(
        "/me/contacts/{id}/test",
        "Send yourself a test message at one of your addresses",
        None,
        post(ui::contacts::test),
    )
    .post(
        "/me/contacts/{id}/remove",
        "Remove one of your addresses",
        None,
        post(ui::contacts::remove),
    )
    .get(
        "/admin/languages",
        "The participant languages in force and the files refused",
        get(ui::languages::show),
    )
    .post(
        "/admin/languages",
        "Read the languages folder again",
        None,
        post(ui::languages::reload),
    )
    .get(
        "/admin/flags",
        "The program's kinds of safety flag: who sees each, what messages do",
        get(ui::flag_kinds::show),
    )
    .post(
        "/admin/flags",
        "Add a kind of safety flag",
        None,
        post(ui::flag_kinds::add),
    )
    .post(
        "/admin/flags/retire",
        "Retire a kind of safety flag (flags set stay)",
        None,
        post(ui::flag_kinds::retire),
    )
    .get(
        "/admin/webhooks",
        "Partner systems told of their referrals (Standard Webhooks)",
        get(ui::webhooks::show),
    )
    .post(
        "/admin/webhooks",
        "Add a partner's webhook endpoint (its secret is shown once)",
        None,
        post(ui::webhooks::add),
    )
    .post(
        "/admin/webhooks/{id}/test",
        "Send a webhook endpoint a test event",
        None,
        post(ui::webhooks::test),
    )
    .post(
        "/admin/webhooks/{id}/disable",
        "Stop sending to a webhook endpoint",
        None,
        post(ui::webhooks::disable),
    )
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
        "/admin/organizations",
        "Add an organization to the program (an agency, provider, prosecutor's office or partner)",
        None,
        post(ui::admin::admin_create_org),
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
        "/directory",
        "The directory: its size and staleness, and how officers' suggestions are ranked",
        get(ui::directory_settings::show),
    )
    .post(
        "/directory",
        "Save the directory's settings: ranking rule, hold kinds, fallback, publication",
        None,
        post(ui::directory_settings::save),
    )
    .get(
        "/directory/export",
        "Download the whole directory as HSDS 3.1 JSON (audited)",
        get(ui::directory_settings::export),
    )
    .get(
        "/directory/organizations",
        "The organizations whose referral slips the program words, in every language",
        get(ui::org_texts::list),
    )
    .get(
        "/directory/organizations/{id}",
        "What the slip says of an organization: address, phone, hours, what to bring, per language",
        get(ui::org_texts::edit),
    )
    .post(
        "/directory/organizations/{id}",
        "Save what the slip says of an organization, in every language at once",
        None,
        post(ui::org_texts::save),
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
        "/roster/escalation",
        "A provider's escalation list: add its staff or a contact without an account; remove",
        None,
        post(ui::admin::roster_escalation),
    )
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
    // API: each route with its OpenAPI entry (api::routes).
    .api()
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
    axum::Json(api::doc::document()).into_response()
}

/// The OpenAPI document, generated from the API's routes and types (api::doc).
pub fn openapi() -> Value {
    api::doc::document().clone()
}
