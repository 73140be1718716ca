//! Measures per referral, by kind of service (issue 15, ADR 0017): how many were referred
//! to each kind, taken in, served (intake), declined for want of capacity, and how long
//! from the encounter to service. Counted from the referrals themselves, beside the
//! encounter-level measures (`measures`), which count only the referrals a held charge
//! counts on.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::directory::term_by_code;
use crate::referral::{OutcomeReason, ReferralStatus};

/// One referral, as the measures read it.
#[derive(Debug, Clone)]
pub struct Row {
    pub service_types: String,
    pub status: String,
    pub reason_code: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub requested_at: DateTime<Utc>,
    pub intake_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KindLine {
    pub kind: String,
    pub referred: u64,
    /// Taken in: accepted or further, not rejected, cancelled or in error.
    pub taken: u64,
    /// Served: intake recorded.
    pub served: u64,
    /// Rejected or cancelled with the reason "no capacity".
    pub no_capacity: u64,
    /// Median hours from the encounter to intake, among those served.
    pub median_hours_to_service: Option<f64>,
}

/// The kind a referral counts under: the top of its first service type's branch (a
/// referral to a provider made before services were listed is "treatment provider").
pub fn kind_of(service_types: &str) -> String {
    let Some(first) = first_type(service_types) else {
        return handoff_i18n::staff("service-measures-no-service");
    };
    top(first).map_or_else(|| first.to_string(), |t| t.name.clone())
}

/// The code of the kind a referral counts under (the research export's), or none for a
/// referral to a provider made before services were listed.
pub fn kind_code_of(service_types: &str) -> Option<String> {
    let first = first_type(service_types)?;
    Some(top(first).map_or_else(|| first.to_string(), |t| t.code.clone()))
}

/// A referral's first service type: its first code that is not an access facet (walk-in,
/// Medicaid accepted, ...), which may come first in the service's own list.
fn first_type(service_types: &str) -> Option<&str> {
    let mut codes = service_types.split_whitespace();
    let first = codes.clone().next()?;
    Some(
        codes
            .find(|c| !crate::directory::is_under(c, "access"))
            .unwrap_or(first),
    )
}

/// The top of a service type's branch of the taxonomy.
fn top(code: &str) -> Option<&'static crate::directory::Term> {
    let mut t = term_by_code(code);
    while let Some(parent) = t.and_then(|t| t.parent.as_deref()).and_then(term_by_code) {
        t = Some(parent);
    }
    t
}

fn no_capacity(r: &Row) -> bool {
    r.reason_code.as_deref() == Some(OutcomeReason::NoCapacity.as_str())
        && matches!(
            ReferralStatus::parse(&r.status),
            Some(ReferralStatus::Rejected | ReferralStatus::Cancelled)
        )
}

pub fn by_kind(rows: &[Row]) -> Vec<KindLine> {
    // Each row's kind once (it is looked up in the service taxonomy), rows grouped by it.
    let mut groups: std::collections::BTreeMap<String, Vec<&Row>> = Default::default();
    for r in rows {
        let mine = groups.entry(kind_of(&r.service_types)).or_default();
        if r.status != ReferralStatus::EnteredInError.as_str() {
            mine.push(r);
        }
    }
    groups
        .into_iter()
        .map(|(kind, mine)| {
            let mut hours: Vec<f64> = mine
                .iter()
                .filter_map(|r| {
                    r.intake_at
                        .map(|i| (i - r.occurred_at).num_minutes() as f64 / 60.0)
                })
                .collect();
            hours.sort_by(|a, b| a.total_cmp(b));
            let median = match hours.len() {
                0 => None,
                n if n % 2 == 1 => Some(hours[n / 2]),
                n => Some((hours[n / 2 - 1] + hours[n / 2]) / 2.0),
            };
            KindLine {
                referred: mine.len() as u64,
                taken: mine
                    .iter()
                    .filter(|r| {
                        ReferralStatus::parse(&r.status).is_some_and(|s| {
                            s.took_the_person()
                                && !matches!(s, ReferralStatus::Requested | ReferralStatus::Draft)
                        })
                    })
                    .count() as u64,
                served: mine.iter().filter(|r| r.intake_at.is_some()).count() as u64,
                no_capacity: mine.iter().filter(|r| no_capacity(r)).count() as u64,
                median_hours_to_service: median,
                kind,
            }
        })
        .collect()
}

