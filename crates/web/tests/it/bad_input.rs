//! Bad input gets a clear error by field and loses nothing; every action is one
//! transaction; retries do not duplicate.
use hyper::{Method, StatusCode};
use serde_json::json;

use crate::support::*;

fn api_encounter(occurred_at: &str, last: &str) -> serde_json::Value {
    json!({
        "occurred_at": occurred_at,
        "location": "Oak & 5th",
        "incident_number": format!("CAD-{last}"),
        "offenses": [{"code": "35A", "drug_activity": "P", "drug_type": "D", "quantity": "1", "unit": "GM"}],
        "attestations": ["no_violent_history", "no_open_warrant", "no_pending_specialty_court", "no_no_contact_order"],
        "person": {"first_name": "Lee", "last_name": last, "dob": "1985-06-07", "sex": "M", "race": "B", "ethnicity": "N"},
    })
}

#[tokio::test]
async fn form_errors_are_named_by_field_and_keep_what_was_typed() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        let mut f = encounter_fields(&w.local_now(), "Typed-Name", "35A", "-2", "GM");
        for (k, v) in f.iter_mut() {
            if k == "person.dob" {
                *v = "2090-01-01".into();
            }
            if k == "location" {
                *v = "Corner of Elm & Pine".into();
            }
        }
        let r = officer.post("/encounters", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body
                .contains("The date of birth cannot be in the future."),
            "{}",
            r.body
        );
        assert!(r.body.contains("The quantity must be more than 0."));
        // What the officer typed is still there.
        for typed in [
            "value=\"Typed-Name\"",
            "Corner of Elm &#38; Pine",
            "value=\"-2\"",
        ] {
            assert!(r.body.contains(typed), "{typed}: {}", r.body);
        }
        assert_eq!(w.count("encounters").await, 0);
        assert_eq!(w.count("participants").await, 0);
        // An unknown form field is refused by name.
        let mut f = encounter_fields(&w.local_now(), "Unknown", "90J", "", "");
        f.push(("informant_source".into(), "x".into()));
        let r = officer.post("/encounters", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("Unknown field(s): informant_source."),
            "{}",
            r.body
        );
    }
}

