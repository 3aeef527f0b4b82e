//! The editor's preview (`POST /flows/<flow_id>/preview`, COLLECTOR.md section 10), in
//! process: a draft resolved for a typed-in customer as the config route would serve it
//! once published (a rule on the attributes, the experiment group by the contract's
//! assignment or as chosen, eligibility from the typed-in history), nothing stored; a bad
//! draft or customer named by its field; only for the signed-in page, from its own site.
//! And the editor's publish (`POST /flows/<flow_id>/publish`): a `PUT` of the document,
//! under the same conditions.

mod common;

use common::in_process::Server;
use common::server::Db;
use reqwest::StatusCode;
use serde_json::{json, Value};

const KEY: &str = "preview-admin-key-1";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn draft() -> Value {
    json!({ "schema": "cancel-flow/flow@1",
        "config": { "schema": "cancel-flow/config@1", "flow_id": "box", "endpoint": "/v1/outcomes",
            "plan": { "id": "weekly", "name": "Weekly box" },
            "offers": { "pause": { "options": [ { "unit": "week", "count": 2 } ] },
                "discount": { "percent_off": 20, "months": 2 } },
            "fallback": { "email": "help@shop.example" } },
        "rules": [ { "name": "annual plans keep their price", "when": { "==": [ { "var": "attrs.plan" }, "annual" ] },
            "patch": { "offers": { "discount": null } } } ],
        "experiment": { "id": "winter-offers", "holdout": 0.1, "variants": [ { "id": "a" }, { "id": "b" } ] } })
}

async fn cookie(s: &Server) -> String {
    s.sign_in(KEY, None).await.0
}

