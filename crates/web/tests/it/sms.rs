//! Texts through a real HTTP gateway (issue 17, ADR 0020), in both of its request shapes:
//! a case manager keeps a mobile number, a warm handoff pages it, the gateway reports
//! delivery to the signed address Handoff gave it. A gateway that answers 500, garbage or
//! nothing is tried again; one that refuses, or reports a text undelivered, sends the page
//! to the person's next contact point. A forged report changes nothing.
use chrono::Duration;
use handoff_app::channels::sms::SmsSettings;
use hyper::StatusCode;
use uuid::Uuid;

use crate::receivers::*;
use crate::smtp::{PASSWORD, SmtpServer};
use crate::support::*;

fn gateway_settings(gw: &Receiver, shape: &str) -> SmsSettings {
    let auth = match shape {
        "form" => format!("basic:{GATEWAY_USER}:{GATEWAY_PASSWORD}"),
        _ => format!("bearer:{GATEWAY_TOKEN}"),
    };
    let mut s = SmsSettings::parse(
        &gw.url(&format!("/{shape}")),
        shape,
        &auth,
        "+15550100",
        "",
        None,
    )
    .unwrap();
    // A gateway that hangs is given up on quickly here.
    s.timeout = std::time::Duration::from_secs(2);
    s
}

async fn texting_world(b: Backend, gw: &Receiver, shape: &str, smtp: Option<&SmtpServer>) -> World {
    gw.clear();
    world_with(
        b,
        handoff_app::Settings {
            sms: Some(gateway_settings(gw, shape)),
            mail: smtp.map(|s| {
                s.clear();
                s.settings(PASSWORD)
            }),
            ..Default::default()
        },
    )
    .await
}

/// The officer hands a person to the first provider, warm: cm1 is paged.
async fn warm_handoff(w: &World, last_name: &str) -> (Uuid, Uuid) {
    let officer = w.sign_in("officer").await;
    let enc = record_encounter(w, &officer, last_name).await;
    accept_offer(w, &officer, enc, "warm", "p1").await;
    (enc, w.referrals_of(enc).await.remove(0).id)
}

#[tokio::test]
async fn a_page_goes_by_text_through_either_gateway_shape_and_its_delivery_is_reported() {
    let Some(gw) = Receiver::gateway() else {
        return;
    };
    for b in backends() {
        for shape in ["form", "json"] {
            let w = texting_world(b.clone(), &gw, shape, None).await;
            let cm1 = w.sign_in("cm1").await;
            // A number that is not E.164 is refused, and what was typed stays.
            let bad = cm1
                .post(
                    "/me/contacts",
                    &[("channel", "sms"), ("address", "555-0199")],
                )
                .await;
            assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                bad.body.contains("with + and the country code"),
                "{}",
                bad.body
            );
            assert!(bad.body.contains("value=\"555-0199\""));
            let ok = cm1
                .post(
                    "/me/contacts",
                    &[("channel", "sms"), ("address", "+1 (555) 010-0199")],
                )
                .await;
            assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
            let (enc, referral) = warm_handoff(&w, "Textedperson").await;
            assert_eq!(w.deliver().await, 1, "{shape}");
            let got = gw.received();
            assert_eq!(got.len(), 1, "{got:?}");
            let text = got[0]["body"].as_str().unwrap();
            assert_eq!(got[0]["to"], "+15550100199");
            assert_eq!(got[0]["from"], "+15550100");
            assert!(text.contains("/l/"), "a one-tap link: {text}");
            for secret in ["Textedperson", "35A", "Main St"] {
                assert!(!text.contains(secret), "{secret} in a text: {text}");
            }
            // The gateway reports delivery to the signed address, and it is recorded.
            let reports = gw.reports(1).await;
            assert_eq!(reports.len(), 1);
            assert_eq!(reports[0]["answer"], 204, "{reports:?}");
            let m = w.messages_of(referral).await.remove(0);
            assert_eq!(m.state, "delivered");
            let (provider_id, delivered_at) = {
                let mut tx = w.store.read().await.unwrap();
                let d = tx.message_delivery(m.id).await.unwrap();
                tx.rollback().await.unwrap();
                d
            };
            assert_eq!(provider_id.as_deref(), got[0]["sid"].as_str());
            assert!(delivered_at.is_some());
            let officer = w.sign_in("officer").await;
            let page = officer.get(&format!("/encounters/{enc}")).await;
            assert!(page.body.contains("delivered"), "{}", page.body);

            // A forged report (another signature) is not found and changes nothing; a
            // report with the right signature but no status is refused by field.
            let forged = w
                .anonymous_post_raw(
                    &format!("/hooks/sms/{}/{}", m.id, "0".repeat(32)),
                    "application/x-www-form-urlencoded",
                    b"MessageStatus=undelivered".to_vec(),
                )
                .await;
            assert_eq!(forged.status, StatusCode::NOT_FOUND);
            let callback = got[0]["callback"].as_str().unwrap().to_string();
            let path = callback.trim_start_matches(&w.base);
            let empty = w
                .anonymous_post_raw(path, "application/json", b"{}".to_vec())
                .await;
            assert_eq!(
                empty.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}",
                empty.body
            );
            assert!(empty.body.contains("no status"));
            // A late "undelivered" after "delivered" changes nothing.
            let late = w
                .anonymous_post_raw(
                    path,
                    "application/x-www-form-urlencoded",
                    b"MessageStatus=undelivered".to_vec(),
                )
                .await;
            assert_eq!(late.status, StatusCode::NO_CONTENT);
            assert_eq!(w.messages_of(referral).await[0].state, "delivered");
            assert_eq!(w.messages_of(referral).await.len(), 1, "no second message");
        }
    }
}

