//! One-tap links (issue 17, ADR 0019): the link in a page records the next steps of that
//! one referral without signing in, each once, showing initials and the reference only;
//! a tampered, expired or withdrawn link is refused; every open and use is audited.
use chrono::Duration;
use hyper::{Method, StatusCode};

use crate::support::*;

/// The one-tap token in the page sent for a referral (read from the outbox's row: the
/// same words the email carries).
async fn token_for(w: &World, referral: uuid::Uuid) -> String {
    let mut tx = w.store.read().await.unwrap();
    let id = tx.messages_for(referral).await.unwrap().remove(0).id;
    let body = tx.message(id).await.unwrap().body;
    tx.rollback().await.unwrap();
    let at = body.find("/l/").expect("a one-tap link in the page") + 3;
    body[at..at + 43].to_string()
}

async fn open(w: &World, token: &str) -> Resp {
    request(
        &w.client,
        Method::GET,
        &format!("{}/l/{token}", w.base),
        &[],
        None,
    )
    .await
}

async fn tap(w: &World, token: &str, fields: &[(&str, &str)]) -> Resp {
    let body = serde_urlencoded::to_string(fields).unwrap().into_bytes();
    request(
        &w.client,
        Method::POST,
        &format!("{}/l/{token}", w.base),
        &[("sec-fetch-site", "same-origin")],
        Some(("application/x-www-form-urlencoded", body)),
    )
    .await
}

/// A warm handoff to the first provider, paged to cm1 (who has an address): its referral
/// and the link.
async fn paged(w: &World, officer: &Agent, name: &str) -> (uuid::Uuid, uuid::Uuid, String) {
    let enc = record_encounter(w, officer, name).await;
    accept_offer(w, officer, enc, "warm", "p1").await;
    let referral = w.referrals_of(enc).await.remove(0).id;
    let token = token_for(w, referral).await;
    (enc, referral, token)
}

#[tokio::test]
async fn a_one_tap_link_records_the_next_steps_once_each_and_shows_initials_only() {
    for b in backends() {
        let w = world(b).await;
        w.add_contact(w.users["cm1"], "cm1@provider.test").await;
        let officer = w.sign_in("officer").await;
        let (enc, referral, token) = paged(&w, &officer, "Linkedperson").await;
        let page = open(&w, &token).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(
            page.body.contains("<strong>A. L.</strong>"),
            "{}",
            page.body
        );
        for secret in ["Linkedperson", "Ana ", "35A", "Main St", "CAD-"] {
            assert!(!page.body.contains(secret), "{secret} on a link page");
        }
        for step in ["I have it: acknowledge", "Accept the referral", "Decline"] {
            assert!(page.body.contains(step), "{step}: {}", page.body);
        }
        // Acknowledge, accept, arrive: each in one tap, the officer sees it.
        for step in ["acknowledge", "accept", "arrival"] {
            let r = tap(&w, &token, &[("step", step)]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{step}: {}", r.body);
        }
        let case = officer.get(&format!("/encounters/{enc}")).await;
        assert!(
            case.body.contains("Acknowledged by cm1 name"),
            "{}",
            case.body
        );
        let r = w.referrals_of(enc).await.remove(0);
        assert_eq!(r.status, "accepted");
        assert!(r.arrived_at.is_some());
        // A step already taken is refused, with what the link can still do.
        let again = tap(&w, &token, &[("step", "acknowledge")]).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.body.contains("That step cannot be recorded now"));
        assert!(again.body.contains("Intake done"));
        // A step no link records, or none at all.
        let odd = tap(&w, &token, &[("step", "exit")]).await;
        assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY);
        // Audited as the person it was sent to, from the address it came from.
        let trail = {
            let mut tx = w.store.read().await.unwrap();
            let t = tx.audit_recent(200).await.unwrap();
            tx.rollback().await.unwrap();
            t
        };
        let used: Vec<_> = trail
            .iter()
            .filter(|a| {
                a.record.resource_id == referral.to_string()
                    && a.record.user_agent.starts_with("one-tap link")
            })
            .collect();
        assert!(used.iter().any(|a| a.record.action == "link.open"));
        assert!(
            used.iter()
                .any(|a| a.record.action == "referral.acknowledge")
        );
        assert!(
            used.iter()
                .all(|a| a.username == "cm1" && a.ip.starts_with("127.0.0.1"))
        );
        // Tampered with, or cut short: no such link.
        let mut bad = token.clone().into_bytes();
        bad[10] = if bad[10] == b'A' { b'B' } else { b'A' };
        let bad = String::from_utf8(bad).unwrap();
        assert_eq!(open(&w, &bad).await.status, StatusCode::NOT_FOUND);
        assert_eq!(open(&w, &token[..20]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            tap(&w, &bad, &[("step", "intake")]).await.status,
            StatusCode::NOT_FOUND
        );
        // After 72 hours it has expired.
        w.clock.advance(Duration::hours(73));
        let late = open(&w, &token).await;
        assert_eq!(late.status, StatusCode::GONE);
        assert!(late.body.contains("This link has expired"));
        assert_eq!(
            tap(&w, &token, &[("step", "intake")]).await.status,
            StatusCode::GONE
        );
    }
}

#[tokio::test]
async fn a_link_declines_with_a_reason_and_a_coordinator_withdraws_outstanding_links() {
    for b in backends() {
        let w = world(b).await;
        w.add_contact(w.users["cm1"], "cm1@provider.test").await;
        let officer = w.sign_in("officer").await;
        let (enc, _, token) = paged(&w, &officer, "Declined").await;
        // A decline needs its reason.
        let r = tap(&w, &token, &[("step", "reject"), ("reason_code", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = tap(
            &w,
            &token,
            &[("step", "reject"), ("reason_code", "no_capacity")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let declined = w.referrals_of(enc).await.remove(0);
        assert_eq!(declined.status, "rejected");
        assert_eq!(declined.status_reason_code.as_deref(), Some("no_capacity"));
        // Withdrawn by a coordinator: refused, and said so.
        let (_, _, other) = paged(&w, &officer, "Withdrawn").await;
        assert_eq!(open(&w, &other).await.status, StatusCode::OK);
        let coordinator = w.sign_in("coordinator").await;
        let r = coordinator
            .post("/outbox/links/revoke", &[("note", "")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let gone = open(&w, &other).await;
        assert_eq!(gone.status, StatusCode::GONE);
        assert!(gone.body.contains("withdrawn by the program"));
        assert_eq!(w.audited("link.revoke", "allowed").await, 1);
        // An officer cannot withdraw them.
        let r = officer.post("/outbox/links/revoke", &[("note", "")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
}
