//! Group commit: every outcome to store goes through one bounded queue to one writer task,
//! which takes everything waiting (up to [`BATCH_LIMIT`]) into a single transaction and
//! answers each submitter only after the commit. One fsync then covers many outcomes, and
//! SQLite never sees two writers at once.
//!
//! A full queue answers [`WriteError::Overloaded`] at once; a batch the database cannot
//! take (down, restarting, busy) answers [`WriteError::Unavailable`] to each of its items,
//! and the writer goes on with the next batch: the pool reconnects by itself when the
//! database is back. An item the database refuses outright is isolated (the batch is
//! retried one item at a time), so it cannot fail the others.

use crate::store::{Insert, NewOutcome, Store, StoreError};
use futures::FutureExt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, Notify};
use tokio_util::sync::CancellationToken;

/// Outcomes that may wait for the writer; beyond that, [`WriteError::Overloaded`].
pub const QUEUE_CAPACITY: usize = 4096;
/// The most outcomes committed in one transaction.
pub const BATCH_LIMIT: usize = 512;
/// The pause after a failed batch, so a failing database is not hammered.
const PAUSE_AFTER_FAILURE: Duration = Duration::from_millis(100);

/// Why an outcome was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// The queue is full: answer 503 with `Retry-After`.
    #[error("too many outcomes waiting to be stored")]
    Overloaded,
    /// The database cannot take it now: answer 503 with `Retry-After` (nothing stored).
    #[error("the database is unavailable")]
    Unavailable,
    /// The database refuses this outcome itself (an out-of-range value): retrying the same
    /// body fails again, so this is not a 503.
    #[error("the database refused this outcome")]
    Rejected,
}

/// The submitting side of the writer: cheap to clone.
#[derive(Clone, Debug)]
pub struct Writer {
    queue: mpsc::Sender<Job>,
}

#[derive(Debug)]
struct Job {
    item: NewOutcome,
    reply: oneshot::Sender<Result<Insert, WriteError>>,
}

impl Writer {
    /// The writer and the task that commits for it (run it with [`WriterTask::run`]).
    /// With `forward`, each stored outcome gets a pending delivery; `on_commit` is
    /// notified after each commit that stored something.
    pub fn new(store: Store, forward: bool, on_commit: Option<Arc<Notify>>) -> (Writer, WriterTask) {
        let (queue, jobs) = mpsc::channel(QUEUE_CAPACITY);
        (Writer { queue }, WriterTask { store, forward, on_commit, jobs })
    }

    /// Stores one outcome with whatever else is waiting; answers after the commit.
    pub async fn submit(&self, item: NewOutcome) -> Result<Insert, WriteError> {
        let (reply, answer) = oneshot::channel();
        self.queue.try_send(Job { item, reply }).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => WriteError::Overloaded,
            mpsc::error::TrySendError::Closed(_) => WriteError::Unavailable,
        })?;
        answer.await.unwrap_or(Err(WriteError::Unavailable))
    }
}

/// The committing side: one task, started by whoever owns the background work.
#[derive(Debug)]
pub struct WriterTask {
    store: Store,
    forward: bool,
    on_commit: Option<Arc<Notify>>,
    jobs: mpsc::Receiver<Job>,
}

impl WriterTask {
    /// Commits batches until `stop` is cancelled, then closes the queue and commits what
    /// is still in it (a submit after that answers [`WriteError::Unavailable`]); also ends
    /// when every [`Writer`] is dropped.
    pub async fn run(mut self, stop: CancellationToken) {
        let mut jobs = Vec::with_capacity(BATCH_LIMIT);
        while next_batch(&mut self.jobs, &mut jobs, BATCH_LIMIT, &stop).await > 0 {
            self.commit_waiting(&mut jobs).await;
        }
    }

    async fn commit_waiting(&self, jobs: &mut Vec<Job>) {
        let (items, replies): (Vec<NewOutcome>, Vec<_>) = jobs.drain(..).map(|j| (j.item, j.reply)).unzip();
        let results = commit(&self.store, &items, self.forward).await;
        if results.iter().any(|r| matches!(r, Ok(Insert::Stored))) {
            if let Some(notify) = &self.on_commit {
                notify.notify_one();
            }
        }
        let failed = results.iter().any(|r| r == &Err(WriteError::Unavailable));
        for (reply, result) in replies.into_iter().zip(results) {
            // A submitter that gave up (its client went away) still had its outcome stored.
            let _ = reply.send(result);
        }
        if failed {
            tokio::time::sleep(PAUSE_AFTER_FAILURE).await;
        }
    }
}

/// Waits for the next batch of a group-commit queue into `batch` (up to `limit`: whatever
/// is waiting, at least one): until `stop` is cancelled, then the queue is closed and what
/// is still in it comes out. 0 when the queue is closed and empty (or every sender gone):
/// the committing task ends. Shared with `serving::recorder`.
pub async fn next_batch<T>(
    queue: &mut mpsc::Receiver<T>,
    batch: &mut Vec<T>,
    limit: usize,
    stop: &CancellationToken,
) -> usize {
    tokio::select! {
        n = queue.recv_many(batch, limit) => n,
        _ = stop.cancelled() => {
            queue.close();
            queue.recv_many(batch, limit).await
        }
    }
}

/// One result per item, in order.
async fn commit(store: &Store, items: &[NewOutcome], forward: bool) -> Vec<Result<Insert, WriteError>> {
    match insert(store, items, forward).await {
        Ok(results) => results.into_iter().map(Ok).collect(),
        Err(e) if e.is_rejected() && items.len() > 1 => {
            tracing::warn!(error = %e, items = items.len(), "a batch was refused; storing its outcomes one by one");
            let mut results = Vec::with_capacity(items.len());
            for item in items {
                results.push(match insert(store, std::slice::from_ref(item), forward).await {
                    Ok(mut one) => one.pop().ok_or(WriteError::Unavailable),
                    Err(e) => Err(failure(&e, 1)),
                });
            }
            results
        }
        Err(e) => vec![Err(failure(&e, items.len())); items.len()],
    }
}

/// `insert_batch`, with a panic turned into an error so the writer task survives it.
async fn insert(store: &Store, items: &[NewOutcome], forward: bool) -> Result<Vec<Insert>, StoreError> {
    AssertUnwindSafe(store.insert_batch(items, forward))
        .catch_unwind()
        .await
        .unwrap_or_else(|_| Err(StoreError::Database("storing a batch panicked".into())))
}

fn failure(e: &StoreError, items: usize) -> WriteError {
    tracing::warn!(error = %e, items, "could not store outcomes");
    if e.is_rejected() {
        WriteError::Rejected
    } else {
        WriteError::Unavailable
    }
}
