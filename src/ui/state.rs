//! What the views render and send: the flow and the outcome as signals, the person's
//! actions as callbacks, the config, the messages and formats. The app shell builds it
//! and provides it as context; the views hold no other state and no rules.

use crate::core::config::Config;
use crate::core::date::Ymd;
use crate::core::flow::{Action, Flow};
use crate::core::i18n::{Formats, Messages, Words};
use crate::core::outcome::Outcome;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use std::sync::Arc;

/// Why the error step shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryProblem {
    /// No answer from the endpoint.
    Unreachable,
    /// An error status.
    Status(u16),
}

/// Locale-aware formats the views can share across the reactive graph.
pub type SharedFormats = Arc<dyn Formats + Send + Sync>;

/// What the views need, cheap to clone (signals, callbacks and shared values).
#[derive(Clone)]
pub struct Ui {
    /// The config.
    pub config: Arc<Config>,
    /// The flow.
    pub flow: RwSignal<Flow>,
    /// The decided outcome, for the receipt.
    pub outcome: RwSignal<Option<Arc<Outcome>>>,
    /// The last delivery problem.
    pub problem: RwSignal<Option<DeliveryProblem>>,
    /// Whether the view is built for an open modal: true from the mount (the first open
    /// only shows the dialog), false after a close; turning true again rebuilds the step.
    /// The shell tracks whether the dialog is on screen.
    pub open: RwSignal<bool>,
    /// Today in the person's local calendar (the platform's clock, passed in).
    pub today: fn() -> Ymd,
    /// Send an action.
    pub act: UnsyncCallback<Action>,
    /// `[part=retry]`.
    pub retry: UnsyncCallback<()>,
    /// `[part=close]` or Escape.
    pub close: UnsyncCallback<()>,
    /// Keeps Tab inside the modal dialog (the key event heard on the dialog; true when
    /// focus was wrapped): the browser's focus trap, passed in.
    pub trap_tab: fn(&KeyboardEvent) -> bool,
    /// Messages in the flow's locale.
    pub msgs: Arc<Messages>,
    /// Formats in the flow's locale.
    pub fmt: SharedFormats,
    /// Modal (dialog) or inline (region).
    pub modal: bool,
    /// Text direction of the locale.
    pub dir: &'static str,
}

impl Ui {
    /// Messages and formats together.
    pub fn words(&self) -> Words<'_, dyn Formats + Send + Sync> {
        Words { msgs: &self.msgs, fmt: &*self.fmt }
    }
}
