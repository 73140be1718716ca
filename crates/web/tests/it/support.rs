//! The test world: a server on port 0 over a fresh database, a program with two
//! agencies, two providers, a prosecutor, a coordinator and an administrator, and an HTTP
//! client that signs in like a browser.
use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Duration, TimeZone, Utc};
use handoff_app::{App, Settings, admin, auth};
use handoff_domain::eligibility::Rules;
use handoff_domain::{ManualClock, OrgKind, Role};
use handoff_storage::testing::{fresh_postgres_database, fresh_sqlite_path, postgres_admin_url};
use handoff_storage::{DbConfig, Store};
use handoff_web::AppState;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use uuid::Uuid;

pub const PASSWORD: &str = "test-password-1";

#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres(_) => "postgres",
        })
    }
}

/// SQLite always; PostgreSQL when configured. CI sets HANDOFF_REQUIRE_POSTGRES=1 so a
/// missing server fails instead of being skipped.
pub fn backends() -> Vec<Backend> {
    let mut v = vec![Backend::Sqlite];
    match postgres_admin_url() {
        Some(url) => v.push(Backend::Postgres(url)),
        None => assert!(
            std::env::var("HANDOFF_REQUIRE_POSTGRES").is_err(),
            "HANDOFF_REQUIRE_POSTGRES is set but HANDOFF_TEST_POSTGRES_URL is not"
        ),
    }
    v
}

pub async fn open_store(backend: &Backend) -> Store {
    open_config(&fresh_config(backend).await).await
}

pub async fn open_config(config: &DbConfig) -> Store {
    Store::open(config, &handoff_storage::Keys::for_tests())
        .await
        .expect("open the test database")
}

/// A new empty database on the backend.
pub async fn fresh_config(backend: &Backend) -> DbConfig {
    match backend {
        Backend::Sqlite => DbConfig::Sqlite {
            path: fresh_sqlite_path(),
        },
        Backend::Postgres(admin) => DbConfig::Postgres {
            url: fresh_postgres_database(admin)
                .await
                .expect("create a test database"),
        },
    }
}

pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

pub struct World {
    pub backend: Backend,
    pub config: DbConfig,
    pub app: App,
    pub store: Store,
    pub clock: ManualClock,
    pub base: String,
    pub client: HttpClient,
    pub program: Uuid,
    pub orgs: HashMap<&'static str, Uuid>,
    pub users: HashMap<&'static str, Uuid>,
}

/// Monday 2 March 2026, 09:00 in Chicago.
pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()
}

pub const USERS: &[(&str, Role, &str)] = &[
    ("officer", Role::Officer, "agency"),
    ("officer2", Role::Officer, "agency"),
    ("officer_b", Role::Officer, "agency_b"),
    ("supervisor", Role::Supervisor, "agency"),
    ("cm1", Role::CaseManager, "p1"),
    ("cm2", Role::CaseManager, "p2"),
    ("prosecutor", Role::Prosecutor, "pros"),
    ("coordinator", Role::Coordinator, "coord"),
    ("admin", Role::Administrator, "coord"),
];

pub async fn world(backend: Backend) -> World {
    world_with(backend, Settings::default()).await
}

