//! Paging a warm handoff through the outbox (issue 17, ADR 0019), with a real SMTP server
//! that requires STARTTLS and AUTH: the on-call person is paged at once; nobody answers, so
//! the backup, then the coordinators; an acknowledgement stops the ladder and the officer
//! sees it. Delivery is at least once with the same Message-ID across a crash, retried on a
//! temporary refusal, failed on a permanent one, and never rolls back the referral.
use chrono::Duration;
use hyper::StatusCode;

use crate::smtp::{PASSWORD, SmtpServer, header};
use crate::support::*;

/// A second case manager at the first provider, on shift since before cm1 (so the backup).
async fn backup(w: &World) -> uuid::Uuid {
    let u = handoff_app::admin::create_user(
        &w.app,
        None,
        handoff_app::admin::NewUser {
            username: "cm1b".into(),
            display_name: "Backup Case Manager".into(),
            password: PASSWORD_FOR_TESTS.into(),
        },
        &[(w.orgs["p1"], handoff_domain::Role::CaseManager)],
    )
    .await
    .unwrap();
    handoff_app::admin::add_shift(
        &w.app,
        None,
        w.orgs["p1"],
        u.id,
        start_time() - Duration::days(2),
        start_time() + Duration::days(20),
    )
    .await
    .unwrap();
    u.id
}

const PASSWORD_FOR_TESTS: &str = "a long enough password";

/// A world whose email goes to `server` (emptied first), its links to https://handoff.test.
async fn mailed_world(b: Backend, server: &SmtpServer) -> World {
    server.clear();
    world_with(
        b,
        handoff_app::Settings {
            mail: Some(server.settings(PASSWORD)),
            public_url: "https://handoff.test".into(),
            ..Default::default()
        },
    )
    .await
}

fn to_of(m: &str) -> &str {
    header(m, "X-Envelope-To").unwrap_or("")
}

