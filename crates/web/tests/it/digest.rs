//! Each morning's reminders to staff (issue 17, ADR 0022), read from a real SMTP server:
//! the provider's case manager hears of a first contact overdue and an intake deadline
//! close, the medic of a follow-up visit due, the prosecutor of a held charge past its
//! deadline (with the status the consent allows), the coordinator of all of it counted;
//! by reference and date, never the person's name.
use chrono::Duration;
use handoff_domain::{OrgKind, Role};

use crate::pathways::{enable_all, form, record};
use crate::smtp::{SmtpServer, header, mailed};
use crate::support::*;

/// The morning reminders once the clock reaches the next business morning after `at`.
async fn morning_after(w: &World, at: chrono::DateTime<chrono::Utc>) -> usize {
    w.clock.set(at);
    handoff_app::digest::ensure_scheduled(&w.app).await.unwrap();
    let cal = w
        .app
        .program_data(w.program)
        .await
        .unwrap()
        .calendar
        .clone();
    let (_, morning) = handoff_app::digest::next_morning(&cal, at);
    w.clock.set(morning + Duration::minutes(1));
    handoff_app::worker::drain(&w.app, "test-worker")
        .await
        .unwrap();
    w.deliver().await
}

fn to<'a>(mail: &'a [String], address: &str) -> Vec<&'a String> {
    mail.iter()
        .filter(|m| header(m, "X-Envelope-To") == Some(address))
        .collect()
}

#[tokio::test]
async fn each_morning_staff_are_reminded_of_what_is_due_by_reference_only() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    for b in backends() {
        let w = mailed(b, &server).await;
        enable_all(&w).await;
        let medic = user_in(&w, w.program, "medic", OrgKind::FireEms, Role::Officer).await;
        // A second case manager at the first provider.
        let colleague = user_at(&w, w.orgs["p1"], "cm1b", "Second", Role::CaseManager).await;
        for (user, address) in [
            (w.users["cm1"], "cm1@provider.test"),
            (colleague, "cm1b@provider.test"),
            (w.users["prosecutor"], "da@county.test"),
            (w.users["coordinator"], "coord@program.test"),
            (medic, "medic@fire.test"),
        ] {
            w.add_contact(user, address).await;
        }
        // A contact card with a held charge to the first provider; a Naloxone Plus visit.
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Remindedperson").await;
        accept_offer(&w, &officer, enc, "contact_card", "p1").await;
        let reference = {
            let mut tx = w.store.read().await.unwrap();
            let e = tx.encounter(enc).await.unwrap();
            tx.rollback().await.unwrap();
            e.reference
        };
        let f = form(
            &w,
            "naloxone_plus",
            "Overdosedperson",
            &[
                ("naloxone_doses", "2"),
                ("transported", "no"),
                ("team", "Engine 4"),
            ],
        );
        record(&w.sign_in("medic").await, &f).await;
        let hold = w.hold_of(enc).await;

        // Two days before the intake deadline's end: the case manager hears of the intake
        // and of the first contact long overdue; the medic of the visit; nothing for the
        // prosecutor yet.
        let n = morning_after(&w, hold.deadline_ends_at - Duration::days(3)).await;
        let mail = server.received();
        assert!(n >= 3, "{n}: {mail:?}");
        let cm = to(&mail, "cm1@provider.test");
        assert_eq!(cm.len(), 1, "one message a morning");
        assert!(cm[0].contains(&format!("{reference}: the intake must be done by")));
        assert!(cm[0].contains(&format!("{reference}: first contact was due")));
        // Nobody has taken the referral yet: every case manager of the provider hears.
        let other = to(&mail, "cm1b@provider.test");
        assert_eq!(other.len(), 1, "{mail:?}");
        assert!(other[0].contains(&format!("{reference}: first contact was due")));
        let medic_mail = to(&mail, "medic@fire.test");
        assert_eq!(medic_mail.len(), 1);
        assert!(medic_mail[0].contains("the follow-up visit was due"));
        assert!(to(&mail, "da@county.test").is_empty());
        let coord = to(&mail, "coord@program.test");
        assert!(coord[0].contains(
            "Across the program: 1 first contacts due or overdue, 1 intake deadlines close"
        ));
        for m in &mail {
            for secret in ["Remindedperson", "Overdosedperson", "35A", "Main St"] {
                assert!(!m.contains(secret), "{secret} in a reminder: {m}");
            }
        }
        // A second run the same morning sends nothing again.
        handoff_app::digest::ensure_scheduled(&w.app).await.unwrap();
        handoff_app::worker::drain(&w.app, "test-worker")
            .await
            .unwrap();
        assert_eq!(w.deliver().await, 0);

        // The deadline passes with no intake: the prosecutor is asked for a decision, with
        // the status the person's consent lets the office see.
        server.clear();
        morning_after(&w, hold.deadline_ends_at + Duration::hours(1)).await;
        let mail = server.received();
        let da = to(&mail, "da@county.test");
        assert_eq!(da.len(), 1, "{mail:?}");
        assert!(
            da[0].contains(&format!("{reference}: the deadline"))
                && da[0].contains("needs your decision. Status: Deadline missed."),
            "{}",
            da[0]
        );
        assert!(!da[0].contains("Remindedperson"));
        assert!(w.audited("digest.send", "allowed").await >= 2);

        // Once a case manager accepts the referral, the reminders of it are theirs alone.
        let referral = w.referrals_of(enc).await.remove(0).id;
        step(&w.sign_in("cm1").await, referral, "accept", &[]).await;
        server.clear();
        let now = w.app.now();
        morning_after(&w, now).await;
        let mail = server.received();
        let cm = to(&mail, "cm1@provider.test");
        assert_eq!(cm.len(), 1, "{mail:?}");
        assert!(cm[0].contains(&format!("{reference}: first contact was due")));
        assert!(to(&mail, "cm1b@provider.test").is_empty(), "{mail:?}");
    }
}

