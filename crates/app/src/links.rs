//! One-tap links (issue 17, ADR 0019): each page carries a link that lets the person paged
//! record the next steps of that one referral without signing in: acknowledge, accept,
//! decline with a coded reason, arrived, intake done, first treatment contact. Each step
//! once per link; the link expires (72 hours) and a coordinator can withdraw the
//! program's outstanding links. The page shows the person's initials and the reference,
//! never a name, an offense or another organization's work. Every open and every use is
//! audited with the address it came from. Only the token's hash is stored (the link is
//! made with the page: `paging::issue_link`).
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use handoff_domain::referral::{OutcomeReason, ReferralStatus};
use handoff_domain::{Coded, HandoffMode};
use handoff_i18n::staff;
use handoff_storage::LinkRow;
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::referrals::ReferralActionInput;
use crate::util::sha256_hex;
use crate::{App, AppError, AppResult};

/// Why a link does not work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No such link (mistyped, tampered with).
    Unknown,
    Expired,
    Withdrawn,
}

/// The steps a link may record, each with the staff catalogue's key of its button.
pub const STEPS: &[(&str, &str)] = &[
    ("acknowledge", "links-step-acknowledge"),
    ("accept", "links-step-accept"),
    ("reject", "links-step-reject"),
    ("arrival", "links-step-arrival"),
    ("intake", "links-step-intake"),
    ("first_treatment", "links-step-first-treatment"),
];

