//! The store's public types: an outcome to store and what storing it did, the filters of
//! the reads, and the rows they return. (A delivery due now is the forwarder's own type:
//! `crate::webhook::DueDelivery`.)

use crate::insights::tally::Tally;
use cancel_flow::core::outcome::Outcome;
use serde::Serialize;
use time::OffsetDateTime;

/// An outcome to store: the body exactly as received, its canonical form (see
/// [`canonical`](fn@crate::store::canonical)) and the fields the store indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutcome {
    /// The outcome's id (its idempotency key).
    pub id: String,
    /// The body exactly as received: what is forwarded and exported.
    pub body: String,
    /// The body's JSON values in canonical form: equal for the same values.
    pub canonical: String,
    /// `customer.id`.
    pub customer_id: String,
    /// `customer.subscription_id`.
    pub subscription_id: Option<String>,
    /// `flow_id`.
    pub flow_id: String,
    /// `plan_id`.
    pub plan_id: String,
    /// `test`.
    pub test: bool,
    /// `result.type`.
    pub result_type: String,
    /// `survey.reason_id`.
    pub reason_id: Option<String>,
    /// `created_at` (stored in UTC, to the microsecond).
    pub created_at: OffsetDateTime,
    /// When the collector received it.
    pub received_at: OffsetDateTime,
    /// Cancelled with the keep-in-touch opt-in ticked.
    pub keep_in_touch: bool,
    /// The survey's comment, when one was typed.
    pub comment: Option<String>,
    /// What it adds to the insights' counts.
    pub tally: Tally,
}

impl NewOutcome {
    /// The outcome `outcome`, read from `body`, to store.
    pub fn of(
        outcome: &Outcome,
        body: String,
        canonical: String,
        created_at: OffsetDateTime,
        received_at: OffsetDateTime,
    ) -> NewOutcome {
        let result_type = outcome.result.type_name();
        NewOutcome {
            id: outcome.id.clone(),
            body,
            canonical,
            customer_id: outcome.customer.id.clone(),
            subscription_id: outcome.customer.subscription_id.clone(),
            flow_id: outcome.flow_id.clone(),
            plan_id: outcome.plan_id.clone(),
            test: outcome.test,
            result_type: result_type.to_string(),
            reason_id: outcome.survey.as_ref().map(|s| s.reason_id.clone()),
            created_at: created_at.to_offset(time::UtcOffset::UTC),
            received_at,
            keep_in_touch: result_type == "cancelled" && outcome.keep_in_touch,
            comment: outcome.survey.as_ref().and_then(|s| s.comment.clone()).filter(|c| !c.trim().is_empty()),
            tally: Tally::of(outcome),
        }
    }
}

/// What storing one outcome did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insert {
    /// Newly stored (with a pending delivery when forwarding).
    Stored,
    /// The same id with the same canonical body was stored before: nothing written.
    Duplicate,
    /// The same id with a different canonical body was stored before: nothing written.
    Conflict,
}

/// How many deliveries are in each state (all of them, whatever any filter).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryCounts {
    /// Waiting for an attempt or a retry.
    pub pending: u64,
    /// Given up (3 days without an acknowledgement).
    pub failed: u64,
    /// Acknowledged.
    pub delivered: u64,
}

/// Which stored outcomes an export returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFilter {
    /// Only this flow.
    pub flow_id: Option<String>,
    /// From this UTC date of `created_at`, inclusive.
    pub from: Option<time::Date>,
    /// Up to this UTC date of `created_at`, inclusive.
    pub to: Option<time::Date>,
    /// Include test outcomes (hidden by default).
    pub include_test: bool,
}

/// A comment left in the survey, for the insights page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The outcome's `created_at`, in UTC.
    pub created_at: OffsetDateTime,
    /// The flow.
    pub flow_id: String,
    /// The reason given.
    pub reason_id: String,
    /// How the session ended (`result.type`).
    pub result_type: String,
    /// The comment as typed (any text: shown as text, never as markup).
    pub text: String,
}

/// One page of comments, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommentPage {
    /// Comments matching the filters, on every page.
    pub total: u64,
    /// This page's comments.
    pub items: Vec<Comment>,
}

/// Someone who cancelled and asked to hear about improvements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeepInTouch {
    /// The stored order (increasing).
    pub seq: i64,
    /// `customer.id`: the shop joins its own contact data on it.
    pub customer_id: String,
    /// `customer.subscription_id`.
    pub subscription_id: Option<String>,
    /// The flow.
    pub flow_id: String,
    /// The outcome's `created_at`, in UTC.
    pub created_at: OffsetDateTime,
    /// The reason given, if any.
    pub reason_id: Option<String>,
    /// The comment, if any (erased after the retention period).
    pub comment: Option<String>,
}

/// A stored outcome, as exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOutcome {
    /// The stored order (increasing).
    pub seq: i64,
    /// The outcome's id.
    pub id: String,
    /// The body exactly as received.
    pub body: String,
    /// When it was received.
    pub received_at: OffsetDateTime,
    /// Its `created_at`, in UTC.
    pub created_at: OffsetDateTime,
}
