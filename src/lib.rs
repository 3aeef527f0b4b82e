//! cancel-flow: an honest cancel flow for subscription shops.
//!
//! The crate has two halves. [`core`] is pure Rust (config, flow state machine, outcome
//! payload, messages) and is what native `cargo test` exercises. With the `web` feature
//! (the default), `web` adds the browser adapters (custom element entry points,
//! delivery, storage, events, `Intl`) and `ui` the Leptos views, one per step.

pub mod core;

#[cfg(feature = "web")]
pub mod ui;
#[cfg(feature = "web")]
pub mod web;

pub use crate::core::config::Config;
pub use crate::core::config_parse::{parse_config, Overrides, Parsed};
pub use crate::core::flow::{Action, Flow, Step};
pub use crate::core::outcome::Outcome;
#[cfg(feature = "web")]
pub use crate::ui::component::CancelFlow;
