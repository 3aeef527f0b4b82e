//! The controller: applies the person's actions to the pure `Flow`, and syncs the
//! outside world with it: DOM events, focus, the outcome's delivery, the outbox and the
//! JS API's promise. The views only send `Action`s; no business rule lives here either.

use crate::core::config::Config;
use crate::core::flow::{Action, Flow, Step};
use crate::core::i18n::Messages;
use crate::core::outcome::{uuid_v4, Context, Outcome};
use crate::web::delivery::{deliver, send_once, Delivery, Failure};
use crate::web::events::{emit, json_str};
use crate::web::intl::BrowserFormats;
use crate::web::{env, outbox};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::sync::Arc;
use web_sys::HtmlElement;

/// How long the person waits on `loading` before `error` shows (the outbox keeps going).
const FOREGROUND_BUDGET_MS: f64 = 30_000.0;
/// Pause between background attempts after the error step is shown.
const BACKGROUND_PAUSE_MS: u32 = 15_000;

/// Why the error step shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryProblem {
    /// No answer from the endpoint.
    Unreachable,
    /// An error status.
    Status(u16),
}

/// What the views need, cheap to clone and `Send` (signals and callbacks only).
#[derive(Clone)]
pub struct Ui {
    /// The config.
    pub config: Arc<Config>,
    /// The flow.
    pub flow: RwSignal<Flow>,
    /// The delivered (or being delivered) outcome, for the receipt.
    pub outcome: RwSignal<Option<Arc<Outcome>>>,
    /// The last delivery problem.
    pub problem: RwSignal<Option<DeliveryProblem>>,
    /// Whether the modal is open.
    pub open: RwSignal<bool>,
    /// Send an action.
    pub act: UnsyncCallback<Action>,
    /// `[part=retry]`.
    pub retry: UnsyncCallback<()>,
    /// `[part=close]` or Escape.
    pub close: UnsyncCallback<()>,
    /// Messages in the flow's locale.
    pub msgs: Arc<Messages>,
    /// `Intl` formats in the flow's locale.
    pub fmt: BrowserFormats,
    /// Modal (dialog) or inline (region).
    pub modal: bool,
    /// Text direction of the locale.
    pub dir: &'static str,
}

impl Ui {
    /// Messages and formats together.
    pub fn words(&self) -> crate::core::i18n::Words<'_, BrowserFormats> {
        crate::core::i18n::Words { msgs: &self.msgs, fmt: &self.fmt }
    }
}

/// The `<dialog>` inside `container`, if any.
pub fn dialog_in(container: &HtmlElement) -> Option<web_sys::HtmlDialogElement> {
    let d = container.query_selector("dialog").ok()??;
    wasm_bindgen::JsCast::dyn_into(d).ok()
}

/// The browser side of one mounted flow.
pub struct Shell {
    /// The `<cancel-flow>` element (events are dispatched on it), if any.
    pub host: Option<HtmlElement>,
    /// Where the view lives (focus moves within it); the document when `None`.
    pub container: Option<HtmlElement>,
    /// The config.
    pub config: Arc<Config>,
    /// Signals shared with the views.
    pub ui: Ui,
    opened_at: Cell<f64>,
    delivery: RefCell<Option<Delivery>>,
    retry_now: Cell<bool>,
    alive: Cell<bool>,
    settle: Option<Settle>,
    settled: Cell<bool>,
}

/// How a flow settled, for the JS API's promise or a Leptos app's callback.
pub enum Settled<'a> {
    /// Delivered (or abandoned): the payload.
    Outcome(&'a Outcome),
    /// Could not finish: `kind` is `config`, `delivery` or `load`.
    Failed { kind: &'a str, message: &'a str },
}

/// Called once when a flow settles.
pub type Settle = Rc<dyn Fn(Settled)>;

/// Calls the settle callback once.
pub fn settle_once(settle: &Option<Settle>, settled: &Cell<bool>, how: Settled) {
    if let Some(f) = settle {
        if !settled.replace(true) {
            f(how);
        }
    }
}

