//! The referral (service timeline) follows the FHIR SDOH Clinical Care Task statuses,
//! with richer internal steps kept as a business status. The requester is the referring
//! agency; the performer is the receiving provider.
use serde::{Deserialize, Serialize};

use crate::{Coded, ExitKind, code_enum};

code_enum!(
    /// FHIR Task.status values used by the SDOH Clinical Care IG.
    ReferralStatus {
        Draft = "draft": "Draft",
        Requested = "requested": "Requested",
        Accepted = "accepted": "Accepted",
        Rejected = "rejected": "Rejected",
        InProgress = "in-progress": "In progress",
        OnHold = "on-hold": "On hold",
        Failed = "failed": "Failed",
        Completed = "completed": "Completed",
        Cancelled = "cancelled": "Cancelled",
        EnteredInError = "entered-in-error": "Entered in error",
    }
);

code_enum!(
    /// Internal steps, mapped onto a FHIR status (Task.businessStatus).
    BusinessStatus {
        AwaitingResponse = "awaiting_response": "Awaiting the provider",
        Accepted = "accepted": "Accepted",
        Arrived = "arrived": "Case manager arrived",
        ContactAttempted = "contact_attempted": "Contact attempted",
        Contacted = "contacted": "Contacted",
        IntakeScheduled = "intake_scheduled": "Intake scheduled",
        NoShow = "no_show": "Did not attend intake",
        IntakeCompleted = "intake_completed": "Intake completed",
        InTreatment = "in_treatment": "In treatment",
        OnHold = "on_hold": "On hold",
        Exited = "exited": "Exited",
        Closed = "closed": "Closed",
    }
);

code_enum!(
    /// Why a referral was rejected, failed, cancelled or put on hold: the SDOH Clinical
    /// Care reasons a closed loop reports, coded so that they can be counted (capacity
    /// shortfalls), with an optional note beside.
    OutcomeReason {
        NoCapacity = "no_capacity": "No capacity",
        NotEligible = "not_eligible": "Not eligible for the service",
        CouldNotContact = "could_not_contact": "Could not contact the person",
        Declined = "declined": "The person declined",
        NoShow = "no_show": "Did not attend",
        Moved = "moved": "Moved out of the area",
        Other = "other": "Other (see the note)",
    }
);

impl ReferralStatus {
    /// Whether the provider holding a referral in this status took the person, and so may
    /// record a consent (or its revocation) on the case: not one it rejected, that was
    /// cancelled, or that was entered in error.
    pub fn took_the_person(self) -> bool {
        !matches!(
            self,
            ReferralStatus::Rejected | ReferralStatus::Cancelled | ReferralStatus::EnteredInError
        )
    }

    pub fn is_open(self) -> bool {
        matches!(
            self,
            ReferralStatus::Draft
                | ReferralStatus::Requested
                | ReferralStatus::Accepted
                | ReferralStatus::InProgress
                | ReferralStatus::OnHold
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Requester,
    Performer,
}

code_enum!(
    /// The steps a user can record on a referral.
    ActionKind {
        Accept = "accept": "Accept",
        Reject = "reject": "Reject",
        Arrival = "arrival": "Record warm-handoff arrival",
        ContactAttempt = "contact_attempt": "Record a contact attempt",
        IntakeScheduled = "intake_scheduled": "Schedule intake",
        NoShow = "no_show": "Did not attend",
        Intake = "intake": "Record intake / assessment",
        FirstTreatment = "first_treatment": "Record first treatment contact",
        PutOnHold = "on_hold": "Put on hold",
        Resume = "resume": "Resume",
        Fail = "fail": "Mark failed",
        Exit = "exit": "Record exit",
        Cancel = "cancel": "Cancel",
        EnteredInError = "entered_in_error": "Entered in error",
    }
);

impl ActionKind {
    /// Rejected, failed, cancelled and on-hold carry a reason.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            ActionKind::Reject | ActionKind::Fail | ActionKind::Cancel | ActionKind::PutOnHold
        )
    }
    pub fn side_allowed(self, side: Side) -> bool {
        match self {
            ActionKind::EnteredInError => side == Side::Requester,
            ActionKind::Cancel => true,
            _ => side == Side::Performer,
        }
    }
}

/// Facts the state machine needs about the referral's history.
#[derive(Debug, Clone, Copy, Default)]
pub struct History {
    pub intake_done: bool,
}

