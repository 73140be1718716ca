//! The care network's directory (issue 15, ADR 0017): every HSDS example imports (warnings
//! accepted, never fixed), a generated directory too; the export validates strictly and
//! re-imports unchanged; bad files are refused by record and field with the directory
//! intact; the HSDS API answers the standard's shapes, to a token or, if published, to
//! anyone.
use std::path::PathBuf;
use std::process::Command;

use handoff_app::directory::import::{Outcome, Source, import};
use handoff_app::{Ctx, directory};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("data/hsds/examples").join(name)).unwrap()
}

/// The Python that has jsonschema and its format checkers (CI's, or HANDOFF_HSDS_PYTHON),
/// or None where there is none (then only CI checks the schemas: it sets
/// HANDOFF_REQUIRE_VALIDATORS=1 so a missing one fails).
fn validator_python() -> Option<String> {
    let candidates = [
        std::env::var("HANDOFF_HSDS_PYTHON").ok(),
        Some("/tmp/handoff-ci-venv/bin/python".into()),
        Some("python3".into()),
    ];
    for py in candidates.into_iter().flatten() {
        let ok = Command::new(&py)
            .args([
                "-c",
                "import jsonschema, rfc3339_validator, rfc3986_validator",
            ])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(py);
        }
    }
    assert!(
        std::env::var("HANDOFF_REQUIRE_VALIDATORS").is_err(),
        "HANDOFF_REQUIRE_VALIDATORS is set but no Python has jsonschema, rfc3339-validator and rfc3986-validator"
    );
    None
}

/// Checks `value` with .ci/hsds_validate.py against the strict schemas.
fn validate(args: &[&str], value: &Value) {
    let Some(py) = validator_python() else { return };
    let dir = tempdir();
    let file = dir.join("answer.json");
    std::fs::write(&file, serde_json::to_vec(value).unwrap()).unwrap();
    let out = Command::new(py)
        .arg(repo().join(".ci/hsds_validate.py"))
        .args(args)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?} does not validate:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("handoff-hsds-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

async fn import_json(w: &World, bytes: Vec<u8>, dry_run: bool, accept: bool) -> Outcome {
    import(
        &w.app,
        &Ctx::console(),
        w.program,
        Source::Json(bytes),
        dry_run,
        accept,
        &|_, _| {},
    )
    .await
    .unwrap()
}

fn errors(o: &Outcome) -> Vec<String> {
    o.findings
        .iter()
        .filter(|f| f.level == handoff_domain::directory::found::Level::Error)
        .map(|f| format!("{}: {}: {}", f.record, f.field, f.message))
        .collect()
}

async fn export(w: &World) -> Value {
    serde_json::from_slice(&directory::export_json(&w.app, w.program).await.unwrap()).unwrap()
}

const EXAMPLES: &[&str] = &[
    "service_full.json",
    "organization_full.json",
    "service_at_location_full.json",
    "location.json",
    "taxonomy.json",
    "taxonomy_term.json",
    "tabular.json",
    "service_list.json",
    "organization_list.json",
    "taxonomy_list.json",
    "taxonomy_term_list.json",
    "service_at_location_list.json",
];

#[tokio::test]
async fn every_example_imports_and_the_export_validates_and_reimports_unchanged() {
    for b in backends() {
        let w = world(b).await;
        // The first example carries placeholder terms and 12 available of a maximum of 10:
        // warnings, so nothing is written until they are accepted.
        let first = import_json(&w, example("service_full.json"), false, false).await;
        assert!(
            !first.applied && first.errors() == 0 && first.warnings() >= 2,
            "{:?}",
            first.findings
        );
        assert!(
            first
                .findings
                .iter()
                .any(|f| f.message.contains("above the maximum of 10"))
        );
        assert!(
            first
                .findings
                .iter()
                .any(|f| f.message.contains("not one of Handoff's service types"))
        );
        assert!(export(&w).await.as_array().unwrap().is_empty());
        for name in EXAMPLES {
            let o = import_json(&w, example(name), false, true).await;
            assert!(o.applied, "{name} on {}: {:?}", w.backend, errors(&o));
        }
        // base.json is API metadata: refused, saying so.
        let base = import_json(&w, example("base.json"), false, true).await;
        assert!(!base.applied);
        assert!(
            errors(&base)[0].contains("API metadata"),
            "{:?}",
            errors(&base)
        );
        // The 12 of 10 was kept as given, not fixed.
        let services = export(&w).await;
        let counselling = services
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "Community Counselling")
            .unwrap();
        assert_eq!(counselling["capacities"][0]["available"], 12);
        assert_eq!(counselling["capacities"][0]["maximum"], 10);
        // And a generated directory of 300 services.
        let generated = handoff_app::demo::directory::generated(300, 7, w.app.now());
        let o = import_json(&w, serde_json::to_vec(&generated).unwrap(), false, false).await;
        assert!(o.applied, "{:?}", o.findings);
        assert_eq!(
            o.changes
                .iter()
                .find(|c| c.kind == "service")
                .unwrap()
                .added,
            300
        );
        let exported = export(&w).await;
        validate(&["export"], &exported);
        // Imported again: nothing changes, and the export is the same to the byte.
        let bytes = serde_json::to_vec(&exported).unwrap();
        let again = import_json(&w, bytes.clone(), false, true).await;
        assert!(again.applied, "{:?}", errors(&again));
        for c in &again.changes {
            assert_eq!((c.added, c.changed), (0, 0), "{c:?}");
        }
        assert_eq!(serde_json::to_vec(&export(&w).await).unwrap(), bytes);
        // Into a new database: the same directory.
        let fresh = world(w.backend.clone()).await;
        let o = import_json(&fresh, bytes.clone(), false, true).await;
        assert!(o.applied, "{:?}", errors(&o));
        assert_eq!(serde_json::to_vec(&export(&fresh).await).unwrap(), bytes);
    }
}

