//! The store against SQLite (a temporary file) and PostgreSQL (a fresh database on the
//! server `CF_TEST_POSTGRES_URL` points at; see tests/common/store_support.rs): inserts,
//! duplicates and conflicts, group commit, deliveries, erasure, export, and the writer
//! riding out an unavailable database. Each scenario runs once per backend, as
//! `sqlite::NAME` and `postgres::NAME`.

mod common;

use cancel_flow_collector::store::{canonical, ExportFilter, Insert, NewOutcome, Store, StoreError};
use cancel_flow_collector::webhook::{DeliveryQueue, DueDelivery};
use cancel_flow_collector::writer::{WriteError, Writer};
use common::store_support as support;

use futures::StreamExt;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::macros::{date, datetime};
use time::OffsetDateTime;

/// Runs each scenario `async fn NAME(store: Store)` on both backends.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = crate::support::sqlite(stringify!($name));
                    crate::$name(db.store().await).await;
                    db.remove().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = crate::support::postgres(stringify!($name)).await else { return };
                    let store = db.store().await;
                    crate::$name(store.clone()).await;
                    store.close().await;
                    db.remove().await;
                }
            )*
        }
    };
}

on_both!(
    insert_duplicate_conflict,
    intra_batch_duplicates,
    group_commit_many_submitters,
    deliveries_lifecycle,
    due_order_is_stored_order,
    erase_customer,
    export_filters,
    export_streams_pages,
    timestamps_round_trip,
    migrate_twice_and_ping,
);

const NOW: OffsetDateTime = datetime!(2026-11-25 10:00:00 UTC);

/// An outcome whose body is `value` written compactly.
fn outcome_of(value: serde_json::Value, received_at: OffsetDateTime) -> NewOutcome {
    let created_at =
        OffsetDateTime::parse(value["created_at"].as_str().unwrap(), &time::format_description::well_known::Rfc3339)
            .unwrap();
    // Typed without the id checks (these tests use short ids).
    let outcome: cancel_flow::core::outcome::Outcome = serde_json::from_value(value.clone()).expect("an outcome");
    NewOutcome::of(&outcome, value.to_string(), canonical(&value), created_at, received_at)
}

fn body(id: &str, customer: &str, flow: &str, created_at: &str, test: bool) -> serde_json::Value {
    json!({
        "schema": "cancel-flow/outcome@1",
        "id": id,
        "created_at": created_at,
        "flow_id": flow,
        "test": test,
        "customer": {"id": customer, "subscription_id": format!("sub_{customer}")},
        "plan_id": "plan_basic",
        "locale": "en",
        "result": {"type": "cancelled", "effective": "period_end", "effective_on": null},
        "survey": {"reason_id": "too_expensive", "comment": "ça coûte trop"},
        "offers": [{"type": "pause", "accepted": false}],
        "keep_in_touch": true,
        "steps": ["survey", "offers", "confirm", "done"],
        "elapsed_ms": 5123
    })
}

fn outcome(id: &str, customer: &str, flow: &str, created_at: &str, test: bool) -> NewOutcome {
    outcome_of(body(id, customer, flow, created_at, test), NOW)
}

fn simple(id: &str) -> NewOutcome {
    outcome(id, "cus_1", "flow_a", "2026-11-25T09:59:00Z", false)
}

async fn export_ids(store: &Store, filter: ExportFilter) -> Vec<String> {
    store.export(filter).map(|r| r.expect("export row").id).collect().await
}

fn all() -> ExportFilter {
    ExportFilter { include_test: true, ..ExportFilter::default() }
}

// ---------------------------------------------------------------- scenarios (both backends)

