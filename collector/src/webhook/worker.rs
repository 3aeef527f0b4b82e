//! The forwarder: one task that posts pending deliveries to the webhook URL, one at a time,
//! in the order their outcomes were stored, and records each result in the queue.
//!
//! - `2xx`: done, never sent again.
//! - `410 Gone`: forwarding stops until the process restarts. Nothing is recorded: that
//!   delivery and every later one stay pending and go out after the restart. Logged once.
//! - anything else (another status, a redirect, no answer within 15 s, a refused
//!   connection): retried with [`super::backoff`], or marked failed once the next
//!   attempt would fall more than 3 days after the first.
//!
//! Order and failures: a failed delivery is rescheduled and the pass goes on with the later
//! ones. With a healthy receiver every delivery succeeds at its first attempt, so they
//! arrive in stored order. A receiver that rejects one outcome (a `400` for a body it
//! dislikes, say) does not hold back the others for 3 days: holding every later outcome
//! behind a failing head would keep order only in name (the head is then skipped anyway
//! when it fails for good) and would starve a shop of all its outcomes. When the receiver
//! is down, every pending delivery backs off on its own schedule, so it sees at most about
//! one attempt per pending delivery per backoff step; after it recovers, retried deliveries
//! arrive in the order their retries fall due. Each attempt re-signs with a fresh
//! timestamp; `webhook-id` (the outcome id) stays the same, so receivers drop duplicates.
//!
//! Waiting: after a pass the task sleeps until the earliest next attempt, a `wake`
//! notification (call `wake.notify_one()` after committing a new outcome), shutdown, or at
//! most [`IDLE_RECHECK`] (a safety net for outcomes stored by another collector on the
//! same database). No busy polling; each fetch is bounded by [`BATCH`]. Pending deliveries
//! live in the store, so a restarted collector resumes them without doing anything special.
//!
//! Shutdown: a delivery in flight is finished and recorded (at most 15 s), then the task
//! ends. Delivery is at least once: a crash between the receiver's `2xx` and the record
//! sends that outcome again after the restart. The secret is never logged, and neither is
//! the URL (it may carry a token); errors are recorded without it.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use reqwest::{StatusCode, Url};
use time::OffsetDateTime;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::backoff::{self, Next};
use super::queue::{DeliveryQueue, DueDelivery};
use super::signature::{envelope, sign, WebhookSecret};

/// No answer within this time is a failed attempt.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(15);
/// The most deliveries fetched at once.
pub const BATCH: i64 = 100;
/// The longest sleep when nothing is due: how soon an outcome stored by another collector
/// on the same database (which cannot wake this one) is forwarded. One small indexed
/// query each time.
pub const IDLE_RECHECK: Duration = Duration::from_secs(5);
/// The longest wait before retrying after a store error (they start at 1 s and double).
const MAX_STORE_PAUSE: Duration = Duration::from_secs(60);
/// How much of a refusal's body is kept in the recorded error.
const ERROR_BODY_CHARS: usize = 200;

/// Why the forwarder could not start.
#[derive(Debug)]
pub enum SetupError {
    /// The webhook URL is not an absolute `http://` or `https://` URL.
    BadUrl,
    /// The HTTP client could not be built.
    Client(reqwest::Error),
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BadUrl => f.write_str("the webhook URL must be an absolute http:// or https:// URL"),
            Self::Client(e) => write!(f, "cannot build the webhook HTTP client: {e}"),
        }
    }
}

impl std::error::Error for SetupError {}

/// `url` when it is an absolute `http://` or `https://` URL with a host: the only
/// receivers the forwarder posts to.
pub fn receiver_url(url: &str) -> Result<Url, SetupError> {
    Url::parse(url).ok().filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host()).ok_or(SetupError::BadUrl)
}

/// The forwarder, ready to run: [`Forwarder::run`] sends until it is told to stop.
pub struct Forwarder<Q> {
    queue: Q,
    client: reqwest::Client,
    url: Url,
    secret: WebhookSecret,
    retry_base: Duration,
}

impl<Q> std::fmt::Debug for Forwarder<Q> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Neither the URL (it may carry a token) nor the secret.
        f.debug_struct("Forwarder").finish_non_exhaustive()
    }
}

