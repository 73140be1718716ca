//! The authorization matrix: every registered route x every role, against a fixture
//! case owned by "officer" at "agency", referred to "p1", held for "pros". A route added
//! to the registry without an entry here fails the test. Allowed answers must not carry
//! clinical content to the legal side.
use std::collections::HashMap;

use chrono::Duration;
use handoff_app::admin;
use handoff_domain::{OrgKind, Role};
use handoff_web::routes::route_specs;
use hyper::{Method, StatusCode};

use crate::support::*;

const ROLES: &[&str] = &[
    "officer",
    "officer2",
    "officer_b",
    "supervisor",
    "cm1",
    "cm2",
    "prosecutor",
    "coordinator",
    "admin",
];
const AGENCY: &[&str] = &["officer", "officer2", "officer_b", "supervisor"];
const OWNERS: &[&str] = &["officer", "supervisor"];
const ALL: &[&str] = ROLES;
const PUBLIC: &[&str] = &[];
/// No role (a route that nobody may use in a situation).
const NOBODY: &[&str] = &["(nobody)"];

/// Who may use each route (for the fixture case). PUBLIC means no sign-in at all.
fn matrix() -> HashMap<(&'static str, &'static str), &'static [&'static str]> {
    let mut m: HashMap<(&str, &str), &[&str]> = HashMap::new();
    for (k, v) in [
        (("GET", "/health/live"), PUBLIC),
        (("GET", "/health/ready"), PUBLIC),
        (("GET", "/api/openapi.json"), PUBLIC),
        (("GET", "/static/{file}"), PUBLIC),
        (("GET", "/sign-in"), PUBLIC),
        (("POST", "/sign-in"), PUBLIC),
        (("GET", "/planner"), PUBLIC),
        // The second sign-in step answers to a pending session only (others are sent
        // back to the sign-in page).
        (("GET", "/sign-in/code"), PUBLIC),
        (("POST", "/sign-in/code"), PUBLIC),
        (("GET", "/sign-in/enrol"), PUBLIC),
        (("POST", "/sign-in/enrol"), PUBLIC),
        (("GET", "/"), ALL),
        (("POST", "/sign-out"), ALL),
        (("GET", "/encounters"), AGENCY),
        (("GET", "/encounters/new"), AGENCY),
        (("POST", "/encounters"), AGENCY),
        (("GET", "/encounters/{id}"), OWNERS),
        (("POST", "/encounters/{id}/override"), OWNERS),
        (
            ("POST", "/encounters/{id}/override/review"),
            &["supervisor"],
        ),
        (("POST", "/encounters/{id}/offer"), OWNERS),
        (("POST", "/encounters/{id}/referrals"), OWNERS),
        (("POST", "/encounters/{id}/attempts"), OWNERS),
        (("GET", "/encounters/{id}/slip"), OWNERS),
        (("POST", "/encounters/{id}/language"), OWNERS),
        (("GET", "/admin/languages"), &["admin"]),
        (("POST", "/admin/languages"), &["admin"]),
        (("GET", "/encounters/{id}/services"), OWNERS),
        (("POST", "/encounters/{id}/services"), OWNERS),
        (("GET", "/overrides"), &["supervisor"]),
        (("GET", "/queue"), &["cm1", "cm2"]),
        (("GET", "/referrals/{id}"), &["cm1"]),
        (("POST", "/referrals/{id}/events"), &["cm1"]),
        (("POST", "/referrals/{id}/acknowledge"), &["cm1"]),
        (("GET", "/me/contacts"), ALL),
        (("GET", "/outbox"), &["coordinator", "admin"]),
        (("POST", "/outbox/links/revoke"), &["coordinator", "admin"]),
        (("POST", "/outbox/timing"), &["coordinator", "admin"]),
        // A one-tap link is its own credential: no session at all.
        (("GET", "/l/{token}"), PUBLIC),
        (("POST", "/l/{token}"), PUBLIC),
        // A capacity link is its own credential (the referral link's token here is none).
        (("GET", "/c/{token}"), NOBODY),
        (("POST", "/c/{token}"), NOBODY),
        (("POST", "/me/contacts"), ALL),
        // Another person's contact point (here: an id that is none of theirs).
        (("POST", "/me/contacts/{id}/remove"), NOBODY),
        (("POST", "/me/contacts/{id}/test"), NOBODY),
        (("POST", "/encounters/{id}/flags"), OWNERS),
        // The referral comes in the form (none here: not found for everyone).
        (("POST", "/encounters/{id}/contact-card"), NOBODY),
        (("POST", "/referrals/{id}/flags"), &["cm1"]),
        (("GET", "/admin/flags"), &["coordinator", "admin"]),
        (("POST", "/admin/flags"), &["coordinator", "admin"]),
        (("POST", "/admin/flags/retire"), &["coordinator", "admin"]),
        // A gateway's report answers to the signature in its address, not to a session
        // (here: an id Handoff never gave).
        (("POST", "/hooks/sms/{id}/{signature}"), NOBODY),
        (("POST", "/hooks/sms/inbound/{signature}"), NOBODY),
        (("POST", "/referrals/{id}/appointment"), &["cm1"]),
        // Which organization's list comes in the form (none here: refused by field).
        (
            ("POST", "/roster/escalation"),
            &["cm1", "cm2", "coordinator", "admin"],
        ),
        (("POST", "/referrals/{id}/reminders"), &["cm1"]),
        (("GET", "/admin/webhooks"), &["admin"]),
        (("POST", "/admin/webhooks"), &["admin"]),
        // An endpoint of the program (none here: nobody finds it).
        (("POST", "/admin/webhooks/{id}/test"), NOBODY),
        (("POST", "/admin/webhooks/{id}/disable"), NOBODY),
        (("POST", "/referrals/{id}/consents"), &["cm1"]),
        (("GET", "/referrals/{id}/screenings/new"), &["cm1"]),
        (("POST", "/referrals/{id}/screenings"), &["cm1"]),
        // The consent the person signed with the offer: the legal side it names, and the
        // provider that discloses under it.
        // (It names every provider of the program as discloser: the one that rejected
        // the referral too.)
        (
            ("GET", "/consents/{id}"),
            &["officer", "supervisor", "prosecutor", "cm1", "cm2"],
        ),
        (("POST", "/consents/{id}/revoke"), &["cm1"]),
        (("GET", "/holds"), &["prosecutor"]),
        (("GET", "/holds/{id}"), &["prosecutor"]),
        (("POST", "/holds/{id}/decision"), &["prosecutor"]),
        (("GET", "/dashboard"), &["coordinator"]),
        (("GET", "/admin"), &["admin"]),
        (("POST", "/admin/users"), &["admin"]),
        (("POST", "/admin/memberships"), &["admin"]),
        (("POST", "/admin/organizations"), &["admin"]),
        (("POST", "/admin/users/{id}/unlock"), &["admin"]),
        (("POST", "/admin/users/{id}/reset-mfa"), &["admin"]),
        // Break-the-glass: case managers and coordinators may ask (and are then let in
        // under audit); coordinators review.
        (("GET", "/emergency-access"), &["cm1", "cm2", "coordinator"]),
        (
            ("POST", "/emergency-access/find"),
            &["cm1", "cm2", "coordinator"],
        ),
        (("POST", "/emergency-access/{id}/review"), &["coordinator"]),
        (
            ("GET", "/encounters/{id}/emergency"),
            &["cm1", "cm2", "coordinator"],
        ),
        (
            ("POST", "/encounters/{id}/emergency"),
            &["cm1", "cm2", "coordinator"],
        ),
        (("GET", "/audit"), &["admin", "coordinator"]),
        (("GET", "/audit/export"), &["admin", "coordinator"]),
        (("GET", "/planner/program"), &["coordinator"]),
        (("GET", "/pathways"), &["coordinator"]),
        (("POST", "/pathways"), &["coordinator"]),
        (("GET", "/reports/quarterly"), &["coordinator"]),
        (("GET", "/reports/quarterly.csv"), &["coordinator"]),
        (("GET", "/reports/equity"), &["coordinator"]),
        (("POST", "/reports/threshold"), &["coordinator"]),
        (("GET", "/reports/research"), &["coordinator"]),
        (("POST", "/reports/research"), &["coordinator"]),
        (("GET", "/rules"), &["coordinator"]),
        (("GET", "/rules/export"), &["coordinator"]),
        (("POST", "/rules/dry-run"), &["coordinator"]),
        (("POST", "/rules"), &["coordinator"]),
        (("POST", "/rules/fields"), &["coordinator"]),
        (("GET", "/calendar"), &["admin", "coordinator"]),
        (("POST", "/calendar"), &["admin", "coordinator"]),
        (("POST", "/calendar/holidays"), &["admin", "coordinator"]),
        (
            ("POST", "/calendar/holidays/delete"),
            &["admin", "coordinator"],
        ),
        // Case managers keep their own organization's roster (the shift here is cm1's,
        // at the first provider).
        (("GET", "/roster"), &["admin", "coordinator", "cm1", "cm2"]),
        (
            ("POST", "/roster/shifts"),
            &["admin", "coordinator", "cm1", "cm2"],
        ),
        (
            ("POST", "/roster/shifts/{id}/delete"),
            &["admin", "coordinator", "cm1"],
        ),
        (("GET", "/api/v1/me"), ALL),
        // The directory in the HSDS format: any member's token (ADR 0017).
        (("GET", "/hsds/"), ALL),
        (("GET", "/hsds/services"), ALL),
        (("GET", "/hsds/services/{id}"), ALL),
        (("GET", "/hsds/organizations"), ALL),
        // Capacity: the offering organization's case managers and the coordinators.
        (
            ("GET", "/api/v1/capacities"),
            &["cm1", "cm2", "coordinator"],
        ),
        (("POST", "/api/v1/capacities/{id}"), &["cm1", "coordinator"]),
        (("POST", "/capacities/{id}"), &["cm1", "coordinator"]),
        (("GET", "/directory"), &["admin", "coordinator"]),
        (("POST", "/directory"), &["admin", "coordinator"]),
        (("GET", "/directory/export"), &["admin", "coordinator"]),
        (
            ("GET", "/directory/organizations"),
            &["admin", "coordinator"],
        ),
        (
            ("GET", "/directory/organizations/{id}"),
            &["admin", "coordinator"],
        ),
        (
            ("POST", "/directory/organizations/{id}"),
            &["admin", "coordinator"],
        ),
        (("GET", "/api/v1/participants"), AGENCY),
        (("POST", "/api/v1/encounters"), AGENCY),
        (("GET", "/api/v1/encounters"), AGENCY),
        (("GET", "/api/v1/encounters/{id}"), OWNERS),
        (("POST", "/api/v1/encounters/{id}/override"), OWNERS),
        (
            ("POST", "/api/v1/encounters/{id}/override/review"),
            &["supervisor"],
        ),
        (("POST", "/api/v1/encounters/{id}/offer"), OWNERS),
        (("POST", "/api/v1/encounters/{id}/referrals"), OWNERS),
        (("POST", "/api/v1/encounters/{id}/attempts"), OWNERS),
        (("GET", "/api/v1/referrals"), &["cm1", "cm2"]),
        (("GET", "/api/v1/referrals/{id}"), &["cm1"]),
        (("POST", "/api/v1/referrals/{id}/events"), &["cm1"]),
        (("GET", "/api/v1/holds"), &["prosecutor"]),
        (("GET", "/api/v1/holds/{id}"), &["prosecutor"]),
        (("POST", "/api/v1/holds/{id}/decision"), &["prosecutor"]),
        (("GET", "/api/v1/dashboard"), &["coordinator"]),
        (("GET", "/api/v1/deadlines"), &["coordinator"]),
    ] {
        m.insert(k, v);
    }
    m
}

