//! A program's working calendar (issue 4): its time zone, business days and hours, and
//! the holidays it enters. Deadlines are computed on it: "intake within N days" ends on a
//! business day; "contact within 72 business hours" counts only open hours, across
//! weekends, holidays and daylight-saving changes.
use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::hold::{Deadline, deadline_on};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub tz: Tz,
    /// Monday first.
    pub business_days: [bool; 7],
    pub opens: NaiveTime,
    pub closes: NaiveTime,
    pub holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// Monday to Friday, 9:00 to 17:00, no holidays.
    pub fn office(tz: Tz) -> Calendar {
        Calendar {
            tz,
            business_days: [true, true, true, true, true, false, false],
            opens: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
            closes: NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default(),
            holidays: BTreeSet::new(),
        }
    }

    pub fn is_business_day(&self, d: NaiveDate) -> bool {
        self.business_days[d.weekday().num_days_from_monday() as usize]
            && !self.holidays.contains(&d)
    }

    /// The first business day on or after `d` (itself if it is one). A calendar without
    /// any business day answers `d`.
    pub fn on_or_after(&self, d: NaiveDate) -> NaiveDate {
        let mut day = d;
        for _ in 0..3660 {
            if self.is_business_day(day) {
                return day;
            }
            day = day.succ_opt().unwrap_or(day);
        }
        d
    }

    /// "Within `days` days" of `from`: calendar days after the local date, moved to the
    /// next business day when the last one is not (a weekend or a holiday); it ends at
    /// the end of that local day.
    pub fn days_deadline(&self, from: DateTime<Utc>, days: u32) -> Deadline {
        let local = from.with_timezone(&self.tz).date_naive();
        let last = local
            .checked_add_days(Days::new(u64::from(days)))
            .unwrap_or(local);
        deadline_on(self.on_or_after(last), self.tz)
    }

    /// "Within `days` business days": the `days`-th business day after the local date.
    pub fn business_days_deadline(&self, from: DateTime<Utc>, days: u32) -> Deadline {
        let mut day = from.with_timezone(&self.tz).date_naive();
        let mut left = days;
        while left > 0 {
            day = self.on_or_after(day.succ_opt().unwrap_or(day));
            left -= 1;
        }
        deadline_on(day, self.tz)
    }

    /// The instant a local wall-clock time happens (the later one in a repeated hour, the
    /// first valid one after a skipped hour).
    fn at(&self, d: NaiveDate, t: NaiveTime) -> DateTime<Utc> {
        let naive = d.and_time(t);
        match self.tz.from_local_datetime(&naive) {
            chrono::LocalResult::Single(x) => x.with_timezone(&Utc),
            chrono::LocalResult::Ambiguous(_, later) => later.with_timezone(&Utc),
            chrono::LocalResult::None => {
                // In a spring-forward gap: an hour later exists.
                let later = naive + chrono::Duration::hours(1);
                self.tz
                    .from_local_datetime(&later)
                    .earliest()
                    .map(|x| x.with_timezone(&Utc))
                    .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
            }
        }
    }

    /// The moment `hours` business hours after `from` have passed: only time between
    /// opening and closing on business days counts.
    pub fn add_business_hours(&self, from: DateTime<Utc>, hours: u32) -> DateTime<Utc> {
        if hours == 0 {
            return from;
        }
        let mut left = chrono::Duration::hours(i64::from(hours));
        let mut day = from.with_timezone(&self.tz).date_naive();
        let mut cursor = from;
        for _ in 0..3660 {
            if self.is_business_day(day) {
                let open = self.at(day, self.opens);
                let close = self.at(day, self.closes);
                let start = cursor.max(open);
                if start < close {
                    let available = close - start;
                    if left <= available {
                        return start + left;
                    }
                    left -= available;
                }
            }
            day = day.succ_opt().unwrap_or(day);
            cursor = self.at(day, NaiveTime::MIN);
        }
        cursor
    }

    /// Parses business days written as seven characters, Monday first (`1111100`).
    pub fn parse_days(s: &str) -> Option<[bool; 7]> {
        let chars: Vec<char> = s.trim().chars().collect();
        if chars.len() != 7 {
            return None;
        }
        let mut days = [false; 7];
        for (i, c) in chars.iter().enumerate() {
            days[i] = match c {
                '1' => true,
                '0' => false,
                _ => return None,
            };
        }
        Some(days)
    }

    pub fn days_text(&self) -> String {
        self.business_days
            .iter()
            .map(|b| if *b { '1' } else { '0' })
            .collect()
    }

    /// Business days for people, as the staff catalogue words them: "Monday to Friday"
    /// or a list of short names.
    pub fn days_label(&self) -> String {
        /// The days' short names by staff catalogue key, Monday first.
        const NAMES: [&str; 7] = [
            "calendar-day-short-mon",
            "calendar-day-short-tue",
            "calendar-day-short-wed",
            "calendar-day-short-thu",
            "calendar-day-short-fri",
            "calendar-day-short-sat",
            "calendar-day-short-sun",
        ];
        if self.business_days == [true, true, true, true, true, false, false] {
            return handoff_i18n::staff("calendar-days-monday-to-friday");
        }
        NAMES
            .iter()
            .zip(self.business_days)
            .filter(|(_, on)| *on)
            .map(|(k, _)| handoff_i18n::staff(k))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chicago() -> Calendar {
        Calendar::office("America/Chicago".parse().unwrap())
    }

    fn local(c: &Calendar, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        c.tz.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn seventy_two_business_hours_skip_nights_weekends_and_a_holiday() {
        let mut c = chicago();
        // Wednesday 1 July 2026, 15:00; Friday 3 July is a holiday (Independence Day
        // observed). 8-hour days: 2 h Wed, 8 Thu, 8 Mon 6, ...: 72 h = 2 + 8 x 8 + 6.
        c.holidays
            .insert(NaiveDate::from_ymd_opt(2026, 7, 3).unwrap());
        let from = local(&c, 2026, 7, 1, 15, 0);
        let due = c.add_business_hours(from, 72);
        // Wed 2, Thu 8 (10), Mon 6 8 (18), Tue 7 (26), Wed 8 (34), Thu 9 (42), Fri 10 (50),
        // Mon 13 (58), Tue 14 (66), Wed 15: 6 more, 15:00.
        assert_eq!(due, local(&c, 2026, 7, 15, 15, 0));
        // Without the holiday it is a day earlier.
        c.holidays.clear();
        assert_eq!(
            c.add_business_hours(from, 72),
            local(&c, 2026, 7, 14, 15, 0)
        );
        // Starting at night counts from the next opening.
        let night = local(&c, 2026, 7, 1, 22, 0);
        assert_eq!(c.add_business_hours(night, 8), local(&c, 2026, 7, 2, 17, 0));
        assert_eq!(c.add_business_hours(night, 0), night);
    }

    #[test]
    fn business_hours_across_the_spring_daylight_saving_change() {
        let c = chicago();
        // Friday 6 March 2026 16:00 CST; clocks go forward on Sunday 8 March. Two business
        // hours: one on Friday, one on Monday 9 March, ending 10:00 CDT (15:00 UTC, not
        // 16:00 UTC as it would in CST).
        let from = local(&c, 2026, 3, 6, 16, 0);
        let due = c.add_business_hours(from, 2);
        assert_eq!(due, local(&c, 2026, 3, 9, 10, 0));
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 3, 9, 15, 0, 0).unwrap());
    }

    #[test]
    fn a_days_deadline_ends_on_a_business_day_at_local_midnight_across_dst() {
        let mut c = chicago();
        // Thursday 5 November 2026 + 3 days = Sunday 8 November: moved to Monday 9,
        // ending at midnight CST (06:00 UTC), after the fall-back change of 1 November.
        let from = local(&c, 2026, 11, 5, 10, 0);
        let d = c.days_deadline(from, 3);
        assert_eq!(d.last_day, NaiveDate::from_ymd_opt(2026, 11, 9).unwrap());
        assert_eq!(
            d.ends_at,
            Utc.with_ymd_and_hms(2026, 11, 10, 6, 0, 0).unwrap()
        );
        // Monday a holiday too (say): Tuesday.
        c.holidays
            .insert(NaiveDate::from_ymd_opt(2026, 11, 9).unwrap());
        assert_eq!(
            c.days_deadline(from, 3).last_day,
            NaiveDate::from_ymd_opt(2026, 11, 10).unwrap()
        );
        // Across the spring change the day still ends at local midnight (05:00 UTC).
        let d = c.days_deadline(local(&c, 2026, 3, 6, 10, 0), 3);
        assert_eq!(d.last_day, NaiveDate::from_ymd_opt(2026, 3, 9).unwrap());
        assert_eq!(
            d.ends_at,
            Utc.with_ymd_and_hms(2026, 3, 10, 5, 0, 0).unwrap()
        );
    }

    #[test]
    fn business_days_deadline_and_day_settings() {
        let mut c = chicago();
        c.holidays
            .insert(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()); // Thanksgiving
        // Wednesday 25 November + 2 business days: Friday 27 (Thursday is a holiday),
        // then Monday 30.
        let d = c.business_days_deadline(local(&c, 2026, 11, 25, 12, 0), 2);
        assert_eq!(d.last_day, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(Calendar::parse_days("1111100"), Some(c.business_days));
        assert_eq!(Calendar::parse_days("11111"), None);
        assert_eq!(Calendar::parse_days("111110x"), None);
        assert_eq!(c.days_label(), "Monday to Friday");
        c.business_days = Calendar::parse_days("1111110").unwrap();
        assert_eq!(c.days_label(), "Mon, Tue, Wed, Thu, Fri, Sat");
        assert_eq!(c.days_text(), "1111110");
    }
}
