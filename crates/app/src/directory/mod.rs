//! The program's directory of partners' services (ADR 0017): kept as HSDS documents,
//! cached per program and version, answered as the standard's compiled objects; live
//! capacity read beside them. `import` reads files into it.

pub mod capacity;
pub mod held;
pub mod import;
pub mod refer;
pub mod settings;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use handoff_domain::directory::hsds::*;
use handoff_domain::directory::{self, hsds_term, term_by_id};
use handoff_domain::policy::{ProgramAction, program_grant};
use handoff_storage::{CapacityRow, Tx};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::audit::{self, ALLOWED};
use crate::{App, AppError, AppResult, Ctx};

/// One program's directory as read from the documents.
#[derive(Debug, Default)]
pub struct Dir {
    pub version: i64,
    /// The partner organizations (providers, and any organization with an HSDS document).
    pub organizations: Vec<Organization>,
    pub services: Vec<Service>,
    /// When each service last changed (for `modified_after`), by id.
    pub modified: HashMap<Uuid, DateTime<Utc>>,
    /// Services with a freshness window for capacity of their own, in minutes.
    pub fresh: HashMap<Uuid, i64>,
    pub locations: HashMap<Uuid, Location>,
    /// The program's own taxonomy terms and taxonomies.
    pub terms: HashMap<Uuid, TaxonomyTerm>,
    pub taxonomies: Vec<Taxonomy>,
    /// What the officer's ranking reads of each service, in the order of `services`.
    pub profiles: Vec<handoff_domain::directory::choose::Profile>,
    /// Positions in `services` and `organizations`, by id.
    service_at: HashMap<Uuid, usize>,
    org_at: HashMap<Uuid, usize>,
}

pub(crate) type DirCache = Arc<Mutex<HashMap<Uuid, Arc<Dir>>>>;

fn parse<T: serde::de::DeserializeOwned>(doc: &str, what: &str, id: Uuid) -> AppResult<T> {
    serde_json::from_str(doc)
        .map_err(|e| AppError::Internal(format!("the stored {what} {id} is unreadable: {e}")))
}

/// Reads the whole directory of a program in `tx`.
pub async fn load(tx: &mut Tx, program_id: Uuid) -> AppResult<Dir> {
    let version = tx.directory_version(program_id).await?;
    let mut dir = Dir {
        version,
        ..Dir::default()
    };
    let orgs = tx.org_docs(program_id).await?;
    for o in &orgs {
        if let Some(doc) = &o.hsds {
            dir.organizations.push(parse(doc, "organization", o.id)?);
        }
    }
    for s in tx.directory_services(program_id).await? {
        dir.modified.insert(s.id, s.modified_at);
        if let Some(m) = s.fresh_minutes {
            dir.fresh.insert(s.id, m);
        }
        dir.services.push(parse(&s.doc, "service", s.id)?);
    }
    for l in tx.directory_locations(program_id).await? {
        dir.locations.insert(l.id, parse(&l.doc, "location", l.id)?);
    }
    // An organization of the program with services or locations but no HSDS document of
    // its own (one created in Handoff) is in the directory by its name.
    for o in &orgs {
        let listed = dir.services.iter().any(|s| s.organization_id == Some(o.id))
            || dir
                .locations
                .values()
                .any(|l| l.organization_id == Some(o.id));
        if o.hsds.is_none() && listed {
            dir.organizations.push(minimal_org(o.id, &o.name));
        }
    }
    dir.service_at = dir
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i))
        .collect();
    dir.profiles = dir
        .services
        .iter()
        .map(|s| {
            let locations: Vec<&Location> = s
                .service_at_locations
                .iter()
                .filter_map(|l| dir.locations.get(&l.location_id))
                .collect();
            handoff_domain::directory::choose::Profile::of(s, &locations)
        })
        .collect();
    dir.org_at = dir
        .organizations
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id, i))
        .collect();
    for t in tx.directory_terms(program_id).await? {
        if t.kind == "taxonomy" {
            dir.taxonomies.push(parse(&t.doc, "taxonomy", t.id)?);
        } else {
            dir.terms
                .insert(t.id, parse(&t.doc, "taxonomy term", t.id)?);
        }
    }
    Ok(dir)
}

