//! The officer's choice (issue 15): the services that fit the person's needs, ranked by
//! the program's rule (program data a coordinator edits), each with why it ranks where it
//! does; services whose eligibility excludes the person are marked so and listed last.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

use super::hours::{self, Hours};
use super::hsds::{Location, Service};
use super::{is_under, term_by_id};
use crate::{Sex, code_enum};
use handoff_i18n::{staff, staff_with};

code_enum!(
    /// What the suggestions are ranked by.
    Criterion {
        OpenNow = "open_now": "Open now",
        Capacity = "capacity": "Room now (fresh capacity first)",
        WalkIn = "walk_in": "Walk-in",
        Distance = "distance": "Nearest",
        Language = "language": "Speaks the person's language",
    }
);

/// The ranking rule: criteria in order, each breaking the ties of the ones before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule(pub Vec<Criterion>);

impl Rule {
    /// From its stored form (codes separated by spaces). Unknown or repeated codes are
    /// refused; criteria left out do not count.
    pub fn parse(s: &str) -> Result<Rule, String> {
        let mut out = Vec::new();
        for code in s.split_whitespace() {
            let c = Criterion::parse(code).ok_or_else(|| {
                staff_with("err-choose-criterion-unknown", &[("code", code.into())])
            })?;
            if out.contains(&c) {
                return Err(staff_with(
                    "err-choose-criterion-twice",
                    &[("code", code.into())],
                ));
            }
            out.push(c);
        }
        Ok(Rule(out))
    }

    pub fn code(&self) -> String {
        self.0
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Default for Rule {
    fn default() -> Self {
        Rule(Criterion::ALL.to_vec())
    }
}

/// A service's capacity now: available net of units held for referrals.
#[derive(Debug, Clone, PartialEq)]
pub struct Room {
    pub capacity_id: uuid::Uuid,
    pub free: i64,
    pub maximum: Option<i64>,
    pub unit: String,
    pub updated: DateTime<Utc>,
    pub stale: bool,
}

/// One service to consider, with what is live about it.
pub struct Candidate<'a> {
    pub service: &'a Service,
    pub organization: &'a str,
    /// What the ranking reads of the service, read once (`Profile::of`).
    pub profile: &'a Profile,
    pub room: Option<Room>,
}

/// What the ranking reads of a service, read once when the directory is loaded: its
/// shipped type codes, its hours, where it is.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub codes: Vec<&'static str>,
    pub hours: hours::Parsed,
    pub coords: Vec<(f64, f64)>,
    pub address: Option<String>,
}

impl Profile {
    pub fn of(s: &Service, locations: &[&Location]) -> Profile {
        let schedules: Vec<_> = s
            .schedules
            .iter()
            .chain(
                s.service_at_locations
                    .iter()
                    .flat_map(|l| l.schedules.iter()),
            )
            .collect();
        Profile {
            codes: s
                .attributes
                .iter()
                .filter_map(|a| term_by_id(a.taxonomy_term_id))
                .map(|t| t.code.as_str())
                .collect(),
            hours: hours::Parsed::of(&schedules),
            coords: locations.iter().filter_map(|l| coords(l)).collect(),
            address: locations
                .iter()
                .flat_map(|l| l.addresses.iter())
                .next()
                .map(|a| format!("{}, {}", a.address_1, a.city)),
        }
    }
}

/// What is known of the person (none of it stored by the choice).
#[derive(Debug, Clone, Default)]
pub struct Person {
    pub age: Option<i64>,
    pub sex: Option<Sex>,
    /// ISO 639-1 code of the language the person prefers.
    pub language: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub service_id: uuid::Uuid,
    pub name: String,
    pub organization: String,
    pub types: Vec<String>,
    pub hours: Hours,
    pub room: Option<Room>,
    pub walk_in: bool,
    pub distance_km: Option<f64>,
    pub address: Option<String>,
    /// Why it ranks where it does, in the rule's order.
    pub reasons: Vec<String>,
    /// Eligibility that excludes the person (age, sex): listed last, marked so.
    pub excluded: Vec<String>,
}

impl Suggestion {
    /// Open now or with hours unknown, and not excluding the person.
    pub fn fits(&self) -> bool {
        self.excluded.is_empty() && !matches!(self.hours, Hours::Closed { .. })
    }
}

/// Great-circle distance in kilometres.
pub fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    6371.0 * 2.0 * h.sqrt().asin()
}

fn coords(l: &Location) -> Option<(f64, f64)> {
    let (la, lo) = (
        l.latitude.as_ref()?.as_f64()?,
        l.longitude.as_ref()?.as_f64()?,
    );
    ((-90.0..=90.0).contains(&la) && (-180.0..=180.0).contains(&lo)).then_some((la, lo))
}

