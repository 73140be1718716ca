//! Form bodies: parsed as name/value pairs so that repeated and indexed names work and
//! unknown fields are refused by name.
use std::collections::BTreeMap;

use handoff_domain::FieldErrors;

use crate::kit::render::{staff, staff_with};

pub struct Fields {
    pairs: Vec<(String, String)>,
    used: std::collections::HashSet<String>,
}

impl Fields {
    pub fn parse(body: &[u8]) -> Result<Fields, FieldErrors> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
            .map_err(|_| FieldErrors::single("form", staff("err-web-form-unreadable")))?;
        Ok(Fields {
            pairs,
            used: Default::default(),
        })
    }

    /// The first value of a field ("" if absent).
    pub fn get(&mut self, name: &str) -> String {
        self.used.insert(name.to_string());
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn all(&mut self, name: &str) -> Vec<String> {
        self.used.insert(name.to_string());
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Fields named `prefix[i].name`, grouped by index, in index order.
    pub fn indexed(&mut self, prefix: &str) -> BTreeMap<usize, BTreeMap<String, String>> {
        let mut out: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
        for (k, v) in &self.pairs {
            let Some(rest) = k.strip_prefix(prefix).and_then(|r| r.strip_prefix('[')) else {
                continue;
            };
            let Some((idx, name)) = rest.split_once("].") else {
                continue;
            };
            let Ok(i) = idx.parse::<usize>() else {
                continue;
            };
            if i >= 20 {
                continue;
            }
            out.entry(i)
                .or_default()
                .insert(name.to_string(), v.clone());
            self.used.insert(k.clone());
        }
        out
    }

    /// Refuses fields the form does not have.
    pub fn finish(&self) -> Result<(), FieldErrors> {
        let unknown: Vec<&str> = self
            .pairs
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| !self.used.contains(*k))
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(FieldErrors::single(
                "form",
                staff_with("err-web-form-unknown-fields", "fields", unknown.join(", ")),
            ))
        }
    }
}

/// A page form's values, read from its fields by the names its template writes. Every
/// page form has one, read at the door by `kit::page::Input`, so that no handler reads a
/// field itself.
pub trait FromFields: Sized {
    fn from_fields(f: &mut Fields) -> Self;
}

/// A form with no fields but its CSRF token (a button).
impl FromFields for () {
    fn from_fields(_: &mut Fields) {}
}

/// Forms of one text field, named by what the field holds.
macro_rules! text_form {
    ($($name:ident = $field:literal),+ $(,)?) => {
        $(
            #[doc = concat!("A form of one field, `", $field, "`.")]
            pub struct $name(pub String);

            impl FromFields for $name {
                fn from_fields(f: &mut Fields) -> Self {
                    $name(f.get($field))
                }
            }
        )+
    };
}

text_form!(
    ReasonForm = "reason",
    NoteForm = "note",
    ReferenceForm = "reference",
    ThresholdForm = "threshold",
    ReferralIdForm = "referral_id",
);
