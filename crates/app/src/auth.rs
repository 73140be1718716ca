//! Password sign-in (argon2id), server-side sessions and API tokens.
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use handoff_domain::policy::{Actor, Membership};
use handoff_domain::{OrgKind, Role};
use handoff_storage::{SessionRow, TokenRow, Tx, UserRow};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx, FAILED};
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

/// Failed sign-ins per address within the lockout window (this server's memory).
#[derive(Clone, Default)]
pub struct AddressThrottle(Arc<Mutex<HashMap<String, Failures>>>);

/// The window's start and the failures in it.
type Failures = (DateTime<Utc>, u32);

impl AddressThrottle {
    fn window(app: &App) -> Duration {
        Duration::minutes(app.settings.lockout_window_minutes)
    }

    fn blocked(&self, app: &App, ip: &str, now: DateTime<Utc>) -> bool {
        let g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        g.get(ip).is_some_and(|(since, n)| {
            now - *since < Self::window(app) && *n >= app.settings.address_failures
        })
    }

    fn failed(&self, app: &App, ip: &str, now: DateTime<Utc>) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if g.len() > 100_000 {
            let w = Self::window(app);
            g.retain(|_, (since, _)| now - *since < w);
        }
        let e = g.entry(ip.to_string()).or_insert((now, 0));
        if now - e.0 >= Self::window(app) {
            *e = (now, 0);
        }
        e.1 += 1;
    }
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
}

/// Signs in with a password. Every attempt, success or failure, is audited.
pub async fn sign_in(
    app: &App,
    username: &str,
    password: &str,
    ip: &str,
    ua: &str,
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
    if app.throttle.blocked(app, ip, now) {
        // Not checked, and counted against no account: an attacker cannot lock officers
        // out from one address.
        audit::alone(
            app,
            &ctx,
            "auth.sign_in",
            "user",
            &name,
            FAILED,
            "throttled",
        )
        .await?;
        return Err(AppError::Invalid(handoff_domain::FieldErrors::single(
            "password",
            throttled_message(app),
        )));
    }
    let user = {
        let mut tx = app.store.read().await?;
        let u = tx.user_by_name(&name).await?;
        tx.rollback().await?;
        u
    };
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
        Some(u) if u.locked_at.is_some() => Some("account locked"),
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
                    &mut tx,
                    app,
                    &ctx,
                    "user.lock",
                    "user",
                    &u.id.to_string(),
                    ALLOWED,
                    &format!("{count} failed sign-ins"),
                )
                .await?;
            }
            Some("wrong password")
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
            app.throttle.failed(app, ip, now);
            return Err(refused());
        }
    };
    if user.failed_count != 0 {
        tx.set_sign_in_failures(user.id, 0, None, None).await?;
    }
    let token = random_token(32)?;
    let csrf = random_token(24)?;
    tx.insert_session(&SessionRow {
        id_hash: sha256_hex(token.as_bytes()),
        user_id: user.id,
        csrf_token: csrf.clone(),
        created_at: now,
        last_seen_at: now,
    })
    .await?;
    tx.set_last_sign_in(user.id, now).await?;
    audit::record(
        &mut tx,
        app,
        &ctx,
        "auth.sign_in",
        "user",
        &user.id.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(NewSession { token, csrf })
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