async fn insert_duplicate_conflict(store: Store) {
    let first = simple("o-1");
    assert_eq!(store.insert_batch(std::slice::from_ref(&first), false).await.unwrap(), [Insert::Stored]);

    // The same JSON values, keys reordered and spaced out: a duplicate.
    let reordered = r#"{ "elapsed_ms" : 5123, "steps": ["survey","offers","confirm","done"],
        "keep_in_touch": true, "offers": [ {"accepted": false, "type": "pause"} ],
        "survey": {"comment": "ça coûte trop", "reason_id": "too_expensive"},
        "result": {"effective_on": null, "effective": "period_end", "type": "cancelled"},
        "locale": "en", "plan_id": "plan_basic",
        "customer": {"subscription_id": "sub_cus_1", "id": "cus_1"},
        "test": false, "flow_id": "flow_a", "created_at": "2026-11-25T09:59:00Z",
        "id": "o-1", "schema": "cancel-flow/outcome@1" }"#;
    let value: serde_json::Value = serde_json::from_str(reordered).unwrap();
    let mut again = outcome_of(value, NOW + Duration::from_secs(60));
    again.body = reordered.to_string();
    assert_eq!(again.canonical, first.canonical);
    assert_eq!(store.insert_batch(&[again], false).await.unwrap(), [Insert::Duplicate]);

    // Another body under the same id: a conflict.
    let mut changed = body("o-1", "cus_1", "flow_a", "2026-11-25T09:59:00Z", false);
    changed["elapsed_ms"] = json!(5124);
    assert_eq!(store.insert_batch(&[outcome_of(changed, NOW)], true).await.unwrap(), [Insert::Conflict]);

    // Only the first is stored, exactly as received; nothing was queued for forwarding.
    let stored: Vec<_> = store.export(all()).map(Result::unwrap).collect().await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].body, first.body);
    assert_eq!(stored[0].received_at, NOW);
    assert_eq!(store.delivery_counts().await.unwrap(), Default::default());
}

async fn intra_batch_duplicates(store: Store) {
    let a = simple("b-1");
    let mut a_spaced = a.clone();
    a_spaced.body = serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(&a.body).unwrap()).unwrap();
    let mut a_changed_value: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    a_changed_value["keep_in_touch"] = json!(false);
    let a_changed = outcome_of(a_changed_value, NOW);
    let b = simple("b-2");
    let results = store.insert_batch(&[a.clone(), a_spaced, a_changed, b, a], true).await.unwrap();
    assert_eq!(results, [Insert::Stored, Insert::Duplicate, Insert::Conflict, Insert::Stored, Insert::Duplicate]);
    assert_eq!(export_ids(&store, all()).await, ["b-1", "b-2"]);
    let counts = store.delivery_counts().await.unwrap();
    assert_eq!((counts.pending, counts.failed, counts.delivered), (2, 0, 0));
}

async fn group_commit_many_submitters(store: Store) {
    const TASKS: usize = 32;
    const PER_TASK: usize = 2000 / TASKS + 1; // 63: 2016 in all
    let notify = Arc::new(tokio::sync::Notify::new());
    let writer = start_writer(store.clone(), true, Some(notify.clone()));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let writer = writer.clone();
        tasks.push(tokio::spawn(async move {
            let mut results = Vec::new();
            for i in 0..PER_TASK {
                results.push(writer.submit(simple(&format!("g-{t}-{i}"))).await);
            }
            results
        }));
    }
    let mut stored = 0;
    for task in tasks {
        for result in task.await.unwrap() {
            assert_eq!(result, Ok(Insert::Stored));
            stored += 1;
        }
    }
    let elapsed = started.elapsed();
    eprintln!(
        "group commit ({}): {stored} outcomes from {TASKS} tasks in {elapsed:.2?}: {:.0} outcomes/s",
        store.kind(),
        stored as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(stored, TASKS * PER_TASK);
    // The webhook worker was told.
    tokio::time::timeout(Duration::from_secs(1), notify.notified()).await.expect("on_commit notified");
    let ids = export_ids(&store, all()).await;
    assert_eq!(ids.len(), stored);
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), stored);
    assert_eq!(store.delivery_counts().await.unwrap().pending, stored as u64);

    // Submitted again, concurrently: every one a duplicate, nothing new.
    let again: Vec<_> =
        futures::future::join_all((0..100).map(|i| writer.submit(simple(&format!("g-0-{}", i % 63))))).await;
    assert!(again.iter().all(|r| r == &Ok(Insert::Duplicate)), "{again:?}");
    assert_eq!(export_ids(&store, all()).await.len(), stored);
}

