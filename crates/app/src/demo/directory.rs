//! Directories for the demo, the tests and the benchmark, as HSDS files: the demo's
//! partners of every kind (realistic hours and capacity, some stale, some full), and a
//! generated directory of any size.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use handoff_domain::directory::{term_by_code, units};
use serde_json::{Value, json};
use uuid::Uuid;

use super::synthetic::Rng;

fn id(rng: &mut Rng) -> String {
    let hi = rng.below(u64::MAX) as u128;
    let lo = rng.below(u64::MAX) as u128;
    // A version 4 shape: random ids that stay the same for a seed.
    uuid::Builder::from_random_bytes(((hi << 64) | lo).to_be_bytes())
        .into_uuid()
        .to_string()
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An attribute linking a service to a shipped term.
fn attribute(rng: &mut Rng, code: &str) -> Option<Value> {
    let t = term_by_code(code)?;
    Some(json!({"id": id(rng), "taxonomy_term_id": t.id.to_string(), "link_entity": "service"}))
}

fn weekly(rng: &mut Rng, byday: &str, opens: &str, closes: &str, description: &str) -> Value {
    json!({"id": id(rng), "freq": "WEEKLY", "wkst": "MO", "byday": byday, "opens_at": opens,
           "closes_at": closes, "description": description})
}

fn unit(code: &str) -> Value {
    units()
        .iter()
        .find(|(u, _)| u.identifier.as_deref() == Some(code))
        .map(|(u, _)| serde_json::to_value(u).unwrap_or(Value::Null))
        .unwrap_or(Value::Null)
}

fn capacity(
    rng: &mut Rng,
    unit_code: &str,
    available: u64,
    maximum: u64,
    updated: DateTime<Utc>,
) -> Value {
    json!({"id": id(rng), "unit": unit(unit_code), "available": available, "maximum": maximum,
           "updated": ts(updated)})
}

struct Spec<'a> {
    name: &'a str,
    description: &'a str,
    types: &'a [&'a str],
    /// (days, opens, closes, description).
    hours: &'a [(&'a str, &'a str, &'a str, &'a str)],
    capacity: Option<(&'a str, u64, u64, Duration)>,
    min_age: Option<u64>,
    languages: &'a [(&'a str, &'a str)],
    documents: &'a [&'a str],
    eligibility: &'a str,
}

fn service(rng: &mut Rng, org: &str, location: &str, s: Spec<'_>, now: DateTime<Utc>) -> Value {
    let mut v = json!({
        "id": id(rng), "organization_id": org, "name": s.name, "description": s.description,
        "status": "active", "eligibility_description": s.eligibility,
        "attributes": s.types.iter().filter_map(|c| attribute(rng, c)).collect::<Vec<_>>(),
        "schedules": s.hours.iter().map(|(d, o, c, t)| weekly(rng, d, o, c, t)).collect::<Vec<_>>(),
        "languages": s.languages.iter().map(|(code, name)| json!({"id": id(rng), "code": code, "name": name})).collect::<Vec<_>>(),
        "required_documents": s.documents.iter().map(|d| json!({"id": id(rng), "document": d})).collect::<Vec<_>>(),
        "service_at_locations": [{"id": id(rng), "location_id": location}],
    });
    if let Some(obj) = v.as_object_mut() {
        if let Some(a) = s.min_age {
            obj.insert("minimum_age".into(), a.into());
        }
        if let Some((u, avail, max, age)) = s.capacity {
            obj.insert(
                "capacities".into(),
                json!([capacity(rng, u, avail, max, now - age)]),
            );
        }
    }
    v
}

fn location(rng: &mut Rng, org: &str, name: &str, street: &str, lat: f64, lon: f64) -> Value {
    json!({"id": id(rng), "location_type": "physical", "organization_id": org, "name": name,
           "latitude": (lat * 1e5).round() / 1e5, "longitude": (lon * 1e5).round() / 1e5,
           "addresses": [{"id": id(rng), "address_1": street, "city": "Demo City",
                          "state_province": "IL", "postal_code": "60000", "country": "US",
                          "address_type": "physical"}]})
}

fn organization(rng: &mut Rng, oid: &str, name: &str, description: &str, phone: &str) -> Value {
    json!({"id": oid, "name": name, "description": description,
           "phones": [{"id": id(rng), "number": phone, "type": "voice"}]})
}

