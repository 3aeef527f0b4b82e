//! The pure core: config, flow, outcome, messages. No web-sys, no clock, no randomness
//! of its own; everything here compiles and is tested natively.

pub mod catalog;
pub mod config;
pub mod config_parse;
#[cfg(feature = "schema")]
pub mod config_schema;
pub mod date;
pub mod delivery;
pub mod events;
pub mod flow;
pub mod i18n;
pub mod json;
pub mod offer_text;
pub mod outcome;
pub mod outcome_read;
pub mod presets;
pub mod reader;
pub mod receipt;
pub mod retry;
