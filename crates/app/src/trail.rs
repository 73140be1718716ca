//! The audit trail for people: coordinators (and administrators) search and export their
//! program's records; reading it is itself audited. Retention removes the oldest records
//! after the retention period (at least a year), keeping the chain verifiable.
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use handoff_domain::FieldErrors;
use handoff_domain::policy::{ProgramAction, program_grant};
use handoff_i18n::{staff, staff_with};
use handoff_storage::{AuditFilter, AuditRow};

use crate::audit::{self, ALLOWED, Ctx};
use crate::{App, AppError, AppResult};

/// Rows a search page shows.
pub const PAGE_ROWS: i64 = 500;
/// Rows an export holds at most (narrow the search for more).
pub const EXPORT_ROWS: i64 = 100_000;
/// The shortest retention period that may be set (CJIS: at least one year).
pub const MIN_RETENTION_DAYS: i64 = 365;

/// A search as typed (query string): every field may be empty.
#[derive(Debug, Clone, Default)]
pub struct SearchInput {
    pub username: String,
    pub action: String,
    pub resource: String,
    pub outcome: String,
    /// First and last day, in the program's time zone (YYYY-MM-DD).
    pub from: String,
    pub to: String,
}

pub struct SearchResult {
    pub rows: Vec<AuditRow>,
    /// More rows matched than were returned.
    pub truncated: bool,
    pub tz: Tz,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn day_start(d: NaiveDate, tz: Tz) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0)
        .and_then(|n| tz.from_local_datetime(&n).earliest())
        .map(|x| x.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Checks a search and turns it into the store's filter.
fn filter(
    input: &SearchInput,
    program_id: uuid::Uuid,
    tz: Tz,
    today: NaiveDate,
) -> AppResult<(AuditFilter, NaiveDate, NaiveDate)> {
    let mut errors = FieldErrors::new();
    let date = |field: &str, v: &str, default: NaiveDate, errors: &mut FieldErrors| {
        if v.trim().is_empty() {
            return default;
        }
        NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").unwrap_or_else(|_| {
            errors.add(field, staff("err-trail-date"));
            default
        })
    };
    let from = date("from", &input.from, today - Duration::days(6), &mut errors);
    let to = date("to", &input.to, today, &mut errors);
    if to < from {
        errors.add("to", staff("err-trail-to-before-from"));
    }
    let outcome = input.outcome.trim();
    if !["", "allowed", "denied", "failed"].contains(&outcome) {
        errors.add("outcome", staff("err-trail-outcome"));
    }
    for (field, v) in [
        ("username", &input.username),
        ("action", &input.action),
        ("resource", &input.resource),
    ] {
        if v.chars().count() > 200 {
            errors.add(field, staff("err-trail-too-long"));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    // An action is matched by its start ("consent." finds every consent action); LIKE's
    // wildcards in what was typed match themselves (escaped with `\`).
    let action: String = input
        .action
        .trim()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    Ok((
        AuditFilter {
            program_id,
            username: input.username.trim().to_lowercase(),
            action_prefix: if action.is_empty() {
                String::new()
            } else {
                format!("{action}%")
            },
            resource_id: input.resource.trim().to_string(),
            outcome: outcome.to_string(),
            from: day_start(from, tz),
            to: day_start(to + Duration::days(1), tz),
        },
        from,
        to,
    ))
}

fn describe(f: &AuditFilter, from: NaiveDate, to: NaiveDate) -> String {
    format!(
        "from {from} to {to}; user {:?}; action {:?}; resource {:?}; outcome {:?}",
        f.username, f.action_prefix, f.resource_id, f.outcome
    )
}

async fn allowed(app: &App, ctx: &Ctx, action: &str) -> AppResult<(uuid::Uuid, Tz)> {
    let pid = ctx.require_program()?;
    if program_grant(&ctx.actor, pid, ProgramAction::ViewAudit).is_none() {
        return Err(audit::deny(app, ctx, action, "program", &pid.to_string()).await);
    }
    Ok((pid, app.program_data(pid).await?.tz))
}

async fn run(
    app: &App,
    ctx: &Ctx,
    input: &SearchInput,
    action: &str,
    limit: i64,
) -> AppResult<SearchResult> {
    let (pid, tz) = allowed(app, ctx, action).await?;
    let today = app.now().with_timezone(&tz).date_naive();
    let (f, from, to) = filter(input, pid, tz, today)?;
    let mut tx = app.store.write().await?;
    let mut rows = tx.audit_search(&f, limit + 1).await?;
    let truncated = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    for r in &mut rows {
        if r.detail.contains("[e1:") {
            r.detail = audit::reveal(app, &r.detail);
        }
    }
    // Reading the audit trail is itself audited, with what was asked.
    audit::record(
        &mut tx,
        app,
        ctx,
        action,
        "program",
        &pid.to_string(),
        ALLOWED,
        &format!("{}; {} rows", describe(&f, from, to), rows.len()),
    )
    .await?;
    tx.commit().await?;
    Ok(SearchResult {
        rows,
        truncated,
        tz,
        from,
        to,
    })
}

/// A search of the program's audit trail (newest first, at most `PAGE_ROWS`).
pub async fn search(app: &App, ctx: &Ctx, input: &SearchInput) -> AppResult<SearchResult> {
    run(app, ctx, input, "audit.search", PAGE_ROWS).await
}

/// The same search as CSV (UTC times to the microsecond). Cells that a spreadsheet would
/// read as a formula are prefixed with an apostrophe.
pub async fn export_csv(app: &App, ctx: &Ctx, input: &SearchInput) -> AppResult<Vec<u8>> {
    let r = run(app, ctx, input, "audit.export", EXPORT_ROWS).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    w.write_record([
        "id",
        "at_utc",
        "user",
        "action",
        "resource_kind",
        "resource_id",
        "outcome",
        "address",
        "user_agent",
        "detail",
    ])
    .map_err(csv_err)?;
    for a in &r.rows {
        let at = a.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
        let id = a.id.to_string();
        let cells = [
            id.as_str(),
            at.as_str(),
            &a.username,
            &a.action,
            &a.resource_kind,
            &a.resource_id,
            &a.outcome,
            &a.ip,
            &a.user_agent,
            &a.detail,
        ];
        w.write_record(cells.iter().map(|c| safe_cell(c)))
            .map_err(csv_err)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(format!("csv: {e}")))
}

/// A cell a spreadsheet will not run as a formula.
pub fn safe_cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// Removes audit records older than `retention_days` (at least a year) from the start of
/// the chain; the removal is itself audited and the chain still verifies.
pub async fn prune(app: &App, retention_days: i64) -> AppResult<u64> {
    if retention_days < MIN_RETENTION_DAYS {
        return Err(AppError::field(
            "retention_days",
            staff_with(
                "err-trail-retention",
                &[("days", MIN_RETENTION_DAYS.into())],
            ),
        ));
    }
    let now = app.now();
    let before = now - Duration::days(retention_days);
    let mut tx = app.store.write().await?;
    let removed = tx.prune_audit(before, now).await?;
    audit::record(
        &mut tx,
        app,
        &Ctx::console(),
        "audit.prune",
        "audit_log",
        "",
        ALLOWED,
        &format!("{removed} records older than {retention_days} days removed"),
    )
    .await?;
    tx.commit().await?;
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("+1"), "'+1");
        assert_eq!(safe_cell("-"), "'-");
        assert_eq!(safe_cell("@cmd"), "'@cmd");
        assert_eq!(safe_cell("officer"), "officer");
    }

    #[test]
    fn searches_are_checked_and_wildcards_match_themselves() {
        let tz: Tz = "America/Chicago".parse().unwrap();
        // A week without a daylight-saving change.
        let today = NaiveDate::from_ymd_opt(2026, 2, 10).unwrap();
        let pid = uuid::Uuid::nil();
        let (f, from, to) = filter(&SearchInput::default(), pid, tz, today).unwrap();
        assert_eq!((from, to), (today - Duration::days(6), today));
        assert_eq!(f.to - f.from, Duration::days(7));
        let input = SearchInput {
            action: "consent%_".into(),
            username: " Officer ".into(),
            ..Default::default()
        };
        let (f, ..) = filter(&input, pid, tz, today).unwrap();
        assert_eq!(f.action_prefix, r"consent\%\_%");
        assert_eq!(f.username, "officer");
        let bad = SearchInput {
            from: "2026-13-01".into(),
            to: "2026-01-01".into(),
            outcome: "maybe".into(),
            ..Default::default()
        };
        let Err(AppError::Invalid(e)) = filter(&bad, pid, tz, today) else {
            panic!("accepted");
        };
        assert!(e.get("from").is_some() && e.get("outcome").is_some() && e.get("to").is_some());
    }
}