fn ago(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    let m = (now - t).num_minutes().max(0);
    match m {
        0..=1 => staff("choose-ago-just-now"),
        2..=89 => staff_with("choose-ago-minutes", &[("n", m.into())]),
        90..=2879 => staff_with("choose-ago-hours", &[("n", ((m + 30) / 60).into())]),
        // As a number is written, without a thousands separator.
        _ => staff_with("choose-ago-days", &[("n", (m / 1440).to_string().into())]),
    }
}

/// "1 bed", "3 beds": `count` chooses the words, `shown` is written (without a thousands
/// separator); the unit is the directory's name for it.
fn plural(n: i64, unit: &str) -> String {
    staff_with(
        "choose-units",
        &[
            ("count", n.into()),
            ("shown", n.to_string().into()),
            ("unit", unit.to_lowercase().into()),
        ],
    )
}

/// What ranking one service needs, computed for every candidate; the reasons and the
/// texts are written only for those shown.
struct Facts<'a> {
    c: &'a Candidate<'a>,
    codes: &'a [&'static str],
    hours: Hours,
    walk_in: bool,
    distance_km: Option<f64>,
    speaks: Option<bool>,
    excluded: Vec<String>,
    key: Vec<f64>,
}

fn open_key(h: Hours) -> f64 {
    match h {
        Hours::Open { .. } => 0.0,
        Hours::Unknown => 1.0,
        Hours::Closed { .. } => 2.0,
    }
}

fn room_key(r: Option<&Room>) -> f64 {
    match r {
        None => 1.0,
        Some(r) if r.stale => 2.0,
        Some(r) if r.free > 0 => 0.0,
        Some(_) => 3.0,
    }
}

fn reasons(
    f: &Facts<'_>,
    rule: &Rule,
    person: &Person,
    now: DateTime<Utc>,
    here: Option<(f64, f64)>,
) -> Vec<String> {
    let mut reasons = Vec::new();
    for criterion in &rule.0 {
        match criterion {
            Criterion::OpenNow => reasons.push(match f.hours {
                Hours::Open { until } if until == chrono::NaiveTime::MIN => {
                    staff("choose-open-now")
                }
                Hours::Open { until } => staff_with(
                    "choose-open-until",
                    &[("time", until.format("%H:%M").to_string().into())],
                ),
                Hours::Unknown => staff("choose-hours-unknown"),
                Hours::Closed { closure: true } => staff("choose-closed-holiday"),
                Hours::Closed { closure: false } => staff("choose-closed-now"),
            }),
            Criterion::Capacity => reasons.push(match &f.c.room {
                None => staff("choose-capacity-unpublished"),
                Some(r) if r.stale => staff_with(
                    "choose-capacity-stale",
                    &[
                        ("free", plural(r.free.max(0), &r.unit).into()),
                        ("ago", ago(now, r.updated).into()),
                    ],
                ),
                Some(r) if r.free > 0 => match r.maximum {
                    Some(m) => staff_with(
                        "choose-capacity-free-of",
                        &[
                            ("free", plural(r.free, &r.unit).into()),
                            ("maximum", m.to_string().into()),
                            ("ago", ago(now, r.updated).into()),
                        ],
                    ),
                    None => staff_with(
                        "choose-capacity-free",
                        &[
                            ("free", plural(r.free, &r.unit).into()),
                            ("ago", ago(now, r.updated).into()),
                        ],
                    ),
                },
                Some(r) => staff_with(
                    "choose-capacity-full",
                    &[
                        ("unit", r.unit.to_lowercase().into()),
                        ("ago", ago(now, r.updated).into()),
                    ],
                ),
            }),
            Criterion::WalkIn => reasons.push(if f.walk_in {
                staff("choose-walk-in")
            } else {
                staff("choose-not-walk-in")
            }),
            Criterion::Distance => reasons.push(match f.distance_km {
                Some(d) => staff_with("choose-distance", &[("km", format!("{d:.1}").into())]),
                None if here.is_some() => staff("choose-distance-unknown"),
                None => staff("choose-no-position"),
            }),
            Criterion::Language => match (f.speaks, person.language.as_deref()) {
                (Some(true), Some(l)) => {
                    reasons.push(staff_with("choose-speaks", &[("language", l.into())]))
                }
                (Some(false), Some(l)) => {
                    reasons.push(staff_with("choose-not-listed", &[("language", l.into())]))
                }
                _ => {}
            },
        }
    }
    reasons
}

