//! Handoff's domain: the rules of a first responder diversion program, with no IO.
//!
//! Everything that decides something (eligibility, who may see what, which referral
//! status may follow which, when a deadline ends, how a measure is counted) lives here
//! so that it can be tested without a database or a server.
#![forbid(unsafe_code)]

pub mod calendar;
pub mod clock;
pub mod consent;
pub mod deadlines;
pub mod directory;
pub mod eligibility;
pub mod enums;
pub mod flags;
pub mod hold;
pub mod input;
pub mod measures;
pub mod needs;
pub mod pathways;
pub mod planner;
pub mod policy;
pub mod progress;
pub mod referral;
pub mod reminders;
pub mod reports;
pub mod rules_file;
pub mod screening;
pub mod service_measures;
pub mod suppress;

pub use clock::{Clock, ManualClock, SystemClock};
pub use enums::*;

/// Field-level validation errors: the field's form name and a sentence for the user.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FieldErrors(pub Vec<FieldError>);

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds an error; the same message for the same field is kept once (a list of a
    /// thousand equal bad values gives one error, not a thousand).
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let (field, message) = (field.into(), message.into());
        if !self
            .0
            .iter()
            .any(|e| e.field == field && e.message == message)
        {
            self.0.push(FieldError { field, message });
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The message for a field, if any (the first one).
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut e = Self::new();
        e.add(field, message);
        e
    }
    pub fn into_result<T>(self, ok: T) -> Result<T, FieldErrors> {
        if self.is_empty() { Ok(ok) } else { Err(self) }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}
