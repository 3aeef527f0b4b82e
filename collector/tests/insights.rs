//! Insights over HTTP, served in process (SQLite and PostgreSQL): every figure of
//! `/v1/insights` checked against the plain computation in `common/insights_model.rs`
//! under each filter; the honesty rules as properties over random sets (an abandoned
//! session never raises the save rate; a later cancellation within 30 days always moves
//! a save into `saves_lost`, one after 30 days never does); reported cancellations; the
//! keep-in-touch export; erasure and the retention sweep.

mod common;

use common::in_process::Server;
use common::insights_model::{self as model, Filter};
use common::server::Db;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::{json, Value};
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

const ADMIN: &str = "insights-admin-key";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn start(db: Db) -> Server {
    Server::start(db, &["--allow-unsigned", "--admin-key", ADMIN, "--rate-limit", "0"])
}

async fn post(s: &Server, o: &Value) {
    let (status, text) = s.post_outcome(o).await;
    assert!(status.is_success(), "{status}: {text}");
}

async fn post_all(s: &Server, outcomes: &[Value]) {
    let posts = outcomes.iter().map(|o| post(s, o));
    futures::future::join_all(posts).await;
}

async fn insights(s: &Server, filter: &Filter) -> Value {
    let r = reqwest::Client::new()
        .get(s.url(&format!("/v1/insights{}", filter.query())))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn report(s: &Server, subscription: &str, at: OffsetDateTime) -> StatusCode {
    reqwest::Client::new()
        .post(s.url(&format!("/v1/subscriptions/{subscription}/cancelled")))
        .bearer_auth(ADMIN)
        .json(&json!({ "at": model::rfc3339(at) }))
        .send()
        .await
        .unwrap()
        .status()
}

/// The figures without `webhooks` (checked on their own).
fn figures(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("webhooks");
    v
}

fn filters() -> Vec<Filter> {
    vec![
        Filter::default(),
        Filter { include_test: true, ..Filter::default() },
        Filter { flow_id: Some("box-a".into()), ..Filter::default() },
        Filter { from: Some(date!(2026 - 11 - 21)), ..Filter::default() },
        Filter { to: Some(date!(2026 - 11 - 22)), ..Filter::default() },
        Filter {
            flow_id: Some("box-b".into()),
            from: Some(date!(2026 - 11 - 20)),
            to: Some(date!(2026 - 11 - 23)),
            include_test: true,
        },
        Filter { flow_id: Some("no-such-flow".into()), ..Filter::default() },
    ]
}

/// Outcomes over 2026-10-01 … 2026-11-24, most in the last five days, on 25 subscriptions
/// (so saves meet later cancellations, within 30 days and after).
fn varied(seed: u64, n: u32, first_id: u32) -> Vec<Value> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let at = if rng.gen_bool(0.25) {
                datetime!(2026-10-01 00:00 UTC) + Duration::minutes(rng.gen_range(0..60 * 24 * 50))
            } else {
                datetime!(2026-11-20 00:00 UTC) + Duration::seconds(rng.gen_range(0..5 * 86_400))
            };
            model::outcome(&mut rng, first_id + i, at, 25)
        })
        .collect()
}

#[test]
fn every_figure_matches_the_plain_computation_under_every_filter() {
    for db in Db::all() {
        let s = start(db);
        rt().block_on(async {
            let outcomes = varied(1, 300, 1);
            post_all(&s, &outcomes).await;
            let reported = vec![
                ("sub_3".to_string(), datetime!(2026-11-22 12:00 UTC)),
                ("sub_4".to_string(), datetime!(2026-10-20 08:00 UTC)),
            ];
            for (sub, at) in &reported {
                assert_eq!(report(&s, sub, *at).await, StatusCode::NO_CONTENT);
            }
            // The same report again changes nothing.
            assert_eq!(report(&s, "sub_3", reported[0].1).await, StatusCode::NO_CONTENT);
            for filter in filters() {
                let got = insights(&s, &filter).await;
                assert_eq!(figures(got.clone()), model::expected(&outcomes, &reported, &filter), "{db:?} {filter:?}");
                assert_eq!(got["webhooks"], json!({ "pending": 0, "failed": 0, "delivered": 0 }));
            }
            let all = model::expected(&outcomes, &reported, &Filter::default());
            assert!(all["saves_lost"]["within_30d"].as_u64().unwrap() > 0, "the set exercises lost saves");
            assert!(all["reasons"].as_array().unwrap().len() >= 4);
        });
    }
}

