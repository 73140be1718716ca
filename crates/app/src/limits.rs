//! API rate limits (issue 13): requests per minute for one token and for one user, as the
//! program's settings say. A request over a limit is refused with the seconds until the
//! next minute; the first refusal of a minute is audited, the others are not (a client in a
//! loop does not flood the trail). The counts sit behind `Counter`: in this process today;
//! in the database when several servers share one, without changing the callers.
use std::collections::HashMap;
use std::sync::Mutex;

use handoff_i18n::staff_with;
use sha2::{Digest, Sha256};

use crate::audit::{self, Ctx, DENIED};
use crate::{App, AppError, AppResult};

pub const DEFAULT_PER_TOKEN: i64 = 600;
pub const DEFAULT_PER_USER: i64 = 1200;
/// The most a program may allow (a mistyped setting cannot remove the limit).
pub const MAX_PER_MINUTE: i64 = 100_000;

/// What counting one more request in a window says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Within,
    /// Over the limit; `first` for the first refusal of the window.
    Over {
        first: bool,
    },
}

/// Request counts per key and minute.
pub trait Counter: Send + Sync {
    /// Counts one request for `key` in `window` against `limit`.
    fn hit(&self, key: &str, window: i64, limit: u64) -> Count;
}

/// The counts of this process: one entry per key, for the current window only.
#[derive(Default)]
pub struct InMemory {
    counts: Mutex<HashMap<String, (i64, u64)>>,
}

impl Counter for InMemory {
    fn hit(&self, key: &str, window: i64, limit: u64) -> Count {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if counts.len() > 100_000 {
            counts.retain(|_, (w, _)| *w == window);
        }
        let entry = counts.entry(key.to_string()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        entry.1 += 1;
        if entry.1 <= limit {
            Count::Within
        } else {
            Count::Over {
                first: entry.1 == limit + 1,
            }
        }
    }
}

/// Counts an API request of `ctx` made with `token` against the program's limits:
/// `AppError::Limited` over either of them.
pub async fn check(app: &App, ctx: &Ctx, token: &str) -> AppResult<()> {
    // No program, no limits to read (and nothing the API will show them).
    let Some(pid) = ctx.program_id() else {
        return Ok(());
    };
    let data = app.program_data(pid).await?;
    let now = app.now().timestamp();
    let window = now.div_euclid(60);
    let retry_after = u64::try_from(60 - now.rem_euclid(60)).unwrap_or(60).max(1);
    let token_key = format!("token:{:x}", Sha256::digest(token.as_bytes()));
    let user_key = format!("user:{}", ctx.actor.user_id);
    let limit = |n: i64| u64::try_from(n.clamp(1, MAX_PER_MINUTE)).unwrap_or(1);
    for (key, per_minute, what) in [
        (token_key, data.program.api_token_per_minute, "token"),
        (user_key, data.program.api_user_per_minute, "user"),
    ] {
        if let Count::Over { first } = app.limits.hit(&key, window, limit(per_minute)) {
            if first {
                let mut tx = app.store.write().await?;
                audit::record(
                    &mut tx,
                    app,
                    ctx,
                    "api.rate_limited",
                    "program",
                    &pid.to_string(),
                    DENIED,
                    &format!("over {per_minute} requests a minute for this {what}"),
                )
                .await?;
                tx.commit().await?;
            }
            return Err(AppError::Limited { retry_after });
        }
    }
    Ok(())
}

/// Sets a program's limits (administrators, from the command line).
pub async fn set(app: &App, program: uuid::Uuid, per_token: i64, per_user: i64) -> AppResult<()> {
    let mut errors = handoff_domain::FieldErrors::new();
    for (field, n) in [("per_token", per_token), ("per_user", per_user)] {
        if !(1..=MAX_PER_MINUTE).contains(&n) {
            errors.add(
                field,
                staff_with(
                    "err-limits-per-minute",
                    &[("max", MAX_PER_MINUTE.to_string().into())],
                ),
            );
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = app.store.write().await?;
    tx.set_api_limits(program, per_token, per_user).await?;
    tx.commit().await?;
    app.forget_program(program);
    Ok(())
}
