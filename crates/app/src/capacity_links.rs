//! One-tap capacity links (issue 17, ADR 0019): the morning reminder of a capacity gone
//! stale carries a link that updates that one capacity and nothing else, as the person it
//! was sent to (whose right to update it is checked as ever), for 72 hours or until a
//! coordinator withdraws the program's links. Every open is audited with the address;
//! every update by the capacity's own audit record.
use chrono::{DateTime, Duration, Utc};
use handoff_domain::FieldErrors;
use handoff_storage::{CapacityLinkRow, Stmt};
use uuid::Uuid;

use crate::audit::{self, ALLOWED};
use crate::directory::capacity::{CapacityLine, Change};
use crate::links::{Refused, ctx_for, token_shaped};
use crate::util::sha256_hex;
use crate::{App, AppResult};

pub const HOURS: i64 = 72;

/// A new link for `user` to update `capacity`: its token (for the message) and the row.
pub fn issue(
    program_id: Uuid,
    capacity_id: Uuid,
    user: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(String, Stmt)> {
    let token = crate::util::random_token(32)?;
    let row = CapacityLinkRow {
        id: Uuid::now_v7(),
        program_id,
        token_hash: sha256_hex(token.as_bytes()),
        capacity_id,
        user_id: user,
        created_at: now,
        expires_at: now + Duration::hours(HOURS),
        revoked_at: None,
        revoked_by: None,
    };
    Ok((token, Stmt::capacity_link(&row)))
}

async fn find(app: &App, token: &str) -> AppResult<Result<CapacityLinkRow, Refused>> {
    if !token_shaped(token) {
        return Ok(Err(Refused::Unknown));
    }
    let mut tx = app.store.read().await?;
    let link = tx
        .capacity_link_by_hash(&sha256_hex(token.as_bytes()))
        .await?;
    tx.rollback().await?;
    let now = app.now();
    Ok(match link {
        None => Err(Refused::Unknown),
        Some(l) if l.revoked_at.is_some() => Err(Refused::Withdrawn),
        Some(l) if l.expires_at <= now => Err(Refused::Expired),
        Some(l) => Ok(l),
    })
}

/// What a capacity link's page shows: the service, its capacity now, until when the link
/// works.
pub struct CapacityLinkView {
    pub line: CapacityLine,
    pub expires_at: DateTime<Utc>,
    pub tz: chrono_tz::Tz,
}

/// Opens a link, audited with the address; the capacity as the person may see it.
pub async fn open(
    app: &App,
    token: &str,
    ip: &str,
    user_agent: &str,
) -> AppResult<Result<CapacityLinkView, Refused>> {
    let link = match find(app, token).await? {
        Ok(l) => l,
        Err(why) => return Ok(Err(why)),
    };
    let ctx = ctx_for(app, link.user_id, ip, user_agent).await?;
    // Confirming nothing: reading it through the same check an update passes.
    let mine = crate::directory::capacity::mine(app, &ctx).await?;
    let Some(line) = mine.into_iter().find(|l| l.id == link.capacity_id) else {
        return Ok(Err(Refused::Unknown));
    };
    let mut tx = app.store.write().await?;
    let (_, tz) = crate::case::load_program(&mut tx, link.program_id).await?;
    audit::record(
        &mut tx,
        app,
        &ctx,
        "capacity_link.open",
        "capacity",
        &link.capacity_id.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(CapacityLinkView {
        line,
        expires_at: link.expires_at,
        tz,
    }))
}

/// Updates the link's one capacity, as the person it was sent to.
pub async fn act(
    app: &App,
    token: &str,
    change: Result<Change, FieldErrors>,
    ip: &str,
    user_agent: &str,
) -> AppResult<Result<CapacityLine, Refused>> {
    let link = match find(app, token).await? {
        Ok(l) => l,
        Err(why) => return Ok(Err(why)),
    };
    let ctx = ctx_for(app, link.user_id, ip, user_agent).await?;
    let ctx = crate::Ctx {
        user_agent: format!("one-tap capacity link; {}", ctx.user_agent),
        ..ctx
    };
    crate::directory::capacity::update(app, &ctx, link.capacity_id, change)
        .await
        .map(Ok)
}
