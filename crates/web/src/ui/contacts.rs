//! Where you are paged (ADR 0019): each signed-in person's own contact points.
use askama::Template;
use axum::extract::{Query, State};

use axum::response::Response;
use handoff_domain::FieldErrors;
use handoff_storage::ContactRow;
use std::collections::HashMap;

use crate::AppState;
use crate::auth::Session;
use crate::error::Id;
use crate::kit::forms::{Fields, FromFields, NoteForm};
use crate::kit::page::{Input, error_for, form_errors};
use crate::kit::render::{Layout, render, see_other, status_for};

#[derive(Template)]
#[template(path = "contacts.html")]
struct ContactsPage {
    layout: Layout,
    contacts: Vec<ContactRow>,
    address: String,
    errors: FieldErrors,
    /// Email can leave this server.
    channel: bool,
}

impl ContactsPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
}

async fn page(
    st: &AppState,
    s: &Session,
    notice: Option<&String>,
    address: String,
    errors: FieldErrors,
) -> Response {
    match handoff_app::contacts::mine(&st.app, &s.ctx).await {
        Ok(contacts) => render(
            status_for(&errors),
            &ContactsPage {
                layout: Layout::new("Where you are paged", s, notice),
                contacts,
                address,
                errors,
                channel: st.app.mailer().is_some(),
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
    page(&st, &s, q.get("notice"), String::new(), FieldErrors::new()).await
}

pub(crate) struct AddressForm(String);

impl FromFields for AddressForm {
    fn from_fields(f: &mut Fields) -> Self {
        AddressForm(f.get("address"))
    }
}

pub async fn add(State(st): State<AppState>, form: Input<AddressForm>) -> Response {
    let r = form
        .run(async |v| handoff_app::contacts::add(&st.app, &form.s.ctx, &v.0).await)
        .await;
    let Input { s, v, .. } = form;
    match r {
        Ok(()) => see_other("/me/contacts?notice=contacts"),
        Err(e) => match form_errors(e) {
            Ok(errors) => page(&st, &s, None, v.0, errors).await,
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
