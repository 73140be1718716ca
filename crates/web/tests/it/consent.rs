//! Consents (42 CFR 2.31, 2.35): the offer's consent has every element and prints; a
//! provider records a general consent (bad input keeps what was typed) and its revocation
//! takes effect at once; the legal side sees only consents naming it, with the 2.32
//! notice; every read and change is audited.
use hyper::StatusCode;

use crate::support::*;

#[tokio::test]
async fn the_offer_consent_has_every_element_and_prints_with_the_notice() {
    for b in backends() {
        let w = world(b.clone()).await;
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Elements").await;
        accept_offer(&w, &officer, enc, "contact_card", "p1").await;
        let consent = {
            let mut tx = w.store.read().await.unwrap();
            let c = tx.consents_for_encounter(enc).await.unwrap().remove(0);
            tx.rollback().await.unwrap();
            c
        };
        assert_eq!(consent.kind, "criminal_justice");
        assert_eq!(
            consent.irrevocable_until_event.as_deref(),
            Some("final_disposition")
        );
        assert_eq!(consent.expiry_event.as_deref(), Some("final_disposition"));
        assert!(consent.expires_at.is_some());
        for element in [
            "Who may disclose:",
            "What information:",
            "To whom:",
            "Purpose:",
            "Right to revoke:",
            "Expires:",
            "cannot be revoked before",
        ] {
            assert!(
                consent.form_text.contains(element),
                "{element}: {}",
                consent.form_text
            );
        }
        // The officer's case page links it; the printable form has every element and the
        // 2.32 notice, since the officer is on the legal side.
        let case = officer.get(&format!("/encounters/{enc}")).await;
        assert!(
            case.body.contains(&format!("/consents/{}", consent.id)),
            "{}",
            case.body
        );
        let page = officer.get(&format!("/consents/{}", consent.id)).await;
        assert_eq!(page.status, StatusCode::OK, "{b}: {}", page.body);
        for element in [
            "Patient",
            "Who may disclose",
            "What information",
            "To whom",
            "Purpose",
            "Right to revoke",
            "Expires",
            "Irrevocable",
            "Signature",
            "Attested by",
            "Notice (42 CFR 2.32)",
            "Test Police",
            "Test Prosecutor",
        ] {
            assert!(
                page.body.contains(element),
                "{element} missing: {}",
                page.body
            );
        }
        // The provider prints it too, without the notice meant for the legal side.
        let cm = w.sign_in("cm1").await;
        let page = cm.get(&format!("/consents/{}", consent.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("Notice (42 CFR 2.32)"));
        // Someone else's case: not found, and audited as denied.
        let other = w.sign_in("officer2").await;
        assert_eq!(
            other.get(&format!("/consents/{}", consent.id)).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(w.audited("consent.read", "allowed").await, 2);
    }
}

#[tokio::test]
async fn a_general_consent_is_recorded_checked_and_revoked_at_once() {
    for b in backends() {
        let w = world(b.clone()).await;
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "General").await;
        accept_offer(&w, &officer, enc, "contact_card", "p1").await;
        let referral = w.referrals_of(enc).await.remove(0).id;
        let cm = w.sign_in("cm1").await;
        let page = cm.get(&format!("/referrals/{referral}")).await;
        assert!(page.body.contains("Record a new consent"), "{}", page.body);

        // Missing elements: refused by field, typed values kept, nothing recorded.
        let p2 = w.orgs["p2"].to_string();
        let r = cm
            .post(
                &format!("/referrals/{referral}/consents"),
                &[
                    ("recipients", &p2),
                    ("purpose", "Coordinate housing and care"),
                    ("signed_name", ""),
                    ("expires_on", "not a date"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );
        for msg in [
            "Choose what information may be disclosed.",
            "Enter a date as YYYY-MM-DD.",
            "Type the person&#39;s name as they signed.",
            "Confirm that the person read",
        ] {
            assert!(r.body.contains(msg), "{msg}: {}", r.body);
        }
        assert!(
            r.body.contains("Coordinate housing and care"),
            "typed purpose kept"
        );
        assert!(
            r.body.contains(&format!("value=\"{p2}\" checked")),
            "chosen recipient kept"
        );
        let before = w.count("consents").await;

        // Complete: recorded as a general consent naming the second provider and the
        // program's providers as a class.
        let agency = w.orgs["agency"].to_string();
        let r = cm
            .post(
                &format!("/referrals/{referral}/consents"),
                &[
                    ("recipients", &p2),
                    ("recipients", &agency),
                    ("recipient_class", "provider"),
                    ("information", "status"),
                    ("information", "attendance"),
                    ("purpose", "Coordinate housing and care"),
                    ("expires_on", "2026-12-31"),
                    ("signed_name", "Pat General"),
                    ("attested", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        assert_eq!(w.count("consents").await, before + 1);
        let general = w.consent_of(enc, "general").await;
        assert_eq!(general.information, "status,attendance");
        assert_eq!(general.recipient_class.as_deref(), Some("provider"));
        assert!(
            general.form_text.contains("Second Provider"),
            "{}",
            general.form_text
        );
        assert_eq!(w.audited("consent.create", "allowed").await, 1);
        let page = cm.get(&format!("/consents/{}", general.id)).await;
        assert!(page.body.contains("General consent (42 CFR 2.31)"));
        assert!(
            page.body.contains("the program&#39;s treatment providers"),
            "{}",
            page.body
        );

        // The agency is named: its officer sees the consent listed; another provider's
        // case manager may not read it.
        let case = officer.get(&format!("/encounters/{enc}")).await;
        assert!(case.body.contains(&format!("/consents/{}", general.id)));
        let cm2 = w.sign_in("cm2").await;
        assert_eq!(
            cm2.get(&format!("/consents/{}", general.id)).await.status,
            StatusCode::NOT_FOUND
        );
        // Nor may another provider's case manager revoke it.
        assert_eq!(
            cm2.post(&format!("/consents/{}/revoke", general.id), &[])
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // Revoked: in effect at once.
        let r = cm
            .post(
                &format!("/consents/{}/revoke", general.id),
                &[("note", "In person")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(r.location().ends_with("notice=revoked"), "{}", r.location());
        let page = cm.get(&r.location()).await;
        assert!(
            page.body.contains("<strong>Revoked</strong>"),
            "{}",
            page.body
        );
        assert!(page.body.contains("nothing more is disclosed"));
        assert_eq!(w.audited("consent.revoke", "allowed").await, 1);
        assert_eq!(w.case_events(enc, "consent.revoked").await, 1);
    }
}

/// Migration 0005 turns the first issue's release of information into a 2.35 consent
/// with every element: replayed here on a row made to look as it did before.
#[tokio::test]
async fn old_releases_of_information_are_migrated_to_criminal_justice_consents() {
    for b in backends() {
        let w = world(b.clone()).await;
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Migrated").await;
        accept_offer(&w, &officer, enc, "contact_card", "p1").await;
        handoff_storage::testing::execute_raw(
            &w.store,
            "UPDATE consents SET kind = 'release_of_information', revocation_text = '', \
             expiry_event = NULL, irrevocable_until_event = NULL, attestation = '', \
             form_text = '', expires_at = NULL",
        )
        .await
        .unwrap();
        let migration = match b {
            Backend::Sqlite => include_str!("../../../storage/migrations/sqlite/0005_consent.sql"),
            Backend::Postgres(_) => {
                include_str!("../../../storage/migrations/postgres/0005_consent.sql")
            }
        };
        let update = &migration[migration.find("UPDATE consents").unwrap()..];
        assert_eq!(
            handoff_storage::testing::execute_raw(&w.store, update)
                .await
                .unwrap(),
            1
        );
        let mut tx = w.store.read().await.unwrap();
        let c = tx.consents_for_encounter(enc).await.unwrap().remove(0);
        tx.rollback().await.unwrap();
        assert_eq!(c.kind, "criminal_justice", "{b}");
        assert_eq!(c.information, "status");
        assert_eq!(c.expiry_event.as_deref(), Some("final_disposition"));
        assert_eq!(
            c.irrevocable_until_event.as_deref(),
            Some("final_disposition")
        );
        assert!(c.revocation_text.contains("42 CFR 2.35"));
        assert!(
            c.form_text
                .contains("I agree that the treatment provider may tell")
        );
        // And it still shares the status with the officer.
        let page = officer.get(&format!("/encounters/{enc}")).await;
        assert!(!page.body.contains("Status not shared"), "{}", page.body);
    }
}
