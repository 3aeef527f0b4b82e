//! The one interface between the store and a database: [`Backend`] (the database: its
//! pool, the reads, the webhook queue, the migrations) and [`Transaction`] (the
//! statements of a write transaction, on one connection). `sqlite.rs` and `postgres.rs`
//! implement both and hold all of their database's SQL; everything else in `store/` is
//! written once against these traits. Adding a query means a method here and its SQL in
//! each of those two files.
//!
//! The store holds an `Arc<dyn Backend>` chosen once, from the URL, at connect; the
//! methods return boxed futures (`async-trait`): one allocation per call, next to a
//! database round trip.
//!
//! Values cross as the `values` module binds them (instants as fixed UTC text); rows come
//! back as tuples, decoded by position, their instants as that text.

use super::deltas::{AssignmentEnd, Cancellation, Deltas, LostSave, SaveWindow};
use super::error::StoreError;
use super::lease::ForwarderLease;
use super::values::{AssignmentRow, Bounds, Row};
use async_trait::async_trait;
use std::time::Duration;

/// How long acquiring a connection may take before the store answers "unavailable".
pub(super) const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// `(outcome_id, body, attempts, first_attempt_at?, received_at)` of a due delivery.
pub(super) type DueRow = (String, String, i32, Option<String>, String);
/// `(metric or day, key, total)`.
pub(super) type Summed = (String, String, i64);
/// `(created_at, flow_id, reason_id, result_type, text)` of a comment.
pub(super) type CommentRow = (String, String, String, String, String);
/// `(seq, customer_id, subscription_id, flow_id, created_at, reason_id, comment)`.
pub(super) type KeepRow = (i64, String, Option<String>, String, String, Option<String>, Option<String>);
/// `(seq, id, body, received_at, created_at)` of an exported outcome.
pub(super) type ExportRow = (i64, String, String, String, String);
/// `(seq, body, created_at, received_at)` of an outcome not yet counted.
pub(super) type UncountedRow = (i64, String, String, String);
/// `(body, created_at, flow_id, test, counted, lost)` of a customer's outcome.
pub(super) type CustomerRow = (String, String, String, bool, bool, bool);

/// `(version, document, created_at)` of a flow version.
pub(super) type FlowRow = (i64, String, String);
/// `(flow_id, version, created_at, experiment_id)` of a flow's latest version.
pub(super) type FlowListRow = (String, i64, String, Option<String>);
/// `(sessions, last session at, last discount at, pauses in a row)` of a customer.
pub(super) type HistoryCounts = (i64, Option<String>, Option<String>, i64);

