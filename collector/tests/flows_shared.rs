//! Several collectors on one database serving flows (COLLECTOR.md sections 7 and 8), each
//! its own process, on SQLite and PostgreSQL: a version written through one is served by
//! the other within 5 seconds, and customers served by both at once get one recorded
//! group each, the same in every answer; and "days since" counts by the collector's own
//! clock (one collector under libfaketime).

mod common;

use common::server::{Db, Server};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const SECRET: &str = "test-token-secret-0123456789abcdefghij";
const ADMIN: &str = "admin-key-1-0123456789";
const ARGS: [&str; 4] = ["--token-secret", SECRET, "--admin-key", ADMIN];

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

fn doc(percent_off: u32, experiment: bool) -> Value {
    let mut doc = json!({
        "schema": "cancel-flow/flow@1",
        "config": {
            "schema": "cancel-flow/config@1",
            "flow_id": "box",
            "endpoint": "https://collector.shop.example/v1/outcomes",
            "plan": { "id": "weekly", "name": "Weekly box" },
            "offers": {
                "pause": { "options": [ { "unit": "week", "count": 2 } ] },
                "discount": { "percent_off": percent_off, "months": 3 }
            },
            "fallback": { "email": "help@shop.example" }
        }
    });
    if experiment {
        doc["experiment"] = json!({ "id": "race", "holdout": 0.2,
            "variants": [ { "id": "a" }, { "id": "b", "weight": 2, "patch": { "offers": { "discount": { "percent_off": 35, "months": 1 } } } } ] });
    }
    doc
}

fn token(customer: &str) -> String {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    common::tokens::hs256(SECRET.as_bytes(), &json!({ "sub": customer, "exp": now + 600 }))
}

async fn put(s: &Server, doc: &Value) -> StatusCode {
    let r = reqwest::Client::new().put(s.url("/v1/flows/box")).bearer_auth(ADMIN).json(doc).send().await.unwrap();
    let status = r.status();
    if !status.is_success() {
        eprintln!("PUT /v1/flows/box: {status} {}", r.text().await.unwrap_or_default());
    }
    status
}

