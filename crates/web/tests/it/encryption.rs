//! Encryption at rest (ADR 0009): identity, signatures and service notes are ciphertext in
//! the database (and nowhere in the SQLite file in clear), yet search and the duplicate
//! check still work; plaintext rows from before are encrypted at the next start; a
//! retired key still opens values until they are re-encrypted.
use handoff_storage::DbConfig;
use handoff_storage::testing::{execute_raw, query_raw};
use hyper::StatusCode;

use crate::support::*;

async fn column(w: &World, sql: &str) -> Vec<String> {
    query_raw(&w.store, sql)
        .await
        .unwrap()
        .into_iter()
        .flatten()
        .collect()
}

/// Every stored value of the query's column is ciphertext without `plain` in it.
async fn check(w: &World, b: &Backend, sql: &str, plain: &str) {
    let values = column(w, sql).await;
    assert!(!values.is_empty(), "{b}: {sql}");
    for v in values {
        assert!(v.starts_with("e1:"), "{b}: {sql}: {v}");
        assert!(!v.contains(plain), "{b}: {sql}: {v}");
    }
}

#[tokio::test]
async fn encrypted_columns_hold_no_plaintext_and_search_still_works() {
    for b in backends() {
        let w = world(b.clone()).await;
        let officer = w.sign_in("officer").await;
        let enc = record_person(&w, &officer, "Cipherqz", "1.0").await;
        accept_offer(&w, &officer, enc, "contact_card", "p1").await;
        let referral = w.referrals_of(enc).await.remove(0).id;
        let cm = w.sign_in("cm1").await;
        step(&cm, referral, "accept", &[]).await;
        step(
            &cm,
            referral,
            "intake",
            &[("note", "NOTE-SECRET opioid use disorder")],
        )
        .await;

        for (sql, plain) in [
            ("SELECT first_name FROM participants", "Ana"),
            ("SELECT last_name FROM participants", "Cipherqz"),
            ("SELECT dob FROM participants", "1990-02-03"),
            ("SELECT signed_name FROM consents", "Ana Person"),
            (
                "SELECT note FROM service_events WHERE note IS NOT NULL",
                "NOTE-SECRET",
            ),
        ] {
            check(&w, &b, sql, plain).await;
        }
        let officer_secret = totp_secret("officer");
        check(
            &w,
            &b,
            "SELECT totp_secret FROM users WHERE totp_secret IS NOT NULL",
            &officer_secret,
        )
        .await;
        for sql in [
            "SELECT match_key FROM participants",
            "SELECT search_name FROM participants",
        ] {
            for v in column(&w, sql).await {
                assert!(
                    !v.to_lowercase().contains("cipherqz") && !v.contains("1990"),
                    "{b}: {sql}: {v}"
                );
            }
        }

        // Read back through Handoff: plaintext where the policy allows.
        let page = cm.get(&format!("/referrals/{referral}")).await;
        assert!(page.body.contains("Cipherqz") && page.body.contains("NOTE-SECRET"));
        // Search by a prefix of the last name, with first name and birth date.
        let found = officer
            .get("/encounters/new?q=ciph+an&dob=1990-02-03")
            .await;
        assert!(found.body.contains("Cipherqz"), "{b}: {}", found.body);
        let none = officer.get("/encounters/new?q=ciph&dob=1991-01-01").await;
        assert!(!none.body.contains("Cipherqz"), "{b}: wrong birth date");
        // The duplicate check still finds the same person.
        let f = encounter_fields(&w.local_now(), "Cipherqz", "35A", "1.0", "GM");
        let r = officer.post("/encounters", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            r.body.contains("existing_participant_id") || r.body.contains("already"),
            "{}",
            r.body
        );

        if let DbConfig::Sqlite { path } = &w.config {
            execute_raw(&w.store, "PRAGMA wal_checkpoint(TRUNCATE)")
                .await
                .unwrap();
            let mut bytes = std::fs::read(path).unwrap();
            bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
            for plain in [
                "Cipherqz",
                "cipherqz",
                "NOTE-SECRET",
                "Ana Person",
                "1990-02-03",
            ] {
                assert!(
                    !bytes.windows(plain.len()).any(|x| x == plain.as_bytes()),
                    "{plain} in the database file"
                );
            }
        }
    }
}

#[tokio::test]
async fn plaintext_from_before_is_encrypted_at_the_next_start_and_found() {
    for b in backends() {
        let w = world(b.clone()).await;
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Legacyqz").await;
        // As a database from before encryption held it.
        execute_raw(
            &w.store,
            "UPDATE participants SET first_name = 'Ana', last_name = 'Legacyqz', dob = '1990-02-03', \
             phone = NULL, email = NULL, match_key = 'legacyqz|ana|1990-02-03', search_name = 'legacyqz ana'",
        )
        .await
        .unwrap();
        // Legacy values read as they are meanwhile.
        let page = officer.get(&format!("/encounters/{enc}")).await;
        assert!(page.body.contains("Legacyqz"), "{b}");
        // The next start encrypts them and computes their indexes.
        let reopened = open_config(&w.config).await;
        let names = query_raw(&reopened, "SELECT last_name FROM participants")
            .await
            .unwrap();
        assert!(
            names.iter().flatten().all(|n| n.starts_with("e1:")),
            "{b}: {names:?}"
        );
        let mut tx = reopened.read().await.unwrap();
        let found = tx
            .search_participants(w.program, "legacy", Some("ana"), None, None, 5)
            .await
            .unwrap();
        let dup = tx
            .participant_by_match_key(w.program, "legacyqz|ana|1990-02-03")
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(found.len(), 1, "{b}");
        assert_eq!(found[0].last_name, "Legacyqz");
        assert!(dup.is_some(), "{b}: the duplicate check finds it");
        reopened.close().await;
    }
}

#[tokio::test]
async fn a_retired_key_opens_values_until_they_are_re_encrypted() {
    let w = world(Backend::Sqlite).await;
    let officer = w.sign_in("officer").await;
    record_encounter(&w, &officer, "Rotatedqz").await;
    let old = handoff_storage::Keys::for_tests();
    let mut new = old.clone();
    new.data = handoff_storage::Key::random().unwrap();
    // Without the old key, the values cannot be read, and the error names the key.
    let err = handoff_storage::Store::open(&w.config, &new)
        .await
        .err()
        .expect("the old key is needed")
        .to_string();
    assert!(err.contains(&old.data.id()), "{err}");
    // With it retired: opening re-encrypts everything under the new key.
    new.retired.push(old.data.clone());
    let store = handoff_storage::Store::open(&w.config, &new).await.unwrap();
    let names = query_raw(&store, "SELECT last_name FROM participants")
        .await
        .unwrap();
    let prefix = format!("e1:{}:", new.data.id());
    assert!(
        names.iter().flatten().all(|n| n.starts_with(&prefix)),
        "{names:?}"
    );
    store.close().await;
    new.retired.clear();
    let store = handoff_storage::Store::open(&w.config, &new).await.unwrap();
    let mut tx = store.read().await.unwrap();
    let found = tx
        .search_participants(w.program, "rotated", None, None, None, 5)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(found[0].last_name, "Rotatedqz");
}
