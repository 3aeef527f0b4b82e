//! The JSON Schemas (draft 2020-12) of the config and of the outcome, generated from Rust
//! types with schemars (feature `schema`; never in the wasm build). `examples/write-schema.rs`
//! writes them to `schema/`, and `tests/schema.rs` checks the committed files are current.
//!
//! The outcome's types are the serde types the widget writes (`outcome.rs`), so its schema
//! is derived from them directly, describing what serde *writes*. The config is read by
//! the hand-written reader (`config_parse`) into domain types that are not serde-shaped,
//! so this module holds the config's *wire shape* as plain types: `Deserialize` (the
//! tests read every example with them, unknown fields refused) and `JsonSchema` (their doc
//! comments become an editor's hover text). They are kept in agreement with the reader
//! by tests, not by construction: every example and fixture must pass both, and
//! `tests/e2e/schema.spec.mjs` runs a table of boundary configs (each range's edges, each
//! closed set) through the schema and through the real widget and wants the same verdict.
//! Limits shared with the reader are its constants (`MAX_REASONS`, `MAX_OPTIONS`) or
//! its data (`presets::PRESETS`, `Feedback`, `catalog::EN`).
//!
//! Unknown fields: the widget ignores them with a `console.warn`; the schema refuses them
//! (`additionalProperties: false` on every object the reader checks for unknown keys), so
//! an editor underlines a typo such as `"reasns"` where the widget would only warn. Every
//! contract field is listed, and the root allows `"$schema"`, so no valid 1.0 or 1.1
//! config is refused.

use super::catalog;
use super::config::{Effective, Feedback, Unit, CONFIG_SCHEMA, MAX_SERVED_ID};
use super::config_parse::{MAX_OPTIONS, MAX_REASONS};
use super::outcome::Outcome;
use super::presets::PRESETS;
use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The title of `schema/config.schema.json`.
pub const CONFIG_TITLE: &str = "cancel-flow config";
/// The title of `schema/outcome.schema.json`.
pub const OUTCOME_TITLE: &str = "cancel-flow outcome";

// ---------------------------------------------------------------------------------------
// Values

/// Declares a string newtype (read as any string; the reader checks it) whose schema is
/// written out here.
macro_rules! string_value {
    ($(#[$doc:meta])* $name:ident, $schema:tt) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn inline_schema() -> bool {
                true
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

/// Not blank: at least one character that is not white space.
const NOT_BLANK: &str = r"\S";
/// A language tag such as `en`, `hu` or `pt-BR` (the reader's `is_locale_tag`).
const LOCALE_TAG: &str = r"^[A-Za-z0-9]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$";
/// `https://…`, a same-origin path (`/…`, never `//…`), or `http://` on localhost.
const ENDPOINT_URL: &str = concat!(
    r"^(?:[Hh][Tt][Tt][Pp][Ss]://\S+|/(?!/)\S*|[Hh][Tt][Tt][Pp]://",
    r"(?:[Ll][Oo][Cc][Aa][Ll][Hh][Oo][Ss][Tt]|127\.0\.0\.1|\[::1\]|[^/?#:\s]*\.[Ll][Oo][Cc][Aa][Ll][Hh][Oo][Ss][Tt])",
    r"(?::[^/?#\s]*)?(?:[/?#]\S*)?)$"
);
/// `https://…`, `http://…` or a path starting with `/` (never `//…`, `javascript:` or `data:`).
const LINK_URL: &str = r"^(?:[Hh][Tt][Tt][Pp][Ss]?://\S+|/(?!/)\S*)$";
/// A plain email address: one `@`, a dot in the host, no spaces.
const EMAIL: &str = r#"^[^@\s<>"'(),;:\[\]\\]+@[^@\s<>"'(),;:\[\]\\.][^@\s<>"'(),;:\[\]\\]*\.[^@\s<>"'(),;:\[\]\\.]+$"#;

string_value!(
    /// An id: 1 to 200 characters, not blank.
    Id,
    { "type": "string", "minLength": 1, "maxLength": 200, "pattern": NOT_BLANK }
);

string_value!(
    /// A language tag.
    LocaleTag,
    { "type": "string", "maxLength": 35, "pattern": LOCALE_TAG }
);

string_value!(
    /// The endpoint's URL.
    EndpointUrl,
    { "type": "string", "pattern": ENDPOINT_URL }
);

string_value!(
    /// A link's URL.
    LinkUrl,
    { "type": "string", "pattern": LINK_URL }
);

string_value!(
    /// An email address.
    Email,
    { "type": "string", "maxLength": 254, "pattern": EMAIL }
);

string_value!(
    /// An ISO 4217 currency code.
    Currency,
    { "type": "string", "pattern": "^[A-Z]{3}$" }
);

string_value!(
    /// A calendar date.
    Date,
    { "type": "string", "format": "date" }
);

/// A label-like text: one string for every language, or an object of language tag to
/// text.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Text {
    /// The same text in every language.
    Plain(String),
    /// Language tag → text.
    PerLocale(BTreeMap<String, String>),
}

impl JsonSchema for Text {
    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A text: one string for every language, or an object of language tag to text, such as {\"en\": \"Pause instead\", \"de\": \"Lieber pausieren\"}. The person sees the text for their language, else for its base language (\"pt\" for \"pt-BR\"), else English, else the first.",
            "anyOf": [
                { "type": "string", "pattern": NOT_BLANK },
                {
                    "type": "object",
                    "minProperties": 1,
                    "propertyNames": { "maxLength": 35, "pattern": LOCALE_TAG },
                    "additionalProperties": { "type": "string" }
                }
            ]
        })
    }
}

