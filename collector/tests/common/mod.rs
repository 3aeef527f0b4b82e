//! Shared test helpers: the real collector process (`server`).
pub mod server;
