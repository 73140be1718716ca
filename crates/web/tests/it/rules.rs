//! Eligibility rules as data (issue 4): the coordinator edits the file, a dry run shows
//! how recent encounters would be decided, a bad file is refused by line and field with
//! the text kept, saving makes a new version for new encounters while past decisions
//! keep theirs.
use hyper::StatusCode;

use crate::support::*;

#[tokio::test]
async fn rules_are_edited_tried_and_saved_as_a_new_version() {
    for b in backends() {
        let w = world(b.clone()).await;
        let officer = w.sign_in("officer").await;
        let before = record_encounter(&w, &officer, "Before").await; // 1.0 g: eligible
        let coord = w.sign_in("coordinator").await;
        let page = coord.get("/rules").await;
        assert_eq!(page.status, StatusCode::OK, "{b}: {}", page.body);
        assert!(page.body.contains("Version 1 is in force"));
        let export = coord.get("/rules/export").await;
        assert!(
            export.headers["content-disposition"]
                .to_str()
                .unwrap()
                .contains("eligibility-rules-v1.toml")
        );
        let file = export.body;
        assert!(file.contains("max_grams = 3"), "{file}");

        let stricter = file.replace("max_grams = 3", "max_grams = 0.5");
        let r = coord.post("/rules/dry-run", &[("file", &stricter)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(
            r.body
                .contains("1 of 1 recent encounters would be decided differently"),
            "{}",
            r.body
        );

        let bad = file.replace("max_grams = 3", "max_grams = \"three\"");
        let r = coord.post("/rules", &[("file", &bad)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let line = bad
            .lines()
            .position(|l| l.starts_with("max_grams"))
            .unwrap()
            + 1;
        assert!(
            r.body.contains(&format!("line {line}, field max_grams")),
            "{}",
            r.body
        );
        assert!(
            r.body.contains("max_grams = &quot;three&quot;")
                || r.body.contains("max_grams = &#34;three&#34;"),
            "typed text kept"
        );

        let r = coord.post("/rules", &[("file", &stricter)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(w.audited("rules.update", "allowed").await, 1);
        // The encounter form asks only what the rules in force require.
        let form = officer.get("/encounters/new").await;
        assert!(form.body.contains("No open warrant"));
        assert!(
            !form.body.contains("Not dealing beyond subsistence"),
            "not required"
        );
        let after = record_encounter(&w, &officer, "After").await;
        let mut tx = w.store.read().await.unwrap();
        let old = tx.decision(before).await.unwrap();
        let new = tx.decision(after).await.unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(
            (old.rules_version, old.eligible),
            (1, true),
            "{b}: the past stands"
        );
        assert_eq!((new.rules_version, new.eligible), (2, false), "{b}");
        let page = coord.get("/rules").await;
        assert!(
            page.body.contains("Version 2 is in force") && page.body.contains("max_grams = 0.5")
        );
        // Only coordinators.
        let admin = w.sign_in("admin").await;
        assert_eq!(admin.get("/rules").await.status, StatusCode::NOT_FOUND);
    }
}

/// A limit on earlier participation: a person who accepted an offer before is decided
/// ineligible the second time, with the reason, once the rules say so.
#[tokio::test]
async fn earlier_participation_counts_when_the_rules_limit_it() {
    for b in backends() {
        let w = world(b.clone()).await;
        let officer = w.sign_in("officer").await;
        let first = record_encounter(&w, &officer, "Repeatqz").await;
        accept_offer(&w, &officer, first, "contact_card", "p1").await;
        let participant = {
            let mut tx = w.store.read().await.unwrap();
            let e = tx.encounter(first).await.unwrap();
            tx.rollback().await.unwrap();
            e.participant_id
        };
        let coord = w.sign_in("coordinator").await;
        let file = coord.get("/rules/export").await.body;
        let limited = file.replace(
            "# max_prior_participations = 2   (no limit when left out)",
            "max_prior_participations = 0",
        );
        assert_ne!(limited, file);
        let r = coord.post("/rules", &[("file", &limited)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        w.clock.advance(chrono::Duration::days(1));
        let officer = w.sign_in("officer").await;
        let mut f = encounter_fields(&w.local_now(), "", "35A", "1.0", "GM");
        for (k, v) in f.iter_mut() {
            if k == "participant_id" {
                *v = participant.to_string();
            } else if k.starts_with("person.") {
                v.clear();
            }
        }
        let r = officer.post("/encounters", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let second = r.location_id();
        let mut tx = w.store.read().await.unwrap();
        let d = tx.decision(second).await.unwrap();
        tx.rollback().await.unwrap();
        assert!(!d.eligible, "{b}");
        assert!(
            d.criteria_json.contains("prior_participation"),
            "{}",
            d.criteria_json
        );
        assert!(
            d.criteria_json.contains("1 earlier participation"),
            "{}",
            d.criteria_json
        );
    }
}

/// The rules form, as a browser sends it: every field, checkbox lists as repeated names.
fn rules_form(rules: &handoff_domain::eligibility::Rules) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for (k, x) in handoff_domain::rules_file::to_fields(rules) {
        if k.ends_with("required_attestations") {
            for c in x.split(',').filter(|c| !c.is_empty()) {
                v.push((k.clone(), c.to_string()));
            }
        } else {
            v.push((k, x));
        }
    }
    v
}

#[tokio::test]
async fn rules_are_edited_field_by_field() {
    for b in backends() {
        let w = world(b).await;
        let coord = w.sign_in("coordinator").await;
        let page = coord.get("/rules").await;
        assert!(
            page.body.contains(
                "name=\"pathways.naloxone_plus.follow_up_days\" inputmode=\"numeric\" value=\"3\""
            ),
            "{}",
            page.body
        );
        let mut f = rules_form(&handoff_domain::eligibility::Rules::default());
        for (k, x) in f.iter_mut() {
            match k.as_str() {
                "max_grams" => *x = "lots".into(),
                "pathways.naloxone_plus.follow_up_days" => *x = "5".into(),
                "pathways.officer_referral.social_contact_prior_months" => *x = "12".into(),
                _ => {}
            }
        }
        f.push(("drug_limits[0].drug_type".into(), "H".into()));
        f.push(("drug_limits[0].max_grams".into(), "0.5".into()));
        f.push(("intent".into(), "save".into()));
        let r = coord.post("/rules/fields", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("Must be a number of 0 or more"),
            "{}",
            r.body
        );
        assert!(r.body.contains("value=\"lots\""), "typed value kept");
        assert!(r.body.contains("value=\"0.5\""), "typed limit kept");
        assert_eq!(w.audited("rules.update", "allowed").await, 0);

        for (k, x) in f.iter_mut() {
            if k == "max_grams" {
                *x = "2".into();
            }
            if k == "intent" {
                *x = "dry_run".into();
            }
        }
        let r = coord.post("/rules/fields", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Dry run:"));
        assert_eq!(
            w.audited("rules.update", "allowed").await,
            0,
            "a dry run saves nothing"
        );
        f.retain(|(k, _)| k != "intent");
        f.push(("intent".into(), "save".into()));
        let r = coord.post("/rules/fields", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let file = coord.get("/rules/export").await.body;
        assert!(file.contains("version 2"));
        assert!(file.contains("max_grams = 2\n"), "{file}");
        assert!(
            file.contains("[[drug_limits]]\ndrug_type = \"H\"\nmax_grams = 0.5"),
            "{file}"
        );
        let np = &file[file.find("[pathways.naloxone_plus]").unwrap()..];
        assert!(np.contains("follow_up_days = 5"), "{file}");
        assert!(file.contains("social_contact_prior_months = 12"));
    }
}

#[tokio::test]
async fn rules_saved_for_a_later_day_take_effect_that_day() {
    for b in backends() {
        let w = world(b).await;
        let coord = w.sign_in("coordinator").await;
        let file = coord.get("/rules/export").await.body;
        let older = file.replace("min_age_years = 18", "min_age_years = 40");
        let tz: chrono_tz::Tz = "America/Chicago".parse().unwrap();
        let today = handoff_domain::Clock::now(&w.clock)
            .with_timezone(&tz)
            .date_naive();
        let past = (today - chrono::Duration::days(1)).to_string();
        let r = coord
            .post(
                "/rules",
                &[("file", older.as_str()), ("effective_on", past.as_str())],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("cannot take effect in the past"),
            "{}",
            r.body
        );
        let later = (today + chrono::Duration::days(2)).to_string();
        let r = coord
            .post(
                "/rules",
                &[("file", older.as_str()), ("effective_on", later.as_str())],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = coord.get("/rules").await;
        assert!(
            page.body.contains(&format!(
                "Version 2 takes effect on <strong>{later}</strong>"
            )),
            "{}",
            page.body
        );
        assert!(page.body.contains("Save as version 3"));

        // Until then version 1 decides (the person is 36).
        let officer = w.sign_in("officer").await;
        let now_id = record_encounter(&w, &officer, "Today").await;
        let decision = |id| {
            let store = w.store.clone();
            async move {
                let mut tx = store.read().await.unwrap();
                let d = tx.decision(id).await.unwrap();
                tx.rollback().await.unwrap();
                (d.rules_version, d.eligible)
            }
        };
        assert_eq!(decision(now_id).await, (1, true));
        w.clock.advance(chrono::Duration::days(3));
        let officer = w.sign_in("officer").await;
        let then_id = record_encounter(&w, &officer, "Later").await;
        assert_eq!(decision(then_id).await, (2, false));
        assert_eq!(
            decision(now_id).await,
            (1, true),
            "the past decision stands"
        );
    }
}

/// Two coordinators edit the rules at once: the second save, based on the version both
/// opened, is refused with the news and their text kept; nothing is overwritten.
#[tokio::test]
async fn a_save_over_a_version_saved_meanwhile_is_refused_with_the_text_kept() {
    for b in backends() {
        let w = world(b.clone()).await;
        let first = w.sign_in("coordinator").await;
        let second = w.sign_in("coordinator").await;
        let page = second.get("/rules").await.body;
        let based_on = page
            .split("name=\"based_on\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        assert_eq!(based_on, "1", "{b}");
        let file = first.get("/rules/export").await.body;
        let r = first
            .post("/rules", &[("file", &file), ("based_on", &based_on)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);

        let mine = format!("# SECOND-EDITOR-MARKER\n{file}");
        let each =
            handoff_domain::rules_file::to_fields(&handoff_domain::eligibility::Rules::default());
        let mut by_field: Vec<(&str, &str)> = each
            .iter()
            .filter(|(k, _)| !k.starts_with("drug_limits["))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        by_field.extend([("intent", "save"), ("based_on", "1")]);
        for (path, fields) in [
            ("/rules", vec![("file", mine.as_str()), ("based_on", "1")]),
            ("/rules/fields", by_field),
        ] {
            let r = second.post(path, &fields).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{b}: {path}: {}",
                r.body
            );
            assert!(
                r.body.contains("Version 2 was saved by someone else"),
                "{b}: {path}: {}",
                r.body
            );
            if path == "/rules" {
                assert!(
                    r.body.contains("SECOND-EDITOR-MARKER"),
                    "{b}: typed text kept"
                );
            }
            // The page now offers the newer version as the base.
            assert!(r.body.contains("name=\"based_on\" value=\"2\""), "{b}");
        }
        let mut tx = w.store.read().await.unwrap();
        assert_eq!(tx.max_rules_version(w.program).await.unwrap(), 2, "{b}");
        tx.rollback().await.unwrap();
        assert_eq!(w.audited("rules.update", "allowed").await, 1, "{b}");
    }
}