/// Extra request headers: header name → value.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct Headers(pub BTreeMap<String, String>);

/// `[Cc][Oo]…`: a case-insensitive regex for an ASCII word (JSON Schema has no flags).
fn any_case(word: &str) -> String {
    word.chars()
        .map(|c| if c.is_ascii_alphabetic() { format!("[{}{}]", c.to_ascii_uppercase(), c) } else { c.to_string() })
        .collect()
}

impl JsonSchema for Headers {
    fn schema_name() -> Cow<'static, str> {
        "Headers".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        // The reader's header-name characters (RFC 9110 tokens), minus the headers
        // cancel-flow sets itself.
        let reserved: Vec<String> =
            ["content-type", "idempotency-key", "content-length", "host"].iter().map(|h| any_case(h)).collect();
        json_schema!({
            "type": "object",
            "propertyNames": {
                "pattern": "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$",
                "not": { "pattern": format!("^(?:{})$", reserved.join("|")) }
            },
            "additionalProperties": { "type": "string", "pattern": "^[^\\x00-\\x1F\\x7F-\\x9F]*$" }
        })
    }
}

/// `texts`: language tag → (message key → text).
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct Texts(pub BTreeMap<String, BTreeMap<String, String>>);

impl JsonSchema for Texts {
    fn schema_name() -> Cow<'static, str> {
        "Texts".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "propertyNames": { "maxLength": 35, "pattern": LOCALE_TAG },
            "additionalProperties": generator.subschema_for::<Messages>()
        })
    }
}

/// One language's message overrides. Every built-in key is listed (so an editor completes
/// it and shows the English text); other keys are allowed, as the widget allows them
/// (plural forms such as `.few` for the languages that have them).
pub struct Messages;

impl JsonSchema for Messages {
    fn schema_name() -> Cow<'static, str> {
        "Messages".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let properties: Map<String, Value> = catalog::EN
            .iter()
            .map(|(key, en)| {
                (key.to_string(), json!({ "type": "string", "description": format!("English: \"{en}\"") }))
            })
            .collect();
        json_schema!({
            "description": "Message key → text, overriding a built-in message in this language. Placeholders such as {date} or {price} are filled in by the widget.",
            "type": "object",
            "properties": properties,
            "additionalProperties": { "type": "string" }
        })
    }
}

/// A reason preset's name, from `presets::PRESETS`.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct PresetName(pub String);

impl JsonSchema for PresetName {
    fn schema_name() -> Cow<'static, str> {
        "PresetName".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let ids: Vec<&str> = PRESETS.iter().map(|p| p.id).collect();
        json_schema!({ "type": "string", "enum": ids })
    }
}

