//! Whether a service is open, from its HSDS schedules (ADR 0017): weekly rules
//! (`freq` WEEKLY, `byday`, `opens_at`, `closes_at`, within `valid_from`..`valid_to`) and
//! closures (`valid_from` = `valid_to`, no opening times). Anything else is kept but not
//! evaluated: a service with no rule Handoff can read is "hours unknown", never "open".

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use super::hsds::Schedule;

pub fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M"))
        .ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hours {
    /// Open now, until this local time (on this day or, past midnight, the next).
    Open {
        until: NaiveTime,
    },
    /// Closed now; `closure` when a dated closure (a holiday) applies.
    Closed {
        closure: bool,
    },
    Unknown,
}

#[derive(Debug, Clone)]
struct Weekly {
    days: Vec<Weekday>,
    opens: NaiveTime,
    closes: NaiveTime,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

fn date(s: &Option<String>) -> Option<NaiveDate> {
    s.as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

fn weekday(code: &str) -> Option<Weekday> {
    Some(match code {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

fn weekly(s: &Schedule) -> Option<Weekly> {
    if s.freq.as_deref() != Some("WEEKLY")
        || s.interval.as_ref().is_some_and(|i| i.as_u64() != Some(1))
        || s.count.is_some()
        || s.byweekno.is_some()
        || s.bymonthday.is_some()
        || s.byyearday.is_some()
    {
        return None;
    }
    let days = s
        .byday
        .as_deref()?
        .split(',')
        .map(|d| weekday(d.trim()))
        .collect::<Option<Vec<_>>>()?;
    Some(Weekly {
        days,
        opens: parse_time(s.opens_at.as_deref()?)?,
        closes: parse_time(s.closes_at.as_deref()?)?,
        from: date(&s.valid_from).or(date(&s.dtstart)),
        to: date(&s.valid_to).or(date(&s.until)),
    })
}

fn closure(s: &Schedule) -> Option<NaiveDate> {
    let d = date(&s.valid_from)?;
    (date(&s.valid_to) == Some(d)
        && s.opens_at.is_none()
        && s.closes_at.is_none()
        && s.freq.is_none())
    .then_some(d)
}

/// Whether one of `schedules` can be evaluated at all.
pub fn readable(schedules: &[&Schedule]) -> bool {
    schedules.iter().any(|s| weekly(s).is_some())
}

/// A service's schedules read once (the directory keeps this per service, so that the
/// officer's choice does not read them again for each request).
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    rules: Vec<Weekly>,
    closed: Vec<NaiveDate>,
}

impl Parsed {
    pub fn of(schedules: &[&Schedule]) -> Parsed {
        Parsed {
            rules: schedules.iter().filter_map(|s| weekly(s)).collect(),
            closed: schedules.iter().filter_map(|s| closure(s)).collect(),
        }
    }

    /// Open or closed at a local time.
    pub fn at(&self, now: NaiveDateTime) -> Hours {
        let (rules, closed) = (&self.rules, &self.closed);
        if rules.is_empty() {
            return Hours::Unknown;
        }
        let today = now.date();
        if closed.contains(&today) {
            return Hours::Closed { closure: true };
        }
        let t = now.time();
        let in_force = |w: &Weekly, d: NaiveDate| {
            w.days.contains(&d.weekday())
                && w.from.is_none_or(|f| d >= f)
                && w.to.is_none_or(|e| d <= e)
        };
        for w in rules {
            let all_day = w.opens == w.closes;
            if in_force(w, today)
                && (all_day || (w.opens <= t && (w.closes <= w.opens || t < w.closes)))
            {
                return Hours::Open { until: w.closes };
            }
            // Opened yesterday, closing after midnight.
            let yesterday = today - Duration::days(1);
            if w.closes < w.opens
                && in_force(w, yesterday)
                && !closed.contains(&yesterday)
                && t < w.closes
            {
                return Hours::Open { until: w.closes };
            }
        }
        Hours::Closed { closure: false }
    }
}

/// Open or closed at a local time.
pub fn at(schedules: &[&Schedule], now: NaiveDateTime) -> Hours {
    Parsed::of(schedules).at(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn weekly_rule(byday: &str, opens: &str, closes: &str) -> Schedule {
        Schedule {
            id: Uuid::nil(),
            freq: Some("WEEKLY".into()),
            byday: Some(byday.into()),
            opens_at: Some(opens.into()),
            closes_at: Some(closes.into()),
            ..Default::default()
        }
    }

    fn at_(s: &[Schedule], when: &str) -> Hours {
        let refs: Vec<&Schedule> = s.iter().collect();
        at(
            &refs,
            NaiveDateTime::parse_from_str(when, "%Y-%m-%d %H:%M").unwrap(),
        )
    }

    #[test]
    fn weekdays_holidays_and_overnight() {
        let s = vec![
            weekly_rule("MO,TU,WE,TH,FR", "09:00", "17:00"),
            Schedule {
                id: Uuid::nil(),
                valid_from: Some("2026-12-25".into()),
                valid_to: Some("2026-12-25".into()),
                description: Some("Christmas Day".into()),
                ..Default::default()
            },
        ];
        // 2026-12-07 is a Monday.
        assert!(matches!(at_(&s, "2026-12-07 10:00"), Hours::Open { .. }));
        assert_eq!(
            at_(&s, "2026-12-07 17:00"),
            Hours::Closed { closure: false }
        );
        assert_eq!(
            at_(&s, "2026-12-06 10:00"),
            Hours::Closed { closure: false }
        );
        assert_eq!(at_(&s, "2026-12-25 10:00"), Hours::Closed { closure: true });
        let night = vec![weekly_rule("FR", "20:00", "06:00")];
        assert!(matches!(
            at_(&night, "2026-12-11 23:00"),
            Hours::Open { .. }
        ));
        assert!(matches!(
            at_(&night, "2026-12-12 05:59"),
            Hours::Open { .. }
        ));
        assert_eq!(
            at_(&night, "2026-12-12 06:00"),
            Hours::Closed { closure: false }
        );
        let always = vec![weekly_rule("MO,TU,WE,TH,FR,SA,SU", "00:00", "00:00")];
        assert!(matches!(
            at_(&always, "2026-12-06 03:00"),
            Hours::Open { .. }
        ));
    }

    #[test]
    fn what_cannot_be_read_is_unknown_never_open() {
        let monthly = Schedule {
            freq: Some("MONTHLY".into()),
            bymonthday: Some("1".into()),
            ..weekly_rule("MO", "09:00", "17:00")
        };
        assert_eq!(at_(&[monthly], "2026-12-07 10:00"), Hours::Unknown);
        assert_eq!(at_(&[], "2026-12-07 10:00"), Hours::Unknown);
        let mut bounded = weekly_rule("MO", "09:00", "17:00");
        bounded.valid_to = Some("2026-11-30".into());
        assert_eq!(
            at_(&[bounded], "2026-12-07 10:00"),
            Hours::Closed { closure: false }
        );
    }
}
