//! A verified Stripe event body read into what the collector counts (COLLECTOR.md
//! section 9). Stripe's event: `{"id": "evt_…", "object": "event", "type": "…", "created":
//! <unix>, "data": {"object": {…}, "previous_attributes": {…}}, …}`.
//!
//! Two types count, both about a subscription (`data.object`, `"object": "subscription"`):
//! - `customer.subscription.deleted`: the subscription has ended; it was cancelled at
//!   `data.object.canceled_at`, else `data.object.ended_at`, else the event's `created`.
//! - `customer.subscription.updated` where `data.object.cancel_at_period_end` is `true`
//!   and `data.previous_attributes.cancel_at_period_end` is `false`: the customer asked to
//!   cancel at the end of the period; cancelled at `data.object.canceled_at`, else the
//!   event's `created`. Any other update (a plan change, a resumed subscription, …) is
//!   ignored.
//!
//! Every other type is [`StripeEvent::Ignored`]: acknowledged, not counted. Times are Unix
//! seconds; a `null` time counts as absent. Fields this module does not read may be
//! anything. Errors name the JSON path of what is wrong (`data.object.id: is required`).
//!
//! The same event delivered twice reads the same twice: counting it once, by its `id`, is
//! the storage's job.

use serde_json::Value;
use time::OffsetDateTime;

/// The longest event or subscription id taken, in bytes (as `POST
/// /v1/subscriptions/<id>/cancelled` takes; Stripe's ids are far shorter).
pub const MAX_ID_LEN: usize = 200;

/// `customer.subscription.deleted`: the subscription has ended.
pub const SUBSCRIPTION_DELETED: &str = "customer.subscription.deleted";
/// `customer.subscription.updated`: counted only when it schedules the cancellation.
pub const SUBSCRIPTION_UPDATED: &str = "customer.subscription.updated";

/// A subscription cancelled, as one Stripe event reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeCancellation {
    /// The event's `id` (`evt_…`): the storage counts each one once.
    pub event_id: String,
    /// `data.object.id` (`sub_…`), the `customer.subscription_id` of the outcomes.
    pub subscription_id: String,
    /// When it was cancelled.
    pub at: OffsetDateTime,
}

/// What one Stripe event means to the collector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StripeEvent {
    /// A cancellation to count.
    Cancellation(StripeCancellation),
    /// Anything else: acknowledged (`200`) and not counted. `kind` is the event's `type`.
    Ignored { event_id: String, kind: String },
}

/// Why an event body could not be read. Each message names the JSON path at fault.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    /// The body is not JSON at all.
    #[error("body: is not JSON ({0})")]
    NotJson(#[from] serde_json::Error),
    /// A field the event needs is missing or of the wrong kind.
    #[error("{path}: {problem}")]
    Invalid {
        /// Dotted JSON path, e.g. `data.object.id`.
        path: &'static str,
        /// What is wrong with it, e.g. `is required`.
        problem: &'static str,
    },
}

/// A field: its dotted path (for messages) and its JSON pointer (for reading).
struct Field {
    path: &'static str,
    pointer: &'static str,
}

const ID: Field = Field { path: "id", pointer: "/id" };
const TYPE: Field = Field { path: "type", pointer: "/type" };
const CREATED: Field = Field { path: "created", pointer: "/created" };
const OBJECT_ID: Field = Field { path: "data.object.id", pointer: "/data/object/id" };
const CANCELED_AT: Field = Field { path: "data.object.canceled_at", pointer: "/data/object/canceled_at" };
const ENDED_AT: Field = Field { path: "data.object.ended_at", pointer: "/data/object/ended_at" };
const CANCEL_AT_PERIOD_END: &str = "/data/object/cancel_at_period_end";
const PREVIOUS_CANCEL_AT_PERIOD_END: &str = "/data/previous_attributes/cancel_at_period_end";

const REQUIRED: &str = "is required";
const STRING: &str = "must be a string";
const ID_LENGTH: &str = "must be 1 to 200 characters";
const UNIX: &str = "must be Unix seconds (a whole number) or null";

