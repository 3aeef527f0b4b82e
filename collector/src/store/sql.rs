//! Each backend's statements, side by side, and the timestamp text both exchange.
//!
//! Timestamps cross the driver as text in one fixed UTC form,
//! `2026-11-25T09:30:00.123456Z` (always six fractional digits): SQLite stores exactly that
//! text, so comparing texts orders instants; PostgreSQL stores `timestamptz`, reads the text
//! with `$n::timestamptz` and writes it back with `to_char` (no driver date types needed).
//! Both number their parameters `$1`, `$2`, … (SQLite's multi-row insert: `?`, in order).

use super::StoreError;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// One backend's statements.
pub(crate) struct Sql {
    /// Starts a write transaction (SQLite takes the write lock at once, so the busy
    /// timeout applies instead of failing on a stale read snapshot).
    pub begin_write: &'static str,
    /// `(now, limit)` → `id, body, attempts, first_attempt_at, received_at`, stored order.
    pub due: &'static str,
    /// `()` → the earliest pending `next_attempt_at`, or null.
    pub next_due: &'static str,
    /// `(outcome_id, at)`.
    pub done: &'static str,
    /// `(outcome_id, attempts, next_at, error, first_attempt_at, now)`.
    pub retry: &'static str,
    /// `(outcome_id, at, error)`.
    pub failed: &'static str,
    /// `()` → `state, count`.
    pub counts: &'static str,
    /// `(customer_id)` → `body, created_at, flow_id, test, counted, lost` of each outcome.
    pub customer_outcomes: &'static str,
    /// `(customer_id)`: cancellations reported for the customer's subscriptions.
    pub erase_reported: &'static str,
    /// `(customer_id)`.
    pub erase_comments: &'static str,
    /// `(before, limit)` → `outcome_seq, body` of comments older than `before`.
    pub old_comments: &'static str,
    /// `(seq, body, canonical)`.
    pub rewrite_body: &'static str,
    /// `(outcome_seq)`.
    pub erase_comment: &'static str,
    /// `(subscription_id, at, received_at)`.
    pub report_cancellation: &'static str,
    /// `(limit)` → `seq, body, created_at, received_at` of uncounted outcomes, stored order.
    pub uncounted: &'static str,
    /// `(seqs, keep_in_touch seqs)`, JSON arrays: marks them counted.
    pub mark_counted: &'static str,
    /// `(customer_id)`.
    pub erase_deliveries: &'static str,
    /// `(customer_id)`.
    pub erase_outcomes: &'static str,
    /// `(flow_id?, from?, before?, include_test, after_seq, limit)` →
    /// `seq, id, body, received_at, created_at`, stored order.
    pub export_page: &'static str,
}

pub(crate) const SQLITE: Sql = Sql {
    begin_write: "BEGIN IMMEDIATE",
    due: "SELECT o.id, o.body, d.attempts, d.first_attempt_at, o.received_at \
        FROM deliveries d JOIN outcomes o ON o.seq = d.outcome_seq \
        WHERE d.state = 'pending' AND d.next_attempt_at <= $1 ORDER BY d.outcome_seq LIMIT $2",
    next_due: "SELECT MIN(next_attempt_at) FROM deliveries WHERE state = 'pending'",
    done: "UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, last_error = NULL, \
        first_attempt_at = COALESCE(first_attempt_at, $2), updated_at = $2 \
        WHERE outcome_id = $1 AND state = 'pending'",
    retry: "UPDATE deliveries SET attempts = $2, next_attempt_at = $3, last_error = $4, \
        first_attempt_at = COALESCE(first_attempt_at, $5), updated_at = $6 \
        WHERE outcome_id = $1 AND state = 'pending'",
    failed: "UPDATE deliveries SET state = 'failed', attempts = attempts + 1, last_error = $3, updated_at = $2 \
        WHERE outcome_id = $1 AND state = 'pending'",
    counts: "SELECT state, COUNT(*) FROM deliveries GROUP BY state",
    customer_outcomes: "SELECT body, created_at, flow_id, test, counted, lost FROM outcomes WHERE customer_id = $1",
    erase_reported: "DELETE FROM reported_cancellations WHERE subscription_id IN \
        (SELECT subscription_id FROM outcomes WHERE customer_id = $1 AND subscription_id IS NOT NULL)",
    erase_comments: "DELETE FROM comments WHERE outcome_seq IN (SELECT seq FROM outcomes WHERE customer_id = $1)",
    old_comments: "SELECT c.outcome_seq, o.body FROM comments c JOIN outcomes o ON o.seq = c.outcome_seq \
        WHERE c.created_at < $1 ORDER BY c.outcome_seq LIMIT $2",
    rewrite_body: "UPDATE outcomes SET body = $2, canonical = $3 WHERE seq = $1",
    erase_comment: "DELETE FROM comments WHERE outcome_seq = $1",
    report_cancellation: "INSERT INTO reported_cancellations (subscription_id, at, received_at) VALUES ($1, $2, $3) \
        ON CONFLICT (subscription_id, at) DO NOTHING",
    uncounted: "SELECT seq, body, created_at, received_at FROM outcomes WHERE counted = 0 ORDER BY seq LIMIT $1",
    mark_counted: "UPDATE outcomes SET counted = 1, keep_in_touch = (seq IN (SELECT value FROM json_each($2))) \
        WHERE seq IN (SELECT value FROM json_each($1))",
    erase_deliveries: "DELETE FROM deliveries WHERE outcome_seq IN (SELECT seq FROM outcomes WHERE customer_id = $1)",
    erase_outcomes: "DELETE FROM outcomes WHERE customer_id = $1",
    export_page: "SELECT seq, id, body, received_at, created_at FROM outcomes \
        WHERE seq > $5 AND ($1 IS NULL OR flow_id = $1) AND ($2 IS NULL OR created_at >= $2) \
        AND ($3 IS NULL OR created_at < $3) AND ($4 OR NOT test) ORDER BY seq LIMIT $6",
};

