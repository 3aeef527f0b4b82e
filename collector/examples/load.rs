//! The collector's load generator (`make bench-collector`), run as a second process:
//! posts `--count` distinct, signed outcomes at `--concurrency`, then reports sustained
//! outcomes per second, p50/p99/max latency, the answers, and a count check through the
//! admin export (every outcome stored exactly once). Prints one JSON line.

use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned()).unwrap_or_else(|| default.to_string())
}

fn outcome(id: &str, n: usize) -> String {
    json!({
        "schema": "cancel-flow/outcome@1", "id": id, "created_at": "2026-11-25T10:04:12.345Z",
        "flow_id": "bench", "test": false, "customer": { "id": "cus_bench", "subscription_id": "sub_bench" },
        "plan_id": "family", "locale": "en",
        "result": { "type": "paused", "duration": { "unit": "week", "count": 1 + n % 52 }, "resume_on": "2026-12-23" },
        "survey": { "reason_id": "too_expensive", "comment": null },
        "offers": [ { "type": "pause", "accepted": true } ], "keep_in_touch": false,
        "steps": ["survey", "offers", "done"], "elapsed_ms": n
    })
    .to_string()
}

#[tokio::main]
async fn main() {
    let base = arg("--target", "http://127.0.0.1:8787");
    let token = arg("--token", "");
    let admin = arg("--admin-key", "");
    let count: usize = arg("--count", "20000").parse().expect("--count");
    let concurrency: usize = arg("--concurrency", "64").parse().expect("--concurrency");
    let run = arg("--run", "0");
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build().unwrap();
    let next = Arc::new(AtomicUsize::new(0));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(count)));
    let statuses = Arc::new(Mutex::new(std::collections::BTreeMap::<u16, usize>::new()));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, next, latencies, statuses, base, token, run) = (
                client.clone(),
                next.clone(),
                latencies.clone(),
                statuses.clone(),
                base.clone(),
                token.clone(),
                run.clone(),
            );
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= count {
                        break;
                    }
                    let id = format!("{:08x}-0000-4000-8000-{n:012x}", run.parse::<u32>().unwrap_or(0));
                    let t = Instant::now();
                    let mut req = client
                        .post(format!("{base}/v1/outcomes"))
                        .header("content-type", "application/json")
                        .header("idempotency-key", &id)
                        .body(outcome(&id, n))
                        .timeout(Duration::from_secs(30));
                    if !token.is_empty() {
                        req = req.bearer_auth(&token);
                    }
                    let status = req.send().await.map(|r| r.status().as_u16()).unwrap_or(0);
                    mine.push(t.elapsed());
                    *statuses.lock().unwrap().entry(status).or_default() += 1;
                }
                latencies.lock().unwrap().extend(mine);
            })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
    let elapsed = started.elapsed();
    let mut l = latencies.lock().unwrap().clone();
    l.sort();
    let pct = |p: f64| {
        l.get(((l.len() as f64 * p) as usize).min(l.len().saturating_sub(1))).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let stored = if admin.is_empty() {
        None
    } else {
        let text = client
            .get(format!("{base}/v1/outcomes.csv?flow_id=bench"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let ids: Vec<String> =
            csv::Reader::from_reader(text.as_bytes()).records().map(|r| r.unwrap()[0].to_string()).collect();
        let unique = ids.iter().collect::<std::collections::HashSet<_>>().len();
        Some((ids.len(), unique))
    };
    let statuses = statuses.lock().unwrap().clone();
    println!(
        "{}",
        json!({
            "count": count, "concurrency": concurrency, "seconds": elapsed.as_secs_f64(),
            "outcomes_per_second": (count as f64 / elapsed.as_secs_f64()).round(),
            "p50_ms": pct(0.50), "p99_ms": pct(0.99), "max_ms": pct(1.0),
            "answers": statuses, "stored": stored.map(|s| s.0), "stored_unique": stored.map(|s| s.1),
        })
    );
}
