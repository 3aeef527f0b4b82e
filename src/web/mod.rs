//! Browser adapters, each a thin wrapper over one browser API: HTTP (`delivery`), the
//! retry-paced sender, the `localStorage` outbox, DOM events, the modal dialog and
//! focus, the dialog's focus trap, `Intl` formats, and the clock, randomness and page
//! languages (`env`). They import only `core`.

pub mod delivery;
pub mod dialog;
pub mod env;
pub mod events;
pub mod focus_trap;
pub mod intl;
pub mod outbox;
pub mod sender;