/// A JSON body for API POSTs: valid JSON that fails validation (so nothing changes).
/// A body the document accepts (so the access policy, not the body check, answers) that
/// changes nothing for anyone allowed (each is refused on its merits).
fn api_body(path: &str) -> serde_json::Value {
    let long_ago = "2000-01-01T00:00";
    match path {
        "/api/v1/encounters" => serde_json::json!({"occurred_at": long_ago, "location": "x"}),
        p if p.ends_with("/override") => serde_json::json!({"reason": ""}),
        p if p.ends_with("/override/review") => serde_json::json!({"approve": true}),
        p if p.ends_with("/offer") => serde_json::json!({"response": "declined"}),
        p if p.ends_with("/attempts") => {
            serde_json::json!({"attempted_at": long_ago, "outcome": "reached"})
        }
        p if p.ends_with("/referrals") => {
            serde_json::json!({"provider_id": uuid::Uuid::nil(), "handoff_mode": "warm"})
        }
        p if p.ends_with("/events") => serde_json::json!({"action": "accept"}),
        p if p.ends_with("/decision") => serde_json::json!({"decision": "extend", "reason": "x"}),
        p if p.starts_with("/api/v1/capacities/") => {
            serde_json::json!({"change": "set", "available": 999_999})
        }
        p => panic!("no body for {p}"),
    }
}

