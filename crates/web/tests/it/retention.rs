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
        let declined = record_person(&w, &officer, "Declinedzq", "1.0").await;
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
        let ineligible = record_person(&w, &officer, "Ineligiblezq", "500").await;
        // Accepted: kept.
        let kept = record_person(&w, &officer, "Keptzq", "1.0").await;
        accept_offer(&w, &officer, kept, "contact_card", "p1").await;
        // Eligible, no offer recorded yet: not a refusal; kept.
        let open = record_person(&w, &officer, "Openzq", "1.0").await;

        let before = measures(&w).await;

        // What the database holds for the declined person's name (ciphertext).
        let declined_cipher = stored_last_name(&w, declined).await;
        let kept_cipher = stored_last_name(&w, kept).await;
        assert!(declined_cipher.starts_with("e1:"), "{declined_cipher}");

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
            // A checkpoint truncates the log only when no reader holds an older snapshot:
            // one still finishing (the last page's audit record) makes it return busy and
            // leaves the insert's frames in the log, so try until it goes through.
            let read = || {
                let mut bytes = std::fs::read(path).unwrap();
                bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
                bytes
            };
            let contains =
                |bytes: &[u8], s: &str| bytes.windows(s.len()).any(|x| x == s.as_bytes());
            let mut bytes = Vec::new();
            for _ in 0..500 {
                handoff_storage::testing::execute_raw(&w.store, "PRAGMA wal_checkpoint(TRUNCATE)")
                    .await
                    .unwrap();
                bytes = read();
                if !contains(&bytes, &declined_cipher) {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            let has = |s: &str| contains(&bytes, s);
            // Names are encrypted (ADR 0009): no plaintext of anyone, and the erased
            // person's ciphertext is gone too, while the kept one's is there.
            for name in [
                "Keptzq",
                "keptzq",
                "Declinedzq",
                "declinedzq",
                "Ineligiblezq",
            ] {
                assert!(!has(name), "{name} in the file");
            }
            assert!(
                has(&kept_cipher),
                "the kept (encrypted) name is in the file"
            );
            assert!(
                !has(&declined_cipher),
                "the erased ciphertext is gone from the file"
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

/// The participant's last name as the database holds it.
async fn stored_last_name(w: &World, encounter: uuid::Uuid) -> String {
    let sql = format!(
        "SELECT p.last_name FROM participants p JOIN encounters e ON e.participant_id = p.id WHERE e.reference = (SELECT reference FROM encounters WHERE id = {})",
        match w.backend {
            Backend::Sqlite => format!("X'{}'", encounter.simple()),
            Backend::Postgres(_) => format!("'{encounter}'"),
        }
    );
    handoff_storage::testing::query_raw(&w.store, &sql)
        .await
        .unwrap()
        .remove(0)
        .unwrap()
}
