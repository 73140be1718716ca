//! Regression tests for the penetration test's findings (issue 11), one or more per
//! finding, each failing on the code before its fix: F2/F3 consents seen only by the
//! organizations they name; F4 what a responder's search may find; F1/F8 where sign-in
//! may send a browser; F7 the deepest and largest inputs; F5/F6 client addresses behind a
//! trusted proxy, device cookies and what a lock means; F9 the audit trail's gaps; and the
//! smaller ones (Origin scheme, repeated values, malformed ids, unknown API paths).
use hyper::{Method, StatusCode};

use crate::support::*;

pub const CANARY: &str = "CANARY-METHADONE-MAINTENANCE";

/// The case of F2: the second provider rejected the referral, the first took it after
/// the officer referred again, and recorded a general consent (naming the coordination
/// office) whose purpose is the canary. Returns (encounter, rejected, accepted, consent).
pub async fn second_provider_case(w: &World) -> (uuid::Uuid, uuid::Uuid, uuid::Uuid, uuid::Uuid) {
    let officer = w.sign_in("officer").await;
    let enc = record_encounter(w, &officer, "Twoproviders").await;
    accept_offer(w, &officer, enc, "warm", "p2").await;
    let rejected = w.referrals_of(enc).await.remove(0).id;
    let cm2 = w.sign_in("cm2").await;
    let r = step(
        &cm2,
        rejected,
        "reject",
        &[("reason", "No capacity tonight")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p1 = w.orgs["p1"].to_string();
    let r = officer
        .post(
            &format!("/encounters/{enc}/referrals"),
            &[("provider_id", &p1), ("handoff_mode", "warm")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let accepted = w
        .referrals_of(enc)
        .await
        .into_iter()
        .find(|r| r.id != rejected)
        .unwrap()
        .id;
    let cm1 = w.sign_in("cm1").await;
    assert_eq!(
        step(&cm1, accepted, "accept", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let coord = w.orgs["coord"].to_string();
    let r = cm1
        .post(
            &format!("/referrals/{accepted}/consents"),
            &[
                ("recipients", &coord),
                ("information", "status"),
                ("purpose", CANARY),
                ("expires_on", "2026-12-31"),
                ("signed_name", "Ana Person"),
                ("attested", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let consent = w.consent_of(enc, "general").await.id;
    (enc, rejected, accepted, consent)
}

#[tokio::test]
async fn f2_f3_a_consent_is_seen_only_by_the_organizations_it_names() {
    for b in backends() {
        let w = world(b.clone()).await;
        let (enc, rejected, accepted, general) = second_provider_case(&w).await;
        let offer = w.consent_of(enc, "criminal_justice").await.id;
        let cm1 = w.sign_in("cm1").await;
        let cm2 = w.sign_in("cm2").await;

        // The provider that took the person sees and prints its consent.
        let page = cm1.get(&format!("/referrals/{accepted}")).await;
        assert!(page.body.contains(&general.to_string()), "{b}");
        let form = cm1.get(&format!("/consents/{general}")).await;
        assert_eq!(form.status, StatusCode::OK, "{b}");
        assert!(form.body.contains(CANARY));

        // The provider that rejected sees its own referral, but not the other's consent,
        // and is not offered to record one.
        let page = cm2.get(&format!("/referrals/{rejected}")).await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(!page.body.contains(CANARY), "{b}");
        assert!(!page.body.contains(&general.to_string()), "{b}");
        assert!(!page.body.contains("Record a new consent"), "{b}");
        let api = w
            .api(
                Method::GET,
                &format!("/api/v1/referrals/{rejected}"),
                &w.token("cm2").await,
                None,
            )
            .await;
        assert_eq!(api.status, StatusCode::OK);
        assert!(!api.body.contains(CANARY), "{b}: {}", api.body);
        let r = cm2.get(&format!("/consents/{general}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}: {}", r.body);
        assert!(!r.body.contains(CANARY));
        // Recording a consent on the rejected referral, or a revocation, is refused.
        let before = w.count("consents").await;
        let r = cm2
            .post(
                &format!("/referrals/{rejected}/consents"),
                &[
                    ("recipients", &w.orgs["coord"].to_string()),
                    ("information", "status"),
                    ("purpose", "Anything"),
                    ("expires_on", "2026-12-31"),
                    ("signed_name", "Ana Person"),
                    ("attested", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        assert_eq!(w.count("consents").await, before);
        let r = cm2
            .post(&format!("/consents/{offer}/revoke"), &[("note", "")])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");

        // F3: the legal side opens only consents naming its organization.
        for who in ["officer", "supervisor", "prosecutor"] {
            let a = w.sign_in(who).await;
            let r = a.get(&format!("/consents/{general}")).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} {who}");
            assert!(!r.body.contains(CANARY));
            assert_eq!(
                a.get(&format!("/consents/{offer}")).await.status,
                StatusCode::OK,
                "{b} {who}: the offer's consent names them"
            );
        }
        let case = w
            .sign_in("officer")
            .await
            .get(&format!("/encounters/{enc}"))
            .await;
        assert!(!case.body.contains(&general.to_string()), "{b}");
        assert!(w.audited("consent.read", "denied").await >= 4, "{b}");
    }
}

#[tokio::test]
async fn f4_responders_find_other_agencies_people_only_by_exact_name_and_birth_date() {
    for b in backends() {
        let w = world(b.clone()).await;
        let officer = w.sign_in("officer").await;
        record_encounter(&w, &officer, "Leclerc").await;
        let own = w.token("officer").await;
        let other = w.token("officer_b").await;
        let names = |v: serde_json::Value| {
            v.as_array()
                .unwrap()
                .iter()
                .map(|p| p["last_name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        let search = |token: String, q: &'static str| {
            let w = &w;
            async move {
                let r = w
                    .api(
                        Method::GET,
                        &format!("/api/v1/participants?{q}"),
                        &token,
                        None,
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
                r.json()
            }
        };
        // The agency that met the person finds them by part of the name.
        assert_eq!(names(search(own.clone(), "q=Le").await), ["Leclerc"]);
        // Another agency: not by part of the name, with or without the birth date.
        assert!(names(search(other.clone(), "q=Le").await).is_empty(), "{b}");
        assert!(
            names(search(other.clone(), "q=Lecl&dob=1990-02-03").await).is_empty(),
            "{b}"
        );
        assert!(
            names(search(other.clone(), "q=Leclerc&dob=1990-02-04").await).is_empty(),
            "{b}"
        );
        // By the exact last name and birth date (the duplicate check), it does.
        assert_eq!(
            names(search(other.clone(), "q=leclerc&dob=1990-02-03").await),
            ["Leclerc"]
        );
        // The page's search follows the same rule.
        let ob = w.sign_in("officer_b").await;
        let page = ob.get("/encounters/new?q=Le").await;
        assert!(!page.body.contains("Leclerc"), "{b}");
        // What was searched is in the audit trail, encrypted where it is stored and
        // readable where the trail is searched.
        let mut tx = w.store.read().await.unwrap();
        let mut rows = tx.audit_recent(30).await.unwrap();
        tx.rollback().await.unwrap();
        rows.retain(|a| a.action == "participant.search");
        assert!(rows.iter().all(|a| !a.detail.contains("leclerc")), "{b}");
        let details: Vec<String> = rows
            .iter()
            .map(|a| handoff_app::audit::reveal(&w.app, &a.detail))
            .collect();
        assert!(
            details
                .iter()
                .any(|d| d.contains("\"le\"") && d.contains("0 results")),
            "{b}: {details:?}"
        );
        assert!(
            details
                .iter()
                .any(|d| d.contains("\"leclerc\", born 1990-02-03; 1 results")),
            "{b}: {details:?}"
        );
        let coord = w.sign_in("coordinator").await;
        let page = coord.get("/audit?action=participant.search").await;
        assert!(page.body.contains("born 1990-02-03"), "{b}: {}", page.body);
    }
}

/// Posts a sign-in form with `next`, returning the response.
async fn sign_in_with_next(w: &World, user: &str, next: &str) -> Resp {
    let form =
        serde_urlencoded::to_string([("username", user), ("password", PASSWORD), ("next", next)])
            .unwrap();
    request(
        &w.client,
        Method::POST,
        &format!("{}/sign-in", w.base),
        &[],
        Some(("application/x-www-form-urlencoded", form.into_bytes())),
    )
    .await
}

#[tokio::test]
async fn f1_f8_sign_in_sends_a_browser_only_to_a_path_of_this_server() {
    let w = world(Backend::Sqlite).await;
    for bad in [
        "/\t/evil.example/phish",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "/ok\r\nSet-Cookie: x=y",
        "/caf\u{e9}",
        "/ /evil.example",
    ] {
        let r = sign_in_with_next(&w, "officer", bad).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{bad:?}: {}", r.body);
        assert_eq!(r.location(), "/sign-in/code?next=/", "{bad:?}");
        // The code step too: a correct code and a bad `next` go to the start page, never
        // a 500 with the session cookie set.
        let cookie = set_cookie(&r);
        let csrf = {
            let page = request(
                &w.client,
                Method::GET,
                &format!("{}/sign-in/code", w.base),
                &[("cookie", &cookie)],
                None,
            )
            .await;
            csrf_in(&page.body).unwrap()
        };
        let code = w.fresh_code("officer").await;
        let form = serde_urlencoded::to_string([
            ("csrf", csrf.as_str()),
            ("code", code.as_str()),
            ("next", bad),
        ])
        .unwrap();
        let r = request(
            &w.client,
            Method::POST,
            &format!("{}/sign-in/code", w.base),
            &[("cookie", &cookie)],
            Some(("application/x-www-form-urlencoded", form.into_bytes())),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{bad:?}: {}", r.body);
        assert_eq!(r.location(), "/", "{bad:?}");
        // The sign-in form does not carry it either.
        let page = request(
            &w.client,
            Method::GET,
            &format!(
                "{}/sign-in?next={}",
                w.base,
                &serde_urlencoded::to_string([("x", bad)]).unwrap()[2..]
            ),
            &[],
            None,
        )
        .await;
        assert!(
            page.body.contains("name=\"next\" value=\"/\""),
            "{bad:?}: {}",
            page.body
        );
    }
    // A real path with a query survives.
    let r = sign_in_with_next(&w, "officer", "/encounters?notice=x").await;
    assert_eq!(r.location(), "/sign-in/code?next=/encounters%3Fnotice%3Dx");
}

#[tokio::test]
async fn f7_the_deepest_and_largest_inputs_are_refused_and_the_server_keeps_answering() {
    let w = world(Backend::Sqlite).await;
    let coord = w.sign_in("coordinator").await;
    let officer = w.sign_in("officer").await;
    let deep_toml = format!("x = {}{}", "[".repeat(20_000), "]".repeat(20_000));
    for path in ["/rules/dry-run", "/rules"] {
        let r = coord
            .post(path, &[("file", &deep_toml), ("effective_on", "")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(r.body.contains("nested more than"), "{path}: {}", r.body);
        let big = format!("# {}\n", "x".repeat(300 * 1024));
        let r = coord
            .post(path, &[("file", &big), ("effective_on", "")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(r.body.contains("larger than"), "{path}");
    }
    // Forms and JSON bodies: over 1 MiB is 413; deep JSON is 400; neither crashes.
    let huge = "x".repeat(2 * 1024 * 1024);
    let r = officer.post("/encounters", &[("location", &huge)]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let r = coord.post("/rules/dry-run", &[("file", &huge)]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Every JSON route that takes a body (as a role that may use it): the deepest JSON is
    // 400 and the largest 413. Every page form: the largest is 413.
    let deep_json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let enc = record_encounter(&w, &officer, "Deepjson").await;
    accept_offer(&w, &officer, enc, "warm", "p1").await;
    let referral = w.referrals_of(enc).await.remove(0).id;
    let hold = w.hold_of(enc).await.id;
    let mut api_routes = 0;
    for s in handoff_web::routes::route_specs() {
        if s.method != "POST" {
            continue;
        }
        let (user, id) = if s.path.contains("/referrals/") {
            ("cm1", referral)
        } else if s.path.contains("/holds/") {
            ("prosecutor", hold)
        } else if s.path.ends_with("/override/review") {
            ("supervisor", enc)
        } else {
            ("officer", enc)
        };
        let path = s.path.replace("{id}", &id.to_string());
        if s.api {
            api_routes += 1;
            let token = w.token(user).await;
            let r = w
                .api_with(
                    Method::POST,
                    &path,
                    &token,
                    &[],
                    deep_json.clone().into_bytes(),
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
            let r = w
                .api_with(Method::POST, &path, &token, &[], huge.clone().into_bytes())
                .await;
            assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        } else if !s.path.starts_with("/sign-") {
            let r = officer.post(&path, &[("x", &huge)]).await;
            assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        }
    }
    assert!(api_routes >= 8, "the JSON routes were walked");
    let r = request(
        &w.client,
        Method::GET,
        &format!("{}/health/live", w.base),
        &[],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "the server still answers");
    assert_eq!(officer.get("/encounters").await.status, StatusCode::OK);
}

/// A password sign-in through the proxy on behalf of `client`, with a device cookie or
/// none.
async fn attempt(
    w: &World,
    user: &str,
    password: &str,
    client: &str,
    device: Option<&str>,
) -> Resp {
    let form =
        serde_urlencoded::to_string([("username", user), ("password", password), ("next", "/")])
            .unwrap();
    let cookie = device.map(|d| format!("handoff_device={d}"));
    let mut headers = vec![("x-forwarded-for", client)];
    if let Some(c) = &cookie {
        headers.push(("cookie", c.as_str()));
    }
    request(
        &w.client,
        Method::POST,
        &format!("{}/sign-in", w.base),
        &headers,
        Some(("application/x-www-form-urlencoded", form.into_bytes())),
    )
    .await
}

/// Completes a sign-in through the browser and returns the device cookie it set.
async fn device_cookie_of(w: &World, user: &str) -> String {
    let r = w.post_password(user, PASSWORD).await;
    let pending = set_cookie(&r);
    let code = w.fresh_code(user).await;
    let r = w.post_code(&pending, "/sign-in/code", &code).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let device = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("handoff_device="))
        .expect("a device cookie");
    assert!(device.contains("HttpOnly") && device.contains("SameSite=Strict"));
    device["handoff_device=".len()..device.find(';').unwrap()].to_string()
}

#[tokio::test]
async fn f5_f6_a_trusted_proxy_names_the_client_and_strangers_cannot_lock_an_officer_out() {
    for b in backends() {
        let w = world(b.clone()).await;
        // Behind the trusted proxy (the test server trusts 127.0.0.1), ten failures with
        // made-up names throttle that client only, and both addresses are recorded.
        for i in 0..10 {
            let r = attempt(
                &w,
                &format!("nobody{i}"),
                "wrong-password",
                "203.0.113.7",
                None,
            )
            .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let r = attempt(&w, "officer", PASSWORD, "203.0.113.7", None).await;
        assert!(
            r.body.contains("Too many failed sign-ins"),
            "{b}: {}",
            r.body
        );
        let r = attempt(&w, "officer", PASSWORD, "198.51.100.9", None).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "{b}: another client signs in"
        );
        let mut tx = w.store.read().await.unwrap();
        let rows = tx.audit_recent(40).await.unwrap();
        tx.rollback().await.unwrap();
        assert!(
            rows.iter()
                .any(|a| a.username == "nobody3" && a.ip == "203.0.113.7 via 127.0.0.1"),
            "{b}: {:?}",
            rows.iter().map(|a| &a.ip).collect::<Vec<_>>()
        );

        // The officer has signed in on their phone before: a device cookie.
        let device = device_cookie_of(&w, "officer").await;
        let session = w.sign_in("officer").await;
        let token = w.token("officer").await;
        // A stranger who knows the user name fails five times from five addresses: the
        // account is locked for devices it has not signed in on ...
        for i in 0..5 {
            attempt(
                &w,
                "officer",
                "not-the-password",
                &format!("192.0.2.{i}"),
                None,
            )
            .await;
        }
        let mut tx = w.store.read().await.unwrap();
        assert!(
            tx.user_by_name("officer")
                .await
                .unwrap()
                .unwrap()
                .locked_at
                .is_some()
        );
        tx.rollback().await.unwrap();
        let r = attempt(&w, "officer", PASSWORD, "192.0.2.50", None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: locked");
        // ... but the officer's phone still signs in, to the end ...
        let r = attempt(&w, "officer", PASSWORD, "198.51.100.9", Some(&device)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let pending = set_cookie(&r);
        let code = w.fresh_code("officer").await;
        let both = format!("{pending}; handoff_device={device}");
        let r = w.post_code(&both, "/sign-in/code", &code).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        assert_eq!(r.location(), "/");
        // ... and what was open stays open (F6: a lock stops unknown devices' password
        // sign-ins, which a stranger can cause; it ends no session and no token).
        assert_eq!(session.get("/encounters").await.status, StatusCode::OK);
        let me = w.api(Method::GET, "/api/v1/me", &token, None).await;
        assert_eq!(me.status, StatusCode::OK, "{b}");
        // A forged or another user's device cookie counts for nothing.
        let parts: Vec<&str> = device.split('.').collect();
        let forged = format!("{}.{}.{}", w.users["officer2"], parts[1], parts[2]);
        for d in [
            forged.as_str(),
            "garbage",
            &format!("{}.{}.00", parts[0], parts[1]),
        ] {
            let r = attempt(&w, "officer", PASSWORD, "198.51.100.9", Some(d)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {d}");
        }
        // Failures on the known device throttle that device, not the account.
        for _ in 0..5 {
            attempt(&w, "officer", "wrong-again", "198.51.100.9", Some(&device)).await;
        }
        let r = attempt(&w, "officer", PASSWORD, "198.51.100.9", Some(&device)).await;
        assert!(
            r.body.contains("Too many failed sign-ins"),
            "{b}: {}",
            r.body
        );
        // An administrator's unlock opens the account to new devices again.
        handoff_app::admin::unlock_user(&w.app, None, w.users["officer"])
            .await
            .unwrap();
        let r = attempt(&w, "officer", PASSWORD, "192.0.2.60", None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        // Disabling, unlike a lock, ends sessions and tokens.
        let mut tx = w.store.write().await.unwrap();
        tx.set_user_disabled(w.users["officer"], true)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let me = w.api(Method::GET, "/api/v1/me", &token, None).await;
        assert_eq!(me.status, StatusCode::UNAUTHORIZED, "{b}");
    }
}

#[test]
fn f5_forwarded_addresses_are_believed_only_from_a_trusted_proxy() {
    use handoff_web::auth::TrustedProxies;
    let p = TrustedProxies::parse(&["10.0.0.0/8", "::1"]).unwrap();
    let mut h = hyper::HeaderMap::new();
    h.insert(
        "x-forwarded-for",
        "198.51.100.1, 203.0.113.5, 10.1.2.3".parse().unwrap(),
    );
    let ip = |s: &str| Some(s.parse().unwrap());
    // The nearest hop that is not a trusted proxy is the client.
    assert_eq!(p.client_of(ip("10.0.0.1"), &h), "203.0.113.5 via 10.0.0.1");
    assert_eq!(p.client_of(ip("::1"), &h), "203.0.113.5 via ::1");
    // A peer that is not trusted: its header is ignored.
    assert_eq!(p.client_of(ip("192.0.2.1"), &h), "192.0.2.1");
    // No header, or garbage before any address: the proxy itself.
    assert_eq!(
        p.client_of(ip("10.0.0.1"), &hyper::HeaderMap::new()),
        "10.0.0.1"
    );
    h.insert("x-forwarded-for", "not-an-address".parse().unwrap());
    assert_eq!(p.client_of(ip("10.0.0.1"), &h), "10.0.0.1");
    for bad in ["10.0.0.0/33", "proxy.example", "::1/129"] {
        assert!(TrustedProxies::parse(&[bad]).is_err(), "{bad}");
    }
}

#[tokio::test]
async fn f9_unknown_names_throttles_and_refusals_are_in_the_audit_trail() {
    for b in backends() {
        let w = world(b.clone()).await;
        let r = w.post_password("no-such-user", "whatever-it-is").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let coord = w.sign_in("coordinator").await;
        // The action filter matches `_` literally, and anonymous attempts are found.
        let page = coord.get("/audit?action=auth.sign_in").await;
        assert!(page.body.contains("no-such-user"), "{b}: {}", page.body);
        let r = coord
            .post("/rules/dry-run", &[("file", "x = 1"), ("effective_on", "")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = coord.get("/audit?action=rules.dry_run").await;
        assert!(page.body.contains("rules.dry_run"), "{b}");
        let page = coord.get("/audit?action=rules_dry").await;
        assert!(
            !page.body.contains("rules.dry_run"),
            "{b}: `_` is not a wildcard"
        );
        // A form with the wrong CSRF token, and a cross-site POST: refused and audited.
        let officer = w.sign_in("officer").await;
        let r = request(
            &w.client,
            Method::POST,
            &format!("{}/sign-out", w.base),
            &[
                ("cookie", &officer.cookie),
                ("sec-fetch-site", "same-origin"),
            ],
            Some(("application/x-www-form-urlencoded", b"csrf=wrong".to_vec())),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let r = request(
            &w.client,
            Method::POST,
            &format!("{}/encounters", w.base),
            &[
                ("cookie", &officer.cookie),
                ("sec-fetch-site", "cross-site"),
            ],
            Some(("application/x-www-form-urlencoded", b"csrf=x".to_vec())),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(w.audited("request.csrf", "denied").await, 1, "{b}");
        assert_eq!(w.audited("request.cross_site", "denied").await, 1, "{b}");
        let page = coord.get("/audit?action=request.").await;
        assert!(page.body.contains("request.cross_site"), "{b}");
        assert!(page.body.contains("request.csrf"), "{b}");
    }
}

#[tokio::test]
async fn smaller_findings_origin_scheme_repeats_malformed_ids_unknown_api_paths() {
    let w = world(Backend::Sqlite).await;
    let officer = w.sign_in("officer").await;
    let host = w.base.trim_start_matches("http://").to_string();
    // An Origin with another scheme (or port) is another origin.
    for origin in [
        format!("https://{host}"),
        format!("http://{host}0"),
        "null".into(),
    ] {
        let r = request(
            &w.client,
            Method::POST,
            &format!("{}/encounters", w.base),
            &[("cookie", &officer.cookie), ("origin", &origin)],
            Some(("application/x-www-form-urlencoded", b"csrf=x".to_vec())),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{origin}");
    }
    // The same attestation ten thousand times is refused, once.
    let mut f = encounter_fields(&w.local_now(), "Repeats", "35A", "1.0", "GM");
    for _ in 0..10_000 {
        f.push(("attestations".into(), "no_open_warrant".into()));
    }
    let before = w.count("encounters").await;
    let r = officer.post("/encounters", &refs(&f)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("send each at most once"), "{}", r.body);
    assert_eq!(w.count("encounters").await, before);
    // A malformed id: not found, in the client's form, without the input echoed.
    let token = w.token("officer").await;
    let r = w
        .api(
            Method::GET,
            "/api/v1/encounters/not-an-id-%3Cscript%3E",
            &token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        r.headers.get("content-type").unwrap(),
        "application/problem+json"
    );
    assert!(!r.body.contains("not-an-id") && !r.body.contains("script"));
    let r = officer.get("/encounters/not-an-id-marker").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(!r.body.contains("not-an-id-marker"));
    // Unknown API paths: problem+json.
    let r = w
        .api(Method::GET, "/api/v1/nothing-here", &token, None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        r.headers.get("content-type").unwrap(),
        "application/problem+json"
    );
}
