//! Safety flags on a person (issue 17, ADR 0021). Each kind on the program's list says who
//! sees it: officer-safety flags reach responders only, never a provider; the others reach
//! everyone who contacts the person and the outbox obeys them. A flag is set and cleared
//! with a reason, from the responder's case page or the provider's referral page, through
//! the access policy of that page; both are audited. Reasons are sealed at rest.
use chrono::{DateTime, Utc};
use handoff_domain::FieldErrors;
use handoff_domain::enums::Role;
use handoff_domain::flags::{self, Audience, Obey};
use handoff_domain::policy::ProgramAction;
use handoff_storage::{EncounterRow, FlagKindRow, FlagRow, Tx};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::{App, AppError, AppResult};
use handoff_i18n::staff;

/// The page a flag is seen and set from: it decides which of the viewer's roles count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The responder's case page: officers, supervisors (and coordinators who read it).
    Responder,
    /// The provider's referral page: case managers and peers.
    Service,
}

impl Side {
    fn roles(self) -> &'static [Role] {
        match self {
            Side::Responder => &[Role::Officer, Role::Supervisor, Role::Coordinator],
            Side::Service => Role::SERVICE,
        }
    }
}

/// A flag as a viewer sees it.
#[derive(Debug, Clone)]
pub struct FlagView {
    pub id: Uuid,
    pub label: String,
    pub audience: Audience,
    pub obey: Obey,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
    pub reason: String,
}

/// The flags in force a viewer may see, and the kinds they may set.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub active: Vec<FlagView>,
    /// (code, label) of the kinds this viewer may set now.
    pub settable: Vec<(String, String)>,
}

/// The viewer's roles in the program that count on this side.
fn roles_on(ctx: &Ctx, program_id: Uuid, side: Side) -> Vec<Role> {
    ctx.actor
        .memberships
        .iter()
        .filter(|m| m.program_id == program_id && side.roles().contains(&m.role))
        .map(|m| m.role)
        .collect()
}

fn audience_of(k: &FlagKindRow) -> Audience {
    // An unknown audience is the narrower one.
    Audience::parse(&k.audience).unwrap_or(Audience::Responders)
}

/// The person's flags in force that the viewer may see, beside the kinds they may set.
pub(crate) async fn view(
    tx: &mut Tx,
    ctx: &Ctx,
    program_id: Uuid,
    participant_id: Uuid,
    side: Side,
) -> AppResult<Flags> {
    let roles = roles_on(ctx, program_id, side);
    let kinds = tx.flag_kinds(program_id).await?;
    let sees = |a: Audience| roles.iter().any(|r| flags::sees(*r, a));
    let mut active = Vec::new();
    for f in tx.flags_of(participant_id).await? {
        let Some(k) = kinds.iter().find(|k| k.code == f.kind) else {
            continue;
        };
        let audience = audience_of(k);
        if f.cleared_at.is_some() || !sees(audience) {
            continue;
        }
        active.push(FlagView {
            id: f.id,
            label: k.label.clone(),
            audience,
            obey: Obey::parse(&k.obey).unwrap_or(Obey::Nothing),
            set_by: tx.user(f.set_by).await?.display_name,
            set_at: f.set_at,
            reason: f.set_reason,
        });
    }
    let settable = kinds
        .iter()
        .filter(|k| k.retired_at.is_none())
        .filter(|k| roles.iter().any(|r| flags::may_set(*r, audience_of(k))))
        .map(|k| (k.code.clone(), k.label.clone()))
        .collect();
    Ok(Flags { active, settable })
}

/// What the outbox must obey for the person: the obligations of every flag in force.
pub async fn obligations(
    tx: &mut Tx,
    program_id: Uuid,
    participant_id: Uuid,
) -> AppResult<Vec<Obey>> {
    let kinds = tx.flag_kinds(program_id).await?;
    Ok(tx
        .flags_of(participant_id)
        .await?
        .iter()
        .filter(|f| f.cleared_at.is_none())
        .filter_map(|f| kinds.iter().find(|k| k.code == f.kind))
        .filter_map(|k| Obey::parse(&k.obey))
        .collect())
}

