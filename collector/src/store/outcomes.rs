//! Writing outcomes: the batch insert (one transaction and a constant number of
//! statements per batch; each item stored, a duplicate or a conflict, as if inserted one
//! after the other) and a customer's erasure.

use super::counts;
use super::sql::{self, ts};
use super::{Backend, Insert, NewOutcome, Store, StoreError};
use sqlx::{Postgres, Sqlite};
use std::borrow::Cow;
use std::collections::HashMap;

/// An outcome's values as bound: timestamps as text, NUL characters (which PostgreSQL
/// refuses in text, failing the whole batch) replaced in the indexed fields. `body` and
/// `canonical` are JSON texts, which cannot hold a raw NUL.
pub(super) struct Row<'a> {
    pub item: &'a NewOutcome,
    pub id: Cow<'a, str>,
    pub customer_id: Cow<'a, str>,
    pub subscription_id: Option<Cow<'a, str>>,
    pub flow_id: Cow<'a, str>,
    pub plan_id: Cow<'a, str>,
    pub result_type: Cow<'a, str>,
    pub reason_id: Option<Cow<'a, str>>,
    pub created_at: String,
    pub received_at: String,
}

pub(super) fn clean(s: &str) -> Cow<'_, str> {
    if s.contains('\0') {
        Cow::Owned(s.replace('\0', "\u{fffd}"))
    } else {
        Cow::Borrowed(s)
    }
}

impl<'a> Row<'a> {
    pub(super) fn of(item: &'a NewOutcome) -> Row<'a> {
        Row {
            item,
            id: clean(&item.id),
            customer_id: clean(&item.customer_id),
            subscription_id: item.subscription_id.as_deref().map(clean),
            flow_id: clean(&item.flow_id),
            plan_id: clean(&item.plan_id),
            result_type: clean(&item.result_type),
            reason_id: item.reason_id.as_deref().map(clean),
            created_at: ts(item.created_at),
            received_at: ts(item.received_at),
        }
    }
}

/// How often an id that is neither insertable nor found (erased between the two
/// statements by another collector) is tried again before giving up.
const TRIES: usize = 3;

/// The most outcomes in one SQLite `INSERT` (13 bound values each: far below SQLite's
/// 32,766). Batches from the writer (`BATCH_LIMIT`) fit in two.
const SQLITE_CHUNK: usize = 256;
const _: () = assert!(SQLITE_CHUNK * sql::SQLITE_OUTCOME_PARAMS <= 32_766);

/// What the database said of an id's first occurrence in a batch.
enum Found {
    /// Inserted by this batch.
    Stored,
    /// Stored before, with this canonical form.
    Existing(String),
}

impl Store {
    /// Stores a batch in one transaction. Each item is [`Insert::Stored`] (with a pending
    /// delivery when `forward`), or, when its id exists (stored before or earlier in this
    /// batch), [`Insert::Duplicate`] for the same canonical body and [`Insert::Conflict`]
    /// for another; nothing is written for those. Stored items take the stored order of
    /// the batch. On error nothing of the batch is stored.
    ///
    /// A constant number of statements per batch, whatever its size: the batch is
    /// deduplicated here first (a repeated id is judged against its first occurrence, as
    /// if the items were inserted one after the other), then one multi-row insert of the
    /// first occurrences that skips ids already stored (with their pending deliveries),
    /// and, only when some were skipped, one look-up of those ids' canonical forms.
    pub async fn insert_batch(&self, batch: &[NewOutcome], forward: bool) -> Result<Vec<Insert>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<Row<'_>> = batch.iter().map(Row::of).collect();
        // Each item's first occurrence in the batch, by the id as stored.
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
        let first: Vec<usize> =
            rows.iter().enumerate().map(|(i, row)| *index.entry(row.id.as_ref()).or_insert(i)).collect();
        let firsts: Vec<usize> = first.iter().enumerate().filter(|&(i, &f)| i == f).map(|(i, _)| i).collect();
        match &self.backend {
            Backend::Sqlite(pool) => {
                // A plain (deferred) `BEGIN`: the batch's first statement is the insert,
                // which takes the write lock before reading anything (waiting out the busy
                // timeout like `BEGIN IMMEDIATE`, with no stale snapshot to fail on), and
                // sqlx checks a custom `BEGIN` with one more round trip to the
                // connection's thread.
                let mut tx = pool.begin().await?;
                let found = settle::<Sqlite>(&mut tx, &rows, &index, firsts, forward).await?;
                counts::record::<Sqlite>(&mut tx, &stored_rows(&rows, &found), true).await?;
                let results = judge(&rows, &first, &found)?;
                tx.commit().await?;
                Ok(results)
            }
            Backend::Postgres(pool) => {
                let mut tx = pool.begin_with(sql::POSTGRES.begin_write).await?;
                let found = settle::<Postgres>(&mut tx, &rows, &index, firsts, forward).await?;
                counts::record::<Postgres>(&mut tx, &stored_rows(&rows, &found), true).await?;
                let results = judge(&rows, &first, &found)?;
                tx.commit().await?;
                Ok(results)
            }
        }
    }
}

