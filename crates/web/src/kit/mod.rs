//! The shared kit of the pages: what every feature's page uses (ADR 0014).
pub(crate) mod forms;
pub(crate) mod page;
pub(crate) mod render;
pub(crate) mod views;
#[cfg(test)]
mod words;
