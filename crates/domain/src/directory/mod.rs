//! The program's directory of partners and their services, in the Open Referral (HSDS 3.1)
//! format (ADR 0017): the objects Handoff keeps (`hsds`), reading files field by field
//! (`read`, `tabular`), hours (`hours`), Handoff's shipped taxonomy and units (here) and what
//! an import would change (`plan`).

pub mod choose;
#[cfg(test)]
mod examples_test;
pub mod fields;
pub mod file;
pub mod found;
pub mod hours;
pub mod hsds;
pub mod plan;
pub mod read;
pub mod tabular;

use std::sync::OnceLock;

use uuid::Uuid;

use hsds::{Taxonomy, TaxonomyTerm, Unit};

/// Handoff's service taxonomy (data/taxonomy/handoff-services.csv).
pub const TAXONOMY_ID: Uuid = Uuid::from_u128(0xbbb962b6_9cee_5ccf_be7c_9d44e7d5ae56);
pub const TAXONOMY_VERSION: &str = "2026.1";
pub const TAXONOMY_NAME: &str = "Handoff service types";

const TERMS_CSV: &str = include_str!("../../../../data/taxonomy/handoff-services.csv");
const UNITS_CSV: &str = include_str!("../../../../data/taxonomy/handoff-units.csv");

/// One shipped term, with its code's parent.
#[derive(Debug, Clone)]
pub struct Term {
    pub id: Uuid,
    pub code: String,
    pub parent: Option<String>,
    pub name: String,
    pub description: String,
}

/// Splits one line of a simple CSV (quoted fields may hold commas and doubled quotes).
fn fields(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

pub fn terms() -> &'static [Term] {
    static TERMS: OnceLock<Vec<Term>> = OnceLock::new();
    TERMS.get_or_init(|| {
        TERMS_CSV
            .lines()
            .skip(1)
            .filter_map(|l| {
                let f = fields(l);
                Some(Term {
                    id: Uuid::parse_str(f.first()?).ok()?,
                    code: f.get(1)?.clone(),
                    parent: f.get(2).filter(|p| !p.is_empty()).cloned(),
                    name: f.get(3)?.clone(),
                    description: f.get(4)?.clone(),
                })
            })
            .collect()
    })
}

pub fn term_by_id(id: Uuid) -> Option<&'static Term> {
    terms().iter().find(|t| t.id == id)
}

pub fn term_by_code(code: &str) -> Option<&'static Term> {
    terms().iter().find(|t| t.code == code)
}

/// The shipped term as an HSDS taxonomy_term, with the taxonomy inline.
pub fn hsds_term(t: &Term) -> TaxonomyTerm {
    TaxonomyTerm {
        id: t.id,
        code: Some(t.code.clone()),
        name: t.name.clone(),
        description: t.description.clone(),
        parent_id: t.parent.as_deref().and_then(term_by_code).map(|p| p.id),
        taxonomy: Some(TAXONOMY_NAME.into()),
        taxonomy_detail: Some(Taxonomy {
            id: TAXONOMY_ID,
            name: TAXONOMY_NAME.into(),
            description: "First responder deflection partners' service types and access facets, \
                          shipped with Handoff"
                .into(),
            uri: None,
            version: Some(TAXONOMY_VERSION.into()),
        }),
        language: Some("en".into()),
        taxonomy_id: Some(TAXONOMY_ID),
        term_uri: None,
    }
}

/// Whether `code` is `ancestor` or below it (`moud-methadone` is below `sud`).
/// The kinds of service that are treatment: substance use, mental health, co-occurring.
pub const TREATMENT_KINDS: &[&str] = &["sud", "mh", "co-occurring"];

/// Whether referring the person to a service of these types needs their release: a service
/// of no treatment type (shelter, recovery community, benefits office) is a partner the
/// referring agency tells who the person is only with the person's release (issue 15).
pub fn needs_release<S: AsRef<str>>(codes: &[S]) -> bool {
    !codes
        .iter()
        .any(|c| TREATMENT_KINDS.iter().any(|k| is_under(c.as_ref(), k)))
}

pub fn is_under(code: &str, ancestor: &str) -> bool {
    if code == ancestor {
        return true;
    }
    let mut cur = term_by_code(code);
    while let Some(t) = cur {
        match t.parent.as_deref() {
            Some(p) if p == ancestor => return true,
            Some(p) => cur = term_by_code(p),
            None => return false,
        }
    }
    false
}

pub fn units() -> &'static [(Unit, String)] {
    static UNITS: OnceLock<Vec<(Unit, String)>> = OnceLock::new();
    UNITS.get_or_init(|| {
        UNITS_CSV
            .lines()
            .skip(1)
            .filter_map(|l| {
                let f = fields(l);
                let unit = Unit {
                    id: Uuid::parse_str(f.first()?).ok()?,
                    name: f.get(2)?.clone(),
                    scheme: Some("handoff".into()),
                    identifier: Some(f.get(1)?.clone()),
                    uri: None,
                };
                Some((unit, f.get(3)?.clone()))
            })
            .collect()
    })
}

/// A shipped unit by id.
pub fn unit(id: Uuid) -> Option<Unit> {
    units()
        .iter()
        .find(|(u, _)| u.id == id)
        .map(|(u, _)| u.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_services_of_no_treatment_type_need_the_persons_release() {
        assert!(!needs_release(&["sud-withdrawal", "access-walk-in"]));
        assert!(!needs_release(&["mh-crisis"]));
        assert!(!needs_release(&["housing-shelter", "co-occurring"]));
        assert!(needs_release(&["housing-shelter", "access-walk-in"]));
        assert!(needs_release(&["recovery-peer"]));
        // A program's own term (not in the shipped taxonomy) is not known to be treatment.
        assert!(needs_release(&["county-food-pantry"]));
    }

    #[test]
    fn the_shipped_taxonomy_is_whole() {
        assert!(terms().len() >= 30);
        for t in terms() {
            if let Some(p) = &t.parent {
                assert!(
                    term_by_code(p).is_some(),
                    "{} names an unknown parent",
                    t.code
                );
            }
        }
        assert!(is_under("moud-methadone", "sud"));
        assert!(!is_under("housing-shelter", "sud"));
        assert_eq!(
            term_by_code("sud-withdrawal").map(|t| t.name.as_str()),
            Some("Withdrawal management")
        );
        assert_eq!(units().len(), 3);
        assert!(
            units()
                .iter()
                .all(|(u, d)| !u.name.is_empty() && !d.is_empty())
        );
        // The description with a comma inside quotes stays whole.
        assert!(units()[0].1.contains("residential, withdrawal"));
    }
}
