//! The offer as typed: accepted (consent, handoff, hold) or declined.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::*;
use crate::{FieldErrors, HandoffMode, HoldKind};

/// The officer's offer, as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct OfferInput {
    /// "accepted" or "declined".
    #[schema(schema_with = schema::offer_response, required = true)]
    pub response: String,
    /// declined: why.
    #[schema(max_length = 500)]
    pub decline_reason: String,
    /// The name the person typed or signed for the release of information.
    #[schema(max_length = 200)]
    pub consent_signed_name: String,
    /// "yes" when the person confirmed the release.
    #[schema(schema_with = schema::yes)]
    pub consent_confirmed: String,
    #[schema(schema_with = schema::handoff_mode)]
    pub handoff_mode: String,
    #[schema(schema_with = provider_schema)]
    pub provider_id: String,
    #[schema(schema_with = schema::hold_kind)]
    pub hold_kind: String,
    /// citation: its number.
    #[schema(max_length = 40)]
    pub citation_number: String,
    #[schema(schema_with = court_schema)]
    pub court_date: String,
}

fn provider_schema() -> utoipa::openapi::schema::Object {
    schema::id("accepted: the provider the person is handed to.")
}
fn court_schema() -> utoipa::openapi::schema::Object {
    schema::date("citation: the court date.")
}

#[derive(Debug, Clone, PartialEq)]
pub enum Offer {
    Declined {
        reason: String,
    },
    Accepted {
        consent_signed_name: String,
        handoff: HandoffMode,
        provider_id: Uuid,
        /// The legal hold (Officer Intervention only).
        hold: Option<HoldKind>,
        citation_number: Option<String>,
        court_date: Option<NaiveDate>,
    },
}

impl OfferInput {
    /// `charges`: the pathway holds a charge, so acceptance needs the hold.
    pub fn parse(&self, today: NaiveDate, charges: bool) -> Result<Offer, FieldErrors> {
        let mut e = FieldErrors::new();
        match self.response.trim() {
            "declined" => {
                let reason = text(
                    &mut e,
                    "decline_reason",
                    &self.decline_reason,
                    "err-input-label-decline-reason",
                    500,
                    true,
                );
                e.into_result(Offer::Declined { reason })
            }
            "accepted" => {
                let name = text(
                    &mut e,
                    "consent_signed_name",
                    &self.consent_signed_name,
                    "err-input-label-consent-signed-name",
                    200,
                    true,
                );
                if self.consent_confirmed.trim() != "yes" {
                    e.add(
                        "consent_confirmed",
                        staff("err-input-offer-consent-not-confirmed"),
                    );
                }
                let handoff = HandoffMode::parse(self.handoff_mode.trim());
                if handoff.is_none() {
                    e.add(
                        "handoff_mode",
                        staff("err-input-offer-handoff-mode-required"),
                    );
                }
                let provider = Uuid::parse_str(self.provider_id.trim()).ok();
                if provider.is_none() {
                    e.add("provider_id", staff("err-input-offer-provider-required"));
                }
                let hold = HoldKind::parse(self.hold_kind.trim());
                if !charges {
                    for (field, v) in [
                        ("hold_kind", &self.hold_kind),
                        ("citation_number", &self.citation_number),
                        ("court_date", &self.court_date),
                    ] {
                        if !v.trim().is_empty() {
                            e.add(field, staff("err-input-offer-no-charge-to-hold"));
                        }
                    }
                } else if hold.is_none() {
                    e.add("hold_kind", staff("err-input-offer-hold-kind-required"));
                }
                let mut citation_number = None;
                let mut court_date = None;
                if hold == Some(HoldKind::Citation) {
                    let c = text(
                        &mut e,
                        "citation_number",
                        &self.citation_number,
                        "err-input-label-citation-number",
                        40,
                        true,
                    );
                    citation_number = Some(c);
                    court_date = match parse_date(&self.court_date) {
                        Some(d) if d > today => Some(d),
                        Some(_) => {
                            e.add("court_date", staff("err-input-offer-court-date-past"));
                            None
                        }
                        None => {
                            e.add("court_date", staff("err-input-offer-court-date-required"));
                            None
                        }
                    };
                }
                match (handoff, provider, hold) {
                    (Some(handoff), Some(provider_id), hold)
                        if e.is_empty() && (hold.is_some() || !charges) =>
                    {
                        Ok(Offer::Accepted {
                            consent_signed_name: name,
                            handoff,
                            provider_id,
                            hold,
                            citation_number,
                            court_date,
                        })
                    }
                    _ => Err(e),
                }
            }
            _ => Err(FieldErrors::single(
                "response",
                staff("err-input-offer-response-required"),
            )),
        }
    }
}
