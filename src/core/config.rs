//! The validated config of one cancel flow (contract section 3). Every field here has
//! already passed validation in `config_parse`; the rest of the crate never re-checks.

use super::date::Ymd;
pub use super::date::{Span, Unit};
pub use super::presets::Feedback;

/// The only config schema major version this build understands.
pub const CONFIG_SCHEMA: &str = "cancel-flow/config@1";

/// A label-like text: one string, or one per locale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// The same text in every locale.
    Plain(String),
    /// Locale tag → text, in config order.
    PerLocale(Vec<(String, String)>),
    /// A built-in message by catalog key (a reason preset's label): shown in every
    /// built-in language, and a shop may override it through `texts`.
    Message(&'static str),
}

impl Text {
    /// The text for `locale`: exact tag, then its language, then English, then the first.
    pub fn get(&self, locale: &str) -> &str {
        match self {
            Text::Plain(s) => s,
            Text::Message(key) => super::catalog::english(key),
            Text::PerLocale(map) => {
                let lang = locale.split(['-', '_']).next().unwrap_or(locale);
                let find = |want: &str| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(want));
                find(locale)
                    .or_else(|| find(lang))
                    .or_else(|| map.iter().find(|(k, _)| k.split(['-', '_']).next() == Some(lang)))
                    .or_else(|| find("en"))
                    .or_else(|| map.first())
                    .map(|(_, v)| v.as_str())
                    .unwrap_or("")
            }
        }
    }
}

/// A price per period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Price {
    /// Amount in the currency's minor unit (cents).
    pub amount_minor: u64,
    /// ISO 4217 code, upper case.
    pub currency: String,
    /// The billing period, e.g. 1 week.
    pub per: Span,
}

/// How many deliveries in a period, e.g. 20 per 50 weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deliveries {
    /// Deliveries in the period.
    pub count: u32,
    /// The period.
    pub per: Span,
}

impl Deliveries {
    /// The `data-value` of a frequency option, e.g. `20-per-50-week`.
    pub fn value(&self) -> String {
        format!("{}-per-{}", self.count, self.per.value())
    }
}

/// The customer's current plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Plan id, echoed as `plan_id` and as `from` of a downgrade.
    pub id: String,
    /// Display name.
    pub name: Option<Text>,
    /// Current price.
    pub price: Option<Price>,
    /// Current delivery frequency.
    pub deliveries: Option<Deliveries>,
}

/// The customer this flow is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// Shop's customer id.
    pub id: String,
    /// Shop's subscription id.
    pub subscription_id: Option<String>,
    /// Email, shown nowhere; kept for the shop's own use.
    pub email: Option<String>,
}

/// Which flow the person gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowKind {
    /// Survey, offers, confirm.
    Guided,
    /// Opens on confirm, survey and offers secondary.
    Direct,
}

/// A kind of offer, as an outcome's `offers[].type`: `pause`, `downgrade`, `frequency`,
/// `discount` or `link`. Listed in the order they are shown when no reason orders them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// Pause deliveries or billing.
    Pause,
    /// Move to a cheaper tier.
    Downgrade,
    /// Fewer deliveries.
    Frequency,
    /// A temporary discount.
    Discount,
    /// Links to a person or a page.
    Link,
}

impl OfferKind {
    /// All kinds in canonical order.
    pub const ALL: [OfferKind; 5] =
        [OfferKind::Pause, OfferKind::Downgrade, OfferKind::Frequency, OfferKind::Discount, OfferKind::Link];

