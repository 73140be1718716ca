//! Pages for people. Every form is a plain POST answered with a redirect (post/redirect/
//! get); a validation error re-renders the form with what the user typed and the problem
//! named next to each field.
use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use handoff_app::admin::{AdminOverview, NewUser, Roster};
use handoff_app::case_view::{CaseView, Slip};
use handoff_app::consents::{ConsentForm, ConsentInput, ConsentLine};
use handoff_app::dashboard::{DashboardView, DeadlineList};
use handoff_app::encounters::{EncounterFormData, ParticipantMatch};
use handoff_app::holds::{HoldQueue, HoldView};
use handoff_app::referrals::{Queue, ReferralActionInput, ReferralView};
use handoff_app::{
    AppError, Ctx, admin, auth as app_auth, case_view, consents, dashboard, encounters, holds,
    offers, overrides, referrals,
};
use handoff_domain::consent::Info;
use handoff_domain::eligibility::{Attestation, Outcome};
use handoff_domain::hold::DeadlineStatus;
use handoff_domain::input::{
    AttemptInput, EncounterInput, FactsInput, HoldDecisionInput, MAX_OFFENSES, OffenseInput,
    OfferInput, parse_date, parse_local_datetime,
};
use handoff_domain::policy::ProgramAction;
use handoff_domain::progress::ProgressStatus;
use handoff_domain::{
    AttemptOutcome, ContactKind, Ethnicity, ExitKind, FieldErrors, OrgKind, OutreachSource,
    Pathway, Race, Role, Sex,
};
use handoff_storage::{EncounterListRow, PendingOverrideRow};
use uuid::Uuid;

use crate::AppState;
use crate::assets::css_path;
use crate::auth::{Session, check_csrf, client, session_cookie};
use crate::error::Id;
use crate::error::{public_message, status_of};
use crate::forms::Fields;
use crate::views;

// ----- layout and rendering ------------------------------------------------------------------

pub struct Layout {
    pub title: String,
    pub user: Option<String>,
    pub nav: Vec<(&'static str, &'static str)>,
    pub csrf: String,
    pub css: &'static str,
    pub notice: Option<String>,
}

pub fn nav_for(ctx: &Ctx) -> Vec<(&'static str, &'static str)> {
    let mut nav = Vec::new();
    let has = |r: Role| ctx.actor.has_role(r);
    if has(Role::Officer) {
        nav.push(("/encounters/new", "New encounter"));
        nav.push(("/encounters", "My encounters"));
    }
    if has(Role::Supervisor) {
        nav.push(("/encounters", "Agency encounters"));
        nav.push(("/overrides", "Overrides"));
    }
    if has(Role::CaseManager) {
        nav.push(("/queue", "Referral queue"));
    }
    if has(Role::Prosecutor) {
        nav.push(("/holds", "Held charges"));
    }
    if has(Role::Coordinator) {
        nav.push(("/dashboard", "Dashboard"));
        nav.push(("/reports/quarterly", "Reports"));
        nav.push(("/reports/equity", "Equity"));
        nav.push(("/reports/research", "Research export"));
    }
    if has(Role::Administrator) {
        nav.push(("/admin", "Users"));
    }
    if has(Role::Coordinator) || has(Role::Administrator) {
        nav.push(("/roster", "On-call roster"));
    }
    if has(Role::Coordinator) || has(Role::CaseManager) {
        nav.push(("/emergency-access", "Emergency access"));
    }
    if has(Role::Coordinator) || has(Role::Administrator) {
        nav.push(("/audit", "Audit trail"));
    }
    if has(Role::Coordinator) {
        nav.push(("/pathways", "Pathways"));
        nav.push(("/rules", "Rules"));
    }
    if has(Role::Coordinator) {
        nav.push(("/planner/program", "Planner"));
    }
    if has(Role::Coordinator) || has(Role::Administrator) {
        nav.push(("/calendar", "Calendar"));
    }
    nav.dedup();
    nav
}

fn notice_text(code: &str) -> Option<String> {
    if let Some(left) = code
        .strip_prefix("recovery_used_")
        .and_then(|n| n.parse::<u32>().ok())
    {
        return Some(format!(
            "You signed in with a recovery code; it will not work again. {left} left.{}",
            if left <= 3 {
                " Ask your administrator to reset your authenticator to get new ones."
            } else {
                ""
            }
        ));
    }
    Some(
        match code {
            "encounter" => "Encounter recorded.",
            "offer" => "Offer recorded.",
            "attempt" => "Contact attempt recorded.",
            "threshold" => "Small-number threshold saved.",
            "pathways" => "Pathways saved: responders see the change on their next form.",
            "override" => "Override recorded.",
            "reviewed" => "Override reviewed.",
            "referral" => "Referral sent.",
            "event" => "Saved.",
            "decision" => "Decision recorded.",
            "user" => "User created.",
            "membership" => "Role added.",
            "unlocked" => "Account unlocked.",
            "consent" => "Consent recorded.",
            "screening" => "Screening saved.",
            "calendar" => "Calendar saved.",
            "rules" => "Rules saved as a new version: new encounters are decided with it.",
            "rules_later" => "Rules saved as a new version; it takes effect on the day chosen (listed below). Until then the version in force decides.",
            "emergency" => "Emergency access granted: it is audited and reviewed by the program's coordinators.",
            "reviewed_grant" => "Review recorded.",
            "revoked" => "Revocation recorded: nothing more is disclosed under this consent.",
            "revocation_pending" => {
                "Revocation recorded. This is a criminal justice referral consent (42 CFR 2.35): it stays in effect until the final disposition of the charge, then ends."
            }
            "shift" => "Roster updated.",
            "signed_out" => "You are signed out.",
            "sign_in_expired" => "Your sign-in expired before it was finished. Sign in again.",
            "account_locked" => {
                "Too many wrong codes: the account is locked until an administrator unlocks it."
            }
            "mfa_reset" => "Authenticator reset: the user sets up a new one at their next sign-in.",
            _ => return None,
        }
        .to_string(),
    )
}

impl Layout {
    pub fn new(title: impl Into<String>, s: &Session, notice: Option<&String>) -> Layout {
        Layout {
            title: title.into(),
            user: Some(s.ctx.display_name.clone()),
            nav: nav_for(&s.ctx),
            csrf: s.csrf.clone(),
            css: css_path(),
            notice: notice.and_then(|n| notice_text(n)),
        }
    }
    pub(crate) fn anonymous(title: &str) -> Layout {
        Layout {
            title: title.into(),
            user: None,
            nav: vec![],
            csrf: String::new(),
            css: css_path(),
            notice: None,
        }
    }
}

pub(crate) fn render<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