async fn deliveries_lifecycle(store: Store) {
    let batch: Vec<_> = ["d-1", "d-2", "d-3"].map(simple).into();
    store.insert_batch(&batch, true).await.unwrap();
    assert_eq!(store.next_due_at().await.unwrap(), Some(NOW));
    assert!(store.due_deliveries(NOW - Duration::from_secs(1), 10).await.unwrap().is_empty());

    let due = store.due_deliveries(NOW, 10).await.unwrap();
    assert_eq!(due.iter().map(|d| d.outcome_id.as_str()).collect::<Vec<_>>(), ["d-1", "d-2", "d-3"]);
    assert_eq!(
        due[0],
        DueDelivery {
            outcome_id: "d-1".into(),
            body: batch[0].body.clone(),
            attempts: 0,
            first_attempt_at: None,
            stored_at: NOW
        }
    );

    // d-1: a failed attempt, retried in an hour.
    let first = NOW + Duration::from_secs(5);
    let later = NOW + Duration::from_secs(3600);
    store.delivery_retry("d-1", 1, later, "HTTP 500", first).await.unwrap();
    // d-2: acknowledged; d-3: given up.
    store.delivery_done("d-2", first).await.unwrap();
    store.delivery_failed("d-3", first, "3 days without an answer").await.unwrap();
    let counts = store.delivery_counts().await.unwrap();
    assert_eq!((counts.pending, counts.failed, counts.delivered), (1, 1, 1));
    assert!(store.due_deliveries(first, 10).await.unwrap().is_empty());
    assert_eq!(store.next_due_at().await.unwrap(), Some(later));

    // d-1 again: a second failure keeps the first attempt's time.
    let due = store.due_deliveries(later, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].attempts, due[0].first_attempt_at), (1, Some(first)));
    store.delivery_retry("d-1", 2, later + Duration::from_secs(60), "timeout", later).await.unwrap();
    let due = store.due_deliveries(later + Duration::from_secs(60), 10).await.unwrap();
    assert_eq!((due[0].attempts, due[0].first_attempt_at), (2, Some(first)));
    store.delivery_done("d-1", later + Duration::from_secs(61)).await.unwrap();

    let counts = store.delivery_counts().await.unwrap();
    assert_eq!((counts.pending, counts.failed, counts.delivered), (0, 1, 2));
    assert_eq!(store.next_due_at().await.unwrap(), None);
    // Finished deliveries and unknown ids are left alone.
    store.delivery_retry("d-2", 9, later, "late", first).await.unwrap();
    store.delivery_done("nope", later).await.unwrap();
    assert_eq!(store.delivery_counts().await.unwrap(), counts);
}

async fn due_order_is_stored_order(store: Store) {
    // Received times decrease while stored order increases: due order follows the store.
    for i in 0..5u64 {
        let mut o = simple(&format!("s-{i}"));
        o.received_at = NOW - Duration::from_secs(i * 60);
        store.insert_batch(&[o], true).await.unwrap();
    }
    let due = store.due_deliveries(NOW, 3).await.unwrap();
    assert_eq!(due.iter().map(|d| d.outcome_id.as_str()).collect::<Vec<_>>(), ["s-0", "s-1", "s-2"]);
    assert_eq!(store.next_due_at().await.unwrap(), Some(NOW - Duration::from_secs(240)));
    store.delivery_done("s-0", NOW).await.unwrap();
    let due = store.due_deliveries(NOW, 10).await.unwrap();
    assert_eq!(due.iter().map(|d| d.outcome_id.as_str()).collect::<Vec<_>>(), ["s-1", "s-2", "s-3", "s-4"]);
    assert!(store.due_deliveries(NOW, 0).await.unwrap().is_empty());
}

