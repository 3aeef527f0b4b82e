//! The webhook deliveries still to make: the store is the forwarder's queue
//! (`crate::webhook::DeliveryQueue`, its methods are this file's), so the forwarder knows
//! nothing of SQL and the store nothing of HTTP. Each newly stored outcome has one delivery
//! (`pending`), which ends `delivered` or `failed`. Updates apply to
//! pending deliveries only (a delivery erased with its customer, or already finished, is
//! left alone). `attempts` counts the attempts made: the worker sets it on a retry, and
//! the final attempt adds one when marking a delivery delivered or failed.

use super::sql::{parse_ts, ts};
use super::{DeliveryCounts, Store, StoreError};
use crate::webhook::{DeliveryQueue, DueDelivery};
use sqlx::Row;
use time::OffsetDateTime;

impl DeliveryQueue for Store {
    type Error = StoreError;

    /// Pending deliveries due at `now` (`next_attempt_at <= now`), oldest stored first, at
    /// most `limit`.
    async fn due_deliveries(&self, now: OffsetDateTime, limit: i64) -> Result<Vec<DueDelivery>, StoreError> {
        let now = ts(now);
        let rows: Vec<(String, String, i32, Option<String>, String)> = on_pool!(self, |pool, sql| {
            sqlx::query_as(sql.due).bind(now.as_str()).bind(limit.max(0)).fetch_all(pool).await?
        });
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
        let at: Option<String> = on_pool!(self, |pool, sql| sqlx::query_scalar(sql.next_due).fetch_one(pool).await?);
        at.as_deref().map(parse_ts).transpose()
    }

    /// The receiver acknowledged it at `at`: never sent again.
    async fn delivery_done(&self, outcome_id: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        let at = ts(at);
        on_pool!(self, |pool, sql| {
            sqlx::query(sql.done).bind(outcome_id).bind(at.as_str()).execute(pool).await?;
        });
        Ok(())
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
        let error = error.replace('\0', "\u{fffd}");
        on_pool!(self, |pool, sql| {
            sqlx::query(sql.retry)
                .bind(outcome_id)
                .bind(attempts)
                .bind(next_at.as_str())
                .bind(error.as_str())
                .bind(first.as_str())
                .bind(now.as_str())
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Given up at `at` with the last error: shown on the insights page, never retried.
    async fn delivery_failed(&self, outcome_id: &str, at: OffsetDateTime, error: &str) -> Result<(), StoreError> {
        let at = ts(at);
        let error = error.replace('\0', "\u{fffd}");
        on_pool!(self, |pool, sql| {
            sqlx::query(sql.failed).bind(outcome_id).bind(at.as_str()).bind(error.as_str()).execute(pool).await?;
        });
        Ok(())
    }
}

impl Store {
    /// How many deliveries are pending, failed and delivered.
    pub async fn delivery_counts(&self) -> Result<DeliveryCounts, StoreError> {
        let rows = on_pool!(self, |pool, sql| {
            let rows = sqlx::query(sql.counts).fetch_all(pool).await?;
            rows.iter()
                .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<i64, _>(1)?)))
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        let mut counts = DeliveryCounts::default();
        for (state, n) in rows {
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
