//! Cancellations from Stripe (COLLECTOR.md section 9), pure: no I/O, no clock, no store;
//! this module imports nothing from the rest of the crate.
//!
//! - [`signature`]: the `Stripe-Signature` header checked against the raw body and the
//!   endpoint's signing secret ([`verify`]), and a header made for a body ([`sign`]), as
//!   Stripe's own libraries do it.
//! - [`events`]: a verified event body read into the cancellation it reports, or into
//!   "acknowledged and ignored" ([`read_event`]).
//!
//! What is left to the caller: the current time (`now`, Unix seconds) passed to [`verify`],
//! the answers (`400 {"error": …}` with the errors' messages, `200 {"received": true}`),
//! and the storage. In particular **the same event id twice counts once is the storage's
//! job**: Stripe delivers at least once and retries until it gets a `2xx`, so one event can
//! arrive several times; [`read_event`] reads each delivery the same way and hands back the
//! event's `id` ([`StripeCancellation::event_id`]) for the storage to record once.

pub mod events;
pub mod signature;

pub use events::{read_event, EventError, StripeCancellation, StripeEvent};
pub use signature::{sign, verify, Malformed, SignatureError, HEADER, TOLERANCE_SECONDS};
