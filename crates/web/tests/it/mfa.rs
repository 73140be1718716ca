//! The second sign-in factor (TOTP, RFC 6238): enrolment by QR code with recovery codes,
//! each code accepted once, wrong codes counted toward the lockout, pending sign-ins that
//! open no page and expire, and the administrator's reset. Time is the controlled clock.
use chrono::Duration;
use handoff_app::{Settings, admin, auth, totp};
use hyper::{Method, StatusCode};

use crate::support::*;

async fn new_user(w: &World, name: &str) -> uuid::Uuid {
    admin::create_user(
        &w.app,
        None,
        admin::NewUser {
            username: name.into(),
            display_name: format!("{name} name"),
            password: PASSWORD.into(),
        },
        &[(w.orgs["agency"], handoff_domain::Role::Officer)],
    )
    .await
    .unwrap()
    .id
}

async fn get_with(w: &World, cookie: &str, path: &str) -> Resp {
    request(
        &w.client,
        Method::GET,
        &format!("{}{path}", w.base),
        &[("cookie", cookie)],
        None,
    )
    .await
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Vec<&'a str> {
    s.split(start)
        .skip(1)
        .filter_map(|r| r.split(end).next())
        .collect()
}

/// A new account enrols by QR code at its first sign-in, gets ten recovery codes, and a
/// recovery code then works once in place of the app's code.
#[tokio::test]
async fn enrolment_by_qr_code_then_recovery_codes_work_once() {
    for b in backends() {
        let w = world(b.clone()).await;
        new_user(&w, "newbie").await;
        let r = w.post_password("newbie", PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        assert!(
            r.location().starts_with("/sign-in/enrol"),
            "{}",
            r.location()
        );
        let pending = set_cookie(&r);
        // The pending session opens no page.
        let p = get_with(&w, &pending, "/encounters").await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert!(
            p.location().starts_with("/sign-in?next="),
            "{}",
            p.location()
        );
        // The code page sends an enrolling user to the enrolment page.
        let p = get_with(&w, &pending, "/sign-in/code?next=%2F").await;
        assert!(
            p.location().starts_with("/sign-in/enrol"),
            "{}",
            p.location()
        );
        let page = get_with(&w, &pending, "/sign-in/enrol").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<svg") && page.body.contains("otpauth://totp/Handoff:newbie"));
        let secret: String = between(&page.body, "<code class=\"secret\">", "</code>")[0]
            .split_whitespace()
            .collect();
        let key = totp::base32_decode(&secret).unwrap();
        assert_eq!(key.len(), totp::SECRET_BYTES);

        // A wrong code is refused and kept in the field; nothing is enrolled.
        let r = w.post_code(&pending, "/sign-in/enrol", "000000").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains(auth::CODE_REFUSED), "{}", r.body);
        assert!(
            r.body.contains("value=\"000000\""),
            "the typed code survives"
        );
        assert!(
            r.body.contains(&totp::grouped(&secret)),
            "the same secret again"
        );

        let step = totp::step_at(w.app.now().timestamp());
        let code = totp::code(&key, step, totp::DIGITS);
        let r = w.post_code(&pending, "/sign-in/enrol", &code).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let codes: Vec<String> = between(&r.body, "<li><code>", "</code>")
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(codes.len(), auth::RECOVERY_CODES, "{}", r.body);
        let full = set_cookie(&r);
        assert_ne!(full, pending, "the session id changes at sign-in");
        assert_eq!(
            get_with(&w, &full, "/encounters").await.status,
            StatusCode::OK
        );
        assert_eq!(
            get_with(&w, &pending, "/encounters").await.status,
            StatusCode::SEE_OTHER,
            "the pending session is gone"
        );
        assert_eq!(
            w.audited("user.mfa_enrol", "allowed").await,
            USERS.len() + 1
        );

        // Next sign-in: a recovery code (typed loosely) instead of the app's code.
        let r = w.post_password("newbie", PASSWORD).await;
        assert!(
            r.location().starts_with("/sign-in/code"),
            "{}",
            r.location()
        );
        let pending = set_cookie(&r);
        let loose = codes[3].to_lowercase().replace('-', " ");
        let r = w.post_code(&pending, "/sign-in/code", &loose).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(
            r.location().contains("notice=recovery_used_9"),
            "{}",
            r.location()
        );
        let full = set_cookie(&r);
        let home = get_with(&w, &full, &r.location()).await;
        let page = get_with(&w, &full, &home.location()).await;
        assert!(page.body.contains("9 left"), "{}", page.body);
        // The same recovery code again: refused.
        let r = w.post_password("newbie", PASSWORD).await;
        let pending = set_cookie(&r);
        let r = w.post_code(&pending, "/sign-in/code", &codes[3]).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );
        assert!(r.body.contains(auth::CODE_REFUSED));
        assert!(w.audited("auth.second_factor", "failed").await >= 2);
    }
}

