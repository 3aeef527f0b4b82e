//! The collector over HTTP (COLLECTOR.md sections 1 to 3 and the export and erasure of
//! section 6), served in process (the CLI's own tests start the binary), against SQLite
//! and, when a test cluster is given, PostgreSQL: every row of the answer table, every way a token is refused and the grace
//! case, CORS, the rate limit, `mint-token` against `serve`, the admin API.

mod common;

use common::in_process::Server;
use common::server::Db;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::process::Command;

const SECRET: &str = "test-token-secret-0123456789abcdefghij";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn outcome(id: &str) -> Value {
    json!({
        "schema": "cancel-flow/outcome@1",
        "id": id,
        "created_at": now_rfc3339(0),
        "flow_id": "meal-box-2026",
        "test": false,
        "customer": { "id": "cus_1001", "subscription_id": "sub_5001" },
        "plan_id": "family",
        "locale": "en",
        "result": { "type": "paused", "duration": { "unit": "week", "count": 4 }, "resume_on": "2026-12-23" },
        "survey": { "reason_id": "too_much", "comment": "=1+1 with \"quotes\", commas\nand a line" },
        "offers": [ { "type": "frequency", "accepted": false }, { "type": "pause", "accepted": true } ],
        "keep_in_touch": false,
        "steps": ["survey", "offers", "done"],
        "elapsed_ms": 41234
    })
}

fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn now_rfc3339(offset_secs: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::seconds(offset_secs);
    t.format(&time::format_description::well_known::Rfc3339).unwrap()
}

/// An HS256 token with these claims.
fn token(claims: Value) -> String {
    common::tokens::hs256(SECRET.as_bytes(), &claims)
}

fn good_claims() -> Value {
    json!({ "sub": "cus_1001", "subscription_id": "sub_5001", "flow_id": "meal-box-2026", "exp": now_unix() + 600, "iat": now_unix() })
}

struct Post {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

async fn post(s: &Server, body: &str, headers: &[(&str, &str)]) -> Post {
    let mut req = reqwest::Client::new().post(s.url("/v1/outcomes")).body(body.to_string());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let r = req.send().await.expect("an answer");
    let (status, headers) = (r.status(), r.headers().clone());
    let text = r.text().await.unwrap_or_default();
    Post { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::String(text)) }
}

async fn post_signed(s: &Server, body: &Value, tok: &str) -> Post {
    let id = body["id"].as_str().unwrap_or("").to_string();
    let auth = format!("Bearer {tok}");
    post(
        s,
        &body.to_string(),
        &[("content-type", "application/json"), ("idempotency-key", &id), ("authorization", &auth)],
    )
    .await
}

#[test]
fn every_row_of_the_answer_table() {
    for db in Db::all() {
        let s = Server::start(db, &["--token-secret", SECRET]);
        rt().block_on(async {
            let tok = token(good_claims());
            let o = outcome(&uuid(1));
            let r = post_signed(&s, &o, &tok).await;
            assert_eq!(
                (r.status, &r.body),
                (StatusCode::CREATED, &json!({ "id": uuid(1), "status": "stored" })),
                "{db:?}"
            );

            // The same JSON values with another key order and spacing: a duplicate.
            let mut pretty = serde_json::to_string_pretty(&o).unwrap();
            pretty = pretty.replacen("\"schema\": \"cancel-flow/outcome@1\",", "", 1).replacen(
                '{',
                "{\"schema\":\"cancel-flow/outcome@1\",",
                1,
            );
            let auth = format!("Bearer {tok}");
            let r = post(&s, &pretty, &[("content-type", "application/json"), ("authorization", &auth)]).await;
            assert_eq!(
                (r.status, &r.body),
                (StatusCode::OK, &json!({ "id": uuid(1), "status": "duplicate" })),
                "{db:?}"
            );

            let mut other = o.clone();
            other["elapsed_ms"] = json!(1);
            let r = post_signed(&s, &other, &tok).await;
            assert_eq!(r.status, StatusCode::CONFLICT, "{db:?}");
            assert!(r.body["error"].as_str().unwrap().contains(&uuid(1)));

            let mut bad = outcome(&uuid(2));
            bad["result"]["duration"]["count"] = json!(53);
            let r = post_signed(&s, &bad, &tok).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST);
            assert_eq!(r.body["error"], "result.duration.count: must be a whole number from 1 to 52");

            let o3 = outcome(&uuid(3));
            let r = post(
                &s,
                &o3.to_string(),
                &[("content-type", "application/json"), ("idempotency-key", &uuid(4)), ("authorization", &auth)],
            )
            .await;
            assert_eq!(
                (r.status, r.body["error"].as_str()),
                (StatusCode::BAD_REQUEST, Some("Idempotency-Key: must equal id"))
            );

            let r = post(&s, &o3.to_string(), &[("content-type", "text/plain"), ("authorization", &auth)]).await;
            assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

            let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(65 * 1024));
            let r = post(&s, &big, &[("content-type", "application/json"), ("authorization", &auth)]).await;
            assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);

            let r = post(&s, "{not json", &[("content-type", "application/json"), ("authorization", &auth)]).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST);
            assert!(r.body["error"].as_str().unwrap().starts_with("body: is not valid JSON"));

            let health = reqwest::get(s.url("/healthz")).await.unwrap();
            assert_eq!(health.status(), StatusCode::OK);
        });
    }
}

