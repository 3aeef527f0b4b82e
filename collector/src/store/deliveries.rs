//! The webhook deliveries still to make: the store is the forwarder's queue
//! (`crate::webhook::DeliveryQueue`, its methods are this file's), so the forwarder knows
//! nothing of SQL and the store nothing of HTTP. Each newly stored outcome has one delivery
//! (`pending`), which ends `delivered` or `failed`. Updates apply to pending deliveries
//! only (a delivery erased with its customer, or already finished, is left alone).
//! `attempts` counts the attempts made: the worker sets it on a retry, and the final
//! attempt adds one when marking a delivery delivered or failed.

use super::error::StoreError;
use super::types::DeliveryCounts;
use super::values::{clean, parse_ts, ts};
use super::Store;
use crate::webhook::{DeliveryQueue, DueDelivery};
use time::OffsetDateTime;

impl DeliveryQueue for Store {
    type Error = StoreError;

    /// Pending deliveries due at `now` (`next_attempt_at <= now`), oldest stored first, at
    /// most `limit`.
    async fn due_deliveries(&self, now: OffsetDateTime, limit: i64) -> Result<Vec<DueDelivery>, StoreError> {
        let rows = self.backend.due_deliveries(&ts(now), limit.max(0)).await?;
        rows.into_iter()
            .map(|(outcome_id, body, attempts, first, stored)| {
                Ok(DueDelivery {
                    outcome_id,
                    body,
                    attempts,
                    first_attempt_at: first.as_deref().map(parse_ts).transpose()?,
                    stored_at: parse_ts(&stored)?,
                })
            })
            .collect()
    }

    /// The earliest `next_attempt_at` of the pending deliveries; `None` when there is none.
    async fn next_due_at(&self) -> Result<Option<OffsetDateTime>, StoreError> {
        self.backend.next_due_at().await?.as_deref().map(parse_ts).transpose()
    }

    /// The receiver acknowledged it at `at`: never sent again.
    async fn delivery_done(&self, outcome_id: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        self.backend.delivery_done(outcome_id, &ts(at)).await
    }

    /// An attempt failed: `attempts` made so far, the next one at `next_at`, the error seen,
    /// and when the first attempt was made (kept if one is recorded already).
    async fn delivery_retry(
        &self,
        outcome_id: &str,
        attempts: i32,
        next_at: OffsetDateTime,
        error: &str,
        first_attempt_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let (next_at, first, now) = (ts(next_at), ts(first_attempt_at), ts(OffsetDateTime::now_utc()));
        self.backend.delivery_retry(outcome_id, attempts, &next_at, &clean(error), &first, &now).await
    }

    /// Given up at `at` with the last error: shown on the insights page, never retried.
    async fn delivery_failed(&self, outcome_id: &str, at: OffsetDateTime, error: &str) -> Result<(), StoreError> {
        self.backend.delivery_failed(outcome_id, &ts(at), &clean(error)).await
    }
}

impl Store {
    /// How many deliveries are pending, failed and delivered.
    pub async fn delivery_counts(&self) -> Result<DeliveryCounts, StoreError> {
        let mut counts = DeliveryCounts::default();
        for (state, n) in self.backend.delivery_counts().await? {
            let n = u64::try_from(n).unwrap_or(0);
            match state.as_str() {
                "pending" => counts.pending = n,
                "failed" => counts.failed = n,
                "delivered" => counts.delivered = n,
                _ => {}
            }
        }
        Ok(counts)
    }
}
