//! Pages for people, one file per feature. Every form is a plain POST answered with a
//! redirect (post/redirect/get); a validation error re-renders the form with what the user
//! typed and the problem named next to each field.
pub(crate) mod admin;
pub(crate) mod audit;
pub(crate) mod calendar;
pub(crate) mod capacity_links;
pub(crate) mod case;
pub(crate) mod consents;
pub(crate) mod contacts;
pub(crate) mod dashboard;
pub(crate) mod directory;
pub(crate) mod directory_settings;
pub(crate) mod emergency;
pub(crate) mod encounters;
pub(crate) mod escalation;
pub(crate) mod flag_kinds;
pub(crate) mod flags;
pub(crate) mod holds;
pub(crate) mod languages;
pub(crate) mod links;
pub(crate) mod mfa;
pub(crate) mod org_texts;
pub(crate) mod outbox;
pub(crate) mod planner;
pub(crate) mod referrals;
pub(crate) mod reports;
pub(crate) mod rules;
pub(crate) mod screenings;
pub(crate) mod services;
pub(crate) mod sign_in;
pub(crate) mod webhooks;