/// The rows this batch inserted.
fn stored_rows<'r, 'a>(rows: &'r [Row<'a>], found: &[Option<Found>]) -> Vec<&'r Row<'a>> {
    rows.iter().zip(found).filter(|(_, f)| matches!(f, Some(Found::Stored))).map(|(r, _)| r).collect()
}

/// Each item's answer, from what its id's first occurrence (`first[i]`) found.
fn judge(rows: &[Row<'_>], first: &[usize], found: &[Option<Found>]) -> Result<Vec<Insert>, StoreError> {
    rows.iter()
        .zip(first)
        .enumerate()
        .map(|(i, (row, &f))| {
            // What is stored under this id: its first occurrence, or what was there.
            let stored = match &found[f] {
                Some(Found::Stored) if i == f => return Ok(Insert::Stored),
                Some(Found::Stored) => rows[f].item.canonical.as_str(),
                Some(Found::Existing(canonical)) => canonical.as_str(),
                // `settle` decides every first occurrence or fails.
                None => return Err(StoreError::Database("an outcome of the batch was left undecided".into())),
            };
            Ok(if stored == row.item.canonical { Insert::Duplicate } else { Insert::Conflict })
        })
        .collect()
}

/// Decides each first occurrence (`pending`, in batch order): inserts those whose id is
/// new, then looks up the canonical form of the others. An id neither inserted nor found
/// (erased in between by another collector) is tried again.
async fn settle<DB: BatchOps>(
    conn: &mut DB::Connection,
    rows: &[Row<'_>],
    index: &HashMap<&str, usize>,
    mut pending: Vec<usize>,
    forward: bool,
) -> Result<Vec<Option<Found>>, StoreError> {
    let mut found: Vec<Option<Found>> = rows.iter().map(|_| None).collect();
    for _ in 0..TRIES {
        let new: Vec<&Row<'_>> = pending.iter().map(|&i| &rows[i]).collect();
        for id in DB::insert_new(conn, &new, forward).await? {
            if let Some(&i) = index.get(id.as_str()) {
                found[i] = Some(Found::Stored);
            }
        }
        pending.retain(|&i| found[i].is_none());
        if pending.is_empty() {
            return Ok(found);
        }
        let ids: Vec<&str> = pending.iter().map(|&i| rows[i].id.as_ref()).collect();
        for (id, canonical) in DB::canonicals(conn, &ids).await? {
            if let Some(&i) = index.get(id.as_str()) {
                found[i].get_or_insert(Found::Existing(canonical));
            }
        }
        pending.retain(|&i| found[i].is_none());
        if pending.is_empty() {
            return Ok(found);
        }
    }
    Err(StoreError::Unavailable("an outcome id was erased while being stored; try again".into()))
}

/// The two statements of a batch, per backend.
trait BatchOps: sqlx::Database {
    /// Inserts `rows` in order, skipping ids already stored, each with a pending delivery
    /// when `forward`; returns the ids inserted.
    async fn insert_new(
        conn: &mut Self::Connection,
        rows: &[&Row<'_>],
        forward: bool,
    ) -> Result<Vec<String>, StoreError>;

    /// `(id, canonical)` of those of `ids` stored.
    async fn canonicals(conn: &mut Self::Connection, ids: &[&str]) -> Result<Vec<(String, String)>, StoreError>;
}

impl BatchOps for Sqlite {
    async fn insert_new(
        conn: &mut Self::Connection,
        rows: &[&Row<'_>],
        forward: bool,
    ) -> Result<Vec<String>, StoreError> {
        let mut stored = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(SQLITE_CHUNK) {
            let text = sql::sqlite_insert_outcomes(chunk.len());
            let mut query = sqlx::query_scalar::<_, String>(&text);
            for row in chunk {
                query = query
                    .bind(row.id.as_ref())
                    .bind(row.item.body.as_str())
                    .bind(row.item.canonical.as_str())
                    .bind(row.customer_id.as_ref())
                    .bind(row.subscription_id.as_deref())
                    .bind(row.flow_id.as_ref())
                    .bind(row.plan_id.as_ref())
                    .bind(row.item.test)
                    .bind(row.result_type.as_ref())
                    .bind(row.reason_id.as_deref())
                    .bind(row.created_at.as_str())
                    .bind(row.received_at.as_str())
                    .bind(row.item.keep_in_touch);
            }
            stored.extend(query.fetch_all(&mut *conn).await?);
        }
        if forward && !stored.is_empty() {
            sqlx::query(sql::SQLITE_INSERT_DELIVERIES).bind(json_array(&stored)).execute(&mut *conn).await?;
        }
        Ok(stored)
    }

    async fn canonicals(conn: &mut Self::Connection, ids: &[&str]) -> Result<Vec<(String, String)>, StoreError> {
        Ok(sqlx::query_as(sql::SQLITE_CANONICALS).bind(json_array(ids)).fetch_all(conn).await?)
    }
}

impl BatchOps for Postgres {
    async fn insert_new(
        conn: &mut Self::Connection,
        rows: &[&Row<'_>],
        forward: bool,
    ) -> Result<Vec<String>, StoreError> {
        fn column<'r, T>(rows: &[&'r Row<'_>], f: impl Fn(&'r Row<'_>) -> T) -> Vec<T> {
            rows.iter().map(|&row| f(row)).collect()
        }
        Ok(sqlx::query_scalar(sql::POSTGRES_INSERT_OUTCOMES)
            .bind(column(rows, |r| r.id.as_ref()))
            .bind(column(rows, |r| r.item.body.as_str()))
            .bind(column(rows, |r| r.item.canonical.as_str()))
            .bind(column(rows, |r| r.customer_id.as_ref()))
            .bind(column(rows, |r| r.subscription_id.as_deref()))
            .bind(column(rows, |r| r.flow_id.as_ref()))
            .bind(column(rows, |r| r.plan_id.as_ref()))
            .bind(column(rows, |r| r.item.test))
            .bind(column(rows, |r| r.result_type.as_ref()))
            .bind(column(rows, |r| r.reason_id.as_deref()))
            .bind(column(rows, |r| r.created_at.as_str()))
            .bind(column(rows, |r| r.received_at.as_str()))
            .bind(column(rows, |r| r.item.keep_in_touch))
            .bind(forward)
            .bind(column(rows, |r| r.item.comment.as_deref().map(clean)))
            .bind(super::counts::INSIGHTS_LOCK)
            .fetch_all(conn)
            .await?)
    }

    async fn canonicals(conn: &mut Self::Connection, ids: &[&str]) -> Result<Vec<(String, String)>, StoreError> {
        Ok(sqlx::query_as(sql::POSTGRES_CANONICALS).bind(ids).fetch_all(conn).await?)
    }
}

/// A JSON array of texts (SQLite reads it with `json_each`).
fn json_array<S: AsRef<str>>(items: &[S]) -> String {
    serde_json::Value::Array(items.iter().map(|s| serde_json::Value::String(s.as_ref().to_string())).collect())
        .to_string()
}
