//! Screening instruments, scored exactly as their authors publish them: UNCOPE, CAGE-AID,
//! AUDIT-C, PHQ-9, GAD-7, the Brief Jail Mental Health Screen and DAST-10. Each has its
//! items and answer scales, its scoring (reversed items included), its bands, cut-off
//! profiles where sources differ, what an unanswered item does (never a silent zero), and
//! alerts (PHQ-9 item 9 above 0). A result is a pure function of the instrument, the
//! profile and the answers.
use serde::{Deserialize, Serialize};

/// An answer option: what the person chose and what it scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub label: &'static str,
    pub points: u8,
}

const NO_YES: &[Choice] = &[
    Choice {
        label: "No",
        points: 0,
    },
    Choice {
        label: "Yes",
        points: 1,
    },
];

/// DAST-10 item 3 is scored the other way round.
const YES_NO_REVERSED: &[Choice] = &[
    Choice {
        label: "No",
        points: 1,
    },
    Choice {
        label: "Yes",
        points: 0,
    },
];

/// "Over the last 2 weeks, how often have you been bothered by…" (PHQ-9, GAD-7).
const FREQUENCY: &[Choice] = &[
    Choice {
        label: "Not at all",
        points: 0,
    },
    Choice {
        label: "Several days",
        points: 1,
    },
    Choice {
        label: "More than half the days",
        points: 2,
    },
    Choice {
        label: "Nearly every day",
        points: 3,
    },
];

const AUDIT_Q1: &[Choice] = &[
    Choice {
        label: "Never",
        points: 0,
    },
    Choice {
        label: "Monthly or less",
        points: 1,
    },
    Choice {
        label: "2-4 times a month",
        points: 2,
    },
    Choice {
        label: "2-3 times a week",
        points: 3,
    },
    Choice {
        label: "4 or more times a week",
        points: 4,
    },
];

const AUDIT_Q2: &[Choice] = &[
    Choice {
        label: "1 or 2",
        points: 0,
    },
    Choice {
        label: "3 or 4",
        points: 1,
    },
    Choice {
        label: "5 or 6",
        points: 2,
    },
    Choice {
        label: "7 to 9",
        points: 3,
    },
    Choice {
        label: "10 or more",
        points: 4,
    },
];

