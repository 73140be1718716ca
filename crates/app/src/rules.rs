//! Eligibility rules as data for coordinators (issue 4): the version in force as a
//! readable file, a dry run of an edited file against the latest encounters, and saving
//! it as a new version. Every decision keeps the version it used: saving never changes a
//! past decision.
use chrono::{Datelike, NaiveDate};
use handoff_domain::FieldErrors;
use handoff_domain::eligibility::{self, Attestation, OffenseFacts, Rules};
use handoff_domain::policy::{ProgramAction, program_grant};
use handoff_domain::{Pathway, pathways, rules_file};
use handoff_storage::RulesRow;
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::{App, AppError, AppResult};
use handoff_i18n::{staff, staff_with};

/// Encounters a dry run decides again.
pub const DRY_RUN_ENCOUNTERS: i64 = 200;

async fn allowed(app: &App, ctx: &Ctx, action: &str) -> AppResult<Uuid> {
    let pid = ctx.require_program()?;
    if program_grant(&ctx.actor, pid, ProgramAction::ManageRules).is_none() {
        return Err(audit::deny(app, ctx, action, "program", &pid.to_string()).await);
    }
    Ok(pid)
}

/// The rules in force as a file, with its version.
pub async fn current_file(app: &App, ctx: &Ctx) -> AppResult<(i64, String)> {
    let pid = allowed(app, ctx, "rules.read").await?;
    let data = app.program_data(pid).await?;
    let rules: Rules = serde_json::from_str(&data.rules.rules_json)
        .map_err(|e| AppError::Internal(format!("stored rules: {e}")))?;
    Ok((
        data.rules.version,
        rules_file::to_toml(&rules, &data.program.name, data.rules.version),
    ))
}

/// The rules in force as form fields (named as in the file).
pub async fn current_fields(
    app: &App,
    ctx: &Ctx,
) -> AppResult<std::collections::BTreeMap<String, String>> {
    let pid = allowed(app, ctx, "rules.read").await?;
    let data = app.program_data(pid).await?;
    let rules: Rules = serde_json::from_str(&data.rules.rules_json)
        .map_err(|e| AppError::Internal(format!("stored rules: {e}")))?;
    Ok(rules_file::to_fields(&rules))
}

/// The rules file written from the per-field form, or the form's errors by field. The
/// file then goes the same way as an edited one (dry run or save).
pub fn file_from_fields(
    app: &App,
    fields: &std::collections::BTreeMap<String, String>,
) -> AppResult<String> {
    let codes = app.codes();
    match rules_file::from_fields(fields, |t, c| codes.get(t, c).is_some_and(|x| x.active)) {
        Ok(rules) => Ok(rules_file::to_toml(&rules, "the program", 0)),
        Err(errors) => {
            let mut f = FieldErrors::new();
            for e in errors {
                f.add(e.field, capitalize_first(&e.message));
            }
            Err(AppError::Invalid(f))
        }
    }
}

fn capitalize_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(x) => x.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Reads an edited file, with errors by line and field (under "file").
pub fn parse(app: &App, text: &str) -> AppResult<Rules> {
    let codes = app.codes();
    rules_file::from_toml(text, |t, c| codes.get(t, c).is_some_and(|x| x.active)).map_err(
        |errors| {
            let mut f = FieldErrors::new();
            f.add(
                "file",
                errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            );
            AppError::Invalid(f)
        },
    )
}

/// One encounter decided again under the new rules.
#[derive(Debug, Clone)]
pub struct DryRunLine {
    pub reference: String,
    pub occurred_on: NaiveDate,
    pub was_eligible: bool,
    pub would_be_eligible: bool,
    /// The criteria that would not be met.
    pub failing: Vec<String>,
}

pub struct DryRun {
    pub lines: Vec<DryRunLine>,
    pub changed: usize,
}

