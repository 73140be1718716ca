//! Partners' own systems told of their referrals (ADR 0020): an administrator gives a
//! partner organization an endpoint; each step of a referral to it (created, acknowledged,
//! every later step) is an event in the outbox, written in the step's transaction and
//! signed per Standard Webhooks when sent. An event carries the referral's id, its status,
//! the step and a link that needs signing in; never a name, an offense or anything of
//! another organization: the partner's system reads more through the API, as its user.
use chrono::{DateTime, Utc};
use handoff_domain::FieldErrors;
use handoff_domain::policy::ProgramAction;
use handoff_i18n::{staff, staff_with};
use handoff_storage::{MessageRow, MessageState, ReferralRow, Stmt, Tx, WebhookRow};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::channels::http::{BadAddress, Target, is_private};
use crate::channels::webhook::new_secret;
use crate::{App, AppError, AppResult};

/// The outbox rows of one event of a referral, one per live endpoint of the receiving
/// organization. `step` names a later step (accept, arrived, ...); each event's dedupe key
/// is its referral, kind and time, so a retried action writes it once.
pub(crate) async fn referral_event(
    tx: &mut Tx,
    app: &App,
    r: &ReferralRow,
    kind: &str,
    step: Option<&str>,
    at: DateTime<Utc>,
) -> AppResult<Vec<Stmt>> {
    let endpoints = tx.live_webhooks(r.to_org_id).await?;
    if endpoints.is_empty() {
        return Ok(Vec::new());
    }
    let public = app.settings.public_url.trim_end_matches('/');
    let body = serde_json::json!({
        "type": format!("referral.{kind}"),
        "timestamp": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": {
            "referral_id": r.id,
            "organization_id": r.to_org_id,
            "status": r.status,
            "business_status": r.business_status,
            "step": step,
            "mode": r.mode,
            "acknowledged": r.acknowledged_at.is_some(),
            "link": format!("{public}/referrals/{}", r.id),
        }
    })
    .to_string();
    Ok(endpoints
        .into_iter()
        .map(|(id, url)| {
            Stmt::message(&event_row(
                r.program_id,
                id,
                url,
                format!("hook:{id}:{}:{kind}:{}", r.id, at.timestamp_micros()),
                format!("referral.{kind}"),
                body.clone(),
                ("referral", Some(r.id)),
                // Due now (a step's own time may be a microsecond ahead of the clock).
                app.now(),
            ))
        })
        .collect())
}

#[allow(clippy::too_many_arguments)] // one row's own fields
fn event_row(
    program_id: Uuid,
    endpoint: Uuid,
    url: String,
    dedupe_key: String,
    subject: String,
    body: String,
    cause: (&str, Option<Uuid>),
    now: DateTime<Utc>,
) -> MessageRow {
    MessageRow {
        program_id,
        dedupe_key,
        channel: "webhook".into(),
        recipient_kind: "endpoint".into(),
        recipient_id: Some(endpoint),
        address: url,
        subject,
        body,
        cause_kind: cause.0.into(),
        cause_id: cause.1,
        ..MessageRow::queued(now)
    }
}

/// What the administrator's page shows: each endpoint, its organization's name and how
/// the latest message to it went.
pub struct Endpoints {
    pub lines: Vec<(WebhookRow, String, Option<MessageState>)>,
    pub orgs: Vec<(Uuid, String)>,
}