/// Why a step may not be taken. Its words are the staff catalogue's (`err-transition-...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionError {
    /// `action`: the step's label; `side`: `requester` or `performer`.
    WrongSide {
        action: &'static str,
        side: &'static str,
    },
    /// `action`: the step's code; `from`: the status's label.
    NotFrom {
        action: &'static str,
        from: &'static str,
    },
    /// The step's code.
    ReasonRequired(&'static str),
    IntakeFirst,
    ExitKindRequired,
}

impl std::fmt::Display for TransitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use handoff_i18n::{staff, staff_with};
        let text = match self {
            TransitionError::WrongSide { action, side } => {
                // The step as the catalogue names it.
                let action = ActionKind::ALL
                    .iter()
                    .find(|a| a.label() == *action)
                    .map(|a| staff(&a.key()))
                    .unwrap_or_else(|| action.to_string());
                let key = match *side {
                    "performer" => "err-transition-wrong-side-performer",
                    _ => "err-transition-wrong-side-requester",
                };
                staff_with(key, &[("action", action.into())])
            }
            TransitionError::NotFrom { action, from } => {
                let from = ReferralStatus::ALL
                    .iter()
                    .find(|s| s.label() == *from)
                    .map(|s| staff(&s.key()))
                    .unwrap_or_else(|| from.to_string());
                staff_with(
                    "err-transition-not-from",
                    &[("action", (*action).into()), ("from", from.into())],
                )
            }
            TransitionError::ReasonRequired(action) => staff_with(
                "err-transition-reason-required",
                &[("action", (*action).into())],
            ),
            TransitionError::IntakeFirst => staff("err-transition-intake-first"),
            TransitionError::ExitKindRequired => staff("err-transition-exit-kind-required"),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for TransitionError {}

/// Applies an action. Returns the new FHIR status and business status.
pub fn transition(
    from: ReferralStatus,
    side: Side,
    action: ActionKind,
    reason: Option<&str>,
    exit: Option<ExitKind>,
    history: History,
) -> Result<(ReferralStatus, BusinessStatus), TransitionError> {
    use ReferralStatus as S;
    if !action.side_allowed(side) {
        return Err(TransitionError::WrongSide {
            action: action.label(),
            side: match side {
                Side::Requester => "requester",
                Side::Performer => "performer",
            },
        });
    }
    if action.needs_reason() && reason.map(str::trim).unwrap_or("").is_empty() {
        return Err(TransitionError::ReasonRequired(action.as_str()));
    }
    let not_from = || TransitionError::NotFrom {
        action: action.as_str(),
        from: from.label(),
    };
    let working = matches!(from, S::Accepted | S::InProgress | S::OnHold);
    let after_intake = if history.intake_done {
        S::InProgress
    } else {
        S::Accepted
    };
    Ok(match action {
        ActionKind::Accept if from == S::Requested => (S::Accepted, BusinessStatus::Accepted),
        ActionKind::Reject if from == S::Requested => (S::Rejected, BusinessStatus::Closed),
        ActionKind::Arrival if matches!(from, S::Requested | S::Accepted) => {
            (S::Accepted, BusinessStatus::Arrived)
        }
        ActionKind::ContactAttempt if working => (from, BusinessStatus::ContactAttempted),
        ActionKind::IntakeScheduled if working => (from, BusinessStatus::IntakeScheduled),
        ActionKind::NoShow if working => (from, BusinessStatus::NoShow),
        ActionKind::Intake if working => (S::InProgress, BusinessStatus::IntakeCompleted),
        ActionKind::FirstTreatment if working => {
            if !history.intake_done {
                return Err(TransitionError::IntakeFirst);
            }
            (S::InProgress, BusinessStatus::InTreatment)
        }
        ActionKind::PutOnHold if matches!(from, S::Accepted | S::InProgress) => {
            (S::OnHold, BusinessStatus::OnHold)
        }
        ActionKind::Resume if from == S::OnHold => (after_intake, BusinessStatus::Accepted),
        ActionKind::Fail if working => (S::Failed, BusinessStatus::Closed),
        ActionKind::Exit if working => match exit {
            None => return Err(TransitionError::ExitKindRequired),
            Some(ExitKind::Completed) => (S::Completed, BusinessStatus::Exited),
            Some(_) => (S::Failed, BusinessStatus::Exited),
        },
        ActionKind::Cancel if from.is_open() => (S::Cancelled, BusinessStatus::Closed),
        ActionKind::EnteredInError if from != S::EnteredInError => {
            (S::EnteredInError, BusinessStatus::Closed)
        }
        _ => return Err(not_from()),
    })
}

/// The result of a contact attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactOutcome {
    Reached,
    NoAnswer,
    LeftMessage,
    WrongNumber,
}

