//! The outbox: every decided outcome is written to `localStorage` before it is sent and
//! removed once the endpoint acknowledges (or definitively refuses) it, so a reload, a
//! closed tab or a crash never loses it. The next widget load on the origin re-sends
//! what is left, with the same id, through the same `Sender` as a first send. Storage
//! that is unavailable (blocked, sandboxed, full) degrades to sending without a copy.

use crate::core::delivery::Delivery;
use crate::web::sender::{Report, Sender};
use std::cell::RefCell;
use std::rc::Rc;

const KEY: &str = "cancel-flow:outbox:v1";

thread_local! {
    /// Ids being sent by this page right now, so a flush never doubles a live send.
    static IN_FLIGHT: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// Re-sends of earlier pages' entries, kept alive until they finish.
    static RESENDING: RefCell<Vec<Rc<Sender>>> = const { RefCell::new(Vec::new()) };
    static FLUSHED: RefCell<bool> = const { RefCell::new(false) };
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Everything waiting for an acknowledgement.
pub fn pending() -> Vec<Delivery> {
    storage().and_then(|s| s.get_item(KEY).ok().flatten()).map(|t| Delivery::list_from_json(&t)).unwrap_or_default()
}

fn save(all: &[Delivery]) {
    if let Some(s) = storage() {
        let _ = if all.is_empty() { s.remove_item(KEY) } else { s.set_item(KEY, &Delivery::list_to_json(all)) };
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

/// Re-sends what an earlier page left behind, once per page load. An entry leaves the
/// outbox when the endpoint acknowledges or refuses it; otherwise it is tried at the
/// retry policy's pace while the page is open, and stays for the next load.
pub fn flush() {
    if FLUSHED.with(|f| f.replace(true)) {
        return;
    }
    for d in pending() {
        if !claim(&d.id) {
            continue;
        }
        let id = d.id.clone();
        let sender = Sender::start(d, move |report| match report {
            Report::Delivered(_) | Report::Refused(_) => {
                remove(&id);
                release(&id);
                RESENDING.with(|r| r.borrow_mut().retain(|s| s.delivery().id != id));
            }
            Report::Failing(_) => {}
        });
        RESENDING.with(|r| r.borrow_mut().push(sender));
    }
}