const AUDIT_Q3: &[Choice] = &[
    Choice {
        label: "Never",
        points: 0,
    },
    Choice {
        label: "Less than monthly",
        points: 1,
    },
    Choice {
        label: "Monthly",
        points: 2,
    },
    Choice {
        label: "Weekly",
        points: 3,
    },
    Choice {
        label: "Daily or almost daily",
        points: 4,
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub text: &'static str,
    pub choices: &'static [Choice],
}

const fn yn(text: &'static str) -> Item {
    Item {
        text,
        choices: NO_YES,
    }
}

const fn freq(text: &'static str) -> Item {
    Item {
        text,
        choices: FREQUENCY,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    Uncope,
    CageAid,
    AuditC,
    Phq9,
    Gad7,
    Bjmhs,
    Dast10,
}

/// What an unanswered item does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Every item must be answered: otherwise there is no score.
    AllRequired,
    /// Up to this many may be missing: the total is prorated (sum x items / answered,
    /// rounded half up), as the PHQ and GAD-7 instructions allow; more: no score.
    Prorate(usize),
}

impl Instrument {
    pub const ALL: &'static [Instrument] = &[
        Instrument::Uncope,
        Instrument::CageAid,
        Instrument::AuditC,
        Instrument::Phq9,
        Instrument::Gad7,
        Instrument::Bjmhs,
        Instrument::Dast10,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Instrument::Uncope => "uncope",
            Instrument::CageAid => "cage_aid",
            Instrument::AuditC => "audit_c",
            Instrument::Phq9 => "phq9",
            Instrument::Gad7 => "gad7",
            Instrument::Bjmhs => "bjmhs",
            Instrument::Dast10 => "dast10",
        }
    }

    pub fn parse(s: &str) -> Option<Instrument> {
        Instrument::ALL.iter().copied().find(|i| i.as_str() == s)
    }

    pub fn name(self) -> &'static str {
        match self {
            Instrument::Uncope => "UNCOPE",
            Instrument::CageAid => "CAGE-AID",
            Instrument::AuditC => "AUDIT-C",
            Instrument::Phq9 => "PHQ-9",
            Instrument::Gad7 => "GAD-7",
            Instrument::Bjmhs => "Brief Jail Mental Health Screen",
            Instrument::Dast10 => "DAST-10",
        }
    }

    /// The version implemented (stored with every result).
    pub fn version(self) -> &'static str {
        match self {
            Instrument::Uncope => "Hoffmann 2003",
            Instrument::CageAid => "Brown & Rounds 1995",
            Instrument::AuditC => "Bush et al. 1998",
            Instrument::Phq9 => "Kroenke, Spitzer & Williams 2001",
            Instrument::Gad7 => "Spitzer et al. 2006",
            Instrument::Bjmhs => "Steadman et al. 2005",
            Instrument::Dast10 => "Skinner 1982 (10-item)",
        }
    }

    /// The question the items answer.
    pub fn stem(self) -> &'static str {
        match self {
            Instrument::Uncope | Instrument::CageAid | Instrument::Dast10 => {
                "Answer each question about alcohol or drug use."
            }
            Instrument::AuditC => "Questions about drinking alcohol.",
            Instrument::Phq9 => {
                "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
            }
            Instrument::Gad7 => {
                "Over the last 2 weeks, how often have you been bothered by the following problems?"
            }
            Instrument::Bjmhs => "Answer each question.",
        }
    }

    /// The credit line the instrument's terms ask for.
    pub fn credit(self) -> &'static str {
        match self {
            Instrument::Uncope => {
                "UNCOPE: Hoffmann NG, Hunt DE, Rhodes WM, Riley KJ (2003). J Drug Issues 33(1):29-44."
            }
            Instrument::CageAid => {
                "CAGE-AID: Brown RL, Rounds LA (1995). Wis Med J 94(3):135-140. Adapted from the CAGE (Ewing 1984)."
            }
            Instrument::AuditC => {
                "AUDIT-C: Bush K et al. (1998), from the AUDIT, World Health Organization (Babor et al.)."
            }
            Instrument::Phq9 => {
                "PHQ-9: Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute."
            }
            Instrument::Gad7 => {
                "GAD-7: Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute."
            }
            Instrument::Bjmhs => {
                "Brief Jail Mental Health Screen: Steadman HJ, Scott JE, Osher F, Agnese TK, Robbins PC (2005), Policy Research Associates; developed with the National Institute of Justice."
            }
            Instrument::Dast10 => {
                "DAST-10: © 1982 Harvey A. Skinner, PhD, and the Centre for Addiction and Mental Health, Toronto, Canada."
            }
        }
    }

    pub fn items(self) -> &'static [Item] {
        const UNCOPE: &[Item] = &[
            yn("Have you continued to use alcohol or drugs longer than you intended?"),
            yn(
                "Have you ever neglected some of your usual responsibilities because of using alcohol or drugs?",
            ),
            yn("Have you ever wanted to cut down or stop using alcohol or drugs but couldn't?"),
            yn(
                "Has your family, a friend, or anyone else ever told you they objected to your alcohol or drug use?",
            ),
            yn("Have you ever found yourself preoccupied with wanting to use alcohol or drugs?"),
            yn(
                "Have you ever used alcohol or drugs to relieve emotional discomfort, such as sadness, anger, or boredom?",
            ),
        ];
        const CAGE_AID: &[Item] = &[
            yn("Have you ever felt you ought to cut down on your drinking or drug use?"),
            yn("Have people annoyed you by criticizing your drinking or drug use?"),
            yn("Have you felt bad or guilty about your drinking or drug use?"),
            yn(
                "Have you ever had a drink or used drugs first thing in the morning to steady your nerves or to get rid of a hangover (eye-opener)?",
            ),
        ];
        const AUDIT_C: &[Item] = &[
            Item {
                text: "How often do you have a drink containing alcohol?",
                choices: AUDIT_Q1,
            },
            Item {
                text: "How many standard drinks containing alcohol do you have on a typical day?",
                choices: AUDIT_Q2,
            },
            Item {
                text: "How often do you have six or more drinks on one occasion?",
                choices: AUDIT_Q3,
            },
        ];
        const PHQ9: &[Item] = &[
            freq("Little interest or pleasure in doing things"),
            freq("Feeling down, depressed, or hopeless"),
            freq("Trouble falling or staying asleep, or sleeping too much"),
            freq("Feeling tired or having little energy"),
            freq("Poor appetite or overeating"),
            freq(
                "Feeling bad about yourself - or that you are a failure or have let yourself or your family down",
            ),
            freq(
                "Trouble concentrating on things, such as reading the newspaper or watching television",
            ),
            freq(
                "Moving or speaking so slowly that other people could have noticed? Or the opposite - being so fidgety or restless that you have been moving around a lot more than usual",
            ),
            freq("Thoughts that you would be better off dead or of hurting yourself in some way"),
        ];
        const GAD7: &[Item] = &[
            freq("Feeling nervous, anxious or on edge"),
            freq("Not being able to stop or control worrying"),
            freq("Worrying too much about different things"),
            freq("Trouble relaxing"),
            freq("Being so restless that it is hard to sit still"),
            freq("Becoming easily annoyed or irritable"),
            freq("Feeling afraid as if something awful might happen"),
        ];
        const BJMHS: &[Item] = &[
            yn(
                "Do you currently believe that someone can control your mind by putting thoughts into your head or taking thoughts out of your head?",
            ),
            yn(
                "Do you currently feel that other people know your thoughts and can read your mind?",
            ),
            yn(
                "Have you currently lost or gained as much as two pounds a week for several weeks without even trying?",
            ),
            yn(
                "Have you or your family or friends noticed that you are currently much more active than you usually are?",
            ),
            yn(
                "Do you currently feel like you have to talk or move more slowly than you usually do?",
            ),
            yn(
                "Have there currently been a few weeks when you felt like you were useless or sinful?",
            ),
            yn(
                "Are you currently taking any medication prescribed for you by a physician for any emotional or mental health problems?",
            ),
            yn("Have you ever been in a hospital for emotional or mental health problems?"),
        ];
        const DAST10: &[Item] = &[
            yn("Have you used drugs other than those required for medical reasons?"),
            yn("Do you abuse more than one drug at a time?"),
            Item {
                text: "Are you always able to stop using drugs when you want to?",
                choices: YES_NO_REVERSED,
            },
            yn("Have you had \"blackouts\" or \"flashbacks\" as a result of drug use?"),
            yn("Do you ever feel bad or guilty about your drug use?"),
            yn("Does your spouse (or parents) ever complain about your involvement with drugs?"),
            yn("Have you neglected your family because of your use of drugs?"),
            yn("Have you engaged in illegal activities in order to obtain drugs?"),
            yn(
                "Have you ever experienced withdrawal symptoms (felt sick) when you stopped taking drugs?",
            ),
            yn(
                "Have you had medical problems as a result of your drug use (e.g., memory loss, hepatitis, convulsions, bleeding)?",
            ),
        ];
        match self {
            Instrument::Uncope => UNCOPE,
            Instrument::CageAid => CAGE_AID,
            Instrument::AuditC => AUDIT_C,
            Instrument::Phq9 => PHQ9,
            Instrument::Gad7 => GAD7,
            Instrument::Bjmhs => BJMHS,
            Instrument::Dast10 => DAST10,
        }
    }

    pub fn missing(self) -> Missing {
        match self {
            Instrument::Phq9 | Instrument::Gad7 => Missing::Prorate(2),
            _ => Missing::AllRequired,
        }
    }

    /// The cut-off profiles where sources differ; the first is the default.
    pub fn profiles(self) -> &'static [Profile] {
        use Profile::*;
        match self {
            Instrument::Uncope => &[UncopeTwo, UncopeThree],
            Instrument::CageAid => &[CageOne, CageTwo],
            Instrument::AuditC => &[AuditVa, AuditFive],
            Instrument::Phq9 => &[PhqTen],
            Instrument::Gad7 => &[GadTen],
            Instrument::Bjmhs => &[BjmhsReferral],
            Instrument::Dast10 => &[DastThree],
        }
    }
}