#[test]
fn every_way_a_token_is_refused_and_the_grace_case() {
    for db in Db::all() {
        let s = Server::start(db, &["--token-secret", SECRET, "--token-grace", "1h"]);
        rt().block_on(async {
            let mut n = 100;
            let mut check =
                |claims_or_token: Result<Value, String>, created_offset: i64, want: StatusCode, why: &'static str| {
                    n += 1;
                    let tok = match claims_or_token {
                        Ok(c) => token(c),
                        Err(t) => t,
                    };
                    let mut o = outcome(&uuid(n));
                    o["created_at"] = json!(now_rfc3339(created_offset));
                    let s = &s;
                    async move {
                        let r = post_signed(s, &o, &tok).await;
                        assert_eq!(r.status, want, "{why}: {:?}", r.body);
                        if want == StatusCode::UNAUTHORIZED {
                            assert!(r.body["error"].as_str().unwrap().starts_with("Authorization:"), "{why}");
                            assert!(!r.body.to_string().contains(&tok), "the token is never echoed");
                        }
                    }
                };
            // Missing.
            let o = outcome(&uuid(99));
            let r = post(&s, &o.to_string(), &[("content-type", "application/json")]).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "missing");
            let now = now_unix();
            let other_secret = common::tokens::hs256(b"another secret", &good_claims());
            let hs512 = jsonwebtoken::encode(
                &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
                &good_claims(),
                &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
            )
            .unwrap();
            use base64::Engine;
            let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
            let none = format!("{}.{}.", b64(&json!({ "alg": "none", "typ": "JWT" })), b64(&good_claims()));
            let mut tampered = token(good_claims());
            tampered.push('x');
            check(Err(other_secret), 0, StatusCode::UNAUTHORIZED, "bad signature").await;
            check(Err(hs512), 0, StatusCode::UNAUTHORIZED, "another alg (HS512)").await;
            check(Err(none), 0, StatusCode::UNAUTHORIZED, "alg none").await;
            check(Err(tampered), 0, StatusCode::UNAUTHORIZED, "tampered signature").await;
            check(Ok(json!({ "sub": "cus_2", "exp": now + 600 })), 0, StatusCode::UNAUTHORIZED, "another customer")
                .await;
            check(
                Ok(json!({ "sub": "cus_1001", "subscription_id": "sub_other", "exp": now + 600 })),
                0,
                StatusCode::UNAUTHORIZED,
                "another subscription",
            )
            .await;
            check(
                Ok(json!({ "sub": "cus_1001", "flow_id": "other-flow", "exp": now + 600 })),
                0,
                StatusCode::UNAUTHORIZED,
                "another flow",
            )
            .await;
            check(Ok(json!({ "exp": now + 600 })), 0, StatusCode::UNAUTHORIZED, "no sub").await;
            check(Ok(json!({ "sub": "cus_1001" })), 0, StatusCode::UNAUTHORIZED, "no exp").await;
            // Expired 2 h ago (grace 1 h), decided before expiry: refused.
            check(
                Ok(json!({ "sub": "cus_1001", "exp": now - 7200 })),
                -7300,
                StatusCode::UNAUTHORIZED,
                "expired beyond the grace",
            )
            .await;
            // Expired 10 min ago, decided after expiry: refused.
            check(
                Ok(json!({ "sub": "cus_1001", "exp": now - 600 })),
                -300,
                StatusCode::UNAUTHORIZED,
                "decided after expiry",
            )
            .await;
            // Expired 10 min ago, decided before expiry, within the grace: accepted.
            check(Ok(json!({ "sub": "cus_1001", "exp": now - 600 })), -900, StatusCode::CREATED, "grace").await;
            // Only sub and exp: accepted for any subscription and flow of that customer.
            check(Ok(json!({ "sub": "cus_1001", "exp": now + 600 })), 0, StatusCode::CREATED, "customer-wide token")
                .await;
        });
    }
}