#[tokio::test]
async fn a_text_the_gateway_refuses_or_cannot_deliver_falls_back_to_the_next_contact() {
    let (Some(gw), Some(smtp)) = (Receiver::gateway(), SmtpServer::start()) else {
        return;
    };
    for b in backends() {
        for mode in ["reject", "undelivered"] {
            let w = texting_world(b.clone(), &gw, "json", Some(&smtp)).await;
            let cm1 = w.sign_in("cm1").await;
            for (channel, address) in [("sms", "+15550100199"), ("email", "cm1@provider.test")] {
                let r = cm1
                    .post(
                        "/me/contacts",
                        &[("channel", channel), ("address", address)],
                    )
                    .await;
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            }
            gw.set_mode(mode);
            let (_, referral) = warm_handoff(&w, "Fallbackperson").await;
            w.deliver().await;
            if mode == "undelivered" {
                // Sent; then the gateway's report says it never arrived (the email may
                // have gone in the same pass already, if the report was quick).
                assert_eq!(gw.reports(1).await[0]["answer"], 204);
                w.deliver().await;
            }
            let m = w.messages_of(referral).await;
            assert_eq!(m.len(), 2, "{mode}: {m:?}");
            assert_eq!(
                (m[0].channel.as_str(), m[0].state.as_str()),
                ("sms", "failed")
            );
            let why = m[0].last_error.clone().unwrap_or_default();
            match mode {
                "reject" => assert!(why.contains("answered 400"), "{why}"),
                _ => assert!(why.contains("undelivered (30003)"), "{why}"),
            }
            assert_eq!(
                (m[1].channel.as_str(), m[1].state.as_str()),
                ("email", "sent")
            );
            let mail = smtp.received();
            assert_eq!(mail.len(), 1);
            assert!(
                mail[0].contains("/l/"),
                "the same one-tap link: {}",
                mail[0]
            );
            // A second pass writes no third message.
            w.deliver().await;
            assert_eq!(w.messages_of(referral).await.len(), 2);
            assert_eq!(smtp.received().len(), 1);
        }
    }
}

#[tokio::test]
async fn a_gateway_that_fails_answers_garbage_or_hangs_is_tried_again_and_nothing_is_lost() {
    let Some(gw) = Receiver::gateway() else {
        return;
    };
    for b in backends() {
        let w = texting_world(b, &gw, "form", None).await;
        let cm1 = w.sign_in("cm1").await;
        cm1.post(
            "/me/contacts",
            &[("channel", "sms"), ("address", "+15550100199")],
        )
        .await;
        let mut tries = 0;
        let mut handoff = None;
        for (mode, why) in [
            ("error500", "answered 500"),
            ("garbage", "answered badly"),
            ("hang", "no answer within 2 s"),
        ] {
            gw.set_mode(mode);
            if handoff.is_none() {
                handoff = Some(warm_handoff(&w, "Retriedperson").await);
            }
            assert_eq!(w.deliver().await, 0, "{mode}");
            tries += 1;
            let m = w.messages_of(handoff.unwrap().1).await.remove(0);
            assert_eq!((m.state.as_str(), m.attempts), ("queued", tries), "{mode}");
            let e = m.last_error.unwrap_or_default();
            assert!(e.contains(why), "{mode}: {e}");
            // Not before its backoff has passed.
            assert_eq!(w.deliver().await, 0);
            w.clock.advance(Duration::minutes(30));
        }
        // The referral stood throughout; the gateway is back and the text goes, once.
        gw.set_mode("ok");
        assert_eq!(w.deliver().await, 1);
        let (enc, referral) = handoff.unwrap();
        let m = w.messages_of(referral).await;
        assert_eq!(m.len(), 1);
        assert!(matches!(m[0].state.as_str(), "sent" | "delivered"));
        assert_eq!(
            gw.received().len(),
            1,
            "only the answered request was taken"
        );
        let r = w.referrals_of(enc).await;
        assert_eq!(r[0].status, "requested");
    }
}
