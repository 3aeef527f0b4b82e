//! Shared test helpers: the real collector process (`server`).
pub mod insights_model;
pub mod server;
