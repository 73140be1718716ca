//! Sessions: resolving a cookie (cached for a few seconds), signing out, and the actor
//! (user and memberships) access is decided on.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use handoff_domain::policy::{Actor, Membership};
use handoff_domain::{OrgKind, Role};
use handoff_storage::{Tx, UserRow};
use uuid::Uuid;

use super::sign_in::*;
use crate::audit::{self, ALLOWED, Ctx};
use crate::util::sha256_hex;
use crate::{App, AppResult};

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
pub(crate) struct CachedSession {
    fetched: std::time::Instant,
    info: SessionInfo,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
}

pub(crate) const SESSION_CACHE: std::time::Duration = std::time::Duration::from_secs(5);
pub(crate) const SESSION_CACHE_MAX: usize = 10_000;

impl SessionCache {
    pub(crate) fn get(&self, hash: &str) -> Option<CachedSession> {
        let g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        g.get(hash)
            .filter(|c| c.fetched.elapsed() < SESSION_CACHE)
            .cloned()
    }
    pub(crate) fn put(&self, hash: String, c: CachedSession) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if g.len() >= SESSION_CACHE_MAX {
            g.retain(|_, v| v.fetched.elapsed() < SESSION_CACHE);
            if g.len() >= SESSION_CACHE_MAX {
                g.clear();
            }
        }
        g.insert(hash, c);
    }
    pub(crate) fn forget(&self, hash: &str) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        g.remove(hash);
    }
    pub(crate) fn forget_user(&self, user_id: Uuid) {
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