#[test]
fn an_abandoned_session_never_raises_the_save_rate() {
    for db in Db::all() {
        let s = start(db);
        rt().block_on(async {
            let mut rng = rand::rngs::StdRng::seed_from_u64(2);
            let mut next_id = 10_000;
            for round in 0..6 {
                let batch = varied(100 + round, rng.gen_range(0..15), next_id);
                next_id += 100;
                post_all(&s, &batch).await;
                let before = insights(&s, &Filter::default()).await;
                let at = datetime!(2026-11-21 00:00 UTC) + Duration::minutes(rng.gen_range(0..3000));
                let mut abandoned = model::outcome_of(&mut rng, next_id, at, 25, "abandoned");
                abandoned["test"] = json!(false);
                next_id += 1;
                post(&s, &abandoned).await;
                let after = insights(&s, &Filter::default()).await;
                assert_eq!(after["saved"], before["saved"]);
                assert_eq!(after["decided"], before["decided"]);
                assert_eq!(after["save_rate"], before["save_rate"], "the rate is over decided sessions only");
                assert_eq!(after["by_result"]["abandoned"], before["by_result"]["abandoned"].as_u64().unwrap() + 1);
                assert!(after["abandoned_share"].as_f64() >= before["abandoned_share"].as_f64());
            }
        });
    }
}

#[test]
fn a_later_cancellation_within_30_days_always_makes_a_save_lost() {
    for db in Db::all() {
        let s = start(db);
        rt().block_on(async {
            let mut rng = rand::rngs::StdRng::seed_from_u64(3);
            let mut expected_lost = 0;
            for case in 0..24_u32 {
                let sub = format!("sub_case_{case}");
                let saved_at = datetime!(2026-08-01 00:00 UTC) + Duration::minutes(rng.gen_range(0..60 * 24 * 60));
                let kind = model::SAVES[rng.gen_range(0..4)];
                let mut save = model::outcome_of(&mut rng, 20_000 + case * 2, saved_at, 1, kind);
                save["customer"]["subscription_id"] = json!(sub);
                save["test"] = json!(false);
                // The cancellation: a `cancelled` outcome or the backend's report,
                // before or after the save arrives, within 30 days or not.
                let later = Duration::minutes(rng.gen_range(1..60 * 24 * 45));
                let within = later <= Duration::days(30);
                let by_outcome = rng.gen_bool(0.5);
                let cancel_first = rng.gen_bool(0.3);
                let mut cancel = model::outcome_of(&mut rng, 20_000 + case * 2 + 1, saved_at + later, 1, "cancelled");
                cancel["customer"]["subscription_id"] = json!(sub);
                if !cancel_first {
                    post(&s, &save).await;
                }
                if by_outcome {
                    post(&s, &cancel).await;
                } else {
                    assert_eq!(report(&s, &sub, saved_at + later).await, StatusCode::NO_CONTENT);
                }
                if cancel_first {
                    post(&s, &save).await;
                }
                expected_lost += u64::from(within);
                let got = insights(&s, &Filter { include_test: true, ..Filter::default() }).await;
                assert_eq!(
                    got["saves_lost"]["within_30d"], expected_lost,
                    "{db:?} case {case}: {later} later, by outcome {by_outcome}, cancellation first {cancel_first}"
                );
            }
            // A save without a subscription id is never lost.
            let mut save = model::outcome_of(&mut rng, 29_000, datetime!(2026-11-01 00:00 UTC), 1, "paused");
            save["customer"]["subscription_id"] = Value::Null;
            post(&s, &save).await;
            let got = insights(&s, &Filter { include_test: true, ..Filter::default() }).await;
            assert_eq!(got["saves_lost"]["within_30d"], expected_lost);
        });
    }
}

#[test]
fn reported_cancellations_are_checked() {
    let s = start(Db::Sqlite);
    rt().block_on(async {
        let c = reqwest::Client::new();
        let url = s.url("/v1/subscriptions/sub_1/cancelled");
        let r = c.post(&url).json(&json!({ "at": "2026-11-25T10:00:00Z" })).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        for (body, field) in [(json!({}), "at"), (json!({ "at": "yesterday" }), "at"), (json!([1]), "at")] {
            let r = c.post(&url).bearer_auth(ADMIN).json(&body).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{body}");
            let e: Value = r.json().await.unwrap();
            assert!(e["error"].as_str().unwrap().starts_with(field), "{e}");
        }
        let r = c.post(&url).bearer_auth(ADMIN).body("not json").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    });
}