pub(crate) fn minimal_org(id: Uuid, name: &str) -> Organization {
    Organization {
        id,
        name: name.to_string(),
        alternate_name: None,
        description: String::new(),
        email: None,
        website: None,
        uri: None,
        phones: Vec::new(),
        contacts: Vec::new(),
    }
}

/// The program's directory, from the cache while its version is current.
pub async fn current(app: &App, program_id: Uuid) -> AppResult<Arc<Dir>> {
    let mut tx = app.store.read().await?;
    let version = tx.directory_version(program_id).await?;
    let cached = app
        .directories
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&program_id)
        .cloned();
    if let Some(d) = cached
        && d.version == version
    {
        tx.rollback().await?;
        return Ok(d);
    }
    let dir = Arc::new(load(&mut tx, program_id).await?);
    tx.rollback().await?;
    app.directories
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(program_id, dir.clone());
    Ok(dir)
}

impl Dir {
    pub fn term(&self, id: Uuid) -> Option<TaxonomyTerm> {
        term_by_id(id)
            .map(hsds_term)
            .or_else(|| self.terms.get(&id).cloned())
    }

    pub fn organization(&self, id: Uuid) -> Option<&Organization> {
        self.org_at
            .get(&id)
            .and_then(|i| self.organizations.get(*i))
    }

    pub fn service(&self, id: Uuid) -> Option<&Service> {
        self.service_at.get(&id).and_then(|i| self.services.get(*i))
    }

    /// The service as the standard's compiled object: terms, locations and capacity
    /// inline; its organization too when `with_org`.
    pub fn compiled_service(&self, s: &Service, capacity: &[Capacity], with_org: bool) -> Value {
        let mut s = s.clone();
        for a in &mut s.attributes {
            a.taxonomy_term = self.term(a.taxonomy_term_id);
        }
        let mut v = serde_json::to_value(&s).unwrap_or(Value::Null);
        if let Some(Value::Array(sals)) = v.get_mut("service_at_locations") {
            for sal in sals.iter_mut() {
                let loc = sal
                    .get("location_id")
                    .and_then(Value::as_str)
                    .and_then(|l| Uuid::parse_str(l).ok());
                if let (Some(obj), Some(l)) = (
                    sal.as_object_mut(),
                    loc.and_then(|l| self.locations.get(&l)),
                ) {
                    obj.insert(
                        "location".into(),
                        serde_json::to_value(l).unwrap_or(Value::Null),
                    );
                }
            }
        }
        if let Some(obj) = v.as_object_mut() {
            let caps: Vec<&Capacity> = capacity
                .iter()
                .filter(|c| c.service_id == Some(s.id))
                .collect();
            if !caps.is_empty() {
                obj.insert(
                    "capacities".into(),
                    serde_json::to_value(caps).unwrap_or(Value::Null),
                );
            }
            if with_org && let Some(o) = s.organization_id.and_then(|o| self.organization(o)) {
                obj.insert(
                    "organization".into(),
                    serde_json::to_value(o).unwrap_or(Value::Null),
                );
            }
        }
        v
    }

    /// The organization as a compiled object, with its locations (HSDS 3.1's organization
    /// does not list its services: they name it).
    pub fn compiled_organization(&self, o: &Organization) -> Value {
        let mut v = serde_json::to_value(o).unwrap_or(Value::Null);
        if let Some(obj) = v.as_object_mut() {
            let mut locations: Vec<&Location> = self
                .locations
                .values()
                .filter(|l| l.organization_id == Some(o.id))
                .collect();
            locations.sort_by_key(|l| l.id);
            if !locations.is_empty() {
                obj.insert(
                    "locations".into(),
                    serde_json::to_value(locations).unwrap_or(Value::Null),
                );
            }
        }
        v
    }
}

