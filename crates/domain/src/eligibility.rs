//! Eligibility: the program's written criteria applied criterion by criterion, each with
//! its reason. Officer Intervention judges the charge (offenses, drugs, quantities); the
//! other pathways have no charge and use their own section of the rules (`pathways`). A decision is stored with a copy
//! of the rules it used and is never changed; an override is a separate record.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{ContactKind, Pathway, code_enum};

code_enum!(
    /// What the officer attests after a records check. The system records the
    /// attestation, never the criminal history itself.
    Attestation {
        NoViolentHistory = "no_violent_history": "No disqualifying violent history (records check)",
        NoOpenWarrant = "no_open_warrant": "No open warrant",
        NoPendingSpecialtyCourt = "no_pending_specialty_court": "No pending drug or mental health court case",
        NoNoContactOrder = "no_no_contact_order": "No no-contact order with a current participant",
        NoExploitationOfMinors = "no_exploitation_of_minors": "No involvement in exploiting minors",
        NoPromotingProstitution = "no_promoting_prostitution": "Not promoting prostitution",
        NotDealingAboveSubsistence = "not_dealing_above_subsistence": "Not dealing beyond subsistence",
    }
);

/// A program's eligibility rules (one version). Stored as JSON with each decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// NIBRS offense codes that may be diverted; every offense must be in this list.
    pub allowed_offenses: Vec<String>,
    /// NIBRS drug activity codes allowed for 35A/35B (possessing, using).
    pub allowed_drug_activities: Vec<String>,
    /// Threshold for drugs measured by mass, in grams (inclusive).
    pub max_grams: Option<f64>,
    /// Threshold for drugs measured by volume, in millilitres (inclusive).
    pub max_milliliters: Option<f64>,
    /// Threshold for drugs counted in dosage units (inclusive).
    pub max_dosage_units: Option<f64>,
    pub min_age_years: u32,
    /// Attestations the officer must make.
    pub required_attestations: Vec<Attestation>,
    /// NIBRS offense codes that exclude diversion even beside allowed ones.
    #[serde(default)]
    pub excluded_offenses: Vec<String>,
    /// Oldest age accepted (none: no upper limit).
    #[serde(default)]
    pub max_age_years: Option<u32>,
    /// Most earlier participations (accepted offers) within `prior_window_months`.
    #[serde(default)]
    pub max_prior_participations: Option<u32>,
    #[serde(default = "default_prior_window")]
    pub prior_window_months: u32,
    /// Thresholds for particular drug types (NIBRS drug type codes); a unit left out
    /// falls back to the general threshold.
    #[serde(default)]
    pub drug_limits: Vec<DrugLimit>,
    /// The rules of the other pathways, by pathway code; a pathway left out has the
    /// defaults of `PathwayRules::default_for`.
    #[serde(default)]
    pub pathways: BTreeMap<String, PathwayRules>,
}

/// The rules of a pathway without a charge (all but Officer Intervention).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathwayRules {
    #[serde(default = "default_min_age")]
    pub min_age_years: u32,
    #[serde(default)]
    pub max_age_years: Option<u32>,
    #[serde(default)]
    pub max_prior_participations: Option<u32>,
    #[serde(default = "default_prior_window")]
    pub prior_window_months: u32,
    #[serde(default)]
    pub required_attestations: Vec<Attestation>,
    /// First Responder and Officer Referral: a social contact must have verified prior
    /// involvement with the agency within this many months.
    #[serde(default)]
    pub social_contact_prior_months: Option<u32>,
    /// The follow-up visit is due within this many days of the encounter (Naloxone Plus:
    /// 3 unless the program says otherwise).
    #[serde(default)]
    pub follow_up_days: Option<u32>,
}

fn default_min_age() -> u32 {
    18
}

impl PathwayRules {
    /// A pathway's rules when the program wrote none: adults, and a Naloxone Plus
    /// follow-up within 3 days.
    pub fn default_for(p: Pathway) -> Self {
        PathwayRules {
            min_age_years: default_min_age(),
            max_age_years: None,
            max_prior_participations: None,
            prior_window_months: default_prior_window(),
            required_attestations: Vec::new(),
            social_contact_prior_months: None,
            follow_up_days: (p == Pathway::NaloxonePlus).then_some(3),
        }
    }
}

impl Rules {
    /// The rules of a pathway without a charge.
    pub fn for_pathway(&self, p: Pathway) -> PathwayRules {
        self.pathways
            .get(p.as_str())
            .cloned()
            .unwrap_or_else(|| PathwayRules::default_for(p))
    }
    /// The attestations the entry form of a pathway asks for.
    pub fn attestations_for(&self, p: Pathway) -> Vec<Attestation> {
        if p == Pathway::OfficerIntervention {
            self.required_attestations.clone()
        } else {
            self.for_pathway(p).required_attestations
        }
    }
}

