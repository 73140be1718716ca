//! The demo program: partners, one user per role and a few months of synthetic cases,
//! made by driving the real services with a clock set to each moment, so the demo data
//! went through the same rules as real data.
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use handoff_domain::eligibility::{PathwayRules, Rules};
use handoff_domain::input::{AttemptInput, HoldDecisionInput, OfferInput};
use handoff_domain::{ManualClock, OrgKind, Pathway, Role, pathways};
use handoff_storage::Store;

mod care;
pub mod directory;
mod onward;
pub mod synthetic;

use synthetic::{Rng, synthetic_encounter};

use crate::admin::{self, NewOrg, NewProgram, NewUser};
use crate::auth;
use crate::referrals::{self, ReferralActionInput};
use crate::{
    App, AppError, AppResult, Ctx, Settings, case_view, encounters, holds, offers, overrides,
    worker,
};

pub const PROGRAM_NAME: &str = "Demo County Deflection Program";
pub const PASSWORD: &str = "handoff-demo";

/// The demo users: (user name, full name, role, organization index).
pub const USERS: &[(&str, &str, Role, usize)] = &[
    ("officer", "Officer Dana Reyes", Role::Officer, 0),
    ("officer2", "Officer Sam Okafor", Role::Officer, 0),
    ("supervisor", "Sgt. Lee Marsh", Role::Supervisor, 0),
    ("casemanager", "Jordan Blake", Role::CaseManager, 1),
    ("casemanager2", "Riley Chen", Role::CaseManager, 1),
    ("counselor", "Morgan Ellis", Role::CaseManager, 2),
    ("prosecutor", "ASA Pat Quinn", Role::Prosecutor, 3),
    ("coordinator", "Alex Rivera", Role::Coordinator, 4),
    ("admin", "Casey Morgan", Role::Administrator, 4),
    ("medic", "Paramedic Jamie Ortiz", Role::Officer, 5),
    ("crisis", "Avery Price, LCSW", Role::Officer, 6),
];

/// A demo user's TOTP secret (base32). Demo secrets are derived from the user name and
/// published with the demo, like its password, so that newcomers and the browser test can
/// compute codes; real accounts get random ones at enrolment.
pub fn totp_secret(username: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(format!("handoff-demo-totp:{username}").as_bytes());
    crate::totp::base32_encode(&d[..crate::totp::SECRET_BYTES])
}

/// Staff of the directory's partners: (user name, full name, role, organization name).
pub const PARTNER_USERS: &[(&str, &str, Role, &str)] = &[
    (
        "peer",
        "Sam Rivera, CPRS",
        Role::Peer,
        "Lakeside Recovery Community",
    ),
    (
        "shelter",
        "Jamie Lee",
        Role::CaseManager,
        "Demo County Emergency Shelter",
    ),
];

pub struct DemoInfo {
    pub created: bool,
    pub encounters: usize,
}

