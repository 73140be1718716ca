//! The closed loop to the officer and the prosecutor: the minimum necessary, and only
//! while a release of information names their organization. These types cannot hold
//! clinical content: there is no field for it.
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::ExitKind;
use crate::hold::Deadline;

/// Service facts of a case, gathered from its referrals (clinical store side).
#[derive(Debug, Clone, Default)]
pub struct ServiceFacts {
    pub first_contact_at: Option<DateTime<Utc>>,
    pub intake_at: Option<DateTime<Utc>>,
    pub engaged_at: Option<DateTime<Utc>>,
    pub exit: Option<(ExitKind, DateTime<Utc>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "shared")]
pub enum ProgressStatus {
    /// No valid release names the viewer's organization.
    #[serde(rename = "no")]
    NotShared,
    #[serde(rename = "yes")]
    Shared(Progress),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub contacted_on: Option<NaiveDate>,
    /// Some(true) met, Some(false) missed, None still open (or no deadline).
    pub intake_by_deadline: Option<bool>,
    pub intake_on: Option<NaiveDate>,
    pub engaged: bool,
    pub engaged_on: Option<NaiveDate>,
    /// "completed" or "left the program", with the date; never the reason. These are the
    /// progress feed's values; a page words them from the staff catalogue
    /// (`progress-exit-completed`, `progress-exit-left`).
    pub exit: Option<(String, NaiveDate)>,
}

pub fn progress(
    shared: bool,
    facts: &ServiceFacts,
    deadline: Option<Deadline>,
    now: DateTime<Utc>,
    tz: Tz,
) -> ProgressStatus {
    if !shared {
        return ProgressStatus::NotShared;
    }
    let day = |t: DateTime<Utc>| t.with_timezone(&tz).date_naive();
    let intake_by_deadline = deadline.and_then(|d| match facts.intake_at {
        Some(i) => Some(i < d.ends_at),
        None if now >= d.ends_at => Some(false),
        None => None,
    });
    ProgressStatus::Shared(Progress {
        contacted_on: facts.first_contact_at.map(day),
        intake_by_deadline,
        intake_on: facts.intake_at.map(day),
        engaged: facts.engaged_at.is_some(),
        engaged_on: facts.engaged_at.map(day),
        exit: facts.exit.map(|(k, at)| {
            let what = if k == ExitKind::Completed {
                "completed"
            } else {
                "left the program"
            };
            (what.to_string(), day(at))
        }),
    })
}
