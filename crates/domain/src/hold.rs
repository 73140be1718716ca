//! The legal timeline of Officer Intervention: charges held in abeyance (or a citation)
//! until an intake deadline, then the prosecutor's decision. Kept apart from the service
//! timeline; the two touch only through "intake completed by the deadline: yes/no".
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::{Coded, code_enum};

code_enum!(
    HoldState {
        Held = "held": "Held, awaiting intake",
        IntakeMet = "intake_met": "Intake completed by deadline",
        DeadlineMissed = "deadline_missed": "Deadline missed",
        ReferredBack = "referred_back": "Referred back (withdrew or new arrest)",
        Filed = "filed": "Charges filed",
        DeclinedToFile = "declined_to_file": "Declined to file",
    }
);

code_enum!(
    ProsecutorDecision {
        DeclineToFile = "decline_to_file": "Decline to file",
        File = "file": "File charges",
        Extend = "extend": "Extend the deadline",
    }
);

impl HoldState {
    pub fn is_final(self) -> bool {
        matches!(self, HoldState::Filed | HoldState::DeclinedToFile)
    }
}

/// A deadline: the last day (inclusive) in the program's time zone, and the instant it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub last_day: NaiveDate,
    pub ends_at: DateTime<Utc>,
}

/// The instant a local day starts in a time zone (the first valid local time at or after
/// midnight, so days that start inside a daylight-saving gap still have a start).
pub fn start_of_day(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    for hour in 0..24u32 {
        let Some(naive) = day.and_hms_opt(hour, 0, 0) else {
            continue;
        };
        if let Some(t) = tz.from_local_datetime(&naive).earliest() {
            return t.with_timezone(&Utc);
        }
    }
    // Unreachable for real time zones; fall back to UTC midnight.
    day.and_hms_opt(0, 0, 0)
        .map(|n| Utc.from_utc_datetime(&n))
        .unwrap_or_else(|| Utc.timestamp_opt(0, 0).single().unwrap_or_default())
}

/// The deadline whose last day is `last_day`.
pub fn deadline_on(last_day: NaiveDate, tz: Tz) -> Deadline {
    let next = last_day.succ_opt().unwrap_or(last_day);
    Deadline {
        last_day,
        ends_at: start_of_day(next, tz),
    }
}

/// How a held charge's deadline looks right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum DeadlineStatus {
    Open {
        days_left: i64,
    },
    DueSoon {
        days_left: i64,
    },
    /// The deadline has passed and the worker has not marked it yet.
    Overdue,
    Met,
    Missed,
    Closed,
}

pub const DUE_SOON_DAYS: i64 = 3;

pub fn deadline_status(
    state: HoldState,
    deadline: Deadline,
    now: DateTime<Utc>,
    tz: Tz,
) -> DeadlineStatus {
    match state {
        HoldState::IntakeMet => DeadlineStatus::Met,
        HoldState::DeadlineMissed => DeadlineStatus::Missed,
        HoldState::Filed | HoldState::DeclinedToFile | HoldState::ReferredBack => {
            DeadlineStatus::Closed
        }
        HoldState::Held => {
            if now >= deadline.ends_at {
                return DeadlineStatus::Overdue;
            }
            let today = now.with_timezone(&tz).date_naive();
            let days_left = (deadline.last_day - today).num_days();
            if days_left <= DUE_SOON_DAYS {
                DeadlineStatus::DueSoon { days_left }
            } else {
                DeadlineStatus::Open { days_left }
            }
        }
    }
}

/// What recording an intake does to a hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntakeEffect {
    /// The hold moves to a new state.
    Transition(HoldState),
    /// The deadline was already marked missed but the intake is dated before it ended: the
    /// prosecutor sees a correction; nothing is reversed.
    Correction,
    NoChange,
}

pub fn on_intake(state: HoldState, intake_at: DateTime<Utc>, deadline: Deadline) -> IntakeEffect {
    let in_time = intake_at < deadline.ends_at;
    match state {
        HoldState::Held if in_time => IntakeEffect::Transition(HoldState::IntakeMet),
        HoldState::Held => IntakeEffect::Transition(HoldState::DeadlineMissed),
        HoldState::DeadlineMissed if in_time => IntakeEffect::Correction,
        _ => IntakeEffect::NoChange,
    }
}

/// What the deadline passing does: only a hold still waiting for intake is marked missed.
pub fn on_deadline_passed(state: HoldState) -> Option<HoldState> {
    match state {
        HoldState::Held => Some(HoldState::DeadlineMissed),
        _ => None,
    }
}

/// The person withdrew or was arrested again.
pub fn on_referred_back(state: HoldState) -> Option<HoldState> {
    match state {
        HoldState::Held | HoldState::IntakeMet => Some(HoldState::ReferredBack),
        _ => None,
    }
}

/// Why a decision may not be recorded. Its words are the staff catalogue's
/// (`err-decision-...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionError {
    Final(HoldState),
    FileWhileHeld,
    ExtendNotLater,
    ExtendNeedsDate,
    ExtendNotOpen(HoldState),
}

