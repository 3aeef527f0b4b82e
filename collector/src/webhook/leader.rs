//! Starting the webhook forwarder: it runs in the collector that holds the forwarder
//! lease (one at a time on a shared PostgreSQL; always on SQLite), and another collector
//! waiting for the lease checks again every 15 seconds, so it takes over when the
//! forwarding one stops.

use super::{Forwarder, WebhookSecret};
use crate::store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

/// How often a collector without the lease asks for it again.
const LEASE_RETRY: Duration = Duration::from_secs(15);

/// Forwards new outcomes to `url` until `stop` turns true.
pub fn start(
    store: Store,
    database: String,
    url: String,
    secret: WebhookSecret,
    retry_base: Duration,
    wake: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
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
                _ = stop.wait_for(|s| *s) => return,
            }
        };
        let shutdown = async move {
            let _ = stop.wait_for(|s| *s).await;
        };
        match Forwarder::spawn(store, &url, secret, retry_base, wake, shutdown) {
            Ok(f) => f.join().await,
            Err(e) => tracing::error!("--webhook-url: {e}"),
        }
        drop(lease);
    })
}