/// Services of an active status whose types fall under any of `types` (all services when
/// `types` is empty), ranked; the best `limit` of them written out, with how many matched.
/// `local` is now in the program's time zone; `here` the encounter's or the phone's
/// position, used for the order only.
#[allow(clippy::too_many_arguments)] // what the ranking reads, each its own
pub fn suggest(
    candidates: &[Candidate<'_>],
    types: &[&str],
    person: &Person,
    local: NaiveDateTime,
    now: DateTime<Utc>,
    here: Option<(f64, f64)>,
    rule: &Rule,
    limit: usize,
) -> (Vec<Suggestion>, usize) {
    let mut ranked: Vec<Facts<'_>> = Vec::new();
    for c in candidates {
        let s = c.service;
        if s.status != "active" {
            continue;
        }
        let codes = &c.profile.codes;
        if !types.is_empty()
            && !codes
                .iter()
                .any(|code| types.iter().any(|t| is_under(code, t)))
        {
            continue;
        }
        let hours = c.profile.hours.at(local);
        let walk_in = codes.contains(&"access-walk-in");
        let distance_km =
            here.and_then(|h| c.profile.coords.iter().map(|p| km(h, *p)).reduce(f64::min));
        let speaks = person.language.as_deref().map(|lang| {
            s.languages.iter().any(|l| {
                l.code
                    .as_deref()
                    .is_some_and(|c| c.eq_ignore_ascii_case(lang))
            })
        });
        let mut excluded = Vec::new();
        if let Some(age) = person.age {
            if let Some(min) = s.minimum_age.as_ref().and_then(|n| n.as_f64())
                && (age as f64) < min
            {
                excluded.push(staff_with(
                    "choose-ages-from",
                    &[("age", min.to_string().into())],
                ));
            }
            if let Some(max) = s.maximum_age.as_ref().and_then(|n| n.as_f64())
                && (age as f64) > max
            {
                excluded.push(staff_with(
                    "choose-ages-up-to",
                    &[("age", max.to_string().into())],
                ));
            }
        }
        match person.sex {
            Some(Sex::Male) if codes.contains(&"access-women") => {
                excluded.push(staff("choose-women-only"))
            }
            Some(Sex::Female) if codes.contains(&"access-men") => {
                excluded.push(staff("choose-men-only"))
            }
            _ => {}
        }
        let mut key = vec![if excluded.is_empty() { 0.0 } else { 1.0 }];
        for criterion in &rule.0 {
            key.push(match criterion {
                Criterion::OpenNow => open_key(hours),
                Criterion::Capacity => room_key(c.room.as_ref()),
                Criterion::WalkIn => {
                    if walk_in {
                        0.0
                    } else {
                        1.0
                    }
                }
                Criterion::Distance => distance_km.unwrap_or(f64::MAX),
                Criterion::Language => {
                    if speaks == Some(false) {
                        1.0
                    } else {
                        0.0
                    }
                }
            });
        }
        ranked.push(Facts {
            c,
            codes,
            hours,
            walk_in,
            distance_km,
            speaks,
            excluded,
            key,
        });
    }
    let matched = ranked.len();
    ranked.sort_by(|a, b| {
        a.key
            .partial_cmp(&b.key)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.c.service.name.cmp(&b.c.service.name))
    });
    ranked.truncate(limit);
    let out = ranked
        .iter()
        .map(|f| Suggestion {
            service_id: f.c.service.id,
            name: f.c.service.name.clone(),
            organization: f.c.organization.to_string(),
            types: f.codes.iter().map(|c| c.to_string()).collect(),
            hours: f.hours,
            room: f.c.room.clone(),
            walk_in: f.walk_in,
            distance_km: f.distance_km,
            address: f.c.profile.address.clone(),
            reasons: reasons(f, rule, person, now, here),
            excluded: f.excluded.clone(),
        })
        .collect();
    (out, matched)
}

