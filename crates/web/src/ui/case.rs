//! The case page on the referring agency's side and its actions: override, review, offer,
//! another referral, contact attempts; the referral slip; overrides awaiting review.
use handoff_domain::Coded;
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono_tz::Tz;
use handoff_app::case_view::{CaseView, Slip};
use handoff_app::{AppError, case_view, offers, overrides};
use handoff_domain::eligibility::Outcome;
use handoff_domain::hold::DeadlineStatus;
use handoff_domain::input::{AttemptInput, OfferInput};
use handoff_domain::progress::ProgressStatus;
use handoff_domain::{AttemptOutcome, FieldErrors};
use handoff_storage::PendingOverrideRow;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Session;
use crate::error::Id;
use crate::kit::forms::Fields;
use crate::kit::forms::{FromFields, ReasonForm};
use crate::kit::page::{Input, error_for, form_errors, program_tz};
use crate::kit::render::{
    Fmt, Layout, deadline_text, pairs, render, see_other, sel, staff, status_for,
};

#[derive(Template)]
#[template(path = "case.html")]
pub(crate) struct CasePage {
    layout: Layout,
    v: CaseView,
    errors: FieldErrors,
    offer: OfferInput,
    attempt: AttemptInput,
    now_local: String,
    override_reason: String,
    review_note: String,
    /// The language form as typed (or as recorded), and the languages in force.
    language: LanguageForm,
    languages: Vec<(String, String)>,
    /// The safety flags partial's own names (`flags.html`).
    flags: handoff_app::flags::Flags,
    flag_can_act: bool,
    flag_post: String,
    flag_typed: crate::ui::flags::FlagForm,
}

impl Fmt for CasePage {
    fn tz(&self) -> Tz {
        self.v.tz
    }
}

impl CasePage {
    /// What the person agrees to on accepting, in their language.
    fn offer_consent(&self) -> String {
        self.v.lang.t_with(
            if self.v.spec.charges {
                "offer-consent-criminal-justice"
            } else {
                "offer-consent-general"
            },
            &[("agency", (&self.v.agency_name).into())],
        )
    }
    fn lang_selected(&self, code: &str) -> &'static str {
        if self.language.language == code {
            "selected"
        } else {
            ""
        }
    }
    fn notice_232(&self) -> &'static str {
        handoff_domain::consent::NOTICE_2_32
    }
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn sel_id(&self, id: &Uuid, b: &str) -> &'static str {
        sel(&id.to_string(), b)
    }
    fn checked(&self, a: &str, b: &str) -> &'static str {
        if a == b { "checked" } else { "" }
    }
    fn outcome_class(&self, o: &Outcome) -> &'static str {
        match o {
            Outcome::Met => "good",
            Outcome::NotMet => "bad",
            Outcome::Unknown => "warn",
        }
    }
    fn outcome_text(&self, o: &Outcome) -> String {
        staff(match o {
            Outcome::Met => "case-outcome-met",
            Outcome::NotMet => "case-outcome-not-met",
            Outcome::Unknown => "case-outcome-unknown",
        })
    }
    fn deadline(&self, s: &Option<DeadlineStatus>) -> String {
        deadline_text(s)
    }
    fn outcomes(&self) -> Vec<(&'static str, &'static str)> {
        pairs(
            AttemptOutcome::ALL,
            AttemptOutcome::as_str,
            AttemptOutcome::label,
        )
    }
}

/// What the user typed on one of the case page's forms, shown again after an error.
#[derive(Default)]
pub(crate) struct CaseInput {
    offer: OfferInput,
    override_reason: String,
    attempt: AttemptInput,
    language: Option<LanguageForm>,
    flag: crate::ui::flags::FlagForm,
}

impl CaseInput {
    /// The flag form as typed, the others empty.
    pub(crate) fn with_flag(flag: crate::ui::flags::FlagForm) -> CaseInput {
        CaseInput {
            flag,
            ..Default::default()
        }
    }
}

/// The person's language as typed on the case page.
#[derive(Debug, Clone, Default)]
pub(crate) struct LanguageForm {
    language: String,
    needs_interpreter: String,
}

impl FromFields for LanguageForm {
    fn from_fields(f: &mut Fields) -> Self {
        LanguageForm {
            language: f.get("language"),
            needs_interpreter: f.get("needs_interpreter"),
        }
    }
}

/// Records or changes the person's language.
pub async fn case_language(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<LanguageForm>,
) -> Response {
    let r = form
        .run(async |v| {
            handoff_app::languages::change(
                &st.app,
                &form.s.ctx,
                id,
                &v.language,
                &v.needs_interpreter,
            )
            .await
        })
        .await;
    let Input { s, v, .. } = form;
    let typed = CaseInput {
        language: Some(v),
        ..Default::default()
    };
    case_action(&st, &s, id, r, "language", typed).await
}

