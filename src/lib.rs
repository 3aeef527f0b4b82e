//! cancel-flow: an honest cancel flow for subscription shops.
//!
//! Four layers, each importing only the ones below it:
//! - [`core`]: pure Rust (config, flow state machine, outcome payload, retry policy,
//!   messages and locale negotiation). No web-sys; what native `cargo test` exercises,
//!   and what the shop's collector shares for the payload types.
//! - `web` (browser adapters: HTTP, the sender, the outbox, DOM events, the dialog,
//!   `Intl`, the clock) imports only `core`.
//! - `ui` (Leptos views, one per step, and the state they render) imports only `core`.
//! - `app` wires `ui` to `web`: the wasm entry points, the shell of a mounted flow and
//!   the `CancelFlow` component.
//!
//! `web`, `ui` and `app` come with the `web` feature (the default).

pub mod core;

#[cfg(feature = "web")]
pub mod app;
#[cfg(feature = "web")]
pub mod ui;
#[cfg(feature = "web")]
pub mod web;

#[cfg(feature = "web")]
pub use crate::app::component::CancelFlow;
pub use crate::core::config::Config;
pub use crate::core::config_parse::{parse_config, Overrides, Parsed};
pub use crate::core::flow::{Action, Flow, Step};
pub use crate::core::outcome::Outcome;
