//! Consents as access decisions read them (42 CFR 2.31, 2.35; ADR 0008): a consent row's
//! terms with a class of recipients resolved, what has happened on the case that consents
//! refer to, who may be told the participation status now, and why not. Recording,
//! revoking and printing consents are in `consents`.
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use handoff_domain::OrgKind;
use handoff_domain::consent::{self, Event, Happened, Info, Kind, State, Terms};
use handoff_storage::{ConsentRow, EncounterRow, OrgRow, Tx};
use uuid::Uuid;

use handoff_i18n::{Lang, staff, staff_with};

use crate::util::parse_ids;
use crate::{App, AppResult};

/// A recipient class (a general designation, 2.31(a)(4)): every organization of a kind in
/// the program, resolved when a disclosure is decided.
pub const CLASS_PROVIDERS: &str = "provider";

/// A class of recipients as staff pages name it.
pub fn class_label(class: &str) -> String {
    staff(match class {
        CLASS_PROVIDERS => "consents-class-providers",
        _ => "consents-class-unknown",
    })
}

/// The terms `domain::consent` decides on, with a class recipient resolved to `orgs`.
pub fn terms(row: &ConsentRow, orgs: &[OrgRow]) -> Terms {
    let mut recipients = parse_ids(&row.recipient_org_ids);
    if row.recipient_class.as_deref() == Some(CLASS_PROVIDERS) {
        recipients.extend(
            orgs.iter()
                .filter(|o| o.kind == OrgKind::Provider.as_str())
                .map(|o| o.id),
        );
    }
    Terms {
        // An unknown kind is treated as the general kind: revocable at once.
        kind: Kind::parse(&row.kind).unwrap_or(Kind::General),
        recipients,
        information: row.information.split(',').filter_map(Info::read).collect(),
        signed_at: row.signed_at,
        expires_at: row.expires_at,
        expiry_event: row.expiry_event.as_deref().and_then(Event::parse),
        irrevocable_until_at: row.irrevocable_until_at,
        irrevocable_until_event: row
            .irrevocable_until_event
            .as_deref()
            .and_then(Event::parse),
        revoked_at: row.revoked_at,
    }
}

/// Whether the release a referral rests on (`releases`) lets its partner see it at `now`.
pub async fn release_valid(tx: &mut Tx, release_id: Uuid, now: DateTime<Utc>) -> AppResult<bool> {
    let row = tx.consent(release_id).await?;
    // A release names no event: its state needs nothing of the case.
    Ok(terms(&row, &[]).state(&Happened::default(), now).permits())
}

/// What has happened on the case that consents refer to: the final disposition is the
/// prosecutor's decision to file or not to file.
pub async fn happened(tx: &mut Tx, encounter_id: Uuid) -> AppResult<Happened> {
    let hold = tx.hold_for_encounter(encounter_id).await?;
    Ok(Happened {
        final_disposition_at: hold
            .filter(|h| matches!(h.decision.as_deref(), Some("decline_to_file" | "file")))
            .and_then(|h| h.decided_at),
    })
}

/// A case's consents as terms, with what they depend on.
pub async fn case_terms(
    tx: &mut Tx,
    enc: &EncounterRow,
) -> AppResult<(Vec<ConsentRow>, Vec<Terms>, Happened)> {
    let rows = tx.consents_for_encounter(enc.id).await?;
    if rows.is_empty() {
        return Ok((rows, Vec::new(), Happened::default()));
    }
    let orgs = if rows.iter().any(|r| r.recipient_class.is_some()) {
        tx.orgs(enc.program_id).await?
    } else {
        Vec::new()
    };
    let needs_events = rows
        .iter()
        .any(|r| r.expiry_event.is_some() || r.irrevocable_until_event.is_some());
    let h = if needs_events {
        happened(tx, enc.id).await?
    } else {
        Happened::default()
    };
    let t = rows.iter().map(|r| terms(r, &orgs)).collect();
    Ok((rows, t, h))
}

/// Organizations a consent lets the provider tell the participation status now.
pub async fn status_recipients(
    tx: &mut Tx,
    enc: &EncounterRow,
    now: DateTime<Utc>,
) -> AppResult<Vec<Uuid>> {
    let (_, t, h) = case_terms(tx, enc).await?;
    Ok(consent::shared_with(&t, &h, now, Info::Status))
}

/// What the legal side is told when the status is not shared with `org`, so the absence
/// is explained.
pub async fn not_shared_reason(
    tx: &mut Tx,
    enc: &EncounterRow,
    org: Uuid,
    now: DateTime<Utc>,
    tz: Tz,
) -> AppResult<String> {
    let (_, t, h) = case_terms(tx, enc).await?;
    let day = |at: DateTime<Utc>| at.with_timezone(&tz).format("%Y-%m-%d").to_string();
    Ok(
        match consent::why_not_shared(&t, &h, now, org, Info::Status) {
            Some(State::Revoked { effective_at }) => staff_with(
                "consents-not-shared-revoked",
                &[("date", day(effective_at).into())],
            ),
            Some(State::Expired { at }) => {
                staff_with("consents-not-shared-expired", &[("date", day(at).into())])
            }
            _ => staff("consents-not-shared-none"),
        },
    )
}

// ----- the words of consents, in the person's language ---------------------------------

/// Who signed, who recorded it, when.
pub struct Signed {
    pub name: String,
    pub by: Uuid,
    pub at: DateTime<Utc>,
}

pub struct FormParts<'a> {
    pub kind: Kind,
    pub disclosers: &'a str,
    pub information: &'a [Info],
    pub recipients: &'a str,
    pub purpose: &'a str,
    pub revocation: &'a str,
    pub expiry: &'a str,
    pub irrevocable: Option<&'a str>,
}

/// The texts of the person's language (English when none is recorded).
pub async fn person_lang(app: &App, tx: &mut Tx, participant_id: Uuid) -> AppResult<Lang> {
    let code = tx
        .language_of(participant_id)
        .await?
        .map(|l| l.language)
        .unwrap_or_default();
    Ok(app.texts().lang(&code))
}

/// The catalogue key of a consent kind's name.
pub fn kind_key(kind: Kind) -> &'static str {
    match kind {
        Kind::General => "kind-general",
        Kind::CriminalJustice => "kind-criminal-justice",
        Kind::Release => "kind-release",
    }
}

/// The words of a consent, element by element (42 CFR 2.31(a)), in the person's language.
pub fn form_text(lang: &Lang, p: &FormParts) -> String {
    let info = p
        .information
        .iter()
        .map(|i| lang.t(&format!("info-{}", i.as_str())))
        .collect::<Vec<_>>()
        .join("; ");
    let release = p.kind == Kind::Release;
    let mut s = format!(
        "{}.\n{}: {}.\n{}: {info}. {}\n{}: {}.\n{}: {}\n{}: {}\n{}: {}\n",
        lang.t(kind_key(p.kind)),
        lang.t("form-who"),
        p.disclosers,
        lang.t("form-what"),
        lang.t(if release {
            "form-release-nothing-else"
        } else {
            "form-nothing-else"
        }),
        lang.t("form-to-whom"),
        p.recipients,
        lang.t("form-purpose"),
        p.purpose,
        lang.t("form-revoke"),
        p.revocation,
        lang.t("form-expires"),
        p.expiry
    );
    if let Some(i) = p.irrevocable {
        s.push_str(i);
        s.push('\n');
    }
    if !release {
        s.push_str(&lang.t("form-redisclosure"));
    }
    s
}
