//! The prosecutor's decision on a held charge, as typed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::*;
use crate::FieldErrors;
use crate::hold::ProsecutorDecision;

/// The prosecutor's decision, as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct HoldDecisionInput {
    #[schema(schema_with = schema::hold_decision, required = true)]
    pub decision: String,
    #[schema(max_length = 1000, required = true)]
    pub reason: String,
    #[schema(schema_with = deadline_schema)]
    pub new_deadline: String,
}

fn deadline_schema() -> utoipa::openapi::schema::Object {
    schema::date("extend: the new last day.")
}

pub struct HoldDecision {
    pub decision: ProsecutorDecision,
    pub reason: String,
    pub new_deadline: Option<NaiveDate>,
}

impl HoldDecisionInput {
    pub fn parse(&self) -> Result<HoldDecision, FieldErrors> {
        let mut e = FieldErrors::new();
        let decision = ProsecutorDecision::parse(self.decision.trim());
        if decision.is_none() {
            e.add("decision", staff("err-input-hold-decision-required"));
        }
        let reason = text(
            &mut e,
            "reason",
            &self.reason,
            "err-input-label-reason",
            1000,
            true,
        );
        let new_deadline = match self.new_deadline.trim() {
            "" => None,
            s => match parse_date(s) {
                Some(d) => Some(d),
                None => {
                    e.add("new_deadline", staff("err-input-hold-new-deadline-format"));
                    None
                }
            },
        };
        if decision == Some(ProsecutorDecision::Extend) && self.new_deadline.trim().is_empty() {
            e.add(
                "new_deadline",
                staff("err-input-hold-new-deadline-required"),
            );
        }
        match decision {
            Some(decision) if e.is_empty() => Ok(HoldDecision {
                decision,
                reason,
                new_deadline,
            }),
            _ => Err(e),
        }
    }
}
