//! Recording a screening on a referral (issue 4): the provider chooses an instrument and a
//! cut-off profile, the answers are scored by `domain::screening`, and the instrument,
//! version, raw answers, score, band, profile and alerts are kept. An alert (PHQ-9 item
//! 9) is shown at once and recorded in the audit trail.
use handoff_domain::FieldErrors;
use handoff_domain::policy::CaseAction;
use handoff_domain::screening::{self, Instrument, Profile, ScreenSex, ScreeningResult};
use handoff_i18n::staff;
use handoff_storage::{ScreeningRow, Stmt};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::case::referral_guarded;
use crate::{App, AppError, AppResult};

/// A screening as typed: the instrument and profile codes, and for each item the index of
/// the chosen answer ("" when unanswered).
#[derive(Debug, Clone, Default)]
pub struct ScreeningInput {
    pub instrument: String,
    pub profile: String,
    pub answers: Vec<String>,
}

/// The instrument of a form, or a field error.
pub fn instrument_of(code: &str) -> AppResult<Instrument> {
    Instrument::parse(code.trim())
        .ok_or_else(|| AppError::field("instrument", staff("err-screenings-instrument")))
}

/// Records a screening on a referral the actor's provider holds.
pub async fn record(
    app: &App,
    ctx: &Ctx,
    referral_id: Uuid,
    input: &ScreeningInput,
) -> AppResult<(Uuid, ScreeningResult)> {
    let now = app.now();
    let (mut tx, r, enc, _) = referral_guarded(
        app,
        ctx,
        app.store.write().await?,
        referral_id,
        CaseAction::ActOnReferral,
        "screening.create",
    )
    .await?;
    let instrument = match instrument_of(&input.instrument) {
        Ok(i) => i,
        Err(e) => {
            tx.rollback().await?;
            return Err(e);
        }
    };
    let mut errors = FieldErrors::new();
    let profile = match input.profile.trim() {
        "" => instrument.profiles()[0],
        p => match Profile::parse(p).filter(|p| instrument.profiles().contains(p)) {
            Some(p) => p,
            None => {
                errors.add("profile", staff("err-screenings-profile"));
                instrument.profiles()[0]
            }
        },
    };
    let items = instrument.items();
    let mut answers: Vec<Option<usize>> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let typed = input.answers.get(i).map(|s| s.trim()).unwrap_or("");
        answers.push(match typed {
            "" => None,
            t => match t.parse::<usize>() {
                Ok(c) if c < item.choices.len() => Some(c),
                _ => {
                    errors.add(format!("item_{}", i + 1), staff("err-screenings-answer"));
                    None
                }
            },
        });
    }
    if input.answers.len() > items.len() {
        errors.add("form", staff("err-screenings-too-many-answers"));
    }
    if answers.iter().all(Option::is_none) {
        errors.add("form", staff("err-screenings-no-answers"));
    }
    if !errors.is_empty() {
        tx.rollback().await?;
        return Err(AppError::Invalid(errors));
    }
    let person = tx.participant(r.participant_id).await?;
    let sex = match person.sex.as_str() {
        "M" => ScreenSex::Male,
        "F" => ScreenSex::Female,
        _ => ScreenSex::Unknown,
    };
    let result = screening::score(instrument, profile, sex, &answers)
        .map_err(|e| AppError::field("form", e.to_string()))?;
    let row = ScreeningRow {
        id: Uuid::now_v7(),
        program_id: enc.program_id,
        encounter_id: enc.id,
        referral_id: r.id,
        instrument: instrument.as_str().into(),
        version: instrument.version().into(),
        profile: profile.as_str().into(),
        answers: serde_json::to_string(&answers).map_err(|e| AppError::Internal(e.to_string()))?,
        score: result.score.map(i64::from),
        max_score: i64::from(result.max),
        prorated: result.prorated,
        band: result.band.into(),
        positive: result.positive,
        alerts: result.alerts.join("\n"),
        recorded_by: ctx.actor.user_id,
        recorded_at: now,
    };
    tx.run(&[Stmt::screening(&row)]).await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "screening.create",
        "screening",
        &row.id.to_string(),
        ALLOWED,
        instrument.as_str(),
    )
    .await?;
    crate::facts::refresh(&mut tx, app, row.encounter_id).await?;
    for alert in &result.alerts {
        audit::record(
            &mut tx,
            app,
            ctx,
            "screening.alert",
            "screening",
            &row.id.to_string(),
            ALLOWED,
            alert,
        )
        .await?;
    }
    tx.commit().await?;
    Ok((row.id, result))
}