/// How the edited rules would have decided the program's latest encounters.
pub async fn dry_run(app: &App, ctx: &Ctx, text: &str) -> AppResult<DryRun> {
    let pid = allowed(app, ctx, "rules.dry_run").await?;
    let rules = parse(app, text)?;
    let tz = app.program_data(pid).await?.tz;
    let mut tx = app.store.read().await?;
    let encounters = tx.encounters_recent(pid, DRY_RUN_ENCOUNTERS).await?;
    let mut lines = Vec::with_capacity(encounters.len());
    for e in encounters {
        let decision = tx.decision(e.id).await?;
        let offenses: Vec<OffenseFacts> = tx
            .offenses(e.id)
            .await?
            .into_iter()
            .map(|o| OffenseFacts {
                code: o.code,
                drug_activity: o.drug_activity,
                drug_type: o.drug_type,
                quantity: o.quantity,
                unit: o.unit,
            })
            .collect();
        let attested: Vec<Attestation> = decision
            .attestations
            .split(',')
            .filter_map(Attestation::parse)
            .collect();
        let on = e.occurred_at.with_timezone(&tz).date_naive();
        // The age recorded at the encounter is what the rules look at; a birth date that
        // gives exactly that age stands in (identity may have been erased since).
        let dob = on
            .with_year(on.year() - e.age_at_encounter as i32)
            .unwrap_or(on);
        let contact = crate::case::contact_of(tx.pathway_facts(e.id).await?.as_ref());
        let d = crate::case::decide(
            app,
            &rules,
            &e,
            crate::case::DecisionFacts {
                offenses: &offenses,
                dob,
                day: on,
                attested: &attested,
                contact,
            },
        )
        .await?;
        lines.push(DryRunLine {
            reference: e.reference,
            occurred_on: on,
            was_eligible: decision.eligible,
            would_be_eligible: d.eligible,
            failing: d
                .criteria
                .iter()
                .filter(|c| c.outcome == eligibility::Outcome::NotMet)
                .map(|c| c.label.clone())
                .collect(),
        });
    }
    tx.rollback().await?;
    audit::alone(
        app,
        ctx,
        "rules.dry_run",
        "program",
        &pid.to_string(),
        ALLOWED,
        &format!("{} encounters", lines.len()),
    )
    .await?;
    let changed = lines
        .iter()
        .filter(|l| l.was_eligible != l.would_be_eligible)
        .count();
    Ok(DryRun { lines, changed })
}

/// Saves the rules as a new version, in force from now or from the start of
/// `effective_on` (a date in the program's time zone, "" for now; not in the past).
/// `based_on` is the latest version when the editor opened the page ("" for none): if
/// someone saved another since, nothing is saved (`AppError::Stale`) and the editor sees
/// their text again with the news. Returns the version and the day it takes effect when
/// that is later.
pub async fn save(
    app: &App,
    ctx: &Ctx,
    text: &str,
    effective_on: &str,
    based_on: &str,
) -> AppResult<(i64, Option<NaiveDate>)> {
    let pid = allowed(app, ctx, "rules.update").await?;
    let rules = parse(app, text)?;
    let now = app.now();
    let tz = app.program_data(pid).await?.tz;
    let today = now.with_timezone(&tz).date_naive();
    let later = match effective_on.trim() {
        "" => None,
        s => match handoff_domain::input::parse_date(s) {
            None => {
                return Err(AppError::field(
                    "effective_on",
                    staff("err-rules-effective-date"),
                ));
            }
            Some(d) if d < today => {
                return Err(AppError::field(
                    "effective_on",
                    staff("err-rules-effective-past"),
                ));
            }
            Some(d) if d == today => None,
            Some(d) => Some(d),
        },
    };
    let effective_at = later.map_or(now, |d| handoff_domain::hold::start_of_day(d, tz));
    let based_on = match based_on.trim() {
        "" => None,
        v => Some(
            v.parse::<i64>()
                .map_err(|_| AppError::field("form", staff("err-rules-page-out-of-date")))?,
        ),
    };
    let mut tx = app.store.write().await?;
    let latest = tx.max_rules_version(pid).await?;
    if based_on.is_some_and(|v| v != latest) {
        tx.rollback().await?;
        return Err(AppError::Stale(staff_with(
            "err-rules-stale",
            &[("version", latest.to_string().into())],
        )));
    }
    let version = latest + 1;
    tx.insert_rules(&RulesRow {
        id: Uuid::now_v7(),
        program_id: pid,
        version,
        rules_json: serde_json::to_string(&rules).map_err(|e| AppError::Internal(e.to_string()))?,
        effective_at,
        created_by: Some(ctx.actor.user_id),
        created_at: now,
    })
    .await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "rules.update",
        "program",
        &pid.to_string(),
        ALLOWED,
        &match later {
            Some(d) => format!("version {version}, in force from {d}"),
            None => format!("version {version}"),
        },
    )
    .await?;
    tx.commit().await?;
    app.forget_program(pid);
    Ok((version, later))
}

