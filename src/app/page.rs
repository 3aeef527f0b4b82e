//! What every flow on the page shares: the outbox. The wasm instance is one per page and
//! serves every `<cancel-flow>` element on it, so the page's `Outbox` is made once, at
//! its first use, and lives as long as the page: a re-send never doubles another flow's
//! send, and what earlier pages left is re-sent once.

use crate::web::outbox::Outbox;

thread_local! {
    static PAGE_OUTBOX: &'static Outbox = Box::leak(Box::default());
}

/// The page's outbox.
pub fn page_outbox() -> &'static Outbox {
    PAGE_OUTBOX.with(|o| *o)
}
