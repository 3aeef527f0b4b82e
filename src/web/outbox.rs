//! The outbox: every decided outcome is written to `localStorage` before it is sent and
//! removed once the endpoint acknowledges (or definitively refuses) it, so a reload, a
//! closed tab or a crash never loses it. The next widget load on the origin re-sends
//! what is left, with the same id. Storage that is unavailable degrades to memory only.

use crate::core::json::Value;
use crate::web::delivery::{deliver, Delivery, Failure};
use std::cell::RefCell;

const KEY: &str = "cancel-flow:outbox:v1";

thread_local! {
    /// Ids being sent by this page right now, so a flush never doubles a live send.
    static IN_FLIGHT: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static FLUSHED: RefCell<bool> = const { RefCell::new(false) };
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Everything waiting for an acknowledgement.
pub fn pending() -> Vec<Delivery> {
    storage()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|t| Value::parse(&t).ok())
        .and_then(|v| v.as_array().map(|a| a.iter().filter_map(Delivery::from_value).collect()))
        .unwrap_or_default()
}

fn save(all: &[Delivery]) {
    if let Some(s) = storage() {
        let _ = if all.is_empty() {
            s.remove_item(KEY)
        } else {
            s.set_item(KEY, &Value::Array(all.iter().map(Delivery::to_value).collect()).to_json())
        };
    }
}

/// Keeps a delivery until it is acknowledged.
pub fn put(d: &Delivery) {
    let mut all = pending();
    if !all.iter().any(|x| x.id == d.id) {
        all.push(d.clone());
        save(&all);
    }
}

/// Forgets a delivery.
pub fn remove(id: &str) {
    let mut all = pending();
    let before = all.len();
    all.retain(|x| x.id != id);
    if all.len() != before {
        save(&all);
    }
}

/// Marks an id as being sent by this page (returns false if it already was).
pub fn claim(id: &str) -> bool {
    IN_FLIGHT.with(|s| {
        let mut s = s.borrow_mut();
        let new = !s.iter().any(|x| x == id);
        if new {
            s.push(id.to_string());
        }
        new
    })
}

/// Releases a claim.
pub fn release(id: &str) {
    IN_FLIGHT.with(|s| s.borrow_mut().retain(|x| x != id));
}

/// Re-sends what an earlier page left behind, once per page load.
pub fn flush() {
    if FLUSHED.with(|f| f.replace(true)) {
        return;
    }
    for d in pending() {
        if !claim(&d.id) {
            continue;
        }
        wasm_bindgen_futures::spawn_local(async move {
            let result = deliver(&d, 5.0 * 60_000.0, &|| true).await;
            match result {
                Ok(_) | Err(Failure::Refused(_)) => remove(&d.id),
                Err(Failure::GaveUp(_)) => {}
            }
            release(&d.id);
        });
    }
}
