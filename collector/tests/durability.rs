//! Nothing acknowledged is lost: 32 clients post thousands of outcomes while the collector
//! is killed with SIGKILL; after a restart every acknowledged outcome is stored exactly
//! once, and re-posting the unacknowledged ones loses nothing. SQLite and PostgreSQL.

mod common;

use common::server::{Db, Server};
use serde_json::json;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CLIENTS: usize = 32;
const ADMIN: &str = "durability-admin";

fn outcome(id: &str) -> String {
    json!({
        "schema": "cancel-flow/outcome@1", "id": id, "created_at": "2026-11-25T10:04:12.345Z",
        "flow_id": "load", "test": false, "customer": { "id": "cus_load", "subscription_id": null },
        "plan_id": "family", "locale": "en", "result": { "type": "cancelled", "effective": "immediately", "effective_on": "2026-11-25" },
        "survey": null, "offers": [], "keep_in_touch": false, "steps": ["confirm", "done"], "elapsed_ms": 1
    })
    .to_string()
}

fn id(client: usize, n: usize) -> String {
    format!("{client:08x}-0000-4000-8000-{n:012x}")
}

/// Every stored id, from the admin export.
async fn stored_ids(base: &str) -> Vec<String> {
    let text = reqwest::Client::new()
        .get(format!("{base}/v1/outcomes.csv"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .expect("export")
        .text()
        .await
        .unwrap();
    csv::Reader::from_reader(text.as_bytes()).records().map(|r| r.unwrap()[0].to_string()).collect()
}

#[derive(Default)]
struct Ledger {
    acked: HashSet<String>,
    unacked: HashSet<String>,
}

async fn post(client: &reqwest::Client, base: &str, id: &str) -> Option<u16> {
    let r = client
        .post(format!("{base}/v1/outcomes"))
        .header("content-type", "application/json")
        .body(outcome(id))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .ok()?;
    Some(r.status().as_u16())
}

#[test]
fn kill_9_under_load_loses_nothing_acknowledged() {
    for db in Db::all() {
        let mut server = Server::start(db, &["--allow-unsigned", "--rate-limit", "0", "--admin-key", ADMIN]);
        let ledger = Arc::new(Mutex::new(Ledger::default()));
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let base = server.base.clone();
        // 32 clients post until the collector dies under them.
        let tasks: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let (ledger, base) = (ledger.clone(), base.clone());
                rt.spawn(async move {
                    let client = reqwest::Client::new();
                    for n in 0..100_000 {
                        let id = id(c, n);
                        match post(&client, &base, &id).await {
                            Some(201 | 200) => ledger.lock().unwrap().acked.insert(id),
                            Some(s) if s < 500 => panic!("unexpected {s}"),
                            _ => {
                                ledger.lock().unwrap().unacked.insert(id);
                                return;
                            }
                        };
                    }
                })
            })
            .collect();
        // Kill it once a few thousand are acknowledged.
        common::server::eventually(60_000, "3000 acknowledged outcomes", || ledger.lock().unwrap().acked.len() >= 3000);
        server.kill9();
        rt.block_on(async {
            for t in tasks {
                let _ = t.await;
            }
        });
        let server = server.restart();
        let (acked, unacked) = {
            let l = ledger.lock().unwrap();
            (l.acked.clone(), l.unacked.clone())
        };
        rt.block_on(async {
            let stored = stored_ids(&server.base).await;
            let unique: HashSet<&String> = stored.iter().collect();
            assert_eq!(unique.len(), stored.len(), "{db:?}: every outcome stored once");
            let missing: Vec<_> = acked.iter().filter(|i| !unique.contains(i)).collect();
            assert!(
                missing.is_empty(),
                "{db:?}: {} acknowledged outcomes lost, e.g. {:?}",
                missing.len(),
                missing.first()
            );
            // Re-post what was never acknowledged: stored now (201) or already (200).
            let client = reqwest::Client::new();
            for i in &unacked {
                let s = post(&client, &server.base, i).await;
                assert!(matches!(s, Some(200 | 201)), "{db:?}: re-post of {i} answered {s:?}");
            }
            let stored = stored_ids(&server.base).await;
            assert_eq!(stored.len(), acked.len() + unacked.len(), "{db:?}: everything attempted is stored once");
            eprintln!(
                "{db:?}: {} acknowledged before SIGKILL, {} in flight re-posted, {} stored",
                acked.len(),
                unacked.len(),
                stored.len()
            );
        });
    }
}