/// Versions saved to take effect later: (version, first day).
pub async fn scheduled(app: &App, ctx: &Ctx) -> AppResult<Vec<(i64, NaiveDate)>> {
    let pid = allowed(app, ctx, "rules.read").await?;
    let tz = app.program_data(pid).await?.tz;
    let mut tx = app.store.read().await?;
    let rows = tx.rules_scheduled(pid, app.now()).await?;
    tx.rollback().await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.version, r.effective_at.with_timezone(&tz).date_naive()))
        .collect())
}

/// A pathway as the coordinator's page shows it.
#[derive(Debug, Clone)]
pub struct PathwayLine {
    pub pathway: Pathway,
    pub enabled: bool,
    /// Encounters recorded on it (they stay readable when it is turned off).
    pub encounters: i64,
}

/// The program's pathways: which are enabled, and how much each was used.
pub async fn pathways(app: &App, ctx: &Ctx) -> AppResult<Vec<PathwayLine>> {
    let pid = allowed(app, ctx, "pathways.read").await?;
    let data = app.program_data(pid).await?;
    let enabled = pathways::parse_list(&data.program.pathways);
    let mut tx = app.store.read().await?;
    let counts = tx.pathway_counts(pid).await?;
    tx.rollback().await?;
    Ok(Pathway::ALL
        .iter()
        .map(|p| PathwayLine {
            pathway: *p,
            enabled: enabled.contains(p),
            encounters: counts
                .iter()
                .find(|(c, _)| c == p.as_str())
                .map(|(_, n)| *n)
                .unwrap_or(0),
        })
        .collect())
}

/// Enables exactly `codes` (pathway codes). Takes effect at once, with no restart; a
/// pathway turned off keeps its cases readable and can no longer be started.
pub async fn set_pathways(app: &App, ctx: &Ctx, codes: &[String]) -> AppResult<()> {
    let pid = allowed(app, ctx, "pathways.update").await?;
    let mut chosen = Vec::new();
    for c in codes {
        match Pathway::parse(c.trim()) {
            Some(p) => chosen.push(p),
            None => {
                return Err(AppError::field(
                    "pathways",
                    staff_with(
                        "err-rules-pathway-unknown",
                        &[("pathway", format!("{c:?}").into())],
                    ),
                ));
            }
        }
    }
    if chosen.is_empty() {
        return Err(AppError::field(
            "pathways",
            staff("err-rules-pathways-none"),
        ));
    }
    let list = pathways::join_list(&chosen);
    let mut tx = app.store.write().await?;
    let before = tx.program(pid).await?.pathways;
    tx.set_program_pathways(pid, &list).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "pathways.update",
        "program",
        &pid.to_string(),
        ALLOWED,
        &format!("{before} -> {list}"),
    )
    .await?;
    tx.commit().await?;
    app.forget_program(pid);
    Ok(())
}

/// The program's own numbers for the pathway planner (coordinators).
pub async fn planner_numbers(
    app: &App,
    ctx: &Ctx,
) -> AppResult<handoff_domain::planner::ProgramNumbers> {
    let pid = ctx.require_program()?;
    if program_grant(&ctx.actor, pid, ProgramAction::ViewDashboard).is_none() {
        return Err(audit::deny(app, ctx, "planner.read", "program", &pid.to_string()).await);
    }
    let tz = app.program_data(pid).await?.tz;
    let today = app.now().with_timezone(&tz).date_naive();
    let mut tx = app.store.read().await?;
    let decisions = tx.decisions_of_program(pid).await?;
    let (offers, declined, cards, never, missed) = tx.planner_counts(pid, today).await?;
    tx.rollback().await?;
    let not_allowed = decisions
        .iter()
        .filter(|(eligible, json)| {
            !eligible
                && serde_json::from_str::<Vec<eligibility::Criterion>>(json).is_ok_and(|cs| {
                    cs.iter().any(|c| {
                        c.key == "offense_allowed" && c.outcome == eligibility::Outcome::NotMet
                    })
                })
        })
        .count();
    let n = |x: i64| u64::try_from(x).unwrap_or(0);
    Ok(handoff_domain::planner::ProgramNumbers {
        encounters: decisions.len() as u64,
        ineligible_offense_not_allowed: not_allowed as u64,
        offers_declined: n(declined),
        offers: n(offers),
        contact_card_referrals: n(cards),
        contact_card_never_contacted: n(never),
        deadlines_missed: n(missed),
    })
}