/// `POST /flows/box/<action>` with `body`, the session's cookie and an `Origin` if given.
async fn post(
    s: &Server,
    action: &str,
    cookie: Option<&str>,
    origin: Option<&str>,
    body: &Value,
) -> (StatusCode, Value) {
    let mut r = reqwest::Client::new().post(format!("{}/flows/box/{action}", s.base)).json(body);
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    if let Some(o) = origin {
        r = r.header("origin", o);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn preview(s: &Server, cookie: Option<&str>, origin: Option<&str>, body: &Value) -> (StatusCode, Value) {
    post(s, "preview", cookie, origin, body).await
}

#[test]
fn a_draft_resolved_for_a_typed_in_customer_and_nothing_stored() {
    for db in Db::all() {
        let s = Server::start(db, &["--allow-unsigned", "--admin-key", KEY]);
        rt().block_on(async {
            let c = cookie(&s).await;
            let own = s.base.clone();
            // cus_1 is in variant a (the contract's table): the rule applies for an annual plan.
            let body = json!({ "document": draft(), "customer": { "id": "cus_1", "attrs": { "plan": "annual" } } });
            let (status, answer) = preview(&s, Some(&c), Some(&own), &body).await;
            assert_eq!(status, StatusCode::OK, "{db:?} {answer}");
            assert_eq!(answer["group"], "a");
            assert_eq!(answer["applied_rules"], json!([{ "index": 0, "name": "annual plans keep their price" }]));
            assert!(answer["config"]["offers"].get("discount").is_none(), "{answer}");
            assert!(answer["config"]["offers"]["pause"].is_object());
            assert_eq!(answer["config"]["customer"]["id"], "cus_1");
            assert_eq!(answer["config"]["served"], json!({ "flow_version": 1, "experiment": { "id": "winter-offers", "variant": "a" } }));

            // A monthly customer keeps the discount; cus_6 is in the holdout: no offers at all.
            let (_, monthly) = preview(&s, Some(&c), None, &json!({ "document": draft(), "customer": { "id": "cus_1", "attrs": { "plan": "monthly" } } })).await;
            assert!(monthly["config"]["offers"]["discount"].is_object() && monthly["applied_rules"] == json!([]));
            let (_, holdout) = preview(&s, Some(&c), None, &json!({ "document": draft(), "customer": { "id": "cus_6" } })).await;
            assert_eq!(holdout["group"], "holdout");
            assert!(holdout["config"].get("offers").is_none_or(|o| o.as_object().is_some_and(|m| m.is_empty())), "{holdout}");
            // A group chosen; two pauses in a row typed in: no third pause.
            let body = json!({ "document": draft(), "customer": { "id": "cus_6" }, "group": "b", "history": { "pauses_in_a_row": 2 } });
            let (_, chosen) = preview(&s, Some(&c), None, &body).await;
            assert_eq!(chosen["group"], "b");
            assert!(chosen["config"]["offers"].get("pause").is_none(), "{chosen}");

            // Bad input names its field.
            let mut bad = draft();
            bad["config"]["offers"]["pause"]["options"][0]["count"] = json!(99);
            for (body, field) in [
                (json!({ "document": bad }), "config.offers.pause.options[0].count: "),
                (json!({}), "document: "),
                (json!({ "document": draft(), "customer": { "attrs": { "plan": { "nested": 1 } } } }), "customer.attrs: "),
                (json!({ "document": draft(), "group": "c" }), "group: "),
                (json!({ "document": draft(), "history": { "days_since_discount": -3 } }), "history.days_since_discount: "),
            ] {
                let (status, answer) = preview(&s, Some(&c), None, &body).await;
                assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
                assert!(answer["error"].as_str().unwrap().contains(field), "{field} in {answer}");
            }

            // Only the signed-in page, from its own site, with JSON.
            let body = json!({ "document": draft() });
            assert_eq!(preview(&s, None, None, &body).await.0, StatusCode::UNAUTHORIZED);
            assert_eq!(preview(&s, Some(&c), Some("https://evil.example"), &body).await.0, StatusCode::FORBIDDEN);
            let form = reqwest::Client::new()
                .post(format!("{}/flows/box/preview", s.base))
                .header("cookie", &c)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("document=x")
                .send()
                .await
                .unwrap();
            assert_eq!(form.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

            // Nothing was stored: no flow, no experiment, no assignment.
            for path in ["/v1/flows", "/v1/experiments"] {
                assert_eq!(s.admin_json(path, KEY).await, json!([]), "{db:?} {path}");
            }
        });
    }
}

async fn publish(s: &Server, cookie: Option<&str>, origin: Option<&str>, body: &Value) -> (StatusCode, Value) {
    post(s, "publish", cookie, origin, body).await
}

#[test]
fn publishing_from_the_page_writes_a_version_as_a_put_would() {
    for db in Db::all() {
        let s = Server::start(db, &["--allow-unsigned", "--admin-key", KEY]);
        rt().block_on(async {
            let c = cookie(&s).await;
            let own = s.base.clone();
            assert_eq!(publish(&s, None, None, &draft()).await.0, StatusCode::UNAUTHORIZED);
            assert_eq!(publish(&s, Some(&c), Some("http://evil.example"), &draft()).await.0, StatusCode::FORBIDDEN);
            let mut bad = draft();
            bad["config"]["offers"]["pause"]["options"][0]["count"] = json!(99);
            let (status, answer) = publish(&s, Some(&c), Some(&own), &bad).await;
            assert_eq!(status, StatusCode::BAD_REQUEST);
            assert!(
                answer["error"].as_str().unwrap().starts_with("config.offers.pause.options[0].count: "),
                "{answer}"
            );
            let form = reqwest::Client::new()
                .post(format!("{}/flows/box/publish", s.base))
                .header("cookie", &c)
                .header("content-type", "text/plain")
                .body(draft().to_string())
                .send()
                .await
                .unwrap();
            assert_eq!(form.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "a form of another site cannot send JSON");

            assert_eq!(
                publish(&s, Some(&c), Some(&own), &draft()).await,
                (StatusCode::CREATED, json!({ "flow_id": "box", "version": 1 }))
            );
            assert_eq!(
                publish(&s, Some(&c), None, &draft()).await,
                (StatusCode::OK, json!({ "flow_id": "box", "version": 1 })),
                "the same JSON keeps the version"
            );
            let stored = s.admin_json("/v1/flows/box", KEY).await;
            assert_eq!(stored["version"], 1, "{db:?} {stored}");
            assert_eq!(stored["flow"], draft());
        });
    }
}
