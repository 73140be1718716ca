//! Safety flags beside the person's name (ADR 0021): set and cleared from the responder's
//! case page or the provider's referral page, each with a reason. The form is one partial
//! (`flags.html`) both pages include.
use axum::extract::State;
use axum::response::Response;
use handoff_app::flags::FlagInput;

use crate::AppState;
use crate::error::Id;
use crate::kit::forms::{Fields, FromFields};
use crate::kit::page::{Input, error_for, form_errors};
use crate::kit::render::see_other;

/// The flag form as typed.
#[derive(Debug, Clone, Default)]
pub(crate) struct FlagForm {
    pub action: String,
    pub kind: String,
    pub flag: String,
    pub reason: String,
}

impl FromFields for FlagForm {
    fn from_fields(f: &mut Fields) -> Self {
        FlagForm {
            action: f.get("flag_action"),
            kind: f.get("flag_kind"),
            flag: f.get("flag"),
            reason: f.get("flag_reason"),
        }
    }
}

impl FlagForm {
    fn input(&self) -> FlagInput {
        FlagInput {
            action: self.action.clone(),
            kind: self.kind.clone(),
            flag: self.flag.clone(),
            reason: self.reason.clone(),
        }
    }
}

/// Sets or clears a flag from the case page.
pub async fn on_encounter(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<FlagForm>,
) -> Response {
    let r = form
        .run(async |v| handoff_app::flags::on_encounter(&st.app, &form.s.ctx, id, &v.input()).await)
        .await;
    let Input { s, v, .. } = form;
    match r {
        Ok(()) => see_other(&format!("/encounters/{id}?notice=flags")),
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                let typed = crate::ui::case::CaseInput::with_flag(v);
                crate::ui::case::case_page(&st, &s, id, None, errors, typed).await
            }
            Err(e) => error_for(&s, &e),
        },
    }
}

/// Sets or clears a flag from the referral page.
pub async fn on_referral(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<FlagForm>,
) -> Response {
    let r = form
        .run(async |v| handoff_app::referrals::flag(&st.app, &form.s.ctx, id, &v.input()).await)
        .await;
    let Input { s, v, .. } = form;
    match r {
        Ok(()) => see_other(&format!("/referrals/{id}?notice=flags")),
        Err(e) => match form_errors(e) {
            Ok(errors) => crate::ui::referrals::referral_page_with(&st, &s, id, errors, v).await,
            Err(e) => error_for(&s, &e),
        },
    }
}
