//! The pathway planner (issue 4): the "problem solution" step. A community, or a
//! coordinator, says which problems it has and which resources; the planner answers which
//! of the six pathways fit, why, what each still needs, and what each does not address.
//! For a running program it also reads the program's own numbers.

use handoff_i18n::{staff, staff_with};

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

/// A pathway as the planner describes it. Every text is a staff catalogue key (ADR 0018):
/// pages show `staff(key)`.
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
        name: "label-pathway-self-referral",
        what: "planner-pathway-self-referral-what",
        who_starts: "planner-pathway-self-referral-starters",
        charges: "planner-charges-none",
        does_not_address: "planner-pathway-self-referral-not-addressed",
    },
    PathwayInfo {
        kind: PathwayKind::ActiveOutreach,
        name: "label-pathway-active-outreach",
        what: "planner-pathway-active-outreach-what",
        who_starts: "planner-pathway-active-outreach-starters",
        charges: "planner-charges-none",
        does_not_address: "planner-pathway-active-outreach-not-addressed",
    },
    PathwayInfo {
        kind: PathwayKind::NaloxonePlus,
        name: "label-pathway-naloxone-plus",
        what: "planner-pathway-naloxone-plus-what",
        who_starts: "planner-pathway-naloxone-plus-starters",
        charges: "planner-charges-none",
        does_not_address: "planner-pathway-naloxone-plus-not-addressed",
    },
    PathwayInfo {
        kind: PathwayKind::OfficerReferral,
        name: "label-pathway-officer-referral",
        what: "planner-pathway-officer-referral-what",
        who_starts: "planner-pathway-officer-referral-starters",
        charges: "planner-charges-none-filed",
        does_not_address: "planner-pathway-officer-referral-not-addressed",
    },
    PathwayInfo {
        kind: PathwayKind::OfficerIntervention,
        name: "label-pathway-officer-intervention",
        what: "planner-pathway-officer-intervention-what",
        who_starts: "planner-pathway-officer-intervention-starters",
        charges: "planner-charges-held",
        does_not_address: "planner-pathway-officer-intervention-not-addressed",
    },
    PathwayInfo {
        kind: PathwayKind::CommunityResponse,
        name: "label-pathway-community-response",
        what: "planner-pathway-community-response-what",
        who_starts: "planner-pathway-community-response-starters",
        charges: "planner-charges-none",
        does_not_address: "planner-pathway-community-response-not-addressed",
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
    /// As the staff catalogue words it.
    pub fn label(self) -> String {
        staff(match self {
            Fit::Strong => "planner-fit-strong",
            Fit::Possible => "planner-fit-possible",
            Fit::NotYet => "planner-fit-not-yet",
        })
    }
}

pub struct Recommendation {
    pub pathway: &'static PathwayInfo,
    pub fit: Fit,
    /// Why it fits (or not), worded by the staff catalogue.
    pub why: Vec<String>,
    /// Resources it needs that the community did not say it has, worded likewise.
    pub needs: Vec<String>,
}