pub(crate) async fn case_page(
    st: &AppState,
    s: &Session,
    id: Uuid,
    notice: Option<&String>,
    errors: FieldErrors,
    typed: CaseInput,
) -> Response {
    let CaseInput {
        offer,
        override_reason,
        attempt,
        language,
        flag,
    } = typed;
    match case_view::view_case(&st.app, &s.ctx, id).await {
        Ok(v) => {
            let status = status_for(&errors);
            let now_local = st
                .app
                .now()
                .with_timezone(&v.tz)
                .format("%Y-%m-%dT%H:%M")
                .to_string();
            let title = handoff_i18n::Texts::staff_en().t_with(
                "case-title",
                &[("reference", (&v.encounter.reference).into())],
            );
            let language = language.unwrap_or_else(|| LanguageForm {
                language: v
                    .language
                    .as_ref()
                    .map(|l| l.language.clone())
                    .unwrap_or_default(),
                needs_interpreter: if v.language.as_ref().is_some_and(|l| l.needs_interpreter) {
                    "yes".into()
                } else {
                    String::new()
                },
            });
            render(
                status,
                &CasePage {
                    layout: Layout::new(title, s, notice),
                    flags: v.flags.clone(),
                    flag_can_act: v.can_act,
                    flag_post: format!("/encounters/{}/flags", v.encounter.id),
                    flag_typed: flag,
                    v,
                    errors,
                    offer,
                    attempt,
                    now_local,
                    override_reason,
                    review_note: String::new(),
                    language,
                    languages: crate::ui::encounters::language_choices(&st.app),
                },
            )
        }
        Err(e) => error_for(s, &e),
    }
}

pub async fn case(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    case_page(
        &st,
        &s,
        id,
        q.get("notice"),
        FieldErrors::new(),
        CaseInput::default(),
    )
    .await
}

/// Runs a service for a case form; a validation or rule error re-renders the case page
/// with the user's input.
pub(crate) async fn case_action(
    st: &AppState,
    s: &Session,
    id: Uuid,
    result: Result<(), AppError>,
    notice: &str,
    typed: CaseInput,
) -> Response {
    match result {
        Ok(()) => see_other(&format!("/encounters/{id}?notice={notice}")),
        Err(e) => match form_errors(e) {
            Ok(errors) => case_page(st, s, id, None, errors, typed).await,
            Err(e) => error_for(s, &e),
        },
    }
}

pub async fn case_override(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<ReasonForm>,
) -> Response {
    let r = form
        .run(async |v| overrides::request_override(&st.app, &form.s.ctx, id, &v.0).await)
        .await;
    let Input { s, v, .. } = form;
    let typed = CaseInput {
        override_reason: v.0,
        ..Default::default()
    };
    case_action(&st, &s, id, r, "override", typed).await
}

/// A supervisor's review of an override.
pub(crate) struct ReviewForm {
    approve: Option<bool>,
    note: String,
}

impl FromFields for ReviewForm {
    fn from_fields(f: &mut Fields) -> Self {
        ReviewForm {
            approve: match f.get("decision").as_str() {
                "approve" => Some(true),
                "reject" => Some(false),
                _ => None,
            },
            note: f.get("note"),
        }
    }
}

pub async fn case_override_review(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<ReviewForm>,
) -> Response {
    let r = form
        .run(async |v| {
            overrides::review_override(&st.app, &form.s.ctx, id, v.approve, &v.note).await
        })
        .await;
    case_action(&st, &form.s, id, r, "reviewed", CaseInput::default()).await
}

impl FromFields for OfferInput {
    fn from_fields(f: &mut Fields) -> Self {
        OfferInput {
            response: f.get("response"),
            decline_reason: f.get("decline_reason"),
            consent_signed_name: f.get("consent_signed_name"),
            consent_confirmed: f.get("consent_confirmed"),
            handoff_mode: f.get("handoff_mode"),
            provider_id: f.get("provider_id"),
            hold_kind: f.get("hold_kind"),
            citation_number: f.get("citation_number"),
            court_date: f.get("court_date"),
        }
    }
}

pub async fn case_offer(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<OfferInput>,
) -> Response {
    let r = form
        .run(async |v| offers::record_offer(&st.app, &form.s.ctx, id, v).await)
        .await;
    let Input { s, v, .. } = form;
    let typed = CaseInput {
        offer: v,
        ..Default::default()
    };
    case_action(&st, &s, id, r, "offer", typed).await
}

/// A referral to another provider (after one declined).
pub(crate) struct ReferForm {
    provider_id: String,
    handoff_mode: String,
}

