//! How the typed inputs are described in the API's OpenAPI document (issue 13). The
//! closed vocabularies are listed from the enums themselves, so the document cannot list a
//! code the parser refuses or miss one it takes. In the API a field left out is "not
//! given": an empty string is not a code, and dates and times are in their formats.
use utoipa::openapi::schema::{KnownFormat, Object, ObjectBuilder, SchemaFormat, Type};

use crate::eligibility::Attestation;
use crate::hold::ProsecutorDecision;
use crate::referral::ActionKind;
use crate::{
    AttemptOutcome, ContactKind, Ethnicity, ExitKind, HandoffMode, HoldKind, OutreachSource,
    Pathway, Race, Sex,
};

fn codes(values: impl IntoIterator<Item = &'static str>, description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.into_iter().collect::<Vec<_>>()))
        .description(Some(description))
        .build()
}

fn formatted(format: KnownFormat, description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(format)))
        .description(Some(description))
        .build()
}

pub fn date(description: &str) -> Object {
    formatted(KnownFormat::Date, description)
}

/// A time as people and systems type it: RFC 3339, or a local time in the program's zone.
pub fn when(what: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(40))
        .description(Some(format!(
            "{what}: RFC 3339 (2026-05-01T14:30:00-05:00), or the program's local time (2026-05-01T14:30)."
        )))
        .examples(["2026-05-01T14:30:00-05:00"])
        .build()
}

pub fn id(description: &str) -> Object {
    formatted(KnownFormat::Uuid, description)
}

pub fn pathway() -> Object {
    codes(
        Pathway::ALL.iter().map(|p| p.as_str()),
        "The deflection pathway; left out: officer_intervention.",
    )
}
pub fn sex() -> Object {
    codes(Sex::ALL.iter().map(|p| p.as_str()), "NIBRS sex code.")
}
pub fn race() -> Object {
    codes(Race::ALL.iter().map(|p| p.as_str()), "NIBRS race code.")
}
pub fn ethnicity() -> Object {
    codes(
        Ethnicity::ALL.iter().map(|p| p.as_str()),
        "NIBRS ethnicity code.",
    )
}
pub fn yes_no() -> Object {
    codes(["yes", "no"], "yes or no.")
}
pub fn yes() -> Object {
    codes(
        ["yes"],
        "yes: the person confirmed the release of information.",
    )
}
pub fn contact_kind() -> Object {
    codes(
        ContactKind::ALL.iter().map(|p| p.as_str()),
        "officer_referral: how the person was met.",
    )
}
pub fn outreach_source() -> Object {
    codes(
        OutreachSource::ALL.iter().map(|p| p.as_str()),
        "active_outreach: why the person is on the list.",
    )
}
pub fn attempt_outcome() -> Object {
    codes(
        AttemptOutcome::ALL.iter().map(|p| p.as_str()),
        "What came of the attempt.",
    )
}
pub fn attestations() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(codes(
            Attestation::ALL.iter().map(|p| p.as_str()),
            "An attestation the officer made after a records check.",
        ))
        .max_items(Some(Attestation::ALL.len()))
        .build()
}
pub fn offer_response() -> Object {
    codes(
        ["accepted", "declined"],
        "The person's answer to the offer.",
    )
}
pub fn handoff_mode() -> Object {
    codes(
        HandoffMode::ALL.iter().map(|p| p.as_str()),
        "How the person is handed to the provider.",
    )
}
pub fn hold_kind() -> Object {
    codes(
        HoldKind::ALL.iter().map(|p| p.as_str()),
        "officer_intervention: how the charge is held.",
    )
}
pub fn referral_action() -> Object {
    codes(
        ActionKind::ALL.iter().map(|p| p.as_str()),
        "The step to record.",
    )
}
pub fn outcome_reason() -> Object {
    codes(
        crate::referral::OutcomeReason::ALL
            .iter()
            .map(|p| p.as_str()),
        "reject, fail, cancel, on_hold: the coded reason (or say it in `reason`).",
    )
}
pub fn exit_kind() -> Object {
    codes(
        ExitKind::ALL.iter().map(|p| p.as_str()),
        "exit: how the person left.",
    )
}
pub fn contact_outcome() -> Object {
    codes(
        crate::referral::ContactOutcome::CODES,
        "contact_attempt: what came of it.",
    )
}
pub fn hold_decision() -> Object {
    codes(
        ProsecutorDecision::ALL.iter().map(|p| p.as_str()),
        "The prosecutor's decision.",
    )
}