async fn erase_customer(store: Store) {
    let batch = [
        outcome("e-1", "cus_a", "f", "2026-11-20T10:00:00Z", false),
        outcome("e-2", "cus_b", "f", "2026-11-20T10:00:00Z", false),
        outcome("e-3", "cus_a", "f", "2026-11-21T10:00:00Z", true),
        outcome("e-4", "cus_a", "g", "2026-11-22T10:00:00Z", false),
    ];
    store.insert_batch(&batch, true).await.unwrap();
    store.delivery_done("e-1", NOW).await.unwrap();
    assert_eq!(store.erase_customer("cus_a").await.unwrap(), 3);
    assert_eq!(export_ids(&store, all()).await, ["e-2"]);
    let counts = store.delivery_counts().await.unwrap();
    assert_eq!((counts.pending, counts.failed, counts.delivered), (1, 0, 0));
    assert_eq!(store.erase_customer("cus_a").await.unwrap(), 0);
    assert_eq!(store.erase_customer("unknown").await.unwrap(), 0);
    // An erased id may be stored again (the widget's outbox re-sending it): it is new.
    assert_eq!(store.insert_batch(&batch[..1], false).await.unwrap(), [Insert::Stored]);
    assert_eq!(export_ids(&store, all()).await, ["e-2", "e-1"]);
}

async fn export_filters(store: Store) {
    let batch = [
        outcome("x-1", "c", "flow_a", "2026-11-23T23:59:59.999999Z", false),
        outcome("x-2", "c", "flow_a", "2026-11-24T00:00:00Z", false),
        outcome("x-3", "c", "flow_b", "2026-11-24T12:00:00Z", false),
        outcome("x-4", "c", "flow_a", "2026-11-25T23:59:59.999999Z", true),
        outcome("x-5", "c", "flow_a", "2026-11-26T00:00:00Z", false),
        // 01:00 on the 25th in UTC, written with an offset.
        outcome("x-6", "c", "flow_b", "2026-11-24T20:00:00-05:00", false),
    ];
    store.insert_batch(&batch, false).await.unwrap();
    let filter = |flow: Option<&str>, from, to, include_test| ExportFilter {
        flow_id: flow.map(str::to_string),
        from,
        to,
        include_test,
    };
    assert_eq!(export_ids(&store, ExportFilter::default()).await, ["x-1", "x-2", "x-3", "x-5", "x-6"]);
    assert_eq!(export_ids(&store, all()).await, ["x-1", "x-2", "x-3", "x-4", "x-5", "x-6"]);
    assert_eq!(export_ids(&store, filter(Some("flow_a"), None, None, false)).await, ["x-1", "x-2", "x-5"]);
    assert_eq!(export_ids(&store, filter(Some("flow_a"), None, None, true)).await, ["x-1", "x-2", "x-4", "x-5"]);
    let (from, to) = (Some(date!(2026 - 11 - 24)), Some(date!(2026 - 11 - 25)));
    assert_eq!(export_ids(&store, filter(None, from, to, false)).await, ["x-2", "x-3", "x-6"]);
    assert_eq!(export_ids(&store, filter(None, from, to, true)).await, ["x-2", "x-3", "x-4", "x-6"]);
    assert_eq!(export_ids(&store, filter(None, to, to, true)).await, ["x-4", "x-6"]);
    assert_eq!(export_ids(&store, filter(None, from, None, false)).await, ["x-2", "x-3", "x-5", "x-6"]);
    assert_eq!(export_ids(&store, filter(None, None, from, false)).await, ["x-1", "x-2", "x-3"]);
    assert_eq!(export_ids(&store, filter(Some("flow_b"), to, None, false)).await, ["x-6"]);
    assert!(export_ids(&store, filter(Some("nope"), None, None, true)).await.is_empty());
    assert!(export_ids(&store, filter(None, to, from, true)).await.is_empty());
}

