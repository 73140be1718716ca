//! The pathway planner (issue 4): the "problem solution" step. A community, or a
//! coordinator, says which problems it has and which resources; the planner answers which
//! of the six pathways fit, why, what each still needs, and what each does not address.
//! For a running program it also reads the program's own numbers.

/// The six First Responder Diversion pathways (CHJ / PTACC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathwayKind {
    SelfReferral,
    ActiveOutreach,
    NaloxonePlus,
    OfficerReferral,
    OfficerIntervention,
    CommunityResponse,
}

pub struct PathwayInfo {
    pub kind: PathwayKind,
    pub name: &'static str,
    pub what: &'static str,
    pub who_starts: &'static str,
    pub charges: &'static str,
    /// What it cannot do on its own.
    pub does_not_address: &'static str,
}

pub const PATHWAYS: &[PathwayInfo] = &[
    PathwayInfo {
        kind: PathwayKind::SelfReferral,
        name: "Self-Referral",
        what: "A person walks into a police or fire station and asks for help with substance use, without fear of arrest; staff connect them to treatment on the spot.",
        who_starts: "The person",
        charges: "None",
        does_not_address: "People who do not come in on their own: it reaches only those already seeking help.",
    },
    PathwayInfo {
        kind: PathwayKind::ActiveOutreach,
        name: "Active Outreach",
        what: "Responders, often with a clinician or peer, seek out people known to have substance use disorders and offer treatment and support.",
        who_starts: "Officers or responders with a clinician or peer",
        charges: "None",
        does_not_address: "Acute crises on calls for service, and people not yet known to the team.",
    },
    PathwayInfo {
        kind: PathwayKind::NaloxonePlus,
        name: "Naloxone Plus",
        what: "After an overdose, a team (often an officer or EMS with a peer) visits the person within days to offer treatment, including medication for opioid use disorder.",
        who_starts: "Police, fire or EMS after an overdose",
        charges: "None",
        does_not_address: "Substance use that has not led to an overdose, and non-opioid problems.",
    },
    PathwayInfo {
        kind: PathwayKind::OfficerReferral,
        name: "First Responder and Officer Referral",
        what: "During routine duty an officer, EMT or firefighter refers someone who may benefit to treatment or services.",
        who_starts: "Police, fire or EMS on routine duty",
        charges: "None filed",
        does_not_address: "People who decline: there is no charge to hold, so engagement rests on the person alone.",
    },
    PathwayInfo {
        kind: PathwayKind::OfficerIntervention,
        name: "Officer Intervention",
        what: "With probable cause for a low-level offense, the officer offers treatment in lieu of arrest; the charge is held in abeyance while the person engages, and the prosecutor learns whether they did.",
        who_starts: "Law enforcement only",
        charges: "Held in abeyance (or a citation); filed if the plan is not completed",
        does_not_address: "People with no offense, and offenses outside the program's eligibility rules.",
    },
    PathwayInfo {
        kind: PathwayKind::CommunityResponse,
        name: "Community Response",
        what: "Behavioral health responders answer calls for service (mental health or substance use crises), with or without police.",
        who_starts: "Behavioral health responders dispatched on calls",
        charges: "None",
        does_not_address: "Follow-up over weeks unless paired with case management or outreach.",
    },
];

/// What a community says about itself. Levels: 0 none or unknown, 1 some, 2 many.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    pub overdoses: u8,
    pub repeat_low_level_offenses: u8,
    pub homelessness: u8,
    pub crisis_calls: u8,
    pub people_asking_for_help: u8,
    pub treatment_slots: bool,
    pub peers: bool,
    pub case_managers: bool,
    pub prosecutor_support: bool,
    pub ems_partnership: bool,
    pub behavioral_health_responders: bool,
    pub outreach_team: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fit {
    Strong,
    Possible,
    NotYet,
}

impl Fit {
    pub fn label(self) -> &'static str {
        match self {
            Fit::Strong => "Strong fit",
            Fit::Possible => "Possible fit",
            Fit::NotYet => "Not yet",
        }
    }
}