/// 200 for a page, 422 for a form shown again with its errors.
pub(crate) fn status_for(errors: &FieldErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// A 303 to `to`. A target that cannot be a header value (it never should: targets are
/// built here or checked by `safe_next`) goes to the start page instead of failing.
pub(crate) fn see_other(to: &str) -> Response {
    let location = HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    message: String,
}

pub fn error_page(e: &AppError) -> Response {
    let status = status_of(e);
    render(
        status,
        &ErrorPage {
            layout: Layout::anonymous("Error"),
            status: status.as_u16(),
            message: public_message(e),
        },
    )
}

pub(crate) fn error_for(s: &Session, e: &AppError) -> Response {
    let status = status_of(e);
    let mut layout = Layout::new(status.canonical_reason().unwrap_or("Error"), s, None);
    layout.notice = None;
    render(
        status,
        &ErrorPage {
            layout,
            status: status.as_u16(),
            message: public_message(e),
        },
    )
}

/// Helpers the templates call.
pub trait Fmt {
    fn tz(&self) -> Tz;
    fn t(&self, t: &DateTime<Utc>) -> String {
        views::time(t, self.tz())
    }
    fn ot(&self, t: &Option<DateTime<Utc>>) -> String {
        views::opt_time(t, self.tz())
    }
    fn d(&self, d: &NaiveDate) -> String {
        views::date(d)
    }
    fn od(&self, d: &Option<NaiveDate>) -> String {
        views::opt_date(d)
    }
}

fn sel(a: &str, b: &str) -> &'static str {
    if a == b { "selected" } else { "" }
}

/// The deadline's state where the hold's state does not already say it.
fn deadline_text(s: &Option<DeadlineStatus>) -> String {
    match s {
        Some(DeadlineStatus::Met) | Some(DeadlineStatus::Missed) | Some(DeadlineStatus::Closed) => {
            String::new()
        }
        None => "status not shared".into(),
        Some(DeadlineStatus::Open { days_left }) => format!("open, {days_left} days left"),
        Some(DeadlineStatus::DueSoon { days_left: 0 }) => "due today".into(),
        Some(DeadlineStatus::DueSoon { days_left }) => format!("due soon, {days_left} days left"),
        Some(DeadlineStatus::Overdue) => "deadline passed, being marked".into(),
    }
}

fn deadline_class(s: &Option<DeadlineStatus>) -> &'static str {
    match s {
        Some(DeadlineStatus::DueSoon { .. }) | Some(DeadlineStatus::Overdue) => "warn",
        Some(DeadlineStatus::Missed) => "bad",
        Some(DeadlineStatus::Met) => "good",
        _ => "",
    }
}

// ----- sign-in ------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    layout: Layout,
    username: String,
    error: Option<String>,
    next: String,
}

/// Where to go after signing in: only a path on this server. Anything else (another
/// host as `//host` or `/\\host`, a scheme, a space, tab, CR/LF or other control or
/// non-ASCII character that a browser might strip or read as a separator, a string
/// that is not a valid path and query) gives the start page.
pub(crate) fn safe_next(next: &str) -> String {
    let b = next.as_bytes();
    let ok = b.first() == Some(&b'/')
        && !matches!(b.get(1), Some(b'/' | b'\\'))
        && b.len() <= 2048
        && b.iter().all(|c| c.is_ascii_graphic() && *c != b'\\')
        && next.parse::<axum::http::uri::PathAndQuery>().is_ok()
        && HeaderValue::from_str(next).is_ok();
    if ok { next.to_string() } else { "/".into() }
}

pub async fn sign_in_form(Query(q): Query<HashMap<String, String>>) -> Response {
    let mut layout = Layout::anonymous("Sign in");
    layout.notice = q.get("notice").and_then(|n| notice_text(n));
    render(
        StatusCode::OK,
        &SignInPage {
            layout,
            username: String::new(),
            error: None,
            next: safe_next(q.get("next").map(String::as_str).unwrap_or("/")),
        },
    )
}

pub async fn sign_in(
    State(st): State<AppState>,
    parts: axum::http::request::Parts,
    body: Bytes,
) -> Response {
    let mut f = match Fields::parse(&body) {
        Ok(f) => f,
        Err(e) => return error_page(&AppError::Invalid(e)),
    };
    let username = f.get("username");
    let password = f.get("password");
    let next = safe_next(&f.get("next"));
    let (ip, ua) = client(&parts, &st.proxies);
    let device = crate::auth::device_of(&parts, st.secure_cookies);
    match app_auth::sign_in(&st.app, &username, &password, &ip, &ua, device.as_deref()).await {
        Ok(session) => {
            let to = match session.stage {
                app_auth::Stage::Full => next,
                app_auth::Stage::Code => {
                    format!("/sign-in/code?next={}", crate::auth::url_escape(&next))
                }
                app_auth::Stage::Enrol => {
                    format!("/sign-in/enrol?next={}", crate::auth::url_escape(&next))
                }
            };
            crate::mfa::with_session(&st, see_other(&to), &session)
        }
        Err(AppError::Invalid(e)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SignInPage {
                layout: Layout::anonymous("Sign in"),
                username,
                error: e.0.first().map(|x| x.message.clone()),
                next,
            },
        ),
        Err(e) => error_page(&e),
    }
}

pub async fn sign_out(State(st): State<AppState>, s: Session, body: Bytes) -> Response {
    if let Err(e) = form(&st.app, &s, &body).await {
        return error_for(&s, &e);
    }
    if let Err(e) = app_auth::sign_out(&st.app, &s.ctx, &s.token).await {
        return error_for(&s, &e);
    }
    let mut r = see_other("/sign-in?notice=signed_out");
    if let Ok(v) = HeaderValue::from_str(&session_cookie(st.secure_cookies, "", 0)) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

pub async fn home(s: Session, Query(q): Query<HashMap<String, String>>) -> Response {
    match nav_for(&s.ctx).first() {
        // A notice for the start page (after sign-in) follows the redirect.
        Some((href, _)) => match q.get("notice").filter(|n| notice_text(n).is_some()) {
            Some(n) => see_other(&format!("{href}?notice={n}")),
            None => see_other(href),
        },
        None => error_for(
            &s,
            &AppError::Rule(
                "Your account has no role in a program yet. Ask the administrator.".into(),
            ),
        ),
    }
}

/// What a refused form submission shows next to the form: its field errors, or a rule
/// or conflict as a message for the whole form. Other errors get the error page.
pub(crate) fn form_errors(e: AppError) -> Result<FieldErrors, AppError> {
    match e {
        AppError::Invalid(f) => Ok(f),
        AppError::Rule(m) | AppError::Conflict(m) => Ok(FieldErrors::single("form", m)),
        e => Err(e),
    }
}

/// Reads a form and checks its CSRF token (a refusal is audited); the caller refuses
/// unknown fields with `finish`.
pub(crate) async fn form(
    app: &handoff_app::App,
    s: &Session,
    body: &Bytes,
) -> Result<Fields, AppError> {
    let mut f = Fields::parse(body).map_err(AppError::Invalid)?;
    if let Err(e) = check_csrf(s, &f.get("csrf")) {
        handoff_app::audit::alone(
            app,
            &s.ctx,
            "request.csrf",
            "form",
            "",
            handoff_app::audit::DENIED,
            "the form's CSRF token does not match the session's",
        )
        .await?;
        return Err(e);
    }
    Ok(f)
}

// ----- officer: encounters ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "encounters.html")]
struct EncountersPage {
    layout: Layout,
    rows: Vec<EncounterListRow>,
    tz: Tz,
    supervisor: bool,
}

impl Fmt for EncountersPage {
    fn tz(&self) -> Tz {
        self.tz
    }
}

impl EncountersPage {
    fn pathway(&self, r: &EncounterListRow) -> &'static str {
        Pathway::parse(&r.pathway).map_or("", |p| p.label())
    }
    fn status(&self, r: &EncounterListRow) -> String {
        let charges = r.pathway == Pathway::OfficerIntervention.as_str();
        if !charges {
            return match (r.offer_accepted, r.follow_up_due) {
                (Some(true), _) => "Accepted; referred".into(),
                (Some(false), _) => "Declined".into(),
                (None, Some(d)) => format!("Follow-up due {d}"),
                (None, None) if r.eligible == Some(false) => "Not eligible".into(),
                (None, None) => "Record the referral".into(),
            };
        }
        match (
            r.eligible,
            r.override_status.as_deref(),
            r.offer_accepted,
            r.hold_state.as_deref(),
        ) {
            // Progress needs the release: it is on the encounter's page. The list says
            // only what the agency decided and the prosecutor's final decision.
            (_, _, Some(true), Some(h)) => match handoff_domain::hold::HoldState::parse(h) {
                Some(state) if state.is_final() => state.label().to_string(),
                _ => "Accepted; charge held".into(),
            },
            (_, _, Some(false), _) => "Declined".into(),
            (Some(true), _, None, _) | (_, Some("approved"), None, _) => {
                "Eligible: record the offer".into()
            }
            (_, Some("pending"), _, _) => "Override awaiting a supervisor".into(),
            _ => "Not eligible".into(),
        }
    }
}