/// `to_char` of a `timestamptz` column into the fixed UTC text.
macro_rules! text {
    ($col:literal) => {
        concat!("to_char(", $col, " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
    };
}

pub(crate) const POSTGRES: Sql = Sql {
    begin_write: "BEGIN",
    due: concat!(
        "SELECT o.id, o.body, d.attempts, ",
        text!("d.first_attempt_at"),
        ", ",
        text!("o.received_at"),
        " FROM deliveries d JOIN outcomes o ON o.seq = d.outcome_seq \
        WHERE d.state = 'pending' AND d.next_attempt_at <= $1::timestamptz ORDER BY d.outcome_seq LIMIT $2"
    ),
    next_due: concat!("SELECT ", text!("MIN(next_attempt_at)"), " FROM deliveries WHERE state = 'pending'"),
    done: "UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, last_error = NULL, \
        first_attempt_at = COALESCE(first_attempt_at, $2::timestamptz), updated_at = $2::timestamptz \
        WHERE outcome_id = $1 AND state = 'pending'",
    retry: "UPDATE deliveries SET attempts = $2, next_attempt_at = $3::timestamptz, last_error = $4, \
        first_attempt_at = COALESCE(first_attempt_at, $5::timestamptz), updated_at = $6::timestamptz \
        WHERE outcome_id = $1 AND state = 'pending'",
    failed: "UPDATE deliveries SET state = 'failed', attempts = attempts + 1, last_error = $3, \
        updated_at = $2::timestamptz WHERE outcome_id = $1 AND state = 'pending'",
    counts: "SELECT state, COUNT(*) FROM deliveries GROUP BY state",
    customer_outcomes: concat!(
        "SELECT body, ",
        text!("created_at"),
        ", flow_id, test, counted, lost FROM outcomes WHERE customer_id = $1"
    ),
    erase_reported: "DELETE FROM reported_cancellations WHERE subscription_id IN \
        (SELECT subscription_id FROM outcomes WHERE customer_id = $1 AND subscription_id IS NOT NULL)",
    erase_comments: "DELETE FROM comments WHERE outcome_seq IN (SELECT seq FROM outcomes WHERE customer_id = $1)",
    old_comments: "SELECT c.outcome_seq, o.body FROM comments c JOIN outcomes o ON o.seq = c.outcome_seq \
        WHERE c.created_at < $1::timestamptz ORDER BY c.outcome_seq LIMIT $2",
    rewrite_body: "UPDATE outcomes SET body = $2, canonical = $3 WHERE seq = $1",
    erase_comment: "DELETE FROM comments WHERE outcome_seq = $1",
    report_cancellation: "INSERT INTO reported_cancellations (subscription_id, at, received_at) \
        VALUES ($1, $2::timestamptz, $3::timestamptz) ON CONFLICT (subscription_id, at) DO NOTHING",
    uncounted: concat!(
        "SELECT seq, body, ",
        text!("created_at"),
        ", ",
        text!("received_at"),
        " FROM outcomes WHERE NOT counted ORDER BY seq LIMIT $1"
    ),
    mark_counted: "UPDATE outcomes SET counted = TRUE, \
        keep_in_touch = (seq IN (SELECT value::bigint FROM json_array_elements_text($2::json))) \
        WHERE seq IN (SELECT value::bigint FROM json_array_elements_text($1::json))",
    erase_deliveries: "DELETE FROM deliveries WHERE outcome_seq IN (SELECT seq FROM outcomes WHERE customer_id = $1)",
    erase_outcomes: "DELETE FROM outcomes WHERE customer_id = $1",
    export_page: concat!(
        "SELECT seq, id, body, ",
        text!("received_at"),
        ", ",
        text!("created_at"),
        " FROM outcomes WHERE seq > $5 AND ($1::text IS NULL OR flow_id = $1) \
        AND ($2::timestamptz IS NULL OR created_at >= $2::timestamptz) \
        AND ($3::timestamptz IS NULL OR created_at < $3::timestamptz) AND ($4 OR NOT test) ORDER BY seq LIMIT $6"
    ),
};

// ---------------------------------------------------------------- the batch insert
//
// A constant number of statements per batch, whatever its size (see `outcomes.rs`).

/// An outcome's columns, in the order each backend binds them.
macro_rules! outcome_columns {
    () => {
        "id, body, canonical, customer_id, subscription_id, flow_id, plan_id, test, result_type, reason_id, \
        created_at, received_at, keep_in_touch"
    };
}

/// An outcome's bound values per row in [`sqlite_insert_outcomes`].
pub(crate) const SQLITE_OUTCOME_PARAMS: usize = 13;

/// SQLite: inserts `rows` outcomes (13 values each, in the columns' order; each counted
/// in the insights by the same transaction), in order, skipping ids already stored;
/// returns `id` of each row inserted. One text per
/// row count (`sqlx` prepares and caches each once per connection).
pub(crate) fn sqlite_insert_outcomes(rows: usize) -> String {
    const HEAD: &str = concat!("INSERT INTO outcomes (", outcome_columns!(), ", counted) VALUES ");
    // Anonymous `?`, bound in order: numbered or named parameters cost sqlx a look-up of
    // each one's name when binding (linear in SQLite: quadratic for the statement).
    const ROW: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)";
    const TAIL: &str = " ON CONFLICT (id) DO NOTHING RETURNING id";
    let mut sql = String::with_capacity(HEAD.len() + rows * (ROW.len() + 1) + TAIL.len());
    sql.push_str(HEAD);
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(ROW);
    }
    sql.push_str(TAIL);
    sql
}

