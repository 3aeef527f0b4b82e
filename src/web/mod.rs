//! Browser adapters: the wasm-bindgen entry point, the controller that syncs the flow
//! with the outside world, delivery with retry, the outbox, DOM events, `Intl`.

pub mod controller;
pub mod delivery;
pub mod env;
pub mod events;
pub mod focus;
pub mod intl;
pub mod mount;
pub mod outbox;
