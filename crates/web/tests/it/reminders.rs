//! Reminders to the participant (issue 17, ADR 0022), through a real SMS gateway: the
//! provider schedules the intake and records the channel the person chose with their
//! consent; the day before, outside quiet hours, a text in the person's language names the
//! date, time and place and nothing else. Without consent, after a STOP, or under a safety
//! flag that forbids it, the reminder is withheld and the outbox says why.
use chrono::Duration;
use hyper::StatusCode;
use uuid::Uuid;

use crate::receivers::*;
use crate::support::*;

async fn texting_world(b: Backend, gw: &Receiver) -> World {
    gw.clear();
    let mut sms = handoff_app::channels::sms::SmsSettings::parse(
        &gw.url("/json"),
        "json",
        &format!("bearer:{GATEWAY_TOKEN}"),
        "+15550100",
        "",
        None,
    )
    .unwrap();
    sms.timeout = std::time::Duration::from_secs(5);
    world_with(
        b,
        handoff_app::Settings {
            sms: Some(sms),
            ..Default::default()
        },
    )
    .await
}

/// A Spanish-speaking person handed to the first provider; cm1 accepts. (encounter, referral)
async fn referred(w: &World, officer: &Agent, last_name: &str) -> (Uuid, Uuid) {
    let mut f = encounter_fields(&w.local_now(), last_name, "35A", "1.0", "GM");
    f.push(("language".into(), "es".into()));
    let r = officer.post("/encounters", &refs(&f)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let enc = r.location_id();
    accept_offer(w, officer, enc, "warm", "p1").await;
    let referral = w.referrals_of(enc).await.remove(0).id;
    (enc, referral)
}

/// The reminder's outbox row for the referral (the last participant message).
async fn reminder(w: &World, referral: Uuid) -> Option<handoff_storage::MessageState> {
    w.messages_of(referral).await.into_iter().rfind(|m| {
        m.channel != "webhook"
            && m.recipient_id
                .is_some_and(|r| !w.users.values().any(|u| *u == r))
    })
}

/// Schedules the intake as cm1 (signed in now: the clock moves days between steps), and
/// checks it was taken.
async fn schedule(w: &World, referral: Uuid, at: &str) -> Resp {
    let cm = w.sign_in("cm1").await;
    cm.post(
        &format!("/referrals/{referral}/appointment"),
        &[
            ("appointment_at", at),
            ("appointment_place", "200 Main St, 2nd floor"),
        ],
    )
    .await
}

async fn choose(w: &World, referral: Uuid, number: &str, shared: &str) -> Resp {
    let cm = w.sign_in("cm1").await;
    cm.post(
        &format!("/referrals/{referral}/reminders"),
        &[
            ("reminder_action", "choose"),
            ("reminder_channel", "sms"),
            ("reminder_address", number),
            ("reminder_shared", shared),
            ("reminder_consent", "yes"),
        ],
    )
    .await
}

/// Schedules the intake at `at`, lets `days` pass and runs what is due: the reminder's row.
async fn reminder_for(
    w: &World,
    referral: Uuid,
    at: &str,
    days: i64,
) -> handoff_storage::MessageState {
    let r = schedule(w, referral, at).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    w.clock.advance(Duration::days(days));
    reach_reminder(w).await;
    reminder(w, referral).await.unwrap()
}

/// Sets a flag on the person as `who`, from their page.
async fn flag(w: &World, who: &'static str, path: &str, kind: &str, why: &str) {
    let r = w
        .sign_in(who)
        .await
        .post(
            path,
            &[
                ("flag_action", "set"),
                ("flag_kind", kind),
                ("flag_reason", why),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// Runs the jobs due once the clock reaches the day before `day`'s 10:00 appointment.
async fn reach_reminder(w: &World) {
    handoff_app::worker::drain(&w.app, "test-worker")
        .await
        .unwrap();
}

#[tokio::test]
async fn a_person_is_reminded_in_their_language_on_the_channel_they_chose_until_they_say_stop() {
    let Some(gw) = Receiver::gateway() else {
        return;
    };
    for b in backends() {
        let w = texting_world(b, &gw).await;
        let officer = w.sign_in("officer").await;
        let (_, referral) = referred(&w, &officer, "Recordada").await;
        let cm1 = w.sign_in("cm1").await;
        // Bad input, by field, what was typed kept.
        let r = cm1
            .post(
                &format!("/referrals/{referral}/appointment"),
                &[
                    ("appointment_at", "2026-03-01T10:00"),
                    ("appointment_place", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("The intake is in the future") && r.body.contains("Say where"));
        assert!(r.body.contains("value=\"2026-03-01T10:00\""));
        let r = cm1
            .post(
                &format!("/referrals/{referral}/reminders"),
                &[
                    ("reminder_action", "choose"),
                    ("reminder_channel", "sms"),
                    ("reminder_address", "+1 555 010 0177"),
                    ("reminder_consent", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("read them the sentence and tick it"));
        assert!(r.body.contains("value=\"+1 555 010 0177\""));
        assert_eq!(
            choose(&w, referral, "+1 555 010 0177", "").await.status,
            StatusCode::SEE_OTHER
        );
        let r = schedule(&w, referral, "2026-03-05T10:00").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = cm1.get(&format!("/referrals/{referral}")).await;
        assert!(page.body.contains("•••0177") && page.body.contains("200 Main St"));
        // Not yet; then the day before at 10:00.
        reach_reminder(&w).await;
        assert!(reminder(&w, referral).await.is_none());
        w.clock.advance(Duration::days(2) + Duration::hours(1));
        reach_reminder(&w).await;
        assert_eq!(w.deliver().await, 1);
        let got = gw.received();
        assert_eq!(got.len(), 1);
        let text = got[0]["body"].as_str().unwrap();
        assert_eq!(got[0]["to"], "+15550100177");
        assert!(
            text.contains("Recordatorio") && text.contains("200 Main St, 2nd floor"),
            "{text}"
        );
        assert!(text.contains("10:00") && text.contains("STOP"), "{text}");
        for word in [
            "First Provider",
            "Handoff",
            "treatment",
            "tratamiento",
            "Recordada",
            "Test Police",
            "HO-",
        ] {
            assert!(!text.contains(word), "{word} in a reminder: {text}");
        }
        // The person replies STOP through the gateway: no more reminders.
        let inbound = handoff_app::outbox::sms_inbound(&w.app);
        let path = inbound.trim_start_matches(&w.base).to_string();
        let forged = w
            .anonymous_post_raw(
                "/hooks/sms/inbound/00000000000000000000000000000000",
                "application/x-www-form-urlencoded",
                b"From=%2B15550100177&Body=STOP".to_vec(),
            )
            .await;
        assert_eq!(forged.status, StatusCode::NOT_FOUND);
        let stop = w
            .anonymous_post_raw(
                &path,
                "application/x-www-form-urlencoded",
                b"From=%2B15550100177&Body=Stop".to_vec(),
            )
            .await;
        assert_eq!(stop.status, StatusCode::NO_CONTENT, "{}", stop.body);
        let cm1 = w.sign_in("cm1").await;
        let page = cm1.get(&format!("/referrals/{referral}")).await;
        assert!(page.body.contains("Stopped"));
        let r = schedule(&w, referral, "2026-03-10T10:00").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        w.clock.advance(Duration::days(5));
        reach_reminder(&w).await;
        let m = reminder(&w, referral).await.unwrap();
        assert_eq!(m.state, "withheld");
        assert!(m.last_error.unwrap_or_default().contains("asked to stop"));
        assert_eq!(w.deliver().await, 0);
        assert_eq!(gw.received().len(), 1);
        assert_eq!(w.audited("participant.reminders.stop", "allowed").await, 1);
        // Erasing the person's identity erases their messages' addresses and words.
        let mut tx = w.store.write().await.unwrap();
        let person = tx.referral(referral).await.unwrap().participant_id;
        tx.erase_participant(person, w.app.now()).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = w.store.read().await.unwrap();
        for m in w.messages_of(referral).await {
            if m.recipient_id == Some(person) {
                let opened = tx.message(m.id).await.unwrap();
                assert_eq!((opened.address.as_str(), opened.body.as_str()), ("", ""));
            }
        }
        tx.rollback().await.unwrap();
    }
}

#[tokio::test]
async fn a_reminder_is_withheld_without_consent_and_under_a_flag_that_forbids_it() {
    let Some(gw) = Receiver::gateway() else {
        return;
    };
    for b in backends() {
        let w = texting_world(b, &gw).await;
        let officer = w.sign_in("officer").await;
        let (enc, referral) = referred(&w, &officer, "Protegida").await;
        // No consent: withheld, and the outbox says why.
        assert_eq!(
            schedule(&w, referral, "2026-03-05T10:00").await.status,
            StatusCode::SEE_OTHER
        );
        w.clock.advance(Duration::days(2) + Duration::hours(1));
        reach_reminder(&w).await;
        let m = reminder(&w, referral).await.unwrap();
        assert_eq!(m.state, "withheld");
        assert!(
            m.last_error
                .clone()
                .unwrap_or_default()
                .contains("not agreed")
        );
        let outbox = w.sign_in("coordinator").await.get("/outbox").await;
        assert!(outbox.body.contains("withheld") && outbox.body.contains("not agreed"));
        // A shared phone and "do not contact at home": withheld.
        assert_eq!(
            choose(&w, referral, "+15550100188", "yes").await.status,
            StatusCode::SEE_OTHER
        );
        let on_case = format!("/encounters/{enc}/flags");
        flag(
            &w,
            "officer",
            &on_case,
            "no_home_contact",
            "Family does not know",
        )
        .await;
        let m = reminder_for(&w, referral, "2026-03-07T10:00", 2).await;
        assert_eq!(m.state, "withheld");
        assert!(
            m.last_error
                .clone()
                .unwrap_or_default()
                .contains("safety flag"),
            "{m:?}"
        );
        // Their own mobile: the same flag allows it.
        assert_eq!(
            choose(&w, referral, "+15550100188", "").await.status,
            StatusCode::SEE_OTHER
        );
        let m = reminder_for(&w, referral, "2026-03-09T10:00", 2).await;
        assert_eq!(m.state, "queued");
        assert_eq!(w.deliver().await, 1);
        // "Leave no messages": nothing at all.
        let on_referral = format!("/referrals/{referral}/flags");
        flag(
            &w,
            "cm1",
            &on_referral,
            "dv_no_messages",
            "Partner checks the phone",
        )
        .await;
        let m = reminder_for(&w, referral, "2026-03-11T10:00", 2).await;
        assert_eq!(m.state, "withheld");
        assert!(
            m.last_error
                .unwrap_or_default()
                .contains("no messages at all")
        );
        assert_eq!(w.deliver().await, 0);
        assert_eq!(gw.received().len(), 1);
        // A moved appointment's old reminder does nothing.
        assert_eq!(
            schedule(&w, referral, "2026-03-20T10:00").await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            schedule(&w, referral, "2026-03-21T10:00").await.status,
            StatusCode::SEE_OTHER
        );
        let before = w.messages_of(referral).await.len();
        w.clock.advance(Duration::days(12));
        reach_reminder(&w).await;
        assert_eq!(
            w.messages_of(referral).await.len(),
            before + 1,
            "one reminder, not two"
        );
    }
}
