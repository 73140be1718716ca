//! Programs, organizations, users, memberships and the on-call roster.
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use handoff_domain::eligibility::Rules;
use handoff_domain::policy::{ProgramAction, program_grant};
use handoff_domain::{Coded, OrgKind, Pathway, Role};
use handoff_i18n::{staff, staff_with};
use handoff_storage::{
    MembershipRow, MembershipView, OrgRow, ProgramRow, RulesRow, ShiftRow, ShiftView, UserRow,
};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::auth::{check_password, hash_password, normalize_username};
use crate::util::required_text;
use crate::{App, AppError, AppResult};

/// Checks a program-wide permission (for handlers that must read a form before calling a
/// service): a denial is audited and answered as "not found".
pub async fn guard(
    app: &App,
    by: &Ctx,
    action: ProgramAction,
    audit_action: &str,
) -> AppResult<()> {
    let pid = by.require_program()?;
    if program_grant(&by.actor, pid, action).is_none() {
        return Err(audit::deny(app, by, audit_action, "program", &pid.to_string()).await);
    }
    Ok(())
}

pub struct NewProgram {
    pub name: String,
    pub time_zone: String,
    pub intake_deadline_days: i64,
    pub supervisor_approves_overrides: bool,
    pub rules: Rules,
}

/// Creates a program with its first eligibility rules. (Setup: command line and demo.)
pub async fn create_program(app: &App, p: NewProgram) -> AppResult<ProgramRow> {
    let name = required_text(
        "name",
        &p.name,
        "err-admin-program-name-required",
        "err-admin-program-name-too-long",
        200,
    )?;
    if p.time_zone.parse::<Tz>().is_err() {
        return Err(AppError::field(
            "time_zone",
            staff_with(
                "err-admin-time-zone",
                &[("zone", format!("{:?}", p.time_zone).into())],
            ),
        ));
    }
    if !(1..=365).contains(&p.intake_deadline_days) {
        return Err(AppError::field(
            "intake_deadline_days",
            staff("err-admin-intake-deadline-range"),
        ));
    }
    let now = app.now();
    let row = ProgramRow {
        id: Uuid::now_v7(),
        name,
        time_zone: p.time_zone,
        pathways: Pathway::OfficerIntervention.as_str().into(),
        intake_deadline_days: p.intake_deadline_days,
        supervisor_approves_overrides: p.supervisor_approves_overrides,
        created_at: now,
        suppression_threshold: handoff_domain::suppress::DEFAULT_THRESHOLD as i64,
        api_token_per_minute: crate::limits::DEFAULT_PER_TOKEN,
        api_user_per_minute: crate::limits::DEFAULT_PER_USER,
    };
    let rules_json =
        serde_json::to_string(&p.rules).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = app.store.write().await?;
    if tx.program_by_name(&row.name).await?.is_some() {
        return Err(AppError::field("name", staff("err-admin-program-exists")));
    }
    tx.insert_program(&row).await?;
    tx.insert_rules(&RulesRow {
        id: Uuid::now_v7(),
        program_id: row.id,
        version: 1,
        rules_json,
        effective_at: now,
        created_by: None,
        created_at: now,
    })
    .await?;
    audit::record(
        &mut tx,
        app,
        &Ctx::system(),
        "program.create",
        "program",
        &row.id.to_string(),
        ALLOWED,
        &row.name,
    )
    .await?;
    // The safety flags every program starts with (ADR 0021).
    for (position, k) in handoff_domain::flags::shipped().into_iter().enumerate() {
        tx.add_flag_kind(&handoff_storage::FlagKindRow {
            program_id: row.id,
            code: k.code,
            label: k.label,
            audience: k.audience.as_str().into(),
            obey: k.obey.as_str().into(),
            position: position as i64,
            retired_at: None,
        })
        .await?;
    }
    tx.commit().await?;
    Ok(row)
}

pub struct NewOrg {
    pub program_id: Uuid,
    pub kind: OrgKind,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub hours: String,
    pub what_to_bring: String,
}

/// Creates an organization. (Setup: command line and demo.)
pub async fn create_org(app: &App, o: NewOrg) -> AppResult<OrgRow> {
    insert_org(app, &Ctx::system(), o).await
}

