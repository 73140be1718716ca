//! Published reports for coordinators (issue 5): the quarterly performance report (page,
//! printable, CSV) and the equity analysis, with the program's small-number threshold.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use handoff_app::AppError;
use handoff_app::reports::{self, Equity};
use handoff_app::research;
use handoff_domain::FieldErrors;
use handoff_domain::input::parse_date;
use handoff_domain::reports::Report;

use crate::AppState;
use crate::auth::Session;
use crate::kit::forms::{Fields, FromFields, ThresholdForm};
use crate::kit::page::{Input, error_for, form_errors};
use crate::kit::render::{Layout, render, see_other, staff, status_for};

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    quarter: String,
    report: Option<Report>,
    errors: FieldErrors,
}

impl ReportPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn cell(&self, v: &Option<u64>) -> String {
        v.map_or_else(|| "—".to_string(), |n| n.to_string())
    }
    fn suppressed(&self) -> String {
        handoff_domain::reports::suppressed()
    }
}

fn q(map: &HashMap<String, String>, k: &str) -> String {
    map.get(k).cloned().unwrap_or_default()
}

pub async fn quarterly(
    State(st): State<AppState>,
    s: Session,
    Query(map): Query<HashMap<String, String>>,
) -> Response {
    let quarter = q(&map, "quarter");
    let (report, errors) = match reports::quarterly(&st.app, &s.ctx, &quarter).await {
        Ok(r) => (Some(r), FieldErrors::new()),
        Err(e) => match form_errors(e) {
            Ok(errors) => (None, errors),
            Err(e) => return error_for(&s, &e),
        },
    };
    let quarter = report.as_ref().map_or(quarter, |r| r.period.clone());
    render(
        status_for(&errors),
        &ReportPage {
            layout: Layout::new(staff("report-title"), &s, map.get("notice")),
            quarter,
            report,
            errors,
        },
    )
}

pub async fn quarterly_csv(
    State(st): State<AppState>,
    s: Session,
    Query(map): Query<HashMap<String, String>>,
) -> Response {
    let report = match reports::quarterly(&st.app, &s.ctx, &q(&map, "quarter")).await {
        Ok(r) => r,
        Err(e) => return error_for(&s, &e),
    };
    match reports::report_csv(&report) {
        Ok(bytes) => {
            let mut r = (StatusCode::OK, bytes).into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            if let Ok(v) = HeaderValue::from_str(&format!(
                "attachment; filename=\"handoff-quarterly-{}.csv\"",
                report.period
            )) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            r
        }
        Err(e) => error_for(&s, &e),
    }
}

#[derive(Template)]
#[template(path = "equity.html")]
struct EquityPage {
    layout: Layout,
    from: String,
    to: String,
    threshold: String,
    equity: Option<Equity>,
    errors: FieldErrors,
}

impl EquityPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn pct(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "—".to_string(), |x| format!("{x:.1}%"))
    }
    fn n(&self, v: &Option<u64>) -> String {
        v.map_or_else(|| "—".to_string(), |x| x.to_string())
    }
    fn rri(&self, v: &Option<(f64, f64, f64)>) -> String {
        v.map_or_else(
            || "—".to_string(),
            |(r, lo, hi)| {
                handoff_i18n::Texts::staff_en().t_with(
                    "equity-rri",
                    &[
                        ("rri", format!("{r:.2}").into()),
                        ("low", format!("{lo:.2}").into()),
                        ("high", format!("{hi:.2}").into()),
                    ],
                )
            },
        )
    }
    /// Whether the interval excludes 1 (a difference unlikely to be chance).
    fn notable(&self, v: &Option<(f64, f64, f64)>) -> bool {
        v.is_some_and(|(_, lo, hi)| hi < 1.0 || lo > 1.0)
    }
}

pub async fn equity(
    State(st): State<AppState>,
    s: Session,
    Query(map): Query<HashMap<String, String>>,
) -> Response {
    let today = st.app.now().date_naive();
    let (from_s, to_s) = (q(&map, "from"), q(&map, "to"));
    let mut errors = FieldErrors::new();
    let mut day = |k: &str, v: &str, default| match v.trim() {
        "" => Some(default),
        v => parse_date(v).or_else(|| {
            errors.add(k, staff("err-web-date"));
            None
        }),
    };
    let from = day("from", &from_s, today - chrono::Duration::days(364));
    let to = day("to", &to_s, today);
    let result = match (from, to) {
        (Some(from), Some(to)) if errors.is_empty() => {
            reports::equity(&st.app, &s.ctx, from, to).await
        }
        _ => Err(AppError::Invalid(errors)),
    };
    let (equity, errors) = match result {
        Ok(e) => (Some(e), FieldErrors::new()),
        Err(e) => match form_errors(e) {
            Ok(errors) => (None, errors),
            Err(e) => return error_for(&s, &e),
        },
    };
    render(
        status_for(&errors),
        &EquityPage {
            layout: Layout::new(staff("equity-title"), &s, map.get("notice")),
            from: equity.as_ref().map_or(from_s, |e| e.from.to_string()),
            to: equity.as_ref().map_or(to_s, |e| e.to.to_string()),
            threshold: equity
                .as_ref()
                .map_or_else(String::new, |e| e.threshold.to_string()),
            equity,
            errors,
        },
    )
}