/// A world whose app has these settings (a languages folder, say).
pub async fn world_with(backend: Backend, mut settings: Settings) -> World {
    // Links in messages (and an SMS gateway's reports) reach this server unless the test
    // names another address.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    if settings.public_url == Settings::default().public_url {
        settings.public_url = base.clone();
    }
    let config = fresh_config(&backend).await;
    let store = open_config(&config).await;
    let clock = ManualClock::new(start_time());
    let app = App::new(store.clone(), Arc::new(clock.clone()), settings)
        .await
        .unwrap();
    let program = admin::create_program(
        &app,
        admin::NewProgram {
            name: "Test County Program".into(),
            time_zone: "America/Chicago".into(),
            intake_deadline_days: 30,
            supervisor_approves_overrides: true,
            rules: Rules::default(),
        },
    )
    .await
    .unwrap();
    let mut orgs = HashMap::new();
    for (key, kind, name) in [
        ("agency", OrgKind::LawEnforcement, "Test Police"),
        ("agency_b", OrgKind::LawEnforcement, "Other Sheriff"),
        ("p1", OrgKind::Provider, "First Provider"),
        ("p2", OrgKind::Provider, "Second Provider"),
        ("pros", OrgKind::Prosecutor, "Test Prosecutor"),
        ("coord", OrgKind::Coordination, "Test Coordination"),
    ] {
        let o = admin::create_org(
            &app,
            admin::NewOrg {
                program_id: program.id,
                kind,
                name: name.into(),
                address: format!("1 {name} Way"),
                phone: "555-0100".into(),
                hours: "9-5".into(),
                what_to_bring: "ID".into(),
            },
        )
        .await
        .unwrap();
        orgs.insert(key, o.id);
    }
    let mut users = HashMap::new();
    for (name, role, org) in USERS {
        let u = admin::create_user(
            &app,
            None,
            admin::NewUser {
                username: (*name).into(),
                display_name: format!("{name} name"),
                password: PASSWORD.into(),
            },
            &[(orgs[org], *role)],
        )
        .await
        .unwrap();
        auth::enrol_known_secret(&app, u.id, &totp_secret(name))
            .await
            .unwrap();
        users.insert(*name, u.id);
    }
    // cm1 is on call at the first provider for the whole test period; cm2 at the second.
    let mut from = start_time() - Duration::days(1);
    for _ in 0..4 {
        admin::add_shift(
            &app,
            None,
            orgs["p1"],
            users["cm1"],
            from,
            from + Duration::days(30),
        )
        .await
        .unwrap();
        admin::add_shift(
            &app,
            None,
            orgs["p2"],
            users["cm2"],
            from,
            from + Duration::days(30),
        )
        .await
        .unwrap();
        from += Duration::days(30);
    }
    let state = AppState {
        app: app.clone(),
        secure_cookies: false,
        proxies: handoff_web::auth::TrustedProxies::parse(&["127.0.0.1"]).unwrap(),
    };
    tokio::spawn(handoff_web::serve(state, listener, std::future::pending()));
    let client = Client::builder(TokioExecutor::new()).build_http();
    World {
        backend,
        config,
        app,
        store,
        clock,
        base,
        client,
        program: program.id,
        orgs,
        users,
    }
}