/// An administrator adds an organization to their own program: a new agency, provider,
/// prosecutor's office or partner.
pub async fn add_org(app: &App, by: &Ctx, o: NewOrg) -> AppResult<OrgRow> {
    let pid = by.require_program()?;
    if program_grant(&by.actor, pid, ProgramAction::ManageUsers).is_none() || o.program_id != pid {
        return Err(audit::deny(app, by, "organization.create", "program", &pid.to_string()).await);
    }
    insert_org(app, by, o).await
}

async fn insert_org(app: &App, by: &Ctx, o: NewOrg) -> AppResult<OrgRow> {
    let row = OrgRow {
        id: Uuid::now_v7(),
        program_id: o.program_id,
        kind: o.kind.as_str().into(),
        name: required_text(
            "name",
            &o.name,
            "err-admin-org-name-required",
            "err-admin-org-name-too-long",
            200,
        )?,
        address: o.address.trim().into(),
        phone: o.phone.trim().into(),
        hours: o.hours.trim().into(),
        what_to_bring: o.what_to_bring.trim().into(),
        created_at: app.now(),
    };
    let mut tx = app.store.write().await?;
    tx.program(o.program_id).await?;
    tx.insert_org(&row).await.map_err(|e| match e {
        handoff_storage::StoreError::Conflict(_) => {
            AppError::field("name", staff("err-admin-org-exists"))
        }
        e => e.into(),
    })?;
    audit::record(
        &mut tx,
        app,
        by,
        "organization.create",
        "organization",
        &row.id.to_string(),
        ALLOWED,
        &row.name,
    )
    .await?;
    tx.commit().await?;
    app.forget_program(row.program_id);
    Ok(row)
}

pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
}

fn valid_username(s: &str) -> AppResult<String> {
    let n = normalize_username(s);
    if n.len() < 2
        || n.len() > 64
        || !n
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
    {
        return Err(AppError::field(
            "username",
            staff("err-admin-username-format"),
        ));
    }
    Ok(n)
}

