//! The audit trail is a hash chain: every way of tampering with it directly in the
//! database is found by the verifier, which names the first record affected.
use handoff_storage::chain::Break;
use handoff_storage::testing::execute_raw;
use hyper::StatusCode;

use crate::support::*;

/// A world with a few audited actions: sign-ins, an encounter and its offer (the group
/// writer on SQLite), a case read.
async fn audited(b: Backend) -> World {
    let w = world(b).await;
    let officer = w.sign_in("officer").await;
    let id = record_encounter(&w, &officer, "Chain").await;
    accept_offer(&w, &officer, id, "warm", "p1").await;
    assert_eq!(officer.get(&format!("/encounters/{id}")).await.status, 200);
    w
}

async fn broken(w: &World) -> Break {
    let report = w.store.verify_audit().await.unwrap();
    report.broken.expect("the tampering is found")
}

#[tokio::test]
async fn an_untouched_chain_verifies_from_the_first_record() {
    for b in backends() {
        let w = audited(b.clone()).await;
        let report = w.store.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{b}: {:?}", report.broken);
        let records = w.count("audit_log").await;
        assert!(records >= 4, "{b}: {records} records");
        assert_eq!(report.records as i64, records, "{b}: every record checked");
        assert_eq!(report.head.unwrap().seq, records, "{b}: numbered 1..n");
    }
}

#[tokio::test]
async fn a_changed_record_is_named() {
    for b in backends() {
        let w = audited(b.clone()).await;
        execute_raw(
            &w.store,
            "UPDATE audit_log SET outcome = 'denied' WHERE seq = 3",
        )
        .await
        .unwrap();
        assert!(
            matches!(broken(&w).await, Break::Changed { seq: 3, .. }),
            "{b}"
        );
    }
}

#[tokio::test]
async fn a_removed_record_is_named() {
    for b in backends() {
        let w = audited(b.clone()).await;
        execute_raw(&w.store, "DELETE FROM audit_log WHERE seq = 2")
            .await
            .unwrap();
        let found = broken(&w).await;
        assert!(
            matches!(
                found,
                Break::Missing {
                    expected: 2,
                    found: 3,
                    ..
                }
            ),
            "{b}: {found:?}"
        );
        assert!(found.to_string().contains("#2 is missing"), "{found}");
    }
}

#[tokio::test]
async fn reordered_records_are_named() {
    for b in backends() {
        let w = audited(b.clone()).await;
        for sql in [
            "UPDATE audit_log SET seq = -2 WHERE seq = 2",
            "UPDATE audit_log SET seq = 2 WHERE seq = 3",
            "UPDATE audit_log SET seq = 3 WHERE seq = -2",
        ] {
            execute_raw(&w.store, sql).await.unwrap();
        }
        let found = broken(&w).await;
        assert!(
            matches!(
                found,
                Break::Unlinked { seq: 2, .. } | Break::Changed { seq: 2, .. }
            ),
            "{b}: {found:?}"
        );
    }
}

#[tokio::test]
async fn a_record_added_outside_handoff_is_named_and_old_records_are_sealed_at_start() {
    for b in backends() {
        let config = fresh_config(&b).await;
        let store = open_config(&config).await;
        let insert = "INSERT INTO audit_log (at, username, action, resource_kind, resource_id, outcome, ip, user_agent, detail) VALUES ('2026-03-02T15:00:00+00:00', 'intruder', 'case.read', 'encounter', 'x', 'allowed', '-', '-', '')";
        execute_raw(&store, insert).await.unwrap();
        let report = store.verify_audit().await.unwrap();
        assert!(
            matches!(report.broken, Some(Break::Unsealed { .. })),
            "{b}: {:?}",
            report.broken
        );
        // A record from before the chain existed (the migration) is sealed when the
        // server starts, in the order it was written.
        store.close().await;
        let store = open_config(&config).await;
        let report = store.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{b}: {:?}", report.broken);
        assert_eq!(report.records, 1, "{b}");
        store.close().await;
    }
}

