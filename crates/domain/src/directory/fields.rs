//! The field reader: one object's fields, each checked for its type and format, faults
//! reported by field; and the formats HSDS names (uri, email, date-time) and the schedule's.

use serde_json::{Map, Number, Value};
use uuid::Uuid;

use super::found::{Level, Parsed};

/// Reads one object's fields; `csv` accepts numbers written as text and takes an empty
/// cell as absent.
pub(crate) struct Rd<'a> {
    pub(crate) out: &'a mut Parsed,
    pub(super) csv: bool,
    pub(super) record: String,
}

pub(super) type Obj = Map<String, Value>;

impl<'a> Rd<'a> {
    pub(crate) fn new(out: &'a mut Parsed, csv: bool) -> Self {
        Rd {
            out,
            csv,
            record: String::new(),
        }
    }

    pub(super) fn err(&mut self, field: &str, msg: impl Into<String>) {
        let record = self.record.clone();
        self.out.push(Level::Error, &record, field, msg);
    }

    pub(super) fn get<'v>(&self, m: &'v Obj, key: &str) -> Option<&'v Value> {
        match m.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if self.csv && s.is_empty() => None,
            Some(v) => Some(v),
        }
    }

    pub(super) fn text(&mut self, m: &Obj, p: &str, key: &str) -> Option<String> {
        match self.get(m, key)? {
            Value::String(s) => Some(s.clone()),
            _ => {
                self.err(&format!("{p}{key}"), "must be text");
                None
            }
        }
    }

    pub(super) fn req_text(&mut self, m: &Obj, p: &str, key: &str) -> String {
        if self.get(m, key).is_none() {
            self.err(&format!("{p}{key}"), "required");
        }
        self.text(m, p, key).unwrap_or_default()
    }

    pub(super) fn one_of(
        &mut self,
        m: &Obj,
        p: &str,
        key: &str,
        allowed: &[&str],
        req: bool,
    ) -> Option<String> {
        let v = if req {
            Some(self.req_text(m, p, key))
        } else {
            self.text(m, p, key)
        };
        if let Some(s) = &v
            && !s.is_empty()
            && !allowed.contains(&s.as_str())
        {
            self.err(
                &format!("{p}{key}"),
                format!("must be one of: {}", allowed.join(", ")),
            );
        }
        v
    }

    pub(super) fn formatted(
        &mut self,
        m: &Obj,
        p: &str,
        key: &str,
        check: fn(&str) -> bool,
        what: &str,
    ) -> Option<String> {
        let v = self.text(m, p, key)?;
        if !check(&v) {
            self.err(&format!("{p}{key}"), format!("must be {what}"));
        }
        Some(v)
    }

    pub(super) fn uri(&mut self, m: &Obj, p: &str, key: &str) -> Option<String> {
        self.formatted(m, p, key, is_uri, "an absolute URI (https://...)")
    }

    pub(super) fn email(&mut self, m: &Obj, p: &str, key: &str) -> Option<String> {
        self.formatted(m, p, key, is_email, "an email address")
    }

    pub(super) fn id(&mut self, m: &Obj, p: &str, key: &str) -> Option<Uuid> {
        let s = self.text(m, p, key)?;
        match Uuid::parse_str(&s) {
            Ok(u) => Some(u),
            Err(_) => {
                self.err(&format!("{p}{key}"), "must be a UUID");
                None
            }
        }
    }

    pub(super) fn req_id(&mut self, m: &Obj, p: &str, key: &str) -> Uuid {
        if self.get(m, key).is_none() {
            self.err(&format!("{p}{key}"), "required");
        }
        self.id(m, p, key).unwrap_or_default()
    }

    pub(super) fn num(&mut self, m: &Obj, p: &str, key: &str) -> Option<Number> {
        match self.get(m, key)? {
            Value::Number(n) => Some(n.clone()),
            Value::String(s) if self.csv => match serde_json::from_str::<Number>(s.trim()) {
                Ok(n) => Some(n),
                Err(_) => {
                    self.err(&format!("{p}{key}"), "must be a number");
                    None
                }
            },
            _ => {
                self.err(&format!("{p}{key}"), "must be a number");
                None
            }
        }
    }

    pub(super) fn list<'v>(&mut self, m: &'v Obj, p: &str, key: &str) -> Vec<(String, &'v Obj)> {
        match self.get(m, key) {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut found = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item.as_object() {
                        Some(o) => found.push((format!("{p}{key}[{i}]."), o)),
                        None => self.err(&format!("{p}{key}[{i}]"), "must be an object"),
                    }
                }
                found
            }
            Some(_) => {
                self.err(&format!("{p}{key}"), "must be a list");
                Vec::new()
            }
        }
    }

    /// Counts the fields of `m` that Handoff does not keep.
    pub(super) fn rest(&mut self, m: &Obj, kind: &str, kept: &[&str]) {
        for (k, v) in m {
            let empty = v.is_null()
                || matches!(v, Value::Array(a) if a.is_empty())
                || matches!(v, Value::String(s) if s.is_empty());
            if !kept.contains(&k.as_str()) && !empty {
                *self.out.not_kept.entry(format!("{kind}.{k}")).or_default() += 1;
            }
        }
    }
}

pub fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    !scheme.is_empty()
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c))
}

pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

pub fn is_date_time(s: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

pub fn is_date(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

pub fn is_time(s: &str) -> bool {
    super::hours::parse_time(s).is_some()
}

pub(super) fn is_byday(s: &str) -> bool {
    s.split(',').all(|d| {
        let d = d.trim();
        let day = d.trim_start_matches(|c: char| c == '-' || c == '+' || c.is_ascii_digit());
        ["MO", "TU", "WE", "TH", "FR", "SA", "SU"].contains(&day)
    })
}
