//! Measures from fact rows (issue 5, ADR 0011), on every backend: the rows follow every
//! action and equal a rebuild from the source rows; every measure on a small hand-made
//! dataset with known answers, with the filters.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use handoff_app::facts;
use handoff_storage::{EncounterRow, FactFilter, FactRow, ParticipantRow, Stmt};
use hyper::{Method, StatusCode};
use uuid::Uuid;

use crate::support::*;

#[tokio::test]
async fn fact_rows_follow_every_action_and_equal_a_rebuild() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        // A full case: warm handoff after 20 minutes, intake, first treatment, decided.
        let full = record_encounter(&w, &officer, "Full").await;
        accept_offer(&w, &officer, full, "warm", "p1").await;
        let r = w.referrals_of(full).await.remove(0);
        w.clock.advance(Duration::minutes(20));
        let cm = w.sign_in("cm1").await;
        for action in ["accept", "arrival", "intake"] {
            assert_eq!(
                step(&cm, r.id, action, &[]).await.status,
                StatusCode::SEE_OTHER
            );
        }
        w.clock.advance(Duration::days(2));
        let cm = w.sign_in("cm1").await;
        assert_eq!(
            step(&cm, r.id, "first_treatment", &[]).await.status,
            StatusCode::SEE_OTHER
        );
        let pros = w.sign_in("prosecutor").await;
        let hold = w.hold_of(full).await;
        let resp = pros
            .post(
                &format!("/holds/{}/decision", hold.id),
                &[
                    ("decision", "decline_to_file"),
                    ("reason", "Engaged"),
                    ("new_deadline", ""),
                ],
            )
            .await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);

        // Over the threshold, overridden by the supervisor, then declined.
        let officer = w.sign_in("officer").await;
        let f = encounter_fields(&w.local_now(), "Heavy", "35A", "10", "GM");
        let resp = officer.post("/encounters", &refs(&f)).await;
        let heavy = resp.location_id();
        let resp = officer
            .post(
                &format!("/encounters/{heavy}/override"),
                &[("reason", "Scale error")],
            )
            .await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER);
        let sup = w.sign_in("supervisor").await;
        sup.post(
            &format!("/encounters/{heavy}/override/review"),
            &[("decision", "approve"), ("note", "ok")],
        )
        .await;
        officer
            .post(
                &format!("/encounters/{heavy}/offer"),
                &[("response", "declined"), ("decline_reason", "No")],
            )
            .await;

        // The first person met again.
        let person = {
            let mut tx = w.store.read().await.unwrap();
            let p = tx.encounter(full).await.unwrap().participant_id;
            tx.rollback().await.unwrap();
            p
        };
        let mut f = encounter_fields(&w.local_now(), "Full", "35A", "1", "GM");
        for (k, v) in f.iter_mut() {
            if k == "participant_id" {
                *v = person.to_string();
            }
        }
        let again = officer.post("/encounters", &refs(&f)).await.location_id();

        let fact = |id| {
            let store = w.store.clone();
            async move {
                let mut tx = store.read().await.unwrap();
                let f = tx.case_fact(id).await.unwrap().unwrap();
                tx.rollback().await.unwrap();
                f
            }
        };
        let f = fact(full).await;
        assert!(f.eligible && f.offered && f.accepted && f.referred && f.handed_off);
        assert_eq!(f.warm_minutes, Some(20));
        assert_eq!(f.contact_minutes, Some(20));
        assert_eq!(f.provider_id, Some(w.orgs["p1"]));
        assert_eq!(f.deadline_met, Some(true));
        assert_eq!(f.engaged_minutes, Some(20 + 2 * 24 * 60));
        assert_eq!(
            (f.pathway.as_str(), f.agency_kind.as_str()),
            ("officer_intervention", "law_enforcement")
        );
        let f = fact(heavy).await;
        assert!(
            f.eligible && f.offered && !f.accepted && !f.referred,
            "{f:?}"
        );
        assert_eq!(fact(again).await.prior_encounters, 1);

        // The incremental rows are what a rebuild from the sources makes.
        let (checked, changed) = facts::rebuild(&w.app).await.unwrap();
        assert_eq!((checked, changed), (3, 0), "{}", w.backend);
        // Rows lost (or from before facts existed) are filled in again.
        handoff_storage::testing::execute_raw(&w.store, "DELETE FROM fact_rows")
            .await
            .unwrap();
        assert_eq!(facts::backfill(&w.app).await.unwrap(), 3);
        assert_eq!(facts::rebuild(&w.app).await.unwrap(), (3, 0));
    }
}

