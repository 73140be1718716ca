//! The person's preferred language and interpreter need (issue 16, ADR 0018): recorded at
//! intake, changed when the person says, shown beside their name; it chooses the language
//! of the slip, the consent and the release. And the administrator's view of the
//! languages in force, and the reloading of the languages folder.
use chrono::{DateTime, Utc};
use handoff_domain::FieldErrors;
use handoff_domain::policy::{CaseAction, ProgramAction, program_grant};
use handoff_i18n::staff;
use handoff_storage::{LanguageRow, Tx};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::case::case_event;
use crate::{App, AppError, AppResult};

/// The language and interpreter need as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choice {
    pub language: String,
    pub needs_interpreter: bool,
}

/// Reads the fields as typed, adding errors by field: none when both are empty (nothing
/// to record). The language must be one in force.
pub fn read(
    app: &App,
    language: &str,
    interpreter: &str,
    errors: &mut FieldErrors,
) -> Option<Choice> {
    let (language, interpreter) = (language.trim(), interpreter.trim());
    if language.is_empty() && interpreter.is_empty() {
        return None;
    }
    let texts = app.texts();
    let language = match language {
        "" => "en".to_string(),
        l if texts.has(l) => l.to_string(),
        _ => {
            errors.add("language", staff("err-languages-choose"));
            return None;
        }
    };
    let needs_interpreter = match interpreter {
        "yes" => true,
        "no" | "" => false,
        _ => {
            errors.add("needs_interpreter", staff("err-languages-interpreter"));
            return None;
        }
    };
    Some(Choice {
        language,
        needs_interpreter,
    })
}

pub fn row(participant_id: Uuid, c: &Choice, by: Uuid, now: DateTime<Utc>) -> LanguageRow {
    LanguageRow {
        participant_id,
        language: c.language.clone(),
        needs_interpreter: c.needs_interpreter,
        updated_at: now,
        updated_by: by,
    }
}

/// How staff pages show it: "Español (Spanish) · needs an interpreter"; empty when not
/// recorded.
pub fn label(app: &App, row: Option<&LanguageRow>) -> String {
    let Some(r) = row else {
        return String::new();
    };
    let texts = app.texts();
    let lang = texts.lang(&r.language);
    let staff = texts.staff();
    let mut s = if lang.code() == "en" {
        lang.name().to_string()
    } else {
        format!("{} ({})", lang.name(), lang.code())
    };
    if r.needs_interpreter {
        s.push_str(" · ");
        s.push_str(&staff.t("needs-interpreter"));
    }
    s
}

/// The person's language as recorded.
pub async fn of(tx: &mut Tx, participant_id: Uuid) -> AppResult<Option<LanguageRow>> {
    Ok(tx.language_of(participant_id).await?)
}

/// Changes the language of the encounter's person (the responder who may act on the
/// case), in one transaction with its audit record and a case event.
pub async fn change(
    app: &App,
    ctx: &Ctx,
    encounter_id: Uuid,
    language: &str,
    interpreter: &str,
) -> AppResult<()> {
    let mut errors = FieldErrors::new();
    let choice = read(app, language, interpreter, &mut errors);
    let (mut tx, enc, _) = crate::case::guarded(
        app,
        ctx,
        app.store.write().await?,
        encounter_id,
        CaseAction::ActOnEncounter,
        "participant.language",
    )
    .await?;
    let Some(choice) = choice else {
        tx.rollback().await?;
        if errors.is_empty() {
            errors.add("language", staff("err-languages-choose"));
        }
        return Err(AppError::Invalid(errors));
    };
    let now = app.now();
    tx.set_language(&row(enc.participant_id, &choice, ctx.actor.user_id, now))
        .await?;
    case_event(
        &mut tx,
        app,
        &enc,
        Some(ctx.actor.user_id),
        "participant.language",
        &format!(
            "Language recorded: {}{}",
            choice.language,
            if choice.needs_interpreter {
                ", needs an interpreter"
            } else {
                ""
            }
        ),
    )
    .await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "participant.language",
        "participant",
        &enc.participant_id.to_string(),
        ALLOWED,
        &choice.language,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The languages in force for the administrator's page, and the files refused at the
/// last load.
pub struct Overview {
    pub languages: Vec<LanguageLine>,
    pub refused: Vec<handoff_i18n::Refused>,
    pub folder: Option<String>,
}

pub struct LanguageLine {
    pub code: String,
    pub name: String,
    pub reviewed: bool,
    pub reviewer: String,
    pub shipped: bool,
}

fn overview(app: &App, texts: &handoff_i18n::Texts) -> Overview {
    Overview {
        languages: texts
            .languages()
            .map(|c| LanguageLine {
                code: c.code.clone(),
                name: c.name.clone(),
                reviewed: c.reviewed,
                reviewer: c.reviewer.clone(),
                shipped: c.shipped,
            })
            .collect(),
        refused: texts.refused.clone(),
        folder: app
            .settings
            .languages
            .as_ref()
            .map(|p| p.display().to_string()),
    }
}

/// What the administrator sees; `reload` reads the folder again first (audited).
pub async fn admin(app: &App, ctx: &Ctx, reload: bool) -> AppResult<Overview> {
    let pid = ctx.require_program()?;
    let action = if reload {
        "languages.reload"
    } else {
        "languages.read"
    };
    if program_grant(&ctx.actor, pid, ProgramAction::ManageUsers).is_none() {
        return Err(audit::deny(app, ctx, action, "program", &pid.to_string()).await);
    }
    let texts = if reload {
        let t = app.reload_texts()?;
        audit::alone(
            app,
            ctx,
            action,
            "program",
            &pid.to_string(),
            ALLOWED,
            &format!(
                "{} languages; {} files refused",
                t.languages().count(),
                t.refused.len()
            ),
        )
        .await?;
        t
    } else {
        app.texts()
    };
    Ok(overview(app, &texts))
}