/// What was typed on a flag form.
#[derive(Debug, Clone, Default)]
pub struct FlagInput {
    /// `set` or `clear`.
    pub action: String,
    /// The kind to set.
    pub kind: String,
    /// The flag to clear.
    pub flag: String,
    pub reason: String,
}

/// Sets or clears a flag on the encounter's person, in the guarded transaction of the page
/// it comes from (`tx` already checked by that page's policy); audited; committed.
pub(crate) async fn change(
    mut tx: Tx,
    app: &App,
    ctx: &Ctx,
    enc: &EncounterRow,
    side: Side,
    input: &FlagInput,
) -> AppResult<()> {
    let roles = roles_on(ctx, enc.program_id, side);
    let kinds = tx.flag_kinds(enc.program_id).await?;
    let reason = input.reason.trim();
    let mut e = FieldErrors::new();
    if reason.is_empty() {
        e.add("flag_reason", staff("err-flag-reason-empty"));
    } else if reason.chars().count() > 500 {
        e.add("flag_reason", staff("err-flag-reason-long"));
    }
    let now = app.now();
    let (audit_action, detail) = match input.action.as_str() {
        "set" => {
            let kind = kinds
                .iter()
                .find(|k| k.code == input.kind && k.retired_at.is_none())
                .filter(|k| roles.iter().any(|r| flags::may_set(*r, audience_of(k))));
            match kind {
                None => {
                    e.add("flag_kind", staff("err-flag-kind-choose"));
                    tx.rollback().await?;
                    return Err(AppError::Invalid(e));
                }
                Some(_) if !e.is_empty() => {
                    tx.rollback().await?;
                    return Err(AppError::Invalid(e));
                }
                Some(k) => {
                    let already = tx
                        .flags_of(enc.participant_id)
                        .await?
                        .iter()
                        .any(|f| f.kind == k.code && f.cleared_at.is_none());
                    if already {
                        tx.rollback().await?;
                        return Err(AppError::field("flag_kind", staff("err-flag-set-already")));
                    }
                    tx.set_flag(&FlagRow {
                        id: Uuid::now_v7(),
                        program_id: enc.program_id,
                        participant_id: enc.participant_id,
                        kind: k.code.clone(),
                        set_by: ctx.actor.user_id,
                        set_at: now,
                        set_reason: reason.to_string(),
                        cleared_by: None,
                        cleared_at: None,
                        clear_reason: None,
                    })
                    .await?;
                    ("participant.flag.set", k.code.clone())
                }
            }
        }
        "clear" => {
            let flag = Uuid::parse_str(input.flag.trim()).ok();
            let found = match flag {
                Some(id) => tx
                    .flags_of(enc.participant_id)
                    .await?
                    .into_iter()
                    .find(|f| f.id == id && f.cleared_at.is_none()),
                None => None,
            };
            // A flag this viewer may not handle (or see) is not found.
            let Some(f) = found.filter(|f| {
                kinds
                    .iter()
                    .find(|k| k.code == f.kind)
                    .is_some_and(|k| roles.iter().any(|r| flags::may_set(*r, audience_of(k))))
            }) else {
                tx.rollback().await?;
                return Err(AppError::NotFound);
            };
            if !e.is_empty() {
                tx.rollback().await?;
                return Err(AppError::Invalid(e));
            }
            tx.clear_flag(f.id, enc.participant_id, ctx.actor.user_id, now, reason)
                .await?;
            ("participant.flag.clear", f.kind)
        }
        _ => {
            tx.rollback().await?;
            return Err(AppError::field("action", staff("err-flag-action")));
        }
    };
    audit::record(
        &mut tx,
        app,
        ctx,
        audit_action,
        "participant",
        &enc.participant_id.to_string(),
        ALLOWED,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The program's kinds, for the coordinator's list page.
pub async fn kinds(app: &App, ctx: &Ctx) -> AppResult<Vec<FlagKindRow>> {
    let pid = ctx.require_program()?;
    crate::admin::guard(app, ctx, ProgramAction::ManageFlagKinds, "flag_kinds.read").await?;
    let mut tx = app.store.read().await?;
    let k = tx.flag_kinds(pid).await?;
    tx.rollback().await?;
    Ok(k)
}

/// Adds a kind to the program's list.
pub async fn add_kind(
    app: &App,
    ctx: &Ctx,
    label: &str,
    audience: &str,
    obey: &str,
) -> AppResult<()> {
    let pid = ctx.require_program()?;
    crate::admin::guard(app, ctx, ProgramAction::ManageFlagKinds, "flag_kind.add").await?;
    let label = label.trim();
    let mut e = FieldErrors::new();
    let code = flags::code_for(label);
    if code.is_empty() {
        e.add("label", staff("err-flag-label-empty"));
    } else if label.chars().count() > 80 {
        e.add("label", staff("err-flag-label-long"));
    }
    let audience = Audience::parse(audience);
    if audience.is_none() {
        e.add("audience", staff("err-flag-audience"));
    }
    let obey = Obey::parse(obey);
    if obey.is_none() {
        e.add("obey", staff("err-flag-obey"));
    }
    let (Some(audience), Some(obey), true) = (audience, obey, e.is_empty()) else {
        return Err(AppError::Invalid(e));
    };
    let mut tx = app.store.write().await?;
    let have = tx.flag_kinds(pid).await?;
    if have.iter().any(|k| k.code == code) {
        tx.rollback().await?;
        return Err(AppError::field("label", staff("err-flag-kind-exists")));
    }
    tx.add_flag_kind(&FlagKindRow {
        program_id: pid,
        code: code.clone(),
        label: label.to_string(),
        audience: audience.as_str().into(),
        obey: obey.as_str().into(),
        position: have.iter().map(|k| k.position + 1).max().unwrap_or(0),
        retired_at: None,
    })
    .await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "flag_kind.add",
        "program",
        &pid.to_string(),
        ALLOWED,
        &code,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Takes a kind off the list for new flags (those set stay, and are still obeyed).
pub async fn retire_kind(app: &App, ctx: &Ctx, code: &str) -> AppResult<()> {
    let pid = ctx.require_program()?;
    crate::admin::guard(app, ctx, ProgramAction::ManageFlagKinds, "flag_kind.retire").await?;
    if code.trim().is_empty() {
        return Err(AppError::field("code", staff("err-flag-retire-choose")));
    }
    let mut tx = app.store.write().await?;
    match tx.retire_flag_kind(pid, code, app.now()).await {
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
        "flag_kind.retire",
        "program",
        &pid.to_string(),
        ALLOWED,
        code,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets or clears a flag from the responder's case page (who may act on the encounter).
pub async fn on_encounter(
    app: &App,
    ctx: &Ctx,
    encounter_id: Uuid,
    input: &FlagInput,
) -> AppResult<()> {
    let (tx, enc, _) = crate::case::guarded(
        app,
        ctx,
        app.store.write().await?,
        encounter_id,
        handoff_domain::policy::CaseAction::ActOnEncounter,
        "participant.flag",
    )
    .await?;
    change(tx, app, ctx, &enc, Side::Responder, input).await
}

/// Sets or clears a flag from the provider's referral page (who may act on the referral):
/// never an officer-safety flag, which the provider does not see.
pub async fn on_referral(
    app: &App,
    ctx: &Ctx,
    referral_id: Uuid,
    input: &FlagInput,
) -> AppResult<()> {
    let (tx, _, enc, _) = crate::case::referral_guarded(
        app,
        ctx,
        app.store.write().await?,
        referral_id,
        handoff_domain::policy::CaseAction::ActOnReferral,
        "participant.flag",
    )
    .await?;
    change(tx, app, ctx, &enc, Side::Service, input).await
}
