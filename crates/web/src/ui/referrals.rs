//! The provider's queue and referral page: service steps and recording a consent.
use crate::kit::render::said;
use handoff_domain::Coded;
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use handoff_app::consents::{ConsentInput, ConsentLine};
use handoff_app::referrals::{Queue, ReferralActionInput, ReferralView};
use handoff_app::{consents, referrals};
use handoff_domain::consent::Info;
use handoff_domain::{ExitKind, FieldErrors};
use uuid::Uuid;

use crate::AppState;
use crate::auth::Session;
use crate::error::Id;
use crate::kit::forms::{Fields, FromFields};
use crate::kit::page::{Input, error_for, form_errors};
use crate::kit::render::{Fmt, Layout, pairs, render, see_other, sel, staff, status_for};

#[derive(Template)]
#[template(path = "queue.html")]
pub(crate) struct QueuePage {
    pub(crate) layout: Layout,
    pub(crate) q: Queue,
    pub(crate) closed: bool,
    pub(crate) pager: crate::kit::page::Pager,
    /// What the provider's services can take now, each updated in one tap (ADR 0017).
    pub(crate) capacities: Vec<handoff_app::directory::capacity::CapacityLine>,
    /// A refused capacity update: its capacity, what was typed, and why.
    pub(crate) capacity_error: Option<(Uuid, String, FieldErrors)>,
}

impl Fmt for QueuePage {
    fn tz(&self) -> Tz {
        self.q.tz
    }
}

impl QueuePage {
    fn status(&self, s: &str, b: &str) -> String {
        status_label(s, b)
    }
    /// What was typed for this capacity before a refusal (else nothing).
    fn typed(&self, id: &Uuid) -> String {
        match &self.capacity_error {
            Some((c, typed, _)) if c == id => typed.clone(),
            _ => String::new(),
        }
    }
    fn capacity_err(&self, id: &Uuid) -> String {
        match &self.capacity_error {
            Some((c, _, e)) if c == id => {
                e.0.iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            }
            _ => String::new(),
        }
    }
}

/// The queue page: referrals, and capacity for a user who may update it.
pub(crate) async fn queue_page(
    st: &AppState,
    s: &Session,
    closed: bool,
    notice: Option<&String>,
    status: StatusCode,
    capacity_error: Option<(Uuid, String, FieldErrors)>,
    query: &HashMap<String, String>,
) -> Response {
    let page = match crate::kit::page::list_page(query, 200) {
        Ok(p) => p,
        Err(e) => return error_for(s, &e),
    };
    let queue = match referrals::queue(&st.app, &s.ctx, closed, page).await {
        Ok(q) => q,
        Err(e) => return error_for(s, &e),
    };
    let pager = crate::kit::page::Pager::new("/queue", query, queue.next);
    // A case manager of an organization without services has no capacity to show.
    let capacities = handoff_app::directory::capacity::mine(&st.app, &s.ctx)
        .await
        .unwrap_or_default();
    render(
        status,
        &QueuePage {
            layout: Layout::new(staff("queue-title"), s, notice),
            q: queue,
            closed,
            pager,
            capacities,
            capacity_error,
        },
    )
}

pub(crate) fn status_label(status: &str, business: &str) -> String {
    let s = handoff_domain::referral::ReferralStatus::parse(status)
        .map_or_else(|| status.to_string(), said);
    let b = handoff_domain::referral::BusinessStatus::parse(business)
        .map_or_else(|| business.to_string(), said);
    if s == b {
        s.to_string()
    } else {
        format!("{s}: {b}")
    }
}

pub async fn queue(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let closed = q.get("all").is_some_and(|v| v == "1");
    queue_page(&st, &s, closed, q.get("notice"), StatusCode::OK, None, &q).await
}

