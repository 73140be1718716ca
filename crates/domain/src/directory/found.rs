//! What reading a file found: the records, and errors, warnings and notices by record and
//! field (ADR 0017).

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use uuid::Uuid;

use super::hsds::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Error,
    Warning,
    Notice,
}

/// One finding: which record (kind and id, or the file), which field, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub level: Level,
    pub record: String,
    pub field: String,
    pub message: String,
}

/// What a file holds, read into Handoff's objects, with what was found on the way.
#[derive(Debug, Default)]
pub struct Parsed {
    pub organizations: Vec<Organization>,
    pub services: Vec<Service>,
    pub locations: Vec<Location>,
    /// Service-at-locations given on their own, for services in the file or the directory.
    pub service_at_locations: Vec<(Uuid, ServiceAtLocation)>,
    pub capacities: Vec<Capacity>,
    pub terms: Vec<TaxonomyTerm>,
    pub taxonomies: Vec<Taxonomy>,
    pub findings: Vec<Finding>,
    /// Fields Handoff does not keep, by "object.field", with how many records had them.
    pub not_kept: BTreeMap<String, usize>,
    pub(crate) seen: HashMap<Uuid, (&'static str, Value)>,
}

impl Parsed {
    pub fn errors(&self) -> usize {
        self.count(Level::Error)
    }
    pub fn warnings(&self) -> usize {
        self.count(Level::Warning)
    }
    fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.level == level).count()
    }
    /// Adds a finding; the same one twice (a record listed in two places) is kept once.
    pub fn push(&mut self, level: Level, record: &str, field: &str, message: impl Into<String>) {
        let f = Finding {
            level,
            record: record.to_string(),
            field: field.to_string(),
            message: message.into(),
        };
        if !self.findings.contains(&f) {
            self.findings.push(f);
        }
    }
    /// Keeps a top-level record once: the same id twice is fine if both are equal, an
    /// error otherwise.
    pub(crate) fn first<T: serde::Serialize>(
        &mut self,
        kind: &'static str,
        id: Uuid,
        rec: &T,
    ) -> bool {
        let v = serde_json::to_value(rec).unwrap_or(Value::Null);
        match self.seen.get(&id) {
            None => {
                self.seen.insert(id, (kind, v));
                true
            }
            Some((k, old)) if *k == kind && *old == v => false,
            Some((k, _)) => {
                let msg = if *k == kind {
                    format!(
                        "duplicate id: a different {kind} with this id appears earlier in the file"
                    )
                } else {
                    format!("duplicate id: a {k} earlier in the file has this id")
                };
                self.push(Level::Error, &record_name(kind, Some(id)), "id", msg);
                false
            }
        }
    }
}

pub fn record_name(kind: &str, id: Option<Uuid>) -> String {
    match id {
        Some(id) => format!("{kind} {id}"),
        None => kind.to_string(),
    }
}