pub async fn list(app: &App, ctx: &Ctx) -> AppResult<Endpoints> {
    let pid = ctx.require_program()?;
    crate::admin::guard(app, ctx, ProgramAction::ManageWebhooks, "webhooks.read").await?;
    let data = app.program_data(pid).await?;
    let name = |id: Uuid| {
        data.orgs
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let mut tx = app.store.read().await?;
    let mut lines = Vec::new();
    for w in tx.webhooks_of(pid).await? {
        let last = tx.last_message_to(w.id).await?;
        let org = name(w.organization_id);
        lines.push((w, org, last));
    }
    tx.rollback().await?;
    Ok(Endpoints {
        lines,
        orgs: data.orgs.iter().map(|o| (o.id, o.name.clone())).collect(),
    })
}

/// Why a typed address cannot be an endpoint, as the form says it.
fn bad_address(why: &BadAddress) -> String {
    match why {
        BadAddress::NotHttp(url) => staff_with("err-webhooks-url-not-http", &[("url", url.into())]),
        BadAddress::Credentials => staff("err-webhooks-url-credentials"),
        BadAddress::Port(p) => staff_with("err-webhooks-url-port", &[("port", p.into())]),
        BadAddress::Unusable(url) => {
            staff_with("err-webhooks-url-unusable", &[("url", url.into())])
        }
    }
}

/// Adds an endpoint for a partner organization; returns its signing secret, shown once.
pub async fn add(app: &App, ctx: &Ctx, organization: &str, url: &str) -> AppResult<String> {
    let pid = ctx.require_program()?;
    crate::admin::guard(app, ctx, ProgramAction::ManageWebhooks, "webhook.add").await?;
    let data = app.program_data(pid).await?;
    let url = url.trim();
    let mut e = FieldErrors::new();
    let org = Uuid::parse_str(organization.trim())
        .ok()
        .filter(|id| data.orgs.iter().any(|o| o.id == *id));
    if org.is_none() {
        e.add("organization", staff("err-webhooks-partner"));
    }
    match Target::read(url) {
        Err(why) => e.add("url", bad_address(&why)),
        Ok(t) if !t.tls && !is_private(&t.host) => e.add("url", staff("err-webhooks-https")),
        Ok(_) if url.len() > 2000 => e.add("url", staff("err-webhooks-too-long")),
        Ok(_) => {}
    }
    let (Some(org), true) = (org, e.is_empty()) else {
        return Err(AppError::Invalid(e));
    };
    let secret = new_secret().map_err(AppError::Internal)?;
    let row = WebhookRow {
        id: Uuid::now_v7(),
        program_id: pid,
        organization_id: org,
        url: url.to_string(),
        secret: secret.clone(),
        created_at: app.now(),
        created_by: Some(ctx.actor.user_id),
        disabled_at: None,
    };
    let mut tx = app.store.write().await?;
    tx.add_webhook(&row).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "webhook.add",
        "webhook",
        &row.id.to_string(),
        ALLOWED,
        url,
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

/// Stops an endpoint: nothing more is sent to it, and its queued events fail.
pub async fn disable(app: &App, ctx: &Ctx, id: Uuid) -> AppResult<()> {
    let pid = ctx.require_program()?;
    crate::admin::guard(app, ctx, ProgramAction::ManageWebhooks, "webhook.disable").await?;
    let mut tx = app.store.write().await?;
    match tx.disable_webhook(id, pid, app.now()).await {
        Ok(()) => {}
        Err(handoff_storage::StoreError::NotFound) => {
            tx.rollback().await?;
            return Err(AppError::NotFound);
        }
        Err(e) => return Err(e.into()),
    }
    audit::record(
        &mut tx,
        app,
        ctx,
        "webhook.disable",
        "webhook",
        &id.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sends an endpoint a test event (`webhook.test`, no referral), one a minute.
pub async fn test(app: &App, ctx: &Ctx, id: Uuid) -> AppResult<()> {
    let pid = ctx.require_program()?;
    crate::admin::guard(app, ctx, ProgramAction::ManageWebhooks, "webhook.test").await?;
    let now = app.now();
    let mut tx = app.store.write().await?;
    let Some(w) = tx
        .webhooks_of(pid)
        .await?
        .into_iter()
        .find(|w| w.id == id && w.disabled_at.is_none())
    else {
        tx.rollback().await?;
        return Err(AppError::NotFound);
    };
    let body = serde_json::json!({
        "type": "webhook.test",
        "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": { "organization_id": w.organization_id }
    })
    .to_string();
    let row = event_row(
        pid,
        w.id,
        w.url,
        format!("hooktest:{id}:{}", now.timestamp() / 60),
        "webhook.test".into(),
        body,
        ("test", Some(id)),
        now,
    );
    tx.run(&[Stmt::message(&row)]).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "webhook.test",
        "webhook",
        &id.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