#[derive(Template)]
#[template(path = "referral.html")]
pub(crate) struct ReferralPage {
    layout: Layout,
    v: ReferralView,
    errors: FieldErrors,
    input: ReferralActionInput,
    consent: ConsentInput,
    exit_kinds: Vec<(&'static str, &'static str)>,
    version: String,
    /// The safety flags partial's own names (`flags.html`).
    flags: handoff_app::flags::Flags,
    flag_can_act: bool,
    flag_post: String,
    flag_typed: crate::ui::flags::FlagForm,
    /// The appointment and reminder forms, as typed or as recorded.
    appointment: AppointmentForm,
    reminder: ReminderForm,
}

impl Fmt for ReferralPage {
    fn tz(&self) -> Tz {
        self.v.tz
    }
}

impl ReferralPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn reasons(&self) -> Vec<(&'static str, String)> {
        handoff_domain::referral::OutcomeReason::ALL
            .iter()
            .map(|r| (r.as_str(), said(*r)))
            .collect()
    }
    fn reason_sel(&self, code: &str) -> &'static str {
        if self.input.reason_code == code {
            "selected"
        } else {
            ""
        }
    }
    fn sel(&self, a: &str, b: &str) -> &'static str {
        sel(a, b)
    }
    fn status(&self) -> String {
        status_label(&self.v.referral.status, &self.v.referral.business_status)
    }
    fn event_label(&self, kind: &str) -> String {
        handoff_domain::referral::ActionKind::parse(kind).map_or_else(|| kind.to_string(), said)
    }
    fn has(&self, action: &str) -> bool {
        self.v.actions.iter().any(|a| a.as_str() == action)
    }
    /// This provider discloses under the consent (and so records its revocation); or the
    /// consent is the person's release naming this partner, which the person may revoke
    /// by telling the partner.
    fn discloses(&self, c: &ConsentLine) -> bool {
        let org = self.v.referral.to_org_id;
        handoff_app::util::parse_ids(&c.row.discloser_org_ids).contains(&org)
            || (c.kind_is("release")
                && handoff_app::util::parse_ids(&c.row.recipient_org_ids).contains(&org))
    }
    fn recipient_checked(&self, id: &Uuid) -> &'static str {
        let id = id.to_string();
        if self.consent.recipients.contains(&id) {
            "checked"
        } else {
            ""
        }
    }
    fn info_checked(&self, code: &str) -> &'static str {
        if self.consent.information.iter().any(|i| i == code) {
            "checked"
        } else {
            ""
        }
    }
    fn instruments(&self) -> Vec<(&'static str, &'static str)> {
        handoff_domain::screening::Instrument::ALL
            .iter()
            .map(|i| (i.as_str(), i.name()))
            .collect()
    }
    fn instrument_name(&self, code: &str) -> String {
        handoff_domain::screening::Instrument::parse(code)
            .map_or_else(|| staff("referral-screening"), |i| i.name().to_string())
    }
    /// Each person paged for a warm handoff, and when.
    fn paged(&self, pages: &[(i64, String, DateTime<Utc>, Option<String>)]) -> String {
        pages
            .iter()
            .map(|(_, name, at, _)| format!("{name} {}", self.t(at)))
            .collect::<Vec<_>>()
            .join("; ")
    }
    fn infos(&self) -> Vec<(&'static str, String)> {
        Info::ALL.iter().map(|i| (i.as_str(), said(*i))).collect()
    }
    /// A screening's band or alerts as kept (alerts one a line), in the staff catalogue's
    /// words where they are Handoff's (an instrument's band is its own).
    fn screening_words(&self, kept: &str) -> String {
        kept.split('\n')
            .map(handoff_domain::screening::staff_words)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

pub(crate) async fn referral_page(
    st: &AppState,
    s: &Session,
    id: Uuid,
    notice: Option<&String>,
    errors: FieldErrors,
    input: ReferralActionInput,
    consent: ConsentInput,
) -> Response {
    page_of(
        st,
        s,
        id,
        notice,
        errors,
        (input, consent, Typed::default()),
    )
    .await
}

/// What was typed on the referral page's other forms, shown again after an error.
#[derive(Default)]
pub(crate) struct Typed {
    flag: crate::ui::flags::FlagForm,
    appointment: Option<AppointmentForm>,
    reminder: ReminderForm,
}

/// The intake's appointment as typed.
#[derive(Default)]
pub(crate) struct AppointmentForm {
    at: String,
    place: String,
}

impl FromFields for AppointmentForm {
    fn from_fields(f: &mut Fields) -> Self {
        AppointmentForm {
            at: f.get("appointment_at"),
            place: f.get("appointment_place"),
        }
    }
}

/// The channel the person chose for reminders, as typed.
#[derive(Default)]
pub(crate) struct ReminderForm {
    action: String,
    channel: String,
    address: String,
    shared: String,
    consent: String,
}

impl FromFields for ReminderForm {
    fn from_fields(f: &mut Fields) -> Self {
        ReminderForm {
            action: f.get("reminder_action"),
            channel: f.get("reminder_channel"),
            address: f.get("reminder_address"),
            shared: f.get("reminder_shared"),
            consent: f.get("reminder_consent"),
        }
    }
}

/// The referral page after an error on one of its other forms, with what was typed.
pub(crate) async fn referral_page_with(
    st: &AppState,
    s: &Session,
    id: Uuid,
    errors: FieldErrors,
    typed: Typed,
) -> Response {
    let forms = (
        ReferralActionInput::default(),
        ConsentInput::default(),
        typed,
    );
    page_of(st, s, id, None, errors, forms).await
}

async fn page_of(
    st: &AppState,
    s: &Session,
    id: Uuid,
    notice: Option<&String>,
    errors: FieldErrors,
    (input, consent, typed): (ReferralActionInput, ConsentInput, Typed),
) -> Response {
    match referrals::view(&st.app, &s.ctx, id).await {
        Ok(v) => {
            let status = status_for(&errors);
            let version = v.referral.updated_at.to_rfc3339();
            let title = handoff_i18n::Texts::staff_en()
                .t_with("referral-title", &[("reference", (&v.reference).into())]);
            let appointment = typed
                .appointment
                .unwrap_or_else(|| match &v.reminders.appointment {
                    Some(a) => AppointmentForm {
                        at: a
                            .at
                            .with_timezone(&v.tz)
                            .format("%Y-%m-%dT%H:%M")
                            .to_string(),
                        place: a.place.clone(),
                    },
                    None => AppointmentForm::default(),
                });
            render(
                status,
                &ReferralPage {
                    layout: Layout::new(title, s, notice),
                    flags: v.flags.clone(),
                    flag_can_act: v.emergency_until.is_none(),
                    flag_post: format!("/referrals/{}/flags", v.referral.id),
                    flag_typed: typed.flag,
                    appointment,
                    reminder: typed.reminder,
                    v,
                    errors,
                    input,
                    consent,
                    exit_kinds: pairs(ExitKind::ALL, ExitKind::as_str, ExitKind::label),
                    version,
                },
            )
        }
        Err(e) => error_for(s, &e),
    }
}

pub async fn referral(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    referral_page(
        &st,
        &s,
        id,
        q.get("notice"),
        FieldErrors::new(),
        ReferralActionInput::default(),
        ConsentInput::default(),
    )
    .await
}

impl FromFields for ReferralActionInput {
    fn from_fields(f: &mut Fields) -> Self {
        ReferralActionInput {
            action: f.get("action"),
            occurred_at: f.get("occurred_at"),
            reason: f.get("reason"),
            reason_code: f.get("reason_code"),
            note: f.get("note"),
            exit_kind: f.get("exit_kind"),
            contact_outcome: f.get("contact_outcome"),
            version: f.get("version"),
        }
    }
}

pub async fn referral_event(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<ReferralActionInput>,
) -> Response {
    let r = form
        .run(async |v| referrals::act(&st.app, &form.s.ctx, id, v).await)
        .await;
    let Input { s, v: input, .. } = form;
    match r {
        Ok(()) => see_other(&format!("/referrals/{id}?notice=event")),
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                referral_page(&st, &s, id, None, errors, input, ConsentInput::default()).await
            }
            Err(e) => error_for(&s, &e),
        },
    }
}