    /// The `data-offer` value and outcome `type` (`link` for the `links` config key).
    pub fn as_str(self) -> &'static str {
        match self {
            OfferKind::Pause => "pause",
            OfferKind::Downgrade => "downgrade",
            OfferKind::Frequency => "frequency",
            OfferKind::Discount => "discount",
            OfferKind::Link => "link",
        }
    }

    /// Parses a config key as used in `survey.reasons[].offers` (`links` or `link`).
    pub fn from_config_key(s: &str) -> Option<Self> {
        match s {
            "pause" => Some(OfferKind::Pause),
            "downgrade" => Some(OfferKind::Downgrade),
            "frequency" => Some(OfferKind::Frequency),
            "discount" => Some(OfferKind::Discount),
            "links" | "link" => Some(OfferKind::Link),
            _ => None,
        }
    }
}

/// One answer of the exit survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// Stable id, sent as `survey.reason_id`.
    pub id: String,
    /// What the person reads.
    pub label: Text,
    /// Whether an optional comment box appears when chosen.
    pub comment: bool,
    /// Offers to show for this reason, in order; `None` means every configured offer.
    pub offers: Option<Vec<OfferKind>>,
    /// Stays last when reasons are shuffled.
    pub pinned: bool,
    /// Stripe's `cancellation_details.feedback` value, sent as `survey.feedback`.
    pub feedback: Option<Feedback>,
}

/// The exit survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    /// The question; a built-in one when absent.
    pub question: Option<Text>,
    /// Shuffle the reasons per person (pinned ones stay last).
    pub randomize: bool,
    /// The answers, at least one.
    pub reasons: Vec<Reason>,
}

/// A cheaper tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    /// Tier id, sent as `to`.
    pub id: String,
    /// Display name.
    pub name: Text,
    /// Its price.
    pub price: Option<Price>,
    /// What it includes.
    pub features: Vec<Text>,
    /// What the person would lose compared with now.
    pub loses: Vec<Text>,
}

/// A discount offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiscountAmount {
    /// Percent off, 1 to 100.
    Percent(u32),
    /// A fixed amount off per billing period.
    Amount { amount_minor: u64, currency: String },
}

/// A temporary discount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discount {
    /// How much.
    pub amount: DiscountAmount,
    /// For how many months.
    pub months: u32,
}

/// A link to a person or page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Link id, sent as `link_id`.
    pub id: String,
    /// What the person reads.
    pub label: Text,
    /// A safe URL (https, http, or relative).
    pub url: String,
}

/// The configured offers; an absent section is never shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offers {
    /// Pause durations.
    pub pause: Option<Vec<Span>>,
    /// Cheaper tiers.
    pub downgrade: Option<Vec<Tier>>,
    /// Reduced delivery frequencies.
    pub frequency: Option<Vec<Deliveries>>,
    /// A discount.
    pub discount: Option<Discount>,
    /// Links.
    pub links: Option<Vec<Link>>,
}

impl Offers {
    /// Whether this kind of offer is configured.
    pub fn has(&self, kind: OfferKind) -> bool {
        match kind {
            OfferKind::Pause => self.pause.is_some(),
            OfferKind::Downgrade => self.downgrade.is_some(),
            OfferKind::Frequency => self.frequency.is_some(),
            OfferKind::Discount => self.discount.is_some(),
            OfferKind::Link => self.links.is_some(),
        }
    }
}

/// When a cancellation takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Effective {
    /// At the end of the paid period.
    PeriodEnd,
    /// Today.
    Immediately,
}

impl Effective {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Effective::PeriodEnd => "period_end",
            Effective::Immediately => "immediately",
        }
    }
}

/// Cancellation settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelSettings {
    /// The choices offered, the first preselected; never empty.
    pub effective: Vec<Effective>,
    /// The last day of the paid period, when known.
    pub period_end: Option<Ymd>,
}

/// Where a person can still cancel when the widget cannot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fallback {
    /// A cancel form or page.
    pub url: Option<String>,
    /// An email address.
    pub email: Option<String>,
}

impl Fallback {
    /// Neither a url nor an email: nothing to offer.
    pub fn is_empty(&self) -> bool {
        self.url.is_none() && self.email.is_none()
    }

