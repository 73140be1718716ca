//! Closed vocabularies, each stored as a short lowercase code.

/// Declares an enum whose variants are stored and exchanged as fixed strings, with a label
/// for people.
#[macro_export]
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal : $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl $crate::enums::Coded for $name {
            const KIND: &'static str = stringify!($name);
            fn all() -> &'static [Self] {
                Self::ALL
            }
            fn code(self) -> &'static str {
                self.as_str()
            }
            fn english(self) -> &'static str {
                self.label()
            }
        }
    };
}

/// A closed vocabulary as pages name it: the staff catalogue's `label-<kind>-<code>`
/// (ADR 0018), whose English is the label written here. A test holds the two equal.
pub trait Coded: Copy + 'static {
    const KIND: &'static str;
    fn all() -> &'static [Self];
    fn code(self) -> &'static str;
    fn english(self) -> &'static str;
    /// The staff catalogue's key for this value: `label-org-kind-law-enforcement`.
    fn key(self) -> String {
        format!("label-{}-{}", kebab(Self::KIND), kebab(self.code()))
    }
}

/// `OrgKind` to `org-kind`, `law_enforcement` to `law-enforcement`: a Fluent identifier.
fn kebab(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut after_lower = false;
    for c in s.chars() {
        if c.is_ascii_uppercase() && after_lower {
            out.push('-');
        }
        after_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.push('-');
        }
    }
    out
}

code_enum!(
    /// What a user does in a program. Access is decided per membership.
    Role {
        Officer = "officer": "Officer / first responder",
        Supervisor = "supervisor": "Supervisor",
        CaseManager = "case_manager": "Case manager",
        Peer = "peer": "Peer recovery specialist",
        Prosecutor = "prosecutor": "Prosecutor",
        Coordinator = "coordinator": "Coordinator",
        Administrator = "administrator": "Administrator",
    }
);

code_enum!(
    /// `Partner`: an organization listed in the directory (ADR 0017) that has no users in
    /// Handoff and takes no referrals through it yet.
    OrgKind {
        LawEnforcement = "law_enforcement": "Law enforcement agency",
        FireEms = "fire_ems": "Fire / EMS agency",
        CrisisResponse = "crisis_response": "Behavioral health crisis response team",
        Provider = "provider": "Treatment / case management provider",
        Prosecutor = "prosecutor": "Prosecutor's office",
        Coordination = "coordination": "Program coordination",
        Partner = "partner": "Partner organization (directory)",
    }
);

impl Role {
    /// The roles that work referrals at a provider or partner: case managers and peer
    /// recovery specialists, under the same minimum-necessary rules.
    pub const SERVICE: &'static [Role] = &[Role::CaseManager, Role::Peer];
}

impl OrgKind {
    /// Organizations that receive referrals and whose staff work them.
    pub fn receives_referrals(self) -> bool {
        matches!(self, OrgKind::Provider | OrgKind::Partner)
    }
}

code_enum!(
    /// The six first responder deflection pathways (DOMAIN.md section 2). What each one
    /// asks and does is in `pathways::spec`.
    Pathway {
        SelfReferral = "self_referral": "Self-Referral",
        ActiveOutreach = "active_outreach": "Active Outreach",
        NaloxonePlus = "naloxone_plus": "Naloxone Plus",
        OfficerReferral = "officer_referral": "First Responder and Officer Referral",
        OfficerIntervention = "officer_intervention": "Officer Intervention",
        CommunityResponse = "community_response": "Community Response",
    }
);

code_enum!(
    Sex {
        Female = "F": "Female",
        Male = "M": "Male",
        Unknown = "U": "Unknown",
    }
);

code_enum!(
    /// NIBRS race codes.
    Race {
        White = "W": "White",
        Black = "B": "Black or African American",
        AmericanIndian = "I": "American Indian or Alaska Native",
        Asian = "A": "Asian",
        PacificIslander = "P": "Native Hawaiian or Other Pacific Islander",
        Unknown = "U": "Unknown",
    }
);

code_enum!(
    /// NIBRS ethnicity codes.
    Ethnicity {
        Hispanic = "H": "Hispanic or Latino",
        NotHispanic = "N": "Not Hispanic or Latino",
        Unknown = "U": "Unknown",
    }
);

code_enum!(
    HandoffMode {
        Warm = "warm": "Warm handoff",
        ContactCard = "contact_card": "Contact card",
    }
);

code_enum!(
    ExitKind {
        Completed = "completed": "Completed",
        Disengaged = "disengaged": "Disengaged",
        Withdrawn = "withdrawn": "Withdrawn",
        NewArrest = "new_arrest": "New arrest",
        Moved = "moved": "Moved away",
        Deceased = "deceased": "Deceased",
    }
);

code_enum!(
    HoldKind {
        Abeyance = "abeyance": "Charges held in abeyance",
        Citation = "citation": "Citation issued",
    }
);

code_enum!(
    /// What came of a contact attempt (Active Outreach, Naloxone Plus follow-up).
    AttemptOutcome {
        Reached = "reached": "Reached the person",
        NotFound = "not_found": "Could not find the person",
        LeftInformation = "left_information": "Left information (card, door hanger, message)",
        Refused = "refused": "The person refused contact",
    }
);

code_enum!(
    /// How an officer or responder met the person they refer (First Responder and Officer
    /// Referral).
    ContactKind {
        Incident = "incident": "During a call or incident (no charges)",
        SocialContact = "social_contact": "Social contact (no call or incident)",
    }
);

code_enum!(
    /// Why a person is on an Active Outreach list.
    OutreachSource {
        RecentOverdose = "recent_overdose": "Recent overdose",
        FrequentContact = "frequent_contact": "Frequent calls or contacts",
        CommunityRequest = "community_request": "Request from family or community",
        ProviderRequest = "provider_request": "Request from a provider",
        Other = "other": "Other",
    }
);