/// SQLite: `(ids)`, a JSON array of outcome ids: a pending delivery for each, due when
/// it was received.
pub(crate) const SQLITE_INSERT_DELIVERIES: &str =
    "INSERT INTO deliveries (outcome_seq, outcome_id, state, attempts, next_attempt_at, updated_at) \
    SELECT seq, id, 'pending', 0, received_at, received_at FROM outcomes \
    WHERE id IN (SELECT value FROM json_each($1)) ORDER BY seq";

/// SQLite: `(ids)`, a JSON array of outcome ids → `id, canonical` of those stored.
pub(crate) const SQLITE_CANONICALS: &str =
    "SELECT id, canonical FROM outcomes WHERE id IN (SELECT value FROM json_each($1))";

/// PostgreSQL: one array per column (`id`, `body`, `canonical`, `customer_id`,
/// `subscription_id`, `flow_id`, `plan_id`, `test`, `result_type`, `reason_id`,
/// `created_at`, `received_at` (the times as text), `keep_in_touch`), then `forward`, the
/// comments (`$15`, null for none) and the insights' lock key (`$16`): inserts the outcomes
/// in array order, skipping ids already stored, with a pending delivery for each when
/// `forward` and their comments, and takes the insights' lock (held to the commit) when
/// any was stored (each is counted in the insights by the same transaction); returns `id`
/// of each row inserted.
pub(crate) const POSTGRES_INSERT_OUTCOMES: &str = concat!(
    "WITH input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], \
    $6::text[], $7::text[], $8::boolean[], $9::text[], $10::text[], $11::timestamptz[], $12::timestamptz[], \
    $13::boolean[], $15::text[]) WITH ORDINALITY AS i(",
    outcome_columns!(),
    ", comment, ord)), stored AS (INSERT INTO outcomes (",
    outcome_columns!(),
    ", counted) SELECT ",
    outcome_columns!(),
    ", TRUE FROM input ORDER BY ord ON CONFLICT (id) DO NOTHING RETURNING seq, id, received_at), \
    queued AS (INSERT INTO deliveries (outcome_seq, outcome_id, state, attempts, next_attempt_at, updated_at) \
    SELECT seq, id, 'pending', 0, received_at, received_at FROM stored WHERE $14 ORDER BY seq), \
    commented AS (INSERT INTO comments (outcome_seq, created_at, flow_id, test, reason_id, result_type, text) \
    SELECT s.seq, i.created_at, i.flow_id, i.test, i.reason_id, i.result_type, i.comment \
    FROM stored s JOIN input i ON i.id = s.id WHERE i.comment IS NOT NULL AND i.reason_id IS NOT NULL), \
    locked AS (SELECT pg_advisory_xact_lock($16)) \
    SELECT stored.id FROM stored, locked"
);

/// PostgreSQL: `(ids)` → `id, canonical` of those stored.
pub(crate) const POSTGRES_CANONICALS: &str = "SELECT id, canonical FROM outcomes WHERE id = ANY($1)";

const FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// The fixed UTC text of an instant (truncated to the microsecond).
pub(crate) fn ts(t: OffsetDateTime) -> String {
    // Formatting cannot fail: every component is present and years stay within 4 digits.
    t.to_offset(UtcOffset::UTC).format(FORMAT).unwrap_or_default()
}

/// The fixed UTC text of a date's midnight.
pub(crate) fn day_start(d: Date) -> String {
    ts(d.midnight().assume_utc())
}

/// Reads the fixed UTC text back.
pub(crate) fn parse_ts(s: &str) -> Result<OffsetDateTime, StoreError> {
    PrimitiveDateTime::parse(s, FORMAT)
        .map(PrimitiveDateTime::assume_utc)
        .map_err(|e| StoreError::Corrupt(format!("timestamp {s:?}: {e}")))
}