/// The description of a reason's `preset`: what each preset gives, from `PRESETS` and the
/// English catalog.
fn preset_help() -> String {
    let mut lines = vec![
        "Starts from a built-in reason (contract 1.1): its id, its label in every built-in language, its default offers and its Stripe feedback value. Any field written beside it overrides the preset's.".to_string(),
    ];
    for p in PRESETS {
        let offers = match p.offers {
            None => "every configured offer".to_string(),
            Some([]) => "none (straight to confirm)".to_string(),
            Some(kinds) => kinds
                .iter()
                .map(|k| if k.as_str() == "link" { "links" } else { k.as_str() })
                .collect::<Vec<_>>()
                .join(", "),
        };
        let mut extra = String::new();
        if p.comment {
            extra.push_str("; comment optional");
        }
        if p.pinned {
            extra.push_str("; pinned last");
        }
        lines.push(format!(
            "- {}: \"{}\"; feedback {}; offers: {offers}{extra}",
            p.id,
            catalog::english(p.label_key),
            p.feedback.as_str()
        ));
    }
    lines.join("\n")
}

// ---------------------------------------------------------------------------------------
// Closed sets

/// `guided` (the default): survey, then offers, then confirm. `direct`: opens on the
/// confirm step (a direct cancellation page, as §312k asks), with the survey as optional
/// fields and the offers as secondary choices.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlowKind {
    Guided,
    Direct,
}

/// `auto` (the default) follows the system's light or dark setting; `light` and `dark`
/// fix it. The element's `theme` attribute overrides it.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    Light,
    Dark,
    Auto,
}

/// `optional`: choosing the reason shows an optional comment box. `none`: no comment box.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Comment {
    Optional,
    #[serde(rename = "none")]
    NoComment,
}

/// An offer a reason leads to: one of the configured sections of `offers`.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferKey {
    Pause,
    Downgrade,
    Frequency,
    Discount,
    // The reader also takes `link`; the schema names the contract's word only.
    #[serde(alias = "link")]
    Links,
}

// ---------------------------------------------------------------------------------------
// The config

/// The config of one cancel flow (contract section 3). Field names are snake_case.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Where an editor finds this schema; the widget ignores it. Write the URL of
    /// `schema/config.schema.json` beside your copy of `embed.js`, or a relative path to
    /// it.
    #[serde(rename = "$schema")]
    pub schema_url: Option<String>,
    /// The config format: "cancel-flow/config@1". Another major version is a config
    /// error.
    #[schemars(extend("const" = CONFIG_SCHEMA))]
    pub schema: String,
    /// Names this flow; echoed as `flow_id` in every outcome (for example
    /// "weekly-box-2026").
    pub flow_id: Id,
    /// Where outcomes are POSTed: an https:// URL, a same-origin path such as
    /// "/api/cancel-flow", or http:// on localhost. The element's `endpoint` attribute
    /// overrides it.
    pub endpoint: EndpointUrl,
    /// Extra headers added to the POST, such as {"X-CSRF-Token": "..."}. Content-Type,
    /// Idempotency-Key, Content-Length and Host are set by cancel-flow and cannot be
    /// configured.
    pub headers: Option<Headers>,
    /// A server-minted session token, sent as `Authorization: Bearer <token>`. Usually
    /// given as the element's `token` attribute instead, so it stays out of cached
    /// config files.
    pub token: Option<String>,
    /// Marks every outcome `"test": true`, to keep trials out of real numbers. Default
    /// false.
    pub test: Option<bool>,
    /// The language to show, such as "hu" or "pt-BR". Else the page's <html lang>, else
    /// the browser's languages; English when none is built in. The element's `locale`
    /// attribute overrides it.
    #[schemars(with = "Option<LocaleTagOrBlank>")]
    pub locale: Option<String>,
    /// Who is cancelling. The element's `customer-id` and `subscription-id` attributes
    /// override `id` and `subscription_id`.
    pub customer: Customer,
    /// The plan the customer has now.
    pub plan: Plan,
    /// Which flow the person gets. Default "guided".
    pub flow: Option<FlowKind>,
    /// The exit survey; leave it out for none.
    pub survey: Option<Survey>,
    /// The offers that may be shown instead of cancelling. A section that is absent is
    /// never shown.
    pub offers: Option<Offers>,
    /// How a cancellation can take effect. Default: at the end of the paid period.
    pub cancel: Option<Cancel>,
    /// The opt-in on the confirm step to hear about improvements (never pre-checked).
    pub keep_in_touch: Option<KeepInTouch>,
    /// Where a person can still cancel when the widget cannot (bad config, failed
    /// delivery). At least one of `url` and `email`.
    pub fallback: Fallback,
    /// Per-language overrides of built-in messages: {"hu": {"confirm.title": "..."}}.
    pub texts: Option<Texts>,
    /// The colour theme. Default "auto".
    pub theme: Option<Theme>,
    /// What the collector served (contract 1.2): written by the collector into the
    /// configs it serves (COLLECTOR.md section 7), never by hand. The widget echoes it
    /// in the outcome exactly as it is.
    pub served: Option<Served>,
}

