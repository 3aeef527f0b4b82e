//! The shell of one mounted flow: applies the person's actions to the pure `Flow` and
//! keeps the outside world in step with it: the step's DOM event and focus (announced
//! from one place, when a change of the flow changes its step or the flow is shown), the
//! decision's outcome (outbox, sender, receipt), the modal's opening and closing, an
//! `abandoned` outcome when the person leaves undecided, and the settle callback.

use super::page::page_outbox;
use super::settle::{Settle, Settled, Settler};
use crate::core::config::Config;
use crate::core::delivery::Delivery;
use crate::core::events::{self, Closed, Delivered, FailureKind, StepShown};
use crate::core::flow::{Action, Flow, Step};
use crate::core::i18n::{is_rtl, Messages};
use crate::core::outcome::{uuid_v4, Context, Outcome};
use crate::ui::state::{DeliveryProblem, SharedFormats, Ui};
use crate::web::delivery::send_once;
use crate::web::outbox::Outbox;
use crate::web::sender::{Report, Sender};
use crate::web::{dialog, env, focus_trap};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::sync::Arc;
use web_sys::HtmlElement;

/// The browser side of one mounted flow.
pub struct Shell {
    /// The `<cancel-flow>` element (events are dispatched on it), if any.
    host: Option<HtmlElement>,
    /// Where the view lives (focus moves within it); the document when `None`.
    container: Option<HtmlElement>,
    config: Arc<Config>,
    /// Signals shared with the views.
    pub ui: Ui,
    opened_at: Cell<f64>,
    /// Whether the modal is on screen (an inline flow always is).
    shown: Cell<bool>,
    /// Whether the flow built at the mount was never shown: the first open shows it as
    /// it is, so the first step is built once, not again when the modal opens.
    fresh: Cell<bool>,
    sending: RefCell<Option<Rc<Sender>>>,
    /// The page's outbox, shared with every other flow on the page.
    outbox: &'static Outbox,
    settle: Settler,
}

impl Shell {
    /// Builds the shell and its signals (call inside the mount's reactive owner).
    pub fn new(
        host: Option<HtmlElement>,
        container: Option<HtmlElement>,
        config: Arc<Config>,
        msgs: Messages,
        fmt: SharedFormats,
        modal: bool,
        settle: Option<Settle>,
    ) -> Rc<Shell> {
        let dir = if is_rtl(&msgs.locale) { "rtl" } else { "ltr" };
        Rc::new_cyclic(|me: &Weak<Shell>| {
            let (w1, w2, w3) = (me.clone(), me.clone(), me.clone());
            let ui = Ui {
                config: config.clone(),
                flow: RwSignal::new(Flow::new(config.clone(), env::random_seed())),
                outcome: RwSignal::new(None),
                problem: RwSignal::new(None),
                // True from the mount on: the view is built for showing, so the first
                // open only shows the dialog (a re-open after a close turns it true
                // again, which builds the step anew).
                open: RwSignal::new(true),
                today: env::today,
                act: UnsyncCallback::new(move |a: Action| {
                    if let Some(s) = w1.upgrade() {
                        s.act(a)
                    }
                }),
                retry: UnsyncCallback::new(move |_: ()| {
                    if let Some(s) = w2.upgrade() {
                        s.retry()
                    }
                }),
                close: UnsyncCallback::new(move |_: ()| {
                    if let Some(s) = w3.upgrade() {
                        s.close()
                    }
                }),
                trap_tab: focus_trap::trap_tab,
                msgs: Arc::new(msgs),
                fmt,
                modal,
                dir,
            };
            Shell {
                host,
                container,
                config,
                ui,
                opened_at: Cell::new(env::now_ms()),
                shown: Cell::new(!modal),
                fresh: Cell::new(true),
                sending: RefCell::new(None),
                outbox: page_outbox(),
                settle: Settler::new(settle),
            }
        })
    }

    fn emit(&self, name: &str, detail_json: &str) {
        if let Some(h) = &self.host {
            crate::web::events::emit(h, name, detail_json);
        }
    }

    fn step(&self) -> Step {
        self.ui.flow.with_untracked(|f| f.step())
    }

    fn undecided(&self) -> bool {
        self.ui.flow.with_untracked(|f| f.decision().is_none())
    }

    /// Applies an action and syncs what changed.
    pub fn act(self: &Rc<Self>, action: Action) {
        let was_undecided = self.undecided();
        if self.change_flow(|f| f.apply(action)) != Some(true) {
            return;
        }
        if was_undecided && !self.undecided() {
            self.decided();
        }
    }

    /// Changes the flow (`None` once it went with the view) and announces its step if
    /// that changed. Every change of step goes through here, so each new step is
    /// announced once, in the task that made it, before the events that follow from it
    /// (`outcome`, `delivered`, `error`); `open` and `open_inline` announce the step a
    /// flow is shown on.
    fn change_flow<R>(&self, change: impl FnOnce(&mut Flow) -> R) -> Option<R> {
        let before = self.step();
        let result = self.ui.flow.try_update(change);
        if self.step() != before {
            self.announce_step(true);
        }
        result
    }

    /// Announces the step on screen: `cancel-flow:step`, and focus on its heading when
    /// `focus` (not when an inline flow starts: the page keeps its focus).
    fn announce_step(&self, focus: bool) {
        self.emit("step", &events::to_json(&StepShown { step: self.step() }));
        if focus {
            dialog::focus_heading(self.container.clone());
        }
    }

