//! The one access policy. Every page, API route, export and job asks it; no handler
//! decides access itself. Permissions are role x action x scope (own records, own
//! organization, whole program); what a role may *see* of a case is a [`View`].
use uuid::Uuid;

use crate::{OrgKind, Role};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub program_id: Uuid,
    pub org_id: Uuid,
    pub org_kind: OrgKind,
    pub role: Role,
}

/// A signed-in user with the memberships access is decided on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub username: String,
    pub memberships: Vec<Membership>,
}

impl Actor {
    pub fn has_role(&self, role: Role) -> bool {
        self.memberships.iter().any(|m| m.role == role)
    }
    fn grants(&self, program_id: Uuid, roles: &[Role]) -> impl Iterator<Item = &Membership> {
        self.memberships
            .iter()
            .filter(move |m| m.program_id == program_id && roles.contains(&m.role))
    }
}

/// Program-wide actions (not about one case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramAction {
    CreateEncounter,
    SearchParticipants,
    ViewOwnEncounters,
    ReviewOverrides,
    ViewReferralQueue,
    ViewProsecutorQueue,
    ViewDashboard,
    ViewDeadlines,
    ManageUsers,
    ManageRoster,
    /// Ask for emergency access to a case outside one's scope (break-the-glass).
    BreakTheGlass,
    /// Review the program's emergency access grants.
    ReviewEmergencyAccess,
    /// Search and export the audit trail of the program's users.
    ViewAudit,
    /// Set the program's business days and hours and its holidays.
    ManageCalendar,
    /// Edit the program's eligibility rules (as a new version).
    ManageRules,
    /// Read the published reports (quarterly, equity) and set their suppression threshold.
    ViewReports,
    /// Export the de-identified research dataset: a 42 CFR 2.53 disclosure.
    ExportResearch,
    /// Read the program's directory of partners' services (the HSDS API with a token).
    ReadDirectory,
    /// Import, export and publish the directory.
    ManageDirectory,
    /// Say what a service can take now (`may_update_capacity` decides which services).
    UpdateCapacity,
    /// See what left the program and how it went (the outbox: pages and messages).
    ViewOutbox,
    /// Tell partners' own systems of their referrals (webhook endpoints and their secrets).
    ManageWebhooks,
    /// Keep the program's list of safety flag kinds.
    ManageFlagKinds,
}

impl ProgramAction {
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            ProgramAction::CreateEncounter | ProgramAction::SearchParticipants => {
                &[Officer, Supervisor]
            }
            ProgramAction::ViewOwnEncounters => &[Officer, Supervisor],
            ProgramAction::ReviewOverrides => &[Supervisor],
            ProgramAction::ViewReferralQueue => &[CaseManager, Peer],
            ProgramAction::ViewProsecutorQueue => &[Prosecutor],
            ProgramAction::ViewDashboard | ProgramAction::ViewDeadlines => &[Coordinator],
            ProgramAction::ManageUsers => &[Administrator],
            // Case managers and peers keep their own organization's roster (`roster_scope`).
            ProgramAction::ManageRoster => &[Administrator, Coordinator, CaseManager, Peer],
            ProgramAction::BreakTheGlass => &[CaseManager, Coordinator],
            ProgramAction::ReviewEmergencyAccess => &[Coordinator],
            ProgramAction::ViewAudit => &[Coordinator, Administrator],
            ProgramAction::ManageCalendar => &[Coordinator, Administrator],
            ProgramAction::ManageRules => &[Coordinator],
            ProgramAction::ViewReports | ProgramAction::ExportResearch => &[Coordinator],
            ProgramAction::ReadDirectory => Role::ALL,
            ProgramAction::ManageDirectory => &[Coordinator, Administrator],
            ProgramAction::UpdateCapacity => &[CaseManager, Peer, Coordinator],
            ProgramAction::ViewOutbox => &[Coordinator, Administrator],
            ProgramAction::ManageWebhooks => &[Administrator],
            ProgramAction::ManageFlagKinds => &[Coordinator, Administrator],
        }
    }
}

/// A link of the navigation and the action whose roles are shown it: the pages a role
/// is offered come from the same table the services enforce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub action: ProgramAction,
}

