//! Reading a file: one compiled object, a list of them, an HSDS paged answer, or the
//! tabular form; `base.json`-like API metadata is refused with a reason.

use std::collections::BTreeMap;

use serde_json::Value;

use super::fields::Rd;
use super::found::{Level, Parsed};

/// Reads a JSON file: one compiled object, a list of them, an HSDS paged answer
/// (`contents`), or the tabular form (`{"services.csv": [...], ...}`).
pub fn parse_json(bytes: &[u8]) -> Parsed {
    let mut out = Parsed::default();
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            out.push(Level::Error, "file", "", format!("not JSON: {e}"));
            return out;
        }
    };
    match &value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| top(&mut out, v, i)),
        Value::Object(m) if m.get("contents").is_some_and(Value::is_array) => {
            if let Some(Value::Array(items)) = m.get("contents") {
                items
                    .iter()
                    .enumerate()
                    .for_each(|(i, v)| top(&mut out, v, i));
            }
        }
        Value::Object(m) if !m.is_empty() && m.keys().all(|k| k.ends_with(".csv")) => {
            let mut tables = BTreeMap::new();
            for (name, rows) in m {
                match rows {
                    Value::Array(rows) => {
                        let rows = rows.iter().filter_map(|r| r.as_object().cloned()).collect();
                        tables.insert(name.trim_end_matches(".csv").to_string(), rows);
                    }
                    _ => out.push(Level::Error, "file", name, "a table must be a list of rows"),
                }
            }
            super::tabular::assemble(&mut out, tables, false);
        }
        v => top(&mut out, v, 0),
    }
    out
}

fn top(out: &mut Parsed, v: &Value, i: usize) {
    let Some(m) = v.as_object() else {
        out.push(
            Level::Error,
            &format!("item {}", i + 1),
            "",
            "not an object",
        );
        return;
    };
    let has = |k: &str| m.contains_key(k);
    if has("openapi_url") || (has("version") && has("profile")) {
        out.push(
            Level::Error,
            "file",
            "",
            "this is HSDS API metadata (version, profile, openapi_url), not directory data: \
             there is nothing in it to import",
        );
    } else if has("status") || has("service_at_locations") || has("capacities") {
        Rd::new(out, false).service(m, None);
    } else if has("location_type") || has("addresses") {
        Rd::new(out, false).location(m, None);
    } else if has("location") || has("service") || (has("service_id") && has("location_id")) {
        Rd::new(out, false).service_at_location_top(m);
    } else if [
        "code",
        "parent_id",
        "taxonomy",
        "taxonomy_id",
        "term_uri",
        "taxonomy_detail",
    ]
    .iter()
    .any(|k| has(k))
    {
        Rd::new(out, false).term(m);
    } else if has("version") && !has("services") {
        Rd::new(out, false).taxonomy(m, "taxonomy");
    } else if has("name") {
        Rd::new(out, false).organization(m);
    } else {
        out.push(
            Level::Error,
            &format!("item {}", i + 1),
            "",
            "not an HSDS organization, service, location, service_at_location, taxonomy or \
             taxonomy_term",
        );
    }
}
