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
    /// Whether the platform has date data for the locale (else the catalog's month
    /// names are used).
    fn knows_dates(&self) -> bool {
        true
    }
}

/// The messages of one locale, with the shop's overrides.
#[derive(Debug, Clone)]
pub struct Messages {
    /// The built-in locale shown (e.g. `en`, `hu`).
    pub locale: String,
    /// The tag for `Intl` formatting: the requested tag when it is in this language
    /// (`de-AT`), else the locale.
    pub tag: String,
    catalog: Vec<(String, String)>,
    overrides: Vec<(String, String)>,
}

/// Picks the best built-in locale for the wanted tags, in order of preference: the
/// first tag whose language has a catalog (`pt-BR` tries `pt`); `None` when none has.
pub fn negotiate<'a>(wanted: impl IntoIterator<Item = &'a str>) -> Option<&'static str> {
    for tag in wanted {
        let tag = tag.trim();
        if tag.is_empty() {
            continue;
        }
        let lang = tag.split(['-', '_']).next().unwrap_or(tag).to_ascii_lowercase();
        if let Some(code) = catalog::LOCALES.iter().find(|code| **code == lang) {
            return Some(code);
        }
    }
    None
}

/// The locale to show, as the tag that matched (`de-AT` shows German with Austrian
/// dates): the requested one (attribute, else config), else the page's preferences
/// (`<html lang>`, then `navigator.languages`, passed in by the browser adapter);
/// English when nothing matches, with a warning for an explicit request.
pub fn resolve_locale(requested: Option<&str>, page: &[String]) -> (String, Option<String>) {
    let matches = |t: &str| negotiate([t]).is_some();
    if let Some(r) = requested {
        return if matches(r) {
            (r.to_string(), None)
        } else {
            ("en".into(), Some(format!("locale \"{r}\" has no built-in messages; using English")))
        };
    }
    (page.iter().find(|t| matches(t)).cloned().unwrap_or_else(|| "en".into()), None)
}

/// Whether a built-in locale is written right to left.
pub fn is_rtl(code: &str) -> bool {
    catalog::RTL.contains(&code)
}

/// Reads a catalog file: a flat JSON object of message key to text. Anything else
/// yields an empty catalog (English then shows through).
pub fn parse_catalog(json: &str) -> Vec<(String, String)> {
    match super::json::Value::parse(json) {
        Ok(super::json::Value::Object(map)) => {
            map.0.into_iter().filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string()))).collect()
        }
        _ => Vec::new(),
    }
}

fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in args {
        out = out.replace(&["{", k, "}"].concat(), v);
    }
    out
}

impl Messages {
    /// Messages for a built-in locale (English when unknown), its catalog (the JSON of
    /// `i18n/<code>.json`; `None` for English or when it could not load) and the
    /// config's `texts` overrides.
    pub fn new(locale: &str, catalog_json: Option<&str>, config: Option<&Config>) -> Self {
        let code = negotiate([locale]).unwrap_or("en");
        let catalog = if code == "en" { Vec::new() } else { catalog_json.map(parse_catalog).unwrap_or_default() };
        // Without its catalog a locale shows English, so it *is* English (plurals, dates).
        let code = if catalog.is_empty() { "en" } else { code };
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
        let lang = locale.split(['-', '_']).next().unwrap_or(locale);
        let tag = if lang.eq_ignore_ascii_case(code) { locale.to_string() } else { code.to_string() };
        Messages { locale: code.to_string(), tag, catalog, overrides }
    }

    /// The raw message for `key`: override, built-in, English, else the empty string.
    pub fn raw(&self, key: &str) -> &str {
        if let Some((_, v)) = self.overrides.iter().find(|(k, _)| k == key) {
            return v;
        }
        if let Some((_, v)) = self.catalog.iter().find(|(k, _)| k == key) {
            return v;
        }
        catalog::english(key)
    }

    /// The message for `key` with `{name}` placeholders filled.
    pub fn t(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.raw(key), args)
    }

    /// A plural message: `key.<category>`, else `key.other`, from the override or this
    /// locale's catalog first, English only when the locale has neither.
    pub fn plural(&self, key: &str, category: &str, args: &[(&str, &str)]) -> String {
        let specific = [key, ".", category].concat();
        let other = [key, ".other"].concat();
        let local =
            |k: &str| self.overrides.iter().chain(self.catalog.iter()).find(|(x, _)| x == k).map(|(_, v)| v.as_str());
        let raw = local(&specific).or_else(|| local(&other)).unwrap_or_else(|| {
            let en = self.raw(&specific);
            if en.is_empty() {
                self.raw(&other)
            } else {
                en
            }
        });
        fill(raw, args)
    }

    /// A config text in this locale (a built-in message through the catalogs and `texts`).
    pub fn text<'a>(&'a self, t: &'a Text) -> &'a str {
        match t {
            Text::Message(key) => self.raw(key),
            _ => t.get(&self.locale),
        }
    }
}

/// Messages plus formats: the phrases the views show.
pub struct Words<'a, F: Formats + ?Sized> {
    /// The messages.
    pub msgs: &'a Messages,
    /// The formats.
    pub fmt: &'a F,
}

impl<'a, F: Formats + ?Sized> Words<'a, F> {
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
        self.msgs.plural(&["unit.", s.unit.as_str()].concat(), self.fmt.plural(s.count as u64), &[("n", &n)])
    }

    /// "€32.90 per week" or "€19.90 every 2 weeks".
    pub fn price(&self, p: &Price) -> String {
        let amount = self.fmt.money(p.amount_minor, &p.currency);
        if p.per.count == 1 {
            self.ta(&["price.per.", p.per.unit.as_str()].concat(), &[("price", &amount)])
        } else {
            self.ta("price.every", &[("price", &amount), ("span", &self.span(p.per))])
        }
    }

    /// "20 of 50 weeks" (or "8 deliveries every 2 months" for longer units).
    pub fn deliveries(&self, d: Deliveries) -> String {
        if d.count == d.per.count && matches!(d.per.unit, Unit::Day | Unit::Week) {
            return self.t(&["deliveries.each.", d.per.unit.as_str()].concat());
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
            DiscountAmount::Percent(p) => {
                self.ta("offer.discount.percent", &[("percent", &p.to_string()), ("span", &m)])
            }
            DiscountAmount::Amount { amount_minor, currency } => {
                self.ta("offer.discount.amount", &[("amount", &self.fmt.money(*amount_minor, currency)), ("span", &m)])
            }
        }
    }

    /// A long date, through `Intl`; from the catalog's pattern and month names when the
    /// browser has no date data for the locale.
    pub fn date(&self, d: Ymd) -> String {
        if self.fmt.knows_dates() {
            return self.fmt.date(d);
        }
        let month = self.t(&format!("date.month.{}", d.month));
        let (day, year) = (self.fmt.number(d.day as u64), d.year.to_string());
        self.ta("date.long", &[("day", &day), ("month", &month), ("year", &year)])
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