string_value!(
    /// A language tag; a blank one is ignored.
    LocaleTagOrBlank,
    { "type": "string", "maxLength": 35, "pattern": r"^(?:[A-Za-z0-9]{1,8}(?:[-_][A-Za-z0-9]{1,8})*|\s*)$" }
);

/// The customer this flow is for.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// The shop's customer id, echoed in the outcome.
    pub id: Id,
    /// The shop's subscription id, echoed in the outcome.
    pub subscription_id: Option<String>,
    /// The customer's email: shown nowhere and never sent; kept for the shop's own use.
    pub email: Option<String>,
}

/// The plan the customer has now.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The plan id, echoed as `plan_id` in every outcome and as `from` of a downgrade.
    pub id: Id,
    /// The plan's name as the person knows it.
    pub name: Option<Text>,
    /// What the person pays now, compared with a cheaper tier's price.
    pub price: Option<Price>,
    /// How many deliveries the person gets now, such as 50 per 50 weeks. A frequency
    /// offer must be fewer.
    pub deliveries: Option<Deliveries>,
}

/// A price per billing period.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// The amount in the currency's minor unit (cents): 4990 is 49.90 EUR. 0 is free.
    #[schemars(range(min = 0, max = 1_000_000_000_000u64))]
    pub amount_minor: u64,
    /// The ISO 4217 code in capitals, such as "EUR", "USD" or "HUF".
    pub currency: Currency,
    /// The billing period, such as {"unit": "week", "count": 1}.
    pub per: Period,
}

/// A period such as 50 weeks: at most 366 days, 104 weeks, 24 months or 2 years.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = period_caps)]
pub struct Period {
    /// The calendar unit: "day", "week", "month" or "year".
    pub unit: Unit,
    /// How many units: 1 to 366 days, 104 weeks, 24 months or 2 years.
    #[schemars(range(min = 1, max = 366))]
    pub count: u32,
}

/// How many deliveries in a period, such as 20 per 50 weeks.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deliveries {
    /// Deliveries in the period, at least 1 and at most one a day (for 50 weeks, at most
    /// 350).
    #[schemars(range(min = 1, max = 732))]
    pub count: u32,
    /// The period, such as {"unit": "week", "count": 50}.
    pub per: Period,
}

/// The exit survey.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Survey {
    /// The question above the reasons. Default: "What made you decide to cancel?" in the
    /// person's language.
    pub question: Option<Text>,
    /// Shuffles the reasons for each person (reasons with "pinned": true stay last), so
    /// the order does not steer the answers. Default false.
    pub randomize: Option<bool>,
    /// The answers to choose from, 1 to 30: each a reason preset such as
    /// {"preset": "too_expensive"}, or written out with its own `id` and `label`.
    #[schemars(length(min = 1, max = MAX_REASONS))]
    pub reasons: Vec<Reason>,
}

/// One answer of the exit survey: a preset ({"preset": "too_expensive"}, any other
/// field overriding the preset's) or written out ({"id": "price", "label": "It costs too
/// much"}).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = preset_or_written)]
pub struct Reason {
    /// Starts from a built-in reason (contract 1.1); the schema's description lists
    /// each preset with its label, feedback and offers (`preset_help`).
    #[schemars(description = preset_help())]
    pub preset: Option<PresetName>,
    /// The reason's id, unique in the survey and sent as `survey.reason_id`. Required
    /// unless `preset` gives it.
    pub id: Option<Id>,
    /// What the person reads. Required unless `preset` gives it (in every built-in
    /// language).
    pub label: Option<Text>,
    /// Whether choosing this reason shows an optional comment box. Default "none" (the
    /// "other" preset: "optional").
    pub comment: Option<Comment>,
    /// The offers this reason leads to, in this order (only configured ones). Leave it
    /// out for every configured offer; [] goes straight to confirm (someone who is moving
    /// abroad needs no discount).
    pub offers: Option<Vec<OfferKey>>,
    /// Keeps this reason last when the survey is shuffled (for "Something else").
    pub pinned: Option<bool>,
    /// Stripe's `cancellation_details.feedback` value for this reason (customer_service,
    /// low_quality, missing_features, other, switched_service, too_complex,
    /// too_expensive or unused), sent as `survey.feedback` so a Stripe backend can pass
    /// the answer straight through. A preset sets its own.
    pub feedback: Option<Feedback>,
}

