//! A provider's escalation list (issue 17, ADR 0019): its own staff keep it on the roster
//! page, adding a contact without an account; nobody on shift acknowledges, so the contact
//! is paged next, by email with a one-tap link, and acknowledges with it; the officer sees
//! who. Another provider cannot touch the list; bad input is refused by field with what
//! was typed kept.
use chrono::Duration;
use hyper::{Method, StatusCode};

use crate::smtp::{SmtpServer, header, mailed};
use crate::support::*;

#[tokio::test]
async fn a_contact_without_an_account_is_paged_after_those_on_shift_and_acknowledges_by_link() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    for b in backends() {
        let w = mailed(b, &server).await;
        w.add_contact(w.users["cm1"], "cm1@provider.test").await;
        let p1 = w.orgs["p1"].to_string();
        let cm1 = w.sign_in("cm1").await;
        // Bad input: by field, what was typed kept.
        let bad = cm1
            .post(
                "/roster/escalation",
                &[
                    ("esc_action", "add_contact"),
                    ("organization", p1.as_str()),
                    ("name", ""),
                    ("channel", "email"),
                    ("address", "front desk"),
                    ("position", "1"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("Give the contact") && bad.body.contains("not an email address"));
        assert!(bad.body.contains("value=\"front desk\""));
        // Another provider's staff cannot change this list.
        let cm2 = w.sign_in("cm2").await;
        let r = cm2
            .post(
                "/roster/escalation",
                &[
                    ("esc_action", "add_contact"),
                    ("organization", p1.as_str()),
                    ("name", "Intruder"),
                    ("channel", "email"),
                    ("address", "x@y.test"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let ok = cm1
            .post(
                "/roster/escalation",
                &[
                    ("esc_action", "add_contact"),
                    ("organization", p1.as_str()),
                    ("name", "First Provider Front Desk"),
                    ("channel", "email"),
                    ("address", "frontdesk@provider.test"),
                    ("position", "1"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let roster = cm1.get("/roster").await;
        assert!(roster.body.contains(
            "First Provider Front Desk <span class=\"tag\">contact without an account</span>"
        ));
        assert_eq!(w.audited("escalation.add_contact", "allowed").await, 1);

        // A warm handoff: cm1 is paged; nobody answers; the front desk is next.
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Escalatedperson").await;
        accept_offer(&w, &officer, enc, "warm", "p1").await;
        assert_eq!(w.deliver().await, 1);
        w.clock.advance(Duration::minutes(10));
        handoff_app::worker::drain(&w.app, "test-worker")
            .await
            .unwrap();
        assert_eq!(w.deliver().await, 1);
        let mail = server.received();
        let desk = mail
            .iter()
            .find(|m| header(m, "X-Envelope-To") == Some("frontdesk@provider.test"))
            .expect("the front desk is paged");
        assert!(desk.contains("Nobody acknowledged this page within 10 minutes"));
        assert!(!desk.contains("Escalatedperson"));
        let at = desk.find("/l/").unwrap() + 3;
        let token = &desk[at..at + 43];
        let r = request(
            &w.client,
            Method::POST,
            &format!("{}/l/{token}", w.base),
            &[("sec-fetch-site", "same-origin")],
            Some((
                "application/x-www-form-urlencoded",
                b"step=acknowledge".to_vec(),
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let case = w
            .sign_in("officer")
            .await
            .get(&format!("/encounters/{enc}"))
            .await;
        assert!(
            case.body
                .contains("Acknowledged by First Provider Front Desk"),
            "{}",
            case.body
        );
        // The contact is nobody's to put on shift, and is removed from the list.
        let roster = w.sign_in("cm1").await.get("/roster").await;
        let contact = {
            let mut tx = w.store.read().await.unwrap();
            let list = tx.escalation_of(w.orgs["p1"]).await.unwrap();
            tx.rollback().await.unwrap();
            list[0].0
        };
        assert!(
            !roster
                .body
                .contains(&format!("<option value=\"{contact}\">"))
        );
        let r = w
            .sign_in("cm1")
            .await
            .post(
                "/roster/escalation",
                &[
                    ("esc_action", "remove"),
                    ("organization", p1.as_str()),
                    ("user", &contact.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let mut tx = w.store.read().await.unwrap();
        assert!(tx.escalation_of(w.orgs["p1"]).await.unwrap().is_empty());
        assert!(tx.is_link_only(contact).await.unwrap());
        // Nor does the contact get the staff's morning reminders (they cannot sign in).
        let staff = tx
            .staff_of(w.orgs["p1"], &["case_manager", "peer"])
            .await
            .unwrap();
        assert!(staff.iter().all(|(u, _)| *u != contact), "{staff:?}");
        assert!(staff.iter().any(|(u, _)| *u == w.users["cm1"]));
        tx.rollback().await.unwrap();
    }
}
