//! The flow state machine (contract section 4): which step is shown, what the person has
//! chosen, and the honesty rules as invariants no config can switch off:
//! cancel is reachable in at most two clicks from every step, nothing is decided without
//! an explicit accept/confirm/link click, nothing is pre-checked, and a decision is made
//! at most once.

use super::config::{Config, Deliveries, DiscountAmount, Effective, FlowKind, OfferKind, Span};
use std::sync::Arc;

/// A step, as shown in `[part=dialog]`'s `data-step` and listed in the outcome's `steps`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Waiting: the outcome is being delivered.
    Loading,
    /// The exit survey.
    Survey,
    /// Offers matched to the reason.
    Offers,
    /// Confirm the cancellation.
    Confirm,
    /// The receipt.
    Done,
    /// Delivery failed.
    Error,
}

impl Step {
    /// The `data-step` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Loading => "loading",
            Step::Survey => "survey",
            Step::Offers => "offers",
            Step::Confirm => "confirm",
            Step::Done => "done",
            Step::Error => "error",
        }
    }
}

/// What the person decided: the `result` of the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Paused for a span.
    Paused(Span),
    /// Moved to a cheaper tier (tier id).
    Downgraded(String),
    /// Fewer deliveries.
    FrequencyReduced(Deliveries),
    /// Took the discount.
    DiscountAccepted(DiscountAmount, u32),
    /// Followed a link (link id).
    LinkFollowed(String),
    /// Cancelled.
    Cancelled(Effective),
}

impl Decision {
    /// The offer this decision accepted, if any.
    pub fn accepted_offer(&self) -> Option<OfferKind> {
        match self {
            Decision::Paused(_) => Some(OfferKind::Pause),
            Decision::Downgraded(_) => Some(OfferKind::Downgrade),
            Decision::FrequencyReduced(_) => Some(OfferKind::Frequency),
            Decision::DiscountAccepted(..) => Some(OfferKind::Discount),
            Decision::LinkFollowed(_) => Some(OfferKind::Link),
            Decision::Cancelled(_) => None,
        }
    }
}

/// Something the person did (a click, a key, typing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Picked a survey reason.
    ChooseReason(String),
    /// Typed in the comment box.
    SetComment(String),
    /// Continue from the survey.
    Next,
    /// Skip the survey.
    Skip,
    /// `[part=cancel]`: straight to confirm.
    Cancel,
    /// `[part=back]`.
    Back,
    /// Picked an option inside an offer (its `data-value`).
    ChooseOption(OfferKind, String),
    /// `[part=accept]` of an offer.
    Accept(OfferKind),
    /// `[part=decline]` of an offer.
    Decline(OfferKind),
    /// Clicked a link offer (link id).
    FollowLink(String),
    /// Picked when the cancellation takes effect.
    ChooseEffective(Effective),
    /// Ticked or unticked the keep-in-touch box.
    SetKeepInTouch(bool),
    /// `[part=confirm]`.
    Confirm,
}

/// The state of one person's flow.
#[derive(Debug, Clone)]
pub struct Flow {
    config: Arc<Config>,
    step: Step,
    path: Vec<Step>,
    reason_order: Vec<usize>,
    reason: Option<String>,
    comment: String,
    shown: Vec<OfferKind>,
    declined: Vec<OfferKind>,
    options: Vec<(OfferKind, String)>,
    hint: Option<OfferKind>,
    effective: Effective,
    keep_in_touch: bool,
    decision: Option<Decision>,
}

/// Reason indices in display order: shuffled by `seed` when the survey says so,
/// pinned reasons last in config order.
pub fn reason_order(config: &Config, seed: u64) -> Vec<usize> {
    let Some(s) = &config.survey else { return Vec::new() };
    let (mut free, pinned): (Vec<usize>, Vec<usize>) = (0..s.reasons.len()).partition(|&i| !s.reasons[i].pinned);
    if s.randomize {
        // Fisher-Yates with a small xorshift; the seed comes from the browser.
        let mut x = seed | 1;
        for i in (1..free.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            free.swap(i, (x % (i as u64 + 1)) as usize);
        }
    }
    free.extend(pinned);
    free
}

