//! The tabular form of HSDS (a data package's CSV tables, or the same tables as JSON):
//! rows joined by their foreign keys into compiled objects, then read as any other file.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::fields::Rd;
use super::found::{Level, Parsed};

type Row = Map<String, Value>;

/// The tables Handoff reads, children first, with (foreign key, parent table, the parent's
/// list) for each parent a row may belong to. A row goes under every parent it names.
/// (foreign key, parent table, the parent's list).
type Link = (&'static str, &'static str, &'static str);

const LINKS: &[(&str, &[Link])] = &[
    (
        "languages",
        &[
            ("phone_id", "phones", "languages"),
            ("service_id", "services", "languages"),
            ("location_id", "locations", "languages"),
        ],
    ),
    (
        "phones",
        &[
            ("contact_id", "contacts", "phones"),
            ("service_at_location_id", "service_at_locations", "phones"),
            ("service_id", "services", "phones"),
            ("location_id", "locations", "phones"),
            ("organization_id", "organizations", "phones"),
        ],
    ),
    (
        "contacts",
        &[
            ("service_at_location_id", "service_at_locations", "contacts"),
            ("service_id", "services", "contacts"),
            ("organization_id", "organizations", "contacts"),
        ],
    ),
    (
        "schedules",
        &[
            (
                "service_at_location_id",
                "service_at_locations",
                "schedules",
            ),
            ("service_id", "services", "schedules"),
            ("location_id", "locations", "schedules"),
        ],
    ),
    ("addresses", &[("location_id", "locations", "addresses")]),
    (
        "required_documents",
        &[("service_id", "services", "required_documents")],
    ),
    (
        "service_capacity",
        &[("service_id", "services", "capacities")],
    ),
    ("attributes", &[("link_id", "services", "attributes")]),
    (
        "service_at_locations",
        &[("service_id", "services", "service_at_locations")],
    ),
];

/// Tables Handoff does not keep (counted as notices).
const NOT_KEPT: &[&str] = &[
    "programs",
    "funding",
    "service_areas",
    "accessibility",
    "metadata",
    "meta_table_descriptions",
    "cost_options",
    "organization_identifiers",
    "urls",
];

pub fn assemble(out: &mut Parsed, mut tables: BTreeMap<String, Vec<Row>>, csv: bool) {
    if let Some(rows) = tables.remove("service_at_location") {
        tables
            .entry("service_at_locations".into())
            .or_default()
            .extend(rows);
    }
    if let Some(rows) = tables.remove("service_capacities") {
        tables
            .entry("service_capacity".into())
            .or_default()
            .extend(rows);
    }
    let known: Vec<&str> = LINKS
        .iter()
        .map(|(t, _)| *t)
        .chain(NOT_KEPT.iter().copied())
        .chain([
            "organizations",
            "services",
            "locations",
            "taxonomy_terms",
            "taxonomies",
            "units",
        ])
        .collect();
    for (name, rows) in &tables {
        if NOT_KEPT.contains(&name.as_str()) {
            if !rows.is_empty() {
                *out.not_kept.entry(format!("{name}.csv")).or_default() += rows.len();
            }
        } else if !known.contains(&name.as_str()) {
            out.push(
                Level::Error,
                "file",
                &format!("{name}.csv"),
                "not a table of HSDS 3.1",
            );
        }
    }
    // Capacity rows carry their unit inline, from units.csv.
    let units: BTreeMap<String, Row> = tables
        .remove("units")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|u| Some((key(&u, "id")?, u)))
        .collect();
    if let Some(rows) = tables.get_mut("service_capacity") {
        for row in rows {
            if let Some(u) = key(row, "unit_id").and_then(|id| units.get(&id)) {
                row.insert("unit".into(), Value::Object(u.clone()));
            }
        }
    }
    // Children into their parents, the deepest first.
    for (child, parents) in LINKS {
        let rows = tables.remove(*child).unwrap_or_default();
        for (i, row) in rows.into_iter().enumerate() {
            let mut placed = false;
            for (fk, parent, list) in *parents {
                let Some(pid) = key(&row, fk) else { continue };
                if let Some(p) = tables.get_mut(*parent).and_then(|ps| {
                    ps.iter_mut()
                        .find(|p| key(p, "id").as_deref() == Some(&pid))
                }) {
                    let entry = p
                        .entry(list.to_string())
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(items) = entry {
                        items.push(Value::Object(row.clone()));
                    }
                    placed = true;
                }
            }
            if !placed {
                out.push(Level::Warning, &format!("{child}.csv row {}", i + 1), "", "belongs to no organization, service, location or contact in the file: not kept");
            }
        }
    }
    for row in tables.remove("taxonomies").unwrap_or_default() {
        Rd::new(out, csv).taxonomy(&row, "taxonomy");
    }
    for row in tables.remove("taxonomy_terms").unwrap_or_default() {
        Rd::new(out, csv).term(&row);
    }
    for row in tables.remove("organizations").unwrap_or_default() {
        Rd::new(out, csv).organization(&row);
    }
    for row in tables.remove("locations").unwrap_or_default() {
        Rd::new(out, csv).location(&row, None);
    }
    for row in tables.remove("services").unwrap_or_default() {
        Rd::new(out, csv).service(&row, None);
    }
}

fn key(row: &Row, k: &str) -> Option<String> {
    match row.get(k)? {
        Value::String(s) if !s.is_empty() => Some(s.to_lowercase()),
        _ => None,
    }
}
