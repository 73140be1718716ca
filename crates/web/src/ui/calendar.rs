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
use crate::kit::page::{Form, error_for, form_errors};
use crate::kit::render::{Layout, render, see_other, status_for};

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

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

impl CalendarPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn weekdays(&self) -> Vec<(usize, &'static str)> {
        WEEKDAYS.iter().copied().enumerate().collect()
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
            layout: Layout::new("Program calendar", s, notice),
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

pub async fn set(State(st): State<AppState>, Form(s, mut f): Form) -> Response {
    let input = CalendarInput {
        days: f.all("days"),
        opens: f.get("opens"),
        closes: f.get("closes"),
        contact_hours: f.get("contact_hours"),
    };
    let r = match f.finish() {
        Ok(()) => calendar::set(&st.app, &s.ctx, &input).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    let typed = Typed {
        input: Some(input),
        ..Typed::default()
    };
    answer(&st, &s, r, typed).await
}

pub async fn add_holiday(State(st): State<AppState>, Form(s, mut f): Form) -> Response {
    let (day, name) = (f.get("day"), f.get("name"));
    let r = match f.finish() {
        Ok(()) => calendar::add_holiday(&st.app, &s.ctx, &day, &name).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    let typed = Typed {
        input: None,
        holiday_day: day,
        holiday_name: name,
    };
    answer(&st, &s, r, typed).await
}

pub async fn remove_holiday(State(st): State<AppState>, Form(s, mut f): Form) -> Response {
    let day = f.get("day");
    let r = match f.finish() {
        Ok(()) => calendar::remove_holiday(&st.app, &s.ctx, &day).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    answer(&st, &s, r, Typed::default()).await
}
