//! The coordinator's dashboard.
use crate::kit::render::said;
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use handoff_app::dashboard::{DashboardView, DeadlineList};
use handoff_app::{AppError, admin, dashboard};
use handoff_domain::input::parse_date;
use handoff_domain::policy::ProgramAction;
use handoff_domain::{FieldErrors, Pathway};
use uuid::Uuid;

use crate::AppState;
use crate::auth::Session;
use crate::kit::page::error_for;
use crate::kit::render::{Fmt, Layout, ToArg, render, sel, staff};

#[derive(Template)]
#[template(path = "dashboard.html")]
pub(crate) struct DashboardPage {
    layout: Layout,
    v: DashboardView,
    d: DeadlineList,
    pager: crate::kit::page::Pager,
}

impl Fmt for DashboardPage {
    fn tz(&self) -> Tz {
        self.v.tz
    }
}

impl DashboardPage {
    /// The pathways to choose from: code, and name as the staff catalogue says it.
    fn pathways(&self) -> Vec<(&'static str, String)> {
        Pathway::ALL
            .iter()
            .map(|p| (p.as_str(), said(*p)))
            .collect()
    }
    /// The kinds of responding agency to choose from, likewise.
    fn entries(&self) -> Vec<(&'static str, String)> {
        dashboard::ENTRY_KINDS
            .iter()
            .map(|k| (k.as_str(), said(*k)))
            .collect()
    }
    fn sel_pathway(&self, code: &str) -> &'static str {
        sel(code, self.v.filter.pathway.map_or("", |p| p.as_str()))
    }
    fn sel_entry(&self, code: &str) -> &'static str {
        sel(code, self.v.filter.entry.map_or("", |k| k.as_str()))
    }
    fn sel_id(&self, id: &Uuid, chosen: &Option<Uuid>) -> &'static str {
        if Some(*id) == *chosen { "selected" } else { "" }
    }
    /// A bar of a distribution or trend, in percent of the largest.
    fn share(&self, n: &u64, rows: &[(String, u64)]) -> u64 {
        let max = rows.iter().map(|(_, x)| *x).max().unwrap_or(1).max(1);
        (*n * 100) / max
    }
    fn month_bar(&self, n: &u64) -> u64 {
        let max = self
            .v
            .dashboard
            .months
            .iter()
            .map(|m| m.encounters)
            .max()
            .unwrap_or(1)
            .max(1);
        (*n * 100) / max
    }
    fn rate(&self, r: &handoff_domain::measures::Rate) -> String {
        match r.percent() {
            Some(p) => handoff_i18n::Texts::staff_en().t_with(
                "dashboard-rate",
                &[
                    ("n", r.numerator.to_arg()),
                    ("of", r.denominator.to_arg()),
                    ("pct", format!("{p:.0}").into()),
                ],
            ),
            None => "—".into(),
        }
    }
    fn pct(&self, n: &u64, of: &u64) -> String {
        if *of == 0 {
            "—".into()
        } else {
            format!("{:.0}%", 100.0 * *n as f64 / *of as f64)
        }
    }
    /// A duration with its unit: `unit` is the staff key of "{ $n } hours" and the like.
    fn num(&self, v: &Option<f64>, unit: &str) -> String {
        v.map(|x| handoff_i18n::Texts::staff_en().t_with(unit, &[("n", format!("{x:.1}").into())]))
            .unwrap_or_else(|| "—".into())
    }
    fn overdue(&self, ends: &DateTime<Utc>, state: &str) -> String {
        staff(if state == "deadline_missed" {
            "dashboard-deadline-missed"
        } else if *ends <= self.d.now {
            "dashboard-deadline-passed"
        } else {
            "dashboard-due-soon"
        })
    }
    /// The period and filter the measures count, as a sentence.
    fn period(&self) -> String {
        let f = &self.v.filter;
        handoff_i18n::Texts::staff_en().t_with(
            "dashboard-period",
            &[
                ("from", self.d(&self.v.period.from).into()),
                ("to", self.d(&self.v.period.to).into()),
                (
                    "pathway",
                    f.pathway.map_or_else(|| "none".to_string(), said).into(),
                ),
                (
                    "entry",
                    f.entry
                        .map_or_else(|| "none".to_string(), |k| said(k).to_lowercase())
                        .into(),
                ),
            ],
        )
    }
    fn funnel(&self) -> Vec<(String, u64)> {
        let d = &self.v.dashboard;
        [
            ("dashboard-funnel-encounters", d.encounters),
            ("dashboard-funnel-eligible", d.eligible),
            ("dashboard-funnel-offered", d.offered),
            ("dashboard-funnel-accepted", d.accepted),
            ("dashboard-funnel-referred", d.referred),
            ("dashboard-funnel-handed-off", d.handed_off),
            ("dashboard-funnel-intake", d.intakes),
        ]
        .into_iter()
        .map(|(k, n)| (staff(k), n))
        .collect()
    }
    fn hours(&self, h: &f64) -> String {
        format!("{h:.1}")
    }
    fn bar(&self, n: &u64) -> u64 {
        let max = self.v.dashboard.encounters.max(1);
        (*n * 100) / max
    }
}

pub async fn dashboard_page(
    State(st): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = admin::guard(
        &st.app,
        &s.ctx,
        ProgramAction::ViewDashboard,
        "dashboard.read",
    )
    .await
    {
        return error_for(&s, &e);
    }
    let mut errors = FieldErrors::new();
    let mut date = |k: &str| match q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => match parse_date(v) {
            Some(d) => Some(d),
            None => {
                errors.add(k, staff("err-web-date"));
                None
            }
        },
    };
    let (from, to) = (date("from"), date("to"));
    if !errors.is_empty() {
        return error_for(&s, &AppError::Invalid(errors));
    }
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let filter = match dashboard::Filter::parse(
        get("pathway"),
        get("entry"),
        get("agency"),
        get("provider"),
        get("officer"),
    ) {
        Ok(f) => f,
        Err(e) => return error_for(&s, &e),
    };
    let v = match dashboard::dashboard(&st.app, &s.ctx, from, to, filter).await {
        Ok(v) => v,
        Err(e) => return error_for(&s, &e),
    };
    let page = match crate::kit::page::list_page(&q, 200) {
        Ok(p) => p,
        Err(e) => return error_for(&s, &e),
    };
    let d = match dashboard::deadlines(&st.app, &s.ctx, page).await {
        Ok(d) => d,
        Err(e) => return error_for(&s, &e),
    };
    let pager = crate::kit::page::Pager::new("/dashboard", &q, d.next);
    render(
        StatusCode::OK,
        &DashboardPage {
            layout: Layout::new(staff("dashboard-title"), &s, q.get("notice")),
            v,
            d,
            pager,
        },
    )
}