pub async fn encounters(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let rows = match encounters::my_encounters(&st.app, &s.ctx).await {
        Ok(r) => r,
        Err(e) => return error_for(&s, &e),
    };
    let tz = program_tz(&st, &s.ctx).await;
    let supervisor = s.ctx.actor.has_role(Role::Supervisor);
    render(
        StatusCode::OK,
        &EncountersPage {
            layout: Layout::new(
                if supervisor {
                    "Agency encounters"
                } else {
                    "My encounters"
                },
                &s,
                q.get("notice"),
            ),
            rows,
            tz,
            supervisor,
        },
    )
}

async fn program_tz(st: &AppState, ctx: &Ctx) -> Tz {
    match ctx.program_id() {
        Some(pid) => st
            .app
            .program_data(pid)
            .await
            .map(|d| d.tz)
            .unwrap_or(chrono_tz::UTC),
        None => chrono_tz::UTC,
    }
}

#[derive(Template)]
#[template(path = "encounter_new.html")]
struct NewEncounterPage {
    layout: Layout,
    form: EncounterFormData,
    input: EncounterInput,
    errors: FieldErrors,
    q: String,
    dob: String,
    searched: bool,
    matches: Vec<ParticipantMatch>,
    chosen: Option<ParticipantMatch>,
    idem_key: String,
    sexes: Vec<(&'static str, &'static str)>,
    races: Vec<(&'static str, &'static str)>,
    ethnicities: Vec<(&'static str, &'static str)>,
    attestations: Vec<(&'static str, &'static str)>,
}

impl NewEncounterPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    /// Whether this pathway's form has a section (`pathways::Section::as_str`).
    fn has(&self, section: &str) -> bool {
        self.form
            .spec
            .sections
            .iter()
            .any(|s| s.as_str() == section)
    }
    fn fsel(&self, a: &str, b: &str) -> &'static str {
        if a == b { "checked" } else { "" }
    }
    fn contact_kinds(&self) -> Vec<(&'static str, &'static str)> {
        pairs(ContactKind::ALL, ContactKind::as_str, ContactKind::label)
    }
    fn outreach_sources(&self) -> Vec<(&'static str, &'static str)> {
        pairs(
            OutreachSource::ALL,
            OutreachSource::as_str,
            OutreachSource::label,
        )
    }
    /// The search link keeps the pathway.
    fn pathway_code(&self) -> &'static str {
        self.form.pathway.as_str()
    }
    fn oerr(&self, i: &usize, field: &str) -> String {
        self.err(&format!("offenses[{i}].{field}"))
    }
    fn sel(&self, a: &str, b: &str) -> &'static str {
        sel(a, b)
    }
    fn attested(&self, code: &str) -> &'static str {
        if self.input.attestations.iter().any(|a| a == code) {
            "checked"
        } else {
            ""
        }
    }
    fn existing_id(&self) -> String {
        self.errors
            .get("existing_participant_id")
            .unwrap_or("")
            .to_string()
    }
}

fn pairs<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|x| (code(*x), label(*x))).collect()
}

/// The participant search on the encounter form: the name typed, the birth date, and
/// whether to run it.
struct Search {
    q: String,
    dob: String,
    searched: bool,
}

async fn new_encounter_page(
    st: &AppState,
    s: &Session,
    input: EncounterInput,
    errors: FieldErrors,
    search: Search,
    notice: Option<&String>,
) -> Response {
    let Search { q, dob, searched } = search;
    let form = match encounters::encounter_form(&st.app, &s.ctx, &input.pathway).await {
        Ok(f) => f,
        Err(e) => return error_for(s, &e),
    };
    let mut input = input;
    if input.occurred_at.is_empty() {
        input.occurred_at = form.now_local.clone();
    }
    input.pathway = form.pathway.as_str().to_string();
    while form.spec.charges && input.offenses.len() < MAX_OFFENSES {
        input.offenses.push(OffenseInput::default());
    }
    let mut search_errors = FieldErrors::new();
    let matches = if searched {
        let dob_date = parse_date(&dob);
        match encounters::search_participants(&st.app, &s.ctx, &q, dob_date).await {
            Ok(m) => m,
            Err(AppError::Invalid(e)) => {
                search_errors = e;
                vec![]
            }
            Err(e) => return error_for(s, &e),
        }
    } else {
        vec![]
    };
    let chosen = if input.participant_id.is_empty() {
        None
    } else {
        // The chosen person is shown by name: searched again by id among the matches.
        matches
            .iter()
            .find(|m| m.id.to_string() == input.participant_id)
            .cloned()
    };
    let mut errors = errors;
    errors.0.extend(search_errors.0);
    let status = status_for(&errors);
    // Only what the program's rules ask for.
    let attestations = pairs(&form.attestations, Attestation::as_str, Attestation::label);
    render(
        status,
        &NewEncounterPage {
            layout: Layout::new(
                format!("New encounter: {}", form.pathway.label()),
                s,
                notice,
            ),
            form,
            input,
            errors,
            q,
            dob,
            searched,
            matches,
            chosen,
            idem_key: Uuid::now_v7().to_string(),
            sexes: pairs(Sex::ALL, Sex::as_str, Sex::label),
            races: pairs(Race::ALL, Race::as_str, Race::label),
            ethnicities: pairs(Ethnicity::ALL, Ethnicity::as_str, Ethnicity::label),
            attestations,
        },
    )
}

pub async fn encounter_new(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let query = q.get("q").cloned().unwrap_or_default();
    let dob = q.get("dob").cloned().unwrap_or_default();
    let mut input = EncounterInput::default();
    if let Some(p) = q.get("participant") {
        input.participant_id = p.clone();
    }
    if let Some(p) = q.get("pathway") {
        input.pathway = p.clone();
    }
    let searched = !query.trim().is_empty();
    let search = Search {
        q: query,
        dob,
        searched,
    };
    new_encounter_page(&st, &s, input, FieldErrors::new(), search, q.get("notice")).await
}

