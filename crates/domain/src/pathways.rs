//! What each pathway asks and does, stated once (ADR 0010). Services, forms and pages ask
//! this table instead of matching on the pathway.
use crate::{Coded, OrgKind, Pathway};

/// A part of the entry form a pathway uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// NIBRS offenses with drug details: the charge that is held.
    Offenses,
    /// Overdose: naloxone doses, transported or not.
    Overdose,
    /// Drugs or paraphernalia handed in without charge.
    Surrender,
    /// Incident or social contact, and verified prior involvement.
    Contact,
    /// Why the person is on the outreach list.
    Outreach,
    /// The call for service and whether police were there.
    Call,
    /// Who responded (officer, clinician, peer).
    Team,
}

impl Section {
    /// The name templates use.
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Offenses => "offenses",
            Section::Overdose => "overdose",
            Section::Surrender => "surrender",
            Section::Contact => "contact",
            Section::Outreach => "outreach",
            Section::Call => "call",
            Section::Team => "team",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub pathway: Pathway,
    /// One sentence for the chooser: a staff catalogue key (ADR 0018), pages show
    /// `staff(summary)`.
    pub summary: &'static str,
    /// The kinds of organization whose responders start it.
    pub started_by: &'static [OrgKind],
    /// Charges, eligibility on offenses and a legal hold (Officer Intervention only).
    pub charges: bool,
    /// Contact attempts are recorded before (or instead of) an offer.
    pub attempts: bool,
    /// The CAD or incident number is required.
    pub incident_required: bool,
    pub sections: &'static [Section],
    /// The label of the offer step: a staff catalogue key, like `summary`.
    pub offer_label: &'static str,
}

use OrgKind::{CrisisResponse, FireEms, LawEnforcement};
use Section::*;

const SPECS: [Spec; 6] = [
    Spec {
        pathway: Pathway::SelfReferral,
        summary: "pathways-summary-self-referral",
        started_by: &[LawEnforcement, FireEms],
        charges: false,
        attempts: false,
        incident_required: false,
        sections: &[Surrender],
        offer_label: "pathways-offer-referral",
    },
    Spec {
        pathway: Pathway::ActiveOutreach,
        summary: "pathways-summary-active-outreach",
        started_by: &[LawEnforcement, FireEms, CrisisResponse],
        charges: false,
        attempts: true,
        incident_required: false,
        sections: &[Outreach, Team],
        offer_label: "pathways-offer-referral",
    },
    Spec {
        pathway: Pathway::NaloxonePlus,
        summary: "pathways-summary-naloxone-plus",
        started_by: &[LawEnforcement, FireEms],
        charges: false,
        attempts: true,
        incident_required: false,
        sections: &[Overdose, Team],
        offer_label: "pathways-offer-referral",
    },
    Spec {
        pathway: Pathway::OfficerReferral,
        summary: "pathways-summary-officer-referral",
        started_by: &[LawEnforcement, FireEms],
        charges: false,
        attempts: false,
        incident_required: false,
        sections: &[Contact],
        offer_label: "pathways-offer-referral",
    },
    Spec {
        pathway: Pathway::OfficerIntervention,
        summary: "pathways-summary-officer-intervention",
        started_by: &[LawEnforcement],
        charges: true,
        attempts: false,
        incident_required: true,
        sections: &[Offenses],
        offer_label: "pathways-offer-diversion",
    },
    Spec {
        pathway: Pathway::CommunityResponse,
        summary: "pathways-summary-community-response",
        started_by: &[CrisisResponse, FireEms, LawEnforcement],
        charges: false,
        attempts: false,
        incident_required: true,
        sections: &[Call, Team],
        offer_label: "pathways-offer-referral",
    },
];

pub fn spec(p: Pathway) -> &'static Spec {
    // SPECS lists every pathway in `Pathway::ALL` order (a test checks it).
    &SPECS[Pathway::ALL.iter().position(|x| *x == p).unwrap_or(4)]
}

impl Spec {
    pub fn has(&self, s: Section) -> bool {
        self.sections.contains(&s)
    }
    pub fn started_by(&self, kind: OrgKind) -> bool {
        self.started_by.contains(&kind)
    }
}

