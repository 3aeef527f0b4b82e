//! Keeping the insights' counts in the same transaction as the outcomes they count: each
//! stored outcome adds its tally (see `insights::tally`) to its day's row, its comment to
//! the comments table, and a save whose subscription is cancelled within 30 days after
//! (by a later `cancelled` outcome or a reported cancellation, whichever arrives first)
//! is marked lost once and counted in `saves_lost`. Erasing a customer takes their counts
//! back out. On PostgreSQL one transaction at a time does this (an advisory lock held to
//! its commit), so a save and its cancellation stored by two collectors at once still
//! meet.

use super::outcomes::{clean, Row};
use super::sql::ts;
use super::StoreError;
use crate::insights::tally::{Metric, Tally, SAVES};
use sqlx::{Postgres, Sqlite};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// The advisory lock key of the insights' writers ("cf-ins" in ASCII).
pub(super) const INSIGHTS_LOCK: i64 = 0x0000_6366_2d69_6e73;

/// Changes to the counts: `(day, flow, test, metric, key)` → how much to add.
#[derive(Debug, Default)]
pub(super) struct Deltas(BTreeMap<(String, String, bool, &'static str, String), i64>);

impl Deltas {
    pub fn add(&mut self, day: &str, flow_id: &str, test: bool, metric: Metric, key: &str, n: i64) {
        *self.0.entry((day.to_string(), flow_id.to_string(), test, metric.as_str(), key.to_string())).or_default() += n;
    }

    /// Every count of `row`'s tally, `n` times.
    pub fn add_row(&mut self, row: &Row<'_>, n: i64) {
        self.add_tally(day_of(&row.created_at), &row.flow_id, row.item.test, &row.item.tally, n);
    }

    /// Every count of `tally`, `n` times.
    pub fn add_tally(&mut self, day: &str, flow_id: &str, test: bool, tally: &Tally, n: i64) {
        for (metric, key) in &tally.counts {
            self.add(day, flow_id, test, *metric, key, n);
        }
    }
}

/// The UTC date of a stored timestamp text (`2026-11-25T…`).
pub(super) fn day_of(ts: &str) -> &str {
    ts.get(..10).unwrap_or(ts)
}

/// Counts what `rows` add: their tallies, their comments, and any save now lost.
/// `just_inserted`: they come from the batch insert, which on PostgreSQL already took the
/// insights' lock and stored their comments ([`CountOps::INSERT_LOCKS_AND_COMMENTS`]).
pub(super) async fn record<DB: CountOps>(
    conn: &mut DB::Connection,
    rows: &[&Row<'_>],
    just_inserted: bool,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    if !(just_inserted && DB::INSERT_LOCKS_AND_COMMENTS) {
        DB::lock(conn).await?;
        let comments: Vec<(&str, &str)> =
            rows.iter().filter_map(|r| Some((r.id.as_ref(), r.item.comment.as_deref()?))).collect();
        if !comments.is_empty() {
            DB::insert_comments(conn, &comments).await?;
        }
    }
    let mut deltas = Deltas::default();
    for row in rows {
        deltas.add_row(row, 1);
    }
    // A save just stored may already have its cancellation; a cancellation just stored
    // may end saves of the 30 days before it.
    let saves: Vec<(&str, String)> = rows
        .iter()
        .filter(|r| SAVES.contains(&r.result_type.as_ref()) && r.subscription_id.is_some())
        .map(|r| (r.id.as_ref(), ts(r.item.created_at + WINDOW)))
        .collect();
    let cancellations: Vec<Cancellation<'_>> = rows
        .iter()
        .filter(|r| r.result_type == "cancelled")
        .filter_map(|r| Some(Cancellation::new(r.subscription_id.as_deref()?, r.item.created_at)))
        .collect();
    DB::settle(conn, deltas, &saves, &cancellations).await
}

/// How long after a save a cancellation makes it lost.
pub(super) const WINDOW: time::Duration = time::Duration::days(30);

/// A cancellation of a subscription at an instant, with the start of the window of saves
/// it makes lost (`at` − 30 days); times as stored text.
pub(super) struct Cancellation<'a> {
    pub subscription_id: &'a str,
    pub since: String,
    pub at: String,
}

impl<'a> Cancellation<'a> {
    pub fn new(subscription_id: &'a str, at: OffsetDateTime) -> Cancellation<'a> {
        Cancellation { subscription_id, since: ts(at - WINDOW), at: ts(at) }
    }
}

/// Marks lost every counted, not yet lost save of these cancellations' subscriptions made
/// in the 30 days before each, and counts each in `deltas`.
pub(super) async fn mark_lost_before<DB: CountOps>(
    conn: &mut DB::Connection,
    cancellations: &[Cancellation<'_>],
    deltas: &mut Deltas,
) -> Result<(), StoreError> {
    if cancellations.is_empty() {
        return Ok(());
    }
    for (day, flow_id, test) in DB::mark_lost_before(conn, cancellations).await? {
        deltas.add(&day, &flow_id, test, Metric::SavesLost, "", 1);
    }
    Ok(())
}

/// A connection whose backend keeps counts: lets code written once per connection type
/// (inside `on_pool!`) reach [`CountOps`].
pub(super) trait Conn: Sized + Send {
    /// The backend.
    type Db: CountOps<Connection = Self>;
}

impl Conn for sqlx::SqliteConnection {
    type Db = Sqlite;
}

impl Conn for sqlx::PgConnection {
    type Db = Postgres;
}

/// [`CountOps::lock`] on a connection of either backend.
pub(super) async fn lock<C: Conn>(conn: &mut C) -> Result<(), StoreError> {
    <C::Db as CountOps>::lock(conn).await
}

/// [`CountOps::add_counts`] on a connection of either backend.
pub(super) async fn add_counts<C: Conn>(conn: &mut C, deltas: &Deltas) -> Result<(), StoreError> {
    <C::Db as CountOps>::add_counts(conn, deltas).await
}

/// Each backend's statements for the counts.
pub(super) trait CountOps: sqlx::Database {
    /// Whether the batch insert itself takes the insights' lock and stores the comments
    /// (PostgreSQL: one round trip fewer each).
    const INSERT_LOCKS_AND_COMMENTS: bool;
    /// Marks lost the saves `(id, created_at + 30 days)` already cancelled and the saves
    /// in the windows of `cancellations`, and adds `deltas` with those losses counted.
    async fn settle(
        conn: &mut Self::Connection,
        mut deltas: Deltas,
        saves: &[(&str, String)],
        cancellations: &[Cancellation<'_>],
    ) -> Result<(), StoreError> {
        if !saves.is_empty() {
            for (day, flow_id, test) in Self::mark_saves_lost(conn, saves).await? {
                deltas.add(&day, &flow_id, test, Metric::SavesLost, "", 1);
            }
        }
        mark_lost_before::<Self>(conn, cancellations, &mut deltas).await?;
        Self::add_counts(conn, &deltas).await
    }
    /// Serialises the insights' writers (PostgreSQL; SQLite has one writer already).
    async fn lock(conn: &mut Self::Connection) -> Result<(), StoreError>;
    /// Adds `deltas` to the counts.
    async fn add_counts(conn: &mut Self::Connection, deltas: &Deltas) -> Result<(), StoreError>;
    /// Stores `(outcome id, comment)` pairs of stored outcomes.
    async fn insert_comments(conn: &mut Self::Connection, comments: &[(&str, &str)]) -> Result<(), StoreError>;
    /// Marks lost those of the saves `(id, created_at + 30 days)` whose subscription was
    /// cancelled after them and by then; returns `(day, flow, test)` of each.
    async fn mark_saves_lost(
        conn: &mut Self::Connection,
        saves: &[(&str, String)],
    ) -> Result<Vec<(String, String, bool)>, StoreError>;
    /// Marks lost the counted saves made in each cancellation's window; returns
    /// `(day, flow, test)` of each.
    async fn mark_lost_before(
        conn: &mut Self::Connection,
        cancellations: &[Cancellation<'_>],
    ) -> Result<Vec<(String, String, bool)>, StoreError>;
}

/// The rows of one SQLite upsert (6 values each).
const SQLITE_COUNTS_CHUNK: usize = 1_000;

/// Saves, as an SQL list.
macro_rules! saves {
    () => {
        "('paused', 'downgraded', 'frequency_reduced', 'discount_accepted')"
    };
}

impl CountOps for Sqlite {
    const INSERT_LOCKS_AND_COMMENTS: bool = false;

    async fn lock(_conn: &mut Self::Connection) -> Result<(), StoreError> {
        Ok(())
    }

    async fn add_counts(conn: &mut Self::Connection, deltas: &Deltas) -> Result<(), StoreError> {
        let items: Vec<_> = deltas.0.iter().filter(|(_, &n)| n != 0).collect();
        for chunk in items.chunks(SQLITE_COUNTS_CHUNK) {
            let mut text = String::from("INSERT INTO insight_counts (day, flow_id, test, metric, key, n) VALUES ");
            for i in 0..chunk.len() {
                text.push_str(if i == 0 { "(?, ?, ?, ?, ?, ?)" } else { ", (?, ?, ?, ?, ?, ?)" });
            }
            text.push_str(" ON CONFLICT (day, flow_id, test, metric, key) DO UPDATE SET n = n + excluded.n");
            let mut query = sqlx::query(&text);
            for ((day, flow_id, test, metric, key), n) in chunk {
                query = query.bind(day.as_str()).bind(flow_id.as_str()).bind(*test).bind(*metric).bind(key).bind(*n);
            }
            query.execute(&mut *conn).await?;
        }
        if items.iter().any(|(_, &n)| n < 0) {
            sqlx::query("DELETE FROM insight_counts WHERE n <= 0").execute(&mut *conn).await?;
        }
        Ok(())
    }

    async fn insert_comments(conn: &mut Self::Connection, comments: &[(&str, &str)]) -> Result<(), StoreError> {
        let pairs: Vec<[&str; 2]> = comments.iter().map(|&(id, text)| [id, text]).collect();
        sqlx::query(
            "INSERT INTO comments (outcome_seq, created_at, flow_id, test, reason_id, result_type, text) \
            SELECT o.seq, o.created_at, o.flow_id, o.test, o.reason_id, o.result_type, json_extract(j.value, '$[1]') \
            FROM json_each($1) j JOIN outcomes o ON o.id = json_extract(j.value, '$[0]') \
            WHERE o.reason_id IS NOT NULL ON CONFLICT (outcome_seq) DO NOTHING",
        )
        .bind(serde_json::to_string(&pairs).unwrap_or_default())
        .execute(conn)
        .await?;
        Ok(())
    }

    async fn mark_saves_lost(
        conn: &mut Self::Connection,
        saves: &[(&str, String)],
    ) -> Result<Vec<(String, String, bool)>, StoreError> {
        Ok(sqlx::query_as(
            "UPDATE outcomes SET lost = 1 FROM (SELECT json_extract(value, '$[0]') AS id, \
            json_extract(value, '$[1]') AS until FROM json_each($1)) AS w \
            WHERE outcomes.id = w.id AND outcomes.lost = 0 AND (\
            EXISTS (SELECT 1 FROM outcomes c WHERE c.result_type = 'cancelled' \
                AND c.subscription_id = outcomes.subscription_id \
                AND c.created_at > outcomes.created_at AND c.created_at <= w.until) \
            OR EXISTS (SELECT 1 FROM reported_cancellations r WHERE r.subscription_id = outcomes.subscription_id \
                AND r.at > outcomes.created_at AND r.at <= w.until)) \
            RETURNING substr(outcomes.created_at, 1, 10), outcomes.flow_id, outcomes.test",
        )
        .bind(serde_json::to_string(saves).unwrap_or_default())
        .fetch_all(conn)
        .await?)
    }

    async fn mark_lost_before(
        conn: &mut Self::Connection,
        cancellations: &[Cancellation<'_>],
    ) -> Result<Vec<(String, String, bool)>, StoreError> {
        let windows: Vec<[&str; 3]> =
            cancellations.iter().map(|c| [c.subscription_id, c.since.as_str(), c.at.as_str()]).collect();
        Ok(sqlx::query_as(concat!(
            "UPDATE outcomes SET lost = 1 FROM (SELECT json_extract(value, '$[0]') AS sub, \
            json_extract(value, '$[1]') AS since, json_extract(value, '$[2]') AS at FROM json_each($1)) AS w \
            WHERE outcomes.subscription_id = w.sub AND outcomes.created_at >= w.since \
            AND outcomes.created_at < w.at AND outcomes.lost = 0 AND outcomes.result_type IN ",
            saves!(),
            " AND outcomes.counted = 1 \
            RETURNING substr(outcomes.created_at, 1, 10), outcomes.flow_id, outcomes.test"
        ))
        .bind(serde_json::to_string(&windows).unwrap_or_default())
        .fetch_all(conn)
        .await?)
    }
}

impl CountOps for Postgres {
    const INSERT_LOCKS_AND_COMMENTS: bool = true;

    async fn lock(conn: &mut Self::Connection) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(INSIGHTS_LOCK).execute(conn).await?;
        Ok(())
    }

    async fn add_counts(conn: &mut Self::Connection, deltas: &Deltas) -> Result<(), StoreError> {
        let items: Vec<_> = deltas.0.iter().filter(|(_, &n)| n != 0).collect();
        if items.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO insight_counts (day, flow_id, test, metric, key, n) \
            SELECT * FROM unnest($1::date[], $2::text[], $3::boolean[], $4::text[], $5::text[], $6::bigint[]) \
            ON CONFLICT (day, flow_id, test, metric, key) DO UPDATE SET n = insight_counts.n + excluded.n",
        )
        .bind(items.iter().map(|(k, _)| k.0.as_str()).collect::<Vec<_>>())
        .bind(items.iter().map(|(k, _)| k.1.as_str()).collect::<Vec<_>>())
        .bind(items.iter().map(|(k, _)| k.2).collect::<Vec<_>>())
        .bind(items.iter().map(|(k, _)| k.3).collect::<Vec<_>>())
        .bind(items.iter().map(|(k, _)| k.4.as_str()).collect::<Vec<_>>())
        .bind(items.iter().map(|(_, &n)| n).collect::<Vec<_>>())
        .execute(&mut *conn)
        .await?;
        if items.iter().any(|(_, &n)| n < 0) {
            sqlx::query("DELETE FROM insight_counts WHERE n <= 0").execute(&mut *conn).await?;
        }
        Ok(())
    }

    async fn insert_comments(conn: &mut Self::Connection, comments: &[(&str, &str)]) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO comments (outcome_seq, created_at, flow_id, test, reason_id, result_type, text) \
            SELECT o.seq, o.created_at, o.flow_id, o.test, o.reason_id, o.result_type, i.text \
            FROM unnest($1::text[], $2::text[]) AS i(id, text) JOIN outcomes o ON o.id = i.id \
            WHERE o.reason_id IS NOT NULL ON CONFLICT (outcome_seq) DO NOTHING",
        )
        // Planned for each batch's own values: a plan cached while the table was small
        // (a sequential scan) would stay, and grow with the table.
        .persistent(false)
        .bind(comments.iter().map(|c| c.0).collect::<Vec<_>>())
        .bind(comments.iter().map(|c| clean(c.1)).collect::<Vec<_>>())
        .execute(conn)
        .await?;
        Ok(())
    }

    async fn mark_saves_lost(
        conn: &mut Self::Connection,
        saves: &[(&str, String)],
    ) -> Result<Vec<(String, String, bool)>, StoreError> {
        Ok(sqlx::query_as(
            "UPDATE outcomes s SET lost = TRUE WHERE s.id = ANY($1) AND NOT s.lost AND (\
            EXISTS (SELECT 1 FROM outcomes c WHERE c.result_type = 'cancelled' \
                AND c.subscription_id = s.subscription_id \
                AND c.created_at > s.created_at AND c.created_at <= s.created_at + interval '30 days') \
            OR EXISTS (SELECT 1 FROM reported_cancellations r WHERE r.subscription_id = s.subscription_id \
                AND r.at > s.created_at AND r.at <= s.created_at + interval '30 days')) \
            RETURNING to_char((s.created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD'), s.flow_id, s.test",
        )
        .bind(saves.iter().map(|s| s.0).collect::<Vec<_>>())
        .fetch_all(conn)
        .await?)
    }

    async fn mark_lost_before(
        conn: &mut Self::Connection,
        cancellations: &[Cancellation<'_>],
    ) -> Result<Vec<(String, String, bool)>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "UPDATE outcomes s SET lost = TRUE \
            FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS w(sub, since, at) \
            WHERE s.subscription_id = w.sub AND s.created_at >= w.since AND s.created_at < w.at \
            AND NOT s.lost AND s.result_type IN ",
            saves!(),
            " AND s.counted \
            RETURNING to_char((s.created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD'), s.flow_id, s.test"
        ))
        // Planned for each batch's own values: a plan cached while the table was small
        // (a sequential scan) would stay, and grow with the table.
        .persistent(false)
        .bind(cancellations.iter().map(|c| c.subscription_id).collect::<Vec<_>>())
        .bind(cancellations.iter().map(|c| c.since.as_str()).collect::<Vec<_>>())
        .bind(cancellations.iter().map(|c| c.at.as_str()).collect::<Vec<_>>())
        .fetch_all(conn)
        .await?)
    }
}
