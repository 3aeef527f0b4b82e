//! The experiments' counts in the store, SQLite and PostgreSQL (COLLECTOR.md section 8):
//! each assignment keeps its first cancellation whichever arrives first (the cancellation
//! or the assignment), and migration 0005's backfill of the rows stored before it gives
//! the same counts as the collector keeping them as they arrive.

mod common;

use cancel_flow::core::outcome::Outcome;
use cancel_flow_collector::store::{canonical, NewAssignment, NewFlowVersion, NewOutcome, Store};
use common::store_support as support;
use serde_json::json;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const START: OffsetDateTime = datetime!(2026-09-01 08:00:00 UTC);
const NOW: OffsetDateTime = datetime!(2026-12-01 08:00:00 UTC);

fn outcome(n: u32, seq: u32, result: serde_json::Value, at: OffsetDateTime, group: Option<&str>) -> NewOutcome {
    let mut v = json!({
        "schema": "cancel-flow/outcome@1", "id": format!("00000000-0000-4000-8{seq:03}-{n:012}"),
        "created_at": at.format(&time::format_description::well_known::Rfc3339).unwrap(),
        "flow_id": "box", "test": false,
        "customer": { "id": format!("cus_{n}"), "subscription_id": format!("sub_{n}") },
        "plan_id": "weekly", "locale": "en", "result": result,
        "survey": null, "offers": [], "keep_in_touch": false, "steps": ["confirm", "done"], "elapsed_ms": 1000
    });
    if let Some(group) = group {
        v["served"] = json!({ "flow_version": 1, "experiment": { "id": "exp-1", "variant": group } });
    }
    let typed: Outcome = serde_json::from_value(v.clone()).expect("an outcome");
    NewOutcome::of(&typed, v.to_string(), canonical(&v), at, at)
}

fn cancelled(n: u32, seq: u32, at: OffsetDateTime, group: Option<&str>) -> NewOutcome {
    outcome(n, seq, json!({ "type": "cancelled", "effective": "period_end", "effective_on": null }), at, group)
}

fn group(n: u32) -> &'static str {
    ["holdout", "a", "b"][n as usize % 3]
}

/// When customer `n` was first served: a day apart from `START`.
fn assigned_at(n: u32) -> OffsetDateTime {
    START + Duration::days(i64::from(n))
}

async fn assign(store: &Store, n: u32) {
    let (customer, subscription) = (format!("cus_{n}"), format!("sub_{n}"));
    let new = NewAssignment {
        experiment_id: "exp-1",
        customer_id: &customer,
        // Customers from 40 on have no subscription id: matched on the customer.
        subscription_id: (n < 40).then_some(subscription.as_str()),
        group: group(n),
        at: assigned_at(n),
    };
    assert_eq!(store.record_assignment(new).await.unwrap(), group(n));
}

/// The population: 50 customers, half of them served before their cancellations arrive,
/// half after; cancellations inside, before and after the windows, from outcomes and
/// reports; the plain count of each group's retained customers.
async fn populate(store: &Store) -> std::collections::BTreeMap<&'static str, (u64, u64, u64)> {
    let document = r#"{"experiment":{"id":"exp-1"}}"#;
    let new = NewFlowVersion { flow_id: "box", document, canonical: document, experiment_id: Some("exp-1") };
    store.put_flow(new, START, |_, _| true).await.unwrap();
    // Customers n % 2 == 1 are served before anything else arrives.
    for n in (0..50).filter(|n| n % 2 == 1) {
        assign(store, n).await;
    }
    let mut batch = Vec::new();
    let mut expected: std::collections::BTreeMap<&str, (u64, u64, u64)> = Default::default();
    for n in 0..50u32 {
        let t = assigned_at(n);
        // In the window: an outcome (n % 5 == 0) or a report (n % 7 == 0, reports name a
        // subscription: they never reach an assignment without one). Outside it: an
        // outcome a day before (n % 3 == 0) and a report 31 days after (n % 4 == 0).
        let mut ended = false;
        if n % 5 == 0 {
            batch.push(cancelled(n, 0, t + Duration::days(12), Some(group(n))));
            ended = true;
        }
        if n % 3 == 0 {
            batch.push(cancelled(n, 1, t - Duration::days(1), None));
        }
        if n % 6 == 1 {
            let paused = json!({ "type": "paused", "resume_on": "2026-12-31",
                "duration": { "unit": "week", "count": 2 } });
            batch.push(outcome(n, 2, paused, t + Duration::hours(1), Some(group(n))));
        }
        if n % 7 == 0 {
            store.report_cancellation(&format!("sub_{n}"), t + Duration::days(29)).await.unwrap();
            ended |= n < 40;
        }
        if n % 4 == 0 {
            store.report_cancellation(&format!("sub_{n}"), t + Duration::days(31)).await.unwrap();
        }
        // Windows close 30 days after: customers from 61 days before NOW on are open; none here.
        let e = expected.entry(group(n)).or_default();
        e.0 += 1;
        e.1 += 1;
        e.2 += u64::from(!ended);
    }
    store.insert_batch(&batch, false).await.unwrap();
    // Customers n % 2 == 0 are served after their cancellations were stored.
    for n in (0..50).filter(|n| n % 2 == 0) {
        assign(store, n).await;
    }
    expected
}

