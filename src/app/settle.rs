//! How a flow settles, once: with its outcome (delivered, or abandoned) or with a
//! failure. The JS API's promise and a Leptos app's `on_outcome` both hang off this.

use crate::core::events::Failed;
use crate::core::outcome::Outcome;
use std::cell::Cell;
use std::rc::Rc;

/// How a flow settled.
pub enum Settled<'a> {
    /// Delivered (or abandoned): the payload.
    Outcome(&'a Outcome),
    /// Could not finish.
    Failed(Failed<'a>),
}

/// Called once when a flow settles.
pub type Settle = Rc<dyn Fn(Settled)>;

/// A settle callback that runs at most once.
pub struct Settler {
    callback: Option<Settle>,
    settled: Cell<bool>,
}

impl Settler {
    /// Wraps an optional callback.
    pub fn new(callback: Option<Settle>) -> Settler {
        Settler { callback, settled: Cell::new(false) }
    }

    /// Settles, unless already settled.
    pub fn once(&self, how: Settled) {
        if let Some(f) = &self.callback {
            if !self.settled.replace(true) {
                f(how);
            }
        }
    }
}
