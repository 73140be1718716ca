//! Safety flags (issue 17, ADR 0021): an officer-safety flag reaches responders only,
//! never the provider, not even as a kind it could set or clear; a "leave no messages"
//! flag reaches everyone who contacts the person and binds the outbox. Setting and
//! clearing need a reason, keep what was typed on an error, and are audited. The program
//! keeps its own list of kinds.
use handoff_domain::flags::Obey;
use hyper::StatusCode;

use crate::support::*;

const INTEL: &str = "CANARY-INTEL swung a knife at a deputy in 2024";

#[tokio::test]
async fn officer_safety_stays_with_responders_and_the_others_reach_every_contact() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Flaggedperson").await;
        accept_offer(&w, &officer, enc, "warm", "p1").await;
        let referral = w.referrals_of(enc).await.remove(0).id;
        let flags = format!("/encounters/{enc}/flags");
        // Bad input: named by field, what was typed kept.
        let r = officer
            .post(
                &flags,
                &[
                    ("flag_action", "set"),
                    ("flag_kind", "officer_safety"),
                    ("flag_reason", " "),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Say why"));
        assert!(
            r.body
                .contains("<option value=\"officer_safety\" selected>")
        );
        let r = officer
            .post(
                &flags,
                &[
                    ("flag_action", "set"),
                    ("flag_kind", "astrology"),
                    ("flag_reason", "because"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Choose a kind of flag from the list"));
        assert!(r.body.contains("value=\"because\""));
        for (kind, why) in [
            ("officer_safety", INTEL),
            ("dv_no_messages", "Partner reads texts at home"),
        ] {
            let r = officer
                .post(
                    &flags,
                    &[
                        ("flag_action", "set"),
                        ("flag_kind", kind),
                        ("flag_reason", why),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        let again = officer
            .post(
                &flags,
                &[
                    ("flag_action", "set"),
                    ("flag_kind", "officer_safety"),
                    ("flag_reason", "x"),
                ],
            )
            .await;
        assert!(again.body.contains("That flag is set already"));
        // The officer's page shows both, beside the name.
        let page = officer.get(&format!("/encounters/{enc}")).await;
        assert!(page.body.contains("Officer safety") && page.body.contains(INTEL));
        assert!(page.body.contains("Domestic violence: leave no messages"));
        // The provider sees the second only, and cannot set or clear the first.
        let cm1 = w.sign_in("cm1").await;
        let rp = cm1.get(&format!("/referrals/{referral}")).await;
        assert_eq!(rp.status, StatusCode::OK);
        assert!(rp.body.contains("Domestic violence: leave no messages"));
        assert!(rp.body.contains("Partner reads texts at home"));
        for leak in ["Officer safety", "CANARY-INTEL", "officer_safety"] {
            assert!(!rp.body.contains(leak), "{leak} on the provider's page");
        }
        let rf = format!("/referrals/{referral}/flags");
        let r = cm1
            .post(
                &rf,
                &[
                    ("flag_action", "set"),
                    ("flag_kind", "officer_safety"),
                    ("flag_reason", "x"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let intel = {
            let mut tx = w.store.read().await.unwrap();
            let p = tx.encounter(enc).await.unwrap().participant_id;
            let f = tx.flags_of(p).await.unwrap();
            tx.rollback().await.unwrap();
            f
        };
        let safety = intel
            .iter()
            .find(|f| f.kind == "officer_safety")
            .unwrap()
            .id;
        let dv = intel
            .iter()
            .find(|f| f.kind == "dv_no_messages")
            .unwrap()
            .id;
        let r = cm1
            .post(
                &rf,
                &[
                    ("flag_action", "clear"),
                    ("flag", &safety.to_string()),
                    ("flag_reason", "x"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // The outbox is bound by the second.
        let mut tx = w.store.read().await.unwrap();
        let participant = tx.encounter(enc).await.unwrap().participant_id;
        let must = handoff_app::flags::obligations(&mut tx, w.program, participant)
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        assert!(must.contains(&Obey::NoMessages));
        // The prosecutor sees neither; nor does the one-tap link (initials only).
        let hold = w.hold_of(enc).await;
        let hp = w
            .sign_in("prosecutor")
            .await
            .get(&format!("/holds/{}", hold.id))
            .await;
        for leak in ["CANARY-INTEL", "leave no messages", "Officer safety"] {
            assert!(!hp.body.contains(leak), "{leak} on the hold page");
        }
        // The provider clears the second, with a reason; the officer sees it gone.
        let r = cm1
            .post(
                &rf,
                &[
                    ("flag_action", "clear"),
                    ("flag", &dv.to_string()),
                    ("flag_reason", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = cm1
            .post(
                &rf,
                &[
                    ("flag_action", "clear"),
                    ("flag", &dv.to_string()),
                    ("flag_reason", "Moved out; safe to text now"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = officer.get(&format!("/encounters/{enc}")).await;
        assert!(!page.body.contains("Partner reads texts at home"));
        assert!(page.body.contains(INTEL));
        assert_eq!(w.audited("participant.flag.set", "allowed").await, 2);
        assert_eq!(w.audited("participant.flag.clear", "allowed").await, 1);
        // Reasons are sealed at rest.
        let stored = handoff_storage::testing::query_raw(
            &w.store,
            "SELECT set_reason FROM participant_flags",
        )
        .await
        .unwrap();
        assert_eq!(stored.len(), 2);
        for v in stored.into_iter().flatten() {
            assert!(v.starts_with("e1:") && !v.contains("CANARY"), "{v}");
        }
    }
}

#[tokio::test]
async fn the_program_keeps_its_own_list_of_kinds() {
    for b in backends() {
        let w = world(b).await;
        let coordinator = w.sign_in("coordinator").await;
        let page = coordinator.get("/admin/flags").await;
        assert!(
            page.body.contains("Officer safety") && page.body.contains("Do not contact at home")
        );
        let bad = coordinator
            .post(
                "/admin/flags",
                &[("label", "Service dog"), ("audience", ""), ("obey", "none")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.body.contains("Choose who sees it") && bad.body.contains("value=\"Service dog\"")
        );
        let ok = coordinator
            .post(
                "/admin/flags",
                &[
                    ("label", "Service dog: ask first"),
                    ("audience", "contacts"),
                    ("obey", "none"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let dup = coordinator
            .post(
                "/admin/flags",
                &[
                    ("label", "service dog ask first"),
                    ("audience", "contacts"),
                    ("obey", "none"),
                ],
            )
            .await;
        assert!(dup.body.contains("The list has that kind already"));
        // The officer can set it now; once retired, nobody can.
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Dogperson").await;
        let case = officer.get(&format!("/encounters/{enc}")).await;
        assert!(case.body.contains("value=\"service_dog_ask_first\""));
        let r = coordinator
            .post("/admin/flags/retire", &[("code", "service_dog_ask_first")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let case = officer.get(&format!("/encounters/{enc}")).await;
        assert!(!case.body.contains("value=\"service_dog_ask_first\""));
        let r = officer
            .post(
                &format!("/encounters/{enc}/flags"),
                &[
                    ("flag_action", "set"),
                    ("flag_kind", "service_dog_ask_first"),
                    ("flag_reason", "x"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(w.audited("flag_kind.add", "allowed").await, 1);
    }
}

/// Every message the outbox holds for the program, opened: (subject, body).
async fn every_message(w: &World) -> Vec<(String, String)> {
    let mut tx = w.store.read().await.unwrap();
    let (lines, _) = tx.outbox(w.program, 1000).await.unwrap();
    let mut out = Vec::new();
    for l in lines {
        let m = tx.message(l.id).await.unwrap();
        out.push((m.subject, m.body));
    }
    tx.rollback().await.unwrap();
    out
}

#[tokio::test]
async fn no_message_or_link_page_carries_clinical_or_criminal_justice_text() {
    for b in backends() {
        let w = world(b).await;
        // Every channel a step can reach: cm1's page, the partner's webhook, a reminder.
        let cm1 = w.sign_in("cm1").await;
        let r = cm1
            .post(
                "/me/contacts",
                &[("channel", "email"), ("address", "cm1@provider.test")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let p1 = w.orgs["p1"].to_string();
        let r = w
            .sign_in("admin")
            .await
            .post(
                "/admin/webhooks",
                &[
                    ("organization", p1.as_str()),
                    ("url", "http://127.0.0.1:9/hook"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Leakcheckperson").await;
        accept_offer(&w, &officer, enc, "warm", "p1").await;
        let referral = w.referrals_of(enc).await.remove(0).id;
        let r = officer
            .post(
                &format!("/encounters/{enc}/flags"),
                &[
                    ("flag_action", "set"),
                    ("flag_kind", "officer_safety"),
                    ("flag_reason", INTEL),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        for (action, extra) in [
            ("accept", vec![]),
            ("intake", vec![("note", "CLINICAL-MARKER ASAM 2.1")]),
        ] {
            let r = step(&cm1, referral, action, &extra).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        let messages = every_message(&w).await;
        assert!(
            messages.len() >= 3,
            "a page and the partner's events: {messages:?}"
        );
        let canaries = [
            "CLINICAL-MARKER",
            "ASAM",
            "CANARY-INTEL",
            "Officer safety",
            "Leakcheckperson",
            "35A",
            "Drug",
            "Main St",
        ];
        for (subject, body) in &messages {
            for c in canaries {
                assert!(
                    !subject.contains(c) && !body.contains(c),
                    "{c} in a message: {subject}\n{body}"
                );
            }
        }
        // The one-tap link in the page opens a page with none of it either.
        let token = messages
            .iter()
            .find_map(|(_, b)| b.split("/l/").nth(1))
            .map(|t| t.split_whitespace().next().unwrap_or("").to_string())
            .expect("a one-tap link in the page");
        let link = request(
            &w.client,
            hyper::Method::GET,
            &format!("{}/l/{token}", w.base),
            &[],
            None,
        )
        .await;
        assert_eq!(link.status, StatusCode::OK, "{}", link.body);
        for c in canaries {
            assert!(!link.body.contains(c), "{c} on the link page");
        }
    }
}
