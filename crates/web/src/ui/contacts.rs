//! Where you are paged (ADR 0019): each signed-in person's own contact points.
use askama::Template;
use axum::extract::{Query, State};

use axum::response::Response;
use handoff_domain::FieldErrors;
use handoff_storage::{ContactRow, MessageState};
use std::collections::HashMap;

use crate::AppState;
use crate::auth::Session;
use crate::error::Id;
use crate::kit::forms::{Fields, FromFields, NoteForm};
use crate::kit::page::{Input, error_for, form_errors};
use crate::kit::render::{Layout, render, see_other, staff, status_for};

#[derive(Template)]
#[template(path = "contacts.html")]
struct ContactsPage {
    layout: Layout,
    contacts: Vec<ContactRow>,
    /// The latest test of each address.
    tests: Vec<(uuid::Uuid, MessageState)>,
    channel_typed: String,
    address: String,
    errors: FieldErrors,
    /// Email can leave this server.
    email: bool,
    /// Texts can leave this server.
    sms: bool,
}

impl ContactsPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }

    /// How the latest test of an address went, in words.
    fn test_of(&self, id: &uuid::Uuid) -> String {
        match self.tests.iter().find(|(c, _)| c == id) {
            None => String::new(),
            Some((_, m)) => {
                let texts = handoff_i18n::Texts::staff_en();
                match (m.state.as_str(), &m.last_error) {
                    ("queued", None) => staff("contacts-test-queued"),
                    ("queued", Some(e)) => {
                        texts.t_with("contacts-test-queued-error", &[("error", e.into())])
                    }
                    ("sent", _) => staff("contacts-test-sent"),
                    ("delivered", _) => staff("contacts-test-delivered"),
                    (_, Some(e)) => texts.t_with("contacts-test-failed", &[("error", e.into())]),
                    (other, None) => {
                        texts.t_with("contacts-test-other", &[("state", other.into())])
                    }
                }
            }
        }
    }
}

async fn page(
    st: &AppState,
    s: &Session,
    notice: Option<&String>,
    typed: AddressForm,
    errors: FieldErrors,
) -> Response {
    let mine = async {
        let contacts = handoff_app::contacts::mine(&st.app, &s.ctx).await?;
        let tests = handoff_app::contacts::tests_of(&st.app, &contacts).await?;
        Ok::<_, handoff_app::AppError>((contacts, tests))
    };
    let channels = st.app.channels();
    match mine.await {
        Ok((contacts, tests)) => render(
            status_for(&errors),
            &ContactsPage {
                layout: Layout::new(staff("contacts-title"), s, notice),
                contacts,
                tests,
                channel_typed: typed.channel,
                address: typed.address,
                errors,
                email: channels.has("email"),
                sms: channels.has("sms"),
            },
        ),
        Err(e) => error_for(s, &e),
    }
}

pub async fn show(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let typed = AddressForm {
        channel: "email".into(),
        address: String::new(),
    };
    page(&st, &s, q.get("notice"), typed, FieldErrors::new()).await
}

pub(crate) struct AddressForm {
    channel: String,
    address: String,
}

impl FromFields for AddressForm {
    fn from_fields(f: &mut Fields) -> Self {
        AddressForm {
            channel: f.get("channel"),
            address: f.get("address"),
        }
    }
}

pub async fn add(State(st): State<AppState>, form: Input<AddressForm>) -> Response {
    let r = form
        .run(async |v| {
            handoff_app::contacts::add(&st.app, &form.s.ctx, &v.channel, &v.address).await
        })
        .await;
    let Input { s, v, .. } = form;
    match r {
        Ok(()) => see_other("/me/contacts?notice=contacts"),
        Err(e) => match form_errors(e) {
            Ok(errors) => page(&st, &s, None, v, errors).await,
            Err(e) => error_for(&s, &e),
        },
    }
}

pub async fn remove(State(st): State<AppState>, Id(id): Id, form: Input<NoteForm>) -> Response {
    let r = form
        .run(async |_| handoff_app::contacts::remove(&st.app, &form.s.ctx, id).await)
        .await;
    match r {
        Ok(()) => see_other("/me/contacts?notice=contacts"),
        Err(e) => error_for(&form.s, &e),
    }
}

pub async fn test(State(st): State<AppState>, Id(id): Id, form: Input<NoteForm>) -> Response {
    let r = form
        .run(async |_| handoff_app::contacts::test(&st.app, &form.s.ctx, id).await)
        .await;
    match r {
        Ok(()) => see_other("/me/contacts?notice=test_sent"),
        Err(e) => error_for(&form.s, &e),
    }
}