/// A cut-off profile: what counts as a positive screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// UNCOPE: 2 or more "yes" (possible abuse or dependence).
    UncopeTwo,
    /// UNCOPE: 3 or more "yes" (fewer false positives).
    UncopeThree,
    /// CAGE-AID: 1 or more "yes" (more sensitive; recommended for primary care).
    CageOne,
    /// CAGE-AID: 2 or more "yes" (the traditional CAGE cut-off).
    CageTwo,
    /// AUDIT-C: 4 or more for men, 3 or more for women (US VA).
    AuditVa,
    /// AUDIT-C: 5 or more for men, 4 or more for women (fewer false positives).
    AuditFive,
    /// PHQ-9: 10 or more (moderate depression or worse).
    PhqTen,
    /// GAD-7: 10 or more.
    GadTen,
    /// BJMHS: refer when 2 or more of items 1-6, or item 7, or item 8 is "yes".
    BjmhsReferral,
    /// DAST-10: 3 or more (moderate level or worse).
    DastThree,
}

impl Profile {
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::UncopeTwo => "uncope_2",
            Profile::UncopeThree => "uncope_3",
            Profile::CageOne => "cage_1",
            Profile::CageTwo => "cage_2",
            Profile::AuditVa => "audit_c_va",
            Profile::AuditFive => "audit_c_5",
            Profile::PhqTen => "phq9_10",
            Profile::GadTen => "gad7_10",
            Profile::BjmhsReferral => "bjmhs",
            Profile::DastThree => "dast10_3",
        }
    }

    pub fn parse(s: &str) -> Option<Profile> {
        Instrument::ALL
            .iter()
            .flat_map(|i| i.profiles())
            .copied()
            .find(|p| p.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Profile::UncopeTwo => "Positive at 2 or more",
            Profile::UncopeThree => "Positive at 3 or more",
            Profile::CageOne => "Positive at 1 or more (more sensitive)",
            Profile::CageTwo => "Positive at 2 or more (traditional)",
            Profile::AuditVa => "Positive at 4+ (men), 3+ (women)",
            Profile::AuditFive => "Positive at 5+ (men), 4+ (women)",
            Profile::PhqTen => "Positive at 10 or more",
            Profile::GadTen => "Positive at 10 or more",
            Profile::BjmhsReferral => "Refer: 2+ of items 1-6, or item 7, or item 8",
            Profile::DastThree => "Positive at 3 or more",
        }
    }
}

