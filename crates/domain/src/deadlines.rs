//! Every deadline of an encounter, stated once: what each one is, on the program's
//! calendar (`calendar` does the arithmetic of days and business hours). Pages, the API,
//! the slip and the worker ask here, so they cannot disagree.
use chrono::{DateTime, NaiveDate, Utc};

use crate::calendar::Calendar;
use crate::hold::Deadline;

/// The intake deadline: a held charge's (fixed when the offer was accepted, perhaps
/// extended by the prosecutor since), else `days` days on the calendar after the encounter
/// (moved to the next business day, ending at the end of that local day).
pub fn intake(
    cal: &Calendar,
    occurred_at: DateTime<Utc>,
    days: u32,
    held: Option<Deadline>,
) -> Deadline {
    held.unwrap_or_else(|| cal.days_deadline(occurred_at, days))
}

/// First contact on a contact card: `hours` business hours after the referral, and never
/// after the intake deadline's last day.
pub fn first_contact(
    cal: &Calendar,
    referred_at: DateTime<Utc>,
    hours: u32,
    intake_last: NaiveDate,
) -> NaiveDate {
    cal.add_business_hours(referred_at, hours)
        .with_timezone(&cal.tz)
        .date_naive()
        .min(intake_last)
}

/// A follow-up visit after the encounter (Naloxone Plus, or any pathway whose rules set
/// `follow_up_days`): `days` days on the calendar, its last day.
pub fn follow_up(cal: &Calendar, occurred_at: DateTime<Utc>, days: u32) -> NaiveDate {
    cal.days_deadline(occurred_at, days).last_day
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn cal() -> Calendar {
        Calendar::office("America/Chicago".parse().unwrap())
    }

    #[test]
    fn the_intake_deadline_ends_at_local_midnight_after_its_last_day() {
        // 2026-03-02 15:00 Chicago (CST) + 30 days = Wednesday 2026-04-01, which ends at
        // 2026-04-02 00:00 CDT.
        let from = Utc.with_ymd_and_hms(2026, 3, 2, 21, 0, 0).unwrap();
        let d = intake(&cal(), from, 30, None);
        assert_eq!(d.last_day, NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
        assert_eq!(
            d.ends_at,
            Utc.with_ymd_and_hms(2026, 4, 2, 5, 0, 0).unwrap()
        );
        // A held charge's deadline is the one that counts.
        let held = crate::hold::deadline_on(NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(), cal().tz);
        assert_eq!(intake(&cal(), from, 30, Some(held)), held);
    }

    #[test]
    fn a_late_evening_encounter_counts_from_its_local_date() {
        // 23:30 on Thursday Jan 8 in Chicago is already Jan 9 in UTC; the local date counts,
        // and the next day (Friday) is a business day.
        let from = Utc.with_ymd_and_hms(2026, 1, 9, 5, 30, 0).unwrap();
        assert_eq!(
            intake(&cal(), from, 1, None).last_day,
            NaiveDate::from_ymd_opt(2026, 1, 9).unwrap()
        );
    }

    #[test]
    fn first_contact_is_in_business_hours_and_never_after_the_intake_deadline() {
        // Friday 16:00: 72 business hours (nine 8-hour days) later is Thursday of the
        // second week after, unless the intake deadline comes first.
        let from = Utc.with_ymd_and_hms(2026, 3, 6, 22, 0, 0).unwrap();
        let due = first_contact(
            &cal(),
            from,
            72,
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        );
        assert_eq!(due, NaiveDate::from_ymd_opt(2026, 3, 19).unwrap());
        let capped = first_contact(
            &cal(),
            from,
            72,
            NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
        );
        assert_eq!(capped, NaiveDate::from_ymd_opt(2026, 3, 10).unwrap());
    }

    #[test]
    fn a_follow_up_falling_on_a_weekend_moves_to_monday() {
        // Wednesday + 3 days = Saturday: due Monday.
        let from = Utc.with_ymd_and_hms(2026, 3, 4, 18, 0, 0).unwrap();
        assert_eq!(
            follow_up(&cal(), from, 3),
            NaiveDate::from_ymd_opt(2026, 3, 9).unwrap()
        );
    }
}