async fn export_streams_pages(store: Store) {
    // More rows than a page, in several batches, with every third a test outcome.
    let total = 1234;
    let all_items: Vec<_> =
        (0..total).map(|i| outcome(&format!("p-{i:05}"), "c", "f", "2026-11-25T09:00:00Z", i % 3 == 0)).collect();
    for chunk in all_items.chunks(400) {
        store.insert_batch(chunk, false).await.unwrap();
    }
    let mut stream = store.export(all());
    let mut seen = 0;
    let mut last_seq = 0;
    while let Some(row) = stream.next().await {
        let row = row.unwrap();
        assert!(row.seq > last_seq);
        assert_eq!(row.id, format!("p-{seen:05}"));
        last_seq = row.seq;
        seen += 1;
    }
    assert_eq!(seen, total);
    let visible = export_ids(&store, ExportFilter::default()).await;
    assert_eq!(visible.len(), (0..total).filter(|i| i % 3 != 0).count());
    // Dropping a stream part way is fine.
    let first_two: Vec<_> = store.export(all()).take(2).collect().await;
    assert_eq!(first_two.len(), 2);
}

async fn timestamps_round_trip(store: Store) {
    let mut o = outcome("t-1", "c", "f", "2026-11-25T12:34:56.123456789+02:00", false);
    o.received_at = datetime!(2026-11-25 10:34:57.000001 UTC);
    store.insert_batch(&[o], true).await.unwrap();
    let row = store.export(all()).next().await.unwrap().unwrap();
    // Stored in UTC, to the microsecond.
    assert_eq!(row.created_at, datetime!(2026-11-25 10:34:56.123456 UTC));
    assert_eq!(row.received_at, datetime!(2026-11-25 10:34:57.000001 UTC));
    let due = store.due_deliveries(datetime!(2026-11-25 10:34:57.000001 UTC), 1).await.unwrap();
    assert_eq!(due[0].stored_at, row.received_at);
}

async fn migrate_twice_and_ping(store: Store) {
    store.migrate().await.unwrap();
    assert!(store.ping().await);
    store.insert_batch(&[simple("m-1")], false).await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(export_ids(&store, all()).await, ["m-1"]);
}

// ---------------------------------------------------------------- the writer when the database is away

/// SQLite: another connection holds the write lock past the busy timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_writer_recovers_when_the_database_is_busy() {
    use sqlx::Connection;
    let db = support::sqlite("writer_recovers");
    let store = db.store().await;
    let writer = start_writer(store.clone(), true, None);
    assert_eq!(writer.submit(simple("r-1")).await, Ok(Insert::Stored));

    let path = db.url().strip_prefix("sqlite://").unwrap().to_string();
    let mut blocker = sqlx::SqliteConnection::connect(&format!("sqlite://{path}")).await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE").execute(&mut blocker).await.unwrap();
    let started = Instant::now();
    assert_eq!(writer.submit(simple("r-2")).await, Err(WriteError::Unavailable));
    eprintln!("sqlite: unavailable answered after {:.2?}", started.elapsed());
    sqlx::query("ROLLBACK").execute(&mut blocker).await.unwrap();
    blocker.close().await.unwrap();

    assert_eq!(writer.submit(simple("r-2")).await, Ok(Insert::Stored));
    assert_eq!(writer.submit(simple("r-1")).await, Ok(Insert::Duplicate));
    assert_eq!(export_ids(&store, all()).await, ["r-1", "r-2"]);
    store.close().await;
    db.remove().await;
}

