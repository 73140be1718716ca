//! The second step: an authenticator code (TOTP) or a recovery code, enrolment, and an
//! administrator's reset.

use chrono::{DateTime, Duration, Utc};
use handoff_domain::policy::Actor;
use handoff_i18n::{staff, staff_with};
use handoff_storage::RecoveryCodeRow;
use uuid::Uuid;

use super::sign_in::*;
use crate::audit::{self, ALLOWED, Ctx, FAILED};
use crate::totp;
use crate::util::sha256_hex;
use crate::{App, AppError, AppResult};

/// Recovery codes given at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// New recovery codes: the codes to show once, and the rows holding their hashes.
pub(crate) fn new_recovery_codes(
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
pub(crate) fn recovery_hash(code: &str) -> String {
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

/// What a refused code says: the English of the staff catalogue's `err-auth-code-refused`
/// (which the code is refused with), kept here for tests to look for.
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
    let expired = || AppError::Conflict(staff("err-auth-sign-in-expired"));
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
            AppError::Conflict(staff_with(
                "err-auth-code-locked-device",
                &[(
                    "minutes",
                    app.settings.lockout_window_minutes.to_string().into(),
                )],
            ))
        } else if locked {
            AppError::Conflict(staff("err-auth-code-locked"))
        } else {
            AppError::field("code", staff("err-auth-code-refused"))
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
        return Err(AppError::field("secret", staff("err-auth-totp-secret")));
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