#[test]
fn bad_filters_name_the_parameter() {
    let s = start(Db::Sqlite);
    rt().block_on(async {
        for (query, name) in
            [("from=25.11.2026", "from"), ("to=2026-13-01", "to"), ("include_test=yes", "include_test")]
        {
            let r = reqwest::Client::new()
                .get(s.url(&format!("/v1/insights?{query}")))
                .bearer_auth(ADMIN)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::BAD_REQUEST);
            let e: Value = r.json().await.unwrap();
            assert!(e["error"].as_str().unwrap().starts_with(name), "{e}");
        }
        let r = reqwest::Client::new().get(s.url("/v1/insights")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let empty = insights(&s, &Filter::default()).await;
        assert_eq!(empty["sessions"], 0);
        assert_eq!(empty["save_rate"], Value::Null);
        assert_eq!(empty["abandoned_share"], Value::Null);
    });
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

async fn get_text(s: &Server, path: &str) -> String {
    let r = reqwest::Client::new().get(s.url(path)).bearer_auth(ADMIN).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.text().await.unwrap()
}

#[test]
fn keep_in_touch_export_lists_who_asked_with_the_filters() {
    for db in Db::all() {
        let s = start(db);
        rt().block_on(async {
            let outcomes = varied(4, 200, 30_000);
            post_all(&s, &outcomes).await;
            for filter in filters() {
                let rows = csv_rows(&get_text(&s, &format!("/v1/keep-in-touch.csv{}", filter.query())).await);
                assert_eq!(rows[0], ["customer_id", "subscription_id", "flow_id", "date", "reason", "comment"]);
                let mut want: Vec<Vec<String>> = outcomes
                    .iter()
                    .filter(|o| filter.selects(o) && o["result"]["type"] == "cancelled" && o["keep_in_touch"] == true)
                    .map(|o| {
                        let text = |v: &Value| v.as_str().unwrap_or("").to_string();
                        let comment = text(&o["survey"]["comment"]);
                        vec![
                            text(&o["customer"]["id"]),
                            text(&o["customer"]["subscription_id"]),
                            text(&o["flow_id"]),
                            model::created(o).date().to_string(),
                            text(&o["survey"]["reason_id"]),
                            if comment.starts_with('=') { format!("'{comment}") } else { comment },
                        ]
                    })
                    .collect();
                let mut got = rows[1..].to_vec();
                want.sort();
                got.sort();
                assert_eq!(got, want, "{db:?} {filter:?}");
            }
        });
    }
}

#[test]
fn erasing_a_customer_takes_their_counts_out() {
    for db in Db::all() {
        let s = start(db);
        rt().block_on(async {
            let outcomes = varied(5, 200, 40_000);
            post_all(&s, &outcomes).await;
            let gone = "cus_7";
            let r =
                reqwest::Client::new().delete(s.url(&format!("/v1/customers/{gone}"))).bearer_auth(ADMIN).send().await;
            let deleted: Value = r.unwrap().json().await.unwrap();
            let left: Vec<Value> = outcomes.iter().filter(|o| o["customer"]["id"] != gone).cloned().collect();
            assert_eq!(deleted["deleted"], (outcomes.len() - left.len()) as u64);
            assert!(left.len() < outcomes.len());
            for filter in [Filter::default(), Filter { include_test: true, ..Filter::default() }] {
                let got = figures(insights(&s, &filter).await);
                assert_eq!(got, model::expected(&left, &[], &filter), "{db:?} {filter:?}");
            }
            let csv = get_text(&s, "/v1/keep-in-touch.csv?include_test=true").await;
            assert!(!csv.contains(&format!("{gone},")));
        });
    }
}

#[test]
fn comments_past_the_retention_period_are_erased_and_the_counts_stay() {
    for db in Db::all() {
        let s = start(db);
        let now = OffsetDateTime::now_utc();
        let mut rng = rand::rngs::StdRng::seed_from_u64(6);
        let mut old = model::outcome_of(&mut rng, 50_000, now - Duration::days(40), 5, "cancelled");
        old["survey"] = json!({ "reason_id": "moving", "comment": "old: my new address is 1 Elm St" });
        old["keep_in_touch"] = json!(true);
        old["test"] = json!(false);
        let mut recent = model::outcome_of(&mut rng, 50_001, now - Duration::days(2), 5, "paused");
        recent["survey"] = json!({ "reason_id": "moving", "comment": "recent: back in spring" });
        recent["test"] = json!(false);
        let before = rt().block_on(async {
            post_all(&s, &[old.clone(), recent.clone()]).await;
            insights(&s, &Filter::default()).await
        });
        // Restarted with a 30-day retention: the sweep runs at start.
        let mut args = s.args.clone();
        args.extend(["--retention".to_string(), "30d".to_string()]);
        let (dir, database) = (s.dir.clone(), s.database.clone());
        drop(s);
        let s = Server::start_on(dir, database, args);
        rt().block_on(async {
            common::server::eventually_async(10_000, "the old comment erased", || async {
                !get_text(&s, "/v1/outcomes.csv").await.contains("1 Elm St")
            })
            .await;
            let export = get_text(&s, "/v1/outcomes.csv").await;
            assert!(export.contains("recent: back in spring"));
            assert!(!get_text(&s, "/v1/keep-in-touch.csv").await.contains("Elm"));
            assert_eq!(insights(&s, &Filter::default()).await, before, "the counts stay");
        });
    }
}
