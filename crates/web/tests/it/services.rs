//! Referrals to services (issue 15, ADR 0017): several at once, each holding a unit of its
//! service's capacity (two officers, one bed), released on rejection or expiry, taken on
//! arrival; only an intake at a treatment service meets a held charge, and the legal side
//! never sees the other referrals; the choice page ranks with reasons, marks exclusions,
//! shows the fallback, and keeps what was typed.
use chrono::Duration;
use hyper::StatusCode;
use serde_json::json;

use crate::support::*;

const BED: &str = "f4d2314f-6678-5694-a6a2-9b11b7b862df";

/// The first provider's detox unit (1 of 1 bed, treatment, 24 hours, adults) and the
/// second provider's shelter (5 of 60 beds, housing, 24 hours).
pub(crate) async fn directory(w: &World) -> (uuid::Uuid, uuid::Uuid) {
    let (detox, shelter) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    let term = |code: &str| handoff_domain::directory::term_by_code(code).unwrap().id;
    let always = json!([{"id": uuid::Uuid::now_v7(), "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "00:00", "closes_at": "00:00"}]);
    let updated = w.app.now().to_rfc3339();
    let file = json!([
        {"id": detox, "name": "Detox beds", "status": "active", "organization_id": w.orgs["p1"], "minimum_age": 18,
         "attributes": [{"id": uuid::Uuid::now_v7(), "taxonomy_term_id": term("sud-withdrawal")}, {"id": uuid::Uuid::now_v7(), "taxonomy_term_id": term("access-walk-in")}],
         "schedules": always,
         "capacities": [{"id": uuid::Uuid::now_v7(), "unit_id": BED, "available": 1, "maximum": 1, "updated": updated}]},
        {"id": shelter, "name": "Night shelter", "status": "active", "organization_id": w.orgs["p2"],
         "attributes": [{"id": uuid::Uuid::now_v7(), "taxonomy_term_id": term("housing-shelter")}],
         "schedules": always,
         "capacities": [{"id": uuid::Uuid::now_v7(), "unit_id": BED, "available": 5, "maximum": 60, "updated": updated}]},
    ]);
    import_directory(w, &file).await;
    (detox, shelter)
}

pub(crate) async fn accepted(w: &World, officer: &Agent, name: &str) -> uuid::Uuid {
    let enc = record_encounter(w, officer, name).await;
    accept_offer(w, officer, enc, "warm", "p1").await;
    enc
}

async fn refer(officer: &Agent, enc: uuid::Uuid, services: &[uuid::Uuid]) -> Resp {
    let ids: Vec<String> = services.iter().map(|s| s.to_string()).collect();
    let mut fields: Vec<(&str, &str)> = vec![
        ("handoff_mode", "warm"),
        ("problems", "substance_use"),
        ("problems", "housing_instability"),
        ("language", ""),
        ("lat", ""),
        ("lon", ""),
        ("release_signed_name", "A. Person"),
        ("release_confirmed", "yes"),
    ];
    fields.extend(ids.iter().map(|i| ("service_ids", i.as_str())));
    officer
        .post(&format!("/encounters/{enc}/services"), &fields)
        .await
}

#[tokio::test]
async fn two_officers_one_bed() {
    for b in backends() {
        let w = world(b).await;
        let (detox, shelter) = directory(&w).await;
        let officer = w.sign_in("officer").await;
        let officer2 = w.sign_in("officer2").await;
        let first = accepted(&w, &officer, "Bedone").await;
        let second = accepted(&w, &officer2, "Bedtwo").await;
        let page = officer
            .get(&format!(
                "/encounters/{first}/services?problems=substance_use"
            ))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(
            page.body.contains("Detox beds") && page.body.contains("1 bed free of 1"),
            "{}",
            page.body
        );
        // Only the needs' types: no shelter for substance use alone.
        assert!(!page.body.contains("Night shelter"));
        // Two services at once; both hold a place.
        let r = refer(&officer, first, &[detox, shelter]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(
            r.location().ends_with("notice=services_2_2"),
            "{}",
            r.location()
        );
        let refs = w.referrals_of(first).await;
        assert_eq!(refs.len(), 3, "the offer's and two services'");
        // The second officer sees the bed taken by the hold, and refers anyway: no hold.
        let page = officer2
            .get(&format!(
                "/encounters/{second}/services?problems=substance_use"
            ))
            .await;
        assert!(page.body.contains("Full: no bed free"), "{}", page.body);
        let r = refer(&officer2, second, &[detox]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            r.location().ends_with("notice=services_1_0"),
            "{}",
            r.location()
        );
        // The first referral is declined: its place is free again.
        let cm1 = w.sign_in("cm1").await;
        let held = refs
            .iter()
            .find(|r| r.service_id == Some(detox))
            .unwrap()
            .id;
        let r = step(&cm1, held, "reject", &[("reason", "No bed after all")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = officer2
            .get(&format!(
                "/encounters/{second}/services?problems=substance_use"
            ))
            .await;
        assert!(page.body.contains("1 bed free of 1"), "{}", page.body);
        // A third officer's referral holds it; after the window it is free again.
        let third = accepted(&w, &officer, "Bedthree").await;
        let r = refer(&officer, third, &[detox]).await;
        assert!(
            r.location().ends_with("notice=services_1_1"),
            "{}",
            r.location()
        );
        assert!(
            officer
                .get(&format!(
                    "/encounters/{third}/services?problems=substance_use"
                ))
                .await
                .body
                .contains("Full: no bed free")
        );
        w.clock.advance(Duration::minutes(121));
        let officer = w.sign_in("officer").await;
        assert!(
            officer
                .get(&format!(
                    "/encounters/{third}/services?problems=substance_use"
                ))
                .await
                .body
                .contains("1 bed free")
        );
        // Held again, and the person arrives: the bed is taken (0 of 1, no hold).
        let fourth = accepted(&w, &officer, "Bedfour").await;
        let r = refer(&officer, fourth, &[detox]).await;
        assert!(r.location().ends_with("notice=services_1_1"));
        let arriving = w
            .referrals_of(fourth)
            .await
            .into_iter()
            .find(|r| r.service_id == Some(detox))
            .unwrap()
            .id;
        let cm1 = w.sign_in("cm1").await;
        assert_eq!(
            step(&cm1, arriving, "accept", &[]).await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            step(&cm1, arriving, "arrival", &[]).await.status,
            StatusCode::SEE_OTHER
        );
        let token = w.token("cm1").await;
        let caps = w
            .api(hyper::Method::GET, "/api/v1/capacities", &token, None)
            .await;
        let caps: serde_json::Value = serde_json::from_str(&caps.body).unwrap();
        assert_eq!(caps["capacities"][0]["available"], 0, "{caps}");
        // The same service twice while one is open: refused by field, typed needs kept.
        let r = refer(&officer, fourth, &[detox]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("is still open") && r.body.contains("value=\"housing_instability\""),
            "{}",
            r.body
        );
    }
}

#[tokio::test]
async fn only_a_treatment_intake_meets_the_held_charge_and_the_legal_side_sees_no_other_referral() {
    for b in backends() {
        let w = world(b).await;
        let (_, shelter) = directory(&w).await;
        let officer = w.sign_in("officer").await;
        let enc = accepted(&w, &officer, "Heldcharge").await;
        assert_eq!(
            refer(&officer, enc, &[shelter]).await.status,
            StatusCode::SEE_OTHER
        );
        let refs = w.referrals_of(enc).await;
        let (treatment, housing) = (
            refs.iter().find(|r| r.service_id.is_none()).unwrap(),
            refs.iter().find(|r| r.service_id == Some(shelter)).unwrap(),
        );
        assert!(treatment.counts_for_hold && !housing.counts_for_hold);
        assert_eq!(housing.service_types, "housing-shelter");
        // The shelter (the second provider) takes the person in: the charge stays held.
        let cm2 = w.sign_in("cm2").await;
        for s in ["accept", "arrival", "intake"] {
            let r = step(&cm2, housing.id, s, &[]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{s}: {}", r.body);
        }
        assert_eq!(w.hold_of(enc).await.state, "held");
        // Treatment intake meets it.
        let cm1 = w.sign_in("cm1").await;
        for s in ["accept", "arrival", "intake"] {
            assert_eq!(
                step(&cm1, treatment.id, s, &[]).await.status,
                StatusCode::SEE_OTHER
            );
        }
        assert_eq!(w.hold_of(enc).await.state, "intake_met");
        // The prosecutor's view of the hold names no shelter.
        let pros = w.sign_in("prosecutor").await;
        let hold = w.hold_of(enc).await.id;
        let page = pros.get(&format!("/holds/{hold}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            !page.body.contains("Night shelter") && !page.body.contains("shelter"),
            "{}",
            page.body
        );
    }
}

#[tokio::test]
async fn the_choice_page_marks_exclusions_shows_the_fallback_and_keeps_what_was_typed() {
    for b in backends() {
        let w = world(b).await;
        directory(&w).await;
        let officer = w.sign_in("officer").await;
        let enc = accepted(&w, &officer, "Choices").await;
        // A service for people of 99 and over: listed last, marked as not taking them.
        let file = json!([{"id": uuid::Uuid::now_v7(), "name": "Elders program", "status": "active", "organization_id": w.orgs["p1"], "minimum_age": 99,
            "attributes": [{"id": uuid::Uuid::now_v7(), "taxonomy_term_id": handoff_domain::directory::term_by_code("sud-outpatient").unwrap().id}]}]);
        import_directory(&w, &file).await;
        let page = officer
            .get(&format!(
                "/encounters/{enc}/services?problems=substance_use"
            ))
            .await;
        let (detox_at, elders_at) = (
            page.body.find("Detox beds").unwrap(),
            page.body.find("Elders program").unwrap(),
        );
        assert!(
            detox_at < elders_at
                && page
                    .body
                    .contains("Does not take this person: Ages 99 and over"),
            "{}",
            page.body
        );
        // Reading the person's age and sex for the list is audited.
        assert!(w.audited("directory.choices", "allowed").await >= 1);
        // A food need finds nothing: the fallback.
        let page = officer
            .get(&format!(
                "/encounters/{enc}/services?ahc3=often&language=es"
            ))
            .await;
        assert!(
            page.body.contains("Nothing fits right now") && page.body.contains("988"),
            "{}",
            page.body
        );
        // Unknown codes and a bad position are named; the list still shows.
        let page = officer
            .get(&format!(
                "/encounters/{enc}/services?problems=gambling&lat=north&lon=1"
            ))
            .await;
        assert!(
            page.body
                .contains("&#34;gambling&#34; is not one of the program"),
            "{}",
            page.body
        );
        assert!(page.body.contains("The position could not be read"));
        // Nothing chosen: refused, the needs kept.
        let r = officer
            .post(
                &format!("/encounters/{enc}/services"),
                &[
                    ("handoff_mode", "warm"),
                    ("problems", "substance_use"),
                    ("ahc1", "none"),
                    ("language", "es"),
                    ("lat", ""),
                    ("lon", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Choose at least one service"), "{}", r.body);
        assert!(
            r.body.contains("value=\"none\" checked") && r.body.contains("value=\"es\" selected"),
            "{}",
            r.body
        );
        // Another agency's officer: not found.
        let other = w.sign_in("officer_b").await;
        assert_eq!(
            other
                .get(&format!("/encounters/{enc}/services"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn coordinators_set_the_ranking_the_hold_kinds_and_the_fallback() {
    for b in backends() {
        let w = world(b).await;
        directory(&w).await;
        let coord = w.sign_in("coordinator").await;
        let page = coord.get("/directory").await;
        assert!(
            page.body.contains("2 active services") && page.body.contains("2 capacities published"),
            "{}",
            page.body
        );
        // Faults named, what was typed kept.
        let bad = [
            ("rule", "walk_in"),
            ("rule", "walk_in"),
            ("hold_types", "sud"),
            ("hold_types", "access-men"),
            ("fallback", ""),
            ("public", "yes"),
        ];
        let r = coord.post("/directory", &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        for msg in [
            "named twice",
            "is not a service type",
            "up to 300 characters",
        ] {
            assert!(r.body.contains(msg), "{msg}: {}", r.body);
        }
        let good = [
            ("rule", "walk_in"),
            ("rule", "open_now"),
            ("rule", ""),
            ("rule", ""),
            ("rule", ""),
            ("hold_types", "sud"),
            ("hold_types", "mh"),
            ("fallback", "Call the county crisis line: 555-0199"),
            ("public", "yes"),
        ];
        let r = coord.post("/directory", &good).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // The officer's list follows the rule; the fallback is the program's.
        let officer = w.sign_in("officer").await;
        let enc = accepted(&w, &officer, "Ranked").await;
        let page = officer
            .get(&format!("/encounters/{enc}/services?ahc3=often"))
            .await;
        assert!(
            page.body.contains("ranked by Walk-in, then Open now")
                && page.body.contains("555-0199"),
            "{}",
            page.body
        );
        // Published: the HSDS API answers without a token.
        let anon = request(
            &w.client,
            hyper::Method::GET,
            &format!("{}/hsds/services", w.base),
            &[],
            None,
        )
        .await;
        assert_eq!(anon.status, StatusCode::OK);
        // The download is the export.
        let file = coord.get("/directory/export").await;
        assert_eq!(file.status, StatusCode::OK);
        let v: serde_json::Value = serde_json::from_str(&file.body).unwrap();
        assert!(
            v.as_array()
                .unwrap()
                .iter()
                .any(|i| i["name"] == "Detox beds")
        );
        assert!(w.audited("directory.export", "allowed").await >= 1);
    }
}

/// Each organization's canary in its service notes, screenings and consents.
const CANARIES: [&str; 3] = [
    "CANARY-P1-DETOX-NOTE",
    "CANARY-P2-SHELTER-NOTE",
    "CANARY-P3-PEER-NOTE",
];

/// Everything an organization's case manager can open about the case: its queue, its
/// referral's page and its API answer.
async fn seen_by(w: &World, cm: &'static str, referral: uuid::Uuid) -> String {
    let a = w.sign_in(cm).await;
    let mut all = a.get("/queue").await.body;
    all.push_str(&a.get(&format!("/referrals/{referral}")).await.body);
    let token = w.token(cm).await;
    all.push_str(
        &w.api(
            hyper::Method::GET,
            &format!("/api/v1/referrals/{referral}"),
            &token,
            None,
        )
        .await
        .body,
    );
    all.push_str(
        &w.api(
            hyper::Method::GET,
            "/api/v1/referrals?all=true",
            &token,
            None,
        )
        .await
        .body,
    );
    all
}

#[tokio::test]
async fn three_organizations_see_nothing_of_each_others_work_before_under_and_after_a_consent() {
    for b in backends() {
        let w = world(b).await;
        // A third provider with its own case manager (a peer coach's organization).
        let p3 = handoff_app::admin::create_org(
            &w.app,
            handoff_app::admin::NewOrg {
                program_id: w.program,
                kind: handoff_domain::OrgKind::Provider,
                name: "Third Provider".into(),
                address: "3 Way".into(),
                phone: "555-0300".into(),
                hours: "9-5".into(),
                what_to_bring: "".into(),
            },
        )
        .await
        .unwrap()
        .id;
        user_at(&w, p3, "cm3", "cm3 name", handoff_domain::Role::CaseManager).await;
        let (_, shelter) = directory(&w).await;
        let peer = uuid::Uuid::now_v7();
        import_directory(&w, &json!([{"id": peer, "name": "Peer coaching", "status": "active", "organization_id": p3,
            "attributes": [{"id": uuid::Uuid::now_v7(), "taxonomy_term_id": handoff_domain::directory::term_by_code("recovery-peer").unwrap().id}]}])).await;
        let officer = w.sign_in("officer").await;
        let enc = accepted(&w, &officer, "Threeorgs").await;
        assert_eq!(
            refer(&officer, enc, &[shelter, peer]).await.status,
            StatusCode::SEE_OTHER
        );
        let refs = w.referrals_of(enc).await;
        let of = |org: uuid::Uuid| refs.iter().find(|r| r.to_org_id == org).unwrap().id;
        let ids = [of(w.orgs["p1"]), of(w.orgs["p2"]), of(p3)];
        let cms: [&'static str; 3] = ["cm1", "cm2", "cm3"];
        // Each organization accepts its referral with a note, and screens the person.
        for i in 0..3 {
            let a = w.sign_in(cms[i]).await;
            let r = step(&a, ids[i], "accept", &[("note", CANARIES[i])]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}: {}", cms[i], r.body);
        }
        let cm1 = w.sign_in("cm1").await;
        let mut phq: Vec<(String, String)> = (1..=9)
            .map(|n| (format!("item_{n}"), "3".to_string()))
            .collect();
        phq.push(("instrument".into(), "phq9".into()));
        phq.push(("profile".into(), String::new()));
        let r = cm1
            .post(&format!("/referrals/{}/screenings", ids[0]), &refs_of(&phq))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let check = |stage: &'static str| {
            let w = &w;
            async move {
                for i in 0..3 {
                    let seen = seen_by(w, cms[i], ids[i]).await;
                    assert!(
                        seen.contains(CANARIES[i]),
                        "{stage}: {} does not see its own note",
                        cms[i]
                    );
                    for j in (0..3).filter(|j| *j != i) {
                        assert!(
                            !seen.contains(CANARIES[j]),
                            "{stage}: {} sees {}",
                            cms[i],
                            CANARIES[j]
                        );
                    }
                    if i == 0 {
                        assert!(
                            seen.contains("27 of 27"),
                            "{stage}: the first provider sees its screening"
                        );
                    } else {
                        assert!(
                            !seen.contains("27 of 27"),
                            "{stage}: {} sees the first provider's screening",
                            cms[i]
                        );
                        assert!(
                            !seen.contains("CANARY-P1-CONSENT"),
                            "{stage}: {} sees the first provider's consent",
                            cms[i]
                        );
                    }
                }
            }
        };
        check("before a consent").await;
        // The person consents to the first provider telling the coordination office.
        let r = cm1
            .post(
                &format!("/referrals/{}/consents", ids[0]),
                &[
                    ("recipients", &w.orgs["coord"].to_string()),
                    ("information", "status"),
                    ("purpose", "CANARY-P1-CONSENT"),
                    ("expires_on", "2026-12-31"),
                    ("signed_name", "Ana Person"),
                    ("attested", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        check("under the consent").await;
        let consent = {
            let mut tx = w.store.read().await.unwrap();
            let c = tx
                .consents_for_encounter(enc)
                .await
                .unwrap()
                .into_iter()
                .find(|c| c.kind == "general")
                .unwrap()
                .id;
            tx.rollback().await.unwrap();
            c
        };
        let r = cm1
            .post(&format!("/consents/{consent}/revoke"), &[("note", "")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        check("after its revocation").await;
    }
}

fn refs_of(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

/// One encounter referred to the provider (the offer), the detox unit and the shelter: the
/// shelter declines for want of capacity, the detox unit takes the person in.
pub(crate) async fn referred_three_ways(w: &World, name: &str) {
    let (detox, shelter) = directory(w).await;
    let officer = w.sign_in("officer").await;
    let enc = accepted(w, &officer, name).await;
    assert_eq!(
        refer(&officer, enc, &[detox, shelter]).await.status,
        StatusCode::SEE_OTHER
    );
    let refs = w.referrals_of(enc).await;
    let id_of = |s: uuid::Uuid| refs.iter().find(|r| r.service_id == Some(s)).unwrap().id;
    let cm2 = w.sign_in("cm2").await;
    let r = step(
        &cm2,
        id_of(shelter),
        "reject",
        &[("reason_code", "no_capacity")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let cm1 = w.sign_in("cm1").await;
    for s in ["accept", "arrival", "intake"] {
        assert_eq!(
            step(&cm1, id_of(detox), s, &[]).await.status,
            StatusCode::SEE_OTHER
        );
    }
}

#[tokio::test]
async fn the_dashboard_counts_referrals_by_service_type_and_capacity_shortfalls() {
    for b in backends() {
        let w = world(b).await;
        referred_three_ways(&w, "Measured").await;
        let page = w.sign_in("coordinator").await.get("/dashboard").await;
        assert_eq!(page.status, StatusCode::OK);
        let row = |kind: &str| {
            let i = page
                .body
                .find(&format!("<td>{kind}</td>"))
                .unwrap_or_else(|| panic!("{kind}: {}", page.body));
            page.body[i..i + page.body[i..].find("</tr>").unwrap()].to_string()
        };
        // Treatment: the offer's referral (to a provider) is its own row; the detox unit
        // served one; the shelter declined one for want of capacity.
        assert_eq!(
            row("Substance use disorder treatment"),
            "<td>Substance use disorder treatment</td><td>1</td><td>1</td><td>1</td><td>0</td><td>0.0</td>"
        );
        assert_eq!(
            row("Housing"),
            "<td>Housing</td><td>1</td><td>0</td><td>0</td><td>1</td><td>—</td>"
        );
        assert!(
            row("Treatment provider (no service listed)")
                .starts_with("<td>Treatment provider (no service listed)</td><td>1</td>")
        );
        // The quarterly report has the same table, small counts suppressed.
        let quarter = {
            let m: u32 = w.local_now()[5..7].parse().unwrap();
            format!("{}Q{}", &w.local_now()[..4], (m - 1) / 3 + 1)
        };
        let report = w
            .sign_in("coordinator")
            .await
            .get(&format!("/reports/quarterly?quarter={quarter}"))
            .await;
        assert!(
            report.body.contains("Served by service type") && report.body.contains("Housing"),
            "{}",
            report.body
        );
        let month = w.local_now()[..7].to_string();
        assert!(
            page.body
                .contains(&format!("<td>Housing</td><td>{month}</td><td>1</td>")),
            "{}",
            page.body
        );

        // Rolled up (ADR 0011): the same referrals by kind and shortfalls from the rollups
        // as read live; a referral's change marks its encounter's day again.
        let services = |exact_up_to: u64| {
            let w = &w;
            async move {
                let tz = w.app.program_data(w.program).await.unwrap().tz;
                let today = w.app.now().with_timezone(&tz).date_naive();
                let f = handoff_storage::FactFilter {
                    program_id: w.program,
                    from: today - Duration::days(89),
                    to: today,
                    ..Default::default()
                };
                let mut tx = w.store.read().await.unwrap();
                let t = handoff_app::dashboard::tiling(&mut tx, &f, w.app.now())
                    .await
                    .unwrap();
                let s =
                    handoff_app::dashboard::services(&mut tx, &f, tz, &t, w.app.now(), exact_up_to)
                        .await
                        .unwrap();
                tx.rollback().await.unwrap();
                (t, s)
            }
        };
        let (_, live) = services(u64::MAX).await;
        assert!(handoff_app::facts::roll_up(&w.app).await.unwrap() >= 1);
        let (t, rolled) = services(0).await;
        assert!(t.live.is_empty() && !t.rolled.is_empty(), "{t:?}");
        let counts = |lines: &[handoff_domain::service_measures::KindLine]| -> Vec<_> {
            lines
                .iter()
                .map(|l| (l.kind.clone(), l.referred, l.taken, l.served, l.no_capacity))
                .collect()
        };
        assert_eq!(counts(&rolled.0), counts(&live.0), "{}", w.backend);
        assert_eq!(rolled.1, live.1);
        // The detox unit's intake, 0 hours after the encounter: the middle of hour 0.
        assert!(
            rolled
                .0
                .iter()
                .any(|l| l.median_hours_to_service == Some(0.5)),
            "{:?}",
            rolled.0
        );
        handoff_storage::testing::execute_raw(
            &w.store,
            "UPDATE referrals SET status = 'entered-in-error'",
        )
        .await
        .unwrap();
        let (t, _) = services(0).await;
        assert!(
            !t.live.is_empty(),
            "the changed referrals' day is dirty: {t:?}"
        );
        assert!(handoff_app::facts::roll_up(&w.app).await.unwrap() >= 1);
        let (_, after) = services(0).await;
        assert!(after.0.iter().all(|l| l.referred == 0), "{:?}", after.0);
    }
}

#[tokio::test]
async fn a_peer_specialist_at_a_partner_works_its_referrals_and_capacity_and_nothing_else() {
    for b in backends() {
        let w = world(b).await;
        // A recovery community organization, imported into the directory (a partner).
        let (rco, coaching, cap) = (
            uuid::Uuid::now_v7(),
            uuid::Uuid::now_v7(),
            uuid::Uuid::now_v7(),
        );
        import_directory(&w, &json!([
            {"id": rco, "name": "Recovery Community", "description": "Peer coaches."},
            {"id": coaching, "name": "Peer coaching", "status": "active", "organization_id": rco,
             "attributes": [{"id": uuid::Uuid::now_v7(), "taxonomy_term_id": handoff_domain::directory::term_by_code("recovery-peer").unwrap().id}],
             "capacities": [{"id": cap, "unit_id": "fa4eed43-2d83-59ee-aa4e-4cd709641d36", "available": 2, "maximum": 6, "updated": w.app.now().to_rfc3339()}]},
        ])).await;
        let new_user = |name: &str| handoff_app::admin::NewUser {
            username: name.into(),
            display_name: format!("{name} name"),
            password: PASSWORD.into(),
        };
        // Peers work at providers and partners, not at a police department.
        let refused = handoff_app::admin::create_user(
            &w.app,
            None,
            new_user("peer_pd"),
            &[(w.orgs["agency"], handoff_domain::Role::Peer)],
        )
        .await;
        assert!(refused.is_err());
        let peer = handoff_app::admin::create_user(
            &w.app,
            None,
            new_user("peer"),
            &[(rco, handoff_domain::Role::Peer)],
        )
        .await
        .unwrap();
        handoff_app::auth::enrol_known_secret(&w.app, peer.id, &totp_secret("peer"))
            .await
            .unwrap();
        let officer = w.sign_in("officer").await;
        let enc = accepted(&w, &officer, "Peered").await;
        let r = officer
            .post(
                &format!("/encounters/{enc}/services"),
                &[
                    ("handoff_mode", "contact_card"),
                    ("problems", "substance_use"),
                    ("language", ""),
                    ("lat", ""),
                    ("lon", ""),
                    ("release_signed_name", "Peered"),
                    ("release_confirmed", "yes"),
                    ("service_ids", &coaching.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let refs = w.referrals_of(enc).await;
        let mine = refs
            .iter()
            .find(|r| r.service_id == Some(coaching))
            .unwrap()
            .id;
        let treatment = refs.iter().find(|r| r.service_id.is_none()).unwrap().id;
        let p = w.sign_in("peer").await;
        let queue = p.get("/queue").await;
        assert!(
            queue.body.contains("Peered")
                && queue
                    .body
                    .contains("<span class=\"tag\">Peer coaching</span>"),
            "{}",
            queue.body
        );
        assert_eq!(
            step(&p, mine, "accept", &[]).await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            p.post(&format!("/capacities/{cap}"), &[("change", "minus")])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        // The treatment provider's referral, and its capacity, are not the peer's.
        assert_eq!(
            p.get(&format!("/referrals/{treatment}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            p.get(&format!("/encounters/{enc}")).await.status,
            StatusCode::NOT_FOUND
        );
    }
}
