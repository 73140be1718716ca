//! People referred to more than one service (issue 15): some who accepted treatment are
//! also referred to a peer coach, the shelter or the benefits office, with their release,
//! and the partners answer (taking some in, turning some away for want of room).
use chrono::{DateTime, Duration, Utc};
use handoff_domain::ManualClock;
use uuid::Uuid;

use super::clock_now;
use super::synthetic::Rng;
use crate::directory::refer::{self, ServiceReferralInput};
use crate::referrals::{self, ReferralActionInput};
use crate::{App, AppResult, Ctx};

/// A person to refer onward: their encounter, the responder, when, and their name (they
/// sign the release).
pub(super) struct Onward {
    pub encounter: Uuid,
    pub officer: Ctx,
    pub at: DateTime<Utc>,
    pub name: String,
}

/// The partners' services the demo refers to, with the staff who answer (the benefits
/// office has no account: its referrals wait).
pub(super) struct Partners {
    pub peer: Ctx,
    pub shelter: Ctx,
}

const SERVICES: [&str; 3] = [
    "Peer recovery coaching",
    "Emergency shelter",
    "Benefits and ID help",
];

pub(super) async fn refer_onward(
    app: &App,
    program_id: Uuid,
    clock: &ManualClock,
    real_now: DateTime<Utc>,
    people: Vec<Onward>,
    staff: &Partners,
) -> AppResult<usize> {
    let dir = crate::directory::current(app, program_id).await?;
    let id_of = |name: &str| {
        dir.services
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.id.to_string())
    };
    let ids: Vec<Option<String>> = SERVICES.iter().map(|n| id_of(n)).collect();
    let mut rng = Rng::seeded(0x0A_2026);
    let mut made = 0;
    for p in people {
        clock.set(p.at + rng.minutes(5, 30));
        if clock_now(clock) > real_now {
            continue;
        }
        // One or two of the partners' services.
        let first = rng.below(3) as usize;
        let mut chosen = vec![first];
        if rng.chance(35) {
            chosen.push((first + 1) % 3);
        }
        let service_ids: Vec<String> = chosen.iter().filter_map(|i| ids[*i].clone()).collect();
        let input = ServiceReferralInput {
            service_ids,
            handoff_mode: "contact_card".into(),
            problems: vec!["substance_use".into(), "housing_instability".into()],
            release_signed_name: p.name.clone(),
            release_confirmed: "yes".into(),
            ..Default::default()
        };
        let done = refer::refer(app, &p.officer, p.encounter, &input).await?;
        made += done.len();
        for (r, i) in done.iter().zip(&chosen) {
            let who = match i {
                0 => &staff.peer,
                1 => &staff.shelter,
                _ => continue,
            };
            answer(app, clock, real_now, &mut rng, who, r.referral_id).await?;
        }
    }
    Ok(made)
}

/// A partner answers a referral hours later (after any held place lapsed): most are taken
/// in, some turned away for want of room, a few not answered yet.
async fn answer(
    app: &App,
    clock: &ManualClock,
    real_now: DateTime<Utc>,
    rng: &mut Rng,
    who: &Ctx,
    referral_id: Uuid,
) -> AppResult<()> {
    let step = |action: &str| ReferralActionInput {
        action: action.into(),
        ..Default::default()
    };
    let at = clock_now(clock) + Duration::hours(3 + rng.below(30) as i64);
    let roll = rng.below(100);
    if at > real_now || roll >= 90 {
        return Ok(());
    }
    clock.set(at);
    if roll >= 70 {
        return referrals::act(
            app,
            who,
            referral_id,
            &ReferralActionInput {
                reason_code: "no_capacity".into(),
                ..step("reject")
            },
        )
        .await;
    }
    referrals::act(app, who, referral_id, &step("accept")).await?;
    let later = clock_now(clock) + Duration::hours(2 + rng.below(70) as i64);
    if later > real_now || rng.chance(20) {
        return Ok(());
    }
    clock.set(later);
    referrals::act(app, who, referral_id, &step("intake")).await
}
