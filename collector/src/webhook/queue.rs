//! What the forwarder needs from the store: the pending deliveries and a way to record each
//! attempt's result. The store implements it (its delivery methods are this trait's); the
//! forwarder's tests use an in-memory implementation. Decoupled this way, the worker is written and tested without a
//! database, and the store does not depend on the forwarder.
//!
//! Meaning of the calls, as the worker uses them:
//! - `due_deliveries(now, limit)`: at most `limit` pending deliveries whose next attempt is at
//!   or before `now`, in the order their outcomes were stored.
//! - `next_due_at()`: the earliest next attempt among pending deliveries (`None`: none pending).
//! - `delivery_done(id, at)`: acknowledged with a 2xx; never sent again.
//! - `delivery_retry(id, attempts, next_at, error, first_attempt_at)`: attempt number
//!   `attempts` (counting this one) failed with `error`; try again at `next_at`.
//! - `delivery_failed(id, at, error)`: given up after 3 days; shown as failed.

use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;

use time::OffsetDateTime;

/// A pending delivery whose time has come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    /// The outcome id: the `webhook-id` header.
    pub outcome_id: String,
    /// The outcome exactly as received: the envelope's `data`.
    pub body: String,
    /// Attempts made so far (0 for a new one).
    pub attempts: i32,
    /// When the first attempt was made (`None` before the first).
    pub first_attempt_at: Option<OffsetDateTime>,
    /// When the outcome was stored.
    pub stored_at: OffsetDateTime,
}

/// The pending deliveries, as the store keeps them. Implement with `async fn`s.
pub trait DeliveryQueue: Send + Sync + 'static {
    /// The store's error; only displayed (logged).
    type Error: Display + Send + 'static;

    fn due_deliveries(
        &self,
        now: OffsetDateTime,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<DueDelivery>, Self::Error>> + Send;

    fn next_due_at(&self) -> impl Future<Output = Result<Option<OffsetDateTime>, Self::Error>> + Send;

    fn delivery_done(
        &self,
        outcome_id: &str,
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;

    fn delivery_retry(
        &self,
        outcome_id: &str,
        attempts: i32,
        next_at: OffsetDateTime,
        error: &str,
        first_attempt_at: OffsetDateTime,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;

    fn delivery_failed(
        &self,
        outcome_id: &str,
        at: OffsetDateTime,
        error: &str,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

/// A shared queue is a queue (so `Arc<Store>` can be handed to the forwarder).
impl<Q: DeliveryQueue> DeliveryQueue for Arc<Q> {
    type Error = Q::Error;

    async fn due_deliveries(&self, now: OffsetDateTime, limit: i64) -> Result<Vec<DueDelivery>, Self::Error> {
        (**self).due_deliveries(now, limit).await
    }

    async fn next_due_at(&self) -> Result<Option<OffsetDateTime>, Self::Error> {
        (**self).next_due_at().await
    }

    async fn delivery_done(&self, outcome_id: &str, at: OffsetDateTime) -> Result<(), Self::Error> {
        (**self).delivery_done(outcome_id, at).await
    }

    async fn delivery_retry(
        &self,
        outcome_id: &str,
        attempts: i32,
        next_at: OffsetDateTime,
        error: &str,
        first_attempt_at: OffsetDateTime,
    ) -> Result<(), Self::Error> {
        (**self).delivery_retry(outcome_id, attempts, next_at, error, first_attempt_at).await
    }

    async fn delivery_failed(&self, outcome_id: &str, at: OffsetDateTime, error: &str) -> Result<(), Self::Error> {
        (**self).delivery_failed(outcome_id, at, error).await
    }
}