/// A participant and encounter with a fact row written as given (the rows' sources are
/// not needed to count).
pub(crate) async fn put(w: &World, participant: Option<Uuid>, fact: FactRow) -> Uuid {
    let now = w.app.now();
    let pid = participant.unwrap_or_else(Uuid::now_v7);
    let mut stmts = Vec::new();
    if participant.is_none() {
        stmts.push(Stmt::participant(&ParticipantRow {
            id: pid,
            program_id: w.program,
            first_name: "Hand".into(),
            last_name: format!("Made{}", pid.simple()),
            dob: chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
            sex: "F".into(),
            race: "W".into(),
            ethnicity: "N".into(),
            phone: None,
            email: None,
            match_key: format!("k{pid}"),
            search_name: "made hand".into(),
            created_at: now,
            created_by: w.users["officer"],
            erased_at: None,
        }));
    }
    stmts.push(Stmt::encounter(&EncounterRow {
        id: fact.encounter_id,
        program_id: w.program,
        reference: format!("HO-{}", fact.encounter_id.simple()),
        pathway: fact.pathway.clone(),
        agency_id: fact.agency_id,
        officer_id: fact.officer_id,
        participant_id: pid,
        occurred_at: fact.occurred_at,
        location: "x".into(),
        incident_number: "x".into(),
        age_at_encounter: fact.age,
        sex: "F".into(),
        race: "W".into(),
        ethnicity: "N".into(),
        created_at: now,
    }));
    stmts.push(facts::write(&FactRow {
        participant_id: pid,
        program_id: w.program,
        ..fact
    }));
    let mut tx = w.store.write().await.unwrap();
    tx.run(&stmts).await.unwrap();
    tx.commit().await.unwrap();
    pid
}

pub(crate) fn row(w: &World, at: DateTime<Utc>) -> FactRow {
    let tz: chrono_tz::Tz = "America/Chicago".parse().unwrap();
    let day = at.with_timezone(&tz).date_naive();
    FactRow {
        encounter_id: Uuid::now_v7(),
        program_id: w.program,
        occurred_at: at,
        day,
        month: day.format("%Y-%m").to_string(),
        pathway: "officer_intervention".into(),
        agency_id: w.orgs["agency"],
        agency_kind: "law_enforcement".into(),
        officer_id: w.users["officer"],
        provider_id: None,
        participant_id: Uuid::nil(),
        sex: "F".into(),
        race: "W".into(),
        ethnicity: "N".into(),
        age: 40,
        prior_encounters: 0,
        eligible: true,
        offered: true,
        accepted: true,
        referred: true,
        screened: false,
        handed_off: false,
        warm_minutes: None,
        contact_minutes: None,
        intake_minutes: None,
        engaged_minutes: None,
        engaged_at: None,
        exit_kind: None,
        exit_minutes: None,
        deadline_ends_at: None,
        deadline_met: None,
        updated_at: at,
    }
}