    /// This fallback, or `other` when this one has nothing to offer: a config's own
    /// fallback wins over the shop's `fallback-url` / `fallback-email` attributes whenever
    /// the config names a usable one (contract 1.2).
    pub fn or(self, other: Fallback) -> Fallback {
        if self.is_empty() {
            other
        } else {
            self
        }
    }
}

/// Light, dark, or following the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Light colours.
    Light,
    /// Dark colours.
    Dark,
    /// Follows `prefers-color-scheme`.
    Auto,
}

impl Theme {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "auto",
        }
    }
}

/// Longest experiment or variant id in `served` (contract 1.2; the collector's limit).
pub const MAX_SERVED_ID: usize = 64;

/// What the collector says it served (contract 1.2, COLLECTOR.md section 7): which
/// version of the shop's flow, and the customer's experiment group. Written by the
/// collector, never by hand, and echoed into the outcome exactly as the config had it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Served {
    /// The version of the served flow, a whole number from 1.
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = u32::MAX)))]
    pub flow_version: u32,
    /// The experiment the customer is in, with their group; absent when they are in none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "ServedExperiment"))]
    pub experiment: Option<ServedExperiment>,
}

/// An experiment and the group a customer was assigned to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ServedExperiment {
    /// The experiment's id: 1 to 64 of `a-z`, `0-9`, `_` and `-`.
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = 64), pattern(r"^[a-z0-9_-]+$")))]
    pub id: String,
    /// The customer's group: a variant's id (1 to 64 of `a-z`, `0-9`, `_` and `-`), or
    /// `holdout` for the group that is shown no offers.
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = 64), pattern(r"^[a-z0-9_-]+$")))]
    pub variant: String,
}

/// Whether `s` can be a `served` experiment or variant id: 1 to 64 of `a-z`, `0-9`, `_`, `-`.
pub fn is_served_id(s: &str) -> bool {
    (1..=MAX_SERVED_ID).contains(&s.len()) && s.bytes().all(|c| matches!(c, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'))
}

/// A validated config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Echoed in every outcome.
    pub flow_id: String,
    /// Where outcomes are POSTed.
    pub endpoint: String,
    /// Extra headers for the POST.
    pub headers: Vec<(String, String)>,
    /// A server-minted session token, sent as a bearer token.
    pub token: Option<String>,
    /// Outcomes are marked test.
    pub test: bool,
    /// The requested locale, if any.
    pub locale: Option<String>,
    /// Who is cancelling.
    pub customer: Customer,
    /// What they have now.
    pub plan: Plan,
    /// Guided or direct.
    pub flow: FlowKind,
    /// The exit survey, if any.
    pub survey: Option<Survey>,
    /// The offers.
    pub offers: Offers,
    /// Cancellation settings.
    pub cancel: CancelSettings,
    /// Whether the keep-in-touch opt-in is shown.
    pub keep_in_touch: bool,
    /// The fallback.
    pub fallback: Fallback,
    /// Per-locale overrides of built-in messages: locale → (key → text).
    pub texts: Vec<(String, Vec<(String, String)>)>,
    /// Colour theme.
    pub theme: Theme,
    /// What the collector served (contract 1.2); `None` for a config without `served`.
    pub served: Option<Served>,
}

impl Config {
    /// The reason with this id.
    pub fn reason(&self, id: &str) -> Option<&Reason> {
        self.survey.as_ref()?.reasons.iter().find(|r| r.id == id)
    }

    /// The offers to show for a reason (or for no reason), in order, only configured ones.
    pub fn offers_for(&self, reason: Option<&str>) -> Vec<OfferKind> {
        let listed = reason.and_then(|id| self.reason(id)).and_then(|r| r.offers.clone());
        let kinds = listed.unwrap_or_else(|| OfferKind::ALL.to_vec());
        let mut out: Vec<OfferKind> = Vec::new();
        for k in kinds {
            if self.offers.has(k) && !out.contains(&k) {
                out.push(k);
            }
        }
        out
    }
}
