//! The directory's settings, for coordinators (ADR 0017): how the officer's suggestions are
//! ranked, which service types' intake meets a held charge, what is shown when nothing fits,
//! and whether the HSDS API answers without a token.

use handoff_domain::FieldErrors;
use handoff_domain::directory::choose::Rule;
use handoff_domain::directory::{term_by_code, terms};
use handoff_storage::DirectorySettings;

use super::{current, manage};
use crate::audit::{self, ALLOWED};
use crate::{App, AppError, AppResult, Ctx};
use handoff_i18n::{staff, staff_with};

/// What the settings page shows.
pub struct SettingsView {
    pub settings: DirectorySettings,
    pub organizations: usize,
    pub services: usize,
    pub capacities: usize,
    pub stale: usize,
}

pub async fn view(app: &App, ctx: &Ctx) -> AppResult<SettingsView> {
    let pid = manage(app, ctx, "directory.settings").await?;
    let dir = current(app, pid).await?;
    let mut tx = app.store.read().await?;
    let settings = tx.directory_settings(pid).await?;
    let caps = tx.capacities(pid).await?;
    tx.rollback().await?;
    let now = app.now();
    let stale = caps
        .iter()
        .filter(|c| super::capacity::line(&dir, settings.capacity_fresh_minutes, now, c).stale)
        .count();
    Ok(SettingsView {
        organizations: dir.organizations.len(),
        services: dir.services.iter().filter(|s| s.status == "active").count(),
        capacities: caps.len(),
        stale,
        settings,
    })
}

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput {
    /// Criteria codes by rank ("" for none).
    pub rule: Vec<String>,
    pub hold_types: Vec<String>,
    pub fallback: String,
    pub public: bool,
}

pub async fn save(app: &App, ctx: &Ctx, input: &SettingsInput) -> AppResult<()> {
    let pid = manage(app, ctx, "directory.settings.save").await?;
    let mut errors = FieldErrors::new();
    let rule_text = input
        .rule
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    match Rule::parse(&rule_text) {
        Ok(r) if r.0.is_empty() => errors.add("rule", staff("err-directory-settings-rule-empty")),
        Ok(_) => {}
        Err(e) => errors.add("rule", format!("{}.", capitalize(&e))),
    }
    let mut hold: Vec<&str> = Vec::new();
    for code in input
        .hold_types
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        match term_by_code(code) {
            Some(t) if !t.code.starts_with("access") => {
                if !hold.contains(&code) {
                    hold.push(code);
                }
            }
            _ => errors.add(
                "hold_types",
                staff_with(
                    "err-directory-settings-not-a-type",
                    &[("code", code.into())],
                ),
            ),
        }
    }
    if hold.is_empty() && errors.get("hold_types").is_none() {
        errors.add("hold_types", staff("err-directory-settings-hold-types"));
    }
    let fallback = input.fallback.trim();
    if fallback.is_empty() || fallback.chars().count() > 300 {
        errors.add("fallback", staff("err-directory-settings-fallback"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = app.store.write().await?;
    let mut s = tx.directory_settings(pid).await?;
    s.choice_rule = rule_text;
    s.hold_service_types = hold.join(" ");
    s.fallback = fallback.to_string();
    s.directory_public = input.public;
    tx.set_directory_settings(pid, &s).await?;
    let detail = format!(
        "rank: {}; hold: {}; public: {}",
        s.choice_rule, s.hold_service_types, s.directory_public
    );
    audit::record(
        &mut tx,
        app,
        ctx,
        "directory.settings",
        "program",
        &pid.to_string(),
        ALLOWED,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The service types a coordinator may name (every shipped type, not the access facets).
pub fn service_types() -> Vec<(&'static str, &'static str, bool)> {
    terms()
        .iter()
        .filter(|t| !t.code.starts_with("access"))
        .map(|t| (t.code.as_str(), t.name.as_str(), t.parent.is_none()))
        .collect()
}