/// The demo's partners: the two treatment providers the demo creates (by id) and three
/// more of other kinds, with their services, hours and capacity as of `now`.
pub fn demo_partners(harbor: Uuid, second: Uuid, now: DateTime<Utc>) -> Value {
    let mut rng = Rng::seeded(15);
    let r = &mut rng;
    let (harbor, second) = (harbor.to_string(), second.to_string());
    let (rco, shelter, benefits) = (id(r), id(r), id(r));
    let weekdays = "MO,TU,WE,TH,FR";
    let all_week = "MO,TU,WE,TH,FR,SA,SU";
    let l_harbor = location(
        r,
        &harbor,
        "Harbor Recovery Center",
        "1450 Harbor Blvd, Suite 200",
        41.881,
        -87.640,
    );
    let l_second = location(
        r,
        &second,
        "Second Street Counseling",
        "212 Second St",
        41.872,
        -87.629,
    );
    let l_rco = location(
        r,
        &rco,
        "Lakeside Recovery Community Center",
        "88 Lakeside Ave",
        41.890,
        -87.618,
    );
    let l_shelter = location(
        r,
        &shelter,
        "Demo County Emergency Shelter",
        "9 Mission St",
        41.866,
        -87.652,
    );
    let l_benefits = location(
        r,
        &benefits,
        "Demo County Human Services",
        "400 Civic Center Dr, Room 3",
        41.879,
        -87.636,
    );
    let id_of = |l: &Value| l["id"].as_str().unwrap_or_default().to_string();
    let (lh, ls, lr, lsh, lb) = (
        id_of(&l_harbor),
        id_of(&l_second),
        id_of(&l_rco),
        id_of(&l_shelter),
        id_of(&l_benefits),
    );
    let en_es: &[(&str, &str)] = &[("en", "English"), ("es", "Spanish")];
    let en: &[(&str, &str)] = &[("en", "English")];
    let photo_id = "A photo ID if you have one (nobody is turned away without one)";
    let services = vec![
        service(
            r,
            &harbor,
            &lh,
            Spec {
                name: "Withdrawal management unit",
                description: "Medically monitored withdrawal from alcohol and opioids, 3 to 7 days, with a warm transfer to ongoing treatment.",
                types: &[
                    "sud-withdrawal",
                    "access-walk-in",
                    "access-medicaid",
                    "access-uninsured",
                ],
                hours: &[(
                    all_week,
                    "00:00",
                    "00:00",
                    "Admissions 24 hours a day, 7 days a week",
                )],
                capacity: Some(("bed", 2, 12, Duration::minutes(25))),
                min_age: Some(18),
                languages: en_es,
                documents: &[photo_id, "A list of your medications"],
                eligibility: "Adults 18 and over in withdrawal or at risk of it.",
            },
            now,
        ),
        service(
            r,
            &harbor,
            &lh,
            Spec {
                name: "Outpatient treatment and MOUD clinic",
                description: "Same-day buprenorphine starts, naltrexone, counseling and case management.",
                types: &[
                    "sud-outpatient",
                    "moud-buprenorphine",
                    "moud-naltrexone",
                    "access-walk-in",
                    "access-medicaid",
                ],
                hours: &[
                    (weekdays, "08:00", "20:00", "Weekdays 8 am to 8 pm"),
                    ("SA", "09:00", "13:00", "Saturdays 9 am to 1 pm"),
                ],
                capacity: Some(("intake-slot", 4, 6, Duration::hours(2))),
                min_age: Some(16),
                languages: en_es,
                documents: &[photo_id, "Your insurance card if you have one"],
                eligibility: "Ages 16 and over with a substance use disorder.",
            },
            now,
        ),
        service(
            r,
            &second,
            &ls,
            Spec {
                name: "Co-occurring counseling",
                description: "Integrated counseling and psychiatry for mental health and substance use.",
                types: &[
                    "co-occurring",
                    "mh-outpatient",
                    "access-appointment",
                    "access-medicaid",
                ],
                hours: &[(
                    "MO,TU,WE,TH",
                    "09:00",
                    "17:00",
                    "Monday to Thursday 9 am to 5 pm",
                )],
                // Not updated for more than a day: shown as stale.
                capacity: Some(("intake-slot", 3, 5, Duration::hours(30))),
                min_age: Some(18),
                languages: en,
                documents: &["Your insurance card if you have one"],
                eligibility: "Adults with a mental health condition and a substance use disorder.",
            },
            now,
        ),
        service(
            r,
            &rco,
            &lr,
            Spec {
                name: "Peer recovery coaching",
                description: "A recovery coach with lived experience meets the person within a day, wherever they are.",
                types: &["recovery-peer", "access-walk-in", "access-uninsured"],
                hours: &[(all_week, "07:00", "23:00", "Every day 7 am to 11 pm")],
                capacity: Some(("peer-opening", 3, 8, Duration::minutes(50))),
                min_age: None,
                languages: en_es,
                documents: &[],
                eligibility: "Anyone who wants support in recovery, at any stage.",
            },
            now,
        ),
        service(
            r,
            &rco,
            &lr,
            Spec {
                name: "Recovery housing",
                description: "Alcohol- and drug-free shared housing with house meetings and peer support.",
                types: &["recovery-housing", "access-appointment"],
                hours: &[(weekdays, "10:00", "16:00", "Intake weekdays 10 am to 4 pm")],
                // Full.
                capacity: Some(("bed", 0, 10, Duration::hours(3))),
                min_age: Some(18),
                languages: en,
                documents: &[photo_id],
                eligibility: "Adults in recovery, 30 days free of substances or enrolled in treatment.",
            },
            now,
        ),
        service(
            r,
            &shelter,
            &lsh,
            Spec {
                name: "Emergency shelter",
                description: "Overnight shelter beds, meals and showers; no one is turned away for intoxication if safe.",
                types: &["housing-shelter", "access-walk-in", "access-uninsured"],
                hours: &[(all_week, "18:00", "08:00", "Every night 6 pm to 8 am")],
                capacity: Some(("bed", 6, 60, Duration::minutes(40))),
                min_age: Some(18),
                languages: en_es,
                documents: &[],
                eligibility: "Adults 18 and over experiencing homelessness.",
            },
            now,
        ),
        service(
            r,
            &benefits,
            &lb,
            Spec {
                name: "Benefits and ID help",
                description: "Help enrolling in Medicaid and SNAP, and getting a state ID or birth certificate.",
                types: &["social-benefits", "social-id", "access-walk-in"],
                hours: &[(weekdays, "08:30", "16:30", "Weekdays 8:30 am to 4:30 pm")],
                capacity: None,
                min_age: None,
                languages: en_es,
                documents: &["Any document with your name, if you have one"],
                eligibility: "Residents of Demo County.",
            },
            now,
        ),
    ];
    let mut items = vec![
        organization(
            r,
            &harbor,
            "Harbor Recovery Center",
            "Substance use treatment: withdrawal management, outpatient and MOUD.",
            "(555) 010-0200",
        ),
        organization(
            r,
            &second,
            "Second Street Counseling",
            "Mental health and co-occurring counseling.",
            "(555) 010-0300",
        ),
        organization(
            r,
            &rco,
            "Lakeside Recovery Community",
            "A recovery community organization: peer coaches and recovery housing.",
            "(555) 010-0700",
        ),
        organization(
            r,
            &shelter,
            "Demo County Emergency Shelter",
            "Emergency shelter for adults.",
            "(555) 010-0800",
        ),
        organization(
            r,
            &benefits,
            "Demo County Benefits Office",
            "Public benefits enrollment and identity documents.",
            "(555) 010-0900",
        ),
        l_harbor,
        l_second,
        l_rco,
        l_shelter,
        l_benefits,
    ];
    items.extend(services);
    Value::Array(items)
}

