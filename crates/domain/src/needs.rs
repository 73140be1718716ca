//! The needs screen recorded with an encounter's referrals (issue 15): the program's
//! presenting problems, and the CMS Accountable Health Communities (AHC) core health-related
//! social needs questions (2017, public domain) on housing, food, transportation, utilities
//! and interpersonal safety. Needs suggest the service types to refer to.

use std::collections::BTreeMap;

use crate::{FieldErrors, code_enum};

code_enum!(
    /// What the person presents with, as the program lists it.
    Problem {
        SubstanceUse = "substance_use": "Substance use",
        MentalHealth = "mental_health": "Mental health",
        CoOccurring = "co_occurring": "Substance use and mental health",
        Housing = "housing_instability": "Housing instability",
    }
);

code_enum!(
    /// The AHC core domains.
    Domain {
        Housing = "housing": "Housing instability",
        Food = "food": "Food insecurity",
        Transportation = "transportation": "Transportation",
        Utilities = "utilities": "Utilities",
        Safety = "safety": "Interpersonal safety",
    }
);

/// One AHC question: its answers as (code, label, positive or score).
pub struct Question {
    pub id: &'static str,
    pub domain: Domain,
    pub text: &'static str,
    /// Several answers may be chosen.
    pub many: bool,
    pub answers: &'static [(&'static str, &'static str, u8)],
}

const OFTEN_SOMETIMES_NEVER: &[(&str, &str, u8)] = &[
    ("often", "Often true", 1),
    ("sometimes", "Sometimes true", 1),
    ("never", "Never true", 0),
];
const HOW_OFTEN: &[(&str, &str, u8)] = &[
    ("1", "Never", 1),
    ("2", "Rarely", 2),
    ("3", "Sometimes", 3),
    ("4", "Fairly often", 4),
    ("5", "Frequently", 5),
];

/// The ten core questions. For housing, food, transportation and utilities an answer
/// marked 1 is a positive screen; for safety the four answers' values are summed and a sum
/// over 10 is positive.
pub const AHC: &[Question] = &[
    Question {
        id: "ahc1",
        domain: Domain::Housing,
        text: "What is your housing situation today?",
        many: false,
        answers: &[
            (
                "none",
                "I do not have housing (I am staying with others, in a hotel, in a shelter, living outside on the street, on a beach, in a car, abandoned building, bus or train station, or in a park)",
                1,
            ),
            (
                "worried",
                "I have housing today, but I am worried about losing housing in the future",
                1,
            ),
            ("housed", "I have housing", 0),
        ],
    },
    Question {
        id: "ahc2",
        domain: Domain::Housing,
        text: "Think about the place you live. Do you have problems with any of the following?",
        many: true,
        answers: &[
            ("bugs", "Bug infestation", 1),
            ("mold", "Mold", 1),
            ("lead", "Lead paint or pipes", 1),
            ("heat", "Inadequate heat", 1),
            ("stove", "Oven or stove not working", 1),
            ("smoke", "No or not working smoke detectors", 1),
            ("leaks", "Water leaks", 1),
            ("none", "None of the above", 0),
        ],
    },
    Question {
        id: "ahc3",
        domain: Domain::Food,
        text: "Within the past 12 months, you worried that your food would run out before you got money to buy more.",
        many: false,
        answers: OFTEN_SOMETIMES_NEVER,
    },
    Question {
        id: "ahc4",
        domain: Domain::Food,
        text: "Within the past 12 months, the food you bought just didn't last and you didn't have money to get more.",
        many: false,
        answers: OFTEN_SOMETIMES_NEVER,
    },
    Question {
        id: "ahc5",
        domain: Domain::Transportation,
        text: "In the past 12 months, has lack of transportation kept you from medical appointments, meetings, work or from getting things needed for daily living?",
        many: true,
        answers: &[
            (
                "medical",
                "Yes, it has kept me from medical appointments or getting medications",
                1,
            ),
            (
                "other",
                "Yes, it has kept me from non-medical meetings, appointments, work, or getting things that I need",
                1,
            ),
            ("no", "No", 0),
        ],
    },
    Question {
        id: "ahc6",
        domain: Domain::Utilities,
        text: "In the past 12 months has the electric, gas, oil, or water company threatened to shut off services in your home?",
        many: false,
        answers: &[
            ("yes", "Yes", 1),
            ("no", "No", 0),
            ("shut_off", "Already shut off", 1),
        ],
    },
    Question {
        id: "ahc7",
        domain: Domain::Safety,
        text: "How often does anyone, including family, physically hurt you?",
        many: false,
        answers: HOW_OFTEN,
    },
    Question {
        id: "ahc8",
        domain: Domain::Safety,
        text: "How often does anyone, including family, insult or talk down to you?",
        many: false,
        answers: HOW_OFTEN,
    },
    Question {
        id: "ahc9",
        domain: Domain::Safety,
        text: "How often does anyone, including family, threaten you with harm?",
        many: false,
        answers: HOW_OFTEN,
    },
    Question {
        id: "ahc10",
        domain: Domain::Safety,
        text: "How often does anyone, including family, scream or curse at you?",
        many: false,
        answers: HOW_OFTEN,
    },
];

/// What the screen found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    pub problems: Vec<Problem>,
    pub positive: Vec<Domain>,
    /// The safety questions' sum, when all four were answered.
    pub safety_score: Option<u32>,
}

