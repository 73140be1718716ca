//! The program's working calendar for coordinators (issue 4): business days and hours,
//! the business hours allowed for first contact, and holidays. Deadlines computed after a
//! change use it at once (the program cache is dropped); deadlines already set keep the
//! day they were given.
use chrono::NaiveDate;
use handoff_domain::FieldErrors;
use handoff_domain::calendar::Calendar;
use handoff_domain::policy::{ProgramAction, program_grant};
use handoff_storage::{CalendarRow, HolidayRow};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::{App, AppError, AppResult};
use handoff_i18n::staff;

pub struct CalendarView {
    pub calendar: Calendar,
    pub contact_hours: u32,
    pub holidays: Vec<HolidayRow>,
}

/// The settings as typed.
#[derive(Debug, Clone, Default)]
pub struct CalendarInput {
    /// Weekday numbers that are business days ("0" Monday .. "6" Sunday).
    pub days: Vec<String>,
    pub opens: String,
    pub closes: String,
    pub contact_hours: String,
}

async fn allowed(app: &App, ctx: &Ctx, action: &str) -> AppResult<Uuid> {
    let pid = ctx.require_program()?;
    if program_grant(&ctx.actor, pid, ProgramAction::ManageCalendar).is_none() {
        return Err(audit::deny(app, ctx, action, "program", &pid.to_string()).await);
    }
    Ok(pid)
}

pub async fn view(app: &App, ctx: &Ctx) -> AppResult<CalendarView> {
    let pid = allowed(app, ctx, "calendar.read").await?;
    app.forget_program(pid);
    let data = app.program_data(pid).await?;
    let mut tx = app.store.read().await?;
    let holidays = tx.holidays(pid).await?;
    tx.rollback().await?;
    Ok(CalendarView {
        calendar: data.calendar.clone(),
        contact_hours: data.contact_hours,
        holidays,
    })
}

fn hhmm(field: &str, v: &str, errors: &mut FieldErrors) -> Option<chrono::NaiveTime> {
    match chrono::NaiveTime::parse_from_str(v.trim(), "%H:%M") {
        Ok(t) => Some(t),
        Err(_) => {
            errors.add(field, staff("err-calendar-time-format"));
            None
        }
    }
}

pub async fn set(app: &App, ctx: &Ctx, input: &CalendarInput) -> AppResult<()> {
    let pid = allowed(app, ctx, "calendar.update").await?;
    let mut errors = FieldErrors::new();
    let mut days = [false; 7];
    for d in &input.days {
        match d.trim().parse::<usize>() {
            Ok(i) if i < 7 => days[i] = true,
            _ => errors.add("days", staff("err-calendar-days-unknown")),
        }
    }
    if !days.iter().any(|d| *d) {
        errors.add("days", staff("err-calendar-days-none"));
    }
    let opens = hhmm("opens", &input.opens, &mut errors);
    let closes = hhmm("closes", &input.closes, &mut errors);
    if let (Some(o), Some(c)) = (opens, closes)
        && c <= o
    {
        errors.add("closes", staff("err-calendar-closes-order"));
    }
    let contact_hours = match input.contact_hours.trim().parse::<i64>() {
        Ok(h) if (1..=720).contains(&h) => h,
        _ => {
            errors.add("contact_hours", staff("err-calendar-contact-hours"));
            72
        }
    };
    let (Some(opens), Some(closes)) = (opens, closes) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let row = CalendarRow {
        business_days: days.iter().map(|d| if *d { '1' } else { '0' }).collect(),
        opens: opens.format("%H:%M").to_string(),
        closes: closes.format("%H:%M").to_string(),
        contact_business_hours: contact_hours,
    };
    let mut tx = app.store.write().await?;
    tx.set_program_calendar(pid, &row).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "calendar.update",
        "program",
        &pid.to_string(),
        ALLOWED,
        &format!(
            "days {} {}-{}, contact within {} business hours",
            row.business_days, row.opens, row.closes, row.contact_business_hours
        ),
    )
    .await?;
    tx.commit().await?;
    app.forget_program(pid);
    Ok(())
}

pub async fn add_holiday(app: &App, ctx: &Ctx, day: &str, name: &str) -> AppResult<()> {
    let pid = allowed(app, ctx, "calendar.holiday_add").await?;
    let mut errors = FieldErrors::new();
    let date = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").ok();
    if date.is_none() {
        errors.add("day", staff("err-calendar-day-format"));
    }
    let name = name.trim();
    if name.is_empty() {
        errors.add("name", staff("err-calendar-holiday-name-empty"));
    } else if name.chars().count() > 100 {
        errors.add("name", staff("err-calendar-holiday-name-long"));
    }
    let Some(date) = date.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let mut tx = app.store.write().await?;
    let added = tx
        .insert_holiday(
            pid,
            &HolidayRow {
                day: date,
                name: name.into(),
            },
        )
        .await?;
    if !added {
        tx.rollback().await?;
        return Err(AppError::field("day", staff("err-calendar-holiday-exists")));
    }
    audit::record(
        &mut tx,
        app,
        ctx,
        "calendar.holiday_add",
        "program",
        &pid.to_string(),
        ALLOWED,
        &format!("{date} {name}"),
    )
    .await?;
    tx.commit().await?;
    app.forget_program(pid);
    Ok(())
}

pub async fn remove_holiday(app: &App, ctx: &Ctx, day: &str) -> AppResult<()> {
    let pid = allowed(app, ctx, "calendar.holiday_remove").await?;
    let date = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::field("day", staff("err-calendar-day-format")))?;
    let mut tx = app.store.write().await?;
    match tx.delete_holiday(pid, date).await {
        Ok(()) => {}
        Err(handoff_storage::StoreError::NotFound) => {
            tx.rollback().await?;
            return Err(AppError::field(
                "day",
                staff("err-calendar-holiday-missing"),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    audit::record(
        &mut tx,
        app,
        ctx,
        "calendar.holiday_remove",
        "program",
        &pid.to_string(),
        ALLOWED,
        &date.to_string(),
    )
    .await?;
    tx.commit().await?;
    app.forget_program(pid);
    Ok(())
}
