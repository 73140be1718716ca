//! Published reports (issue 5), on every backend: the quarterly report with its
//! definitions and small numbers suppressed (also those a total would reveal), as a page,
//! CSV and from the command line's service; the equity analysis with relative rate
//! indexes; the threshold setting.
use chrono::Duration;
use handoff_domain::reports::SUPPRESSED;
use handoff_storage::FactRow;
use hyper::StatusCode;

use crate::measures::{put, row};
use crate::support::*;

#[tokio::test]
async fn the_quarterly_report_defines_every_number_and_hides_small_ones() {
    for b in backends() {
        let w = world(b).await;
        // 2026Q1 (the test clock is 2 March 2026): 15 women and 3 men accepted.
        let at = w.app.now() - Duration::days(20);
        for i in 0..18 {
            let mut f = row(&w, at + Duration::minutes(i));
            f.sex = if i < 15 { "F" } else { "M" }.into();
            put(&w, None, f).await;
        }
        put(
            &w,
            None,
            FactRow {
                eligible: false,
                offered: false,
                accepted: false,
                referred: false,
                ..row(&w, at)
            },
        )
        .await;
        let coord = w.sign_in("coordinator").await;
        let page = coord.get("/reports/quarterly?quarter=2026q1").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Quarterly performance report, 2026Q1"));
        assert!(
            page.body
                .contains("Encounters resulting in a treatment referral")
        );
        assert!(page.body.contains("94.7% (18 of 19)"), "{}", page.body);
        assert!(
            page.body
                .contains("Numerator: encounters whose accepted offer produced a referral")
        );
        let csv = coord.get("/reports/quarterly.csv?quarter=2026Q1").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let lines: Vec<&str> = csv.body.lines().collect();
        assert!(
            lines
                .iter()
                .any(|l| l.contains("Participants by sex,Male,Participants,")
                    && l.contains(SUPPRESSED)),
            "{}",
            csv.body
        );
        // 15 women would reveal the 3 men from the total of 18: hidden too.
        assert!(
            lines
                .iter()
                .any(|l| l.contains("Participants by sex,Female,Participants,")
                    && l.contains(SUPPRESSED))
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("Participants by sex,Total,Participants,18,"))
        );
        assert_eq!(w.audited("report.quarterly", "allowed").await, 2);

        // A quarter typed wrong is named, with what was typed.
        let r = coord.get("/reports/quarterly?quarter=2026Q7").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Use a quarter like 2026Q3"));
        assert!(r.body.contains("value=\"2026Q7\""));

        // The threshold: 5 to 100.
        let r = coord
            .post("/reports/threshold", &[("threshold", "2")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = coord
            .post("/reports/threshold", &[("threshold", "5")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let report = handoff_app::reports::quarterly_console(&w.app, w.program, "2026Q1")
            .await
            .unwrap();
        assert_eq!(report.threshold, 5);
        let sex = &report.sections[0].tables[0];
        assert_eq!(sex.rows, vec!["Female", "Male"]);
        assert_eq!(
            sex.data.cells,
            vec![vec![None], vec![None]],
            "3 is still under 5"
        );
        assert_eq!(
            w.audited("report.quarterly", "allowed").await,
            3,
            "the console is audited too"
        );
    }
}

#[tokio::test]
async fn the_equity_analysis_compares_offer_rates_with_their_intervals() {
    for b in backends() {
        let w = world(b).await;
        let at = w.app.now() - Duration::days(30);
        // White: 40 eligible, 32 offered (80%); Black: 30 eligible, 12 offered (40%):
        // relative rate 0.50. Asian: 5 eligible, not shown.
        let mut n = 0;
        for (race, eligible, offered) in [("W", 40, 32), ("B", 30, 12), ("A", 5, 5)] {
            for i in 0..eligible {
                let mut f = row(&w, at + Duration::minutes(n));
                n += 1;
                f.race = race.into();
                f.offered = i < offered;
                f.accepted = i < offered;
                f.referred = i < offered;
                put(&w, None, f).await;
            }
        }
        let coord = w.sign_in("coordinator").await;
        let page = coord
            .get("/reports/equity?from=2026-01-01&to=2026-03-02")
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(
            page.body.contains("White or") || page.body.contains("White (reference)"),
            "{}",
            page.body
        );
        assert!(page.body.contains("80.0%") && page.body.contains("40.0%"));
        assert!(page.body.contains("0.50 ("), "{}", page.body);
        assert!(
            !page.body.contains(">5<"),
            "a group under the threshold is not shown"
        );
        let r = coord.get("/reports/equity?from=soon").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Use a date like"));
        assert_eq!(w.audited("report.equity", "allowed").await, 1);
    }
}

/// Fact rows of two people (one met twice) for the export tests.
async fn export_fixture(w: &World) -> (uuid::Uuid, uuid::Uuid) {
    let at = w.app.now() - Duration::days(40);
    let person = put(
        w,
        None,
        FactRow {
            age: 93,
            ..row(w, at)
        },
    )
    .await;
    put(
        w,
        Some(person),
        FactRow {
            prior_encounters: 1,
            intake_minutes: Some(600),
            ..row(w, at + Duration::days(9))
        },
    )
    .await;
    let other = put(
        w,
        None,
        FactRow {
            accepted: false,
            referred: false,
            ..row(w, at + Duration::days(3))
        },
    )
    .await;
    (person, other)
}

#[tokio::test]
async fn research_exports_are_de_identified_per_recipient_and_audited() {
    for b in backends() {
        let w = world(b).await;
        export_fixture(&w).await;
        let coord = w.sign_in("coordinator").await;
        let page = coord.get("/reports/research").await;
        assert!(
            page.body.contains("person_key") && page.body.contains("minutes_to_intake"),
            "the data dictionary"
        );
        let post = |recipient: &'static str, dates: &'static str| {
            let coord = &coord;
            async move {
                coord
                    .post(
                        "/reports/research",
                        &[
                            ("recipient", recipient),
                            ("format", "csv"),
                            ("dates", dates),
                            ("from", ""),
                            ("to", ""),
                        ],
                    )
                    .await
            }
        };
        let r = post("", "month").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Name the recipient"));
        let r = post("Evaluator A", "month").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let rows: Vec<Vec<String>> = r
            .body
            .lines()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect();
        let head = rows[0].clone();
        let col = |name: &str| head.iter().position(|h| h == name).unwrap();
        assert_eq!(rows.len(), 4, "a header and three encounters: {}", r.body);
        for forbidden in ["Hand", "Made", "first_name", "dob", "location", "HO-"] {
            assert!(
                !r.body.contains(forbidden),
                "{forbidden} leaked: {}",
                r.body
            );
        }
        let person = |r: &Vec<String>| r[col("person_key")].clone();
        // Rows are in the order of their month, then of their encounter key: nothing in
        // the order says which day came first (the three are in one month).
        let keys: Vec<&String> = rows[1..].iter().map(|r| &r[col("encounter_key")]).collect();
        assert!(keys.windows(2).all(|k| k[0] < k[1]), "{keys:?}");
        assert!(rows[1][col("encounter_date")].len() == 7, "month only");
        let mut rows = rows;
        let rest = rows.split_off(1);
        let first = rest.iter().find(|r| r[col("age")] == "90").unwrap().clone();
        let again = rest
            .iter()
            .find(|r| r[col("minutes_to_intake")] == "600")
            .unwrap()
            .clone();
        let third = rest
            .iter()
            .find(|r| person(r) != person(&first))
            .unwrap()
            .clone();
        // The first person (93 leaves as 90) twice, the other once.
        assert_eq!(person(&first), person(&again));
        assert_eq!(rest.len(), 3);
        let rows = [rows.remove(0), first, third, again];
        // Another recipient cannot link its keys to these.
        let other = post("Evaluator B", "shift").await;
        let rows_b: Vec<Vec<String>> = other
            .body
            .lines()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect();
        assert!(rows_b[1..].iter().all(|r| person(r) != person(&rows[1])));
        // Shifted dates keep a person's intervals: 9 days between their encounters.
        let d = |r: &Vec<String>| {
            chrono::NaiveDate::parse_from_str(&r[col("encounter_date")], "%Y-%m-%d").unwrap()
        };
        let twice: Vec<&Vec<String>> = rows_b[1..]
            .iter()
            .filter(|r| {
                rows_b[1..]
                    .iter()
                    .filter(|o| person(o) == person(r))
                    .count()
                    == 2
            })
            .collect();
        assert_eq!(twice.len(), 2);
        assert_eq!((d(twice[1]) - d(twice[0])).num_days().abs(), 9);
        // The earlier of the two (the rows' order is the export's, not the dates').
        assert!(
            (d(twice[0]).min(d(twice[1])) - (w.app.now() - Duration::days(40)).date_naive())
                .num_days()
                .abs()
                <= 183
        );
        assert_eq!(w.audited("research.export", "allowed").await, 2);
    }
}

#[tokio::test]
async fn a_parquet_export_reads_back() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    for b in backends() {
        let w = world(b).await;
        export_fixture(&w).await;
        let spec =
            handoff_app::research::Spec::parse("Study", "encounters", "parquet", "month", "", "")
                .unwrap();
        let (buf, written) = export_research(&w, &spec).await;
        assert_eq!(written.rows, 3);
        assert!(written.dictionary.contains("| person_key | text |"));
        assert!(
            written
                .dictionary
                .contains("Row order: by month, then by encounter_key")
        );
        let reader = SerializedFileReader::new(bytes::Bytes::from(buf)).unwrap();
        let meta = reader.metadata();
        assert_eq!(meta.file_metadata().num_rows(), 3);
        let names: Vec<String> = meta
            .file_metadata()
            .schema_descr()
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        assert_eq!(names[0], "encounter_key");
        assert!(names.contains(&"minutes_to_intake".to_string()));
        let rows: Vec<_> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let intake = names.iter().position(|n| n == "minutes_to_intake").unwrap();
        let values: Vec<String> = rows
            .iter()
            .map(|r| r.get_column_iter().nth(intake).unwrap().1.to_string())
            .collect();
        assert!(values.contains(&"600".to_string()), "{values:?}");
        assert!(values.contains(&"null".to_string()), "{values:?}");
    }
}

/// An export reads the fact rows in pages in day order: paging in small pages gives every
/// row of the period once, in that order, on both backends, with several rows on one day
/// (the page edge falls inside a day) and rows outside the period left out.
#[tokio::test]
async fn the_export_scan_pages_by_day_and_encounter_each_row_once() {
    for b in backends() {
        let w = world(b.clone()).await;
        let start = w.app.now() - Duration::days(40);
        // People: `put` answers the person of the row.
        let mut inside = Vec::new();
        for i in 0..23 {
            // Four rows a day.
            let at = start + Duration::days(i / 4) + Duration::minutes(i);
            inside.push(put(&w, None, row(&w, at)).await);
        }
        let before = put(&w, None, row(&w, start - Duration::days(3))).await;
        let tz: chrono_tz::Tz = "America/Chicago".parse().unwrap();
        let from = start.with_timezone(&tz).date_naive();
        let to = (start + Duration::days(6)).with_timezone(&tz).date_naive();
        let mut pages = w.store.scan_fact_rows_by(w.program, from, to, 5);
        let mut got = Vec::new();
        let mut people = std::collections::HashSet::new();
        let mut sizes = Vec::new();
        while let Some(page) = pages.recv().await {
            let page = page.unwrap();
            sizes.push(page.len());
            people.extend(page.iter().map(|f| f.participant_id));
            got.extend(page.into_iter().map(|f| (f.day, f.encounter_id)));
        }
        assert_eq!(sizes, vec![5, 5, 5, 5, 3], "{b}");
        assert!(
            got.windows(2).all(|w| w[0].0 <= w[1].0),
            "{b}: in day order"
        );
        let ids: std::collections::HashSet<uuid::Uuid> = got.iter().map(|(_, id)| *id).collect();
        assert_eq!(ids.len(), 23, "{b}: each once");
        assert!(inside.iter().all(|p| people.contains(p)), "{b}");
        assert!(!people.contains(&before), "{b}: outside the period");
    }
}

/// Reports read rolled-up spans where they are current and count the rest live: the same
/// report either way, before and after a row of an old month changes.
#[tokio::test]
async fn reports_from_rollups_equal_reports_counted_live() {
    for b in backends() {
        let w = world(b).await;
        // 150 encounters from October 2025 to February 2026 (the clock: 2 March 2026),
        // people of every group, two providers and two pathways.
        let start = w.app.now() - Duration::days(150);
        let mut ids = Vec::new();
        for i in 0..150i64 {
            let mut f = row(&w, start + Duration::hours(i * 23));
            f.sex = ["F", "M", "U"][(i % 3) as usize].into();
            f.race = ["W", "B", "A", "I", "U"][(i % 5) as usize].into();
            f.ethnicity = if i % 4 == 0 { "H" } else { "N" }.into();
            f.age = 18 + (i * 7) % 60;
            f.pathway = if i % 2 == 0 {
                "officer_intervention"
            } else {
                "naloxone_plus"
            }
            .into();
            f.eligible = i % 6 != 0;
            f.offered = f.eligible && i % 5 != 0;
            f.accepted = f.offered && i % 7 != 0;
            f.referred = f.accepted;
            f.provider_id = f
                .referred
                .then(|| w.orgs[if i % 3 == 0 { "p1" } else { "p2" }]);
            f.engaged_minutes = (f.referred && i % 2 == 0).then_some(60 * (i + 1));
            ids.push(f.clone());
            put(&w, None, f).await;
        }
        let coord = w.sign_in("coordinator").await;
        let quarter = handoff_domain::reports::Quarter::parse("2025Q4").unwrap();
        let equity = "/reports/equity?from=2025-10-01&to=2026-03-01";
        let read = || async {
            (
                handoff_app::reports::quarterly_of(&w.app, w.program, quarter)
                    .await
                    .unwrap(),
                coord.get(equity).await.body,
            )
        };
        let live = read().await;
        assert!(live.1.contains("Relative rate"), "{}", live.1);
        assert!(handoff_app::facts::roll_up(&w.app).await.unwrap() > 100);
        assert_eq!(read().await, live, "from rollups on {}", w.backend);
        // A row of an old month changes: its day is counted live until the next pass.
        let mut changed = ids[3].clone();
        changed.sex = "M".into();
        changed.accepted = false;
        changed.referred = false;
        changed.provider_id = None;
        let mut tx = w.store.write().await.unwrap();
        tx.run(&[handoff_app::facts::write(&changed)])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let after = read().await;
        assert_ne!(after, live, "the change shows at once");
        assert_eq!(handoff_app::facts::roll_up(&w.app).await.unwrap(), 1);
        assert_eq!(
            read().await,
            after,
            "and stays after the pass on {}",
            w.backend
        );
    }
}