impl Shell {
    /// Builds the shell and its signals (call inside the mount's reactive owner).
    pub fn new(
        host: Option<HtmlElement>,
        container: Option<HtmlElement>,
        config: Arc<Config>,
        msgs: Messages,
        modal: bool,
        settle: Option<Settle>,
    ) -> Rc<Shell> {
        let locale = msgs.tag.clone();
        let dir = if crate::core::i18n::is_rtl(&msgs.locale) { "rtl" } else { "ltr" };
        Rc::new_cyclic(|me: &Weak<Shell>| {
            let (w1, w2, w3) = (me.clone(), me.clone(), me.clone());
            let ui = Ui {
                config: config.clone(),
                flow: RwSignal::new(Flow::new(config.clone(), env::random_seed())),
                outcome: RwSignal::new(None),
                problem: RwSignal::new(None),
                open: RwSignal::new(!modal),
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
                msgs: Arc::new(msgs),
                fmt: BrowserFormats { locale },
                modal,
                dir,
            };
            Shell {
                host,
                container,
                config,
                ui,
                opened_at: Cell::new(env::now_ms()),
                delivery: RefCell::new(None),
                retry_now: Cell::new(false),
                alive: Cell::new(true),
                settle,
                settled: Cell::new(false),
            }
        })
    }

    fn emit(&self, name: &str, detail_json: &str) {
        if let Some(h) = &self.host {
            emit(h, name, detail_json);
        }
    }

    fn step(&self) -> Step {
        self.ui.flow.with_untracked(|f| f.step())
    }

    /// Applies an action and syncs what changed.
    pub fn act(self: &Rc<Self>, action: Action) {
        let (before, was_decided) = self.ui.flow.with_untracked(|f| (f.step(), f.decision().is_some()));
        let changed = self.ui.flow.try_update(|f| f.apply(action)).unwrap_or(false);
        if !changed {
            return;
        }
        let (after, decided) = self.ui.flow.with_untracked(|f| (f.step(), f.decision().is_some()));
        if after != before {
            self.step_changed(after);
        }
        if decided && !was_decided {
            self.decided();
        }
    }