impl std::fmt::Display for DecisionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use handoff_i18n::{staff, staff_with};
        let text = match self {
            DecisionError::Final(s) => {
                staff_with("err-decision-final", &[("state", staff(&s.key()).into())])
            }
            DecisionError::FileWhileHeld => staff("err-decision-file-while-held"),
            DecisionError::ExtendNotLater => staff("err-decision-extend-not-later"),
            DecisionError::ExtendNeedsDate => staff("err-decision-extend-needs-date"),
            DecisionError::ExtendNotOpen(s) => staff_with(
                "err-decision-extend-not-open",
                &[("state", staff(&s.key()).into())],
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for DecisionError {}

/// The prosecutor's decision. Returns the new state and, for an extension, the new deadline.
pub fn decide(
    state: HoldState,
    decision: ProsecutorDecision,
    current: Deadline,
    new_last_day: Option<NaiveDate>,
    today: NaiveDate,
    tz: Tz,
) -> Result<(HoldState, Option<Deadline>), DecisionError> {
    if state.is_final() {
        return Err(DecisionError::Final(state));
    }
    match decision {
        ProsecutorDecision::DeclineToFile => Ok((HoldState::DeclinedToFile, None)),
        ProsecutorDecision::File => {
            if state == HoldState::Held {
                Err(DecisionError::FileWhileHeld)
            } else {
                Ok((HoldState::Filed, None))
            }
        }
        ProsecutorDecision::Extend => {
            if !matches!(state, HoldState::Held | HoldState::DeadlineMissed) {
                return Err(DecisionError::ExtendNotOpen(state));
            }
            let day = new_last_day.ok_or(DecisionError::ExtendNeedsDate)?;
            if day <= today || day <= current.last_day {
                return Err(DecisionError::ExtendNotLater);
            }
            Ok((HoldState::Held, Some(deadline_on(day, tz))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn chicago() -> Tz {
        "America/Chicago".parse().unwrap()
    }

    #[test]
    fn intake_in_time_meets_the_deadline_and_late_one_misses() {
        let d = deadline_on(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(), chicago());
        let just_before = d.ends_at - chrono::Duration::seconds(1);
        assert_eq!(
            on_intake(HoldState::Held, just_before, d),
            IntakeEffect::Transition(HoldState::IntakeMet)
        );
        assert_eq!(
            on_intake(HoldState::Held, d.ends_at, d),
            IntakeEffect::Transition(HoldState::DeadlineMissed)
        );
    }

    #[test]
    fn late_correction_never_reverses_a_missed_deadline() {
        let d = deadline_on(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(), chicago());
        let earlier = d.ends_at - chrono::Duration::days(2);
        assert_eq!(
            on_intake(HoldState::DeadlineMissed, earlier, d),
            IntakeEffect::Correction
        );
        assert_eq!(
            on_intake(HoldState::Filed, earlier, d),
            IntakeEffect::NoChange
        );
    }

    #[test]
    fn decisions_follow_the_rules() {
        let tz = chicago();
        let d = deadline_on(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(), tz);
        let today = NaiveDate::from_ymd_opt(2026, 4, 3).unwrap();
        assert_eq!(
            decide(
                HoldState::Held,
                ProsecutorDecision::File,
                d,
                None,
                today,
                tz
            ),
            Err(DecisionError::FileWhileHeld)
        );
        assert_eq!(
            decide(
                HoldState::DeadlineMissed,
                ProsecutorDecision::File,
                d,
                None,
                today,
                tz
            )
            .unwrap()
            .0,
            HoldState::Filed
        );
        assert!(matches!(
            decide(
                HoldState::Filed,
                ProsecutorDecision::DeclineToFile,
                d,
                None,
                today,
                tz
            ),
            Err(DecisionError::Final(_))
        ));
        assert_eq!(
            decide(
                HoldState::DeadlineMissed,
                ProsecutorDecision::Extend,
                d,
                None,
                today,
                tz
            ),
            Err(DecisionError::ExtendNeedsDate)
        );
        assert_eq!(
            decide(
                HoldState::DeadlineMissed,
                ProsecutorDecision::Extend,
                d,
                Some(today),
                today,
                tz
            ),
            Err(DecisionError::ExtendNotLater)
        );
        let later = NaiveDate::from_ymd_opt(2026, 4, 20).unwrap();
        let (s, nd) = decide(
            HoldState::DeadlineMissed,
            ProsecutorDecision::Extend,
            d,
            Some(later),
            today,
            tz,
        )
        .unwrap();
        assert_eq!(s, HoldState::Held);
        assert_eq!(nd.unwrap().last_day, later);
        // A withdrawal is not undone by extending.
        assert_eq!(
            decide(
                HoldState::ReferredBack,
                ProsecutorDecision::Extend,
                d,
                Some(later),
                today,
                tz
            ),
            Err(DecisionError::ExtendNotOpen(HoldState::ReferredBack))
        );
    }

    #[test]
    fn status_counts_days_in_the_program_zone() {
        let tz = chicago();
        let d = deadline_on(NaiveDate::from_ymd_opt(2026, 4, 10).unwrap(), tz);
        let now = Utc.with_ymd_and_hms(2026, 4, 1, 18, 0, 0).unwrap();
        assert_eq!(
            deadline_status(HoldState::Held, d, now, tz),
            DeadlineStatus::Open { days_left: 9 }
        );
        let now = Utc.with_ymd_and_hms(2026, 4, 8, 18, 0, 0).unwrap();
        assert_eq!(
            deadline_status(HoldState::Held, d, now, tz),
            DeadlineStatus::DueSoon { days_left: 2 }
        );
        assert_eq!(
            deadline_status(HoldState::Held, d, d.ends_at, tz),
            DeadlineStatus::Overdue
        );
    }
}
