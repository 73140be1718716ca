//! The measures of DOMAIN.md section 5, counted from fact rows (ADR 0011). Storage counts
//! the rows a filter selects ([`Counts`]) and returns duration histograms; this module
//! turns them into rates (with the cases too young to have an outcome kept apart as "not
//! yet known", never failures), medians and distributions. Pure.
use handoff_i18n::staff;
use serde::Serialize;

/// Counts over the fact rows of a period (by encounter date) and filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub encounters: u64,
    /// Distinct people among the encounters (reports; not additive over months).
    pub people: u64,
    /// Encounters that were the person's first with the program.
    pub new_people: u64,
    pub eligible: u64,
    pub offered: u64,
    pub accepted: u64,
    pub referred: u64,
    pub screened: u64,
    pub handed_off: u64,
    pub intakes: u64,
    pub engaged: u64,
    /// Encounters with a person met before in the program.
    pub repeat_encounters: u64,
    pub engaged_30: u64,
    pub known_30: u64,
    pub engaged_60: u64,
    pub known_60: u64,
    pub engaged_90: u64,
    pub known_90: u64,
    pub retained_30: u64,
    pub retention_known_30: u64,
    pub retained_90: u64,
    pub retention_known_90: u64,
    pub deadlines_met: u64,
    pub deadlines_missed: u64,
    pub deadlines_open: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Rate {
    pub numerator: u64,
    pub denominator: u64,
    /// Cases too young to have an outcome: not counted as failures.
    pub not_yet_known: u64,
}

impl Rate {
    pub fn percent(&self) -> Option<f64> {
        (self.denominator > 0).then(|| 100.0 * self.numerator as f64 / self.denominator as f64)
    }
}

/// A duration's distribution: rows per band, the median, how many rows.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Distribution {
    pub bands: Vec<(String, u64)>,
    pub median: Option<f64>,
    pub n: u64,
}

/// One month of the trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MonthLine {
    /// "YYYY-MM".
    pub month: String,
    pub encounters: u64,
    pub referred: u64,
    pub intakes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Measures {
    pub encounters: u64,
    /// Encounters that were the person's first with the program.
    pub new_people: u64,
    pub eligible: u64,
    pub offered: u64,
    pub accepted: u64,
    pub referred: u64,
    pub screened: u64,
    pub handed_off: u64,
    pub intakes: u64,
    pub engaged: u64,
    pub repeat_encounters: u64,
    /// Engaged in treatment within 30 days of the encounter, over referred encounters
    /// (the Illinois measure); and within 60 and 90 days.
    pub engaged_30: Rate,
    pub engaged_60: Rate,
    pub engaged_90: Rate,
    /// Still in treatment 30 and 90 days after engagement, over engaged encounters.
    pub retained_30: Rate,
    pub retained_90: Rate,
    pub deadlines_met: u64,
    pub deadlines_missed: u64,
    pub deadlines_open: u64,
    pub median_hours_to_intake: Option<f64>,
    pub median_warm_handoff_minutes: Option<f64>,
    /// Encounter to the first treatment contact (warm-handoff arrival or first contact),
    /// in hours.
    pub first_contact: Distribution,
    /// Encounter to treatment engagement, in days.
    pub engagement_days: Distribution,
    pub months: Vec<MonthLine>,
}

/// Exact medians of the durations, in minutes (storage finds them from the histograms).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Medians {
    pub warm_minutes: Option<f64>,
    pub contact_minutes: Option<f64>,
    pub intake_minutes: Option<f64>,
    pub engaged_minutes: Option<f64>,
}

/// The ranks (0-based) whose values make the median of `n` sorted values.
pub fn median_ranks(n: u64) -> Vec<u64> {
    match n {
        0 => vec![],
        n if n % 2 == 1 => vec![n / 2],
        n => vec![n / 2 - 1, n / 2],
    }
}

/// Where a rank falls in a histogram: (bucket, rank within the bucket).
pub fn locate(h: &[(i64, i64)], rank: u64) -> Option<(i64, u64)> {
    let mut seen = 0u64;
    for (b, c) in h {
        let c = (*c).max(0) as u64;
        if rank < seen + c {
            return Some((*b, rank - seen));
        }
        seen += c;
    }
    None
}

