//! Break-the-glass: a case manager outside the case reads its treatment record for a
//! stated reason, for a limited time (the controlled clock), read only, audited; the
//! coordinators review every grant.
use chrono::Duration;
use hyper::StatusCode;

use crate::support::*;

#[tokio::test]
async fn emergency_access_is_reasoned_read_only_time_limited_and_reviewed() {
    for b in backends() {
        let w = world(b.clone()).await;
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Crisis").await;
        accept_offer(&w, &officer, enc, "contact_card", "p1").await;
        let referral = w.referrals_of(enc).await.remove(0).id;
        let cm1 = w.sign_in("cm1").await;
        step(&cm1, referral, "accept", &[]).await;
        step(
            &cm1,
            referral,
            "intake",
            &[("note", "CLINICAL-NOTE allergic to penicillin")],
        )
        .await;
        let reference = {
            let mut tx = w.store.read().await.unwrap();
            let e = tx.encounter(enc).await.unwrap();
            tx.rollback().await.unwrap();
            e.reference
        };

        // The second provider's case manager has no access...
        let cm2 = w.sign_in("cm2").await;
        assert_eq!(
            cm2.get(&format!("/referrals/{referral}")).await.status,
            StatusCode::NOT_FOUND
        );
        // ...finds the case by the slip's reference (a wrong one is refused, kept)...
        let page = cm2.get("/emergency-access").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("Grants to review"), "coordinators only");
        let r = cm2
            .post("/emergency-access/find", &[("reference", "HO-NOPE-0000")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("No case with this reference") && r.body.contains("HO-NOPE-0000"));
        let r = cm2
            .post(
                "/emergency-access/find",
                &[("reference", &reference.to_lowercase())],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), format!("/encounters/{enc}/emergency"));
        // ...which names no provider before the grant.
        let page = cm2.get(&r.location()).await;
        assert!(page.body.contains("The emergency"), "{}", page.body);
        assert!(!page.body.contains("First Provider"));
        // A reason is required.
        let r = cm2
            .post(
                &format!("/encounters/{enc}/emergency"),
                &[("reason", "need")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("at least 10 characters") && r.body.contains(">need</textarea>"));
        let reason = "Person in crisis at our clinic, needs medication history";
        let r = cm2
            .post(
                &format!("/encounters/{enc}/emergency"),
                &[("reason", reason)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = cm2.get(&r.location()).await;
        assert!(
            page.body.contains(&format!("/referrals/{referral}")),
            "{}",
            page.body
        );

        // Read only: the record with its clinical note, no forms; acting is refused.
        let rec = cm2.get(&format!("/referrals/{referral}")).await;
        assert_eq!(rec.status, StatusCode::OK, "{b}: {}", rec.body);
        assert!(rec.body.contains("Emergency access, read only"));
        assert!(rec.body.contains("CLINICAL-NOTE"));
        assert!(!rec.body.contains("Record a step") && !rec.body.contains("Record a new consent"));
        let act = step(&cm2, referral, "first_treatment", &[]).await;
        assert_eq!(act.status, StatusCode::NOT_FOUND);
        assert_eq!(w.audited("emergency.grant", "allowed").await, 1);
        let mut tx = w.store.read().await.unwrap();
        let reads = tx
            .audit_for("referral", &referral.to_string())
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        assert!(reads.iter().any(|a| a.username == "cm2"
            && a.action == "referral.read"
            && a.outcome == "allowed"
            && a.detail == "emergency access"));

        // The grant ends after its time.
        w.clock.advance(Duration::minutes(61));
        let cm2 = w.sign_in("cm2").await;
        assert_eq!(
            cm2.get(&format!("/referrals/{referral}")).await.status,
            StatusCode::NOT_FOUND
        );

        // An officer may not break the glass.
        let officer2 = w.sign_in("officer2").await;
        assert_eq!(
            officer2
                .get(&format!("/encounters/{enc}/emergency"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // The coordinator reviews it: a note is required, and it is reviewed once.
        let coord = w.sign_in("coordinator").await;
        let page = coord.get("/emergency-access").await;
        assert!(
            page.body.contains(reason) && page.body.contains("cm2"),
            "{}",
            page.body
        );
        let grant = {
            let mut tx = w.store.read().await.unwrap();
            let g = tx.emergency_reviews(w.program, 10).await.unwrap().remove(0);
            tx.rollback().await.unwrap();
            g
        };
        let path = format!("/emergency-access/{}/review", grant.id);
        let r = coord.post(&path, &[("note", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = coord
            .post(&path, &[("note", "Justified: walk-in in crisis")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = coord.get("/emergency-access").await;
        assert!(page.body.contains("Reviewed") && page.body.contains("Justified: walk-in"));
        let again = coord.post(&path, &[("note", "again")]).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.body.contains("reviewed already"), "{}", again.body);
        assert_eq!(w.audited("emergency.review", "allowed").await, 1);
    }
}
