//! The outcome payload POSTed to the shop's endpoint (contract section 5): one typed
//! definition, written by the widget and read by the shop's collector with serde. It is
//! built purely from a decided flow plus the facts only the browser knows (id, clock,
//! locale), and holds typed values (spans, dates, enums) until it is written. Field
//! order is the contract's: serde writes fields in declaration order.

use super::config::{Config, DiscountAmount, Effective, OfferKind};
use super::date::{Span, Ymd};
use super::flow::{Decision, Flow, Step};
use super::presets::Feedback;
use serde::{Deserialize, Serialize};

/// The payload schema.
pub const OUTCOME_SCHEMA: &str = "cancel-flow/outcome@1";

/// Facts from outside the pure core.
#[derive(Debug, Clone)]
pub struct Context {
    /// UUID v4, the same on every retry.
    pub id: String,
    /// RFC 3339 UTC timestamp.
    pub created_at: String,
    /// Today in the person's local calendar.
    pub today: Ymd,
    /// The locale the flow was shown in.
    pub locale: String,
    /// Milliseconds from opening the flow to the decision.
    pub elapsed_ms: u64,
}

/// The `result` object: `{"type": "paused", ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OutcomeResult {
    /// Paused until `resume_on`.
    Paused {
        /// How long.
        duration: Span,
        /// The first day deliveries and billing resume, in the local calendar.
        resume_on: Ymd,
    },
    /// Moved from the plan to a tier.
    Downgraded {
        /// The plan id.
        from: String,
        /// The tier id.
        to: String,
    },
    /// Fewer deliveries: `count` per `per`.
    FrequencyReduced {
        /// Deliveries in the period.
        count: u32,
        /// The period.
        per: Span,
    },
    /// Took a discount: a percentage, or an amount with its currency.
    DiscountAccepted {
        /// Percent off.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        percent_off: Option<u32>,
        /// Amount off in minor units.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount_off_minor: Option<u64>,
        /// The amount's currency.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        currency: Option<String>,
        /// For how many months.
        months: u32,
    },
    /// Followed a link.
    LinkFollowed {
        /// The link's id.
        link_id: String,
    },
    /// Cancelled.
    Cancelled {
        /// When it takes effect.
        effective: Effective,
        /// The date it takes effect; null when the period end is not configured.
        effective_on: Option<Ymd>,
    },
    /// Closed without deciding.
    Abandoned,
}

impl OutcomeResult {
    /// The wire name of the result (its `type`): `paused`, `downgraded`, …
    pub fn type_name(&self) -> &'static str {
        match self {
            OutcomeResult::Paused { .. } => "paused",
            OutcomeResult::Downgraded { .. } => "downgraded",
            OutcomeResult::FrequencyReduced { .. } => "frequency_reduced",
            OutcomeResult::DiscountAccepted { .. } => "discount_accepted",
            OutcomeResult::LinkFollowed { .. } => "link_followed",
            OutcomeResult::Cancelled { .. } => "cancelled",
            OutcomeResult::Abandoned => "abandoned",
        }
    }
}

/// `customer` on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRef {
    /// Customer id.
    pub id: String,
    /// Subscription id; null when not known.
    pub subscription_id: Option<String>,
}

/// `survey` on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyAnswer {
    /// The chosen reason.
    pub reason_id: String,
    /// The comment; null when none was typed.
    pub comment: Option<String>,
    /// Stripe's `cancellation_details.feedback` value of the reason (contract 1.1);
    /// absent when the reason has none, so a 1.0 payload stays byte-identical.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<Feedback>,
}

/// One entry of `offers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferShown {
    /// The offer type.
    #[serde(rename = "type")]
    pub kind: OfferKind,
    /// Whether it was the one accepted.
    pub accepted: bool,
}

