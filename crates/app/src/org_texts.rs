//! What the slip says of an organization that receives referrals: its address, phone,
//! hours and what to bring, and the hours and what to bring in each other language the
//! program has in force (ADR 0018). Kept by those who keep the directory.
use handoff_domain::policy::ProgramAction;
use handoff_domain::{FieldErrors, OrgKind};
use handoff_i18n::staff_with;
use handoff_storage::{OrgRow, OrgTextRow};
use uuid::Uuid;

use crate::audit::{self, ALLOWED};
use crate::{App, AppError, AppResult, Ctx};

/// One organization with its texts in other languages.
pub struct OrgTexts {
    pub org: OrgRow,
    pub texts: Vec<OrgTextRow>,
}

/// What a coordinator typed: the slip's details in the program's language, and the hours
/// and what to bring per other language.
#[derive(Debug, Clone, Default)]
pub struct OrgTextsInput {
    pub address: String,
    pub phone: String,
    pub hours: String,
    pub what_to_bring: String,
    pub translations: Vec<Translation>,
}

#[derive(Debug, Clone, Default)]
pub struct Translation {
    pub language: String,
    pub hours: String,
    pub what_to_bring: String,
}

const ACTION: &str = "organization.texts";

/// The organizations whose slips these are (providers and partners), by name.
pub async fn list(app: &App, ctx: &Ctx) -> AppResult<Vec<OrgRow>> {
    let pid = ctx.require_program()?;
    crate::admin::guard(app, ctx, ProgramAction::ManageDirectory, ACTION).await?;
    let mut tx = app.store.read().await?;
    let mut orgs: Vec<OrgRow> = tx.orgs(pid).await?.into_iter().filter(receives).collect();
    tx.rollback().await?;
    orgs.sort_by_key(|o| o.name.to_lowercase());
    Ok(orgs)
}

fn receives(o: &OrgRow) -> bool {
    OrgKind::parse(&o.kind).is_some_and(OrgKind::receives_referrals)
}

/// One organization's texts; another program's, or an agency, is not found.
pub async fn view(app: &App, ctx: &Ctx, org_id: Uuid) -> AppResult<OrgTexts> {
    let pid = ctx.require_program()?;
    crate::admin::guard(app, ctx, ProgramAction::ManageDirectory, ACTION).await?;
    let mut tx = app.store.read().await?;
    let org = tx.org(org_id).await?;
    if org.program_id != pid || !receives(&org) {
        return Err(AppError::NotFound);
    }
    let texts = tx.org_texts(org_id).await?;
    tx.rollback().await?;
    Ok(OrgTexts { org, texts })
}

/// The form's field of a language's text: `hours_es`, `bring_es`.
pub fn field(what: &str, language: &str) -> String {
    format!("{what}_{language}")
}

fn limit(e: &mut FieldErrors, field: &str, v: &str, max: usize) {
    if v.chars().count() > max {
        e.add(
            field,
            staff_with("err-org-texts-too-long", &[("max", max.into())]),
        );
    }
}

/// Saves the slip's details and every language's texts at once, or nothing.
pub async fn save(app: &App, ctx: &Ctx, org_id: Uuid, input: &OrgTextsInput) -> AppResult<()> {
    let current = view(app, ctx, org_id).await?;
    let texts = app.texts();
    let mut e = FieldErrors::new();
    limit(&mut e, "address", input.address.trim(), 300);
    limit(&mut e, "phone", input.phone.trim(), 40);
    limit(&mut e, "hours", input.hours.trim(), 300);
    limit(&mut e, "what_to_bring", input.what_to_bring.trim(), 500);
    for t in &input.translations {
        if t.language == "en" || !texts.has(&t.language) {
            e.add(
                "form",
                staff_with(
                    "err-org-texts-language",
                    &[("language", (&t.language).into())],
                ),
            );
            continue;
        }
        limit(&mut e, &field("hours", &t.language), t.hours.trim(), 300);
        limit(
            &mut e,
            &field("bring", &t.language),
            t.what_to_bring.trim(),
            500,
        );
    }
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let now = app.now();
    let mut tx = app.store.write().await?;
    let org = OrgRow {
        address: input.address.trim().into(),
        phone: input.phone.trim().into(),
        hours: input.hours.trim().into(),
        what_to_bring: input.what_to_bring.trim().into(),
        ..current.org
    };
    tx.set_org_details(&org).await?;
    let mut languages = vec![];
    for t in &input.translations {
        tx.set_org_text(&OrgTextRow {
            org_id,
            language: t.language.clone(),
            hours: t.hours.trim().into(),
            what_to_bring: t.what_to_bring.trim().into(),
            updated_at: now,
            updated_by: Some(ctx.actor.user_id),
        })
        .await?;
        if !t.hours.trim().is_empty() || !t.what_to_bring.trim().is_empty() {
            languages.push(t.language.as_str());
        }
    }
    audit::record(
        &mut tx,
        app,
        ctx,
        ACTION,
        "organization",
        &org_id.to_string(),
        ALLOWED,
        &format!("texts in: {}", languages.join(", ")),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The hours and what to bring the slip prints for a person of `language`, with the
/// language they are written in when it is not that one (the program's, English).
pub struct SlipTexts {
    pub hours: String,
    pub what_to_bring: String,
    pub hours_lang: Option<&'static str>,
    pub bring_lang: Option<&'static str>,
}

pub fn for_slip(org: &OrgRow, texts: &[OrgTextRow], language: &str) -> SlipTexts {
    let own = texts.iter().find(|t| t.language == language);
    let pick = |translated: Option<&str>, original: &str| match translated {
        Some(t) if !t.is_empty() => (t.to_string(), None),
        _ if original.is_empty() || language.is_empty() || language == "en" => {
            (original.to_string(), None)
        }
        _ => (original.to_string(), Some("en")),
    };
    let (hours, hours_lang) = pick(own.map(|t| t.hours.as_str()), &org.hours);
    let (what_to_bring, bring_lang) =
        pick(own.map(|t| t.what_to_bring.as_str()), &org.what_to_bring);
    SlipTexts {
        hours,
        what_to_bring,
        hours_lang,
        bring_lang,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn org() -> OrgRow {
        OrgRow {
            id: Uuid::nil(),
            program_id: Uuid::nil(),
            kind: "provider".into(),
            name: "Harbor".into(),
            address: String::new(),
            phone: String::new(),
            hours: "Mon-Fri 8-5".into(),
            what_to_bring: "ID if you have one".into(),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn the_slip_prints_the_persons_language_else_the_programs_marked() {
        let es = OrgTextRow {
            org_id: Uuid::nil(),
            language: "es".into(),
            hours: "lun-vie 8-17".into(),
            what_to_bring: String::new(),
            updated_at: Utc::now(),
            updated_by: None,
        };
        let s = for_slip(&org(), std::slice::from_ref(&es), "es");
        assert_eq!(s.hours, "lun-vie 8-17");
        assert_eq!(s.hours_lang, None);
        // Not translated: the program's text, marked as English for screen readers.
        assert_eq!(s.what_to_bring, "ID if you have one");
        assert_eq!(s.bring_lang, Some("en"));
        let en = for_slip(&org(), &[es], "");
        assert_eq!((en.hours.as_str(), en.hours_lang), ("Mon-Fri 8-5", None));
    }
}
