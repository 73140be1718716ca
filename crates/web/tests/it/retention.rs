//! Identity retention: after the program's period (90 days; the controlled clock) the
//! identity of people found ineligible or who declined is erased, on both databases and
//! from the SQLite file itself, while the encounters still count in the measures and the
//! people who accepted are kept.
use chrono::Duration;
use handoff_app::worker;
use handoff_storage::DbConfig;
use hyper::{Method, StatusCode};

use crate::support::*;

#[tokio::test]
async fn declined_and_ineligible_identities_are_erased_and_still_counted() {
    for b in backends() {
        let w = world(b.clone()).await;
        let officer = w.sign_in("officer").await;
        // Declined the offer.
        let declined = encounter(&w, &officer, "Declinedzq", "1.0").await;
        let r = officer
            .post(
                &format!("/encounters/{declined}/offer"),
                &[
                    ("response", "declined"),
                    ("decline_reason", "Not ready"),
                    ("consent_signed_name", ""),
                    ("consent_confirmed", ""),
                    ("handoff_mode", ""),
                    ("provider_id", ""),
                    ("hold_kind", ""),
                    ("citation_number", ""),
                    ("court_date", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Ineligible: above the quantity threshold.
        let ineligible = encounter(&w, &officer, "Ineligiblezq", "500").await;
        // Accepted: kept.
        let kept = encounter(&w, &officer, "Keptzq", "1.0").await;
        accept_offer(&w, &officer, kept, "contact_card", "p1").await;
        // Eligible, no offer recorded yet: not a refusal; kept.
        let open = encounter(&w, &officer, "Openzq", "1.0").await;

        let before = measures(&w).await;

        w.clock.advance(Duration::days(89));
        assert_eq!(
            worker::housekeeping(&w.app).await.unwrap().1,
            0,
            "{b}: too early"
        );
        w.clock.advance(Duration::days(2));
        assert_eq!(worker::housekeeping(&w.app).await.unwrap().1, 2, "{b}");
        assert_eq!(
            worker::housekeeping(&w.app).await.unwrap().1,
            0,
            "{b}: once"
        );

        let names = {
            let mut tx = w.store.read().await.unwrap();
            let mut names = Vec::new();
            for id in [declined, ineligible, kept, open] {
                let e = tx.encounter(id).await.unwrap();
                let p = tx.participant(e.participant_id).await.unwrap();
                names.push((
                    p.last_name,
                    p.erased_at.is_some(),
                    p.phone,
                    p.dob.to_string(),
                ));
            }
            tx.rollback().await.unwrap();
            names
        };
        assert_eq!(names[0].0, "");
        assert!(names[0].1 && names[1].1, "{names:?}");
        assert_eq!(names[0].3, "1900-01-01", "the birth date is gone");
        assert_eq!((names[2].0.as_str(), names[2].1), ("Keptzq", false));
        assert_eq!((names[3].0.as_str(), names[3].1), ("Openzq", false));
        assert_eq!(w.audited("participant.erase", "allowed").await, 2);

        // The measures count the same encounters (those that time does not change).
        let after = measures(&w).await;
        for m in ["encounters", "eligible", "offered", "accepted", "referred"] {
            assert_eq!(after[m], before[m], "{b}: {m}");
        }
        assert_eq!(before["encounters"], 4);

        // The officer's case page says so (the account is re-enabled after 91 days).
        handoff_app::admin::unlock_user(&w.app, None, w.users["officer"])
            .await
            .unwrap();
        let officer = w.sign_in("officer").await;
        let page = officer.get(&format!("/encounters/{declined}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains("Identity erased after the retention period")
        );
        assert!(
            !page.body.contains("Declinedzq") && !page.body.contains("1990-02-03"),
            "{}",
            page.body
        );

        // Gone from the SQLite file and its write-ahead log, not only from the rows.
        if let DbConfig::Sqlite { path } = &w.config {
            handoff_storage::testing::execute_raw(&w.store, "PRAGMA wal_checkpoint(TRUNCATE)")
                .await
                .unwrap();
            let mut bytes = std::fs::read(path).unwrap();
            let wal = path.with_extension("db-wal");
            bytes.extend(std::fs::read(&wal).unwrap_or_default());
            let has = |s: &str| bytes.windows(s.len()).any(|x| x == s.as_bytes());
            assert!(has("Keptzq"), "the kept name is in the file");
            assert!(
                !has("Declinedzq") && !has("declinedzq"),
                "declined name in the file"
            );
            assert!(
                !has("Ineligiblezq") && !has("ineligiblezq"),
                "ineligible name in the file"
            );
        }
    }
}

/// The program's measures over 2026, as the coordinator's API gives them.
async fn measures(w: &World) -> serde_json::Value {
    let token = w.token("coordinator").await;
    let v = w
        .api(
            Method::GET,
            "/api/v1/dashboard?from=2026-01-01&to=2026-12-31",
            &token,
            None,
        )
        .await
        .json();
    v["measures"].clone()
}

/// An encounter whose only trace of the person's name is the person's own record (the
/// usual fixture puts the name in the CAD number).
async fn encounter(w: &World, officer: &Agent, last_name: &str, qty: &str) -> uuid::Uuid {
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