/// The whole payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Always `cancel-flow/outcome@1`.
    pub schema: String,
    /// UUID v4.
    pub id: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// The config's flow id.
    pub flow_id: String,
    /// Test outcome.
    pub test: bool,
    /// Who.
    pub customer: CustomerRef,
    /// The plan they had.
    pub plan_id: String,
    /// Locale shown.
    pub locale: String,
    /// What was decided.
    pub result: OutcomeResult,
    /// The survey answer; null when skipped.
    pub survey: Option<SurveyAnswer>,
    /// Every offer shown, in order.
    pub offers: Vec<OfferShown>,
    /// The opt-in to hear about improvements.
    pub keep_in_touch: bool,
    /// The path taken.
    pub steps: Vec<Step>,
    /// Time to decide.
    pub elapsed_ms: u64,
}

/// The date a cancellation takes effect.
pub fn effective_on(config: &Config, effective: Effective, today: Ymd) -> Option<Ymd> {
    match effective {
        Effective::Immediately => Some(today),
        Effective::PeriodEnd => config.cancel.period_end,
    }
}

fn result_of(decision: &Decision, config: &Config, today: Ymd) -> OutcomeResult {
    match decision {
        Decision::Paused(span) => OutcomeResult::Paused { duration: *span, resume_on: today.add(*span) },
        Decision::Downgraded(to) => OutcomeResult::Downgraded { from: config.plan.id.clone(), to: to.clone() },
        Decision::FrequencyReduced(d) => OutcomeResult::FrequencyReduced { count: d.count, per: d.per },
        Decision::DiscountAccepted(amount, months) => {
            let (percent_off, amount_off_minor, currency) = match amount {
                DiscountAmount::Percent(p) => (Some(*p), None, None),
                DiscountAmount::Amount { amount_minor, currency } => {
                    (None, Some(*amount_minor), Some(currency.clone()))
                }
            };
            OutcomeResult::DiscountAccepted { percent_off, amount_off_minor, currency, months: *months }
        }
        Decision::LinkFollowed(id) => OutcomeResult::LinkFollowed { link_id: id.clone() },
        Decision::Cancelled(e) => {
            OutcomeResult::Cancelled { effective: *e, effective_on: effective_on(config, *e, today) }
        }
    }
}

impl Outcome {
    /// The outcome of a flow: its decision, or `abandoned` when none was made.
    pub fn of(flow: &Flow, ctx: &Context) -> Outcome {
        let config = flow.config();
        let result = match flow.decision() {
            Some(d) => result_of(d, config, ctx.today),
            None => OutcomeResult::Abandoned,
        };
        let mut steps: Vec<Step> =
            flow.path().iter().copied().filter(|s| !matches!(s, Step::Loading | Step::Error | Step::Done)).collect();
        if flow.decision().is_some() {
            steps.push(Step::Done);
        }
        let comment = flow.comment().trim();
        Outcome {
            schema: OUTCOME_SCHEMA.to_string(),
            id: ctx.id.clone(),
            created_at: ctx.created_at.clone(),
            flow_id: config.flow_id.clone(),
            test: config.test,
            customer: CustomerRef {
                id: config.customer.id.clone(),
                subscription_id: config.customer.subscription_id.clone(),
            },
            plan_id: config.plan.id.clone(),
            locale: ctx.locale.clone(),
            result,
            survey: flow.reason().map(|r| SurveyAnswer {
                reason_id: r.to_string(),
                comment: (!comment.is_empty()).then(|| comment.to_string()),
                feedback: config.survey.iter().flat_map(|s| &s.reasons).find(|x| x.id == r).and_then(|x| x.feedback),
            }),
            offers: flow.offer_record().into_iter().map(|(kind, accepted)| OfferShown { kind, accepted }).collect(),
            keep_in_touch: flow.keep_in_touch(),
            steps,
            elapsed_ms: ctx.elapsed_ms,
        }
    }

    /// The JSON body, fields in the contract's order.
    pub fn to_json(&self) -> String {
        // Serializing these types cannot fail: no maps with non-string keys, no floats.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Formats 16 random bytes as a UUID v4 string.
pub fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(36);
    for (i, x) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(HEX[(x >> 4) as usize] as char);
        s.push(HEX[(x & 15) as usize] as char);
    }
    s
}
