//! The outcome payload POSTed to the shop's endpoint (contract section 5), built purely
//! from a decided flow plus the facts only the browser knows (id, clock, locale).

use super::config::{Config, DiscountAmount, Effective, Span};
use super::date::Ymd;
use super::flow::{Decision, Flow, Step};
use super::json::{Map, Value};

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

/// `{unit, count}` on the wire.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanOut {
    /// `day`, `week`, `month` or `year`.
    pub unit: &'static str,
    /// How many.
    pub count: u32,
}

impl From<Span> for SpanOut {
    fn from(s: Span) -> Self {
        SpanOut { unit: s.unit.as_str(), count: s.count }
    }
}

/// The `result` object.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultOut {
    /// Paused until `resume_on`.
    Paused { duration: SpanOut, resume_on: String },
    /// Moved from the plan to a tier.
    Downgraded { from: String, to: String },
    /// Fewer deliveries.
    FrequencyReduced { count: u32, per: SpanOut },
    /// Took a discount.
    DiscountAccepted { percent_off: Option<u32>, amount_off_minor: Option<u64>, currency: Option<String>, months: u32 },
    /// Followed a link.
    LinkFollowed { link_id: String },
    /// Cancelled, effective on a date (null when the period end is not configured).
    Cancelled { effective: &'static str, effective_on: Option<String> },
    /// Closed without deciding.
    Abandoned,
}

/// `customer` on the wire.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerOut {
    /// Customer id.
    pub id: String,
    /// Subscription id, when known.
    pub subscription_id: Option<String>,
}

/// `survey` on the wire.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyOut {
    /// The chosen reason.
    pub reason_id: String,
    /// The comment, null when none was typed.
    pub comment: Option<String>,
}

/// One entry of `offers`.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferOut {
    /// The offer type (`pause`, `downgrade`, `frequency`, `discount`, `link`).
    pub kind: &'static str,
    /// Whether it was the one accepted.
    pub accepted: bool,
}

/// The whole payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Always `cancel-flow/outcome@1`.
    pub schema: &'static str,
    /// UUID v4.
    pub id: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// The config's flow id.
    pub flow_id: String,
    /// Test outcome.
    pub test: bool,
    /// Who.
    pub customer: CustomerOut,
    /// The plan they had.
    pub plan_id: String,
    /// Locale shown.
    pub locale: String,
    /// What was decided.
    pub result: ResultOut,
    /// The survey answer, null when skipped.
    pub survey: Option<SurveyOut>,
    /// Every offer shown, in order.
    pub offers: Vec<OfferOut>,
    /// The opt-in.
    pub keep_in_touch: bool,
    /// The path taken.
    pub steps: Vec<&'static str>,
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

fn result_of(decision: &Decision, config: &Config, today: Ymd) -> ResultOut {
    match decision {
        Decision::Paused(span) => {
            ResultOut::Paused { duration: (*span).into(), resume_on: today.add(*span).to_string() }
        }
        Decision::Downgraded(to) => ResultOut::Downgraded { from: config.plan.id.clone(), to: to.clone() },
        Decision::FrequencyReduced(d) => ResultOut::FrequencyReduced { count: d.count, per: d.per.into() },
        Decision::DiscountAccepted(amount, months) => match amount {
            DiscountAmount::Percent(p) => ResultOut::DiscountAccepted {
                percent_off: Some(*p),
                amount_off_minor: None,
                currency: None,
                months: *months,
            },
            DiscountAmount::Amount { amount_minor, currency } => ResultOut::DiscountAccepted {
                percent_off: None,
                amount_off_minor: Some(*amount_minor),
                currency: Some(currency.clone()),
                months: *months,
            },
        },
        Decision::LinkFollowed(id) => ResultOut::LinkFollowed { link_id: id.clone() },
        Decision::Cancelled(e) => ResultOut::Cancelled {
            effective: e.as_str(),
            effective_on: effective_on(config, *e, today).map(|d| d.to_string()),
        },
    }
}

