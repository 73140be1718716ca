//! The API contract (issue 13), as far as it is built: conditional updates (ADR 0015). A
//! GET answers an ETag; a change sent with a stale If-Match answers 412 and changes nothing.
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
