//! `POST /v1/billing/stripe` over HTTP (COLLECTOR.md section 9), in process, SQLite and
//! PostgreSQL: 404 without a secret; signatures refused (wrong secret, tampered body,
//! stale, none) with nothing stored; a deletion and an update to cancel at the period's
//! end counted like a reported cancellation (the save before it is lost); the same event
//! id counted once; another type acknowledged and ignored.

mod common;

use cancel_flow_collector::billing::signature::sign;
use common::in_process::Server;
use common::server::Db;
use reqwest::StatusCode;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const ADMIN: &str = "admin-key-1-0123456789";
const STRIPE: &str = "whsec_test_0123456789abcdefghijklmnop";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

fn days_ago(d: i64) -> i64 {
    now() - d * 86_400
}

fn deleted(id: &str, subscription: &str, canceled_at: i64) -> Value {
    json!({ "id": id, "object": "event", "type": "customer.subscription.deleted", "created": now(),
        "data": { "object": { "id": subscription, "object": "subscription", "status": "canceled",
            "canceled_at": canceled_at, "ended_at": canceled_at } } })
}

fn to_period_end(id: &str, subscription: &str, canceled_at: i64) -> Value {
    json!({ "id": id, "object": "event", "type": "customer.subscription.updated", "created": now(),
        "data": { "object": { "id": subscription, "object": "subscription", "status": "active",
            "cancel_at_period_end": true, "canceled_at": canceled_at },
            "previous_attributes": { "cancel_at_period_end": false } } })
}

async fn send(s: &Server, body: &str, signature: Option<String>) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().post(s.url("/v1/billing/stripe")).header("content-type", "application/json");
    if let Some(sig) = signature {
        req = req.header("Stripe-Signature", sig);
    }
    let r = req.body(body.to_string()).send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn signed(s: &Server, event: &Value) -> (StatusCode, Value) {
    let body = event.to_string();
    send(s, &body, Some(sign(STRIPE, body.as_bytes(), now()))).await
}

/// A pause of `subscription` `days` days ago (a save).
async fn save(s: &Server, n: u32, subscription: &str, days: i64) {
    let at = OffsetDateTime::from_unix_timestamp(days_ago(days)).unwrap();
    let outcome = json!({
        "schema": "cancel-flow/outcome@1", "id": format!("00000000-0000-4000-8000-{n:012}"),
        "created_at": at.format(&Rfc3339).unwrap(), "flow_id": "box", "test": false,
        "customer": { "id": format!("cus_{subscription}"), "subscription_id": subscription },
        "plan_id": "weekly", "locale": "en",
        "result": { "type": "paused", "duration": { "unit": "week", "count": 2 }, "resume_on": "2026-12-20" },
        "survey": null, "offers": [ { "type": "pause", "accepted": true } ], "keep_in_touch": false,
        "steps": ["offers", "done"], "elapsed_ms": 1000
    });
    let (status, text) = s.post_outcome(&outcome).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
}

async fn saves_lost(s: &Server) -> u64 {
    let r = reqwest::Client::new().get(s.url("/v1/insights")).bearer_auth(ADMIN).send().await.unwrap();
    let v: Value = r.json().await.unwrap();
    v["saves_lost"]["within_30d"].as_u64().unwrap()
}

#[test]
fn without_a_secret_the_route_is_404() {
    let s = Server::start(Db::Sqlite, &["--allow-unsigned"]);
    rt().block_on(async {
        let body = deleted("evt_1", "sub_1", now()).to_string();
        let (status, _) = send(&s, &body, Some(sign(STRIPE, body.as_bytes(), now()))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    });
}

#[test]
fn stripe_cancellations_count_once_and_bad_signatures_store_nothing() {
    for db in Db::all() {
        let s = Server::start(db, &["--allow-unsigned", "--admin-key", ADMIN, "--stripe-webhook-secret", STRIPE]);
        rt().block_on(async {
            save(&s, 1, "sub_1", 20).await;
            // Refused signatures: nothing is counted.
            let event = deleted("evt_bad", "sub_1", days_ago(15));
            let body = event.to_string();
            let cases = [
                (body.clone(), Some(sign("whsec_another_secret_0123456789", body.as_bytes(), now())), "wrong secret"),
                (body.replace("sub_1", "sub_2"), Some(sign(STRIPE, body.as_bytes(), now())), "tampered body"),
                (body.clone(), Some(sign(STRIPE, body.as_bytes(), now() - 301)), "stale"),
                (body.clone(), None, "no header"),
            ];
            for (body, signature, why) in cases {
                let (status, answer) = send(&s, &body, signature).await;
                assert_eq!(status, StatusCode::BAD_REQUEST, "{why}: {answer}");
                assert!(answer["error"].as_str().is_some_and(|e| !e.is_empty()), "{why}");
            }
            assert_eq!(saves_lost(&s).await, 0, "{db:?}: nothing counted");

            // A deletion 15 days ago loses the save of 20 days ago.
            assert_eq!(
                signed(&s, &deleted("evt_1", "sub_1", days_ago(15))).await,
                (StatusCode::OK, json!({ "received": true }))
            );
            assert_eq!(saves_lost(&s).await, 1, "{db:?}");
            // A later save, then the same event id again with another time: counted once.
            save(&s, 2, "sub_1", 10).await;
            assert_eq!(signed(&s, &deleted("evt_1", "sub_1", days_ago(5))).await.0, StatusCode::OK);
            assert_eq!(saves_lost(&s).await, 1, "{db:?}: the repeated event counts once");
            // An update to cancel at the period's end counts too.
            save(&s, 3, "sub_3", 10).await;
            assert_eq!(signed(&s, &to_period_end("evt_3", "sub_3", days_ago(2))).await.0, StatusCode::OK);
            assert_eq!(saves_lost(&s).await, 2, "{db:?}");
            // Another type is acknowledged and ignored.
            let invoice = json!({ "id": "evt_4", "object": "event", "type": "invoice.paid", "created": now(),
                "data": { "object": { "id": "in_1", "object": "invoice", "subscription": "sub_1" } } });
            assert_eq!(signed(&s, &invoice).await, (StatusCode::OK, json!({ "received": true })));
            assert_eq!(saves_lost(&s).await, 2);
        });
    }
}
