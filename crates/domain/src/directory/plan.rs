//! What an import would do to the program's directory: the checks that need the directory
//! (references, ids of other programs, names, taxonomy terms) and the changes by kind.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::found::{Level, Parsed, record_name};
use super::hsds::*;

/// The program's directory as it is (what the checks and the comparison need).
#[derive(Debug, Default)]
pub struct Existing {
    pub organizations: HashMap<Uuid, Organization>,
    /// Every organization of the program (in the directory or not), by lowercased name.
    pub org_names: HashMap<String, Uuid>,
    pub services: HashMap<Uuid, Service>,
    pub locations: HashMap<Uuid, Location>,
    pub terms: HashMap<Uuid, TaxonomyTerm>,
    pub taxonomies: HashMap<Uuid, Taxonomy>,
    /// Ids of the file that another program's directory uses.
    pub foreign: HashSet<Uuid>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    pub kind: &'static str,
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
}

/// Checks `parsed` against the directory, merges service-at-locations given on their own
/// into their services, stamps `last_modified` on what changes, and counts the changes.
pub fn plan(parsed: &mut Parsed, existing: &Existing, now: &str) -> Vec<Change> {
    // Service-at-locations given on their own join their service.
    for (sid, sal) in std::mem::take(&mut parsed.service_at_locations) {
        let target = match parsed.services.iter_mut().find(|s| s.id == sid) {
            Some(s) => Some(s),
            None => existing.services.get(&sid).and_then(|s| {
                parsed.services.push(s.clone());
                parsed.services.last_mut()
            }),
        };
        match target {
            Some(s) => {
                s.service_at_locations.retain(|x| x.id != sal.id);
                s.service_at_locations.push(sal);
            }
            None => parsed.push(
                Level::Error,
                &record_name("service_at_location", Some(sal.id)),
                "service_id",
                format!("service {sid} is neither in the file nor in the directory"),
            ),
        }
    }
    let ids: Vec<(&str, Uuid)> = parsed
        .organizations
        .iter()
        .map(|o| ("organization", o.id))
        .chain(parsed.services.iter().map(|s| ("service", s.id)))
        .chain(parsed.locations.iter().map(|l| ("location", l.id)))
        .chain(parsed.terms.iter().map(|t| ("taxonomy_term", t.id)))
        .collect();
    let mut findings = Vec::new();
    let mut err = |level: Level, record: String, field: &str, msg: String| {
        findings.push((level, record, field.to_string(), msg))
    };
    for (kind, id) in ids {
        if existing.foreign.contains(&id) {
            err(
                Level::Error,
                record_name(kind, Some(id)),
                "id",
                "is used by another program's directory: give this record its own id".into(),
            );
        }
    }
    let file_orgs: HashSet<Uuid> = parsed.organizations.iter().map(|o| o.id).collect();
    let file_locs: HashSet<Uuid> = parsed.locations.iter().map(|l| l.id).collect();
    let file_terms: HashSet<Uuid> = parsed.terms.iter().map(|t| t.id).collect();
    let program_orgs: HashSet<Uuid> = existing.org_names.values().copied().collect();
    let org_known = |id: Uuid| file_orgs.contains(&id) || program_orgs.contains(&id);
    let term_known = |id: Uuid| {
        super::term_by_id(id).is_some()
            || file_terms.contains(&id)
            || existing.terms.contains_key(&id)
    };
    let mut names: HashMap<String, Uuid> = existing.org_names.clone();
    for o in &parsed.organizations {
        let key = o.name.trim().to_lowercase();
        match names.get(&key) {
            Some(other) if *other != o.id => err(
                Level::Error,
                record_name("organization", Some(o.id)),
                "name",
                format!(
                    "another organization ({other}) already has this name: rename this one, or give it that organization's id to update it"
                ),
            ),
            _ => {
                names.insert(key, o.id);
            }
        }
    }
    for s in &parsed.services {
        let rec = record_name("service", Some(s.id));
        if let Some(o) = s.organization_id
            && !org_known(o)
        {
            err(
                Level::Error,
                rec.clone(),
                "organization_id",
                format!("organization {o} is neither in the file nor in the directory"),
            );
        }
        for (i, sal) in s.service_at_locations.iter().enumerate() {
            if !file_locs.contains(&sal.location_id)
                && !existing.locations.contains_key(&sal.location_id)
            {
                err(
                    Level::Error,
                    rec.clone(),
                    &format!("service_at_locations[{i}].location_id"),
                    format!(
                        "location {} is neither in the file nor in the directory",
                        sal.location_id
                    ),
                );
            }
        }
        for (i, a) in s.attributes.iter().enumerate() {
            if !term_known(a.taxonomy_term_id) {
                err(
                    Level::Error,
                    rec.clone(),
                    &format!("attributes[{i}].taxonomy_term_id"),
                    format!(
                        "unknown taxonomy term {}: not one of Handoff's, the program's or the file's",
                        a.taxonomy_term_id
                    ),
                );
            }
        }
    }
    for l in &mut parsed.locations {
        match l.organization_id {
            // Listed on its own, a location does not say whose it is: it stays its owner's.
            None => {
                l.organization_id = existing
                    .locations
                    .get(&l.id)
                    .and_then(|e| e.organization_id)
            }
            Some(o) if !org_known(o) => {
                err(
                    Level::Warning,
                    record_name("location", Some(l.id)),
                    "organization_id",
                    format!(
                        "organization {o} is neither in the file nor in the directory: the location is kept without it"
                    ),
                );
                l.organization_id = None;
            }
            Some(_) => {}
        }
    }
    for t in &parsed.terms {
        let rec = record_name("taxonomy_term", Some(t.id));
        if super::term_by_id(t.id).is_some() {
            continue;
        }
        if !existing.terms.contains_key(&t.id) {
            err(
                Level::Warning,
                rec.clone(),
                "",
                format!(
                    "\"{}\" is not one of Handoff's service types: it will be added to the program's terms",
                    t.name
                ),
            );
        }
        if let Some(p) = t.parent_id
            && !term_known(p)
        {
            err(
                Level::Warning,
                rec,
                "parent_id",
                format!(
                    "parent term {p} is neither in the file nor in the directory: kept as given"
                ),
            );
        }
    }
    for (level, record, field, msg) in findings {
        parsed.push(level, &record, &field, msg);
    }
    // Changes; a service that changes without a last_modified of its own gets `now`.
    let mut out = Vec::new();
    out.push(count("organization", &parsed.organizations, |o| {
        existing.organizations.get(&o.id)
    }));
    for s in &mut parsed.services {
        let old = existing.services.get(&s.id);
        if s.last_modified.is_none() {
            s.last_modified = old.and_then(|o| o.last_modified.clone());
            if old != Some(s) {
                s.last_modified = Some(now.to_string());
            }
        }
    }
    out.push(count("service", &parsed.services, |s| {
        existing.services.get(&s.id)
    }));
    out.push(count("location", &parsed.locations, |l| {
        existing.locations.get(&l.id)
    }));
    let program_terms: Vec<TaxonomyTerm> = parsed
        .terms
        .iter()
        .filter(|t| super::term_by_id(t.id).is_none())
        .cloned()
        .collect();
    out.push(count("taxonomy_term", &program_terms, |t| {
        existing.terms.get(&t.id)
    }));
    out.push(count("taxonomy", &parsed.taxonomies, |t| {
        existing.taxonomies.get(&t.id)
    }));
    out
}

fn count<'a, T: PartialEq + 'a>(
    kind: &'static str,
    items: &'a [T],
    old: impl Fn(&T) -> Option<&'a T>,
) -> Change {
    let mut c = Change {
        kind,
        ..Change::default()
    };
    for item in items {
        match old(item) {
            None => c.added += 1,
            Some(o) if o == item => c.unchanged += 1,
            Some(_) => c.changed += 1,
        }
    }
    c
}