pub struct Recommendation {
    pub pathway: &'static PathwayInfo,
    pub fit: Fit,
    pub why: Vec<String>,
    /// Resources it needs that the community did not say it has.
    pub needs: Vec<&'static str>,
}

/// Which pathways fit, strongest first (the order of `PATHWAYS` within a fit).
pub fn recommend(a: &Answers) -> Vec<Recommendation> {
    let mut out: Vec<Recommendation> = PATHWAYS
        .iter()
        .map(|p| {
            let mut why = Vec::new();
            let mut needs = Vec::new();
            let mut need = |has: bool, what: &'static str| {
                if !has {
                    needs.push(what);
                }
            };
            // How strongly the problems call for it (0 none).
            let pull: u8 = match p.kind {
                PathwayKind::SelfReferral => {
                    if a.people_asking_for_help > 0 {
                        why.push("People already come to stations asking for help.".into());
                    }
                    need(a.treatment_slots, "treatment slots available quickly");
                    a.people_asking_for_help
                }
                PathwayKind::ActiveOutreach => {
                    if a.homelessness > 0 {
                        why.push("Homelessness: people are best reached where they are.".into());
                    }
                    if a.repeat_low_level_offenses > 0 {
                        why.push("Repeat contacts identify people to reach out to.".into());
                    }
                    need(a.outreach_team || a.peers, "an outreach team or peers");
                    need(a.case_managers, "case managers");
                    a.homelessness.max(a.repeat_low_level_offenses)
                }
                PathwayKind::NaloxonePlus => {
                    if a.overdoses > 0 {
                        why.push("Overdoses: a visit within days reaches people at a moment of risk.".into());
                    }
                    need(a.ems_partnership, "a partnership with fire/EMS");
                    need(a.peers, "peer recovery specialists");
                    need(a.treatment_slots, "treatment slots, including medication for opioid use disorder");
                    a.overdoses
                }
                PathwayKind::OfficerReferral => {
                    if a.repeat_low_level_offenses > 0 || a.homelessness > 0 {
                        why.push("Officers meet people in need on routine duty, without an offense to act on.".into());
                    }
                    need(a.case_managers || a.peers, "someone to take the referral (case managers or peers)");
                    a.repeat_low_level_offenses.max(a.homelessness).min(1)
                }
                PathwayKind::OfficerIntervention => {
                    if a.repeat_low_level_offenses > 0 {
                        why.push("Repeat low-level offenses: the held charge gives a reason to engage instead of a cycle of arrests.".into());
                    }
                    need(a.prosecutor_support, "the prosecutor's agreement to hold charges");
                    need(a.case_managers, "case managers for warm handoffs");
                    need(a.treatment_slots, "treatment slots");
                    a.repeat_low_level_offenses
                }
                PathwayKind::CommunityResponse => {
                    if a.crisis_calls > 0 {
                        why.push("Crisis calls: a behavioral health responder fits them better than an arrest or the emergency department.".into());
                    }
                    need(a.behavioral_health_responders, "behavioral health responders (clinicians) for dispatch");
                    a.crisis_calls
                }
            };
            let fit = match (pull, needs.len()) {
                (0, _) => Fit::NotYet,
                (2, 0) => Fit::Strong,
                (_, n) if n <= 1 => Fit::Possible,
                _ => Fit::NotYet,
            };
            if pull == 0 {
                why.push("The problems it addresses were not reported.".into());
            }
            Recommendation {
                pathway: p,
                fit,
                why,
                needs,
            }
        })
        .collect();
    out.sort_by_key(|r| r.fit);
    out
}

/// A running program's numbers the planner reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgramNumbers {
    pub encounters: u64,
    pub ineligible_offense_not_allowed: u64,
    pub offers_declined: u64,
    pub offers: u64,
    pub contact_card_referrals: u64,
    pub contact_card_never_contacted: u64,
    pub deadlines_missed: u64,
}