/// Histograms of durations as storage returns them: (bucket, rows), the bucket being the
/// duration divided by its unit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histograms {
    /// Minutes (unit 1).
    pub warm_minutes: Vec<(i64, i64)>,
    /// Hours (unit 60).
    pub contact_hours: Vec<(i64, i64)>,
    /// Hours (unit 60).
    pub intake_hours: Vec<(i64, i64)>,
    /// Hours (unit 60).
    pub engaged_hours: Vec<(i64, i64)>,
}

fn rate(numerator: u64, known: u64, all: u64) -> Rate {
    Rate {
        numerator,
        denominator: known,
        not_yet_known: all.saturating_sub(known),
    }
}

/// The median of a histogram of `width`-minute buckets, in minutes: exact for width 1,
/// else the middle of the bucket holding it (at most half a bucket off).
pub fn histogram_median(h: &[(i64, i64)], width: i64) -> Option<f64> {
    let n: u64 = h.iter().map(|(_, c)| (*c).max(0) as u64).sum();
    let values: Vec<f64> = median_ranks(n)
        .into_iter()
        .filter_map(|r| locate(h, r))
        .map(|(b, _)| {
            if width <= 1 {
                b as f64
            } else {
                (b as f64 + 0.5) * width as f64
            }
        })
        .collect();
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Rows per band of a histogram; `bands` are (the staff catalogue's key of the band's
/// label, upper bound in buckets, exclusive), the last band taking the rest. Each band is
/// named as the catalogue words it.
pub fn bands(h: &[(i64, i64)], bands: &[(&str, i64)]) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = bands.iter().map(|(k, _)| (staff(k), 0)).collect();
    for (b, c) in h {
        let i = bands
            .iter()
            .position(|(_, upper)| b < upper)
            .unwrap_or(bands.len().saturating_sub(1));
        if let Some(x) = out.get_mut(i) {
            x.1 += (*c).max(0) as u64;
        }
    }
    out
}

/// Bands of the time to first treatment contact, in hours (by the staff catalogue's key).
pub const CONTACT_BANDS: &[(&str, i64)] = &[
    ("measures-contact-under-1-hour", 1),
    ("measures-contact-1-24-hours", 24),
    ("measures-contact-1-3-days", 72),
    ("measures-contact-3-7-days", 168),
    ("measures-contact-7-30-days", 720),
    ("measures-contact-30-days-more", i64::MAX),
];

/// Bands of the time to engagement, in hours (by the staff catalogue's key).
pub const ENGAGEMENT_BANDS: &[(&str, i64)] = &[
    ("measures-engagement-within-7-days", 168),
    ("measures-engagement-8-14-days", 336),
    ("measures-engagement-15-30-days", 720),
    ("measures-engagement-31-60-days", 1440),
    ("measures-engagement-61-90-days", 2160),
    ("measures-engagement-over-90-days", i64::MAX),
];

pub fn measures(c: &Counts, h: &Histograms, m: Medians, months: Vec<MonthLine>) -> Measures {
    let dist =
        |hist: &[(i64, i64)], b: &[(&str, i64)], median: Option<f64>, per: f64| Distribution {
            bands: bands(hist, b),
            median: median.map(|minutes| minutes / per),
            n: hist.iter().map(|(_, n)| (*n).max(0) as u64).sum(),
        };
    Measures {
        encounters: c.encounters,
        new_people: c.new_people,
        eligible: c.eligible,
        offered: c.offered,
        accepted: c.accepted,
        referred: c.referred,
        screened: c.screened,
        handed_off: c.handed_off,
        intakes: c.intakes,
        engaged: c.engaged,
        repeat_encounters: c.repeat_encounters,
        engaged_30: rate(c.engaged_30, c.known_30, c.referred),
        engaged_60: rate(c.engaged_60, c.known_60, c.referred),
        engaged_90: rate(c.engaged_90, c.known_90, c.referred),
        retained_30: rate(c.retained_30, c.retention_known_30, c.engaged),
        retained_90: rate(c.retained_90, c.retention_known_90, c.engaged),
        deadlines_met: c.deadlines_met,
        deadlines_missed: c.deadlines_missed,
        deadlines_open: c.deadlines_open,
        median_hours_to_intake: m.intake_minutes.map(|x| x / 60.0),
        median_warm_handoff_minutes: m.warm_minutes,
        first_contact: dist(&h.contact_hours, CONTACT_BANDS, m.contact_minutes, 60.0),
        engagement_days: dist(
            &h.engaged_hours,
            ENGAGEMENT_BANDS,
            m.engaged_minutes,
            1440.0,
        ),
        months,
    }
}

/// A warm handoff's paging, as the coordinator's measures read it (ADR 0019).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagedHandoff {
    /// Minutes from the officer's call to the acknowledgement; none: not acknowledged.
    pub ack_minutes: Option<i64>,
    /// The highest rung paged (0: the on-call person only; none: nobody could be paged).
    pub top_rung: Option<i64>,
    /// The ladder ended with nobody acknowledging.
    pub unanswered: bool,
}