/// Many officers at once: the group writer (SQLite) and the transaction lock (PostgreSQL)
/// keep one unbroken chain.
#[tokio::test]
async fn concurrent_writers_keep_one_chain() {
    for b in backends() {
        let w = world(b.clone()).await;
        let officers = [w.sign_in("officer").await, w.sign_in("officer2").await];
        let mut tasks = Vec::new();
        for n in 0..12 {
            let officer = officers[n % 2].clone();
            let fields = encounter_fields(&w.local_now(), &format!("Many{n}"), "35A", "1.0", "GM");
            tasks.push(tokio::spawn(async move {
                let r = officer.post("/encounters", &refs(&fields)).await;
                assert_eq!(r.status, 303, "{}", r.body);
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let report = w.store.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{b}: {:?}", report.broken);
        assert_eq!(report.records as i64, w.count("audit_log").await, "{b}");
    }
}

/// Removing the oldest records without the retention checkpoint is tampering too.
#[tokio::test]
async fn removing_the_first_records_is_named() {
    for b in backends() {
        let w = audited(b.clone()).await;
        execute_raw(&w.store, "DELETE FROM audit_log WHERE seq <= 2")
            .await
            .unwrap();
        assert!(
            matches!(
                broken(&w).await,
                Break::Missing {
                    expected: 1,
                    found: 3,
                    ..
                }
            ),
            "{b}"
        );
    }
}

/// Retention: records past the period go, the removal is audited, the rest still
/// verifies from the sealed checkpoint; a forged checkpoint or a further removal is
/// found. The period cannot be under a year.
#[tokio::test]
async fn retention_removes_old_records_and_the_chain_still_verifies() {
    for b in backends() {
        let w = audited(b.clone()).await;
        let old = w.count("audit_log").await;
        assert!(matches!(
            handoff_app::trail::prune(&w.app, 364).await,
            Err(handoff_app::AppError::Invalid(_))
        ));
        // Nothing is old enough yet.
        assert_eq!(handoff_app::trail::prune(&w.app, 365).await.unwrap(), 0);
        w.clock.advance(chrono::Duration::days(400));
        let officer = {
            handoff_app::admin::unlock_user(&w.app, None, w.users["officer"])
                .await
                .unwrap();
            w.sign_in("officer").await
        };
        officer.get("/encounters").await;
        let removed = handoff_app::trail::prune(&w.app, 365).await.unwrap();
        // Everything before the clock moved (the prune of nothing included).
        assert_eq!(removed as i64, old + 1, "{b}");
        let report = w.store.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{b}: {:?}", report.broken);
        assert_eq!(report.records as i64, w.count("audit_log").await);
        // (The first prune's own record was old enough to go too.)
        assert_eq!(w.audited("audit.prune", "allowed").await, 1);
        // Pruning again removes nothing new and still verifies.
        assert_eq!(handoff_app::trail::prune(&w.app, 365).await.unwrap(), 0);
        assert!(w.store.verify_audit().await.unwrap().broken.is_none());

        // Removing records after the checkpoint is found.
        let first: i64 = {
            let mut tx = w.store.read().await.unwrap();
            let p = tx.audit_chain_page(i64::MIN, 1).await.unwrap();
            tx.rollback().await.unwrap();
            p[0].seq.unwrap()
        };
        execute_raw(
            &w.store,
            &format!("DELETE FROM audit_log WHERE seq = {first}"),
        )
        .await
        .unwrap();
        assert!(
            matches!(broken(&w).await, Break::Missing { expected, .. } if expected == first),
            "{b}"
        );
        // A checkpoint moved by hand is found.
        execute_raw(
            &w.store,
            &format!("UPDATE audit_checkpoint SET through_seq = {first}"),
        )
        .await
        .unwrap();
        assert_eq!(broken(&w).await, Break::Checkpoint, "{b}");
    }
}

/// Every kind of event the issue names is on the trail, with who, when, where and the
/// outcome: sign-ins (success and failure), reads of a person's record, creates,
/// updates, deletes, permission changes, exports and reads of the audit trail itself.
#[tokio::test]
async fn every_kind_of_event_is_recorded_with_who_where_and_outcome() {
    for b in backends() {
        let w = world(b.clone()).await;
        let _ = w.post_password("officer", "wrong-password").await;
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Kinds").await; // create
        officer.get(&format!("/encounters/{enc}")).await; // read
        accept_offer(&w, &officer, enc, "contact_card", "p1").await;
        let referral = w.referrals_of(enc).await.remove(0).id;
        let cm = w.sign_in("cm1").await;
        step(&cm, referral, "accept", &[]).await; // update
        let admin = w.sign_in("admin").await;
        let r = admin
            .post(
                "/admin/memberships",
                &[
                    ("user_id", &w.users["officer2"].to_string()),
                    ("organization_id", &w.orgs["agency"].to_string()),
                    ("role", "supervisor"),
                ],
            )
            .await; // permission change
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let coord = w.sign_in("coordinator").await;
        let shift = handoff_app::admin::add_shift(
            &w.app,
            None,
            w.orgs["p1"],
            w.users["cm1"],
            w.app.now() + chrono::Duration::days(100),
            w.app.now() + chrono::Duration::days(101),
        )
        .await
        .unwrap();
        let r = coord
            .post(&format!("/roster/shifts/{shift}/delete"), &[])
            .await; // delete
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        coord.get("/audit").await; // read of the audit trail
        coord.get("/audit/export").await; // export
        let mut tx = w.store.read().await.unwrap();
        let all = tx.audit_recent(1000).await.unwrap();
        tx.rollback().await.unwrap();
        for (action, outcome) in [
            ("auth.sign_in", "failed"),
            ("auth.sign_in", "allowed"),
            ("encounter.create", "allowed"),
            ("encounter.read", "allowed"),
            ("referral.update", "allowed"),
            ("membership.grant", "allowed"),
            ("roster.remove", "allowed"),
            ("audit.search", "allowed"),
            ("audit.export", "allowed"),
        ] {
            let a = all
                .iter()
                .find(|a| a.action == action && a.outcome == outcome)
                .unwrap_or_else(|| panic!("{b}: no {action} {outcome} record"));
            assert!(
                !a.username.is_empty() && !a.ip.is_empty() && a.ip != "-",
                "{a:?}"
            );
            assert!(!a.user_agent.is_empty(), "{a:?}");
        }
    }
}
