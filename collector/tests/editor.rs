//! The flow editor's routes (COLLECTOR.md section 10), in process, on SQLite and
//! PostgreSQL: the page for a stored flow, a template or a blank new flow, under its own
//! Content-Security-Policy, with its data unescapable; signing in comes back to it; its
//! modules served by the collector, every import among them served too; the "new flow"
//! form; what changed between two versions; the preview's outcome endpoint storing
//! nothing. The page itself is exercised in Chromium by `tests/e2e/editor.spec.mjs`.

mod common;

use common::in_process::Server;
use common::server::{temp_dir, Db};
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION};
use reqwest::StatusCode;
use serde_json::{json, Value};

const KEY: &str = "editor-admin-key-12345";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A GET with the session: status, headers and body.
async fn get(s: &Server, cookie: &str, path: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let r = client().get(s.url(path)).header("cookie", cookie).send().await.unwrap();
    (r.status(), r.headers().clone(), r.text().await.unwrap())
}

/// The JSON the page gives its script.
fn page_data(html: &str) -> Value {
    let start = html.find(r#"id="cf-editor-data" type="application/json">"#).expect("the data");
    let rest = &html[start..];
    let json = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str(json).unwrap()
}

fn flow(percent: u32) -> Value {
    json!({ "schema": "cancel-flow/flow@1",
        "config": { "schema": "cancel-flow/config@1", "flow_id": "box", "endpoint": "/v1/outcomes",
            "plan": { "id": "weekly", "name": "Weekly box" },
            "survey": { "question": "</script><script>alert(1)</script>", "reasons": [ { "preset": "too_expensive" } ] },
            "offers": { "discount": { "percent_off": percent, "months": 2 }, "pause": { "options": [ { "unit": "week", "count": 2 } ] } },
            "fallback": { "email": "help@shop.example" } } })
}

async fn put(s: &Server, doc: &Value) -> Value {
    let r = client().put(s.url("/v1/flows/box")).bearer_auth(KEY).json(doc).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.unwrap()
}

/// A widget folder with an `embed.js` and its `integrity.json`.
fn widget_folder() -> std::path::PathBuf {
    let dist = temp_dir().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("embed.js"), "export {};\n").unwrap();
    let integrity = json!({ "algorithm": "sha384", "files": { "embed.js": "sha384-test-hash" } });
    std::fs::write(dist.join("integrity.json"), integrity.to_string()).unwrap();
    dist
}

