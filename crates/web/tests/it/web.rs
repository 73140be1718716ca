//! The web layer: security headers, cross-site refusal, sign-in, the OpenAPI document,
//! health checks.
use hyper::{Method, StatusCode};

use crate::support::*;

#[tokio::test]
async fn security_headers_on_every_response() {
    let w = world(Backend::Sqlite).await;
    for path in ["/sign-in", "/health/live", "/nowhere", "/api/openapi.json"] {
        let r = request(
            &w.client,
            Method::GET,
            &format!("{}{path}", w.base),
            &[],
            None,
        )
        .await;
        let h = &r.headers;
        let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(h.get("referrer-policy").unwrap(), "no-referrer");
    }
    let r = request(
        &w.client,
        Method::GET,
        &format!("{}/nowhere", w.base),
        &[],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let w = world(Backend::Sqlite).await;
    let officer = w.sign_in("officer").await;
    let f = encounter_fields(&w.local_now(), "Csrf", "90J", "", "");
    let form = serde_urlencoded::to_string(refs(&f)).unwrap();
    // A browser says the request came from another site.
    let r = request(
        &w.client,
        Method::POST,
        &format!("{}/encounters", w.base),
        &[
            ("cookie", &officer.cookie),
            ("sec-fetch-site", "cross-site"),
        ],
        Some((
            "application/x-www-form-urlencoded",
            form.clone().into_bytes(),
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // An older browser sends only Origin.
    let r = request(
        &w.client,
        Method::POST,
        &format!("{}/encounters", w.base),
        &[
            ("cookie", &officer.cookie),
            ("origin", "https://evil.example"),
        ],
        Some((
            "application/x-www-form-urlencoded",
            form.clone().into_bytes(),
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Same site but without the form's token.
    let r = request(
        &w.client,
        Method::POST,
        &format!("{}/encounters", w.base),
        &[
            ("cookie", &officer.cookie),
            ("sec-fetch-site", "same-origin"),
        ],
        Some(("application/x-www-form-urlencoded", form.into_bytes())),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("This form has expired"));
    assert_eq!(w.count("encounters").await, 0);
}

#[tokio::test]
async fn sign_in_failures_are_audited_and_say_the_same_for_unknown_users() {
    for b in backends() {
        let w = world(b).await;
        let mut bodies = Vec::new();
        for (user, pw) in [("officer", "wrong-password"), ("nobody", "wrong-password")] {
            let form =
                serde_urlencoded::to_string([("username", user), ("password", pw), ("next", "/")])
                    .unwrap();
            let r = request(
                &w.client,
                Method::POST,
                &format!("{}/sign-in", w.base),
                &[],
                Some(("application/x-www-form-urlencoded", form.into_bytes())),
            )
            .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.headers.get("set-cookie").is_none());
            bodies.push(r.body.replace(user, "USER"));
        }
        assert_eq!(bodies[0], bodies[1], "no user enumeration");
        let mut tx = w.store.read().await.unwrap();
        let audit = tx.audit_recent(20).await.unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(
            audit
                .iter()
                .filter(|a| a.action == "auth.sign_in" && a.outcome == "failed")
                .count(),
            2
        );
        // The session cookie is HttpOnly and SameSite.
        let form = serde_urlencoded::to_string([
            ("username", "officer"),
            ("password", PASSWORD),
            ("next", "//evil.example"),
        ])
        .unwrap();
        let r = request(
            &w.client,
            Method::POST,
            &format!("{}/sign-in", w.base),
            &[],
            Some(("application/x-www-form-urlencoded", form.into_bytes())),
        )
        .await;
        let cookie = r.headers.get("set-cookie").unwrap().to_str().unwrap();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
        assert_eq!(
            r.location(),
            "/sign-in/code?next=/",
            "no open redirect: the code step carries a safe next page"
        );
    }
}

#[tokio::test]
async fn sessions_end_after_30_idle_minutes() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        w.clock.advance(chrono::Duration::minutes(29));
        assert_eq!(officer.get("/encounters").await.status, StatusCode::OK);
        w.clock.advance(chrono::Duration::minutes(31));
        let r = officer.get("/encounters").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            r.location().starts_with("/sign-in?next=%2Fencounters")
                || r.location().starts_with("/sign-in?next=/encounters"),
            "{}",
            r.location()
        );
    }
}

#[tokio::test]
async fn openapi_lists_every_api_route() {
    let w = world(Backend::Sqlite).await;
    let r = request(
        &w.client,
        Method::GET,
        &format!("{}/api/openapi.json", w.base),
        &[],
        None,
    )
    .await;
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut listed = 0;
    for s in handoff_web::routes::route_specs()
        .into_iter()
        .filter(|s| s.api && s.path != "/api/openapi.json")
    {
        let op = &paths
            .get(s.path)
            .unwrap_or_else(|| panic!("{} missing from OpenAPI", s.path))[s.method.to_lowercase()];
        assert!(
            op.is_object(),
            "{} {} missing from OpenAPI",
            s.method,
            s.path
        );
        if let Some(body) = s.body {
            let name = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .unwrap();
            assert!(
                doc["components"]["schemas"][name.rsplit('/').next().unwrap()].is_object(),
                "{body}"
            );
        }
        listed += 1;
    }
    let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(
        listed, documented,
        "the document lists a route that does not exist"
    );
}

#[tokio::test]
async fn health_checks() {
    for b in backends() {
        let w = world(b).await;
        for p in ["/health/live", "/health/ready"] {
            let r = request(&w.client, Method::GET, &format!("{}{p}", w.base), &[], None).await;
            assert_eq!(
                (r.status, r.body.as_str()),
                (StatusCode::OK, "ok"),
                "{p} on {}",
                w.backend
            );
        }
    }
}

#[tokio::test]
async fn tokens_expire_and_can_be_revoked() {
    for b in backends() {
        let w = world(b).await;
        let (token, row) = handoff_app::auth::create_token(&w.app, "officer", "t", Some(1))
            .await
            .unwrap();
        assert_eq!(
            w.api(Method::GET, "/api/v1/me", &token, None).await.status,
            StatusCode::OK
        );
        handoff_app::auth::revoke_token(&w.app, row.id)
            .await
            .unwrap();
        assert_eq!(
            w.api(Method::GET, "/api/v1/me", &token, None).await.status,
            StatusCode::UNAUTHORIZED
        );
        let (token, _) = handoff_app::auth::create_token(&w.app, "officer", "t", Some(1))
            .await
            .unwrap();
        w.clock
            .advance(chrono::Duration::days(1) + chrono::Duration::seconds(1));
        assert_eq!(
            w.api(Method::GET, "/api/v1/me", &token, None).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            w.api(Method::GET, "/api/v1/me", "garbage", None)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn signing_out_ends_the_session_at_once() {
    let w = world(Backend::Sqlite).await;
    let officer = w.sign_in("officer").await;
    assert_eq!(officer.get("/encounters").await.status, StatusCode::OK);
    let r = officer.post("/sign-out", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = officer.get("/encounters").await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "a signed-out session must not be served from the cache"
    );
    assert!(r.location().starts_with("/sign-in"));
}

#[tokio::test]
async fn a_refused_shift_keeps_what_was_typed() {
    let w = world(Backend::Sqlite).await;
    let coord = w.sign_in("coordinator").await;
    let p1 = w.orgs["p1"].to_string();
    let cm1 = w.users["cm1"].to_string();
    let r = coord
        .post(
            "/roster/shifts",
            &[
                ("organization_id", &p1),
                ("user_id", &cm1),
                ("starts_at", "2026-03-05T08:00"),
                ("ends_at", "2026-03-05T07:00"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("The shift must end after it starts."),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("value=\"2026-03-05T08:00\"")
            && r.body.contains("value=\"2026-03-05T07:00\"")
    );
    assert!(r.body.contains(&format!("value=\"{cm1}\" selected")));
    let r = coord
        .post(
            "/roster/shifts",
            &[
                ("organization_id", &p1),
                ("user_id", &cm1),
                ("starts_at", "2026-03-05T08:00"),
                ("ends_at", "2026-03-05T20:00"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn a_refused_role_keeps_what_was_chosen() {
    let w = world(Backend::Sqlite).await;
    let admin = w.sign_in("admin").await;
    let officer2 = w.users["officer2"].to_string();
    let agency = w.orgs["agency"].to_string();
    let r = admin
        .post(
            "/admin/memberships",
            &[
                ("user_id", &officer2),
                ("organization_id", &agency),
                ("role", "case_manager"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("A case manager cannot belong to a law enforcement agency."),
        "{}",
        r.body
    );
    assert!(r.body.contains(&format!("value=\"{officer2}\" selected")));
    let r = admin
        .post(
            "/admin/memberships",
            &[
                ("user_id", &officer2),
                ("organization_id", &agency),
                ("role", "supervisor"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Unknown and short user names and passwords are named by field.
    let r = admin
        .post(
            "/admin/users",
            &[
                ("username", "x"),
                ("display_name", ""),
                ("password", "short"),
                ("organization_id", &agency),
                ("role", "officer"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for m in [
        "Use 2 to 64 letters",
        "Enter the full name.",
        "Use at least 8 characters.",
    ] {
        assert!(r.body.contains(m), "{m}: {}", r.body);
    }
}

/// However active, a session ends 12 hours after sign-in (CJIS re-authentication).
#[tokio::test]
async fn sessions_end_twelve_hours_after_sign_in_however_active() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        // Busy all shift: a request every 20 minutes for 11 h 40 min.
        for _ in 0..35 {
            w.clock.advance(chrono::Duration::minutes(20));
            assert_eq!(officer.get("/encounters").await.status, StatusCode::OK);
        }
        w.clock.advance(chrono::Duration::minutes(21));
        let r = officer.get("/encounters").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "past 12 hours");
        assert!(r.location().starts_with("/sign-in"));
    }
}

/// Long lists go a page at a time: the next page's link, every row once, the way back to
/// the first page, and a page link that names no place in the list refused.
#[tokio::test]
async fn long_lists_page_and_a_bad_page_link_is_refused() {
    let w = world(Backend::Sqlite).await;
    let officer = w.sign_in("officer").await;
    let mut made = std::collections::BTreeSet::new();
    for i in 0..101 {
        made.insert(record_encounter(&w, &officer, &format!("Pager{i:03}")).await);
    }
    let ids = |body: &str| -> Vec<uuid::Uuid> {
        body.match_indices("<li><a href=\"/encounters/")
            .filter_map(|(at, m)| body.get(at + m.len()..at + m.len() + 36))
            .filter_map(|id| id.parse().ok())
            .collect()
    };
    let first = officer.get("/encounters?notice=x").await;
    assert_eq!(first.status, StatusCode::OK);
    let mut seen = ids(&first.body);
    assert_eq!(seen.len(), 100);
    assert!(!first.body.contains("Back to the first page"));
    let at = first.body.find("rel=\"next\"").expect("a next page link");
    let href_start = first.body[..at].rfind("href=\"").unwrap() + 6;
    let href = &first.body[href_start..];
    let href = href[..href.find('"').unwrap()].replace("&amp;", "&");
    assert!(href.starts_with("/encounters?after="), "{href}");
    let second = officer.get(&href).await;
    assert_eq!(second.status, StatusCode::OK);
    seen.extend(ids(&second.body));
    assert_eq!(seen.len(), 101);
    assert_eq!(
        seen.into_iter().collect::<std::collections::BTreeSet<_>>(),
        made
    );
    assert!(
        second.body.contains("Back to the first page") && !second.body.contains("rel=\"next\"")
    );
    // A link that is not a place in the list.
    for bad in [
        "/encounters?after=nonsense",
        "/holds?after=x",
        "/queue?after=x",
        "/dashboard?after=x",
    ] {
        let agent = match bad {
            "/holds?after=x" => w.sign_in("prosecutor").await,
            "/queue?after=x" => w.sign_in("cm1").await,
            "/dashboard?after=x" => w.sign_in("coordinator").await,
            _ => w.sign_in("officer").await,
        };
        let r = agent.get(bad).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            r.body
        );
        assert!(
            r.body
                .contains("This page link does not name a place in the list"),
            "{bad}"
        );
    }
}

/// An administrator adds an organization from the page: refused input keeps what was
/// typed with the reason by field; the organization then exists in their program, can be
/// chosen for users, and its creation is audited; others may not add one.
#[tokio::test]
async fn an_administrator_adds_an_organization_and_a_refused_one_keeps_what_was_typed() {
    for b in backends() {
        let w = world(b.clone()).await;
        let admin = w.sign_in("admin").await;
        let created = w.audited("organization.create", "allowed").await;
        let typed = [
            ("kind", "provider"),
            ("name", "   "),
            ("address", "12 Elm St"),
            ("phone", "555-0142"),
            ("hours", "Mon-Fri 9-5"),
            ("what_to_bring", "ID if you have one"),
        ];
        let r = admin.post("/admin/organizations", &typed).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            r.body.contains("Enter the organization name."),
            "{}",
            r.body
        );
        for v in ["12 Elm St", "555-0142", "Mon-Fri 9-5", "ID if you have one"] {
            assert!(
                r.body.contains(&format!("value=\"{v}\"")),
                "{v}: {}",
                r.body
            );
        }
        assert!(r.body.contains("value=\"provider\" selected"));
        let mut bad_kind = typed;
        bad_kind[0] = ("kind", "bank");
        bad_kind[1] = ("name", "Harbor Recovery");
        let r = admin.post("/admin/organizations", &bad_kind).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Choose what kind of organization this is."));
        assert!(r.body.contains("value=\"Harbor Recovery\""));

        let mut good = typed;
        good[1] = ("name", " Harbor Recovery ");
        let r = admin.post("/admin/organizations", &good).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let page = admin.get("/admin?notice=organization").await;
        assert!(page.body.contains("Organization added."));
        let org = {
            let mut tx = w.store.read().await.unwrap();
            let orgs = tx.orgs(w.program).await.unwrap();
            tx.rollback().await.unwrap();
            orgs.into_iter()
                .find(|o| o.name == "Harbor Recovery")
                .unwrap()
        };
        assert_eq!(org.kind, "provider");
        assert_eq!(org.hours, "Mon-Fri 9-5");
        assert!(
            page.body.contains(&format!("value=\"{}\"", org.id)),
            "choosable"
        );
        assert_eq!(
            w.audited("organization.create", "allowed").await,
            created + 1
        );
        // The same name again is refused by field; a coordinator may not add one.
        let r = admin.post("/admin/organizations", &good).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("An organization with this name exists"));
        let coordinator = w.sign_in("coordinator").await;
        let r = coordinator
            .post(
                "/admin/organizations",
                &[("kind", "provider"), ("name", "Other")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}: denied, as not there");
        assert_eq!(w.audited("organization.create", "denied").await, 1);
    }
}