async fn counts_kept_and_backfilled(db: &support::TestDb, kind: &str) {
    let store = db.store().await;
    let expected = populate(&store).await;
    let kept = store.experiment("exp-1", NOW).await.unwrap().expect("the experiment");
    let counted: Vec<(&str, (u64, u64, u64))> =
        kept.groups.iter().map(|(g, c)| (g.as_str(), (c.assigned, c.closed, c.retained))).collect();
    let plain: Vec<(&str, (u64, u64, u64))> = expected.iter().map(|(g, c)| (*g, *c)).collect();
    assert_eq!(counted, plain, "{kind}");
    // The secondary figures' outcomes: a cancellation for n % 5 == 0, a pause for n % 6 == 1.
    for (g, by_result) in &kept.outcomes {
        let of_group = |f: fn(u32) -> bool| (0..50u32).filter(|&n| group(n) == g && f(n)).count() as u64;
        assert_eq!(by_result.get("cancelled").copied().unwrap_or(0), of_group(|n| n % 5 == 0), "{kind} {g}");
        assert_eq!(by_result.get("paused").copied().unwrap_or(0), of_group(|n| n % 6 == 1), "{kind} {g}");
    }
    assert_eq!(kept.outcomes.len(), 3, "{kind}");

    // As if stored before migration 0005: its backfill gives the same.
    db.raw("UPDATE assignments SET cancelled_at = NULL").await;
    db.raw("DELETE FROM insight_counts WHERE metric = 'experiment_result'").await;
    assert_ne!(store.experiment("exp-1", NOW).await.unwrap().unwrap(), kept, "{kind}: the columns were emptied");
    let migration =
        std::fs::read_to_string(format!("{}/migrations/{kind}/0005_experiment_reads.sql", env!("CARGO_MANIFEST_DIR")))
            .unwrap();
    // Its statements, comments (which may hold a `;`) left out.
    let statements: String =
        migration.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n");
    let updates: Vec<&str> = statements
        .split(';')
        .map(str::to_string)
        .filter(|s| s.trim_start().starts_with("UPDATE") || s.trim_start().starts_with("INSERT"))
        .map(|s| Box::leak(s.into_boxed_str()) as &str)
        .collect();
    assert_eq!(updates.len(), 2, "{kind}: the migration's two backfills");
    assert!(updates[1].contains("insight_counts"), "{kind}");
    for statement in updates {
        db.raw(statement).await;
    }
    assert_eq!(store.experiment("exp-1", NOW).await.unwrap().unwrap(), kept, "{kind}");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_counts_kept_and_backfilled() {
    let db = support::sqlite("experiments");
    counts_kept_and_backfilled(&db, "sqlite").await;
    db.remove().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_counts_kept_and_backfilled() {
    let Some(db) = support::postgres("experiments").await else { return };
    counts_kept_and_backfilled(&db, "postgres").await;
    db.remove().await;
}
