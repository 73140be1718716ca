//! Live capacity (ADR 0017): what a service can take now, updated by its organization's
//! case managers in one tap or by API, shown stale past the service's freshness window,
//! never as current.

use chrono::{DateTime, Duration, Utc};
use handoff_domain::FieldErrors;
use handoff_domain::directory::hsds::Unit;
use handoff_domain::policy::{ProgramAction, may_update_capacity, program_grant};
use handoff_storage::CapacityRow;
use uuid::Uuid;

use super::{Dir, current};
use crate::audit::{self, ALLOWED};
use crate::{App, AppError, AppResult, Ctx};
use handoff_i18n::{staff, staff_with};

/// One capacity as a partner or an officer sees it (also the API's answer).
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct CapacityLine {
    /// The capacity's id.
    pub id: Uuid,
    pub service_id: Uuid,
    pub service: String,
    pub organization: String,
    /// What is counted: bed, same-day intake slot, peer coach opening, ...
    pub unit: String,
    pub available: i64,
    pub maximum: Option<i64>,
    pub updated_at: DateTime<Utc>,
    /// Older than the service's freshness window: not to be read as current.
    pub stale: bool,
}

/// The freshness window of a service, in minutes.
pub fn window(dir: &Dir, program_minutes: i64, service: Uuid) -> i64 {
    dir.fresh.get(&service).copied().unwrap_or(program_minutes)
}

pub fn line(dir: &Dir, fresh_minutes: i64, now: DateTime<Utc>, c: &CapacityRow) -> CapacityLine {
    let service = dir.service(c.service_id);
    let org = service
        .and_then(|s| s.organization_id)
        .and_then(|o| dir.organization(o));
    let unit: Unit = serde_json::from_str(&c.unit).unwrap_or_default();
    CapacityLine {
        id: c.id,
        service_id: c.service_id,
        service: service.map(|s| s.name.clone()).unwrap_or_default(),
        organization: org.map(|o| o.name.clone()).unwrap_or_default(),
        unit: unit.name,
        available: c.available,
        maximum: c.maximum,
        updated_at: c.updated_at,
        stale: now - c.updated_at > Duration::minutes(window(dir, fresh_minutes, c.service_id)),
    }
}

/// The capacities the user may update: their organization's services' (a case manager),
/// or every service's (a coordinator).
pub async fn mine(app: &App, ctx: &Ctx) -> AppResult<Vec<CapacityLine>> {
    let pid = ctx.require_program()?;
    if program_grant(&ctx.actor, pid, ProgramAction::UpdateCapacity).is_none() {
        return Err(audit::deny(app, ctx, "capacity.list", "program", &pid.to_string()).await);
    }
    let dir = current(app, pid).await?;
    let mut tx = app.store.read().await?;
    let settings = tx.directory_settings(pid).await?;
    let rows = tx.capacities(pid).await?;
    tx.rollback().await?;
    let now = app.now();
    let org_of = |sid: Uuid| {
        dir.services
            .iter()
            .find(|s| s.id == sid)
            .and_then(|s| s.organization_id)
    };
    let mut lines: Vec<CapacityLine> = rows
        .iter()
        .filter(|c| org_of(c.service_id).is_some_and(|o| may_update_capacity(&ctx.actor, pid, o)))
        .map(|c| line(&dir, settings.capacity_fresh_minutes, now, c))
        .collect();
    lines.sort_by(|a, b| {
        (&a.organization, &a.service, a.id).cmp(&(&b.organization, &b.service, b.id))
    });
    Ok(lines)
}

/// What an update does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// One more available (a bed freed).
    Plus,
    /// One fewer (a bed taken).
    Minus,
    /// The count is still right: only its time moves.
    Confirm,
    /// Set the count (and the maximum, if given).
    Set {
        available: i64,
        maximum: Option<i64>,
    },
}

