//! The first step of signing in: the password, with throttling per client address and
//! per known device, and the account lock (ADR 0013).
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use handoff_domain::policy::Actor;
use handoff_i18n::staff_with;
use handoff_storage::{SessionRow, Tx, UserRow};
use uuid::Uuid;

use super::passwords::*;
use crate::audit::{self, ALLOWED, Ctx, FAILED};
use crate::util::{random_token, sha256_hex};
use crate::{App, AppError, AppResult};

/// Failed sign-ins per key (a client address, or a known device) within the lockout
/// window, in this server's memory.
#[derive(Clone, Default)]
pub struct AddressThrottle(Arc<Mutex<HashMap<String, Failures>>>);

/// The window's start and the failures in it.
pub(crate) type Failures = (DateTime<Utc>, u32);

impl AddressThrottle {
    pub(crate) fn window(app: &App) -> Duration {
        Duration::minutes(app.settings.lockout_window_minutes)
    }

    pub(crate) fn blocked(&self, app: &App, key: &str, limit: u32, now: DateTime<Utc>) -> bool {
        let g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        g.get(key)
            .is_some_and(|(since, n)| now - *since < Self::window(app) && *n >= limit)
    }

    pub(crate) fn failed(&self, app: &App, key: &str, now: DateTime<Utc>) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if g.len() > 100_000 {
            let w = Self::window(app);
            g.retain(|_, (since, _)| now - *since < w);
        }
        let e = g.entry(key.to_string()).or_insert((now, 0));
        if now - e.0 >= Self::window(app) {
            *e = (now, 0);
        }
        e.1 += 1;
    }
}

/// How long a device cookie is honoured after the sign-in that issued it.
pub const DEVICE_DAYS: i64 = 365;

/// A device cookie for `user_id` (docs/adr/0013): proof, from a browser, that this user
/// completed a sign-in there. `user id . unix time . keyed MAC`; nothing is stored.
pub(crate) fn device_cookie(app: &App, user_id: Uuid, now: DateTime<Utc>) -> String {
    let v = format!("{user_id}.{}", now.timestamp());
    let mac = app.store.pseudonym("device-cookie", &v);
    format!("{v}.{mac}")
}

/// The device key (its MAC) if `cookie` is a device cookie this server issued to
/// `user_id` within `DEVICE_DAYS`.
pub(crate) fn known_device(
    app: &App,
    user_id: Uuid,
    cookie: Option<&str>,
    now: DateTime<Utc>,
) -> Option<String> {
    let (v, mac) = cookie?.rsplit_once('.')?;
    let (uid, at) = v.split_once('.')?;
    let at = DateTime::<Utc>::from_timestamp(at.parse().ok()?, 0)?;
    let fresh = at <= now && now - at < Duration::days(DEVICE_DAYS);
    let expected = app.store.pseudonym("device-cookie", v);
    (uid == user_id.to_string() && fresh && crate::util::same_secret(mac, &expected))
        .then(|| format!("device:{mac}"))
}

/// What every refused sign-in says, whatever the reason (no hint that a user exists): the
/// English of the staff catalogue's `err-auth-sign-in-refused`, kept here for tests to look
/// for (the message itself comes from the catalogue).
pub const SIGN_IN_REFUSED: &str = "The user name or password is not right.";

pub(crate) fn refused_message(app: &App) -> String {
    staff_with(
        "err-auth-sign-in-refused-lockout",
        &[
            ("failures", app.settings.lockout_failures.to_string().into()),
            (
                "minutes",
                app.settings.lockout_window_minutes.to_string().into(),
            ),
        ],
    )
}

/// The start of what a throttled address is told: the English of the staff catalogue's
/// `err-auth-sign-in-throttled`, kept here for tests to look for.
pub const SIGN_IN_THROTTLED: &str = "Too many failed sign-ins from this address.";

pub(crate) fn throttled_message(app: &App) -> String {
    staff_with(
        "err-auth-sign-in-throttled-wait",
        &[(
            "minutes",
            app.settings.lockout_window_minutes.to_string().into(),
        )],
    )
}

/// A new session: the cookie value (only its hash is stored) and the CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf: String,
    pub stage: Stage,
    /// A device cookie to set, when the sign-in is complete (docs/adr/0013).
    pub device: Option<String>,
}

/// How far a sign-in has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Every factor checked: the session opens pages.
    Full,
    /// The password was right; the authenticator code (or a recovery code) is awaited.
    Code,
    /// The password was right; the user must enrol an authenticator first.
    Enrol,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Full => "full",
            Stage::Code => "code",
            Stage::Enrol => "enrol",
        }
    }
    pub(crate) fn parse(s: &str) -> Option<Stage> {
        match s {
            "full" => Some(Stage::Full),
            "code" => Some(Stage::Code),
            "enrol" => Some(Stage::Enrol),
            _ => None,
        }
    }
}