#[test]
fn mint_token_against_serve() {
    let out = Command::new(common::server::binary())
        .args([
            "mint-token",
            "--token-secret",
            SECRET,
            "--customer",
            "cus_1001",
            "--subscription",
            "sub_5001",
            "--flow",
            "meal-box-2026",
            "--ttl",
            "10m",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let tok = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(tok.split('.').count(), 3);
    let s = Server::start(Db::Sqlite, &["--token-secret", SECRET]);
    rt().block_on(async {
        assert_eq!(post_signed(&s, &outcome(&uuid(200)), &tok).await.status, StatusCode::CREATED);
        let mut other = outcome(&uuid(201));
        other["customer"]["subscription_id"] = json!("sub_other");
        assert_eq!(post_signed(&s, &other, &tok).await.status, StatusCode::UNAUTHORIZED);
    });
}

#[test]
fn serve_refuses_to_start_without_a_secret_or_allow_unsigned() {
    let dir = common::server::temp_dir();
    let out = Command::new(common::server::binary())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("CF_TOKEN_SECRET")
        .env_remove("CF_ALLOW_UNSIGNED")
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--token-secret") && err.contains("--allow-unsigned"), "{err}");
}

#[test]
fn weak_secrets_are_refused_by_serve_and_mint_token() {
    let dir = common::server::temp_dir();
    let run = |args: &[&str]| {
        let out = Command::new(common::server::binary())
            .args(args)
            .env_remove("CF_TOKEN_SECRET")
            .env_remove("CF_ADMIN_KEY")
            .env_remove("CF_ALLOW_UNSIGNED")
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let short_secret = &SECRET[..31];
    let err = run(&["serve", "--listen", "127.0.0.1:0", "--token-secret", short_secret]);
    assert!(err.contains("--token-secret") && err.contains("31 bytes") && err.contains("32"), "{err}");
    let err = run(&["mint-token", "--token-secret", "abc", "--customer", "cus_1"]);
    assert!(err.contains("--token-secret") && err.contains("3 bytes"), "{err}");
    let err = run(&["serve", "--listen", "127.0.0.1:0", "--allow-unsigned", "--admin-key", "five5"]);
    assert!(err.contains("--admin-key") && err.contains("16"), "{err}");
}

#[test]
fn the_first_log_line_is_the_address_and_a_pipe_gets_no_colour() {
    use std::io::{BufRead, BufReader};
    let dir = common::server::temp_dir();
    let mut child = Command::new(common::server::binary())
        .args(["serve", "--listen", "127.0.0.1:0", "--allow-unsigned", "--database"])
        .arg(format!("sqlite://{}", dir.join("data/collector.db").display()))
        .env_remove("NO_COLOR")
        .env_remove("RUST_LOG")
        .current_dir(&dir)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().expect("a log line").unwrap();
    let second = lines.next().expect("a second log line").unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.contains("listening on http://127.0.0.1:"), "{first}");
    assert!(!first.contains('\u{1b}') && !second.contains('\u{1b}'), "no terminal colour codes: {first:?} {second:?}");
}

#[test]
fn cors_for_allowed_and_other_origins() {
    let s = Server::start(Db::Sqlite, &["--allow-unsigned", "--cors-origin", "https://shop.example"]);
    rt().block_on(async {
        let c = reqwest::Client::new();
        let pre = |origin: &'static str| {
            c.request(reqwest::Method::OPTIONS, s.url("/v1/outcomes"))
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "content-type, authorization, idempotency-key")
                .send()
        };
        let ok = pre("https://shop.example").await.unwrap();
        assert!(ok.status().is_success());
        assert_eq!(ok.headers()["access-control-allow-origin"], "https://shop.example");
        let methods = ok.headers()["access-control-allow-methods"].to_str().unwrap().to_ascii_uppercase();
        assert!(methods.contains("POST"));
        let allowed = ok.headers()["access-control-allow-headers"].to_str().unwrap().to_ascii_lowercase();
        for h in ["content-type", "authorization", "idempotency-key"] {
            assert!(allowed.contains(h), "{h} in {allowed}");
        }
        let other = pre("https://evil.example").await.unwrap();
        assert!(matches!(other.status().as_u16(), 204 | 403), "{}", other.status());
        assert!(other.headers().keys().all(|k| !k.as_str().starts_with("access-control-")), "{:?}", other.headers());
        // The actual POST from the allowed origin carries the header; from another, none.
        let o = outcome(&uuid(300));
        let r = c
            .post(s.url("/v1/outcomes"))
            .header("origin", "https://shop.example")
            .header("content-type", "application/json")
            .body(o.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        assert_eq!(r.headers()["access-control-allow-origin"], "https://shop.example");
        let o = outcome(&uuid(301));
        let r = c
            .post(s.url("/v1/outcomes"))
            .header("origin", "https://evil.example")
            .header("content-type", "application/json")
            .body(o.to_string())
            .send()
            .await
            .unwrap();
        assert!(r.headers().keys().all(|k| !k.as_str().starts_with("access-control-")));
    });
}

#[test]
fn the_rate_limit_counts_every_post() {
    let s = Server::start(Db::Sqlite, &["--allow-unsigned", "--rate-limit", "3"]);
    rt().block_on(async {
        let h = [("content-type", "application/json")];
        assert_eq!(post(&s, &outcome(&uuid(400)).to_string(), &h).await.status, StatusCode::CREATED);
        assert_eq!(post(&s, "{}", &h).await.status, StatusCode::BAD_REQUEST, "an invalid post counts too");
        assert_eq!(post(&s, &outcome(&uuid(401)).to_string(), &h).await.status, StatusCode::CREATED);
        let r = post(&s, &outcome(&uuid(402)).to_string(), &h).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        let after: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&after), "Retry-After {after}");
    });
}

