//! API tokens: created for a user, revoked, resolved (only their hashes are stored).

use chrono::Duration;
use handoff_domain::policy::Actor;
use handoff_i18n::{staff, staff_with};
use handoff_storage::TokenRow;
use uuid::Uuid;

use super::passwords::*;
use super::sessions::*;
use crate::audit::{self, ALLOWED, Ctx};
use crate::util::{random_token, sha256_hex};
use crate::{App, AppError, AppResult};

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
        return Err(AppError::field("days", staff("err-auth-token-days")));
    }
    let mut tx = app.store.write().await?;
    let user = tx
        .user_by_name(&normalize_username(username))
        .await?
        .ok_or_else(|| {
            AppError::field(
                "user",
                staff_with(
                    "err-auth-token-no-user",
                    &[("username", format!("{username:?}").into())],
                ),
            )
        })?;
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