/// Reads the encounter form into the same input the API uses.
fn encounter_input(f: &mut Fields) -> EncounterInput {
    let mut offenses = Vec::new();
    for (_, o) in f.indexed("offenses") {
        let g = |k: &str| o.get(k).cloned().unwrap_or_default();
        offenses.push(OffenseInput {
            code: g("code"),
            drug_activity: g("drug_activity"),
            drug_type: g("drug_type"),
            quantity: g("quantity"),
            unit: g("unit"),
        });
    }
    let g = |f: &mut Fields, n: &str| f.get(&format!("facts.{n}"));
    let facts = FactsInput {
        naloxone_doses: g(f, "naloxone_doses"),
        transported: g(f, "transported"),
        surrendered_items: g(f, "surrendered_items"),
        contact_kind: g(f, "contact_kind"),
        prior_involvement_on: g(f, "prior_involvement_on"),
        prior_involvement_ref: g(f, "prior_involvement_ref"),
        outreach_source: g(f, "outreach_source"),
        call_type: g(f, "call_type"),
        police_present: g(f, "police_present"),
        team: g(f, "team"),
    };
    EncounterInput {
        pathway: f.get("pathway"),
        facts,
        occurred_at: f.get("occurred_at"),
        location: f.get("location"),
        incident_number: f.get("incident_number"),
        offenses,
        attestations: f.all("attestations"),
        participant_id: f.get("participant_id"),
        person: handoff_domain::input::PersonInput {
            first_name: f.get("person.first_name"),
            last_name: f.get("person.last_name"),
            dob: f.get("person.dob"),
            sex: f.get("person.sex"),
            race: f.get("person.race"),
            ethnicity: f.get("person.ethnicity"),
            phone: f.get("person.phone"),
            email: f.get("person.email"),
        },
    }
}

pub async fn encounter_create(State(st): State<AppState>, s: Session, body: Bytes) -> Response {
    let mut f = match form(&st.app, &s, &body).await {
        Ok(f) => f,
        Err(e) => return error_for(&s, &e),
    };
    let input = encounter_input(&mut f);
    let key = f.get("idempotency_key");
    let q = f.get("q");
    let dob = f.get("search_dob");
    if let Err(e) = f.finish() {
        let search = Search {
            q,
            dob,
            searched: false,
        };
        return new_encounter_page(&st, &s, input, e, search, None).await;
    }
    let key = (!key.is_empty()).then_some(key);
    match encounters::create_encounter(&st.app, &s.ctx, &input, key.as_deref()).await {
        Ok(c) => see_other(&format!("/encounters/{}?notice=encounter", c.id)),
        Err(AppError::Invalid(e)) => {
            let searched = !q.is_empty();
            let search = Search { q, dob, searched };
            new_encounter_page(&st, &s, input, e, search, None).await
        }
        Err(e) => error_for(&s, &e),
    }
}

// ----- the case page -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    layout: Layout,
    v: CaseView,
    errors: FieldErrors,
    offer: OfferInput,
    attempt: AttemptInput,
    now_local: String,
    override_reason: String,
    review_note: String,
}

impl Fmt for CasePage {
    fn tz(&self) -> Tz {
        self.v.tz
    }
}

impl CasePage {
    fn notice_232(&self) -> &'static str {
        handoff_domain::consent::NOTICE_2_32
    }
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn sel_id(&self, id: &Uuid, b: &str) -> &'static str {
        sel(&id.to_string(), b)
    }
    fn checked(&self, a: &str, b: &str) -> &'static str {
        if a == b { "checked" } else { "" }
    }
    fn outcome_class(&self, o: &Outcome) -> &'static str {
        match o {
            Outcome::Met => "good",
            Outcome::NotMet => "bad",
            Outcome::Unknown => "warn",
        }
    }
    fn outcome_text(&self, o: &Outcome) -> &'static str {
        match o {
            Outcome::Met => "Met",
            Outcome::NotMet => "Not met",
            Outcome::Unknown => "Unknown",
        }
    }
    fn deadline(&self, s: &Option<DeadlineStatus>) -> String {
        deadline_text(s)
    }
    fn outcomes(&self) -> Vec<(&'static str, &'static str)> {
        pairs(
            AttemptOutcome::ALL,
            AttemptOutcome::as_str,
            AttemptOutcome::label,
        )
    }
}

/// What the user typed on one of the case page's forms, shown again after an error.
#[derive(Default)]
struct CaseInput {
    offer: OfferInput,
    override_reason: String,
    attempt: AttemptInput,
}

async fn case_page(
    st: &AppState,
    s: &Session,
    id: Uuid,
    notice: Option<&String>,
    errors: FieldErrors,
    typed: CaseInput,
) -> Response {
    let CaseInput {
        offer,
        override_reason,
        attempt,
    } = typed;
    match case_view::view_case(&st.app, &s.ctx, id).await {
        Ok(v) => {
            let status = status_for(&errors);
            let now_local = st
                .app
                .now()
                .with_timezone(&v.tz)
                .format("%Y-%m-%dT%H:%M")
                .to_string();
            let title = format!("Encounter {}", v.encounter.reference);
            render(
                status,
                &CasePage {
                    layout: Layout::new(title, s, notice),
                    v,
                    errors,
                    offer,
                    attempt,
                    now_local,
                    override_reason,
                    review_note: String::new(),
                },
            )
        }
        Err(e) => error_for(s, &e),
    }
}

pub async fn case(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    case_page(
        &st,
        &s,
        id,
        q.get("notice"),
        FieldErrors::new(),
        CaseInput::default(),
    )
    .await
}

/// Runs a service for a case form; a validation or rule error re-renders the case page
/// with the user's input.
async fn case_action(
    st: &AppState,
    s: &Session,
    id: Uuid,
    result: Result<(), AppError>,
    notice: &str,
    typed: CaseInput,
) -> Response {
    match result {
        Ok(()) => see_other(&format!("/encounters/{id}?notice={notice}")),
        Err(e) => match form_errors(e) {
            Ok(errors) => case_page(st, s, id, None, errors, typed).await,
            Err(e) => error_for(s, &e),
        },
    }
}