/// What the program's own data suggests, with the numbers behind it.
pub fn insights(n: &ProgramNumbers) -> Vec<String> {
    let mut out = Vec::new();
    let pct = |a: u64, b: u64| (a * 100).checked_div(b).unwrap_or(0);
    if n.encounters >= 10 && pct(n.ineligible_offense_not_allowed, n.encounters) >= 20 {
        out.push(format!(
            "{} of {} encounters ({}%) were turned away because an offense is not in the allowed list: First Responder and Officer Referral (no charge) could still connect these people, or the rules could allow more offenses.",
            n.ineligible_offense_not_allowed,
            n.encounters,
            pct(n.ineligible_offense_not_allowed, n.encounters)
        ));
    }
    if n.offers >= 10 && pct(n.offers_declined, n.offers) >= 30 {
        out.push(format!(
            "{} of {} offers ({}%) were declined: Active Outreach with peers can return to people who are not ready on the day.",
            n.offers_declined,
            n.offers,
            pct(n.offers_declined, n.offers)
        ));
    }
    if n.contact_card_referrals >= 5
        && pct(n.contact_card_never_contacted, n.contact_card_referrals) >= 30
    {
        out.push(format!(
            "{} of {} contact-card referrals ({}%) never reached a first contact: warm handoffs (an on-call case manager or peer) engage more people than cards.",
            n.contact_card_never_contacted,
            n.contact_card_referrals,
            pct(n.contact_card_never_contacted, n.contact_card_referrals)
        ));
    }
    if n.deadlines_missed >= 5 {
        out.push(format!(
            "{} intake deadlines were missed: check treatment capacity (slots) and whether the deadline fits the providers' waiting times.",
            n.deadlines_missed
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fit(recs: &[Recommendation], k: PathwayKind) -> Fit {
        recs.iter().find(|r| r.pathway.kind == k).unwrap().fit
    }

    #[test]
    fn overdoses_with_ems_and_peers_call_for_naloxone_plus() {
        let a = Answers {
            overdoses: 2,
            ems_partnership: true,
            peers: true,
            treatment_slots: true,
            ..Answers::default()
        };
        let r = recommend(&a);
        assert_eq!(r[0].pathway.kind, PathwayKind::NaloxonePlus);
        assert_eq!(r[0].fit, Fit::Strong);
        assert_eq!(fit(&r, PathwayKind::OfficerIntervention), Fit::NotYet);
        // Without EMS the fit drops and the need is named.
        let r = recommend(&Answers {
            ems_partnership: false,
            ..a
        });
        let np = r
            .iter()
            .find(|x| x.pathway.kind == PathwayKind::NaloxonePlus)
            .unwrap();
        assert_eq!(np.fit, Fit::Possible);
        assert_eq!(np.needs, vec!["a partnership with fire/EMS"]);
    }

    #[test]
    fn officer_intervention_needs_the_prosecutor() {
        let a = Answers {
            repeat_low_level_offenses: 2,
            case_managers: true,
            treatment_slots: true,
            prosecutor_support: true,
            ..Answers::default()
        };
        assert_eq!(
            fit(&recommend(&a), PathwayKind::OfficerIntervention),
            Fit::Strong
        );
        let without = Answers {
            prosecutor_support: false,
            ..a
        };
        let r = recommend(&without);
        let oi = r
            .iter()
            .find(|x| x.pathway.kind == PathwayKind::OfficerIntervention)
            .unwrap();
        assert_eq!(oi.fit, Fit::Possible);
        assert!(oi.needs.iter().any(|n| n.contains("prosecutor")));
        // Every pathway is described, and says what it does not address.
        assert_eq!(r.len(), 6);
        assert!(r.iter().all(|x| !x.pathway.does_not_address.is_empty()));
    }

    #[test]
    fn the_programs_numbers_speak_when_they_are_large_enough() {
        let n = ProgramNumbers {
            encounters: 40,
            ineligible_offense_not_allowed: 12,
            offers: 20,
            offers_declined: 8,
            contact_card_referrals: 10,
            contact_card_never_contacted: 4,
            deadlines_missed: 6,
        };
        let i = insights(&n);
        assert_eq!(i.len(), 4);
        assert!(i[0].starts_with("12 of 40 encounters (30%)"));
        assert!(
            insights(&ProgramNumbers {
                encounters: 5,
                ineligible_offense_not_allowed: 5,
                ..ProgramNumbers::default()
            })
            .is_empty(),
            "too few to say"
        );
    }
}