/// Updates one capacity, in one transaction with its audit record. Refused by field when
/// the count would be negative or above the maximum; a capacity the user may not update
/// is not found (and the refusal audited).
/// `change` is the input as read: its faults are answered only to a user who may update
/// this capacity (to anyone else it is not found).
pub async fn update(
    app: &App,
    ctx: &Ctx,
    id: Uuid,
    change: Result<Change, FieldErrors>,
) -> AppResult<CapacityLine> {
    let pid = ctx.require_program()?;
    let dir = current(app, pid).await?;
    let now = app.now();
    let mut tx = app.store.write().await?;
    let row = match tx.capacity(id).await {
        Ok(r) if r.program_id == pid => Some(r),
        Ok(_) | Err(handoff_storage::StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let org = row
        .as_ref()
        .and_then(|r| dir.service(r.service_id))
        .and_then(|s| s.organization_id);
    let (Some(row), Some(org)) = (row, org) else {
        tx.rollback().await?;
        return Err(audit::deny(app, ctx, "capacity.update", "capacity", &id.to_string()).await);
    };
    if !may_update_capacity(&ctx.actor, pid, org) {
        tx.rollback().await?;
        return Err(audit::deny(app, ctx, "capacity.update", "capacity", &id.to_string()).await);
    }
    let change = match change {
        Ok(c) => c,
        Err(e) => {
            // Refused by field, and audited as the refusals below are.
            tx.rollback().await?;
            audit::alone(
                app,
                ctx,
                "capacity.update",
                "capacity",
                &id.to_string(),
                audit::FAILED,
                &e.to_string(),
            )
            .await?;
            return Err(AppError::Invalid(e));
        }
    };
    let mut errors = FieldErrors::new();
    let ok = match change {
        Change::Plus => tx.adjust_capacity(id, 1, now).await?,
        Change::Minus => tx.adjust_capacity(id, -1, now).await?,
        Change::Confirm => tx.adjust_capacity(id, 0, now).await?,
        Change::Set { available, maximum } => {
            if available < 0 {
                errors.add("available", staff("err-directory-capacity-negative"));
            }
            if let Some(m) = maximum {
                if m < 0 {
                    errors.add("maximum", staff("err-directory-capacity-negative"));
                } else if available > m {
                    errors.add("available", above_maximum(m));
                }
            } else if let Some(m) = row.maximum
                && available > m
            {
                errors.add("available", above_maximum(m));
            }
            errors.is_empty() && tx.set_capacity(id, available, maximum, now).await?
        }
    };
    if !ok {
        if errors.is_empty() {
            let msg = match change {
                Change::Minus => staff("err-directory-capacity-none-left"),
                _ => staff_with(
                    "err-directory-capacity-at-maximum",
                    &[(
                        "maximum",
                        row.maximum.unwrap_or_default().to_string().into(),
                    )],
                ),
            };
            errors.add("available", msg);
        }
        tx.rollback().await?;
        audit::alone(
            app,
            ctx,
            "capacity.update",
            "capacity",
            &id.to_string(),
            audit::FAILED,
            &errors.to_string(),
        )
        .await?;
        return Err(AppError::Invalid(errors));
    }
    let after = tx.capacity(id).await?;
    let detail = format!(
        "{} of {}",
        after.available,
        after
            .maximum
            .map(|m| m.to_string())
            .unwrap_or_else(|| "no maximum".into())
    );
    audit::record(
        &mut tx,
        app,
        ctx,
        "capacity.update",
        "capacity",
        &id.to_string(),
        ALLOWED,
        &detail,
    )
    .await?;
    let settings = tx.directory_settings(pid).await?;
    tx.commit().await?;
    Ok(line(&dir, settings.capacity_fresh_minutes, now, &after))
}

/// A service's own freshness window (None: the program's), from the command line.
pub async fn set_freshness(
    app: &App,
    program_id: Uuid,
    service_id: Uuid,
    minutes: Option<i64>,
) -> AppResult<()> {
    if minutes.is_some_and(|m| !(5..=60 * 24 * 30).contains(&m)) {
        return Err(AppError::field(
            "minutes",
            staff("err-directory-capacity-freshness-range"),
        ));
    }
    let mut tx = app.store.write().await?;
    tx.set_service_freshness(program_id, service_id, minutes)
        .await?;
    tx.bump_directory_version(program_id).await?;
    audit::record(
        &mut tx,
        app,
        &Ctx::console(),
        "directory.freshness",
        "service",
        &service_id.to_string(),
        ALLOWED,
        &minutes
            .map(|m| m.to_string())
            .unwrap_or_else(|| "program".into()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// "is above the maximum of 12": the maximum as written today (no thousands separator).
fn above_maximum(m: i64) -> String {
    staff_with(
        "err-directory-capacity-above-maximum",
        &[("maximum", m.to_string().into())],
    )
}

/// An update as the API takes it.
#[derive(
    Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct CapacityInput {
    /// `set` (to `available`, and `maximum` if given), `plus` or `minus` one, or `confirm`
    /// (the count is still right: only its time moves).
    #[schema(schema_with = change_schema)]
    pub change: String,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub available: Option<i64>,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub maximum: Option<i64>,
}

fn change_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["set", "plus", "minus", "confirm"]))
        .description(Some("What the update does"))
        .build()
}

impl CapacityInput {
    pub fn change(&self) -> Result<Change, FieldErrors> {
        let mut e = FieldErrors::new();
        for (field, v) in [("available", self.available), ("maximum", self.maximum)] {
            if v.is_some_and(|n| !(0..=1_000_000).contains(&n)) {
                e.add(field, staff("err-directory-capacity-count-range"));
            }
        }
        if !e.is_empty() {
            return Err(e);
        }
        let c = match (self.change.as_str(), self.available) {
            ("set", Some(available)) => Change::Set {
                available,
                maximum: self.maximum,
            },
            ("set", None) => {
                e.add("available", staff("err-directory-capacity-count-required"));
                Change::Confirm
            }
            (other, a) => {
                if a.is_some() || self.maximum.is_some() {
                    e.add("available", staff("err-directory-capacity-count-only-set"));
                }
                match other {
                    "plus" => Change::Plus,
                    "minus" => Change::Minus,
                    "confirm" => Change::Confirm,
                    _ => {
                        e.add("change", staff("err-directory-capacity-change"));
                        Change::Confirm
                    }
                }
            }
        };
        if e.is_empty() { Ok(c) } else { Err(e) }
    }
}
