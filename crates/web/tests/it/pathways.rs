//! Every pathway from entry to referral outcome (issue 4, ADR 0010), on every backend:
//! Self-Referral at a fire station, Naloxone Plus with its follow-up deadline, Officer
//! Referral with verified prior involvement, Active Outreach with its team's attempts,
//! Community Response without police (Officer Intervention is in `flows`). Also: turning
//! pathways on and off on a running server, and who may start which.
use chrono::Duration;
use handoff_domain::{OrgKind, Pathway, Role};
use hyper::{Method, StatusCode};
use uuid::Uuid;

use crate::support::*;

/// The coordinator enables exactly these pathways through the page.
async fn enable(w: &World, codes: &[&str]) -> Resp {
    let coord = w.sign_in("coordinator").await;
    let fields: Vec<(&str, &str)> = codes.iter().map(|c| ("pathways", *c)).collect();
    coord.post("/pathways", &fields).await
}

pub(crate) async fn enable_all(w: &World) {
    let all: Vec<&str> = Pathway::ALL.iter().map(|p| p.as_str()).collect();
    let r = enable(w, &all).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// An encounter form of `pathway` with a new person and the given facts.
pub(crate) fn form(
    w: &World,
    pathway: &str,
    last_name: &str,
    facts: &[(&str, &str)],
) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = vec![
        ("idempotency_key".into(), Uuid::now_v7().to_string()),
        ("pathway".into(), pathway.into()),
        ("q".into(), String::new()),
        ("search_dob".into(), String::new()),
        ("participant_id".into(), String::new()),
        ("occurred_at".into(), w.local_now()),
        ("location".into(), "Fire Station 4".into()),
        ("incident_number".into(), String::new()),
        ("person.first_name".into(), "Rae".into()),
        ("person.last_name".into(), last_name.into()),
        ("person.dob".into(), "1988-06-01".into()),
        ("person.sex".into(), "F".into()),
        ("person.race".into(), "B".into()),
        ("person.ethnicity".into(), "N".into()),
        ("person.phone".into(), String::new()),
        ("person.email".into(), String::new()),
    ];
    for (k, x) in facts {
        v.push((format!("facts.{k}"), (*x).into()));
    }
    v
}