/// A database: everything the store does outside a write transaction, and the way into one.
#[async_trait]
pub(super) trait Backend: FlowReads + Send + Sync + 'static {
    /// `"sqlite"` or `"postgres"`.
    fn kind(&self) -> &'static str;
    /// Applies the migrations (idempotent; safe with several collectors starting at once).
    async fn migrate(&self) -> Result<(), StoreError>;
    /// Whether a `SELECT 1` succeeds.
    async fn ping(&self) -> bool;
    /// Closes the pool, waiting for the connections in use.
    async fn close(&self);
    /// The right to forward, if no other collector holds it now (`database_url`: for a
    /// connection of the lease's own).
    async fn try_forwarder_lease(&self, database_url: &str) -> Result<Option<ForwarderLease>, StoreError>;

    /// A transaction for a batch insert, whose first statement is the insert (SQLite: a
    /// deferred `BEGIN`, the insert taking the write lock).
    async fn begin_insert(&self) -> Result<Box<dyn Transaction>, StoreError>;
    /// A transaction that writes (SQLite: `BEGIN IMMEDIATE`, so the busy timeout applies
    /// instead of failing on a stale read snapshot).
    async fn begin_write(&self) -> Result<Box<dyn Transaction>, StoreError>;

    // ---------------------------------------------------------------- the webhook queue
    /// Pending deliveries with `next_attempt_at <= now`, in stored order, at most `limit`.
    async fn due_deliveries(&self, now: &str, limit: i64) -> Result<Vec<DueRow>, StoreError>;
    /// The earliest pending `next_attempt_at`.
    async fn next_due_at(&self) -> Result<Option<String>, StoreError>;
    /// A pending delivery acknowledged at `at` (one more attempt).
    async fn delivery_done(&self, outcome_id: &str, at: &str) -> Result<(), StoreError>;
    /// A pending delivery's failed attempt: `attempts` so far, the next at `next_at`, the
    /// first at `first_attempt_at` unless one is recorded, updated `now`.
    async fn delivery_retry(
        &self,
        outcome_id: &str,
        attempts: i32,
        next_at: &str,
        error: &str,
        first_attempt_at: &str,
        now: &str,
    ) -> Result<(), StoreError>;
    /// A pending delivery given up at `at` (one more attempt).
    async fn delivery_failed(&self, outcome_id: &str, at: &str, error: &str) -> Result<(), StoreError>;
    /// `(state, count)` of the deliveries.
    async fn delivery_counts(&self) -> Result<Vec<(String, i64)>, StoreError>;

    // ---------------------------------------------------------------- reads
    /// `(metric, key, total)` of the daily counts within `bounds` (by day).
    async fn summed_counts(&self, bounds: &Bounds) -> Result<Vec<Summed>, StoreError>;
    /// `(day, result type, total)` within `bounds` (by day), by day.
    async fn results_by_day(&self, bounds: &Bounds) -> Result<Vec<Summed>, StoreError>;
    /// How many comments within `bounds` (and of `reason_id`).
    async fn comments_total(&self, bounds: &Bounds, reason_id: Option<&str>) -> Result<i64, StoreError>;
    /// Comments within `bounds` (and of `reason_id`), newest first, `limit` after `offset`.
    async fn comments(
        &self,
        bounds: &Bounds,
        reason_id: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<CommentRow>, StoreError>;
    /// Keep-in-touch outcomes within `bounds` after `after_seq`, stored order, at most `limit`.
    async fn keep_in_touch_page(&self, bounds: &Bounds, after_seq: i64, limit: i64)
        -> Result<Vec<KeepRow>, StoreError>;
    /// The latest `limit` keep-in-touch outcomes within `bounds`, newest first.
    async fn keep_in_touch_recent(&self, bounds: &Bounds, limit: i64) -> Result<Vec<KeepRow>, StoreError>;
    /// Each flow id counted, sorted.
    async fn flow_ids(&self) -> Result<Vec<String>, StoreError>;
    /// Outcomes within `bounds` after `after_seq`, stored order, at most `limit`.
    async fn export_page(&self, bounds: &Bounds, after_seq: i64, limit: i64) -> Result<Vec<ExportRow>, StoreError>;
}

/// The statements of one write transaction. Dropped without [`Transaction::commit`], it
/// rolls back.
#[async_trait]
pub(super) trait Transaction: FlowWrites + Send {
    /// Commits.
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;

