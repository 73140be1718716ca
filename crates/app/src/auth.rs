//! Password sign-in (argon2id), server-side sessions and API tokens.
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use handoff_domain::policy::{Actor, Membership};
use handoff_domain::{OrgKind, Role};
use handoff_storage::{RecoveryCodeRow, SessionRow, TokenRow, Tx, UserRow};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx, FAILED};
use crate::totp;
use crate::util::{random_token, sha256_hex};
use crate::{App, AppError, AppResult};

type HashJob = Box<dyn FnOnce() + Send>;

/// Runs password hashing on one dedicated thread. Argon2id takes 19 MiB per hash; spread
/// over the runtime's blocking threads, each thread's allocator arena kept its own copy
/// (the server's memory grew with every sign-in thread). One thread also caps the CPU
/// that a flood of sign-in attempts can take.
pub async fn on_hash_thread<R: Send + 'static>(
    f: impl FnOnce() -> R + Send + 'static,
) -> AppResult<R> {
    static QUEUE: OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<HashJob>>> = OnceLock::new();
    let queue = QUEUE.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<HashJob>();
        let spawned = std::thread::Builder::new()
            .name("password-hash".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    job();
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the password hashing thread");
        }
        std::sync::Mutex::new(tx)
    });
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    let job: HashJob = Box::new(move || {
        let _ = done_tx.send(f());
    });
    queue
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .send(job)
        .map_err(|_| AppError::Internal("password hashing thread stopped".into()))?;
    done_rx
        .await
        .map_err(|_| AppError::Internal("password hashing thread stopped".into()))
}

pub fn hash_password(password: &str) -> AppResult<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("random: {e}")))?;
    let salt =
        SaltString::encode_b64(&bytes).map_err(|e| AppError::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hash: {e}")))
}

fn verify(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash checked when the user does not exist, so that unknown and known names take
/// the same time.
fn dummy_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| hash_password("not a real password at all").unwrap_or_default())
}

pub fn normalize_username(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Checks a new password against the rules.
pub fn check_password(app: &App, password: &str) -> AppResult<()> {
    if password.chars().count() < app.settings.min_password_length {
        return Err(AppError::field(
            "password",
            format!(
                "Use at least {} characters.",
                app.settings.min_password_length
            ),
        ));
    }
    if password.len() > 1024 {
        return Err(AppError::field("password", "Use at most 1024 characters."));
    }
    if is_banned(password) {
        return Err(AppError::field(
            "password",
            "This password is one of the most common ones; choose another.",
        ));
    }
    Ok(())
}

/// The bundled list of common passwords (`data/banned-passwords.txt`).
const BANNED: &str = include_str!("../../../data/banned-passwords.txt");

fn is_banned(password: &str) -> bool {
    static SET: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    let set = SET.get_or_init(|| {
        BANNED
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_lowercase)
            .collect()
    });
    set.contains(&password.trim().to_lowercase())
}

/// Failed sign-ins per key (a client address, or a known device) within the lockout
/// window, in this server's memory.
#[derive(Clone, Default)]
pub struct AddressThrottle(Arc<Mutex<HashMap<String, Failures>>>);

/// The window's start and the failures in it.
type Failures = (DateTime<Utc>, u32);

impl AddressThrottle {
    fn window(app: &App) -> Duration {
        Duration::minutes(app.settings.lockout_window_minutes)
    }

    fn blocked(&self, app: &App, key: &str, limit: u32, now: DateTime<Utc>) -> bool {
        let g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        g.get(key)
            .is_some_and(|(since, n)| now - *since < Self::window(app) && *n >= limit)
    }

