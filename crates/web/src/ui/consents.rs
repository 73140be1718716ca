//! The printable consent form and recording a revocation.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono_tz::Tz;
use handoff_app::consents;
use handoff_app::consents::ConsentForm;

use crate::AppState;
use crate::auth::Session;
use crate::error::Id;
use crate::kit::forms::NoteForm;
use crate::kit::page::{Input, error_for};
use crate::kit::render::{Fmt, Layout, render, see_other, staff};

#[derive(Template)]
#[template(path = "consent.html")]
pub(crate) struct ConsentPage {
    layout: Layout,
    f: ConsentForm,
}

impl Fmt for ConsentPage {
    fn tz(&self) -> Tz {
        self.f.tz
    }
}

impl ConsentPage {
    /// A text of the printed form, in the language it was signed in.
    fn p(&self, key: &str) -> String {
        self.f.lang.t(key)
    }
    fn kind(&self) -> String {
        self.p(consents::kind_key(self.f.line.kind))
    }
    fn born(&self) -> String {
        self.f.lang.t_with(
            "print-born",
            &[("date", self.f.lang.date_long(self.f.person_dob).into())],
        )
    }
    /// To whom, in the language it was signed in: the organizations by name, and the
    /// class of recipients (which the staff list names last) in the person's words.
    fn to_whom(&self) -> String {
        let mut names = self.f.line.recipients.clone();
        if self.f.line.row.recipient_class.is_some() {
            names.pop();
            names.push(self.p("class-providers"));
        }
        names.join(", ")
    }
    fn information(&self) -> String {
        self.f
            .line
            .row
            .information
            .split(',')
            .filter(|i| !i.is_empty())
            .map(|i| self.p(&format!("info-{i}")))
            .collect::<Vec<_>>()
            .join("; ")
    }
    fn local_day(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        self.f
            .lang
            .date_long(t.with_timezone(&self.f.tz).date_naive())
    }
    fn signed(&self) -> String {
        self.f.lang.t_with(
            "print-signed-on",
            &[("date", self.local_day(&self.f.line.row.signed_at).into())],
        )
    }
    fn expiry(&self) -> String {
        let (r, l) = (&self.f.line.row, &self.f.lang);
        let date = r
            .expires_at
            .map(|x| l.t_with("print-expiry-date", &[("date", self.local_day(&x).into())]));
        let event = r.expiry_event.as_ref().map(|_| {
            l.t_with(
                "print-expiry-event",
                &[("event", l.t("event-final-disposition").into())],
            )
        });
        match (date, event) {
            (Some(d), Some(e)) => l.t_with(
                "print-expiry-or",
                &[("first", d.into()), ("second", e.into())],
            ),
            (Some(x), None) | (None, Some(x)) => x,
            (None, None) => String::new(),
        }
    }
    /// Staff are told when the text printed has not been reviewed by a qualified person.
    fn not_reviewed(&self) -> Option<String> {
        (!self.f.lang.reviewed()).then(|| {
            handoff_i18n::Texts::staff_en().t_with(
                "not-reviewed",
                &[(
                    "language",
                    format!("{} ({})", self.f.lang.name(), self.f.lang.code()).into(),
                )],
            )
        })
    }
}

pub async fn consent_page(
    State(st): State<AppState>,
    s: Session,
    Id(id): Id,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match consents::form(&st.app, &s.ctx, id).await {
        Ok(f) => render(
            StatusCode::OK,
            &ConsentPage {
                layout: Layout::new(staff("consent-title"), &s, q.get("notice")),
                f,
            },
        ),
        Err(e) => error_for(&s, &e),
    }
}

pub async fn consent_revoke(
    State(st): State<AppState>,
    Id(id): Id,
    form: Input<NoteForm>,
) -> Response {
    let s = &form.s;
    match form
        .run(async |v| consents::revoke(&st.app, &s.ctx, id, &v.0).await)
        .await
    {
        Ok(state) => see_other(&format!(
            "/consents/{id}?notice={}",
            if state.permits() {
                "revocation_pending"
            } else {
                "revoked"
            }
        )),
        Err(e) => error_for(s, &e),
    }
}