pub(crate) async fn record(agent: &Agent, f: &[(String, String)]) -> Uuid {
    let r = agent.post("/encounters", &refs(f)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location_id()
}

/// The person accepts a referral (no hold on these pathways).
async fn accept(w: &World, agent: &Agent, id: Uuid, mode: &str, provider: &str) {
    let provider = w.orgs[provider].to_string();
    let r = agent
        .post(
            &format!("/encounters/{id}/offer"),
            &[
                ("response", "accepted"),
                ("consent_signed_name", "Rae Person"),
                ("consent_confirmed", "yes"),
                ("handoff_mode", mode),
                ("provider_id", &provider),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// The provider takes the referral through intake; the referring agency then sees it
/// under the general consent the person signed.
async fn through_intake(w: &World, agent: &Agent, id: Uuid, cm: &'static str) {
    let referral = w.referrals_of(id).await.pop().unwrap();
    let cm = w.sign_in(cm).await;
    for action in ["accept", "intake"] {
        let r = step(&cm, referral.id, action, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}: {}", r.body);
    }
    let page = agent.get(&format!("/encounters/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Intake"), "{}", page.body);
    assert!(
        !page.body.contains("Legal hold"),
        "no hold off Officer Intervention"
    );
    assert!(!page.body.contains("Status not shared"), "{}", page.body);
}

async fn no_hold(w: &World) {
    assert_eq!(w.count("legal_holds").await, 0);
}

#[tokio::test]
async fn self_referral_at_a_fire_station_to_intake() {
    for b in backends() {
        let w = world(b).await;
        enable_all(&w).await;
        user_in(&w, w.program, "medic", OrgKind::FireEms, Role::Officer).await;
        let medic = w.sign_in("medic").await;
        // The fire/EMS form offers its pathways, not Officer Intervention.
        let page = medic.get("/encounters/new").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("pathway=self_referral"));
        assert!(!page.body.contains("pathway=officer_intervention"));
        let page = medic.get("/encounters/new?pathway=self_referral").await;
        assert!(
            page.body.contains("handed in without charge"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("NIBRS offense"));

        let id = record(
            &medic,
            &form(
                &w,
                "self_referral",
                "Walker",
                &[("surrendered_items", "Syringes")],
            ),
        )
        .await;
        let page = medic.get(&format!("/encounters/{id}")).await;
        assert!(page.body.contains("Self-Referral"));
        assert!(page.body.contains("Syringes"));
        assert!(page.body.contains("<span class=\"good\">eligible</span>"));
        assert!(!page.body.contains("Legal hold"));
        accept(&w, &medic, id, "contact_card", "p1").await;
        let slip = medic.get(&format!("/encounters/{id}/slip")).await;
        assert!(slip.body.contains("First Provider"));
        let r = w.referrals_of(id).await.remove(0);
        assert!(
            r.contact_deadline.is_some(),
            "a contact card has its deadline"
        );
        through_intake(&w, &medic, id, "cm1").await;
        no_hold(&w).await;
        // The consent is a general one naming the fire agency only.
        let mut tx = w.store.read().await.unwrap();
        let c = tx.consents_for_encounter(id).await.unwrap().remove(0);
        tx.rollback().await.unwrap();
        assert_eq!(c.kind, "general");
        assert!(!c.recipient_org_ids.contains(&w.orgs["pros"].to_string()));
    }
}

#[tokio::test]
async fn naloxone_plus_follow_up_is_due_then_overdue_then_made() {
    for b in backends() {
        let w = world(b).await;
        enable_all(&w).await;
        user_in(&w, w.program, "medic", OrgKind::FireEms, Role::Officer).await;
        let medic = w.sign_in("medic").await;
        // The overdose facts are required, and what was typed survives the error.
        let mut f = form(&w, "naloxone_plus", "Nguyen", &[("naloxone_doses", "two")]);
        f.push(("facts.team".into(), "Engine 4".into()));
        let r = medic.post("/encounters", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("whole number from 0 to 20"));
        assert!(r.body.contains("Choose whether the person was transported"));
        assert!(r.body.contains("value=\"Engine 4\""));
        assert!(r.body.contains("value=\"Nguyen\""));

        let f = form(
            &w,
            "naloxone_plus",
            "Nguyen",
            &[
                ("naloxone_doses", "2"),
                ("transported", "no"),
                ("team", "Engine 4"),
            ],
        );
        let id = record(&medic, &f).await;
        let due = {
            let mut tx = w.store.read().await.unwrap();
            let f = tx.pathway_facts(id).await.unwrap().unwrap();
            tx.rollback().await.unwrap();
            f.follow_up_due.unwrap()
        };
        let tz: chrono_tz::Tz = "America/Chicago".parse().unwrap();
        let day0 = handoff_domain::Clock::now(&w.clock)
            .with_timezone(&tz)
            .date_naive();
        assert!(due >= day0 + Duration::days(3), "3 days by default: {due}");
        assert!(due <= day0 + Duration::days(7), "{due}");
        let page = medic.get(&format!("/encounters/{id}")).await;
        assert!(
            page.body.contains(&format!("Follow-up visit due by {due}")),
            "{}",
            page.body
        );
        assert!(page.body.contains("Naloxone doses given"));
        let list = medic.get("/encounters").await;
        assert!(list.body.contains(&format!("Follow-up due {due}")));

        // Past the due day without a visit: overdue.
        w.clock.advance(Duration::days((due - day0).num_days() + 1));
        let medic = w.sign_in("medic").await;
        let page = medic.get(&format!("/encounters/{id}")).await;
        assert!(
            page.body
                .contains(&format!("Follow-up overdue since {due}")),
            "{}",
            page.body
        );

        // Two attempts; the second reaches the person.
        let r = medic
            .post(
                &format!("/encounters/{id}/attempts"),
                &[
                    ("attempted_at", "2000-01-01T10:00"),
                    ("outcome", "teleported"),
                    ("team", "Engine 4"),
                    ("note", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("before the encounter"));
        assert!(r.body.contains("Choose what came of the attempt"));
        assert!(r.body.contains("value=\"Engine 4\""), "typed input kept");
        for outcome in ["not_found", "reached"] {
            let now = w.local_now();
            let r = medic
                .post(
                    &format!("/encounters/{id}/attempts"),
                    &[
                        ("attempted_at", now.as_str()),
                        ("outcome", outcome),
                        ("team", "Engine 4, peer"),
                        ("note", "Door hanger left"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        let page = medic.get(&format!("/encounters/{id}")).await;
        assert!(
            page.body
                .contains(&format!("Follow-up made late (was due {due})")),
            "{}",
            page.body
        );
        assert!(page.body.contains("Could not find the person"));
        assert!(page.body.contains("Door hanger left"));
        assert_eq!(w.audited("attempt.record", "allowed").await, 2);
        accept(&w, &medic, id, "warm", "p1").await;
        through_intake(&w, &medic, id, "cm1").await;
        no_hold(&w).await;
        // Attempts stop once the offer is recorded.
        let page = medic.get(&format!("/encounters/{id}")).await;
        assert!(!page.body.contains("Record an attempt"));
    }
}

#[tokio::test]
async fn officer_referral_social_contact_needs_verified_prior_involvement() {
    for b in backends() {
        let w = world(b).await;
        enable_all(&w).await;
        // The rules file gains the pathway's section.
        let coord = w.sign_in("coordinator").await;
        let file = coord.get("/rules/export").await.body;
        assert!(file.contains("# [pathways.officer_referral]"), "{file}");
        let file = format!(
            "{file}\n[pathways.officer_referral]\nmin_age_years = 18\nsocial_contact_prior_months = 12\n"
        );
        let r = coord.post("/rules", &[("file", file.as_str())]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        let officer = w.sign_in("officer").await;
        // A social contact with an old prior involvement: not eligible, and it says why.
        let old = (handoff_domain::Clock::now(&w.clock) - Duration::days(500))
            .format("%Y-%m-%d")
            .to_string();
        let id = record(
            &officer,
            &form(
                &w,
                "officer_referral",
                "Stone",
                &[
                    ("contact_kind", "social_contact"),
                    ("prior_involvement_on", &old),
                    ("prior_involvement_ref", "RPT-1"),
                ],
            ),
        )
        .await;
        let page = officer.get(&format!("/encounters/{id}")).await;
        assert!(
            page.body
                .contains("<span class=\"bad\">not eligible</span>"),
            "{}",
            page.body
        );
        assert!(page.body.contains("not within the 12 months"));
        // A social contact with no date at all is refused at entry.
        let r = officer
            .post(
                "/encounters",
                &refs(&form(
                    &w,
                    "officer_referral",
                    "Stone2",
                    &[("contact_kind", "social_contact")],
                )),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body
                .contains("needs the date of the verified prior involvement")
        );

        // A recent one is eligible; the first provider declines, the second takes it.
        let recent = (handoff_domain::Clock::now(&w.clock) - Duration::days(40))
            .format("%Y-%m-%d")
            .to_string();
        let id = record(
            &officer,
            &form(
                &w,
                "officer_referral",
                "Brooks",
                &[
                    ("contact_kind", "social_contact"),
                    ("prior_involvement_on", &recent),
                ],
            ),
        )
        .await;
        let page = officer.get(&format!("/encounters/{id}")).await;
        assert!(
            page.body.contains("<span class=\"good\">eligible</span>"),
            "{}",
            page.body
        );
        assert!(page.body.contains("Prior involvement verified on"));
        accept(&w, &officer, id, "contact_card", "p1").await;
        let first = w.referrals_of(id).await.remove(0);
        let cm1 = w.sign_in("cm1").await;
        let r = step(&cm1, first.id, "reject", &[("reason", "No openings")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let p2 = w.orgs["p2"].to_string();
        let r = officer
            .post(
                &format!("/encounters/{id}/referrals"),
                &[
                    ("provider_id", p2.as_str()),
                    ("handoff_mode", "contact_card"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let second = w.referrals_of(id).await.pop().unwrap();
        assert!(second.contact_deadline.is_some(), "due without a hold too");
        through_intake(&w, &officer, id, "cm2").await;
        no_hold(&w).await;
    }
}

#[tokio::test]
async fn active_outreach_team_attempts_then_a_decline_and_an_engagement() {
    for b in backends() {
        let w = world(b).await;
        enable_all(&w).await;
        user_in(
            &w,
            w.program,
            "crisis",
            OrgKind::CrisisResponse,
            Role::Officer,
        )
        .await;
        let team = w.sign_in("crisis").await;
        let page = team.get("/encounters/new").await;
        assert!(
            page.body.contains("New encounter: Active Outreach"),
            "first of its pathways"
        );
        let f = |name: &str| {
            form(
                &w,
                "active_outreach",
                name,
                &[
                    ("outreach_source", "frequent_contact"),
                    ("team", "Officer Diaz, clinician, peer"),
                ],
            )
        };
        let declined = record(&team, &f("Reed")).await;
        let r = team
            .post(
                &format!("/encounters/{declined}/attempts"),
                &[
                    ("attempted_at", w.local_now().as_str()),
                    ("outcome", "reached"),
                    ("team", "Diaz, peer"),
                    ("note", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = team
            .post(
                &format!("/encounters/{declined}/offer"),
                &[("response", "declined"), ("decline_reason", "Not ready")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = team.get(&format!("/encounters/{declined}")).await;
        assert!(page.body.contains("Not ready"));
        assert!(
            !page.body.contains("Normal processing"),
            "no charge to process"
        );
        assert!(team.get("/encounters").await.body.contains("Declined"));

        let engaged = record(&team, &f("Hale")).await;
        let page = team.get(&format!("/encounters/{engaged}")).await;
        assert!(page.body.contains("Frequent calls or contacts"));
        assert!(page.body.contains("No attempt yet"));
        accept(&w, &team, engaged, "warm", "p1").await;
        through_intake(&w, &team, engaged, "cm1").await;
        no_hold(&w).await;
    }
}

#[tokio::test]
async fn community_response_without_police_to_intake() {
    for b in backends() {
        let w = world(b).await;
        enable_all(&w).await;
        user_in(
            &w,
            w.program,
            "crisis",
            OrgKind::CrisisResponse,
            Role::Officer,
        )
        .await;
        let team = w.sign_in("crisis").await;
        // The call needs its CAD number, its type and whether police were there.
        let f = form(
            &w,
            "community_response",
            "Fox",
            &[("call_type", "Person in crisis")],
        );
        let r = team.post("/encounters", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Enter the CAD/incident number."));
        assert!(r.body.contains("Choose whether police were on the call."));
        assert!(r.body.contains("value=\"Person in crisis\""));
        let mut f = form(
            &w,
            "community_response",
            "Fox",
            &[("call_type", "Person in crisis"), ("police_present", "no")],
        );
        for (k, v) in f.iter_mut() {
            if k == "incident_number" {
                *v = "CAD-77".into();
            }
        }
        let id = record(&team, &f).await;
        let page = team.get(&format!("/encounters/{id}")).await;
        assert!(page.body.contains("Community Response"));
        assert!(page.body.contains("Police on the call"));
        accept(&w, &team, id, "warm", "p1").await;
        through_intake(&w, &team, id, "cm1").await;
        no_hold(&w).await;
    }
}

#[tokio::test]
async fn pathways_turn_on_and_off_on_a_running_server() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        let np = |name: &str| {
            form(
                &w,
                "naloxone_plus",
                name,
                &[("naloxone_doses", "1"), ("transported", "yes")],
            )
        };
        // Only Officer Intervention at first.
        let r = officer.post("/encounters", &refs(&np("Early"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body
                .contains("The Naloxone Plus pathway is not enabled in this program."),
            "{}",
            r.body
        );
        let page = officer.get("/encounters/new?pathway=naloxone_plus").await;
        assert!(page.body.contains("New encounter: Officer Intervention"));

        // Refused changes say why and change nothing.
        let r = enable(&w, &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Enable at least one pathway"));
        let r = enable(&w, &["officer_intervention", "teleport"]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Unknown pathway"));

        // Enabled: the same server takes it at once.
        let r = enable(&w, &["officer_intervention", "naloxone_plus"]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(w.audited("pathways.update", "allowed").await, 1);
        let page = officer.get("/encounters/new?pathway=naloxone_plus").await;
        assert!(page.body.contains("New encounter: Naloxone Plus"));
        let id = record(&officer, &np("Later")).await;

        // Off again: no new ones, the case stays readable with its facts.
        let r = enable(&w, &["officer_intervention"]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = officer.post("/encounters", &refs(&np("Too late"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = officer.get(&format!("/encounters/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Naloxone doses given"));
        let coord = w.sign_in("coordinator").await;
        let page = coord.get("/pathways").await;
        assert!(
            page.body.contains("1 encounter(s) recorded"),
            "{}",
            page.body
        );
    }
}

#[tokio::test]
async fn who_starts_what_and_the_api() {
    for b in backends() {
        let w = world(b).await;
        enable_all(&w).await;
        user_in(&w, w.program, "medic", OrgKind::FireEms, Role::Officer).await;
        let medic = w.sign_in("medic").await;
        let mut f = encounter_fields(&w.local_now(), "Olsen", "35A", "1.0", "GM");
        f.push(("pathway".into(), "officer_intervention".into()));
        let r = medic.post("/encounters", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body
                .contains("A fire / ems agency does not start the Officer Intervention pathway."),
            "{}",
            r.body
        );

        // Through the API: a Naloxone Plus encounter, an attempt, the case as JSON.
        let token = w.token("medic").await;
        let body = serde_json::json!({
            "pathway": "naloxone_plus",
            "facts": {"naloxone_doses": "3", "transported": "yes"},
            "occurred_at": w.local_now(),
            "location": "Route 9 underpass",
            "person": {"first_name": "Ivo", "last_name": "Kerr", "dob": "1979-03-02", "sex": "M", "race": "W", "ethnicity": "N"},
        });
        let r = w
            .api(
                Method::POST,
                "/api/v1/encounters",
                &token,
                Some(body.clone()),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.json()["id"].as_str().unwrap().to_string();
        let mut bad = body.clone();
        bad["facts"]["call_type"] = "Overdose".into();
        bad["person"]["last_name"] = "Other".into();
        let r = w
            .api(Method::POST, "/api/v1/encounters", &token, Some(bad))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("facts.call_type"), "{}", r.body);
        let r = w
            .api(
                Method::POST,
                &format!("/api/v1/encounters/{id}/attempts"),
                &token,
                Some(serde_json::json!({"attempted_at": w.local_now(), "outcome": "left_information", "team": "Medic 3"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let v = r.json();
        assert_eq!(v["pathway"], "naloxone_plus");
        assert_eq!(v["attempts"][0]["outcome"], "left_information");
        assert!(
            v["follow_up"]["status"]
                .as_str()
                .unwrap()
                .contains("on time")
        );
        assert!(v["legal_hold"].is_null());

        // Attempts belong to outreach and follow-up pathways only.
        let officer = w.sign_in("officer").await;
        let oi = record_encounter(&w, &officer, "Plain").await;
        let r = officer
            .post(
                &format!("/encounters/{oi}/attempts"),
                &[
                    ("attempted_at", w.local_now().as_str()),
                    ("outcome", "reached"),
                    ("team", ""),
                    ("note", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains(
                "Contact attempts are recorded on Active Outreach and Naloxone Plus cases"
            )
        );
    }
}

#[tokio::test]
async fn the_dashboard_splits_by_pathway_and_by_police_or_fire_ems_entry() {
    for b in backends() {
        let w = world(b).await;
        enable_all(&w).await;
        user_in(&w, w.program, "medic", OrgKind::FireEms, Role::Officer).await;
        let officer = w.sign_in("officer").await;
        record_encounter(&w, &officer, "Police1").await;
        record(&officer, &form(&w, "self_referral", "Police2", &[])).await;
        let medic = w.sign_in("medic").await;
        record(
            &medic,
            &form(
                &w,
                "naloxone_plus",
                "Fire1",
                &[("naloxone_doses", "1"), ("transported", "no")],
            ),
        )
        .await;
        let token = w.token("coordinator").await;
        let count = |q: &'static str| {
            let (w, token) = (&w, token.clone());
            async move {
                let r = w
                    .api(Method::GET, &format!("/api/v1/dashboard{q}"), &token, None)
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                r.json()["measures"]["encounters"].as_u64().unwrap()
            }
        };
        assert_eq!(count("").await, 3);
        assert_eq!(count("?entry=law_enforcement").await, 2);
        assert_eq!(count("?entry=fire_ems").await, 1);
        assert_eq!(count("?pathway=self_referral").await, 1);
        assert_eq!(
            count("?pathway=naloxone_plus&entry=law_enforcement").await,
            0
        );
        let r = w
            .api(
                Method::GET,
                "/api/v1/dashboard?entry=provider",
                &token,
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let coord = w.sign_in("coordinator").await;
        let page = coord.get("/dashboard?entry=fire_ems").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("recorded by a fire / ems agency"),
            "{}",
            page.body
        );
    }
}

/// Every page states the same deadlines, from `domain::deadlines`: a police contact-card
/// referral with no held charge shows its first-contact day in the provider's queue, on the
/// referral page (with the program's intake deadline beside it, never "—") and on the
/// person's slip.
#[tokio::test]
async fn the_queue_the_referral_page_and_the_slip_state_the_same_deadlines() {
    for b in backends() {
        let w = world(b.clone()).await;
        enable_all(&w).await;
        let officer = w.sign_in("officer").await;
        let f = form(
            &w,
            "officer_referral",
            "Deadlineqz",
            &[("contact_kind", "incident")],
        );
        let id = record(&officer, &f).await;
        accept(&w, &officer, id, "contact_card", "p1").await;
        no_hold(&w).await;
        let referral = w.referrals_of(id).await.pop().unwrap();
        let (contact, intake) = {
            let data = w.app.program_data(w.program).await.unwrap();
            let enc = {
                let mut tx = w.store.read().await.unwrap();
                let e = tx.encounter(id).await.unwrap();
                tx.rollback().await.unwrap();
                e
            };
            let intake = handoff_domain::deadlines::intake(
                &data.calendar,
                enc.occurred_at,
                data.program.intake_deadline_days as u32,
                None,
            );
            (referral.contact_deadline.unwrap(), intake.last_day)
        };
        let day = |d: chrono::NaiveDate| handoff_web_date(d);
        let cm = w.sign_in("cm1").await;
        let queue = cm.get("/queue").await;
        assert!(
            queue
                .body
                .contains(&format!("first contact due {}", day(contact))),
            "{b}: {}",
            queue.body
        );
        let page = cm.get(&format!("/referrals/{}", referral.id)).await;
        assert!(
            page.body.contains(&format!(
                "<dt>First contact due</dt><dd>{}</dd>",
                day(contact)
            )),
            "{b}: {}",
            page.body
        );
        assert!(
            page.body
                .contains(&format!("<dt>Intake deadline</dt><dd>{}</dd>", day(intake))),
            "{b}: {}",
            page.body
        );
        let slip = officer.get(&format!("/encounters/{id}/slip")).await;
        // The slip writes the date out, in the person's language (English here).
        let long = contact.format("%A, %B %-d, %Y").to_string();
        assert!(slip.body.contains(&long), "{b}: {}", slip.body);
        // Once the person is reached, the queue no longer asks for first contact.
        for (action, extra) in [
            ("accept", vec![]),
            ("contact_attempt", vec![("contact_outcome", "reached")]),
        ] {
            let r = step(&cm, referral.id, action, &extra).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}: {}", r.body);
        }
        let queue = cm.get("/queue").await;
        assert!(
            !queue.body.contains("first contact due"),
            "{b}: {}",
            queue.body
        );
    }
}

/// A date as the pages print it.
fn handoff_web_date(d: chrono::NaiveDate) -> String {
    d.format("%a %b %-d, %Y").to_string()
}
