//! Administration: users, roles, unlocking, authenticator resets, the on-call roster.
use crate::kit::render::said;
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono_tz::Tz;
use handoff_app::admin::{AdminOverview, NewUser, Roster};
use handoff_app::{AppError, admin};
use handoff_domain::input::parse_local_datetime;
use handoff_domain::policy::ProgramAction;
use handoff_domain::{FieldErrors, OrgKind, Role};
use uuid::Uuid;

use crate::AppState;
use crate::auth::Session;
use crate::error::Id;
use crate::kit::forms::Fields;
use crate::kit::forms::FromFields;
use crate::kit::page::{Input, error_for, program_tz};
use crate::kit::render::{Fmt, Layout, pairs, render, see_other, sel, staff, status_for};

#[derive(Template)]
#[template(path = "admin.html")]
pub(crate) struct AdminPage {
    layout: Layout,
    o: AdminOverview,
    /// The add-user form, as typed, and its errors.
    user: UserForm,
    errors: FieldErrors,
    /// The add-role form, as typed, and its errors.
    grant: RoleForm,
    grant_errors: FieldErrors,
    roles: Vec<(&'static str, &'static str)>,
}

#[derive(Default)]
pub(crate) struct UserForm {
    username: String,
    display_name: String,
    org_id: String,
    role: String,
}

#[derive(Default)]
pub(crate) struct RoleForm {
    user_id: String,
    org_id: String,
    role: String,
}