/// A code is accepted once: the same code at a second sign-in within its 30 seconds is
/// refused (a code seen over someone's shoulder cannot be replayed).
#[tokio::test]
async fn each_code_is_accepted_once() {
    for b in backends() {
        let w = world(b.clone()).await;
        let code = w.fresh_code("officer").await;
        let first = set_cookie(&w.post_password("officer", PASSWORD).await);
        let r = w.post_code(&first, "/sign-in/code", &code).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let second = set_cookie(&w.post_password("officer", PASSWORD).await);
        let r = w.post_code(&second, "/sign-in/code", &code).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );
        assert!(r.body.contains(auth::CODE_REFUSED));
        // A later code works.
        let next = w.fresh_code("officer").await;
        assert_ne!(next, code);
        let r = w.post_code(&second, "/sign-in/code", &next).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        // An old code (two steps back) is refused even if never used.
        w.clock.advance(Duration::minutes(2));
        let key = totp::base32_decode(&totp_secret("officer")).unwrap();
        let old = totp::code(
            &key,
            totp::step_at(w.app.now().timestamp()) - 2,
            totp::DIGITS,
        );
        let third = set_cookie(&w.post_password("officer", PASSWORD).await);
        let r = w.post_code(&third, "/sign-in/code", &old).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

/// Wrong codes count toward the lockout like wrong passwords: a stolen password alone
/// cannot be used to guess codes.
#[tokio::test]
async fn five_wrong_codes_lock_the_account() {
    for b in backends() {
        let w = world(b.clone()).await;
        let pending = set_cookie(&w.post_password("officer", PASSWORD).await);
        let good = w.fresh_code("officer").await;
        let wrong = format!("{:06}", (good.parse::<u32>().unwrap() + 1) % 1_000_000);
        for _ in 0..4 {
            let r = w.post_code(&pending, "/sign-in/code", &wrong).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        }
        let r = w.post_code(&pending, "/sign-in/code", &wrong).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        assert_eq!(r.location(), "/sign-in?notice=account_locked");
        let mut tx = w.store.read().await.unwrap();
        let u = tx.user(w.users["officer"]).await.unwrap();
        tx.rollback().await.unwrap();
        assert!(u.locked_at.is_some(), "{b}");
        // Even the right password and code no longer get in.
        let r = w.post_password("officer", PASSWORD).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(w.audited("user.lock", "allowed").await, 1);
    }
}

/// The step between password and code lasts ten minutes.
#[tokio::test]
async fn a_pending_sign_in_expires() {
    for b in backends() {
        let w = world(b.clone()).await;
        let pending = set_cookie(&w.post_password("officer", PASSWORD).await);
        let page = get_with(&w, &pending, "/sign-in/code").await;
        assert_eq!(page.status, StatusCode::OK);
        let csrf = csrf_in(&page.body).unwrap();
        w.clock
            .advance(Duration::minutes(auth::PENDING_MINUTES) + Duration::seconds(1));
        let p = get_with(&w, &pending, "/sign-in/code").await;
        assert_eq!(p.location(), "/sign-in?notice=sign_in_expired", "{b}");
        let code = w.fresh_code("officer").await;
        let form = serde_urlencoded::to_string([
            ("csrf", csrf.as_str()),
            ("code", code.as_str()),
            ("next", "/"),
        ])
        .unwrap();
        let r = request(
            &w.client,
            Method::POST,
            &format!("{}/sign-in/code", w.base),
            &[("cookie", pending.as_str())],
            Some(("application/x-www-form-urlencoded", form.into_bytes())),
        )
        .await;
        assert_eq!(r.location(), "/sign-in?notice=sign_in_expired", "{b}");
        // A forged form (wrong CSRF token) is refused before the code is looked at.
        let fresh = set_cookie(&w.post_password("officer", PASSWORD).await);
        let form = serde_urlencoded::to_string([("csrf", "forged"), ("code", &code)]).unwrap();
        let r = request(
            &w.client,
            Method::POST,
            &format!("{}/sign-in/code", w.base),
            &[("cookie", fresh.as_str())],
            Some(("application/x-www-form-urlencoded", form.into_bytes())),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    }
}

/// An administrator resets a lost authenticator: the user's sessions end and they enrol
/// again at their next sign-in.
#[tokio::test]
async fn an_administrator_resets_an_authenticator() {
    for b in backends() {
        let w = world(b.clone()).await;
        let officer = w.sign_in("officer").await;
        let admin = w.sign_in("admin").await;
        let page = admin.get("/admin").await;
        assert!(page.body.contains("reset-mfa"), "{}", page.body);
        let r = admin
            .post(
                &format!("/admin/users/{}/reset-mfa", w.users["officer"]),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        assert_eq!(r.location(), "/admin?notice=mfa_reset");
        assert_eq!(
            officer.get("/encounters").await.status,
            StatusCode::SEE_OTHER,
            "the officer's session ended"
        );
        let r = w.post_password("officer", PASSWORD).await;
        assert!(
            r.location().starts_with("/sign-in/enrol"),
            "{}",
            r.location()
        );
        assert_eq!(w.audited("user.mfa_reset", "allowed").await, 1);
        // Another role cannot reset anyone (denied as not found, and audited).
        let cm = w.sign_in("cm1").await;
        let r = cm
            .post(&format!("/admin/users/{}/reset-mfa", w.users["admin"]), &[])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
}

/// With the requirement switched off (`--mfa optional`), accounts without an
/// authenticator sign in with their password; those with one still need a code.
#[tokio::test]
async fn optional_mfa_still_asks_enrolled_accounts() {
    let w = world(Backend::Sqlite).await;
    new_user(&w, "plain").await;
    let app = handoff_app::App::new(
        w.store.clone(),
        std::sync::Arc::new(w.clock.clone()),
        Settings {
            mfa_required: false,
            ..Settings::default()
        },
    )
    .await
    .unwrap();
    let s = auth::sign_in(&app, "plain", PASSWORD, "10.1.1.1", "t", None)
        .await
        .unwrap();
    assert_eq!(s.stage, auth::Stage::Full);
    let s = auth::sign_in(&app, "officer", PASSWORD, "10.1.1.1", "t", None)
        .await
        .unwrap();
    assert_eq!(s.stage, auth::Stage::Code);
}
