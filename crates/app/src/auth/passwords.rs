//! Passwords: argon2id hashing on one thread, the rules for a new password, user names.
use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use handoff_i18n::{staff, staff_with};

use crate::{App, AppError, AppResult};

pub(crate) type HashJob = Box<dyn FnOnce() + Send>;

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

pub(crate) fn verify(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash checked when the user does not exist, so that unknown and known names take
/// the same time.
pub(crate) fn dummy_hash() -> &'static str {
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
            staff_with(
                "err-auth-password-short",
                &[("min", app.settings.min_password_length.into())],
            ),
        ));
    }
    if password.len() > 1024 {
        return Err(AppError::field("password", staff("err-auth-password-long")));
    }
    if is_banned(password) {
        return Err(AppError::field(
            "password",
            staff("err-auth-password-common"),
        ));
    }
    Ok(())
}

/// The bundled list of common passwords (`data/banned-passwords.txt`).
pub(crate) const BANNED: &str = include_str!("../../../../data/banned-passwords.txt");

pub(crate) fn is_banned(password: &str) -> bool {
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