/// Sets the small-number threshold, then back to the quarterly report.
pub async fn threshold(State(st): State<AppState>, form: Input<ThresholdForm>) -> Response {
    let s = &form.s;
    match form
        .run(async |v| reports::set_threshold(&st.app, &s.ctx, &v.0).await)
        .await
    {
        Ok(()) => see_other("/reports/quarterly?notice=threshold"),
        Err(e) => error_for(s, &e),
    }
}

#[derive(Template)]
#[template(path = "research.html")]
struct ResearchPage {
    layout: Layout,
    recipient: String,
    table: String,
    format: String,
    dates: String,
    from: String,
    to: String,
    dictionaries: Vec<String>,
    errors: FieldErrors,
}

impl ResearchPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).unwrap_or("").to_string()
    }
    fn checked(&self, a: &str, b: &str) -> &'static str {
        if a == b { "checked" } else { "" }
    }
}

pub(crate) struct ResearchTyped {
    recipient: String,
    table: String,
    format: String,
    dates: String,
    from: String,
    to: String,
}

fn research_page(s: &Session, typed: ResearchTyped, errors: FieldErrors) -> Response {
    let example = |table| research::Spec {
        recipient: staff("research-example-recipient"),
        table,
        format: research::Format::Csv,
        dates: research::Dates::Month,
        from: chrono::NaiveDate::MIN,
        to: chrono::NaiveDate::MAX,
    };
    let program = staff("research-example-program");
    render(
        status_for(&errors),
        &ResearchPage {
            layout: Layout::new(staff("research-title"), s, None),
            recipient: typed.recipient,
            table: typed.table,
            format: typed.format,
            dates: typed.dates,
            from: typed.from,
            to: typed.to,
            dictionaries: [research::Table::Encounters, research::Table::Referrals]
                .map(|t| research::dictionary(&example(t), &program, 0))
                .to_vec(),
            errors,
        },
    )
}

pub async fn research_form(State(st): State<AppState>, s: Session) -> Response {
    if let Err(e) = handoff_app::admin::guard(
        &st.app,
        &s.ctx,
        handoff_domain::policy::ProgramAction::ExportResearch,
        "research.form",
    )
    .await
    {
        return error_for(&s, &e);
    }
    let typed = ResearchTyped {
        recipient: String::new(),
        table: "encounters".into(),
        format: "csv".into(),
        dates: "month".into(),
        from: String::new(),
        to: String::new(),
    };
    research_page(&s, typed, FieldErrors::new())
}

/// Writes the export as a download.
impl FromFields for ResearchTyped {
    fn from_fields(f: &mut Fields) -> Self {
        ResearchTyped {
            recipient: f.get("recipient"),
            table: f.get("table"),
            format: f.get("format"),
            dates: f.get("dates"),
            from: f.get("from"),
            to: f.get("to"),
        }
    }
}

pub async fn research_export(State(st): State<AppState>, form: Input<ResearchTyped>) -> Response {
    // Who may export is decided before what was typed is looked at.
    if let Err(e) = handoff_app::admin::guard(
        &st.app,
        &form.s.ctx,
        handoff_domain::policy::ProgramAction::ExportResearch,
        "research.export",
    )
    .await
    {
        return error_for(&form.s, &e);
    }
    let s = &form.s;
    let result = form
        .run(async |typed| {
            let spec = research::Spec::parse(
                &typed.recipient,
                &typed.table,
                &typed.format,
                &typed.dates,
                &typed.from,
                &typed.to,
            )?;
            research::export(&st.app, &s.ctx, &spec)
                .await
                .map(|(bytes, _)| (bytes, spec.format, spec.table))
        })
        .await;
    let Input { s, v: typed, .. } = form;
    match result {
        Ok((bytes, format, table)) => {
            let mut r = (StatusCode::OK, bytes).into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(match format {
                    research::Format::Csv => "text/csv; charset=utf-8",
                    research::Format::Parquet => "application/vnd.apache.parquet",
                }),
            );
            if let Ok(v) = HeaderValue::from_str(&format!(
                "attachment; filename=\"handoff-research-{}.{}\"",
                table.as_str(),
                format.extension()
            )) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            r
        }
        Err(e) => match form_errors(e) {
            Ok(errors) => research_page(&s, typed, errors),
            Err(e) => error_for(&s, &e),
        },
    }
}
