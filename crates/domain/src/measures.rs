//! The coordinator's first dashboard, counted with the measure definitions of
//! DOMAIN.md section 5. Pure: storage gathers one [`EncounterFacts`] per encounter in the
//! period (by encounter date) and this module counts.
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Default)]
pub struct EncounterFacts {
    pub encounter_at: DateTime<Utc>,
    /// Eligibility decision eligible, or an approved override.
    pub eligible: bool,
    pub offered: bool,
    pub accepted: bool,
    /// An accepted offer that produced at least one referral.
    pub referred: bool,
    /// Warm handoff: arrival recorded; contact card: first contact with the provider.
    pub handed_off: bool,
    /// Minutes from the officer's call to the case manager's arrival (warm handoffs).
    pub warm_minutes: Option<i64>,
    pub intake_at: Option<DateTime<Utc>>,
    /// First treatment service after intake.
    pub engaged_at: Option<DateTime<Utc>>,
    /// The legal hold's current deadline end, if there is a hold.
    pub deadline_ends_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    pub encounters: u64,
    pub eligible: u64,
    pub offered: u64,
    pub accepted: u64,
    pub referred: u64,
    pub handed_off: u64,
    pub intakes: u64,
    pub engaged_30: Rate,
    pub deadlines_met: u64,
    pub deadlines_missed: u64,
    pub deadlines_open: u64,
    pub median_hours_to_intake: Option<f64>,
    pub median_warm_handoff_minutes: Option<f64>,
}

pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

pub fn compute(facts: &[EncounterFacts], now: DateTime<Utc>) -> Dashboard {
    let count = |f: &dyn Fn(&EncounterFacts) -> bool| facts.iter().filter(|e| f(e)).count() as u64;
    let window = Duration::days(30);
    let engaged_in_30 = |e: &EncounterFacts| {
        e.engaged_at
            .is_some_and(|t| t >= e.encounter_at && t - e.encounter_at <= window)
    };
    let referred: Vec<&EncounterFacts> = facts.iter().filter(|e| e.referred).collect();
    let numerator = referred.iter().filter(|e| engaged_in_30(e)).count() as u64;
    let known = referred
        .iter()
        .filter(|e| engaged_in_30(e) || now - e.encounter_at >= window)
        .count() as u64;
    let mut to_intake: Vec<f64> = facts
        .iter()
        .filter_map(|e| {
            e.intake_at
                .map(|i| (i - e.encounter_at).num_minutes() as f64 / 60.0)
        })
        .collect();
    let mut warm: Vec<f64> = facts
        .iter()
        .filter_map(|e| e.warm_minutes.map(|m| m as f64))
        .collect();
    Dashboard {
        encounters: facts.len() as u64,
        eligible: count(&|e| e.eligible),
        offered: count(&|e| e.offered),
        accepted: count(&|e| e.accepted),
        referred: referred.len() as u64,
        handed_off: count(&|e| e.handed_off),
        intakes: count(&|e| e.intake_at.is_some()),
        engaged_30: Rate {
            numerator,
            denominator: known,
            not_yet_known: referred.len() as u64 - known,
        },
        deadlines_met: count(
            &|e| matches!((e.deadline_ends_at, e.intake_at), (Some(d), Some(i)) if i < d),
        ),
        deadlines_missed: count(&|e| match (e.deadline_ends_at, e.intake_at) {
            (Some(d), Some(i)) => i >= d,
            (Some(d), None) => now >= d,
            _ => false,
        }),
        deadlines_open: count(
            &|e| matches!((e.deadline_ends_at, e.intake_at), (Some(d), None) if now < d),
        ),
        median_hours_to_intake: median(&mut to_intake),
        median_warm_handoff_minutes: median(&mut warm),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn hand_counted_dataset() {
        let now = Utc.with_ymd_and_hms(2026, 4, 20, 0, 0, 0).unwrap();
        let dl = |d: DateTime<Utc>| Some(d + Duration::days(30));
        let facts = vec![
            // 1: full success, warm handoff 20 min, intake after 24 h, engaged day 5.
            EncounterFacts {
                encounter_at: at(1, 10),
                eligible: true,
                offered: true,
                accepted: true,
                referred: true,
                handed_off: true,
                warm_minutes: Some(20),
                intake_at: Some(at(2, 10)),
                engaged_at: Some(at(6, 10)),
                deadline_ends_at: dl(at(1, 10)),
            },
            // 2: accepted, card, never showed: deadline missed, not engaged (old enough).
            EncounterFacts {
                encounter_at: at(2, 10),
                eligible: true,
                offered: true,
                accepted: true,
                referred: true,
                deadline_ends_at: dl(at(2, 10)),
                ..Default::default()
            },
            // 3: declined.
            EncounterFacts {
                encounter_at: at(3, 10),
                eligible: true,
                offered: true,
                ..Default::default()
            },
            // 4: ineligible.
            EncounterFacts {
                encounter_at: at(4, 10),
                ..Default::default()
            },
            // 5: recent (younger than 30 days), intake after 72 h, warm 40 min, not engaged yet.
            EncounterFacts {
                encounter_at: at(30, 10),
                eligible: true,
                offered: true,
                accepted: true,
                referred: true,
                handed_off: true,
                warm_minutes: Some(40),
                intake_at: Some(at(30, 10) + Duration::hours(72)),
                engaged_at: None,
                deadline_ends_at: dl(at(30, 10)),
            },
        ];
        let d = compute(&facts, now);
        assert_eq!(d.encounters, 5);
        assert_eq!(d.eligible, 4);
        assert_eq!(d.offered, 4);
        assert_eq!(d.accepted, 3);
        assert_eq!(d.referred, 3);
        assert_eq!(d.handed_off, 2);
        assert_eq!(d.intakes, 2);
        assert_eq!(
            d.engaged_30,
            Rate {
                numerator: 1,
                denominator: 2,
                not_yet_known: 1
            }
        );
        assert_eq!(d.engaged_30.percent(), Some(50.0));
        assert_eq!(
            (d.deadlines_met, d.deadlines_missed, d.deadlines_open),
            (2, 1, 0)
        );
        assert_eq!(d.median_hours_to_intake, Some(48.0));
        assert_eq!(d.median_warm_handoff_minutes, Some(30.0));
    }

    #[test]
    fn empty_period_has_no_rates() {
        let d = compute(&[], Utc::now());
        assert_eq!(d.encounters, 0);
        assert_eq!(d.engaged_30.percent(), None);
        assert_eq!(d.median_hours_to_intake, None);
    }
}
