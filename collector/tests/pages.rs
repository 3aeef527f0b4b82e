//! The insights pages over HTTP, served in process (COLLECTOR.md section 6), on
//! SQLite and, when a test cluster is given, PostgreSQL: 404 without an admin key,
//! signing in and out (the cookie's flags, `Secure` behind https only, a forged or
//! expired cookie is signed out, guessing slowed down), the pages' security headers, bad filters, the CSV
//! exports opened by the cookie, and (with the store's reads) the figures in words and
//! comments shown as text.

mod common;

use base64::Engine;
use common::in_process::Server;
use common::server::Db;
use hmac::Mac;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};

const KEY: &str = "pages-admin-key-1";
const CSP: &str =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn start(db: Db) -> Server {
    Server::start(db, &["--allow-unsigned", "--admin-key", KEY])
}

/// Signs in; returns the answer's status and headers.
async fn sign_in(s: &Server, key: &str, extra: &[(&str, &str)]) -> (StatusCode, HeaderMap, String) {
    let body = format!("key={}&flow_id=meal%20box", key.replace(' ', "+"));
    let mut req = client().post(s.url("/insights/sign-in")).header("content-type", "application/x-www-form-urlencoded");
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let r = req.body(body).send().await.unwrap();
    (r.status(), r.headers().clone(), r.text().await.unwrap())
}

/// The `cf_session=…` pair of a `Set-Cookie`.
async fn cookie(s: &Server) -> String {
    s.sign_in(KEY, None).await.0
}

async fn get(s: &Server, path: &str, cookie: Option<&str>) -> (StatusCode, HeaderMap, String) {
    let mut req = client().get(s.url(path));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let r = req.send().await.unwrap();
    (r.status(), r.headers().clone(), r.text().await.unwrap())
}