/// How long a referral holds a unit, from the program's minutes.
pub fn hold_window(minutes: i64) -> Duration {
    Duration::minutes(minutes.clamp(5, 24 * 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::hsds::{Attribute, Language, Schedule};
    use uuid::Uuid;

    fn service(
        name: &str,
        codes: &[&str],
        hours: Option<(&str, &str, &str)>,
        langs: &[&str],
        min_age: Option<u64>,
    ) -> Service {
        Service {
            id: Uuid::now_v7(),
            organization_id: None,
            name: name.into(),
            alternate_name: None,
            description: None,
            url: None,
            email: None,
            status: "active".into(),
            interpretation_services: None,
            application_process: None,
            fees_description: None,
            wait_time: None,
            eligibility_description: None,
            minimum_age: min_age.map(Into::into),
            maximum_age: None,
            alert: None,
            last_modified: None,
            phones: vec![],
            schedules: hours
                .map(|(d, o, c)| Schedule {
                    id: Uuid::nil(),
                    freq: Some("WEEKLY".into()),
                    byday: Some(d.into()),
                    opens_at: Some(o.into()),
                    closes_at: Some(c.into()),
                    ..Default::default()
                })
                .into_iter()
                .collect(),
            service_at_locations: vec![],
            languages: langs
                .iter()
                .map(|l| Language {
                    id: Uuid::nil(),
                    name: None,
                    code: Some(l.to_string()),
                    note: None,
                })
                .collect(),
            required_documents: vec![],
            contacts: vec![],
            attributes: codes
                .iter()
                .map(|c| Attribute {
                    id: Uuid::nil(),
                    taxonomy_term_id: crate::directory::term_by_code(c).unwrap().id,
                    taxonomy_term: None,
                    link_type: None,
                    link_entity: None,
                    value: None,
                    label: None,
                })
                .collect(),
        }
    }

    fn room(free: i64, stale: bool, now: DateTime<Utc>) -> Option<Room> {
        Some(Room {
            capacity_id: Uuid::nil(),
            free,
            maximum: Some(10),
            unit: "Bed".into(),
            updated: now - Duration::minutes(20),
            stale,
        })
    }

    #[test]
    fn ranked_by_the_rule_with_reasons_and_exclusions_last() {
        let now: DateTime<Utc> = "2026-12-07T16:00:00Z".parse().unwrap();
        // Monday 10:00 local.
        let local = NaiveDateTime::parse_from_str("2026-12-07 10:00", "%Y-%m-%d %H:%M").unwrap();
        let detox_full = service(
            "Detox A",
            &["sud-withdrawal", "access-walk-in"],
            Some(("MO,TU,WE,TH,FR,SA,SU", "00:00", "00:00")),
            &["en"],
            Some(18),
        );
        let detox_room = service(
            "Detox B",
            &["sud-withdrawal"],
            Some(("MO,TU,WE,TH,FR,SA,SU", "00:00", "00:00")),
            &["en", "es"],
            Some(18),
        );
        let closed = service(
            "Clinic C",
            &["sud-outpatient", "access-walk-in"],
            Some(("SA", "09:00", "12:00")),
            &["en"],
            None,
        );
        let teen = service("Youth D", &["sud-outpatient"], None, &["en"], None);
        let mut adults_only = service(
            "Adults E",
            &["moud-buprenorphine", "access-walk-in"],
            Some(("MO", "08:00", "18:00")),
            &["es"],
            Some(21),
        );
        adults_only.maximum_age = None;
        let shelter = service("Shelter F", &["housing-shelter"], None, &[], None);
        let all = [
            &detox_full,
            &detox_room,
            &closed,
            &teen,
            &adults_only,
            &shelter,
        ];
        let profiles: Vec<Profile> = all.iter().map(|s| Profile::of(s, &[])).collect();
        let mut cands: Vec<Candidate<'_>> = all
            .iter()
            .zip(&profiles)
            .map(|(s, p)| Candidate {
                service: s,
                organization: "Org",
                profile: p,
                room: None,
            })
            .collect();
        cands[0].room = room(0, false, now);
        cands[1].room = room(3, false, now);
        let person = Person {
            age: Some(19),
            sex: Some(Sex::Male),
            language: Some("es".into()),
        };
        let (out, matched) = suggest(
            &cands,
            &["sud"],
            &person,
            local,
            now,
            None,
            &Rule::default(),
            50,
        );
        assert_eq!(matched, 5);
        let names: Vec<&str> = out.iter().map(|s| s.name.as_str()).collect();
        // Open with room first; open but full; hours unknown; closed; the excluded last.
        assert_eq!(
            names,
            ["Detox B", "Detox A", "Youth D", "Clinic C", "Adults E"]
        );
        assert_eq!(
            out[0].reasons[..2],
            [
                "Open now".to_string(),
                "3 beds free of 10 (updated 20 min ago)".to_string()
            ]
        );
        assert!(out[1].reasons[1].starts_with("Full"));
        assert_eq!(out[2].reasons[0], "Hours unknown: call first");
        assert_eq!(out[4].excluded, ["Ages 21 and over"]);
        assert!(!out[4].fits() && !out[3].fits() && out[0].fits());
        assert!(out[0].reasons.contains(&"Speaks es".to_string()));
        // Walk-in first under another rule.
        let rule = Rule::parse("walk_in open_now").unwrap();
        let (out, _) = suggest(&cands, &["sud"], &person, local, now, None, &rule, 1);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].name, "Detox A");
        assert!(
            Rule::parse("open_now fastest").is_err() && Rule::parse("open_now open_now").is_err()
        );
    }

    #[test]
    fn distance_orders_without_being_kept() {
        let a = (41.881, -87.640);
        let b = (41.866, -87.652);
        let d = km(a, b);
        assert!((1.8..2.1).contains(&d), "{d}");
    }
}
