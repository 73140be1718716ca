//! What the API answers, as types: the OpenAPI document describes these structs, and the
//! handlers can only answer them (no hand-written JSON).
use chrono::{DateTime, NaiveDate, Utc};
use handoff_app::case_view::CaseView;
use handoff_app::holds::{HoldView, QueueLine};
use handoff_app::referrals::ReferralView;
use handoff_domain::eligibility::Criterion;
use handoff_domain::hold::DeadlineStatus;
use handoff_domain::measures::Measures;
use handoff_domain::progress::ProgressStatus;
use handoff_storage::{EncounterListRow, HoldQueueRow, ReferralQueueRow};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// The token's user.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub user_id: Uuid,
    pub username: String,
    pub name: String,
    pub memberships: Vec<Membership>,
}

#[derive(Serialize, ToSchema)]
pub struct Membership {
    pub program_id: Uuid,
    pub organization_id: Uuid,
    /// officer, supervisor, case_manager, prosecutor, coordinator or administrator.
    pub role: String,
}

/// A participant found by the search.
#[derive(Serialize, ToSchema)]
pub struct ParticipantMatch {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub dob: NaiveDate,
}

#[derive(Serialize, ToSchema)]
pub struct PersonName {
    pub first_name: String,
    pub last_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct PersonShown {
    /// The name as the viewer may see it.
    pub name: String,
    pub dob: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

#[derive(Serialize, ToSchema)]
pub struct FollowUp {
    pub due: NaiveDate,
    pub first_attempt_at: Option<DateTime<Utc>>,
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct AttemptShown {
    pub at: DateTime<Utc>,
    pub outcome: String,
    pub team: String,
    pub note: String,
    pub by: String,
}

#[derive(Serialize, ToSchema)]
pub struct OffenseShown {
    pub code: String,
    pub name: String,
    /// The suspected drug, for drug offenses.
    pub drug: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OverrideShown {
    /// pending, approved or refused.
    pub status: String,
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct Eligibility {
    pub eligible: bool,
    pub rules_version: i64,
    pub criteria: Vec<Criterion>,
    #[serde(rename = "override")]
    #[schema(rename = "override")]
    pub override_: Option<OverrideShown>,
    /// The decision with an approved override applied.
    pub effective_eligible: bool,
}

#[derive(Serialize, ToSchema)]
pub struct OfferShown {
    pub accepted: bool,
    pub decline_reason: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct ReferralLine {
    pub id: Uuid,
    pub provider: String,
    /// warm or contact_card.
    pub mode: String,
    pub requested_at: DateTime<Utc>,
    /// The provider closed it without serving the person (the agency may refer again).
    pub closed_without_service: bool,
}

#[derive(Serialize, ToSchema)]
pub struct HoldShown {
    pub id: Uuid,
    /// abeyance or citation.
    pub kind: String,
    pub citation_number: Option<String>,
    pub court_date: Option<NaiveDate>,
    pub deadline: NaiveDate,
    pub state: String,
    pub deadline_status: Option<DeadlineStatus>,
    pub decision: Option<String>,
    pub decision_reason: Option<String>,
    pub correction: Option<String>,
}

/// Treatment progress as the legal side may see it (42 CFR Part 2): only whether the
/// person is engaging, and only under a valid release naming the viewer's organization.
/// Without one, `shared` is "no" and every other field is null.
#[derive(Serialize, ToSchema)]
pub struct ProgressShown {
    /// "yes" or "no".
    #[schema(schema_with = handoff_domain::input::schema::yes_no)]
    pub shared: String,
    pub contacted_on: Option<NaiveDate>,
    /// true met, false missed, null still open (or no deadline, or not shared).
    pub intake_by_deadline: Option<bool>,
    pub intake_on: Option<NaiveDate>,
    pub engaged: Option<bool>,
    pub engaged_on: Option<NaiveDate>,
    /// "completed" or "left the program", and the day; never the reason.
    pub exit: Option<(String, NaiveDate)>,
}

impl From<&ProgressStatus> for ProgressShown {
    fn from(p: &ProgressStatus) -> Self {
        match p {
            ProgressStatus::NotShared => ProgressShown {
                shared: "no".into(),
                contacted_on: None,
                intake_by_deadline: None,
                intake_on: None,
                engaged: None,
                engaged_on: None,
                exit: None,
            },
            ProgressStatus::Shared(p) => ProgressShown {
                shared: "yes".into(),
                contacted_on: p.contacted_on,
                intake_by_deadline: p.intake_by_deadline,
                intake_on: p.intake_on,
                engaged: Some(p.engaged),
                engaged_on: p.engaged_on,
                exit: p.exit.clone(),
            },
        }
    }
}

/// An encounter (a case), as the referring agency sees it: no clinical content.
#[derive(Serialize, ToSchema)]
pub struct Encounter {
    pub id: Uuid,
    pub reference: String,
    pub pathway: String,
    pub facts: Vec<Fact>,
    pub follow_up: Option<FollowUp>,
    pub attempts: Vec<AttemptShown>,
    pub occurred_at: DateTime<Utc>,
    pub location: String,
    pub incident_number: String,
    pub officer: String,
    pub agency: String,
    pub person: PersonShown,
    pub offenses: Vec<OffenseShown>,
    pub eligibility: Eligibility,
    pub offer: Option<OfferShown>,
    pub referrals: Vec<ReferralLine>,
    pub legal_hold: Option<HoldShown>,
    /// Treatment progress, when a valid release names the viewer's organization.
    pub progress: ProgressShown,
    /// Why the progress is not shared, when it is not.
    pub progress_note: Option<String>,
    /// The 42 CFR 2.32 notice that goes with any disclosure.
    pub notice: String,
}

impl From<&CaseView> for Encounter {
    fn from(v: &CaseView) -> Self {
        Encounter {
            id: v.encounter.id,
            reference: v.encounter.reference.clone(),
            pathway: v.pathway.as_str().into(),
            facts: v
                .facts
                .iter()
                .map(|(l, x)| Fact {
                    label: l.clone(),
                    value: x.clone(),
                })
                .collect(),
            follow_up: v.follow_up.as_ref().map(|f| FollowUp {
                due: f.due,
                first_attempt_at: f.first_attempt,
                status: f.text(),
            }),
            attempts: v
                .attempts
                .iter()
                .map(|a| AttemptShown {
                    at: a.at,
                    outcome: a.outcome.as_str().into(),
                    team: a.team.clone(),
                    note: a.note.clone(),
                    by: a.by.clone(),
                })
                .collect(),
            occurred_at: v.encounter.occurred_at,
            location: v.encounter.location.clone(),
            incident_number: v.encounter.incident_number.clone(),
            officer: v.officer_name.clone(),
            agency: v.agency_name.clone(),
            person: PersonShown {
                name: v.person_name.clone(),
                dob: v.person_dob,
            },
            offenses: v.offenses.iter().map(offense).collect(),
            eligibility: Eligibility {
                eligible: v.eligible,
                rules_version: v.rules_version,
                criteria: v.criteria.clone(),
                override_: v.override_.as_ref().map(|o| OverrideShown {
                    status: o.status.clone(),
                    reason: o.reason.clone(),
                }),
                effective_eligible: v.effective_eligible,
            },
            offer: v.offer.as_ref().map(|o| OfferShown {
                accepted: o.accepted,
                decline_reason: o.decline_reason.clone(),
                at: o.offered_at,
            }),
            referrals: v
                .referrals
                .iter()
                .map(|r| ReferralLine {
                    id: r.id,
                    provider: r.provider.clone(),
                    mode: r.mode.as_str().into(),
                    requested_at: r.requested_at,
                    closed_without_service: r.closed_without_service,
                })
                .collect(),
            legal_hold: v.hold.as_ref().map(|h| HoldShown {
                id: h.id,
                kind: h.kind.as_str().into(),
                citation_number: h.citation_number.clone(),
                court_date: h.court_date,
                deadline: h.deadline_day,
                state: h.state_label.clone(),
                deadline_status: h.deadline_status,
                decision: h.decision.clone(),
                decision_reason: h.decision_reason.clone(),
                correction: h.correction.clone(),
            }),
            progress: ProgressShown::from(&v.progress),
            progress_note: (!v.consent_note.is_empty()).then(|| v.consent_note.clone()),
            notice: handoff_domain::consent::NOTICE_2_32.into(),
        }
    }
}

fn offense(o: &handoff_app::case_view::OffenseLine) -> OffenseShown {
    OffenseShown {
        code: o.code.clone(),
        name: o.name.clone(),
        drug: o.drug.clone(),
    }
}

/// An encounter in a list.
#[derive(Serialize, ToSchema)]
pub struct EncounterLine {
    pub id: Uuid,
    pub reference: String,
    pub pathway: String,
    pub occurred_at: DateTime<Utc>,
    pub person: PersonName,
    /// What happened so far, in words.
    pub status: String,
}

impl From<&EncounterListRow> for EncounterLine {
    fn from(r: &EncounterListRow) -> Self {
        EncounterLine {
            id: r.id,
            reference: r.reference.clone(),
            pathway: r.pathway.clone(),
            occurred_at: r.occurred_at,
            person: PersonName {
                first_name: r.first_name.clone(),
                last_name: r.last_name.clone(),
            },
            status: handoff_app::encounters::list_status(r),
        }
    }
}

/// One page of the caller's encounters (an officer's own; a supervisor's agency's).
#[derive(Serialize, ToSchema)]
pub struct EncounterPage {
    pub encounters: Vec<EncounterLine>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ExitShown {
    pub kind: String,
    pub at: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
pub struct ContactPerson {
    pub first_name: String,
    pub last_name: String,
    pub dob: NaiveDate,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ServiceEvent {
    pub kind: String,
    pub occurred_at: DateTime<Utc>,
    pub status_after: String,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub by: String,
}

/// A referral, as the provider sees it.
#[derive(Serialize, ToSchema)]
pub struct Referral {
    pub id: Uuid,
    pub reference: String,
    /// FHIR Task.status.
    pub status: String,
    /// FHIR Task.businessStatus.
    pub business_status: String,
    pub status_reason: Option<String>,
    pub mode: String,
    pub from: String,
    pub requested_at: DateTime<Utc>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub warm_handoff_minutes: Option<i64>,
    pub first_contact_at: Option<DateTime<Utc>>,
    pub intake_at: Option<DateTime<Utc>>,
    pub engaged_at: Option<DateTime<Utc>>,
    pub exit: Option<ExitShown>,
    pub intake_deadline: NaiveDate,
    pub person: ContactPerson,
    pub events: Vec<ServiceEvent>,
    /// The steps that may be recorded now.
    pub actions: Vec<String>,
    /// The version (also the ETag, quoted): send it as If-Match.
    pub version: String,
}

impl From<&ReferralView> for Referral {
    fn from(v: &ReferralView) -> Self {
        let r = &v.referral;
        Referral {
            id: r.id,
            reference: v.reference.clone(),
            status: r.status.clone(),
            business_status: r.business_status.clone(),
            status_reason: r.status_reason.clone(),
            mode: r.mode.clone(),
            from: v.from_org.name.clone(),
            requested_at: r.requested_at,
            arrived_at: r.arrived_at,
            warm_handoff_minutes: v.warm_minutes,
            first_contact_at: r.first_contact_at,
            intake_at: r.intake_at,
            engaged_at: r.engaged_at,
            exit: r.exit_kind.as_ref().map(|k| ExitShown {
                kind: k.clone(),
                at: r.exit_at,
            }),
            intake_deadline: v.intake_deadline,
            person: ContactPerson {
                first_name: v.person.first_name.clone(),
                last_name: v.person.last_name.clone(),
                dob: v.person.dob,
                phone: v.person.phone.clone(),
                email: v.person.email.clone(),
            },
            events: v
                .events
                .iter()
                .map(|(e, who)| ServiceEvent {
                    kind: e.kind.clone(),
                    occurred_at: e.occurred_at,
                    status_after: e.status_after.clone(),
                    reason: e.reason.clone(),
                    note: e.note.clone(),
                    by: who.clone(),
                })
                .collect(),
            actions: v.actions.iter().map(|a| a.as_str().to_string()).collect(),
            version: r.updated_at.to_rfc3339(),
        }
    }
}

/// A referral in the provider's queue.
#[derive(Serialize, ToSchema)]
pub struct ReferralQueueLine {
    pub id: Uuid,
    pub reference: String,
    pub mode: String,
    pub status: String,
    pub business_status: String,
    pub requested_at: DateTime<Utc>,
    pub contact_deadline: Option<NaiveDate>,
    pub assigned_to: Option<Uuid>,
    pub person: PersonName,
    pub from: String,
}

impl From<&ReferralQueueRow> for ReferralQueueLine {
    fn from(r: &ReferralQueueRow) -> Self {
        ReferralQueueLine {
            id: r.id,
            reference: r.reference.clone(),
            mode: r.mode.clone(),
            status: r.status.clone(),
            business_status: r.business_status.clone(),
            requested_at: r.requested_at,
            contact_deadline: r.contact_deadline,
            assigned_to: r.assigned_to,
            person: name(&r.first_name, &r.last_name),
            from: r.from_org_name.clone(),
        }
    }
}

fn name(first: &str, last: &str) -> PersonName {
    PersonName {
        first_name: first.into(),
        last_name: last.into(),
    }
}

/// One page of the provider's referrals.
#[derive(Serialize, ToSchema)]
pub struct ReferralQueue {
    pub organization: String,
    pub referrals: Vec<ReferralQueueLine>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A held charge, as the prosecutor sees it.
#[derive(Serialize, ToSchema)]
pub struct Hold {
    pub id: Uuid,
    pub reference: String,
    pub person: PersonShown,
    pub agency: String,
    pub officer: String,
    pub occurred_at: DateTime<Utc>,
    pub offenses: Vec<OffenseShown>,
    pub kind: String,
    pub citation_number: Option<String>,
    pub court_date: Option<NaiveDate>,
    pub deadline: NaiveDate,
    pub state: String,
    pub deadline_status: Option<DeadlineStatus>,
    pub correction: Option<String>,
    pub decision: Option<String>,
    pub decision_reason: Option<String>,
    pub progress: ProgressShown,
    pub progress_note: Option<String>,
    pub notice: String,
    /// The version (also the ETag, quoted): send it as If-Match.
    pub version: String,
}

impl From<&HoldView> for Hold {
    fn from(v: &HoldView) -> Self {
        Hold {
            id: v.hold.id,
            reference: v.reference.clone(),
            person: PersonShown {
                name: v.person_name.clone(),
                dob: Some(v.person_dob),
            },
            agency: v.agency_name.clone(),
            officer: v.officer_name.clone(),
            occurred_at: v.occurred_at,
            offenses: v
                .offenses
                .iter()
                .map(|o| OffenseShown {
                    drug: None,
                    ..offense(o)
                })
                .collect(),
            kind: v.kind.as_str().into(),
            citation_number: v.hold.citation_number.clone(),
            court_date: v.hold.court_date,
            deadline: v.hold.deadline_day,
            state: v.state_label.clone(),
            deadline_status: v.deadline_status,
            correction: v.hold.correction.clone(),
            decision: v.hold.decision.clone(),
            decision_reason: v.hold.decision_reason.clone(),
            progress: ProgressShown::from(&v.progress),
            progress_note: (!v.consent_note.is_empty()).then(|| v.consent_note.clone()),
            notice: handoff_domain::consent::NOTICE_2_32.into(),
            version: v.hold.updated_at.to_rfc3339(),
        }
    }
}

/// A held charge in the prosecutor's queue.
#[derive(Serialize, ToSchema)]
pub struct HoldQueueLine {
    pub id: Uuid,
    pub reference: String,
    pub occurred_at: DateTime<Utc>,
    pub person: PersonName,
    pub agency: String,
    pub kind: String,
    pub deadline: NaiveDate,
    pub state: String,
    pub deadline_status: Option<DeadlineStatus>,
    pub correction: Option<String>,
}

impl From<&QueueLine> for HoldQueueLine {
    fn from(l: &QueueLine) -> Self {
        let r = &l.row;
        HoldQueueLine {
            id: r.id,
            reference: r.reference.clone(),
            occurred_at: r.occurred_at,
            person: name(&r.first_name, &r.last_name),
            agency: r.agency_name.clone(),
            kind: r.kind.clone(),
            deadline: r.deadline_day,
            state: l.state_label.clone(),
            deadline_status: l.deadline_status,
            correction: r.correction.clone(),
        }
    }
}

/// One page of the prosecutor's held charges.
#[derive(Serialize, ToSchema)]
pub struct HoldQueue {
    pub organization: String,
    pub holds: Vec<HoldQueueLine>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A hold on the coordinator's deadline list.
#[derive(Serialize, ToSchema)]
pub struct DeadlineLine {
    pub hold_id: Uuid,
    pub reference: String,
    pub person: PersonName,
    pub agency: String,
    pub deadline: NaiveDate,
    pub state: String,
}

impl From<&HoldQueueRow> for DeadlineLine {
    fn from(r: &HoldQueueRow) -> Self {
        DeadlineLine {
            hold_id: r.id,
            reference: r.reference.clone(),
            person: name(&r.first_name, &r.last_name),
            agency: r.agency_name.clone(),
            deadline: r.deadline_day,
            state: r.state.clone(),
        }
    }
}

/// The program's measures for a period.
#[derive(Serialize, ToSchema)]
pub struct Dashboard {
    pub program: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub pathway: Option<String>,
    pub entry: Option<String>,
    pub measures: Measures,
}

/// A problem (RFC 9457), with the fields at fault.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The fields at fault, by name (`person.dob`, `offenses[0].code`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// The capacities the token's user may update.
#[derive(Serialize, ToSchema)]
pub struct CapacityList {
    pub capacities: Vec<handoff_app::directory::capacity::CapacityLine>,
}