impl FromFields for ReferForm {
    fn from_fields(f: &mut Fields) -> Self {
        ReferForm {
            provider_id: f.get("provider_id"),
            handoff_mode: f.get("handoff_mode"),
        }
    }
}

pub async fn case_refer(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<ReferForm>,
) -> Response {
    let r = form
        .run(async |v| {
            offers::refer_again(&st.app, &form.s.ctx, id, &v.provider_id, &v.handoff_mode).await
        })
        .await;
    let Input { s, v, .. } = form;
    let typed = CaseInput {
        offer: OfferInput {
            provider_id: v.provider_id,
            handoff_mode: v.handoff_mode,
            ..Default::default()
        },
        ..Default::default()
    };
    case_action(&st, &s, id, r, "referral", typed).await
}

/// A contact attempt on an Active Outreach or Naloxone Plus case.
impl FromFields for AttemptInput {
    fn from_fields(f: &mut Fields) -> Self {
        AttemptInput {
            attempted_at: f.get("attempted_at"),
            outcome: f.get("outcome"),
            team: f.get("team"),
            note: f.get("note"),
        }
    }
}

pub async fn case_attempt(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<AttemptInput>,
) -> Response {
    let r = form
        .run(async |v| offers::record_attempt(&st.app, &form.s.ctx, id, v).await)
        .await;
    let Input { s, v, .. } = form;
    let typed = CaseInput {
        attempt: v,
        ..Default::default()
    };
    case_action(&st, &s, id, r, "attempt", typed).await
}

#[derive(Template)]
#[template(path = "slip.html")]
pub(crate) struct SlipPage {
    layout: Layout,
    s: Slip,
}

impl SlipPage {
    fn warm(&self) -> bool {
        self.s.mode == handoff_domain::HandoffMode::Warm
    }
    /// A text of the slip, in the person's language.
    fn t(&self, key: &str) -> String {
        self.s.lang.t(key)
    }
    fn coming(&self) -> String {
        match &self.s.on_call_name {
            Some(n) => self
                .s
                .lang
                .t_with("slip-coming-named", &[("name", n.into())]),
            None => self.t("slip-coming"),
        }
    }
    fn deadline(&self) -> String {
        self.s.lang.t_with(
            "slip-deadline",
            &[
                ("provider", (&self.s.provider_name).into()),
                ("date", self.s.lang.date_long(self.s.deadline_day).into()),
            ],
        )
    }
    fn keep(&self) -> String {
        self.s
            .lang
            .t_with("slip-keep", &[("program", (&self.s.program_name).into())])
    }
}

pub async fn slip(State(st): State<AppState>, s: Session, Id(id): Id) -> Response {
    match case_view::slip(&st.app, &s.ctx, id).await {
        Ok(slip) => render(
            StatusCode::OK,
            &SlipPage {
                layout: Layout::new(staff("case-slip-title"), &s, None),
                s: slip,
            },
        ),
        Err(e) => error_for(&s, &e),
    }
}

#[derive(Template)]
#[template(path = "overrides.html")]
pub(crate) struct OverridesPage {
    layout: Layout,
    rows: Vec<PendingOverrideRow>,
    tz: Tz,
}

impl Fmt for OverridesPage {
    fn tz(&self) -> Tz {
        self.tz
    }
}

pub async fn overrides(State(st): State<AppState>, s: Session) -> Response {
    match overrides::pending_overrides(&st.app, &s.ctx).await {
        Ok(rows) => {
            let tz = program_tz(&st, &s.ctx).await;
            render(
                StatusCode::OK,
                &OverridesPage {
                    layout: Layout::new(staff("overrides-title"), &s, None),
                    rows,
                    tz,
                },
            )
        }
        Err(e) => error_for(&s, &e),
    }
}

/// Sets or clears a flag from the case page.
pub async fn case_flags(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<crate::ui::flags::FlagForm>,
) -> Response {
    let r = form
        .run(async |v| handoff_app::flags::on_encounter(&st.app, &form.s.ctx, id, &v.input()).await)
        .await;
    let Input { s, v, .. } = form;
    match r {
        Ok(()) => see_other(&format!("/encounters/{id}?notice=flags")),
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                let typed = CaseInput::with_flag(v);
                case_page(&st, &s, id, None, errors, typed).await
            }
            Err(e) => error_for(&s, &e),
        },
    }
}

/// Switches a warm handoff nobody is coming for to a contact card.
pub async fn case_contact_card(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<crate::kit::forms::ReferralIdForm>,
) -> Response {
    let r = form
        .run(async |v| {
            handoff_app::paging::switch_to_contact_card(&st.app, &form.s.ctx, id, &v.0).await
        })
        .await;
    match r {
        Ok(()) => see_other(&format!("/encounters/{id}?notice=contact_card")),
        Err(e) => error_for(&form.s, &e),
    }
}
