//! The store as the forwarder's queue: `forward::DeliveryQueue` implemented by `Store`'s
//! delivery methods, so the forwarder knows nothing of SQL and the store nothing of HTTP.

use crate::store::{Store, StoreError};
use crate::webhook::{DeliveryQueue, DueDelivery};
use time::OffsetDateTime;

impl DeliveryQueue for Store {
    type Error = StoreError;

    async fn due_deliveries(&self, now: OffsetDateTime, limit: i64) -> Result<Vec<DueDelivery>, StoreError> {
        Ok(Store::due_deliveries(self, now, limit)
            .await?
            .into_iter()
            .map(|d| DueDelivery {
                outcome_id: d.outcome_id,
                body: d.body,
                attempts: d.attempts,
                first_attempt_at: d.first_attempt_at,
                stored_at: d.stored_at,
            })
            .collect())
    }

    async fn next_due_at(&self) -> Result<Option<OffsetDateTime>, StoreError> {
        Store::next_due_at(self).await
    }

    async fn delivery_done(&self, outcome_id: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        Store::delivery_done(self, outcome_id, at).await
    }

    async fn delivery_retry(
        &self,
        outcome_id: &str,
        attempts: i32,
        next_at: OffsetDateTime,
        error: &str,
        first_attempt_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        Store::delivery_retry(self, outcome_id, attempts, next_at, error, first_attempt_at).await
    }

    async fn delivery_failed(&self, outcome_id: &str, at: OffsetDateTime, error: &str) -> Result<(), StoreError> {
        Store::delivery_failed(self, outcome_id, at, error).await
    }
}
