//! Safety flags beside the person's name (ADR 0021): set and cleared from the responder's
//! case page or the provider's referral page, each with a reason. The form is one partial
//! (`flags.html`) both pages include; each page's module takes its posts.
use handoff_app::flags::FlagInput;

use crate::kit::forms::{Fields, FromFields};

/// The flag form as typed.
#[derive(Debug, Clone, Default)]
pub(crate) struct FlagForm {
    pub action: String,
    pub kind: String,
    pub flag: String,
    pub reason: String,
}

impl FromFields for FlagForm {
    fn from_fields(f: &mut Fields) -> Self {
        FlagForm {
            action: f.get("flag_action"),
            kind: f.get("flag_kind"),
            flag: f.get("flag"),
            reason: f.get("flag_reason"),
        }
    }
}

impl FlagForm {
    pub(crate) fn input(&self) -> FlagInput {
        FlagInput {
            action: self.action.clone(),
            kind: self.kind.clone(),
            flag: self.flag.clone(),
            reason: self.reason.clone(),
        }
    }
}