#[tokio::test]
async fn bad_files_are_refused_by_record_and_field_and_the_directory_stays() {
    for b in backends() {
        let w = world(b).await;
        let good = handoff_app::demo::directory::generated(20, 3, w.app.now());
        assert!(
            import_json(&w, serde_json::to_vec(&good).unwrap(), false, false)
                .await
                .applied
        );
        let before = export(&w).await;
        let org = good[0]["id"].as_str().unwrap().to_string();
        let svc = |extra: Value| {
            let mut s = json!({"id": uuid::Uuid::now_v7().to_string(), "name": "New service",
                               "status": "active", "organization_id": org});
            for (k, v) in extra.as_object().unwrap() {
                s[k] = v.clone();
            }
            s
        };
        let cases: Vec<(Value, &str)> = vec![
            (
                json!([{"id": uuid::Uuid::now_v7().to_string(), "status": "active", "organization_id": org}]),
                "name: required",
            ),
            (
                json!([svc(
                    json!({"attributes": [{"id": uuid::Uuid::now_v7().to_string(), "taxonomy_term_id": uuid::Uuid::now_v7().to_string()}]})
                )]),
                "unknown taxonomy term",
            ),
            (
                json!([
                    svc(json!({"id": good[2]["id"]})),
                    svc(json!({"id": good[2]["id"], "name": "Another"}))
                ]),
                "duplicate id",
            ),
            (
                json!([svc(
                    json!({"schedules": [{"id": uuid::Uuid::now_v7().to_string(), "freq": "WEEKLY", "byday": "MO,XX", "opens_at": "9am"}]})
                )]),
                "schedules[0].opens_at: must be a time of day",
            ),
            (
                json!([svc(
                    json!({"schedules": [{"id": uuid::Uuid::now_v7().to_string(), "byday": "MO,XX"}]})
                )]),
                "schedules[0].byday: must be days",
            ),
            (
                json!([svc(
                    json!({"capacities": [{"id": uuid::Uuid::now_v7().to_string(), "unit_id": "f4d2314f-6678-5694-a6a2-9b11b7b862df", "available": -2, "updated": "2026-03-01T00:00:00Z"}]})
                )]),
                "capacities[0].available: must be a whole number",
            ),
            (
                json!([svc(
                    json!({"organization_id": uuid::Uuid::now_v7().to_string()})
                )]),
                "is neither in the file nor in the directory",
            ),
        ];
        for (file, needle) in cases {
            let o = import_json(&w, serde_json::to_vec(&file).unwrap(), false, true).await;
            assert!(!o.applied, "{needle}");
            let e = errors(&o);
            assert!(
                e.iter().any(|x| x.contains(needle)),
                "{needle} not in {e:#?}"
            );
            // Each error names its record.
            assert!(
                e.iter()
                    .all(|x| x.starts_with("service ") || x.starts_with("file")),
                "{e:#?}"
            );
        }
        // Ten megabytes of junk.
        let junk: Vec<u8> = (0..10 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
        let o = import_json(&w, junk, false, true).await;
        assert!(
            !o.applied && errors(&o)[0].contains("not JSON"),
            "{:?}",
            errors(&o)
        );
        // A good record beside a bad one: neither is written (one transaction).
        let mixed = json!([
            svc(json!({"name": "Would be fine"})),
            svc(json!({"status": "open"}))
        ]);
        let o = import_json(&w, serde_json::to_vec(&mixed).unwrap(), false, true).await;
        assert!(
            !o.applied
                && errors(&o)
                    .iter()
                    .any(|e| e.contains("status: must be one of"))
        );
        // A dry run of a good file says what would change and writes nothing.
        let o = import_json(
            &w,
            serde_json::to_vec(&json!([svc(json!({}))])).unwrap(),
            true,
            true,
        )
        .await;
        assert!(!o.applied && o.errors() == 0);
        assert_eq!(
            o.changes
                .iter()
                .find(|c| c.kind == "service")
                .unwrap()
                .added,
            1
        );
        assert_eq!(
            export(&w).await,
            before,
            "the directory changed on {}",
            w.backend
        );
        // An id another program's directory uses is refused.
        let other = handoff_app::admin::create_program(
            &w.app,
            handoff_app::admin::NewProgram {
                name: "Other Program".into(),
                time_zone: "America/Chicago".into(),
                intake_deadline_days: 30,
                supervisor_approves_overrides: false,
                rules: Default::default(),
            },
        )
        .await
        .unwrap();
        let o = import(
            &w.app,
            &Ctx::console(),
            other.id,
            Source::Json(serde_json::to_vec(&good).unwrap()),
            false,
            true,
            &|_, _| {},
        )
        .await
        .unwrap();
        assert!(
            !o.applied
                && errors(&o)
                    .iter()
                    .any(|e| e.contains("another program's directory"))
        );
    }
}

#[tokio::test]
async fn the_hsds_api_answers_the_standard_to_a_token_or_to_anyone_if_published() {
    for b in backends() {
        let w = world(b).await;
        let generated = handoff_app::demo::directory::generated(120, 11, w.app.now());
        assert!(
            import_json(&w, serde_json::to_vec(&generated).unwrap(), false, false)
                .await
                .applied
        );
        let token = w.token("officer").await;
        let get = |path: &str| {
            let path = path.to_string();
            let (w, token) = (&w, token.clone());
            async move { w.api(Method::GET, &path, &token, None).await }
        };
        let r = get("/hsds/").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        validate(&["base"], &serde_json::from_str(&r.body).unwrap());
        let r = get("/hsds/services?per_page=25&page=2").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let page: Value = serde_json::from_str(&r.body).unwrap();
        validate(&["paged", "service"], &page);
        assert_eq!(
            (
                page["total_items"].clone(),
                page["total_pages"].clone(),
                page["size"].clone()
            ),
            (json!(120), json!(5), json!(25))
        );
        assert_eq!(
            (page["first_page"].clone(), page["last_page"].clone()),
            (json!(false), json!(false))
        );
        // A term filters by itself and what is below it: every SUD service, any level.
        let sud = handoff_domain::directory::term_by_code("sud").unwrap().id;
        let r = get(&format!(
            "/hsds/services?per_page=500&taxonomy_term_id={sud}"
        ))
        .await;
        let page: Value = serde_json::from_str(&r.body).unwrap();
        let n = page["total_items"].as_u64().unwrap();
        assert!(n > 0 && n < 120, "{n}");
        for s in page["contents"].as_array().unwrap() {
            let codes: Vec<&str> = s["attributes"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|a| a["taxonomy_term"]["code"].as_str())
                .collect();
            assert!(
                codes
                    .iter()
                    .any(|c| handoff_domain::directory::is_under(c, "sud")),
                "{codes:?}"
            );
        }
        // Nothing changed after now.
        let later = (w.app.now() + chrono::Duration::minutes(1)).to_rfc3339();
        let r = get(&format!(
            "/hsds/services?modified_after={}",
            later.replace('+', "%2B")
        ))
        .await;
        assert_eq!(
            serde_json::from_str::<Value>(&r.body).unwrap()["total_items"],
            0,
            "{}",
            r.body
        );
        let one = page["contents"][0]["id"].as_str().unwrap().to_string();
        let r = get(&format!("/hsds/services/{one}")).await;
        assert_eq!(r.status, StatusCode::OK);
        let service: Value = serde_json::from_str(&r.body).unwrap();
        validate(&["object", "service"], &service);
        assert!(service["organization"]["name"].is_string());
        assert!(service["service_at_locations"][0]["location"]["addresses"].is_array());
        let r = get("/hsds/organizations?per_page=5").await;
        validate(
            &["paged", "organization"],
            &serde_json::from_str(&r.body).unwrap(),
        );
        // Not found, and bad parameters named.
        assert_eq!(
            get(&format!("/hsds/services/{}", uuid::Uuid::now_v7()))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let r = get("/hsds/services?per_page=0&page=x&modified_after=yesterday&search=beds").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        for field in ["per_page", "page", "modified_after", "search"] {
            assert!(r.body.contains(field), "{field}: {}", r.body);
        }
        // Without a token: 401 until the program publishes its directory.
        let anon = request(
            &w.client,
            Method::GET,
            &format!("{}/hsds/services", w.base),
            &[],
            None,
        )
        .await;
        assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
        directory::set_public(&w.app, w.program, true)
            .await
            .unwrap();
        let anon = request(
            &w.client,
            Method::GET,
            &format!("{}/hsds/services", w.base),
            &[],
            None,
        )
        .await;
        assert_eq!(anon.status, StatusCode::OK, "{}", anon.body);
        // A bad token is still refused.
        let r = w
            .api(Method::GET, "/hsds/services", "not-a-token", None)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
}