impl AdminPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn sel(&self, a: &str, b: &str) -> &'static str {
        sel(a, b)
    }
    fn sel_id(&self, id: &Uuid, b: &str) -> &'static str {
        sel(&id.to_string(), b)
    }
    fn roles_of(&self, user: &Uuid) -> String {
        self.o
            .memberships
            .iter()
            .filter(|m| m.user_id == *user)
            .map(|m| {
                handoff_i18n::Texts::staff_en().t_with(
                    "admin-role-at",
                    &[
                        (
                            "role",
                            Role::parse(&m.role)
                                .map_or_else(|| m.role.clone(), said)
                                .into(),
                        ),
                        ("org", m.org_name.as_str().into()),
                    ],
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
    fn org_kind(&self, k: &str) -> String {
        OrgKind::parse(k).map(said).unwrap_or_default()
    }
    fn grant_messages(&self) -> String {
        self.grant_errors
            .0
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The page with what was typed in whichever form was refused.
pub(crate) async fn admin_page(
    st: &AppState,
    s: &Session,
    notice: Option<&String>,
    (user, errors): (UserForm, FieldErrors),
    (grant, grant_errors): (RoleForm, FieldErrors),
) -> Response {
    match admin::overview(&st.app, &s.ctx).await {
        Ok(o) => {
            let status = if errors.is_empty() && grant_errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            render(
                status,
                &AdminPage {
                    layout: Layout::new(staff("admin-title"), s, notice),
                    o,
                    user,
                    errors,
                    grant,
                    grant_errors,
                    roles: pairs(Role::ALL, Role::as_str, Role::label),
                },
            )
        }
        Err(e) => error_for(s, &e),
    }
}

pub async fn admin_index(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    admin_page(
        &st,
        &s,
        q.get("notice"),
        Default::default(),
        Default::default(),
    )
    .await
}

/// The new-user form as typed (the password is never shown again).
pub(crate) struct NewUserForm {
    user: UserForm,
    password: String,
}

impl FromFields for NewUserForm {
    fn from_fields(f: &mut Fields) -> Self {
        NewUserForm {
            user: UserForm {
                username: f.get("username"),
                display_name: f.get("display_name"),
                org_id: f.get("organization_id"),
                role: f.get("role"),
            },
            password: f.get("password"),
        }
    }
}

pub async fn admin_create_user(State(st): State<AppState>, form: Input<NewUserForm>) -> Response {
    if let Err(e) = admin::guard(
        &st.app,
        &form.s.ctx,
        ProgramAction::ManageUsers,
        "user.create",
    )
    .await
    {
        return error_for(&form.s, &e);
    }
    let result = form
        .run(async |v| {
            let u = &v.user;
            let mut errors = FieldErrors::new();
            let org = Uuid::parse_str(&u.org_id).ok();
            if org.is_none() {
                errors.add("organization_id", staff("err-ui-admin-organization"));
            }
            let r = Role::parse(&u.role);
            if r.is_none() {
                errors.add("role", staff("err-ui-admin-role"));
            }
            match (org, r) {
                (Some(o), Some(r)) if errors.is_empty() => admin::create_user(
                    &st.app,
                    Some(&form.s.ctx),
                    NewUser {
                        username: u.username.clone(),
                        display_name: u.display_name.clone(),
                        password: v.password.clone(),
                    },
                    &[(o, r)],
                )
                .await
                .map(|_| ()),
                _ => Err(AppError::Invalid(errors)),
            }
        })
        .await;
    let Input { s, v, .. } = form;
    match result {
        Ok(()) => see_other("/admin?notice=user"),
        Err(AppError::Invalid(e)) => {
            admin_page(&st, &s, None, (v.user, e), Default::default()).await
        }
        Err(e) => error_for(&s, &e),
    }
}

impl FromFields for RoleForm {
    fn from_fields(f: &mut Fields) -> Self {
        RoleForm {
            user_id: f.get("user_id"),
            org_id: f.get("organization_id"),
            role: f.get("role"),
        }
    }
}

pub async fn admin_add_membership(State(st): State<AppState>, form: Input<RoleForm>) -> Response {
    if let Err(e) = admin::guard(
        &st.app,
        &form.s.ctx,
        ProgramAction::ManageUsers,
        "membership.grant",
    )
    .await
    {
        return error_for(&form.s, &e);
    }
    let result = form
        .run(async |v| {
            match (
                Uuid::parse_str(&v.user_id),
                Uuid::parse_str(&v.org_id),
                Role::parse(&v.role),
            ) {
                (Ok(u), Ok(o), Some(r)) => {
                    admin::add_membership(&st.app, &form.s.ctx, u, o, r).await
                }
                _ => Err(AppError::field("role", staff("err-ui-admin-membership"))),
            }
        })
        .await;
    let Input { s, v, .. } = form;
    match result {
        Ok(()) => see_other("/admin?notice=membership"),
        Err(AppError::Invalid(e)) => admin_page(&st, &s, None, Default::default(), (v, e)).await,
        Err(e) => error_for(&s, &e),
    }
}

#[derive(Template)]
#[template(path = "roster.html")]
pub(crate) struct RosterPage {
    layout: Layout,
    rosters: Vec<Roster>,
    errors: FieldErrors,
    tz: Tz,
    now_local: String,
    form: ShiftForm,
    /// The escalation list's forms as typed (kept when refused).
    esc: handoff_app::escalation::EscalationInput,
}

/// The add-shift form as typed (kept when it is refused).
#[derive(Default)]
pub(crate) struct ShiftForm {
    organization_id: String,
    user_id: String,
    starts_at: String,
    ends_at: String,
    /// 0 first on call, 1.. backups.
    position: String,
}

impl RosterPage {
    fn is_form_org(&self, org: &Uuid) -> bool {
        self.form.organization_id == org.to_string()
    }
    fn form_org_shown(&self) -> bool {
        self.rosters
            .iter()
            .any(|r| self.is_form_org(&r.org.id) || self.esc_here(&r.org.id))
    }
    /// The escalation form typed was this organization's.
    fn esc_here(&self, org: &Uuid) -> bool {
        self.esc.organization == org.to_string()
    }
    /// A field of the escalation form as typed for this organization.
    fn esc_val(&self, org: &Uuid, field: &str) -> String {
        if !self.esc_here(org) {
            return String::new();
        }
        match field {
            "name" => self.esc.name.clone(),
            "address" => self.esc.address.clone(),
            "channel" => self.esc.channel.clone(),
            "position" => self.esc.position.clone(),
            _ => String::new(),
        }
    }
    fn sel_user(&self, org: &Uuid, user: &Uuid) -> &'static str {
        if self.is_form_org(org) {
            sel(&user.to_string(), &self.form.user_id)
        } else {
            ""
        }
    }
    fn starts(&self, org: &Uuid) -> String {
        if self.is_form_org(org) {
            self.form.starts_at.clone()
        } else {
            self.now_local.clone()
        }
    }
    fn pos_sel(&self, org: &Uuid, p: &i64) -> &'static str {
        let typed = if self.is_form_org(org) {
            self.form.position.clone()
        } else {
            "0".into()
        };
        sel(&p.to_string(), &typed)
    }
    fn positions(&self) -> Vec<(i64, String)> {
        let staff = handoff_i18n::Texts::staff_en();
        (0..=3)
            .map(|p| {
                (
                    p,
                    staff.t_with("roster-position", &[("position", p.into())]),
                )
            })
            .collect()
    }
    fn ends(&self, org: &Uuid) -> String {
        if self.is_form_org(org) {
            self.form.ends_at.clone()
        } else {
            String::new()
        }
    }
}

impl Fmt for RosterPage {
    fn tz(&self) -> Tz {
        self.tz
    }
}

pub(crate) async fn roster_page(
    st: &AppState,
    s: &Session,
    notice: Option<&String>,
    errors: FieldErrors,
    (form, esc): (ShiftForm, handoff_app::escalation::EscalationInput),
) -> Response {
    match admin::rosters(&st.app, &s.ctx).await {
        Ok(rosters) => {
            let tz = program_tz(st, &s.ctx).await;
            let status = status_for(&errors);
            let now_local = st
                .app
                .now()
                .with_timezone(&tz)
                .format("%Y-%m-%dT%H:%M")
                .to_string();
            render(
                status,
                &RosterPage {
                    layout: Layout::new(staff("roster-title"), s, notice),
                    rosters,
                    errors,
                    tz,
                    now_local,
                    form,
                    esc,
                },
            )
        }
        Err(e) => error_for(s, &e),
    }
}

pub async fn roster(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    roster_page(
        &st,
        &s,
        q.get("notice"),
        FieldErrors::new(),
        Default::default(),
    )
    .await
}

impl FromFields for ShiftForm {
    fn from_fields(f: &mut Fields) -> Self {
        ShiftForm {
            organization_id: f.get("organization_id"),
            user_id: f.get("user_id"),
            starts_at: f.get("starts_at"),
            ends_at: f.get("ends_at"),
            position: f.get("position"),
        }
    }
}

pub async fn roster_add(State(st): State<AppState>, form: Input<ShiftForm>) -> Response {
    if let Err(e) = admin::guard(
        &st.app,
        &form.s.ctx,
        ProgramAction::ManageRoster,
        "roster.add",
    )
    .await
    {
        return error_for(&form.s, &e);
    }
    let tz = program_tz(&st, &form.s.ctx).await;
    let result = form
        .run(async |v| {
            let mut errors = FieldErrors::new();
            let org = Uuid::parse_str(&v.organization_id).ok();
            if org.is_none() {
                errors.add("organization_id", staff("err-ui-admin-provider"));
            }
            let user = Uuid::parse_str(&v.user_id).ok();
            if user.is_none() {
                errors.add("user_id", staff("err-ui-admin-case-manager"));
            }
            let starts_at = parse_local_datetime(&v.starts_at, tz);
            if starts_at.is_none() {
                errors.add("starts_at", staff("err-ui-admin-starts-at"));
            }
            let ends_at = parse_local_datetime(&v.ends_at, tz);
            if ends_at.is_none() {
                errors.add("ends_at", staff("err-ui-admin-ends-at"));
            }
            let position = match v.position.trim() {
                "" => Some(0),
                p => p.parse::<i64>().ok().filter(|p| (0..=3).contains(p)),
            };
            if position.is_none() {
                errors.add("position", staff("err-ui-admin-position"));
            }
            match (org, user, starts_at, ends_at, position) {
                (Some(o), Some(u), Some(a), Some(b), Some(p)) if errors.is_empty() => {
                    admin::add_shift_at(&st.app, Some(&form.s.ctx), o, u, (a, b), p)
                        .await
                        .map(|_| ())
                }
                _ => Err(AppError::Invalid(errors)),
            }
        })
        .await;
    let Input { s, v, .. } = form;
    match result {
        Ok(()) => see_other("/roster?notice=shift"),
        Err(AppError::Invalid(e)) => roster_page(&st, &s, None, e, (v, Default::default())).await,
        Err(e) => error_for(&s, &e),
    }
}

/// A button on the admin page: a form with only its CSRF token, one action, a notice.
pub(crate) async fn admin_button<R>(
    form: &Input<()>,
    action: impl AsyncFnOnce(&()) -> Result<R, AppError>,
    notice: &str,
) -> Response {
    match form.run(action).await {
        Ok(_) => see_other(&format!("/admin?notice={notice}")),
        Err(e) => error_for(&form.s, &e),
    }
}

pub async fn admin_unlock_user(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<()>,
) -> Response {
    let ctx = &form.s.ctx;
    admin_button(
        &form,
        async |_| admin::unlock_user(&st.app, Some(ctx), id).await,
        "unlocked",
    )
    .await
}

pub async fn admin_reset_mfa(State(st): State<AppState>, Id(id): Id, form: Input<()>) -> Response {
    let ctx = &form.s.ctx;
    admin_button(
        &form,
        async |_| admin::reset_mfa(&st.app, Some(ctx), id).await,
        "mfa_reset",
    )
    .await
}

pub async fn roster_remove(State(st): State<AppState>, Id(id): Id, form: Input<()>) -> Response {
    match form
        .run(async |_| admin::remove_shift(&st.app, &form.s.ctx, id).await)
        .await
    {
        Ok(()) => see_other("/roster?notice=shift"),
        Err(e) => error_for(&form.s, &e),
    }
}

/// Adds to or removes from a provider's escalation list.
pub async fn roster_escalation(
    State(st): State<AppState>,
    form: Input<handoff_app::escalation::EscalationInput>,
) -> Response {
    let r = form
        .run(async |v| handoff_app::escalation::change(&st.app, &form.s.ctx, v).await)
        .await;
    let Input { s, v, .. } = form;
    match r {
        Ok(()) => see_other("/roster?notice=escalation"),
        Err(AppError::Invalid(e)) => roster_page(&st, &s, None, e, (Default::default(), v)).await,
        Err(e) => error_for(&s, &e),
    }
}