pub async fn case_override(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let mut f = match form(&st.app, &s, &body).await {
        Ok(f) => f,
        Err(e) => return error_for(&s, &e),
    };
    let reason = f.get("reason");
    let r = match f.finish() {
        Ok(()) => overrides::request_override(&st.app, &s.ctx, id, &reason).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    let typed = CaseInput {
        override_reason: reason,
        ..Default::default()
    };
    case_action(&st, &s, id, r, "override", typed).await
}

pub async fn case_override_review(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let mut f = match form(&st.app, &s, &body).await {
        Ok(f) => f,
        Err(e) => return error_for(&s, &e),
    };
    let decision = f.get("decision");
    let note = f.get("note");
    let approve = match decision.as_str() {
        "approve" => Some(true),
        "reject" => Some(false),
        _ => None,
    };
    let r = match f.finish() {
        Err(e) => Err(AppError::Invalid(e)),
        Ok(()) => overrides::review_override(&st.app, &s.ctx, id, approve, &note).await,
    };
    case_action(&st, &s, id, r, "reviewed", CaseInput::default()).await
}

fn offer_input(f: &mut Fields) -> OfferInput {
    OfferInput {
        response: f.get("response"),
        decline_reason: f.get("decline_reason"),
        consent_signed_name: f.get("consent_signed_name"),
        consent_confirmed: f.get("consent_confirmed"),
        handoff_mode: f.get("handoff_mode"),
        provider_id: f.get("provider_id"),
        hold_kind: f.get("hold_kind"),
        citation_number: f.get("citation_number"),
        court_date: f.get("court_date"),
    }
}

pub async fn case_offer(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let mut f = match form(&st.app, &s, &body).await {
        Ok(f) => f,
        Err(e) => return error_for(&s, &e),
    };
    let input = offer_input(&mut f);
    let r = match f.finish() {
        Ok(()) => offers::record_offer(&st.app, &s.ctx, id, &input).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    let typed = CaseInput {
        offer: input,
        ..Default::default()
    };
    case_action(&st, &s, id, r, "offer", typed).await
}

pub async fn case_refer(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let mut f = match form(&st.app, &s, &body).await {
        Ok(f) => f,
        Err(e) => return error_for(&s, &e),
    };
    let provider = f.get("provider_id");
    let mode = f.get("handoff_mode");
    let r = match f.finish() {
        Ok(()) => offers::refer_again(&st.app, &s.ctx, id, &provider, &mode).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    let typed = CaseInput {
        offer: OfferInput {
            provider_id: provider,
            handoff_mode: mode,
            ..Default::default()
        },
        ..Default::default()
    };
    case_action(&st, &s, id, r, "referral", typed).await
}

/// A contact attempt on an Active Outreach or Naloxone Plus case.
pub async fn case_attempt(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let mut f = match form(&st.app, &s, &body).await {
        Ok(f) => f,
        Err(e) => return error_for(&s, &e),
    };
    let input = AttemptInput {
        attempted_at: f.get("attempted_at"),
        outcome: f.get("outcome"),
        team: f.get("team"),
        note: f.get("note"),
    };
    let r = match f.finish() {
        Ok(()) => offers::record_attempt(&st.app, &s.ctx, id, &input).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    let typed = CaseInput {
        attempt: input,
        ..Default::default()
    };
    case_action(&st, &s, id, r, "attempt", typed).await
}

#[derive(Template)]
#[template(path = "slip.html")]
struct SlipPage {
    layout: Layout,
    s: Slip,
}

impl SlipPage {
    fn warm(&self) -> bool {
        self.s.mode == handoff_domain::HandoffMode::Warm
    }
    fn d(&self, d: &Option<NaiveDate>) -> String {
        views::opt_date(d)
    }
}

pub async fn slip(State(st): State<AppState>, s: Session, Id(id): Id) -> Response {
    match case_view::slip(&st.app, &s.ctx, id).await {
        Ok(slip) => render(
            StatusCode::OK,
            &SlipPage {
                layout: Layout::new("Referral slip", &s, None),
                s: slip,
            },
        ),
        Err(e) => error_for(&s, &e),
    }
}

#[derive(Template)]
#[template(path = "overrides.html")]
struct OverridesPage {
    layout: Layout,
    rows: Vec<PendingOverrideRow>,
    tz: Tz,
}

impl Fmt for OverridesPage {
    fn tz(&self) -> Tz {
        self.tz
    }
}

pub async fn overrides(State(st): State<AppState>, s: Session) -> Response {
    match overrides::pending_overrides(&st.app, &s.ctx).await {
        Ok(rows) => {
            let tz = program_tz(&st, &s.ctx).await;
            render(
                StatusCode::OK,
                &OverridesPage {
                    layout: Layout::new("Overrides awaiting review", &s, None),
                    rows,
                    tz,
                },
            )
        }
        Err(e) => error_for(&s, &e),
    }
}

// ----- provider -----------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    layout: Layout,
    q: Queue,
    closed: bool,
}

impl Fmt for QueuePage {
    fn tz(&self) -> Tz {
        self.q.tz
    }
}

impl QueuePage {
    fn status(&self, s: &str, b: &str) -> String {
        status_label(s, b)
    }
}

fn status_label(status: &str, business: &str) -> String {
    let s = handoff_domain::referral::ReferralStatus::parse(status)
        .map(|s| s.label())
        .unwrap_or(status);
    let b = handoff_domain::referral::BusinessStatus::parse(business)
        .map(|s| s.label())
        .unwrap_or(business);
    if s == b {
        s.to_string()
    } else {
        format!("{s}: {b}")
    }
}

pub async fn queue(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let closed = q.get("all").is_some_and(|v| v == "1");
    match referrals::queue(&st.app, &s.ctx, closed).await {
        Ok(queue) => render(
            StatusCode::OK,
            &QueuePage {
                layout: Layout::new("Referral queue", &s, q.get("notice")),
                q: queue,
                closed,
            },
        ),
        Err(e) => error_for(&s, &e),
    }
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ReferralPage {
    layout: Layout,
    v: ReferralView,
    errors: FieldErrors,
    input: ReferralActionInput,
    consent: ConsentInput,
    exit_kinds: Vec<(&'static str, &'static str)>,
    version: String,
}

impl Fmt for ReferralPage {
    fn tz(&self) -> Tz {
        self.v.tz
    }
}

impl ReferralPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn sel(&self, a: &str, b: &str) -> &'static str {
        sel(a, b)
    }
    fn status(&self) -> String {
        status_label(&self.v.referral.status, &self.v.referral.business_status)
    }
    fn event_label(&self, kind: &str) -> String {
        handoff_domain::referral::ActionKind::parse(kind)
            .map(|a| a.label().to_string())
            .unwrap_or_else(|| kind.to_string())
    }
    fn has(&self, action: &str) -> bool {
        self.v.actions.iter().any(|a| a.as_str() == action)
    }
    /// This provider discloses under the consent (and so records its revocation).
    fn discloses(&self, c: &ConsentLine) -> bool {
        handoff_app::util::parse_ids(&c.row.discloser_org_ids).contains(&self.v.referral.to_org_id)
    }
    fn recipient_checked(&self, id: &Uuid) -> &'static str {
        let id = id.to_string();
        if self.consent.recipients.contains(&id) {
            "checked"
        } else {
            ""
        }
    }
    fn info_checked(&self, code: &str) -> &'static str {
        if self.consent.information.iter().any(|i| i == code) {
            "checked"
        } else {
            ""
        }
    }
    fn instruments(&self) -> Vec<(&'static str, &'static str)> {
        handoff_domain::screening::Instrument::ALL
            .iter()
            .map(|i| (i.as_str(), i.name()))
            .collect()
    }
    fn instrument_name(&self, code: &str) -> &'static str {
        handoff_domain::screening::Instrument::parse(code).map_or("Screening", |i| i.name())
    }
    fn infos(&self) -> Vec<(&'static str, &'static str)> {
        Info::ALL.iter().map(|i| (i.as_str(), i.label())).collect()
    }
}

async fn referral_page(
    st: &AppState,
    s: &Session,
    id: Uuid,
    notice: Option<&String>,
    errors: FieldErrors,
    input: ReferralActionInput,
    consent: ConsentInput,
) -> Response {
    match referrals::view(&st.app, &s.ctx, id).await {
        Ok(v) => {
            let status = status_for(&errors);
            let version = v.referral.updated_at.to_rfc3339();
            let title = format!("Referral {}", v.reference);
            render(
                status,
                &ReferralPage {
                    layout: Layout::new(title, s, notice),
                    v,
                    errors,
                    input,
                    consent,
                    exit_kinds: pairs(ExitKind::ALL, ExitKind::as_str, ExitKind::label),
                    version,
                },
            )
        }
        Err(e) => error_for(s, &e),
    }
}

