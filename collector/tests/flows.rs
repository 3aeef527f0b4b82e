//! Served flows over HTTP (COLLECTOR.md section 7, and the assignment of section 8),
//! served in process against SQLite and PostgreSQL: every answer of the flow routes, the
//! config resolved for a customer (rules in order, the invalid-combination fallback, each
//! history fact and eligibility rule at its boundary, test outcomes, the experiment's
//! group and holdout), CORS, and the groups kept across a restart. Several collectors on
//! one database are in `flows_shared.rs`.

mod common;

use common::in_process::Server;
use common::server::Db;
use reqwest::StatusCode;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const SECRET: &str = "test-token-secret-0123456789abcdefghij";
const ADMIN: &str = "admin-key-1-0123456789";
const ORIGIN: &str = "https://shop.example";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// A collector that checks tokens when they come (outcomes may come without one, so the
/// tests can post a customer's past).
fn start(db: Db) -> Server {
    Server::start(
        db,
        &[
            "--token-secret",
            SECRET,
            "--allow-unsigned",
            "--admin-key",
            ADMIN,
            "--cors-origin",
            ORIGIN,
            "--rate-limit",
            "0",
        ],
    )
}

/// The base config of the test flow `box`.
fn base() -> Value {
    json!({
        "schema": "cancel-flow/config@1",
        "flow_id": "box",
        "endpoint": "https://collector.shop.example/v1/outcomes",
        "plan": { "id": "weekly", "name": "Weekly box" },
        "survey": { "reasons": [
            { "preset": "too_expensive" },
            { "id": "away", "label": "Away for a while", "offers": ["pause"] },
            { "preset": "other" }
        ] },
        "offers": {
            "pause": { "options": [ { "unit": "week", "count": 2 }, { "unit": "week", "count": 4 } ] },
            "discount": { "percent_off": 20, "months": 3 },
            "links": [ { "id": "support", "label": "Talk to a person", "url": "https://shop.example/help" } ]
        },
        "fallback": { "url": "https://shop.example/account/cancel" }
    })
}

fn flow(rules: Value) -> Value {
    json!({ "schema": "cancel-flow/flow@1", "config": base(), "rules": rules })
}

fn token(customer: &str, extra: Value) -> String {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let mut claims = json!({ "sub": customer, "exp": now + 600, "iat": now });
    if let (Value::Object(c), Value::Object(e)) = (&mut claims, extra) {
        c.extend(e);
    }
    common::tokens::hs256(SECRET.as_bytes(), &claims)
}

struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

async fn send(req: reqwest::RequestBuilder) -> Answer {
    let r = req.send().await.expect("an answer");
    let (status, headers) = (r.status(), r.headers().clone());
    let text = r.text().await.unwrap_or_default();
    Answer { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::String(text)) }
}

async fn put(s: &Server, id: &str, doc: &Value) -> Answer {
    send(reqwest::Client::new().put(s.url(&format!("/v1/flows/{id}"))).bearer_auth(ADMIN).json(doc)).await
}

async fn get_admin(s: &Server, path: &str) -> Answer {
    send(reqwest::Client::new().get(s.url(path)).bearer_auth(ADMIN)).await
}

async fn config(s: &Server, id: &str, token: &str) -> Answer {
    send(reqwest::Client::new().get(s.url(&format!("/v1/flows/{id}/config"))).bearer_auth(token)).await
}