/// Creates the demo program with its partners, users and synthetic cases, unless it exists.
pub async fn seed(store: &Store, settings: &Settings, cases: usize) -> AppResult<DemoInfo> {
    let real_now = Utc::now();
    let clock = ManualClock::new(real_now - Duration::days(130));
    let app = App::new(store.clone(), Arc::new(clock.clone()), settings.clone()).await?;
    {
        let mut tx = store.read().await?;
        let exists = tx.program_by_name(PROGRAM_NAME).await?.is_some();
        tx.rollback().await?;
        if exists {
            return Ok(DemoInfo {
                created: false,
                encounters: 0,
            });
        }
    }
    let program = admin::create_program(
        &app,
        NewProgram {
            name: PROGRAM_NAME.into(),
            time_zone: "America/Chicago".into(),
            intake_deadline_days: 30,
            supervisor_approves_overrides: true,
            rules: demo_rules(),
        },
    )
    .await?;
    // Every pathway is on, so a newcomer sees each flow.
    {
        let mut tx = store.write().await?;
        tx.set_program_pathways(program.id, &pathways::join_list(Pathway::ALL))
            .await?;
        tx.commit().await?;
        app.forget_program(program.id);
    }
    let org_specs = [
        (
            OrgKind::LawEnforcement,
            "Demo County Police Department",
            "400 Civic Center Dr",
            "(555) 010-0100",
            "24/7",
            "",
        ),
        (
            OrgKind::Provider,
            "Harbor Recovery Center",
            "1450 Harbor Blvd, Suite 200",
            "(555) 010-0200",
            "Mon-Fri 8:00-20:00, Sat 9:00-13:00; walk-ins welcome",
            "A photo ID if you have one, this slip, a list of your medications",
        ),
        (
            OrgKind::Provider,
            "Second Street Counseling",
            "212 Second St",
            "(555) 010-0300",
            "Mon-Thu 9:00-17:00",
            "This slip and your insurance card if you have one",
        ),
        (
            OrgKind::Prosecutor,
            "Demo County State's Attorney",
            "100 Courthouse Sq",
            "(555) 010-0400",
            "Mon-Fri 8:30-16:30",
            "",
        ),
        (
            OrgKind::Coordination,
            "Demo County Deflection Office",
            "400 Civic Center Dr, Room 12",
            "(555) 010-0500",
            "Mon-Fri 8:00-16:00",
            "",
        ),
        (
            OrgKind::FireEms,
            "Demo County Fire & EMS",
            "75 Firehouse Ln",
            "(555) 010-0600",
            "24/7; any fire station accepts walk-ins",
            "",
        ),
        (
            OrgKind::CrisisResponse,
            "Demo County Mobile Crisis Team",
            "18 Wellness Way",
            "(555) 010-0700",
            "24/7 via 988 or dispatch",
            "",
        ),
    ];
    let mut orgs = Vec::new();
    for (kind, name, address, phone, hours, bring) in org_specs {
        orgs.push(
            admin::create_org(
                &app,
                NewOrg {
                    program_id: program.id,
                    kind,
                    name: name.into(),
                    address: address.into(),
                    phone: phone.into(),
                    hours: hours.into(),
                    what_to_bring: bring.into(),
                },
            )
            .await?,
        );
    }
    // Harbor's hours and what to bring in Spanish; Second Street's are left to English, so
    // the demo shows both (ADR 0018, item 10).
    {
        let mut tx = store.write().await?;
        tx.set_org_text(&handoff_storage::OrgTextRow {
            org_id: orgs[1].id,
            language: "es".into(),
            hours: "lun-vie 8:00-20:00, sáb 9:00-13:00; se atiende sin cita".into(),
            what_to_bring:
                "Una identificación con foto si la tiene, esta hoja y una lista de sus medicamentos"
                    .into(),
            updated_at: clock_now(&clock),
            updated_by: None,
        })
        .await?;
        tx.commit().await?;
    }
    let mut ctxs = Vec::new();
    // The accounts are created today (as if the history were imported): an account
    // created 130 days ago and never used would be disabled at its first sign-in.
    let history_start = clock_now(&clock);
    clock.set(real_now);
    for (username, name, role, org) in USERS {
        let u = admin::create_user(
            &app,
            None,
            NewUser {
                username: (*username).into(),
                display_name: (*name).into(),
                password: PASSWORD.into(),
            },
            &[(orgs[*org].id, *role)],
        )
        .await?;
        auth::enrol_known_secret(&app, u.id, &totp_secret(username)).await?;
        ctxs.push(ctx_for(&app, &u).await?);
    }
    // The directory: the two providers' services and three partners of other kinds.
    let partners = directory::demo_partners(orgs[1].id, orgs[2].id, real_now);
    let bytes = serde_json::to_vec(&partners).map_err(|e| AppError::Internal(e.to_string()))?;
    let imported = crate::directory::import::import(
        &app,
        &Ctx::system(),
        program.id,
        crate::directory::import::Source::Json(bytes),
        false,
        true,
        &|_, _| {},
    )
    .await?;
    if !imported.applied {
        return Err(AppError::Internal(format!(
            "the demo directory did not import: {:?}",
            imported.findings
        )));
    }
    // The partners' staff, on call for a month from now (warm handoffs reach them).
    let partner_orgs = {
        let mut tx = store.read().await?;
        let o = tx.orgs(program.id).await?;
        tx.rollback().await?;
        o
    };
    for (username, name, role, org_name) in PARTNER_USERS {
        let org = partner_orgs
            .iter()
            .find(|o| o.name == *org_name)
            .ok_or(AppError::NotFound)?;
        let u = admin::create_user(
            &app,
            None,
            NewUser {
                username: (*username).into(),
                display_name: (*name).into(),
                password: PASSWORD.into(),
            },
            &[(org.id, *role)],
        )
        .await?;
        auth::enrol_known_secret(&app, u.id, &totp_secret(username)).await?;
        ctxs.push(ctx_for(&app, &u).await?);
        admin::add_shift(
            &app,
            None,
            org.id,
            u.id,
            real_now - Duration::days(1),
            real_now + Duration::days(30),
        )
        .await?;
    }
    // Where the staff who take handoffs are paged (.invalid: nothing can be delivered
    // there; a demo run with --smtp-url shows the pages arrive at a real server instead).
    {
        let mut tx = store.write().await?;
        for c in &ctxs {
            let paged = matches!(
                c.actor.username.as_str(),
                "casemanager" | "casemanager2" | "counselor" | "coordinator" | "peer" | "shelter"
            );
            if paged {
                tx.add_contact(&handoff_storage::ContactRow {
                    id: uuid::Uuid::now_v7(),
                    user_id: c.actor.user_id,
                    channel: "email".into(),
                    address: format!("{}@demo.handoff.invalid", c.actor.username),
                    position: 0,
                    created_at: real_now,
                })
                .await?;
            }
        }
        tx.commit().await?;
    }
    clock.set(history_start);
    let ctx_of = |name: &str| {
        ctxs.iter()
            .find(|c| c.actor.username == name)
            .cloned()
            .ok_or(AppError::NotFound)
    };
    // On call: the two Harbor case managers alternate month by month; Second Street's
    // counselor covers their own.
    let mut start = real_now - Duration::days(130);
    let mut i = 0;
    while start < real_now + Duration::days(30) {
        let cm = if i % 2 == 0 {
            "casemanager"
        } else {
            "casemanager2"
        };
        let end = start + Duration::days(30);
        admin::add_shift(
            &app,
            None,
            orgs[1].id,
            ctx_of(cm)?.actor.user_id,
            start,
            end,
        )
        .await?;
        admin::add_shift(
            &app,
            None,
            orgs[2].id,
            ctx_of("counselor")?.actor.user_id,
            start,
            end,
        )
        .await?;
        start = end;
        i += 1;
    }
    // The current month's on-call case manager is the demo "casemanager".
    admin::add_shift(
        &app,
        None,
        orgs[1].id,
        ctx_of("casemanager")?.actor.user_id,
        real_now - Duration::hours(1),
        real_now + Duration::days(30),
    )
    .await?;

    let mut rng = Rng::seeded(0x5EED_2026);
    // Who is also referred to a partner (decided apart, so the cases stay as they were).
    let mut onward_rng = Rng::seeded(0x0A_0001);
    let mut onward = Vec::new();
    let supervisor = ctx_of("supervisor")?;
    let prosecutor = ctx_of("prosecutor")?;
    let mut made = 0;
    for n in 0..cases {
        // Spread over the last ~120 days, busier recently; a few in the last days.
        let days_ago = if n % 12 == 0 {
            rng.below(4) as i64
        } else {
            4 + rng.below(116) as i64
        };
        let at = real_now - Duration::days(days_ago) - Duration::minutes(rng.below(24 * 60) as i64);
        // Most cases are Officer Intervention; the other pathways share the rest, each
        // started by the responders it suits.
        let pathway = match rng.below(100) {
            0..=54 => Pathway::OfficerIntervention,
            55..=64 => Pathway::NaloxonePlus,
            65..=72 => Pathway::OfficerReferral,
            73..=80 => Pathway::SelfReferral,
            81..=90 => Pathway::CommunityResponse,
            _ => Pathway::ActiveOutreach,
        };
        let police = if rng.chance(60) {
            "officer"
        } else {
            "officer2"
        };
        let officer = ctx_of(match pathway {
            Pathway::OfficerIntervention => police,
            Pathway::NaloxonePlus | Pathway::SelfReferral if rng.chance(60) => "medic",
            Pathway::CommunityResponse => "crisis",
            Pathway::ActiveOutreach if rng.chance(50) => "crisis",
            _ => police,
        })?;
        clock.set(at + rng.minutes(10, 40));
        let mut input = synthetic_encounter(&mut rng, at, n, pathway);
        let created = match encounters::create_encounter(&app, &officer, &input, None).await {
            // The same person met again: a repeat contact, as happens.
            Err(AppError::Invalid(e)) if e.get("existing_participant_id").is_some() => {
                input.participant_id = e
                    .get("existing_participant_id")
                    .unwrap_or_default()
                    .to_string();
                encounters::create_encounter(&app, &officer, &input, None).await?
            }
            other => other?,
        };
        made += 1;
        let view = case_view::view_case(&app, &officer, created.id).await?;
        if !view.eligible {
            if rng.chance(35) {
                overrides::request_override(
                    &app,
                    &officer,
                    created.id,
                    "Officer discretion: low-level conduct, the person asked for help.",
                )
                .await?;
                clock.advance(rng.minutes(20, 120));
                let approve = rng.chance(60);
                overrides::review_override(
                    &app,
                    &supervisor,
                    created.id,
                    Some(approve),
                    if approve {
                        "Agreed"
                    } else {
                        "Conduct too serious for diversion"
                    },
                )
                .await?;
                if !approve {
                    continue;
                }
            } else {
                continue;
            }
        }
        if pathways::spec(pathway).attempts {
            // Outreach and overdose follow-up: visits until the person is reached; the
            // most recent cases are still waiting for theirs.
            if days_ago < 4 && rng.chance(60) {
                continue;
            }
            let mut reached = false;
            for _ in 0..1 + rng.below(3) {
                clock.advance(Duration::hours(6 + rng.below(60) as i64));
                if clock_now(&clock) > real_now {
                    break;
                }
                reached = rng.chance(55);
                offers::record_attempt(
                    &app,
                    &officer,
                    created.id,
                    &AttemptInput {
                        attempted_at: clock_now(&clock).to_rfc3339(),
                        outcome: if reached {
                            "reached"
                        } else {
                            *rng.pick(&["not_found", "left_information", "not_found"])
                        }
                        .into(),
                        team: "Officer, peer recovery coach".into(),
                        note: String::new(),
                    },
                )
                .await?;
                if reached {
                    break;
                }
            }
            if !reached {
                continue;
            }
        }
        clock.advance(rng.minutes(2, 10));
        if clock_now(&clock) > real_now {
            continue;
        }
        if rng.chance(20) {
            offers::record_offer(
                &app,
                &officer,
                created.id,
                &OfferInput {
                    response: "declined".into(),
                    decline_reason: rng
                        .pick(&[
                            "Not interested in treatment",
                            "Prefers to go to court",
                            "Wants to think about it; declined for now",
                        ])
                        .to_string(),
                    ..Default::default()
                },
            )
            .await?;
            continue;
        }
        let to_second = rng.chance(12);
        let warm = rng.chance(60);
        let provider = if to_second { &orgs[2] } else { &orgs[1] };
        offers::record_offer(
            &app,
            &officer,
            created.id,
            &OfferInput {
                response: "accepted".into(),
                consent_signed_name: input.person.first_name.clone()
                    + " "
                    + &input.person.last_name,
                consent_confirmed: "yes".into(),
                handoff_mode: if warm { "warm" } else { "contact_card" }.into(),
                provider_id: provider.id.to_string(),
                decline_reason: String::new(),
                ..if pathway == Pathway::OfficerIntervention {
                    OfferInput {
                        hold_kind: if rng.chance(80) {
                            "abeyance"
                        } else {
                            "citation"
                        }
                        .into(),
                        citation_number: format!("C{}", 260000 + n),
                        court_date: (at + Duration::days(60)).format("%Y-%m-%d").to_string(),
                        ..Default::default()
                    }
                } else {
                    OfferInput::default()
                }
            },
        )
        .await?;
        if onward_rng.chance(30) {
            onward.push(onward::Onward {
                encounter: created.id,
                officer: officer.clone(),
                at: clock_now(&clock),
                name: format!("{} {}", input.person.first_name, input.person.last_name),
            });
        }
        let referral_id = {
            let mut tx = store.read().await?;
            let r = tx.referrals_for_encounter(created.id).await?;
            tx.rollback().await?;
            r.last().map(|r| r.id).ok_or(AppError::NotFound)?
        };
        let step = |action: &str| ReferralActionInput {
            action: action.into(),
            ..Default::default()
        };
        let mut referral_id = referral_id;
        let mut cm = ctx_of(if to_second {
            "counselor"
        } else {
            "casemanager"
        })?;
        if to_second {
            clock.advance(rng.minutes(30, 240));
            if clock_now(&clock) > real_now {
                continue;
            }
            referrals::act(
                &app,
                &cm,
                referral_id,
                &ReferralActionInput {
                    reason: "No openings this month".into(),
                    reason_code: "no_capacity".into(),
                    ..step("reject")
                },
            )
            .await?;
            clock.advance(rng.minutes(10, 60));
            offers::refer_again(
                &app,
                &officer,
                created.id,
                &orgs[1].id.to_string(),
                "contact_card",
            )
            .await?;
            let mut tx = store.read().await?;
            referral_id = tx
                .referrals_for_encounter(created.id)
                .await?
                .last()
                .map(|r| r.id)
                .ok_or(AppError::NotFound)?;
            tx.rollback().await?;
            cm = ctx_of("casemanager")?;
        }
        // The provider responds.
        clock.advance(if warm {
            rng.minutes(3, 15)
        } else {
            rng.minutes(60, 60 * 48)
        });
        if clock_now(&clock) > real_now {
            continue;
        }
        referrals::act(&app, &cm, referral_id, &step("accept")).await?;
        if warm && !to_second {
            clock.advance(rng.minutes(10, 45));
            if clock_now(&clock) > real_now {
                continue;
            }
            referrals::act(&app, &cm, referral_id, &step("arrival")).await?;
        } else {
            clock.advance(rng.minutes(60, 60 * 72));
            if clock_now(&clock) > real_now {
                continue;
            }
            let reached = rng.chance(75);
            referrals::act(
                &app,
                &cm,
                referral_id,
                &ReferralActionInput {
                    contact_outcome: if reached { "reached" } else { "no_answer" }.into(),
                    ..step("contact_attempt")
                },
            )
            .await?;
            if !reached && rng.chance(50) {
                continue;
            }
        }
        // Intake: most within the deadline, some late, some never.
        let r = rng.below(100);
        if r >= 75 {
            continue;
        }
        let intake_after = if r < 62 {
            Duration::days(1 + rng.below(20) as i64)
        } else {
            Duration::days(31 + rng.below(10) as i64)
        };
        let intake_at = at + intake_after;
        if intake_at > real_now {
            continue;
        }
        clock.set(intake_at);
        if intake_after > Duration::days(30) {
            // The worker ran at the deadline, before the late intake.
            worker::drain(&app, "demo").await?;
        }
        referrals::act(
            &app,
            &cm,
            referral_id,
            &ReferralActionInput {
                note: "ASAM level 1.0 outpatient recommended; plan agreed with participant.".into(),
                ..step("intake")
            },
        )
        .await?;
        if rng.chance(80) {
            clock.advance(Duration::days(2 + rng.below(9) as i64));
            if clock_now(&clock) > real_now {
                continue;
            }
            referrals::act(
                &app,
                &cm,
                referral_id,
                &ReferralActionInput {
                    note: "Attended first group session.".into(),
                    ..step("first_treatment")
                },
            )
            .await?;
            if clock_now(&clock) + Duration::days(45) < real_now && rng.chance(40) {
                clock.advance(Duration::days(30 + rng.below(15) as i64));
                let kind = *rng.pick(&["completed", "completed", "disengaged", "moved"]);
                referrals::act(
                    &app,
                    &cm,
                    referral_id,
                    &ReferralActionInput {
                        exit_kind: kind.into(),
                        ..step("exit")
                    },
                )
                .await?;
            }
        }
    }
    let partners = onward::Partners {
        peer: ctx_of("peer")?,
        shelter: ctx_of("shelter")?,
    };
    onward::refer_onward(&app, program.id, &clock, real_now, onward, &partners).await?;
    // Bring the worker up to today: deadlines that passed without intake are marked.
    clock.set(real_now);
    worker::drain(&app, "demo").await?;
    // The prosecutor decided some of the older holds.
    let q = holds::queue(&app, &prosecutor, handoff_storage::Page::first(200)).await?;
    for line in q
        .rows
        .iter()
        .filter(|l| l.row.deadline_ends_at < real_now - Duration::days(10))
        .take(25)
    {
        let input = match line.row.state.as_str() {
            "intake_met" => HoldDecisionInput {
                decision: "decline_to_file".into(),
                reason: "Engaged in treatment as agreed".into(),
                ..Default::default()
            },
            "deadline_missed" | "referred_back" => HoldDecisionInput {
                decision: "file".into(),
                reason: "No engagement by the deadline".into(),
                ..Default::default()
            },
            _ => continue,
        };
        holds::decide(&app, &prosecutor, line.row.id, &input, None).await?;
    }
    // Reminders, safety flags and an escalation list to see (issue 17).
    care::seed(
        &app,
        &ctx_of("casemanager")?,
        &ctx_of("officer")?,
        orgs[1].id,
    )
    .await?;
    Ok(DemoInfo {
        created: true,
        encounters: made,
    })
}

/// A demo user's context, as if signed in.
async fn ctx_for(app: &App, u: &handoff_storage::UserRow) -> AppResult<Ctx> {
    let mut tx = app.store.read().await?;
    let (actor, display_name) = auth::load_actor_with(&mut tx, u).await?;
    tx.rollback().await?;
    Ok(Ctx {
        actor,
        display_name,
        ip: "127.0.0.1".into(),
        user_agent: "handoff-demo".into(),
    })
}

fn clock_now(c: &ManualClock) -> DateTime<Utc> {
    use handoff_domain::Clock;
    c.now()
}

/// The demo's rules: the defaults, a social contact needing verified prior involvement
/// within a year, and follow-up deadlines for overdoses and outreach.
fn demo_rules() -> Rules {
    let mut r = Rules::default();
    r.pathways.insert(
        Pathway::OfficerReferral.as_str().into(),
        PathwayRules {
            social_contact_prior_months: Some(12),
            ..PathwayRules::default_for(Pathway::OfficerReferral)
        },
    );
    r.pathways.insert(
        Pathway::ActiveOutreach.as_str().into(),
        PathwayRules {
            follow_up_days: Some(7),
            ..PathwayRules::default_for(Pathway::ActiveOutreach)
        },
    );
    r
}