/// Pages name a cut-off profile by the staff catalogue's `label-screening-profile-<code>`
/// (Handoff's words for the cut-off, not the instrument's).
impl crate::Coded for Profile {
    const KIND: &'static str = "ScreeningProfile";
    fn all() -> &'static [Self] {
        &[
            Profile::UncopeTwo,
            Profile::UncopeThree,
            Profile::CageOne,
            Profile::CageTwo,
            Profile::AuditVa,
            Profile::AuditFive,
            Profile::PhqTen,
            Profile::GadTen,
            Profile::BjmhsReferral,
            Profile::DastThree,
        ]
    }
    fn code(self) -> &'static str {
        self.as_str()
    }
    fn english(self) -> &'static str {
        self.label()
    }
}

/// The person's sex as the AUDIT-C cut-offs need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenSex {
    Male,
    Female,
    /// Unknown or other: the lower (women's) cut-off, so that nobody at risk is missed.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreeningResult {
    /// None when too many items were left unanswered to score.
    pub score: Option<u8>,
    pub max: u8,
    pub answered: usize,
    /// The score was prorated for unanswered items.
    pub prorated: bool,
    pub band: &'static str,
    /// Positive under the profile (None when not scored).
    pub positive: Option<bool>,
    /// Alerts to act on now (shown to the user and recorded).
    pub alerts: Vec<&'static str>,
}

/// The immediate safety alert of PHQ-9 item 9.
pub const SUICIDE_RISK_ALERT: &str = "Safety: the person reported thoughts of being better off dead or of self-harm (PHQ-9 item 9). Assess suicide risk now and follow your organization's safety protocol.";
/// PHQ-9 item 9 left unanswered: the risk cannot be ruled out.
pub const ITEM9_UNANSWERED: &str = "PHQ-9 item 9 (thoughts of death or self-harm) was not answered: ask it before the person leaves.";

/// A result under a cut-off profile, and a result that could not be scored: Handoff's
/// words (the bands the instruments publish are theirs).
const POSITIVE: &str = "Positive";
const NEGATIVE: &str = "Negative";
const NOT_SCORED: &str = "Not scored: too many items unanswered";

/// The staff catalogue's key of a result or alert in Handoff's own words (a profile's
/// positive or negative, not scored, the PHQ-9 item 9 alerts); `None` for a band an
/// instrument publishes (PHQ-9, GAD-7 and DAST-10 levels, the BJMHS referral), which is
/// the instrument's, like its items.
pub fn words_key(text: &str) -> Option<&'static str> {
    match text {
        POSITIVE => Some("screening-band-positive"),
        NEGATIVE => Some("screening-band-negative"),
        NOT_SCORED => Some("screening-band-not-scored"),
        SUICIDE_RISK_ALERT => Some("screening-alert-suicide-risk"),
        ITEM9_UNANSWERED => Some("screening-alert-item9-unanswered"),
        _ => None,
    }
}

