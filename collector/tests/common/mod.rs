//! Shared test helpers: the collector in process (`in_process`) and as its own process
//! (`server`), the insights' plain model
//! (`insights_model`), the store's test databases (`store_support`), and the webhook
//! forwarder's in-memory queue and local receiver (`forward_queue`, `forward_receiver`),
//! HS256 tokens of any claims (`tokens`).
//! Each test crate uses some of them.
#![allow(dead_code)]

pub mod forward_queue;
pub mod forward_receiver;
pub mod in_process;
pub mod insights_model;
pub mod server;
pub mod store_support;
pub mod tokens;
