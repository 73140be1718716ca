//! Screening forms on a referral (issue 4): one page per instrument with its items as
//! radio buttons, scored on saving; an alert is shown at once.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use handoff_app::screenings::{self, ScreeningInput};
use handoff_app::{AppError, referrals};
use handoff_domain::FieldErrors;
use handoff_domain::screening::{Instrument, Profile, ScreeningResult, staff_words};
use uuid::Uuid;

use crate::AppState;
use crate::auth::Session;
use crate::error::Id;
use crate::kit::forms::{Fields, FromFields};
use crate::kit::page::{Input, error_for, form_errors};
use crate::kit::render::{Layout, render, said, see_other, status_for};

#[derive(Template)]
#[template(path = "screening_new.html")]
struct FormPage {
    layout: Layout,
    referral_id: Uuid,
    reference: String,
    instrument: Instrument,
    input: ScreeningInput,
    errors: FieldErrors,
}

impl FormPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn item_err(&self, n: usize) -> String {
        self.err(&format!("item_{}", n + 1))
    }
    fn checked(&self, item: usize, choice: usize) -> &'static str {
        if self.input.answers.get(item).map(|s| s.as_str()) == Some(choice.to_string().as_str()) {
            "checked"
        } else {
            ""
        }
    }
    fn profile_label(&self, p: &Profile) -> String {
        said(*p)
    }
    fn profile_sel(&self, code: &str) -> &'static str {
        if self.input.profile == code {
            "selected"
        } else {
            ""
        }
    }
}

#[derive(Template)]
#[template(path = "screening_result.html")]
struct ResultPage {
    layout: Layout,
    referral_id: Uuid,
    instrument: Instrument,
    result: ScreeningResult,
}

impl ResultPage {
    /// The band or an alert, in the staff catalogue's words where they are Handoff's.
    fn words(&self, text: &str) -> String {
        staff_words(text)
    }
}

async fn form_page(
    st: &AppState,
    s: &Session,
    id: Uuid,
    instrument: Instrument,
    input: ScreeningInput,
    errors: FieldErrors,
) -> Response {
    // The same access as the referral's page, and only for the provider holding it.
    let v = match referrals::view(&st.app, &s.ctx, id).await {
        Ok(v) if v.emergency_until.is_none() => v,
        Ok(_) => return error_for(s, &AppError::NotFound),
        Err(e) => return error_for(s, &e),
    };
    let status = status_for(&errors);
    render(
        status,
        &FormPage {
            layout: Layout::new(instrument.name(), s, None),
            referral_id: id,
            reference: v.reference,
            instrument,
            input,
            errors,
        },
    )
}

pub async fn new(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let code = q.get("instrument").cloned().unwrap_or_default();
    // Access first: an unknown instrument on someone else's referral is "not found".
    if let Err(e) = referrals::view(&st.app, &s.ctx, id).await {
        return error_for(&s, &e);
    }
    match screenings::instrument_of(&code) {
        Ok(i) => {
            form_page(
                &st,
                &s,
                id,
                i,
                ScreeningInput::default(),
                FieldErrors::new(),
            )
            .await
        }
        Err(e) => error_for(&s, &e),
    }
}

impl FromFields for ScreeningInput {
    /// The instrument, the cut-off profile and one answer per item of that instrument.
    fn from_fields(f: &mut Fields) -> Self {
        let instrument = f.get("instrument");
        let items = screenings::instrument_of(&instrument).map_or(0, |i| i.items().len());
        ScreeningInput {
            profile: f.get("profile"),
            answers: (1..=items).map(|n| f.get(&format!("item_{n}"))).collect(),
            instrument,
        }
    }
}

pub async fn create(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<ScreeningInput>,
) -> Response {
    let instrument = match screenings::instrument_of(&form.v.instrument) {
        Ok(i) => i,
        // The service checks access before the instrument: ask it, so that someone
        // else's referral answers "not found" whatever was posted.
        Err(e) => {
            let input = ScreeningInput {
                instrument: form.v.instrument.clone(),
                ..Default::default()
            };
            return match screenings::record(&st.app, &form.s.ctx, id, &input).await {
                Err(AppError::NotFound) => error_for(&form.s, &AppError::NotFound),
                _ => error_for(&form.s, &e),
            };
        }
    };
    let r = form
        .run(async |v| screenings::record(&st.app, &form.s.ctx, id, v).await)
        .await;
    let Input { s, v: input, .. } = form;
    match r {
        Ok((_, result)) if result.alerts.is_empty() => {
            see_other(&format!("/referrals/{id}?notice=screening"))
        }
        // An alert is shown at once, before anything else.
        Ok((_, result)) => render(
            StatusCode::OK,
            &ResultPage {
                layout: Layout::new(
                    handoff_i18n::Texts::staff_en().t_with(
                        "screening-result-title",
                        &[("instrument", instrument.name().into())],
                    ),
                    &s,
                    None,
                ),
                referral_id: id,
                instrument,
                result,
            },
        ),
        Err(e) => match form_errors(e) {
            Ok(errors) => form_page(&st, &s, id, instrument, input, errors).await,
            Err(e) => error_for(&s, &e),
        },
    }
}
