//! The person's release for a referral to a partner that is not a treatment service
//! (issue 15, ADR 0017): refused without it (by field, what was typed kept, nothing
//! made), recorded with the referral as a release naming the partner, which then sees the
//! person only while it is valid: not after the person revokes it (by telling the agency
//! or the partner: the referral ends, its held place is freed) nor after it expires.
use chrono::Duration;
use hyper::StatusCode;

use crate::services::{accepted, directory};
use crate::support::*;

/// Refers to the shelter (and more), with or without the release as given.
async fn to(
    officer: &Agent,
    enc: uuid::Uuid,
    services: &[uuid::Uuid],
    release: (&str, &str),
) -> Resp {
    let ids: Vec<String> = services.iter().map(|s| s.to_string()).collect();
    let mut fields: Vec<(&str, &str)> = vec![
        ("handoff_mode", "contact_card"),
        ("problems", "housing_instability"),
        ("language", ""),
        ("lat", ""),
        ("lon", ""),
        ("release_signed_name", release.0),
        ("release_confirmed", release.1),
    ];
    fields.extend(ids.iter().map(|i| ("service_ids", i.as_str())));
    officer
        .post(&format!("/encounters/{enc}/services"), &fields)
        .await
}

#[tokio::test]
async fn a_partner_sees_the_person_only_under_their_release_until_they_revoke_it() {
    for b in backends() {
        let w = world(b).await;
        let (detox, shelter) = directory(&w).await;
        let officer = w.sign_in("officer").await;
        let enc = accepted(&w, &officer, "Released").await;
        let page = officer
            .get(&format!(
                "/encounters/{enc}/services?problems=housing_instability&problems=substance_use"
            ))
            .await;
        assert!(page.body.contains("needs the person&#39;s release"));
        assert!(page.body.contains("I agree that Test Police may give"));
        // Without the release: refused by field, what was typed kept, nothing made.
        let r = to(&officer, enc, &[shelter, detox], ("", "")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("Night shelter is not a treatment service"),
            "{}",
            r.body
        );
        assert!(
            r.body
                .contains("The person must read (or be read) the release")
        );
        assert!(r.body.contains(&format!("value=\"{shelter}\" checked")));
        assert!(r.body.contains("value=\"housing_instability\" checked"));
        assert_eq!(w.referrals_of(enc).await.len(), 1, "only the offer's");
        let r = to(&officer, enc, &[shelter], ("Rae Leased", "")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("value=\"Rae Leased\""));
        assert!(!r.body.contains("Night shelter is not a treatment service"));
        // A treatment service needs none.
        let r = to(&officer, enc, &[detox], ("", "")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = to(&officer, enc, &[shelter], ("Rae Leased", "yes")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let refs = w.referrals_of(enc).await;
        let housing = refs.iter().find(|r| r.service_id == Some(shelter)).unwrap();
        let treatment = refs.iter().find(|r| r.service_id == Some(detox)).unwrap();
        assert!(treatment.release_id.is_none());
        let release = housing.release_id.expect("the release it rests on");
        let row = {
            let mut tx = w.store.read().await.unwrap();
            let k = tx.consent(release).await.unwrap();
            tx.rollback().await.unwrap();
            k
        };
        assert_eq!(row.kind, "release");
        assert_eq!(row.signed_name, "Rae Leased");
        assert_eq!(row.recipient_org_ids, w.orgs["p2"].to_string());
        assert_eq!(row.discloser_org_ids, w.orgs["agency"].to_string());
        assert_eq!(row.information, "referral");
        assert!(row.form_text.contains("To whom: Second Provider."));
        assert!(
            row.form_text
                .contains("Purpose: To refer me to Night shelter")
        );
        // The agency's case page lists it, with the place held.
        let case = officer.get(&format!("/encounters/{enc}")).await;
        assert!(
            case.body
                .contains("Release of information for a referral (not a 42 CFR Part 2 consent)</a> to Second Provider"),
            "{}",
            case.body
        );
        let held = officer
            .get(&format!(
                "/encounters/{enc}/services?problems=housing_instability"
            ))
            .await;
        assert!(held.body.contains("4 beds free of 60"), "{}", held.body);
        // The partner works it under the release.
        let cm2 = w.sign_in("cm2").await;
        assert!(cm2.get("/queue").await.body.contains("Released"));
        let seen = cm2.get(&format!("/referrals/{}", housing.id)).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(seen.body.contains("Release of information for a referral"));
        // Another provider may not revoke it; the officer records it.
        let cm1 = w.sign_in("cm1").await;
        let revoke = |a: &Agent| {
            let a = a.clone();
            async move {
                a.post(
                    &format!("/consents/{release}/revoke"),
                    &[("note", "Told the officer by phone")],
                )
                .await
            }
        };
        assert_eq!(revoke(&cm1).await.status, StatusCode::NOT_FOUND);
        let r = revoke(&officer).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(revoke(&officer).await.status, StatusCode::CONFLICT);
        // The referral ends, its place is free, and the partner sees the person no more.
        let after = w.referrals_of(enc).await;
        let ended = after.iter().find(|r| r.id == housing.id).unwrap();
        assert_eq!(ended.status, "cancelled");
        assert_eq!(ended.status_reason_code.as_deref(), Some("declined"));
        let treated = after.iter().find(|r| r.id == treatment.id).unwrap();
        assert_eq!(
            treated.status, "requested",
            "the treatment referral goes on"
        );
        let freed = officer
            .get(&format!(
                "/encounters/{enc}/services?problems=housing_instability"
            ))
            .await;
        assert!(freed.body.contains("5 beds free of 60"), "{}", freed.body);
        assert_eq!(
            cm2.get(&format!("/referrals/{}", housing.id)).await.status,
            StatusCode::NOT_FOUND
        );
        let queue = cm2.get("/queue?all=1").await;
        assert!(!queue.body.contains("Released"), "{}", queue.body);
        assert_eq!(w.audited("consent.revoke", "allowed").await, 1);
        assert!(w.audited("consent.revoke", "denied").await >= 1);
        // The printed release says it is revoked.
        let printed = officer.get(&format!("/consents/{release}")).await;
        assert!(printed.body.contains("Revoked"), "{}", printed.body);
    }
}

#[tokio::test]
async fn the_partner_may_record_the_revocation_and_a_release_ends_after_a_year() {
    for b in backends() {
        let w = world(b).await;
        let (_, shelter) = directory(&w).await;
        let officer = w.sign_in("officer").await;
        let cm2 = w.sign_in("cm2").await;
        let mut ids = Vec::new();
        for name in ["Told Partner", "Kept Year"] {
            let enc = accepted(&w, &officer, name).await;
            let r = to(&officer, enc, &[shelter], (name, "yes")).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            let refs = w.referrals_of(enc).await;
            ids.push(
                refs.into_iter()
                    .find(|r| r.service_id == Some(shelter))
                    .unwrap(),
            );
        }
        // The person tells the shelter.
        let r = cm2
            .post(
                &format!("/consents/{}/revoke", ids[0].release_id.unwrap()),
                &[("note", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(
            cm2.get(&format!("/referrals/{}", ids[0].id)).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            cm2.get(&format!("/referrals/{}", ids[1].id)).await.status,
            StatusCode::OK
        );
        // The shelter keeps working (signing in within the 90 days an unused account
        // lasts); a year and a few days on, the other release has expired.
        let mut cm2 = cm2;
        for _ in 0..5 {
            w.clock.advance(Duration::days(74));
            cm2 = w.sign_in("cm2").await;
        }
        assert_eq!(
            cm2.get(&format!("/referrals/{}", ids[1].id)).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(!cm2.get("/queue?all=1").await.body.contains("Kept Year"));
    }
}
