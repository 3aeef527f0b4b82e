//! HTTP for the flow: one POST of an outcome (`Idempotency-Key`, configured headers,
//! bearer token, `keepalive`, aborted after `ANSWER_TIMEOUT_MS`) and a GET of a language
//! catalog with the same limit (a config given by URL is fetched by embed.js, beside the
//! glue and the wasm). When to try again is `core::retry`'s business.

use crate::core::delivery::Delivery;
use crate::core::retry::ANSWER_TIMEOUT_MS;
use gloo_timers::callback::Timeout;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, Response};

/// What one POST got back: a status with its `Retry-After`, or no answer at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status; `None` for a network error or no answer in time.
    pub status: Option<u16>,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
}

/// Sends once. `keepalive` lets a send started as the page closes finish.
pub async fn send_once(d: &Delivery) -> Reply {
    let no_answer = Reply { status: None, retry_after: None };
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
    // `keepalive` is not in web-sys' RequestInit; browsers cap keepalive bodies at 64 KB.
    let _ = js_sys::Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::from_bool(d.body.len() < 60_000));
    let controller = AbortController::new().ok();
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    let abort_later = controller.map(|c| Timeout::new(ANSWER_TIMEOUT_MS, move || c.abort()));
    let answer = JsFuture::from(window.fetch_with_str_and_init(&d.endpoint, &init)).await;
    drop(abort_later);
    let Ok(resp) = answer.and_then(|r| r.dyn_into::<Response>()) else { return no_answer };
    Reply { status: Some(resp.status()), retry_after: resp.headers().get("Retry-After").ok().flatten() }
}

/// GETs a text resource (a language catalog, same-origin credentials) with the same
/// 10-second limit; the error says why in plain words ("HTTP 404", "no answer in 10 s").
pub async fn get_text(url: &str) -> Result<String, String> {
    let network = || "network error".to_string();
    let window = web_sys::window().ok_or_else(network)?;
    let controller = AbortController::new().map_err(|_| network())?;
    let init = RequestInit::new();
    init.set_signal(Some(&controller.signal()));
    let signal = controller.signal();
    let _abort = Timeout::new(ANSWER_TIMEOUT_MS, move || controller.abort());
    let answer = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await;
    let resp: Response = match answer {
        Ok(r) => r.dyn_into().map_err(|_| network())?,
        Err(_) if signal.aborted() => return Err("no answer in 10 s".into()),
        Err(_) => return Err(network()),
    };
    if !resp.ok() {
        return Err(["HTTP ", &resp.status().to_string()].concat());
    }
    let text = JsFuture::from(resp.text().map_err(|_| network())?).await.map_err(|_| network())?;
    text.as_string().ok_or_else(network)
}
