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
    no_capacity_of(&r.status, r.reason_code.as_deref())
}

fn no_capacity_of(status: &str, reason_code: Option<&str>) -> bool {
    reason_code == Some(OutcomeReason::NoCapacity.as_str())
        && matches!(
            ReferralStatus::parse(status),
            Some(ReferralStatus::Rejected | ReferralStatus::Cancelled)
        )
}

/// Taken in: accepted or further, not rejected, cancelled or in error.
fn took_the_person(status: &str) -> bool {
    ReferralStatus::parse(status).is_some_and(|s| {
        s.took_the_person() && !matches!(s, ReferralStatus::Requested | ReferralStatus::Draft)
    })
}

/// Items by the kind of their service types, each kind looked up once in the taxonomy;
/// those entered in error are left out (their kind is still listed).
fn by_kinds<T>(
    items: &[T],
    of: impl Fn(&T) -> (&str, &str),
) -> std::collections::BTreeMap<String, Vec<&T>> {
    let mut kinds: std::collections::BTreeMap<String, Vec<&T>> = Default::default();
    for item in items {
        let (types, status) = of(item);
        let mine = kinds.entry(kind_of(types)).or_default();
        if status != ReferralStatus::EnteredInError.as_str() {
            mine.push(item);
        }
    }
    kinds
}

pub fn by_kind(rows: &[Row]) -> Vec<KindLine> {
    by_kinds(rows, |r| (&r.service_types, &r.status))
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
                taken: mine.iter().filter(|r| took_the_person(&r.status)).count() as u64,
                served: mine.iter().filter(|r| r.intake_at.is_some()).count() as u64,
                no_capacity: mine.iter().filter(|r| no_capacity(r)).count() as u64,
                median_hours_to_service: median,
                kind,
            }
        })
        .collect()
}

/// Referrals added up (rolled up by span, ADR 0011): those with the same service types,
/// status, coded reason and local month of request.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub service_types: String,
    pub status: String,
    pub reason_code: Option<String>,
    pub month: String,
    pub referrals: u64,
    /// Those with an intake.
    pub served: u64,
    /// Hours from the encounter to intake: (hour, referrals).
    pub hours: Vec<(i64, i64)>,
}

impl Group {
    fn no_capacity(&self) -> bool {
        no_capacity_of(&self.status, self.reason_code.as_deref())
    }
}

/// The groups of single referrals, as rollups keep them (months local to `tz`).
pub fn groups_of(rows: &[Row], tz: Tz) -> Vec<Group> {
    rows.iter()
        .map(|r| Group {
            service_types: r.service_types.clone(),
            status: r.status.clone(),
            reason_code: r.reason_code.clone(),
            month: r
                .requested_at
                .with_timezone(&tz)
                .format("%Y-%m")
                .to_string(),
            referrals: 1,
            served: u64::from(r.intake_at.is_some()),
            hours: r
                .intake_at
                .map(|i| vec![((i - r.occurred_at).num_minutes().div_euclid(60), 1)])
                .unwrap_or_default(),
        })
        .collect()
}

/// `by_kind` over groups: the same counts; the median to the hour (the middle of the hour
/// that holds it).
pub fn by_kind_of_groups(groups: &[Group]) -> Vec<KindLine> {
    by_kinds(groups, |g| (&g.service_types, &g.status))
        .into_iter()
        .map(|(kind, mine)| {
            let mut hours: std::collections::BTreeMap<i64, i64> = Default::default();
            for (h, n) in mine.iter().flat_map(|g| &g.hours) {
                *hours.entry(*h).or_default() += n;
            }
            let hours: Vec<(i64, i64)> = hours.into_iter().collect();
            let count = |f: &dyn Fn(&Group) -> bool| -> u64 {
                mine.iter().filter(|g| f(g)).map(|g| g.referrals).sum()
            };
            KindLine {
                referred: count(&|_| true),
                taken: count(&|g| took_the_person(&g.status)),
                served: mine.iter().map(|g| g.served).sum(),
                no_capacity: count(&|g| g.no_capacity()),
                median_hours_to_service: crate::measures::histogram_median(&hours, 60)
                    .map(|m| m / 60.0),
                kind,
            }
        })
        .collect()
}

/// `shortfalls` over groups.
pub fn shortfalls_of_groups(groups: &[Group]) -> Vec<(String, String, u64)> {
    let mut out: std::collections::BTreeMap<(String, String), u64> = Default::default();
    for g in groups.iter().filter(|g| g.no_capacity()) {
        *out.entry((kind_of(&g.service_types), g.month.clone()))
            .or_default() += g.referrals;
    }
    out.into_iter().map(|((k, m), n)| (k, m, n)).collect()
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

        // Added up as rollups keep them, the same counts and shortfalls; medians to the
        // hour (these are whole hours: the middle of their hour).
        let tz = chrono_tz::America::Chicago;
        let mut groups = groups_of(&rows, tz);
        groups.extend(groups_of(&rows[..2], tz));
        let twice: Vec<Row> = rows.iter().chain(&rows[..2]).cloned().collect();
        let (exact, rolled) = (by_kind(&twice), by_kind_of_groups(&groups));
        assert_eq!(exact.len(), rolled.len());
        for (e, r) in exact.iter().zip(&rolled) {
            assert_eq!(
                (&e.kind, e.referred, e.taken, e.served, e.no_capacity),
                (&r.kind, r.referred, r.taken, r.served, r.no_capacity)
            );
            match (e.median_hours_to_service, r.median_hours_to_service) {
                (Some(a), Some(b)) => assert!((a + 0.5 - b).abs() < 1e-9, "{a} {b}"),
                (a, b) => assert_eq!(a, b),
            }
        }
        assert_eq!(shortfalls_of_groups(&groups), shortfalls(&twice, tz));
    }
}
