//! The outbox: every decided outcome is written to `localStorage` before it is sent and
//! removed once the endpoint acknowledges (or definitively refuses) it, so a reload, a
//! closed tab or a crash never loses it. The next widget load on the origin re-sends
//! what is left, with the same id, through the same `Sender` as a first send. Storage
//! that is unavailable (blocked, sandboxed, full) degrades to sending without a copy.
//! An `Outbox` value owns what one page does with it (the ids it is sending, the
//! re-sends, whether it flushed); the app makes one per page and shares it.

use crate::core::delivery::Delivery;
use crate::web::sender::{Report, Sender};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

const KEY: &str = "cancel-flow:outbox:v1";

/// One page's use of the origin's outbox.
#[derive(Default)]
pub struct Outbox {
    /// Ids being sent by this page right now, so a flush never doubles a live send.
    in_flight: RefCell<Vec<String>>,
    /// Re-sends of earlier pages' entries, kept alive until they finish.
    resending: RefCell<Vec<Rc<Sender>>>,
    /// Whether this page re-sent what earlier pages left (it does so once).
    flushed: Cell<bool>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn save(all: &[Delivery]) {
    if let Some(s) = storage() {
        let _ = if all.is_empty() { s.remove_item(KEY) } else { s.set_item(KEY, &Delivery::list_to_json(all)) };
    }
}

impl Outbox {
    /// Everything waiting for an acknowledgement.
    pub fn pending(&self) -> Vec<Delivery> {
        storage().and_then(|s| s.get_item(KEY).ok().flatten()).map(|t| Delivery::list_from_json(&t)).unwrap_or_default()
    }

    /// Keeps a delivery until it is acknowledged.
    pub fn put(&self, d: &Delivery) {
        let mut all = self.pending();
        if !all.iter().any(|x| x.id == d.id) {
            all.push(d.clone());
            save(&all);
        }
    }

    /// Forgets a delivery.
    pub fn remove(&self, id: &str) {
        let mut all = self.pending();
        let before = all.len();
        all.retain(|x| x.id != id);
        if all.len() != before {
            save(&all);
        }
    }

    /// Marks an id as being sent by this page (returns false if it already was).
    pub fn claim(&self, id: &str) -> bool {
        let mut in_flight = self.in_flight.borrow_mut();
        let new = !in_flight.iter().any(|x| x == id);
        if new {
            in_flight.push(id.to_string());
        }
        new
    }

    /// Releases a claim.
    pub fn release(&self, id: &str) {
        self.in_flight.borrow_mut().retain(|x| x != id);
    }

    /// Re-sends what an earlier page left behind, once per page load. An entry leaves
    /// the outbox when the endpoint acknowledges or refuses it; otherwise it is tried at
    /// the retry policy's pace while the page is open, and stays for the next load.
    /// The outbox outlives the re-sends (`'static`): each reports back to it.
    pub fn flush(&'static self) {
        if self.flushed.replace(true) {
            return;
        }
        for d in self.pending() {
            if !self.claim(&d.id) {
                continue;
            }
            let id = d.id.clone();
            let sender = Sender::start(d, move |report| match report {
                Report::Delivered(_) | Report::Refused(_) => {
                    self.remove(&id);
                    self.release(&id);
                    self.resending.borrow_mut().retain(|s| s.delivery().id != id);
                }
                Report::Failing(_) => {}
            });
            self.resending.borrow_mut().push(sender);
        }
    }
}