pub async fn referral(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    referral_page(
        &st,
        &s,
        id,
        q.get("notice"),
        FieldErrors::new(),
        ReferralActionInput::default(),
        ConsentInput::default(),
    )
    .await
}

pub async fn referral_event(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let mut f = match form(&st.app, &s, &body).await {
        Ok(f) => f,
        Err(e) => return error_for(&s, &e),
    };
    let input = ReferralActionInput {
        action: f.get("action"),
        occurred_at: f.get("occurred_at"),
        reason: f.get("reason"),
        note: f.get("note"),
        exit_kind: f.get("exit_kind"),
        contact_outcome: f.get("contact_outcome"),
        version: f.get("version"),
    };
    let r = match f.finish() {
        Ok(()) => referrals::act(&st.app, &s.ctx, id, &input).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match r {
        Ok(()) => see_other(&format!("/referrals/{id}?notice=event")),
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                referral_page(&st, &s, id, None, errors, input, ConsentInput::default()).await
            }
            Err(e) => error_for(&s, &e),
        },
    }
}

pub async fn referral_consent(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let mut f = match form(&st.app, &s, &body).await {
        Ok(f) => f,
        Err(e) => return error_for(&s, &e),
    };
    let input = ConsentInput {
        recipients: f.all("recipients"),
        recipient_class: f.get("recipient_class"),
        information: f.all("information"),
        purpose: f.get("purpose"),
        expires_on: f.get("expires_on"),
        expires_at_disposition: f.get("expires_at_disposition"),
        signed_name: f.get("signed_name"),
        attested: f.get("attested"),
    };
    let r = match f.finish() {
        Ok(()) => consents::record_general(&st.app, &s.ctx, id, &input).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match r {
        Ok(_) => see_other(&format!("/referrals/{id}?notice=consent")),
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                let step = ReferralActionInput::default();
                referral_page(&st, &s, id, None, errors, step, input).await
            }
            Err(e) => error_for(&s, &e),
        },
    }
}

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage {
    layout: Layout,
    f: ConsentForm,
}

impl Fmt for ConsentPage {
    fn tz(&self) -> Tz {
        self.f.tz
    }
}

impl ConsentPage {
    fn expiry(&self) -> String {
        let r = &self.f.line.row;
        let mut parts = Vec::new();
        if let Some(x) = r.expires_at {
            parts.push(format!("on {}", self.t(&x)));
        }
        if r.expiry_event.is_some() {
            parts.push(format!(
                "at {}",
                handoff_domain::consent::Event::FinalDisposition.label()
            ));
        }
        parts.join(", or ")
    }
}

pub async fn consent_page(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match consents::form(&st.app, &s.ctx, id).await {
        Ok(f) => render(
            StatusCode::OK,
            &ConsentPage {
                layout: Layout::new("Consent to disclose", &s, q.get("notice")),
                f,
            },
        ),
        Err(e) => error_for(&s, &e),
    }
}

pub async fn consent_revoke(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let mut f = match form(&st.app, &s, &body).await {
        Ok(f) => f,
        Err(e) => return error_for(&s, &e),
    };
    let note = f.get("note");
    if let Err(e) = f.finish() {
        return error_for(&s, &AppError::Invalid(e));
    }
    match consents::revoke(&st.app, &s.ctx, id, &note).await {
        Ok(state) => see_other(&format!(
            "/consents/{id}?notice={}",
            if state.permits() {
                "revocation_pending"
            } else {
                "revoked"
            }
        )),
        Err(e) => error_for(&s, &e),
    }
}

// ----- prosecutor -----------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "holds.html")]
struct HoldsPage {
    layout: Layout,
    q: HoldQueue,
}

impl Fmt for HoldsPage {
    fn tz(&self) -> Tz {
        self.q.tz
    }
}

impl HoldsPage {
    fn deadline(&self, s: &Option<DeadlineStatus>) -> String {
        deadline_text(s)
    }
    fn class(&self, s: &Option<DeadlineStatus>) -> &'static str {
        deadline_class(s)
    }
}

pub async fn holds_queue(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match holds::queue(&st.app, &s.ctx).await {
        Ok(queue) => render(
            StatusCode::OK,
            &HoldsPage {
                layout: Layout::new("Held charges", &s, q.get("notice")),
                q: queue,
            },
        ),
        Err(e) => error_for(&s, &e),
    }
}

#[derive(Template)]
#[template(path = "hold.html")]
struct HoldPage {
    layout: Layout,
    v: HoldView,
    errors: FieldErrors,
    input: HoldDecisionInput,
}

impl Fmt for HoldPage {
    fn tz(&self) -> Tz {
        self.v.tz
    }
}

impl HoldPage {
    fn notice_232(&self) -> &'static str {
        handoff_domain::consent::NOTICE_2_32
    }
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn checked(&self, a: &str, b: &str) -> &'static str {
        if a == b { "checked" } else { "" }
    }
    fn deadline(&self, s: &Option<DeadlineStatus>) -> String {
        deadline_text(s)
    }
}

async fn hold_page(
    st: &AppState,
    s: &Session,
    id: Uuid,
    notice: Option<&String>,
    errors: FieldErrors,
    input: HoldDecisionInput,
) -> Response {
    match holds::view(&st.app, &s.ctx, id).await {
        Ok(v) => {
            let status = status_for(&errors);
            let title = format!("Held charge {}", v.reference);
            render(
                status,
                &HoldPage {
                    layout: Layout::new(title, s, notice),
                    v,
                    errors,
                    input,
                },
            )
        }
        Err(e) => error_for(s, &e),
    }
}

pub async fn hold(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    hold_page(
        &st,
        &s,
        id,
        q.get("notice"),
        FieldErrors::new(),
        HoldDecisionInput::default(),
    )
    .await
}

pub async fn hold_decide(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let mut f = match form(&st.app, &s, &body).await {
        Ok(f) => f,
        Err(e) => return error_for(&s, &e),
    };
    let input = HoldDecisionInput {
        decision: f.get("decision"),
        reason: f.get("reason"),
        new_deadline: f.get("new_deadline"),
    };
    let r = match f.finish() {
        Ok(()) => holds::decide(&st.app, &s.ctx, id, &input).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match r {
        Ok(()) => see_other(&format!("/holds/{id}?notice=decision")),
        Err(e) => match form_errors(e) {
            Ok(errors) => hold_page(&st, &s, id, None, errors, input).await,
            Err(e) => error_for(&s, &e),
        },
    }
}

// ----- coordinator -------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    v: DashboardView,
    d: DeadlineList,
}

impl Fmt for DashboardPage {
    fn tz(&self) -> Tz {
        self.v.tz
    }
}