/// The config served to `customer` with `attrs`, which must be a 200.
async fn served(s: &Server, customer: &str, attrs: Value) -> Value {
    let a = config(s, "box", &token(customer, json!({ "attrs": attrs }))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.body
}

fn offers(config: &Value) -> Vec<String> {
    config["offers"].as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default()
}

fn links(config: &Value) -> Vec<String> {
    config["offers"]["links"]
        .as_array()
        .map(|l| l.iter().map(|x| x["id"].as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

/// Posts an outcome of `customer` with `result`, created `days_ago` days (plus a minute) ago.
async fn past(s: &Server, n: u32, customer: &str, result: Value, days_ago: i64, test: bool) {
    let at = OffsetDateTime::now_utc() - time::Duration::days(days_ago) - time::Duration::minutes(1);
    let outcome = json!({
        "schema": "cancel-flow/outcome@1",
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "created_at": at.format(&Rfc3339).unwrap(),
        "flow_id": "box",
        "test": test,
        "customer": { "id": customer, "subscription_id": format!("sub_{customer}") },
        "plan_id": "weekly",
        "locale": "en",
        "result": result,
        "survey": null,
        "offers": [],
        "keep_in_touch": false,
        "steps": ["survey", "done"],
        "elapsed_ms": 1000
    });
    let (status, text) = s.post_outcome(&outcome).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
}

fn paused() -> Value {
    json!({ "type": "paused", "duration": { "unit": "week", "count": 2 }, "resume_on": "2026-12-20" })
}
fn cancelled() -> Value {
    json!({ "type": "cancelled", "effective": "period_end", "effective_on": "2026-12-31" })
}
fn discount() -> Value {
    json!({ "type": "discount_accepted", "percent_off": 20, "months": 3 })
}

#[test]
fn writing_and_reading_versions() {
    for db in Db::all() {
        let s = start(db);
        rt().block_on(async {
            let doc = flow(json!([]));
            let a = put(&s, "box", &doc).await;
            assert_eq!(
                (a.status, a.body.clone()),
                (StatusCode::CREATED, json!({ "flow_id": "box", "version": 1 })),
                "{db:?}"
            );
            // The same JSON values (another key order, other spacing) keep the version.
            let reordered: Value = serde_json::from_str(&serde_json::to_string_pretty(&doc).unwrap()).unwrap();
            let a = put(&s, "box", &reordered).await;
            assert_eq!((a.status, a.body["version"].clone()), (StatusCode::OK, json!(1)));
            let mut changed = doc.clone();
            changed["config"]["offers"]["discount"]["percent_off"] = json!(25);
            let a = put(&s, "box", &changed).await;
            assert_eq!((a.status, a.body["version"].clone()), (StatusCode::CREATED, json!(2)));

            let latest = get_admin(&s, "/v1/flows/box").await;
            assert_eq!(latest.status, StatusCode::OK);
            assert_eq!(latest.body["flow_id"], "box");
            assert_eq!(latest.body["version"], 2);
            assert_eq!(latest.body["flow"], changed);
            assert!(OffsetDateTime::parse(latest.body["created_at"].as_str().unwrap(), &Rfc3339).is_ok());
            let first = get_admin(&s, "/v1/flows/box/versions/1").await;
            assert_eq!(
                (first.status, first.body["version"].clone(), first.body["flow"].clone()),
                (StatusCode::OK, json!(1), doc.clone())
            );
            let list = get_admin(&s, "/v1/flows/box/versions").await;
            let numbers: Vec<_> = list.body.as_array().unwrap().iter().map(|v| v["version"].clone()).collect();
            assert_eq!(numbers, vec![json!(2), json!(1)], "newest first");
            let all = get_admin(&s, "/v1/flows").await;
            assert_eq!(all.body.as_array().unwrap().len(), 1);
            assert_eq!(all.body[0]["flow_id"], "box");
            assert_eq!(all.body[0]["version"], 2);
            assert_eq!(all.body[0]["experiment_id"], Value::Null);
            assert!(all.body[0]["updated_at"].is_string());

            for path in ["/v1/flows/none", "/v1/flows/none/versions", "/v1/flows/none/versions/1"] {
                let a = get_admin(&s, path).await;
                assert_eq!(
                    (a.status, a.body["error"].clone()),
                    (StatusCode::NOT_FOUND, json!("no flow none")),
                    "{path}"
                );
            }
            let a = get_admin(&s, "/v1/flows/box/versions/9").await;
            assert_eq!((a.status, a.body["error"].clone()), (StatusCode::NOT_FOUND, json!("no version 9 of flow box")));
            let a = config(&s, "none", &token("cus_1", json!({}))).await;
            assert_eq!((a.status, a.body["error"].clone()), (StatusCode::NOT_FOUND, json!("no flow none")));

            // The admin routes want the admin key.
            let a = send(reqwest::Client::new().get(s.url("/v1/flows"))).await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED);
            let a =
                send(reqwest::Client::new().put(s.url("/v1/flows/box")).bearer_auth("wrong-key-0123456789").json(&doc))
                    .await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        });
    }
}

#[test]
fn a_bad_flow_is_refused_naming_where() {
    let s = start(Db::Sqlite);
    rt().block_on(async {
        let mut pause_out_of_range = flow(json!([{ "when": true, "patch": { "offers": { "pause": { "options": [ { "unit": "week", "count": 0 } ] } } } }]));
        pause_out_of_range["rules"] = json!([
            { "name": "fine", "when": { "==": [1, 1] }, "patch": {} },
            { "name": "too short", "when": { "==": [1, 1] }, "patch": { "offers": { "pause": { "options": [ { "unit": "week", "count": 0 } ] } } } }
        ]);
        let cases = [
            (pause_out_of_range, "rules[1].patch: offers.pause.options[0].count: must be a whole number from 1 to 52"),
            (flow(json!([{ "when": { "==": [{ "var": "attrs" }, 1] }, "patch": {} }])), "rules[0].when: unknown fact attrs"),
            (flow(json!([{ "when": { "==": [{ "var": "history.spend" }, 1] }, "patch": {} }])), "rules[0].when: unknown fact history.spend"),
            (json!({ "schema": "cancel-flow/flow@1", "config": { "schema": "cancel-flow/config@1" } }), "config."),
            (json!({ "schema": "cancel-flow/flow@2", "config": base() }), "schema"),
        ];
        for (doc, expected) in cases {
            let a = put(&s, "box", &doc).await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST, "{doc}");
            let error = a.body["error"].as_str().unwrap();
            assert!(error.starts_with(expected), "{error:?} should start with {expected:?}");
        }
        let a = put(&s, "other", &flow(json!([]))).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert!(a.body["error"].as_str().unwrap().starts_with("config.flow_id"), "{}", a.body);
        let a = send(reqwest::Client::new().put(s.url("/v1/flows/box")).bearer_auth(ADMIN).body("{not json")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert!(a.body["error"].as_str().unwrap().starts_with("body"), "{}", a.body);
        assert_eq!(get_admin(&s, "/v1/flows").await.body, json!([]), "nothing was written");
    });
}

#[test]
fn the_config_is_resolved_for_the_customer() {
    for db in Db::all() {
        let s = start(db);
        rt().block_on(async {
            let rules = json!([
                { "name": "annual plans keep their price", "when": { "==": [ { "var": "attrs.plan" }, "annual" ] },
                  "patch": { "offers": { "discount": null } } },
                { "name": "long-time customers may talk to a person first", "when": { ">=": [ { "var": "attrs.tenure_days" }, 365 ] },
                  "patch": { "offers": { "links": [ { "id": "vip", "label": "Talk to Anna", "url": "https://shop.example/vip" } ] } } },
                { "name": "later rules win", "when": { ">=": [ { "var": "attrs.tenure_days" }, 1000 ] },
                  "patch": { "offers": { "links": [ { "id": "founder", "label": "Talk to the founder", "url": "https://shop.example/f" } ] } } }
            ]);
            assert_eq!(put(&s, "box", &flow(rules)).await.status, StatusCode::CREATED);

            let plain = config(&s, "box", &token("cus_1", json!({ "subscription_id": "sub_1" }))).await;
            assert_eq!(plain.status, StatusCode::OK, "{}", plain.body);
            assert_eq!(plain.headers["cache-control"], "no-store");
            assert_eq!(plain.body["customer"], json!({ "id": "cus_1", "subscription_id": "sub_1" }));
            assert_eq!(plain.body["served"], json!({ "flow_version": 1 }));
            assert_eq!(offers(&plain.body), ["pause", "discount", "links"]);
            assert_eq!(links(&plain.body), ["support"]);

            let annual = served(&s, "cus_2", json!({ "plan": "annual" })).await;
            assert_eq!(offers(&annual), ["pause", "links"], "the discount patched away");
            let loyal = served(&s, "cus_3", json!({ "plan": "monthly", "tenure_days": 400 })).await;
            assert_eq!(links(&loyal), ["vip"], "arrays are replaced whole");
            assert!(offers(&loyal).contains(&"discount".to_string()));
            let founder = served(&s, "cus_4", json!({ "plan": "annual", "tenure_days": 1200 })).await;
            assert_eq!(links(&founder), ["founder"], "in order: the last rule's patch wins");
            assert_eq!(offers(&founder), ["pause", "links"]);
            // Everything else of the base is served as written.
            assert_eq!(founder["survey"], base()["survey"]);
            assert_eq!(founder["fallback"], base()["fallback"]);
        });
    }
}

#[test]
fn rules_that_are_invalid_together_fall_back_to_the_base() {
    let s = start(Db::Sqlite);
    rt().block_on(async {
        // Each valid with the base alone; together the downgrade's tier is the plan itself,
        // which the widget's reader refuses.
        let tier = json!({ "id": "lite", "name": "Lite box",
            "price": { "amount_minor": 900, "currency": "EUR", "per": { "unit": "week", "count": 1 } } });
        let rules = json!([
            { "name": "offer the lite box", "when": { "==": [ { "var": "attrs.a" }, true ] },
              "patch": { "offers": { "downgrade": { "tiers": [tier] } } } },
            { "name": "lite customers", "when": { "==": [ { "var": "attrs.b" }, true ] },
              "patch": { "plan": { "id": "lite" }, "offers": { "links": [] } } }
        ]);
        let mut doc = flow(rules);
        doc["rules"][1]["patch"] = json!({ "plan": { "id": "lite", "name": "Lite box" } });
        assert_eq!(put(&s, "box", &doc).await.status, StatusCode::CREATED);
        let a = served(&s, "cus_a", json!({ "a": true })).await;
        assert_eq!(a["offers"]["downgrade"]["tiers"][0]["id"], "lite");
        let b = served(&s, "cus_b", json!({ "b": true })).await;
        assert_eq!(b["plan"]["id"], "lite");
        let both = served(&s, "cus_ab", json!({ "a": true, "b": true })).await;
        assert_eq!(both["plan"], base()["plan"], "the base, not a config the widget would refuse");
        assert_eq!(offers(&both), ["pause", "discount", "links"]);
        assert_eq!(both["served"], json!({ "flow_version": 1 }));
        assert_eq!(both["customer"]["id"], "cus_ab");
    });
}

#[test]
fn each_fact_and_eligibility_rule_at_its_boundary() {
    for db in Db::all() {
        let s = start(db);
        rt().block_on(async {
            // Rules that show the facts: a link per fact that holds.
            let link = |id: &str| json!({ "offers": { "links": [ { "id": id, "label": id, "url": "https://shop.example/x" } ] } });
            let rules = json!([
                { "when": { "==": [ { "var": "history.sessions" }, 3 ] }, "patch": link("three-sessions") },
                { "when": { "==": [ { "var": "history.days_since_last_session" }, 5 ] }, "patch": link("five-days") },
                { "when": { "==": [ { "var": "customer.subscription_id" }, "sub_vip" ] }, "patch": link("vip") }
            ]);
            assert_eq!(put(&s, "box", &flow(rules)).await.status, StatusCode::CREATED);
            let mut n = 0;
            let mut post = |customer: &'static str, result: Value, days: i64, test: bool| {
                n += 1;
                let s = &s;
                let id = n;
                async move { past(s, id, customer, result, days, test).await }
            };

            // The discount's cooldown (default 100 days): 99 days ago keeps it away, 100 not.
            post("cus_d99", discount(), 99, false).await;
            post("cus_d100", discount(), 100, false).await;
            assert_eq!(offers(&served(&s, "cus_d99", json!({})).await), ["pause", "links"]);
            assert_eq!(offers(&served(&s, "cus_d100", json!({})).await), ["pause", "discount", "links"]);

            // Pauses in a row (default at most 2): two pauses remove the pause; a
            // cancellation between them starts the count again; abandoned ones are skipped.
            post("cus_pp", paused(), 20, false).await;
            post("cus_pp", paused(), 10, false).await;
            post("cus_pcp", paused(), 20, false).await;
            post("cus_pcp", cancelled(), 15, false).await;
            post("cus_pcp", paused(), 10, false).await;
            post("cus_ppa", paused(), 20, false).await;
            post("cus_ppa", paused(), 10, false).await;
            post("cus_ppa", json!({ "type": "abandoned" }), 5, false).await;
            assert_eq!(offers(&served(&s, "cus_pp", json!({})).await), ["discount", "links"]);
            assert_eq!(offers(&served(&s, "cus_pcp", json!({})).await), ["pause", "discount", "links"]);
            assert_eq!(offers(&served(&s, "cus_ppa", json!({})).await), ["discount", "links"]);

            // Test outcomes do not count for a live flow.
            post("cus_tt", paused(), 20, true).await;
            post("cus_tt", paused(), 10, true).await;
            assert_eq!(offers(&served(&s, "cus_tt", json!({})).await), ["pause", "discount", "links"]);

            // history.sessions (abandoned skipped) and days since the last session.
            assert_eq!(links(&served(&s, "cus_pcp", json!({})).await), ["three-sessions"]);
            assert_eq!(links(&served(&s, "cus_ppa", json!({})).await), ["support"], "two sessions, not three");
            post("cus_5", cancelled(), 5, false).await;
            assert_eq!(links(&served(&s, "cus_5", json!({})).await), ["five-days"]);
            let vip = config(&s, "box", &token("cus_v", json!({ "subscription_id": "sub_vip" }))).await;
            assert_eq!(links(&vip.body), ["vip"]);

            // Turned off, and set: null lifts a rule; another number moves the boundary.
            let mut doc = flow(json!([]));
            doc["eligibility"] = json!({ "discount_cooldown_days": null, "max_pauses_in_a_row": 3 });
            assert_eq!(put(&s, "box", &doc).await.status, StatusCode::CREATED);
            assert_eq!(offers(&served(&s, "cus_d99", json!({})).await), ["pause", "discount", "links"]);
            assert_eq!(offers(&served(&s, "cus_pp", json!({})).await), ["pause", "discount", "links"]);

            // A test flow counts test outcomes.
            let mut doc = flow(json!([]));
            doc["config"]["test"] = json!(true);
            assert_eq!(put(&s, "box", &doc).await.status, StatusCode::CREATED);
            assert_eq!(offers(&served(&s, "cus_tt", json!({})).await), ["discount", "links"]);
        });
    }
}

/// A flow with the contract's example experiment.
fn with_experiment(holdout: f64, b_patch: Value) -> Value {
    let mut doc = flow(json!([
        { "name": "annual plans keep their price", "when": { "==": [ { "var": "attrs.plan" }, "annual" ] },
          "patch": { "offers": { "discount": null } } }
    ]));
    doc["experiment"] = json!({
        "id": "winter-offers",
        "holdout": holdout,
        "variants": [ { "id": "a", "weight": 1 }, { "id": "b", "weight": 1, "patch": b_patch } ]
    });
    doc
}

#[test]
fn experiment_groups_are_recorded_once_and_the_holdout_sees_no_offers() {
    for db in Db::all() {
        let (dir, database, args);
        {
            let s = start(db);
            (dir, database, args) = (s.dir.clone(), s.database.clone(), s.args.clone());
            rt().block_on(async {
                let b_patch = json!({ "offers": { "discount": { "percent_off": 30, "months": 2 } } });
                assert_eq!(put(&s, "box", &with_experiment(0.1, b_patch.clone())).await.status, StatusCode::CREATED);
                let listed = get_admin(&s, "/v1/flows").await;
                assert_eq!(listed.body[0]["experiment_id"], "winter-offers");

                // The contract's vectors: cus_1 a, cus_3 b, cus_6 holdout.
                let a = served(&s, "cus_1", json!({})).await;
                assert_eq!(
                    a["served"],
                    json!({ "flow_version": 1, "experiment": { "id": "winter-offers", "variant": "a" } })
                );
                assert_eq!(a["offers"]["discount"]["percent_off"], 20);
                let b = served(&s, "cus_3", json!({})).await;
                assert_eq!(b["served"]["experiment"]["variant"], "b");
                assert_eq!(b["offers"]["discount"], json!({ "percent_off": 30, "months": 2 }));
                let b_annual = served(&s, "cus_3", json!({ "plan": "annual" })).await;
                assert_eq!(
                    b_annual["offers"]["discount"]["percent_off"], 30,
                    "the variant's patch comes after the rules"
                );
                let holdout = served(&s, "cus_6", json!({ "plan": "annual", "tenure_days": 900 })).await;
                assert_eq!(holdout["served"]["experiment"]["variant"], "holdout");
                assert!(holdout.get("offers").is_none(), "no offers at all: {holdout}");
                let ids: Vec<_> = holdout["survey"]["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.get("id").or(r.get("preset")).cloned())
                    .collect();
                assert_eq!(
                    ids,
                    [Some(json!("too_expensive")), Some(json!("away")), Some(json!("other"))],
                    "the survey stays"
                );
                assert_eq!(
                    holdout["survey"]["reasons"][1]["offers"],
                    json!([]),
                    "a reason whose offers are gone goes to confirm"
                );

                // The design is fixed for life; baseline and mde are not the design.
                let mut changed = with_experiment(0.2, b_patch.clone());
                let a = put(&s, "box", &changed).await;
                assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
                assert!(a.body["error"].as_str().unwrap().contains("winter-offers"));
                changed = with_experiment(0.1, json!({ "offers": { "discount": { "percent_off": 40, "months": 2 } } }));
                assert_eq!(put(&s, "box", &changed).await.status, StatusCode::CONFLICT);
                let mut same = with_experiment(0.1, b_patch.clone());
                same["experiment"]["mde"] = json!(0.04);
                same["config"]["offers"]["pause"]["options"] = json!([ { "unit": "week", "count": 3 } ]);
                assert_eq!(put(&s, "box", &same).await.status, StatusCode::CREATED);
                // Removing the experiment stops assigning.
                assert_eq!(put(&s, "box", &flow(json!([]))).await.status, StatusCode::CREATED);
                let none = served(&s, "cus_6", json!({})).await;
                assert_eq!(none["served"], json!({ "flow_version": 3 }));
                assert!(none.get("offers").is_some());
                assert_eq!(put(&s, "box", &with_experiment(0.1, b_patch)).await.status, StatusCode::CREATED);
            });
        }
        // After a restart the recorded groups stand: one row each.
        let s = Server::start_on(dir, database, args);
        rt().block_on(async {
            assert_eq!(served(&s, "cus_6", json!({})).await["served"]["experiment"]["variant"], "holdout");
            assert_eq!(served(&s, "cus_1", json!({})).await["served"]["experiment"]["variant"], "a");
        });
    }
}

#[test]
fn tokens_and_cors_of_the_config() {
    for db in Db::all() {
        let s = start(db);
        rt().block_on(async {
            assert_eq!(put(&s, "box", &flow(json!([]))).await.status, StatusCode::CREATED);
            let now = OffsetDateTime::now_utc().unix_timestamp();
            let refused = [
                (None, "no token"),
                (Some("not.a.token".to_string()), "not a JWT"),
                (Some(token("cus_1", json!({ "exp": now - 1 }))), "expired"),
                (Some(token("cus_1", json!({ "flow_id": "other" }))), "for another flow"),
                (Some(token("cus_1", json!({ "attrs": { "plan": { "nested": 1 } } }))), "attrs not plain"),
                (Some(token("cus_1", json!({ "attrs": (0..33).map(|i| (format!("k{i}"), json!(i))).collect::<serde_json::Map<_, _>>() }))), "33 attrs"),
            ];
            for (token, why) in refused {
                let mut req = reqwest::Client::new().get(s.url("/v1/flows/box/config"));
                if let Some(t) = &token {
                    req = req.bearer_auth(t);
                }
                let a = send(req).await;
                assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{why}: {}", a.body);
                assert!(a.body["error"].as_str().unwrap().starts_with("Authorization"), "{why}");
            }
            let forged = {
                let now = OffsetDateTime::now_utc().unix_timestamp();
                common::tokens::hs256(b"another-secret-0123456789abcdefghijkl", &json!({ "sub": "cus_1", "exp": now + 600 }))
            };
            assert_eq!(config(&s, "box", &forged).await.status, StatusCode::UNAUTHORIZED);
            assert_eq!(config(&s, "box", &token("cus_1", json!({ "flow_id": "box" }))).await.status, StatusCode::OK);

            // CORS: the configured origin may read it with its Authorization header.
            let preflight = send(
                reqwest::Client::new()
                    .request(reqwest::Method::OPTIONS, s.url("/v1/flows/box/config"))
                    .header("Origin", ORIGIN)
                    .header("Access-Control-Request-Method", "GET")
                    .header("Access-Control-Request-Headers", "authorization"),
            )
            .await;
            assert_eq!(preflight.status, StatusCode::NO_CONTENT);
            assert_eq!(preflight.headers["access-control-allow-origin"], ORIGIN);
            assert!(preflight.headers["access-control-allow-methods"].to_str().unwrap().contains("GET"));
            assert!(preflight.headers["access-control-allow-headers"].to_str().unwrap().to_lowercase().contains("authorization"));
            let got = send(
                reqwest::Client::new().get(s.url("/v1/flows/box/config")).header("Origin", ORIGIN).bearer_auth(token("cus_1", json!({}))),
            )
            .await;
            assert_eq!(got.headers["access-control-allow-origin"], ORIGIN);
            let other = send(
                reqwest::Client::new()
                    .request(reqwest::Method::OPTIONS, s.url("/v1/flows/box/config"))
                    .header("Origin", "https://evil.example")
                    .header("Access-Control-Request-Method", "GET"),
            )
            .await;
            assert!(other.headers.keys().all(|k| !k.as_str().starts_with("access-control-")), "{:?}", other.headers);
        });
    }
}
