//! Consents to disclose (42 CFR 2.31 and 2.35; docs/adr/0008): recorded by the officer's
//! offer (criminal justice kind) or by a provider's case manager (general kind), revoked
//! when the person asks, printed, and asked by access decisions through
//! `domain::consent`.
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use handoff_domain::consent::{self, Event, Happened, Info, Kind, State};
use handoff_domain::policy::{Access, CaseAction, View, case_access};
use handoff_domain::referral::ReferralStatus;
use handoff_domain::{Coded, FieldErrors};
use handoff_storage::{ConsentRow, EncounterRow, OrgRow, ReferralRow, StoreError, Tx};
use uuid::Uuid;

use crate::audit::{self, ALLOWED, Ctx};
use crate::case::{access_facts, event, load_program};
use crate::util::{join_ids, parse_ids};
use crate::{App, AppError, AppResult};
use handoff_i18n::{Lang, staff, staff_with};

pub use crate::consent_terms::kind_key;
use crate::consent_terms::{
    CLASS_PROVIDERS, FormParts, Signed, class_label, form_text, happened, person_lang, terms,
};

// ----- the consent the officer's offer records ---------------------------------------

/// The consent signed when a person accepts a referral on a pathway without a charge: a
/// general consent (42 CFR 2.31) letting the providers tell the referring agency whether
/// the person connected with treatment, so its responders can follow up. Revocable at any
/// time; one year at most.
pub fn referral_consent(
    enc: &EncounterRow,
    providers: &[&OrgRow],
    agency: &OrgRow,
    signed: Signed,
    lang: &Lang,
) -> ConsentRow {
    signed_with_offer(
        enc,
        providers,
        &[agency],
        OfferTerms {
            kind: Kind::General,
            purpose: "purpose-follow-up",
            revocation: "revocation-general",
        },
        signed,
        lang,
    )
}

/// The 2.35 consent given when the person accepts the offer: the providers may tell the
/// referring agency and the prosecutor the participation status, irrevocable until the
/// final disposition, expiring at final disposition or after a year.
pub fn offer_consent(
    enc: &EncounterRow,
    providers: &[&OrgRow],
    recipients: [&OrgRow; 2],
    signed: Signed,
    lang: &Lang,
) -> ConsentRow {
    signed_with_offer(
        enc,
        providers,
        &recipients,
        OfferTerms {
            kind: Kind::CriminalJustice,
            purpose: "purpose-criminal-justice",
            revocation: "revocation-criminal-justice",
        },
        signed,
        lang,
    )
}

/// What differs between the consents an accepted offer records: the kind, and the keys
/// of its purpose and revocation in the person's catalogue.
struct OfferTerms {
    kind: Kind,
    purpose: &'static str,
    revocation: &'static str,
}

