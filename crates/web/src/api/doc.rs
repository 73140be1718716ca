//! The OpenAPI document (issue 13), generated: the operations come from the handlers'
//! `#[utoipa::path]` entries as they are routed (utoipa-axum registers a route and its entry
//! together), the schemas from the types they take and answer. What every operation can
//! answer in common (401, 404, 429; 400, 413, 415 and 422 for a body) is added here from
//! what the operation is, not repeated by hand. Request bodies are checked against the
//! same document before they are parsed, so a documented limit is an enforced one.
use std::sync::OnceLock;

use serde_json::{Map, Value, json};
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::kit::render::{staff, staff_with};

/// The document, served at `/api/openapi.json`.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let (_, api) = super::routes().split_for_parts();
        finish(api)
    })
}

fn finish(mut api: OpenApi) -> Value {
    api.info.title = "Handoff API".into();
    api.info.version = env!("CARGO_PKG_VERSION").into();
    api.info.description = Some(
        "First responder diversion: encounters, eligibility, offers, referrals, legal holds. \
         Every read of personal data is checked against the access policy and audited. \
         Lists page with `cursor` and `limit`; the next page is in `next_cursor` and in a \
         `Link: <...>; rel=\"next\"` header. Changes: docs/api-changelog.md."
            .into(),
    );
    api.info.license = Some(utoipa::openapi::License::new("AGPL-3.0-or-later"));
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("A token from `handoff token create --user NAME`."))
                .build(),
        ),
    );
    let mut doc = serde_json::to_value(&api).unwrap_or_else(|_| json!({}));
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for op in item.values_mut() {
                common_responses(path, op);
            }
        }
    }
    links(&mut doc);
    tuples(&mut doc);
    doc
}

/// A pair (a distribution's band and count; an exit's kind and day) is described with
/// `prefixItems` and `items: false`; some generators cannot read a boolean schema, so it
/// is said with `minItems` and `maxItems` instead (the same constraint).
fn tuples(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if let Some(n) = o.get("prefixItems").and_then(Value::as_array).map(Vec::len)
                && o.get("items") == Some(&Value::Bool(false))
            {
                o.remove("items");
                o.insert("minItems".into(), json!(n));
                o.insert("maxItems".into(), json!(n));
            }
            o.values_mut().for_each(tuples);
        }
        Value::Array(a) => a.iter_mut().for_each(tuples),
        _ => {}
    }
}

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    })
}

/// What any operation can answer, from what it is.
fn common_responses(path: &str, op: &mut Value) {
    op["security"] = json!([{"bearer": []}]);
    let has_body = op.get("requestBody").is_some();
    let has_query = op
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    let mut add = |status: &str, response: Value| {
        responses.entry(status.to_string()).or_insert(response);
    };
    add(
        "401",
        problem("No valid token (`Authorization: Bearer <token>`)."),
    );
    add(
        "404",
        problem("Not found, or not the caller's to see (the two are not told apart)."),
    );
    let mut limited = problem("Too many requests from this token or user: wait and retry.");
    limited["headers"] = json!({"Retry-After": {"description": "Seconds to wait.", "required": true, "schema": {"type": "integer", "minimum": 1}}});
    add("429", limited);
    if has_body {
        add("400", problem("The body is not JSON."));
        add("413", problem("The body is larger than 1 MiB."));
        add(
            "415",
            problem("The body is not sent as `Content-Type: application/json`."),
        );
    }
    if has_body || has_query || path.contains('{') {
        add(
            "422",
            problem("Invalid input: each field at fault is named in `errors`."),
        );
    }
}

/// Links for clients and the stateful tests: what can follow a recorded encounter.
fn links(doc: &mut Value) {
    let follow = |op: &str| json!({"operationId": op, "parameters": {"id": "$response.body#/id"}});
    let Some(created) = doc.pointer_mut("/paths/~1api~1v1~1encounters/post/responses/201") else {
        return;
    };
    created["links"] = json!({
        "GetEncounter": follow("get_encounter"),
        "RecordOffer": follow("record_offer"),
        "RecordAttempt": follow("record_attempt"),
        "RequestOverride": follow("request_override"),
        "ReferAgain": follow("refer_again"),
    });
}

/// Checks a request body against the schema named `name` in the document: type, required
/// and unknown fields, enumerations, lengths, item counts and formats (date, date-time,
/// uuid). Each fault is named by its path (`person.dob`, `offenses[3]`).
pub fn check(name: &str, body: &Value) -> Vec<(String, String)> {
    let doc = document();
    let mut faults = Vec::new();
    let schema = json!({"$ref": format!("#/components/schemas/{name}")});
    walk(doc, &schema, body, "", &mut faults);
    faults
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix('#')
            .and_then(|p| doc.pointer(p))
            .unwrap_or(&Value::Null),
        None => schema,
    }
}

fn field(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn walk(doc: &Value, schema: &Value, v: &Value, at: &str, faults: &mut Vec<(String, String)>) {
    let schema = resolve(doc, schema);
    let here = || {
        if at.is_empty() {
            "body".to_string()
        } else {
            at.to_string()
        }
    };
    let kind = schema.get("type").and_then(Value::as_str);
    let fits = match (kind, v) {
        (None, _) => true,
        (Some("object"), Value::Object(_))
        | (Some("array"), Value::Array(_))
        | (Some("string"), Value::String(_))
        | (Some("boolean"), Value::Bool(_)) => true,
        (Some("integer"), Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Some("number"), Value::Number(_)) => true,
        _ => false,
    };
    if !fits {
        faults.push((
            here(),
            staff_with("err-api-must-be", "type", kind.unwrap_or("")),
        ));
        return;
    }
    match v {
        Value::Object(o) => object(doc, schema, o, at, faults),
        Value::Array(items) => {
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
                && items.len() as u64 > max
            {
                faults.push((
                    here(),
                    staff_with("err-api-max-items", "max", max.to_string()),
                ));
            }
            if let Some(item) = schema.get("items") {
                for (i, x) in items.iter().enumerate() {
                    walk(doc, item, x, &format!("{at}[{i}]"), faults);
                }
            }
        }
        Value::String(s) => {
            if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
                && !allowed.iter().any(|a| a.as_str() == Some(s))
            {
                let list: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
                faults.push((
                    here(),
                    staff_with("err-api-one-of", "values", list.join(", ")),
                ));
                return;
            }
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
                && s.chars().count() as u64 > max
            {
                faults.push((
                    here(),
                    staff_with("err-api-max-chars", "max", max.to_string()),
                ));
            }
            let ok = match schema.get("format").and_then(Value::as_str) {
                Some("date") => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
                Some("date-time") => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
                Some("uuid") => uuid::Uuid::parse_str(s).is_ok(),
                _ => true,
            };
            if !ok {
                let format = schema["format"].as_str().unwrap_or("");
                faults.push((here(), staff_with("err-api-format", "format", format)));
            }
        }
        _ => {}
    }
}

fn object(
    doc: &Value,
    schema: &Value,
    o: &Map<String, Value>,
    at: &str,
    faults: &mut Vec<(String, String)>,
) {
    let props = schema.get("properties").and_then(Value::as_object);
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !o.contains_key(name) {
            faults.push((field(at, name), staff("err-api-required")));
        }
    }
    let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
    for (name, x) in o {
        match props.and_then(|p| p.get(name)) {
            Some(s) => walk(doc, s, x, &field(at, name), faults),
            None if closed => faults.push((field(at, name), staff("err-api-unknown-field"))),
            None => {}
        }
    }
}
