//! A provider's escalation list on the roster page (ADR 0019): the form as typed is the
//! service's own input (the roster's module takes its posts).
use handoff_app::escalation::EscalationInput;

use crate::kit::forms::{Fields, FromFields};

impl FromFields for EscalationInput {
    fn from_fields(f: &mut Fields) -> Self {
        EscalationInput {
            action: f.get("esc_action"),
            organization: f.get("organization"),
            user: f.get("user"),
            name: f.get("name"),
            channel: f.get("channel"),
            address: f.get("address"),
            position: f.get("position"),
        }
    }
}
