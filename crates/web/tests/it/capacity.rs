//! Live capacity (issue 15, ADR 0017): the offering provider's case managers update it in
//! one tap or by API, refused by field when it would be negative or above the maximum, not
//! found (and audited) for anyone else's service; stale past the service's window, never
//! shown as current; the HSDS answer carries the live value.
use chrono::Duration;
use handoff_app::directory::capacity;
use hyper::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

/// A service of the first provider with 2 of 3 beds, updated at the test clock's now.
pub(crate) async fn beds(w: &World) -> (uuid::Uuid, uuid::Uuid) {
    let (service, cap) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    let file = json!([{
        "id": service, "name": "Detox beds", "status": "active", "organization_id": w.orgs["p1"],
        "capacities": [{"id": cap, "unit_id": "f4d2314f-6678-5694-a6a2-9b11b7b862df",
                        "available": 2, "maximum": 3, "updated": w.app.now().to_rfc3339()}],
    }]);
    import_directory(w, &file).await;
    (service, cap)
}

#[tokio::test]
async fn providers_update_capacity_by_api_within_its_bounds() {
    for b in backends() {
        let w = world(b).await;
        let (service, cap) = beds(&w).await;
        let cm1 = w.token("cm1").await;
        let cm2 = w.token("cm2").await;
        let r = w.api(Method::GET, "/api/v1/capacities", &cm1, None).await;
        let list: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(list["capacities"][0]["available"], 2, "{}", r.body);
        assert_eq!(list["capacities"][0]["unit"], "Bed");
        assert_eq!(list["capacities"][0]["stale"], false);
        // The other provider's case manager sees none of it, and may not change it.
        let r = w.api(Method::GET, "/api/v1/capacities", &cm2, None).await;
        assert_eq!(
            serde_json::from_str::<Value>(&r.body).unwrap()["capacities"],
            json!([])
        );
        let path = format!("/api/v1/capacities/{cap}");
        let denied_before = w.audited("capacity.update", "denied").await;
        let r = w
            .api(Method::POST, &path, &cm2, Some(json!({"change": "minus"})))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(
            w.audited("capacity.update", "denied").await,
            denied_before + 1
        );
        // One fewer, above the maximum, below zero, to zero, below zero by a tap, nonsense.
        let steps: [(Value, StatusCode, &str); 7] = [
            (
                json!({"change": "minus"}),
                StatusCode::OK,
                "\"available\":1",
            ),
            (
                json!({"change": "set", "available": 4}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "above the maximum of 3",
            ),
            (
                json!({"change": "set", "available": -1}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "available",
            ),
            (
                json!({"change": "set", "available": 0}),
                StatusCode::OK,
                "\"available\":0",
            ),
            (
                json!({"change": "minus"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "0 already",
            ),
            (
                json!({"change": "set", "available": 0, "maximum": 1_000_001}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "maximum",
            ),
            (
                json!({"change": "sideways"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "change",
            ),
        ];
        for (body, status, needle) in steps {
            let r = w.api(Method::POST, &path, &cm1, Some(body.clone())).await;
            assert_eq!(r.status, status, "{body}: {}", r.body);
            assert!(
                r.body.contains(needle),
                "{body}: {needle} not in {}",
                r.body
            );
        }
        // A coordinator may update any service's; a new maximum with it.
        let coord = w.token("coordinator").await;
        let r = w
            .api(
                Method::POST,
                &path,
                &coord,
                Some(json!({"change": "set", "available": 5, "maximum": 6})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        // Refusals are audited as failures, updates as allowed.
        assert!(w.audited("capacity.update", "failed").await >= 3);
        assert!(w.audited("capacity.update", "allowed").await >= 3);
        // The HSDS answer carries the live value.
        let r = w
            .api(
                Method::GET,
                &format!("/hsds/services/{service}"),
                &cm1,
                None,
            )
            .await;
        let s: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(
            (
                s["capacities"][0]["available"].clone(),
                s["capacities"][0]["maximum"].clone()
            ),
            (json!(5), json!(6))
        );
        assert_eq!(
            s["capacities"][0]["updated"],
            w.app
                .now()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
    }
}

#[tokio::test]
async fn capacity_goes_stale_past_its_window_until_confirmed() {
    for b in backends() {
        let w = world(b).await;
        let (service, cap) = beds(&w).await;
        w.clock.advance(Duration::hours(23));
        assert!(!stale(&w).await);
        w.clock.advance(Duration::hours(2));
        assert!(stale(&w).await, "25 hours old is stale on {}", w.backend);
        // (Signed in now: a session of yesterday has ended.)
        let cm1 = w.sign_in("cm1").await;
        let page = cm1.get("/queue").await;
        assert!(
            page.body.contains("What you can take now")
                && page.body.contains("Stale: last updated"),
            "{}",
            page.body
        );
        // One tap: still right.
        let r = cm1
            .post(&format!("/capacities/{cap}"), &[("change", "confirm")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(!stale(&w).await);
        // A service's own, shorter window.
        capacity::set_freshness(&w.app, w.program, service, Some(60))
            .await
            .unwrap();
        w.clock.advance(Duration::minutes(61));
        assert!(stale(&w).await);
        assert!(
            capacity::set_freshness(&w.app, w.program, service, Some(1))
                .await
                .is_err()
        );
    }
}

#[tokio::test]
async fn the_queue_page_updates_in_one_tap_and_keeps_what_was_typed() {
    for b in backends() {
        let w = world(b).await;
        let (_, cap) = beds(&w).await;
        let cm1 = w.sign_in("cm1").await;
        let page = cm1.get("/queue").await;
        assert!(
            page.body.contains("Detox beds") && page.body.contains(">2</span> of 3 Beds available"),
            "{}",
            page.body
        );
        let r = cm1
            .post(&format!("/capacities/{cap}"), &[("change", "plus")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(cm1.get("/queue").await.body.contains(">3</span> of 3"));
        // Above the maximum, and not a number: the page again, with the text typed.
        for (typed, why) in [
            ("9", "above the maximum of 3"),
            ("two", "Type a whole number"),
        ] {
            let r = cm1
                .post(
                    &format!("/capacities/{cap}"),
                    &[("change", "set"), ("available", typed)],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            let kept = format!("value=\"{typed}\"");
            assert!(r.body.contains(why) && r.body.contains(&kept), "{}", r.body);
        }
        // The other provider's case manager: not found.
        let cm2 = w.sign_in("cm2").await;
        let r = cm2
            .post(&format!("/capacities/{cap}"), &[("change", "minus")])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(!cm2.get("/queue").await.body.contains("Detox beds"));
    }
}

async fn stale(w: &World) -> bool {
    let token = w.token("cm1").await;
    let r = w.api(Method::GET, "/api/v1/capacities", &token, None).await;
    serde_json::from_str::<Value>(&r.body).unwrap()["capacities"][0]["stale"]
        .as_bool()
        .unwrap()
}