    fn step_changed(&self, step: Step) {
        self.emit("step", &format!("{{\"step\":\"{}\"}}", step.as_str()));
        // Move focus to the new step's heading so screen readers announce it.
        let container = self.container.clone();
        let focus = wasm_bindgen::closure::Closure::once_into_js(move || {
            let found = match &container {
                Some(c) => c.query_selector("[data-focus-heading]"),
                None => web_sys::window()
                    .and_then(|w| w.document())
                    .map_or(Ok(None), |d| d.query_selector("[data-focus-heading]")),
            };
            if let Ok(Some(el)) = found {
                if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<HtmlElement>(el) {
                    let _ = el.focus();
                }
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(wasm_bindgen::JsCast::unchecked_ref(&focus));
        }
    }

    fn context(&self) -> Context {
        Context {
            id: uuid_v4(env::random_bytes()),
            created_at: env::now_iso(),
            today: env::today(),
            locale: self.ui.msgs.locale.clone(),
            elapsed_ms: (env::now_ms() - self.opened_at.get()).max(0.0) as u64,
        }
    }

    fn delivery_for(&self, outcome: &Outcome) -> Delivery {
        let mut headers = self.config.headers.clone();
        if let Some(t) = &self.config.token {
            headers.push(("Authorization".into(), format!("Bearer {t}")));
        }
        Delivery { id: outcome.id.clone(), endpoint: self.config.endpoint.clone(), headers, body: outcome.to_json() }
    }

    fn decided(self: &Rc<Self>) {
        let outcome = self.ui.flow.with_untracked(|f| Outcome::of(f, &self.context()));
        let d = self.delivery_for(&outcome);
        self.emit("outcome", &d.body);
        outbox::put(&d);
        outbox::claim(&d.id);
        *self.delivery.borrow_mut() = Some(d);
        self.ui.outcome.set(Some(Arc::new(outcome)));
        let me = self.clone();
        wasm_bindgen_futures::spawn_local(async move { me.delivery_loop().await });
    }

    async fn delivery_loop(self: Rc<Self>) {
        let Some(d) = self.delivery.borrow().clone() else { return };
        let mut budget = FOREGROUND_BUDGET_MS;
        loop {
            let me = self.clone();
            let wanted = move || me.alive.get() && !me.retry_now.get();
            let result = deliver(&d, budget, &wanted).await;
            match result {
                Ok(status) => {
                    outbox::remove(&d.id);
                    outbox::release(&d.id);
                    self.ui.problem.set(None);
                    self.ui.flow.update(|f| f.delivered());
                    self.step_changed(Step::Done);
                    self.emit("delivered", &format!("{{\"id\":{},\"status\":{status}}}", json_str(&d.id)));
                    if let Some(o) = self.ui.outcome.get_untracked() {
                        settle_once(&self.settle, &self.settled, Settled::Outcome(&o));
                    }
                    return;
                }
                Err(failure) => {
                    let (problem, fatal) = match failure {
                        Failure::Refused(s) => (DeliveryProblem::Status(s), true),
                        Failure::GaveUp(Some(s)) => (DeliveryProblem::Status(s), false),
                        Failure::GaveUp(None) => (DeliveryProblem::Unreachable, false),
                    };
                    if fatal {
                        // The endpoint will never take this one; the person gets the fallback.
                        outbox::remove(&d.id);
                    }
                    if !self.alive.get() {
                        outbox::release(&d.id);
                        return;
                    }
                    if !self.retry_now.get() {
                        let message = match &problem {
                            DeliveryProblem::Status(s) => format!("the endpoint answered {s}"),
                            DeliveryProblem::Unreachable => "the endpoint could not be reached".to_string(),
                        };
                        self.ui.problem.set(Some(problem));
                        if self.step() == Step::Loading {
                            self.ui.flow.update(|f| f.delivery_failed());
                            self.step_changed(Step::Error);
                            let detail = format!("{{\"kind\":\"delivery\",\"message\":{}}}", json_str(&message));
                            self.emit("error", &detail);
                            settle_once(
                                &self.settle,
                                &self.settled,
                                Settled::Failed { kind: "delivery", message: &message },
                            );
                        }
                    }
                    // Wait for the retry button, or keep trying quietly in the background.
                    let mut waited = 0;
                    while !self.retry_now.get() && self.alive.get() && (fatal || waited < BACKGROUND_PAUSE_MS) {
                        gloo_timers::future::TimeoutFuture::new(250).await;
                        waited += 250;
                    }
                    if !self.alive.get() {
                        outbox::release(&d.id);
                        return;
                    }
                    if self.retry_now.replace(false) {
                        budget = FOREGROUND_BUDGET_MS;
                    } else {
                        budget = 1.0;
                    }
                    if fatal {
                        outbox::put(&d);
                    }
                }
            }
        }
    }

    /// `[part=retry]`: try again now.
    pub fn retry(&self) {
        if self.step() == Step::Error {
            self.retry_now.set(true);
            self.ui.flow.update(|f| f.retry());
            self.step_changed(Step::Loading);
        }
    }

    /// Opens the modal (or re-opens it on the receipt).
    pub fn open(&self) {
        if self.ui.open.get_untracked() {
            return;
        }
        let undecided = self.ui.flow.with_untracked(|f| f.decision().is_none());
        if undecided {
            self.ui.flow.set(Flow::new(self.config.clone(), env::random_seed()));
            self.opened_at.set(env::now_ms());
        }
        self.ui.open.set(true);
        // Show the dialog now, in the click's own task, so it paints in the next frame.
        if let Some(d) = self.container.as_ref().and_then(dialog_in) {
            if !d.open() {
                let _ = d.show_modal();
            }
        }
        self.step_changed(self.step());
    }

    /// Starts an inline flow (already on screen).
    pub fn open_inline(&self) {
        self.opened_at.set(env::now_ms());
        self.emit("step", &format!("{{\"step\":\"{}\"}}", self.step().as_str()));
    }

    /// The page is going away: an open, undecided flow counts as abandoned (sent with
    /// `keepalive`, best-effort); a decided one stays in the outbox.
    pub fn page_hidden(&self) {
        let open = self.ui.open.get_untracked();
        let undecided = self.ui.flow.with_untracked(|f| f.decision().is_none());
        if open && undecided {
            let outcome = self.ui.flow.with_untracked(|f| Outcome::of(f, &self.context()));
            let d = self.delivery_for(&outcome);
            wasm_bindgen_futures::spawn_local(async move {
                let _ = send_once(&d).await;
            });
        }
    }

    /// Closes the modal; without a decision that is an `abandoned` outcome, sent best-effort.
    pub fn close(&self) {
        if !self.ui.open.get_untracked() && self.ui.modal {
            return;
        }
        let undecided = self.ui.flow.with_untracked(|f| f.decision().is_none());
        if undecided {
            let outcome = self.ui.flow.with_untracked(|f| Outcome::of(f, &self.context()));
            let d = self.delivery_for(&outcome);
            settle_once(&self.settle, &self.settled, Settled::Outcome(&outcome));
            wasm_bindgen_futures::spawn_local(async move {
                let _ = send_once(&d).await;
            });
        }
        if self.ui.modal {
            self.ui.open.set(false);
            if let Some(d) = self.container.as_ref().and_then(dialog_in) {
                d.close();
            }
        }
        self.emit("close", "{}");
    }

    /// Stops background work (the outbox keeps anything undelivered for the next load).
    pub fn teardown(&self) {
        self.alive.set(false);
    }
}