/// Which pathways fit, strongest first (the order of `PATHWAYS` within a fit).
pub fn recommend(a: &Answers) -> Vec<Recommendation> {
    let mut out: Vec<Recommendation> = PATHWAYS
        .iter()
        .map(|p| {
            let mut why = Vec::new();
            let mut needs = Vec::new();
            // `what`: the staff catalogue's key of the resource.
            let mut need = |has: bool, what: &str| {
                if !has {
                    needs.push(staff(what));
                }
            };
            // How strongly the problems call for it (0 none).
            let pull: u8 = match p.kind {
                PathwayKind::SelfReferral => {
                    if a.people_asking_for_help > 0 {
                        why.push(staff("planner-why-asking"));
                    }
                    need(a.treatment_slots, "planner-need-slots-quickly");
                    a.people_asking_for_help
                }
                PathwayKind::ActiveOutreach => {
                    if a.homelessness > 0 {
                        why.push(staff("planner-why-homelessness"));
                    }
                    if a.repeat_low_level_offenses > 0 {
                        why.push(staff("planner-why-repeat-contacts"));
                    }
                    need(a.outreach_team || a.peers, "planner-need-outreach-or-peers");
                    need(a.case_managers, "planner-need-case-managers");
                    a.homelessness.max(a.repeat_low_level_offenses)
                }
                PathwayKind::NaloxonePlus => {
                    if a.overdoses > 0 {
                        why.push(staff("planner-why-overdoses"));
                    }
                    need(a.ems_partnership, "planner-need-ems");
                    need(a.peers, "planner-need-peers");
                    need(a.treatment_slots, "planner-need-slots-moud");
                    a.overdoses
                }
                PathwayKind::OfficerReferral => {
                    if a.repeat_low_level_offenses > 0 || a.homelessness > 0 {
                        why.push(staff("planner-why-routine-duty"));
                    }
                    need(a.case_managers || a.peers, "planner-need-referral-taker");
                    a.repeat_low_level_offenses.max(a.homelessness).min(1)
                }
                PathwayKind::OfficerIntervention => {
                    if a.repeat_low_level_offenses > 0 {
                        why.push(staff("planner-why-repeat-offenses"));
                    }
                    need(a.prosecutor_support, "planner-need-prosecutor");
                    need(a.case_managers, "planner-need-warm-handoffs");
                    need(a.treatment_slots, "planner-need-slots");
                    a.repeat_low_level_offenses
                }
                PathwayKind::CommunityResponse => {
                    if a.crisis_calls > 0 {
                        why.push(staff("planner-why-crisis-calls"));
                    }
                    need(a.behavioral_health_responders, "planner-need-clinicians");
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
                why.push(staff("planner-why-not-reported"));
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

/// What the program's own data suggests, with the numbers behind it, worded by the staff
/// catalogue. Counts are written as digits (no thousands separator), as they always were.
pub fn insights(n: &ProgramNumbers) -> Vec<String> {
    let mut out = Vec::new();
    let pct = |a: u64, b: u64| (a * 100).checked_div(b).unwrap_or(0);
    // "{n} of {total} ... ({pct}%)".
    let share = |key: &str, part: u64, total: u64| {
        staff_with(
            key,
            &[
                ("n", part.to_string().into()),
                ("total", total.to_string().into()),
                ("pct", pct(part, total).to_string().into()),
            ],
        )
    };
    if n.encounters >= 10 && pct(n.ineligible_offense_not_allowed, n.encounters) >= 20 {
        out.push(share(
            "planner-insight-offense-not-allowed",
            n.ineligible_offense_not_allowed,
            n.encounters,
        ));
    }
    if n.offers >= 10 && pct(n.offers_declined, n.offers) >= 30 {
        out.push(share(
            "planner-insight-declined",
            n.offers_declined,
            n.offers,
        ));
    }
    if n.contact_card_referrals >= 5
        && pct(n.contact_card_never_contacted, n.contact_card_referrals) >= 30
    {
        out.push(share(
            "planner-insight-never-contacted",
            n.contact_card_never_contacted,
            n.contact_card_referrals,
        ));
    }
    if n.deadlines_missed >= 5 {
        out.push(staff_with(
            "planner-insight-deadlines-missed",
            &[("n", n.deadlines_missed.to_string().into())],
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
    fn every_text_comes_from_the_staff_catalogue() {
        let staff = handoff_i18n::Texts::staff_en();
        for p in PATHWAYS {
            for k in [p.name, p.what, p.who_starts, p.charges, p.does_not_address] {
                assert!(staff.get(k).is_some(), "{k}");
            }
        }
        // Every reason and need worded (a key the catalogue lacks shows as "[key]").
        let all_problems = Answers {
            overdoses: 2,
            repeat_low_level_offenses: 2,
            homelessness: 2,
            crisis_calls: 2,
            people_asking_for_help: 2,
            ..Answers::default()
        };
        let mut texts: Vec<String> = [Answers::default(), all_problems]
            .iter()
            .flat_map(recommend)
            .flat_map(|r| r.why.into_iter().chain(r.needs).chain([r.fit.label()]))
            .collect();
        texts.extend(insights(&ProgramNumbers {
            encounters: 10,
            ineligible_offense_not_allowed: 10,
            offers: 10,
            offers_declined: 10,
            contact_card_referrals: 10,
            contact_card_never_contacted: 10,
            deadlines_missed: 10,
        }));
        assert!(texts.len() > 20);
        assert!(texts.iter().all(|t| !t.starts_with('[')), "{texts:?}");
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
