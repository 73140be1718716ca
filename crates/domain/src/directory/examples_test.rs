//! The importer against the specification's own examples, and against faults.

use super::file::parse_json;
use super::found::{Level, Parsed};
use super::plan::{Existing, plan};

fn example(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../data/hsds/examples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn errors(p: &Parsed) -> Vec<String> {
    p.findings
        .iter()
        .filter(|f| f.level == Level::Error)
        .map(|f| format!("{}: {}: {}", f.record, f.field, f.message))
        .collect()
}

#[test]
fn every_example_object_reads_without_errors() {
    for name in [
        "service_full.json",
        "service_list.json",
        "organization_full.json",
        "organization_list.json",
        "service_at_location_full.json",
        "service_at_location_list.json",
        "location.json",
        "taxonomy.json",
        "taxonomy_list.json",
        "taxonomy_term.json",
        "taxonomy_term_list.json",
        "tabular.json",
    ] {
        let p = parse_json(&example(name));
        assert_eq!(errors(&p), Vec::<String>::new(), "{name}");
        let records = p.organizations.len()
            + p.services.len()
            + p.locations.len()
            + p.terms.len()
            + p.taxonomies.len()
            + p.service_at_locations.len();
        assert!(records > 0, "{name} read nothing");
    }
}

#[test]
fn the_full_service_example_keeps_what_matters_and_says_what_it_does_not() {
    let p = parse_json(&example("service_full.json"));
    let s = &p.services[0];
    assert_eq!(s.name, "Community Counselling");
    assert_eq!(s.status, "active");
    assert!(s.organization_id.is_some());
    assert!(!s.schedules.is_empty() && !s.phones.is_empty() && !s.service_at_locations.is_empty());
    assert_eq!(p.organizations.len(), 1);
    assert!(!p.locations.is_empty());
    // Its capacity is above its maximum: a warning, kept as given.
    assert_eq!(p.capacities.len(), 1);
    assert!(
        p.findings
            .iter()
            .any(|f| f.level == Level::Warning && f.field.ends_with("available"))
    );
    assert!(
        p.not_kept.contains_key("service.funding"),
        "{:?}",
        p.not_kept
    );
    assert!(p.not_kept.contains_key("service.cost_options"));
}

#[test]
fn placeholder_terms_are_warnings_to_accept() {
    let mut p = parse_json(&example("service_full.json"));
    let changes = plan(&mut p, &Existing::default(), "2026-12-06T12:00:00Z");
    assert_eq!(errors(&p), Vec::<String>::new());
    assert!(
        p.findings.iter().any(|f| f.level == Level::Warning
            && f.message.contains("not one of Handoff's service types"))
    );
    assert!(changes.iter().any(|c| c.kind == "service" && c.added == 1));
}

#[test]
fn api_metadata_is_refused_with_a_reason() {
    let p = parse_json(&example("base.json"));
    assert!(
        errors(&p).iter().any(|e| e.contains("API metadata")),
        "{:?}",
        errors(&p)
    );
}

#[test]
fn faults_are_reported_by_record_and_field() {
    let junk = parse_json(b"\x00\x01 not json at all");
    assert!(errors(&junk)[0].contains("not JSON"));
    let p = parse_json(br#"[
        {"id": "0b8a1f9e-0000-4000-8000-000000000001", "status": "active", "organization_id": "0b8a1f9e-0000-4000-8000-0000000000aa",
         "schedules": [{"id": "0b8a1f9e-0000-4000-8000-000000000002", "freq": "DAILY", "opens_at": "25:00", "valid_from": "2026-13-01"}]},
        {"id": "0b8a1f9e-0000-4000-8000-000000000001", "name": "Other", "status": "active", "organization_id": "0b8a1f9e-0000-4000-8000-0000000000aa"},
        {"id": "not-a-uuid", "name": "X", "status": "open", "organization_id": "0b8a1f9e-0000-4000-8000-0000000000aa",
         "capacities": [{"id": "0b8a1f9e-0000-4000-8000-000000000003", "unit_id": "f4d2314f-6678-5694-a6a2-9b11b7b862df", "available": -1, "updated": "yesterday"}]}
    ]"#);
    let e = errors(&p);
    let has = |needle: &str| e.iter().any(|x| x.contains(needle));
    assert!(
        has("service 0b8a1f9e-0000-4000-8000-000000000001: name: required"),
        "{e:#?}"
    );
    assert!(
        has("schedules[0].freq: must be one of: WEEKLY, MONTHLY"),
        "{e:#?}"
    );
    assert!(
        has("schedules[0].opens_at: must be a time of day"),
        "{e:#?}"
    );
    assert!(has("schedules[0].valid_from: must be a date"), "{e:#?}");
    assert!(has("duplicate id"), "{e:#?}");
    assert!(has("id: must be a UUID"), "{e:#?}");
    assert!(has("status: must be one of: active"), "{e:#?}");
    assert!(
        has("capacities[0].available: must be a whole number"),
        "{e:#?}"
    );
    assert!(
        has("capacities[0].updated: must be a date and time"),
        "{e:#?}"
    );
    // The organization is not in the file (nor in an empty directory), nor is the term.
    let mut p = parse_json(br#"{"id": "0b8a1f9e-0000-4000-8000-000000000001", "name": "S", "status": "active",
        "organization_id": "0b8a1f9e-0000-4000-8000-0000000000aa",
        "attributes": [{"id": "0b8a1f9e-0000-4000-8000-000000000004", "taxonomy_term_id": "0b8a1f9e-0000-4000-8000-000000000005"}]}"#);
    plan(&mut p, &Existing::default(), "2026-12-06T12:00:00Z");
    let e = errors(&p);
    assert!(
        e.iter().any(|x| x.contains(
            "organization_id: organization 0b8a1f9e-0000-4000-8000-0000000000aa is neither"
        )),
        "{e:#?}"
    );
    assert!(
        e.iter()
            .any(|x| x.contains("attributes[0].taxonomy_term_id: unknown taxonomy term")),
        "{e:#?}"
    );
}
