//! The spans rollups are kept for (ADR 0011, amendment of issue 14): a month ("2026-11"),
//! a third of a month ("2026-11/1" for days 1 to 10, "/2" for 11 to 20, "/3" for 21 to the
//! end) and a day ("2026-11-05"). Thirds and months are sums of the spans below them, so
//! a period is read as a few large spans and a few days.
use chrono::{Datelike, NaiveDate};

/// A span's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Month,
    Third,
    Day,
}

/// A span: its name and its first and last day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub name: String,
    pub tier: Tier,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

fn month_bounds(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = d.with_day(1).unwrap_or(d);
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|n| n.pred_opt())
        .unwrap_or(first);
    (first, last)
}

impl Span {
    pub fn day(d: NaiveDate) -> Span {
        Span {
            name: d.format("%Y-%m-%d").to_string(),
            tier: Tier::Day,
            first: d,
            last: d,
        }
    }

    /// The third of its month a day is in.
    pub fn third(d: NaiveDate) -> Span {
        let (first, last) = month_bounds(d);
        let k = ((d.day() - 1) / 10).min(2);
        let a = first + chrono::Days::new(u64::from(k * 10));
        let b = if k == 2 {
            last
        } else {
            a + chrono::Days::new(9)
        };
        Span {
            name: format!("{}/{}", d.format("%Y-%m"), k + 1),
            tier: Tier::Third,
            first: a,
            last: b,
        }
    }

    /// The month a day is in.
    pub fn month(d: NaiveDate) -> Span {
        let (first, last) = month_bounds(d);
        Span {
            name: d.format("%Y-%m").to_string(),
            tier: Tier::Month,
            first,
            last,
        }
    }

    /// The spans one tier down (thirds of a month, days of a third; none for a day).
    pub fn parts(&self) -> Vec<Span> {
        match self.tier {
            Tier::Day => vec![],
            Tier::Third => self
                .first
                .iter_days()
                .take_while(|d| *d <= self.last)
                .map(Span::day)
                .collect(),
            Tier::Month => [1, 11, 21]
                .into_iter()
                .filter_map(|k| self.first.with_day(k))
                .map(Span::third)
                .collect(),
        }
    }

    /// The range of names of the parts, for `span >= lo AND span <= hi` (days sort inside
    /// their third's range; a month's thirds as "YYYY-MM/1" to "YYYY-MM/3").
    pub fn parts_range(&self) -> Option<(String, String)> {
        let parts = self.parts();
        Some((parts.first()?.name.clone(), parts.last()?.name.clone()))
    }
}

/// Whether a text is a span's name (it is written into SQL as a literal).
pub fn is_name(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    match b.len() {
        7 => digits(0..4) && b[4] == b'-' && digits(5..7),
        9 => {
            digits(0..4)
                && b[4] == b'-'
                && digits(5..7)
                && b[7] == b'/'
                && (b'1'..=b'3').contains(&b[8])
        }
        10 => digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10),
        _ => false,
    }
}

/// How a period is read: rolled-up spans, and days counted live.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tiling {
    pub rolled: Vec<String>,
    /// Inclusive day ranges, in order.
    pub live: Vec<(NaiveDate, NaiveDate)>,
}

/// What is known of a span when a period is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Rolled up and current: read it.
    Usable,
    /// No fact rows and nothing dirty: nothing to read.
    Empty,
    /// Dirty, or its time-dependent counts have changed since it was built.
    Stale,
}

impl Tiling {
    fn push_live(&mut self, a: NaiveDate, b: NaiveDate) {
        match self.live.last_mut() {
            Some((_, end)) if end.succ_opt() == Some(a) => *end = b,
            _ => self.live.push((a, b)),
        }
    }

    fn cover(&mut self, s: Span, from: NaiveDate, to: NaiveDate, state: &dyn Fn(&Span) -> State) {
        if s.last < from || s.first > to {
            return;
        }
        // A span reaching past the period is read whole when its days outside the period
        // have no fact rows (the rest of the current month, the days before a program
        // began): it counts only what the period holds.
        let fits = (s.first >= from && s.last <= to)
            || (s.tier != Tier::Day
                && s.first
                    .iter_days()
                    .take_while(|d| *d <= s.last)
                    .filter(|d| *d < from || *d > to)
                    .all(|d| state(&Span::day(d)) == State::Empty));
        if fits {
            match state(&s) {
                State::Usable => return self.rolled.push(s.name),
                State::Empty => return,
                State::Stale if s.tier == Tier::Day => return self.push_live(s.first, s.last),
                State::Stale => {}
            }
        }
        if s.tier == Tier::Day {
            return;
        }
        for p in s.parts() {
            self.cover(p, from, to, state);
        }
    }
}

