//! Paging a warm handoff (issue 17, ADR 0019): the provider's on-call person is paged in
//! the referral's own transaction; if nobody acknowledges within the program's window, the
//! next person on shift is paged, then the program's coordinators, each rung a case event
//! with its time. Acknowledging (or accepting) stops the ladder. The messages go through
//! the outbox; a page never waits for quiet hours.
use chrono::{DateTime, Duration, Utc};
use handoff_domain::HandoffMode;
use handoff_domain::referral::ReferralStatus;
use handoff_i18n::staff;
use handoff_storage::{
    EncounterRow, JobRow, MessageRow, MessageState, PageRow, ReferralRow, Stmt, Tx,
};
use uuid::Uuid;

use crate::case::{event, load_program};
use crate::{App, AppError, AppResult};

/// How long a link works.
pub const LINK_HOURS: i64 = 72;

/// A new one-tap link (`links`) for `user` on `referral`: its token (to put in the
/// message) and the row; only the token's hash is kept.
pub fn issue_link(
    program_id: Uuid,
    referral: Uuid,
    user: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(String, Stmt)> {
    let token = crate::util::random_token(32)?;
    let row = handoff_storage::LinkRow {
        id: Uuid::now_v7(),
        program_id,
        token_hash: crate::util::sha256_hex(token.as_bytes()),
        referral_id: referral,
        user_id: user,
        created_at: now,
        expires_at: now + Duration::hours(LINK_HOURS),
        revoked_at: None,
        revoked_by: None,
        used: String::new(),
    };
    Ok((token, Stmt::link(&row)))
}

/// The job that pages the next rung when a rung's window has passed unanswered.
pub const PAGE_JOB: &str = "page";

fn job_key(referral: Uuid, rung: i64) -> String {
    format!("{PAGE_JOB}:{referral}:{rung}")
}

/// The event kind of a referral's paging steps: the legal side's only for referrals a held
/// charge counts on (ADR 0017).
pub(crate) fn kind(r: &ReferralRow, what: &str) -> String {
    if r.counts_for_hold {
        format!("referral.{what}")
    } else {
        format!("care.{what}")
    }
}

/// The ladder as it stands now, without those already paged: each person on shift at the
/// provider (in the roster's order) a rung of their own, then each on the provider's
/// escalation list (in its order), then the program's coordinators together. The next rung to page, if any is left.
async fn next_rung(
    tx: &mut Tx,
    r: &ReferralRow,
    now: DateTime<Utc>,
) -> AppResult<Option<Vec<(Uuid, String)>>> {
    let paged: Vec<Uuid> = tx
        .pages_of(r.id)
        .await?
        .into_iter()
        .map(|p| p.user_id)
        .collect();
    for s in tx.on_shift_now(r.to_org_id, now).await? {
        if !paged.contains(&s.user_id) {
            return Ok(Some(vec![(s.user_id, s.display_name)]));
        }
    }
    // Then the provider's escalation list, one a rung, in its order.
    for (user, name, _, _) in tx.escalation_of(r.to_org_id).await? {
        if !paged.contains(&user) {
            return Ok(Some(vec![(user, name)]));
        }
    }
    let coordinators: Vec<(Uuid, String)> = tx
        .coordinators(r.program_id)
        .await?
        .into_iter()
        .filter(|(u, _)| !paged.contains(u))
        .collect();
    Ok((!coordinators.is_empty()).then_some(coordinators))
}

/// The statements that page one rung: a message to each person's first contact point
/// (none when they have none: the rung still stands, and says so), the rung's rows, its
/// case event, and the job that pages the next rung when the window has passed.
#[allow(clippy::too_many_arguments)] // the rung's own facts
async fn rung_stmts(
    tx: &mut Tx,
    app: &App,
    enc: &EncounterRow,
    r: &ReferralRow,
    rung: i64,
    people: &[(Uuid, String)],
    now: DateTime<Utc>,
    actor: Option<Uuid>,
) -> AppResult<Vec<Stmt>> {
    let window = tx.page_window_minutes(r.program_id).await?;
    let (_, tz) = load_program(tx, r.program_id).await?;
    let provider = tx.org(r.to_org_id).await?;
    let agency = tx.org(enc.agency_id).await?;
    let staff = app.texts().staff();
    let args = |extra: Vec<(&'static str, handoff_i18n::Arg)>| {
        let mut a: Vec<(&str, handoff_i18n::Arg)> = vec![
            ("agency", agency.name.clone().into()),
            ("provider", provider.name.clone().into()),
            ("reference", enc.reference.clone().into()),
            (
                "time",
                r.requested_at
                    .with_timezone(&tz)
                    .format("%H:%M")
                    .to_string()
                    .into(),
            ),
            (
                "link",
                format!(
                    "{}/referrals/{}",
                    app.settings.public_url.trim_end_matches('/'),
                    r.id
                )
                .into(),
            ),
            ("window", window.into()),
        ];
        a.extend(extra);
        a
    };
    let subject = staff.t_with("page-subject", &args(vec![]));
    let mut body = staff.t_with("page-body", &args(vec![]));
    if rung > 0 {
        body = format!(
            "{}\n{body}",
            staff.t_with("page-body-escalated", &args(vec![]))
        );
    }
    let mut stmts = Vec::new();
    let mut reached = Vec::new();
    let mut unreachable = Vec::new();
    for (user, name) in people {
        // The first contact point that can be sent on now (else the first: it waits).
        let contacts = tx.contacts_of(*user).await?;
        let channels = app.channels();
        let contact = contacts
            .iter()
            .find(|c| channels.has(&c.channel))
            .or(contacts.first())
            .cloned();
        let tap = match &contact {
            Some(_) => {
                let (token, link) = issue_link(r.program_id, r.id, *user, now)?;
                stmts.push(link);
                Some(
                    staff.t_with(
                        "page-tap",
                        &[
                            (
                                "tap",
                                format!(
                                    "{}/l/{token}",
                                    app.settings.public_url.trim_end_matches('/')
                                )
                                .into(),
                            ),
                            ("hours", LINK_HOURS.into()),
                        ],
                    ),
                )
            }
            None => None,
        };
        let message_id = contact.map(|c| {
            let m = MessageRow {
                program_id: r.program_id,
                dedupe_key: format!("page:{}:{rung}:{user}", r.id),
                channel: c.channel,
                recipient_kind: "user".into(),
                recipient_id: Some(*user),
                address: c.address,
                subject: subject.clone(),
                body: match &tap {
                    Some(t) => format!("{body}\n{t}"),
                    None => body.clone(),
                },
                cause_kind: "referral".into(),
                cause_id: Some(r.id),
                ..MessageRow::queued(now)
            };
            stmts.push(Stmt::message(&m));
            m.id
        });
        if message_id.is_some() {
            reached.push(name.clone());
        } else {
            unreachable.push(name.clone());
        }
        stmts.push(Stmt::page(&PageRow {
            referral_id: r.id,
            rung,
            user_id: *user,
            paged_at: now,
            message_id,
        }));
    }
    let mut summary = if reached.is_empty() {
        format!("Nobody paged at {}", provider.name)
    } else {
        format!("Paged {} ({})", reached.join(", "), provider.name)
    };
    if rung > 0 {
        summary.push_str(&format!(": nobody acknowledged within {window} minutes"));
    }
    if !unreachable.is_empty() {
        summary.push_str(&format!(
            "; {} {} no contact point to page",
            unreachable.join(", "),
            if unreachable.len() == 1 {
                "has"
            } else {
                "have"
            }
        ));
    }
    if !app.channels().any_staff() && !reached.is_empty() {
        summary.push_str("; no email or SMS channel is set up, so the page waits unsent");
    }
    stmts.push(Stmt::case_event(&event(
        app,
        enc,
        actor,
        &kind(r, "paged"),
        &summary,
    )));
    stmts.push(Stmt::job(&JobRow {
        kind: PAGE_JOB.into(),
        dedupe_key: job_key(r.id, rung + 1),
        payload: format!("{}:{}", r.id, rung + 1),
        run_at: now + Duration::minutes(window),
        ..JobRow::pending(now)
    }));
    Ok(stmts)
}

/// The first page of a warm handoff (nothing for a contact card), as statements for the
/// referral's own transaction; `tx` reads (the referral need not be written yet).
pub(crate) async fn first_page(
    tx: &mut Tx,
    app: &App,
    enc: &EncounterRow,
    r: &ReferralRow,
    actor: Option<Uuid>,
) -> AppResult<Vec<Stmt>> {
    if r.mode != HandoffMode::Warm.as_str() {
        return Ok(Vec::new());
    }
    let now = app.now();
    // The on-call person first (the referral is assigned to them), then the ladder.
    let people = match tx.on_shift_now(r.to_org_id, now).await?.into_iter().next() {
        Some(s) => vec![(s.user_id, s.display_name)],
        None => match next_rung(tx, r, now).await? {
            Some(p) => p,
            None => return Ok(Vec::new()),
        },
    };
    rung_stmts(tx, app, enc, r, 0, &people, now, actor).await
}

/// The worker's job: the rung's window has passed. Pages the next rung unless the page
/// was acknowledged (or the referral moved on); at the top, records that nobody answered.
pub(crate) async fn escalate(tx: &mut Tx, app: &App, payload: &str) -> AppResult<String> {
    let (id, rung) = payload
        .split_once(':')
        .and_then(|(i, n)| Some((Uuid::parse_str(i).ok()?, n.parse::<i64>().ok()?)))
        .ok_or_else(|| AppError::Internal(format!("page job payload {payload:?}")))?;
    let r = tx.referral(id).await?;
    let waiting = r.acknowledged_at.is_none()
        && r.arrived_at.is_none()
        && ReferralStatus::parse(&r.status) == Some(ReferralStatus::Requested);
    if !waiting {
        return Ok("answered".into());
    }
    let now = app.now();
    let enc = tx.encounter(r.encounter_id).await?;
    match next_rung(tx, &r, now).await? {
        Some(people) => {
            let stmts = rung_stmts(tx, app, &enc, &r, rung, &people, now, None).await?;
            tx.run(&stmts).await?;
            Ok(format!("rung {rung}"))
        }
        None => {
            let provider = tx.org(r.to_org_id).await?;
            tx.insert_case_event(&event(
                app,
                &enc,
                None,
                &kind(&r, "page_unanswered"),
                &format!(
                    "Nobody acknowledged the page to {}: the ladder is at its end. Call them, or switch to a contact card.",
                    provider.name
                ),
            ))
            .await?;
            Ok("unanswered".into())
        }
    }
}

/// A warm handoff's paging as the officer and the provider see it.
#[derive(Debug, Clone)]
pub struct PagingView {
    /// Each person paged: rung, name, when, and the message's state (none: no contact).
    pub pages: Vec<(i64, String, DateTime<Utc>, Option<String>)>,
    pub acknowledged: Option<(String, DateTime<Utc>, i64)>,
    /// The ladder ended with nobody acknowledging.
    pub unanswered: bool,
    /// Email can leave this server (else nobody is being paged).
    pub channel: bool,
    pub provider_phone: String,
}

pub(crate) async fn view(tx: &mut Tx, app: &App, r: &ReferralRow) -> AppResult<Option<PagingView>> {
    if r.mode != HandoffMode::Warm.as_str() {
        return Ok(None);
    }
    let states: Vec<MessageState> = tx.messages_for(r.id).await?;
    let mut pages = Vec::new();
    for p in tx.pages_of(r.id).await? {
        let name = tx.user(p.user_id).await?.display_name;
        // The page's message, or the last it fell back to (the person's next contact).
        let state = p.message_id.and_then(|first| {
            states
                .iter()
                .rfind(|s| {
                    s.id == first
                        || (s.recipient_id == Some(p.user_id)
                            && s.channel != "webhook"
                            && s.created_at >= p.paged_at)
                })
                .map(|s| s.state.clone())
        });
        pages.push((p.rung, name, p.paged_at, state));
    }
    let acknowledged = match (r.acknowledged_at, r.acknowledged_by) {
        (Some(at), Some(by)) => Some((
            tx.user(by).await?.display_name,
            at,
            (at - r.requested_at).num_minutes(),
        )),
        _ => None,
    };
    // The last rung's window passed and its job found nobody left to page.
    let last = pages.iter().map(|p| p.0).max().unwrap_or(0);
    let unanswered = acknowledged.is_none()
        && r.arrived_at.is_none()
        && r.status == ReferralStatus::Requested.as_str()
        && tx
            .job_by_key(&job_key(r.id, last + 1))
            .await?
            .is_some_and(|j| j.status == "done");
    Ok(Some(PagingView {
        pages,
        acknowledged,
        unanswered,
        channel: app.channels().any_staff(),
        provider_phone: tx.org(r.to_org_id).await?.phone,
    }))
}

/// The officer switches a warm handoff nobody is coming for to a contact card: the person
/// leaves with the slip and the provider calls them by the contact deadline. Paging stops
/// (the ladder pages only warm handoffs still waiting). In one transaction with its case
/// event and audit record; the referral's version guards a step taken meanwhile.
pub async fn switch_to_contact_card(
    app: &App,
    ctx: &crate::Ctx,
    encounter_id: Uuid,
    referral_id: &str,
) -> AppResult<()> {
    let (mut tx, enc, _) = crate::case::guarded(
        app,
        ctx,
        app.store.write().await?,
        encounter_id,
        handoff_domain::policy::CaseAction::ActOnEncounter,
        "referral.contact_card",
    )
    .await?;
    let r = match Uuid::parse_str(referral_id.trim()) {
        Ok(id) => tx
            .referrals_for_encounter(enc.id)
            .await?
            .into_iter()
            .find(|r| r.id == id),
        Err(_) => None,
    };
    let Some(r) = r else {
        tx.rollback().await?;
        return Err(AppError::NotFound);
    };
    if r.mode != HandoffMode::Warm.as_str()
        || r.arrived_at.is_some()
        || ReferralStatus::parse(&r.status) != Some(ReferralStatus::Requested)
    {
        tx.rollback().await?;
        return Err(AppError::Conflict(staff("err-paging-contact-card")));
    }
    let data = app.program_data(enc.program_id).await?;
    let hold = tx.hold_for_encounter(enc.id).await?;
    let now = app.now();
    let last = crate::case::intake_deadline(&data, &enc, hold.as_ref()).last_day;
    let expected = r.updated_at;
    let updated = ReferralRow {
        mode: HandoffMode::ContactCard.as_str().into(),
        contact_deadline: Some(crate::case::contact_due(&data, now, last)),
        updated_at: now.max(expected + Duration::microseconds(1)),
        ..r.clone()
    };
    tx.switch_referral_mode(&updated, expected).await?;
    let told = crate::webhooks::referral_event(
        &mut tx,
        app,
        &updated,
        "updated",
        Some("contact_card"),
        updated.updated_at,
    )
    .await?;
    tx.run(&told).await?;
    let provider = tx.org(r.to_org_id).await?;
    tx.insert_case_event(&event(
        app,
        &enc,
        Some(ctx.actor.user_id),
        &kind(&r, "contact_card"),
        &format!(
            "Switched to a contact card: {} is to contact the person",
            provider.name
        ),
    ))
    .await?;
    crate::audit::record(
        &mut tx,
        app,
        ctx,
        "referral.contact_card",
        "referral",
        &r.id.to_string(),
        crate::audit::ALLOWED,
        "",
    )
    .await?;
    crate::facts::refresh(&mut tx, app, enc.id).await?;
    tx.commit().await?;
    Ok(())
}