/// Creates a user with memberships, as one transaction. `by` is the administrator, or
/// None for the command line.
pub async fn create_user(
    app: &App,
    by: Option<&Ctx>,
    u: NewUser,
    memberships: &[(Uuid, Role)],
) -> AppResult<UserRow> {
    if let Some(by) = by {
        let pid = by.require_program()?;
        if program_grant(&by.actor, pid, ProgramAction::ManageUsers).is_none() {
            return Err(audit::deny(app, by, "user.create", "program", &pid.to_string()).await);
        }
    }
    let mut errors = handoff_domain::FieldErrors::new();
    let username = valid_username(&u.username)
        .map_err(|e| {
            if let AppError::Invalid(f) = &e {
                errors.0.extend(f.0.clone());
            }
        })
        .ok();
    let display_name = required_text(
        "display_name",
        &u.display_name,
        "err-admin-full-name-required",
        "err-admin-full-name-too-long",
        200,
    )
    .map_err(|e| {
        if let AppError::Invalid(f) = &e {
            errors.0.extend(f.0.clone());
        }
    })
    .ok();
    if let Err(AppError::Invalid(f)) = check_password(app, &u.password) {
        errors.0.extend(f.0);
    }
    if memberships.is_empty() {
        errors.add("organization_id", staff("err-admin-membership-none"));
    }
    let (Some(username), Some(display_name)) = (username, display_name) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let hash = {
        let pw = u.password.clone();
        crate::auth::on_hash_thread(move || hash_password(&pw)).await??
    };
    let now = app.now();
    let row = UserRow::new(username, display_name, hash, now);
    let mut tx = app.store.write().await?;
    if tx.user_by_name(&row.username).await?.is_some() {
        return Err(AppError::field(
            "username",
            staff("err-admin-username-taken"),
        ));
    }
    tx.insert_user(&row).await?;
    for (org_id, role) in memberships {
        let org = tx
            .org(*org_id)
            .await
            .map_err(|_| AppError::field("organization_id", staff("err-admin-org-unknown")))?;
        if let Some(by) = by
            && Some(org.program_id) != by.program_id()
        {
            return Err(AppError::field(
                "organization_id",
                staff("err-admin-org-other-program"),
            ));
        }
        check_role_fits(*role, &org)?;
        tx.insert_membership(&MembershipRow {
            id: Uuid::now_v7(),
            user_id: row.id,
            organization_id: org.id,
            program_id: org.program_id,
            role: role.as_str().into(),
            created_at: now,
        })
        .await?;
    }
    let ctx = by.cloned().unwrap_or_else(Ctx::system);
    audit::record(
        &mut tx,
        app,
        &ctx,
        "user.create",
        "user",
        &row.id.to_string(),
        ALLOWED,
        &row.username,
    )
    .await?;
    for (org_id, role) in memberships {
        audit::record(
            &mut tx,
            app,
            &ctx,
            "membership.grant",
            "user",
            &row.id.to_string(),
            ALLOWED,
            &format!("{} at {org_id}", role.as_str()),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(row)
}

/// A role must suit the kind of organization (a case manager works at a provider).
fn check_role_fits(role: Role, org: &OrgRow) -> AppResult<()> {
    let kind = OrgKind::parse(&org.kind).ok_or_else(|| AppError::Internal("org kind".into()))?;
    let ok = match role {
        // First responders: police, fire/EMS, behavioral health crisis teams.
        Role::Officer | Role::Supervisor => matches!(
            kind,
            OrgKind::LawEnforcement | OrgKind::FireEms | OrgKind::CrisisResponse
        ),
        // Providers' and partners' staff work the referrals sent to them.
        Role::CaseManager | Role::Peer => kind.receives_referrals(),
        Role::Prosecutor => kind == OrgKind::Prosecutor,
        Role::Coordinator | Role::Administrator => true,
    };
    if ok {
        Ok(())
    } else {
        Err(AppError::field(
            "role",
            staff_with(
                "err-admin-role-misfit",
                &[
                    ("role", staff(&role.key()).to_lowercase().into()),
                    ("kind", staff(&kind.key()).to_lowercase().into()),
                ],
            ),
        ))
    }
}

/// Adds a membership to an existing user (administrator).
pub async fn add_membership(
    app: &App,
    by: &Ctx,
    user_id: Uuid,
    org_id: Uuid,
    role: Role,
) -> AppResult<()> {
    let pid = by.require_program()?;
    if program_grant(&by.actor, pid, ProgramAction::ManageUsers).is_none() {
        return Err(audit::deny(app, by, "membership.grant", "user", &user_id.to_string()).await);
    }
    let mut tx = app.store.write().await?;
    let org = tx
        .org(org_id)
        .await
        .map_err(|_| AppError::field("organization_id", staff("err-admin-org-unknown")))?;
    if org.program_id != pid {
        return Err(AppError::field(
            "organization_id",
            staff("err-admin-org-other-program"),
        ));
    }
    tx.user(user_id).await?;
    check_role_fits(role, &org)?;
    tx.insert_membership(&MembershipRow {
        id: Uuid::now_v7(),
        user_id,
        organization_id: org_id,
        program_id: pid,
        role: role.as_str().into(),
        created_at: app.now(),
    })
    .await
    .map_err(|e| match e {
        handoff_storage::StoreError::Conflict(_) => {
            AppError::field("role", staff("err-admin-role-held"))
        }
        e => e.into(),
    })?;
    audit::record(
        &mut tx,
        app,
        by,
        "membership.grant",
        "user",
        &user_id.to_string(),
        ALLOWED,
        &format!("{} at {org_id}", role.as_str()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub struct AdminOverview {
    pub program: ProgramRow,
    pub orgs: Vec<OrgRow>,
    pub users: Vec<UserRow>,
    pub memberships: Vec<MembershipView>,
}

pub async fn overview(app: &App, by: &Ctx) -> AppResult<AdminOverview> {
    let pid = by.require_program()?;
    if program_grant(&by.actor, pid, ProgramAction::ManageUsers).is_none() {
        return Err(audit::deny(app, by, "user.list", "program", &pid.to_string()).await);
    }
    let mut tx = app.store.write().await?;
    let program = tx.program(pid).await?;
    let orgs = tx.orgs(pid).await?;
    let memberships = tx.memberships_in(pid).await?;
    let ids: std::collections::HashSet<Uuid> = memberships.iter().map(|m| m.user_id).collect();
    let users = tx
        .users()
        .await?
        .into_iter()
        .filter(|u| ids.contains(&u.id))
        .collect();
    audit::record(
        &mut tx,
        app,
        by,
        "user.list",
        "program",
        &pid.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(AdminOverview {
        program,
        orgs,
        users,
        memberships,
    })
}

pub struct Roster {
    pub org: OrgRow,
    pub shifts: Vec<ShiftView>,
    pub on_call_now: Option<ShiftView>,
    /// Case managers of the organization, for the form (not its contacts without an
    /// account).
    pub staff: Vec<MembershipView>,
    /// Its escalation list, in order (ADR 0019).
    pub escalation: Vec<crate::escalation::Line>,
}

pub async fn rosters(app: &App, by: &Ctx) -> AppResult<Vec<Roster>> {
    let pid = by.require_program()?;
    let Some(scope) = handoff_domain::policy::roster_scope(&by.actor, pid) else {
        return Err(audit::deny(app, by, "roster.read", "program", &pid.to_string()).await);
    };
    let now = app.now();
    let mut tx = app.store.write().await?;
    let members = tx.memberships_in(pid).await?;
    let mut out = Vec::new();
    for org in tx.orgs(pid).await? {
        if !OrgKind::parse(&org.kind).is_some_and(OrgKind::receives_referrals)
            || !scope.covers(org.id)
        {
            continue;
        }
        let shifts = tx.shifts(org.id, now).await?;
        let on_call_now = tx.on_call_now(org.id, now).await?;
        let escalation = tx.escalation_of(org.id).await?;
        let mut staff = Vec::new();
        for m in members.iter().filter(|m| {
            m.organization_id == org.id && Role::SERVICE.iter().any(|r| r.as_str() == m.role)
        }) {
            if !tx.is_link_only(m.user_id).await? {
                staff.push(m.clone());
            }
        }
        out.push(Roster {
            org,
            shifts,
            on_call_now,
            staff,
            escalation,
        });
    }
    audit::record(
        &mut tx,
        app,
        by,
        "roster.read",
        "program",
        &pid.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// Puts a case manager on call for an organization from `starts_at` to `ends_at`, first.
pub async fn add_shift(
    app: &App,
    by: Option<&Ctx>,
    org_id: Uuid,
    user_id: Uuid,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> AppResult<Uuid> {
    add_shift_at(app, by, org_id, user_id, (starts_at, ends_at), 0).await
}

/// Puts a case manager or peer on call: first (`position` 0) or as a backup paged after
/// those before (1, 2 ...). A coordinator or administrator keeps any roster; a case
/// manager or peer their own organization's.
pub async fn add_shift_at(
    app: &App,
    by: Option<&Ctx>,
    org_id: Uuid,
    user_id: Uuid,
    (starts_at, ends_at): (DateTime<Utc>, DateTime<Utc>),
    position: i64,
) -> AppResult<Uuid> {
    if let Some(by) = by {
        let pid = by.require_program()?;
        if !handoff_domain::policy::roster_scope(&by.actor, pid).is_some_and(|s| s.covers(org_id)) {
            return Err(
                audit::deny(app, by, "roster.add", "organization", &org_id.to_string()).await,
            );
        }
    }
    if !(0..=9).contains(&position) {
        return Err(AppError::field(
            "position",
            staff("err-admin-shift-position"),
        ));
    }
    if ends_at <= starts_at {
        return Err(AppError::field("ends_at", staff("err-admin-shift-order")));
    }
    if ends_at - starts_at > chrono::Duration::days(31) {
        return Err(AppError::field(
            "ends_at",
            staff("err-admin-shift-too-long"),
        ));
    }
    let mut tx = app.store.write().await?;
    let org = tx.org(org_id).await.map_err(|_| {
        AppError::field("organization_id", staff("err-admin-shift-provider-unknown"))
    })?;
    if by.is_some_and(|b| b.program_id() != Some(org.program_id))
        || !OrgKind::parse(&org.kind).is_some_and(OrgKind::receives_referrals)
    {
        return Err(AppError::field(
            "organization_id",
            staff("err-admin-shift-provider-other"),
        ));
    }
    let members = tx.memberships_of(user_id).await?;
    if !members
        .iter()
        .any(|m| m.organization_id == org_id && Role::SERVICE.iter().any(|r| r.as_str() == m.role))
    {
        return Err(AppError::field("user_id", staff("err-admin-shift-staff")));
    }
    let id = Uuid::now_v7();
    tx.insert_shift(&ShiftRow {
        id,
        organization_id: org_id,
        user_id,
        starts_at,
        ends_at,
        created_at: app.now(),
        position,
    })
    .await?;
    let ctx = by.cloned().unwrap_or_else(Ctx::system);
    audit::record(
        &mut tx,
        app,
        &ctx,
        "roster.add",
        "organization",
        &org_id.to_string(),
        ALLOWED,
        &user_id.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn remove_shift(app: &App, by: &Ctx, shift_id: Uuid) -> AppResult<()> {
    let pid = by.require_program()?;
    let Some(scope) = handoff_domain::policy::roster_scope(&by.actor, pid) else {
        return Err(audit::deny(app, by, "roster.remove", "shift", &shift_id.to_string()).await);
    };
    let mut tx = app.store.write().await?;
    let Ok(shift) = tx.shift(shift_id).await else {
        tx.rollback().await?;
        return Err(audit::deny(app, by, "roster.remove", "shift", &shift_id.to_string()).await);
    };
    if tx.org(shift.organization_id).await?.program_id != pid
        || !scope.covers(shift.organization_id)
    {
        tx.rollback().await?;
        return Err(audit::deny(app, by, "roster.remove", "shift", &shift_id.to_string()).await);
    }
    tx.delete_shift(shift_id).await?;
    audit::record(
        &mut tx,
        app,
        by,
        "roster.remove",
        "shift",
        &shift_id.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Unlocks an account locked after failed sign-ins, or re-enables one disabled for disuse
/// (an administrator of a program the user belongs to; `None`: the operator at the
/// server's console).
/// An administrator of a program the user belongs to may manage the account; the
/// console (`None`) always may.
async fn may_manage_user(
    app: &App,
    by: Option<&Ctx>,
    action: &str,
    user_id: Uuid,
) -> AppResult<()> {
    let Some(by) = by else {
        return Ok(());
    };
    let pid = by.require_program()?;
    let member = {
        let mut tx = app.store.read().await?;
        let m = tx.memberships_in(pid).await?;
        tx.rollback().await?;
        m.iter().any(|m| m.user_id == user_id)
    };
    if program_grant(&by.actor, pid, ProgramAction::ManageUsers).is_none() || !member {
        return Err(audit::deny(app, by, action, "user", &user_id.to_string()).await);
    }
    Ok(())
}

/// Clears a user's authenticator (a lost phone): they enrol a new one at their next
/// sign-in. Their sessions end.
pub async fn reset_mfa(app: &App, by: Option<&Ctx>, user_id: Uuid) -> AppResult<()> {
    may_manage_user(app, by, "user.mfa_reset", user_id).await?;
    let console = Ctx::console();
    crate::auth::clear_mfa(app, by.unwrap_or(&console), user_id).await
}

pub async fn unlock_user(app: &App, by: Option<&Ctx>, user_id: Uuid) -> AppResult<()> {
    let console = Ctx::console();
    let ctx = by.unwrap_or(&console);
    may_manage_user(app, by, "user.unlock", user_id).await?;
    let mut tx = app.store.write().await?;
    let u = tx.user(user_id).await?;
    tx.unlock_user(user_id, app.now()).await?;
    let was = match (u.locked_at.is_some(), u.disabled) {
        (true, true) => "locked and disabled",
        (true, false) => "locked",
        (false, true) => "disabled",
        (false, false) => "neither locked nor disabled",
    };
    audit::record(
        &mut tx,
        app,
        ctx,
        "user.unlock",
        "user",
        &user_id.to_string(),
        ALLOWED,
        was,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
