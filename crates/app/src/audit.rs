//! Who did what to which record, when, from where, and whether it was allowed. Writes
//! go in the action's own transaction; a denial is written in a transaction of its own
//! (the action's is rolled back) and committed before the "not found" answer is sent.
use handoff_domain::policy::Actor;
use handoff_storage::{NewAudit, Tx};
use uuid::Uuid;

use crate::{App, AppError, AppResult};

/// The signed-in user and where the request came from.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Actor,
    pub display_name: String,
    pub ip: String,
    pub user_agent: String,
}

impl Ctx {
    /// The program the user works in (the first of their memberships).
    pub fn program_id(&self) -> Option<Uuid> {
        self.actor.memberships.first().map(|m| m.program_id)
    }

    pub fn require_program(&self) -> AppResult<Uuid> {
        self.program_id().ok_or(AppError::NotFound)
    }

    /// The system itself (the worker), for audit records.
    pub fn system() -> Ctx {
        Ctx {
            actor: Actor {
                user_id: Uuid::nil(),
                username: "system".into(),
                memberships: vec![],
            },
            display_name: "Handoff".into(),
            ip: "-".into(),
            user_agent: "handoff-worker".into(),
        }
    }

    /// The operator at the server's console (`handoff user ...`), for audit records.
    pub fn console() -> Ctx {
        Ctx {
            actor: Actor {
                user_id: Uuid::nil(),
                username: "console".into(),
                memberships: vec![],
            },
            display_name: "Server console".into(),
            ip: "-".into(),
            user_agent: "handoff command line".into(),
        }
    }

    fn user_id(&self) -> Option<Uuid> {
        (!self.actor.user_id.is_nil()).then_some(self.actor.user_id)
    }
}

pub const ALLOWED: &str = "allowed";
pub const DENIED: &str = "denied";
pub const FAILED: &str = "failed";

/// An audit record to write with other statements of the action.
pub fn entry(
    app: &App,
    ctx: &Ctx,
    action: &str,
    kind: &str,
    id: &str,
    outcome: &str,
    detail: &str,
) -> NewAudit {
    NewAudit {
        at: app.now(),
        user_id: ctx.user_id(),
        username: ctx.actor.username.clone(),
        action: action.into(),
        resource_kind: kind.into(),
        resource_id: id.into(),
        outcome: outcome.into(),
        ip: ctx.ip.clone(),
        user_agent: ctx.user_agent.chars().take(300).collect(),
        detail: detail.into(),
    }
}

#[allow(clippy::too_many_arguments)] // one audit record has this many parts
pub async fn record(
    tx: &mut Tx,
    app: &App,
    ctx: &Ctx,
    action: &str,
    kind: &str,
    id: &str,
    outcome: &str,
    detail: &str,
) -> AppResult<()> {
    tx.insert_audit(&entry(app, ctx, action, kind, id, outcome, detail))
        .await?;
    Ok(())
}

/// Writes one audit record in a transaction of its own (for reads that happen outside an
/// action's write transaction).
/// The column name sealed parts of audit details are encrypted for.
const DETAIL: &str = "audit_log.detail";

/// A part of an audit record's detail that names a person (what a responder searched for),
/// encrypted like other identity (ADR 0009) and shown decrypted to those who search the
/// trail (`reveal`). The record's seal in the hash chain covers the ciphertext.
pub fn sealed(app: &App, plain: &str) -> AppResult<String> {
    Ok(format!("[{}]", app.store.seal_value(DETAIL, plain)?))
}

/// An audit detail with its sealed parts decrypted (a part the key file can no longer
/// open is shown as such).
pub fn reveal(app: &App, detail: &str) -> String {
    let mut out = String::new();
    let mut rest = detail;
    while let Some(i) = rest.find("[e1:") {
        let Some(end) = rest[i..].find(']') else {
            break;
        };
        out.push_str(&rest[..i]);
        let stored = &rest[i + 1..i + end];
        match app.store.open_value(DETAIL, stored) {
            Ok(plain) => out.push_str(&plain),
            Err(_) => out.push_str("(sealed with a key no longer in the key file)"),
        }
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    out
}

/// The client's own address in a recorded address: a request through a trusted proxy is
/// recorded as `client via proxy` (both kept), and throttles key on the client.
pub fn client_address(recorded: &str) -> &str {
    recorded.split(' ').next().unwrap_or(recorded)
}

pub async fn alone(
    app: &App,
    ctx: &Ctx,
    action: &str,
    kind: &str,
    id: &str,
    outcome: &str,
    detail: &str,
) -> AppResult<()> {
    let mut tx = app.store.write().await?;
    record(&mut tx, app, ctx, action, kind, id, outcome, detail).await?;
    tx.commit().await?;
    Ok(())
}

/// Records a denied attempt and answers "not found".
pub async fn deny(app: &App, ctx: &Ctx, action: &str, kind: &str, id: &str) -> AppError {
    let result = async {
        let mut tx = app.store.write().await?;
        record(&mut tx, app, ctx, action, kind, id, DENIED, "").await?;
        tx.commit().await?;
        Ok::<(), AppError>(())
    }
    .await;
    if let Err(e) = result {
        tracing::error!(error = %e, "could not write the audit record of a denial");
        return AppError::Internal("audit".into());
    }
    AppError::NotFound
}
