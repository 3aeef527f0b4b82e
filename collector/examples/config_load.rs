//! The served configs' load generator (`make bench-collector`), run as a second process:
//! writes a flow with rules (and, with `--experiment`, an experiment with a holdout),
//! gives `--customers` customers histories of 0 to 50 outcomes (customer i has i mod 51),
//! then asks for `--count` configs at `--concurrency`, each with the token of a customer
//! picked in turn (with attributes that make some rules hold), and reports configs per
//! second, p50/p99/max latency and the answers; then the cost of a long history: the
//! median of 200 configs, one at a time, for a customer with `--long-history` outcomes
//! against one with none. Prints one JSON line.

use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned()).unwrap_or_else(|| default.to_string())
}

fn flag(name: &str) -> bool {
    std::env::args().any(|a| a == name)
}

fn flow(experiment: bool) -> Value {
    let mut doc = json!({
        "schema": "cancel-flow/flow@1",
        "config": {
            "schema": "cancel-flow/config@1", "flow_id": "bench-served",
            "endpoint": "https://collector.shop.example/v1/outcomes",
            "plan": { "id": "weekly", "name": "Weekly box" },
            "survey": { "reasons": [ { "preset": "too_expensive" }, { "preset": "too_much" }, { "preset": "away" },
                                     { "preset": "moving" }, { "preset": "other" } ] },
            "offers": {
                "pause": { "options": [ { "unit": "week", "count": 2 }, { "unit": "week", "count": 4 } ] },
                "discount": { "percent_off": 20, "months": 3 },
                "links": [ { "id": "support", "label": "Talk to a person", "url": "https://shop.example/help" } ]
            },
            "fallback": { "url": "https://shop.example/account/cancel" }
        },
        "rules": [
            { "name": "annual plans keep their price", "when": { "==": [ { "var": "attrs.plan" }, "annual" ] },
              "patch": { "offers": { "discount": null } } },
            { "name": "long-time customers", "when": { ">=": [ { "var": "attrs.tenure_days" }, 365 ] },
              "patch": { "offers": { "links": [ { "id": "vip", "label": "Talk to Anna", "url": "https://shop.example/vip" } ] } } },
            { "name": "frequent visitors", "when": { ">": [ { "var": "history.sessions" }, 20 ] },
              "patch": { "survey": { "question": "What could we do better?" } } }
        ]
    });
    if experiment {
        doc["experiment"] = json!({ "id": "bench-offers", "holdout": 0.1, "variants": [
            { "id": "a" }, { "id": "b", "patch": { "offers": { "discount": { "percent_off": 30, "months": 2 } } } } ] });
    }
    doc
}

fn token(secret: &str, customer: usize, attrs: Value) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims = json!({ "sub": format!("cus_load_{customer}"), "subscription_id": format!("sub_load_{customer}"),
                         "exp": now + 3600, "iat": now, "attrs": attrs });
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

/// Customer `c`'s history: `c mod 51` outcomes over the last 200 days.
async fn seed(client: &reqwest::Client, base: &str, secret: &str, customers: usize) {
    seed_histories(client, base, secret, (0..customers).map(|c| (c, c % 51))).await
}

