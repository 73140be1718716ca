//! The research export's referral table (issue 15): one row per referral, so that an
//! encounter referred to a provider, a detox unit and a shelter shows all three, each with
//! its service type, status, coded reason and times, joined to the encounter table by the
//! recipient's keys, and nothing identifying; in CSV and Parquet.
use hyper::StatusCode;

use crate::services::referred_three_ways;
use crate::support::*;

/// The CSV as rows of named cells (no cell of these exports holds a comma or a quote).
fn table(body: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut lines = body.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            assert!(!l.contains('"'), "{l}");
            head.iter()
                .map(|h| h.to_string())
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn the_referral_table_has_a_row_per_referral_joined_to_its_encounter() {
    for b in backends() {
        let w = world(b).await;
        referred_three_ways(&w, "Tabulated").await;
        let coord = w.sign_in("coordinator").await;
        let page = coord.get("/reports/research").await;
        assert!(
            page.body.contains("referral_key") && page.body.contains("outcome_reason"),
            "both data dictionaries are on the form"
        );
        let export = |table: &'static str, dates: &'static str| {
            let coord = &coord;
            async move {
                coord
                    .post(
                        "/reports/research",
                        &[
                            ("recipient", "Evaluator A"),
                            ("table", table),
                            ("format", "csv"),
                            ("dates", dates),
                            ("from", ""),
                            ("to", ""),
                        ],
                    )
                    .await
            }
        };
        let refs_csv = export("referrals", "shift").await;
        assert_eq!(refs_csv.status, StatusCode::OK, "{}", refs_csv.body);
        let encs = table(&export("encounters", "shift").await.body);
        let rows = table(&refs_csv.body);
        assert_eq!(rows.len(), 3, "{}", refs_csv.body);
        assert_eq!(encs.len(), 1);
        // All three are the one encounter's, under its key and date in the other table.
        for r in &rows {
            assert_eq!(r["encounter_key"], encs[0]["encounter_key"]);
            assert_eq!(r["person_key"], encs[0]["person_key"]);
            assert_eq!(r["encounter_date"], encs[0]["encounter_date"]);
        }
        let by_kind = |kind: &str| {
            rows.iter()
                .find(|r| r["service_kind"] == kind)
                .unwrap_or_else(|| panic!("{kind}: {}", refs_csv.body))
        };
        let (provider, sud, housing) = (by_kind("provider"), by_kind("sud"), by_kind("housing"));
        assert_eq!(provider["service_types"], "");
        assert_eq!(sud["service_types"], "sud-withdrawal access-walk-in");
        assert_eq!(sud["status"], "in-progress");
        assert_eq!(sud["counts_for_hold"], "true");
        assert_eq!(sud["outcome_reason"], "");
        assert!(sud["minutes_to_intake"].parse::<i64>().unwrap() >= 0);
        assert!(sud["warm_handoff_minutes"].parse::<i64>().is_ok());
        assert_eq!(housing["status"], "rejected");
        assert_eq!(housing["outcome_reason"], "no_capacity");
        assert_eq!(housing["counts_for_hold"], "false");
        assert_eq!(housing["minutes_to_intake"], "");
        assert_eq!(
            housing["presenting_problems"],
            "substance_use housing_instability"
        );
        // The receiving organizations have the encounter table's provider keys.
        assert_eq!(provider["organization_key"], encs[0]["provider_key"]);
        assert_ne!(housing["organization_key"], sud["organization_key"]);
        let keys: Vec<&String> = rows.iter().map(|r| &r["referral_key"]).collect();
        assert!(
            keys.windows(2).all(|k| k[0] < k[1]),
            "in key order: {keys:?}"
        );
        for forbidden in ["Tabulated", "Detox beds", "Night shelter", "HO-"] {
            assert!(!refs_csv.body.contains(forbidden), "{forbidden} leaked");
        }
        // The same table in Parquet, through the web download.
        let spec = handoff_app::research::Spec::parse(
            "Evaluator A",
            "referrals",
            "parquet",
            "month",
            "",
            "",
        )
        .unwrap();
        let (buf, written) = export_research(&w, &spec).await;
        assert_eq!(written.rows, 3);
        assert!(
            written
                .dictionary
                .contains("Table: referrals. Rows: 3 (one per referral")
        );
        assert!(
            written
                .dictionary
                .contains("| outcome_reason | text, may be empty |")
        );
        {
            use parquet::file::reader::{FileReader, SerializedFileReader};
            let reader = SerializedFileReader::new(bytes::Bytes::from(buf)).unwrap();
            let meta = reader.metadata().file_metadata();
            assert_eq!(meta.num_rows(), 3);
            assert_eq!(meta.schema_descr().columns()[0].name(), "referral_key");
            assert_eq!(meta.schema_descr().num_columns(), 20);
        }
        // A table not offered is refused by field, with what was typed kept.
        let bad = export("people", "month").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("Choose encounters or referrals."));
        assert!(bad.body.contains("value=\"Evaluator A\""));
        assert_eq!(w.audited("research.export", "allowed").await, 3);
    }
}