const MARKERS: &[&str] = &["CLINICAL-MARKER", "ASAM"];

#[tokio::test]
async fn every_route_every_role() {
    for b in backends() {
        let w = world(b).await;
        // The fixture: a case the second provider rejected and the first took through
        // intake, with a clinical note and a general consent of the first provider's.
        let officer = w.sign_in("officer").await;
        let (enc, rejected, referral, general) = crate::security::second_provider_case(&w).await;
        let cm = w.sign_in("cm1").await;
        let r = step(
            &cm,
            referral,
            "intake",
            &[("note", "CLINICAL-MARKER ASAM 2.1")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let hold = w.hold_of(enc).await.id;
        let consent = w.consent_of(enc, "criminal_justice").await.id;

        // A directory service of the first provider, with a capacity, for the HSDS and
        // capacity routes.
        let service = uuid::Uuid::now_v7();
        let capacity = uuid::Uuid::now_v7();
        let directory = serde_json::json!([{
            "id": service, "name": "Fixture beds", "status": "active",
            "organization_id": w.orgs["p1"],
            "capacities": [{"id": capacity, "unit_id": "f4d2314f-6678-5694-a6a2-9b11b7b862df",
                            "available": 1, "maximum": 2, "updated": "2026-01-01T00:00:00Z"}],
        }]);
        import_directory(&w, &directory).await;

        let spare = admin::create_user(
            &w.app,
            None,
            admin::NewUser {
                username: "spare".into(),
                display_name: "Spare Officer".into(),
                password: PASSWORD.into(),
            },
            &[(w.orgs["agency"], handoff_domain::Role::Officer)],
        )
        .await
        .unwrap()
        .id;
        // A grant for the review route (to cm2, on another case: the fixture case stays
        // out of cm2's reach while the matrix runs).
        let other_enc = record_encounter(&w, &officer, "Elsewhere").await;
        let cm2 = w.sign_in("cm2").await;
        let r = cm2
            .post(
                &format!("/encounters/{other_enc}/emergency"),
                &[("reason", "Person in crisis at our door, needs meds list")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let grant = {
            let mut tx = w.store.read().await.unwrap();
            let g = tx
                .emergency_reviews(w.program, 10)
                .await
                .unwrap()
                .remove(0)
                .id;
            tx.rollback().await.unwrap();
            g
        };
        // A one-tap link on the fixture's referral (ADR 0019).
        let token = {
            let (token, stmt) =
                handoff_app::paging::issue_link(w.program, referral, w.users["cm1"], w.app.now())
                    .unwrap();
            let mut tx = w.store.write().await.unwrap();
            tx.run(&[stmt]).await.unwrap();
            tx.commit().await.unwrap();
            token
        };
        let matrix = matrix();
        let specs = route_specs();
        for s in &specs {
            assert!(
                matrix.contains_key(&(s.method, s.path)),
                "route {} {} has no entry in the authorization matrix",
                s.method,
                s.path
            );
        }
        assert_eq!(
            matrix.len(),
            specs.len(),
            "the matrix names a route that does not exist"
        );

        let mut agents = HashMap::new();
        let mut tokens = HashMap::new();
        for role in ROLES {
            agents.insert(*role, w.sign_in(role).await);
            tokens.insert(*role, w.token(role).await);
        }
        let css = {
            let page = w.sign_in("officer").await.get("/encounters").await.body;
            let i = page.find("/static/app-").unwrap();
            page[i + "/static/".len()..i + page[i..].find('"').unwrap()].to_string()
        };
        // The same routes in the second situation: the referral the second provider
        // rejected, and the first provider's general consent (it names the coordination
        // office only). Who may use each there.
        let second: &[(&str, &str, &[&str])] = &[
            ("GET", "/referrals/{id}", &["cm2"]),
            ("POST", "/referrals/{id}/events", &["cm2"]),
            ("POST", "/referrals/{id}/acknowledge", &["cm2"]),
            ("POST", "/referrals/{id}/flags", &["cm2"]),
            ("POST", "/referrals/{id}/appointment", &["cm2"]),
            ("POST", "/referrals/{id}/reminders", &["cm2"]),
            ("POST", "/referrals/{id}/consents", &[]),
            ("GET", "/referrals/{id}/screenings/new", &["cm2"]),
            ("POST", "/referrals/{id}/screenings", &["cm2"]),
            ("GET", "/api/v1/referrals/{id}", &["cm2"]),
            ("POST", "/api/v1/referrals/{id}/events", &["cm2"]),
            ("GET", "/consents/{id}", &["cm1"]),
            ("POST", "/consents/{id}/revoke", &["cm1"]),
        ];
        let mut runs: Vec<(&handoff_web::routes::RouteSpec, &[&str], Option<uuid::Uuid>)> = specs
            .iter()
            .map(|s| (s, matrix[&(s.method, s.path)], None))
            .collect();
        for (method, path, allowed) in second {
            let s = specs
                .iter()
                .find(|s| s.method == *method && s.path == *path)
                .unwrap_or_else(|| panic!("no route {method} {path}"));
            let id = if path.starts_with("/consents/") {
                general
            } else {
                rejected
            };
            // Nobody at all: the route exists, but no role may use it here.
            runs.push((
                s,
                if allowed.is_empty() { NOBODY } else { allowed },
                Some(id),
            ));
        }
        for (s, allowed, fixed_id) in runs {
            for role in ROLES {
                let mut path = s.path.to_string();
                if path.contains("/roster/shifts/{id}") {
                    let shift = admin::add_shift(
                        &w.app,
                        None,
                        w.orgs["p1"],
                        w.users["cm1"],
                        w.app.now() + Duration::days(200),
                        w.app.now() + Duration::days(201),
                    )
                    .await
                    .unwrap();
                    path = path.replace("{id}", &shift.to_string());
                }
                let id = if let Some(id) = fixed_id {
                    id
                } else if path.starts_with("/referrals") || path.starts_with("/api/v1/referrals") {
                    referral
                } else if path.contains("/holds/") {
                    hold
                } else if path.starts_with("/consents/") {
                    consent
                } else if path.starts_with("/emergency-access/") {
                    grant
                } else if path.starts_with("/hsds/") {
                    service
                } else if path.contains("/capacities/") {
                    capacity
                } else if path.starts_with("/directory/organizations/") {
                    w.orgs["p1"]
                } else if path.starts_with("/admin/users/") {
                    // Not a user signed in here: a reset would end their session.
                    spare
                } else {
                    enc
                };
                let path = path
                    .replace("{id}", &id.to_string())
                    .replace("{token}", &token)
                    .replace("{file}", &css);
                // The API and the HSDS routes answer to a token.
                let by_token = s.api || s.path.starts_with("/hsds/");
                let resp = if by_token && s.path != "/api/openapi.json" {
                    let method: Method = s.method.parse().unwrap();
                    let body = (method == Method::POST).then(|| api_body(s.path));
                    w.api(method, &path, &tokens[role], body).await
                } else if s.method == "GET" {
                    agents[role].get(&path).await
                } else {
                    if s.path == "/sign-out" {
                        // Sign out a separate session so the agent keeps working.
                        let a = w.sign_in(role).await;
                        let r = a.post(&path, &[]).await;
                        assert_eq!(r.status, StatusCode::SEE_OTHER, "sign-out for {role}");
                        continue;
                    }
                    agents[role].post(&path, &[]).await
                };
                let is_public = allowed.is_empty();
                let expect_allowed = is_public || allowed.contains(role);
                // Only the provider that took the person sees its clinical note and its
                // consent's purpose, whatever the route.
                if *role != "cm1" {
                    for m in [crate::security::CANARY, "CLINICAL-MARKER"] {
                        assert!(
                            !resp.body.contains(m),
                            "{} {} ({fixed_id:?}) for {role} shows {m:?}",
                            s.method,
                            s.path
                        );
                    }
                }
                if expect_allowed {
                    assert!(
                        resp.status != StatusCode::NOT_FOUND
                            && resp.status != StatusCode::UNAUTHORIZED
                            && resp.status != StatusCode::FORBIDDEN,
                        "{} {} should be allowed for {role} on {}, got {}: {}",
                        s.method,
                        s.path,
                        w.backend,
                        resp.status,
                        resp.body.chars().take(300).collect::<String>()
                    );
                    if [
                        "officer",
                        "officer2",
                        "officer_b",
                        "supervisor",
                        "prosecutor",
                        "coordinator",
                        "admin",
                    ]
                    .contains(role)
                    {
                        for m in MARKERS {
                            assert!(
                                !resp.body.contains(m),
                                "{} {} for {role} contains clinical content {m:?}",
                                s.method,
                                s.path
                            );
                        }
                    }
                } else {
                    assert_eq!(
                        resp.status,
                        StatusCode::NOT_FOUND,
                        "{} {} should be denied (404) for {role} on {}: {}",
                        s.method,
                        s.path,
                        w.backend,
                        resp.body.chars().take(300).collect::<String>()
                    );
                }
            }
            // Without signing in: pages send to the sign-in page, the API answers 401.
            if fixed_id.is_none() && !allowed.is_empty() {
                let path = s.path.replace("{id}", &enc.to_string());
                let method: Method = s.method.parse().unwrap();
                let r = request(
                    &w.client,
                    method,
                    &format!("{}{path}", w.base),
                    &[("sec-fetch-site", "same-origin")],
                    None,
                )
                .await;
                if s.api || s.path.starts_with("/hsds/") {
                    assert_eq!(
                        r.status,
                        StatusCode::UNAUTHORIZED,
                        "{} {} without a token",
                        s.method,
                        s.path
                    );
                } else if s.path.starts_with("/hooks/") || s.path.starts_with("/c/") {
                    // Another system's call: its address is its credential.
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{} {}", s.method, s.path);
                } else {
                    assert_eq!(
                        r.status,
                        StatusCode::SEE_OTHER,
                        "{} {} without a session",
                        s.method,
                        s.path
                    );
                    assert!(r.location().starts_with("/sign-in"));
                }
            }
        }
        // What the navigation offers each role is a page that role may open: every link
        // shown is a GET route the matrix allows the role, and every link the policy
        // names exists as a route.
        for link in handoff_domain::policy::NAVIGATION {
            assert!(
                matrix.contains_key(&("GET", link.href)),
                "the navigation links {} which is not a route",
                link.href
            );
        }
        for role in ROLES {
            let page = agents[role].get("/encounters/new").await;
            let page = if page.status == StatusCode::OK {
                page
            } else {
                agents[role]
                    .get(&agents[role].get("/").await.location())
                    .await
            };
            let nav = &page.body[page.body.find("<nav aria-label=\"Main\">").unwrap()..];
            let nav = &nav[..nav.find("</nav>").unwrap()];
            let links: Vec<&str> = nav
                .split("href=\"")
                .skip(1)
                .map(|x| &x[..x.find('"').unwrap()])
                .collect();
            assert!(!links.is_empty(), "{role} is offered nothing");
            for href in links {
                let allowed = matrix[&("GET", href)];
                assert!(
                    allowed.is_empty() || allowed.contains(role),
                    "{role} is offered {href}, which the matrix denies them"
                );
            }
        }
        // A supervisor may record encounters, and is offered to.
        let sup = agents["supervisor"].get("/encounters").await;
        assert!(sup.body.contains("href=\"/encounters/new\""));

        // The provider sees the clinical note; the denial of others was audited.
        assert!(
            cm.get(&format!("/referrals/{referral}"))
                .await
                .body
                .contains("CLINICAL-MARKER")
        );
        let mut tx = w.store.read().await.unwrap();
        let audit = tx.audit_for("encounter", &enc.to_string()).await.unwrap();
        tx.rollback().await.unwrap();
        assert!(audit.iter().any(|a| a.username == "officer2"
            && a.outcome == "denied"
            && a.action == "encounter.read"));
        assert!(audit.iter().any(|a| a.username == "officer"
            && a.outcome == "allowed"
            && a.action == "encounter.read"));
    }
}

/// The 2.35 consent given with the offer: a revocation during the charge's hold is
/// recorded but takes effect at final disposition; once the consent has expired the legal
/// side sees "status not shared" with the reason, and nothing that would reveal progress.
#[tokio::test]
async fn status_is_not_shared_without_a_valid_consent() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Revoked").await;
        accept_offer(&w, &officer, enc, "contact_card", "p1").await;
        let referral = w.referrals_of(enc).await.remove(0).id;
        let cm = w.sign_in("cm1").await;
        step(&cm, referral, "accept", &[]).await;
        step(&cm, referral, "intake", &[]).await;
        let consent = {
            let mut tx = w.store.read().await.unwrap();
            let c = tx.consents_for_encounter(enc).await.unwrap().remove(0);
            tx.rollback().await.unwrap();
            c
        };
        assert_eq!(consent.kind, "criminal_justice");
        // The person tells the provider they revoke it: recorded, pending (2.35).
        let r = cm
            .post(
                &format!("/consents/{}/revoke", consent.id),
                &[("note", "Said so by phone")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(
            r.location().ends_with("notice=revocation_pending"),
            "{}",
            r.location()
        );
        let again = cm
            .post(&format!("/consents/{}/revoke", consent.id), &[("note", "")])
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "revoked once");
        let page = officer.get(&format!("/encounters/{enc}")).await;
        assert!(page.body.contains("by the deadline"), "{}", page.body);
        assert!(page.body.contains("revocation asked for"), "{}", page.body);

        // A year on, the consent has expired while the charge is still held.
        w.clock.advance(Duration::days(366));
        // (Accounts unused for 90 days are disabled: these two are re-enabled.)
        for u in ["officer", "prosecutor"] {
            admin::unlock_user(&w.app, None, w.users[u]).await.unwrap();
        }
        let officer = w.sign_in("officer").await;
        let page = officer.get(&format!("/encounters/{enc}")).await;
        assert!(
            page.body
                .contains("Status not shared: the consent expired on"),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("Charge held; progress not shared"),
            "{}",
            page.body
        );
        let list = officer.get("/encounters").await;
        assert!(
            list.body.contains("Accepted; charge held") && !list.body.contains("Intake completed"),
            "{}",
            list.body
        );
        assert!(
            !page.body.contains("Intake completed by deadline")
                && !page.body.contains("by the deadline")
        );
        let pros = w.sign_in("prosecutor").await;
        let hold = w.hold_of(enc).await.id;
        let hp = pros.get(&format!("/holds/{hold}")).await;
        assert!(
            hp.body
                .contains("Status not shared: the consent expired on"),
            "{}",
            hp.body
        );
        let token = w.token("prosecutor").await;
        let v = w
            .api(Method::GET, &format!("/api/v1/holds/{hold}"), &token, None)
            .await
            .json();
        assert_eq!(v["progress"]["shared"], "no");
        assert!(
            !v.to_string().contains("intake_met") && !v.to_string().contains("Intake completed"),
            "{v}"
        );
    }
}

/// What the legal side sees follows the consent: valid, a 2.35 revocation still pending,
/// revoked, expired, absent. Where the status is shared it comes with the 2.32 notice;
/// where not, the page and the API say why; clinical content never comes.
#[tokio::test]
async fn legal_views_follow_the_consent_state() {
    for b in backends() {
        let w = world(b.clone()).await;
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "States").await;
        accept_offer(&w, &officer, enc, "contact_card", "p1").await;
        let referral = w.referrals_of(enc).await.remove(0).id;
        let cm = w.sign_in("cm1").await;
        step(&cm, referral, "accept", &[]).await;
        step(&cm, referral, "intake", &[("note", "CLINICAL-MARKER")]).await;
        let hold = w.hold_of(enc).await.id;
        let officer_token = w.token("officer").await;
        let pros_token = w.token("prosecutor").await;
        let pros = w.sign_in("prosecutor").await;
        let at = w
            .app
            .now()
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false);
        let states: [(&str, Option<String>, bool); 5] = [
            ("valid", None, true),
            (
                "2.35 revocation pending",
                Some(format!("UPDATE consents SET revoked_at = '{at}'")),
                true,
            ),
            (
                "revoked",
                Some("UPDATE consents SET kind = 'general', irrevocable_until_event = NULL".into()),
                false,
            ),
            (
                "expired",
                Some(format!(
                    "UPDATE consents SET revoked_at = NULL, expires_at = '{at}'"
                )),
                false,
            ),
            ("absent", Some("DELETE FROM consents".into()), false),
        ];
        for (state, sql, shared) in states {
            if let Some(sql) = sql {
                handoff_storage::testing::execute_raw(&w.store, &sql)
                    .await
                    .unwrap();
            }
            for (path, token) in [
                (format!("/api/v1/encounters/{enc}"), &officer_token),
                (format!("/api/v1/holds/{hold}"), &pros_token),
            ] {
                let v = w.api(Method::GET, &path, token, None).await.json();
                let text = v.to_string();
                assert!(!text.contains("CLINICAL-MARKER"), "{b} {state} {path}");
                if shared {
                    assert_eq!(v["progress"]["shared"], "yes", "{b} {state} {path}: {v}");
                    assert!(v["progress"]["intake_on"].is_string(), "{v}");
                    assert!(v["progress_note"].is_null());
                } else {
                    assert_eq!(v["progress"]["shared"], "no", "{b} {state} {path}: {v}");
                    // Nothing but "no": every progress field is null.
                    for (k, x) in v["progress"].as_object().unwrap() {
                        assert!(k == "shared" || x.is_null(), "{b} {state}: {k} shown: {v}");
                    }
                    let note = v["progress_note"].as_str().unwrap_or_default();
                    assert!(note.starts_with("Status not shared"), "{b} {state}: {note}");
                    let why = match state {
                        "revoked" => "revoked",
                        "expired" => "expired",
                        _ => "no valid consent",
                    };
                    assert!(note.contains(why), "{b} {state}: {note}");
                }
            }
            for (agent, path) in [
                (&officer, format!("/encounters/{enc}")),
                (&pros, format!("/holds/{hold}")),
            ] {
                let page = agent.get(&path).await;
                assert_eq!(page.status, StatusCode::OK);
                assert!(!page.body.contains("CLINICAL-MARKER"));
                assert_eq!(
                    page.body.contains("Notice (42 CFR 2.32)"),
                    shared,
                    "{b} {state} {path}"
                );
                assert_eq!(
                    page.body.contains("Status not shared"),
                    !shared,
                    "{b} {state} {path}"
                );
            }
        }
    }
}

/// Several programs in one deployment: another program's users, in every role, get
/// nothing of this program's case from any route (the case's pages are "not found";
/// their own lists do not show it).
#[tokio::test]
async fn another_programs_users_see_nothing_of_this_one() {
    for b in backends() {
        let w = world(b.clone()).await;
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Isolatedqz").await;
        accept_offer(&w, &officer, enc, "warm", "p1").await;
        let referral = w.referrals_of(enc).await.remove(0).id;
        let hold = w.hold_of(enc).await.id;
        let reference = {
            let mut tx = w.store.read().await.unwrap();
            let e = tx.encounter(enc).await.unwrap();
            tx.rollback().await.unwrap();
            e.reference
        };
        let consent = {
            let mut tx = w.store.read().await.unwrap();
            let c = tx.consents_for_encounter(enc).await.unwrap().remove(0).id;
            tx.rollback().await.unwrap();
            c
        };
        let other = other_program(&w, "Other County").await;
        let mut agents = Vec::new();
        for (name, kind, role) in [
            ("x_officer", OrgKind::LawEnforcement, Role::Officer),
            ("x_super", OrgKind::LawEnforcement, Role::Supervisor),
            ("x_cm", OrgKind::Provider, Role::CaseManager),
            ("x_pros", OrgKind::Prosecutor, Role::Prosecutor),
            ("x_coord", OrgKind::Coordination, Role::Coordinator),
            ("x_admin", OrgKind::Coordination, Role::Administrator),
        ] {
            user_in(&w, other, name, kind, role).await;
            agents.push((name, w.sign_in(name).await, w.token(name).await));
        }
        for s in route_specs() {
            if s.path.starts_with("/sign-in") || s.path == "/sign-out" {
                continue;
            }
            let id = if s.path.contains("/referrals/") {
                referral
            } else if s.path.contains("/holds/") {
                hold
            } else if s.path.starts_with("/consents/") {
                consent
            } else {
                enc
            };
            let path = s
                .path
                .replace("{id}", &id.to_string())
                .replace("{file}", "app.css");
            for (name, agent, token) in &agents {
                let method: Method = s.method.parse().unwrap();
                let by_token = s.api || s.path.starts_with("/hsds/");
                let r = if by_token && s.path != "/api/openapi.json" {
                    let body = (method == Method::POST).then(|| api_body(s.path));
                    w.api(method, &path, token, body).await
                } else if s.method == "GET" {
                    agent.get(&path).await
                } else {
                    agent.post(&path, &[]).await
                };
                for leak in [reference.as_str(), "Isolatedqz"] {
                    assert!(
                        !r.body.contains(leak),
                        "{b}: {} {} for {name} shows {leak}",
                        s.method,
                        s.path
                    );
                }
                if s.path.contains("{id}") && !s.path.starts_with("/admin/users/") {
                    assert_eq!(
                        r.status,
                        StatusCode::NOT_FOUND,
                        "{b}: {} {} for {name}",
                        s.method,
                        s.path
                    );
                }
            }
        }
    }
}