/// What the rules of a pathway without a charge look at besides age and history.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ContactFacts {
    pub contact_kind: Option<ContactKind>,
    /// When the person's earlier involvement with the agency was verified to have been.
    pub prior_involvement_on: Option<NaiveDate>,
}

/// The quantity thresholds for one drug type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrugLimit {
    pub drug_type: String,
    #[serde(default)]
    pub max_grams: Option<f64>,
    #[serde(default)]
    pub max_milliliters: Option<f64>,
    #[serde(default)]
    pub max_dosage_units: Option<f64>,
}

fn default_prior_window() -> u32 {
    12
}

/// What the program knows of the person's history that rules may ask about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct History {
    /// Accepted offers within the rules' window before this encounter; None when not known.
    pub prior_participations: Option<u32>,
}

impl Default for Rules {
    /// Defaults drawn from public program protocols (LEAD Seattle's 3 g, adults only).
    fn default() -> Self {
        Self {
            allowed_offenses: ["35A", "35B", "23C", "23H", "40A", "90C", "90J", "90B"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            allowed_drug_activities: vec!["P".into(), "U".into()],
            max_grams: Some(3.0),
            max_milliliters: Some(10.0),
            max_dosage_units: Some(10.0),
            min_age_years: 18,
            required_attestations: vec![
                Attestation::NoViolentHistory,
                Attestation::NoOpenWarrant,
                Attestation::NoPendingSpecialtyCourt,
                Attestation::NoNoContactOrder,
            ],
            excluded_offenses: Vec::new(),
            max_age_years: None,
            max_prior_participations: None,
            prior_window_months: default_prior_window(),
            drug_limits: Vec::new(),
            pathways: BTreeMap::new(),
        }
    }
}

/// One offense as the eligibility rules see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OffenseFacts {
    pub code: String,
    pub drug_activity: Option<String>,
    pub drug_type: Option<String>,
    pub quantity: Option<f64>,
    pub unit: Option<String>,
}

impl OffenseFacts {
    pub fn is_drug_offense(&self) -> bool {
        is_drug_offense(&self.code)
    }
}

pub fn is_drug_offense(code: &str) -> bool {
    code == "35A" || code == "35B"
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Met,
    NotMet,
    /// Not enough information to decide: never silently eligible.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Criterion {
    pub key: String,
    pub label: String,
    pub outcome: Outcome,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub eligible: bool,
    pub criteria: Vec<Criterion>,
}

/// What a quantity is measured in, after conversion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    Grams(f64),
    Milliliters(f64),
    DosageUnits(f64),
    Plants(f64),
    NotReported,
}

/// Converts a NIBRS drug measurement to a common unit for its kind.
pub fn convert(quantity: f64, unit: &str) -> Option<Measure> {
    Some(match unit {
        "GM" => Measure::Grams(quantity),
        "KG" => Measure::Grams(quantity * 1000.0),
        "OZ" => Measure::Grams(quantity * 28.349_523_125),
        "LB" => Measure::Grams(quantity * 453.592_37),
        "ML" => Measure::Milliliters(quantity),
        "LT" => Measure::Milliliters(quantity * 1000.0),
        "FO" => Measure::Milliliters(quantity * 29.573_529_562_5),
        "GL" => Measure::Milliliters(quantity * 3_785.411_784),
        "DU" => Measure::DosageUnits(quantity),
        "NP" => Measure::Plants(quantity),
        "XX" => Measure::NotReported,
        _ => return None,
    })
}

/// Whole years between two dates (the age on `on`).
pub fn age_on(dob: NaiveDate, on: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut age = on.year() - dob.year();
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    age
}