/// A generated directory: `services` services over one organization per ten, of every
/// shipped type, with hours, languages and capacity (as of `now`), around Demo City.
pub fn generated(services: usize, seed: u64, now: DateTime<Utc>) -> Value {
    let mut rng = Rng::seeded(seed);
    let r = &mut rng;
    let types: Vec<&str> = handoff_domain::directory::terms()
        .iter()
        .filter(|t| t.parent.is_some() && !t.code.starts_with("access"))
        .map(|t| t.code.as_str())
        .collect();
    let facets = [
        "access-walk-in",
        "access-appointment",
        "access-medicaid",
        "access-uninsured",
        "access-women",
        "access-men",
    ];
    let mut items = Vec::new();
    let mut org = String::new();
    let mut loc = String::new();
    for i in 0..services {
        if i % 10 == 0 {
            org = id(r);
            items.push(organization(
                r,
                &org,
                &format!("Partner {:05}", i / 10),
                "A generated partner organization.",
                "(555) 010-1000",
            ));
            let (lat, lon) = (
                41.6 + r.below(6000) as f64 / 10_000.0,
                -88.0 + r.below(6000) as f64 / 10_000.0,
            );
            let l = location(
                r,
                &org,
                &format!("Partner {:05} site", i / 10),
                &format!("{} Main St", 100 + i),
                lat,
                lon,
            );
            loc = l["id"].as_str().unwrap_or_default().to_string();
            items.push(l);
        }
        let main = types[i % types.len()];
        let facet = facets[r.below(facets.len() as u64) as usize];
        let schedule: &[(&str, &str, &str, &str)] = match r.below(3) {
            0 => &[("MO,TU,WE,TH,FR,SA,SU", "00:00", "00:00", "24 hours")],
            1 => &[("MO,TU,WE,TH,FR", "08:00", "17:00", "Weekdays 8 to 5")],
            _ => &[("MO,WE,FR", "09:00", "13:00", "Mornings")],
        };
        let unit_code = if main.contains("housing")
            || main.contains("residential")
            || main.contains("withdrawal")
            || main.contains("shelter")
        {
            "bed"
        } else if main.contains("peer") {
            "peer-opening"
        } else {
            "intake-slot"
        };
        let max = 1 + r.below(30);
        let available = r.below(max + 1);
        let age = Duration::minutes(r.below(60 * 48) as i64);
        let languages: &[(&str, &str)] = if r.chance(40) {
            &[("en", "English"), ("es", "Spanish")]
        } else {
            &[("en", "English")]
        };
        let min_age = r.chance(70).then_some(18);
        let name = format!(
            "{} {}",
            term_by_code(main).map(|t| t.name.as_str()).unwrap_or(main),
            i
        );
        let capacity = r.chance(80).then_some((unit_code, available, max, age));
        items.push(service(
            r,
            &org,
            &loc,
            Spec {
                name: &name,
                description: "A generated service.",
                types: &[main, facet],
                hours: schedule,
                capacity,
                min_age,
                languages,
                documents: &[],
                eligibility: "Generated.",
            },
            now,
        ));
    }
    Value::Array(items)
}