/// Each `(customer, n)`: `n` outcomes of that customer over the last 200 days.
async fn seed_histories(
    client: &reqwest::Client,
    base: &str,
    secret: &str,
    histories: impl Iterator<Item = (usize, usize)>,
) {
    let results = [
        json!({ "type": "paused", "duration": { "unit": "week", "count": 2 }, "resume_on": "2026-12-20" }),
        json!({ "type": "discount_accepted", "percent_off": 20, "months": 3 }),
        json!({ "type": "cancelled", "effective": "period_end", "effective_on": "2026-12-31" }),
        json!({ "type": "abandoned" }),
    ];
    let mut posts = Vec::new();
    for (c, n) in histories {
        let token = token(secret, c, json!({}));
        for k in 0..n {
            // From the start of today (UTC): the same outcome on every run of the day, so a
            // second run's seeding finds them stored (duplicates, not conflicts).
            let today = time::OffsetDateTime::now_utc().replace_time(time::Time::MIDNIGHT);
            let at = today - time::Duration::minutes((k * 97 % 288_000) as i64 + 1);
            let id = format!("c0ffee00-0000-4000-8000-{:06x}{:06x}", c, k);
            let body = json!({
                "schema": "cancel-flow/outcome@1", "id": id,
                "created_at": at.format(&time::format_description::well_known::Rfc3339).unwrap(),
                "flow_id": "bench-served", "test": false,
                "customer": { "id": format!("cus_load_{c}"), "subscription_id": format!("sub_load_{c}") },
                "plan_id": "weekly", "locale": "en", "result": results[(c + k) % results.len()],
                "survey": null, "offers": [], "keep_in_touch": false, "steps": ["survey", "done"], "elapsed_ms": 1000
            });
            posts.push((id, body.to_string(), token.clone()));
        }
    }
    let posts = Arc::new(Mutex::new(posts));
    let workers: Vec<_> = (0..32)
        .map(|_| {
            let (client, base, posts) = (client.clone(), base.to_string(), posts.clone());
            tokio::spawn(async move {
                loop {
                    let Some((id, body, token)) = posts.lock().unwrap().pop() else { break };
                    let r = client
                        .post(format!("{base}/v1/outcomes"))
                        .header("content-type", "application/json")
                        .header("idempotency-key", &id)
                        .bearer_auth(&token)
                        .body(body)
                        .send()
                        .await
                        .expect("the collector answers");
                    assert!(r.status().is_success(), "seeding: {}", r.status());
                }
            })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
}

#[tokio::main]
async fn main() {
    let base = arg("--target", "http://127.0.0.1:8787");
    let base = if base.starts_with("http") { base } else { format!("http://{base}") };
    let secret = arg("--token-secret", "");
    let admin = arg("--admin-key", "");
    let count: usize = arg("--count", "20000").parse().expect("--count");
    let customers: usize = arg("--customers", "1000").parse().expect("--customers");
    let concurrency: usize = arg("--concurrency", "64").parse().expect("--concurrency");
    let experiment = flag("--experiment");
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build().unwrap();
    let put = client
        .put(format!("{base}/v1/flows/bench-served"))
        .bearer_auth(&admin)
        .json(&flow(experiment))
        .send()
        .await
        .expect("the collector answers");
    assert!(put.status().is_success(), "PUT the flow: {} {}", put.status(), put.text().await.unwrap_or_default());
    let seeding = Instant::now();
    seed(&client, &base, &secret, customers).await;
    let seeded_in = seeding.elapsed();
    let plans = ["monthly", "annual", "weekly"];
    let tokens: Arc<Vec<String>> = Arc::new(
        (0..customers)
            .map(|c| token(&secret, c, json!({ "plan": plans[c % 3], "tenure_days": (c * 37) % 900, "country": "HU" })))
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(count)));
    let statuses = Arc::new(Mutex::new(std::collections::BTreeMap::<u16, usize>::new()));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, next, latencies, statuses, base, tokens) =
                (client.clone(), next.clone(), latencies.clone(), statuses.clone(), base.clone(), tokens.clone());
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= count {
                        break;
                    }
                    let t = Instant::now();
                    let r = client
                        .get(format!("{base}/v1/flows/bench-served/config"))
                        .bearer_auth(&tokens[n % tokens.len()])
                        .timeout(Duration::from_secs(30))
                        .send()
                        .await;
                    let status = match r {
                        Ok(r) => {
                            let s = r.status().as_u16();
                            let _ = r.bytes().await;
                            s
                        }
                        Err(_) => 0,
                    };
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
    let statuses = statuses.lock().unwrap().clone();
    // A long history against none, one config at a time.
    let long: usize = arg("--long-history", "5000").parse().expect("--long-history");
    let (long_customer, new_customer) = (1_000_000, 1_000_001);
    seed_histories(&client, &base, &secret, [(long_customer, long)].into_iter()).await;
    let median_ms = |customer: usize| {
        let (client, base) = (client.clone(), base.clone());
        let token = token(&secret, customer, json!({ "plan": "monthly" }));
        async move {
            let mut took = Vec::new();
            for _ in 0..200 {
                let t = Instant::now();
                let r = client
                    .get(format!("{base}/v1/flows/bench-served/config"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                let _ = r.bytes().await;
                took.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            took.sort_by(f64::total_cmp);
            took[took.len() / 2]
        }
    };
    let long_ms = median_ms(long_customer).await;
    let none_ms = median_ms(new_customer).await;
    println!(
        "{}",
        json!({
            "count": count, "concurrency": concurrency, "customers": customers, "experiment": experiment,
            "history_outcomes": (0..customers).map(|c| c % 51).sum::<usize>(), "seeded_seconds": seeded_in.as_secs_f64(),
            "seconds": elapsed.as_secs_f64(), "configs_per_second": (count as f64 / elapsed.as_secs_f64()).round(),
            "p50_ms": pct(0.50), "p99_ms": pct(0.99), "max_ms": pct(1.0), "answers": statuses,
            "long_history": long, "median_ms_long_history": long_ms, "median_ms_no_history": none_ms,
        })
    );
}