impl DashboardPage {
    fn pathways(&self) -> Vec<(&'static str, &'static str)> {
        pairs(Pathway::ALL, Pathway::as_str, Pathway::label)
    }
    fn entries(&self) -> Vec<(&'static str, &'static str)> {
        pairs(&dashboard::ENTRY_KINDS, OrgKind::as_str, OrgKind::label)
    }
    fn sel_pathway(&self, code: &str) -> &'static str {
        sel(code, self.v.filter.pathway.map_or("", |p| p.as_str()))
    }
    fn sel_entry(&self, code: &str) -> &'static str {
        sel(code, self.v.filter.entry.map_or("", |k| k.as_str()))
    }
    fn sel_id(&self, id: &Uuid, chosen: &Option<Uuid>) -> &'static str {
        if Some(*id) == *chosen { "selected" } else { "" }
    }
    /// A bar of a distribution or trend, in percent of the largest.
    fn share(&self, n: &u64, rows: &[(String, u64)]) -> u64 {
        let max = rows.iter().map(|(_, x)| *x).max().unwrap_or(1).max(1);
        (*n * 100) / max
    }
    fn month_bar(&self, n: &u64) -> u64 {
        let max = self
            .v
            .dashboard
            .months
            .iter()
            .map(|m| m.encounters)
            .max()
            .unwrap_or(1)
            .max(1);
        (*n * 100) / max
    }
    fn rate(&self, r: &handoff_domain::measures::Rate) -> String {
        match r.percent() {
            Some(p) => format!("{} of {} ({p:.0}%)", r.numerator, r.denominator),
            None => "—".into(),
        }
    }
    fn pct(&self, n: &u64, of: &u64) -> String {
        if *of == 0 {
            "—".into()
        } else {
            format!("{:.0}%", 100.0 * *n as f64 / *of as f64)
        }
    }
    fn num(&self, v: &Option<f64>, unit: &str) -> String {
        v.map(|x| format!("{x:.1} {unit}"))
            .unwrap_or_else(|| "—".into())
    }
    fn overdue(&self, ends: &DateTime<Utc>, state: &str) -> &'static str {
        if state == "deadline_missed" {
            "Deadline missed"
        } else if *ends <= self.d.now {
            "Deadline passed"
        } else {
            "Due soon"
        }
    }
    fn funnel(&self) -> Vec<(&'static str, u64)> {
        let d = &self.v.dashboard;
        vec![
            ("Encounters", d.encounters),
            ("Eligible", d.eligible),
            ("Offered", d.offered),
            ("Accepted", d.accepted),
            ("Referred", d.referred),
            ("Handed off", d.handed_off),
            ("Intake", d.intakes),
        ]
    }
    fn bar(&self, n: &u64) -> u64 {
        let max = self.v.dashboard.encounters.max(1);
        (*n * 100) / max
    }
}

pub async fn dashboard_page(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = admin::guard(
        &st.app,
        &s.ctx,
        ProgramAction::ViewDashboard,
        "dashboard.read",
    )
    .await
    {
        return error_for(&s, &e);
    }
    let mut errors = FieldErrors::new();
    let mut date = |k: &str| match q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => match parse_date(v) {
            Some(d) => Some(d),
            None => {
                errors.add(k, "Use a date like 2026-05-01.");
                None
            }
        },
    };
    let (from, to) = (date("from"), date("to"));
    if !errors.is_empty() {
        return error_for(&s, &AppError::Invalid(errors));
    }
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let filter = match dashboard::Filter::parse(
        get("pathway"),
        get("entry"),
        get("agency"),
        get("provider"),
        get("officer"),
    ) {
        Ok(f) => f,
        Err(e) => return error_for(&s, &e),
    };
    let v = match dashboard::dashboard(&st.app, &s.ctx, from, to, filter).await {
        Ok(v) => v,
        Err(e) => return error_for(&s, &e),
    };
    let d = match dashboard::deadlines(&st.app, &s.ctx).await {
        Ok(d) => d,
        Err(e) => return error_for(&s, &e),
    };
    render(
        StatusCode::OK,
        &DashboardPage {
            layout: Layout::new("Program dashboard", &s, q.get("notice")),
            v,
            d,
        },
    )
}

// ----- administration -----------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    layout: Layout,
    o: AdminOverview,
    /// The add-user form, as typed, and its errors.
    user: UserForm,
    errors: FieldErrors,
    /// The add-role form, as typed, and its errors.
    grant: RoleForm,
    grant_errors: FieldErrors,
    roles: Vec<(&'static str, &'static str)>,
}

#[derive(Default)]
struct UserForm {
    username: String,
    display_name: String,
    org_id: String,
    role: String,
}

#[derive(Default)]
struct RoleForm {
    user_id: String,
    org_id: String,
    role: String,
}

