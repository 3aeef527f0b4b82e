//! Forwarding from one collector at a time: the forwarder runs in the collector that
//! holds the forwarder lease (one at a time on a shared PostgreSQL; always on SQLite),
//! and another collector waiting for the lease asks again every 15 seconds, so it takes
//! over when the forwarding one stops.

use super::Forwarder;
use crate::store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// How often a collector without the lease asks for it again.
const LEASE_RETRY: Duration = Duration::from_secs(15);

/// Waits for the lease on `database`, then runs `forwarder` under it, until `stop`.
pub async fn forward_while_leader(
    store: Store,
    database: String,
    forwarder: Forwarder<Store>,
    wake: Arc<Notify>,
    stop: CancellationToken,
) {
    let mut said = false;
    let lease = loop {
        match store.try_forwarder_lease(&database).await {
            Ok(Some(lease)) => break lease,
            Ok(None) if !said => {
                tracing::info!("another collector forwards the webhooks; this one takes over if it stops");
                said = true;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "cannot tell which collector forwards the webhooks"),
        }
        tokio::select! {
            _ = tokio::time::sleep(LEASE_RETRY) => {}
            _ = stop.cancelled() => return,
        }
    };
    forwarder.run(wake, stop).await;
    drop(lease);
}