impl Flow {
    /// A fresh flow; `seed` shuffles the reasons when `survey.randomize` is set.
    pub fn new(config: Arc<Config>, seed: u64) -> Self {
        let start = match (config.flow, &config.survey) {
            (FlowKind::Direct, _) => Step::Confirm,
            (FlowKind::Guided, Some(_)) => Step::Survey,
            (FlowKind::Guided, None) if config.offers_for(None).is_empty() => Step::Confirm,
            (FlowKind::Guided, None) => Step::Offers,
        };
        let shown = match start {
            Step::Offers => config.offers_for(None),
            Step::Confirm if config.flow == FlowKind::Direct => config.offers_for(None),
            _ => Vec::new(),
        };
        Flow {
            reason_order: reason_order(&config, seed),
            effective: config.cancel.effective[0],
            config,
            step: start,
            path: vec![start],
            reason: None,
            comment: String::new(),
            shown,
            declined: Vec::new(),
            options: Vec::new(),
            hint: None,
            keep_in_touch: false,
            decision: None,
        }
    }

    /// The config.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// The step on screen.
    pub fn step(&self) -> Step {
        self.step
    }
    /// The steps shown so far, in order (revisits included).
    pub fn path(&self) -> &[Step] {
        &self.path
    }
    /// Reason indices in display order.
    pub fn reason_order(&self) -> &[usize] {
        &self.reason_order
    }
    /// The chosen reason id.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }
    /// The comment typed so far.
    pub fn comment(&self) -> &str {
        &self.comment
    }
    /// Offers shown on the offers step (or as secondary choices in the direct flow), in order.
    pub fn shown_offers(&self) -> &[OfferKind] {
        &self.shown
    }
    /// Offers still open (shown and not declined).
    pub fn open_offers(&self) -> Vec<OfferKind> {
        self.shown.iter().copied().filter(|k| !self.declined.contains(k)).collect()
    }
    /// Whether an offer was declined.
    pub fn is_declined(&self, kind: OfferKind) -> bool {
        self.declined.contains(&kind)
    }
    /// The chosen option of an offer.
    pub fn option(&self, kind: OfferKind) -> Option<&str> {
        self.options.iter().find(|(k, _)| *k == kind).map(|(_, v)| v.as_str())
    }
    /// The offer whose accept was pressed without choosing an option (to show a hint).
    pub fn hint(&self) -> Option<OfferKind> {
        self.hint
    }
    /// When the cancellation would take effect.
    pub fn effective(&self) -> Effective {
        self.effective
    }
    /// Whether the keep-in-touch box is ticked.
    pub fn keep_in_touch(&self) -> bool {
        self.keep_in_touch
    }
    /// The decision, once made.
    pub fn decision(&self) -> Option<&Decision> {
        self.decision.as_ref()
    }
    /// Whether a step before confirm can still be left with `[part=cancel]`.
    pub fn shows_cancel(&self) -> bool {
        self.decision.is_none() && matches!(self.step, Step::Survey | Step::Offers)
    }
    /// Whether `[part=back]` does something.
    pub fn can_go_back(&self) -> bool {
        self.decision.is_none() && self.previous().is_some()
    }

    fn previous(&self) -> Option<Step> {
        match self.step {
            Step::Offers if self.config.survey.is_some() => Some(Step::Survey),
            Step::Confirm if self.config.flow == FlowKind::Guided => {
                self.path.iter().rev().skip(1).find(|s| matches!(s, Step::Survey | Step::Offers)).copied()
            }
            _ => None,
        }
    }

    fn go(&mut self, step: Step) {
        self.step = step;
        self.hint = None;
        self.path.push(step);
    }

    /// The value of the single option of an offer that has only one, if so.
    fn only_option(&self, kind: OfferKind) -> Option<String> {
        let o = &self.config.offers;
        match kind {
            OfferKind::Pause => o.pause.as_ref().filter(|v| v.len() == 1).map(|v| v[0].value()),
            OfferKind::Downgrade => o.downgrade.as_ref().filter(|v| v.len() == 1).map(|v| v[0].id.clone()),
            OfferKind::Frequency => o.frequency.as_ref().filter(|v| v.len() == 1).map(|v| v[0].value()),
            OfferKind::Discount => Some(String::new()),
            OfferKind::Link => None,
        }
    }

    fn decide_offer(&self, kind: OfferKind) -> Option<Decision> {
        let chosen = self.option(kind).map(str::to_string).or_else(|| self.only_option(kind))?;
        let o = &self.config.offers;
        match kind {
            OfferKind::Pause => o.pause.as_ref()?.iter().find(|s| s.value() == chosen).map(|s| Decision::Paused(*s)),
            OfferKind::Downgrade => {
                o.downgrade.as_ref()?.iter().find(|t| t.id == chosen).map(|t| Decision::Downgraded(t.id.clone()))
            }
            OfferKind::Frequency => {
                o.frequency.as_ref()?.iter().find(|d| d.value() == chosen).map(|d| Decision::FrequencyReduced(*d))
            }
            OfferKind::Discount => o.discount.as_ref().map(|d| Decision::DiscountAccepted(d.amount.clone(), d.months)),
            OfferKind::Link => None,
        }
    }