#[test]
fn the_admin_api_exports_and_erases() {
    for db in Db::all() {
        let s = Server::start(db, &["--allow-unsigned", "--admin-key", "admin-key-1-0123456789"]);
        rt().block_on(async {
            let h = [("content-type", "application/json")];
            let mut o1 = outcome(&uuid(500));
            o1["created_at"] = json!("2026-11-20T10:00:00Z");
            let mut o2 = outcome(&uuid(501));
            o2["created_at"] = json!("2026-11-22T10:00:00Z");
            o2["customer"]["id"] = json!("cus_2");
            o2["flow_id"] = json!("saas");
            // Contract 1.1: a preset reason's Stripe value; a wrong one is refused by name.
            o2["survey"]["feedback"] = json!("too_expensive");
            let mut forged = outcome(&uuid(503));
            forged["survey"]["feedback"] = json!("cheap");
            let refused = post(&s, &forged.to_string(), &h).await;
            assert_eq!(refused.status, StatusCode::BAD_REQUEST);
            assert!(refused.body.to_string().contains("survey.feedback"), "{}", refused.body);
            let mut o3 = outcome(&uuid(502));
            o3["test"] = json!(true);
            for o in [&o1, &o2, &o3] {
                assert_eq!(post(&s, &o.to_string(), &h).await.status, StatusCode::CREATED);
            }
            let c = reqwest::Client::new();
            let get =
                |q: &str| c.get(s.url(&format!("/v1/outcomes.csv{q}"))).bearer_auth("admin-key-1-0123456789").send();
            let no_key = c.get(s.url("/v1/outcomes.csv")).send().await.unwrap();
            assert_eq!(no_key.status(), StatusCode::UNAUTHORIZED);
            let wrong = c.get(s.url("/v1/outcomes.csv")).bearer_auth("admin-key-2").send().await.unwrap();
            assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);

            let all = get("").await.unwrap();
            assert_eq!(all.status(), StatusCode::OK);
            assert!(all.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
            let text = all.text().await.unwrap();
            let mut rows = csv::Reader::from_reader(text.as_bytes());
            let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_string).collect();
            assert_eq!(
                header,
                [
                    "id",
                    "created_at",
                    "flow_id",
                    "test",
                    "customer_id",
                    "subscription_id",
                    "plan_id",
                    "locale",
                    "result_type",
                    "result",
                    "reason_id",
                    "comment",
                    "feedback",
                    "keep_in_touch",
                    "elapsed_ms"
                ]
            );
            let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
            assert_eq!(records.len(), 2, "test outcomes hidden by default");
            assert_eq!(&records[0][0], uuid(500));
            assert_eq!(&records[0][8], "paused");
            assert_eq!((&records[0][12], &records[1][12]), ("", "too_expensive"), "feedback only when sent");
            let result: Value = serde_json::from_str(&records[0][9]).unwrap();
            assert_eq!(result, o1["result"]);
            assert_eq!(
                &records[0][11], "'=1+1 with \"quotes\", commas\nand a line",
                "formula neutralised, quotes and line kept"
            );

            let count = |t: String| csv::Reader::from_reader(t.as_bytes()).records().count();
            assert_eq!(count(get("?include_test=true").await.unwrap().text().await.unwrap()), 3);
            assert_eq!(count(get("?flow_id=saas").await.unwrap().text().await.unwrap()), 1);
            assert_eq!(count(get("?from=2026-11-21&to=2026-11-22").await.unwrap().text().await.unwrap()), 1);
            assert_eq!(count(get("?to=2026-11-20").await.unwrap().text().await.unwrap()), 1, "to is inclusive");
            let bad = get("?from=yesterday").await.unwrap();
            assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

            let del =
                |id: &str| c.delete(s.url(&format!("/v1/customers/{id}"))).bearer_auth("admin-key-1-0123456789").send();
            let r = del("cus_1001").await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(r.json::<Value>().await.unwrap(), json!({ "deleted": 2 }));
            assert_eq!(del("cus_unknown").await.unwrap().json::<Value>().await.unwrap(), json!({ "deleted": 0 }));
            assert_eq!(count(get("?include_test=true").await.unwrap().text().await.unwrap()), 1);
        });
    }
}