    // ---------------------------------------------------------------- the batch insert
    /// Inserts `rows` in order, skipping ids already stored, each with its comment and,
    /// when `forward`, a pending delivery due when it was received; when any is stored,
    /// holds the insights' lock to the commit. Returns the ids inserted. A constant number
    /// of statements, whatever the number of rows.
    async fn insert_new(&mut self, rows: &[&Row<'_>], forward: bool) -> Result<Vec<String>, StoreError>;
    /// `(id, canonical)` of those of `ids` stored.
    async fn canonicals(&mut self, ids: &[&str]) -> Result<Vec<(String, String)>, StoreError>;

    // ---------------------------------------------------------------- the insights' counts
    /// Serialises the insights' writers to the commit (PostgreSQL; SQLite has one writer).
    async fn lock_insights(&mut self) -> Result<(), StoreError>;
    /// Stores `(outcome id, comment)` of stored outcomes that gave a reason.
    async fn insert_comments(&mut self, comments: &[(&str, &str)]) -> Result<(), StoreError>;
    /// Marks lost those not yet lost of `saves` whose subscription was cancelled (an
    /// outcome or a reported cancellation) after them and by the end of their window.
    async fn mark_saves_lost(&mut self, saves: &[SaveWindow<'_>]) -> Result<Vec<LostSave>, StoreError>;
    /// Marks lost the counted saves, not yet lost, of each cancellation's subscription made
    /// in its window.
    async fn mark_lost_before(&mut self, cancellations: &[Cancellation<'_>]) -> Result<Vec<LostSave>, StoreError>;
    /// Adds `deltas` to the daily counts (rows at 0 or below go).
    async fn add_counts(&mut self, deltas: &Deltas) -> Result<(), StoreError>;

    // ---------------------------------------------------------------- counting older outcomes
    /// The first `limit` outcomes not yet counted, in stored order.
    async fn uncounted(&mut self, limit: i64) -> Result<Vec<UncountedRow>, StoreError>;
    /// Marks `seqs` counted, those of `keep_in_touch` as keep-in-touch.
    async fn mark_counted(&mut self, seqs: &[i64], keep_in_touch: &[i64]) -> Result<(), StoreError>;

    // ---------------------------------------------------------------- erasure
    /// Every outcome of a customer.
    async fn customer_outcomes(&mut self, customer_id: &str) -> Result<Vec<CustomerRow>, StoreError>;
    /// Deletes a customer's outcomes with their deliveries, comments and reported
    /// cancellations; returns how many outcomes.
    async fn erase_customer(&mut self, customer_id: &str) -> Result<u64, StoreError>;
    /// `(outcome_seq, body)` of the first `limit` comments older than `before`.
    async fn old_comments(&mut self, before: &str, limit: i64) -> Result<Vec<(i64, String)>, StoreError>;
    /// Replaces an outcome's body and canonical form and deletes its comment row.
    async fn erase_comment(&mut self, seq: i64, body: &str, canonical: &str) -> Result<(), StoreError>;

    // ---------------------------------------------------------------- reported cancellations
    /// Records a Stripe event's id; false when it was recorded before.
    async fn insert_stripe_event(&mut self, event_id: &str, kind: &str, received_at: &str) -> Result<bool, StoreError>;
    /// Records a cancellation (kept once per subscription and instant).
    async fn report_cancellation(
        &mut self,
        subscription_id: &str,
        at: &str,
        received_at: &str,
    ) -> Result<(), StoreError>;
}

/// The served flows' reads (COLLECTOR.md sections 7 and 8), part of every [`Backend`]
/// (each database's SQL for them in its `flows.rs`).
#[async_trait]
pub(super) trait FlowReads {
    /// A flow's latest version.
    async fn latest_flow(&self, flow_id: &str) -> Result<Option<FlowRow>, StoreError>;
    /// One version of a flow.
    async fn flow_version(&self, flow_id: &str, version: i64) -> Result<Option<FlowRow>, StoreError>;
    /// The number of a flow's latest version.
    async fn latest_flow_version(&self, flow_id: &str) -> Result<Option<i64>, StoreError>;
    /// Every flow's latest version, by flow id.
    async fn flows(&self) -> Result<Vec<FlowListRow>, StoreError>;
    /// `(version, created_at, experiment_id)` of a flow's versions, newest first.
    async fn flow_versions(&self, flow_id: &str) -> Result<Vec<(i64, String, Option<String>)>, StoreError>;
    /// A customer's history facts over every flow (test outcomes when `include_test`).
    async fn customer_history(&self, customer_id: &str, include_test: bool) -> Result<HistoryCounts, StoreError>;
    /// The group recorded for a customer in an experiment.
    async fn assignment(&self, experiment_id: &str, customer_id: &str) -> Result<Option<String>, StoreError>;
    /// `(id, flow_id, first assignment)` of every experiment, by id.
    async fn experiments(&self) -> Result<Vec<(String, String, Option<String>)>, StoreError>;
    /// `(flow_id, document of the version that first ran it, first assignment)` of an experiment.
    async fn experiment_design(
        &self,
        experiment_id: &str,
    ) -> Result<Option<(String, String, Option<String>)>, StoreError>;
    /// `(group, assigned, closed, retained)` of an experiment at `now`: closed when the
    /// window ended by `now`; retained when closed and its first cancellation (kept on
    /// the assignment, see [`FlowWrites::end_assignments`]) is not before the window's end.
    async fn experiment_counts(
        &self,
        experiment_id: &str,
        now: &str,
    ) -> Result<Vec<(String, i64, i64, i64)>, StoreError>;
    /// `(key, outcomes)` of the insights' `experiment_result` counts (test outcomes left
    /// out) whose key starts with `key_prefix` (`["<experiment id>",`).
    async fn experiment_outcomes(&self, key_prefix: &str) -> Result<Vec<(String, i64)>, StoreError>;
}

/// The served flows' statements in a write transaction, part of every [`Transaction`].
#[async_trait]
pub(super) trait FlowWrites {
    /// Serialises the writers of one flow to the commit (PostgreSQL; SQLite has one writer).
    async fn lock_flow(&mut self, flow_id: &str) -> Result<(), StoreError>;
    /// `(version, canonical)` of a flow's latest version.
    async fn latest_flow_canonical(&mut self, flow_id: &str) -> Result<Option<(i64, String)>, StoreError>;
    /// `(flow_id, document)` of the version that first ran an experiment.
    async fn experiment(&mut self, experiment_id: &str) -> Result<Option<(String, String)>, StoreError>;
    /// Inserts a flow version.
    async fn insert_flow_version(
        &mut self,
        flow_id: &str,
        version: i64,
        document: &str,
        canonical: &str,
        experiment_id: Option<&str>,
        created_at: &str,
    ) -> Result<(), StoreError>;
    /// Records these groups, each unless one is recorded for its customer (each with its
    /// first cancellation already stored, read by index, as when recorded one at a time); returns how
    /// many were recorded.
    async fn insert_assignments(&mut self, rows: &[AssignmentRow<'_>]) -> Result<u64, StoreError>;
    /// `(experiment_id, customer_id, group)` recorded for these pairs.
    async fn assignment_groups(&mut self, keys: &[(&str, &str)]) -> Result<Vec<(String, String, String)>, StoreError>;
    /// Keeps on each assignment these cancellations reach its first cancellation at or
    /// after it (an earlier one kept stays).
    async fn end_assignments(&mut self, ends: &[AssignmentEnd<'_>]) -> Result<(), StoreError>;
    /// Records an experiment's first version (kept when it is recorded).
    async fn insert_experiment(
        &mut self,
        experiment_id: &str,
        flow_id: &str,
        version: i64,
        created_at: &str,
    ) -> Result<(), StoreError>;
}

/// Binds `bounds` as `$1`–`$4`: `(flow_id?, from?, to?, include_test)`, as days (`days`)
/// for the daily counts or as instants (`times`) for the rest.
macro_rules! bind_bounds {
    ($query:expr, $b:expr, days) => {
        $query.bind($b.flow_id.as_deref()).bind($b.from_day.as_deref()).bind($b.to_day.as_deref()).bind($b.include_test)
    };
    ($query:expr, $b:expr, times) => {
        $query.bind($b.flow_id.as_deref()).bind($b.from.as_deref()).bind($b.before.as_deref()).bind($b.include_test)
    };
}
pub(super) use bind_bounds;

/// An SQL list of words fixed in the code, `('a', 'b')` (the saves' result types): the
/// statement's text stays constant, so its plan is cached as before.
pub(super) fn sql_list(words: &[&str]) -> String {
    let quoted: Vec<String> = words
        .iter()
        .map(|w| {
            assert!(w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{w:?} is not a plain word");
            format!("'{w}'")
        })
        .collect();
    format!("({})", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::sql_list;
    use crate::insights::tally::SAVES;

    #[test]
    fn the_saves_as_an_sql_list() {
        assert_eq!(sql_list(&SAVES), "('paused', 'downgraded', 'frequency_reduced', 'discount_accepted')");
    }
}