    fn offers_visible(&self) -> bool {
        self.step == Step::Offers || (self.step == Step::Confirm && self.config.flow == FlowKind::Direct)
    }

    /// Applies what the person did. Returns whether anything changed. A decision, once
    /// made, is final: later actions are ignored (a double click decides once).
    pub fn apply(&mut self, action: Action) -> bool {
        if self.decision.is_some() {
            return false;
        }
        let direct_confirm = self.step == Step::Confirm && self.config.flow == FlowKind::Direct;
        match action {
            Action::ChooseReason(id) if self.step == Step::Survey || direct_confirm => {
                if self.config.reason(&id).is_none() || self.reason.as_deref() == Some(id.as_str()) {
                    return false;
                }
                self.reason = Some(id);
                true
            }
            Action::SetComment(text) if self.step == Step::Survey || direct_confirm => {
                self.comment = text.chars().take(2000).collect();
                true
            }
            Action::Next | Action::Skip if self.step == Step::Survey => {
                if action == Action::Skip {
                    self.reason = None;
                    self.comment.clear();
                }
                self.shown = self.config.offers_for(self.reason.as_deref());
                self.declined.clear();
                self.go(if self.shown.is_empty() { Step::Confirm } else { Step::Offers });
                true
            }
            Action::Cancel if matches!(self.step, Step::Survey | Step::Offers) => {
                self.go(Step::Confirm);
                true
            }
            Action::Back => match self.previous() {
                Some(prev) => {
                    self.go(prev);
                    true
                }
                None => false,
            },
            Action::ChooseOption(kind, value) if self.offers_visible() && self.shown.contains(&kind) => {
                self.options.retain(|(k, _)| *k != kind);
                self.options.push((kind, value));
                if self.hint == Some(kind) {
                    self.hint = None;
                }
                true
            }
            Action::Accept(kind) if self.offers_visible() && self.shown.contains(&kind) && kind != OfferKind::Link => {
                match self.decide_offer(kind) {
                    Some(d) => {
                        self.decision = Some(d);
                        self.go(Step::Loading);
                    }
                    None => self.hint = Some(kind),
                }
                true
            }
            Action::FollowLink(id) if self.offers_visible() && self.shown.contains(&OfferKind::Link) => {
                let known = self.config.offers.links.iter().flatten().any(|l| l.id == id);
                if !known {
                    return false;
                }
                self.decision = Some(Decision::LinkFollowed(id));
                self.go(Step::Loading);
                true
            }
            Action::Decline(kind) if self.step == Step::Offers && self.shown.contains(&kind) => {
                if !self.declined.contains(&kind) {
                    self.declined.push(kind);
                }
                if self.open_offers().is_empty() {
                    self.go(Step::Confirm);
                }
                true
            }
            Action::Decline(kind) if direct_confirm && self.shown.contains(&kind) => {
                if !self.declined.contains(&kind) {
                    self.declined.push(kind);
                }
                true
            }
            Action::ChooseEffective(e) if self.step == Step::Confirm && self.config.cancel.effective.contains(&e) => {
                self.effective = e;
                true
            }
            Action::SetKeepInTouch(on) if self.step == Step::Confirm && self.config.keep_in_touch => {
                self.keep_in_touch = on;
                true
            }
            Action::Confirm if self.step == Step::Confirm => {
                self.decision = Some(Decision::Cancelled(self.effective));
                self.go(Step::Loading);
                true
            }
            _ => false,
        }
    }

    /// The endpoint acknowledged the outcome: show the receipt.
    pub fn delivered(&mut self) {
        if self.decision.is_some() && self.step != Step::Done {
            self.go(Step::Done);
        }
    }

    /// Delivery gave up for now: show the error step.
    pub fn delivery_failed(&mut self) {
        if self.decision.is_some() && self.step == Step::Loading {
            self.step = Step::Error;
        }
    }

    /// `[part=retry]`: back to waiting.
    pub fn retry(&mut self) {
        if self.step == Step::Error {
            self.step = Step::Loading;
        }
    }

    /// The offers as recorded in the outcome: every offer shown, in order, with whether
    /// it was the one accepted.
    pub fn offer_record(&self) -> Vec<(OfferKind, bool)> {
        let accepted = self.decision.as_ref().and_then(Decision::accepted_offer);
        self.shown.iter().map(|k| (*k, Some(*k) == accepted)).collect()
    }
}