/// Acknowledges a warm handoff's page (one tap, from the queue or the referral page).
pub async fn referral_acknowledge(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<crate::kit::forms::NoteForm>,
) -> Response {
    let r = form
        .run(async |_| handoff_app::referrals::acknowledge(&st.app, &form.s.ctx, id).await)
        .await;
    match r {
        Ok(()) => see_other(&format!("/referrals/{id}?notice=acknowledged")),
        Err(e) => error_for(&form.s, &e),
    }
}

impl FromFields for ConsentInput {
    fn from_fields(f: &mut Fields) -> Self {
        ConsentInput {
            recipients: f.all("recipients"),
            recipient_class: f.get("recipient_class"),
            information: f.all("information"),
            purpose: f.get("purpose"),
            expires_on: f.get("expires_on"),
            expires_at_disposition: f.get("expires_at_disposition"),
            signed_name: f.get("signed_name"),
            attested: f.get("attested"),
        }
    }
}

pub async fn referral_consent(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<ConsentInput>,
) -> Response {
    let r = form
        .run(async |v| consents::record_general(&st.app, &form.s.ctx, id, v).await)
        .await;
    let Input { s, v: input, .. } = form;
    match r {
        Ok(_) => see_other(&format!("/referrals/{id}?notice=consent")),
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                let step = ReferralActionInput::default();
                referral_page(&st, &s, id, None, errors, step, input).await
            }
            Err(e) => error_for(&s, &e),
        },
    }
}

