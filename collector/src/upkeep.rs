//! The collector's background upkeep: at start, count any outcomes stored before the
//! insights existed; then, at start and once a day, erase comments older than
//! `--retention` (the counts stay). A failure is logged and tried again in a minute.

use crate::store::Store;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How often comments past the retention period are looked for.
const SWEEP_EVERY: Duration = Duration::from_secs(24 * 60 * 60);
/// How long to wait after a failure.
const RETRY_AFTER: Duration = Duration::from_secs(60);

/// Runs the upkeep until `stop` is cancelled.
pub async fn run(store: Store, retention: Duration, stop: CancellationToken) {
    loop {
        match store.count_uncounted().await {
            Ok(0) => break,
            Ok(n) => {
                tracing::info!(outcomes = n, "outcomes stored before the insights are now counted");
                break;
            }
            Err(e) => tracing::warn!(error = %e, "counting earlier outcomes failed; trying again in a minute"),
        }
        if wait(&stop, RETRY_AFTER).await {
            return;
        }
    }
    loop {
        let before = time::OffsetDateTime::now_utc() - retention;
        let next = match store.erase_comments_before(before).await {
            Ok(n) => {
                if n > 0 {
                    tracing::info!(comments = n, %before, "comments past the retention period erased");
                }
                SWEEP_EVERY
            }
            Err(e) => {
                tracing::warn!(error = %e, "erasing old comments failed; trying again in a minute");
                RETRY_AFTER
            }
        };
        if wait(&stop, next).await {
            return;
        }
    }
}

/// Waits `d`; true when told to stop first.
async fn wait(stop: &CancellationToken, d: Duration) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(d) => false,
        _ = stop.cancelled() => true,
    }
}