/// A cookie value signed with `key`, expiring at `expiry`.
fn minted(key: &str, expiry: i64) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(format!("cf-session:v1:{expiry}").as_bytes());
    let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("cf_session=v1.{expiry}.{tag}")
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn is_sign_in_form(html: &str) -> bool {
    html.contains(r#"type="password" name="key""#) && !html.contains("Cancellation insights</h1>")
}

#[test]
fn every_insights_route_is_404_without_an_admin_key() {
    let s = Server::start(Db::Sqlite, &["--allow-unsigned"]);
    rt().block_on(async {
        for path in ["/insights", "/insights/comments", "/insights/style.css", "/flows"] {
            assert_eq!(get(&s, path, None).await.0, StatusCode::NOT_FOUND, "{path}");
        }
        for path in ["/insights/sign-in", "/insights/sign-out"] {
            let r = client().post(s.url(path)).body("key=").send().await.unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        }
    });
}

#[test]
fn signing_in_sets_a_strict_http_only_cookie_and_signing_out_clears_it() {
    for db in Db::all() {
        let s = start(db);
        rt().block_on(async {
            let (status, headers, html) = sign_in(&s, "not the key", &[]).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{db:?}");
            assert!(headers.get("set-cookie").is_none());
            assert!(html.contains("That key was not right.") && is_sign_in_form(&html));
            assert!(!html.contains(KEY) && !html.contains("not the key"), "nothing about the keys leaks");

            let (status, headers, _) = sign_in(&s, KEY, &[]).await;
            assert_eq!(status, StatusCode::SEE_OTHER);
            assert_eq!(headers["location"], "/insights?flow_id=meal%20box", "the filters are kept");
            let set = headers["set-cookie"].to_str().unwrap();
            assert!(set.starts_with("cf_session=v1."), "{set}");
            for flag in ["; Path=/", "; HttpOnly", "; SameSite=Strict", "; Max-Age=43200"] {
                assert!(set.contains(flag), "{flag} in {set}");
            }
            assert!(!set.contains("Secure"), "plain http: {set}");
            for https in [("x-forwarded-proto", "https"), ("forwarded", "for=192.0.2.1;proto=https")] {
                let (_, headers, _) = sign_in(&s, KEY, &[https]).await;
                assert!(headers["set-cookie"].to_str().unwrap().contains("; Secure"), "{https:?}");
            }

            let r = client().post(s.url("/insights/sign-out")).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            assert_eq!(r.headers()["location"], "/insights");
            let cleared = r.headers()["set-cookie"].to_str().unwrap();
            assert!(cleared.starts_with("cf_session=;") && cleared.contains("Max-Age=0"), "{cleared}");
        });
    }
}

#[test]
fn guessing_the_key_is_slowed_down() {
    let s = start(Db::Sqlite);
    rt().block_on(async {
        let mut statuses = Vec::new();
        for _ in 0..12 {
            let (status, headers, html) = sign_in(&s, "guess", &[]).await;
            if status == StatusCode::TOO_MANY_REQUESTS {
                assert!(headers.contains_key("retry-after") && html.contains("too many sign-in attempts"));
            }
            statuses.push(status.as_u16());
        }
        assert_eq!(statuses, [[401; 10].as_slice(), &[429, 429]].concat(), "10 wrong keys a minute from one address");
        assert_eq!(sign_in(&s, KEY, &[]).await.0, StatusCode::SEE_OTHER, "the right key is never held back");
    });
}

#[test]
fn the_pages_need_a_valid_cookie_and_carry_the_security_headers() {
    for db in Db::all() {
        let s = start(db);
        rt().block_on(async {
            let (status, headers, html) = get(&s, "/insights", None).await;
            assert_eq!(status, StatusCode::OK);
            assert!(is_sign_in_form(&html), "signed out: the sign-in form");
            assert_eq!(headers["content-security-policy"], CSP);

            let c = cookie(&s).await;
            for path in ["/insights", "/insights/comments", "/insights/experiments", "/flows"] {
                let (status, headers, html) = get(&s, path, Some(&c)).await;
                assert_eq!(status, StatusCode::OK, "{db:?} {path}");
                assert!(!is_sign_in_form(&html), "{path}");
                assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
                assert_eq!(html.matches("<h1>").count(), 1);
                assert!(html.contains(r#"action="/insights/sign-out""#), "a sign-out button");
                assert!(!html.contains("<script") && !html.contains(" style="), "nothing the CSP would block");
                assert_eq!(headers["content-security-policy"], CSP);
                assert_eq!(headers["cache-control"], "no-store");
                assert_eq!(headers["x-content-type-options"], "nosniff");
                assert_eq!(headers["referrer-policy"], "no-referrer");
                assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
            }

            let forged = format!("cf_session=v1.{}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", now() + 600);
            let expired = minted(KEY, now() - 1);
            let other_key = minted("another-key", now() + 600);
            for bad in [&forged, &expired, &other_key] {
                let (status, _, html) = get(&s, "/insights", Some(bad)).await;
                assert_eq!(status, StatusCode::OK);
                assert!(is_sign_in_form(&html), "{bad} is signed out");
            }
            assert!(!is_sign_in_form(&get(&s, "/insights", Some(&minted(KEY, now() + 600))).await.2));

            let (status, headers, css) = get(&s, "/insights/style.css", None).await;
            assert_eq!(status, StatusCode::OK);
            assert!(headers["content-type"].to_str().unwrap().starts_with("text/css"));
            assert!(headers["cache-control"].to_str().unwrap().contains("max-age"));
            assert!(css.contains("prefers-color-scheme: dark"));
        });
    }
}

#[test]
fn bad_filters_get_a_page_that_names_the_field() {
    let s = start(Db::Sqlite);
    rt().block_on(async {
        let c = cookie(&s).await;
        for (path, field) in [
            ("/insights?from=yesterday", "from:"),
            ("/insights?to=2026-13-01", "to:"),
            ("/insights?include_test=yes", "include_test:"),
            ("/insights/comments?page=0", "page:"),
            ("/insights/comments?page=two", "page:"),
        ] {
            let (status, headers, html) = get(&s, path, Some(&c)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
            assert!(html.contains(field), "{path}: {html}");
            assert_eq!(headers["content-security-policy"], CSP);
        }
    });
}

#[test]
fn the_csv_exports_accept_the_cookie() {
    for db in Db::all() {
        let s = start(db);
        rt().block_on(async {
            let c = cookie(&s).await;
            for path in ["/v1/outcomes.csv", "/v1/keep-in-touch.csv?include_test=true"] {
                let (status, headers, _) = get(&s, path, Some(&c)).await;
                assert_eq!(status, StatusCode::OK, "{db:?} {path}");
                assert!(headers["content-type"].to_str().unwrap().starts_with("text/csv"));
                let forged = format!("cf_session=v1.{}.AAAA", now() + 600);
                assert_eq!(get(&s, path, Some(&forged)).await.0, StatusCode::UNAUTHORIZED, "{path}");
            }
        });
    }
}

fn outcome(n: u32, day: u32, result: Value, reason: Option<(&str, &str)>) -> Value {
    json!({
        "schema": "cancel-flow/outcome@1",
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "created_at": format!("2026-11-{day:02}T10:00:00Z"),
        "flow_id": "meal-box",
        "test": false,
        "customer": { "id": format!("cus_{n}"), "subscription_id": format!("sub_{n}") },
        "plan_id": "family",
        "locale": "en",
        "result": result,
        "survey": reason.map(|(id, comment)| json!({ "reason_id": id, "comment": comment })),
        "offers": [ { "type": "pause", "accepted": result["type"] == "paused" } ],
        "keep_in_touch": result["type"] == "cancelled",
        "steps": ["survey", "offers", "done"],
        "elapsed_ms": 30000
    })
}

/// Depends on the store's reads (`insights`, `comments`): the words and the comments come
/// from stored outcomes.
#[test]
fn the_overview_says_who_stayed_and_comments_show_as_text() {
    for db in Db::all() {
        let s = start(db);
        rt().block_on(async {
            let paused =
                json!({ "type": "paused", "duration": { "unit": "week", "count": 4 }, "resume_on": "2026-12-23" });
            let cancelled = json!({ "type": "cancelled", "effective": "period_end", "effective_on": "2026-12-01" });
            let outcomes = [
                outcome(1, 20, paused.clone(), Some(("too_much_food", "Lovely, but too much."))),
                outcome(2, 21, paused.clone(), Some(("too_much_food", "<b>x</b>"))),
                outcome(3, 21, paused, None),
                outcome(4, 22, cancelled, Some(("moving", "<script>alert(1)</script>"))),
                outcome(5, 22, json!({ "type": "abandoned" }), None),
            ];
            // The served flow names its reasons (a preset's English label fills in the rest).
            let flow = json!({ "schema": "cancel-flow/flow@1", "config": {
                "schema": "cancel-flow/config@1", "flow_id": "meal-box", "endpoint": "/api/outcomes",
                "plan": { "id": "family", "name": "Family box" },
                "survey": { "reasons": [ { "id": "too_much_food", "label": { "hu": "Túl sok", "en": "More food than we eat" } },
                                         { "preset": "moving" } ] },
                "fallback": { "email": "help@shop.example" } } });
            let put = client().put(s.url("/v1/flows/meal-box")).bearer_auth(KEY).json(&flow).send().await.unwrap();
            assert_eq!(put.status(), StatusCode::CREATED);
            for o in &outcomes {
                let (status, text) = s.post_outcome(o).await;
                assert_eq!(status, StatusCode::CREATED, "{text}");
            }
            let c = cookie(&s).await;
            let (_, _, html) = get(&s, "/insights", Some(&c)).await;
            assert!(
                html.contains(
                    "3 of 4 people who decided stayed (75.0%). 1 more closed the form without deciding; \
                     they are not counted."
                ),
                "{db:?}: {html}"
            );
            assert!(html.contains(r#"role="img""#) && html.contains("<title id=\"days-title\">"));
            assert_eq!(html.matches(r#"<g class="day">"#).count(), 3, "one bar per day");
            assert!(html.contains(r#"<span class="bar-label">More food than we eat</span>"#), "reasons by their labels");
            assert!(html.contains("<h3>I am moving where it is not offered</h3>"));
            assert!(html.contains("1 person who cancelled asked to hear about improvements."));
            assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the keep-in-touch comment as text");

            let (_, _, html) = get(&s, "/insights/comments", Some(&c)).await;
            assert!(html.contains("3 comments"), "{db:?}: {html}");
            assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && html.contains("&lt;b&gt;x&lt;/b&gt;"));
            assert!(!html.contains("<script>") && !html.contains("<b>x"));
            let newest = html.find("alert(1)").unwrap();
            assert!(newest < html.find("Lovely").unwrap(), "newest first");
            assert!(
                html.contains(r#"<option value="moving">I am moving where it is not offered</option>"#),
                "the reason select names each reason by its label"
            );
            assert!(html.contains("More food than we eat"), "the flow's label beside each comment");

            let (_, _, html) = get(&s, "/insights/comments?reason_id=too_much_food", Some(&c)).await;
            assert!(html.contains("2 comments") && !html.contains("alert(1)"), "{db:?}");
            let (_, _, html) = get(&s, "/insights?from=2026-11-22", Some(&c)).await;
            assert!(
                html.contains("0 of 1 person who decided stayed (0.0%). 1 more closed"),
                "{db:?}: the filters apply"
            );
        });
    }
}

#[test]
fn the_flows_page_lists_each_flow_and_the_session_reads_but_never_writes_them() {
    for db in Db::all() {
        let s = start(db);
        rt().block_on(async {
            let (status, _, html) = get(&s, "/flows", None).await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                is_sign_in_form(&html) && html.contains(r#"name="next" value="flows""#),
                "signed out: back here after"
            );
            let (status, headers, _) = sign_in(&s, &format!("{KEY}&next=flows"), &[]).await;
            assert_eq!(status, StatusCode::SEE_OTHER);
            assert!(headers["location"].to_str().unwrap().starts_with("/flows"), "{headers:?}");

            let c = cookie(&s).await;
            assert!(get(&s, "/flows", Some(&c)).await.2.contains("No flows yet"));
            let flow = json!({ "schema": "cancel-flow/flow@1",
                "config": { "schema": "cancel-flow/config@1", "flow_id": "box", "endpoint": "/v1/outcomes",
                    "plan": { "id": "weekly", "name": "Weekly box" }, "fallback": { "email": "help@shop.example" } },
                "experiment": { "id": "exp-1", "holdout": 0.1, "variants": [{ "id": "a" }] } });
            let put = client().put(s.url("/v1/flows/box")).bearer_auth(KEY).json(&flow).send().await.unwrap();
            assert_eq!(put.status(), StatusCode::CREATED);
            let (status, _, html) = get(&s, "/flows", Some(&c)).await;
            assert_eq!(status, StatusCode::OK);
            assert!(html.contains("<h2 id=\"h-flows\">1 flow</h2>"), "{html}");
            assert!(
                html.contains(r#"<th scope="row"><a href="/flows/box" aria-label="Edit box"><code>box</code></a></th><td class="n">1</td>"#),
                "the flow links to its editor: {html}"
            );
            assert!(html.contains("<code>exp-1</code>"));
            for path in ["/v1/flows/box", "/v1/flows/box/versions", "/v1/flows"] {
                assert_eq!(get(&s, path, Some(&c)).await.0, StatusCode::OK, "{db:?} the session reads {path}");
                assert_eq!(get(&s, path, None).await.0, StatusCode::UNAUTHORIZED, "{path}");
            }
            let forged = client().put(s.url("/v1/flows/box")).header("cookie", &c).json(&flow).send().await.unwrap();
            assert_eq!(forged.status(), StatusCode::UNAUTHORIZED, "a write needs the key itself");
        });
    }
}