#[tokio::test]
async fn a_failure_half_way_leaves_nothing_behind() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        let before_audit = w.count("audit_log").await;
        w.store.fail_points.arm("encounter.after_offenses");
        let f = encounter_fields(&w.local_now(), "Halfway", "35A", "1", "GM");
        let r = officer.post("/encounters", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(r.body.contains("Nothing was saved"));
        w.store.fail_points.disarm();
        for t in [
            "participants",
            "encounters",
            "offenses",
            "eligibility_decisions",
            "case_events",
            "idempotency_keys",
        ] {
            assert_eq!(w.count(t).await, 0, "{t} on {}", w.backend);
        }
        assert_eq!(w.count("audit_log").await, before_audit);

        // The offer's transaction too: consent, referral and hold come together or not at all.
        let id = record_encounter(&w, &officer, "Halfway").await;
        w.store.fail_points.arm("offer.after_referral");
        let p1 = w.orgs["p1"].to_string();
        let r = officer
            .post(
                &format!("/encounters/{id}/offer"),
                &[
                    ("response", "accepted"),
                    ("consent_signed_name", "X"),
                    ("consent_confirmed", "yes"),
                    ("handoff_mode", "warm"),
                    ("provider_id", &p1),
                    ("hold_kind", "abeyance"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
        w.store.fail_points.disarm();
        for t in ["offers", "consents", "referrals", "legal_holds", "jobs"] {
            assert_eq!(w.count(t).await, 0, "{t} on {}", w.backend);
        }
        accept_offer(&w, &officer, id, "warm", "p1").await;
        assert_eq!(w.count("legal_holds").await, 1);
    }
}

#[tokio::test]
async fn a_double_tap_records_one_encounter_and_a_reused_key_is_a_conflict() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        let f = encounter_fields(&w.local_now(), "Twice", "35A", "1", "GM");
        let first = officer.post("/encounters", &refs(&f)).await;
        let second = officer.post("/encounters", &refs(&f)).await;
        assert_eq!(first.status, StatusCode::SEE_OTHER);
        assert_eq!(second.status, StatusCode::SEE_OTHER);
        assert_eq!(first.location_id(), second.location_id());
        assert_eq!(w.count("encounters").await, 1);

        let token = w.token("officer").await;
        let body = api_encounter(&w.local_now(), "Api")
            .to_string()
            .into_bytes();
        let a = w
            .api_with(
                Method::POST,
                "/api/v1/encounters",
                &token,
                &[("idempotency-key", "k-1")],
                body.clone(),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        let again = w
            .api_with(
                Method::POST,
                "/api/v1/encounters",
                &token,
                &[("idempotency-key", "k-1")],
                body,
            )
            .await;
        assert_eq!(again.status, StatusCode::CREATED);
        assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
        assert_eq!(a.json()["id"], again.json()["id"]);
        let other = api_encounter(&w.local_now(), "Different")
            .to_string()
            .into_bytes();
        let c = w
            .api_with(
                Method::POST,
                "/api/v1/encounters",
                &token,
                &[("idempotency-key", "k-1")],
                other,
            )
            .await;
        assert_eq!(c.status, StatusCode::CONFLICT);
        assert_eq!(
            c.headers.get("content-type").unwrap(),
            "application/problem+json"
        );
        assert!(
            c.json()["detail"]
                .as_str()
                .unwrap()
                .contains("different request")
        );
        assert_eq!(w.count("encounters").await, 2);
    }
}

#[tokio::test]
async fn api_refuses_unknown_fields_oversized_bodies_and_nonsense() {
    for b in backends() {
        let w = world(b).await;
        let token = w.token("officer").await;
        let mut body = api_encounter(&w.local_now(), "Strict");
        body["informant"] = json!("x");
        let r = w
            .api(Method::POST, "/api/v1/encounters", &token, Some(body))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            r.json()["errors"],
            json!([{"field": "informant", "message": "Unknown field."}]),
            "{}",
            r.body
        );

        let big = vec![b' '; 1024 * 1024 + 10];
        let r = w
            .api_with(Method::POST, "/api/v1/encounters", &token, &[], big)
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);

        let r = w
            .api_with(
                Method::POST,
                "/api/v1/encounters",
                &token,
                &[],
                b"{not json".to_vec(),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);

        let mut body = api_encounter(&w.local_now(), "Nonsense");
        body["person"]["dob"] = json!("2100-01-01");
        body["offenses"][0]["quantity"] = json!("-1");
        body["offenses"][0]["code"] = json!("90E");
        let r = w
            .api(Method::POST, "/api/v1/encounters", &token, Some(body))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let errors = r.json()["errors"].clone();
        let fields: Vec<&str> = errors
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(
            fields.contains(&"person.dob") && fields.contains(&"offenses[0].code"),
            "{errors}"
        );
        assert!(
            r.body.contains("retired"),
            "a retired NIBRS code cannot be chosen: {}",
            r.body
        );
        assert_eq!(w.count("encounters").await, 0);

        // Referral steps: a reason where FHIR requires one; a stale version is a conflict.
        let officer = w.sign_in("officer").await;
        let id = record_encounter(&w, &officer, "Steps").await;
        accept_offer(&w, &officer, id, "warm", "p1").await;
        let referral = w.referrals_of(id).await.remove(0);
        let cm = w.token("cm1").await;
        let r = w
            .api(
                Method::POST,
                &format!("/api/v1/referrals/{}/events", referral.id),
                &cm,
                Some(json!({"action": "first_treatment"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = w
            .api(
                Method::POST,
                &format!("/api/v1/referrals/{}/events", referral.id),
                &cm,
                Some(json!({"action": "accept", "version": "2020-01-01T00:00:00+00:00"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        let r = w
            .api(
                Method::POST,
                &format!("/api/v1/referrals/{}/events", referral.id),
                &cm,
                Some(json!({"action": "intake", "occurred_at": "2099-01-01T00:00"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("occurred_at"));
        // An arrival before the officer's call, or recorded twice, is refused.
        let ev = format!("/api/v1/referrals/{}/events", referral.id);
        let r = w
            .api(
                Method::POST,
                &ev,
                &cm,
                Some(json!({"action": "arrival", "occurred_at": "2026-03-01T08:00"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("before the referral was made"),
            "{}",
            r.body
        );
        let r = w
            .api(Method::POST, &ev, &cm, Some(json!({"action": "arrival"})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = w
            .api(Method::POST, &ev, &cm, Some(json!({"action": "arrival"})))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("recorded once"), "{}", r.body);
        // Dashboard dates out of range are an error, not a crash.
        let coord = w.token("coordinator").await;
        let r = w
            .api(
                Method::GET,
                "/api/v1/dashboard?to=-262143-01-01",
                &coord,
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let r = w
            .api(
                Method::GET,
                "/api/v1/dashboard?from=1200-01-01&to=2026-03-01",
                &coord,
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    }
}

#[tokio::test]
async fn duplicate_people_are_caught_and_search_finds_them() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        record_encounter(&w, &officer, "O'Neil").await;
        let mut f = encounter_fields(&w.local_now(), "ONEIL", "90J", "", "");
        f.retain(|(k, _)| k != "idempotency_key");
        f.push(("idempotency_key".into(), "other".into()));
        let r = officer.post("/encounters", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("is already recorded"), "{}", r.body);
        assert!(r.body.contains("Use the existing person"));
        let mut tx = w.store.read().await.unwrap();
        let audit = tx.audit_recent(10).await.unwrap();
        tx.rollback().await.unwrap();
        assert!(
            audit
                .iter()
                .any(|a| a.action == "participant.match" && a.username == "officer"),
            "showing an existing identity is audited"
        );
        let found = officer.get("/encounters/new?q=oneil&dob=1990-02-03").await;
        assert!(found.body.contains("Use this person"), "{}", found.body);
        let token = w.token("officer").await;
        let v = w
            .api(Method::GET, "/api/v1/participants?q=o%27neil", &token, None)
            .await
            .json();
        let pid = v[0]["id"].as_str().unwrap().to_string();
        let mut f = encounter_fields(&w.local_now(), "", "90J", "", "");
        for (k, v) in f.iter_mut() {
            if k == "participant_id" {
                *v = pid.clone();
            }
        }
        let r = officer.post("/encounters", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(w.count("participants").await, 1);
        assert_eq!(w.count("encounters").await, 2);
    }
}
