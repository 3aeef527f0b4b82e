//! Forwarding stored outcomes to the shop's webhook URL, as Standard Webhooks 1.0
//! (contract section 5).
//!
//! - [`signature`]: the `whsec_` secret, the `v1,` signature and the `outcome.created` body.
//! - [`backoff`]: the retry schedule (pure).
//! - [`queue`]: what the forwarder needs from the store ([`DeliveryQueue`]; the store
//!   implements it, this module never imports the store).
//! - [`worker`]: the task that sends, one delivery at a time ([`Forwarder`]).

pub mod backoff;
pub mod queue;
pub mod signature;
pub mod worker;

pub use queue::{DeliveryQueue, DueDelivery};
pub use signature::WebhookSecret;
pub use worker::Forwarder;
