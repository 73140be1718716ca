//! The coordinator's outbox (ADR 0019): what left the program, to whom, for which case,
//! and how it went; never an address or a message's words. And how the program's messages
//! are timed (the paging window, quiet hours, reminders).
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono_tz::Tz;
use handoff_app::outbox::{Overview, TimingInput};
use handoff_domain::FieldErrors;

use crate::AppState;
use crate::auth::Session;
use crate::kit::forms::{Fields, FromFields};
use crate::kit::page::{Input, error_for, form_errors};
use crate::kit::render::{Fmt, Layout, render, see_other, staff, status_for};

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    layout: Layout,
    v: Overview,
    tz: Tz,
    timing: TimingInput,
    errors: FieldErrors,
}

impl Fmt for OutboxPage {
    fn tz(&self) -> Tz {
        self.tz
    }
}

impl OutboxPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
}

impl FromFields for TimingInput {
    fn from_fields(f: &mut Fields) -> Self {
        TimingInput {
            page_window_minutes: f.get("page_window_minutes"),
            quiet_start: f.get("quiet_start"),
            quiet_end: f.get("quiet_end"),
            reminder_hours: f.get("reminder_hours"),
            intake_remind_days: f.get("intake_remind_days"),
        }
    }
}

async fn page(
    st: &AppState,
    s: &Session,
    notice: Option<&String>,
    typed: Option<TimingInput>,
    errors: FieldErrors,
) -> Response {
    let tz = crate::kit::page::program_tz(st, &s.ctx).await;
    let read = async {
        let v = handoff_app::outbox::overview(&st.app, &s.ctx).await?;
        let t = handoff_app::outbox::timing(&st.app, &s.ctx).await?;
        Ok::<_, handoff_app::AppError>((v, t))
    };
    match read.await {
        Ok((v, t)) => render(
            status_for(&errors),
            &OutboxPage {
                layout: Layout::new(staff("outbox-title"), s, notice),
                v,
                tz,
                timing: typed.unwrap_or(TimingInput {
                    page_window_minutes: t.page_window_minutes.to_string(),
                    quiet_start: t.quiet_start,
                    quiet_end: t.quiet_end,
                    reminder_hours: t.reminder_hours.to_string(),
                    intake_remind_days: t.intake_remind_days.to_string(),
                }),
                errors,
            },
        ),
        Err(e) => error_for(s, &e),
    }
}

pub async fn show(
    State(st): State<AppState>,
    s: Session,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    page(&st, &s, q.get("notice"), None, FieldErrors::new()).await
}

/// Changes how the program's messages are timed.
pub async fn set_timing(State(st): State<AppState>, form: Input<TimingInput>) -> Response {
    let r = form
        .run(async |v| handoff_app::outbox::set_timing(&st.app, &form.s.ctx, v).await)
        .await;
    let Input { s, v, .. } = form;
    match r {
        Ok(()) => see_other("/outbox?notice=timing"),
        Err(e) => match form_errors(e) {
            Ok(errors) => page(&st, &s, None, Some(v), errors).await,
            Err(e) => error_for(&s, &e),
        },
    }
}