impl Outcome {
    /// The outcome of a flow: its decision, or `abandoned` when none was made.
    pub fn of(flow: &Flow, ctx: &Context) -> Outcome {
        let config = flow.config();
        let result = match flow.decision() {
            Some(d) => result_of(d, config, ctx.today),
            None => ResultOut::Abandoned,
        };
        let mut steps: Vec<&'static str> = flow
            .path()
            .iter()
            .filter(|s| !matches!(s, Step::Loading | Step::Error | Step::Done))
            .map(|s| s.as_str())
            .collect();
        if flow.decision().is_some() {
            steps.push(Step::Done.as_str());
        }
        let comment = flow.comment().trim();
        Outcome {
            schema: OUTCOME_SCHEMA,
            id: ctx.id.clone(),
            created_at: ctx.created_at.clone(),
            flow_id: config.flow_id.clone(),
            test: config.test,
            customer: CustomerOut {
                id: config.customer.id.clone(),
                subscription_id: config.customer.subscription_id.clone(),
            },
            plan_id: config.plan.id.clone(),
            locale: ctx.locale.clone(),
            result,
            survey: flow.reason().map(|r| SurveyOut {
                reason_id: r.to_string(),
                comment: (!comment.is_empty()).then(|| comment.to_string()),
            }),
            offers: flow
                .offer_record()
                .into_iter()
                .map(|(k, accepted)| OfferOut { kind: k.as_str(), accepted })
                .collect(),
            keep_in_touch: flow.keep_in_touch(),
            steps,
            elapsed_ms: ctx.elapsed_ms,
        }
    }

    /// The JSON body, fields in the contract's order.
    pub fn to_json(&self) -> String {
        let span = |s: &SpanOut| Value::object([("unit", s.unit.into()), ("count", num(s.count))]);
        let kind = |t: &str| ("type", Value::from(t));
        let result = match &self.result {
            ResultOut::Paused { duration, resume_on } => {
                Value::object([kind("paused"), ("duration", span(duration)), ("resume_on", resume_on.as_str().into())])
            }
            ResultOut::Downgraded { from, to } => {
                Value::object([kind("downgraded"), ("from", from.as_str().into()), ("to", to.as_str().into())])
            }
            ResultOut::FrequencyReduced { count, per } => {
                Value::object([kind("frequency_reduced"), ("count", num(*count)), ("per", span(per))])
            }
            ResultOut::DiscountAccepted { percent_off, amount_off_minor, currency, months } => {
                let mut m = Map::default();
                m.insert("type", "discount_accepted".into());
                if let Some(p) = percent_off {
                    m.insert("percent_off", num(*p));
                }
                if let Some(a) = amount_off_minor {
                    m.insert("amount_off_minor", (*a).into());
                }
                if let Some(c) = currency {
                    m.insert("currency", c.as_str().into());
                }
                m.insert("months", num(*months));
                Value::Object(m)
            }
            ResultOut::LinkFollowed { link_id } => {
                Value::object([kind("link_followed"), ("link_id", link_id.as_str().into())])
            }
            ResultOut::Cancelled { effective, effective_on } => Value::object([
                kind("cancelled"),
                ("effective", (*effective).into()),
                ("effective_on", effective_on.as_deref().into()),
            ]),
            ResultOut::Abandoned => Value::object([kind("abandoned")]),
        };
        let survey = self.survey.as_ref().map(|s| {
            Value::object([("reason_id", s.reason_id.as_str().into()), ("comment", s.comment.as_deref().into())])
        });
        let offers =
            self.offers.iter().map(|o| Value::object([("type", o.kind.into()), ("accepted", o.accepted.into())]));
        Value::object([
            ("schema", self.schema.into()),
            ("id", self.id.as_str().into()),
            ("created_at", self.created_at.as_str().into()),
            ("flow_id", self.flow_id.as_str().into()),
            ("test", self.test.into()),
            (
                "customer",
                Value::object([
                    ("id", self.customer.id.as_str().into()),
                    ("subscription_id", self.customer.subscription_id.as_deref().into()),
                ]),
            ),
            ("plan_id", self.plan_id.as_str().into()),
            ("locale", self.locale.as_str().into()),
            ("result", result),
            ("survey", survey.into()),
            ("offers", Value::Array(offers.collect())),
            ("keep_in_touch", self.keep_in_touch.into()),
            ("steps", Value::Array(self.steps.iter().map(|&s| s.into()).collect())),
            ("elapsed_ms", self.elapsed_ms.into()),
        ])
        .to_json()
    }
}

fn num(n: u32) -> Value {
    Value::from(n as u64)
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