/// A session waiting for its second factor lasts this long.
pub const PENDING_MINUTES: i64 = 10;

/// Signs in with a password. Every attempt, success or failure, is audited.
pub async fn sign_in(
    app: &App,
    username: &str,
    password: &str,
    ip: &str,
    ua: &str,
    device: Option<&str>,
) -> AppResult<NewSession> {
    let name = normalize_username(username);
    let now = app.now();
    let mut ctx = Ctx {
        actor: Actor {
            user_id: Uuid::nil(),
            username: name.chars().take(100).collect(),
            memberships: vec![],
        },
        display_name: String::new(),
        ip: ip.into(),
        user_agent: ua.into(),
    };
    let refused = || {
        AppError::Invalid(handoff_domain::FieldErrors::single(
            "password",
            refused_message(app),
        ))
    };
    let user = {
        let mut tx = app.store.read().await?;
        let u = tx.user_by_name(&name).await?;
        tx.rollback().await?;
        u
    };
    // A browser the user completed a sign-in on (docs/adr/0013): its failures count
    // against that device only, and neither the address throttle nor a lock that
    // strangers caused stops it.
    let known = user
        .as_ref()
        .and_then(|u| known_device(app, u.id, device, now));
    let address = audit::client_address(ip);
    let throttled = match &known {
        Some(d) => app
            .devices
            .blocked(app, d, app.settings.lockout_failures as u32, now),
        None => app
            .throttle
            .blocked(app, address, app.settings.address_failures, now),
    };
    if throttled {
        // Not checked, and counted against no account: an attacker cannot lock officers
        // out from one address.
        audit::alone(
            app,
            &ctx,
            "auth.sign_in",
            "user",
            &name,
            FAILED,
            if known.is_some() {
                "throttled: this device"
            } else {
                "throttled: this address"
            },
        )
        .await?;
        return Err(AppError::Invalid(handoff_domain::FieldErrors::single(
            "password",
            throttled_message(app),
        )));
    }
    // Checked whatever happens next, so that every refusal takes the same time.
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let pw = password.to_string();
    let ok = on_hash_thread(move || verify(&hash, &pw)).await?;
    let mut tx = app.store.write().await?;
    // The account as it is now (another attempt may have changed it meanwhile).
    let user = match user {
        Some(u) => Some(tx.user_for_update(u.id).await?),
        None => None,
    };
    if let Some(u) = &user {
        ctx.actor.user_id = u.id;
    }
    let refusal = match &user {
        None => Some("unknown user"),
        Some(u) if u.disabled => Some("account disabled"),
        // A contact without an account acts only through the links in their pages.
        Some(u) if tx.is_link_only(u.id).await? => Some("a contact without an account"),
        Some(u) if u.locked_at.is_some() && known.is_none() => Some("account locked"),
        Some(u)
            if ok
                && now
                    - [u.last_sign_in_at, u.unlocked_at]
                        .into_iter()
                        .flatten()
                        .fold(u.created_at, DateTime::max)
                    > Duration::days(app.settings.inactive_days) =>
        {
            tx.set_user_disabled(u.id, true).await?;
            audit::record(
                &mut tx,
                app,
                &ctx,
                "user.disable",
                "user",
                &u.id.to_string(),
                ALLOWED,
                &format!("unused for more than {} days", app.settings.inactive_days),
            )
            .await?;
            Some("account unused too long: disabled")
        }
        Some(u) if !ok => {
            fail(&mut tx, app, &ctx, u, known.as_deref(), now).await?;
            Some(if known.is_some() {
                "wrong password (known device)"
            } else {
                "wrong password"
            })
        }
        Some(_) => None,
    };
    let user = match (refusal, user) {
        (None, Some(u)) => u,
        (reason, _) => {
            let id = ctx.actor.user_id;
            let resource = if id.is_nil() {
                name.clone()
            } else {
                id.to_string()
            };
            audit::record(
                &mut tx,
                app,
                &ctx,
                "auth.sign_in",
                "user",
                &resource,
                FAILED,
                reason.unwrap_or(""),
            )
            .await?;
            tx.commit().await?;
            if known.is_none() {
                app.throttle.failed(app, address, now);
            }
            return Err(refused());
        }
    };
    let stage = if user.totp_secret.is_some() {
        Stage::Code
    } else if app.settings.mfa_required {
        Stage::Enrol
    } else {
        Stage::Full
    };
    let pending_secret = match stage {
        Stage::Enrol => Some(new_totp_secret()?),
        _ => None,
    };
    let mut session = start_session(&mut tx, user.id, now, stage, pending_secret).await?;
    if stage == Stage::Full {
        finish_sign_in(&mut tx, app, &ctx, &user, now, "password").await?;
        session.device = Some(device_cookie(app, user.id, now));
    } else {
        // The first factor only: the account's failure count stands until the second.
        audit::record(
            &mut tx,
            app,
            &ctx,
            "auth.password",
            "user",
            &user.id.to_string(),
            ALLOWED,
            stage.as_str(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(session)
}

/// Counts a failed attempt (password or code): against the known device it came from, or
/// else against the account. Returns whether that attempt locked the account, or
/// throttled the device.
pub(crate) async fn fail(
    tx: &mut Tx,
    app: &App,
    ctx: &Ctx,
    u: &UserRow,
    known: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    match known {
        Some(d) => {
            app.devices.failed(app, d, now);
            Ok(app
                .devices
                .blocked(app, d, app.settings.lockout_failures as u32, now))
        }
        None => count_failure(tx, app, ctx, u, now).await,
    }
}

/// Counts a failed attempt (password or code) from a device the user has not signed in on
/// against the account, and locks it at the limit: sign-ins from such devices are then
/// refused until an administrator unlocks it. Nothing already open ends (docs/adr/0013).
pub(crate) async fn count_failure(
    tx: &mut Tx,
    app: &App,
    ctx: &Ctx,
    u: &UserRow,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let window = Duration::minutes(app.settings.lockout_window_minutes);
    let (count, since) = match u.failed_since {
        Some(since) if now - since < window => (u.failed_count + 1, since),
        _ => (1, now),
    };
    let lock = count >= app.settings.lockout_failures;
    tx.set_sign_in_failures(u.id, count, Some(since), lock.then_some(now))
        .await?;
    if lock {
        audit::record(
            tx,
            app,
            ctx,
            "user.lock",
            "user",
            &u.id.to_string(),
            ALLOWED,
            &format!("{count} failed sign-ins"),
        )
        .await?;
    }
    Ok(lock)
}

pub(crate) async fn start_session(
    tx: &mut Tx,
    user_id: Uuid,
    now: DateTime<Utc>,
    stage: Stage,
    pending_secret: Option<String>,
) -> AppResult<NewSession> {
    let token = random_token(32)?;
    let csrf = random_token(24)?;
    tx.insert_session(&SessionRow {
        id_hash: sha256_hex(token.as_bytes()),
        user_id,
        csrf_token: csrf.clone(),
        created_at: now,
        last_seen_at: now,
        stage: stage.as_str().into(),
        pending_secret,
    })
    .await?;
    Ok(NewSession {
        token,
        csrf,
        stage,
        device: None,
    })
}

/// The last step of every successful sign-in.
pub(crate) async fn finish_sign_in(
    tx: &mut Tx,
    app: &App,
    ctx: &Ctx,
    user: &UserRow,
    now: DateTime<Utc>,
    how: &str,
) -> AppResult<()> {
    // A lock stays until an administrator lifts it, even when the user signs in on a
    // device they used before (docs/adr/0013).
    if user.failed_count != 0 && user.locked_at.is_none() {
        tx.set_sign_in_failures(user.id, 0, None, None).await?;
    }
    tx.set_last_sign_in(user.id, now).await?;
    audit::record(
        tx,
        app,
        ctx,
        "auth.sign_in",
        "user",
        &user.id.to_string(),
        ALLOWED,
        how,
    )
    .await?;
    Ok(())
}

/// A new random TOTP secret (base32).
pub fn new_totp_secret() -> AppResult<String> {
    let mut key = [0u8; crate::totp::SECRET_BYTES];
    getrandom::fill(&mut key).map_err(|e| AppError::Internal(format!("random: {e}")))?;
    Ok(crate::totp::base32_encode(&key))
}

#[cfg(test)]
mod tests {
    use handoff_i18n::staff;

    #[test]
    fn the_refusals_tests_look_for_are_the_catalogues() {
        assert_eq!(staff("err-auth-sign-in-refused"), super::SIGN_IN_REFUSED);
        assert_eq!(
            staff("err-auth-sign-in-throttled"),
            super::SIGN_IN_THROTTLED
        );
        assert_eq!(
            staff("err-auth-code-refused"),
            super::super::second_factor::CODE_REFUSED
        );
    }
}