#[tokio::test]
async fn every_measure_on_a_hand_made_dataset() {
    for b in backends() {
        let w = world(b).await;
        let now = w.app.now();
        let ago = |d: i64| now - Duration::days(d);
        let min = |d: i64| d * 24 * 60;
        // A: 100 days ago; warm 20 min; intake after 1 day; engaged day 5; deadline met.
        let a = ago(100);
        let person_a = put(
            &w,
            None,
            FactRow {
                provider_id: Some(w.orgs["p1"]),
                handed_off: true,
                warm_minutes: Some(20),
                contact_minutes: Some(20),
                intake_minutes: Some(min(1)),
                engaged_minutes: Some(min(5)),
                engaged_at: Some(a + Duration::days(5)),
                deadline_ends_at: Some(a + Duration::days(30)),
                deadline_met: Some(true),
                ..row(&w, a)
            },
        )
        .await;
        // B: 95 days ago; contact card never used: the deadline passed (missed).
        let b_at = ago(95);
        put(
            &w,
            None,
            FactRow {
                deadline_ends_at: Some(b_at + Duration::days(30)),
                ..row(&w, b_at)
            },
        )
        .await;
        // C: 90 days ago, another agency's officer, Self-Referral, declined.
        put(
            &w,
            None,
            FactRow {
                pathway: "self_referral".into(),
                agency_id: w.orgs["agency_b"],
                officer_id: w.users["officer_b"],
                accepted: false,
                referred: false,
                ..row(&w, ago(90))
            },
        )
        .await;
        // D: 80 days ago, not eligible.
        put(
            &w,
            None,
            FactRow {
                eligible: false,
                offered: false,
                accepted: false,
                referred: false,
                ..row(&w, ago(80))
            },
        )
        .await;
        // E: 10 days ago, the same person as A, Naloxone Plus; warm 40 min, intake day 3.
        let e = ago(10);
        put(
            &w,
            Some(person_a),
            FactRow {
                pathway: "naloxone_plus".into(),
                prior_encounters: 1,
                handed_off: true,
                warm_minutes: Some(40),
                contact_minutes: Some(40),
                intake_minutes: Some(min(3)),
                deadline_ends_at: Some(e + Duration::days(30)),
                deadline_met: Some(true),
                ..row(&w, e)
            },
        )
        .await;
        // F: 200 days ago at the second provider; engaged day 40, left day 50.
        let f_at = ago(200);
        put(
            &w,
            None,
            FactRow {
                provider_id: Some(w.orgs["p2"]),
                engaged_minutes: Some(min(40)),
                engaged_at: Some(f_at + Duration::days(40)),
                exit_kind: Some("disengaged".into()),
                exit_minutes: Some(min(50)),
                ..row(&w, f_at)
            },
        )
        .await;
        // G: 5 days ago; the deadline is still open.
        let g = ago(5);
        put(
            &w,
            None,
            FactRow {
                deadline_ends_at: Some(g + Duration::days(30)),
                ..row(&w, g)
            },
        )
        .await;

        let token = w.token("coordinator").await;
        let tz: chrono_tz::Tz = "America/Chicago".parse().unwrap();
        let from = ago(250).with_timezone(&tz).date_naive();
        let to = now.with_timezone(&tz).date_naive();
        let get = |q: String| {
            let (w, token) = (&w, token.clone());
            async move {
                let r = w
                    .api(
                        Method::GET,
                        &format!("/api/v1/dashboard?from={from}&to={to}{q}"),
                        &token,
                        None,
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                r.json()["measures"].clone()
            }
        };
        let m = get(String::new()).await;
        for (k, v) in [
            ("encounters", 7),
            ("new_people", 6),
            ("eligible", 6),
            ("offered", 6),
            ("accepted", 5),
            ("referred", 5),
            ("handed_off", 2),
            ("intakes", 2),
            ("engaged", 2),
            ("repeat_encounters", 1),
            ("deadlines_met", 2),
            ("deadlines_missed", 1),
            ("deadlines_open", 1),
        ] {
            assert_eq!(m[k], v, "{k} on {}: {m}", w.backend);
        }
        let rate = |k: &str| {
            (
                m[k]["numerator"].clone(),
                m[k]["denominator"].clone(),
                m[k]["not_yet_known"].clone(),
            )
        };
        assert_eq!(rate("engaged_30"), (1.into(), 3.into(), 2.into()), "{m}");
        assert_eq!(rate("engaged_60"), (2.into(), 3.into(), 2.into()));
        assert_eq!(rate("engaged_90"), (2.into(), 3.into(), 2.into()));
        assert_eq!(rate("retained_30"), (1.into(), 2.into(), 0.into()));
        assert_eq!(rate("retained_90"), (1.into(), 2.into(), 0.into()));
        assert_eq!(m["median_warm_handoff_minutes"], 30.0);
        assert_eq!(m["median_hours_to_intake"], 48.0);
        assert_eq!(m["first_contact"]["median"], 0.5);
        assert_eq!(
            m["first_contact"]["bands"][0],
            serde_json::json!(["Under 1 hour", 2])
        );
        assert_eq!(m["engagement_days"]["median"], 22.5);
        let months: u64 = m["months"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["encounters"].as_u64().unwrap())
            .sum();
        assert_eq!(months, 7);

        // Filters.
        let n = |m: serde_json::Value| m["encounters"].as_u64().unwrap();
        assert_eq!(n(get("&pathway=naloxone_plus".into()).await), 1);
        assert_eq!(n(get(format!("&agency={}", w.orgs["agency_b"])).await), 1);
        assert_eq!(
            n(get(format!("&officer={}", w.users["officer_b"])).await),
            1
        );
        assert_eq!(n(get(format!("&provider={}", w.orgs["p2"])).await), 1);
        assert_eq!(n(get("&entry=fire_ems".into()).await), 0);

        // Rollups (ADR 0011) give the same measures: every dirty day is rolled up, with
        // its third and month; a second pass finds nothing to do.
        let days: std::collections::BTreeSet<_> = {
            let mut tx = w.store.read().await.unwrap();
            let rows = tx.fact_rows_of(w.program).await.unwrap();
            rows.iter().map(|r| r.day).collect()
        };
        let built = facts::roll_up(&w.app).await.unwrap();
        assert_eq!(built, days.len() as u64, "every day with rows, once");
        assert_eq!(
            facts::roll_up(&w.app).await.unwrap(),
            0,
            "current rollups stay"
        );
        let rolled = get(String::new()).await;
        let keys = [
            "encounters",
            "new_people",
            "eligible",
            "offered",
            "accepted",
            "referred",
            "handed_off",
            "intakes",
            "engaged",
            "repeat_encounters",
            "deadlines_met",
            "deadlines_missed",
            "deadlines_open",
            "engaged_30",
            "engaged_60",
            "engaged_90",
            "retained_30",
            "retained_90",
            "months",
            "first_contact",
            "engagement_days",
        ];
        for k in keys {
            assert_eq!(rolled[k], m[k], "{k} from rollups on {}", w.backend);
        }
        // Every part of the period is read from a rollup: nothing is live.
        {
            let mut tx = w.store.read().await.unwrap();
            assert!(tx.dirty_days(w.program, from, to).await.unwrap().is_empty());
            let spans = tx.rollup_spans(w.program, from, to).await.unwrap();
            assert!(spans.iter().any(|(s, _)| s.len() == 7), "months: {spans:?}");
            // The period starts and ends inside months, but their days outside it are
            // empty: it is read as whole months, no thirds or days.
            let f = FactFilter {
                program_id: w.program,
                from,
                to,
                ..FactFilter::default()
            };
            let t = handoff_app::dashboard::tiling(&mut tx, &f, w.app.now())
                .await
                .unwrap();
            assert!(t.live.is_empty(), "{t:?}");
            assert!(t.rolled.iter().all(|s| s.len() == 7), "{t:?}");
        }
        assert_eq!(rolled["median_warm_handoff_minutes"], 30.0);
        let intake = rolled["median_hours_to_intake"].as_f64().unwrap();
        assert!((intake - 48.0).abs() <= 0.5, "to the hour: {intake}");
        assert_eq!(n(get(format!("&provider={}", w.orgs["p2"])).await), 1);
        assert_eq!(
            n(get(format!("&officer={}", w.users["officer_b"])).await),
            1
        );
        // A fact row written in a rolled month makes that month live again.
        let mut tx = w.store.write().await.unwrap();
        let mut d_row = tx
            .fact_rows_of(w.program)
            .await
            .unwrap()
            .into_iter()
            .find(|f| !f.eligible)
            .unwrap();
        d_row.eligible = true;
        tx.run(&[facts::write(&d_row)]).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(get(String::new()).await["eligible"], 7);
        assert_eq!(
            facts::roll_up(&w.app).await.unwrap(),
            1,
            "the one dirty day"
        );
        assert_eq!(get(String::new()).await["eligible"], 7);
        // Time moves past G's deadline (25 days from now): the day's rollup is no longer
        // current, so it is counted live at once, and the worker's next pass rebuilds it.
        w.clock.advance(Duration::days(26));
        let later = get(String::new()).await;
        assert_eq!(later["deadlines_open"], 0, "{later}");
        assert_eq!(later["deadlines_missed"], 2);
        assert!(facts::roll_up(&w.app).await.unwrap() >= 1);
        let rebuilt = get(String::new()).await;
        for k in keys {
            assert_eq!(rebuilt[k], later[k], "{k} after the time passed");
        }
        {
            let mut tx = w.store.read().await.unwrap();
            let now = w.app.now();
            let spans = tx.rollup_spans(w.program, from, to).await.unwrap();
            assert!(
                spans.iter().all(|(_, v)| v.is_none_or(|v| v > now)),
                "every span current: {spans:?}"
            );
        }
        // The rollups kept up through these changes (a row of an old month changed, time
        // passed) equal rollups built again from nothing.
        let kept = rollup_state(&w, from, to).await;
        for table in [
            "fact_rollups",
            "fact_rollup_hists",
            "fact_rollup_groups",
            "fact_rollup_services",
            "fact_rollup_spans",
        ] {
            handoff_storage::testing::execute_raw(&w.store, &format!("DELETE FROM {table}"))
                .await
                .unwrap();
        }
        let mut tx = w.store.write().await.unwrap();
        tx.mark_fact_days_dirty(w.program).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(facts::roll_up(&w.app).await.unwrap(), days.len() as u64);
        assert_eq!(rollup_state(&w, from, to).await, kept, "{}", w.backend);
        // A day marked dirty (as bench-reports does, to time views with the worker a pass
        // behind) is counted live, with the same figures, until the next pass rebuilds it.
        let current = get(String::new()).await;
        let day = *days.iter().next().unwrap();
        let mut tx = w.store.write().await.unwrap();
        tx.mark_fact_day_dirty(w.program, day).await.unwrap();
        tx.mark_fact_day_dirty(w.program, day).await.unwrap();
        tx.commit().await.unwrap();
        let behind = get(String::new()).await;
        for k in keys {
            assert_eq!(behind[k], current[k], "{k} with a day waiting");
        }
        assert_eq!(facts::roll_up(&w.app).await.unwrap(), 1, "that one day");
        assert_eq!(rollup_state(&w, from, to).await, kept, "{}", w.backend);
        // Another program's organization is not a choice.
        let r = w
            .api(
                Method::GET,
                &format!("/api/v1/dashboard?agency={}", Uuid::now_v7()),
                &token,
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let coord = w.sign_in("coordinator").await;
        let (reads, refused) = (
            w.audited("dashboard.read", "allowed").await,
            w.audited("dashboard.read", "denied").await,
        );
        let page = coord.get(&format!("/dashboard?from={from}&to={to}")).await;
        assert_eq!(page.status, StatusCode::OK);
        // The read is recorded by the time it is answered (the record is written while
        // the measures are read); a refused one too.
        assert_eq!(w.audited("dashboard.read", "allowed").await, reads + 1);
        let officer = w.sign_in("officer").await;
        let r = officer.get("/dashboard").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(w.audited("dashboard.read", "denied").await, refused + 1);
        assert!(
            page.body
                .contains("Time from encounter to first treatment contact")
        );
        assert!(page.body.contains("By month"));
    }
}

/// What the rollups of a period say, span by span: until when each is current, its counts
/// and its histograms, for the whole program and by each provider and pathway, and its
/// referrals by kind of service.
async fn rollup_state(w: &World, from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut tx = w.store.read().await.unwrap();
    let mut spans = tx.rollup_spans(w.program, from, to).await.unwrap();
    spans.sort();
    let all = FactFilter {
        program_id: w.program,
        from,
        to,
        ..FactFilter::default()
    };
    let mut filters = vec![all.clone()];
    for p in ["p1", "p2"] {
        filters.push(FactFilter {
            provider_id: Some(w.orgs[p]),
            ..all.clone()
        });
    }
    filters.push(FactFilter {
        pathway: Some("naloxone_plus".into()),
        ..all.clone()
    });
    let mut out = Vec::new();
    for (span, valid_until) in spans {
        for f in &filters {
            let one = [span.clone()];
            let c = tx.rollup_counts(f, &one).await.unwrap();
            let h = tx.rollup_histograms(f, &one).await.unwrap();
            let t = tx.rollup_months_trend(f, &one).await.unwrap();
            out.push(format!("{span} {valid_until:?} {f:?} {c:?} {h:?} {t:?}"));
        }
        let services = tx
            .rollup_services(w.program, std::slice::from_ref(&span))
            .await
            .unwrap();
        out.push(format!("{span} {services:?}"));
    }
    out
}
