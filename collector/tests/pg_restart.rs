//! PostgreSQL restarted under load: while the database is down the collector answers 503
//! with Retry-After (nothing is lost: the clients retry, as the widget does), and it
//! recovers by itself when the database is back, without a restart of its own; a served
//! config too (503 while down, 200 after). Its own test binary, because it stops the
//! shared test cluster (scripts/postgres.sh).

mod common;

use common::server::{Db, Server};
use serde_json::json;
use std::collections::HashSet;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const CLIENTS: usize = 8;
const EACH: usize = 150;

fn script(arg: &str) {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let ok =
        Command::new(format!("{root}/scripts/postgres.sh")).arg(arg).status().map(|s| s.success()).unwrap_or(false);
    assert!(ok, "scripts/postgres.sh {arg} failed");
}

fn body(id: &str) -> String {
    json!({
        "schema": "cancel-flow/outcome@1", "id": id, "created_at": "2026-11-25T10:04:12.345Z",
        "flow_id": "load", "test": false, "customer": { "id": "cus_load", "subscription_id": null },
        "plan_id": "family", "locale": "en", "result": { "type": "abandoned" },
        "survey": null, "offers": [], "keep_in_touch": false, "steps": ["survey"], "elapsed_ms": 1
    })
    .to_string()
}

#[test]
fn postgres_restarted_under_load_answers_503_then_recovers() {
    if !Db::all().contains(&Db::Postgres) {
        return;
    }
    let server =
        Server::start(Db::Postgres, &["--allow-unsigned", "--rate-limit", "0", "--admin-key", "pg-restart-admin-key"]);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (acked, unavailable) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (base, acked, unavailable) = (server.base.clone(), acked.clone(), unavailable.clone());
            rt.spawn(async move {
                let client = reqwest::Client::new();
                for n in 0..EACH {
                    let id = format!("{c:08x}-0000-4000-8000-{n:012x}");
                    // Like the widget: retry until acknowledged, honouring Retry-After.
                    for _attempt in 0..600 {
                        let r = client
                            .post(format!("{base}/v1/outcomes"))
                            .header("content-type", "application/json")
                            .body(body(&id))
                            .timeout(Duration::from_secs(15))
                            .send()
                            .await;
                        match r.map(|r| r.status().as_u16()) {
                            Ok(200 | 201) => {
                                acked.fetch_add(1, Ordering::SeqCst);
                                break;
                            }
                            Ok(503) => {
                                unavailable.fetch_add(1, Ordering::SeqCst);
                                tokio::time::sleep(Duration::from_millis(200)).await;
                            }
                            other => panic!("unexpected answer {other:?}"),
                        }
                    }
                }
            })
        })
        .collect();
    common::server::eventually(60_000, "200 acknowledged", || acked.load(Ordering::SeqCst) >= 200);
    let flow = json!({ "schema": "cancel-flow/flow@1", "config": {
        "schema": "cancel-flow/config@1", "flow_id": "load", "endpoint": "/v1/outcomes",
        "plan": { "id": "family", "name": "Family box" }, "fallback": { "email": "help@shop.example" } } });
    let put = rt.block_on(async {
        let r = reqwest::Client::new()
            .put(format!("{}/v1/flows/load", server.base))
            .bearer_auth("pg-restart-admin-key")
            .json(&flow)
            .send()
            .await
            .unwrap();
        r.status().as_u16()
    });
    assert_eq!(put, 201);
    script("pause");
    common::server::eventually(30_000, "503 answers while the database is down", || {
        unavailable.load(Ordering::SeqCst) > 0
    });
    let health =
        rt.block_on(async { reqwest::get(format!("{}/healthz", server.base)).await.map(|r| r.status().as_u16()) });
    assert_eq!(health.ok(), Some(503), "healthz says the database is down");
    let config = rt.block_on(config_status(&server.base));
    assert_eq!(config, (503, true), "a served config: 503 with Retry-After while the database is down");
    std::thread::sleep(Duration::from_secs(1));
    script("start");
    rt.block_on(async {
        for t in tasks {
            t.await.expect("a client");
        }
    });
    assert_eq!(acked.load(Ordering::SeqCst), CLIENTS * EACH, "every outcome acknowledged in the end");
    rt.block_on(async {
        let text = reqwest::Client::new()
            .get(format!("{}/v1/outcomes.csv", server.base))
            .bearer_auth("pg-restart-admin-key")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let ids: Vec<String> =
            csv::Reader::from_reader(text.as_bytes()).records().map(|r| r.unwrap()[0].to_string()).collect();
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len(), "stored once each");
        assert_eq!(ids.len(), CLIENTS * EACH, "nothing lost");
        let health = reqwest::get(format!("{}/healthz", server.base)).await.unwrap().status().as_u16();
        assert_eq!(health, 200, "recovered without a restart");
        assert_eq!(config_status(&server.base).await, (200, false), "configs are served again");
    });
    eprintln!("{} answers were 503 while PostgreSQL was down", unavailable.load(Ordering::SeqCst));
}

/// The status of `GET /v1/flows/load/config` (a collector without a token secret reads the
/// token's claims unchecked), and whether it came with `Retry-After`.
async fn config_status(base: &str) -> (u16, bool) {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let token = common::tokens::hs256(
        b"any key: this collector has no secret",
        &json!({ "sub": "cus_load", "exp": now + 600 }),
    );
    let r = reqwest::Client::new()
        .get(format!("{base}/v1/flows/load/config"))
        .bearer_auth(token)
        .timeout(Duration::from_secs(15))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.headers().contains_key("retry-after"))
}