async fn config(client: &reqwest::Client, base: &str, customer: &str) -> Value {
    let r = client.get(format!("{base}/v1/flows/box/config")).bearer_auth(token(customer)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// Two collectors on one fresh database.
fn two(db: Db) -> (Server, Server) {
    let first = Server::start(db, &ARGS);
    let second_dir = common::server::temp_dir();
    let second = Server::start_on(second_dir, first.database.clone(), ARGS.iter().map(|s| s.to_string()).collect());
    (first, second)
}

#[test]
fn a_new_version_is_served_by_every_collector_within_5_seconds() {
    for db in Db::all() {
        let (first, second) = two(db);
        rt().block_on(async {
            let client = reqwest::Client::new();
            assert_eq!(put(&first, &doc(20, false)).await, StatusCode::CREATED);
            // The second collector serves (and caches) version 1.
            assert_eq!(config(&client, &second.base, "cus_1").await["served"]["flow_version"], 1);
            assert_eq!(put(&first, &doc(25, false)).await, StatusCode::CREATED);
            let written = Instant::now();
            loop {
                let c = config(&client, &second.base, "cus_1").await;
                if c["served"]["flow_version"] == 2 {
                    assert_eq!(c["offers"]["discount"]["percent_off"], 25);
                    break;
                }
                assert!(written.elapsed() < Duration::from_secs(5), "{db:?}: version 2 not served after 5 s");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            eprintln!("{db:?}: the other collector served version 2 after {:?}", written.elapsed());
        });
    }
}

#[test]
fn collectors_racing_on_new_customers_record_one_group_each() {
    for db in Db::all() {
        let (first, second) = two(db);
        let groups = rt().block_on(async {
            assert_eq!(put(&first, &doc(20, true)).await, StatusCode::CREATED);
            let client = reqwest::Client::new();
            let mut answers = Vec::new();
            for customer in (0..40).map(|i| format!("cus_race_{i}")) {
                // Both collectors, twice each, at once.
                for base in [&first.base, &second.base, &first.base, &second.base] {
                    let (client, base, customer) = (client.clone(), base.clone(), customer.clone());
                    answers.push(tokio::spawn(async move {
                        let c = config(&client, &base, &customer).await;
                        (customer, c["served"]["experiment"]["variant"].as_str().unwrap().to_string())
                    }));
                }
            }
            let mut groups: HashMap<String, Vec<String>> = HashMap::new();
            for a in answers {
                let (customer, group) = a.await.unwrap();
                groups.entry(customer).or_default().push(group);
            }
            groups
        });
        for (customer, seen) in &groups {
            assert!(seen.iter().all(|g| g == &seen[0]), "{db:?}: {customer} got {seen:?}");
        }
        let rows = rt().block_on(count_assignments(&first.database));
        assert_eq!(rows, (40, 40), "{db:?}: one recorded group per customer");
    }
}

/// `(rows, distinct customers)` of the assignments table.
async fn count_assignments(database: &str) -> (i64, i64) {
    use sqlx::Connection;
    let query = "SELECT count(*), count(DISTINCT customer_id) FROM assignments WHERE experiment_id = 'race'";
    if database.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(database).await.unwrap();
        sqlx::query_as(query).fetch_one(&mut c).await.unwrap()
    } else {
        let mut c = sqlx::PgConnection::connect(database).await.unwrap();
        sqlx::query_as(query).fetch_one(&mut c).await.unwrap()
    }
}

/// Every "days since" is by the collector's own clock, never the database's: a collector
/// whose clock runs 100 days ahead (libfaketime) offers again the discount that one on
/// the real clock still withholds, from the same database.
#[test]
fn the_cooldown_counts_by_the_collector_s_own_clock() {
    common::server::libfaketime();
    for db in Db::all() {
        let now = Server::start(db, &ARGS);
        let later = Server::start_with_clock(
            common::server::temp_dir(),
            now.database.clone(),
            ARGS.iter().map(|s| s.to_string()).collect(),
            Some("+100d"),
        );
        rt().block_on(async {
            assert_eq!(put(&now, &doc(20, false)).await, StatusCode::CREATED);
            let discount = json!({
                "schema": "cancel-flow/outcome@1", "id": "00000000-0000-4000-8000-000000000100",
                "created_at": OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap(),
                "flow_id": "box", "test": false, "customer": { "id": "cus_clock", "subscription_id": "sub_clock" }, "plan_id": "weekly", "locale": "en",
                "result": { "type": "discount_accepted", "percent_off": 20, "months": 3 },
                "survey": null, "offers": [], "keep_in_touch": false, "steps": ["survey", "done"], "elapsed_ms": 1000
            });
            let r = reqwest::Client::new()
                .post(now.url("/v1/outcomes"))
                .bearer_auth(token("cus_clock"))
                .header("content-type", "application/json")
                .body(discount.to_string())
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap_or_default());
            let client = reqwest::Client::new();
            let today = config(&client, &now.base, "cus_clock").await;
            assert!(today["offers"].get("discount").is_none(), "{db:?}: withheld today");
            // The token's exp is by the real clock: the later collector needs one minted on its own.
            let r = client
                .get(later.url("/v1/flows/box/config"))
                .bearer_auth(token_at(
                    "cus_clock",
                    OffsetDateTime::now_utc().unix_timestamp() + 100 * 86_400,
                ))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            let later_config: Value = r.json().await.unwrap();
            assert_eq!(later_config["offers"]["discount"]["percent_off"], 20, "{db:?}: 100 days later, offered again");
        });
    }
}

fn token_at(customer: &str, now: i64) -> String {
    common::tokens::hs256(SECRET.as_bytes(), &json!({ "sub": customer, "exp": now + 600 }))
}