/// Referrals declined for want of capacity, by kind and month of the referral (local).
pub fn shortfalls(rows: &[Row], tz: Tz) -> Vec<(String, String, u64)> {
    let mut out: Vec<(String, String, u64)> = Vec::new();
    for r in rows.iter().filter(|r| no_capacity(r)) {
        let (kind, month) = (
            kind_of(&r.service_types),
            r.requested_at
                .with_timezone(&tz)
                .format("%Y-%m")
                .to_string(),
        );
        match out.iter_mut().find(|(k, m, _)| *k == kind && *m == month) {
            Some(e) => e.2 += 1,
            None => out.push((kind, month, 1)),
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        types: &str,
        status: &str,
        reason: Option<&str>,
        hours_to_intake: Option<i64>,
        day: u32,
    ) -> Row {
        let at: DateTime<Utc> = format!("2026-0{day}-10T12:00:00Z").parse().unwrap();
        Row {
            service_types: types.into(),
            status: status.into(),
            reason_code: reason.map(Into::into),
            occurred_at: at,
            requested_at: at,
            intake_at: hours_to_intake.map(|h| at + chrono::Duration::hours(h)),
        }
    }

    /// A hand-computed set: three to treatment (one served in 2 h, one in 6 h, one
    /// declined for capacity), two to housing (one served in 10 h, one declined for
    /// capacity in another month), one to a provider before services, one in error.
    #[test]
    fn a_referral_counts_under_its_first_type_not_an_access_facet() {
        assert_eq!(
            kind_of("access-walk-in sud-withdrawal"),
            "Substance use disorder treatment"
        );
        assert_eq!(
            kind_code_of("access-walk-in housing-shelter").as_deref(),
            Some("housing")
        );
        assert_eq!(
            kind_code_of("sud-withdrawal access-walk-in").as_deref(),
            Some("sud")
        );
        assert_eq!(kind_code_of(""), None);
        assert_eq!(kind_code_of("access-walk-in").as_deref(), Some("access"));
    }

    #[test]
    fn counted_by_kind_against_a_hand_computed_set() {
        let rows = vec![
            row(
                "sud-withdrawal access-walk-in",
                "in-progress",
                None,
                Some(2),
                3,
            ),
            row("moud-buprenorphine", "completed", None, Some(6), 3),
            row("sud-residential", "rejected", Some("no_capacity"), None, 3),
            row("housing-shelter", "in-progress", None, Some(10), 3),
            row("housing-shelter", "rejected", Some("no_capacity"), None, 4),
            row("", "accepted", None, None, 3),
            row("social-food", "entered-in-error", None, None, 3),
        ];
        let lines = by_kind(&rows);
        let get = |k: &str| lines.iter().find(|l| l.kind == k).unwrap().clone();
        let sud = get("Substance use disorder treatment");
        assert_eq!(
            (sud.referred, sud.taken, sud.served, sud.no_capacity),
            (3, 2, 2, 1)
        );
        assert_eq!(sud.median_hours_to_service, Some(4.0));
        let housing = get("Housing");
        assert_eq!(
            (
                housing.referred,
                housing.served,
                housing.no_capacity,
                housing.median_hours_to_service
            ),
            (2, 1, 1, Some(10.0))
        );
        assert_eq!(get("Treatment provider (no service listed)").taken, 1);
        assert_eq!(
            get("Social services").referred,
            0,
            "entered in error does not count"
        );
        let s = shortfalls(&rows, chrono_tz::America::Chicago);
        assert_eq!(
            s,
            vec![
                ("Housing".into(), "2026-04".into(), 1),
                (
                    "Substance use disorder treatment".into(),
                    "2026-03".into(),
                    1
                )
            ]
        );
    }
}