/// The pathways a program enables, from their stored list (unknown codes are ignored, so
/// a list written by a newer release still reads).
pub fn parse_list(s: &str) -> Vec<Pathway> {
    Pathway::ALL
        .iter()
        .copied()
        .filter(|p| s.split(',').any(|x| x.trim() == p.as_str()))
        .collect()
}

pub fn join_list(ps: &[Pathway]) -> String {
    Pathway::ALL
        .iter()
        .filter(|p| ps.contains(p))
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The enabled pathways an organization of `kind` starts, in the usual order.
pub fn startable(enabled: &[Pathway], kind: OrgKind) -> Vec<Pathway> {
    Pathway::ALL
        .iter()
        .copied()
        .filter(|p| enabled.contains(p) && spec(*p).started_by(kind))
        .collect()
}

/// Why `kind` may not start `p` in a program enabling `enabled`, if it may not.
pub fn refusal(enabled: &[Pathway], kind: OrgKind, p: Pathway) -> Option<String> {
    use handoff_i18n::{staff, staff_with};
    let pathway = || vec![("pathway", staff(&p.key()).into())];
    if !enabled.contains(&p) {
        Some(staff_with("err-pathways-not-enabled", &pathway()))
    } else if !spec(p).started_by(kind) {
        // One sentence per kind of organization, so a language can word each its way.
        let key = match kind {
            OrgKind::LawEnforcement => "err-pathways-not-started-by-law-enforcement",
            OrgKind::FireEms => "err-pathways-not-started-by-fire-ems",
            OrgKind::CrisisResponse => "err-pathways-not-started-by-crisis-response",
            OrgKind::Provider => "err-pathways-not-started-by-provider",
            OrgKind::Prosecutor => "err-pathways-not-started-by-prosecutor",
            OrgKind::Coordination => "err-pathways-not-started-by-coordination",
            OrgKind::Partner => "err-pathways-not-started-by-partner",
        };
        Some(staff_with(key, &pathway()))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pathway_has_its_spec() {
        for p in Pathway::ALL {
            assert_eq!(spec(*p).pathway, *p);
        }
        assert!(spec(Pathway::OfficerIntervention).charges);
        assert_eq!(
            Pathway::ALL.iter().filter(|p| spec(**p).charges).count(),
            1,
            "only Officer Intervention holds a charge"
        );
    }

    #[test]
    fn every_text_comes_from_the_staff_catalogue() {
        let staff = handoff_i18n::Texts::staff_en();
        for p in Pathway::ALL {
            for k in [spec(*p).summary, spec(*p).offer_label] {
                assert!(staff.get(k).is_some(), "{k}");
            }
        }
    }

    #[test]
    fn lists_read_and_write_in_order() {
        let ps = parse_list("naloxone_plus, officer_intervention,unknown_future");
        assert_eq!(
            ps,
            vec![Pathway::NaloxonePlus, Pathway::OfficerIntervention]
        );
        assert_eq!(join_list(&ps), "naloxone_plus,officer_intervention");
    }

    #[test]
    fn fire_and_ems_start_the_pathways_that_suit_them() {
        let all = Pathway::ALL.to_vec();
        let fire = startable(&all, OrgKind::FireEms);
        assert!(fire.contains(&Pathway::NaloxonePlus));
        assert!(fire.contains(&Pathway::SelfReferral));
        assert!(fire.contains(&Pathway::OfficerReferral));
        assert!(fire.contains(&Pathway::CommunityResponse));
        assert!(!fire.contains(&Pathway::OfficerIntervention));
        assert_eq!(
            startable(&all, OrgKind::CrisisResponse),
            vec![Pathway::ActiveOutreach, Pathway::CommunityResponse]
        );
        assert!(startable(&all, OrgKind::Provider).is_empty());
        assert!(
            refusal(
                &[Pathway::OfficerIntervention],
                OrgKind::LawEnforcement,
                Pathway::NaloxonePlus
            )
            .unwrap()
            .contains("not enabled")
        );
        assert!(
            refusal(&all, OrgKind::FireEms, Pathway::OfficerIntervention)
                .unwrap()
                .contains("does not start")
        );
    }
}