impl ContactOutcome {
    /// The codes, as exchanged (serde's names): the API document lists these.
    pub const CODES: [&'static str; 4] = ["reached", "no_answer", "left_message", "wrong_number"];
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReferralStatus as S;

    #[test]
    fn contact_outcome_codes_are_serdes_names() {
        for code in ContactOutcome::CODES {
            let v: ContactOutcome =
                serde_json::from_value(serde_json::Value::String(code.into())).unwrap();
            assert_eq!(serde_json::to_value(v).unwrap(), code);
        }
    }

    fn t(
        from: S,
        side: Side,
        a: ActionKind,
        reason: Option<&str>,
        intake: bool,
    ) -> Result<(S, BusinessStatus), TransitionError> {
        transition(
            from,
            side,
            a,
            reason,
            Some(ExitKind::Completed),
            History {
                intake_done: intake,
            },
        )
    }

    #[test]
    fn happy_path() {
        let (s, _) = t(
            S::Requested,
            Side::Performer,
            ActionKind::Accept,
            None,
            false,
        )
        .unwrap();
        assert_eq!(s, S::Accepted);
        let (s, b) = t(s, Side::Performer, ActionKind::Arrival, None, false).unwrap();
        assert_eq!((s, b), (S::Accepted, BusinessStatus::Arrived));
        let (s, _) = t(s, Side::Performer, ActionKind::Intake, None, false).unwrap();
        assert_eq!(s, S::InProgress);
        let (s, b) = t(s, Side::Performer, ActionKind::FirstTreatment, None, true).unwrap();
        assert_eq!((s, b), (S::InProgress, BusinessStatus::InTreatment));
        let (s, _) = t(s, Side::Performer, ActionKind::Exit, None, true).unwrap();
        assert_eq!(s, S::Completed);
    }

    #[test]
    fn who_may_set_what() {
        assert!(matches!(
            t(
                S::Requested,
                Side::Requester,
                ActionKind::Accept,
                None,
                false
            ),
            Err(TransitionError::WrongSide { .. })
        ));
        assert!(matches!(
            t(
                S::Requested,
                Side::Performer,
                ActionKind::EnteredInError,
                None,
                false
            ),
            Err(TransitionError::WrongSide { .. })
        ));
        assert!(
            t(
                S::Requested,
                Side::Requester,
                ActionKind::Cancel,
                Some("wrong provider"),
                false
            )
            .is_ok()
        );
        assert!(
            t(
                S::Completed,
                Side::Requester,
                ActionKind::EnteredInError,
                None,
                false
            )
            .is_ok()
        );
    }

    #[test]
    fn reasons_are_required() {
        for a in [ActionKind::Reject, ActionKind::Cancel] {
            assert!(matches!(
                t(S::Requested, Side::Performer, a, None, false),
                Err(TransitionError::ReasonRequired(_))
            ));
            assert!(matches!(
                t(S::Requested, Side::Performer, a, Some("  "), false),
                Err(TransitionError::ReasonRequired(_))
            ));
        }
        assert!(matches!(
            t(
                S::InProgress,
                Side::Performer,
                ActionKind::PutOnHold,
                None,
                true
            ),
            Err(TransitionError::ReasonRequired(_))
        ));
        assert!(matches!(
            t(S::InProgress, Side::Performer, ActionKind::Fail, None, true),
            Err(TransitionError::ReasonRequired(_))
        ));
    }

    #[test]
    fn closed_referrals_stay_closed() {
        for from in [S::Rejected, S::Failed, S::Completed, S::Cancelled] {
            for a in [
                ActionKind::Accept,
                ActionKind::Intake,
                ActionKind::ContactAttempt,
                ActionKind::Cancel,
            ] {
                assert!(
                    t(from, Side::Performer, a, Some("r"), true).is_err(),
                    "{from:?} {a:?}"
                );
            }
        }
    }

    #[test]
    fn treatment_needs_intake_and_exit_maps_to_failed() {
        assert_eq!(
            t(
                S::Accepted,
                Side::Performer,
                ActionKind::FirstTreatment,
                None,
                false
            ),
            Err(TransitionError::IntakeFirst)
        );
        let r = transition(
            S::InProgress,
            Side::Performer,
            ActionKind::Exit,
            None,
            Some(ExitKind::NewArrest),
            History { intake_done: true },
        );
        assert_eq!(r.unwrap().0, S::Failed);
        let r = transition(
            S::InProgress,
            Side::Performer,
            ActionKind::Exit,
            None,
            None,
            History { intake_done: true },
        );
        assert_eq!(r, Err(TransitionError::ExitKindRequired));
    }
}
