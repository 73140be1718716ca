//! Importing an HSDS file into the program's directory (ADR 0017): read field by field,
//! checked against the directory, then applied in one transaction, or not at all. A dry run
//! says what would change; warnings hold the import back until they are accepted.

use std::collections::BTreeMap;

use handoff_domain::directory::file::parse_json;
use handoff_domain::directory::found::{Finding, Level, Parsed};
use handoff_domain::directory::plan::{Change, Existing, plan};
use handoff_domain::directory::{tabular, term_by_id};
use handoff_storage::{CapacityRow, DirLocationRow, DirServiceRow, DirTermRow, OrgRow};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::audit::{self, ALLOWED};
use crate::{App, AppError, AppResult, Ctx};
use handoff_i18n::staff_with;

/// Files larger than this are refused before they are read.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// What is imported: one JSON file, or a data package's CSV tables by file name.
pub enum Source {
    Json(Vec<u8>),
    Csv(BTreeMap<String, Vec<u8>>),
}

#[derive(Debug, Default, serde::Serialize)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub changes: Vec<Change>,
    /// Fields and tables Handoff does not keep, with how many records had them.
    pub not_kept: BTreeMap<String, usize>,
    /// Capacities whose value in the file is newer than the one kept.
    pub capacities: usize,
    pub applied: bool,
}

impl Outcome {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.level == Level::Error)
            .count()
    }
    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.level == Level::Warning)
            .count()
    }
}

fn read(source: Source) -> Parsed {
    match source {
        Source::Json(bytes) if bytes.len() > MAX_BYTES => {
            let mut p = Parsed::default();
            p.push(
                Level::Error,
                "file",
                "",
                staff_with(
                    "err-directory-import-too-large",
                    &[("mib", (MAX_BYTES >> 20).to_string().into())],
                ),
            );
            p
        }
        Source::Json(bytes) => parse_json(&bytes),
        Source::Csv(files) => {
            let mut out = Parsed::default();
            let mut tables = BTreeMap::new();
            for (name, bytes) in &files {
                let table = name.trim_end_matches(".csv").to_string();
                let mut reader = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
                let headers = match reader.headers() {
                    Ok(h) => h.clone(),
                    Err(e) => {
                        out.push(Level::Error, "file", name, not_csv(&e));
                        continue;
                    }
                };
                let mut rows = Vec::new();
                for (i, rec) in reader.records().enumerate() {
                    match rec {
                        Ok(rec) => rows.push(
                            headers
                                .iter()
                                .zip(rec.iter())
                                .map(|(h, v)| (h.to_string(), Value::String(v.to_string())))
                                .collect::<Map<String, Value>>(),
                        ),
                        Err(e) => out.push(
                            Level::Error,
                            &staff_with(
                                "err-directory-import-csv-row",
                                &[("file", name.into()), ("row", (i + 2).to_string().into())],
                            ),
                            "",
                            not_csv(&e),
                        ),
                    }
                }
                tables.insert(table, rows);
            }
            tabular::assemble(&mut out, tables, true);
            out
        }
    }
}

/// "not CSV: " and what the reader found.
fn not_csv(e: &csv::Error) -> String {
    staff_with(
        "err-directory-import-not-csv",
        &[("error", e.to_string().into())],
    )
}