/// Every navigation link, in the order shown.
pub const NAVIGATION: &[NavLink] = &[
    nav(
        "/encounters/new",
        "New encounter",
        ProgramAction::CreateEncounter,
    ),
    nav(
        "/encounters",
        "Encounters",
        ProgramAction::ViewOwnEncounters,
    ),
    nav("/overrides", "Overrides", ProgramAction::ReviewOverrides),
    nav("/queue", "Referral queue", ProgramAction::ViewReferralQueue),
    nav("/holds", "Held charges", ProgramAction::ViewProsecutorQueue),
    nav("/dashboard", "Dashboard", ProgramAction::ViewDashboard),
    nav("/reports/quarterly", "Reports", ProgramAction::ViewReports),
    nav("/reports/equity", "Equity", ProgramAction::ViewReports),
    nav(
        "/reports/research",
        "Research export",
        ProgramAction::ExportResearch,
    ),
    nav("/admin", "Users", ProgramAction::ManageUsers),
    nav("/admin/languages", "Languages", ProgramAction::ManageUsers),
    nav("/admin/webhooks", "Webhooks", ProgramAction::ManageWebhooks),
    nav(
        "/admin/flags",
        "Safety flags",
        ProgramAction::ManageFlagKinds,
    ),
    nav("/roster", "On-call roster", ProgramAction::ManageRoster),
    nav(
        "/emergency-access",
        "Emergency access",
        ProgramAction::BreakTheGlass,
    ),
    nav("/audit", "Audit trail", ProgramAction::ViewAudit),
    nav("/pathways", "Pathways", ProgramAction::ManageRules),
    nav("/rules", "Rules", ProgramAction::ManageRules),
    nav("/planner/program", "Planner", ProgramAction::ViewDashboard),
    nav("/calendar", "Calendar", ProgramAction::ManageCalendar),
    nav("/directory", "Directory", ProgramAction::ManageDirectory),
    nav("/outbox", "Outbox", ProgramAction::ViewOutbox),
];

const fn nav(href: &'static str, label: &'static str, action: ProgramAction) -> NavLink {
    NavLink {
        href,
        label,
        action,
    }
}

/// The links `actor` is shown in the program they work in (their first membership's).
pub fn navigation(actor: &Actor) -> Vec<&'static NavLink> {
    let Some(pid) = actor.memberships.first().map(|m| m.program_id) else {
        return Vec::new();
    };
    NAVIGATION
        .iter()
        .filter(|l| program_grant(actor, pid, l.action).is_some())
        .collect()
}

/// The membership that allows a program-wide action, if any. Its organization is the one
/// the action is done for (an encounter is recorded for the officer's agency).
pub fn program_grant(
    actor: &Actor,
    program_id: Uuid,
    action: ProgramAction,
) -> Option<&Membership> {
    actor.grants(program_id, action.roles()).next()
}

/// Who may update a service's capacity: the program's coordinators, and the case managers
/// and peer specialists of the organization that offers the service (ADR 0017).
/// Whose on-call rosters an actor keeps: every organization's (a coordinator or an
/// administrator), or those where they are a case manager or peer (providers and partners
/// keep their own, ADR 0019). None: nobody's.
pub fn roster_scope(actor: &Actor, program_id: Uuid) -> Option<RosterScope> {
    if actor
        .grants(program_id, &[Role::Coordinator, Role::Administrator])
        .next()
        .is_some()
    {
        return Some(RosterScope::All);
    }
    let orgs: Vec<Uuid> = actor
        .grants(program_id, Role::SERVICE)
        .map(|m| m.org_id)
        .collect();
    (!orgs.is_empty()).then_some(RosterScope::Orgs(orgs))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RosterScope {
    All,
    Orgs(Vec<Uuid>),
}

impl RosterScope {
    pub fn covers(&self, org: Uuid) -> bool {
        match self {
            RosterScope::All => true,
            RosterScope::Orgs(o) => o.contains(&org),
        }
    }
}

pub fn may_update_capacity(actor: &Actor, program_id: Uuid, service_org: Uuid) -> bool {
    actor
        .grants(program_id, &[Role::Coordinator])
        .next()
        .is_some()
        || actor
            .grants(program_id, Role::SERVICE)
            .any(|m| m.org_id == service_org)
}

/// Facts about one case that access depends on. Built by the storage layer from the
/// encounter, its referrals, its legal hold and its valid releases of information.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessFacts {
    pub program_id: Uuid,
    pub agency_org_id: Uuid,
    pub officer_id: Uuid,
    /// Providers that have (or had) a referral for this case.
    pub referral_org_ids: Vec<Uuid>,
    pub prosecutor_org_id: Option<Uuid>,
    /// Organizations named as recipients by a release of information valid now.
    pub consent_recipient_org_ids: Vec<Uuid>,
    /// Users holding an emergency (break-the-glass) grant on this case now.
    pub emergency_user_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseAction {
    /// Read the case from the referring agency's side (encounter, decision, offer, slip).
    ViewEncounter,
    /// Change it from that side: override, offer, handoff, refer again, cancel.
    ActOnEncounter,
    ApproveOverride,
    /// Read or update the referral from the provider's side (identity and clinical record).
    ViewReferral,
    ActOnReferral,
    ViewHold,
    DecideHold,
}

/// Which facts an action's decision depends on, so that only those are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactsNeeded {
    pub referrals: bool,
    pub hold: bool,
    pub consents: bool,
    pub emergency: bool,
}