/// A consent to disclose the participation status, signed with the offer: the providers
/// disclose to `recipients` for a year; a criminal justice consent also ends at, and cannot
/// be revoked before, the final disposition.
fn signed_with_offer(
    enc: &EncounterRow,
    providers: &[&OrgRow],
    recipients: &[&OrgRow],
    t: OfferTerms,
    signed: Signed,
    lang: &Lang,
) -> ConsentRow {
    let Signed {
        name: signed_name,
        by,
        at: now,
    } = signed;
    let provider_names = providers
        .iter()
        .map(|o| o.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let recipient_names = recipients
        .iter()
        .map(|o| o.name.as_str())
        .collect::<Vec<_>>()
        .join(" and ");
    let disposition = (t.kind == Kind::CriminalJustice).then_some(Event::FinalDisposition);
    let expires_at = now + Duration::days(365);
    let date = lang.date_long(expires_at.date_naive());
    let event = lang.t("event-final-disposition");
    let expiry = match disposition {
        Some(_) => lang.t_with(
            "expiry-disposition",
            &[("event", event.clone().into()), ("date", date.into())],
        ),
        None => lang.t_with("expiry-year", &[("date", date.into())]),
    };
    let irrevocable = disposition.map(|_| lang.t_with("irrevocable", &[("event", event.into())]));
    let (purpose, revocation) = (lang.t(t.purpose), lang.t(t.revocation));
    let form_text = form_text(
        lang,
        &FormParts {
            kind: t.kind,
            disclosers: &provider_names,
            information: &[Info::Status],
            recipients: &recipient_names,
            purpose: &purpose,
            revocation: &revocation,
            expiry: &expiry,
            irrevocable: irrevocable.as_deref(),
        },
    );
    ConsentRow {
        id: Uuid::now_v7(),
        participant_id: enc.participant_id,
        encounter_id: enc.id,
        kind: t.kind.as_str().into(),
        discloser_org_ids: join_ids(&providers.iter().map(|o| o.id).collect::<Vec<_>>()),
        recipient_org_ids: join_ids(&recipients.iter().map(|o| o.id).collect::<Vec<_>>()),
        purpose,
        signed_name,
        signed_at: now,
        expires_at: Some(expires_at),
        revoked_at: None,
        recorded_by: by,
        information: Info::Status.as_str().into(),
        recipient_class: None,
        revocation_text: revocation,
        expiry_event: disposition.map(|e| e.as_str().into()),
        irrevocable_until_at: None,
        irrevocable_until_event: disposition.map(|e| e.as_str().into()),
        signature_method: "typed".into(),
        attestation: lang.t("attestation"),
        form_text,
        revoked_by: None,
        revoke_note: None,
        language: lang.code().to_string(),
    }
}

// ----- general consents recorded by a provider --------------------------------------

/// A general consent as typed on the provider's form.
#[derive(Debug, Clone, Default)]
pub struct ConsentInput {
    pub recipients: Vec<String>,
    pub recipient_class: String,
    pub information: Vec<String>,
    pub purpose: String,
    /// The last day it is valid (program's local date), or empty.
    pub expires_on: String,
    /// "yes": it expires at final disposition.
    pub expires_at_disposition: String,
    pub signed_name: String,
    pub attested: String,
}

/// A lookup's record, or `None` when it does not exist.
fn found<T>(r: Result<T, StoreError>) -> AppResult<Option<T>> {
    match r {
        Ok(x) => Ok(Some(x)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Ends the transaction and answers with an audited denial ("not found": a record the
/// user may not see and one that does not exist look the same).
async fn denied<T>(
    tx: Tx,
    app: &App,
    ctx: &Ctx,
    action: &str,
    kind: &str,
    id: Uuid,
) -> AppResult<T> {
    tx.rollback().await?;
    Err(audit::deny(app, ctx, action, kind, &id.to_string()).await)
}

/// The case and the actor's provider, if the policy lets the actor act on it as a
/// provider holding a referral that took the person (not one it rejected, or that was
/// cancelled): only such a provider records consents and revocations on the case. The
/// caller rolls back and audits a denial.
async fn provider_case(
    app: &App,
    ctx: &Ctx,
    tx: &mut Tx,
    encounter_id: Uuid,
) -> AppResult<Option<(EncounterRow, Uuid)>> {
    let Ok(enc) = tx.encounter(encounter_id).await else {
        return Ok(None);
    };
    let action = CaseAction::ActOnReferral;
    let facts = access_facts(tx, &enc, app.now(), action).await?;
    let Access::Allow(View::Clinical { org_id }) = case_access(&ctx.actor, action, &facts) else {
        return Ok(None);
    };
    let took = tx
        .referrals_for_encounter(enc.id)
        .await?
        .iter()
        .any(|r| r.to_org_id == org_id && status_of(r).took_the_person());
    Ok(took.then_some((enc, org_id)))
}

/// Who records the revocation of a release: the referring agency's responder or
/// supervisor (who may act on the case), or the partner it names (who holds the referral);
/// the person may tell either. The case and the reader's organization.
async fn release_case(
    app: &App,
    ctx: &Ctx,
    tx: &mut Tx,
    row: &ConsentRow,
) -> AppResult<Option<(EncounterRow, Uuid)>> {
    let Ok(enc) = tx.encounter(row.encounter_id).await else {
        return Ok(None);
    };
    let (disclosers, recipients) = (
        parse_ids(&row.discloser_org_ids),
        parse_ids(&row.recipient_org_ids),
    );
    for action in [CaseAction::ActOnEncounter, CaseAction::ActOnReferral] {
        let facts = access_facts(tx, &enc, app.now(), action).await?;
        let org = match case_access(&ctx.actor, action, &facts) {
            Access::Allow(View::Legal { org_id, .. }) if disclosers.contains(&org_id) => org_id,
            Access::Allow(View::Clinical { org_id }) if recipients.contains(&org_id) => org_id,
            _ => continue,
        };
        return Ok(Some((enc, org)));
    }
    Ok(None)
}

fn status_of(r: &ReferralRow) -> ReferralStatus {
    ReferralStatus::parse(&r.status).unwrap_or(ReferralStatus::Requested)
}

/// Records a general consent (2.31) on the case of a referral the actor's provider holds.
pub async fn record_general(
    app: &App,
    ctx: &Ctx,
    referral_id: Uuid,
    input: &ConsentInput,
) -> AppResult<Uuid> {
    let now = app.now();
    let mut tx = app.store.write().await?;
    let deny = ("consent.create", "referral", referral_id);
    let Some(referral) = found(tx.referral(referral_id).await)? else {
        return denied(tx, app, ctx, deny.0, deny.1, deny.2).await;
    };
    let checked = provider_case(app, ctx, &mut tx, referral.encounter_id).await?;
    let Some((enc, provider_id)) = checked.filter(|x| x.1 == referral.to_org_id) else {
        return denied(tx, app, ctx, deny.0, deny.1, deny.2).await;
    };
    if !status_of(&referral).took_the_person() {
        tx.rollback().await?;
        return Err(AppError::Rule(staff("err-consent-referral-not-ahead")));
    }
    let (_, tz) = load_program(&mut tx, enc.program_id).await?;
    let orgs = tx.orgs(enc.program_id).await?;
    let mut errors = FieldErrors::new();
    let mut recipients = Vec::new();
    for r in &input.recipients {
        match Uuid::parse_str(r.trim())
            .ok()
            .and_then(|id| orgs.iter().find(|o| o.id == id))
        {
            Some(o) if recipients.iter().any(|r: &&OrgRow| r.id == o.id) => errors.add(
                "recipients",
                staff_with("err-consent-recipient-twice", &[("name", (&o.name).into())]),
            ),
            Some(o) if o.id != provider_id => recipients.push(o),
            Some(_) => errors.add("recipients", staff("err-consent-recipient-own")),
            None => errors.add("recipients", staff("err-consent-recipient-unknown")),
        }
    }
    let class = match input.recipient_class.trim() {
        "" => None,
        CLASS_PROVIDERS => Some(CLASS_PROVIDERS),
        _ => {
            errors.add("recipient_class", staff("err-consent-class-unknown"));
            None
        }
    };
    if recipients.is_empty() && class.is_none() {
        errors.add("recipients", staff("err-consent-recipients-none"));
    }
    let mut information = Vec::new();
    for i in &input.information {
        match Info::parse(i.trim()) {
            Some(x) if !information.contains(&x) => information.push(x),
            Some(x) => errors.add(
                "information",
                staff_with(
                    "err-consent-information-twice",
                    &[("information", staff(&x.key()).into())],
                ),
            ),
            None => errors.add("information", staff("err-consent-information-unknown")),
        }
    }
    if information.is_empty() {
        errors.add("information", staff("err-consent-information-none"));
    }
    let purpose = input.purpose.trim();
    if purpose.is_empty() {
        errors.add("purpose", staff("err-consent-purpose-empty"));
    } else if purpose.chars().count() > 500 {
        errors.add("purpose", at_most(500));
    }
    let at_disposition = input.expires_at_disposition.trim() == "yes";
    let expires_at = match input.expires_on.trim() {
        "" => None,
        s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => {
                let end = end_of_day(d, tz);
                if end <= now {
                    errors.add("expires_on", staff("err-consent-expires-past"));
                }
                Some(end)
            }
            Err(_) => {
                errors.add("expires_on", staff("err-consent-expires-format"));
                None
            }
        },
    };
    if expires_at.is_none() && !at_disposition && input.expires_on.trim().is_empty() {
        errors.add("expires_on", staff("err-consent-expiry-none"));
    }
    let signed_name = input.signed_name.trim();
    if signed_name.is_empty() {
        errors.add("signed_name", staff("err-consent-signed-name-empty"));
    } else if signed_name.chars().count() > 200 {
        errors.add("signed_name", at_most(200));
    }
    if input.attested.trim() != "yes" {
        errors.add("attested", staff("err-consent-attested"));
    }
    if !errors.is_empty() {
        tx.rollback().await?;
        return Err(AppError::Invalid(errors));
    }
    let provider = orgs
        .iter()
        .find(|o| o.id == provider_id)
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let mut recipient_text = recipients
        .iter()
        .map(|o| o.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if let Some(c) = class {
        if !recipient_text.is_empty() {
            recipient_text.push_str(", and ");
        }
        recipient_text.push_str(&class_label(c));
    }
    let lang = person_lang(app, &mut tx, enc.participant_id).await?;
    if class.is_some() {
        let names = recipients
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        // The one class there is (CLASS_PROVIDERS), in the person's words.
        let class = lang.t("class-providers");
        recipient_text = if names.is_empty() {
            class
        } else {
            lang.t_with(
                "recipients-and-class",
                &[("names", names.into()), ("class", class.into())],
            )
        };
    }
    let revocation = lang.t_with("revocation-provider", &[("provider", (&provider).into())]);
    let final_event = lang.t("event-final-disposition");
    let day = |x: DateTime<Utc>| lang.date_long(x.with_timezone(&tz).date_naive());
    let expiry = match (expires_at, at_disposition) {
        (Some(x), true) => lang.t_with(
            "expiry-day-or-disposition",
            &[("date", day(x).into()), ("event", final_event.into())],
        ),
        (Some(x), false) => lang.t_with("expiry-day", &[("date", day(x).into())]),
        (None, _) => lang.t_with("expiry-at-disposition", &[("event", final_event.into())]),
    };
    let text = form_text(
        &lang,
        &FormParts {
            kind: Kind::General,
            disclosers: &provider,
            information: &information,
            recipients: &recipient_text,
            purpose,
            revocation: &revocation,
            expiry: &expiry,
            irrevocable: None,
        },
    );
    let row = ConsentRow {
        id: Uuid::now_v7(),
        participant_id: enc.participant_id,
        encounter_id: enc.id,
        kind: Kind::General.as_str().into(),
        discloser_org_ids: join_ids(&[provider_id]),
        recipient_org_ids: join_ids(&recipients.iter().map(|o| o.id).collect::<Vec<_>>()),
        purpose: purpose.into(),
        signed_name: signed_name.into(),
        signed_at: now,
        expires_at,
        revoked_at: None,
        recorded_by: ctx.actor.user_id,
        information: information
            .iter()
            .map(|i| i.as_str())
            .collect::<Vec<_>>()
            .join(","),
        recipient_class: class.map(String::from),
        revocation_text: revocation,
        expiry_event: at_disposition.then(|| Event::FinalDisposition.as_str().into()),
        irrevocable_until_at: None,
        irrevocable_until_event: None,
        signature_method: "typed".into(),
        attestation: lang.t("attestation"),
        form_text: text,
        revoked_by: None,
        revoke_note: None,
        language: lang.code().to_string(),
    };
    tx.insert_consent(&row).await?;
    tx.insert_case_event(&event(
        app,
        &enc,
        Some(ctx.actor.user_id),
        "consent.signed",
        &format!("General consent recorded: to {recipient_text}"),
    ))
    .await?;
    audit::record(
        &mut tx,
        app,
        ctx,
        "consent.create",
        "consent",
        &row.id.to_string(),
        ALLOWED,
        Kind::General.as_str(),
    )
    .await?;
    tx.commit().await?;
    Ok(row.id)
}

/// "Use at most 500 characters." (limits under 1000, written without a separator).
fn at_most(n: i64) -> String {
    staff_with("err-consent-at-most", &[("n", n.into())])
}

fn end_of_day(d: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let next = d.succ_opt().unwrap_or(d);
    next.and_hms_opt(0, 0, 0)
        .and_then(|n| tz.from_local_datetime(&n).earliest())
        .map(|x| x.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Records that the person asked to revoke a consent (they tell the provider). Returns
/// the state that follows: revoked at once, or for a 2.35 consent in its irrevocable
/// period, pending until final disposition.
pub async fn revoke(app: &App, ctx: &Ctx, consent_id: Uuid, note: &str) -> AppResult<State> {
    let now = app.now();
    let mut tx = app.store.write().await?;
    let Some(row) = found(tx.consent(consent_id).await)? else {
        return denied(tx, app, ctx, "consent.revoke", "consent", consent_id).await;
    };
    let release = Kind::parse(&row.kind) == Some(Kind::Release);
    let checked = if release {
        release_case(app, ctx, &mut tx, &row).await?
    } else {
        // Only a provider that discloses under it records its revocation.
        provider_case(app, ctx, &mut tx, row.encounter_id)
            .await?
            .filter(|(_, org)| parse_ids(&row.discloser_org_ids).contains(org))
    };
    let Some((enc, _)) = checked else {
        return denied(tx, app, ctx, "consent.revoke", "consent", consent_id).await;
    };
    if row.revoked_at.is_some() {
        tx.rollback().await?;
        return Err(AppError::Conflict(staff("err-consent-revoked-already")));
    }
    let note = note.trim();
    if note.chars().count() > 500 {
        tx.rollback().await?;
        return Err(AppError::field("note", at_most(500)));
    }
    tx.revoke_consent_by(consent_id, now, ctx.actor.user_id, note)
        .await?;
    let orgs = tx.orgs(enc.program_id).await?;
    let mut t = terms(&row, &orgs);
    t.revoked_at = Some(now);
    let h = happened(&mut tx, enc.id).await?;
    let state = t.state(&h, now);
    if release {
        // The partner learns nothing more, and the referrals resting on it end.
        crate::releases::on_revoked(&mut tx, app, ctx, &enc, consent_id, now).await?;
    } else {
        tx.insert_case_event(&event(
            app,
            &enc,
            Some(ctx.actor.user_id),
            "consent.revoked",
            &format!("Revocation of a consent recorded: {}", state.label()),
        ))
        .await?;
    }
    audit::record(
        &mut tx,
        app,
        ctx,
        "consent.revoke",
        "consent",
        &consent_id.to_string(),
        ALLOWED,
        state.label(),
    )
    .await?;
    tx.commit().await?;
    Ok(state)
}

// ----- reading consents -----------------------------------------------------------------

/// A consent as lists and the printable form show it.
#[derive(Debug, Clone)]
pub struct ConsentLine {
    pub row: ConsentRow,
    pub kind: Kind,
    pub state: State,
    pub recipients: Vec<String>,
    pub disclosers: Vec<String>,
    /// The information it names, as staff pages name it.
    pub information: Vec<String>,
}

impl ConsentLine {
    pub fn state_label(&self) -> String {
        staff(&self.state.key())
    }
    pub fn kind_label(&self) -> String {
        staff(&self.kind.key())
    }
    pub fn kind_is(&self, code: &str) -> bool {
        self.kind.as_str() == code
    }
}

pub fn lines(
    rows: &[ConsentRow],
    h: &Happened,
    orgs: &[OrgRow],
    now: DateTime<Utc>,
) -> Vec<ConsentLine> {
    let name = |id: Uuid| {
        orgs.iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| staff("err-consent-org-gone"))
    };
    rows.iter()
        .map(|r| {
            let t = terms(r, orgs);
            let mut recipients: Vec<String> = parse_ids(&r.recipient_org_ids)
                .into_iter()
                .map(name)
                .collect();
            if let Some(c) = &r.recipient_class {
                recipients.push(class_label(c));
            }
            ConsentLine {
                kind: t.kind,
                state: t.state(h, now),
                recipients,
                disclosers: parse_ids(&r.discloser_org_ids)
                    .into_iter()
                    .map(name)
                    .collect(),
                information: t.information.iter().map(|i| staff(&i.key())).collect(),
                row: r.clone(),
            }
        })
        .collect()
}

/// Whether a consent row is `org`'s to see (`domain::consent::concerns`), with a class of
/// recipients resolved against the program's organizations.
fn concerns(row: &ConsentRow, orgs: &[OrgRow], org: Uuid) -> bool {
    consent::concerns(
        &parse_ids(&row.discloser_org_ids),
        &terms(row, orgs).recipients,
        org,
    )
}

/// The consents of a case that `org` discloses under or is named in, for its pages: a
/// provider's referral page, the agency's case page, the prosecutor's hold.
pub async fn for_org(
    tx: &mut Tx,
    enc: &EncounterRow,
    org: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<ConsentLine>> {
    let rows = tx.consents_for_encounter(enc.id).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let orgs = tx.orgs(enc.program_id).await?;
    let rows: Vec<ConsentRow> = rows
        .into_iter()
        .filter(|r| concerns(r, &orgs, org))
        .collect();
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let h = happened(tx, enc.id).await?;
    Ok(lines(&rows, &h, &orgs, now))
}

/// The printable consent form.
pub struct ConsentForm {
    pub line: ConsentLine,
    pub person_name: String,
    pub person_dob: NaiveDate,
    pub recorded_by: String,
    pub revoked_by: Option<String>,
    pub tz: Tz,
    /// The 2.32 notice, shown when the reader is on the legal side.
    pub notice: Option<&'static str>,
    /// The language it was signed in: the printed form is in it.
    pub lang: Lang,
}

/// Reads a consent for printing: a member of an organization the consent names (as
/// discloser or recipient) who may read its case from the agency's, the prosecutor's or a
/// provider's side. Audited.
pub async fn form(app: &App, ctx: &Ctx, consent_id: Uuid) -> AppResult<ConsentForm> {
    let now = app.now();
    let mut tx = app.store.write().await?;
    let Some(row) = found(tx.consent(consent_id).await)? else {
        return denied(tx, app, ctx, "consent.read", "consent", consent_id).await;
    };
    let enc = tx.encounter(row.encounter_id).await?;
    let orgs = tx.orgs(enc.program_id).await?;
    let mut reader = None;
    for action in [
        CaseAction::ViewEncounter,
        CaseAction::ViewHold,
        CaseAction::ViewReferral,
    ] {
        let facts = access_facts(&mut tx, &enc, now, action).await?;
        reader = match case_access(&ctx.actor, action, &facts) {
            Access::Allow(View::Legal { org_id, .. }) => Some((org_id, true)),
            Access::Allow(View::Clinical { org_id }) => Some((org_id, false)),
            _ => None,
        }
        .filter(|(org, _)| concerns(&row, &orgs, *org));
        if reader.is_some() {
            break;
        }
    }
    let Some((_, legal)) = reader else {
        return denied(tx, app, ctx, "consent.read", "consent", consent_id).await;
    };
    let (_, tz) = load_program(&mut tx, enc.program_id).await?;
    let h = happened(&mut tx, enc.id).await?;
    let person = tx.participant(row.participant_id).await?;
    let recorded_by = tx.user(row.recorded_by).await?.display_name;
    let revoked_by = match row.revoked_by {
        Some(u) => Some(tx.user(u).await?.display_name),
        None => None,
    };
    audit::record(
        &mut tx,
        app,
        ctx,
        "consent.read",
        "consent",
        &consent_id.to_string(),
        ALLOWED,
        "",
    )
    .await?;
    tx.commit().await?;
    let line = lines(std::slice::from_ref(&row), &h, &orgs, now)
        .pop()
        .ok_or(AppError::NotFound)?;
    let lang = app.texts().lang(&line.row.language);
    Ok(ConsentForm {
        line,
        person_name: format!("{} {}", person.first_name, person.last_name),
        person_dob: person.dob,
        recorded_by,
        revoked_by,
        tz,
        notice: legal.then_some(consent::NOTICE_2_32),
        lang,
    })
}
