//! Whole cases through HTTP, on every backend.
use chrono::Duration;
use handoff_app::worker;
use hyper::{Method, StatusCode};

use crate::support::*;

#[tokio::test]
async fn a_eligible_warm_handoff_intake_in_time_prosecutor_declines() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        let id = record_encounter(&w, &officer, "Alvarez").await;
        let page = officer.get(&format!("/encounters/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("<span class=\"good\">eligible</span>"),
            "{}",
            page.body
        );
        accept_offer(&w, &officer, id, "warm", "p1").await;
        let referral = w.referrals_of(id).await.remove(0);
        assert_eq!(
            referral.assigned_to,
            Some(w.users["cm1"]),
            "warm handoff goes to the on-call case manager"
        );
        let slip = officer.get(&format!("/encounters/{id}/slip")).await;
        assert!(slip.body.contains("First Provider") && slip.body.contains("HO-"));
        assert!(
            !slip.body.contains("35A") && !slip.body.contains("Drug"),
            "no offense details on the slip"
        );

        // It is at the top of the case manager's queue at once.
        let cm = w.sign_in("cm1").await;
        let q = cm.get("/queue").await;
        let first = q
            .body
            .find("<li class=\"urgent\">")
            .expect("warm handoff marked urgent");
        assert!(q.body[first..].contains("Alvarez"));

        w.clock.advance(Duration::minutes(20));
        assert_eq!(
            step(&cm, referral.id, "accept", &[]).await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            step(&cm, referral.id, "arrival", &[]).await.status,
            StatusCode::SEE_OTHER
        );
        let page = cm.get(&format!("/referrals/{}", referral.id)).await;
        assert!(
            page.body.contains("20 minutes after the officer"),
            "{}",
            page.body
        );

        w.clock.advance(Duration::hours(2));
        let cm = w.sign_in("cm1").await;
        let r = step(
            &cm,
            referral.id,
            "intake",
            &[("note", "ASAM 2.1 recommended; opioid use disorder")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(w.hold_of(id).await.state, "intake_met");
        w.clock.advance(Duration::days(3));
        let cm = w.sign_in("cm1").await;
        assert_eq!(
            step(&cm, referral.id, "first_treatment", &[]).await.status,
            StatusCode::SEE_OTHER
        );

        // The prosecutor's queue says so.
        let pros = w.sign_in("prosecutor").await;
        let q = pros.get("/holds").await;
        assert!(
            q.body.contains("Intake completed by deadline"),
            "{}",
            q.body
        );
        // The deadline passing changes nothing.
        w.clock.advance(Duration::days(30));
        worker::drain(&w.app, "test").await.unwrap();
        assert_eq!(w.hold_of(id).await.state, "intake_met");
        assert_eq!(w.case_events(id, "service.hold_deadline_missed").await, 0);

        // The officer sees the minimum necessary, with the 2.32 notice, and no clinical
        // content.
        let officer = w.sign_in("officer").await;
        let page = officer.get(&format!("/encounters/{id}")).await;
        assert!(
            page.body.contains("by the deadline") && page.body.contains("Engaged in treatment"),
            "{}",
            page.body
        );
        assert!(page.body.contains("Notice (42 CFR 2.32)"));
        assert!(!page.body.contains("ASAM") && !page.body.contains("opioid use disorder"));

        let pros = w.sign_in("prosecutor").await;
        let hold = w.hold_of(id).await;
        let r = pros
            .post(
                &format!("/holds/{}/decision", hold.id),
                &[
                    ("decision", "decline_to_file"),
                    ("reason", "Engaged in treatment"),
                    ("new_deadline", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(w.hold_of(id).await.state, "declined_to_file");
        // The 2.35 consent ends at final disposition: the status is no longer disclosed,
        // and the page says why; the decision itself is legal information.
        let officer = w.sign_in("officer").await;
        let page = officer.get(&format!("/encounters/{id}")).await;
        assert!(
            page.body
                .contains("Status not shared: the consent expired on"),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("Engaged in treatment"),
            "the prosecutor's reason"
        );
        assert!(!page.body.contains("by the deadline"));

        // The dashboard counts it.
        let token = w.token("coordinator").await;
        let d = w
            .api(
                Method::GET,
                "/api/v1/dashboard?from=2026-03-01&to=2026-03-31",
                &token,
                None,
            )
            .await
            .json();
        let m = &d["measures"];
        for (k, v) in [
            ("encounters", 1),
            ("eligible", 1),
            ("offered", 1),
            ("accepted", 1),
            ("referred", 1),
            ("handed_off", 1),
            ("intakes", 1),
            ("deadlines_met", 1),
            ("deadlines_missed", 0),
        ] {
            assert_eq!(m[k], v, "{k} on {}: {d}", w.backend);
        }
        assert_eq!(m["engaged_30"]["numerator"], 1);
        assert_eq!(m["engaged_30"]["denominator"], 1);
        assert_eq!(m["median_warm_handoff_minutes"], 20.0);
        assert!(
            (m["median_hours_to_intake"].as_f64().unwrap() - 140.0 / 60.0).abs() < 1e-9,
            "{d}"
        );
    }
}

#[tokio::test]
async fn b_deadline_missed_late_correction_and_filing() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        let id = record_encounter(&w, &officer, "Baker").await;
        accept_offer(&w, &officer, id, "contact_card", "p1").await;
        let hold = w.hold_of(id).await;
        assert_eq!(
            hold.deadline_day.to_string(),
            "2026-04-01",
            "30 calendar days from 2 March"
        );
        let referral = w.referrals_of(id).await.remove(0);
        // First contact: 72 business hours (Monday to Friday, 9 to 17) from Monday
        // 2 March, 09:00: nine working days, Thursday 12 March.
        assert_eq!(
            referral.contact_deadline.map(|d| d.to_string()).as_deref(),
            Some("2026-03-12")
        );

        // One second before the end of the last day: nothing happens.
        w.clock.set(hold.deadline_ends_at - Duration::seconds(1));
        assert_eq!(worker::drain(&w.app, "test").await.unwrap(), 0);
        assert_eq!(w.hold_of(id).await.state, "held");
        w.clock.set(hold.deadline_ends_at + Duration::minutes(1));
        assert_eq!(worker::drain(&w.app, "test").await.unwrap(), 1);
        assert_eq!(w.hold_of(id).await.state, "deadline_missed");
        assert_eq!(w.case_events(id, "service.hold_deadline_missed").await, 1);

        let coord = w.sign_in("coordinator").await;
        let dash = coord.get("/dashboard?from=2026-03-01&to=2026-03-31").await;
        assert!(
            dash.body.contains("Baker") && dash.body.contains("Deadline missed"),
            "{}",
            dash.body
        );

        // A late entry: intake dated before the deadline, recorded after it was missed.
        let cm = w.sign_in("cm1").await;
        assert_eq!(
            step(&cm, referral.id, "accept", &[]).await.status,
            StatusCode::SEE_OTHER
        );
        let r = step(
            &cm,
            referral.id,
            "intake",
            &[("occurred_at", "2026-03-30T10:00")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let h = w.hold_of(id).await;
        assert_eq!(h.state, "deadline_missed", "never silently reversed");
        assert!(h.correction.as_deref().unwrap().contains("2026-03-30"));
        let pros = w.sign_in("prosecutor").await;
        let page = pros.get(&format!("/holds/{}", h.id)).await;
        assert!(
            page.body.contains("Correction: intake dated 2026-03-30"),
            "{}",
            page.body
        );

        // After the miss the prosecutor may file.
        let r = pros
            .post(
                &format!("/holds/{}/decision", h.id),
                &[
                    ("decision", "file"),
                    ("reason", "No engagement by the deadline"),
                    ("new_deadline", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(w.hold_of(id).await.state, "filed");
        // A final decision is final.
        let r = pros
            .post(
                &format!("/holds/{}/decision", h.id),
                &[
                    ("decision", "decline_to_file"),
                    ("reason", "changed my mind"),
                    ("new_deadline", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("already has a final decision"),
            "{}",
            r.body
        );
    }
}

#[tokio::test]
async fn c_ineligible_on_quantity_then_override_approved() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        let f = encounter_fields(&w.local_now(), "Carter", "35A", "0.25", "OZ");
        let r = officer.post("/encounters", &refs(&f)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id = r.location_id();
        let page = officer.get(&format!("/encounters/{id}")).await;
        assert!(page.body.contains("not eligible"));
        assert!(
            page.body.contains("7.087 g is over the 3 g threshold"),
            "{}",
            page.body
        );
        // No offer without eligibility.
        let r = officer
            .post(
                &format!("/encounters/{id}/offer"),
                &[("response", "declined"), ("decline_reason", "x")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("not eligible"), "{}", r.body);
        // Override: needs a reason, then a supervisor (not the officer).
        let r = officer
            .post(&format!("/encounters/{id}/override"), &[("reason", "")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = officer
            .post(
                &format!("/encounters/{id}/override"),
                &[("reason", "Scale includes packaging")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = officer
            .post(
                &format!("/encounters/{id}/offer"),
                &[("response", "declined"), ("decline_reason", "x")],
            )
            .await;
        assert!(r.body.contains("waiting for a supervisor"), "{}", r.body);
        let sup = w.sign_in("supervisor").await;
        assert!(
            sup.get("/overrides")
                .await
                .body
                .contains("Scale includes packaging")
        );
        let r = sup
            .post(
                &format!("/encounters/{id}/override/review"),
                &[("decision", "approve"), ("note", "ok")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        accept_offer(&w, &officer, id, "contact_card", "p1").await;
        assert_eq!(w.hold_of(id).await.state, "held");
        // The decision itself was not changed.
        let token = w.token("officer").await;
        let v = w
            .api(
                Method::GET,
                &format!("/api/v1/encounters/{id}"),
                &token,
                None,
            )
            .await
            .json();
        assert_eq!(v["eligibility"]["eligible"], false);
        assert_eq!(v["eligibility"]["effective_eligible"], true);
        assert_eq!(v["eligibility"]["override"]["status"], "approved");
    }
}

#[tokio::test]
async fn d_declined_by_the_person() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        let id = record_encounter(&w, &officer, "Diaz").await;
        let r = officer
            .post(
                &format!("/encounters/{id}/offer"),
                &[("response", "declined"), ("decline_reason", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("Enter the reason the person declined"),
            "{}",
            r.body
        );
        let r = officer
            .post(
                &format!("/encounters/{id}/offer"),
                &[
                    ("response", "declined"),
                    ("decline_reason", "Prefers court"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(w.referrals_of(id).await.is_empty());
        assert_eq!(w.count("legal_holds").await, 0);
        // Twice is a conflict, not a second offer.
        let r = officer
            .post(
                &format!("/encounters/{id}/offer"),
                &[
                    ("response", "declined"),
                    ("decline_reason", "Prefers court"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("already recorded"));
        let token = w.token("coordinator").await;
        let d = w
            .api(
                Method::GET,
                "/api/v1/dashboard?from=2026-03-01&to=2026-03-31",
                &token,
                None,
            )
            .await
            .json();
        assert_eq!(d["measures"]["offered"], 1);
        assert_eq!(d["measures"]["accepted"], 0);
        assert_eq!(d["measures"]["referred"], 0);
    }
}

#[tokio::test]
async fn e_rejected_by_the_first_provider_taken_by_the_second() {
    for b in backends() {
        let w = world(b).await;
        let officer = w.sign_in("officer").await;
        let id = record_encounter(&w, &officer, "Evans").await;
        accept_offer(&w, &officer, id, "warm", "p1").await;
        let first = w.referrals_of(id).await.remove(0);
        let cm1 = w.sign_in("cm1").await;
        let r = step(&cm1, first.id, "reject", &[]).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a reason is required"
        );
        assert!(r.body.contains("Choose the reason for this step"));
        // An unknown code is named; a coded reason with a note is taken and kept coded.
        let r = step(&cm1, first.id, "reject", &[("reason_code", "busy")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Choose the reason from the list"));
        assert_eq!(
            step(
                &cm1,
                first.id,
                "reject",
                &[("reason_code", "no_capacity"), ("reason", "tonight")]
            )
            .await
            .status,
            StatusCode::SEE_OTHER
        );
        let rejected = w.referrals_of(id).await.remove(0);
        assert_eq!(rejected.status_reason_code.as_deref(), Some("no_capacity"));
        assert_eq!(
            rejected.status_reason.as_deref(),
            Some("No capacity: tonight")
        );
        // Another referral while one is open is refused; after the rejection it is allowed.
        let p2 = w.orgs["p2"].to_string();
        let r = officer
            .post(
                &format!("/encounters/{id}/referrals"),
                &[("provider_id", &p2), ("handoff_mode", "warm")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = officer
            .post(
                &format!("/encounters/{id}/referrals"),
                &[("provider_id", &p2), ("handoff_mode", "warm")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let second = w.referrals_of(id).await.remove(1);
        assert_eq!(second.to_org_id, w.orgs["p2"]);
        // Each provider sees its own referral only.
        assert_eq!(
            cm1.get(&format!("/referrals/{}", second.id)).await.status,
            StatusCode::NOT_FOUND
        );
        let cm2 = w.sign_in("cm2").await;
        assert_eq!(
            cm2.get(&format!("/referrals/{}", first.id)).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            step(&cm2, second.id, "accept", &[]).await.status,
            StatusCode::SEE_OTHER
        );
        w.clock.advance(Duration::days(4));
        let cm2 = w.sign_in("cm2").await;
        assert_eq!(
            step(&cm2, second.id, "intake", &[]).await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            w.hold_of(id).await.state,
            "intake_met",
            "an intake at any referral satisfies the hold"
        );
    }
}