    fn failed(&self, app: &App, key: &str, now: DateTime<Utc>) {
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
fn device_cookie(app: &App, user_id: Uuid, now: DateTime<Utc>) -> String {
    let v = format!("{user_id}.{}", now.timestamp());
    let mac = app.store.pseudonym("device-cookie", &v);
    format!("{v}.{mac}")
}

/// The device key (its MAC) if `cookie` is a device cookie this server issued to
/// `user_id` within `DEVICE_DAYS`.
fn known_device(
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

/// What every refused sign-in says, whatever the reason (no hint that a user exists).
pub const SIGN_IN_REFUSED: &str = "The user name or password is not right.";

fn refused_message(app: &App) -> String {
    format!(
        "{SIGN_IN_REFUSED} After {} failed attempts within {} minutes an account is locked until an administrator unlocks it.",
        app.settings.lockout_failures, app.settings.lockout_window_minutes
    )
}

/// The start of what a throttled address is told.
pub const SIGN_IN_THROTTLED: &str = "Too many failed sign-ins from this address.";

fn throttled_message(app: &App) -> String {
    format!(
        "{SIGN_IN_THROTTLED} Wait {} minutes, then try again.",
        app.settings.lockout_window_minutes
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
    fn parse(s: &str) -> Option<Stage> {
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
async fn fail(
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
async fn count_failure(
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

async fn start_session(
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
async fn finish_sign_in(
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
    let mut key = [0u8; totp::SECRET_BYTES];
    getrandom::fill(&mut key).map_err(|e| AppError::Internal(format!("random: {e}")))?;
    Ok(totp::base32_encode(&key))
}

/// Recovery codes given at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// New recovery codes: the codes to show once, and the rows holding their hashes.
fn new_recovery_codes(
    user_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(Vec<String>, Vec<RecoveryCodeRow>)> {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    let mut rows = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let mut buf = [0u8; 10];
        getrandom::fill(&mut buf).map_err(|e| AppError::Internal(format!("random: {e}")))?;
        // 248 is the largest multiple of 31 under 256: no value is likelier than another.
        let mut chars = String::new();
        let mut i = 0;
        while chars.len() < 10 {
            if i == buf.len() {
                getrandom::fill(&mut buf)
                    .map_err(|e| AppError::Internal(format!("random: {e}")))?;
                i = 0;
            }
            let b = buf[i];
            i += 1;
            if b < 248 {
                chars.push(ALPHABET[b as usize % ALPHABET.len()] as char);
            }
        }
        let code = format!("{}-{}", &chars[..5], &chars[5..]);
        rows.push(RecoveryCodeRow {
            id: Uuid::now_v7(),
            user_id,
            code_hash: recovery_hash(&code),
            created_at: now,
            used_at: None,
        });
        codes.push(code);
    }
    Ok((codes, rows))
}

/// Recovery codes are compared as typed without case, spaces or dashes.
fn recovery_hash(code: &str) -> String {
    let norm: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    sha256_hex(format!("handoff-recovery:{norm}").as_bytes())
}

/// A session waiting for its second factor.
#[derive(Debug, Clone)]
pub struct Pending {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub stage: Stage,
    pub csrf: String,
    /// The secret to enrol (stage `Enrol`).
    pub secret: Option<String>,
}

/// Looks up a session waiting for its second factor (it lasts `PENDING_MINUTES`).
pub async fn resolve_pending(
    app: &App,
    token: &str,
    device: Option<&str>,
) -> AppResult<Option<Pending>> {
    let hash = sha256_hex(token.as_bytes());
    let now = app.now();
    let mut tx = app.store.read().await?;
    let Some(s) = tx.session(&hash).await? else {
        tx.rollback().await?;
        return Ok(None);
    };
    let user = tx.user(s.user_id).await?;
    tx.rollback().await?;
    let stage = Stage::parse(&s.stage);
    if stage.is_none_or(|st| st == Stage::Full)
        || now - s.created_at > Duration::minutes(PENDING_MINUTES)
        || user.disabled
        || (user.locked_at.is_some() && known_device(app, user.id, device, now).is_none())
    {
        return Ok(None);
    }
    Ok(Some(Pending {
        user_id: user.id,
        username: user.username,
        display_name: user.display_name,
        stage: stage.unwrap_or(Stage::Code),
        csrf: s.csrf_token,
        secret: s.pending_secret,
    }))
}

/// A completed second step.
#[derive(Debug, Clone)]
pub struct SecondFactor {
    /// The full session (a new id: the pending one is deleted).
    pub session: NewSession,
    /// Recovery codes to show once (after enrolment).
    pub recovery_codes: Vec<String>,
    /// Recovery codes left, when one was just used.
    pub recovery_left: Option<i64>,
}

/// What a refused code says.
pub const CODE_REFUSED: &str = "That code is not right, or it was already used.";

/// Checks the second factor of a pending session: a code from the authenticator (each
/// accepted once) or an unused recovery code; at enrolment, a code from the new secret.
/// Failures count toward the account's lockout like wrong passwords.
pub async fn second_factor(
    app: &App,
    token: &str,
    typed: &str,
    ip: &str,
    ua: &str,
    device: Option<&str>,
) -> AppResult<SecondFactor> {
    let hash = sha256_hex(token.as_bytes());
    let now = app.now();
    let expired = || {
        AppError::Conflict(
            "This sign-in has expired. Sign in again with your user name and password.".into(),
        )
    };
    let mut tx = app.store.write().await?;
    let Some(s) = tx.session(&hash).await? else {
        return Err(expired());
    };
    let user = tx.user_for_update(s.user_id).await?;
    let stage = Stage::parse(&s.stage).unwrap_or(Stage::Full);
    let known = known_device(app, user.id, device, now);
    if stage == Stage::Full
        || now - s.created_at > Duration::minutes(PENDING_MINUTES)
        || user.disabled
        || (user.locked_at.is_some() && known.is_none())
        || known.as_deref().is_some_and(|d| {
            app.devices
                .blocked(app, d, app.settings.lockout_failures as u32, now)
        })
    {
        return Err(expired());
    }
    let ctx = Ctx {
        actor: Actor {
            user_id: user.id,
            username: user.username.clone(),
            memberships: vec![],
        },
        display_name: user.display_name.clone(),
        ip: ip.into(),
        user_agent: ua.into(),
    };
    let unix = now.timestamp();
    let typed = typed.trim();
    let mut recovery_codes = Vec::new();
    let mut recovery_left = None;
    let how = match (stage, &s.pending_secret, &user.totp_secret) {
        (Stage::Enrol, Some(secret), _) => match totp::verify(secret, typed, unix, 0) {
            Some(step) => {
                tx.set_totp(user.id, Some(secret), Some(now), step).await?;
                let (codes, rows) = new_recovery_codes(user.id, now)?;
                tx.replace_recovery_codes(user.id, &rows).await?;
                recovery_codes = codes;
                audit::record(
                    &mut tx,
                    app,
                    &ctx,
                    "user.mfa_enrol",
                    "user",
                    &user.id.to_string(),
                    ALLOWED,
                    "",
                )
                .await?;
                Some("password and new authenticator")
            }
            None => None,
        },
        (Stage::Code, _, Some(secret)) => {
            let by_app = match totp::verify(secret, typed, unix, user.totp_last_step) {
                Some(step) => tx.use_totp_step(user.id, step).await?,
                None => false,
            };
            if by_app {
                Some("password and authenticator code")
            } else if typed.chars().filter(|c| c.is_ascii_alphanumeric()).count() == 10
                && tx
                    .use_recovery_code(user.id, &recovery_hash(typed), now)
                    .await?
            {
                recovery_left = Some(tx.recovery_codes_left(user.id).await?);
                Some("password and recovery code")
            } else {
                None
            }
        }
        _ => return Err(expired()),
    };
    let Some(how) = how else {
        let locked = fail(&mut tx, app, &ctx, &user, known.as_deref(), now).await?;
        audit::record(
            &mut tx,
            app,
            &ctx,
            "auth.second_factor",
            "user",
            &user.id.to_string(),
            FAILED,
            "wrong code",
        )
        .await?;
        tx.commit().await?;
        return Err(if locked && known.is_some() {
            AppError::Conflict(format!(
                "Too many wrong codes on this device: wait {} minutes, then sign in again.",
                app.settings.lockout_window_minutes
            ))
        } else if locked {
            AppError::Conflict(
                "Too many wrong codes: the account is locked until an administrator unlocks it."
                    .into(),
            )
        } else {
            AppError::field("code", CODE_REFUSED)
        });
    };
    tx.delete_session(&hash).await?;
    let mut session = start_session(&mut tx, user.id, now, Stage::Full, None).await?;
    finish_sign_in(&mut tx, app, &ctx, &user, now, how).await?;
    session.device = Some(device_cookie(app, user.id, now));
    tx.commit().await?;
    Ok(SecondFactor {
        session,
        recovery_codes,
        recovery_left,
    })
}

/// Clears a user's authenticator and recovery codes and ends their sessions: at the next
/// sign-in they enrol again. The caller has checked the policy (`admin::reset_mfa`).
pub(crate) async fn clear_mfa(app: &App, ctx: &Ctx, user_id: Uuid) -> AppResult<()> {
    let mut tx = app.store.write().await?;
    tx.user_for_update(user_id).await?;
    tx.set_totp(user_id, None, None, 0).await?;
    tx.replace_recovery_codes(user_id, &[]).await?;
    tx.delete_sessions_of(user_id).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "user.mfa_reset",
        "user",
        &user_id.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    app.sessions.forget_user(user_id);
    Ok(())
}

/// Enrols a known secret without a code: demo and test accounts, whose secrets are
/// published so that people and browser tests can compute codes.
pub async fn enrol_known_secret(app: &App, user_id: Uuid, secret: &str) -> AppResult<()> {
    if totp::base32_decode(secret).is_none_or(|k| k.len() < 10) {
        return Err(AppError::field(
            "secret",
            "A TOTP secret is base32 of at least 10 bytes.",
        ));
    }
    let mut tx = app.store.write().await?;
    tx.set_totp(user_id, Some(secret), Some(app.now()), 0)
        .await?;
    audit::record(
        &mut tx,
        app,
        &Ctx::console(),
        "user.mfa_enrol",
        "user",
        &user_id.to_string(),
        ALLOWED,
        "known secret (demo or test)",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A resolved session.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub ctx_actor: Actor,
    pub display_name: String,
    pub csrf: String,
}

/// Sessions resolved in the last few seconds, by hashed id: every request resolves its
/// session, and two database reads per request were a large share of the server's work.
/// Sign-out and expiry on this server take effect at once; on another server over the
/// same database within `SESSION_CACHE`.
#[derive(Clone, Default)]
pub struct SessionCache(Arc<Mutex<HashMap<String, CachedSession>>>);

#[derive(Clone)]
struct CachedSession {
    fetched: std::time::Instant,
    info: SessionInfo,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
}

const SESSION_CACHE: std::time::Duration = std::time::Duration::from_secs(5);
const SESSION_CACHE_MAX: usize = 10_000;

impl SessionCache {
    fn get(&self, hash: &str) -> Option<CachedSession> {
        let g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        g.get(hash)
            .filter(|c| c.fetched.elapsed() < SESSION_CACHE)
            .cloned()
    }
    fn put(&self, hash: String, c: CachedSession) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if g.len() >= SESSION_CACHE_MAX {
            g.retain(|_, v| v.fetched.elapsed() < SESSION_CACHE);
            if g.len() >= SESSION_CACHE_MAX {
                g.clear();
            }
        }
        g.insert(hash, c);
    }
    fn forget(&self, hash: &str) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        g.remove(hash);
    }
    fn forget_user(&self, user_id: Uuid) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        g.retain(|_, v| v.info.ctx_actor.user_id != user_id);
    }
}

/// Looks up a session cookie. Expired sessions (idle or too old) are removed.
pub async fn resolve_session(app: &App, token: &str) -> AppResult<Option<SessionInfo>> {
    let hash = sha256_hex(token.as_bytes());
    let now = app.now();
    let idle_limit = Duration::minutes(app.settings.session_idle_minutes);
    let age_limit = Duration::hours(app.settings.session_max_hours);
    if let Some(c) = app.sessions.get(&hash)
        && now - c.last_seen_at <= Duration::seconds(60)
        && now - c.created_at <= age_limit
    {
        return Ok(Some(c.info));
    }
    // Two single reads, no transaction.
    let mut conn = app.store.conn().await?;
    let Some(s) = conn.session_user(&hash).await? else {
        app.sessions.forget(&hash);
        return Ok(None);
    };
    let idle = now - s.last_seen_at > idle_limit;
    let old = now - s.created_at > age_limit;
    if s.stage != Stage::Full.as_str() {
        conn.rollback().await?;
        return Ok(None);
    }
    if idle || old || s.disabled {
        conn.rollback().await?;
        app.sessions.forget(&hash);
        let mut tx = app.store.write().await?;
        tx.delete_session(&hash).await?;
        tx.commit().await?;
        return Ok(None);
    }
    let actor = actor_of(&mut conn, s.user_id, &s.username).await?;
    conn.rollback().await?;
    // Keep writes rare: refresh the idle clock at most once a minute.
    let mut last_seen_at = s.last_seen_at;
    if now - s.last_seen_at > Duration::seconds(60) {
        let mut tx = app.store.write().await?;
        tx.touch_session(&hash, now).await?;
        tx.commit().await?;
        last_seen_at = now;
    }
    let info = SessionInfo {
        ctx_actor: actor,
        display_name: s.display_name,
        csrf: s.csrf_token,
    };
    app.sessions.put(
        hash,
        CachedSession {
            fetched: std::time::Instant::now(),
            info: info.clone(),
            created_at: s.created_at,
            last_seen_at,
        },
    );
    Ok(Some(info))
}

pub async fn sign_out(app: &App, ctx: &Ctx, token: &str) -> AppResult<()> {
    let hash = sha256_hex(token.as_bytes());
    app.sessions.forget(&hash);
    let mut tx = app.store.write().await?;
    tx.delete_session(&hash).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "auth.sign_out",
        "user",
        &ctx.actor.user_id.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn load_actor_with(tx: &mut Tx, user: &UserRow) -> AppResult<(Actor, String)> {
    Ok((
        actor_of(tx, user.id, &user.username).await?,
        user.display_name.clone(),
    ))
}

/// A user and their memberships, as the policy sees them.
pub async fn actor_of(tx: &mut Tx, user_id: Uuid, username: &str) -> AppResult<Actor> {
    let memberships = tx
        .memberships_of(user_id)
        .await?
        .into_iter()
        .filter_map(|m| {
            Some(Membership {
                program_id: m.program_id,
                org_id: m.organization_id,
                org_kind: OrgKind::parse(&m.org_kind)?,
                role: Role::parse(&m.role)?,
            })
        })
        .collect();
    Ok(Actor {
        user_id,
        username: username.to_string(),
        memberships,
    })
}

/// Creates an API token for a user; returns the token (shown once) and its id.
pub async fn create_token(
    app: &App,
    username: &str,
    label: &str,
    days: Option<i64>,
) -> AppResult<(String, TokenRow)> {
    let now = app.now();
    let days = days.unwrap_or(app.settings.token_days);
    if !(1..=366).contains(&days) {
        return Err(AppError::field("days", "A token lasts from 1 to 366 days."));
    }
    let mut tx = app.store.write().await?;
    let user = tx
        .user_by_name(&normalize_username(username))
        .await?
        .ok_or_else(|| AppError::field("user", format!("There is no user {username:?}.")))?;
    let token = format!("hot_{}", random_token(32)?);
    let row = TokenRow {
        id: Uuid::now_v7(),
        user_id: user.id,
        token_hash: sha256_hex(token.as_bytes()),
        label: label.chars().take(100).collect(),
        created_at: now,
        expires_at: now + Duration::days(days),
        revoked_at: None,
    };
    tx.insert_token(&row).await?;
    let ctx = Ctx::system();
    audit::record(
        &mut tx,
        app,
        &ctx,
        "token.create",
        "user",
        &user.id.to_string(),
        ALLOWED,
        &row.id.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok((token, row))
}

pub async fn revoke_token(app: &App, token_id: Uuid) -> AppResult<()> {
    let mut tx = app.store.write().await?;
    tx.revoke_token(token_id, app.now()).await?;
    audit::record(
        &mut tx,
        app,
        &Ctx::system(),
        "token.revoke",
        "api_token",
        &token_id.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Resolves a bearer token to its user, if valid now.
pub async fn resolve_token(app: &App, token: &str) -> AppResult<Option<(Actor, String)>> {
    let now = app.now();
    let mut tx = app.store.conn().await?;
    let Some(t) = tx.token_by_hash(&sha256_hex(token.as_bytes())).await? else {
        return Ok(None);
    };
    if t.revoked_at.is_some() || t.expires_at <= now {
        return Ok(None);
    }
    let user = tx.user(t.user_id).await?;
    if user.disabled {
        return Ok(None);
    }
    let r = load_actor_with(&mut tx, &user).await?;
    tx.rollback().await?;
    Ok(Some(r))
}
