//! Formatting shared by the templates: times in the program's zone, labels.
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

pub fn time(t: &DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

pub fn opt_time(t: &Option<DateTime<Utc>>, tz: Tz) -> String {
    t.as_ref()
        .map(|t| time(t, tz))
        .unwrap_or_else(|| "—".into())
}

pub fn date(d: &NaiveDate) -> String {
    d.format("%a %b %-d, %Y").to_string()
}

pub fn opt_date(d: &Option<NaiveDate>) -> String {
    d.as_ref().map(date).unwrap_or_else(|| "—".into())
}
