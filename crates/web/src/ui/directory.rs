//! Capacity in one tap, from the provider's queue page (ADR 0017).
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use handoff_app::AppError;
use handoff_app::directory::capacity::{self, Change};
use handoff_domain::FieldErrors;

use crate::AppState;
use crate::error::Id;
use crate::kit::forms::{Fields, FromFields};
use crate::kit::page::{Input, error_for};
use crate::kit::render::{see_other, staff};
use crate::ui::referrals::queue_page;

pub struct CapacityForm {
    change: String,
    available: String,
}

impl FromFields for CapacityForm {
    fn from_fields(f: &mut Fields) -> Self {
        CapacityForm {
            change: f.get("change"),
            available: f.get("available"),
        }
    }
}

impl CapacityForm {
    fn change(&self) -> Result<Change, FieldErrors> {
        match self.change.as_str() {
            "plus" => Ok(Change::Plus),
            "minus" => Ok(Change::Minus),
            "confirm" => Ok(Change::Confirm),
            "set" => match self.available.trim().parse::<i64>() {
                Ok(available) => Ok(Change::Set {
                    available,
                    maximum: None,
                }),
                Err(_) => Err(FieldErrors::single(
                    "available",
                    staff("err-ui-directory-available"),
                )),
            },
            _ => Err(FieldErrors::single(
                "change",
                staff("err-ui-directory-change"),
            )),
        }
    }
}

pub async fn update(State(st): State<AppState>, Id(id): Id, form: Input<CapacityForm>) -> Response {
    let r = form
        .run(async |v| capacity::update(&st.app, &form.s.ctx, id, v.change()).await)
        .await;
    let Input { s, v, .. } = form;
    match r {
        Ok(_) => see_other(&format!("/queue?notice=capacity#cap-{id}")),
        // The queue again, with what was typed, for a provider; a coordinator (who has no
        // queue) gets the refusal on its own.
        Err(AppError::Invalid(e)) if has_queue(&s) => {
            queue_page(
                &st,
                &s,
                false,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((id, v.available, e)),
                &Default::default(),
            )
            .await
        }
        Err(e) => error_for(&s, &e),
    }
}

fn has_queue(s: &crate::auth::Session) -> bool {
    s.ctx.program_id().is_some_and(|p| {
        handoff_domain::policy::program_grant(
            &s.ctx.actor,
            p,
            handoff_domain::policy::ProgramAction::ViewReferralQueue,
        )
        .is_some()
    })
}