fn invalid(field: &Field, problem: &'static str) -> EventError {
    EventError::Invalid { path: field.path, problem }
}

/// Reads a verified event body: `customer.subscription.deleted` → cancelled at
/// `data.object.canceled_at` (else `ended_at`, else the event's `created`), all Unix
/// seconds; `customer.subscription.updated` with `data.object.cancel_at_period_end` true
/// AND `data.previous_attributes.cancel_at_period_end` false → cancelled at
/// `data.object.canceled_at` (else `created`); every other type (and an update that is not
/// that change) → [`StripeEvent::Ignored`].
///
/// Always required: `id` and `type` (strings). For both subscription types,
/// `data.object.id` too (whether or not the update counts); `created` only when it is the
/// time used.
pub fn read_event(body: &[u8]) -> Result<StripeEvent, EventError> {
    let event: Value = serde_json::from_slice(body)?;
    if !event.is_object() {
        return Err(EventError::Invalid { path: "body", problem: "must be a JSON object (a Stripe event)" });
    }
    let event_id = id(&event, &ID)?;
    let kind = match event.pointer(TYPE.pointer) {
        Some(Value::String(kind)) => kind.as_str(),
        Some(_) => return Err(invalid(&TYPE, STRING)),
        None => return Err(invalid(&TYPE, REQUIRED)),
    };
    let cancellation = match kind {
        SUBSCRIPTION_DELETED => {
            let subscription_id = id(&event, &OBJECT_ID)?;
            Some((subscription_id, first_time(&event, &[&CANCELED_AT, &ENDED_AT, &CREATED])?))
        }
        SUBSCRIPTION_UPDATED => {
            let subscription_id = id(&event, &OBJECT_ID)?;
            if schedules_cancellation(&event) {
                Some((subscription_id, first_time(&event, &[&CANCELED_AT, &CREATED])?))
            } else {
                None
            }
        }
        _ => None,
    };
    Ok(match cancellation {
        Some((subscription_id, at)) => StripeEvent::Cancellation(StripeCancellation {
            event_id: event_id.to_string(),
            subscription_id: subscription_id.to_string(),
            at,
        }),
        None => StripeEvent::Ignored { event_id: event_id.to_string(), kind: kind.to_string() },
    })
}

/// The update turned `cancel_at_period_end` from `false` to `true` (both exactly booleans):
/// the customer asked to cancel at the end of the period.
fn schedules_cancellation(event: &Value) -> bool {
    event.pointer(CANCEL_AT_PERIOD_END) == Some(&Value::Bool(true))
        && event.pointer(PREVIOUS_CANCEL_AT_PERIOD_END) == Some(&Value::Bool(false))
}

/// An id: a string of 1 to [`MAX_ID_LEN`] bytes.
fn id<'a>(event: &'a Value, field: &Field) -> Result<&'a str, EventError> {
    match event.pointer(field.pointer) {
        Some(Value::String(s)) if !s.is_empty() && s.len() <= MAX_ID_LEN => Ok(s),
        Some(Value::String(_)) => Err(invalid(field, ID_LENGTH)),
        Some(Value::Null) | None => Err(invalid(field, REQUIRED)),
        Some(_) => Err(invalid(field, STRING)),
    }
}

/// The first of `fields` that holds a time (absent and `null` are skipped); the last one
/// is required.
fn first_time(event: &Value, fields: &[&Field]) -> Result<OffsetDateTime, EventError> {
    for field in fields {
        match event.pointer(field.pointer) {
            Some(Value::Null) | None => continue,
            Some(Value::Number(n)) => {
                return n
                    .as_i64()
                    .and_then(|seconds| OffsetDateTime::from_unix_timestamp(seconds).ok())
                    .ok_or_else(|| invalid(field, UNIX))
            }
            Some(_) => return Err(invalid(field, UNIX)),
        }
    }
    Err(invalid(fields.last().expect("at least one field"), REQUIRED))
}
