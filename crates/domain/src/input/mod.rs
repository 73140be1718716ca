//! Input from people and systems, validated once for both the HTML forms and the JSON
//! API. Raw input is kept as typed so a form can be shown again with the user's values.
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::FieldErrors;
pub(crate) use handoff_i18n::{staff, staff_with};

mod attempt;
mod encounter;
mod facts;
mod hold;
mod offer;
pub mod schema;

pub use attempt::*;
pub use encounter::*;
pub use facts::*;
pub use hold::*;
pub use offer::*;

/// One entry of a reference table (NIBRS offense, drug activity, drug type, unit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefCode {
    pub table: String,
    pub code: String,
    pub name: String,
    pub active: bool,
}

/// The reference tables in force, by (table, code).
#[derive(Debug, Clone, Default)]
pub struct RefCodes {
    pub version: String,
    by_key: HashMap<(String, String), RefCode>,
}

impl RefCodes {
    pub fn new(version: String, codes: Vec<RefCode>) -> Self {
        let by_key = codes
            .into_iter()
            .map(|c| ((c.table.clone(), c.code.clone()), c))
            .collect();
        Self { version, by_key }
    }
    pub fn get(&self, table: &str, code: &str) -> Option<&RefCode> {
        self.by_key.get(&(table.to_string(), code.to_string()))
    }
    /// Active codes of a table, sorted by code, for pick lists.
    pub fn active(&self, table: &str) -> Vec<&RefCode> {
        let mut v: Vec<&RefCode> = self
            .by_key
            .values()
            .filter(|c| c.table == table && c.active)
            .collect();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        v
    }
    pub fn name(&self, table: &str, code: &str) -> String {
        self.get(table, code)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| code.to_string())
    }
}

pub fn normalize_name(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

pub fn match_key(first: &str, last: &str, dob: NaiveDate) -> String {
    format!("{}|{}|{}", normalize_name(last), normalize_name(first), dob)
}

/// A text field: trimmed, required or not, at most `max` characters, no control
/// characters. `label` is the field as a message names it, from the staff catalogue
/// (`err-input-label-...`).
pub(crate) fn text(
    errors: &mut FieldErrors,
    field: &str,
    v: &str,
    label: &str,
    max: usize,
    required: bool,
) -> String {
    let t = v.trim();
    let label = || staff(label).into();
    if required && t.is_empty() {
        errors.add(field, staff_with("err-input-enter", &[("label", label())]));
    } else if t.chars().count() > max {
        errors.add(
            field,
            staff_with(
                "err-input-too-long",
                &[("label", label()), ("max", max.to_string().into())],
            ),
        );
    } else if t.chars().any(|c| c.is_control()) {
        errors.add(
            field,
            staff_with("err-input-bad-characters", &[("label", label())]),
        );
    }
    t.to_string()
}

/// Parses a date and time typed by a user: RFC 3339, or local time in the program's zone.
pub fn parse_local_datetime(s: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .ok()?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests;
