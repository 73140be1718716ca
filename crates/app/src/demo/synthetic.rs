//! Synthetic people and encounters for the demo (and a seeded generator the reports
//! benchmark shares): names, places, each pathway's facts, offenses.
use chrono::{DateTime, Duration, Utc};
use handoff_domain::input::{EncounterInput, FactsInput, OffenseInput, PersonInput};
use handoff_domain::{Pathway, pathways};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

/// A deterministic random generator (rand's small generator with a fixed seed), so that
/// synthetic data is the same each time; shared by the demo and the reports benchmark.
pub struct Rng(SmallRng);

impl Rng {
    pub fn seeded(seed: u64) -> Rng {
        Rng(SmallRng::seed_from_u64(seed))
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.0.random_range(0..n.max(1))
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    pub fn minutes(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::minutes(lo + self.below((hi - lo).max(1) as u64) as i64)
    }
}

pub(crate) const FIRST: &[&str] = &[
    "James",
    "Maria",
    "Robert",
    "Linda",
    "Michael",
    "Patricia",
    "David",
    "Jennifer",
    "Daniel",
    "Elizabeth",
    "Anthony",
    "Ashley",
    "Kevin",
    "Brittany",
    "Jose",
    "Crystal",
    "Tyrone",
    "Amber",
    "Luis",
    "Tiffany",
    "Brandon",
    "Heather",
    "Marcus",
    "Nicole",
    "Travis",
    "Angela",
    "Cody",
    "Keisha",
    "Dustin",
    "Rosa",
];
pub(crate) const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
];
pub(crate) const PLACES: &[&str] = &[
    "1200 block of W Main St",
    "Riverside Park, east entrance",
    "QuickMart, 455 Oak Ave",
    "Greyhound station, 3rd St",
    "Elm St & 9th Ave",
    "Lakeview Apartments parking lot",
    "Dollar Depot, 88 Market St",
    "Underpass at Route 9 and Pine",
];

/// What a pathway without a charge adds to a synthetic encounter.
pub(crate) fn synthetic_facts(rng: &mut Rng, at: DateTime<Utc>, pathway: Pathway) -> FactsInput {
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    match pathway {
        Pathway::NaloxonePlus => FactsInput {
            naloxone_doses: (1 + rng.below(3)).to_string(),
            transported: yes_no(rng.chance(55)),
            team: "Engine 4 crew".into(),
            ..Default::default()
        },
        Pathway::SelfReferral => FactsInput {
            surrendered_items: if rng.chance(30) {
                rng.pick(&["Syringes and a spoon", "A small bag of pills", "A pipe"])
                    .to_string()
            } else {
                String::new()
            },
            ..Default::default()
        },
        Pathway::OfficerReferral => {
            let social = rng.chance(40);
            FactsInput {
                contact_kind: if social { "social_contact" } else { "incident" }.into(),
                prior_involvement_on: if social {
                    (at - Duration::days(20 + rng.below(500) as i64))
                        .format("%Y-%m-%d")
                        .to_string()
                } else {
                    String::new()
                },
                ..Default::default()
            }
        }
        Pathway::ActiveOutreach => FactsInput {
            outreach_source: rng
                .pick(&["recent_overdose", "frequent_contact", "community_request"])
                .to_string(),
            team: "Officer, clinician, peer recovery coach".into(),
            ..Default::default()
        },
        Pathway::CommunityResponse => FactsInput {
            call_type: rng
                .pick(&[
                    "Welfare check",
                    "Person in crisis",
                    "Suicidal subject",
                    "Disturbance",
                ])
                .to_string(),
            police_present: yes_no(rng.chance(35)),
            team: "Crisis clinician, peer".into(),
            ..Default::default()
        },
        Pathway::OfficerIntervention => FactsInput::default(),
    }
}

pub(crate) fn synthetic_encounter(
    rng: &mut Rng,
    at: DateTime<Utc>,
    n: usize,
    pathway: Pathway,
) -> EncounterInput {
    let charges = pathway == Pathway::OfficerIntervention;
    let facts = synthetic_facts(rng, at, pathway);
    let offense = match rng.below(100) {
        0..=54 => {
            let unit = *rng.pick(&["GM", "GM", "GM", "DU"]);
            let qty = if rng.chance(88) {
                0.1 + (rng.below(25) as f64) / 10.0
            } else {
                4.0 + rng.below(20) as f64
            };
            let known = rng.chance(94);
            OffenseInput {
                code: "35A".into(),
                drug_activity: if rng.chance(95) { "P" } else { "D" }.into(),
                drug_type: rng.pick(&["D", "H", "L", "A", "E", "B"]).to_string(),
                quantity: if known {
                    format!("{qty:.1}")
                } else {
                    String::new()
                },
                unit: if known { unit.into() } else { String::new() },
            }
        }
        55..=64 => OffenseInput {
            code: "35B".into(),
            drug_activity: "P".into(),
            ..Default::default()
        },
        65..=79 => OffenseInput {
            code: "23C".into(),
            ..Default::default()
        },
        80..=88 => OffenseInput {
            code: "90J".into(),
            ..Default::default()
        },
        89..=93 => OffenseInput {
            code: "40A".into(),
            ..Default::default()
        },
        _ => OffenseInput {
            code: "13B".into(),
            ..Default::default()
        },
    };
    let mut attestations: Vec<String> = [
        "no_violent_history",
        "no_open_warrant",
        "no_pending_specialty_court",
        "no_no_contact_order",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if rng.chance(6) {
        attestations.remove(1);
    }
    if !charges {
        attestations.clear();
    }
    let first = rng.pick(FIRST).to_string();
    let last = rng.pick(LAST).to_string();
    let year = 1965 + rng.below(40) as i32;
    let dob = format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28));
    let sex = if rng.chance(62) { "M" } else { "F" };
    let race = *rng.pick(&["W", "W", "W", "B", "B", "A", "I", "U"]);
    let ethnicity = if rng.chance(20) { "H" } else { "N" };
    EncounterInput {
        pathway: pathway.as_str().into(),
        facts,
        occurred_at: at.to_rfc3339(),
        location: if pathway == Pathway::SelfReferral {
            rng.pick(&[
                "Fire Station 4, 75 Firehouse Ln",
                "Police HQ lobby, 400 Civic Center Dr",
            ])
            .to_string()
        } else {
            rng.pick(PLACES).to_string()
        },
        incident_number: if pathways::spec(pathway).incident_required {
            format!("DC-{}-{:05}", at.format("%y"), 10000 + n)
        } else {
            String::new()
        },
        offenses: if charges { vec![offense] } else { vec![] },
        attestations,
        participant_id: String::new(),
        person: PersonInput {
            first_name: first,
            last_name: last,
            dob,
            sex: sex.into(),
            race: race.into(),
            ethnicity: ethnicity.into(),
            phone: if rng.chance(50) {
                format!("(555) 01{:01}-{:04}", rng.below(10), rng.below(10000))
            } else {
                String::new()
            },
            email: String::new(),
        },
        // Some people prefer Spanish (chosen by number, so the other draws stay as they
        // were); a few of them need an interpreter.
        language: match n % 10 {
            3 | 7 => "es",
            _ => "en",
        }
        .into(),
        needs_interpreter: if n % 20 == 7 { "yes" } else { "no" }.into(),
    }
}