#[test]
fn admin_routes_are_404_without_an_admin_key() {
    let s = Server::start(Db::Sqlite, &["--allow-unsigned"]);
    rt().block_on(async {
        let r = reqwest::Client::new().get(s.url("/v1/outcomes.csv")).bearer_auth("anything").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    });
}

#[test]
fn a_client_that_trickles_its_headers_is_dropped() {
    use std::io::{Read, Write};
    let s = Server::start(Db::Sqlite, &["--allow-unsigned"]);
    let addr = s.base.trim_start_matches("http://").to_string();
    let mut slow = std::net::TcpStream::connect(&addr).unwrap();
    slow.write_all(b"POST /v1/outcomes HTTP/1.1\r\nHost: x\r\n").unwrap();
    slow.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    let started = std::time::Instant::now();
    let mut buf = [0u8; 512];
    // The server gives up on the headers after 10 s: the read ends (EOF or an answer), not the 20 s timeout.
    let n = slow.read(&mut buf);
    let waited = started.elapsed();
    assert!(n.is_ok(), "the connection was closed by the server, not left hanging: {n:?}");
    assert!(waited < std::time::Duration::from_secs(15), "closed after {waited:?}");
    // Meanwhile the server kept serving others.
    rt().block_on(async { assert_eq!(reqwest::get(s.url("/healthz")).await.unwrap().status(), StatusCode::OK) });
}