impl<Q: DeliveryQueue> Forwarder<Q> {
    /// A forwarder of `queue`'s deliveries to `url`.
    pub fn new(queue: Q, url: &str, secret: WebhookSecret, retry_base: Duration) -> Result<Self, SetupError> {
        let url = receiver_url(url)?;
        let client = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("cancel-flow-collector/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(SetupError::Client)?;
        Ok(Forwarder { queue, client, url, secret, retry_base })
    }

    /// Sends whatever is due at once (so pending deliveries left by a previous run are
    /// resumed), then as deliveries fall due or `wake` is notified, until `stop` is
    /// cancelled (the delivery in flight is finished and recorded first).
    pub async fn run(self, wake: Arc<Notify>, stop: CancellationToken) {
        let mut store_pause = Duration::ZERO;
        loop {
            // Registered before the queue is read, so a notification during the pass counts.
            let notified = wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let wait = match self.pass(&stop).await {
                Ok(Pass::Stopped) => return,
                Ok(Pass::Gone) => {
                    tracing::error!(
                        "the webhook receiver answered 410 Gone: forwarding is stopped until the collector restarts; \
                         pending deliveries are kept and sent after the restart"
                    );
                    stop.cancelled().await;
                    return;
                }
                Ok(Pass::Idle) => match self.queue.next_due_at().await {
                    Ok(next) => {
                        store_pause = Duration::ZERO;
                        next.map_or(IDLE_RECHECK, |at| until(at).min(IDLE_RECHECK))
                    }
                    Err(e) => store_error(&mut store_pause, &e),
                },
                Err(e) => store_error(&mut store_pause, &e),
            };
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = &mut notified => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// Sends every due delivery, in stored order, a batch at a time.
    async fn pass(&self, stop: &CancellationToken) -> Result<Pass, Q::Error> {
        loop {
            let batch = self.queue.due_deliveries(OffsetDateTime::now_utc(), BATCH).await?;
            let full = batch.len() as i64 >= BATCH;
            for delivery in batch {
                if stop.is_cancelled() {
                    return Ok(Pass::Stopped);
                }
                let started = OffsetDateTime::now_utc();
                match self.attempt(&delivery).await {
                    Attempt::Delivered => {
                        self.queue.delivery_done(&delivery.outcome_id, OffsetDateTime::now_utc()).await?
                    }
                    Attempt::Gone => return Ok(Pass::Gone),
                    Attempt::Failed(error) => self.record_failure(&delivery, started, &error).await?,
                }
            }
            if !full {
                return Ok(Pass::Idle);
            }
        }
    }

    async fn record_failure(
        &self,
        delivery: &DueDelivery,
        started: OffsetDateTime,
        error: &str,
    ) -> Result<(), Q::Error> {
        let id = delivery.outcome_id.as_str();
        let attempts = delivery.attempts.saturating_add(1);
        let first = delivery.first_attempt_at.unwrap_or(started);
        let now = OffsetDateTime::now_utc();
        let failures = u32::try_from(attempts).unwrap_or(1);
        match backoff::after_failure(self.retry_base, failures, first, now, rand::random()) {
            Next::RetryAt(next) => {
                tracing::warn!(outcome_id = id, attempts, error, next_attempt_at = %next, "webhook delivery failed; will retry");
                self.queue.delivery_retry(id, attempts, next, error, first).await
            }
            Next::GiveUp => {
                tracing::error!(
                    outcome_id = id,
                    attempts,
                    error,
                    stored_at = %delivery.stored_at,
                    "webhook delivery failed for 3 days; given up"
                );
                self.queue.delivery_failed(id, now, error).await
            }
        }
    }

    async fn attempt(&self, delivery: &DueDelivery) -> Attempt {
        let timestamp = OffsetDateTime::now_utc().unix_timestamp();
        let sent_at = OffsetDateTime::from_unix_timestamp(timestamp).expect("now is a valid timestamp");
        let body = envelope(sent_at, &delivery.body);
        let signature = sign(self.secret.key(), &delivery.outcome_id, timestamp, &body);
        let request = self
            .client
            .post(self.url.clone())
            .header(CONTENT_TYPE, "application/json")
            .header("webhook-id", delivery.outcome_id.as_str())
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body);
        match request.send().await {
            Ok(response) if response.status().is_success() => Attempt::Delivered,
            Ok(response) if response.status() == StatusCode::GONE => Attempt::Gone,
            Ok(response) => Attempt::Failed(describe_refusal(response).await),
            Err(e) => Attempt::Failed(describe_error(e)),
        }
    }
}

enum Attempt {
    Delivered,
    Gone,
    Failed(String),
}

enum Pass {
    Idle,
    Gone,
    Stopped,
}

/// The time from now until `at` (zero when it has passed).
fn until(at: OffsetDateTime) -> Duration {
    Duration::try_from(at - OffsetDateTime::now_utc()).unwrap_or(Duration::ZERO)
}

/// Logs a store error and returns the pause before trying again (1 s, doubling to 60 s).
fn store_error(pause: &mut Duration, error: &impl std::fmt::Display) -> Duration {
    *pause = (*pause * 2).clamp(Duration::from_secs(1), MAX_STORE_PAUSE);
    tracing::warn!(%error, retry_in = ?*pause, "webhook forwarder: the store failed");
    *pause
}

/// `HTTP 500 Internal Server Error: <the start of the body>`.
async fn describe_refusal(mut response: reqwest::Response) -> String {
    let mut text = format!("HTTP {}", response.status());
    let mut bytes = Vec::new();
    while bytes.len() < ERROR_BODY_CHARS * 4 {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    let snippet: String = String::from_utf8_lossy(&bytes).split_whitespace().collect::<Vec<_>>().join(" ");
    if !snippet.is_empty() {
        text.push_str(": ");
        text.extend(snippet.chars().take(ERROR_BODY_CHARS));
    }
    text
}

/// `cannot connect: <root cause>` or `no answer: <root cause>`, without the URL.
fn describe_error(error: reqwest::Error) -> String {
    let error = error.without_url();
    if error.is_timeout() {
        return format!("no answer within {} s", SEND_TIMEOUT.as_secs());
    }
    let mut root: &dyn std::error::Error = &error;
    while let Some(cause) = root.source() {
        root = cause;
    }
    let kind = if error.is_connect() {
        "cannot connect"
    } else if error.is_builder() {
        "cannot build the request"
    } else {
        "no answer"
    };
    format!("{kind}: {root}")
}