/// Sets or clears a flag from the referral page.
pub async fn referral_flags(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<crate::ui::flags::FlagForm>,
) -> Response {
    let r = form
        .run(async |v| handoff_app::flags::on_referral(&st.app, &form.s.ctx, id, &v.input()).await)
        .await;
    let Input { s, v, .. } = form;
    match r {
        Ok(()) => see_other(&format!("/referrals/{id}?notice=flags")),
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                let typed = Typed {
                    flag: v,
                    ..Default::default()
                };
                referral_page_with(&st, &s, id, errors, typed).await
            }
            Err(e) => error_for(&s, &e),
        },
    }
}

/// Schedules (or moves) the intake.
pub async fn referral_appointment(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<AppointmentForm>,
) -> Response {
    let r = form
        .run(async |v| {
            let input = handoff_app::reminders::AppointmentInput {
                at: v.at.clone(),
                place: v.place.clone(),
            };
            handoff_app::reminders::schedule(&st.app, &form.s.ctx, id, &input).await
        })
        .await;
    let Input { s, v, .. } = form;
    match r {
        Ok(()) => see_other(&format!("/referrals/{id}?notice=appointment")),
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                let typed = Typed {
                    appointment: Some(v),
                    ..Default::default()
                };
                referral_page_with(&st, &s, id, errors, typed).await
            }
            Err(e) => error_for(&s, &e),
        },
    }
}

/// Records the channel the person chose for reminders (with their consent), or stops them.
pub async fn referral_reminders(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<ReminderForm>,
) -> Response {
    let r = form
        .run(async |v| {
            let input = handoff_app::reminders::ChannelInput {
                action: v.action.clone(),
                channel: v.channel.clone(),
                address: v.address.clone(),
                shared: v.shared.clone(),
                consent: v.consent.clone(),
            };
            handoff_app::reminders::choose(&st.app, &form.s.ctx, id, &input).await
        })
        .await;
    let Input { s, v, .. } = form;
    match r {
        Ok(()) => see_other(&format!("/referrals/{id}?notice=reminders")),
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                let typed = Typed {
                    reminder: v,
                    ..Default::default()
                };
                referral_page_with(&st, &s, id, errors, typed).await
            }
            Err(e) => error_for(&s, &e),
        },
    }
}
