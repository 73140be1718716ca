//! Published reports (issue 5): the quarterly performance report with the measures the
//! Illinois deflection law names, the federal-grant style counts, and the equity analysis
//! (offer and acceptance rates by group, with the relative rate index and its confidence
//! interval). Every number carries its definition; every published count goes through
//! small-number suppression. Pure: storage supplies the counts.
use chrono::{Datelike, NaiveDate};
use handoff_i18n::{staff, staff_with};
use serde::Serialize;

use crate::measures::{Counts, Rate};
use crate::suppress::{self, Published};

/// A calendar quarter, as "2026Q3".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Quarter {
    pub year: i32,
    pub q: u32,
}

impl Quarter {
    pub fn parse(s: &str) -> Option<Quarter> {
        let s = s.trim().to_uppercase().replace(['-', ' '], "");
        let (y, q) = s.split_once('Q')?;
        let (year, q) = (y.parse::<i32>().ok()?, q.parse::<u32>().ok()?);
        ((1900..=2200).contains(&year) && (1..=4).contains(&q)).then_some(Quarter { year, q })
    }
    pub fn containing(d: NaiveDate) -> Quarter {
        Quarter {
            year: d.year(),
            q: (d.month() - 1) / 3 + 1,
        }
    }
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.q - 1) * 3 + 1, 1).unwrap_or_default()
    }
    pub fn last_day(self) -> NaiveDate {
        let next = if self.q == 4 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, self.q * 3 + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).unwrap_or_default()
    }
    pub fn previous(self) -> Quarter {
        if self.q == 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q - 1,
            }
        }
    }
    pub fn code(self) -> String {
        format!("{}Q{}", self.year, self.q)
    }
}

/// Age groups of reports: the staff catalogue's key of each, its youngest and oldest age.
pub const AGE_GROUPS: &[(&str, i64, i64)] = &[
    ("reports-age-under-18", 0, 17),
    ("reports-age-18-25", 18, 25),
    ("reports-age-26-35", 26, 35),
    ("reports-age-36-45", 36, 45),
    ("reports-age-46-55", 46, 55),
    ("reports-age-56-65", 56, 65),
    ("reports-age-66-over", 66, i64::MAX),
];

/// The age group of an age, as the staff catalogue names it.
pub fn age_group(age: i64) -> String {
    staff(
        AGE_GROUPS
            .iter()
            .find(|(_, lo, hi)| (*lo..=*hi).contains(&age))
            .map_or("reports-age-unknown", |(k, _, _)| k),
    )
}

/// Where an age group (as named) comes in the order of [`AGE_GROUPS`]; unknown last.
pub fn age_group_rank(label: &str) -> usize {
    AGE_GROUPS
        .iter()
        .position(|(k, _, _)| staff(k) == label)
        .unwrap_or(usize::MAX)
}

/// One group's counts for a breakdown (demographics, equity, service).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GroupCounts {
    pub label: String,
    pub encounters: u64,
    pub eligible: u64,
    /// Eligible encounters that were offered diversion / a referral.
    pub offered_eligible: u64,
    /// Offers (to eligible people) that were accepted.
    pub accepted_eligible: u64,
    pub accepted: u64,
    pub referred: u64,
    pub engaged: u64,
}

/// A number as published: the value (or suppressed), and its definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub label: String,
    /// Shown text: a count, a percent with its parts, a median, or "suppressed".
    pub value: String,
    pub definition: String,
}

/// A published table with its definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub title: String,
    pub row_header: String,
    pub columns: Vec<String>,
    pub rows: Vec<String>,
    pub data: Published,
    pub definition: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub title: String,
    pub figures: Vec<Figure>,
    pub tables: Vec<Table>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub title: String,
    pub program: String,
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub threshold: u64,
    pub sections: Vec<Section>,
}

/// The English of `reports-suppressed`, for tests; reports and pages say [`suppressed`].
pub const SUPPRESSED: &str = "suppressed (fewer than the threshold)";

/// How a count or rate not published is shown, as the staff catalogue words it.
pub fn suppressed() -> String {
    staff("reports-suppressed")
}

