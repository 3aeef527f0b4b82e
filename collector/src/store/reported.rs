//! Cancellations reported by the shop's backend (`POST /v1/subscriptions/<id>/cancelled`)
//! or by Stripe (`POST /v1/billing/stripe`, once per event id): recorded once, and any
//! save of that subscription in the 30 days before counts as lost.

use super::counts;
use super::deltas::{AssignmentEnd, Cancellation, Deltas};
use super::error::StoreError;
use super::values::{clean, ts};
use super::Store;
use time::OffsetDateTime;

impl Store {
    /// Records that the shop's backend cancelled `subscription_id` at `at` (the same
    /// report twice is kept once), and marks its saves of the 30 days before as lost.
    pub async fn report_cancellation(&self, subscription_id: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        self.record_cancellation(None, subscription_id, at).await.map(|_| ())
    }

    /// Records a cancellation from a Stripe event, once per event id (`kind`: the event's
    /// type); false when the event was counted before (nothing is written then).
    pub async fn report_stripe_cancellation(
        &self,
        event_id: &str,
        kind: &str,
        subscription_id: &str,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.record_cancellation(Some((event_id, kind)), subscription_id, at).await
    }

    /// A cancellation, with the Stripe event it came from when it did (counted once).
    async fn record_cancellation(
        &self,
        event: Option<(&str, &str)>,
        subscription_id: &str,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let subscription_id = clean(subscription_id);
        let (at_text, now) = (ts(at), ts(OffsetDateTime::now_utc()));
        let mut tx = self.backend.begin_write().await?;
        if let Some((event_id, kind)) = event {
            if !tx.insert_stripe_event(&clean(event_id), &clean(kind), &now).await? {
                return Ok(false);
            }
        }
        tx.report_cancellation(&subscription_id, &at_text, &now).await?;
        let end = AssignmentEnd { subscription_id: Some(&subscription_id), customer_id: None, at: at_text.clone() };
        tx.end_assignments(&[end]).await?;
        tx.lock_insights().await?;
        let mut deltas = Deltas::default();
        counts::mark_lost_before(tx.as_mut(), &[Cancellation::new(&subscription_id, at)], &mut deltas).await?;
        tx.add_counts(&deltas).await?;
        tx.commit().await?;
        Ok(true)
    }
}