    fn outcome_now(&self) -> Outcome {
        let ctx = Context {
            id: uuid_v4(env::random_bytes()),
            created_at: env::now_iso(),
            today: env::today(),
            locale: self.ui.msgs.locale.clone(),
            elapsed_ms: (env::now_ms() - self.opened_at.get()).max(0.0) as u64,
        };
        self.ui.flow.with_untracked(|f| Outcome::of(f, &ctx))
    }

    /// The person decided: the outcome goes to the outbox first, then on its way.
    fn decided(self: &Rc<Self>) {
        let outcome = self.outcome_now();
        let d = Delivery::new(&self.config, &outcome.id, outcome.to_json());
        self.emit("outcome", &d.body);
        self.outbox.put(&d);
        self.outbox.claim(&d.id);
        self.ui.outcome.set(Some(Arc::new(outcome)));
        let me = Rc::downgrade(self);
        let sender = Sender::start(d, move |report| {
            if let Some(s) = me.upgrade() {
                s.reported(report);
            }
        });
        *self.sending.borrow_mut() = Some(sender);
    }

    fn reported(&self, report: Report) {
        let Some(d) = self.sending.borrow().as_ref().map(|s| s.delivery().clone()) else { return };
        match report {
            Report::Delivered(status) => {
                self.outbox.remove(&d.id);
                self.outbox.release(&d.id);
                self.ui.problem.set(None);
                self.change_flow(Flow::delivered);
                self.emit("delivered", &events::to_json(&Delivered { id: &d.id, status }));
                if let Some(o) = self.ui.outcome.get_untracked() {
                    self.settle.once(Settled::Outcome(&o));
                }
            }
            Report::Refused(status) => {
                // The endpoint will not take this one as it is; the person gets the
                // fallback, and `retry` puts it back in the outbox.
                self.outbox.remove(&d.id);
                self.failing(DeliveryProblem::Status(status));
            }
            Report::Failing(status) => {
                self.failing(status.map_or(DeliveryProblem::Unreachable, DeliveryProblem::Status))
            }
        }
    }

    /// Shows the error step (the sender keeps trying in the background).
    fn failing(&self, problem: DeliveryProblem) {
        let message = match &problem {
            DeliveryProblem::Status(s) => ["the endpoint answered ", &s.to_string()].concat(),
            DeliveryProblem::Unreachable => "the endpoint could not be reached".to_string(),
        };
        self.ui.problem.set(Some(problem));
        if self.step() == Step::Loading {
            self.change_flow(Flow::delivery_failed);
            let failed = events::Failed { kind: FailureKind::Delivery, message: &message };
            self.emit("error", &events::to_json(&failed));
            self.settle.once(Settled::Failed(failed));
        }
    }

    /// `[part=retry]`: try again now.
    pub fn retry(&self) {
        if self.step() != Step::Error {
            return;
        }
        self.change_flow(Flow::retry);
        if let Some(s) = self.sending.borrow().as_ref() {
            self.outbox.put(s.delivery());
            s.retry_now();
        }
    }

    /// Opens the modal (or re-opens it on the receipt).
    pub fn open(&self) {
        if self.shown.get() {
            return;
        }
        let fresh = self.fresh.replace(false);
        if self.undecided() {
            if !fresh {
                self.ui.flow.set(Flow::new(self.config.clone(), env::random_seed()));
            }
            self.opened_at.set(env::now_ms());
        }
        self.shown.set(true);
        if !self.ui.open.get_untracked() {
            self.ui.open.set(true);
        }
        dialog::show(self.container.as_ref());
        self.announce_step(true);
    }

    /// Starts an inline flow (already on screen).
    pub fn open_inline(&self) {
        self.opened_at.set(env::now_ms());
        self.announce_step(false);
    }

    /// Leaving undecided: an `abandoned` outcome, settled and sent best-effort (with
    /// `keepalive`, so it survives the page going away). Not kept in the outbox.
    fn abandon(&self) {
        let outcome = self.outcome_now();
        self.settle.once(Settled::Outcome(&outcome));
        let d = Delivery::new(&self.config, &outcome.id, outcome.to_json());
        wasm_bindgen_futures::spawn_local(async move {
            let _ = send_once(&d).await;
        });
    }

    /// The page is going away: an open, undecided flow counts as abandoned; a decided
    /// one stays in the outbox for the next load.
    pub fn page_hidden(&self) {
        if self.shown.get() && self.undecided() {
            self.abandon();
        }
    }

    /// Closes the modal; without a decision that is an `abandoned` outcome.
    pub fn close(&self) {
        if !self.shown.get() && self.ui.modal {
            return;
        }
        if self.undecided() {
            self.abandon();
        }
        if self.ui.modal {
            self.shown.set(false);
            self.ui.open.set(false);
            dialog::close(self.container.as_ref());
        }
        self.emit("close", &events::to_json(&Closed {}));
    }

    /// Stops background work (the outbox keeps anything undelivered for the next load).
    pub fn teardown(&self) {
        if let Some(s) = self.sending.borrow_mut().take() {
            s.stop();
            self.outbox.release(&s.delivery().id);
        }
    }
}