/// Imports into `program_id`'s directory. Nothing is written on a dry run, on any error,
/// or on warnings not accepted. `progress` hears (records written, records to write).
pub async fn import(
    app: &App,
    ctx: &Ctx,
    program_id: Uuid,
    source: Source,
    dry_run: bool,
    accept_warnings: bool,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> AppResult<Outcome> {
    let mut parsed = read(source);
    let now = app.now();
    let stamp = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut tx = app.store.write().await?;
    let dir = super::load(&mut tx, program_id).await?;
    let ids: Vec<Uuid> = parsed
        .organizations
        .iter()
        .map(|o| o.id)
        .chain(parsed.services.iter().map(|s| s.id))
        .chain(parsed.locations.iter().map(|l| l.id))
        .chain(parsed.terms.iter().map(|t| t.id))
        .chain(parsed.taxonomies.iter().map(|t| t.id))
        .collect();
    let existing = Existing {
        org_names: tx
            .org_docs(program_id)
            .await?
            .into_iter()
            .map(|o| (o.name.trim().to_lowercase(), o.id))
            .collect(),
        organizations: dir
            .organizations
            .iter()
            .map(|o| (o.id, o.clone()))
            .collect(),
        services: dir.services.iter().map(|s| (s.id, s.clone())).collect(),
        locations: dir.locations.clone(),
        terms: dir.terms.clone(),
        taxonomies: dir.taxonomies.iter().map(|t| (t.id, t.clone())).collect(),
        foreign: tx
            .foreign_directory_ids(program_id, &ids)
            .await?
            .into_iter()
            .collect(),
    };
    let changes = if parsed.errors() == 0 {
        plan(&mut parsed, &existing, &stamp)
    } else {
        Vec::new()
    };
    let mut out = Outcome {
        findings: std::mem::take(&mut parsed.findings),
        changes,
        not_kept: std::mem::take(&mut parsed.not_kept),
        capacities: 0,
        applied: false,
    };
    out.findings.sort_by_key(|f| f.level);
    let blocked = out.errors() > 0 || (out.warnings() > 0 && !accept_warnings);
    if blocked || dry_run {
        tx.rollback().await?;
        return Ok(out);
    }
    let total = parsed.organizations.len()
        + parsed.services.len()
        + parsed.locations.len()
        + parsed.terms.len()
        + parsed.taxonomies.len()
        + parsed.capacities.len();
    let mut done = 0;
    let tick = |n: &mut usize| {
        *n += 1;
        if (*n).is_multiple_of(100) || *n == total {
            progress(*n, total);
        }
    };
    let doc = |v: &dyn erased::Doc| v.json();
    for o in &parsed.organizations {
        if existing.organizations.contains_key(&o.id)
            || existing.org_names.values().any(|id| *id == o.id)
        {
            tx.set_org_hsds(o.id, &o.name, &doc(o)?).await?;
        } else {
            tx.insert_org(&OrgRow {
                id: o.id,
                program_id,
                kind: handoff_domain::OrgKind::Partner.as_str().into(),
                name: o.name.clone(),
                address: String::new(),
                phone: o
                    .phones
                    .first()
                    .map(|p| p.number.clone())
                    .unwrap_or_default(),
                hours: String::new(),
                what_to_bring: String::new(),
                created_at: now,
            })
            .await?;
            tx.set_org_hsds(o.id, &o.name, &doc(o)?).await?;
        }
        tick(&mut done);
    }
    for l in &parsed.locations {
        tx.upsert_directory_location(&DirLocationRow {
            id: l.id,
            program_id,
            org_id: l.organization_id,
            doc: doc(l)?,
        })
        .await?;
        tick(&mut done);
    }
    for s in &parsed.services {
        let codes: Vec<&str> = s
            .attributes
            .iter()
            .filter_map(|a| term_by_id(a.taxonomy_term_id))
            .map(|t| t.code.as_str())
            .collect();
        let modified_at = s
            .last_modified
            .as_deref()
            .and_then(|m| chrono::DateTime::parse_from_rfc3339(m).ok())
            .map(|m| m.with_timezone(&chrono::Utc))
            .unwrap_or(now);
        tx.upsert_directory_service(&DirServiceRow {
            id: s.id,
            program_id,
            org_id: s.organization_id.ok_or_else(|| {
                AppError::Internal("a service without an organization passed the checks".into())
            })?,
            name: s.name.clone(),
            status: s.status.clone(),
            type_codes: format!(" {} ", codes.join(" ")),
            fresh_minutes: None,
            modified_at,
            doc: doc(s)?,
        })
        .await?;
        tick(&mut done);
    }
    for t in parsed.terms.iter().filter(|t| term_by_id(t.id).is_none()) {
        tx.upsert_directory_term(&DirTermRow {
            id: t.id,
            program_id,
            kind: "term".into(),
            doc: doc(t)?,
        })
        .await?;
        tick(&mut done);
    }
    for t in &parsed.taxonomies {
        tx.upsert_directory_term(&DirTermRow {
            id: t.id,
            program_id,
            kind: "taxonomy".into(),
            doc: doc(t)?,
        })
        .await?;
        tick(&mut done);
    }
    for c in &parsed.capacities {
        let updated = chrono::DateTime::parse_from_rfc3339(&c.updated)
            .map_err(|e| AppError::Internal(e.to_string()))?
            .with_timezone(&chrono::Utc);
        let row = CapacityRow {
            id: c.id,
            program_id,
            service_id: c.service_id.unwrap_or_default(),
            unit: doc(&c.unit)?,
            available: c.available.as_i64().unwrap_or_default(),
            maximum: c.maximum.as_ref().and_then(serde_json::Number::as_i64),
            description: c.description.clone(),
            updated_at: updated,
        };
        if tx.upsert_capacity(&row).await? {
            out.capacities += 1;
        }
        tick(&mut done);
    }
    tx.bump_directory_version(program_id).await?;
    let summary: Vec<String> = out
        .changes
        .iter()
        .map(|c| format!("{}: +{} ~{} ={}", c.kind, c.added, c.changed, c.unchanged))
        .collect();
    audit::record(
        &mut tx,
        app,
        ctx,
        "directory.import",
        "program",
        &program_id.to_string(),
        ALLOWED,
        &summary.join("; "),
    )
    .await?;
    tx.commit().await?;
    out.applied = true;
    Ok(out)
}

mod erased {
    use crate::{AppError, AppResult};

    /// Any kept HSDS object, as the JSON document stored.
    pub trait Doc {
        fn json(&self) -> AppResult<String>;
    }

    impl<T: serde::Serialize> Doc for T {
        fn json(&self) -> AppResult<String> {
            serde_json::to_string(self).map_err(|e| AppError::Internal(e.to_string()))
        }
    }
}