/// A result's band or alert as staff pages show it (the result kept on the screening is
/// the English): Handoff's words from the staff catalogue, an instrument's as it words them.
pub fn staff_words(text: &str) -> String {
    words_key(text).map_or_else(|| text.to_string(), handoff_i18n::staff)
}

/// Why answers cannot be scored. Its words are the staff catalogue's (`err-scoring-...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScreeningError {
    WrongCount {
        instrument: &'static str,
        expected: usize,
        got: usize,
    },
    BadChoice {
        item: usize,
    },
    WrongProfile {
        profile: &'static str,
        instrument: &'static str,
    },
}

impl std::fmt::Display for ScreeningError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use handoff_i18n::staff_with;
        let text = match self {
            ScreeningError::WrongCount {
                instrument,
                expected,
                got,
            } => staff_with(
                "err-scoring-wrong-count",
                &[
                    ("instrument", (*instrument).into()),
                    ("expected", (*expected).into()),
                    // As typed (any number can be sent), without a thousands separator.
                    ("got", got.to_string().into()),
                ],
            ),
            ScreeningError::BadChoice { item } => {
                staff_with("err-scoring-bad-choice", &[("item", (*item).into())])
            }
            ScreeningError::WrongProfile {
                profile,
                instrument,
            } => staff_with(
                "err-scoring-wrong-profile",
                &[
                    ("profile", (*profile).into()),
                    ("instrument", (*instrument).into()),
                ],
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for ScreeningError {}

fn band_phq9(score: u8) -> &'static str {
    match score {
        0..=4 => "Minimal",
        5..=9 => "Mild",
        10..=14 => "Moderate",
        15..=19 => "Moderately severe",
        _ => "Severe",
    }
}

fn band_gad7(score: u8) -> &'static str {
    match score {
        0..=4 => "Minimal",
        5..=9 => "Mild",
        10..=14 => "Moderate",
        _ => "Severe",
    }
}

fn band_dast10(score: u8) -> &'static str {
    match score {
        0 => "No problems reported",
        1..=2 => "Low level",
        3..=5 => "Moderate level",
        6..=8 => "Substantial level",
        _ => "Severe level",
    }
}

