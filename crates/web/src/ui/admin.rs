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
    /// The add-organization form, as typed, and its errors.
    org: OrgForm,
    org_errors: FieldErrors,
    roles: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
}

/// The add-organization form as typed (kept when it is refused).
#[derive(Default)]
pub(crate) struct OrgForm {
    kind: String,
    name: String,
    address: String,
    phone: String,
    hours: String,
    what_to_bring: String,
}

impl FromFields for OrgForm {
    fn from_fields(f: &mut Fields) -> Self {
        OrgForm {
            kind: f.get("kind"),
            name: f.get("name"),
            address: f.get("address"),
            phone: f.get("phone"),
            hours: f.get("hours"),
            what_to_bring: f.get("what_to_bring"),
        }
    }
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
    fn org_err(&self, field: &str) -> String {
        self.org_errors.get(field).unwrap_or("").to_string()
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

/// What was typed in the form that was refused, with its errors.
pub(crate) enum Typed {
    Nothing,
    User(UserForm, FieldErrors),
    Grant(RoleForm, FieldErrors),
    Org(OrgForm, FieldErrors),
}

/// The page, with what was typed in whichever form was refused.
pub(crate) async fn admin_page(
    st: &AppState,
    s: &Session,
    notice: Option<&String>,
    typed: Typed,
) -> Response {
    let (mut user, mut errors) = <(UserForm, FieldErrors)>::default();
    let (mut grant, mut grant_errors) = <(RoleForm, FieldErrors)>::default();
    let (mut org, mut org_errors) = <(OrgForm, FieldErrors)>::default();
    let status = match typed {
        Typed::Nothing => StatusCode::OK,
        Typed::User(f, e) => {
            (user, errors) = (f, e);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Typed::Grant(f, e) => {
            (grant, grant_errors) = (f, e);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Typed::Org(f, e) => {
            (org, org_errors) = (f, e);
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    match admin::overview(&st.app, &s.ctx).await {
        Ok(o) => render(
            status,
            &AdminPage {
                layout: Layout::new(staff("admin-title"), s, notice),
                o,
                user,
                errors,
                grant,
                grant_errors,
                org,
                org_errors,
                roles: pairs(Role::ALL, Role::as_str, Role::label),
                kinds: pairs(OrgKind::ALL, OrgKind::as_str, OrgKind::label),
            },
        ),
        Err(e) => error_for(s, &e),
    }
}

/// An administrator's form refused before it is read when the user may not manage the
/// program's people and organizations (audited as `action`).
async fn denied(st: &AppState, s: &Session, action: &str) -> Option<Response> {
    admin::guard(&st.app, &s.ctx, ProgramAction::ManageUsers, action)
        .await
        .err()
        .map(|e| error_for(s, &e))
}

/// The answer to a form: to the page with a notice when done, the page again with what
/// was typed when refused.
async fn answer(
    st: &AppState,
    s: &Session,
    result: Result<(), AppError>,
    done: &str,
    typed: impl FnOnce(FieldErrors) -> Typed,
) -> Response {
    match result {
        Ok(()) => see_other(done),
        Err(AppError::Invalid(e)) => admin_page(st, s, None, typed(e)).await,
        Err(e) => error_for(s, &e),
    }
}

pub async fn admin_index(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    admin_page(&st, &s, q.get("notice"), Typed::Nothing).await
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
    if let Some(r) = denied(&st, &form.s, "user.create").await {
        return r;
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
    answer(&st, &s, result, "/admin?notice=user", |e| {
        Typed::User(v.user, e)
    })
    .await
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
    if let Some(r) = denied(&st, &form.s, "membership.grant").await {
        return r;
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
    answer(&st, &s, result, "/admin?notice=membership", |e| {
        Typed::Grant(v, e)
    })
    .await
}

pub async fn admin_create_org(State(st): State<AppState>, form: Input<OrgForm>) -> Response {
    if let Some(r) = denied(&st, &form.s, "organization.create").await {
        return r;
    }
    let result = form
        .run(async |v| {
            let pid = form.s.ctx.require_program()?;
            let kind = OrgKind::parse(&v.kind)
                .ok_or_else(|| AppError::field("kind", staff("err-ui-admin-org-kind")))?;
            admin::add_org(
                &st.app,
                &form.s.ctx,
                admin::NewOrg {
                    program_id: pid,
                    kind,
                    name: v.name.clone(),
                    address: v.address.clone(),
                    phone: v.phone.clone(),
                    hours: v.hours.clone(),
                    what_to_bring: v.what_to_bring.clone(),
                },
            )
            .await
            .map(|_| ())
        })
        .await;
    let Input { s, v, .. } = form;
    answer(&st, &s, result, "/admin?notice=organization", |e| {
        Typed::Org(v, e)
    })
    .await
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
