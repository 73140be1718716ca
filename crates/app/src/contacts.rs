//! Where a staff member is paged (ADR 0019, 0020): their own contact points (email, or a
//! phone for texts), in order, kept by themselves; sealed at rest; every change audited.
//! Each can be tested: a test message goes through the outbox like a page.
use handoff_domain::FieldErrors;
use handoff_storage::{ContactRow, MessageRow, MessageState, Stmt};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::{App, AppError, AppResult};
use handoff_i18n::{staff, staff_with};

/// At most this many contact points per person.
pub const MAX: usize = 5;

pub async fn mine(app: &App, ctx: &Ctx) -> AppResult<Vec<ContactRow>> {
    let mut tx = app.store.read().await?;
    let rows = tx.contacts_of(ctx.actor.user_id).await?;
    tx.rollback().await?;
    Ok(rows)
}

/// A contact point as typed, checked: (channel, address). Email as is; a mobile number in
/// E.164; by field otherwise.
pub(crate) fn checked(channel: &str, address: &str) -> AppResult<(String, String)> {
    let typed = address.trim();
    // The form always says which; email when nothing does.
    let channel = if channel.is_empty() { "email" } else { channel };
    let mut e = FieldErrors::new();
    let address = match channel {
        "email" if typed.is_empty() => {
            e.add("address", staff("err-contacts-email-empty"));
            String::new()
        }
        "email" if typed.chars().count() > 254 || typed.parse::<lettre::Address>().is_err() => {
            e.add("address", staff("err-contacts-email-invalid"));
            String::new()
        }
        "email" => typed.to_string(),
        "sms" => match crate::channels::sms::e164(typed) {
            Some(n) => n,
            None => {
                e.add("address", staff("err-contacts-mobile-invalid"));
                String::new()
            }
        },
        _ => {
            e.add("channel", staff("err-contacts-channel"));
            String::new()
        }
    };
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    Ok((channel.to_string(), address))
}

/// Adds an address the user is paged at, after those they have: an email address, or a
/// mobile number (E.164) for texts.
pub async fn add(app: &App, ctx: &Ctx, channel: &str, address: &str) -> AppResult<()> {
    let (channel, address) = checked(channel, address)?;
    let (channel, address) = (channel.as_str(), address.as_str());
    let mut tx = app.store.write().await?;
    let have = tx.contacts_of(ctx.actor.user_id).await?;
    if have.iter().any(|c| c.address.eq_ignore_ascii_case(address)) {
        tx.rollback().await?;
        return Err(AppError::field("address", staff("err-contacts-duplicate")));
    }
    if have.len() >= MAX {
        tx.rollback().await?;
        return Err(AppError::field(
            "address",
            staff_with("err-contacts-too-many", &[("max", MAX.into())]),
        ));
    }
    let row = ContactRow {
        id: Uuid::now_v7(),
        user_id: ctx.actor.user_id,
        channel: channel.to_string(),
        address: address.to_string(),
        position: have.iter().map(|c| c.position + 1).max().unwrap_or(0),
        created_at: app.now(),
    };
    tx.add_contact(&row).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "contact.add",
        "user",
        &ctx.actor.user_id.to_string(),
        ALLOWED,
        channel,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes one of the user's own contact points.
pub async fn remove(app: &App, ctx: &Ctx, id: Uuid) -> AppResult<()> {
    let mut tx = app.store.write().await?;
    match tx.remove_contact(id, ctx.actor.user_id).await {
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
        "contact.remove",
        "user",
        &ctx.actor.user_id.to_string(),
        ALLOWED,
        &id.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sends the user a test message at one of their own addresses, through the outbox like a
/// page (one a minute per address); how it went shows beside the address.
pub async fn test(app: &App, ctx: &Ctx, id: Uuid) -> AppResult<()> {
    let pid = ctx.require_program()?;
    let now = app.now();
    let mut tx = app.store.write().await?;
    let Some(c) = tx
        .contacts_of(ctx.actor.user_id)
        .await?
        .into_iter()
        .find(|c| c.id == id)
    else {
        tx.rollback().await?;
        return Err(AppError::NotFound);
    };
    let staff = app.texts().staff();
    let m = MessageRow {
        program_id: pid,
        dedupe_key: format!("test:{id}:{}", now.timestamp() / 60),
        channel: c.channel.clone(),
        recipient_kind: "user".into(),
        recipient_id: Some(ctx.actor.user_id),
        address: c.address,
        subject: staff.t("test-subject"),
        body: staff.t("test-body"),
        cause_kind: "test".into(),
        cause_id: Some(id),
        ..MessageRow::queued(now)
    };
    tx.run(&[Stmt::message(&m)]).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "contact.test",
        "user",
        &ctx.actor.user_id.to_string(),
        ALLOWED,
        &c.channel,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The latest test of each of the user's addresses: (contact, state, error).
pub async fn tests_of(app: &App, contacts: &[ContactRow]) -> AppResult<Vec<(Uuid, MessageState)>> {
    let mut tx = app.store.read().await?;
    let mut out = Vec::new();
    for c in contacts {
        if let Some(m) = tx.messages_for(c.id).await?.pop() {
            out.push((c.id, m));
        }
    }
    tx.rollback().await?;
    Ok(out)
}
