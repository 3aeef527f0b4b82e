//! Cancellations reported by the shop's backend (`POST /v1/subscriptions/<id>/cancelled`):
//! recorded once, and any save of that subscription in the 30 days before counts as lost.

use super::counts::{self, Cancellation, Conn, Deltas};
use super::outcomes::clean;
use super::sql::ts;
use super::{Store, StoreError};
use time::OffsetDateTime;

impl Store {
    /// Records that the shop's backend cancelled `subscription_id` at `at` (the same
    /// report twice is kept once), and marks its saves of the 30 days before as lost.
    pub async fn report_cancellation(&self, subscription_id: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        let subscription_id = clean(subscription_id);
        let at_text = ts(at);
        let now = ts(OffsetDateTime::now_utc());
        on_pool!(self, |pool, sql| {
            let mut tx = pool.begin_with(sql.begin_write).await?;
            sqlx::query(sql.report_cancellation)
                .bind(subscription_id.as_ref())
                .bind(at_text.as_str())
                .bind(now.as_str())
                .execute(&mut *tx)
                .await?;
            mark(&mut *tx, Cancellation::new(subscription_id.as_ref(), at)).await?;
            tx.commit().await?;
            Ok(())
        })
    }
}

async fn mark<C: Conn>(conn: &mut C, cancellation: Cancellation<'_>) -> Result<(), StoreError> {
    counts::lock(conn).await?;
    let mut deltas = Deltas::default();
    counts::mark_lost_before::<C::Db>(conn, &[cancellation], &mut deltas).await?;
    counts::add_counts(conn, &deltas).await
}
