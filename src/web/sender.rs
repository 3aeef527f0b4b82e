//! Sends one delivery until the endpoint acknowledges or refuses it, pacing the tries by
//! `core::retry` with a timer (no polling loop). The first send of a decision and the
//! outbox's re-sends both go through here; each turn is reported to the owner, who
//! keeps the `Sender` alive for as long as it wants it to go on.

use crate::core::delivery::Delivery;
use crate::core::retry::{Answer, Next, Retry};
use crate::web::delivery::{send_once, Reply};
use crate::web::env;
use gloo_timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// What happened to a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// Acknowledged with this 2xx status; nothing more will be sent.
    Delivered(u16),
    /// Refused with a 4xx that retrying will not fix; nothing more is sent until
    /// `retry_now`.
    Refused(u16),
    /// Still failing after the foreground budget (once per start or `retry_now`): the
    /// last status, if any answer came. Tries go on in the background.
    Failing(Option<u16>),
}

/// One delivery on its way.
pub struct Sender {
    delivery: Delivery,
    policy: RefCell<Retry>,
    timer: RefCell<Option<Timeout>>,
    in_flight: Cell<bool>,
    stopped: Cell<bool>,
    report: Box<dyn Fn(Report)>,
}

impl Sender {
    /// Starts sending now.
    pub fn start(delivery: Delivery, report: impl Fn(Report) + 'static) -> Rc<Sender> {
        let sender = Rc::new(Sender {
            delivery,
            policy: RefCell::new(Retry::start(env::now_ms() as u64)),
            timer: RefCell::new(None),
            in_flight: Cell::new(false),
            stopped: Cell::new(false),
            report: Box::new(report),
        });
        sender.attempt();
        sender
    }

    /// The delivery being sent.
    pub fn delivery(&self) -> &Delivery {
        &self.delivery
    }

    fn attempt(self: &Rc<Self>) {
        if self.stopped.get() || self.in_flight.replace(true) {
            return;
        }
        let me = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let reply = send_once(&me.delivery).await;
            me.in_flight.set(false);
            if !me.stopped.get() {
                me.answered(reply);
            }
        });
    }

    fn answered(self: &Rc<Self>, reply: Reply) {
        let answer = match reply.status {
            Some(status) => Answer::Status { status, retry_after: reply.retry_after.as_deref() },
            None => Answer::NoAnswer,
        };
        let next = self.policy.borrow_mut().next(answer, env::now_ms() as u64, js_sys::Math::random());
        match next {
            Next::Delivered(status) => {
                self.stop();
                (self.report)(Report::Delivered(status));
            }
            Next::Refused(status) => (self.report)(Report::Refused(status)),
            Next::RetryIn { wait_ms, last_status, show_error } => {
                // The timer holds a weak reference: a sender its owner dropped goes quiet.
                let me = Rc::downgrade(self);
                *self.timer.borrow_mut() = Some(Timeout::new(wait_ms, move || {
                    if let Some(s) = me.upgrade() {
                        s.attempt();
                    }
                }));
                if show_error {
                    (self.report)(Report::Failing(last_status));
                }
            }
        }
    }

    /// The person asked to try again: a fresh foreground budget and a try now (unless
    /// one is already on its way, whose answer then counts).
    pub fn retry_now(self: &Rc<Self>) {
        self.timer.take();
        self.policy.borrow_mut().restart(env::now_ms() as u64);
        self.attempt();
    }

    /// Sends nothing more.
    pub fn stop(&self) {
        self.stopped.set(true);
        self.timer.take();
    }
}