fn count(n: u64, t: u64) -> String {
    match suppress::one(n, t) {
        Some(n) => n.to_string(),
        None => suppressed(),
    }
}

fn rate(r: &Rate, t: u64) -> String {
    match (
        suppress::one(r.numerator, t),
        suppress::one(r.denominator, t),
        r.percent(),
    ) {
        // Numbers as today: to one decimal, counts without a thousands separator.
        (Some(n), Some(d), Some(p)) => staff_with(
            "reports-rate",
            &[
                ("pct", format!("{p:.1}").into()),
                ("n", n.to_string().into()),
                ("of", d.to_string().into()),
            ],
        ),
        (_, Some(0), _) => staff("reports-no-cases"),
        _ => suppressed(),
    }
}

/// What a report is made of.
pub struct ReportInput<'a> {
    pub program: &'a str,
    pub quarter: Quarter,
    pub threshold: u64,
    pub counts: &'a Counts,
    /// Referred encounters' engagement within 30 days (numerator, denominator, not yet known).
    pub engaged_30: &'a Rate,
    /// Median days from encounter to engagement, and how many engaged.
    pub median_days_to_engagement: Option<f64>,
    /// Participants (accepted offers) by sex, race, ethnicity, age group.
    pub by_sex: &'a [GroupCounts],
    pub by_race: &'a [GroupCounts],
    pub by_ethnicity: &'a [GroupCounts],
    pub by_age: &'a [GroupCounts],
    /// Served (referred, engaged) by pathway and by provider.
    pub by_pathway: &'a [GroupCounts],
    pub by_provider: &'a [GroupCounts],
    /// Every referral of the quarter's encounters by kind of service (ADR 0017).
    pub by_service: &'a [crate::service_measures::KindLine],
}

/// A table of participants by a demographic: `key` is the staff catalogue's key of its
/// title, `key-rows` of its rows' header and `key-means` of its definition.
fn one_column(key: &str, groups: &[GroupCounts], t: u64) -> Table {
    let cells: Vec<Vec<u64>> = groups.iter().map(|g| vec![g.accepted]).collect();
    Table {
        title: staff(key),
        row_header: staff(&format!("{key}-rows")),
        columns: vec![staff("reports-participants")],
        rows: groups.iter().map(|g| g.label.clone()).collect(),
        data: suppress::suppress(&cells, t),
        definition: staff(&format!("{key}-means")),
    }
}

/// A table of referred and engaged by pathway or provider: `key` as for [`one_column`].
fn served(key: &str, groups: &[GroupCounts], t: u64) -> Table {
    let cells: Vec<Vec<u64>> = groups.iter().map(|g| vec![g.referred, g.engaged]).collect();
    Table {
        title: staff(key),
        row_header: staff(&format!("{key}-rows")),
        columns: vec![staff("reports-col-referred"), staff("reports-col-engaged")],
        rows: groups.iter().map(|g| g.label.clone()).collect(),
        data: suppress::suppress(&cells, t),
        definition: staff("reports-served-means"),
    }
}

fn by_service_type(lines: &[crate::service_measures::KindLine], t: u64) -> Table {
    let cells: Vec<Vec<u64>> = lines
        .iter()
        .map(|l| vec![l.referred, l.taken, l.served, l.no_capacity])
        .collect();
    Table {
        title: staff("reports-by-service"),
        row_header: staff("reports-by-service-rows"),
        columns: [
            "reports-col-referred",
            "reports-col-taken",
            "reports-col-served",
            "reports-col-no-capacity",
        ]
        .map(staff)
        .to_vec(),
        rows: lines.iter().map(|l| l.kind.clone()).collect(),
        data: suppress::suppress(&cells, t),
        definition: staff("reports-by-service-means"),
    }
}

