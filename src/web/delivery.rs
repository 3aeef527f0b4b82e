//! Delivering an outcome: one POST with `Idempotency-Key`, configured headers and the
//! bearer token; a 10-second timeout; retries with exponential backoff and jitter on
//! network errors, 408, 429 and 5xx, honouring `Retry-After`; no retry on other 4xx.

use crate::core::json::Value;
use crate::web::env;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, Response};

/// A request that can be sent any number of times with the same id.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Outcome id (the idempotency key).
    pub id: String,
    /// Where to POST.
    pub endpoint: String,
    /// Extra headers, `Authorization` included when a token was given.
    pub headers: Vec<(String, String)>,
    /// The JSON body.
    pub body: String,
}

impl Delivery {
    /// As a JSON value (for the outbox).
    pub fn to_value(&self) -> Value {
        let headers = self.headers.iter().map(|(k, v)| Value::Array(vec![k.as_str().into(), v.as_str().into()]));
        Value::object([
            ("id", self.id.as_str().into()),
            ("endpoint", self.endpoint.as_str().into()),
            ("headers", Value::Array(headers.collect())),
            ("body", self.body.as_str().into()),
        ])
    }

    /// From a JSON value written by `to_value`; `None` when it is not one.
    pub fn from_value(v: &Value) -> Option<Delivery> {
        let s = |k: &str| v.get(k)?.as_str().map(str::to_string);
        let headers = v
            .get("headers")?
            .as_array()?
            .iter()
            .filter_map(|h| match h.as_array()?.as_slice() {
                [k, v] => Some((k.as_str()?.to_string(), v.as_str()?.to_string())),
                _ => None,
            })
            .collect();
        Some(Delivery { id: s("id")?, endpoint: s("endpoint")?, headers, body: s("body")? })
    }
}

/// How one attempt went.
#[derive(Debug, Clone, PartialEq)]
pub enum Attempt {
    /// A 2xx answer.
    Acked(u16),
    /// Worth retrying: no answer, 408, 429 or 5xx; with the server's `Retry-After` in ms.
    Retry { status: Option<u16>, after_ms: Option<u32> },
    /// A 4xx that retrying will not fix.
    Refused(u16),
}

/// Why delivery stopped without an acknowledgement.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The endpoint refused it (4xx other than 408 and 429).
    Refused(u16),
    /// Retries used up the time budget; the last status, if any answer came.
    GaveUp(Option<u16>),
}

/// Seconds an unanswered request may take.
pub const TIMEOUT_MS: u32 = 10_000;

/// Classifies an HTTP status.
pub fn classify(status: u16, retry_after: Option<&str>) -> Attempt {
    match status {
        200..=299 => Attempt::Acked(status),
        408 | 429 | 500..=599 => {
            Attempt::Retry { status: Some(status), after_ms: retry_after.and_then(parse_retry_after) }
        }
        400..=499 => Attempt::Refused(status),
        _ => Attempt::Retry { status: Some(status), after_ms: None },
    }
}

/// `Retry-After` as milliseconds: delta-seconds or an HTTP date.
pub fn parse_retry_after(v: &str) -> Option<u32> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u32>() {
        return Some(secs.saturating_mul(1000));
    }
    let at = js_sys::Date::parse(v);
    (!at.is_nan()).then(|| (at - env::now_ms()).clamp(0.0, 3_600_000.0) as u32)
}

/// Backoff before retry `n` (1-based): 500 ms doubling, capped at 8 s, with full jitter
/// over its upper half.
pub fn backoff_ms(n: u32) -> u32 {
    let base = 500u32.saturating_mul(1 << n.min(5)).min(8_000);
    (base as f64 * (0.5 + js_sys::Math::random() * 0.5)) as u32
}

/// Sends once. `keepalive` lets the request finish while the page unloads.
pub async fn send_once(d: &Delivery) -> Attempt {
    let no_answer = Attempt::Retry { status: None, after_ms: None };
    let Some(window) = web_sys::window() else { return no_answer };
    let Ok(headers) = Headers::new() else { return no_answer };
    let _ = headers.set("Content-Type", "application/json");
    let _ = headers.set("Idempotency-Key", &d.id);
    for (k, v) in &d.headers {
        let _ = headers.set(k, v);
    }
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&d.body));
    // `keepalive` (not in web-sys' RequestInit) lets a send started as the page closes finish.
    let _ = js_sys::Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::from_bool(d.body.len() < 60_000));
    let controller = AbortController::new().ok();
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    let abort_later = controller.map(|c| gloo_timers::callback::Timeout::new(TIMEOUT_MS, move || c.abort()));
    let answer = JsFuture::from(window.fetch_with_str_and_init(&d.endpoint, &init)).await;
    drop(abort_later);
    let Ok(resp) = answer.and_then(|r| r.dyn_into::<Response>()) else { return no_answer };
    let retry_after = resp.headers().get("Retry-After").ok().flatten();
    classify(resp.status(), retry_after.as_deref())
}

/// Sends until acknowledged, refused, or `budget_ms` of trying has passed.
/// `still_wanted` is checked between attempts (false stops quietly).
pub async fn deliver(d: &Delivery, budget_ms: f64, still_wanted: &dyn Fn() -> bool) -> Result<u16, Failure> {
    let start = env::now_ms();
    let mut tries = 0u32;
    loop {
        match send_once(d).await {
            Attempt::Acked(s) => return Ok(s),
            Attempt::Refused(s) => return Err(Failure::Refused(s)),
            Attempt::Retry { status, after_ms } => {
                tries += 1;
                let wait = after_ms.unwrap_or_else(|| backoff_ms(tries)).min(60_000);
                if env::now_ms() + wait as f64 - start > budget_ms || !still_wanted() {
                    return Err(Failure::GaveUp(status));
                }
                TimeoutFuture::new(wait).await;
                if !still_wanted() {
                    return Err(Failure::GaveUp(status));
                }
            }
        }
    }
}

/// GETs a text resource (a config or a catalog, same-origin credentials) with the same
/// 10-second limit; the error says why in plain words ("HTTP 404", "no answer in 10 s").
pub async fn get_text(url: &str) -> Result<String, String> {
    let network = || "network error".to_string();
    let window = web_sys::window().ok_or_else(network)?;
    let controller = AbortController::new().map_err(|_| network())?;
    let init = RequestInit::new();
    init.set_signal(Some(&controller.signal()));
    let signal = controller.signal();
    let _abort = gloo_timers::callback::Timeout::new(TIMEOUT_MS, move || controller.abort());
    let answer = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await;
    let resp: Response = match answer {
        Ok(r) => r.dyn_into().map_err(|_| network())?,
        Err(_) if signal.aborted() => return Err("no answer in 10 s".into()),
        Err(_) => return Err(network()),
    };
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let text = JsFuture::from(resp.text().map_err(|_| network())?).await.map_err(|_| network())?;
    text.as_string().ok_or_else(network)
}