/// Live capacity rows as HSDS `service_capacity`.
pub fn capacities(rows: &[CapacityRow]) -> Vec<Capacity> {
    rows.iter()
        .map(|c| Capacity {
            id: c.id,
            service_id: Some(c.service_id),
            unit: serde_json::from_str(&c.unit).unwrap_or_default(),
            available: c.available.into(),
            maximum: c.maximum.map(Into::into),
            description: c.description.clone(),
            updated: c
                .updated_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })
        .collect()
}

/// The whole directory as one HSDS file: the compiled organizations (with their
/// locations), the compiled services, locations of no organization, then the program's own
/// terms and taxonomies. Importing it reproduces the directory.
pub async fn export_json(app: &App, program_id: Uuid) -> AppResult<Vec<u8>> {
    let dir = current(app, program_id).await?;
    let mut tx = app.store.read().await?;
    let caps = capacities(&tx.capacities(program_id).await?);
    tx.rollback().await?;
    let mut items: Vec<Value> = dir
        .organizations
        .iter()
        .map(|o| dir.compiled_organization(o))
        .collect();
    items.extend(
        dir.services
            .iter()
            .map(|s| dir.compiled_service(s, &caps, false)),
    );
    let mut loose: Vec<&Location> = dir
        .locations
        .values()
        .filter(|l| l.organization_id.is_none())
        .collect();
    loose.sort_by_key(|l| l.id);
    items.extend(
        loose
            .into_iter()
            .map(|l| serde_json::to_value(l).unwrap_or(Value::Null)),
    );
    let mut terms: Vec<&TaxonomyTerm> = dir.terms.values().collect();
    terms.sort_by_key(|t| t.id);
    items.extend(
        terms
            .into_iter()
            .map(|t| serde_json::to_value(t).unwrap_or(Value::Null)),
    );
    items.extend(
        dir.taxonomies
            .iter()
            .map(|t| serde_json::to_value(t).unwrap_or(Value::Null)),
    );
    serde_json::to_vec_pretty(&Value::Array(items)).map_err(|e| AppError::Internal(e.to_string()))
}

