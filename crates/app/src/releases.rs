//! The person's release for a referral to a partner that is not a treatment service (issue
//! 15, ADR 0017). A shelter, a recovery community or a benefits office is neither a Part 2
//! program nor, mostly, a covered entity: the referring agency tells it who the person is
//! and what they need only because the person signed a release naming it. The release is a
//! consent row of kind `release` (`domain::consent`), recorded in the referral's
//! transaction; the referral keeps its id. The partner sees the referral (its queue, its
//! page, and so the person) only while the release is valid: not revoked, not expired.
//! Revoking it ends the referrals that rest on it.
use chrono::{DateTime, Duration, Utc};
use handoff_domain::FieldErrors;
use handoff_domain::consent::{Info, Kind};
use handoff_domain::referral::{self, ActionKind, History, ReferralStatus, Side};
use handoff_storage::{ConsentRow, EncounterRow, OrgRow, ServiceEventRow, Tx};
use uuid::Uuid;

use crate::audit::Ctx;
use crate::case::case_event;
use crate::{App, AppResult};
use handoff_i18n::{Lang, staff, staff_with};

/// How long a release lasts unless revoked.
pub const VALID_DAYS: i64 = 365;

/// The release as typed with the referral: the person's name as signed, and the
/// responder's confirmation that the person read (or was read) it.
pub struct Typed<'a> {
    pub signed_name: &'a str,
    pub confirmed: &'a str,
}

/// Checks the release typed for referrals to `partners` (services that need one, by name),
/// adding errors by field; the signed name when it is complete.
pub fn check(typed: &Typed<'_>, partners: &[String], errors: &mut FieldErrors) -> Option<String> {
    if partners.is_empty() {
        return None;
    }
    let name = typed.signed_name.trim();
    let mut ok = true;
    if name.is_empty() {
        errors.add(
            "release_signed_name",
            staff_with(
                "err-releases-needed",
                &[
                    ("partners", partners.join(", ").into()),
                    ("count", partners.len().into()),
                ],
            ),
        );
        ok = false;
    } else if name.chars().count() > 200 || name.chars().any(char::is_control) {
        errors.add("release_signed_name", staff("err-releases-signed-name"));
        ok = false;
    }
    if typed.confirmed.trim() != "yes" {
        errors.add("release_confirmed", staff("err-releases-confirmed"));
        ok = false;
    }
    ok.then(|| name.to_string())
}

/// The release naming `partner` for referrals to `services`, as the person signs it, in
/// their language.
pub fn row(
    enc: &EncounterRow,
    (agency, partner): (&OrgRow, &OrgRow),
    services: &[String],
    signed: crate::consent_terms::Signed,
    lang: &Lang,
) -> ConsentRow {
    let crate::consent_terms::Signed {
        name: signed_name,
        by,
        at: now,
    } = signed;
    let expires_at = now + Duration::days(VALID_DAYS);
    let purpose = lang.t_with(
        "release-purpose",
        &[("services", services.join(", ").into())],
    );
    let revocation = lang.t_with(
        "release-revocation",
        &[
            ("agency", (&agency.name).into()),
            ("partner", (&partner.name).into()),
        ],
    );
    let expiry = lang.t_with(
        "expiry-release",
        &[("date", lang.date_long(expires_at.date_naive()).into())],
    );
    let form_text = crate::consent_terms::form_text(
        lang,
        &crate::consent_terms::FormParts {
            kind: Kind::Release,
            disclosers: &agency.name,
            information: &[Info::Referral],
            recipients: &partner.name,
            purpose: &purpose,
            revocation: &revocation,
            expiry: &expiry,
            irrevocable: None,
        },
    );
    ConsentRow {
        id: Uuid::now_v7(),
        participant_id: enc.participant_id,
        encounter_id: enc.id,
        kind: Kind::Release.as_str().into(),
        discloser_org_ids: agency.id.to_string(),
        recipient_org_ids: partner.id.to_string(),
        purpose,
        signed_name,
        signed_at: now,
        expires_at: Some(expires_at),
        revoked_at: None,
        recorded_by: by,
        information: Info::Referral.as_str().into(),
        recipient_class: None,
        revocation_text: revocation,
        expiry_event: None,
        irrevocable_until_at: None,
        irrevocable_until_event: None,
        signature_method: "typed".into(),
        attestation: lang.t("attestation"),
        form_text,
        revoked_by: None,
        revoke_note: None,
        language: lang.code().to_string(),
    }
}

/// Ends the open referrals that rest on a revoked release: cancelled by the referring side,
/// the reason "declined", their held units released.
pub async fn on_revoked(
    tx: &mut Tx,
    app: &App,
    ctx: &Ctx,
    enc: &EncounterRow,
    release_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let reason = "The person declined: they revoked their release";
    let mut ended = 0;
    for mut r in tx.referrals_for_encounter(enc.id).await? {
        if r.release_id != Some(release_id) {
            continue;
        }
        let from = ReferralStatus::parse(&r.status).unwrap_or(ReferralStatus::Requested);
        let Ok((status, business)) = referral::transition(
            from,
            Side::Requester,
            ActionKind::Cancel,
            Some(reason),
            None,
            History {
                intake_done: r.intake_at.is_some(),
            },
        ) else {
            // Closed already.
            continue;
        };
        let expected = r.updated_at;
        r.status = status.as_str().into();
        r.business_status = business.as_str().into();
        r.status_reason = Some(reason.into());
        r.status_reason_code = Some(referral::OutcomeReason::Declined.as_str().into());
        r.updated_at = now.max(expected + Duration::microseconds(1));
        tx.update_referral(&r, expected).await?;
        // The partner's system learns only that it ended (no reason): it must stop.
        let told =
            crate::webhooks::referral_event(tx, app, &r, "updated", Some("cancel"), r.updated_at)
                .await?;
        tx.run(&told).await?;
        tx.insert_service_event(&ServiceEventRow {
            id: Uuid::now_v7(),
            referral_id: r.id,
            kind: ActionKind::Cancel.as_str().into(),
            occurred_at: now,
            status_after: status.as_str().into(),
            reason: Some(reason.into()),
            note: None,
            detail_json:
                serde_json::json!({ "reason_code": "declined", "release_revoked": release_id })
                    .to_string(),
            recorded_by: ctx.actor.user_id,
            recorded_at: now,
        })
        .await?;
        crate::directory::held::on_referral_step(tx, r.id, ActionKind::Cancel, now).await?;
        let kind = if r.counts_for_hold {
            "referral.cancelled"
        } else {
            "care.referral_cancelled"
        };
        case_event(
            tx,
            app,
            enc,
            Some(ctx.actor.user_id),
            kind,
            "Referral ended: the person revoked their release",
        )
        .await?;
        ended += 1;
    }
    if ended > 0 {
        crate::facts::refresh(tx, app, enc.id).await?;
    }
    Ok(ended)
}