impl AdminPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn sel(&self, a: &str, b: &str) -> &'static str {
        sel(a, b)
    }
    fn sel_id(&self, id: &Uuid, b: &str) -> &'static str {
        sel(&id.to_string(), b)
    }
    fn roles_of(&self, user: &Uuid) -> String {
        self.o
            .memberships
            .iter()
            .filter(|m| m.user_id == *user)
            .map(|m| {
                format!(
                    "{} at {}",
                    Role::parse(&m.role).map(|r| r.label()).unwrap_or(&m.role),
                    m.org_name
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
    fn org_kind(&self, k: &str) -> &'static str {
        OrgKind::parse(k).map(|k| k.label()).unwrap_or("")
    }
    fn grant_messages(&self) -> String {
        self.grant_errors
            .0
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The page with what was typed in whichever form was refused.
async fn admin_page(
    st: &AppState,
    s: &Session,
    notice: Option<&String>,
    (user, errors): (UserForm, FieldErrors),
    (grant, grant_errors): (RoleForm, FieldErrors),
) -> Response {
    match admin::overview(&st.app, &s.ctx).await {
        Ok(o) => {
            let status = if errors.is_empty() && grant_errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            render(
                status,
                &AdminPage {
                    layout: Layout::new("Users and roles", s, notice),
                    o,
                    user,
                    errors,
                    grant,
                    grant_errors,
                    roles: pairs(Role::ALL, Role::as_str, Role::label),
                },
            )
        }
        Err(e) => error_for(s, &e),
    }
}

pub async fn admin_index(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    admin_page(
        &st,
        &s,
        q.get("notice"),
        Default::default(),
        Default::default(),
    )
    .await
}

pub async fn admin_create_user(State(st): State<AppState>, s: Session, body: Bytes) -> Response {
    let mut f = match form(&st.app, &s, &body).await {
        Ok(f) => f,
        Err(e) => return error_for(&s, &e),
    };
    let (username, display_name, password, org_id, role) = (
        f.get("username"),
        f.get("display_name"),
        f.get("password"),
        f.get("organization_id"),
        f.get("role"),
    );
    if let Err(e) = admin::guard(&st.app, &s.ctx, ProgramAction::ManageUsers, "user.create").await {
        return error_for(&s, &e);
    }
    let result = match f.finish() {
        Err(e) => Err(AppError::Invalid(e)),
        Ok(()) => {
            let mut errors = FieldErrors::new();
            let org = Uuid::parse_str(&org_id).ok();
            if org.is_none() {
                errors.add("organization_id", "Choose an organization.");
            }
            let r = Role::parse(&role);
            if r.is_none() {
                errors.add("role", "Choose a role.");
            }
            match (org, r) {
                (Some(o), Some(r)) if errors.is_empty() => admin::create_user(
                    &st.app,
                    Some(&s.ctx),
                    NewUser {
                        username: username.clone(),
                        display_name: display_name.clone(),
                        password,
                    },
                    &[(o, r)],
                )
                .await
                .map(|_| ()),
                _ => Err(AppError::Invalid(errors)),
            }
        }
    };
    match result {
        Ok(()) => see_other("/admin?notice=user"),
        Err(AppError::Invalid(e)) => {
            let user = UserForm {
                username,
                display_name,
                org_id,
                role,
            };
            admin_page(&st, &s, None, (user, e), Default::default()).await
        }
        Err(e) => error_for(&s, &e),
    }
}

pub async fn admin_add_membership(State(st): State<AppState>, s: Session, body: Bytes) -> Response {
    let mut f = match form(&st.app, &s, &body).await {
        Ok(f) => f,
        Err(e) => return error_for(&s, &e),
    };
    let (user_id, org_id, role) = (f.get("user_id"), f.get("organization_id"), f.get("role"));
    if let Err(e) = admin::guard(
        &st.app,
        &s.ctx,
        ProgramAction::ManageUsers,
        "membership.grant",
    )
    .await
    {
        return error_for(&s, &e);
    }
    let result = match (
        f.finish(),
        Uuid::parse_str(&user_id),
        Uuid::parse_str(&org_id),
        Role::parse(&role),
    ) {
        (Err(e), ..) => Err(AppError::Invalid(e)),
        (Ok(()), Ok(u), Ok(o), Some(r)) => admin::add_membership(&st.app, &s.ctx, u, o, r).await,
        _ => Err(AppError::field(
            "role",
            "Choose a user, an organization and a role.",
        )),
    };
    match result {
        Ok(()) => see_other("/admin?notice=membership"),
        Err(AppError::Invalid(e)) => {
            let grant = RoleForm {
                user_id,
                org_id,
                role,
            };
            admin_page(&st, &s, None, Default::default(), (grant, e)).await
        }
        Err(e) => error_for(&s, &e),
    }
}

#[derive(Template)]
#[template(path = "roster.html")]
struct RosterPage {
    layout: Layout,
    rosters: Vec<Roster>,
    errors: FieldErrors,
    tz: Tz,
    now_local: String,
    form: ShiftForm,
}

/// The add-shift form as typed (kept when it is refused).
#[derive(Default)]
struct ShiftForm {
    organization_id: String,
    user_id: String,
    starts_at: String,
    ends_at: String,
}

impl RosterPage {
    fn is_form_org(&self, org: &Uuid) -> bool {
        self.form.organization_id == org.to_string()
    }
    fn form_org_shown(&self) -> bool {
        self.rosters.iter().any(|r| self.is_form_org(&r.org.id))
    }
    fn sel_user(&self, org: &Uuid, user: &Uuid) -> &'static str {
        if self.is_form_org(org) {
            sel(&user.to_string(), &self.form.user_id)
        } else {
            ""
        }
    }
    fn starts(&self, org: &Uuid) -> String {
        if self.is_form_org(org) {
            self.form.starts_at.clone()
        } else {
            self.now_local.clone()
        }
    }
    fn ends(&self, org: &Uuid) -> String {
        if self.is_form_org(org) {
            self.form.ends_at.clone()
        } else {
            String::new()
        }
    }
}

impl Fmt for RosterPage {
    fn tz(&self) -> Tz {
        self.tz
    }
}

async fn roster_page(
    st: &AppState,
    s: &Session,
    notice: Option<&String>,
    errors: FieldErrors,
    form: ShiftForm,
) -> Response {
    match admin::rosters(&st.app, &s.ctx).await {
        Ok(rosters) => {
            let tz = program_tz(st, &s.ctx).await;
            let status = status_for(&errors);
            let now_local = st
                .app
                .now()
                .with_timezone(&tz)
                .format("%Y-%m-%dT%H:%M")
                .to_string();
            render(
                status,
                &RosterPage {
                    layout: Layout::new("On-call roster", s, notice),
                    rosters,
                    errors,
                    tz,
                    now_local,
                    form,
                },
            )
        }
        Err(e) => error_for(s, &e),
    }
}

pub async fn roster(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    roster_page(
        &st,
        &s,
        q.get("notice"),
        FieldErrors::new(),
        ShiftForm::default(),
    )
    .await
}

pub async fn roster_add(State(st): State<AppState>, s: Session, body: Bytes) -> Response {
    let mut f = match form(&st.app, &s, &body).await {
        Ok(f) => f,
        Err(e) => return error_for(&s, &e),
    };
    let (org_id, user_id, starts, ends) = (
        f.get("organization_id"),
        f.get("user_id"),
        f.get("starts_at"),
        f.get("ends_at"),
    );
    if let Err(e) = admin::guard(&st.app, &s.ctx, ProgramAction::ManageRoster, "roster.add").await {
        return error_for(&s, &e);
    }
    let tz = program_tz(&st, &s.ctx).await;
    let result = match f.finish() {
        Err(e) => Err(AppError::Invalid(e)),
        Ok(()) => {
            let mut errors = FieldErrors::new();
            let org = Uuid::parse_str(&org_id).ok();
            if org.is_none() {
                errors.add("organization_id", "Choose a provider.");
            }
            let user = Uuid::parse_str(&user_id).ok();
            if user.is_none() {
                errors.add("user_id", "Choose a case manager.");
            }
            let starts_at = parse_local_datetime(&starts, tz);
            if starts_at.is_none() {
                errors.add("starts_at", "Use a date and time like 2026-05-01T08:00.");
            }
            let ends_at = parse_local_datetime(&ends, tz);
            if ends_at.is_none() {
                errors.add("ends_at", "Use a date and time like 2026-05-01T20:00.");
            }
            match (org, user, starts_at, ends_at) {
                (Some(o), Some(u), Some(a), Some(b)) if errors.is_empty() => {
                    admin::add_shift(&st.app, Some(&s.ctx), o, u, a, b)
                        .await
                        .map(|_| ())
                }
                _ => Err(AppError::Invalid(errors)),
            }
        }
    };
    match result {
        Ok(()) => see_other("/roster?notice=shift"),
        Err(AppError::Invalid(e)) => {
            let form = ShiftForm {
                organization_id: org_id,
                user_id,
                starts_at: starts,
                ends_at: ends,
            };
            roster_page(&st, &s, None, e, form).await
        }
        Err(e) => error_for(&s, &e),
    }
}

/// A button on the admin page: a form with only its CSRF token, one action, a notice.
async fn admin_button<F>(
    st: &AppState,
    s: &Session,
    body: &Bytes,
    action: F,
    notice: &str,
) -> Response
where
    F: std::future::Future<Output = Result<(), AppError>>,
{
    let f = match form(&st.app, s, body).await {
        Ok(f) => f,
        Err(e) => return error_for(s, &e),
    };
    if let Err(e) = f.finish() {
        return error_for(s, &AppError::Invalid(e));
    }
    match action.await {
        Ok(()) => see_other(&format!("/admin?notice={notice}")),
        Err(e) => error_for(s, &e),
    }
}

pub async fn admin_unlock_user(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let action = admin::unlock_user(&st.app, Some(&s.ctx), id);
    admin_button(&st, &s, &body, action, "unlocked").await
}

pub async fn admin_reset_mfa(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let action = admin::reset_mfa(&st.app, Some(&s.ctx), id);
    admin_button(&st, &s, &body, action, "mfa_reset").await
}

pub async fn roster_remove(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let f = match form(&st.app, &s, &body).await {
        Ok(f) => f,
        Err(e) => return error_for(&s, &e),
    };
    if let Err(e) = f.finish() {
        return error_for(&s, &AppError::Invalid(e));
    }
    match admin::remove_shift(&st.app, &s.ctx, id).await {
        Ok(()) => see_other("/roster?notice=shift"),
        Err(e) => error_for(&s, &e),
    }
}