/// The quarterly performance report: the Illinois deflection measures, then the
/// federal-grant style counts.
pub fn quarterly(r: &ReportInput<'_>) -> Report {
    let t = r.threshold;
    let c = r.counts;
    let period = staff_with(
        "reports-period",
        &[
            ("from", r.quarter.first_day().to_string().into()),
            ("to", r.quarter.last_day().to_string().into()),
        ],
    );
    // A figure: `key` is the staff catalogue's key of its label, `key-means` of its
    // definition (which ends with the period).
    let figure = |key: &str, value: String| Figure {
        label: staff(key),
        value,
        definition: staff_with(
            &format!("{key}-means"),
            &[("period", period.clone().into())],
        ),
    };
    let referral_rate = Rate {
        numerator: c.referred,
        denominator: c.encounters,
        not_yet_known: 0,
    };
    let median = match (suppress::one(c.engaged, t), r.median_days_to_engagement) {
        (Some(n), Some(d)) => staff_with(
            "reports-median-engagement-value",
            &[
                ("days", format!("{d:.1}").into()),
                ("n", n.to_string().into()),
            ],
        ),
        (Some(_), None) | (None, _) if c.engaged == 0 => staff("reports-median-engagement-none"),
        _ => suppressed(),
    };
    let engaged_30 = staff_with(
        "reports-engaged-30-value",
        &[
            ("rate", rate(r.engaged_30, t).into()),
            ("unknown", count(r.engaged_30.not_yet_known, t).into()),
        ],
    );
    let illinois = Section {
        title: staff("reports-section-deflection"),
        figures: vec![
            figure("reports-encounters", count(c.encounters, t)),
            figure("reports-referral-rate", rate(&referral_rate, t)),
            figure("reports-median-engagement", median),
            figure("reports-engaged-30", engaged_30),
        ],
        tables: vec![
            one_column("reports-by-sex", r.by_sex, t),
            one_column("reports-by-race", r.by_race, t),
            one_column("reports-by-ethnicity", r.by_ethnicity, t),
            one_column("reports-by-age", r.by_age, t),
        ],
    };
    let federal = Section {
        title: staff("reports-section-grant"),
        figures: vec![
            figure("reports-screened", count(c.screened, t)),
            figure("reports-eligible", count(c.eligible, t)),
            figure("reports-referred", count(c.referred, t)),
            figure("reports-engaged", count(c.engaged, t)),
            figure("reports-people", count(c.people, t)),
        ],
        tables: vec![
            served("reports-served-by-pathway", r.by_pathway, t),
            served("reports-served-by-provider", r.by_provider, t),
            by_service_type(r.by_service, t),
        ],
    };
    Report {
        title: staff_with("reports-title", &[("quarter", r.quarter.code().into())]),
        program: r.program.into(),
        period: r.quarter.code(),
        from: r.quarter.first_day(),
        to: r.quarter.last_day(),
        threshold: t,
        sections: vec![illinois, federal],
    }
}

/// The report as CSV rows: section, table or figure, row, column, value, definition.
pub fn to_csv_rows(r: &Report) -> Vec<[String; 6]> {
    let mut out = vec![[
        "section".to_string(),
        "measure".into(),
        "row".into(),
        "column".into(),
        "value".into(),
        "definition".into(),
    ]];
    let shown = |v: Option<u64>| v.map_or_else(suppressed, |n| n.to_string());
    for s in &r.sections {
        for f in &s.figures {
            out.push([
                s.title.clone(),
                f.label.clone(),
                String::new(),
                String::new(),
                f.value.clone(),
                f.definition.clone(),
            ]);
        }
        for t in &s.tables {
            for (i, row) in t.rows.iter().enumerate() {
                for (j, col) in t.columns.iter().enumerate() {
                    out.push([
                        s.title.clone(),
                        t.title.clone(),
                        row.clone(),
                        col.clone(),
                        shown(t.data.cells[i].get(j).copied().flatten()),
                        t.definition.clone(),
                    ]);
                }
            }
            for (j, col) in t.columns.iter().enumerate() {
                out.push([
                    s.title.clone(),
                    t.title.clone(),
                    staff("report-total"),
                    col.clone(),
                    shown(t.data.col_totals.get(j).copied().flatten()),
                    t.definition.clone(),
                ]);
            }
        }
    }
    out
}