impl CaseAction {
    pub fn facts_needed(self) -> FactsNeeded {
        let f = |referrals, hold, consents| FactsNeeded {
            referrals,
            hold,
            consents,
            emergency: false,
        };
        match self {
            // The view says whether progress may be shown: that needs the releases.
            CaseAction::ViewEncounter => f(false, false, true),
            // Acting discloses nothing: agency and officer decide.
            CaseAction::ActOnEncounter | CaseAction::ApproveOverride => f(false, false, false),
            // Reading may rest on an emergency grant; acting never does.
            CaseAction::ViewReferral => FactsNeeded {
                emergency: true,
                ..f(true, false, false)
            },
            CaseAction::ActOnReferral => f(true, false, false),
            CaseAction::ViewHold | CaseAction::DecideHold => f(false, true, true),
        }
    }
}

/// What a role may see of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Provider: identity, contact, referral and service events; no criminal justice detail.
    Clinical { org_id: Uuid },
    /// Officer, supervisor, prosecutor: the legal record; progress only while a release of
    /// information names their organization.
    Legal { org_id: Uuid, progress_shared: bool },
    /// Coordinator: operations (dates, deadlines, who is assigned); no clinical content.
    Operations,
    /// A case manager or coordinator under a break-the-glass grant: the clinical record,
    /// read only, for the grant's time.
    Emergency { org_id: Uuid },
}

/// Fields grouped by sensitivity: what a view may show is decided per group, never per
/// page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldGroup {
    /// Name, birth date, contact details.
    Identity,
    /// Offenses, drug details, attestations, the eligibility decision, CAD number, the
    /// legal hold and the prosecutor's decision.
    CriminalJustice,
    /// The minimum-necessary participation status with dates (42 CFR 2.35): contacted,
    /// intake by the deadline, engaged, exited.
    ParticipationStatus,
    /// The treatment record: service events, their notes and reasons (42 CFR Part 2).
    Clinical,
    /// Psychotherapy/counseling notes: their own consent; no view shows them.
    CounselingNotes,
    /// Program operations: dates, deadlines, states, who is assigned.
    Operations,
}

impl FieldGroup {
    pub const ALL: &'static [FieldGroup] = &[
        FieldGroup::Identity,
        FieldGroup::CriminalJustice,
        FieldGroup::ParticipationStatus,
        FieldGroup::Clinical,
        FieldGroup::CounselingNotes,
        FieldGroup::Operations,
    ];
}