/// The offers; a section that is absent is never shown.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Offers {
    /// Pause deliveries or billing for a while.
    pub pause: Option<PauseOffer>,
    /// Move to a cheaper tier.
    pub downgrade: Option<DowngradeOffer>,
    /// Fewer deliveries.
    pub frequency: Option<FrequencyOffer>,
    /// A temporary discount.
    pub discount: Option<Discount>,
    /// Links to a person or a page, such as "Talk to a person" (1 to 12).
    #[schemars(length(min = 1, max = MAX_OPTIONS))]
    pub links: Option<Vec<Link>>,
}

/// The pause offer.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PauseOffer {
    /// The pause lengths to choose from, 1 to 12.
    #[schemars(length(min = 1, max = MAX_OPTIONS))]
    pub options: Vec<PauseOption>,
}

/// A pause length such as 4 weeks: at most 90 days, 52 weeks, 12 months or 1 year.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = pause_caps)]
pub struct PauseOption {
    /// The calendar unit: "day", "week", "month" or "year".
    pub unit: Unit,
    /// How many units: 1 to 90 days, 52 weeks, 12 months or 1 year.
    #[schemars(range(min = 1, max = 90))]
    pub count: u32,
}

/// The downgrade offer.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DowngradeOffer {
    /// The cheaper tiers to choose from, 1 to 12.
    #[schemars(length(min = 1, max = MAX_OPTIONS))]
    pub tiers: Vec<Tier>,
}

/// A cheaper tier.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// The tier id, unique among the tiers and not the current plan's; sent as `to`.
    pub id: Id,
    /// The tier's name.
    pub name: Text,
    /// The tier's price.
    pub price: Option<Price>,
    /// What the tier includes.
    pub features: Option<Vec<Text>>,
    /// What the person would lose compared with now.
    pub loses: Option<Vec<Text>>,
}

/// The frequency offer.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrequencyOffer {
    /// The reduced frequencies to choose from, 1 to 12; each fewer deliveries than the
    /// plan's.
    #[schemars(length(min = 1, max = MAX_OPTIONS))]
    pub options: Vec<Deliveries>,
}

/// A temporary discount: `percent_off`, or `amount_off_minor` with `currency`, for
/// `months` months.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = percent_or_amount)]
pub struct Discount {
    /// Percent off, 1 to 100.
    #[schemars(range(min = 1, max = 100))]
    pub percent_off: Option<u32>,
    /// Amount off per billing period in the currency's minor unit (cents), at least 1;
    /// needs `currency`.
    #[schemars(range(min = 1, max = 1_000_000_000_000u64))]
    pub amount_off_minor: Option<u64>,
    /// The ISO 4217 code of `amount_off_minor`, such as "EUR".
    pub currency: Option<Currency>,
    /// For how many months, 1 to 36.
    #[schemars(range(min = 1, max = 36))]
    pub months: u32,
}

/// A link to a person or a page.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// The link id, unique among the links; sent as `link_id`.
    pub id: Id,
    /// What the person reads, such as "Talk to a person".
    pub label: Text,
    /// Where it goes: an https:// or http:// address, or a path starting with /.
    pub url: LinkUrl,
}

/// How a cancellation can take effect.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cancel {
    /// The choices offered, the first preselected: "period_end", "immediately" or both.
    /// Default ["period_end"].
    #[schemars(length(min = 1, max = 2), extend("uniqueItems" = true))]
    pub effective: Option<Vec<Effective>>,
    /// The last day of the paid period (YYYY-MM-DD), shown on confirm and sent as
    /// `effective_on`.
    pub period_end: Option<Date>,
}

