//! The page kit that features use and that uses none of them: the layout, rendering a
//! template, redirects, status for a form shown again, and helpers templates call.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use handoff_app::Ctx;
use handoff_domain::FieldErrors;
use handoff_domain::hold::DeadlineStatus;

use crate::assets::css_path;
use crate::kit::views;

pub struct Layout {
    pub title: String,
    pub user: Option<String>,
    pub nav: Vec<(&'static str, String)>,
    pub csrf: String,
    pub css: &'static str,
    pub notice: Option<String>,
}

/// The navigation a user is shown: the policy's table (`policy::navigation`), each link
/// named by the staff catalogue (`nav-` and its path), the policy's label else.
pub fn nav_for(ctx: &Ctx) -> Vec<(&'static str, String)> {
    let staff = handoff_i18n::Texts::staff_en();
    handoff_domain::policy::navigation(&ctx.actor)
        .into_iter()
        .map(|l| {
            let key = format!("nav{}", l.href.replace('/', "-"));
            (
                l.href,
                staff.get(&key).unwrap_or_else(|| l.label.to_string()),
            )
        })
        .collect()
}

/// A value a template gives a staff text's placeholder: numbers stay numbers (a message
/// may choose its words by them), anything else is its text.
pub trait ToArg {
    fn to_arg(&self) -> handoff_i18n::Arg;
}
macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl ToArg for $t {
            fn to_arg(&self) -> handoff_i18n::Arg {
                handoff_i18n::Arg::Number(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_arg!(i64, i32, u32, u64, usize);
impl ToArg for str {
    fn to_arg(&self) -> handoff_i18n::Arg {
        self.into()
    }
}
impl ToArg for String {
    fn to_arg(&self) -> handoff_i18n::Arg {
        self.into()
    }
}
impl<T: ToArg + ?Sized> ToArg for &T {
    fn to_arg(&self) -> handoff_i18n::Arg {
        (**self).to_arg()
    }
}

/// The staff screens' texts, as templates ask for them: `layout.t("key")`, and with one
/// to three placeholders `layout.t1("key", "name", value)`. Every word a staff page shows
/// comes from the staff catalogue (ADR 0018), so a translation needs no code change; a
/// test walks the templates for words left outside these calls.
impl Layout {
    pub fn t(&self, key: impl AsRef<str>) -> String {
        handoff_i18n::Texts::staff_en().t(key.as_ref())
    }
    pub fn t1(&self, key: &str, a: &str, av: impl ToArg) -> String {
        handoff_i18n::Texts::staff_en().t_with(key, &[(a, av.to_arg())])
    }
    pub fn t2(&self, key: &str, a: &str, av: impl ToArg, b: &str, bv: impl ToArg) -> String {
        handoff_i18n::Texts::staff_en().t_with(key, &[(a, av.to_arg()), (b, bv.to_arg())])
    }
    #[allow(clippy::too_many_arguments)]
    pub fn t3(
        &self,
        key: &str,
        a: &str,
        av: impl ToArg,
        b: &str,
        bv: impl ToArg,
        c: &str,
        cv: impl ToArg,
    ) -> String {
        handoff_i18n::Texts::staff_en()
            .t_with(key, &[(a, av.to_arg()), (b, bv.to_arg()), (c, cv.to_arg())])
    }
}

/// A value of a closed vocabulary as the staff catalogue names it.
pub(crate) fn said<T: handoff_domain::Coded>(x: T) -> String {
    handoff_i18n::Texts::staff_en().t(&x.key())
}

/// A staff text for Rust code (page titles, labels): `staff("key")`, the one the domain
/// and app use too.
pub(crate) use handoff_i18n::staff;

/// A staff text with one placeholder.
pub(crate) fn staff_with(key: &str, name: &str, v: impl ToArg) -> String {
    handoff_i18n::Texts::staff_en().t_with(key, &[(name, v.to_arg())])
}

pub(crate) fn notice_text(code: &str) -> Option<String> {
    let staff = handoff_i18n::Texts::staff_en();
    if let Some(left) = code
        .strip_prefix("recovery_used_")
        .and_then(|n| n.parse::<i64>().ok())
    {
        return Some(staff.t_with("notice-recovery-used", &[("left", left.into())]));
    }
    // Referrals to services: how many, and at how many a place is held.
    if let Some((n, held)) = code
        .strip_prefix("services_")
        .and_then(|r| r.split_once('_'))
        .and_then(|(n, h)| Some((n.parse::<i64>().ok()?, h.parse::<i64>().ok()?)))
    {
        return Some(staff.t_with(
            "notice-services",
            &[
                ("n", n.into()),
                ("held", held.into()),
                ("all", if held == n { "yes" } else { "no" }.into()),
            ],
        ));
    }
    // Every other notice is a code of the staff catalogue.
    staff.get(&format!("notice-{code}"))
}

impl Layout {
    pub(crate) fn anonymous(title: &str) -> Layout {
        Layout {
            title: title.into(),
            user: None,
            nav: vec![],
            csrf: String::new(),
            css: css_path(),
            notice: None,
        }
    }
}

pub(crate) fn render<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

/// 200 for a page, 422 for a form shown again with its errors.
pub(crate) fn status_for(errors: &FieldErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// A 303 to `to`. A target that cannot be a header value (it never should: targets are
/// built here or checked by `safe_next`) goes to the start page instead of failing.
pub(crate) fn see_other(to: &str) -> Response {
    let location = HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// Helpers the templates call.
pub trait Fmt {
    fn tz(&self) -> Tz;
    fn t(&self, t: &DateTime<Utc>) -> String {
        views::time(t, self.tz())
    }
    fn ot(&self, t: &Option<DateTime<Utc>>) -> String {
        views::opt_time(t, self.tz())
    }
    fn d(&self, d: &NaiveDate) -> String {
        views::date(d)
    }
    fn od(&self, d: &Option<NaiveDate>) -> String {
        views::opt_date(d)
    }
}

pub(crate) fn sel(a: &str, b: &str) -> &'static str {
    if a == b { "selected" } else { "" }
}

/// The deadline's state where the hold's state does not already say it.
pub(crate) fn deadline_text(s: &Option<DeadlineStatus>) -> String {
    match s {
        Some(DeadlineStatus::Met) | Some(DeadlineStatus::Missed) | Some(DeadlineStatus::Closed) => {
            String::new()
        }
        None => staff("deadline-not-shared"),
        Some(DeadlineStatus::Open { days_left }) => staff_with("deadline-open", "days", *days_left),
        Some(DeadlineStatus::DueSoon { days_left: 0 }) => staff("deadline-due-today"),
        Some(DeadlineStatus::DueSoon { days_left }) => {
            staff_with("deadline-due-soon", "days", *days_left)
        }
        Some(DeadlineStatus::Overdue) => staff("deadline-overdue"),
    }
}

pub(crate) fn deadline_class(s: &Option<DeadlineStatus>) -> &'static str {
    match s {
        Some(DeadlineStatus::DueSoon { .. }) | Some(DeadlineStatus::Overdue) => "warn",
        Some(DeadlineStatus::Missed) => "bad",
        Some(DeadlineStatus::Met) => "good",
        _ => "",
    }
}

pub(crate) fn pairs<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|x| (code(*x), label(*x))).collect()
}