/// One group of an equity table: its rates and how they compare with the reference group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EquityLine {
    pub label: String,
    /// Eligible encounters (suppressed when small).
    pub eligible: Option<u64>,
    pub offer_rate: Option<f64>,
    /// Offer rate relative to the reference group's, with its 95% confidence interval.
    pub offer_rri: Option<(f64, f64, f64)>,
    pub offered: Option<u64>,
    pub acceptance_rate: Option<f64>,
    pub acceptance_rri: Option<(f64, f64, f64)>,
    pub is_reference: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EquityTable {
    pub dimension: String,
    pub reference: String,
    pub lines: Vec<EquityLine>,
}

/// The relative rate index of a group (a events of n1) against a reference (c of n2),
/// with its 95% confidence interval (log method). None when a rate is zero or undefined.
pub fn rri(a: u64, n1: u64, c: u64, n2: u64) -> Option<(f64, f64, f64)> {
    if a == 0 || c == 0 || n1 == 0 || n2 == 0 {
        return None;
    }
    let (a, n1, c, n2) = (a as f64, n1 as f64, c as f64, n2 as f64);
    let ratio = (a / n1) / (c / n2);
    let se = (1.0 / a - 1.0 / n1 + 1.0 / c - 1.0 / n2).max(0.0).sqrt();
    let z = 1.959_963_984_540_054;
    Some((
        ratio,
        (ratio.ln() - z * se).exp(),
        (ratio.ln() + z * se).exp(),
    ))
}