/// What a link's page shows.
#[derive(Debug, Clone)]
pub struct LinkView {
    pub reference: String,
    pub initials: String,
    pub agency: String,
    pub provider: String,
    pub warm: bool,
    pub requested_at: DateTime<Utc>,
    pub status: ReferralStatus,
    pub acknowledged: bool,
    pub expires_at: DateTime<Utc>,
    /// The next steps it may record now, as (code, label).
    pub steps: Vec<(&'static str, String)>,
    pub tz: Tz,
}

/// The reasons a decline may give.
pub fn reasons() -> Vec<(&'static str, String)> {
    OutcomeReason::ALL
        .iter()
        .map(|r| (r.as_str(), staff(&r.key())))
        .collect()
}

async fn find(
    app: &App,
    token: &str,
) -> AppResult<Result<(LinkRow, handoff_storage::ReferralRow), Refused>> {
    if !token_shaped(token) {
        return Ok(Err(Refused::Unknown));
    }
    let mut tx = app.store.read().await?;
    let link = tx.link_by_hash(&sha256_hex(token.as_bytes())).await?;
    let Some(link) = link else {
        tx.rollback().await?;
        return Ok(Err(Refused::Unknown));
    };
    let r = tx.referral(link.referral_id).await?;
    tx.rollback().await?;
    let now = app.now();
    Ok(if link.revoked_at.is_some() {
        Err(Refused::Withdrawn)
    } else if link.expires_at <= now {
        Err(Refused::Expired)
    } else {
        Ok((link, r))
    })
}

/// A token is 43 characters of URL-safe base64; anything else is no link.
pub(crate) fn token_shaped(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The context a link acts in: the person it was sent to, from the address it came from.
async fn ctx_of(app: &App, link: &LinkRow, ip: &str, user_agent: &str) -> AppResult<Ctx> {
    ctx_for(app, link.user_id, ip, user_agent).await
}

/// The context of a link sent to `user`, used from `ip`: their access, as ever.
pub(crate) async fn ctx_for(app: &App, user: Uuid, ip: &str, user_agent: &str) -> AppResult<Ctx> {
    let mut tx = app.store.read().await?;
    let user = tx.user(user).await?;
    let (actor, display_name) = crate::auth::load_actor_with(&mut tx, &user).await?;
    tx.rollback().await?;
    if user.disabled {
        return Err(AppError::NotFound);
    }
    Ok(Ctx {
        actor,
        display_name,
        ip: ip.to_string(),
        user_agent: format!("one-tap link; {user_agent}"),
    })
}

fn initials(first: &str, last: &str) -> String {
    let i = |s: &str| {
        s.chars()
            .next()
            .map(|c| format!("{c}."))
            .unwrap_or_default()
    };
    format!("{} {}", i(first), i(last)).trim().to_string()
}

fn next_steps(r: &handoff_storage::ReferralRow, used: &str) -> Vec<(&'static str, String)> {
    let status = ReferralStatus::parse(&r.status).unwrap_or(ReferralStatus::Requested);
    let warm = r.mode == HandoffMode::Warm.as_str();
    let working = matches!(
        status,
        ReferralStatus::Accepted | ReferralStatus::InProgress
    );
    STEPS
        .iter()
        .copied()
        .filter(|(code, _)| !used.split_whitespace().any(|u| u == *code))
        .filter(|(code, _)| match *code {
            "acknowledge" => {
                warm && r.acknowledged_at.is_none() && status == ReferralStatus::Requested
            }
            "accept" | "reject" => status == ReferralStatus::Requested,
            "arrival" => warm && r.arrived_at.is_none() && working,
            "intake" => r.intake_at.is_none() && working,
            "first_treatment" => r.intake_at.is_some() && r.engaged_at.is_none() && working,
            _ => false,
        })
        .map(|(code, key)| (code, staff(key)))
        .collect()
}

/// Opens a link: what its page shows, audited with the address.
pub async fn open(
    app: &App,
    token: &str,
    ip: &str,
    user_agent: &str,
) -> AppResult<Result<LinkView, Refused>> {
    let (link, r) = match find(app, token).await? {
        Ok(x) => x,
        Err(why) => return Ok(Err(why)),
    };
    let ctx = ctx_of(app, &link, ip, user_agent).await?;
    let mut tx = app.store.write().await?;
    let enc = tx.encounter(r.encounter_id).await?;
    let person = tx.participant(r.participant_id).await?;
    let agency = tx.org(enc.agency_id).await?.name;
    let provider = tx.org(r.to_org_id).await?.name;
    let (_, tz) = crate::case::load_program(&mut tx, r.program_id).await?;
    audit::record(
        &mut tx,
        app,
        &ctx,
        "link.open",
        "referral",
        &r.id.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(LinkView {
        reference: enc.reference,
        initials: if person.erased_at.is_some() {
            "—".into()
        } else {
            initials(&person.first_name, &person.last_name)
        },
        agency,
        provider,
        warm: r.mode == HandoffMode::Warm.as_str(),
        requested_at: r.requested_at,
        status: ReferralStatus::parse(&r.status).unwrap_or(ReferralStatus::Requested),
        acknowledged: r.acknowledged_at.is_some(),
        expires_at: link.expires_at,
        steps: next_steps(&r, &link.used),
        tz,
    }))
}

/// Records one step with a link, as the person it was sent to (their access is checked as
/// ever), in the step's own transaction with the link's use.
pub async fn act(
    app: &App,
    token: &str,
    step: &str,
    reason_code: &str,
    ip: &str,
    user_agent: &str,
) -> AppResult<Result<(), Refused>> {
    let (link, r) = match find(app, token).await? {
        Ok(x) => x,
        Err(why) => return Ok(Err(why)),
    };
    if !next_steps(&r, "").iter().any(|(c, _)| *c == step) {
        return Err(AppError::Rule(staff("err-links-step-now")));
    }
    let ctx = ctx_of(app, &link, ip, user_agent).await?;
    let used = Some((link.id, step));
    if step == "acknowledge" {
        crate::referrals::acknowledge_with(app, &ctx, r.id, used).await?;
    } else {
        let input = ReferralActionInput {
            action: step.into(),
            reason_code: reason_code.into(),
            ..Default::default()
        };
        crate::referrals::act_with(app, &ctx, r.id, &input, used).await?;
    }
    Ok(Ok(()))
}

/// Withdraws the program's outstanding links (a coordinator's or administrator's).
pub async fn revoke_all(app: &App, ctx: &Ctx) -> AppResult<u64> {
    let pid = ctx.require_program()?;
    crate::admin::guard(
        app,
        ctx,
        handoff_domain::policy::ProgramAction::ViewOutbox,
        "link.revoke",
    )
    .await?;
    let mut tx = app.store.write().await?;
    let n = tx.revoke_links(pid, ctx.actor.user_id, app.now()).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "link.revoke",
        "program",
        &pid.to_string(),
        ALLOWED,
        &format!("{n} links"),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}