/// The paging measures of a period: minutes to acknowledgement, escalations per handoff,
/// unanswered pages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PagingMeasures {
    pub handoffs: usize,
    pub acknowledged: usize,
    pub ack_median: Option<i64>,
    pub ack_p90: Option<i64>,
    /// Rungs paged beyond the first, per handoff.
    pub escalations_per_handoff: Option<f64>,
    pub unanswered: usize,
}

pub fn paging(rows: &[PagedHandoff]) -> PagingMeasures {
    let mut ack: Vec<i64> = rows.iter().filter_map(|r| r.ack_minutes).collect();
    ack.sort_unstable();
    // The nearest-rank percentile: the smallest value with at least p% at or below it.
    let rank = |p: usize| {
        (!ack.is_empty()).then(|| ack[(ack.len() * p).div_ceil(100).clamp(1, ack.len()) - 1])
    };
    let escalations: i64 = rows.iter().filter_map(|r| r.top_rung).sum();
    PagingMeasures {
        handoffs: rows.len(),
        acknowledged: ack.len(),
        ack_median: rank(50),
        ack_p90: rank(90),
        escalations_per_handoff: (!rows.is_empty()).then(|| escalations as f64 / rows.len() as f64),
        unanswered: rows.iter().filter(|r| r.unanswered).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_take_the_rest_in_the_last_one() {
        let b = bands(&[(0, 2), (5, 1), (30, 4), (900, 1)], CONTACT_BANDS);
        assert_eq!(b[0], ("Under 1 hour".into(), 2));
        assert_eq!(b[1], ("1 to 24 hours".into(), 1));
        assert_eq!(b[2], ("1 to 3 days".into(), 4));
        assert_eq!(locate(&[(0, 2), (5, 1), (30, 4)], 2), Some((5, 0)));
        assert_eq!(locate(&[(0, 2), (5, 1), (30, 4)], 4), Some((30, 1)));
        assert_eq!(locate(&[(0, 2)], 2), None);
        assert_eq!(median_ranks(4), vec![1, 2]);
        assert_eq!(median_ranks(3), vec![1]);
        assert_eq!(b[5], ("30 days or more".into(), 1));
        let e = bands(&[(0, 1), (2200, 1)], ENGAGEMENT_BANDS);
        assert_eq!(e[0], ("Within 7 days".into(), 1));
        assert_eq!(e[5], ("Over 90 days".into(), 1));
    }

    #[test]
    fn rates_keep_young_cases_apart() {
        let c = Counts {
            referred: 5,
            engaged_30: 2,
            known_30: 4,
            engaged: 2,
            retained_30: 1,
            retention_known_30: 2,
            ..Default::default()
        };
        let m = measures(&c, &Histograms::default(), Medians::default(), vec![]);
        assert_eq!(
            m.engaged_30,
            Rate {
                numerator: 2,
                denominator: 4,
                not_yet_known: 1
            }
        );
        assert_eq!(m.engaged_30.percent(), Some(50.0));
        assert_eq!(m.retained_30.percent(), Some(50.0));
        assert_eq!(m.engaged_60.percent(), None);
        assert_eq!(m.median_hours_to_intake, None);
    }

    #[test]
    fn paging_measures_count_what_happened() {
        let h = |ack: Option<i64>, top: Option<i64>, unanswered| PagedHandoff {
            ack_minutes: ack,
            top_rung: top,
            unanswered,
        };
        let m = paging(&[
            h(Some(3), Some(0), false),
            h(Some(12), Some(1), false),
            h(Some(25), Some(2), false),
            h(None, Some(2), true),
            h(None, None, false),
        ]);
        assert_eq!((m.handoffs, m.acknowledged, m.unanswered), (5, 3, 1));
        assert_eq!((m.ack_median, m.ack_p90), (Some(12), Some(25)));
        assert_eq!(m.escalations_per_handoff, Some(1.0));
        assert_eq!(paging(&[]), PagingMeasures::default());
    }
}
