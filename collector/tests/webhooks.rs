//! Forwarding through the real collector process (COLLECTOR.md section 5): a receiver
//! that fails twice then accepts gets exactly three attempts and then nothing; a receiver
//! that is down while the collector restarts still gets every outcome once it is back; a
//! duplicate post forwards nothing; every request verifies with the `standardwebhooks`
//! crate as the oracle. SQLite and PostgreSQL.

mod common;

use common::forward_receiver::{self, Receiver, Reply};
use common::server::{Db, Server};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn outcome(id: &str) -> String {
    json!({
        "schema": "cancel-flow/outcome@1", "id": id, "created_at": "2026-11-25T10:04:12.345Z",
        "flow_id": "hooks", "test": false, "customer": { "id": "cus_1", "subscription_id": "sub_1" },
        "plan_id": "family", "locale": "en", "result": { "type": "abandoned" },
        "survey": null, "offers": [], "keep_in_touch": false, "steps": ["survey"], "elapsed_ms": 5
    })
    .to_string()
}

fn id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

async fn post(s: &Server, body: &str) -> u16 {
    reqwest::Client::new()
        .post(s.url("/v1/outcomes"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn wait_for(ms: u64, what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(ms) {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Every request verifies with the Standard Webhooks oracle and carries the outcome as posted.
fn verify_all(received: &[forward_receiver::Received], bodies: &std::collections::HashMap<String, String>) {
    let wh = standardwebhooks::Webhook::new(WHSEC).unwrap();
    for r in received {
        wh.verify(&r.body, &r.headers).expect("the signature verifies with standardwebhooks");
        let envelope: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(envelope["type"], "outcome.created");
        let data = String::from_utf8(r.body.clone()).unwrap();
        assert!(data.contains(&bodies[r.id()]), "the outcome is forwarded exactly as received");
    }
}

fn serve_args(url: &str) -> Vec<String> {
    [
        "--allow-unsigned",
        "--rate-limit",
        "0",
        "--webhook-url",
        url,
        "--webhook-secret",
        WHSEC,
        "--webhook-retry-base",
        "50ms",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[test]
fn fails_twice_then_accepts_three_attempts_and_duplicates_forward_nothing() {
    for db in Db::all() {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async {
            let receiver = Receiver::start(|_, n| if n < 2 { Reply::Status(500) } else { Reply::Status(204) }).await;
            let args = serve_args(&receiver.url);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let s = tokio::task::block_in_place(|| Server::start(db, &args));
            let body = outcome(&id(1));
            assert_eq!(post(&s, &body).await, 201);
            wait_for(10_000, "three attempts", || receiver.received().len() >= 3).await;
            assert_eq!(post(&s, &body).await, 200, "a duplicate");
            tokio::time::sleep(Duration::from_millis(800)).await;
            let got = receiver.received();
            assert_eq!(got.len(), 3, "{db:?}: exactly three attempts, then nothing (the duplicate forwards nothing)");
            assert!(got.iter().all(|r| r.id() == id(1)));
            verify_all(&got, &[(id(1), body)].into_iter().collect());
        });
    }
}

#[test]
fn a_receiver_down_while_the_collector_restarts_gets_everything_once() {
    for db in Db::all() {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async {
            // The receiver's address is reserved, but nothing answers at first.
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let addr = listener.local_addr().unwrap();
            drop(listener);
            let url = format!("http://{addr}/hooks/cancel-flow");
            let args = serve_args(&url);
            let args_ref: Vec<&str> = args.iter().map(String::as_str).collect();
            let s = tokio::task::block_in_place(|| Server::start(db, &args_ref));
            let mut bodies = std::collections::HashMap::new();
            for n in 10..30 {
                let body = outcome(&id(n));
                assert_eq!(post(&s, &body).await, 201);
                bodies.insert(id(n), body);
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
            // The collector is killed and restarted while the receiver is still down.
            let s = tokio::task::block_in_place(|| s.restart());
            tokio::time::sleep(Duration::from_millis(200)).await;
            let receiver =
                Receiver::start_on(tokio::net::TcpListener::bind(addr).await.unwrap(), |_, _| Reply::Status(200));
            wait_for(20_000, "all 20 delivered", || receiver.accepted_ids().len() >= 20).await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let mut ids = receiver.accepted_ids();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), 20, "{db:?}: every outcome once it is back");
            assert_eq!(receiver.accepted_ids().len(), 20, "{db:?}: none twice once acknowledged");
            verify_all(&receiver.received(), &bodies);
            drop(s);
        });
    }
}

#[test]
fn two_collectors_on_one_postgres_forward_each_outcome_once_and_take_over() {
    if !Db::all().contains(&Db::Postgres) {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let receiver = Receiver::start(|_, _| Reply::Status(200)).await;
        let args = serve_args(&receiver.url);
        let first = tokio::task::block_in_place(|| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            Server::start(Db::Postgres, &args)
        });
        let (dir, database) = (common::server::temp_dir(), first.database.clone());
        let second = tokio::task::block_in_place(|| Server::start_on(dir, database, args.clone()));
        let mut bodies = std::collections::HashMap::new();
        for n in 40..70 {
            let body = outcome(&id(n));
            let to = if n % 2 == 0 { &first } else { &second };
            assert_eq!(post(to, &body).await, 201);
            bodies.insert(id(n), body);
        }
        wait_for(20_000, "30 delivered", || receiver.accepted_ids().len() >= 30).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(receiver.accepted_ids().len(), 30, "each outcome forwarded once, by one collector");
        // The forwarding collector dies; the other takes over within its 15 s check.
        let mut first = first;
        first.kill9();
        for n in 70..75 {
            let body = outcome(&id(n));
            assert_eq!(post(&second, &body).await, 201);
            bodies.insert(id(n), body);
        }
        wait_for(40_000, "the other collector to take over", || receiver.accepted_ids().len() >= 35).await;
        let mut ids = receiver.accepted_ids();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 35);
        verify_all(&receiver.received(), &bodies);
    });
}
