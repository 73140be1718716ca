//! A partner's own system told of its referrals (issue 17, ADR 0020), through a real
//! receiver that verifies Standard Webhooks signatures with the `standardwebhooks`
//! package: the administrator adds the endpoint (its secret shown once); each step of a
//! referral to the partner is an event with only the referral's id, status and step; a
//! retry after a crash carries the same `webhook-id`; a receiver that refuses, hangs or is
//! gone is tried again or given up on, never rolling back the step.
use chrono::Duration;
use hyper::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use crate::receivers::*;
use crate::support::*;

async fn hooked_world(b: Backend, rx: &Receiver) -> World {
    rx.clear();
    world_with(
        b,
        handoff_app::Settings {
            webhook_timeout: std::time::Duration::from_secs(2),
            ..Default::default()
        },
    )
    .await
}

/// The administrator adds the receiver as the first provider's endpoint; its secret.
async fn add_endpoint(w: &World, rx: &Receiver) -> String {
    let admin = w.sign_in("admin").await;
    let p1 = w.orgs["p1"].to_string();
    let page = admin
        .post(
            "/admin/webhooks",
            &[("organization", p1.as_str()), ("url", &rx.url("/hook"))],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let secret = page
        .body
        .split("<code class=\"secret\">")
        .nth(1)
        .and_then(|s| s.split("</code>").next())
        .unwrap()
        .to_string();
    assert!(secret.starts_with("whsec_"), "{secret}");
    rx.set_secret(&secret);
    secret
}

fn events(rx: &Receiver) -> Vec<Value> {
    rx.received()
}

#[tokio::test]
async fn each_step_of_a_referral_reaches_the_partners_system_signed_and_minimal() {
    let Some(rx) = Receiver::webhook() else {
        return;
    };
    for b in backends() {
        let w = hooked_world(b, &rx).await;
        // Bad input on the page: named by field, what was typed kept.
        let admin = w.sign_in("admin").await;
        let bad = admin
            .post(
                "/admin/webhooks",
                &[
                    ("organization", ""),
                    ("url", "http://partner.example.org/hook"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("Choose the partner"));
        assert!(bad.body.contains("Use an https:// address"));
        assert!(
            bad.body
                .contains("value=\"http://partner.example.org/hook\"")
        );
        // Only administrators keep endpoints.
        let coordinator = w.sign_in("coordinator").await;
        assert_eq!(
            coordinator.get("/admin/webhooks").await.status,
            StatusCode::NOT_FOUND
        );
        let secret = add_endpoint(&w, &rx).await;
        let listed = admin.get("/admin/webhooks").await;
        assert!(!listed.body.contains(&secret), "the secret is shown once");

        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Hookedperson").await;
        accept_offer(&w, &officer, enc, "warm", "p1").await;
        let referral = w.referrals_of(enc).await.remove(0).id;
        let cm1 = w.sign_in("cm1").await;
        let r = cm1
            .post(
                &format!("/referrals/{referral}/acknowledge"),
                &[("note", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = step(&cm1, referral, "accept", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(
            w.referrals_of(enc).await[0].status,
            "accepted",
            "{:?}",
            r.headers
        );
        let n = w.deliver().await;
        let got = events(&rx);
        assert_eq!(n, 3, "{got:?}");
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got.iter().all(|e| e["valid"] == true), "{got:?}");
        // Sent at once, so they may arrive in any order: each says its time.
        let of = |t: &str| {
            got.iter()
                .find(|e| e["payload"]["type"] == t)
                .unwrap_or_else(|| panic!("no {t}: {got:?}"))
        };
        of("referral.created");
        assert_eq!(
            of("referral.acknowledged")["payload"]["data"]["acknowledged"],
            true
        );
        let last = &of("referral.updated")["payload"]["data"];
        assert_eq!(last["referral_id"], referral.to_string());
        assert_eq!(last["step"], "accept");
        assert_eq!(last["status"], "accepted");
        assert_eq!(last["acknowledged"], true);
        for e in &got {
            let text = e["payload"].to_string();
            for secret in ["Hookedperson", "35A", "Main St", "Test Police"] {
                assert!(!text.contains(secret), "{secret} in an event: {text}");
            }
        }
        let ids: std::collections::HashSet<&str> =
            got.iter().map(|e| e["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), 3, "each event its own id");
        // The outbox names the partner, not the address.
        let outbox = coordinator.get("/outbox").await;
        assert!(outbox.body.contains("First Provider") && !outbox.body.contains("/hook"));
        // A referral to another provider tells this endpoint nothing.
        let enc2 = record_encounter(&w, &officer, "Otherperson").await;
        accept_offer(&w, &officer, enc2, "warm", "p2").await;
        assert_eq!(w.deliver().await, 0);
        assert_eq!(events(&rx).len(), 3);
        // The test button.
        let endpoint = {
            let mut tx = w.store.read().await.unwrap();
            let id = tx.webhooks_of(w.program).await.unwrap()[0].id;
            tx.rollback().await.unwrap();
            id
        };
        let r = admin
            .post(&format!("/admin/webhooks/{endpoint}/test"), &[("note", "")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(w.deliver().await, 1);
        assert_eq!(events(&rx)[3]["payload"]["type"], "webhook.test");
        assert_eq!(w.audited("webhook.add", "allowed").await, 1);
        assert_eq!(w.audited("webhook.test", "allowed").await, 1);
    }
}

#[tokio::test]
async fn a_webhook_retry_carries_the_same_id_and_a_bad_receiver_never_loses_the_step() {
    let Some(rx) = Receiver::webhook() else {
        return;
    };
    for b in backends() {
        let w = hooked_world(b, &rx).await;
        add_endpoint(&w, &rx).await;
        let officer = w.sign_in("officer").await;
        let handoff = |name: &'static str| {
            let (w, officer) = (&w, &officer);
            async move {
                let enc = record_encounter(w, officer, name).await;
                accept_offer(w, officer, enc, "warm", "p1").await;
                w.referrals_of(enc).await.remove(0).id
            }
        };
        let state = |id: Uuid| {
            let w = &w;
            async move { w.messages_of(id).await.remove(0) }
        };
        // A crash between the send and marking it sent: sent again, same webhook-id.
        let first = handoff("Crashedhook").await;
        w.store.fail_points.arm("outbox.before_mark");
        assert!(
            handoff_app::outbox::deliver_due(&w.app, "w1")
                .await
                .is_err()
        );
        w.store.fail_points.disarm();
        w.clock.advance(Duration::seconds(61));
        assert_eq!(w.deliver().await, 1);
        let got = events(&rx);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0]["id"], got[1]["id"]);
        assert_eq!(state(first).await.state, "sent");
        // A receiver that fails, hangs, or cannot verify the signature: tried again.
        for (mode, why) in [
            ("error500", "answered 500"),
            ("hang", "no answer within 2 s"),
            ("wrong-secret", "answered 400"),
        ] {
            rx.clear();
            if mode == "wrong-secret" {
                rx.set_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
            } else {
                rx.set_mode(mode);
            }
            let id = handoff(match mode {
                "error500" => "Failedhook",
                "hang" => "Hunghook",
                _ => "Unverifiedhook",
            })
            .await;
            assert_eq!(w.deliver().await, 0, "{mode}");
            let s = state(id).await;
            assert_eq!(s.state, "queued", "{mode}");
            let e = s.last_error.unwrap_or_default();
            assert!(e.contains(why), "{mode}: {e}");
            if mode == "wrong-secret" {
                assert_eq!(events(&rx)[0]["valid"], false);
            }
        }
        // A receiver that is gone (410): failed at once; the referral stands.
        let secret = {
            let mut tx = w.store.read().await.unwrap();
            let id = tx.webhooks_of(w.program).await.unwrap()[0].id;
            let s = tx.webhook_secret(id).await.unwrap().unwrap();
            tx.rollback().await.unwrap();
            s
        };
        rx.clear();
        rx.set_secret(&secret);
        rx.set_mode("gone");
        let gone = handoff("Gonehook").await;
        w.clock.advance(Duration::minutes(30));
        w.deliver().await;
        let s = state(gone).await;
        assert_eq!(s.state, "failed");
        assert!(s.last_error.unwrap_or_default().contains("410"));
        let mut tx = w.store.read().await.unwrap();
        assert_eq!(tx.referral(gone).await.unwrap().status, "requested");
        tx.rollback().await.unwrap();
        // Stopped: queued events fail, naming why; nothing more is written for it.
        rx.set_mode("ok");
        let admin = w.sign_in("admin").await;
        let endpoint = {
            let mut tx = w.store.read().await.unwrap();
            let id = tx.webhooks_of(w.program).await.unwrap()[0].id;
            tx.rollback().await.unwrap();
            id
        };
        let waiting = handoff("Waitinghook").await;
        let r = admin
            .post(
                &format!("/admin/webhooks/{endpoint}/disable"),
                &[("note", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        w.deliver().await;
        let s = state(waiting).await;
        assert_eq!(s.state, "failed");
        assert!(s.last_error.unwrap_or_default().contains("removed"));
        let after = handoff("Afterhook").await;
        assert!(w.messages_of(after).await.is_empty());
        assert_eq!(
            admin
                .post(
                    &format!("/admin/webhooks/{endpoint}/disable"),
                    &[("note", "")]
                )
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
}
