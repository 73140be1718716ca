//! The integration suite: one binary that boots the real server on port 0 against a
//! fresh database, on SQLite always and on PostgreSQL when HANDOFF_TEST_POSTGRES_URL is
//! set. Time is a controlled clock; nothing sleeps.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit;
mod bad_input;
mod calendar;
mod capacity;
mod codes;
mod consent;
mod contract;
mod digest;
mod directory;
mod emergency;
mod encryption;
mod escalation;
mod flags;
mod flows;
mod languages;
mod links;
mod measures;
mod mfa;
mod paging;
mod pathways;
mod planner;
mod policy;
mod receivers;
mod releases;
mod reminders;
mod reports;
mod research_referrals;
mod retention;
mod rules;
mod screening;
mod security;
mod services;
mod signin;
mod sms;
mod smtp;
mod storage;
mod support;
mod tls;
mod trail;
mod web;
mod webhooks;
mod worker;
