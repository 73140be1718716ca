//! Sign-in hardening: lockout after repeated failures (until an administrator unlocks),
//! per-address throttling that locks nobody out, disabling after 90 days unused, and the
//! banned-password list. Time is the controlled clock.
use chrono::Duration;
use handoff_app::{AppError, admin, auth, totp};
use hyper::StatusCode;

use crate::support::*;

async fn attempt(w: &World, user: &str, password: &str, ip: &str) -> Result<(), String> {
    match auth::sign_in(&w.app, user, password, ip, "test", None).await {
        Ok(_) => Ok(()),
        Err(AppError::Invalid(f)) => Err(f.to_string()),
        Err(e) => panic!("unexpected error {e}"),
    }
}

async fn audited(w: &World, action: &str) -> usize {
    let mut tx = w.store.read().await.unwrap();
    let n = tx
        .audit_recent(500)
        .await
        .unwrap()
        .iter()
        .filter(|a| a.action == action)
        .count();
    tx.rollback().await.unwrap();
    n
}

#[tokio::test]
async fn five_failures_lock_an_account_until_an_administrator_unlocks_it() {
    for b in backends() {
        let w = world(b.clone()).await;
        // Four failures, then the window passes: the count starts again.
        for i in 0..4 {
            assert!(
                attempt(&w, "officer", "wrong-password", &format!("10.0.0.{i}"))
                    .await
                    .is_err()
            );
        }
        w.clock.advance(Duration::minutes(16));
        for i in 0..4 {
            assert!(
                attempt(&w, "officer", "wrong-password", &format!("10.0.1.{i}"))
                    .await
                    .is_err()
            );
        }
        assert_eq!(
            attempt(&w, "officer", PASSWORD, "10.0.2.1").await,
            Ok(()),
            "{b}"
        );
        // A success clears the count; five failures within 15 minutes lock the account.
        for i in 0..5 {
            let e = attempt(
                &w,
                "officer",
                &format!("guess-number-{i}"),
                &format!("10.0.3.{i}"),
            )
            .await
            .unwrap_err();
            assert!(e.contains(auth::SIGN_IN_REFUSED), "{e}");
            assert!(
                e.contains("After 5 failed attempts within 15 minutes"),
                "the message states the program's limits: {e}"
            );
        }
        assert_eq!(audited(&w, "user.lock").await, 1, "{b}");
        // Now even the right password is refused, with the same words (a brute force
        // that finds the password learns nothing).
        let e = attempt(&w, "officer", PASSWORD, "10.0.4.1")
            .await
            .unwrap_err();
        assert!(e.contains(auth::SIGN_IN_REFUSED), "{e}");
        // Still locked long after: only an administrator lifts it.
        w.clock.advance(Duration::hours(5));
        assert!(attempt(&w, "officer", PASSWORD, "10.0.4.2").await.is_err());
        let admin_agent = w.sign_in("admin").await;
        let page = admin_agent.get("/admin").await;
        assert!(
            page.body.contains("Locked"),
            "{b}: the admin page shows the lock"
        );
        let r = admin_agent
            .post(&format!("/admin/users/{}/unlock", w.users["officer"]), &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        assert_eq!(
            attempt(&w, "officer", PASSWORD, "10.0.4.3").await,
            Ok(()),
            "{b}"
        );
        assert_eq!(audited(&w, "user.unlock").await, 1, "{b}");
        // Another program's or a non-administrator's unlock is refused as not found.
        let officer = w.sign_in("officer2").await;
        let r = officer
            .post(&format!("/admin/users/{}/unlock", w.users["officer"]), &[])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
    }
}

#[tokio::test]
async fn one_address_is_throttled_without_locking_anyone_out() {
    for b in backends() {
        let w = world(b.clone()).await;
        // Ten failures from one address, spread over several accounts (none reaches five).
        for user in ["officer", "officer2", "cm1", "cm2", "prosecutor"] {
            for _ in 0..2 {
                assert!(
                    attempt(&w, user, "wrong-password", "203.0.113.9")
                        .await
                        .is_err()
                );
            }
        }
        // The address is refused without a check, even with a right password.
        let e = attempt(&w, "officer", PASSWORD, "203.0.113.9")
            .await
            .unwrap_err();
        assert!(e.contains(auth::SIGN_IN_THROTTLED), "{b}: {e}");
        // Its refused attempts count against no account: more of them lock nobody.
        for _ in 0..10 {
            assert!(
                attempt(&w, "officer", "wrong-password", "203.0.113.9")
                    .await
                    .is_err()
            );
        }
        assert_eq!(audited(&w, "user.lock").await, 0, "{b}");
        // The officer signs in from elsewhere; the address itself is free again later.
        assert_eq!(
            attempt(&w, "officer", PASSWORD, "198.51.100.7").await,
            Ok(())
        );
        w.clock.advance(Duration::minutes(15));
        assert_eq!(
            attempt(&w, "officer2", PASSWORD, "203.0.113.9").await,
            Ok(())
        );
    }
}

#[tokio::test]
async fn accounts_unused_for_ninety_days_are_disabled() {
    for b in backends() {
        let w = world(b.clone()).await;
        assert_eq!(attempt(&w, "officer", PASSWORD, "10.1.0.1").await, Ok(()));
        w.clock.advance(Duration::days(89));
        assert_eq!(
            attempt(&w, "officer", PASSWORD, "10.1.0.1").await,
            Ok(()),
            "{b}: 89 days is fine"
        );
        w.clock.advance(Duration::days(90) + Duration::minutes(1));
        let e = attempt(&w, "officer", PASSWORD, "10.1.0.1")
            .await
            .unwrap_err();
        assert!(e.contains(auth::SIGN_IN_REFUSED), "{e}");
        assert_eq!(audited(&w, "user.disable").await, 1, "{b}");
        // The administrator (who signed in lately) re-enables it; the 90 days start again.
        admin::unlock_user(&w.app, None, w.users["officer"])
            .await
            .unwrap();
        assert_eq!(
            attempt(&w, "officer", PASSWORD, "10.1.0.1").await,
            Ok(()),
            "{b}"
        );
    }
}

#[tokio::test]
async fn common_passwords_are_refused() {
    let w = world(Backend::Sqlite).await;
    for pw in ["Password123", "qwertyuiop", "  iloveyou  ", "12345678"] {
        let e = admin::create_user(
            &w.app,
            None,
            admin::NewUser {
                username: format!("new-{}", pw.trim().len()),
                display_name: "New".into(),
                password: pw.into(),
            },
            &[(w.orgs["agency"], handoff_domain::Role::Officer)],
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("most common"), "{pw:?}: {e}");
    }
    // The admin form says so by the field, keeping what was typed.
    let admin_agent = w.sign_in("admin").await;
    let r = admin_agent
        .post(
            "/admin/users",
            &[
                ("username", "newbie"),
                ("display_name", "New Bie"),
                ("password", "password1"),
                ("organization_id", &w.orgs["agency"].to_string()),
                ("role", "officer"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("most common"), "{}", r.body);
    assert!(r.body.contains("New Bie"), "the typed name survives");
}

/// The demo's history starts months ago; its accounts must still sign in (the 90-day
/// rule counts from when they were created, today).
#[tokio::test]
async fn every_demo_user_can_sign_in_after_seeding() {
    let store = open_store(&Backend::Sqlite).await;
    handoff_app::demo::seed(&store, &Default::default(), 3)
        .await
        .unwrap();
    let app = handoff_app::App::new(
        store,
        std::sync::Arc::new(handoff_domain::SystemClock),
        Default::default(),
    )
    .await
    .unwrap();
    for (user, ..) in handoff_app::demo::USERS {
        let r = auth::sign_in(
            &app,
            user,
            handoff_app::demo::PASSWORD,
            "127.0.0.1",
            "t",
            None,
        )
        .await;
        let pending = r.unwrap_or_else(|e| panic!("{user}: {e}"));
        // The demo publishes each user's TOTP secret: a code computed from it works.
        assert_eq!(pending.stage, auth::Stage::Code, "{user}");
        let key = totp::base32_decode(&handoff_app::demo::totp_secret(user)).unwrap();
        let code = totp::code(
            &key,
            totp::step_at(chrono::Utc::now().timestamp()),
            totp::DIGITS,
        );
        let done = auth::second_factor(&app, &pending.token, &code, "127.0.0.1", "t", None).await;
        assert!(done.is_ok(), "{user}: {:?}", done.err());
    }
}
