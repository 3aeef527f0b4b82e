//! The outcome payload POSTed to the shop's endpoint (contract section 5): one typed
//! definition, written by the widget and read by the shop's collector with serde. It is
//! built purely from a decided flow plus the facts only the browser knows (id, clock,
//! locale), and holds typed values (spans, dates, enums) until it is written. Field
//! order is the contract's: serde writes fields in declaration order.

use super::config::{Config, DiscountAmount, Effective, OfferKind, Served};
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

/// What the person decided: an object whose `type` says which decision it is, with that
/// decision's fields, such as `{"type": "paused", "duration": {...}, "resume_on": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OutcomeResult {
    /// The person paused the subscription: deliveries and billing stop for `duration`
    /// and resume on `resume_on`.
    Paused {
        /// How long the pause lasts, one of the configured `offers.pause.options`.
        duration: Span,
        /// The first day deliveries and billing resume, in the person's local calendar
        /// (`YYYY-MM-DD`).
        resume_on: Ymd,
    },
    /// The person moved from their plan to a cheaper tier.
    Downgraded {
        /// The id of the plan they had (the config's `plan.id`).
        from: String,
        /// The id of the tier they chose (one of `offers.downgrade.tiers[].id`).
        to: String,
    },
    /// The person chose fewer deliveries: `count` deliveries per `per`, for example 20
    /// per 50 weeks.
    FrequencyReduced {
        /// Deliveries in the period, at least 1.
        #[cfg_attr(feature = "schema", schemars(range(min = 1)))]
        count: u32,
        /// The period the deliveries are counted in.
        per: Span,
    },
    /// The person took the discount: `percent_off`, or `amount_off_minor` with its
    /// `currency`, for `months` months.
    #[cfg_attr(
        feature = "schema",
        schemars(extend("oneOf" = [
            { "properties": { "percent_off": true }, "required": ["percent_off"] },
            { "properties": { "amount_off_minor": true, "currency": true }, "required": ["amount_off_minor", "currency"] }
        ]))
    )]
    DiscountAccepted {
        /// Percent off, 1 to 100; absent when the discount is an amount.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schema", schemars(with = "u32", range(min = 1, max = 100)))]
        percent_off: Option<u32>,
        /// Amount off per billing period in the currency's minor unit (cents); absent when
        /// the discount is a percentage.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schema", schemars(with = "u64", range(min = 1)))]
        amount_off_minor: Option<u64>,
        /// The ISO 4217 code of `amount_off_minor`, such as `EUR`; absent with `percent_off`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schema", schemars(with = "String", pattern(r"^[A-Z]{3}$")))]
        currency: Option<String>,
        /// For how many months the discount applies, 1 to 36.
        #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 36)))]
        months: u32,
    },
    /// The person followed one of the configured links (for example "Talk to a person").
    LinkFollowed {
        /// The link's id (one of `offers.links[].id`).
        link_id: String,
    },
    /// The person cancelled.
    Cancelled {
        /// When the cancellation takes effect: at the end of the paid period, or
        /// immediately.
        effective: Effective,
        /// The date it takes effect (`YYYY-MM-DD`): today for `immediately`, the config's
        /// `cancel.period_end` for `period_end`, or null when that is not configured.
        effective_on: Option<Ymd>,
    },
    /// The person closed the flow without deciding (sent best-effort).
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

/// Who cancelled: the config's `customer` (or the element's `customer-id` and
/// `subscription-id` attributes). The customer's email is never sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CustomerRef {
    /// The shop's customer id.
    pub id: String,
    /// The shop's subscription id; null when the config gives none.
    pub subscription_id: Option<String>,
}

/// The answer to the exit survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SurveyAnswer {
    /// The id of the chosen reason (a reason preset's name when the reason is a preset).
    pub reason_id: String,
    /// What the person typed in the comment box, trimmed; null when nothing was typed.
    pub comment: Option<String>,
    /// Stripe's `cancellation_details.feedback` value of the reason, ready to pass
    /// straight to Stripe (contract 1.1). Absent when the reason has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Feedback"))]
    pub feedback: Option<Feedback>,
}

/// An offer the person was shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OfferShown {
    /// The kind of offer.
    #[serde(rename = "type")]
    pub kind: OfferKind,
    /// Whether the person accepted it (at most one offer is accepted).
    pub accepted: bool,
}

/// The outcome of one cancel flow, POSTed as JSON to the config's `endpoint` with the
/// header `Idempotency-Key: <id>` (contract section 5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Outcome {
    /// The payload's schema: always `cancel-flow/outcome@1` (1.x payloads only add
    /// optional fields).
    #[cfg_attr(feature = "schema", schemars(extend("const" = OUTCOME_SCHEMA)))]
    pub schema: String,
    /// The outcome's id, a UUID v4. The same on every retry and sent as the
    /// `Idempotency-Key` header: store it and ignore a second POST with an id you have.
    #[cfg_attr(feature = "schema", schemars(extend("format" = "uuid")))]
    pub id: String,
    /// When the person decided: an RFC 3339 timestamp in UTC, such as
    /// `2026-11-25T10:04:12.345Z`.
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
    pub created_at: String,
    /// The config's `flow_id`.
    pub flow_id: String,
    /// True when the config set `"test": true`: keep it out of real numbers.
    pub test: bool,
    /// Who decided.
    pub customer: CustomerRef,
    /// The config's `plan.id`: the plan the person had.
    pub plan_id: String,
    /// The language the flow was shown in, such as `en` or `pt-BR`.
    pub locale: String,
    /// What the person decided.
    pub result: OutcomeResult,
    /// The answer to the exit survey; null when the survey was skipped or not configured.
    pub survey: Option<SurveyAnswer>,
    /// Every offer the person was shown, in the order shown.
    pub offers: Vec<OfferShown>,
    /// Whether the person opted in to hear about improvements (never pre-checked).
    pub keep_in_touch: bool,
    /// The steps the person went through, in order, ending with `done` when they decided.
    pub steps: Vec<Step>,
    /// Milliseconds from opening the flow to the decision.
    pub elapsed_ms: u64,
    /// The config's `served` block exactly as the config had it (contract 1.2): which
    /// version of a flow the collector served, and the experiment group. Absent when the
    /// config had none, so 1.0 and 1.1 outcomes are unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Served"))]
    pub served: Option<Served>,
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
                feedback: config.reason(r).and_then(|x| x.feedback),
            }),
            offers: flow.offer_record().into_iter().map(|(kind, accepted)| OfferShown { kind, accepted }).collect(),
            keep_in_touch: flow.keep_in_touch(),
            steps,
            elapsed_ms: ctx.elapsed_ms,
            served: config.served.clone(),
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
