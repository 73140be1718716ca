//! Each morning's reminders to staff (issue 17, ADR 0022): at 07:00 on the program's
//! business days, each person who must act gets one message listing what is due or
//! overdue for them, by reference and date only (never a name or anything of treatment):
//! a provider's staff (the person a referral is assigned to, or all of them while nobody
//! has taken it), first contacts due, held charges' intake deadlines within the
//! program's business days, capacity gone stale; a responder, follow-up visits due; a
//! prosecutor, held charges past their deadline that need a decision, with the status only
//! where the person's consent lets the office see it; the coordinators, all of it counted.
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use handoff_domain::calendar::Calendar;
use handoff_domain::hold::HoldState;
use handoff_storage::{JobRow, MessageRow, Stmt, Tx};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::{App, AppError, AppResult};

pub const DIGEST_JOB: &str = "digest";

/// The local hour the reminders go.
fn morning() -> NaiveTime {
    NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default()
}

/// The next business morning at or after `now`: its day and instant.
pub fn next_morning(cal: &Calendar, now: DateTime<Utc>) -> (NaiveDate, DateTime<Utc>) {
    let local = now.with_timezone(&cal.tz);
    let mut day = local.date_naive();
    if local.time() >= morning() {
        day = day.succ_opt().unwrap_or(day);
    }
    let day = cal.on_or_after(day);
    let at = cal
        .tz
        .from_local_datetime(&day.and_time(morning()))
        .earliest()
        .map_or(now, |t| t.with_timezone(&Utc));
    (day, at)
}

fn job(program: Uuid, day: NaiveDate, at: DateTime<Utc>, now: DateTime<Utc>) -> Stmt {
    Stmt::job(&JobRow {
        kind: DIGEST_JOB.into(),
        dedupe_key: format!("{DIGEST_JOB}:{program}:{day}"),
        payload: format!("{program}:{day}"),
        run_at: at,
        ..JobRow::pending(now)
    })
}

/// Makes sure every program has its next morning's reminders scheduled (once each).
pub async fn ensure_scheduled(app: &App) -> AppResult<()> {
    let now = app.now();
    let mut tx = app.store.write().await?;
    let mut stmts = Vec::new();
    for program in tx.program_ids().await? {
        let cal = app.program_data(program).await?.calendar.clone();
        let (day, at) = next_morning(&cal, now);
        stmts.push(job(program, day, at, now));
    }
    tx.run(&stmts).await?;
    tx.commit().await?;
    Ok(())
}

/// One person's lines, by what they are.
type Lines = BTreeMap<Uuid, Vec<String>>;

/// Who hears of a referral: the person it is assigned to (the case manager on call at a
/// warm handoff, or who accepted it) while they are among the provider's active case
/// managers and peers; else all of them, as for a referral nobody has taken.
async fn addressed(
    tx: &mut Tx,
    org: Uuid,
    assigned: Option<Uuid>,
    roles: &[&str],
) -> AppResult<Vec<(Uuid, String)>> {
    let all = tx.staff_of(org, roles).await?;
    Ok(match assigned {
        Some(a) if all.iter().any(|(id, _)| *id == a) => {
            all.into_iter().filter(|(id, _)| *id == a).collect()
        }
        _ => all,
    })
}

fn add(lines: &mut Lines, people: &[(Uuid, String)], line: String) {
    for (id, _) in people {
        lines.entry(*id).or_default().push(line.clone());
    }
}

