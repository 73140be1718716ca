//! The program calendar (issue 4): coordinators set business days, hours and holidays;
//! deadlines set afterwards fall on business days and contact is due within business
//! hours; bad settings are refused with what was typed kept.
use chrono::TimeZone;
use hyper::StatusCode;

use crate::support::*;

#[tokio::test]
async fn deadlines_follow_the_programs_calendar() {
    for b in backends() {
        let w = world(b.clone()).await;
        let coord = w.sign_in("coordinator").await;
        let settings = [
            ("days", "0"),
            ("days", "1"),
            ("days", "2"),
            ("days", "3"),
            ("days", "4"),
            ("opens", "09:00"),
            ("closes", "17:00"),
            ("contact_hours", "8"),
        ];
        let r = coord.post("/calendar", &settings).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        for (day, name) in [
            ("2026-03-09", "Local holiday"),
            ("2026-04-06", "Spring day"),
        ] {
            let r = coord
                .post("/calendar/holidays", &[("day", day), ("name", name)])
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        let dup = coord
            .post(
                "/calendar/holidays",
                &[("day", "2026-03-09"), ("name", "Again")],
            )
            .await;
        assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(dup.body.contains("already") && dup.body.contains("value=\"Again\""));
        let bad = coord
            .post(
                "/calendar",
                &[
                    ("opens", "17:00"),
                    ("closes", "09:00"),
                    ("contact_hours", "x"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        for msg in [
            "Choose at least one business day.",
            "Closing comes after opening.",
            "Enter a number of business hours",
        ] {
            assert!(bad.body.contains(msg), "{msg}: {}", bad.body);
        }
        assert!(bad.body.contains("value=\"17:00\""), "typed kept");

        // Friday 6 March 2026, 16:00 in Chicago.
        let tz: chrono_tz::Tz = "America/Chicago".parse().unwrap();
        w.clock.set(
            tz.with_ymd_and_hms(2026, 3, 6, 16, 0, 0)
                .unwrap()
                .with_timezone(&chrono::Utc),
        );
        let officer = w.sign_in("officer").await;
        let enc = record_encounter(&w, &officer, "Calendar").await;
        accept_offer(&w, &officer, enc, "contact_card", "p1").await;
        let referral = w.referrals_of(enc).await.remove(0);
        let hold = w.hold_of(enc).await;
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // Contact: 1 business hour on Friday, Monday is a holiday, 7 on Tuesday.
        assert_eq!(referral.contact_deadline, Some(day(2026, 3, 10)), "{b}");
        // Intake: 30 days is Sunday 5 April; Monday 6 is a holiday: Tuesday 7.
        assert_eq!(hold.deadline_day, day(2026, 4, 7), "{b}");
        assert_eq!(w.audited("calendar.holiday_add", "allowed").await, 2);

        // (Four days later: a new session.)
        let coord = w.sign_in("coordinator").await;
        let r = coord
            .post("/calendar/holidays/delete", &[("day", "2026-03-09")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), "/calendar?notice=calendar");
        let page = coord.get("/calendar").await;
        assert!(!page.body.contains("Local holiday") && page.body.contains("Spring day"));
        let gone = coord
            .post("/calendar/holidays/delete", &[("day", "2026-03-09")])
            .await;
        assert_eq!(gone.status, StatusCode::UNPROCESSABLE_ENTITY);
        // Others may not change it.
        let cm = w.sign_in("cm1").await;
        assert_eq!(cm.get("/calendar").await.status, StatusCode::NOT_FOUND);
    }
}
