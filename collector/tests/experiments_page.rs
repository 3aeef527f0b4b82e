//! The experiments page over HTTP, served in process (COLLECTOR.md sections 6 and 8), on
//! SQLite and, when a test cluster is given, PostgreSQL: signed out it is the sign-in form
//! (coming back to it), with no experiment the empty state, and with a flow's experiment
//! served to a few customers its card: the groups' table as `GET /v1/experiments/<id>`
//! counts them, the chart, and "Not enough data yet" with no group named ahead.

mod common;

use common::in_process::Server;
use common::server::Db;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};
use time::OffsetDateTime;

const SECRET: &str = "test-token-secret-0123456789abcdefghij";
const KEY: &str = "experiments-page-admin-key-1";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
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

fn token(customer: &str) -> String {
    let exp = OffsetDateTime::now_utc().unix_timestamp() + 3600;
    common::tokens::hs256(
        SECRET.as_bytes(),
        &json!({ "sub": customer, "subscription_id": format!("sub_{customer}"), "exp": exp }),
    )
}

async fn get(s: &Server, path: &str, cookie: Option<&str>) -> (StatusCode, HeaderMap, String) {
    let mut req = client().get(s.url(path));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let r = req.send().await.unwrap();
    (r.status(), r.headers().clone(), r.text().await.unwrap())
}

/// Signs in from the experiments page's form; returns the `cf_session=…` pair.
async fn cookie(s: &Server) -> String {
    let (cookie, location) = s.sign_in(KEY, Some("experiments")).await;
    assert_eq!(location, "/insights/experiments", "back to the experiments");
    cookie
}

/// `1234` → `1,234`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn the_experiments_page_shows_each_experiment_behind_the_sign_in() {
    for db in Db::all() {
        let s =
            Server::start(db, &["--token-secret", SECRET, "--allow-unsigned", "--admin-key", KEY, "--rate-limit", "0"]);
        rt().block_on(async {
            let (status, headers, html) = get(&s, "/insights/experiments", None).await;
            assert_eq!(status, StatusCode::OK, "{db:?}");
            assert!(html.contains(r#"type="password" name="key""#), "signed out: the sign-in form");
            assert!(html.contains(r#"name="next" value="experiments""#));
            assert!(!html.contains("No experiments yet"));
            assert!(headers["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
            assert_eq!(headers["cache-control"], "no-store");

            let cookie = cookie(&s).await;
            let (status, _, html) = get(&s, "/insights/experiments", Some(&cookie)).await;
            assert_eq!(status, StatusCode::OK);
            assert!(html.contains("<h1>Experiments</h1>") && html.contains("No experiments yet"), "{html}");
            assert!(html.contains(r#"<a href="/insights/experiments" aria-current="page">Experiments</a>"#));

            let r = client().put(s.url("/v1/flows/box")).bearer_auth(KEY).json(&flow()).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::CREATED);
            for n in 0..12 {
                let r = client()
                    .get(s.url("/v1/flows/box/config"))
                    .bearer_auth(token(&format!("cus_{n}")))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::OK);
            }
            let api = s.admin_json("/v1/experiments/exp-1", KEY).await;
            let required = api["required_per_arm"].as_u64().unwrap();

            let (status, _, html) = get(&s, "/insights/experiments", Some(&cookie)).await;
            assert_eq!(status, StatusCode::OK);
            assert!(html.contains("Experiment exp-1") && html.contains("Collecting"));
            assert!(html.contains("<dt>Flow</dt><dd>box</dd>"));
            let waiting =
                format!("Not enough data yet: 0 of {} customers in each group have had 30 days.", thousands(required));
            assert_eq!(html.matches(&waiting).count(), 2, "one per variant: {html}");
            assert!(html.contains("With 30 days") && html.contains("Rate (95% interval)"));
            let mut assigned = 0;
            for arm in api["arms"].as_array().unwrap() {
                let group = arm["group"].as_str().unwrap();
                let label = if group == "holdout" { "Holdout (no offers)".to_string() } else { format!("Variant {group}") };
                let n = arm["assigned"].as_u64().unwrap();
                assigned += n;
                let row = format!(
                    r#"<th scope="row">{label}</th><td class="n">{n}</td><td class="n">0</td><td class="n">0</td><td class="n">–</td>"#
                );
                assert!(html.contains(&row), "{row} in {html}");
            }
            assert_eq!(assigned, 12);
            assert!(html.contains(r#"role="img" aria-labelledby="d-exp-1-title d-exp-1-desc""#));
            assert!(html.contains("0 = no difference"));
            // Secondary figures for every group: nobody decided yet.
            assert!(html.contains("<h3>Secondary figures</h3>"));
            assert!(html.contains(r#"aria-label="Secondary figures of experiment exp-1""#));
            assert_eq!(html.matches("<td>none</td>").count(), api["arms"].as_array().unwrap().len());
            let lower = html.to_lowercase();
            for word in ["winner", "better", "kept more", "kept fewer"] {
                assert!(!lower.contains(word), "{word}");
            }
            assert!(!html.contains("style=") && !html.contains("<script"));
        });
    }
}