/// Covers [from, to] with the largest usable spans: whole months, else whole thirds, else
/// days; a day that is stale is counted live (adjacent live days are one range). A span
/// that reaches past the period is as good as one inside it when its days outside the
/// period are empty.
pub fn tile(from: NaiveDate, to: NaiveDate, state: impl Fn(&Span) -> State) -> Tiling {
    let mut out = Tiling::default();
    let mut m = from.with_day(1).unwrap_or(from);
    while m <= to {
        out.cover(Span::month(m), from, to, &state);
        match m.checked_add_months(chrono::Months::new(1)) {
            Some(n) => m = n,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn names_and_bounds() {
        assert_eq!(Span::third(d("2024-02-29")).name, "2024-02/3");
        assert_eq!(Span::third(d("2024-02-29")).first, d("2024-02-21"));
        assert_eq!(Span::third(d("2024-02-29")).last, d("2024-02-29"));
        assert_eq!(Span::third(d("2026-12-10")).name, "2026-12/1");
        assert_eq!(Span::third(d("2026-12-11")).first, d("2026-12-11"));
        assert_eq!(Span::month(d("2026-12-31")).last, d("2026-12-31"));
        assert_eq!(Span::third(d("2026-12-31")).parts().len(), 11);
        let m = Span::month(d("2026-11-05"));
        assert_eq!(
            m.parts_range(),
            Some(("2026-11/1".into(), "2026-11/3".into()))
        );
        assert_eq!(
            Span::third(d("2026-11-15")).parts_range(),
            Some(("2026-11-11".into(), "2026-11-20".into()))
        );
        for ok in ["2026-11", "2026-11/3", "2026-11-05"] {
            assert!(is_name(ok), "{ok}");
        }
        for bad in [
            "2026-1",
            "2026-11/4",
            "2026-11-5'",
            "'; DROP",
            "2026/11/05",
            "",
        ] {
            assert!(!is_name(bad), "{bad}");
        }
    }

    #[test]
    fn a_period_is_read_as_the_largest_usable_spans() {
        let all = |_: &Span| State::Usable;
        let t = tile(d("2026-09-08"), d("2026-12-06"), all);
        assert_eq!(
            t.rolled,
            [
                "2026-09-08",
                "2026-09-09",
                "2026-09-10",
                "2026-09/2",
                "2026-09/3",
                "2026-10",
                "2026-11",
                "2026-12-01",
                "2026-12-02",
                "2026-12-03",
                "2026-12-04",
                "2026-12-05",
                "2026-12-06"
            ]
        );
        assert!(t.live.is_empty());
        // A stale day makes its third and month read from their parts; it is counted live.
        let stale = |s: &Span| {
            if (s.first <= d("2026-10-15") && s.last >= d("2026-10-15")) || s.name == "2026-10-16" {
                State::Stale
            } else {
                State::Usable
            }
        };
        let t = tile(d("2026-10-01"), d("2026-10-31"), stale);
        assert_eq!(
            t.rolled,
            [
                "2026-10/1",
                "2026-10-11",
                "2026-10-12",
                "2026-10-13",
                "2026-10-14",
                "2026-10-17",
                "2026-10-18",
                "2026-10-19",
                "2026-10-20",
                "2026-10/3"
            ]
        );
        assert_eq!(t.live, [(d("2026-10-15"), d("2026-10-16"))]);
        // Empty spans are skipped.
        let t = tile(d("2026-01-01"), d("2026-12-31"), |_| State::Empty);
        assert_eq!(t, Tiling::default());
    }

    #[test]
    fn a_span_past_the_period_is_read_whole_when_its_other_days_are_empty() {
        // Nothing after 6 December yet (today), nothing before 8 September 2024 (when the
        // program began): the month and the thirds count only the period's days.
        let today = d("2026-12-06");
        let began = d("2024-09-08");
        let state = |s: &Span| {
            if s.last < began || s.first > today {
                State::Empty
            } else {
                State::Usable
            }
        };
        let t = tile(d("2026-09-08"), today, state);
        assert_eq!(
            t.rolled,
            [
                "2026-09-08",
                "2026-09-09",
                "2026-09-10",
                "2026-09/2",
                "2026-09/3",
                "2026-10",
                "2026-11",
                "2026-12"
            ]
        );
        let t = tile(d("2024-09-01"), d("2024-10-31"), state);
        assert_eq!(t.rolled, ["2024-09", "2024-10"]);
        // A day with rows after the period keeps its month and third out: the days are
        // read instead.
        let later = |s: &Span| {
            if s.first <= d("2026-12-07") && s.last >= d("2026-12-07") {
                State::Usable
            } else {
                state(s)
            }
        };
        let t = tile(d("2026-12-01"), d("2026-12-06"), later);
        assert_eq!(
            t.rolled,
            [
                "2026-12-01",
                "2026-12-02",
                "2026-12-03",
                "2026-12-04",
                "2026-12-05",
                "2026-12-06"
            ]
        );
        // A dirty day outside the period is not known to be empty.
        let dirty = |s: &Span| {
            if s.first <= d("2026-12-20") && s.last >= d("2026-12-20") {
                State::Stale
            } else {
                state(s)
            }
        };
        let t = tile(d("2026-12-01"), d("2026-12-06"), dirty);
        assert_eq!(t.rolled, ["2026-12/1"]);
    }
}
