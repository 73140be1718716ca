//! The program calendar page (coordinators, administrators): business days and hours, the
//! business hours for first contact, holidays.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use handoff_app::AppError;
use handoff_app::calendar::{self, CalendarInput, CalendarView};
use handoff_domain::FieldErrors;

use crate::AppState;
use crate::auth::Session;
use crate::kit::forms::{Fields, FromFields};
use crate::kit::page::{Input, error_for, form_errors};
use crate::kit::render::{Layout, render, see_other, staff, status_for};

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    layout: Layout,
    v: CalendarView,
    input: CalendarInput,
    holiday_day: String,
    holiday_name: String,
    errors: FieldErrors,
}

/// The weekdays' staff keys, Monday first.
const WEEKDAYS: [&str; 7] = [
    "calendar-monday",
    "calendar-tuesday",
    "calendar-wednesday",
    "calendar-thursday",
    "calendar-friday",
    "calendar-saturday",
    "calendar-sunday",
];

impl CalendarPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn weekdays(&self) -> Vec<(usize, String)> {
        WEEKDAYS.iter().map(|k| staff(k)).enumerate().collect()
    }
    fn day_checked(&self, i: &usize) -> &'static str {
        if self.input.days.contains(&i.to_string()) {
            "checked"
        } else {
            ""
        }
    }
}

fn input_of(v: &CalendarView) -> CalendarInput {
    CalendarInput {
        days: v
            .calendar
            .business_days
            .iter()
            .enumerate()
            .filter(|(_, on)| **on)
            .map(|(i, _)| i.to_string())
            .collect(),
        opens: v.calendar.opens.format("%H:%M").to_string(),
        closes: v.calendar.closes.format("%H:%M").to_string(),
        contact_hours: v.contact_hours.to_string(),
    }
}

/// What the page shows again after a refused form.
#[derive(Default)]
struct Typed {
    input: Option<CalendarInput>,
    holiday_day: String,
    holiday_name: String,
}

async fn page(
    st: &AppState,
    s: &Session,
    notice: Option<&String>,
    typed: Typed,
    errors: FieldErrors,
) -> Response {
    let v = match calendar::view(&st.app, &s.ctx).await {
        Ok(v) => v,
        Err(e) => return error_for(s, &e),
    };
    let status = status_for(&errors);
    let input = typed.input.unwrap_or_else(|| input_of(&v));
    render(
        status,
        &CalendarPage {
            layout: Layout::new(staff("calendar-title"), s, notice),
            v,
            input,
            holiday_day: typed.holiday_day,
            holiday_name: typed.holiday_name,
            errors,
        },
    )
}

pub async fn show(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    page(
        &st,
        &s,
        q.get("notice"),
        Typed::default(),
        FieldErrors::new(),
    )
    .await
}

/// After an action: back to the page, or the page again with what was typed.
async fn answer(st: &AppState, s: &Session, r: Result<(), AppError>, typed: Typed) -> Response {
    match r {
        Ok(()) => see_other("/calendar?notice=calendar"),
        Err(e) => match form_errors(e) {
            Ok(errors) => page(st, s, None, typed, errors).await,
            Err(e) => error_for(s, &e),
        },
    }
}

impl FromFields for CalendarInput {
    fn from_fields(f: &mut Fields) -> Self {
        CalendarInput {
            days: f.all("days"),
            opens: f.get("opens"),
            closes: f.get("closes"),
            contact_hours: f.get("contact_hours"),
        }
    }
}

pub async fn set(State(st): State<AppState>, form: Input<CalendarInput>) -> Response {
    let r = form
        .run(async |v| calendar::set(&st.app, &form.s.ctx, v).await)
        .await;
    let Input { s, v, .. } = form;
    let typed = Typed {
        input: Some(v),
        ..Typed::default()
    };
    answer(&st, &s, r, typed).await
}

/// A holiday: its day and name (only the day to remove one).
pub(crate) struct HolidayForm {
    day: String,
    name: String,
}

impl FromFields for HolidayForm {
    fn from_fields(f: &mut Fields) -> Self {
        HolidayForm {
            day: f.get("day"),
            name: f.get("name"),
        }
    }
}

/// The day of a holiday to remove.
pub(crate) struct HolidayDay(String);

impl FromFields for HolidayDay {
    fn from_fields(f: &mut Fields) -> Self {
        HolidayDay(f.get("day"))
    }
}

pub async fn add_holiday(State(st): State<AppState>, form: Input<HolidayForm>) -> Response {
    let r = form
        .run(async |v| calendar::add_holiday(&st.app, &form.s.ctx, &v.day, &v.name).await)
        .await;
    let Input { s, v, .. } = form;
    let typed = Typed {
        input: None,
        holiday_day: v.day,
        holiday_name: v.name,
    };
    answer(&st, &s, r, typed).await
}

pub async fn remove_holiday(State(st): State<AppState>, form: Input<HolidayDay>) -> Response {
    let r = form
        .run(async |v| calendar::remove_holiday(&st.app, &form.s.ctx, &v.0).await)
        .await;
    answer(&st, &form.s, r, Typed::default()).await
}