impl View {
    /// The projection: whether this view shows a group of fields.
    pub fn sees(self, g: FieldGroup) -> bool {
        use FieldGroup::*;
        match self {
            View::Clinical { .. } | View::Emergency { .. } => {
                matches!(g, Identity | ParticipationStatus | Clinical | Operations)
            }
            View::Legal {
                progress_shared, ..
            } => match g {
                Identity | CriminalJustice | Operations => true,
                ParticipationStatus => progress_shared,
                Clinical | CounselingNotes => false,
            },
            View::Operations => matches!(g, Identity | Operations),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Allow(View),
    /// Answered as "not found" so that a record's existence is not disclosed.
    Deny,
}

impl Access {
    pub fn allowed(self) -> bool {
        matches!(self, Access::Allow(_))
    }
}

pub fn case_access(actor: &Actor, action: CaseAction, case: &AccessFacts) -> Access {
    let pid = case.program_id;
    let legal = |org: Uuid| View::Legal {
        org_id: org,
        progress_shared: case.consent_recipient_org_ids.contains(&org),
    };
    match action {
        CaseAction::ViewEncounter | CaseAction::ActOnEncounter => {
            for m in actor.grants(pid, &[Role::Officer, Role::Supervisor]) {
                if m.org_id != case.agency_org_id {
                    continue;
                }
                let own = case.officer_id == actor.user_id;
                if m.role == Role::Supervisor || own {
                    return Access::Allow(if action == CaseAction::ViewEncounter {
                        legal(m.org_id)
                    } else {
                        View::Legal {
                            org_id: m.org_id,
                            progress_shared: false,
                        }
                    });
                }
            }
            if action == CaseAction::ViewEncounter
                && actor.grants(pid, &[Role::Coordinator]).next().is_some()
            {
                return Access::Allow(View::Operations);
            }
            Access::Deny
        }
        CaseAction::ApproveOverride => actor
            .grants(pid, &[Role::Supervisor])
            .find(|m| m.org_id == case.agency_org_id)
            .map(|m| {
                Access::Allow(View::Legal {
                    org_id: m.org_id,
                    progress_shared: false,
                })
            })
            .unwrap_or(Access::Deny),
        CaseAction::ViewReferral | CaseAction::ActOnReferral => {
            if let Some(m) = actor
                .grants(pid, Role::SERVICE)
                .find(|m| case.referral_org_ids.contains(&m.org_id))
            {
                return Access::Allow(View::Clinical { org_id: m.org_id });
            }
            if action == CaseAction::ViewReferral
                && case.emergency_user_ids.contains(&actor.user_id)
                && let Some(m) = actor
                    .grants(pid, ProgramAction::BreakTheGlass.roles())
                    .next()
            {
                return Access::Allow(View::Emergency { org_id: m.org_id });
            }
            Access::Deny
        }
        CaseAction::ViewHold | CaseAction::DecideHold => {
            let Some(pros) = case.prosecutor_org_id else {
                return Access::Deny;
            };
            if let Some(m) = actor
                .grants(pid, &[Role::Prosecutor])
                .find(|m| m.org_id == pros)
            {
                return Access::Allow(legal(m.org_id));
            }
            Access::Deny
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct W {
        program: Uuid,
        other_program: Uuid,
        agency: Uuid,
        other_agency: Uuid,
        provider: Uuid,
        other_provider: Uuid,
        pros: Uuid,
    }

    fn world() -> W {
        W {
            program: Uuid::now_v7(),
            other_program: Uuid::now_v7(),
            agency: Uuid::now_v7(),
            other_agency: Uuid::now_v7(),
            provider: Uuid::now_v7(),
            other_provider: Uuid::now_v7(),
            pros: Uuid::now_v7(),
        }
    }

    fn actor(program: Uuid, org: Uuid, kind: OrgKind, role: Role) -> Actor {
        Actor {
            user_id: Uuid::now_v7(),
            username: "u".into(),
            memberships: vec![Membership {
                program_id: program,
                org_id: org,
                org_kind: kind,
                role,
            }],
        }
    }

    fn case(w: &W, officer: Uuid, consent: bool) -> AccessFacts {
        AccessFacts {
            program_id: w.program,
            agency_org_id: w.agency,
            officer_id: officer,
            referral_org_ids: vec![w.provider],
            prosecutor_org_id: Some(w.pros),
            consent_recipient_org_ids: if consent {
                vec![w.agency, w.pros]
            } else {
                vec![]
            },
            emergency_user_ids: vec![],
        }
    }

    #[test]
    fn officer_sees_only_own_cases_and_progress_only_with_consent() {
        let w = world();
        let me = actor(w.program, w.agency, OrgKind::LawEnforcement, Role::Officer);
        let other = actor(w.program, w.agency, OrgKind::LawEnforcement, Role::Officer);
        let c = case(&w, me.user_id, true);
        assert_eq!(
            case_access(&me, CaseAction::ViewEncounter, &c),
            Access::Allow(View::Legal {
                org_id: w.agency,
                progress_shared: true
            })
        );
        assert_eq!(
            case_access(&other, CaseAction::ViewEncounter, &c),
            Access::Deny
        );
        let c = case(&w, me.user_id, false);
        assert_eq!(
            case_access(&me, CaseAction::ViewEncounter, &c),
            Access::Allow(View::Legal {
                org_id: w.agency,
                progress_shared: false
            })
        );
        assert_eq!(case_access(&me, CaseAction::ViewReferral, &c), Access::Deny);
        assert_eq!(case_access(&me, CaseAction::ViewHold, &c), Access::Deny);
    }

    #[test]
    fn other_agency_and_other_program_are_denied() {
        let w = world();
        let sup = actor(
            w.program,
            w.other_agency,
            OrgKind::LawEnforcement,
            Role::Supervisor,
        );
        let c = case(&w, Uuid::now_v7(), true);
        assert_eq!(
            case_access(&sup, CaseAction::ViewEncounter, &c),
            Access::Deny
        );
        let sup2 = actor(
            w.other_program,
            w.agency,
            OrgKind::LawEnforcement,
            Role::Supervisor,
        );
        assert_eq!(
            case_access(&sup2, CaseAction::ViewEncounter, &c),
            Access::Deny
        );
        let sup3 = actor(
            w.program,
            w.agency,
            OrgKind::LawEnforcement,
            Role::Supervisor,
        );
        assert!(case_access(&sup3, CaseAction::ApproveOverride, &c).allowed());
    }

    #[test]
    fn providers_see_only_referrals_to_them() {
        let w = world();
        let cm = actor(w.program, w.provider, OrgKind::Provider, Role::CaseManager);
        let cm2 = actor(
            w.program,
            w.other_provider,
            OrgKind::Provider,
            Role::CaseManager,
        );
        let c = case(&w, Uuid::now_v7(), false);
        assert_eq!(
            case_access(&cm, CaseAction::ViewReferral, &c),
            Access::Allow(View::Clinical { org_id: w.provider })
        );
        assert_eq!(
            case_access(&cm2, CaseAction::ViewReferral, &c),
            Access::Deny
        );
        assert_eq!(
            case_access(&cm, CaseAction::ViewEncounter, &c),
            Access::Deny
        );
        assert_eq!(case_access(&cm, CaseAction::ViewHold, &c), Access::Deny);
    }

    #[test]
    fn prosecutor_and_coordinator_and_admin() {
        let w = world();
        let p = actor(w.program, w.pros, OrgKind::Prosecutor, Role::Prosecutor);
        let c = case(&w, Uuid::now_v7(), false);
        assert_eq!(
            case_access(&p, CaseAction::DecideHold, &c),
            Access::Allow(View::Legal {
                org_id: w.pros,
                progress_shared: false
            })
        );
        assert_eq!(case_access(&p, CaseAction::ViewReferral, &c), Access::Deny);
        let coord = actor(
            w.program,
            Uuid::now_v7(),
            OrgKind::Coordination,
            Role::Coordinator,
        );
        assert_eq!(
            case_access(&coord, CaseAction::ViewEncounter, &c),
            Access::Allow(View::Operations)
        );
        assert_eq!(
            case_access(&coord, CaseAction::ActOnEncounter, &c),
            Access::Deny
        );
        assert_eq!(
            case_access(&coord, CaseAction::ViewReferral, &c),
            Access::Deny
        );
        let admin = actor(
            w.program,
            Uuid::now_v7(),
            OrgKind::Coordination,
            Role::Administrator,
        );
        for a in [
            CaseAction::ViewEncounter,
            CaseAction::ViewReferral,
            CaseAction::ViewHold,
        ] {
            assert_eq!(case_access(&admin, a, &c), Access::Deny);
        }
        assert!(program_grant(&admin, w.program, ProgramAction::ManageUsers).is_some());
        assert!(program_grant(&admin, w.program, ProgramAction::ViewDashboard).is_none());
    }

    #[test]
    fn reading_only_the_facts_an_action_needs_decides_the_same() {
        let w = world();
        let officer = actor(w.program, w.agency, OrgKind::LawEnforcement, Role::Officer);
        let actors = [
            officer.clone(),
            actor(w.program, w.agency, OrgKind::LawEnforcement, Role::Officer),
            actor(
                w.program,
                w.other_agency,
                OrgKind::LawEnforcement,
                Role::Supervisor,
            ),
            actor(
                w.program,
                w.agency,
                OrgKind::LawEnforcement,
                Role::Supervisor,
            ),
            actor(w.program, w.provider, OrgKind::Provider, Role::CaseManager),
            actor(
                w.program,
                w.other_provider,
                OrgKind::Provider,
                Role::CaseManager,
            ),
            actor(w.program, w.pros, OrgKind::Prosecutor, Role::Prosecutor),
            actor(
                w.program,
                Uuid::now_v7(),
                OrgKind::Coordination,
                Role::Coordinator,
            ),
            actor(
                w.other_program,
                w.pros,
                OrgKind::Prosecutor,
                Role::Prosecutor,
            ),
        ];
        let actions = [
            CaseAction::ViewEncounter,
            CaseAction::ActOnEncounter,
            CaseAction::ApproveOverride,
            CaseAction::ViewReferral,
            CaseAction::ActOnReferral,
            CaseAction::ViewHold,
            CaseAction::DecideHold,
        ];
        for (consent, emergency) in [(true, false), (false, false), (true, true), (false, true)] {
            let mut full = case(&w, officer.user_id, consent);
            if emergency {
                full.emergency_user_ids = actors.iter().map(|a| a.user_id).collect();
            }
            for a in actions {
                let need = a.facts_needed();
                let trimmed = AccessFacts {
                    referral_org_ids: if need.referrals {
                        full.referral_org_ids.clone()
                    } else {
                        vec![]
                    },
                    prosecutor_org_id: if need.hold {
                        full.prosecutor_org_id
                    } else {
                        None
                    },
                    consent_recipient_org_ids: if need.consents {
                        full.consent_recipient_org_ids.clone()
                    } else {
                        vec![]
                    },
                    emergency_user_ids: if need.emergency {
                        full.emergency_user_ids.clone()
                    } else {
                        vec![]
                    },
                    ..full.clone()
                };
                for who in &actors {
                    assert_eq!(
                        case_access(who, a, &full),
                        case_access(who, a, &trimmed),
                        "{a:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn an_emergency_grant_opens_the_clinical_record_for_reading_only() {
        let w = world();
        let officer = actor(w.program, w.agency, OrgKind::LawEnforcement, Role::Officer);
        let other_cm = actor(
            w.program,
            w.other_provider,
            OrgKind::Provider,
            Role::CaseManager,
        );
        let coord = actor(
            w.program,
            w.agency,
            OrgKind::Coordination,
            Role::Coordinator,
        );
        let elsewhere = actor(
            w.other_program,
            w.other_provider,
            OrgKind::Provider,
            Role::CaseManager,
        );
        let mut c = case(&w, officer.user_id, false);
        for a in [&other_cm, &coord, &elsewhere] {
            assert_eq!(case_access(a, CaseAction::ViewReferral, &c), Access::Deny);
        }
        c.emergency_user_ids = vec![
            other_cm.user_id,
            coord.user_id,
            officer.user_id,
            elsewhere.user_id,
        ];
        assert_eq!(
            case_access(&other_cm, CaseAction::ViewReferral, &c),
            Access::Allow(View::Emergency {
                org_id: w.other_provider
            })
        );
        assert!(case_access(&coord, CaseAction::ViewReferral, &c).allowed());
        // Never to act, never for a role that may not ask, never across programs.
        assert_eq!(
            case_access(&other_cm, CaseAction::ActOnReferral, &c),
            Access::Deny
        );
        assert_eq!(
            case_access(&officer, CaseAction::ViewReferral, &c),
            Access::Deny
        );
        assert_eq!(
            case_access(&elsewhere, CaseAction::ViewReferral, &c),
            Access::Deny
        );
    }

    /// The projection table, stated once: the legal side never sees clinical content and
    /// sees the status only under consent; providers never see criminal justice detail;
    /// coordinators see operations and who; nobody sees counseling notes.
    #[test]
    fn each_view_sees_its_field_groups_only() {
        use FieldGroup::*;
        let org = Uuid::nil();
        let table: &[(View, &[FieldGroup])] = &[
            (
                View::Legal {
                    org_id: org,
                    progress_shared: false,
                },
                &[Identity, CriminalJustice, Operations],
            ),
            (
                View::Legal {
                    org_id: org,
                    progress_shared: true,
                },
                &[Identity, CriminalJustice, ParticipationStatus, Operations],
            ),
            (
                View::Clinical { org_id: org },
                &[Identity, ParticipationStatus, Clinical, Operations],
            ),
            (
                View::Emergency { org_id: org },
                &[Identity, ParticipationStatus, Clinical, Operations],
            ),
            (View::Operations, &[Identity, Operations]),
        ];
        for (view, sees) in table {
            for g in FieldGroup::ALL {
                assert_eq!(view.sees(*g), sees.contains(g), "{view:?} {g:?}");
            }
        }
    }
}