/// The morning job: writes each person's message, then schedules the next morning.
pub(crate) async fn run(tx: &mut Tx, app: &App, payload: &str) -> AppResult<String> {
    let bad = || AppError::Internal("digest payload".into());
    let (program, day) = payload.split_once(':').ok_or_else(bad)?;
    let program = Uuid::parse_str(program).map_err(|_| bad())?;
    let day: NaiveDate = day.parse().map_err(|_| bad())?;
    let now = app.now();
    let data = app.program_data(program).await?;
    let cal = data.calendar.clone();
    if now.with_timezone(&cal.tz).date_naive() > day {
        // A morning that passed while no worker ran: today's reminders say it all.
        let (next_day, next_at) = next_morning(&cal, now);
        tx.run(&[job(program, next_day, next_at, now)]).await?;
        return Ok("a past morning: skipped".into());
    }
    let staff = app.texts().staff();
    let date = |d: NaiveDate| d.format("%a %-d %b").to_string();
    let mut lines: Lines = BTreeMap::new();
    let mut totals = [0usize; 5];
    let service = ["case_manager", "peer"];

    for (org, reference, due, assigned) in tx.digest_contacts_due(program, day).await? {
        let people = addressed(tx, org, assigned, &service).await?;
        let key = if due < day {
            "digest-contact-overdue"
        } else {
            "digest-contact-due"
        };
        add(
            &mut lines,
            &people,
            staff.t_with(
                key,
                &[("reference", reference.into()), ("day", date(due).into())],
            ),
        );
        totals[0] += 1;
    }
    let days = tx.intake_remind_days(program).await?.clamp(0, 30) as u32;
    let before = cal.business_days_deadline(now, days).ends_at;
    for (org, reference, ends, assigned) in tx.digest_intakes_due(program, before).await? {
        let people = addressed(tx, org, assigned, &service).await?;
        let last = ends.with_timezone(&cal.tz).date_naive() - Duration::days(1);
        add(
            &mut lines,
            &people,
            staff.t_with(
                "digest-intake-due",
                &[("reference", reference.into()), ("day", date(last).into())],
            ),
        );
        totals[1] += 1;
    }
    let fresh = tx.directory_settings(program).await?.capacity_fresh_minutes;
    let public = app.settings.public_url.trim_end_matches('/').to_string();
    let mut links = Vec::new();
    for (org, capacity, name, at) in tx
        .digest_stale_capacity(program, now - Duration::minutes(fresh))
        .await?
    {
        let since = at.with_timezone(&cal.tz).date_naive();
        let line = staff.t_with(
            "digest-capacity-stale",
            &[("service", name.into()), ("day", date(since).into())],
        );
        // Each person their own one-tap link for this capacity.
        for person in tx.staff_of(org, &service).await? {
            let (token, stmt) = crate::capacity_links::issue(program, capacity, person.0, now)?;
            links.push(stmt);
            let tap = staff.t_with(
                "digest-capacity-tap",
                &[("tap", format!("{public}/c/{token}").into())],
            );
            add(&mut lines, &[person], format!("{line}\n{tap}"));
        }
        totals[2] += 1;
    }
    for (officer, reference, due) in tx.digest_follow_ups_due(program, day).await? {
        let name = tx.user(officer).await?.display_name;
        add(
            &mut lines,
            &[(officer, name)],
            staff.t_with(
                "digest-follow-up-due",
                &[("reference", reference.into()), ("day", date(due).into())],
            ),
        );
        totals[3] += 1;
    }
    for (office, encounter, reference, state, deadline) in
        tx.digest_decisions_due(program, now).await?
    {
        let enc = tx.encounter(encounter).await?;
        // The same rule as the hold page: the status only under a consent naming the office.
        let shared = crate::consent_terms::status_recipients(tx, &enc, now)
            .await?
            .contains(&office);
        let state = HoldState::parse(&state).unwrap_or(HoldState::Held);
        let status = crate::case_view::legal_state_label(state, shared);
        let people = tx.staff_of(office, &["prosecutor"]).await?;
        add(
            &mut lines,
            &people,
            staff.t_with(
                "digest-decision-due",
                &[
                    ("reference", reference.into()),
                    ("day", date(deadline).into()),
                    ("status", status.into()),
                ],
            ),
        );
        totals[4] += 1;
    }
    if totals.iter().any(|n| *n > 0) {
        let coordinators = tx.coordinators(program).await?;
        let summary = staff.t_with(
            "digest-coordinator",
            &[
                ("contacts", (totals[0] as i64).into()),
                ("intakes", (totals[1] as i64).into()),
                ("capacity", (totals[2] as i64).into()),
                ("followups", (totals[3] as i64).into()),
                ("decisions", (totals[4] as i64).into()),
            ],
        );
        add(&mut lines, &coordinators, summary);
    }
    let link = format!("{}/", app.settings.public_url.trim_end_matches('/'));
    let channels = app.channels();
    let mut stmts = links;
    let mut reached = 0;
    for (user, items) in &lines {
        let contacts = tx.contacts_of(*user).await?;
        let Some(c) = contacts
            .iter()
            .find(|c| channels.has(&c.channel))
            .or(contacts.first())
        else {
            continue;
        };
        let mut body = items.join("\n");
        body.push_str(&format!(
            "\n\n{}",
            staff.t_with("digest-footer", &[("link", link.clone().into())])
        ));
        stmts.push(Stmt::message(&MessageRow {
            program_id: program,
            dedupe_key: format!("{DIGEST_JOB}:{user}:{day}"),
            channel: c.channel.clone(),
            recipient_kind: "user".into(),
            recipient_id: Some(*user),
            address: c.address.clone(),
            subject: staff.t_with("digest-subject", &[("count", (items.len() as i64).into())]),
            body,
            cause_kind: "digest".into(),
            cause_id: Some(program),
            ..MessageRow::queued(now)
        }));
        reached += 1;
    }
    let (next_day, next_at) = next_morning(
        &cal,
        now.max(
            cal.tz
                .from_local_datetime(&day.and_time(morning()))
                .earliest()
                .map_or(now, |t| t.with_timezone(&Utc)),
        ) + Duration::minutes(1),
    );
    stmts.push(job(program, next_day, next_at, now));
    tx.run(&stmts).await?;
    let effect = format!("{reached} of {} people reminded", lines.len());
    audit::record(
        tx,
        app,
        &Ctx::system(),
        "digest.send",
        "program",
        &program.to_string(),
        ALLOWED,
        &effect,
    )
    .await?;
    Ok(effect)
}