impl Drop for World {
    /// The test's SQLite folder goes with it (the server task may still hold the file
    /// open; on Unix the removal waits for that).
    fn drop(&mut self) {
        if let DbConfig::Sqlite { path } = &self.config
            && let Some(dir) = path.parent()
            && dir
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("handoff-test-"))
        {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: hyper::HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn location(&self) -> String {
        self.headers
            .get("location")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    /// The id in a redirect like /encounters/{id}?notice=...
    pub fn location_id(&self) -> Uuid {
        let loc = self.location();
        let id = loc.split('/').nth(2).unwrap().split('?').next().unwrap();
        Uuid::parse_str(id).unwrap_or_else(|_| panic!("no id in {loc}"))
    }
}

pub async fn request(
    client: &HttpClient,
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, Vec<u8>)>,
) -> Resp {
    let mut b = Request::builder().method(method).uri(url);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let body = match body {
        Some((ct, bytes)) => {
            b = b.header("content-type", ct);
            Full::new(Bytes::from(bytes))
        }
        None => Full::new(Bytes::new()),
    };
    let resp = client.request(b.body(body).unwrap()).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A signed-in browser.
#[derive(Clone)]
pub struct Agent {
    pub cookie: String,
    pub csrf: String,
    base: String,
    client: HttpClient,
}

pub fn csrf_in(html: &str) -> Option<String> {
    let i = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(html[i..i + html[i..].find('"')?].to_string())
}

/// A test user's TOTP secret (as the demo's: derived from the name).
pub fn totp_secret(user: &str) -> String {
    handoff_app::demo::totp_secret(user)
}

/// The cookie a response sets (name=value).
pub fn set_cookie(r: &Resp) -> String {
    r.headers
        .get("set-cookie")
        .unwrap_or_else(|| panic!("no cookie set: {} {}", r.status, r.body))
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

impl World {
    /// Posts a user name and password; returns the response (a pending session's cookie
    /// and a redirect to the code page, when the password is right).
    pub async fn post_password(&self, user: &str, password: &str) -> Resp {
        let form = serde_urlencoded::to_string([
            ("username", user),
            ("password", password),
            ("next", "/"),
        ])
        .unwrap();
        request(
            &self.client,
            Method::POST,
            &format!("{}/sign-in", self.base),
            &[],
            Some(("application/x-www-form-urlencoded", form.into_bytes())),
        )
        .await
    }

    /// Posts a code for a pending session (the form's CSRF token read from `page`).
    pub async fn post_code(&self, cookie: &str, page: &str, code: &str) -> Resp {
        let csrf = {
            let r = request(
                &self.client,
                Method::GET,
                &format!("{}{page}", self.base),
                &[("cookie", cookie)],
                None,
            )
            .await;
            csrf_in(&r.body).unwrap_or_else(|| panic!("no csrf on {page}: {} {}", r.status, r.body))
        };
        let form =
            serde_urlencoded::to_string([("csrf", csrf.as_str()), ("code", code), ("next", "/")])
                .unwrap();
        request(
            &self.client,
            Method::POST,
            &format!("{}{page}", self.base),
            &[("cookie", cookie)],
            Some(("application/x-www-form-urlencoded", form.into_bytes())),
        )
        .await
    }

    /// A code for `user` that the server has not accepted yet: the current step or the
    /// next (one step of drift is allowed); when both were used, the clock moves on.
    pub async fn fresh_code(&self, user: &str) -> String {
        let secret = handoff_app::totp::base32_decode(&totp_secret(user)).unwrap();
        let last = {
            let mut tx = self.store.read().await.unwrap();
            let u = tx.user_by_name(user).await.unwrap().unwrap();
            tx.rollback().await.unwrap();
            u.totp_last_step
        };
        loop {
            let now = handoff_app::totp::step_at(self.app.now().timestamp());
            if let Some(step) = (now..=now + 1).find(|s| *s > last) {
                return handoff_app::totp::code(&secret, step, handoff_app::totp::DIGITS);
            }
            self.clock
                .advance(Duration::seconds(handoff_app::totp::PERIOD));
        }
    }

    pub async fn sign_in(&self, user: &'static str) -> Agent {
        let r = self.post_password(user, PASSWORD).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "sign-in of {user}: {}",
            r.body
        );
        assert!(
            r.location().starts_with("/sign-in/code"),
            "{}",
            r.location()
        );
        let pending = set_cookie(&r);
        let code = self.fresh_code(user).await;
        let r = self.post_code(&pending, "/sign-in/code", &code).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "code of {user}: {}",
            r.body
        );
        let cookie = set_cookie(&r);
        let mut agent = Agent {
            cookie,
            csrf: String::new(),
            base: self.base.clone(),
            client: self.client.clone(),
        };
        let home = agent.get("/").await;
        let page = agent.get(&home.location()).await;
        agent.csrf =
            csrf_in(&page.body).unwrap_or_else(|| panic!("no csrf for {user}: {}", page.body));
        agent
    }

    pub async fn token(&self, user: &str) -> String {
        auth::create_token(&self.app, user, "test", Some(30))
            .await
            .unwrap()
            .0
    }

    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> Resp {
        let auth = format!("Bearer {token}");
        request(
            &self.client,
            method,
            &format!("{}{path}", self.base),
            &[("authorization", &auth)],
            body.map(|b| ("application/json", b.to_string().into_bytes())),
        )
        .await
    }

    pub async fn api_with(
        &self,
        method: Method,
        path: &str,
        token: &str,
        extra: &[(&str, &str)],
        raw: Vec<u8>,
    ) -> Resp {
        let auth = format!("Bearer {token}");
        let mut headers = vec![("authorization", auth.as_str())];
        headers.extend_from_slice(extra);
        request(
            &self.client,
            method,
            &format!("{}{path}", self.base),
            &headers,
            Some(("application/json", raw)),
        )
        .await
    }

    /// Gives a user an email contact point directly (as they would on their page).
    pub async fn add_contact(&self, user: Uuid, address: &str) {
        let mut tx = self.store.write().await.unwrap();
        tx.add_contact(&handoff_storage::ContactRow {
            id: Uuid::now_v7(),
            user_id: user,
            channel: "email".into(),
            address: address.into(),
            position: 0,
            created_at: self.app.now(),
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }

    /// The worker's delivery of the outbox, once; how many messages were sent.
    pub async fn deliver(&self) -> usize {
        handoff_app::outbox::deliver_due(&self.app, "test-worker")
            .await
            .unwrap()
    }

    /// The messages a cause (a referral) sent, oldest first.
    pub async fn messages_of(&self, cause: Uuid) -> Vec<handoff_storage::MessageState> {
        let mut tx = self.store.read().await.unwrap();
        let m = tx.messages_for(cause).await.unwrap();
        tx.rollback().await.unwrap();
        m
    }

    /// A POST from another system (no session, no browser headers).
    pub async fn anonymous_post_raw(&self, path: &str, content_type: &str, body: Vec<u8>) -> Resp {
        request(
            &self.client,
            Method::POST,
            &format!("{}{path}", self.base),
            &[],
            Some((content_type, body)),
        )
        .await
    }

    pub async fn referrals_of(&self, encounter: Uuid) -> Vec<handoff_storage::ReferralRow> {
        let mut tx = self.store.read().await.unwrap();
        let r = tx.referrals_for_encounter(encounter).await.unwrap();
        tx.rollback().await.unwrap();
        r
    }

    /// The consent of a kind ("general", "criminal_justice", "release") on an encounter.
    pub async fn consent_of(&self, encounter: Uuid, kind: &str) -> handoff_storage::ConsentRow {
        let mut tx = self.store.read().await.unwrap();
        let c = tx
            .consents_for_encounter(encounter)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.kind == kind)
            .unwrap_or_else(|| panic!("no {kind} consent"));
        tx.rollback().await.unwrap();
        c
    }

    pub async fn hold_of(&self, encounter: Uuid) -> handoff_storage::HoldRow {
        let mut tx = self.store.read().await.unwrap();
        let h = tx.hold_for_encounter(encounter).await.unwrap().unwrap();
        tx.rollback().await.unwrap();
        h
    }

    /// Audit records of `action` with `outcome` (among the latest thousand).
    pub async fn audited(&self, action: &str, outcome: &str) -> usize {
        let mut tx = self.store.read().await.unwrap();
        let n = tx
            .audit_recent(1000)
            .await
            .unwrap()
            .iter()
            .filter(|a| a.action == action && a.outcome == outcome)
            .count();
        tx.rollback().await.unwrap();
        n
    }

    pub async fn count(&self, table: &str) -> i64 {
        let mut tx = self.store.read().await.unwrap();
        let n = tx.count_rows(table).await.unwrap();
        tx.rollback().await.unwrap();
        n
    }

    pub async fn case_events(&self, encounter: Uuid, kind: &str) -> i64 {
        let mut tx = self.store.read().await.unwrap();
        let n = tx.count_case_events(encounter, kind).await.unwrap();
        tx.rollback().await.unwrap();
        n
    }

    pub fn local_now(&self) -> String {
        let tz: chrono_tz::Tz = "America/Chicago".parse().unwrap();
        handoff_domain::Clock::now(&self.clock)
            .with_timezone(&tz)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    }
}

impl Agent {
    pub async fn get(&self, path: &str) -> Resp {
        request(
            &self.client,
            Method::GET,
            &format!("{}{path}", self.base),
            &[("cookie", &self.cookie)],
            None,
        )
        .await
    }

    /// Posts a form like a browser on the same site: the CSRF token is added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all: Vec<(&str, &str)> = vec![("csrf", &self.csrf)];
        all.extend_from_slice(fields);
        let form = serde_urlencoded::to_string(&all).unwrap();
        request(
            &self.client,
            Method::POST,
            &format!("{}{path}", self.base),
            &[("cookie", &self.cookie), ("sec-fetch-site", "same-origin")],
            Some(("application/x-www-form-urlencoded", form.into_bytes())),
        )
        .await
    }
}

/// The fields of a complete encounter form.
pub fn encounter_fields(
    occurred_at: &str,
    last_name: &str,
    offense: &str,
    qty: &str,
    unit: &str,
) -> Vec<(String, String)> {
    let drug = offense == "35A";
    let mut v: Vec<(String, String)> = vec![
        ("idempotency_key".into(), Uuid::now_v7().to_string()),
        ("q".into(), String::new()),
        ("search_dob".into(), String::new()),
        ("participant_id".into(), String::new()),
        ("occurred_at".into(), occurred_at.into()),
        ("location".into(), "Main St & 3rd".into()),
        ("incident_number".into(), format!("CAD-{last_name}")),
        ("offenses[0].code".into(), offense.into()),
        (
            "offenses[0].drug_activity".into(),
            if drug { "P" } else { "" }.into(),
        ),
        (
            "offenses[0].drug_type".into(),
            if drug { "D" } else { "" }.into(),
        ),
        ("offenses[0].quantity".into(), qty.into()),
        ("offenses[0].unit".into(), unit.into()),
        ("offenses[1].code".into(), String::new()),
        ("person.first_name".into(), "Ana".into()),
        ("person.last_name".into(), last_name.into()),
        ("person.dob".into(), "1990-02-03".into()),
        ("person.sex".into(), "F".into()),
        ("person.race".into(), "W".into()),
        ("person.ethnicity".into(), "H".into()),
        ("person.phone".into(), "555-0101".into()),
        ("person.email".into(), String::new()),
    ];
    for a in [
        "no_violent_history",
        "no_open_warrant",
        "no_pending_specialty_court",
        "no_no_contact_order",
    ] {
        v.push(("attestations".into(), a.into()));
    }
    v
}

pub fn refs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

/// Records an eligible encounter through the form and returns its id.
pub async fn record_encounter(w: &World, officer: &Agent, last_name: &str) -> Uuid {
    let f = encounter_fields(&w.local_now(), last_name, "35A", "1.0", "GM");
    let r = officer.post("/encounters", &refs(&f)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location_id()
}

/// Records the accepted offer with a handoff to a provider.
pub async fn accept_offer(w: &World, officer: &Agent, id: Uuid, mode: &str, provider: &str) {
    let provider = w.orgs[provider].to_string();
    let r = officer
        .post(
            &format!("/encounters/{id}/offer"),
            &[
                ("response", "accepted"),
                ("decline_reason", ""),
                ("consent_signed_name", "Ana Person"),
                ("consent_confirmed", "yes"),
                ("handoff_mode", mode),
                ("provider_id", &provider),
                ("hold_kind", "abeyance"),
                ("citation_number", ""),
                ("court_date", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// Records a step on a referral as a case manager.
pub async fn step(cm: &Agent, referral: Uuid, action: &str, extra: &[(&str, &str)]) -> Resp {
    let mut fields: Vec<(&str, &str)> = vec![("action", action)];
    fields.extend_from_slice(extra);
    cm.post(&format!("/referrals/{referral}/events"), &fields)
        .await
}

/// An encounter whose only trace of the person's name is the person's own record (the
/// usual fixture puts the name in the CAD number).
pub async fn record_person(w: &World, officer: &Agent, last_name: &str, qty: &str) -> uuid::Uuid {
    let mut f = encounter_fields(&w.local_now(), last_name, "35A", qty, "GM");
    for (k, v) in f.iter_mut() {
        if k == "incident_number" {
            *v = "CAD-0001".into();
        }
    }
    let r = officer.post("/encounters", &refs(&f)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location_id()
}

/// Another program in the same deployment.
pub async fn other_program(w: &World, name: &str) -> Uuid {
    admin::create_program(
        &w.app,
        admin::NewProgram {
            name: name.into(),
            time_zone: "America/Chicago".into(),
            intake_deadline_days: 30,
            supervisor_approves_overrides: true,
            rules: Rules::default(),
        },
    )
    .await
    .unwrap()
    .id
}

/// A user with one role at a new organization of `program`, with the test TOTP secret.
pub async fn user_in(w: &World, program: Uuid, username: &str, kind: OrgKind, role: Role) -> Uuid {
    let org = admin::create_org(
        &w.app,
        admin::NewOrg {
            program_id: program,
            kind,
            name: format!("{username} org"),
            address: "1 Main".into(),
            phone: "555".into(),
            hours: "24/7".into(),
            what_to_bring: String::new(),
        },
    )
    .await
    .unwrap();
    user_at(w, org.id, username, username, role).await
}

/// A user with one role at an existing organization, with the test TOTP secret.
pub async fn user_at(w: &World, org: Uuid, username: &str, name: &str, role: Role) -> Uuid {
    let u = admin::create_user(
        &w.app,
        None,
        admin::NewUser {
            username: username.into(),
            display_name: name.into(),
            password: PASSWORD.into(),
        },
        &[(org, role)],
    )
    .await
    .unwrap();
    auth::enrol_known_secret(&w.app, u.id, &totp_secret(username))
        .await
        .unwrap();
    u.id
}

/// Imports an HSDS file into the world's program's directory, warnings accepted.
pub async fn import_directory(
    w: &World,
    file: &serde_json::Value,
) -> handoff_app::directory::import::Outcome {
    let o = handoff_app::directory::import::import(
        &w.app,
        &handoff_app::Ctx::console(),
        w.program,
        handoff_app::directory::import::Source::Json(serde_json::to_vec(file).unwrap()),
        false,
        true,
        &|_, _| {},
    )
    .await
    .unwrap();
    assert!(o.applied, "{:?}", o.findings);
    o
}

/// A research export of the world's program, as the console makes it.
pub async fn export_research(
    w: &World,
    spec: &handoff_app::research::Spec,
) -> (Vec<u8>, handoff_app::research::Written) {
    let mut buf = Vec::new();
    let written = handoff_app::research::export_to(
        &w.app,
        &handoff_app::Ctx::console(),
        w.program,
        spec,
        &mut buf,
        &mut |_, _| {},
    )
    .await
    .unwrap();
    (buf, written)
}
