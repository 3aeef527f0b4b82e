//! Cancellations reported by the shop's backend (`POST /v1/subscriptions/<id>/cancelled`):
//! recorded once, and any save of that subscription in the 30 days before counts as lost.

use super::counts;
use super::deltas::{Cancellation, Deltas};
use super::error::StoreError;
use super::values::{clean, ts};
use super::Store;
use time::OffsetDateTime;

impl Store {
    /// Records that the shop's backend cancelled `subscription_id` at `at` (the same
    /// report twice is kept once), and marks its saves of the 30 days before as lost.
    pub async fn report_cancellation(&self, subscription_id: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        let subscription_id = clean(subscription_id);
        let (at_text, now) = (ts(at), ts(OffsetDateTime::now_utc()));
        let mut tx = self.backend.begin_write().await?;
        tx.report_cancellation(&subscription_id, &at_text, &now).await?;
        tx.lock_insights().await?;
        let mut deltas = Deltas::default();
        counts::mark_lost_before(tx.as_mut(), &[Cancellation::new(&subscription_id, at)], &mut deltas).await?;
        tx.add_counts(&deltas).await?;
        tx.commit().await
    }
}