/// Reads the screen: problems by code, answers by question id (each question optional: a
/// person may decline to answer). Unknown codes are refused by field.
pub fn evaluate(
    problems: &[String],
    answers: &BTreeMap<String, Vec<String>>,
) -> Result<Needs, FieldErrors> {
    let mut e = FieldErrors::new();
    let mut out = Needs::default();
    for p in problems.iter().filter(|p| !p.is_empty()) {
        match Problem::parse(p) {
            Some(p) if !out.problems.contains(&p) => out.problems.push(p),
            Some(_) => {}
            None => e.add(
                "problems",
                handoff_i18n::staff_with("err-needs-problem-unknown", &[("problem", p.into())]),
            ),
        }
    }
    for id in answers.keys() {
        if !AHC.iter().any(|q| q.id == id) {
            e.add(id, handoff_i18n::staff("err-needs-question-unknown"));
        }
    }
    let mut safety = (0u32, 0usize);
    for q in AHC {
        let given: Vec<&String> = answers
            .get(q.id)
            .map(|v| v.iter().filter(|a| !a.is_empty()).collect())
            .unwrap_or_default();
        if given.len() > 1 && !q.many {
            e.add(q.id, handoff_i18n::staff("err-needs-one-answer"));
            continue;
        }
        for a in given {
            let Some((_, _, value)) = q.answers.iter().find(|(code, _, _)| code == a) else {
                e.add(
                    q.id,
                    handoff_i18n::staff_with("err-needs-answer-unknown", &[("answer", a.into())]),
                );
                continue;
            };
            if q.domain == Domain::Safety {
                safety = (safety.0 + u32::from(*value), safety.1 + 1);
            } else if *value == 1 && !out.positive.contains(&q.domain) {
                out.positive.push(q.domain);
            }
        }
    }
    if safety.1 == 4 {
        out.safety_score = Some(safety.0);
        if safety.0 > 10 {
            out.positive.push(Domain::Safety);
        }
    }
    if e.is_empty() { Ok(out) } else { Err(e) }
}

impl Needs {
    /// The service types (taxonomy codes) these needs suggest, most pressing first.
    pub fn service_types(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        let mut add = |codes: &[&'static str]| {
            for c in codes {
                if !out.contains(c) {
                    out.push(c);
                }
            }
        };
        for p in &self.problems {
            match p {
                Problem::SubstanceUse => add(&["sud", "co-occurring", "recovery"]),
                Problem::MentalHealth => add(&["mh", "co-occurring"]),
                Problem::CoOccurring => add(&["co-occurring", "sud", "mh", "recovery"]),
                Problem::Housing => add(&["housing", "recovery-housing"]),
            }
        }
        for d in &self.positive {
            match d {
                Domain::Housing => add(&["housing", "recovery-housing"]),
                Domain::Food => add(&["social-food", "social-benefits"]),
                Domain::Transportation => add(&["social-transport"]),
                Domain::Utilities => add(&["social-benefits"]),
                Domain::Safety => add(&["mh-crisis", "social-legal"]),
            }
        }
        out
    }

    pub fn problem_codes(&self) -> String {
        self.problems
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn positive_codes(&self) -> String {
        self.positive
            .iter()
            .map(|d| d.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// From the stored codes.
    pub fn from_codes(problems: &str, positive: &str, safety_score: Option<u32>) -> Needs {
        Needs {
            problems: problems
                .split_whitespace()
                .filter_map(Problem::parse)
                .collect(),
            positive: positive
                .split_whitespace()
                .filter_map(Domain::parse)
                .collect(),
            safety_score,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn positive_screens_by_domain_and_the_safety_sum() {
        let n = evaluate(
            &["substance_use".into()],
            &answers(&[
                ("ahc1", &["worried"]),
                ("ahc3", &["never"]),
                ("ahc4", &["sometimes"]),
                ("ahc7", &["3"]),
                ("ahc8", &["3"]),
                ("ahc9", &["3"]),
                ("ahc10", &["2"]),
            ]),
        )
        .unwrap();
        assert_eq!(
            n.positive,
            vec![Domain::Housing, Domain::Food, Domain::Safety]
        );
        assert_eq!(n.safety_score, Some(11));
        assert_eq!(
            n.service_types()[..4],
            ["sud", "co-occurring", "recovery", "housing"]
        );
        // 10 is not over 10.
        let n = evaluate(
            &[],
            &answers(&[
                ("ahc7", &["3"]),
                ("ahc8", &["3"]),
                ("ahc9", &["2"]),
                ("ahc10", &["2"]),
            ]),
        )
        .unwrap();
        assert!(n.positive.is_empty());
        // Three of four safety answers: no score.
        let n = evaluate(
            &[],
            &answers(&[("ahc7", &["5"]), ("ahc8", &["5"]), ("ahc9", &["5"])]),
        )
        .unwrap();
        assert_eq!(n.safety_score, None);
    }

    #[test]
    fn unknown_codes_are_refused_by_field() {
        let e = evaluate(
            &["gambling".into()],
            &answers(&[
                ("ahc1", &["castle"]),
                ("ahc3", &["often", "never"]),
                ("q99", &["x"]),
            ]),
        )
        .unwrap_err();
        for f in ["problems", "ahc1", "ahc3", "q99"] {
            assert!(e.get(f).is_some(), "{f}: {e:?}");
        }
        // Several answers where several are allowed.
        assert!(
            evaluate(&[], &answers(&[("ahc2", &["mold", "leaks"])]))
                .unwrap()
                .positive
                == vec![Domain::Housing]
        );
    }
}
