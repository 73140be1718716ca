//! Reminders to the participant (issue 17, ADR 0022): the provider schedules the intake
//! with a date, time and place, and records the one channel the person chose with their
//! consent; a job sends the reminder some hours before, outside quiet hours, in the
//! person's language, with no word of the program's purpose or of substance use. No
//! consent, a STOP, or a safety flag that forbids it: the reminder is withheld, and the
//! outbox says why.
use chrono::{DateTime, Duration, Utc};
use handoff_domain::FieldErrors;
use handoff_domain::flags;
use handoff_domain::input::parse_local_datetime;
use handoff_domain::policy::CaseAction;
use handoff_domain::referral::ReferralStatus;
use handoff_domain::reminders::{Quiet, send_at};
use handoff_storage::{
    AppointmentRow, JobRow, MessageRow, ParticipantContactRow, ReferralRow, Stmt, Tx,
};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::case::{load_program, referral_guarded};
use crate::channels::sms::e164;
use crate::{App, AppError, AppResult};
use handoff_i18n::staff;

pub const REMIND_JOB: &str = "remind";

/// What the referral page shows of reminders.
#[derive(Debug, Clone, Default)]
pub struct RemindersView {
    pub appointment: Option<AppointmentRow>,
    /// The channel the person chose, its address shown by its end only, shared or not,
    /// and whether it is stopped.
    pub contact: Option<(String, String, bool, bool)>,
    /// The referral is open and its intake not yet done: an appointment can be set.
    pub schedulable: bool,
}

/// An address shown by its last characters: "•••0199".
fn masked(address: &str) -> String {
    let tail: String = address
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("•••{tail}")
}

pub(crate) async fn view(tx: &mut Tx, r: &ReferralRow) -> AppResult<RemindersView> {
    Ok(RemindersView {
        appointment: tx.appointment_of(r.id).await?,
        contact: tx.participant_contact(r.participant_id).await?.map(|c| {
            (
                c.channel.clone(),
                masked(&c.address),
                c.shared,
                c.stopped_at.is_some(),
            )
        }),
        schedulable: r.intake_at.is_none()
            && ReferralStatus::parse(&r.status).is_some_and(|s| s.is_open()),
    })
}

/// The referral, loaded for acting on it (its organization's staff only), in a write
/// transaction.
async fn acting(
    app: &App,
    ctx: &Ctx,
    id: Uuid,
    audit_action: &str,
) -> AppResult<(Tx, ReferralRow)> {
    let guarded = referral_guarded(
        app,
        ctx,
        app.store.write().await?,
        id,
        CaseAction::ActOnReferral,
        audit_action,
    );
    let (tx, r, _, _) = guarded.await?;
    Ok((tx, r))
}

/// The appointment as typed.
#[derive(Debug, Clone, Default)]
pub struct AppointmentInput {
    /// Local "YYYY-MM-DDTHH:MM".
    pub at: String,
    pub place: String,
}

