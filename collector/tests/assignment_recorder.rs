//! Group commit of experiment assignments (`serving::recorder`), SQLite and PostgreSQL:
//! many first servings at once are recorded once each, the same customer twice in one
//! batch included; each answer is the group recorded for the customer, the one recorded
//! before when there is one; a stopped recorder records what was queued; and (PostgreSQL)
//! a first assignment made while a cancellation of that subscription is being committed
//! elsewhere waits for it and keeps it.

mod common;

use cancel_flow_collector::serving::recorder::{Assignment, AssignmentRecorder};
use cancel_flow_collector::store::{NewAssignment, NewFlowVersion, Store};
use common::store_support as support;
use time::macros::datetime;
use tokio_util::sync::CancellationToken;

fn assignment(n: u32) -> Assignment {
    Assignment {
        experiment_id: "exp-1".into(),
        customer_id: format!("cus_{n}"),
        subscription_id: (n % 2 == 0).then(|| format!("sub_{n}")),
        group: ["a", "b"][n as usize % 2].into(),
        at: datetime!(2026-11-01 10:00 UTC),
    }
}

async fn groups_recorded_once(store: Store) {
    let doc = r#"{"experiment":{"id":"exp-1"}}"#;
    let flow = NewFlowVersion { flow_id: "box", document: doc, canonical: doc, experiment_id: Some("exp-1") };
    store.put_flow(flow, datetime!(2026-11-01 09:00 UTC), |_, _| true).await.unwrap();
    // Recorded before, by another collector, in another group than this one would give.
    let before = NewAssignment {
        experiment_id: "exp-1",
        customer_id: "cus_7",
        subscription_id: None,
        group: "holdout",
        at: datetime!(2026-10-01 10:00 UTC),
    };
    assert_eq!(store.record_assignment(before).await.unwrap(), "holdout");

    let (recorder, task) = AssignmentRecorder::new(store.clone());
    let stop = CancellationToken::new();
    let running = tokio::spawn(task.run(stop.clone()));
    // 300 first servings at once: customers 0..200, and 0..100 a second time.
    let servings: Vec<_> = (0..200u32)
        .chain(0..100)
        .map(|n| {
            let recorder = recorder.clone();
            tokio::spawn(async move { (n, recorder.record(assignment(n)).await.unwrap()) })
        })
        .collect();
    for serving in servings {
        let (n, group) = serving.await.unwrap();
        let expected = if n == 7 { "holdout".to_string() } else { assignment(n).group };
        assert_eq!(group, expected, "cus_{n}");
    }
    let data = store.experiment("exp-1", datetime!(2026-12-06 10:00 UTC)).await.unwrap().unwrap();
    let assigned: u64 = data.groups.iter().map(|(_, c)| c.assigned).sum();
    assert_eq!(assigned, 200, "one record per customer");
    assert_eq!(data.summary.started_at.as_deref(), Some("2026-10-01T10:00:00.000000Z"), "the earlier record stays");

    // Stopping: what was queued is still recorded and answered.
    let queued: Vec<_> = (200..220u32)
        .map(|n| {
            let recorder = recorder.clone();
            tokio::spawn(async move { recorder.record(assignment(n)).await })
        })
        .collect();
    tokio::task::yield_now().await;
    stop.cancel();
    let answered = futures::future::join_all(queued).await;
    running.await.unwrap();
    let recorded = answered.iter().filter(|r| matches!(r, Ok(Ok(_)))).count() as u64;
    let data = store.experiment("exp-1", datetime!(2026-12-06 10:00 UTC)).await.unwrap().unwrap();
    let assigned: u64 = data.groups.iter().map(|(_, c)| c.assigned).sum();
    assert_eq!(assigned, 200 + recorded, "each answered serving was recorded, the others refused");
    assert!(recorder.record(assignment(999)).await.is_err(), "a stopped recorder refuses");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_groups_recorded_once() {
    let db = support::sqlite("recorder");
    groups_recorded_once(db.store().await).await;
    db.remove().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_groups_recorded_once() {
    let Some(db) = support::postgres("recorder").await else { return };
    let store = db.store().await;
    groups_recorded_once(store.clone()).await;
    store.close().await;
    db.remove().await;
}

/// The collector's `ASSIGNMENTS_LOCK` (store/postgres/flows.rs): taken here by hand, it
/// stands for a cancellation's transaction in progress on another collector.
const ASSIGNMENTS_LOCK: i64 = 0x0000_6366_2d61_7367;

/// PostgreSQL: a first assignment made while another collector's cancellation of that
/// subscription is being committed waits for it, then keeps it (without the lock the
/// insert would read the cancellations committed before it, miss this one, and the
/// cancellation's update would have found no assignment).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_an_assignment_made_during_a_cancellation_keeps_it() {
    use sqlx::Connection;
    let Some(db) = support::postgres("recorder_race").await else { return };
    let store = db.store().await;
    let doc = r#"{"experiment":{"id":"exp-1"}}"#;
    let flow = NewFlowVersion { flow_id: "box", document: doc, canonical: doc, experiment_id: Some("exp-1") };
    store.put_flow(flow, datetime!(2026-11-01 09:00 UTC), |_, _| true).await.unwrap();

    let mut other = sqlx::PgConnection::connect(db.url()).await.unwrap();
    sqlx::query("BEGIN").execute(&mut other).await.unwrap();
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(ASSIGNMENTS_LOCK).execute(&mut other).await.unwrap();
    sqlx::query(
        "INSERT INTO reported_cancellations (subscription_id, at, received_at) \
        VALUES ('sub_0', '2026-11-10T00:00:00Z', '2026-11-10T00:00:00Z')",
    )
    .execute(&mut other)
    .await
    .unwrap();

    let recording = tokio::spawn({
        let store = store.clone();
        async move { store.record_assignment(NewAssignment { subscription_id: Some("sub_0"), ..new_assignment() }).await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!recording.is_finished(), "the assignment waits for the cancellation's transaction");
    sqlx::query("COMMIT").execute(&mut other).await.unwrap();
    assert_eq!(recording.await.unwrap().unwrap(), "a");

    let data = store.experiment("exp-1", datetime!(2026-12-06 10:00 UTC)).await.unwrap().unwrap();
    let counts: Vec<(&str, (u64, u64, u64))> =
        data.groups.iter().map(|(g, c)| (g.as_str(), (c.assigned, c.closed, c.retained))).collect();
    assert_eq!(counts, [("a", (1, 1, 0))], "cancelled in the window: not retained");
    store.close().await;
    db.remove().await;
}

fn new_assignment() -> NewAssignment<'static> {
    NewAssignment {
        experiment_id: "exp-1",
        customer_id: "cus_0",
        subscription_id: None,
        group: "a",
        at: datetime!(2026-11-01 10:00 UTC),
    }
}