/// Export by a signed-in coordinator or administrator, audited.
pub async fn export(app: &App, ctx: &Ctx) -> AppResult<Vec<u8>> {
    let pid = manage(app, ctx, "directory.export").await?;
    let out = export_json(app, pid).await?;
    audit::alone(
        app,
        ctx,
        "directory.export",
        "program",
        &pid.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    Ok(out)
}

/// The program the user manages the directory of (coordinators and administrators).
pub(crate) async fn manage(app: &App, ctx: &Ctx, action: &str) -> AppResult<Uuid> {
    let pid = ctx.require_program()?;
    if program_grant(&ctx.actor, pid, ProgramAction::ManageDirectory).is_none() {
        return Err(audit::deny(app, ctx, action, "program", &pid.to_string()).await);
    }
    Ok(pid)
}

/// Who reads the HSDS API: a program member's token, or anyone when the program's
/// directory is public.
pub enum Reader<'a> {
    Member(&'a Ctx),
    Public,
}

/// The program a reader reads: the member's (a member of any role may), or the one
/// public directory on this server.
pub async fn program_for(app: &App, reader: &Reader<'_>) -> AppResult<Uuid> {
    match reader {
        Reader::Member(ctx) => {
            let pid = ctx.require_program()?;
            if program_grant(&ctx.actor, pid, ProgramAction::ReadDirectory).is_none() {
                return Err(
                    audit::deny(app, ctx, "directory.read", "program", &pid.to_string()).await,
                );
            }
            Ok(pid)
        }
        Reader::Public => {
            let mut tx = app.store.read().await?;
            let public = tx.public_directories().await?;
            tx.rollback().await?;
            match public.as_slice() {
                [one] => Ok(*one),
                _ => Err(AppError::Unauthenticated),
            }
        }
    }
}

/// A page of the HSDS API's paged answer.
pub fn paged(items: Vec<Value>, page: usize, per_page: usize) -> Value {
    let total = items.len();
    let pages = total.div_ceil(per_page).max(1);
    let contents: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    let mut m = Map::new();
    m.insert("total_items".into(), total.into());
    m.insert("total_pages".into(), pages.into());
    m.insert("page_number".into(), page.into());
    m.insert("size".into(), contents.len().into());
    m.insert("first_page".into(), (page == 1).into());
    m.insert("last_page".into(), (page >= pages).into());
    m.insert("empty".into(), contents.is_empty().into());
    m.insert("contents".into(), Value::Array(contents));
    Value::Object(m)
}

/// What the HSDS service list is filtered by.
#[derive(Debug, Default, Clone)]
pub struct ServiceQuery {
    pub page: usize,
    pub per_page: usize,
    pub modified_after: Option<DateTime<Utc>>,
    pub taxonomy_term_id: Option<Uuid>,
}

/// `/hsds/services`: the program's services, compiled, paged.
pub async fn hsds_services(app: &App, reader: &Reader<'_>, q: &ServiceQuery) -> AppResult<Value> {
    let pid = program_for(app, reader).await?;
    let dir = current(app, pid).await?;
    let mut tx = app.store.read().await?;
    let caps = capacities(&tx.capacities(pid).await?);
    tx.rollback().await?;
    let items = dir
        .services
        .iter()
        .filter(|s| {
            q.modified_after
                .is_none_or(|t| dir.modified.get(&s.id).is_some_and(|m| *m > t))
        })
        .filter(|s| {
            q.taxonomy_term_id.is_none_or(|t| {
                s.attributes.iter().any(|a| {
                    a.taxonomy_term_id == t
                        || term_by_id(a.taxonomy_term_id)
                            .zip(term_by_id(t))
                            .is_some_and(|(a, t)| directory::is_under(&a.code, &t.code))
                })
            })
        })
        .map(|s| dir.compiled_service(s, &caps, false))
        .collect();
    Ok(paged(items, q.page, q.per_page))
}

/// `/hsds/services/{id}`.
pub async fn hsds_service(app: &App, reader: &Reader<'_>, id: Uuid) -> AppResult<Value> {
    let pid = program_for(app, reader).await?;
    let dir = current(app, pid).await?;
    let s = dir
        .services
        .iter()
        .find(|s| s.id == id)
        .ok_or(AppError::NotFound)?;
    let mut tx = app.store.read().await?;
    let caps = capacities(&tx.capacities(pid).await?);
    tx.rollback().await?;
    Ok(dir.compiled_service(s, &caps, true))
}

/// `/hsds/organizations`: the partner organizations (without their services), paged.
pub async fn hsds_organizations(
    app: &App,
    reader: &Reader<'_>,
    page: usize,
    per_page: usize,
) -> AppResult<Value> {
    let pid = program_for(app, reader).await?;
    let dir = current(app, pid).await?;
    let items = dir
        .organizations
        .iter()
        .map(|o| serde_json::to_value(o).unwrap_or(Value::Null))
        .collect();
    Ok(paged(items, page, per_page))
}

/// Makes the program's directory readable without a token, or not (the command line).
pub async fn set_public(app: &App, program_id: Uuid, public: bool) -> AppResult<()> {
    let mut tx = app.store.write().await?;
    tx.set_directory_public(program_id, public).await?;
    audit::record(
        &mut tx,
        app,
        &Ctx::console(),
        "directory.public",
        "program",
        &program_id.to_string(),
        ALLOWED,
        if public { "on" } else { "off" },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The referrals of the encounters whose local date is in `from..=to`, as the measures per
/// service kind read them (the dashboard, the quarterly report).
pub async fn referral_rows(
    tx: &mut Tx,
    program_id: Uuid,
    tz: chrono_tz::Tz,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<Vec<handoff_domain::service_measures::Row>> {
    let bound = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(tz).earliest())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now)
    };
    let end = to.succ_opt().unwrap_or(to);
    Ok(tx
        .referral_measure_rows(program_id, bound(from), bound(end))
        .await?
        .into_iter()
        .map(|r| handoff_domain::service_measures::Row {
            service_types: r.service_types,
            status: r.status,
            reason_code: r.status_reason_code,
            occurred_at: r.occurred_at,
            requested_at: r.requested_at,
            intake_at: r.intake_at,
        })
        .collect())
}
