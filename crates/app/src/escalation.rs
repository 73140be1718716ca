//! A provider's escalation list (issue 17, ADR 0019): who is paged after those on shift and
//! before the program's coordinators, in order, kept by the provider's own staff (and the
//! program's coordinators and administrators). One may be a contact without an account:
//! a link-only user, who cannot sign in, holds a case manager's membership of the
//! provider so that the access policy decides for them as for its staff, and acts only
//! through the one-tap links in the pages they receive.
use handoff_domain::FieldErrors;
use handoff_domain::policy::roster_scope;
use handoff_domain::{OrgKind, Role};
use handoff_i18n::staff;
use handoff_storage::{ContactRow, MembershipRow, UserRow};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::{App, AppError, AppResult};

/// Someone on a list: (user, name, position, a contact without an account).
pub type Line = (Uuid, String, i64, bool);

/// What was typed on the list's forms.
#[derive(Debug, Clone, Default)]
pub struct EscalationInput {
    /// `add_staff`, `add_contact` or `remove`.
    pub action: String,
    pub organization: String,
    /// The staff member to add, or the person to remove.
    pub user: String,
    /// A new contact's name, channel and address.
    pub name: String,
    pub channel: String,
    pub address: String,
    /// Their place on the list, 1 first.
    pub position: String,
}

/// Adds to or removes from a provider's list, in one transaction with its audit record.
pub async fn change(app: &App, ctx: &Ctx, input: &EscalationInput) -> AppResult<()> {
    let pid = ctx.require_program()?;
    let Some(scope) = roster_scope(&ctx.actor, pid) else {
        return Err(audit::deny(app, ctx, "escalation.change", "program", &pid.to_string()).await);
    };
    let org_id = Uuid::parse_str(input.organization.trim())
        .map_err(|_| AppError::field("organization", staff("err-escalation-provider")))?;
    if !scope.covers(org_id) {
        return Err(audit::deny(
            app,
            ctx,
            "escalation.change",
            "organization",
            &org_id.to_string(),
        )
        .await);
    }
    let now = app.now();
    // A new contact's password nobody knows, hashed before the transaction takes the writer.
    let hash = if input.action == "add_contact" {
        let secret = crate::util::random_token(32)?;
        Some(crate::auth::on_hash_thread(move || crate::auth::hash_password(&secret)).await??)
    } else {
        None
    };
    let mut tx = app.store.write().await?;
    let org = match tx.org(org_id).await {
        Ok(o)
            if o.program_id == pid
                && OrgKind::parse(&o.kind).is_some_and(OrgKind::receives_referrals) =>
        {
            o
        }
        _ => {
            tx.rollback().await?;
            return Err(AppError::field(
                "organization",
                staff("err-escalation-provider-of-program"),
            ));
        }
    };
    let position = || -> AppResult<i64> {
        match input.position.trim().parse::<i64>() {
            Ok(n) if (1..=20).contains(&n) => Ok(n - 1),
            _ if input.position.trim().is_empty() => Ok(0),
            _ => Err(AppError::field(
                "position",
                staff("err-escalation-position"),
            )),
        }
    };
    let (action, detail) = match input.action.as_str() {
        "add_staff" => {
            let position = position()?;
            let user = Uuid::parse_str(input.user.trim()).ok();
            let members = match user {
                Some(u) => tx.memberships_of(u).await?,
                None => Vec::new(),
            };
            let Some(user) = user.filter(|_| {
                members.iter().any(|m| {
                    m.organization_id == org.id
                        && Role::SERVICE.iter().any(|r| r.as_str() == m.role)
                })
            }) else {
                tx.rollback().await?;
                return Err(AppError::field("user", staff("err-escalation-user")));
            };
            tx.add_escalation(org.id, user, position, Some(ctx.actor.user_id), now)
                .await?;
            ("escalation.add", user.to_string())
        }
        "add_contact" => {
            let mut e = FieldErrors::new();
            let name = input.name.trim();
            if name.is_empty() || name.chars().count() > 200 {
                e.add("name", staff("err-escalation-contact-name"));
            }
            let checked = crate::contacts::checked(&input.channel, &input.address);
            if let Err(AppError::Invalid(f)) = &checked {
                e.0.extend(f.0.clone());
            }
            let position = position();
            if let Err(AppError::Invalid(f)) = &position {
                e.0.extend(f.0.clone());
            }
            let (Ok((channel, address)), Ok(position), true) = (checked, position, e.is_empty())
            else {
                tx.rollback().await?;
                return Err(AppError::Invalid(e));
            };
            // A password nobody knows: the contact never signs in (and is refused if tried).
            let Some(hash) = hash else {
                tx.rollback().await?;
                return Err(AppError::Internal("no password hash".into()));
            };
            let user = UserRow::new(
                format!("contact-{}", &Uuid::now_v7().simple().to_string()[20..]),
                name.to_string(),
                hash,
                now,
            );
            tx.insert_user(&user).await?;
            tx.insert_membership(&MembershipRow {
                id: Uuid::now_v7(),
                user_id: user.id,
                organization_id: org.id,
                program_id: pid,
                role: Role::CaseManager.as_str().into(),
                created_at: now,
            })
            .await?;
            tx.add_link_only(user.id, org.id, Some(ctx.actor.user_id), now)
                .await?;
            tx.add_contact(&ContactRow {
                id: Uuid::now_v7(),
                user_id: user.id,
                channel: channel.clone(),
                address,
                position: 0,
                created_at: now,
            })
            .await?;
            tx.add_escalation(org.id, user.id, position, Some(ctx.actor.user_id), now)
                .await?;
            ("escalation.add_contact", format!("{} ({channel})", user.id))
        }
        "remove" => {
            let user = Uuid::parse_str(input.user.trim()).map_err(|_| AppError::NotFound)?;
            match tx.remove_escalation(org.id, user).await {
                Ok(()) => {}
                Err(handoff_storage::StoreError::NotFound) => {
                    tx.rollback().await?;
                    return Err(AppError::NotFound);
                }
                Err(e) => return Err(e.into()),
            }
            ("escalation.remove", user.to_string())
        }
        _ => {
            tx.rollback().await?;
            return Err(AppError::field("action", staff("err-escalation-action")));
        }
    };
    audit::record(
        &mut tx,
        app,
        ctx,
        action,
        "organization",
        &org.id.to_string(),
        ALLOWED,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
