//! Times the insights reads of a running collector for `make bench-insights`
//! (bench/insights.sh), one request at a time: `GET /v1/insights` (admin key) with no
//! filter, one flow, the last 90 days and test outcomes included; the signed-in page
//! `GET /insights`, `GET /insights/comments` (first and a deep page); the first page of
//! `GET /v1/outcomes.csv` (time to first byte and to its first 500 rows); and the whole
//! `GET /v1/keep-in-touch.csv`. Each is warmed up once, then timed `--runs` times
//! (min/median/max ms, the whole body read). A read that does not answer 200 is reported
//! with its status and the rest carry on. Prints one JSON line, with whether the goal
//! (every `/v1/insights` under 500 ms, the page under a second) was met by every run.
//!
//! ```text
//! time_insights --target http://127.0.0.1:8787 --admin-key KEY [--runs 10] [--flow weekly-box]
//!               [--download-runs 3]
//! ```

use reqwest::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use reqwest::{Client, StatusCode};
use serde_json::{json, Map, Value};
use std::time::{Duration, Instant};

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned()).unwrap_or_else(|| default.to_string())
}

/// How a read is authorised.
#[derive(Clone)]
enum Auth {
    Bearer(String),
    Cookie(String),
}

fn request(client: &Client, url: &str, auth: &Auth) -> reqwest::RequestBuilder {
    let r = client.get(url).timeout(Duration::from_secs(120));
    match auth {
        Auth::Bearer(key) => r.header(AUTHORIZATION, format!("Bearer {key}")),
        Auth::Cookie(c) => r.header(COOKIE, c),
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

/// `{min, median, max, runs}` of `samples` (ms).
fn summary(samples: &[f64]) -> Value {
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n == 0 {
        return Value::Null;
    }
    let median = if n % 2 == 1 { s[n / 2] } else { (s[n / 2 - 1] + s[n / 2]) / 2.0 };
    json!({ "min_ms": s[0], "median_ms": (median * 10.0).round() / 10.0, "max_ms": s[n - 1], "runs": n })
}

/// One GET read whole: status, body, time.
async fn get(client: &Client, url: &str, auth: &Auth) -> Result<(StatusCode, Vec<u8>, Duration), String> {
    let t = Instant::now();
    let r = request(client, url, auth).send().await.map_err(|e| e.to_string())?;
    let status = r.status();
    let body = r.bytes().await.map_err(|e| e.to_string())?;
    Ok((status, body.to_vec(), t.elapsed()))
}

/// Warms `url` up once, then times it `runs` times; `check` looks at the last body and
/// adds what it finds. Reports the status and the start of the body if it is not 200.
async fn time_get(
    client: &Client,
    url: &str,
    auth: &Auth,
    runs: usize,
    check: impl Fn(&[u8]) -> Map<String, Value>,
) -> Value {
    let mut samples = Vec::new();
    let mut last = Vec::new();
    for i in 0..=runs {
        match get(client, url, auth).await {
            Ok((StatusCode::OK, body, d)) => {
                if i > 0 {
                    samples.push(ms(d));
                }
                last = body;
            }
            Ok((status, body, _)) => {
                let text: String = String::from_utf8_lossy(&body).chars().take(200).collect();
                eprintln!("time_insights: {url} answered {status}: {text}");
                return json!({ "url": url, "status": status.as_u16(), "error": text });
            }
            Err(e) => {
                eprintln!("time_insights: {url} failed: {e}");
                return json!({ "url": url, "status": null, "error": e });
            }
        }
    }
    let mut out = summary(&samples).as_object().cloned().unwrap_or_default();
    out.insert("url".into(), json!(url));
    out.insert("status".into(), json!(200));
    out.insert("bytes".into(), json!(last.len()));
    out.extend(check(&last));
    eprintln!("time_insights: {url}: {}", Value::Object(out.clone()));
    Value::Object(out)
}

/// Rows ended in a CSV body so far (the collector ends each with CRLF; comments hold bare
/// LFs at most), counting a CRLF split across chunks once.
struct CsvRows {
    rows: usize,
    cr_last: bool,
    bytes: usize,
}

impl CsvRows {
    fn new() -> CsvRows {
        CsvRows { rows: 0, cr_last: false, bytes: 0 }
    }

    fn feed(&mut self, chunk: &[u8]) {
        self.bytes += chunk.len();
        for &b in chunk {
            if b == b'\n' && self.cr_last {
                self.rows += 1;
            }
            self.cr_last = b == b'\r';
        }
    }
}

/// The first page of `outcomes.csv`: time to the first byte of the body, and to the
/// header row and 500 rows (the collector's page), then the download is dropped.
async fn csv_first_page(client: &Client, url: &str, auth: &Auth, runs: usize) -> Value {
    let (mut ttfb, mut first_page) = (Vec::new(), Vec::new());
    for i in 0..=runs {
        let t = Instant::now();
        let mut r = match request(client, url, auth).send().await {
            Ok(r) if r.status() == StatusCode::OK => r,
            Ok(r) => return json!({ "url": url, "status": r.status().as_u16() }),
            Err(e) => return json!({ "url": url, "status": null, "error": e.to_string() }),
        };
        let mut rows = CsvRows::new();
        let mut first = None;
        loop {
            match r.chunk().await {
                Ok(Some(c)) => {
                    first.get_or_insert_with(|| t.elapsed());
                    rows.feed(&c);
                    if rows.rows >= 501 {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => return json!({ "url": url, "status": 200, "error": e.to_string() }),
            }
        }
        let whole = t.elapsed();
        drop(r);
        if i > 0 {
            ttfb.push(ms(first.unwrap_or(whole)));
            first_page.push(ms(whole));
        }
    }
    let out = json!({ "url": url, "status": 200, "ttfb": summary(&ttfb), "first_500_rows": summary(&first_page) });
    eprintln!("time_insights: {url}: {out}");
    out
}

/// A whole CSV download: its bytes, rows (without the header) and time.
async fn csv_download(client: &Client, url: &str, auth: &Auth, runs: usize) -> Value {
    let (mut times, mut size) = (Vec::new(), (0, 0));
    for i in 0..=runs {
        let t = Instant::now();
        let mut r = match request(client, url, auth).send().await {
            Ok(r) if r.status() == StatusCode::OK => r,
            Ok(r) => return json!({ "url": url, "status": r.status().as_u16() }),
            Err(e) => return json!({ "url": url, "status": null, "error": e.to_string() }),
        };
        let mut rows = CsvRows::new();
        loop {
            match r.chunk().await {
                Ok(Some(c)) => rows.feed(&c),
                Ok(None) => break,
                Err(e) => return json!({ "url": url, "status": 200, "error": e.to_string() }),
            }
        }
        if i > 0 {
            times.push(ms(t.elapsed()));
        }
        size = (rows.bytes, rows.rows.saturating_sub(1));
    }
    let mut out = summary(&times).as_object().cloned().unwrap_or_default();
    out.insert("url".into(), json!(url));
    out.insert("status".into(), json!(200));
    out.insert("bytes".into(), json!(size.0));
    out.insert("rows".into(), json!(size.1));
    eprintln!("time_insights: {url}: {}", Value::Object(out.clone()));
    Value::Object(out)
}

/// Signs in to the page with the admin key: the `cf_session=…` pair of its `Set-Cookie`.
async fn sign_in(base: &str, key: &str) -> Result<String, String> {
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().map_err(|e| e.to_string())?;
    let r = client
        .post(format!("{base}/insights/sign-in"))
        .form(&[("key", key)])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = r.status();
    r.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("cf_session=") && !v.starts_with("cf_session=;"))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
        .ok_or_else(|| format!("sign-in answered {status} without a cf_session cookie"))
}

/// What a page's body shows: whether it is the signed-in page (not the sign-in form).
fn page_check(body: &[u8]) -> Map<String, Value> {
    let html = String::from_utf8_lossy(body);
    let mut m = Map::new();
    m.insert("signed_in".into(), json!(!html.contains("name=\"key\"")));
    m
}

/// The largest `max_ms` of `results` (that answered 200), and whether all did.
fn worst(results: &[&Value]) -> (Option<f64>, bool) {
    let all_ok = results.iter().all(|r| r["status"] == 200);
    let max = results.iter().filter_map(|r| r["max_ms"].as_f64()).reduce(f64::max);
    (max, all_ok)
}

#[tokio::main]
async fn main() {
    let base = arg("--target", "http://127.0.0.1:8787");
    let key = arg("--admin-key", "");
    let runs: usize = arg("--runs", "10").parse().expect("--runs");
    let download_runs: usize = arg("--download-runs", "3").parse().expect("--download-runs");
    let flow = arg("--flow", "weekly-box");
    let client = Client::builder().build().expect("client");
    let admin = Auth::Bearer(key.clone());
    let today = time::OffsetDateTime::now_utc().date();
    let from = today - time::Duration::days(90);

    let sessions = |body: &[u8]| {
        let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let mut m = Map::new();
        m.insert("sessions".into(), v["sessions"].clone());
        m.insert("keep_in_touch".into(), v["keep_in_touch"].clone());
        m.insert("saves_lost".into(), v["saves_lost"]["within_30d"].clone());
        m.insert("by_day".into(), json!(v["by_day"].as_array().map_or(0, Vec::len)));
        m
    };
    let mut insights = Map::new();
    for (name, query) in [
        ("none", String::new()),
        ("flow", format!("?flow_id={flow}")),
        ("last_90_days", format!("?from={from}&to={today}")),
        ("include_test", "?include_test=true".to_string()),
    ] {
        let url = format!("{base}/v1/insights{query}");
        insights.insert(name.into(), time_get(&client, &url, &admin, runs, sessions).await);
    }

    let mut page = Map::new();
    match sign_in(&base, &key).await {
        Ok(cookie) => {
            let by_cookie = Auth::Cookie(cookie);
            for (name, path) in [
                ("insights", "/insights"),
                ("comments", "/insights/comments"),
                ("comments_page_1000", "/insights/comments?page=1000"),
            ] {
                let url = format!("{base}{path}");
                page.insert(name.into(), time_get(&client, &url, &by_cookie, runs, page_check).await);
            }
        }
        Err(e) => {
            eprintln!("time_insights: signing in failed: {e}");
            page.insert("sign_in_error".into(), json!(e));
        }
    }

    let outcomes_csv = csv_first_page(&client, &format!("{base}/v1/outcomes.csv"), &admin, runs).await;
    let keep_in_touch_csv = csv_download(&client, &format!("{base}/v1/keep-in-touch.csv"), &admin, download_runs).await;

    let api: Vec<&Value> = insights.values().collect();
    let (api_max, api_ok) = worst(&api);
    let (page_max, page_ok) = worst(&page.get("insights").into_iter().collect::<Vec<_>>());
    let (comments_max, comments_ok) = worst(&page.get("comments").into_iter().collect::<Vec<_>>());
    let kit_rows_match =
        keep_in_touch_csv["rows"].as_u64().zip(insights["none"]["keep_in_touch"].as_u64()).map(|(a, b)| a == b);
    let goal = json!({
        "insights_max_ms": api_max, "insights_under_500ms": api_ok && api_max.is_some_and(|m| m < 500.0),
        "page_max_ms": page_max, "page_under_1s": page_ok && page_max.is_some_and(|m| m < 1000.0),
        "comments_page_max_ms": comments_max,
        "comments_page_under_1s": comments_ok && comments_max.is_some_and(|m| m < 1000.0),
        "keep_in_touch_rows_match_insights": kit_rows_match,
    });
    println!(
        "{}",
        json!({
            "runs": runs, "flow": flow, "from": from.to_string(), "to": today.to_string(),
            "insights": insights, "page": page, "outcomes_csv": outcomes_csv,
            "keep_in_touch_csv": keep_in_touch_csv, "goal": goal,
        })
    );
}