/// The keep-in-touch opt-in.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeepInTouch {
    /// Shows the opt-in on the confirm step (never pre-checked). Default false.
    pub enabled: Option<bool>,
}

/// Where a person can still cancel: at least one of `url` and `email`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = url_or_email)]
pub struct Fallback {
    /// A cancel form or page: an https:// or http:// address, or a path starting with /.
    pub url: Option<LinkUrl>,
    /// An email address to write to.
    pub email: Option<Email>,
}

string_value!(
    /// An experiment or variant id of `served`.
    ServedId,
    { "type": "string", "minLength": 1, "maxLength": MAX_SERVED_ID, "pattern": "^[a-z0-9_-]+$" }
);

/// Which version of the shop's flow the collector served, and the customer's experiment
/// group.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Served {
    /// The version of the served flow, a whole number from 1.
    #[schemars(range(min = 1, max = u32::MAX))]
    pub flow_version: u32,
    /// The experiment the customer is in; absent when they are in none.
    pub experiment: Option<ServedExperiment>,
}

/// An experiment and the customer's group in it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServedExperiment {
    /// The experiment's id: 1 to 64 of a-z, 0-9, _ and -.
    pub id: ServedId,
    /// The customer's group: a variant's id (1 to 64 of a-z, 0-9, _ and -), or "holdout"
    /// for the group that is shown no offers.
    pub variant: ServedId,
}

// ---------------------------------------------------------------------------------------
// Rules across fields, added to the derived schemas

/// `count`'s maximum for each `unit`, as `if`/`then` rules.
fn unit_caps(schema: &mut Schema, caps: [(Unit, u32); 4]) {
    let rules: Vec<Value> = caps
        .iter()
        .map(|(unit, max)| {
            json!({
                "if": { "properties": { "unit": { "const": unit.as_str() } }, "required": ["unit"] },
                "then": { "properties": { "count": { "type": "integer", "maximum": max } } }
            })
        })
        .collect();
    schema.insert("allOf".into(), rules.into());
}

/// The reader's caps for a pause (`values::span` with `pause`).
fn pause_caps(schema: &mut Schema) {
    unit_caps(schema, [(Unit::Day, 90), (Unit::Week, 52), (Unit::Month, 12), (Unit::Year, 1)]);
}

/// The reader's caps for any other period.
fn period_caps(schema: &mut Schema) {
    unit_caps(schema, [(Unit::Day, 366), (Unit::Week, 104), (Unit::Month, 24), (Unit::Year, 2)]);
}

/// `{"properties": {key: true, ...}, "required": [key, ...]}`: the object has these keys.
/// (The `properties` only name them, for validators' strict mode, which wants every
/// `required` key defined beside it.)
fn has(keys: &[&str]) -> Value {
    let named: Map<String, Value> = keys.iter().map(|k| (k.to_string(), Value::Bool(true))).collect();
    json!({ "properties": named, "required": keys })
}

/// A reason without a preset needs its own `id` and `label`.
fn preset_or_written(schema: &mut Schema) {
    schema.insert("if".into(), has(&["preset"]));
    schema.insert("else".into(), has(&["id", "label"]));
}

/// A discount is a percentage or an amount with its currency, not both.
fn percent_or_amount(schema: &mut Schema) {
    let mut percent = has(&["percent_off"]);
    percent["not"] = json!({ "anyOf": [has(&["amount_off_minor"]), has(&["currency"])] });
    let mut amount = has(&["amount_off_minor", "currency"]);
    amount["not"] = has(&["percent_off"]);
    schema.insert("oneOf".into(), json!([percent, amount]));
}

/// A fallback needs a `url` or an `email` (or both).
fn url_or_email(schema: &mut Schema) {
    schema.insert("anyOf".into(), json!([has(&["url"]), has(&["email"])]));
}

// ---------------------------------------------------------------------------------------
// Generating