fn fmt_qty(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// Applies the rules to an encounter. `attested` lists the attestations the officer made.
pub fn evaluate(
    rules: &Rules,
    offenses: &[OffenseFacts],
    dob: NaiveDate,
    encounter_date: NaiveDate,
    attested: &[Attestation],
) -> Decision {
    evaluate_with(
        rules,
        offenses,
        dob,
        encounter_date,
        attested,
        History::default(),
    )
}

/// `evaluate`, with what is known of the person's earlier participation.
pub fn evaluate_with(
    rules: &Rules,
    offenses: &[OffenseFacts],
    dob: NaiveDate,
    encounter_date: NaiveDate,
    attested: &[Attestation],
    history: History,
) -> Decision {
    let mut criteria = Vec::new();

    // 1. Every offense in the allowed list.
    let not_allowed: Vec<&str> = offenses
        .iter()
        .map(|o| o.code.as_str())
        .filter(|c| !rules.allowed_offenses.iter().any(|a| a == c))
        .collect();
    criteria.push(Criterion {
        key: "offense_allowed".into(),
        label: "Every offense is in the program's allowed list".into(),
        outcome: if offenses.is_empty() {
            Outcome::Unknown
        } else if not_allowed.is_empty() {
            Outcome::Met
        } else {
            Outcome::NotMet
        },
        reason: if offenses.is_empty() {
            "No offense recorded.".into()
        } else if not_allowed.is_empty() {
            format!(
                "All offenses ({}) are allowed.",
                offenses
                    .iter()
                    .map(|o| o.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!("Not in the allowed list: {}.", not_allowed.join(", "))
        },
    });

    // 1b. No excluded offense (when the program lists any).
    if !rules.excluded_offenses.is_empty() {
        let excluded: Vec<&str> = offenses
            .iter()
            .map(|o| o.code.as_str())
            .filter(|c| rules.excluded_offenses.iter().any(|x| x == c))
            .collect();
        criteria.push(Criterion {
            key: "offense_excluded".into(),
            label: "No offense the program excludes".into(),
            outcome: if excluded.is_empty() {
                Outcome::Met
            } else {
                Outcome::NotMet
            },
            reason: if excluded.is_empty() {
                "No excluded offense.".into()
            } else {
                format!("Excluded: {}.", excluded.join(", "))
            },
        });
    }

    let drug: Vec<&OffenseFacts> = offenses.iter().filter(|o| o.is_drug_offense()).collect();
    if !drug.is_empty() {
        // 2. Drug activity possessing/using only.
        let mut outcome = Outcome::Met;
        let mut problems = Vec::new();
        for o in &drug {
            match &o.drug_activity {
                None => {
                    outcome = worst(outcome, Outcome::Unknown);
                    problems.push(format!("{}: drug activity not recorded", o.code));
                }
                Some(a) if !rules.allowed_drug_activities.iter().any(|x| x == a) => {
                    outcome = worst(outcome, Outcome::NotMet);
                    problems.push(format!("{}: activity {a} is not allowed", o.code));
                }
                _ => {}
            }
        }
        criteria.push(Criterion {
            key: "drug_activity".into(),
            label: format!(
                "Drug activity is only {}",
                rules.allowed_drug_activities.join(" or ")
            ),
            outcome,
            reason: if problems.is_empty() {
                "Activity is allowed.".into()
            } else {
                format!("{}.", problems.join("; "))
            },
        });

        // 3. Quantity under the threshold (35A only: equipment has no drug quantity).
        let substances: Vec<&&OffenseFacts> = drug.iter().filter(|o| o.code == "35A").collect();
        if !substances.is_empty() {
            let mut outcome = Outcome::Met;
            let mut notes = Vec::new();
            for o in substances {
                let (q, u) = match (o.quantity, o.unit.as_deref()) {
                    (Some(q), Some(u)) => (q, u),
                    _ => {
                        outcome = worst(outcome, Outcome::Unknown);
                        notes.push("quantity unknown: needs review or override".to_string());
                        continue;
                    }
                };
                // A limit for this drug type first, else the general one.
                let limit = rules
                    .drug_limits
                    .iter()
                    .find(|l| o.drug_type.as_deref() == Some(l.drug_type.as_str()));
                let pick =
                    |specific: Option<f64>, general: Option<f64>| limit.and(specific).or(general);
                let (value, max, unit_name) = match convert(q, u) {
                    Some(Measure::Grams(g)) => (
                        g,
                        pick(limit.and_then(|l| l.max_grams), rules.max_grams),
                        "g",
                    ),
                    Some(Measure::Milliliters(m)) => (
                        m,
                        pick(limit.and_then(|l| l.max_milliliters), rules.max_milliliters),
                        "ml",
                    ),
                    Some(Measure::DosageUnits(d)) => (
                        d,
                        pick(
                            limit.and_then(|l| l.max_dosage_units),
                            rules.max_dosage_units,
                        ),
                        "dosage units",
                    ),
                    Some(Measure::Plants(p)) => (p, None, "plants"),
                    Some(Measure::NotReported) | None => {
                        outcome = worst(outcome, Outcome::Unknown);
                        notes.push("quantity not reported: needs review or override".into());
                        continue;
                    }
                };
                match max {
                    None => {
                        outcome = worst(outcome, Outcome::Unknown);
                        notes.push(format!(
                            "{} {unit_name}: the program sets no threshold for this unit",
                            fmt_qty(value)
                        ));
                    }
                    Some(max) if value <= max => notes.push(format!(
                        "{} {unit_name} is within {} {unit_name}",
                        fmt_qty(value),
                        fmt_qty(max)
                    )),
                    Some(max) => {
                        outcome = worst(outcome, Outcome::NotMet);
                        notes.push(format!(
                            "{} {unit_name} is over the {} {unit_name} threshold",
                            fmt_qty(value),
                            fmt_qty(max)
                        ));
                    }
                }
            }
            criteria.push(Criterion {
                key: "quantity".into(),
                label: "Drug quantity is under the program's threshold".into(),
                outcome,
                reason: format!("{}.", capitalize(&notes.join("; "))),
            });
        }
    }

    // 4. Age, earlier participation, attestations.
    criteria.push(age_criterion(
        rules.min_age_years,
        rules.max_age_years,
        age_on(dob, encounter_date),
    ));
    criteria.extend(prior_criterion(
        rules.max_prior_participations,
        rules.prior_window_months,
        history,
    ));
    criteria.extend(attestation_criteria(&rules.required_attestations, attested));

    let eligible = criteria.iter().all(|c| c.outcome == Outcome::Met);
    Decision { eligible, criteria }
}

/// The decision for a pathway without a charge: age, earlier participation, verified prior
/// involvement for a social contact, and attestations, as the pathway's rules ask.
pub fn evaluate_pathway(
    rules: &PathwayRules,
    dob: NaiveDate,
    encounter_date: NaiveDate,
    attested: &[Attestation],
    history: History,
    contact: ContactFacts,
) -> Decision {
    let mut criteria = vec![age_criterion(
        rules.min_age_years,
        rules.max_age_years,
        age_on(dob, encounter_date),
    )];
    criteria.extend(prior_criterion(
        rules.max_prior_participations,
        rules.prior_window_months,
        history,
    ));
    if let (Some(months), Some(kind)) = (rules.social_contact_prior_months, contact.contact_kind) {
        let since = encounter_date
            .checked_sub_months(chrono::Months::new(months))
            .unwrap_or(encounter_date);
        let (outcome, reason) = match (kind, contact.prior_involvement_on) {
            (ContactKind::Incident, _) => (
                Outcome::Met,
                "Referred during an incident: prior involvement is not needed.".to_string(),
            ),
            (ContactKind::SocialContact, None) => (
                Outcome::Unknown,
                "Social contact without a verified prior involvement: needs review.".into(),
            ),
            (ContactKind::SocialContact, Some(d)) if d >= since && d <= encounter_date => (
                Outcome::Met,
                format!("Prior involvement verified on {d}, within {months} months."),
            ),
            (ContactKind::SocialContact, Some(d)) => (
                Outcome::NotMet,
                format!(
                    "Prior involvement on {d} is not within the {months} months before the contact."
                ),
            ),
        };
        criteria.push(Criterion {
            key: "prior_involvement".into(),
            label: format!(
                "A social contact has verified prior involvement within {months} months"
            ),
            outcome,
            reason,
        });
    }
    criteria.extend(attestation_criteria(&rules.required_attestations, attested));
    let eligible = criteria.iter().all(|c| c.outcome == Outcome::Met);
    Decision { eligible, criteria }
}

fn age_criterion(min: u32, max: Option<u32>, age: i32) -> Criterion {
    let too_old = max.is_some_and(|m| age > m as i32);
    Criterion {
        key: "age".into(),
        label: match max {
            Some(m) => format!("Age {min} to {m}"),
            None => format!("Age {min} or older"),
        },
        outcome: if age >= min as i32 && !too_old {
            Outcome::Met
        } else {
            Outcome::NotMet
        },
        reason: format!("Age {age} on the encounter date."),
    }
}

/// Earlier participation, when the rules limit it.
fn prior_criterion(max: Option<u32>, window: u32, history: History) -> Option<Criterion> {
    let max = max?;
    Some(Criterion {
        key: "prior_participation".into(),
        label: format!("At most {max} earlier participation(s) in {window} months"),
        outcome: match history.prior_participations {
            Some(n) if n <= max => Outcome::Met,
            Some(_) => Outcome::NotMet,
            None => Outcome::Unknown,
        },
        reason: match history.prior_participations {
            Some(n) => format!("{n} earlier participation(s) in the window."),
            None => "Earlier participation not known: needs review.".into(),
        },
    })
}

fn attestation_criteria(required: &[Attestation], attested: &[Attestation]) -> Vec<Criterion> {
    required
        .iter()
        .map(|a| {
            let made = attested.contains(a);
            Criterion {
                key: format!("attest_{}", a.as_str()),
                label: a.label().to_string(),
                outcome: if made { Outcome::Met } else { Outcome::NotMet },
                reason: if made {
                    "Attested by the officer.".into()
                } else {
                    "The officer did not attest to this.".into()
                },
            }
        })
        .collect()
}

fn worst(a: Outcome, b: Outcome) -> Outcome {
    match (a, b) {
        (Outcome::NotMet, _) | (_, Outcome::NotMet) => Outcome::NotMet,
        (Outcome::Unknown, _) | (_, Outcome::Unknown) => Outcome::Unknown,
        _ => Outcome::Met,
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn drug(q: Option<f64>, unit: Option<&str>, act: &str) -> OffenseFacts {
        OffenseFacts {
            code: "35A".into(),
            drug_activity: Some(act.into()),
            drug_type: Some("D".into()),
            quantity: q,
            unit: unit.map(|s| s.into()),
        }
    }
    fn all() -> Vec<Attestation> {
        Attestation::ALL.to_vec()
    }
    fn crit<'a>(d: &'a Decision, key: &str) -> &'a Criterion {
        d.criteria.iter().find(|c| c.key == key).unwrap()
    }

    #[test]
    fn eligible_possession_under_threshold() {
        let r = Rules::default();
        let dec = evaluate(
            &r,
            &[drug(Some(1.5), Some("GM"), "P")],
            d(1990, 1, 1),
            d(2026, 5, 1),
            &all(),
        );
        assert!(dec.eligible, "{dec:?}");
        assert_eq!(crit(&dec, "quantity").reason, "1.5 g is within 3 g.");
    }

    #[test]
    fn quantity_over_threshold_after_unit_conversion() {
        // 0.25 oz = 7.09 g > 3 g
        let dec = evaluate(
            &Rules::default(),
            &[drug(Some(0.25), Some("OZ"), "P")],
            d(1990, 1, 1),
            d(2026, 5, 1),
            &all(),
        );
        assert!(!dec.eligible);
        assert_eq!(crit(&dec, "quantity").outcome, Outcome::NotMet);
        assert!(
            crit(&dec, "quantity")
                .reason
                .contains("7.087 g is over the 3 g")
        );
        // 0.002 kg = 2 g is fine; the threshold is inclusive.
        let dec = evaluate(
            &Rules::default(),
            &[drug(Some(0.003), Some("KG"), "P")],
            d(1990, 1, 1),
            d(2026, 5, 1),
            &all(),
        );
        assert!(dec.eligible, "{dec:?}");
    }

    #[test]
    fn unknown_quantity_is_not_silently_eligible() {
        for (q, u) in [
            (None, Some("GM")),
            (Some(1.0), None),
            (Some(1.0), Some("XX")),
            (Some(2.0), Some("NP")),
        ] {
            let dec = evaluate(
                &Rules::default(),
                &[drug(q, u, "U")],
                d(1990, 1, 1),
                d(2026, 5, 1),
                &all(),
            );
            assert!(!dec.eligible);
            assert_eq!(
                crit(&dec, "quantity").outcome,
                Outcome::Unknown,
                "{q:?} {u:?}"
            );
        }
    }

    #[test]
    fn distribution_is_not_allowed() {
        let dec = evaluate(
            &Rules::default(),
            &[drug(Some(1.0), Some("GM"), "D")],
            d(1990, 1, 1),
            d(2026, 5, 1),
            &all(),
        );
        assert!(!dec.eligible);
        assert_eq!(crit(&dec, "drug_activity").outcome, Outcome::NotMet);
    }

    #[test]
    fn every_offense_must_be_allowed() {
        let offenses = vec![
            OffenseFacts {
                code: "23C".into(),
                drug_activity: None,
                drug_type: None,
                quantity: None,
                unit: None,
            },
            OffenseFacts {
                code: "13A".into(),
                drug_activity: None,
                drug_type: None,
                quantity: None,
                unit: None,
            },
        ];
        let dec = evaluate(
            &Rules::default(),
            &offenses,
            d(1990, 1, 1),
            d(2026, 5, 1),
            &all(),
        );
        assert!(!dec.eligible);
        assert_eq!(
            crit(&dec, "offense_allowed").reason,
            "Not in the allowed list: 13A."
        );
        assert!(dec.criteria.iter().all(|c| c.key != "quantity"));
    }

    #[test]
    fn age_boundary_is_the_birthday() {
        let off = [OffenseFacts {
            code: "90J".into(),
            drug_activity: None,
            drug_type: None,
            quantity: None,
            unit: None,
        }];
        assert!(
            !evaluate(
                &Rules::default(),
                &off,
                d(2008, 5, 2),
                d(2026, 5, 1),
                &all()
            )
            .eligible
        );
        assert!(
            evaluate(
                &Rules::default(),
                &off,
                d(2008, 5, 1),
                d(2026, 5, 1),
                &all()
            )
            .eligible
        );
    }

    #[test]
    fn missing_attestation_is_named() {
        let off = [OffenseFacts {
            code: "90J".into(),
            drug_activity: None,
            drug_type: None,
            quantity: None,
            unit: None,
        }];
        let dec = evaluate(
            &Rules::default(),
            &off,
            d(1980, 1, 1),
            d(2026, 5, 1),
            &[Attestation::NoOpenWarrant],
        );
        assert!(!dec.eligible);
        assert_eq!(
            crit(&dec, "attest_no_violent_history").outcome,
            Outcome::NotMet
        );
        assert_eq!(crit(&dec, "attest_no_open_warrant").outcome, Outcome::Met);
    }

    #[test]
    fn rules_round_trip_as_json_and_refuse_unknown_fields() {
        let r = Rules::default();
        let s = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<Rules>(&s).unwrap(), r);
        assert!(serde_json::from_str::<Rules>(r#"{"nonsense":1}"#).is_err());
    }

    /// SplitMix64: reproducible cases without a dependency.
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn pick<'a>(&mut self, v: &'a [&'a str]) -> &'a str {
            v[self.below(v.len() as u64) as usize]
        }
    }

    /// Property tests over 5,000 generated rules and encounters: a decision is a pure
    /// function of (rules, encounter); the stored copy of the rules (JSON) decides the
    /// same again, so a later rules version cannot change a past decision; the
    /// explanation lists every criterion that applies, and eligibility is exactly "every
    /// criterion met"; raising a threshold never makes an eligible encounter ineligible.
    #[test]
    fn property_decisions_are_pure_complete_and_reproducible() {
        const OFFENSES: &[&str] = &["35A", "35B", "23C", "13B", "90C", "240"];
        const ACTIVITIES: &[&str] = &["P", "U", "D", "T"];
        const UNITS: &[&str] = &["GM", "MG", "KG", "OZ", "LB", "ML", "LT", "DU", "NP", "XX"];
        let mut g = Gen(20261127);
        for case in 0..5000 {
            let allowed_offenses = OFFENSES
                .iter()
                .filter(|_| g.below(3) > 0)
                .map(|s| s.to_string())
                .collect();
            let allowed_drug_activities = ACTIVITIES
                .iter()
                .filter(|_| g.below(2) > 0)
                .map(|s| s.to_string())
                .collect();
            let max_grams = (g.below(4) > 0).then(|| g.below(50) as f64 / 10.0);
            let min_age_years = 16 + g.below(6) as u32;
            let required_attestations = Attestation::ALL
                .iter()
                .copied()
                .filter(|_| g.below(2) > 0)
                .collect();
            let rules = Rules {
                allowed_offenses,
                allowed_drug_activities,
                max_grams,
                min_age_years,
                required_attestations,
                ..Rules::default()
            };
            let offenses: Vec<OffenseFacts> = (0..1 + g.below(3))
                .map(|_| {
                    let code = g.pick(OFFENSES).to_string();
                    let drug = code == "35A" || code == "35B";
                    OffenseFacts {
                        drug_activity: (drug && g.below(5) > 0)
                            .then(|| g.pick(ACTIVITIES).to_string()),
                        drug_type: drug.then(|| "D".to_string()),
                        quantity: (code == "35A" && g.below(4) > 0)
                            .then(|| g.below(100) as f64 / 10.0),
                        unit: (code == "35A" && g.below(4) > 0).then(|| g.pick(UNITS).to_string()),
                        code,
                    }
                })
                .collect();
            let dob = NaiveDate::from_ymd_opt(1985 + g.below(30) as i32, 1 + g.below(12) as u32, 1)
                .unwrap();
            let on = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
            let attested: Vec<Attestation> = Attestation::ALL
                .iter()
                .copied()
                .filter(|_| g.below(4) > 0)
                .collect();

            let d = evaluate(&rules, &offenses, dob, on, &attested);
            assert_eq!(
                d,
                evaluate(&rules, &offenses, dob, on, &attested),
                "case {case}"
            );
            let stored: Rules =
                serde_json::from_str(&serde_json::to_string(&rules).unwrap()).unwrap();
            assert_eq!(
                d,
                evaluate(&stored, &offenses, dob, on, &attested),
                "case {case}"
            );

            let keys: Vec<&str> = d.criteria.iter().map(|c| c.key.as_str()).collect();
            let any_drug = offenses.iter().any(|o| o.code == "35A" || o.code == "35B");
            let any_substance = offenses.iter().any(|o| o.code == "35A");
            let mut expected = vec!["offense_allowed"];
            if any_drug {
                expected.push("drug_activity");
            }
            if any_substance {
                expected.push("quantity");
            }
            expected.push("age");
            let attest_keys: Vec<String> = rules
                .required_attestations
                .iter()
                .map(|a| format!("attest_{}", a.as_str()))
                .collect();
            expected.extend(attest_keys.iter().map(String::as_str));
            assert_eq!(keys, expected, "case {case}: every criterion, in order");
            assert!(
                d.criteria.iter().all(|c| !c.reason.is_empty()),
                "case {case}"
            );
            assert_eq!(
                d.eligible,
                d.criteria.iter().all(|c| c.outcome == Outcome::Met),
                "case {case}"
            );

            if d.eligible {
                let mut looser = rules.clone();
                looser.max_grams = looser.max_grams.map(|m| m + 1.0);
                looser.min_age_years = looser.min_age_years.saturating_sub(1);
                assert!(
                    evaluate(&looser, &offenses, dob, on, &attested).eligible,
                    "case {case}: looser rules turned an eligible encounter away"
                );
            }
        }
    }

    /// The same properties for the pathways without a charge (5,000 generated cases):
    /// pure, reproducible from the stored rules, every criterion listed in order, eligible
    /// exactly when all are met, and looser rules never turn an eligible person away.
    #[test]
    fn property_pathway_decisions_are_pure_complete_and_reproducible() {
        let mut g = Gen(20261128);
        let on = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        for case in 0..5000 {
            let min = 14 + g.below(8) as u32;
            let rules = PathwayRules {
                min_age_years: min,
                max_age_years: (g.below(3) == 0).then(|| min + g.below(60) as u32),
                max_prior_participations: (g.below(2) == 0).then(|| g.below(4) as u32),
                prior_window_months: 1 + g.below(36) as u32,
                required_attestations: Attestation::ALL
                    .iter()
                    .copied()
                    .filter(|_| g.below(3) == 0)
                    .collect(),
                social_contact_prior_months: (g.below(2) == 0).then(|| 1 + g.below(24) as u32),
                follow_up_days: None,
            };
            let dob = NaiveDate::from_ymd_opt(1950 + g.below(62) as i32, 1 + g.below(12) as u32, 1)
                .unwrap();
            let attested: Vec<Attestation> = Attestation::ALL
                .iter()
                .copied()
                .filter(|_| g.below(4) > 0)
                .collect();
            let history = History {
                prior_participations: (g.below(5) > 0).then(|| g.below(5) as u32),
            };
            let contact = ContactFacts {
                contact_kind: match g.below(3) {
                    0 => None,
                    1 => Some(ContactKind::Incident),
                    _ => Some(ContactKind::SocialContact),
                },
                prior_involvement_on: (g.below(4) > 0)
                    .then(|| on - chrono::Duration::days(g.below(900) as i64)),
            };
            let d = evaluate_pathway(&rules, dob, on, &attested, history, contact);
            assert_eq!(
                d,
                evaluate_pathway(&rules, dob, on, &attested, history, contact),
                "case {case}"
            );
            let stored: PathwayRules =
                serde_json::from_str(&serde_json::to_string(&rules).unwrap()).unwrap();
            assert_eq!(
                d,
                evaluate_pathway(&stored, dob, on, &attested, history, contact),
                "case {case}"
            );
            let keys: Vec<String> = d.criteria.iter().map(|c| c.key.clone()).collect();
            let mut expected = vec!["age".to_string()];
            if rules.max_prior_participations.is_some() {
                expected.push("prior_participation".into());
            }
            if rules.social_contact_prior_months.is_some() && contact.contact_kind.is_some() {
                expected.push("prior_involvement".into());
            }
            expected.extend(
                rules
                    .required_attestations
                    .iter()
                    .map(|a| format!("attest_{}", a.as_str())),
            );
            assert_eq!(keys, expected, "case {case}");
            assert!(d.criteria.iter().all(|c| !c.reason.is_empty()));
            assert_eq!(
                d.eligible,
                d.criteria.iter().all(|c| c.outcome == Outcome::Met),
                "case {case}"
            );
            if d.eligible {
                let looser = PathwayRules {
                    min_age_years: rules.min_age_years.saturating_sub(1),
                    max_age_years: rules.max_age_years.map(|m| m + 1),
                    max_prior_participations: rules.max_prior_participations.map(|m| m + 1),
                    social_contact_prior_months: rules.social_contact_prior_months.map(|m| m + 6),
                    ..rules.clone()
                };
                assert!(
                    evaluate_pathway(&looser, dob, on, &attested, history, contact).eligible,
                    "case {case}: looser rules turned an eligible person away"
                );
            }
        }
    }

    #[test]
    fn exclusions_maximum_age_and_prior_participation() {
        let on = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let adult = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        let shoplift = [OffenseFacts {
            code: "23C".into(),
            drug_activity: None,
            drug_type: None,
            quantity: None,
            unit: None,
        }];
        let all = Attestation::ALL;
        let rules = Rules {
            excluded_offenses: vec!["23C".into()],
            ..Rules::default()
        };
        let d = evaluate(&rules, &shoplift, adult, on, all);
        let c = d
            .criteria
            .iter()
            .find(|c| c.key == "offense_excluded")
            .unwrap();
        assert_eq!(c.outcome, Outcome::NotMet);
        assert!(!d.eligible);
        // Maximum age.
        let rules = Rules {
            max_age_years: Some(30),
            ..Rules::default()
        };
        let d = evaluate(&rules, &shoplift, adult, on, all);
        assert!(!d.eligible, "36 is over 30");
        assert_eq!(
            d.criteria.iter().find(|c| c.key == "age").unwrap().label,
            "Age 18 to 30"
        );
        // Earlier participation: within the limit, over it, or not known.
        let rules = Rules {
            max_prior_participations: Some(1),
            ..Rules::default()
        };
        let with = |n| {
            evaluate_with(
                &rules,
                &shoplift,
                adult,
                on,
                all,
                History {
                    prior_participations: n,
                },
            )
        };
        let key = |d: &Decision| {
            d.criteria
                .iter()
                .find(|c| c.key == "prior_participation")
                .unwrap()
                .outcome
        };
        assert_eq!(key(&with(Some(1))), Outcome::Met);
        assert!(with(Some(1)).eligible);
        assert_eq!(key(&with(Some(2))), Outcome::NotMet);
        assert_eq!(key(&with(None)), Outcome::Unknown);
        assert!(!with(None).eligible, "never silently eligible");
    }

    #[test]
    fn a_drug_type_limit_replaces_the_general_threshold() {
        let on = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let adult = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        let drug = |t: &str, q: f64| {
            [OffenseFacts {
                code: "35A".into(),
                drug_activity: Some("P".into()),
                drug_type: Some(t.into()),
                quantity: Some(q),
                unit: Some("GM".into()),
            }]
        };
        let rules = Rules {
            drug_limits: vec![DrugLimit {
                drug_type: "D".into(),
                max_grams: Some(1.0),
                max_milliliters: None,
                max_dosage_units: None,
            }],
            ..Rules::default()
        };
        // Heroin: 1 g; others: the general 3 g.
        assert!(!evaluate(&rules, &drug("D", 2.0), adult, on, Attestation::ALL).eligible);
        assert!(evaluate(&rules, &drug("D", 1.0), adult, on, Attestation::ALL).eligible);
        assert!(evaluate(&rules, &drug("E", 2.0), adult, on, Attestation::ALL).eligible);
    }

    #[test]
    fn pathways_without_a_charge_use_their_own_rules() {
        let mut r = Rules::default();
        assert_eq!(r.for_pathway(Pathway::NaloxonePlus).follow_up_days, Some(3));
        assert!(r.attestations_for(Pathway::SelfReferral).is_empty());
        r.pathways.insert(
            "officer_referral".into(),
            PathwayRules {
                social_contact_prior_months: Some(6),
                ..PathwayRules::default_for(Pathway::OfficerReferral)
            },
        );
        let pr = r.for_pathway(Pathway::OfficerReferral);
        let social = |on: Option<NaiveDate>| ContactFacts {
            contact_kind: Some(ContactKind::SocialContact),
            prior_involvement_on: on,
        };
        let dec = |c| {
            evaluate_pathway(
                &pr,
                d(1990, 1, 1),
                d(2026, 5, 1),
                &[],
                History::default(),
                c,
            )
        };
        let recent = dec(social(Some(d(2026, 1, 10))));
        assert!(recent.eligible, "{recent:?}");
        assert_eq!(recent.criteria.len(), 2, "age and prior involvement");
        let old = dec(social(Some(d(2025, 10, 31))));
        assert!(!old.eligible);
        assert_eq!(crit(&old, "prior_involvement").outcome, Outcome::NotMet);
        assert_eq!(
            crit(&dec(social(None)), "prior_involvement").outcome,
            Outcome::Unknown
        );
        let incident = dec(ContactFacts {
            contact_kind: Some(ContactKind::Incident),
            prior_involvement_on: None,
        });
        assert!(incident.eligible);
        // A minor is not eligible on any pathway unless its rules say so.
        let young = evaluate_pathway(
            &PathwayRules::default_for(Pathway::SelfReferral),
            d(2010, 1, 1),
            d(2026, 5, 1),
            &[],
            History::default(),
            ContactFacts::default(),
        );
        assert!(!young.eligible);
        assert_eq!(young.criteria.len(), 1);
    }
}