#[test]
fn the_editor_page_on_a_stored_flow_a_template_or_a_blank_flow() {
    let dist = widget_folder();
    for db in Db::all() {
        let s = Server::start(db, &["--allow-unsigned", "--admin-key", KEY, "--widget-dir", dist.to_str().unwrap()]);
        rt().block_on(async {
            // Signed out: the sign-in form, which comes back to this very editor.
            let r = client().get(s.url("/flows/winter%20box")).send().await.unwrap();
            let html = r.text().await.unwrap();
            assert!(html.contains(r#"name="next" value="flows/winter%20box""#), "{html}");
            let (cookie, location) = s.sign_in(KEY, Some("flows/winter%2520box")).await;
            assert_eq!(location, "/flows/winter%20box");
            let (_, elsewhere) = s.sign_in(KEY, Some("https://evil.example/")).await;
            assert_eq!(elsewhere, "/insights", "only this collector's pages");
            let (_, up) = s.sign_in(KEY, Some("flows/..")).await;
            assert_eq!(up, "/insights");

            // A template for a new flow: its document for this id, outcomes to this collector.
            let (status, headers, html) = get(&s, &cookie, "/flows/winter-box?template=meal-box").await;
            assert_eq!(status, StatusCode::OK, "{db:?}");
            let csp = headers[CONTENT_SECURITY_POLICY].to_str().unwrap();
            assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"), "{csp}");
            assert!(csp.contains("connect-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
            let data = page_data(&html);
            assert_eq!(data["flow_id"], "winter-box");
            assert_eq!(data["version"], Value::Null);
            assert_eq!(data["document"]["config"]["flow_id"], "winter-box");
            assert_eq!(data["document"]["config"]["endpoint"], s.url("/v1/outcomes"));
            assert_eq!(data["document"]["config"]["plan"]["name"], "Family box", "the meal box");
            assert_eq!(data["document"]["rules"][0]["name"], "annual plans keep their price");
            assert_eq!(data["widget"], true);
            assert_eq!(data["embed_integrity"], "sha384-test-hash");
            assert_eq!(data["origin"], s.base.trim_end_matches('/'));
            assert!(html.contains("A new flow: nothing is served until you publish it."));
            let (status, _, html) = get(&s, &cookie, "/flows/winter-box?template=nope").await;
            assert_eq!(status, StatusCode::BAD_REQUEST);
            assert!(html.contains("template: there is no template nope"));
            let blank = page_data(&get(&s, &cookie, "/flows/other").await.2);
            assert_eq!(blank["document"]["config"]["survey"]["reasons"][0]["preset"], "too_expensive");

            // Nothing was stored by opening editors.
            assert_eq!(s.admin_json("/v1/flows", KEY).await, json!([]));

            // A stored flow: its latest document, whatever it says (its text cannot close the data).
            put(&s, &flow(15)).await;
            let (status, _, html) = get(&s, &cookie, "/flows/box?template=saas-tiers").await;
            assert_eq!(status, StatusCode::OK);
            let data = page_data(&html);
            assert_eq!(data["version"], 1);
            assert_eq!(data["document"], flow(15), "the stored document, not the template");
            assert!(html.contains("Version 1 is served now."));

            // Behind a proxy: the host and scheme the browser asked for.
            let r = client()
                .get(s.url("/flows/box"))
                .header("cookie", &cookie)
                .header("x-forwarded-host", "collector.shop.example, inner")
                .header("x-forwarded-proto", "https")
                .send()
                .await
                .unwrap();
            assert_eq!(page_data(&r.text().await.unwrap())["origin"], "https://collector.shop.example");
        });
    }
}

#[test]
fn the_modules_are_served_and_every_import_among_them_is_one_of_them() {
    let s = Server::start(Db::Sqlite, &["--allow-unsigned", "--admin-key", KEY]);
    rt().block_on(async {
        let (cookie, _) = s.sign_in(KEY, Some("flows")).await;
        let (_, _, html) = get(&s, &cookie, "/flows/box").await;
        let entry = html.split(r#"<script type="module" src=""#).nth(1).unwrap().split('"').next().unwrap();
        assert!(entry.starts_with("/insights/editor/editor.js?v="), "{entry}");
        let mut pending = vec!["editor.js".to_string()];
        let mut seen = Vec::new();
        while let Some(name) = pending.pop() {
            if seen.contains(&name) {
                continue;
            }
            let r = client().get(s.url(&format!("/insights/editor/{name}"))).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{name}");
            assert!(r.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/javascript"));
            let source = r.text().await.unwrap();
            for line in source.lines().filter(|l| l.starts_with("import ")) {
                let target = line.split("from './").nth(1).and_then(|t| t.split('\'').next()).expect(line);
                pending.push(target.to_string());
            }
            seen.push(name);
        }
        assert_eq!(seen.len(), 7, "{seen:?}");
        let missing = client().get(s.url("/insights/editor/secret.rs")).send().await.unwrap();
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        // Without an admin key there is no editor at all.
        let off = Server::start(Db::Sqlite, &["--allow-unsigned"]);
        let r = client().get(off.url("/insights/editor/editor.js")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    });
}

#[test]
fn the_new_flow_form_opens_the_editor_on_its_template() {
    let s = Server::start(Db::Sqlite, &["--allow-unsigned", "--admin-key", KEY]);
    rt().block_on(async {
        let (cookie, _) = s.sign_in(KEY, Some("flows")).await;
        let r = client()
            .get(s.url("/flows?new_flow_id=winter+box&template=saas-tiers"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()[LOCATION], "/flows/winter%20box?template=saas-tiers");
        let (status, _, html) = get(&s, &cookie, "/flows?new_flow_id=+&template=").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(html.contains("Flow id: write 1 to 200 characters"));
        let (status, _, html) = get(&s, &cookie, "/flows").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(r#"<option value="direct-de">"#));
    });
}

#[test]
fn what_changed_between_two_versions() {
    for db in Db::all() {
        let s = Server::start(db, &["--allow-unsigned", "--admin-key", KEY]);
        rt().block_on(async {
            let (cookie, _) = s.sign_in(KEY, Some("flows")).await;
            put(&s, &flow(15)).await;
            let mut second = flow(20);
            second["config"]["offers"].as_object_mut().unwrap().remove("pause");
            put(&s, &second).await;
            let (status, _, body) = get(&s, &cookie, "/flows/box/diff?from=1&to=2").await;
            assert_eq!(status, StatusCode::OK, "{db:?} {body}");
            let body: Value = serde_json::from_str(&body).unwrap();
            assert_eq!((body["from"].as_u64(), body["to"].as_u64()), (Some(1), Some(2)));
            let changes = body["changes"].as_array().unwrap();
            assert!(changes.contains(&json!({ "op": "replace", "path": "/config/offers/discount/percent_off", "value": 20, "was": 15 })), "{body}");
            assert!(changes.contains(&json!({ "op": "remove", "path": "/config/offers/pause", "was": { "options": [ { "unit": "week", "count": 2 } ] } })), "{body}");
            assert_eq!(changes.len(), 2);
            let (_, _, same) = get(&s, &cookie, "/flows/box/diff?from=2&to=2").await;
            assert_eq!(serde_json::from_str::<Value>(&same).unwrap()["changes"], json!([]));

            for (query, status, says) in [
                ("from=1&to=9", StatusCode::NOT_FOUND, "to: no version 9 of flow box"),
                ("from=x&to=2", StatusCode::BAD_REQUEST, "from: must be a version number from 1"),
                ("to=2", StatusCode::BAD_REQUEST, "from: "),
            ] {
                let (got, _, body) = get(&s, &cookie, &format!("/flows/box/diff?{query}")).await;
                assert_eq!(got, status, "{query}: {body}");
                assert!(body.contains(says), "{query}: {body}");
            }
            let r = client().get(s.url("/flows/box/diff?from=1&to=2")).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "only signed in or with the key");
            let r = client().get(s.url("/flows/box/diff?from=1&to=2")).bearer_auth(KEY).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
        });
    }
}

#[test]
fn the_previews_outcomes_are_acknowledged_and_stored_nowhere() {
    for db in Db::all() {
        let s = Server::start(db, &["--allow-unsigned", "--admin-key", KEY]);
        rt().block_on(async {
            let outcome = json!({ "id": "0193a8f0-0000-7000-8000-000000000001", "schema": "cancel-flow/outcome@1",
                "flow_id": "box", "type": "cancelled", "customer": { "id": "cus_1" } });
            let r = client().post(s.url("/flows/box/preview/outcomes")).json(&outcome).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::CREATED);
            let body: Value = r.json().await.unwrap();
            assert_eq!(
                body,
                json!({ "id": "0193a8f0-0000-7000-8000-000000000001", "status": "preview", "stored": false })
            );
            let csv =
                client().get(s.url("/v1/outcomes.csv")).bearer_auth(KEY).send().await.unwrap().text().await.unwrap();
            assert_eq!(csv.lines().count(), 1, "the header only: {csv}");
        });
    }
}