/// Schedules (or moves) the referral's intake and the reminder before it.
pub async fn schedule(
    app: &App,
    ctx: &Ctx,
    referral_id: Uuid,
    input: &AppointmentInput,
) -> AppResult<()> {
    let (mut tx, r) = acting(app, ctx, referral_id, "referral.appointment").await?;
    let (_, tz) = load_program(&mut tx, r.program_id).await?;
    let now = app.now();
    let mut e = FieldErrors::new();
    let at = parse_local_datetime(&input.at, tz);
    match at {
        None => e.add("appointment_at", staff("err-reminder-at-empty")),
        Some(t) if t <= now => e.add("appointment_at", staff("err-reminder-at-past")),
        Some(t) if t > now + Duration::days(366) => {
            e.add("appointment_at", staff("err-reminder-at-far"))
        }
        Some(_) => {}
    }
    let place = input.place.trim();
    if place.is_empty() {
        e.add("appointment_place", staff("err-reminder-place-empty"));
    } else if place.chars().count() > 200 {
        e.add("appointment_place", staff("err-reminder-place-long"));
    }
    let (Some(at), true) = (at, e.is_empty()) else {
        tx.rollback().await?;
        return Err(AppError::Invalid(e));
    };
    tx.set_appointment(&AppointmentRow {
        referral_id: r.id,
        program_id: r.program_id,
        at,
        place: place.to_string(),
        set_by: ctx.actor.user_id,
        set_at: now,
    })
    .await?;
    let (start, end, hours) = tx.reminder_settings(r.program_id).await?;
    let quiet = Quiet::parse(&start, &end, tz);
    let when = send_at(at, hours, &quiet, now);
    if let Some(run_at) = when {
        tx.run(&[Stmt::job(&JobRow {
            kind: REMIND_JOB.into(),
            dedupe_key: format!("remind:{}:{}", r.id, at.timestamp()),
            payload: format!("{}:{}", r.id, at.timestamp()),
            run_at,
            ..JobRow::pending(now)
        })])
        .await?;
    }
    audit::record(
        &mut tx,
        app,
        ctx,
        "referral.appointment",
        "referral",
        &r.id.to_string(),
        ALLOWED,
        &match when {
            Some(w) => format!("reminder at {}", w.to_rfc3339()),
            None => "too soon for a reminder".into(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The channel the person chose, as typed.
#[derive(Debug, Clone, Default)]
pub struct ChannelInput {
    /// `choose` or `stop`.
    pub action: String,
    /// sms or email.
    pub channel: String,
    pub address: String,
    /// "yes": a shared or home phone or address.
    pub shared: String,
    /// "yes": the person agreed, as read to them.
    pub consent: String,
}

/// Records the channel the person chose for reminders, with their consent; or stops them.
pub async fn choose(
    app: &App,
    ctx: &Ctx,
    referral_id: Uuid,
    input: &ChannelInput,
) -> AppResult<()> {
    let (mut tx, r) = acting(app, ctx, referral_id, "participant.reminders").await?;
    let now = app.now();
    let (action, detail) = match input.action.as_str() {
        "stop" => {
            tx.stop_reminders_of(r.participant_id, now).await?;
            ("participant.reminders.stop", String::new())
        }
        "choose" => {
            let mut e = FieldErrors::new();
            let typed = input.address.trim();
            let address = match input.channel.as_str() {
                "sms" => e164(typed),
                "email" => typed
                    .parse::<lettre::Address>()
                    .ok()
                    .filter(|_| typed.chars().count() <= 254)
                    .map(|_| typed.to_string()),
                _ => {
                    e.add("reminder_channel", staff("err-reminder-channel"));
                    None
                }
            };
            if address.is_none() && e.is_empty() {
                e.add(
                    "reminder_address",
                    staff(if input.channel == "sms" {
                        "err-reminder-address-sms"
                    } else {
                        "err-reminder-address-email"
                    }),
                );
            }
            if input.consent != "yes" {
                e.add("reminder_consent", staff("err-reminder-consent"));
            }
            let (Some(address), true) = (address, e.is_empty()) else {
                tx.rollback().await?;
                return Err(AppError::Invalid(e));
            };
            tx.add_participant_contact(&ParticipantContactRow {
                id: Uuid::now_v7(),
                program_id: r.program_id,
                participant_id: r.participant_id,
                channel: input.channel.clone(),
                address_index: app.store.pseudonym("contact", &address.to_lowercase()),
                address,
                shared: input.shared == "yes",
                consented_at: now,
                consented_by: ctx.actor.user_id,
                stopped_at: None,
                created_at: now,
            })
            .await?;
            ("participant.reminders.consent", input.channel.clone())
        }
        _ => {
            tx.rollback().await?;
            return Err(AppError::field("action", staff("err-reminder-action")));
        }
    };
    audit::record(
        &mut tx,
        app,
        ctx,
        action,
        "participant",
        &r.participant_id.to_string(),
        ALLOWED,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A STOP (or any reply) from a number: every reminder to it stops. True: it was a stop.
pub(crate) async fn stop_from(
    tx: &mut Tx,
    app: &App,
    from: &str,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let Some(number) = e164(from) else {
        return Ok(0);
    };
    Ok(tx
        .stop_participant_contacts(&app.store.pseudonym("contact", &number.to_lowercase()), now)
        .await?)
}

/// The reminder job: writes the message, or a withheld one saying why. The payload names
/// the referral and the appointment it was scheduled for (a moved appointment has its own).
pub(crate) async fn run(tx: &mut Tx, app: &App, payload: &str) -> AppResult<String> {
    let (id, ts) = payload
        .split_once(':')
        .ok_or_else(|| AppError::Internal("reminder payload".into()))?;
    let id = Uuid::parse_str(id).map_err(|_| AppError::Internal("reminder payload".into()))?;
    let r = tx.referral(id).await?;
    let Some(appt) = tx.appointment_of(r.id).await? else {
        return Ok("no appointment".into());
    };
    if appt.at.timestamp().to_string() != ts {
        return Ok("the appointment moved".into());
    }
    let open = ReferralStatus::parse(&r.status).is_some_and(|s| s.is_open());
    if !open || r.intake_at.is_some() {
        return Ok("not needed".into());
    }
    let now = app.now();
    let (_, tz) = load_program(tx, r.program_id).await?;
    let (start, end, _) = tx.reminder_settings(r.program_id).await?;
    let quiet = Quiet::parse(&start, &end, tz);
    if quiet.contains(now) {
        // Late (the worker was down): at the end of quiet hours, if still before it.
        let later = quiet.next_open(now);
        if later < appt.at {
            tx.run(&[Stmt::job(&JobRow {
                kind: REMIND_JOB.into(),
                dedupe_key: format!("remind:{}:{ts}:{}", r.id, later.timestamp()),
                payload: payload.to_string(),
                run_at: later,
                ..JobRow::pending(now)
            })])
            .await?;
            return Ok("quiet hours: later".into());
        }
    }
    let contact = tx.participant_contact(r.participant_id).await?;
    let obligations = crate::flags::obligations(tx, r.program_id, r.participant_id).await?;
    let withheld = match &contact {
        _ if quiet.contains(now) => Some("quiet hours last until the appointment".to_string()),
        None => Some("the person has not agreed to reminders".to_string()),
        Some(c) if c.stopped_at.is_some() => Some("the person asked to stop".to_string()),
        Some(c) => flags::withholds(&obligations, c.shared)
            .map(|o| format!("a safety flag: {}", o.label().to_lowercase())),
    };
    let lang = app.texts().lang(
        tx.language_of(r.participant_id)
            .await?
            .as_ref()
            .map_or("", |l| l.language.as_str()),
    );
    let local = appt.at.with_timezone(&tz);
    let body = lang.t_with(
        "reminder-appointment",
        &[
            ("date", lang.date_long(local.date_naive()).into()),
            ("time", local.format("%H:%M").to_string().into()),
            ("place", appt.place.clone().into()),
        ],
    );
    let mut m = MessageRow {
        program_id: r.program_id,
        dedupe_key: format!("remind:{}:{ts}", r.id),
        channel: contact.as_ref().map_or("sms".into(), |c| c.channel.clone()),
        recipient_kind: "participant".into(),
        recipient_id: Some(r.participant_id),
        address: contact
            .as_ref()
            .map(|c| c.address.clone())
            .unwrap_or_default(),
        subject: lang.t("reminder-subject"),
        body,
        cause_kind: "referral".into(),
        cause_id: Some(r.id),
        ..MessageRow::queued(now)
    };
    let effect = match withheld {
        Some(why) => {
            // Kept as a record of what was not sent, without an address or words.
            m.state = "withheld".into();
            m.address = String::new();
            m.subject = String::new();
            m.body = String::new();
            m.last_error = Some(why.clone());
            format!("withheld: {why}")
        }
        None => "reminder queued".into(),
    };
    tx.run(&[Stmt::message(&m)]).await?;
    audit::record(
        tx,
        app,
        &Ctx::system(),
        "participant.reminder",
        "referral",
        &r.id.to_string(),
        ALLOWED,
        &effect,
    )
    .await?;
    Ok(effect)
}
