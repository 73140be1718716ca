//! The API contract (issue 13): the generated document describes every route and every
//! answer; bodies are checked against it; conditional updates (ADR 0015); lists page;
//! rate limits answer 429.
use hyper::{Method, StatusCode};
use serde_json::json;

use crate::support::*;

/// A request with extra headers and a JSON body.
async fn send(
    w: &World,
    method: Method,
    path: &str,
    token: &str,
    extra: &[(&str, &str)],
    body: serde_json::Value,
) -> Resp {
    w.api_with(method, path, token, extra, body.to_string().into_bytes())
        .await
}

fn etag_of(r: &Resp) -> String {
    r.headers
        .get("etag")
        .unwrap_or_else(|| panic!("no ETag: {} {}", r.status, r.body))
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_stale_if_match_answers_412_and_changes_nothing() {
    for b in backends() {
        let w = world(b.clone()).await;
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Etagqz").await;
        accept_offer(&w, &officer, enc, "warm", "p1").await;
        let referral = w.referrals_of(enc).await.remove(0).id;
        let cm = w.token("cm1").await;
        let path = format!("/api/v1/referrals/{referral}");
        let events = format!("{path}/events");

        // The integrator reads the referral, then the case manager accepts it on the page.
        let first = w.api(Method::GET, &path, &cm, None).await;
        assert_eq!(first.status, StatusCode::OK);
        let stale = etag_of(&first);
        assert!(stale.starts_with('"') && stale.ends_with('"'), "{stale}");
        let page = w.sign_in("cm1").await;
        assert_eq!(
            step(&page, referral, "accept", &[]).await.status,
            StatusCode::SEE_OTHER
        );
        let now = etag_of(&w.api(Method::GET, &path, &cm, None).await);
        assert_ne!(now, stale, "{b}: a change moves the tag");

        // A step sent against the stale copy is refused, and nothing changes.
        let before = w.referrals_of(enc).await.remove(0);
        let r = send(
            &w,
            Method::POST,
            &events,
            &cm,
            &[("if-match", &stale)],
            json!({"action": "intake"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{b}: {}", r.body);
        assert_eq!(
            r.headers.get("content-type").unwrap(),
            "application/problem+json"
        );
        let after = w.referrals_of(enc).await.remove(0);
        assert_eq!(
            (after.status, after.updated_at, after.intake_at),
            (before.status, before.updated_at, None)
        );
        // Against the current tag it goes through, and the answer carries the new tag.
        let r = send(
            &w,
            Method::POST,
            &events,
            &cm,
            &[("if-match", &now)],
            json!({"action": "intake"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_ne!(etag_of(&r), now);
        // `*` asks for no particular version; a tag that is not one is a bad request.
        let r = send(
            &w,
            Method::POST,
            &events,
            &cm,
            &[("if-match", "*")],
            json!({"action": "first_treatment"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        // A value that names no version of ours (malformed, weak, empty, a list) can
        // match none: a precondition that fails (RFC 9110), nothing changed.
        for bad in ["not-a-tag", "\"\"", "\"a\", \"b\"", "W/\"x\""] {
            let r = send(
                &w,
                Method::POST,
                &events,
                &cm,
                &[("if-match", bad)],
                json!({"action": "first_treatment"}),
            )
            .await;
            assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{b}: {bad}");
        }

        // A held charge (another case, still open): the same with the prosecutor's decision.
        let enc = record_encounter(&w, &officer, "Etaghold").await;
        accept_offer(&w, &officer, enc, "contact_card", "p1").await;
        let hold = w.hold_of(enc).await;
        let pros = w.token("prosecutor").await;
        let hpath = format!("/api/v1/holds/{}", hold.id);
        let stale = etag_of(&w.api(Method::GET, &hpath, &pros, None).await);
        let later = (hold.deadline_day + chrono::Duration::days(14))
            .format("%Y-%m-%d")
            .to_string();
        let r = send(
            &w,
            Method::POST,
            &format!("{hpath}/decision"),
            &pros,
            &[("if-match", &stale)],
            json!({"decision": "extend", "reason": "Waiting list", "new_deadline": later}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let r = send(
            &w,
            Method::POST,
            &format!("{hpath}/decision"),
            &pros,
            &[("if-match", &stale)],
            json!({"decision": "file", "reason": "No engagement"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{b}: {}", r.body);
        assert_ne!(w.hold_of(enc).await.state, "filed", "{b}");
    }
}

/// The document says so: ETag on the reads, If-Match and 412 on the changes.
#[tokio::test]
async fn the_document_describes_conditional_updates() {
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
    for path in [
        "/api/v1/referrals/{id}/events",
        "/api/v1/holds/{id}/decision",
    ] {
        let op = &doc["paths"][path]["post"];
        assert!(op["responses"]["412"].is_object(), "{path}");
        assert!(
            op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "If-Match" && p["in"] == "header"),
            "{path}"
        );
    }
    for path in ["/api/v1/referrals/{id}", "/api/v1/holds/{id}"] {
        assert!(doc["paths"][path]["get"]["responses"]["200"]["headers"]["ETag"].is_object());
    }
}

async fn document(w: &World) -> serde_json::Value {
    request(
        &w.client,
        Method::GET,
        &format!("{}/api/openapi.json", w.base),
        &[],
        None,
    )
    .await
    .json()
}

/// Follows `$ref`s through the document.
fn resolve<'a>(doc: &'a serde_json::Value, v: &'a serde_json::Value) -> &'a serde_json::Value {
    match v["$ref"].as_str() {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{r} does not resolve")),
        None => v,
    }
}

#[tokio::test]
async fn every_route_is_in_the_document_with_a_schema_for_every_answer() {
    let w = world(Backend::Sqlite).await;
    let doc = document(&w).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let mut seen = 0;
    for s in handoff_web::routes::route_specs()
        .into_iter()
        .filter(|s| s.api && s.path != "/api/openapi.json")
    {
        let what = format!("{} {}", s.method, s.path);
        let op = &doc["paths"][s.path][s.method.to_lowercase()];
        assert!(op.is_object(), "{what} is not in the document");
        assert!(op["operationId"].is_string(), "{what}: operationId");
        let responses = op["responses"].as_object().unwrap();
        assert!(
            !responses.contains_key("default"),
            "{what}: a default response"
        );
        assert!(
            responses.keys().any(|k| k.starts_with('2')),
            "{what}: no success response"
        );
        let mut must = vec!["401", "404", "429"];
        let has_body = op["requestBody"].is_object();
        if has_body {
            must.extend(["400", "413", "415", "422"]);
            let body = &op["requestBody"]["content"]["application/json"]["schema"];
            let schema = resolve(&doc, body);
            assert!(
                schema["properties"].is_object() && schema["additionalProperties"] == false,
                "{what}: the body schema names its fields and refuses others: {schema}"
            );
        }
        if s.path.contains("{id}") {
            let id = op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == "id")
                .unwrap_or_else(|| panic!("{what}: no id parameter"));
            assert_eq!(id["schema"]["format"], "uuid", "{what}");
        }
        for status in must {
            assert!(responses.contains_key(status), "{what}: no {status}");
        }
        for (status, r) in responses {
            let content = r["content"]
                .as_object()
                .unwrap_or_else(|| panic!("{what} {status}: no content"));
            assert_eq!(content.len(), 1, "{what} {status}");
            let (media, c) = content.iter().next().unwrap();
            let expected = if status.starts_with('2') {
                "application/json"
            } else {
                "application/problem+json"
            };
            assert_eq!(media, expected, "{what} {status}");
            let schema = resolve(&doc, &c["schema"]);
            assert!(
                schema.as_object().is_some_and(|o| !o.is_empty()),
                "{what} {status}: an empty schema"
            );
            assert!(r["description"].is_string(), "{what} {status}");
        }
        // A list pages: a cursor and a bounded limit.
        let params: Vec<&str> = op["parameters"]
            .as_array()
            .map(|ps| ps.iter().filter_map(|p| p["name"].as_str()).collect())
            .unwrap_or_default();
        if s.method == "GET" && params.contains(&"cursor") {
            let limit = op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == "limit")
                .unwrap_or_else(|| panic!("{what}: a cursor without a limit"));
            assert_eq!(limit["schema"]["maximum"], 100, "{what}");
        }
        seen += 1;
    }
    assert_eq!(
        seen,
        doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|p| p.as_object().unwrap().len())
            .sum::<usize>(),
        "the document lists an operation that is not routed"
    );
    // Every list of the API pages.
    for list in [
        "/api/v1/encounters",
        "/api/v1/referrals",
        "/api/v1/holds",
        "/api/v1/deadlines",
    ] {
        let names: Vec<&str> = doc["paths"][list]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert!(
            names.contains(&"cursor") && names.contains(&"limit"),
            "{list}"
        );
    }
    // No schema anywhere is empty, and the input limits are stated.
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        assert!(!schema.as_object().unwrap().is_empty(), "{name} is empty");
    }
    let enc = &doc["components"]["schemas"]["EncounterInput"];
    assert_eq!(enc["properties"]["offenses"]["maxItems"], 3);
    assert_eq!(enc["properties"]["location"]["maxLength"], 200);
    assert_eq!(
        doc["components"]["schemas"]["PersonInput"]["properties"]["dob"]["format"],
        "date"
    );
    assert!(
        doc["components"]["schemas"]["PersonInput"]["properties"]["sex"]["enum"]
            .as_array()
            .is_some_and(|e| e.len() == 3)
    );
}

fn problem_fields(r: &Resp) -> Vec<String> {
    assert_eq!(
        r.headers.get("content-type").unwrap(),
        "application/problem+json",
        "{}",
        r.body
    );
    r.json()["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|x| x["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn bad_bodies_are_refused_by_field_before_anything_is_done() {
    for b in backends() {
        let w = world(b.clone()).await;
        let token = w.token("officer").await;
        let auth = format!("Bearer {token}");
        let good = json!({
            "occurred_at": w.local_now(),
            "location": "Oak & 5th",
            "incident_number": "CAD-1",
            "offenses": [{"code": "35A", "drug_activity": "P", "drug_type": "D", "quantity": "1", "unit": "GM"}],
            "attestations": ["no_violent_history", "no_open_warrant", "no_pending_specialty_court", "no_no_contact_order"],
            "person": {"first_name": "Lee", "last_name": "Bodyqz", "dob": "1985-06-07", "sex": "M", "race": "B", "ethnicity": "N"},
        });
        // A wrong content type.
        let r = request(
            &w.client,
            Method::POST,
            &format!("{}/api/v1/encounters", w.base),
            &[("authorization", &auth)],
            Some(("text/plain", good.to_string().into_bytes())),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{b}");
        assert!(problem_fields(&r).is_empty());
        let cases: Vec<(&str, serde_json::Value, &str)> = vec![
            ("/location", json!(5), "location"),
            ("/person/sex", json!("X"), "person.sex"),
            ("/location", json!("x".repeat(201)), "location"),
            ("/person/dob", json!("06/07/1985"), "person.dob"),
            ("/offenses/0/code", json!(["35A"]), "offenses[0].code"),
            ("/pathway", json!(""), "pathway"),
            ("/attestations/0", json!("no_such_thing"), "attestations[0]"),
            ("/person/nickname", json!("Bo"), "person.nickname"),
        ];
        for (at, value, field) in cases {
            let mut body = good.clone();
            let (parent, key) = at.rsplit_once('/').unwrap();
            let target = if parent.is_empty() {
                &mut body
            } else {
                body.pointer_mut(parent).unwrap()
            };
            match target {
                serde_json::Value::Array(a) => a[key.parse::<usize>().unwrap()] = value,
                t => t[key] = value,
            }
            let r = w
                .api(Method::POST, "/api/v1/encounters", &token, Some(body))
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {at}");
            assert_eq!(problem_fields(&r), vec![field.to_string()], "{b}: {at}");
        }
        // An absent required field; too many offenses.
        let mut body = good.clone();
        body.as_object_mut().unwrap().remove("location");
        let r = w
            .api(Method::POST, "/api/v1/encounters", &token, Some(body))
            .await;
        assert_eq!(problem_fields(&r), vec!["location".to_string()], "{b}");
        let mut body = good.clone();
        body["offenses"] = json!([{}, {}, {}, {}]);
        let r = w
            .api(Method::POST, "/api/v1/encounters", &token, Some(body))
            .await;
        assert_eq!(problem_fields(&r), vec!["offenses".to_string()], "{b}");
        assert_eq!(w.count("encounters").await, 0, "{b}: nothing was recorded");
        // And the good body is recorded.
        let r = w
            .api(Method::POST, "/api/v1/encounters", &token, Some(good))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
    }
}

fn paged_encounter(at: chrono::DateTime<chrono::Utc>, last: &str) -> serde_json::Value {
    json!({
        "occurred_at": at.to_rfc3339(),
        "location": "Station 4",
        "incident_number": "CAD-1",
        "offenses": [{"code": "35A", "drug_activity": "P", "drug_type": "D", "quantity": "1", "unit": "GM"}],
        "attestations": ["no_violent_history", "no_open_warrant", "no_pending_specialty_court", "no_no_contact_order"],
        "person": {"first_name": "Pat", "last_name": last, "dob": "1980-02-03", "sex": "F", "race": "W", "ethnicity": "N"},
    })
}

#[tokio::test]
async fn paging_through_250_encounters_gives_each_exactly_once() {
    for b in backends() {
        let w = world(b.clone()).await;
        let token = w.token("officer").await;
        // Half of them at one instant (the order falls back to the id), half a minute
        // apart.
        let base = w.app.now() - chrono::Duration::days(2);
        let mut made = std::collections::HashSet::new();
        for i in 0..250 {
            let at = if i < 125 {
                base
            } else {
                base + chrono::Duration::minutes(i)
            };
            let body = paged_encounter(at, &format!("Pagerqz{i}"));
            let r = w
                .api(Method::POST, "/api/v1/encounters", &token, Some(body))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
            made.insert(r.json()["id"].as_str().unwrap().to_string());
        }
        let mut got = Vec::new();
        let mut path = "/api/v1/encounters?limit=7".to_string();
        let mut pages = 0;
        loop {
            let r = w.api(Method::GET, &path, &token, None).await;
            assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
            let page = r.json();
            let rows = page["encounters"].as_array().unwrap();
            assert!(rows.len() <= 7);
            got.extend(rows.iter().map(|e| e["id"].as_str().unwrap().to_string()));
            pages += 1;
            if pages == 3 {
                // A new encounter meanwhile does not shift the pages (it is newer than
                // the cursor: it would be on the first page).
                let body = paged_encounter(w.app.now(), "Pagerqzlate");
                let r = w
                    .api(Method::POST, "/api/v1/encounters", &token, Some(body))
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
            }
            match page["next_cursor"].as_str() {
                Some(c) => {
                    let link = r.headers.get("link").unwrap().to_str().unwrap();
                    assert!(link.contains(c) && link.ends_with("rel=\"next\""), "{link}");
                    path = format!("/api/v1/encounters?limit=7&cursor={c}");
                }
                None => {
                    assert!(r.headers.get("link").is_none());
                    break;
                }
            }
        }
        assert_eq!(pages, 36, "{b}: 250 rows, 7 a page");
        let unique: std::collections::HashSet<String> = got.iter().cloned().collect();
        assert_eq!(got.len(), 250, "{b}: each once");
        assert_eq!(unique, made, "{b}: every one of them");

        // A cursor that is not one of ours, and a limit out of range, are named.
        for (q, field) in [
            ("cursor=bm90LWEtY3Vyc29y", "cursor"),
            ("limit=0", "limit"),
            ("limit=101", "limit"),
            ("limit=ten", "limit"),
        ] {
            let r = w
                .api(
                    Method::GET,
                    &format!("/api/v1/encounters?{q}"),
                    &token,
                    None,
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {q}");
            assert_eq!(problem_fields(&r), vec![field.to_string()], "{b}: {q}");
        }
    }
}

#[tokio::test]
async fn over_the_rate_limit_answers_429_with_retry_after_audited_once_a_minute() {
    for b in backends() {
        let w = world(b.clone()).await;
        handoff_app::limits::set(&w.app, w.program, 3, 5)
            .await
            .unwrap();
        let first = w.token("officer").await;
        let second = w.token("officer").await;
        for _ in 0..3 {
            let r = w.api(Method::GET, "/api/v1/me", &first, None).await;
            assert_eq!(r.status, StatusCode::OK, "{b}");
        }
        for _ in 0..2 {
            let r = w.api(Method::GET, "/api/v1/me", &first, None).await;
            assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{b}");
            let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
            assert!((1..=60).contains(&wait), "{b}: {wait}");
            assert!(problem_fields(&r).is_empty());
        }
        assert_eq!(w.audited("api.rate_limited", "denied").await, 1, "{b}");
        // The user's own limit holds over all of their tokens.
        for _ in 0..2 {
            let r = w.api(Method::GET, "/api/v1/me", &second, None).await;
            assert_eq!(r.status, StatusCode::OK, "{b}");
        }
        let r = w.api(Method::GET, "/api/v1/me", &second, None).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{b}");
        assert_eq!(w.audited("api.rate_limited", "denied").await, 2, "{b}");
        // Another user is not limited by this one.
        let other = w.token("officer2").await;
        let r = w.api(Method::GET, "/api/v1/me", &other, None).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        // The next minute starts afresh.
        w.clock.advance(chrono::Duration::seconds(61));
        let r = w.api(Method::GET, "/api/v1/me", &first, None).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        // Out-of-range settings are refused by name.
        let e = handoff_app::limits::set(&w.app, w.program, 0, 5)
            .await
            .unwrap_err();
        assert!(matches!(e, handoff_app::AppError::Invalid(_)), "{e:?}");
    }
}
