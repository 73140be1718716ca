//! When a participant is reminded (issue 17, ADR 0022): some hours before the appointment,
//! never in the program's quiet hours, and never after the appointment; and what a reply
//! that stops them looks like.
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The program's quiet hours, local: from `start` to `end`, across midnight when `start`
/// is later than `end` (21:00 to 08:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quiet {
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub tz: Tz,
}

impl Quiet {
    /// Reads "HH:MM" settings; the usual 21:00 to 08:00 where one is unreadable.
    pub fn parse(start: &str, end: &str, tz: Tz) -> Quiet {
        let t = |s: &str, d: (u32, u32)| {
            NaiveTime::parse_from_str(s, "%H:%M")
                .unwrap_or_else(|_| NaiveTime::from_hms_opt(d.0, d.1, 0).unwrap_or_default())
        };
        Quiet {
            start: t(start, (21, 0)),
            end: t(end, (8, 0)),
            tz,
        }
    }

    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        let t = at.with_timezone(&self.tz).time();
        if self.start <= self.end {
            t >= self.start && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }

    /// The first moment at or after `at` outside quiet hours.
    pub fn next_open(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        if !self.contains(at) {
            return at;
        }
        let local = at.with_timezone(&self.tz);
        let mut day = local.date_naive();
        if self.start > self.end && local.time() >= self.start {
            day = day.succ_opt().unwrap_or(day);
        }
        // The end of quiet hours that day (the earliest valid local time, across a shift).
        match self
            .tz
            .from_local_datetime(&day.and_time(self.end))
            .earliest()
        {
            Some(t) => t.with_timezone(&Utc),
            None => at + Duration::hours(1),
        }
    }

    /// The last moment before `at` outside quiet hours (the minute before they start).
    pub fn last_open_before(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        if !self.contains(at) {
            return at;
        }
        let local = at.with_timezone(&self.tz);
        let mut day = local.date_naive();
        if self.start > self.end && local.time() < self.end {
            day = day.pred_opt().unwrap_or(day);
        }
        match self
            .tz
            .from_local_datetime(&day.and_time(self.start))
            .earliest()
        {
            Some(t) => t.with_timezone(&Utc) - Duration::minutes(1),
            None => at - Duration::hours(1),
        }
    }
}

/// When to remind of an appointment at `appointment`: `hours_before` it, moved to the end
/// of quiet hours, or, if that is no longer before the appointment, to just before they
/// began. None when no such moment is after `now`.
pub fn send_at(
    appointment: DateTime<Utc>,
    hours_before: i64,
    quiet: &Quiet,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let wanted = (appointment - Duration::hours(hours_before)).max(now);
    let later = quiet.next_open(wanted);
    let at = if later < appointment {
        later
    } else {
        quiet.last_open_before(wanted)
    };
    (at >= now && at < appointment && !quiet.contains(at)).then_some(at)
}

/// A reply that stops every message (the carriers' keywords), whatever its case or
/// surrounding spaces and punctuation.
pub fn is_stop(reply: &str) -> bool {
    let word: String = reply
        .trim()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_uppercase();
    matches!(
        word.as_str(),
        "STOP"
            | "STOPALL"
            | "UNSUBSCRIBE"
            | "CANCEL"
            | "END"
            | "QUIT"
            | "REVOKE"
            | "OPTOUT"
            | "ALTO"
            | "PARAR"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chicago() -> Quiet {
        Quiet::parse("21:00", "08:00", chrono_tz::America::Chicago)
    }

    fn local(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        chrono_tz::America::Chicago
            .with_ymd_and_hms(2026, 3, d, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn reminders_keep_out_of_quiet_hours_and_before_the_appointment() {
        let q = chicago();
        let now = local(2, 9, 0);
        // A day before, at 14:00: as is.
        assert_eq!(send_at(local(5, 14, 0), 24, &q, now), Some(local(4, 14, 0)));
        // A day before 07:30 is quiet: moved to 08:00.
        assert_eq!(send_at(local(5, 7, 30), 24, &q, now), Some(local(4, 8, 0)));
        // Tomorrow 07:30, asked at 22:00 today: 08:00 is after it, so the evening before
        // quiet hours... which has passed: none.
        assert_eq!(send_at(local(3, 7, 30), 24, &q, local(2, 22, 0)), None);
        // Two hours ahead at 22:30 the night before an 00:30 appointment: before 21:00.
        assert_eq!(send_at(local(4, 0, 30), 2, &q, now), Some(local(3, 20, 59)));
        // Too soon or past: now, if open; none if the appointment has passed.
        assert_eq!(send_at(local(2, 10, 0), 24, &q, now), Some(now));
        assert_eq!(send_at(local(2, 8, 0), 24, &q, now), None);
        assert!(q.contains(local(2, 23, 0)) && q.contains(local(2, 7, 59)));
        assert!(!q.contains(local(2, 8, 0)) && !q.contains(local(2, 20, 59)));
        assert_eq!(q.next_open(local(2, 23, 0)), local(3, 8, 0));
    }

    #[test]
    fn stop_words_stop() {
        for w in ["STOP", " stop ", "Stop.", "unsubscribe", "ALTO"] {
            assert!(is_stop(w), "{w}");
        }
        for w in ["don't stop", "yes", "", "stopping"] {
            assert!(!is_stop(w), "{w}");
        }
    }
}
