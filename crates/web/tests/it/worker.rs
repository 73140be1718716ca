//! The deadline worker: exactly one "deadline missed" per case, across restarts and with
//! two workers at once.
use chrono::Duration;
use handoff_app::worker::{self, Ran};

use crate::support::*;

async fn held_case(w: &World, name: &str) -> uuid::Uuid {
    let officer = w.sign_in("officer").await;
    let id = record_encounter(w, &officer, name).await;
    accept_offer(w, &officer, id, "contact_card", "p1").await;
    id
}

#[tokio::test]
async fn a_worker_that_dies_after_claiming_is_replaced_and_nothing_happens_twice() {
    for b in backends() {
        let w = world(b).await;
        let id = held_case(&w, "Restart").await;
        let hold = w.hold_of(id).await;
        w.clock.set(hold.deadline_ends_at + Duration::minutes(5));
        // Worker A claims the job and "crashes" before doing it.
        let job = worker::claim(&w.app, "worker-a")
            .await
            .unwrap()
            .expect("a due job");
        assert_eq!(job.attempts, 1);
        // While A's lease holds, nobody else takes it.
        assert!(worker::claim(&w.app, "worker-b").await.unwrap().is_none());
        // After the lease, worker B (the restarted process) takes it and does it.
        w.clock
            .advance(Duration::seconds(worker::LEASE_SECONDS + 1));
        let ran = worker::run_once(&w.app, "worker-b").await.unwrap();
        assert_eq!(
            ran,
            Some(Ran::Done {
                kind: "hold_deadline".into(),
                effect: "deadline_missed".into()
            })
        );
        // A comes back and tries to finish its stale claim: refused, nothing changes.
        assert_eq!(
            worker::execute(&w.app, "worker-a", &job).await.unwrap(),
            Ran::LeaseLost
        );
        assert_eq!(worker::drain(&w.app, "worker-c").await.unwrap(), 0);
        assert_eq!(w.case_events(id, "service.hold_deadline_missed").await, 1);
        assert_eq!(w.hold_of(id).await.state, "deadline_missed");
    }
}

#[tokio::test]
async fn a_failure_before_commit_leaves_the_job_for_later() {
    for b in backends() {
        let w = world(b).await;
        let id = held_case(&w, "Crash").await;
        let hold = w.hold_of(id).await;
        w.clock.set(hold.deadline_ends_at + Duration::minutes(5));
        w.store.fail_points.arm("worker.before_finish");
        let ran = worker::run_once(&w.app, "worker-a").await.unwrap();
        assert!(matches!(ran, Some(Ran::Failed(_))), "{ran:?}");
        w.store.fail_points.disarm();
        assert_eq!(
            w.hold_of(id).await.state,
            "held",
            "the failed attempt was rolled back"
        );
        assert_eq!(w.case_events(id, "service.hold_deadline_missed").await, 0);
        w.clock.advance(Duration::minutes(5));
        assert_eq!(worker::drain(&w.app, "worker-b").await.unwrap(), 1);
        assert_eq!(w.hold_of(id).await.state, "deadline_missed");
        assert_eq!(w.case_events(id, "service.hold_deadline_missed").await, 1);
    }
}

#[tokio::test]
async fn two_workers_at_once_act_once_per_case() {
    for b in backends() {
        let w = world(b).await;
        let mut ids = Vec::new();
        for n in 0..6 {
            ids.push(held_case(&w, &format!("Parallel{n}")).await);
        }
        let hold = w.hold_of(ids[0]).await;
        w.clock.set(hold.deadline_ends_at + Duration::hours(1));
        let (a, b) = tokio::join!(
            worker::drain(&w.app, "worker-a"),
            worker::drain(&w.app, "worker-b")
        );
        assert_eq!(a.unwrap() + b.unwrap(), 6, "each job ran once");
        for id in ids {
            assert_eq!(w.case_events(id, "service.hold_deadline_missed").await, 1);
            assert_eq!(w.hold_of(id).await.state, "deadline_missed");
        }
    }
}

#[tokio::test]
async fn an_extended_deadline_moves_the_job() {
    for b in backends() {
        let w = world(b).await;
        let id = held_case(&w, "Extend").await;
        let hold = w.hold_of(id).await;
        w.clock.set(hold.deadline_ends_at + Duration::minutes(1));
        worker::drain(&w.app, "w").await.unwrap();
        let pros = w.sign_in("prosecutor").await;
        let r = pros
            .post(
                &format!("/holds/{}/decision", hold.id),
                &[
                    ("decision", "extend"),
                    ("reason", "Hospitalized"),
                    ("new_deadline", "2026-04-20"),
                ],
            )
            .await;
        assert_eq!(r.status, hyper::StatusCode::SEE_OTHER, "{}", r.body);
        let h = w.hold_of(id).await;
        assert_eq!(
            (h.state.as_str(), h.deadline_day.to_string().as_str()),
            ("held", "2026-04-20")
        );
        w.clock.set(h.deadline_ends_at - Duration::minutes(1));
        assert_eq!(worker::drain(&w.app, "w").await.unwrap(), 0);
        w.clock.set(h.deadline_ends_at + Duration::minutes(1));
        assert_eq!(worker::drain(&w.app, "w").await.unwrap(), 1);
        assert_eq!(w.hold_of(id).await.state, "deadline_missed");
        assert_eq!(
            w.case_events(id, "service.hold_deadline_missed").await,
            2,
            "one per deadline"
        );
    }
}