#[tokio::test]
async fn a_warm_handoff_pages_on_call_then_escalates_until_someone_acknowledges() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    for b in backends() {
        let w = mailed_world(b, &server).await;
        let second = backup(&w).await;
        // cm1 keeps their own address on their page; the others are set directly.
        let cm1 = w.sign_in("cm1").await;
        let bad = cm1
            .post("/me/contacts", &[("address", "not an address")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.body.contains("That is not an email address")
                && bad.body.contains("value=\"not an address\"")
        );
        let r = cm1
            .post("/me/contacts", &[("address", "cm1@provider.test")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        w.add_contact(second, "backup@provider.test").await;
        w.add_contact(w.users["coordinator"], "coordinator@program.test")
            .await;

        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Pagedperson").await;
        accept_offer(&w, &officer, enc, "warm", "p1").await;
        let referral = w.referrals_of(enc).await.remove(0);
        // The page went into the outbox with the referral; the worker sends it.
        let n = w.deliver().await;
        let debug = {
            let mut tx = w.store.read().await.unwrap();
            let s = tx.messages_for(referral.id).await.unwrap();
            tx.rollback().await.unwrap();
            s
        };
        assert_eq!(n, 1, "{debug:?}");
        let got = server.received();
        assert_eq!(got.len(), 1);
        assert_eq!(to_of(&got[0]), "cm1@provider.test");
        let reference = {
            let mut tx = w.store.read().await.unwrap();
            let e = tx.encounter(enc).await.unwrap();
            tx.rollback().await.unwrap();
            e.reference
        };
        assert!(header(&got[0], "Subject").unwrap().contains(&reference));
        assert!(
            got[0].contains(&format!("https://handoff.test/referrals/{}", referral.id)),
            "{}",
            got[0]
        );
        for secret in ["Pagedperson", "Ana", "35A", "Main St"] {
            assert!(!got[0].contains(secret), "{secret} in a page: {}", got[0]);
        }
        let sent_id = header(&got[0], "Message-ID").unwrap().to_string();
        let page = officer.get(&format!("/encounters/{enc}")).await;
        assert!(
            page.body
                .contains("Paged; waiting for someone to acknowledge"),
            "{}",
            page.body
        );
        // Nobody answers: after the window, the backup; then the coordinators.
        for (expect, n) in [("backup@provider.test", 2), ("coordinator@program.test", 3)] {
            w.clock.advance(Duration::minutes(10));
            handoff_app::worker::drain(&w.app, "test-worker")
                .await
                .unwrap();
            assert_eq!(w.deliver().await, 1);
            let got = server.received();
            assert_eq!(got.len(), n);
            assert_eq!(to_of(&got[n - 1]), expect);
            assert!(got[n - 1].contains("Nobody acknowledged this page within 10 minutes"));
        }
        // cm1 acknowledges at last (one tap in the queue); once only.
        let queue = cm1.get("/queue").await;
        assert!(
            queue
                .body
                .contains(&format!("/referrals/{}/acknowledge", referral.id))
        );
        let r = cm1
            .post(
                &format!("/referrals/{}/acknowledge", referral.id),
                &[("note", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let again = cm1
            .post(
                &format!("/referrals/{}/acknowledge", referral.id),
                &[("note", "")],
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        // The ladder stops: the next window pages nobody.
        w.clock.advance(Duration::minutes(10));
        handoff_app::worker::drain(&w.app, "test-worker")
            .await
            .unwrap();
        assert_eq!(w.deliver().await, 0);
        assert_eq!(server.received().len(), 3);
        let page = officer.get(&format!("/encounters/{enc}")).await;
        // Two windows passed before the acknowledgement.
        assert!(
            page.body
                .contains("Acknowledged by cm1 name at 2026-03-02 09:20, 20 min after the call"),
            "{}",
            page.body
        );
        // Each rung is on the case, with its time.
        let history = {
            let mut tx = w.store.read().await.unwrap();
            let h = tx.case_events(enc).await.unwrap();
            tx.rollback().await.unwrap();
            h
        };
        let paged = history
            .iter()
            .filter(|e| e.kind == "referral.paged")
            .count();
        assert_eq!(paged, 3);
        assert!(history.iter().any(|e| e.kind == "referral.acknowledged"));
        // Each message is one row, sent, with the id it was sent under.
        let states = {
            let mut tx = w.store.read().await.unwrap();
            let s = tx.messages_for(referral.id).await.unwrap();
            tx.rollback().await.unwrap();
            s
        };
        assert_eq!(states.len(), 3);
        assert!(states.iter().all(|s| s.state == "sent"));
        assert_eq!(sent_id, format!("<{}@handoff>", states[0].id));
        assert_eq!(w.audited("referral.acknowledge", "allowed").await, 1);
        // The coordinator's outbox: each message, whom it was for and how it went; never
        // an address or the words.
        let outbox = w.sign_in("coordinator").await.get("/outbox").await;
        assert_eq!(outbox.status, StatusCode::OK);
        assert!(outbox.body.contains("sent: 3") && outbox.body.contains(&reference));
        assert!(outbox.body.contains("Backup Case Manager"));
        // The paging measures: acknowledged 20 minutes after the call, two escalations.
        assert!(
            outbox.body.contains("median 20, 90% within 20")
                && outbox.body.contains("<dd>2.00</dd>"),
            "{}",
            outbox.body
        );
        for secret in [
            "@provider.test",
            "@program.test",
            "Nobody acknowledged this page",
        ] {
            assert!(!outbox.body.contains(secret), "{secret} on the outbox page");
        }
        assert_eq!(w.audited("outbox.read", "allowed").await, 1);
    }
}

#[tokio::test]
async fn delivery_is_at_least_once_with_the_same_id_and_retries_or_fails_by_the_answer() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    for b in backends() {
        let w = mailed_world(b, &server).await;
        w.add_contact(w.users["cm1"], "cm1@provider.test").await;
        let officer = w.sign_in("officer").await;
        // A crash between the send and marking it sent: sent again, with the same id.
        let enc = record_encounter(&w, &officer, "Crashed").await;
        accept_offer(&w, &officer, enc, "warm", "p1").await;
        w.store.fail_points.arm("outbox.before_mark");
        assert!(
            handoff_app::outbox::deliver_due(&w.app, "w1")
                .await
                .is_err()
        );
        w.store.fail_points.disarm();
        assert_eq!(server.received().len(), 1);
        // Another worker cannot take it while the first one's lease runs.
        assert_eq!(
            handoff_app::outbox::deliver_due(&w.app, "w2")
                .await
                .unwrap(),
            0
        );
        w.clock.advance(Duration::seconds(61));
        assert_eq!(
            handoff_app::outbox::deliver_due(&w.app, "w2")
                .await
                .unwrap(),
            1
        );
        let got = server.received();
        assert_eq!(got.len(), 2);
        assert_eq!(header(&got[0], "Message-ID"), header(&got[1], "Message-ID"));
        // A temporary refusal: kept, tried again after a minute.
        server.set_mode("tempfail");
        let enc2 = record_encounter(&w, &officer, "Deferred").await;
        accept_offer(&w, &officer, enc2, "warm", "p1").await;
        assert_eq!(w.deliver().await, 0);
        let r2 = w.referrals_of(enc2).await.remove(0).id;
        let state = |id| {
            let w = &w;
            async move {
                let mut tx = w.store.read().await.unwrap();
                let s = tx.messages_for(id).await.unwrap().remove(0);
                tx.rollback().await.unwrap();
                s
            }
        };
        let s = state(r2).await;
        assert_eq!(s.state, "queued");
        assert!(
            s.last_error.as_deref().unwrap_or("").contains("451"),
            "{s:?}"
        );
        server.set_mode("accept");
        assert_eq!(w.deliver().await, 0, "not before its time");
        w.clock.advance(Duration::minutes(1));
        assert_eq!(w.deliver().await, 1);
        assert_eq!(state(r2).await.state, "sent");
        // A permanent refusal: failed at once, with the reason; the referral stands.
        server.set_mode("refuse");
        let enc3 = record_encounter(&w, &officer, "Refused").await;
        accept_offer(&w, &officer, enc3, "warm", "p1").await;
        assert_eq!(w.deliver().await, 0);
        let r3 = w.referrals_of(enc3).await.remove(0);
        assert_eq!(r3.status, "requested");
        let s = state(r3.id).await;
        assert_eq!(s.state, "failed");
        assert!(
            s.last_error.as_deref().unwrap_or("").contains("550"),
            "{s:?}"
        );
        let page = officer.get(&format!("/encounters/{enc3}")).await;
        assert!(page.body.contains("· failed"), "{}", page.body);
        let outbox = w.sign_in("admin").await.get("/outbox").await;
        assert!(outbox.body.contains("failed: 1") && outbox.body.contains("550"));
        server.set_mode("accept");
    }
}

#[tokio::test]
async fn without_a_channel_pages_wait_and_the_officer_is_told_to_call() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Unpaged").await;
        accept_offer(&w, &officer, enc, "warm", "p1").await;
        let page = officer.get(&format!("/encounters/{enc}")).await;
        assert!(
            page.body.contains("nobody is actually being paged"),
            "{}",
            page.body
        );
        // cm1 has no address: the rung stands, and says so.
        assert!(page.body.contains("no contact point"), "{}", page.body);
        assert_eq!(
            handoff_app::outbox::deliver_due(&w.app, "w").await.unwrap(),
            0
        );
        let mine = w.sign_in("cm1").await.get("/me/contacts").await;
        assert!(
            mine.body
                .contains("You have no address: you cannot be paged.")
        );
        assert!(
            mine.body
                .contains("This server has no email or text messages set up yet")
        );
    }
}

async fn colleague(w: &World, username: &str) -> uuid::Uuid {
    handoff_app::admin::create_user(
        &w.app,
        None,
        handoff_app::admin::NewUser {
            username: username.into(),
            display_name: format!("{username} name"),
            password: PASSWORD_FOR_TESTS.into(),
        },
        &[(w.orgs["p1"], handoff_domain::Role::CaseManager)],
    )
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn a_provider_keeps_its_own_roster_and_the_ladder_follows_its_order() {
    for b in backends() {
        let w = world(b).await;
        let (second, third) = (
            colleague(&w, "cmsecond").await,
            colleague(&w, "cmthird").await,
        );
        let cm1 = w.sign_in("cm1").await;
        let until = (w.app.now() + Duration::days(1))
            .with_timezone(&chrono_tz::America::Chicago)
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        let shift = |user: uuid::Uuid, org: &'static str, position: &'static str| {
            let (cm1, until, w) = (cm1.clone(), until.clone(), &w);
            async move {
                cm1.post(
                    "/roster/shifts",
                    &[
                        ("organization_id", &w.orgs[org].to_string()),
                        ("user_id", &user.to_string()),
                        ("starts_at", &w.local_now()),
                        ("ends_at", &until),
                        ("position", position),
                    ],
                )
                .await
            }
        };
        // The third colleague is the first backup, the second the next.
        assert_eq!(shift(third, "p1", "1").await.status, StatusCode::SEE_OTHER);
        assert_eq!(shift(second, "p1", "2").await.status, StatusCode::SEE_OTHER);
        // Not another provider's roster; not an order off the list.
        assert_eq!(shift(third, "p2", "1").await.status, StatusCode::NOT_FOUND);
        let r = shift(third, "p1", "7").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body
                .contains("Choose first on call or a backup from the list.")
        );
        let roster = cm1.get("/roster").await;
        assert!(roster.body.contains("First Provider") && !roster.body.contains("Second Provider"));
        assert!(roster.body.contains("Backup 1") && roster.body.contains("Backup 2"));
        // A warm handoff: cm1 first (on call), then the backups in their order.
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Ordered").await;
        accept_offer(&w, &officer, enc, "warm", "p1").await;
        let referral = w.referrals_of(enc).await.remove(0).id;
        for _ in 0..2 {
            w.clock.advance(Duration::minutes(10));
            handoff_app::worker::drain(&w.app, "w").await.unwrap();
        }
        let order: Vec<uuid::Uuid> = {
            let mut tx = w.store.read().await.unwrap();
            let p = tx.pages_of(referral).await.unwrap();
            tx.rollback().await.unwrap();
            p.into_iter().map(|p| p.user_id).collect()
        };
        assert_eq!(order, vec![w.users["cm1"], third, second]);
    }
}

#[tokio::test]
async fn a_ladder_nobody_answers_ends_tells_the_officer_to_call_and_counts_as_unanswered() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    for b in backends() {
        let w = mailed_world(b, &server).await;
        w.add_contact(w.users["cm1"], "cm1@provider.test").await;
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Unanswered").await;
        accept_offer(&w, &officer, enc, "warm", "p1").await;
        // On call, then the coordinators, then nobody is left.
        for _ in 0..3 {
            w.clock.advance(Duration::minutes(10));
            handoff_app::worker::drain(&w.app, "test-worker")
                .await
                .unwrap();
        }
        let page = w
            .sign_in("officer")
            .await
            .get(&format!("/encounters/{enc}"))
            .await;
        assert!(
            page.body
                .contains("Nobody acknowledged the page. Call First Provider")
                && page.body.contains("href=\"tel:555-0100\""),
            "{}",
            page.body
        );
        let outbox = w.sign_in("coordinator").await.get("/outbox").await;
        assert!(
            outbox
                .body
                .contains("<dt>Unanswered (the ladder ended)</dt><dd>1</dd>"),
            "{}",
            outbox.body
        );
        assert!(outbox.body.contains("<dt>Acknowledged</dt><dd>0</dd>"));
        // The officer switches to a contact card: the provider is to call the person.
        let officer = w.sign_in("officer").await;
        let referral = w.referrals_of(enc).await.remove(0).id.to_string();
        let path = format!("/encounters/{enc}/contact-card");
        let r = officer
            .post(&path, &[("referral_id", referral.as_str())])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(
            r.location().contains("notice=contact_card"),
            "{}",
            r.location()
        );
        let after = w.referrals_of(enc).await.remove(0);
        assert_eq!(after.mode, "contact_card");
        assert!(after.contact_deadline.is_some());
        let again = officer
            .post(&path, &[("referral_id", referral.as_str())])
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(w.audited("referral.contact_card", "allowed").await, 1);
    }
}

#[tokio::test]
async fn the_coordinator_sets_when_messages_go_and_the_ladder_follows() {
    for b in backends() {
        let w = world(b).await;
        let coordinator = w.sign_in("coordinator").await;
        let bad = coordinator
            .post(
                "/outbox/timing",
                &[
                    ("page_window_minutes", "0"),
                    ("quiet_start", "25:00"),
                    ("quiet_end", "08:00"),
                    ("reminder_hours", "24"),
                    ("intake_remind_days", "3"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.body.contains("a whole number from 1 to 120")
                && bad.body.contains("A time like 21:00")
        );
        assert!(bad.body.contains("value=\"25:00\""));
        let ok = coordinator
            .post(
                "/outbox/timing",
                &[
                    ("page_window_minutes", "5"),
                    ("quiet_start", "22:00"),
                    ("quiet_end", "07:30"),
                    ("reminder_hours", "48"),
                    ("intake_remind_days", "2"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        assert_eq!(w.audited("program.message_timing", "allowed").await, 1);
        // A page now waits five minutes before the next rung.
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Quickerladder").await;
        accept_offer(&w, &officer, enc, "warm", "p1").await;
        let referral = w.referrals_of(enc).await.remove(0).id;
        w.clock.advance(Duration::minutes(5));
        handoff_app::worker::drain(&w.app, "test-worker")
            .await
            .unwrap();
        let mut tx = w.store.read().await.unwrap();
        let rungs: Vec<i64> = tx
            .pages_of(referral)
            .await
            .unwrap()
            .iter()
            .map(|p| p.rung)
            .collect();
        tx.rollback().await.unwrap();
        assert_eq!(rungs.last(), Some(&1), "{rungs:?}");
    }
}

#[tokio::test]
async fn an_smtp_server_that_hangs_or_drops_the_connection_leaves_the_page_to_try_again() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    for b in backends() {
        server.clear();
        let mut mail = server.settings(PASSWORD);
        // A server that stops answering is given up on quickly here (twice this).
        mail.timeout = std::time::Duration::from_secs(1);
        let w = world_with(
            b,
            handoff_app::Settings {
                mail: Some(mail),
                ..Default::default()
            },
        )
        .await;
        w.add_contact(w.users["cm1"], "cm1@provider.test").await;
        let officer = w.sign_in("officer").await;
        let mut tries = 0;
        let mut referral = None;
        for mode in ["hang", "drop"] {
            server.set_mode(mode);
            if referral.is_none() {
                let enc = record_encounter(&w, &officer, "Hungserver").await;
                accept_offer(&w, &officer, enc, "warm", "p1").await;
                referral = Some(w.referrals_of(enc).await.remove(0).id);
            }
            assert_eq!(w.deliver().await, 0, "{mode}");
            tries += 1;
            let m = w.messages_of(referral.unwrap()).await.remove(0);
            assert_eq!(
                (m.state.as_str(), m.attempts),
                ("queued", tries),
                "{mode}: {m:?}"
            );
            let e = m.last_error.unwrap_or_default();
            assert!(
                mode != "hang" || e.contains("did not answer within 2 s"),
                "{mode}: {e}"
            );
            assert!(!e.is_empty(), "{mode}");
            w.clock.advance(Duration::minutes(30));
        }
        // The server is back: the page goes, once; the referral stood throughout.
        server.set_mode("accept");
        assert_eq!(w.deliver().await, 1);
        let states = w.messages_of(referral.unwrap()).await;
        assert_eq!(states.len(), 1);
        assert_eq!(states[0].state, "sent");
        assert_eq!(
            server
                .received()
                .iter()
                .filter(|m| m.contains("cm1@provider.test"))
                .count(),
            1
        );
    }
}
