//! Messages and the words built from them: built-in catalogs, the shop's `texts`
//! overrides, plural selection and the composed phrases ("20 of 50 weeks", "€32.90 per
//! week", the receipt). Number, date and plural *rules* come from a `Formats`
//! implementation (the browser's `Intl` in production, a fixed one in native tests),
//! so this module stays pure.

use super::catalog;
use super::config::{Config, Deliveries, DiscountAmount, Price, Span, Text, Unit};
use super::date::Ymd;

/// Locale-aware formatting supplied by the platform.
pub trait Formats {
    /// CLDR plural category of `n` (`zero`, `one`, `two`, `few`, `many`, `other`).
    fn plural(&self, n: u64) -> &'static str;
    /// A calendar date, long form ("23 December 2026").
    fn date(&self, d: Ymd) -> String;
    /// An amount in minor units of `currency` ("€32.90").
    fn money(&self, amount_minor: u64, currency: &str) -> String;
    /// A whole number ("1,000").
    fn number(&self, n: u64) -> String;
}

/// The messages of one locale, with the shop's overrides.
#[derive(Debug, Clone)]
pub struct Messages {
    /// The resolved locale tag (e.g. `en`, `hu`).
    pub locale: String,
    catalog: &'static [(&'static str, &'static str)],
    overrides: Vec<(String, String)>,
}

/// Picks the best built-in locale for the wanted tags, in order of preference:
/// an exact match, then the language alone. `None` when nothing matches.
pub fn negotiate<'a>(wanted: impl IntoIterator<Item = &'a str>) -> Option<&'static str> {
    for tag in wanted {
        let tag = tag.trim();
        if tag.is_empty() {
            continue;
        }
        let lang = tag.split(['-', '_']).next().unwrap_or(tag).to_ascii_lowercase();
        if let Some((code, _)) = catalog::CATALOGS.iter().find(|(code, _)| *code == lang) {
            return Some(code);
        }
    }
    None
}

fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in args {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

impl Messages {
    /// Messages for a built-in locale (English when unknown) with the config's `texts`.
    pub fn new(locale: &str, config: Option<&Config>) -> Self {
        let code = negotiate([locale]).unwrap_or("en");
        let catalog = catalog::CATALOGS.iter().find(|(c, _)| *c == code).map(|(_, m)| *m).unwrap_or(catalog::EN);
        let mut overrides = Vec::new();
        if let Some(cfg) = config {
            // Most specific first: the exact tag, then the language.
            let lang = locale.split(['-', '_']).next().unwrap_or(locale);
            for want in [locale, lang] {
                for (tag, msgs) in &cfg.texts {
                    if tag.eq_ignore_ascii_case(want) {
                        overrides.extend(msgs.iter().cloned());
                    }
                }
            }
        }
        Messages { locale: code.to_string(), catalog, overrides }
    }

    /// The raw message for `key`: override, built-in, English, else the empty string.
    pub fn raw(&self, key: &str) -> &str {
        if let Some((_, v)) = self.overrides.iter().find(|(k, _)| k == key) {
            return v;
        }
        let find = |c: &'static [(&'static str, &'static str)]| c.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        find(self.catalog).or_else(|| find(catalog::EN)).unwrap_or("")
    }

    /// The message for `key` with `{name}` placeholders filled.
    pub fn t(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.raw(key), args)
    }

    /// A plural message: `key.<category>`, falling back to `key.other`.
    pub fn plural(&self, key: &str, category: &str, args: &[(&str, &str)]) -> String {
        let specific = format!("{key}.{category}");
        let raw = self.raw(&specific);
        if raw.is_empty() {
            self.t(&format!("{key}.other"), args)
        } else {
            fill(raw, args)
        }
    }

    /// A config text in this locale.
    pub fn text<'a>(&self, t: &'a Text) -> &'a str {
        t.get(&self.locale)
    }
}

/// Messages plus formats: the phrases the views show.
pub struct Words<'a, F: Formats> {
    /// The messages.
    pub msgs: &'a Messages,
    /// The formats.
    pub fmt: &'a F,
}

impl<'a, F: Formats> Words<'a, F> {
    /// A message.
    pub fn t(&self, key: &str) -> String {
        self.msgs.t(key, &[])
    }

    /// A message with arguments.
    pub fn ta(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.msgs.t(key, args)
    }

    /// "4 weeks".
    pub fn span(&self, s: Span) -> String {
        let n = self.fmt.number(s.count as u64);
        self.msgs.plural(&format!("unit.{}", s.unit.as_str()), self.fmt.plural(s.count as u64), &[("n", &n)])
    }

    /// "€32.90 per week" or "€19.90 every 2 weeks".
    pub fn price(&self, p: &Price) -> String {
        let amount = self.fmt.money(p.amount_minor, &p.currency);
        if p.per.count == 1 {
            self.ta(&format!("price.per.{}", p.per.unit.as_str()), &[("price", &amount)])
        } else {
            self.ta("price.every", &[("price", &amount), ("span", &self.span(p.per))])
        }
    }

    /// "20 of 50 weeks" (or "8 deliveries every 2 months" for longer units).
    pub fn deliveries(&self, d: Deliveries) -> String {
        if d.count == d.per.count && matches!(d.per.unit, Unit::Day | Unit::Week) {
            return self.t(&format!("deliveries.each.{}", d.per.unit.as_str()));
        }
        let count = self.fmt.number(d.count as u64);
        let key = if matches!(d.per.unit, Unit::Day | Unit::Week) && d.count <= d.per.count {
            "deliveries.of"
        } else {
            "deliveries.every"
        };
        let cat = self.fmt.plural(d.count as u64);
        self.msgs.plural(key, cat, &[("count", &count), ("span", &self.span(d.per))])
    }

    /// "15% off for 2 months".
    pub fn discount(&self, amount: &DiscountAmount, months: u32) -> String {
        let m = self.span(Span { unit: Unit::Month, count: months });
        match amount {
            DiscountAmount::Percent(p) => self.ta("offer.discount.percent", &[("percent", &p.to_string()), ("span", &m)]),
            DiscountAmount::Amount { amount_minor, currency } => {
                self.ta("offer.discount.amount", &[("amount", &self.fmt.money(*amount_minor, currency)), ("span", &m)])
            }
        }
    }

    /// A date.
    pub fn date(&self, d: Ymd) -> String {
        self.fmt.date(d)
    }
}

/// A fixed English-like formatter for native tests and as a last resort.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlainFormats;

impl Formats for PlainFormats {
    fn plural(&self, n: u64) -> &'static str {
        if n == 1 {
            "one"
        } else {
            "other"
        }
    }
    fn date(&self, d: Ymd) -> String {
        d.to_string()
    }
    fn money(&self, amount_minor: u64, currency: &str) -> String {
        format!("{} {}.{:02}", currency, amount_minor / 100, amount_minor % 100)
    }
    fn number(&self, n: u64) -> String {
        n.to_string()
    }
}

/// The message key that explains a delivery problem plainly: `None` is no answer at all.
pub fn delivery_problem_key(status: Option<u16>) -> &'static str {
    match status {
        None => "error.network",
        Some(401 | 403) => "error.status_auth",
        Some(404 | 410) => "error.status_missing",
        Some(408 | 429 | 500..=599) => "error.status_busy",
        Some(400..=499) => "error.status_rejected",
        Some(_) => "error.status",
    }
}
