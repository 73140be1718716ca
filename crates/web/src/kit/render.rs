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

impl Layout {
    /// A text of the staff screens (the staff catalogue, ADR 0018).
    pub fn t(&self, key: &str) -> String {
        handoff_i18n::Texts::staff_en().t(key)
    }
}

pub(crate) fn notice_text(code: &str) -> Option<String> {
    if let Some(left) = code
        .strip_prefix("recovery_used_")
        .and_then(|n| n.parse::<u32>().ok())
    {
        return Some(format!(
            "You signed in with a recovery code; it will not work again. {left} left.{}",
            if left <= 3 {
                " Ask your administrator to reset your authenticator to get new ones."
            } else {
                ""
            }
        ));
    }
    // Referrals to services: how many, and at how many a place is held.
    if let Some((n, held)) = code
        .strip_prefix("services_")
        .and_then(|r| r.split_once('_'))
        .and_then(|(n, h)| Some((n.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
    {
        let s = if n == 1 { "" } else { "s" };
        return Some(match held {
            0 => format!(
                "Referred to {n} service{s}; no place could be held (none free, or capacity not published)."
            ),
            h if h == n => format!(
                "Referred to {n} service{s}; a place is held at each for the program's window."
            ),
            h => format!("Referred to {n} service{s}; a place is held at {h} of them."),
        });
    }
    Some(
        match code {
            "capacity" => "Capacity saved.",
            "directory" => "Directory settings saved: officers' next suggestions follow them.",
            "encounter" => "Encounter recorded.",
            "offer" => "Offer recorded.",
            "language" => "The person's language is saved: the slip and consents are written in it.",
            "attempt" => "Contact attempt recorded.",
            "threshold" => "Small-number threshold saved.",
            "pathways" => "Pathways saved: responders see the change on their next form.",
            "override" => "Override recorded.",
            "reviewed" => "Override reviewed.",
            "referral" => "Referral sent.",
            "event" => "Saved.",
            "decision" => "Decision recorded.",
            "user" => "User created.",
            "membership" => "Role added.",
            "unlocked" => "Account unlocked.",
            "consent" => "Consent recorded.",
            "screening" => "Screening saved.",
            "calendar" => "Calendar saved.",
            "rules" => "Rules saved as a new version: new encounters are decided with it.",
            "rules_later" => "Rules saved as a new version; it takes effect on the day chosen (listed below). Until then the version in force decides.",
            "emergency" => "Emergency access granted: it is audited and reviewed by the program's coordinators.",
            "reviewed_grant" => "Review recorded.",
            "revoked" => "Revocation recorded: nothing more is disclosed under this consent.",
            "revocation_pending" => {
                "Revocation recorded. This is a criminal justice referral consent (42 CFR 2.35): it stays in effect until the final disposition of the charge, then ends."
            }
            "shift" => "Roster updated.",
            "signed_out" => "You are signed out.",
            "sign_in_expired" => "Your sign-in expired before it was finished. Sign in again.",
            "account_locked" => {
                "Too many wrong codes: the account is locked until an administrator unlocks it."
            }
            "mfa_reset" => "Authenticator reset: the user sets up a new one at their next sign-in.",
            _ => return None,
        }
        .to_string(),
    )
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
        None => "status not shared".into(),
        Some(DeadlineStatus::Open { days_left }) => format!("open, {days_left} days left"),
        Some(DeadlineStatus::DueSoon { days_left: 0 }) => "due today".into(),
        Some(DeadlineStatus::DueSoon { days_left }) => format!("due soon, {days_left} days left"),
        Some(DeadlineStatus::Overdue) => "deadline passed, being marked".into(),
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