/// Offer rates (offered of eligible) and acceptance rates (accepted of offered) by group,
/// each against the largest group, with small groups suppressed.
pub fn equity(dimension: &str, groups: &[GroupCounts], threshold: u64) -> EquityTable {
    let reference = groups
        .iter()
        .max_by_key(|g| g.eligible)
        .cloned()
        .unwrap_or_default();
    let ok = |n: u64| suppress::one(n, threshold).is_some() && n > 0;
    let lines = groups
        .iter()
        .map(|g| {
            let shown = ok(g.eligible);
            let offered_shown = shown && ok(g.offered_eligible);
            EquityLine {
                label: g.label.clone(),
                eligible: suppress::one(g.eligible, threshold),
                offered: shown
                    .then(|| suppress::one(g.offered_eligible, threshold))
                    .flatten(),
                offer_rate: shown.then(|| 100.0 * g.offered_eligible as f64 / g.eligible as f64),
                offer_rri: (shown && g.label != reference.label)
                    .then(|| {
                        rri(
                            g.offered_eligible,
                            g.eligible,
                            reference.offered_eligible,
                            reference.eligible,
                        )
                    })
                    .flatten(),
                acceptance_rate: offered_shown
                    .then(|| 100.0 * g.accepted_eligible as f64 / g.offered_eligible as f64),
                acceptance_rri: (offered_shown && g.label != reference.label)
                    .then(|| {
                        rri(
                            g.accepted_eligible,
                            g.offered_eligible,
                            reference.accepted_eligible,
                            reference.offered_eligible,
                        )
                    })
                    .flatten(),
                is_reference: g.label == reference.label,
            }
        })
        .collect();
    EquityTable {
        dimension: dimension.into(),
        reference: reference.label,
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters() {
        let q = Quarter::parse("2026q3").unwrap();
        assert_eq!(q.first_day(), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        assert_eq!(q.last_day(), NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
        assert_eq!(
            Quarter::parse("2026-Q4").unwrap().last_day(),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
        assert_eq!(
            Quarter::parse("2026Q1").unwrap().previous().code(),
            "2025Q4"
        );
        for bad in ["2026Q5", "Q3", "2026", "abcQ1", "2026Q0"] {
            assert_eq!(Quarter::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Quarter::containing(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()).code(),
            "2026Q4"
        );
        assert_eq!(age_group(25), "18 to 25");
        assert_eq!(age_group(66), "66 and over");
    }

    #[test]
    fn the_suppressed_word_is_the_catalogues() {
        assert_eq!(suppressed(), SUPPRESSED);
        assert_eq!(age_group(-1), "Unknown");
        assert_eq!(age_group_rank("26 to 35"), 2);
        assert_eq!(age_group_rank("Unknown"), usize::MAX);
    }

    #[test]
    fn relative_rate_index_with_its_interval() {
        // 30 of 60 against 80 of 100: 0.5 / 0.8 = 0.625.
        let (r, lo, hi) = rri(30, 60, 80, 100).unwrap();
        assert!((r - 0.625).abs() < 1e-12);
        // SE of ln RR = sqrt(1/30 - 1/60 + 1/80 - 1/100) = 0.138443731...; the 95%
        // interval is 0.625 * exp(-/+ 1.96 SE) = 0.47647 to 0.81983 (worked by hand).
        assert!((lo - 0.476_471_029_633_760_5).abs() < 1e-9, "{lo}");
        assert!((hi - 0.819_829_487_430_230_3).abs() < 1e-9, "{hi}");
        assert!(lo < 0.625 && hi < 1.0, "significantly lower: {lo} {hi}");
        assert_eq!(rri(0, 10, 5, 10), None);
    }

    #[test]
    fn equity_compares_with_the_largest_group_and_hides_small_ones() {
        let g = |label: &str, eligible, offered, accepted| GroupCounts {
            label: label.into(),
            eligible,
            offered_eligible: offered,
            accepted_eligible: accepted,
            ..Default::default()
        };
        let t = equity(
            "Race",
            &[
                g("White", 100, 80, 60),
                g("Black", 60, 30, 20),
                g("Asian", 7, 7, 7),
            ],
            11,
        );
        assert_eq!(t.reference, "White");
        assert!(t.lines[0].is_reference && t.lines[0].offer_rri.is_none());
        assert_eq!(t.lines[1].offer_rate, Some(50.0));
        assert!((t.lines[1].offer_rri.unwrap().0 - 0.625).abs() < 1e-12);
        assert_eq!(t.lines[2].eligible, None, "7 is under the threshold");
        assert_eq!(t.lines[2].offer_rate, None);
        assert_eq!(t.lines[2].offer_rri, None);
    }

    #[test]
    fn the_report_suppresses_small_numbers_and_defines_each() {
        let c = Counts {
            encounters: 120,
            referred: 9,
            engaged: 30,
            screened: 40,
            eligible: 100,
            people: 110,
            ..Default::default()
        };
        let e30 = Rate {
            numerator: 12,
            denominator: 20,
            not_yet_known: 3,
        };
        let sex = [
            GroupCounts {
                label: "Female".into(),
                accepted: 4,
                ..Default::default()
            },
            GroupCounts {
                label: "Male".into(),
                accepted: 30,
                ..Default::default()
            },
        ];
        let r = quarterly(&ReportInput {
            program: "P",
            quarter: Quarter::parse("2026Q3").unwrap(),
            threshold: 11,
            counts: &c,
            engaged_30: &e30,
            median_days_to_engagement: Some(6.5),
            by_sex: &sex,
            by_race: &[],
            by_ethnicity: &[],
            by_age: &[],
            by_pathway: &[],
            by_provider: &[],
            by_service: &[],
        });
        let f = &r.sections[0].figures;
        assert_eq!(r.sections[1].tables[2].title, "Served by service type");
        assert_eq!(f[0].value, "120");
        assert_eq!(f[1].value, SUPPRESSED, "9 referrals is small");
        assert_eq!(f[2].value, "6.5 days (30 engaged)");
        assert_eq!(
            f[3].value,
            format!("60.0% (12 of 20); {SUPPRESSED} not yet known")
        );
        assert!(
            r.sections
                .iter()
                .flat_map(|s| &s.figures)
                .all(|f| !f.definition.is_empty())
        );
        let t = &r.sections[0].tables[0];
        assert_eq!(
            t.data.cells,
            vec![vec![None], vec![None]],
            "4 and what reveals it"
        );
        let csv = to_csv_rows(&r);
        assert_eq!(csv[0][0], "section");
        assert!(
            csv.iter()
                .any(|row| row[1] == "Participants by sex" && row[4] == SUPPRESSED)
        );
    }
}