/// Scores a screening. `answers[i]` is the index of the chosen option of item `i`, or
/// `None` when the item was not answered.
pub fn score(
    instrument: Instrument,
    profile: Profile,
    sex: ScreenSex,
    answers: &[Option<usize>],
) -> Result<ScreeningResult, ScreeningError> {
    let items = instrument.items();
    if answers.len() != items.len() {
        return Err(ScreeningError::WrongCount {
            instrument: instrument.name(),
            expected: items.len(),
            got: answers.len(),
        });
    }
    if !instrument.profiles().contains(&profile) {
        return Err(ScreeningError::WrongProfile {
            profile: profile.as_str(),
            instrument: instrument.name(),
        });
    }
    let mut points: Vec<Option<u8>> = Vec::with_capacity(items.len());
    for (i, (item, a)) in items.iter().zip(answers).enumerate() {
        points.push(match a {
            None => None,
            Some(c) => Some(
                item.choices
                    .get(*c)
                    .ok_or(ScreeningError::BadChoice { item: i + 1 })?
                    .points,
            ),
        });
    }
    let max: u8 = items
        .iter()
        .map(|i| i.choices.iter().map(|c| c.points).max().unwrap_or(0))
        .sum();
    let answered = points.iter().filter(|p| p.is_some()).count();
    let missing = items.len() - answered;
    let sum: u32 = points.iter().flatten().map(|p| u32::from(*p)).sum();
    let (score, prorated) = match instrument.missing() {
        Missing::AllRequired if missing > 0 => (None, false),
        Missing::AllRequired => (Some(sum as u8), false),
        Missing::Prorate(limit) if missing > limit => (None, false),
        Missing::Prorate(_) if missing == 0 => (Some(sum as u8), false),
        Missing::Prorate(_) => {
            // Rounded half up: (2 x sum x n + answered) / (2 x answered).
            let n = items.len() as u32;
            let a = answered as u32;
            (Some(((2 * sum * n + a) / (2 * a)) as u8), true)
        }
    };
    let mut alerts = Vec::new();
    if instrument == Instrument::Phq9 {
        match points[8] {
            Some(p) if p > 0 => alerts.push(SUICIDE_RISK_ALERT),
            None => alerts.push(ITEM9_UNANSWERED),
            _ => {}
        }
    }
    let Some(s) = score else {
        return Ok(ScreeningResult {
            score: None,
            max,
            answered,
            prorated: false,
            band: NOT_SCORED,
            positive: None,
            alerts,
        });
    };
    let yes = |i: usize| points[i] == Some(1);
    let (band, positive) = match profile {
        Profile::UncopeTwo | Profile::UncopeThree | Profile::CageOne | Profile::CageTwo => {
            let cut = match profile {
                Profile::UncopeTwo | Profile::CageTwo => 2,
                Profile::UncopeThree => 3,
                _ => 1,
            };
            let pos = s >= cut;
            (if pos { POSITIVE } else { NEGATIVE }, pos)
        }
        Profile::AuditVa | Profile::AuditFive => {
            let base = if profile == Profile::AuditVa { 4 } else { 5 };
            let cut = match sex {
                ScreenSex::Male => base,
                ScreenSex::Female | ScreenSex::Unknown => base - 1,
            };
            let pos = s >= cut;
            (if pos { POSITIVE } else { NEGATIVE }, pos)
        }
        Profile::PhqTen => (band_phq9(s), s >= 10),
        Profile::GadTen => (band_gad7(s), s >= 10),
        Profile::BjmhsReferral => {
            let symptoms = (0..6).filter(|i| yes(*i)).count();
            let refer = symptoms >= 2 || yes(6) || yes(7);
            (
                if refer {
                    "Refer for further mental health evaluation"
                } else {
                    "No referral indicated"
                },
                refer,
            )
        }
        Profile::DastThree => (band_dast10(s), s >= 3),
    };
    Ok(ScreeningResult {
        score: Some(s),
        max,
        answered,
        prorated,
        band,
        positive: Some(positive),
        alerts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Instrument::*;

    #[test]
    fn handoffs_words_of_a_result_come_from_the_staff_catalogue() {
        for t in [
            POSITIVE,
            NEGATIVE,
            NOT_SCORED,
            SUICIDE_RISK_ALERT,
            ITEM9_UNANSWERED,
        ] {
            assert!(words_key(t).is_some(), "{t}");
            assert_eq!(staff_words(t), t);
        }
        // An instrument's published band is its own.
        assert_eq!(words_key("Moderately severe"), None);
        assert_eq!(staff_words("Moderately severe"), "Moderately severe");
    }

    fn all(n: usize, c: usize) -> Vec<Option<usize>> {
        vec![Some(c); n]
    }

    fn run(i: Instrument, p: Profile, a: &[Option<usize>]) -> ScreeningResult {
        score(i, p, ScreenSex::Unknown, a).unwrap()
    }

    /// Sets answers so that the total is `total` (0..=27) with item 9 at 0.
    fn phq(total: usize) -> Vec<Option<usize>> {
        let mut v = vec![Some(0); 9];
        let mut left = total;
        for a in v.iter_mut().take(8) {
            let x = left.min(3);
            *a = Some(x);
            left -= x;
        }
        assert_eq!(left, 0, "item 9 kept at 0: at most 24");
        v
    }

    #[test]
    fn phq9_bands_at_every_boundary() {
        for (total, band, positive) in [
            (0, "Minimal", false),
            (4, "Minimal", false),
            (5, "Mild", false),
            (9, "Mild", false),
            (10, "Moderate", true),
            (14, "Moderate", true),
            (15, "Moderately severe", true),
            (19, "Moderately severe", true),
            (20, "Severe", true),
            (24, "Severe", true),
        ] {
            let r = run(Phq9, Profile::PhqTen, &phq(total));
            assert_eq!(r.score, Some(total as u8));
            assert_eq!(r.band, band, "{total}");
            assert_eq!(r.positive, Some(positive), "{total}");
            assert!(r.alerts.is_empty());
        }
        let r = run(Phq9, Profile::PhqTen, &all(9, 3));
        assert_eq!((r.score, r.max, r.band), (Some(27), 27, "Severe"));
    }

    #[test]
    fn phq9_item_9_raises_the_safety_alert_whatever_the_total() {
        let mut a = all(9, 0);
        a[8] = Some(1);
        let r = run(Phq9, Profile::PhqTen, &a);
        assert_eq!(r.score, Some(1));
        assert_eq!(r.band, "Minimal");
        assert_eq!(r.alerts, vec![SUICIDE_RISK_ALERT]);
        a[8] = None;
        let r = run(Phq9, Profile::PhqTen, &a);
        assert_eq!(r.alerts, vec![ITEM9_UNANSWERED]);
    }

    #[test]
    fn phq9_and_gad7_prorate_up_to_two_missing_and_refuse_more() {
        // 8 answered summing 8: 8 x 9 / 8 = 9.
        let mut a = all(9, 1);
        a[0] = None;
        let r = run(Phq9, Profile::PhqTen, &a);
        assert_eq!((r.score, r.prorated, r.answered), (Some(9), true, 8));
        // 7 answered summing 10: 10 x 9 / 7 = 12.86 -> 13.
        let mut a = vec![
            Some(2),
            Some(2),
            Some(2),
            Some(2),
            Some(1),
            Some(1),
            None,
            None,
            Some(0),
        ];
        let r = run(Phq9, Profile::PhqTen, &a);
        assert_eq!((r.score, r.prorated), (Some(13), true));
        a[5] = None;
        let r = run(Phq9, Profile::PhqTen, &a);
        assert_eq!(r.score, None, "three missing");
        assert_eq!(r.positive, None);
        // GAD-7: 6 answered summing 9: 9 x 7 / 6 = 10.5 -> 11 (half up).
        let a = vec![Some(2), Some(2), Some(2), Some(1), Some(1), Some(1), None];
        let r = run(Gad7, Profile::GadTen, &a);
        assert_eq!(
            (r.score, r.band, r.positive),
            (Some(11), "Moderate", Some(true))
        );
    }

    #[test]
    fn gad7_bands_at_every_boundary() {
        for (answers, total, band) in [
            (vec![0, 0, 0, 0, 0, 0, 0], 0, "Minimal"),
            (vec![1, 1, 1, 1, 0, 0, 0], 4, "Minimal"),
            (vec![1, 1, 1, 1, 1, 0, 0], 5, "Mild"),
            (vec![3, 3, 3, 0, 0, 0, 0], 9, "Mild"),
            (vec![3, 3, 3, 1, 0, 0, 0], 10, "Moderate"),
            (vec![3, 3, 3, 3, 2, 0, 0], 14, "Moderate"),
            (vec![3, 3, 3, 3, 3, 0, 0], 15, "Severe"),
            (vec![3, 3, 3, 3, 3, 3, 3], 21, "Severe"),
        ] {
            let a: Vec<_> = answers.into_iter().map(Some).collect();
            let r = run(Gad7, Profile::GadTen, &a);
            assert_eq!((r.score, r.band), (Some(total), band));
            assert_eq!(r.positive, Some(total >= 10));
        }
    }

    #[test]
    fn uncope_and_cage_aid_profiles_differ_where_the_sources_do() {
        let two = [Some(1), Some(1), Some(0), Some(0), Some(0), Some(0)];
        assert_eq!(run(Uncope, Profile::UncopeTwo, &two).positive, Some(true));
        assert_eq!(
            run(Uncope, Profile::UncopeThree, &two).positive,
            Some(false)
        );
        let three = [Some(1), Some(1), Some(1), Some(0), Some(0), Some(0)];
        assert_eq!(
            run(Uncope, Profile::UncopeThree, &three).positive,
            Some(true)
        );
        let one = [Some(0), Some(0), Some(1), Some(0)];
        assert_eq!(run(CageAid, Profile::CageOne, &one).positive, Some(true));
        assert_eq!(run(CageAid, Profile::CageTwo, &one).positive, Some(false));
        assert_eq!(
            run(CageAid, Profile::CageOne, &all(4, 0)).positive,
            Some(false)
        );
        // No silent zeros: an unanswered yes/no item leaves the screen unscored.
        let gap = [Some(1), None, Some(0), Some(0)];
        let r = run(CageAid, Profile::CageTwo, &gap);
        assert_eq!((r.score, r.positive), (None, None));
    }

    #[test]
    fn audit_c_cut_offs_depend_on_sex_and_profile() {
        // Q1 2-4 times a month (2), Q2 3-4 drinks (1), Q3 never (0): 3.
        let three = [Some(2), Some(1), Some(0)];
        let four = [Some(2), Some(1), Some(1)];
        let s = |sex, p, a: &[Option<usize>]| score(AuditC, p, sex, a).unwrap().positive;
        assert_eq!(s(ScreenSex::Female, Profile::AuditVa, &three), Some(true));
        assert_eq!(s(ScreenSex::Male, Profile::AuditVa, &three), Some(false));
        assert_eq!(s(ScreenSex::Male, Profile::AuditVa, &four), Some(true));
        assert_eq!(s(ScreenSex::Male, Profile::AuditFive, &four), Some(false));
        assert_eq!(s(ScreenSex::Female, Profile::AuditFive, &four), Some(true));
        assert_eq!(s(ScreenSex::Unknown, Profile::AuditVa, &three), Some(true));
        let top = score(AuditC, Profile::AuditVa, ScreenSex::Male, &all(3, 4)).unwrap();
        assert_eq!((top.score, top.max), (Some(12), 12));
    }

    #[test]
    fn dast10_reverses_item_3_and_bands_at_every_boundary() {
        // All "No": item 3 "No" scores 1.
        let r = run(Dast10, Profile::DastThree, &all(10, 0));
        assert_eq!((r.score, r.band), (Some(1), "Low level"));
        let mut a = all(10, 0);
        a[2] = Some(1); // "Yes, always able to stop": 0
        assert_eq!(run(Dast10, Profile::DastThree, &a).score, Some(0));
        assert_eq!(
            run(Dast10, Profile::DastThree, &a).band,
            "No problems reported"
        );
        for (yes_count, band) in [
            (2, "Low level"),
            (3, "Moderate level"),
            (5, "Moderate level"),
            (6, "Substantial level"),
            (8, "Substantial level"),
            (9, "Severe level"),
        ] {
            let mut a = all(10, 0);
            a[2] = Some(1);
            for x in a
                .iter_mut()
                .enumerate()
                .filter(|(i, _)| *i != 2)
                .take(yes_count)
            {
                *x.1 = Some(1);
            }
            let r = run(Dast10, Profile::DastThree, &a);
            assert_eq!((r.score, r.band), (Some(yes_count as u8), band));
            assert_eq!(r.positive, Some(yes_count >= 3));
        }
        let mut a = all(10, 1);
        a[2] = Some(0);
        assert_eq!(run(Dast10, Profile::DastThree, &a).score, Some(10));
        assert_eq!(run(Dast10, Profile::DastThree, &a).band, "Severe level");
    }

    #[test]
    fn bjmhs_refers_on_two_symptoms_or_either_history_item() {
        let r = |a: [usize; 8]| {
            let a: Vec<_> = a.into_iter().map(Some).collect();
            run(Bjmhs, Profile::BjmhsReferral, &a).positive
        };
        assert_eq!(r([1, 0, 0, 0, 0, 0, 0, 0]), Some(false));
        assert_eq!(r([1, 0, 0, 0, 0, 1, 0, 0]), Some(true));
        assert_eq!(r([0, 0, 0, 0, 0, 0, 1, 0]), Some(true), "medication");
        assert_eq!(r([0, 0, 0, 0, 0, 0, 0, 1]), Some(true), "hospitalized");
        assert_eq!(r([0; 8]), Some(false));
    }

    #[test]
    fn bad_input_is_named() {
        assert!(matches!(
            score(Phq9, Profile::PhqTen, ScreenSex::Unknown, &all(8, 0)),
            Err(ScreeningError::WrongCount {
                expected: 9,
                got: 8,
                ..
            })
        ));
        assert_eq!(
            score(Phq9, Profile::PhqTen, ScreenSex::Unknown, &{
                let mut a = all(9, 0);
                a[3] = Some(4);
                a
            }),
            Err(ScreeningError::BadChoice { item: 4 })
        );
        assert!(matches!(
            score(Phq9, Profile::GadTen, ScreenSex::Unknown, &all(9, 0)),
            Err(ScreeningError::WrongProfile { .. })
        ));
        for i in Instrument::ALL {
            assert_eq!(Instrument::parse(i.as_str()), Some(*i));
            assert!(!i.credit().is_empty() && !i.items().is_empty());
            for p in i.profiles() {
                assert_eq!(Profile::parse(p.as_str()), Some(*p));
            }
        }
    }
}
