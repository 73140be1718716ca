//! A contact attempt as typed (Active Outreach, Naloxone Plus follow-up).

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::*;
use crate::{AttemptOutcome, FieldErrors};

/// A contact attempt (Active Outreach, Naloxone Plus follow-up), as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AttemptInput {
    /// RFC 3339, or a local "YYYY-MM-DDTHH:MM".
    #[schema(schema_with = attempted_schema, required = true)]
    pub attempted_at: String,
    #[schema(schema_with = schema::attempt_outcome, required = true)]
    pub outcome: String,
    /// Who went (officer, clinician, peer).
    #[schema(max_length = 200)]
    pub team: String,
    #[schema(max_length = 1000)]
    pub note: String,
}

fn attempted_schema() -> utoipa::openapi::schema::Object {
    schema::when("When the attempt was made")
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub attempted_at: DateTime<Utc>,
    pub outcome: AttemptOutcome,
    pub team: String,
    pub note: String,
}

impl AttemptInput {
    /// `since`: the encounter's time (an attempt cannot come before it).
    pub fn parse(
        &self,
        tz: Tz,
        now: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<Attempt, FieldErrors> {
        let mut e = FieldErrors::new();
        let at = match parse_local_datetime(&self.attempted_at, tz) {
            None => {
                e.add("attempted_at", staff("err-input-attempt-at-required"));
                None
            }
            Some(t) if t > now + Duration::minutes(5) => {
                e.add("attempted_at", staff("err-input-attempt-at-future"));
                None
            }
            Some(t) if t < since => {
                e.add(
                    "attempted_at",
                    staff("err-input-attempt-at-before-encounter"),
                );
                None
            }
            Some(t) => Some(t),
        };
        let outcome = AttemptOutcome::parse(self.outcome.trim());
        if outcome.is_none() {
            e.add("outcome", staff("err-input-attempt-outcome-required"));
        }
        let team = text(
            &mut e,
            "team",
            &self.team,
            "err-input-label-team",
            200,
            false,
        );
        let note = text(
            &mut e,
            "note",
            &self.note,
            "err-input-label-note",
            1000,
            false,
        );
        match (at, outcome) {
            (Some(attempted_at), Some(outcome)) if e.is_empty() => Ok(Attempt {
                attempted_at,
                outcome,
                team,
                note,
            }),
            _ => Err(e),
        }
    }
}