/// PostgreSQL: the server is stopped and started again. The test runs a server of its own
/// (`scripts/postgres.sh` with a private state folder) so that no other test sees the
/// restart; where the script cannot run one, the test database on `CF_TEST_POSTGRES_URL`
/// refuses connections for a while instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_writer_recovers_after_a_restart() {
    let Some(shared) = support::postgres_url("postgres_writer_recovers_after_a_restart") else { return };
    let private = support::PrivateServer::start("restart").await;
    let admin_url = private.as_ref().map_or(shared, |s| s.url.clone());
    let db = support::postgres_on(&admin_url, "writer_recovers").await;
    let support::TestDb::Postgres { name, .. } = &db else { unreachable!() };
    let store = db.store().await;
    let writer = start_writer(store.clone(), true, None);
    assert_eq!(writer.submit(simple("r-1")).await, Ok(Insert::Stored));

    match &private {
        Some(server) => server.pause().await,
        None => {
            eprintln!("postgres: scripts/postgres.sh cannot run a server here: refusing connections instead");
            support::admin(&admin_url, &format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false")).await;
            support::admin(
                &admin_url,
                &format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"),
            )
            .await;
        }
    }
    let started = Instant::now();
    let (submitted, pinged) = tokio::join!(writer.submit(simple("r-2")), store.ping());
    assert_eq!(submitted, Err(WriteError::Unavailable));
    assert!(!pinged);
    eprintln!("postgres: unavailable answered after {:.2?}", started.elapsed());

    match &private {
        Some(server) => server.resume().await,
        None => support::admin(&admin_url, &format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true")).await,
    }
    // The very next submission succeeds: the pool drops its dead connections by itself.
    assert_eq!(writer.submit(simple("r-2")).await, Ok(Insert::Stored));
    assert_eq!(writer.submit(simple("r-1")).await, Ok(Insert::Duplicate));
    assert!(store.ping().await);
    assert_eq!(export_ids(&store, all()).await, ["r-1", "r-2"]);
    store.close().await;
    db.remove().await;
    if let Some(server) = private {
        server.remove().await;
    }
}

// ---------------------------------------------------------------- without a database

#[test]
fn canonical_ignores_key_order_and_spacing() {
    let a: serde_json::Value =
        serde_json::from_str(r#"{"b": {"y": 1, "x": [1, {"d": 2, "c": null}]}, "a": "é"}"#).unwrap();
    let b: serde_json::Value =
        serde_json::from_str("{ \"a\" : \"\\u00e9\",\n \"b\":{\"x\":[1,{\"c\":null,\"d\":2}],\"y\":1} }").unwrap();
    assert_eq!(canonical(&a), canonical(&b));
    assert_eq!(canonical(&a), r#"{"a":"é","b":{"x":[1,{"c":null,"d":2}],"y":1}}"#);
    let c: serde_json::Value =
        serde_json::from_str(r#"{"a": "é", "b": {"y": 1, "x": [{"d": 2, "c": null}, 1]}}"#).unwrap();
    assert_ne!(canonical(&a), canonical(&c), "array order matters");
    // Keys needing escapes are written as JSON strings.
    let d = json!({"qu\"ote": 1, "new\nline": true});
    assert_eq!(canonical(&d), "{\"new\\nline\":true,\"qu\\\"ote\":1}");
}

#[tokio::test]
async fn errors_never_show_a_password() {
    let e = Store::connect("postgres://user:hunter2@127.0.0.1:1/db").await.unwrap_err();
    assert!(e.is_unavailable(), "{e:?}");
    assert!(!e.to_string().contains("hunter2"), "{e}");
    let e = Store::connect("postgres://user:hunter2@[bad/db").await.unwrap_err();
    assert!(!e.to_string().contains("hunter2"), "{e}");
    let e = Store::connect("mysql://user:hunter2@host/db").await.unwrap_err();
    assert_eq!(e.to_string(), "bad database URL: expected sqlite://PATH or postgres://…, not the scheme \"mysql\"");
    let e = StoreError::Database("could not reach postgres://u:hunter2@h:5/db?x=1 or 'postgresql://v:pw@h'".into());
    assert_eq!(e.to_string(), "database error: could not reach postgres://u:***@h:5/db?x=1 or 'postgresql://v:***@h'");
    assert!(Store::connect("sqlite://").await.is_err());
    assert!(Store::connect("sqlite::memory:").await.is_err());
}

#[tokio::test]
async fn sqlite_file_is_created_in_wal_mode() {
    use sqlx::Connection;
    let db = support::sqlite("wal");
    let store = db.store().await;
    store.insert_batch(&[simple("w-1")], false).await.unwrap();
    let mut conn = sqlx::SqliteConnection::connect(db.url()).await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut conn).await.unwrap();
    assert_eq!(mode, "wal");
    conn.close().await.unwrap();
    store.close().await;
    assert!(!store.ping().await);
    db.remove().await;
}

/// Outcomes stored before migration 0002 (uncounted, no comments rows, no counts) are
/// counted once by `count_uncounted`, to the same figures as if counted when stored.
async fn counts_outcomes_stored_before_the_insights(db: &support::TestDb) {
    let store = db.store().await;
    let mut batch = Vec::new();
    for i in 0..1_200 {
        let mut v =
            body(&format!("b-{i}"), &format!("cus_{}", i % 50), ["f", "g"][i % 2], "2026-11-20T10:00:00Z", i % 9 == 0);
        v["created_at"] = json!(format!("2026-11-{:02}T{:02}:00:00Z", 1 + i % 25, i % 24));
        v["customer"]["subscription_id"] = json!(format!("sub_{}", i % 300));
        if i % 7 < 3 {
            v["result"] =
                json!({ "type": "paused", "duration": { "unit": "week", "count": 4 }, "resume_on": "2026-12-23" });
            v["keep_in_touch"] = json!(false);
        }
        if i % 5 == 0 {
            v["survey"] = serde_json::Value::Null;
        }
        batch.push(outcome_of(v, NOW));
    }
    store.insert_batch(&batch, false).await.unwrap();
    let filter = ExportFilter { include_test: true, ..ExportFilter::default() };
    let figures = store.insights(&filter).await.unwrap();
    let comments = store.comments(&filter, None, 0, 5).await.unwrap();
    let keep = store.keep_in_touch_recent(&filter, 5).await.unwrap();
    assert!(figures.saves_lost.within_30d > 0 && figures.keep_in_touch > 0 && comments.total > 0);

    for statement in [
        "UPDATE outcomes SET counted = FALSE, lost = FALSE, keep_in_touch = FALSE",
        "DELETE FROM insight_counts",
        "DELETE FROM comments",
    ] {
        db.raw(statement).await;
    }
    assert_eq!(store.insights(&filter).await.unwrap().sessions, 0);
    assert_eq!(store.count_uncounted().await.unwrap(), 1_200);
    assert_eq!(store.insights(&filter).await.unwrap(), figures);
    assert_eq!(store.comments(&filter, None, 0, 5).await.unwrap(), comments);
    assert_eq!(store.keep_in_touch_recent(&filter, 5).await.unwrap(), keep);
    assert_eq!(store.count_uncounted().await.unwrap(), 0, "counted once");
    assert_eq!(store.insights(&filter).await.unwrap(), figures);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_counts_outcomes_stored_before_the_insights() {
    let db = support::sqlite("backfill");
    counts_outcomes_stored_before_the_insights(&db).await;
    db.remove().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_counts_outcomes_stored_before_the_insights() {
    let Some(db) = support::postgres("backfill").await else { return };
    counts_outcomes_stored_before_the_insights(&db).await;
    db.remove().await;
}

/// A writer with its committing task running until the test ends.
fn start_writer(store: Store, forward: bool, on_commit: Option<Arc<tokio::sync::Notify>>) -> Writer {
    let (writer, task) = Writer::new(store, forward, on_commit);
    tokio::spawn(task.run(tokio_util::sync::CancellationToken::new()));
    writer
}
