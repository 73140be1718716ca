//! Screenings on a referral (issue 4): the provider records an instrument, the result is
//! scored and kept with its answers (encrypted), an alert is shown at once and audited,
//! bad input keeps what was typed, and nobody else may record one.
use hyper::StatusCode;

use crate::support::*;

async fn referral(w: &World) -> (uuid::Uuid, Agent) {
    let officer = w.sign_in("officer").await;
    let enc = record_encounter(w, &officer, "Screened").await;
    accept_offer(w, &officer, enc, "contact_card", "p1").await;
    let referral = w.referrals_of(enc).await.remove(0).id;
    let cm = w.sign_in("cm1").await;
    step(&cm, referral, "accept", &[]).await;
    (referral, cm)
}

#[tokio::test]
async fn a_phq9_with_item_9_raises_the_alert_and_is_kept() {
    for b in backends() {
        let w = world(b.clone()).await;
        let (referral, cm) = referral(&w).await;
        let form = cm
            .get(&format!(
                "/referrals/{referral}/screenings/new?instrument=phq9"
            ))
            .await;
        assert_eq!(form.status, StatusCode::OK, "{b}: {}", form.body);
        assert_eq!(form.body.matches("<fieldset class=\"item\">").count(), 9);
        assert!(form.body.contains("Developed by Drs. Robert L. Spitzer"));
        // A wrong choice is refused by item; the other answers stay chosen.
        let mut fields: Vec<(String, String)> = (1..=9)
            .map(|n| {
                (
                    format!("item_{n}"),
                    if n == 9 { "1" } else { "2" }.to_string(),
                )
            })
            .collect();
        fields.push(("instrument".into(), "phq9".into()));
        fields.push(("profile".into(), String::new()));
        let mut bad = fields.clone();
        bad[1].1 = "7".into();
        let r = cm
            .post(&format!("/referrals/{referral}/screenings"), &refs(&bad))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );
        assert!(r.body.contains("Choose one of the answers."));
        assert!(
            r.body.contains("name=\"item_1\" value=\"2\" checked"),
            "kept"
        );
        // Saved: 8 x 2 + 1 = 17, moderately severe, with the safety alert shown at once.
        let r = cm
            .post(&format!("/referrals/{referral}/screenings"), &refs(&fields))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert!(r.body.contains("role=\"alert\"") && r.body.contains("PHQ-9 item 9"));
        assert!(r.body.contains("17 of 27") && r.body.contains("Moderately severe"));
        let page = cm.get(&format!("/referrals/{referral}")).await;
        assert!(page.body.contains("PHQ-9") && page.body.contains("17 of 27"));
        assert_eq!(w.audited("screening.alert", "allowed").await, 1);
        assert_eq!(w.audited("screening.create", "allowed").await, 1);
        let stored =
            handoff_storage::testing::query_raw(&w.store, "SELECT answers FROM screenings")
                .await
                .unwrap();
        assert!(
            stored[0].as_deref().unwrap().starts_with("e1:"),
            "answers are encrypted"
        );
    }
}

#[tokio::test]
async fn unanswered_items_are_not_zeros_and_others_may_not_screen() {
    for b in backends() {
        let w = world(b.clone()).await;
        let (referral, cm) = referral(&w).await;
        // CAGE-AID with one item unanswered: saved, not scored.
        let fields = [
            ("instrument", "cage_aid"),
            ("profile", "cage_2"),
            ("item_1", "1"),
            ("item_2", "1"),
            ("item_3", ""),
            ("item_4", "0"),
        ];
        let r = cm
            .post(&format!("/referrals/{referral}/screenings"), &fields)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let page = cm.get(&format!("/referrals/{referral}")).await;
        assert!(
            page.body.contains("CAGE-AID") && page.body.contains("not scored"),
            "{}",
            page.body
        );
        // Nothing answered: refused.
        let r = cm
            .post(
                &format!("/referrals/{referral}/screenings"),
                &[("instrument", "gad7"), ("profile", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Answer the items before saving."));
        // Another provider, or the officer: not found.
        for who in ["cm2", "officer"] {
            let a = w.sign_in(who).await;
            let r = a
                .post(&format!("/referrals/{referral}/screenings"), &fields)
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
            let r = a
                .get(&format!(
                    "/referrals/{referral}/screenings/new?instrument=nope"
                ))
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
        }
    }
}
