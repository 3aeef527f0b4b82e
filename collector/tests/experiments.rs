//! Experiments measured over HTTP (COLLECTOR.md section 8), SQLite and PostgreSQL: a
//! population built with the collector's clock shifted (libfaketime: customers assigned 40
//! days ago, and some today), cancellations from outcomes and reported ones inside and
//! after the windows, some stored before the customer was first served, customers
//! without a subscription id matched on their customer id, and every figure of `GET
//! /v1/experiments/<id>` (the secondary figures included) against a plain computation of
//! the same population. Stripe's route is in `billing_http.rs`.

mod common;

use common::server::{temp_dir, Db, Server};
use reqwest::StatusCode;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const SECRET: &str = "test-token-secret-0123456789abcdefghij";
const ADMIN: &str = "admin-key-1-0123456789";

fn args() -> Vec<String> {
    ["--token-secret", SECRET, "--allow-unsigned", "--admin-key", ADMIN, "--rate-limit", "0"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn flow() -> Value {
    json!({ "schema": "cancel-flow/flow@1",
        "config": { "schema": "cancel-flow/config@1", "flow_id": "box", "endpoint": "/v1/outcomes",
            "plan": { "id": "weekly", "name": "Weekly box" },
            "offers": { "pause": { "options": [ { "unit": "week", "count": 2 } ] } },
            "fallback": { "email": "help@shop.example" } },
        "experiment": { "id": "exp-1", "holdout": 0.2, "variants": [ { "id": "a" }, { "id": "b", "weight": 2 } ],
            "baseline": 0.5, "mde": 0.2 } })
}

/// Customers from this number on have no subscription id in their token.
const WITHOUT_SUBSCRIPTION: u32 = 80;

fn token(n: u32) -> String {
    let exp = OffsetDateTime::now_utc().unix_timestamp() + 3600;
    let mut claims = json!({ "sub": format!("cus_{n}"), "exp": exp });
    if n < WITHOUT_SUBSCRIPTION {
        claims["subscription_id"] = json!(format!("sub_{n}"));
    }
    common::tokens::hs256(SECRET.as_bytes(), &claims)
}

async fn group_of(s: &Server, n: u32) -> String {
    let r = reqwest::Client::new().get(s.url("/v1/flows/box/config")).bearer_auth(token(n)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let c: Value = r.json().await.unwrap();
    c["served"]["experiment"]["variant"].as_str().unwrap().to_string()
}

fn ago(days: i64) -> String {
    (OffsetDateTime::now_utc() - time::Duration::days(days)).format(&Rfc3339).unwrap()
}

/// An outcome of customer `n` (`seq` tells apart several of theirs), served in `group`.
async fn post_outcome(s: &Server, n: u32, seq: u32, result: Value, days_ago: i64, group: Option<&str>, test: bool) {
    let mut outcome = json!({
        "schema": "cancel-flow/outcome@1", "id": format!("00000000-0000-4000-8{seq:03}-{n:012}"),
        "created_at": ago(days_ago), "flow_id": "box", "test": test,
        "customer": { "id": format!("cus_{n}"), "subscription_id": format!("sub_{n}") },
        "plan_id": "weekly", "locale": "en", "result": result,
        "survey": null, "offers": [], "keep_in_touch": false, "steps": ["confirm", "done"], "elapsed_ms": 1000
    });
    if let Some(group) = group {
        outcome["served"] = json!({ "flow_version": 1, "experiment": { "id": "exp-1", "variant": group } });
    }
    let (status, text) = s.post_outcome(&outcome).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
}

async fn cancelled_outcome(s: &Server, n: u32, days_ago: i64, group: Option<&str>) {
    let cancelled = json!({ "type": "cancelled", "effective": "period_end", "effective_on": "2026-12-31" });
    post_outcome(s, n, 0, cancelled, days_ago, group, false).await;
}

async fn reported(s: &Server, n: u32, days_ago: i64) {
    let r = reqwest::Client::new()
        .post(s.url(&format!("/v1/subscriptions/sub_{n}/cancelled")))
        .bearer_auth(ADMIN)
        .json(&json!({ "at": ago(days_ago) }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
}

/// Wilson's interval, written out plainly for the check.
fn wilson(x: f64, n: f64) -> (f64, f64) {
    let z: f64 = 1.959964;
    let p = x / n;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    (centre - half, centre + half)
}

fn close(a: &Value, b: f64) -> bool {
    (a.as_f64().unwrap() - (b * 10_000.0).round() / 10_000.0).abs() < 1e-9
}

#[test]
fn every_figure_of_a_built_population() {
    for db in Db::all() {
        let now = Server::start_on(temp_dir(), common::server::fresh_database(db, &temp_dir()), args());
        let past = Server::start_with_clock(temp_dir(), now.database.clone(), args(), Some("-40d"));
        // Before anyone is served: cancellations already stored when the customer is first
        // served 40 days ago: 10 days ago (in the window) for n % 11 == 0, 50 days ago
        // (before it) for n % 13 == 0.
        rt().block_on(async {
            for n in 0..60u32 {
                if n % 11 == 0 {
                    reported(&now, n, 10).await;
                }
                if n % 13 == 0 {
                    reported(&now, n, 50).await;
                }
            }
        });
        let groups = rt().block_on(async {
            let r = reqwest::Client::new().put(now.url("/v1/flows/box")).bearer_auth(ADMIN).json(&flow()).send().await;
            assert_eq!(r.unwrap().status(), StatusCode::CREATED);
            let mut groups = Vec::new();
            // Customers 0..60 assigned 40 days ago (windows closed), 60..80 today (open),
            // 80..90 40 days ago without a subscription id.
            for n in 0..90u32 {
                let s = if (60..WITHOUT_SUBSCRIPTION).contains(&n) { &now } else { &past };
                groups.push(group_of(s, n).await);
            }
            // Cancellations: outcomes 35 days ago (in the window) for n % 5 == 0; reported
            // 15 days ago (in the window) for n % 7 == 0; reported 5 days ago (after the
            // window: not counted) for n % 3 == 0; cancellations of open windows too. Without
            // a subscription id: outcomes (which name a subscription) count on the customer,
            // reported cancellations of a subscription do not.
            for n in 0..90u32 {
                let group = Some(groups[n as usize].as_str());
                if n % 5 == 0 {
                    cancelled_outcome(&now, n, if (60..WITHOUT_SUBSCRIPTION).contains(&n) { 0 } else { 35 }, group)
                        .await;
                }
                if n % 7 == 0 && !(60..WITHOUT_SUBSCRIPTION).contains(&n) {
                    reported(&now, n, 15).await;
                }
                if n % 3 == 0 && n < 60 && n % 5 != 0 && n % 7 != 0 {
                    reported(&now, n, 5).await;
                }
                // Secondary figures: a pause for n % 4 == 1, a test outcome (left out) for
                // n % 6 == 1, an outcome without `served` for n % 8 == 3.
                let paused =
                    json!({ "type": "paused", "resume_on": "2026-12-31", "duration": { "unit": "week", "count": 2 } });
                if n % 4 == 1 {
                    post_outcome(&now, n, 1, paused.clone(), 38, group, false).await;
                }
                if n % 6 == 1 {
                    post_outcome(&now, n, 2, paused.clone(), 38, group, true).await;
                }
                if n % 8 == 3 {
                    post_outcome(&now, n, 3, paused, 38, None, false).await;
                }
            }
            groups
        });
        // The plain computation.
        let cancelled_in_window = |n: u32| {
            if n < WITHOUT_SUBSCRIPTION {
                n % 5 == 0 || n % 7 == 0 || n % 11 == 0
            } else {
                n % 5 == 0
            }
        };
        let mut expected: std::collections::BTreeMap<&str, (u64, u64, u64)> = Default::default();
        let mut sessions: std::collections::BTreeMap<&str, (u64, u64)> = Default::default();
        for (n, g) in groups.iter().enumerate() {
            let n = n as u32;
            let e = expected.entry(g.as_str()).or_default();
            e.0 += 1;
            if !(60..WITHOUT_SUBSCRIPTION).contains(&n) {
                e.1 += 1;
                if !cancelled_in_window(n) {
                    e.2 += 1;
                }
            }
            let s = sessions.entry(g.as_str()).or_default();
            s.0 += u64::from(n % 5 == 0);
            s.1 += u64::from(n % 4 == 1);
        }
        let body: Value = rt().block_on(async {
            let r =
                reqwest::Client::new().get(now.url("/v1/experiments/exp-1")).bearer_auth(ADMIN).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.json().await.unwrap()
        });
        assert_eq!(body["id"], "exp-1");
        assert_eq!(body["flow_id"], "box");
        let started = OffsetDateTime::parse(body["started_at"].as_str().unwrap(), &Rfc3339).unwrap();
        assert!((OffsetDateTime::now_utc() - started).whole_days() >= 39, "started 40 days ago: {started}");
        let arms = body["arms"].as_array().unwrap();
        let order: Vec<_> = arms.iter().map(|a| a["group"].as_str().unwrap()).collect();
        assert_eq!(order, ["holdout", "a", "b"], "{db:?}");
        for arm in arms {
            let (assigned, closed, retained) =
                expected.get(arm["group"].as_str().unwrap()).copied().unwrap_or_default();
            assert_eq!(arm["assigned"], assigned, "{db:?} {arm}");
            assert_eq!(arm["closed"], closed, "{db:?} {arm}");
            assert_eq!(arm["retained"], retained, "{db:?} {arm}");
            if closed > 0 {
                assert!(close(&arm["rate"], retained as f64 / closed as f64), "{arm}");
                let (lo, hi) = wilson(retained as f64, closed as f64);
                assert!(close(&arm["ci95"][0], lo) && close(&arm["ci95"][1], hi), "{arm}");
            }
        }
        let secondary = body["secondary"].as_array().unwrap();
        let order: Vec<_> = secondary.iter().map(|a| a["group"].as_str().unwrap()).collect();
        assert_eq!(order, ["holdout", "a", "b"], "{db:?}");
        for s in secondary {
            let (cancelled, paused) = sessions.get(s["group"].as_str().unwrap()).copied().unwrap_or_default();
            assert_eq!(s["sessions"], cancelled + paused, "{db:?} {s}");
            let mut by_result = json!({});
            if cancelled > 0 {
                by_result["cancelled"] = json!(cancelled);
            }
            if paused > 0 {
                by_result["paused"] = json!(paused);
            }
            assert_eq!(s["by_result"], by_result, "{db:?} {s}");
            if cancelled + paused > 0 {
                assert!(close(&s["save_rate"], paused as f64 / (cancelled + paused) as f64), "{s}");
            }
        }
        // mde 0.2 at baseline 0.5: ceil((1.959964 + 0.841621)^2 (0.25 + 0.21) / 0.04) = 91.
        assert_eq!(body["required_per_arm"], 91);
        for c in body["comparisons"].as_array().unwrap() {
            assert_eq!(c["against"], "holdout");
            assert_eq!(c["verdict"], "not_enough_data", "fewer than 91 closed in each group: {c}");
        }
        assert!(body["srm"]["mismatch"].is_boolean());
        let listed: Value = rt().block_on(async {
            reqwest::Client::new()
                .get(now.url("/v1/experiments"))
                .bearer_auth(ADMIN)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap()
        });
        assert_eq!(
            listed,
            json!([{ "id": "exp-1", "flow_id": "box", "started_at": body["started_at"], "status": "collecting" }])
        );
        let missing = rt().block_on(async {
            reqwest::Client::new()
                .get(now.url("/v1/experiments/none"))
                .bearer_auth(ADMIN)
                .send()
                .await
                .unwrap()
                .status()
        });
        assert_eq!(missing, StatusCode::NOT_FOUND);
    }
}