async fn at_link(w: &World, method: hyper::Method, token: &str, form: &str) -> Resp {
    request(
        &w.client,
        method,
        &format!("{}/c/{token}", w.base),
        &[("sec-fetch-site", "same-origin")],
        (!form.is_empty()).then(|| {
            (
                "application/x-www-form-urlencoded",
                form.as_bytes().to_vec(),
            )
        }),
    )
    .await
}

#[tokio::test]
async fn a_stale_capacity_is_reminded_with_a_link_that_updates_it_and_nothing_else() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    for b in backends() {
        let w = mailed(b, &server).await;
        w.add_contact(w.users["cm1"], "cm1@provider.test").await;
        let (_, capacity) = crate::capacity::beds(&w).await;
        // Two days on, nobody has said what the beds are.
        let at = w.app.now() + Duration::days(2);
        morning_after(&w, at).await;
        let mail = server.received();
        let cm = to(&mail, "cm1@provider.test");
        assert_eq!(cm.len(), 1, "{mail:?}");
        assert!(cm[0].contains("Detox beds: what you can take was last said"));
        let start = cm[0].find("/c/").expect("a capacity link") + 3;
        let token = cm[0][start..start + 43].to_string();
        let page = at_link(&w, hyper::Method::GET, &token, "").await;
        assert_eq!(page.status, hyper::StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Detox beds") && page.body.contains(">2<"));
        // One fewer; then a count above the maximum is refused, saying why.
        let r = at_link(&w, hyper::Method::POST, &token, "change=minus").await;
        assert_eq!(r.status, hyper::StatusCode::SEE_OTHER, "{}", r.body);
        let r = at_link(&w, hyper::Method::POST, &token, "change=set&available=9").await;
        assert_eq!(r.status, hyper::StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("above the maximum of 3"), "{}", r.body);
        let mut tx = w.store.read().await.unwrap();
        assert_eq!(tx.capacity(capacity).await.unwrap().available, 1);
        tx.rollback().await.unwrap();
        assert!(w.audited("capacity_link.open", "allowed").await >= 1);
        // Another token is no link; a withdrawn one is gone.
        let forged = at_link(&w, hyper::Method::GET, &"A".repeat(43), "").await;
        assert_eq!(forged.status, hyper::StatusCode::NOT_FOUND);
        let r = w
            .sign_in("coordinator")
            .await
            .post("/outbox/links/revoke", &[("note", "")])
            .await;
        assert_eq!(r.status, hyper::StatusCode::SEE_OTHER);
        let gone = at_link(&w, hyper::Method::POST, &token, "change=plus").await;
        assert_eq!(gone.status, hyper::StatusCode::GONE);
    }
}