/// Tidies every subschema: doc comments wrapped in the source become one line per
/// paragraph or list item; a `oneOf` of string constants (an enum whose variants have doc
/// comments) becomes an `enum`, its variants' docs a list in the description (an `enum`
/// gives one clear error, "must be equal to one of the allowed values", where a `oneOf`
/// gives one per constant); and Rust's integer formats (`uint32`, …: not JSON Schema
/// formats, which a strict validator refuses) are dropped, the derived `minimum` already
/// saying "not negative".
fn tidy(schema: &mut Schema) {
    let Some(obj) = schema.as_object_mut() else { return };
    if let Some(Value::String(d)) = obj.get_mut("description") {
        *d = unwrap_lines(d);
    }
    if obj.get("format").and_then(Value::as_str).is_some_and(|f| f.starts_with("uint") || f.starts_with("int")) {
        obj.remove("format");
    }
    let constants = |alts: &Vec<Value>| -> Option<Vec<(Value, Option<String>)>> {
        alts.iter()
            .map(|a| {
                let a = a.as_object()?;
                let only_known = a.keys().all(|k| matches!(k.as_str(), "type" | "const" | "description"));
                let c = a.get("const").filter(|c| c.is_string() && only_known)?;
                Some((c.clone(), a.get("description").and_then(Value::as_str).map(unwrap_lines)))
            })
            .collect()
    };
    if let Some(values) = obj.get("oneOf").and_then(Value::as_array).and_then(constants) {
        obj.remove("oneOf");
        let notes: Vec<String> =
            values.iter().filter_map(|(c, d)| Some(format!("- {}: {}", c.as_str()?, d.as_ref()?))).collect();
        if !notes.is_empty() {
            let intro = obj.get("description").and_then(Value::as_str).unwrap_or_default();
            let text = if intro.is_empty() { notes.join("\n") } else { format!("{intro}\n{}", notes.join("\n")) };
            obj.insert("description".into(), text.into());
        }
        obj.insert("type".into(), "string".into());
        obj.insert("enum".into(), values.into_iter().map(|(c, _)| c).collect());
    }
}

/// The config's optional fields without `null`: the reader takes `null` as "absent", but
/// the contract never writes it, and an editor should not offer it; leave the field out.
fn no_null(schema: &mut Schema) {
    let Some(obj) = schema.as_object_mut() else { return };
    if let Some(Value::Array(types)) = obj.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            obj.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(values)) = obj.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    let is_null = |v: &Value| v.as_object().is_some_and(|o| o.len() == 1 && o.get("type") == Some(&json!("null")));
    if let Some(Value::Array(alts)) = obj.get("anyOf") {
        if alts.len() == 2 && is_null(&alts[1]) {
            if let Some(Value::Object(kept)) = obj.remove("anyOf").and_then(|a| a.as_array()?.first().cloned()) {
                obj.extend(kept);
            }
        }
    }
}

/// Joins the lines of each paragraph with spaces, keeping list items (`- `) on their own
/// lines.
fn unwrap_lines(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            out.push_str("\n\n");
        } else if line.starts_with("- ") && !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
            out.push_str(line);
        } else {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push(' ');
            }
            out.push_str(line);
        }
    }
    out
}

/// The root schema with `$schema` and `title` first.
fn titled(schema: Schema, title: &str) -> Schema {
    let Some(mut rest) = schema.as_object().cloned() else { return schema };
    rest.remove("title");
    let mut root = Map::new();
    if let Some(meta) = rest.remove("$schema") {
        root.insert("$schema".into(), meta);
    }
    root.insert("title".into(), title.into());
    root.extend(rest);
    Schema::from(root)
}

fn settings() -> SchemaSettings {
    SchemaSettings::draft2020_12().with_transform(RecursiveTransform(tidy))
}

/// The config's schema (what the reader accepts), `schema/config.schema.json`.
pub fn config_schema() -> Schema {
    let generator = settings().with_transform(RecursiveTransform(no_null)).into_generator();
    titled(generator.into_root_schema_for::<ConfigFile>(), CONFIG_TITLE)
}

/// The outcome's schema (what the widget writes), `schema/outcome.schema.json`.
pub fn outcome_schema() -> Schema {
    titled(settings().for_serialize().into_generator().into_root_schema_for::<Outcome>(), OUTCOME_TITLE)
}

/// A schema as written to its file: pretty-printed, with a trailing newline.
pub fn to_file_text(schema: &Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The files of `schema/`: name and text.
pub fn files() -> [(&'static str, String); 2] {
    [("config.schema.json", to_file_text(&config_schema())), ("outcome.schema.json", to_file_text(&outcome_schema()))]
}
