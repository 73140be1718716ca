//! Where a staff member is paged (ADR 0019): their own contact points, in order, kept by
//! themselves. Email only for now; sealed at rest; every change audited.
use handoff_domain::FieldErrors;
use handoff_storage::ContactRow;
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::{App, AppError, AppResult};

/// At most this many contact points per person.
pub const MAX: usize = 5;

pub async fn mine(app: &App, ctx: &Ctx) -> AppResult<Vec<ContactRow>> {
    let mut tx = app.store.read().await?;
    let rows = tx.contacts_of(ctx.actor.user_id).await?;
    tx.rollback().await?;
    Ok(rows)
}

/// Adds an email address the user is paged at, after those they have.
pub async fn add(app: &App, ctx: &Ctx, address: &str) -> AppResult<()> {
    let address = address.trim();
    let mut e = FieldErrors::new();
    if address.is_empty() {
        e.add("address", "Type the email address you want pages sent to.");
    } else if address.chars().count() > 254 || address.parse::<lettre::Address>().is_err() {
        e.add(
            "address",
            "That is not an email address (like name@agency.org).",
        );
    }
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let mut tx = app.store.write().await?;
    let have = tx.contacts_of(ctx.actor.user_id).await?;
    if have.iter().any(|c| c.address.eq_ignore_ascii_case(address)) {
        tx.rollback().await?;
        return Err(AppError::field("address", "You are paged there already."));
    }
    if have.len() >= MAX {
        tx.rollback().await?;
        return Err(AppError::field(
            "address",
            format!("At most {MAX} addresses: remove one first."),
        ));
    }
    let row = ContactRow {
        id: Uuid::now_v7(),
        user_id: ctx.actor.user_id,
        channel: "email".into(),
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
        "email",
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
