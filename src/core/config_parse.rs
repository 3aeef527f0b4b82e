//! Parsing and validating a config (contract section 3): JSON text plus the element's
//! attribute overrides in, a `Config` plus warnings out, or one `ConfigError` that names
//! the field and says what is allowed. Never panics, whatever the input. `read_config`
//! is the one entry point for a mount: one JSON parse, and on failure the error comes
//! with the salvaged fallback and the requested locale.

use super::config::*;
use super::date::Ymd;
use super::json::Value;
use super::reader::{as_int, as_str, index, type_name, ConfigError, Obj, Read};

/// Largest config accepted, in bytes of JSON text.
pub const MAX_CONFIG_BYTES: usize = 256 * 1024;
/// Most reasons in a survey.
pub const MAX_REASONS: usize = 30;
/// Most options, tiers or links in one offer.
pub const MAX_OPTIONS: usize = 12;

/// A parsed config and the non-fatal problems found (unknown fields).
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The config.
    pub config: Config,
    /// One line per ignored unknown field.
    pub warnings: Vec<String>,
}

/// Attribute overrides from the `<cancel-flow>` element (each wins over the config field).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `endpoint` attribute.
    pub endpoint: Option<String>,
    /// `locale` attribute.
    pub locale: Option<String>,
    /// `customer-id` attribute.
    pub customer_id: Option<String>,
    /// `subscription-id` attribute.
    pub subscription_id: Option<String>,
    /// `token` attribute.
    pub token: Option<String>,
    /// `theme` attribute.
    pub theme: Option<String>,
}

/// A config that failed: the error, and what the error screen still needs from the
/// text, read from the same single parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Why it failed (also when the text is not JSON at all).
    pub error: ConfigError,
    /// The config's `fallback`, with unsafe or malformed values left out (both `None`
    /// when the text is not JSON or has no usable fallback).
    pub fallback: Fallback,
    /// The requested locale, valid or not: the `locale` override if given, else the
    /// config's non-blank `locale` text.
    pub locale: Option<String>,
}

/// Reads a config for one mount: parses the JSON text once, applies the overrides and
/// validates. On success the requested locale is `config.locale` (overrides applied);
/// on failure `Rejected` carries the error, the salvaged fallback and the requested locale.
pub fn read_config(text: &str, overrides: &Overrides) -> Result<Parsed, Rejected> {
    let mut value = match json_of(text) {
        Ok(v) => v,
        Err(error) => {
            return Err(Rejected {
                error,
                fallback: Fallback { url: None, email: None },
                locale: overrides.locale.clone(),
            })
        }
    };
    apply_overrides(&mut value, overrides);
    parse_value(&value).map_err(|error| Rejected {
        error,
        // Overrides touch neither `fallback` nor, when no locale override is given, `locale`.
        fallback: fallback_of(&value),
        locale: overrides
            .locale
            .clone()
            .or_else(|| value.get("locale")?.as_str().filter(|s| !s.trim().is_empty()).map(str::to_string)),
    })
}

/// Parses JSON text with overrides applied (`read_config` without the salvage).
pub fn parse_config(text: &str, overrides: &Overrides) -> Result<Parsed, ConfigError> {
    read_config(text, overrides).map_err(|r| r.error)
}

/// The JSON value of a config's text, within the size limit.
fn json_of(text: &str) -> Read<Value> {
    if text.len() > MAX_CONFIG_BYTES {
        return Err(ConfigError::new(
            "config",
            format!("is {} KB; at most {} KB is accepted", text.len() / 1024, MAX_CONFIG_BYTES / 1024),
        ));
    }
    if text.trim().is_empty() {
        return Err(ConfigError::new("config", "is empty: give a JSON object inline or a config URL"));
    }
    Value::parse(text).map_err(|e| ConfigError::new("config", format!("is not valid JSON ({e})")))
}

fn apply_overrides(v: &mut Value, o: &Overrides) {
    let Value::Object(root) = v else { return };
    let mut set = |key: &str, val: &Option<String>| {
        if let Some(s) = val {
            root.insert(key, Value::String(s.clone()));
        }
    };
    set("endpoint", &o.endpoint);
    set("locale", &o.locale);
    set("token", &o.token);
    set("theme", &o.theme);
    if o.customer_id.is_some() || o.subscription_id.is_some() {
        if root.get("customer").is_none() {
            root.insert("customer", Value::Object(Default::default()));
        }
        if let Some((_, Value::Object(c))) = root.0.iter_mut().find(|(k, _)| k == "customer") {
            if let Some(id) = &o.customer_id {
                c.insert("id", Value::String(id.clone()));
            }
            if let Some(id) = &o.subscription_id {
                c.insert("subscription_id", Value::String(id.clone()));
            }
        }
    }
}

/// Validates an already-parsed JSON value.
pub fn parse_value(v: &Value) -> Result<Parsed, ConfigError> {
    let mut warnings = Vec::new();
    let mut root = Obj::new(v, "")?;
    let schema = root.str("schema")?;
    if schema != CONFIG_SCHEMA {
        let major_ok = schema.strip_prefix("cancel-flow/config@").is_some();
        return Err(ConfigError::new(
            "schema",
            if major_ok {
                format!("version \"{schema}\" is not supported; this build reads \"{CONFIG_SCHEMA}\"")
            } else {
                format!("must be \"{CONFIG_SCHEMA}\", not \"{schema}\"")
            },
        ));
    }
    let flow_id = id_like(&mut root, "flow_id")?;
    let endpoint = root.str("endpoint")?;
    check_url(&endpoint, "endpoint", Http::LocalhostOnly)?;
    let headers = parse_headers(&mut root)?;
    let token = root.opt_str("token")?;
    let test = root.bool_or("test", false)?;
    let locale = root.opt_str("locale")?.filter(|s| !s.trim().is_empty());
    if let Some(l) = &locale {
        if !is_locale_tag(l) {
            return Err(ConfigError::new(
                "locale",
                format!("\"{l}\" is not a language tag such as \"en\" or \"pt-BR\""),
            ));
        }
    }
    let customer = parse_customer(&mut root, &mut warnings)?;
    let plan = parse_plan(&mut root, &mut warnings)?;
    let flow = match root.opt_str("flow")?.as_deref() {
        None | Some("guided") => FlowKind::Guided,
        Some("direct") => FlowKind::Direct,
        Some(other) => {
            return Err(ConfigError::new("flow", format!("must be \"guided\" or \"direct\", not \"{other}\"")))
        }
    };
    let offers = parse_offers(&mut root, &plan, &mut warnings)?;
    let survey = parse_survey(&mut root, &offers, &mut warnings)?;
    let cancel = parse_cancel(&mut root, &mut warnings)?;
    let keep_in_touch = match root.get("keep_in_touch") {
        None => false,
        Some(v) => {
            let mut o = Obj::new(v, "keep_in_touch")?;
            let on = o.bool_or("enabled", false)?;
            warnings.extend(o.unknown());
            on
        }
    };
    let fallback = parse_fallback(&mut root, &mut warnings)?;
    let texts = parse_texts(&mut root)?;
    let theme = match root.opt_str("theme")?.as_deref() {
        None | Some("auto") => Theme::Auto,
        Some("light") => Theme::Light,
        Some("dark") => Theme::Dark,
        Some(other) => {
            return Err(ConfigError::new("theme", format!("must be \"light\", \"dark\" or \"auto\", not \"{other}\"")))
        }
    };
    warnings.extend(root.unknown());
    let warnings = warnings.into_iter().map(|p| format!("{p}: unknown field, ignored")).collect();
    Ok(Parsed {
        config: Config {
            flow_id,
            endpoint,
            headers,
            token,
            test,
            locale,
            customer,
            plan,
            flow,
            survey,
            offers,
            cancel,
            keep_in_touch,
            fallback,
            texts,
            theme,
        },
        warnings,
    })
}

/// Reads just the fallback of a config that failed validation, so the error message can
/// still offer it. Unsafe or malformed values are left out. Superseded by `read_config`,
/// which returns it without a second parse; kept while `web::mount` still calls it.
pub fn salvage_fallback(text: &str) -> Fallback {
    match json_of(text) {
        Ok(v) => fallback_of(&v),
        Err(_) => Fallback { url: None, email: None },
    }
}

/// The usable part of a JSON config's `fallback`, whatever else is wrong with it.
fn fallback_of(config: &Value) -> Fallback {
    let Some(f) = config.get("fallback") else { return Fallback { url: None, email: None } };
    let url = f.get("url").and_then(Value::as_str).filter(|u| check_url(u, "fallback.url", Http::Anywhere).is_ok());
    let email = f.get("email").and_then(Value::as_str).filter(|e| is_email(e));
    Fallback { url: url.map(str::to_string), email: email.map(str::to_string) }
}

fn id_like(o: &mut Obj, key: &'static str) -> Read<String> {
    let s = o.str(key)?;
    if s.len() > 200 {
        return Err(ConfigError::new(o.at(key), "must be at most 200 characters"));
    }
    Ok(s)
}

fn is_locale_tag(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 35
        && s.split(['-', '_']).all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|c| c.is_ascii_alphanumeric()))
}

fn is_email(s: &str) -> bool {
    let mut parts = s.split('@');
    let (Some(user), Some(host), None) = (parts.next(), parts.next(), parts.next()) else { return false };
    !user.is_empty()
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && s.len() <= 254
        && !s.chars().any(|c| c.is_whitespace() || c.is_control() || "<>\"'(),;:[]\\".contains(c) && c != '@')
}

fn is_localhost(rest: &str) -> bool {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().map(|h| if h == "::1" { "[::1]" } else { "" }).unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    matches!(host, "localhost" | "127.0.0.1" | "[::1]") || host.ends_with(".localhost")
}

fn has_bad_chars(s: &str) -> bool {
    s.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// Where a URL field accepts plain `http://`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Http {
    /// Any host: links and the fallback, which the person opens themselves.
    Anywhere,
    /// Only localhost: the endpoint, which receives the outcome (and any token).
    LocalhostOnly,
}

/// A URL field: `https://`, a same-origin path (`/...`, never `//...`), or `http://` as
/// `http` allows; never `javascript:`, `data:` or anything with spaces or control characters.
pub(crate) fn check_url(url: &str, path: &str, http: Http) -> Read<()> {
    let lower = url.to_ascii_lowercase();
    let http_ok = |rest: &str| match http {
        Http::Anywhere => !rest.is_empty(),
        Http::LocalhostOnly => is_localhost(rest),
    };
    let ok = !has_bad_chars(url)
        && ((lower.starts_with('/') && !lower.starts_with("//"))
            || lower.strip_prefix("https://").is_some_and(|r| !r.is_empty())
            || lower.strip_prefix("http://").is_some_and(http_ok));
    if ok {
        return Ok(());
    }
    let allowed = match http {
        Http::Anywhere => "an https:// or http:// address or a path starting with /",
        Http::LocalhostOnly => "https://, a same-origin path such as /api/cancel, or http:// on localhost",
    };
    Err(ConfigError::new(path, format!("\"{url}\" is not allowed: use {allowed}")))
}

fn parse_headers(root: &mut Obj) -> Read<Vec<(String, String)>> {
    let Some(v) = root.get("headers") else { return Ok(Vec::new()) };
    let Value::Object(map) = v else {
        return Err(ConfigError::new(
            "headers",
            format!("must be an object of header names to text, not {}", type_name(v)),
        ));
    };
    let mut out = Vec::new();
    for (k, v) in map {
        let path = format!("headers.{k}");
        let ok_name = !k.is_empty() && k.bytes().all(|c| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c));
        if !ok_name {
            return Err(ConfigError::new(path, "is not a valid HTTP header name"));
        }
        let lower = k.to_ascii_lowercase();
        if matches!(lower.as_str(), "content-type" | "idempotency-key" | "content-length" | "host") {
            return Err(ConfigError::new(path, "is set by cancel-flow itself and cannot be configured"));
        }
        let val = as_str(v, &path)?;
        if val.chars().any(|c| c.is_control()) {
            return Err(ConfigError::new(path, "must not contain line breaks or control characters"));
        }
        out.push((k.clone(), val));
    }
    Ok(out)
}

fn parse_customer(root: &mut Obj, warnings: &mut Vec<String>) -> Read<Customer> {
    let v = root.need("customer")?;
    let mut o = Obj::new(v, "customer")?;
    let c = Customer {
        id: id_like(&mut o, "id")?,
        subscription_id: o.opt_str("subscription_id")?,
        email: o.opt_str("email")?,
    };
    warnings.extend(o.unknown());
    Ok(c)
}

/// A label-like field: text or a map of locale to text.
pub(crate) fn text(v: &Value, path: &str) -> Read<Text> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Ok(Text::Plain(s.clone())),
        Value::Object(map) if !map.is_empty() => {
            let mut out = Vec::new();
            for (k, v) in map {
                let p = format!("{path}.{k}");
                if !is_locale_tag(k) {
                    return Err(ConfigError::new(p, "is not a language tag such as \"en\" or \"pt-BR\""));
                }
                out.push((k.clone(), as_str(v, &p)?));
            }
            Ok(Text::PerLocale(out))
        }
        _ => Err(ConfigError::new(
            path,
            "must be non-empty text or an object of language to text, like {\"en\": \"...\"}",
        )),
    }
}

fn opt_text(o: &mut Obj, key: &'static str) -> Read<Option<Text>> {
    let path = o.at(key);
    o.get(key).map(|v| text(v, &path)).transpose()
}

fn unit(v: &Value, path: &str, allowed: &[Unit]) -> Read<Unit> {
    let s = as_str(v, path)?;
    let u = match s.as_str() {
        "day" => Some(Unit::Day),
        "week" => Some(Unit::Week),
        "month" => Some(Unit::Month),
        "year" => Some(Unit::Year),
        _ => None,
    };
    match u {
        Some(u) if allowed.contains(&u) => Ok(u),
        _ => {
            let names: Vec<String> = allowed.iter().map(|u| format!("\"{}\"", u.as_str())).collect();
            Err(ConfigError::new(path, format!("must be one of {}, not \"{s}\"", names.join(", "))))
        }
    }
}

const ALL_UNITS: [Unit; 4] = [Unit::Day, Unit::Week, Unit::Month, Unit::Year];

/// A period such as `{ "unit": "week", "count": 50 }`.
fn span(v: &Value, path: &str, pause: bool, warnings: &mut Vec<String>) -> Read<Span> {
    let mut o = Obj::new(v, path)?;
    let u = unit(o.need("unit")?, &o.at("unit"), &ALL_UNITS)?;
    let max = match (pause, u) {
        (true, Unit::Day) => 90,
        (true, Unit::Week) => 52,
        (true, Unit::Month) => 12,
        (true, Unit::Year) => 1,
        (false, Unit::Day) => 366,
        (false, Unit::Week) => 104,
        (false, Unit::Month) => 24,
        (false, Unit::Year) => 2,
    };
    let count = o.int("count", 1, max)? as u32;
    warnings.extend(o.unknown());
    Ok(Span { unit: u, count })
}

fn currency(o: &mut Obj) -> Read<String> {
    let c = o.str("currency")?;
    if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ConfigError::new(
            o.at("currency"),
            format!("must be a three-letter ISO 4217 code such as \"EUR\", not \"{c}\""),
        ));
    }
    Ok(c)
}

fn price(v: &Value, path: &str, warnings: &mut Vec<String>) -> Read<Price> {
    let mut o = Obj::new(v, path)?;
    let amount_minor = o.int("amount_minor", 0, 1_000_000_000_000)?;
    let currency = currency(&mut o)?;
    let per = span(o.need("per")?, &o.at("per"), false, warnings)?;
    warnings.extend(o.unknown());
    Ok(Price { amount_minor, currency, per })
}

/// Approximate days in a period, for comparing delivery rates.
fn period_days(s: Span) -> u64 {
    s.count as u64
        * match s.unit {
            Unit::Day => 1,
            Unit::Week => 7,
            Unit::Month => 30,
            Unit::Year => 365,
        }
}

fn deliveries(v: &Value, path: &str, warnings: &mut Vec<String>) -> Read<Deliveries> {
    let mut o = Obj::new(v, path)?;
    let count_path = o.at("count");
    let count_v = o.need("count")?;
    let per = span(o.need("per")?, &o.at("per"), false, warnings)?;
    // At most one delivery a day; for weeks, at most one a week is the usual box, but
    // twice-weekly exists, so the cap is days in the period.
    let days = match per.unit {
        Unit::Day => 1,
        Unit::Week => 7,
        Unit::Month => 31,
        Unit::Year => 366,
    } * per.count;
    let count = as_int(count_v, &count_path, 1, days as u64)? as u32;
    warnings.extend(o.unknown());
    Ok(Deliveries { count, per })
}

fn parse_plan(root: &mut Obj, warnings: &mut Vec<String>) -> Read<Plan> {
    let v = root.need("plan")?;
    let mut o = Obj::new(v, "plan")?;
    let id = id_like(&mut o, "id")?;
    let name = opt_text(&mut o, "name")?;
    let price = o.get("price").map(|v| price(v, "plan.price", warnings)).transpose()?;
    let deliveries = o.get("deliveries").map(|v| deliveries(v, "plan.deliveries", warnings)).transpose()?;
    warnings.extend(o.unknown());
    Ok(Plan { id, name, price, deliveries })
}

fn unique_ids<'a>(ids: impl Iterator<Item = (&'a str, String)>) -> Read<()> {
    let mut seen: Vec<&str> = Vec::new();
    for (id, path) in ids {
        if seen.contains(&id) {
            return Err(ConfigError::new(path, format!("\"{id}\" is used twice; ids must be unique")));
        }
        seen.push(id);
    }
    Ok(())
}

/// Where an offer keeps its list of items.
#[derive(Debug, Clone, Copy)]
enum Holds {
    /// `offers.<offer>` is an object and its `<key>` is the list (`pause.options`,
    /// `downgrade.tiers`, `frequency.options`); its other fields are reported as unknown.
    ListAt(&'static str),
    /// `offers.<offer>` is the list itself (`links`).
    Bare,
}

/// One offer made of a list: finds the list as `holds` says, checks it has 1 to
/// `MAX_OPTIONS` items, reads each with `item` (given its indexed path, like
/// `offers.pause.options[1]`), checks ids are unique when `id` is given, and reports
/// unknown fields. `None` when the offer is absent.
fn offer_list<T>(
    offers: &mut Obj,
    offer: &'static str,
    holds: Holds,
    id: Option<fn(&T) -> &str>,
    warnings: &mut Vec<String>,
    mut item: impl FnMut(&Value, &str, &mut Vec<String>) -> Read<T>,
) -> Read<Option<Vec<T>>> {
    let Some(v) = offers.get(offer) else { return Ok(None) };
    let offer_path = offers.at(offer);
    let (path, list, obj) = match holds {
        Holds::ListAt(key) => {
            let mut obj = Obj::new(v, &offer_path)?;
            let path = obj.at(key);
            let list = obj.opt_list(key)?.ok_or_else(|| ConfigError::new(&path, "is required"))?;
            if list.is_empty() {
                return Err(ConfigError::new(path, "must list at least 1"));
            }
            if list.len() > MAX_OPTIONS {
                return Err(ConfigError::new(path, format!("lists {}; at most {MAX_OPTIONS} are allowed", list.len())));
            }
            (path, list, Some(obj))
        }
        Holds::Bare => {
            let Value::Array(list) = v else {
                return Err(ConfigError::new(offer_path, format!("must be a list, not {}", type_name(v))));
            };
            if list.is_empty() || list.len() > MAX_OPTIONS {
                return Err(ConfigError::new(offer_path, format!("must list 1 to {MAX_OPTIONS} {offer}")));
            }
            (offer_path, list, None)
        }
    };
    let mut out = Vec::with_capacity(list.len());
    for (i, x) in list.iter().enumerate() {
        out.push(item(x, &index(&path, i), warnings)?);
    }
    if let Some(id) = id {
        unique_ids(out.iter().enumerate().map(|(i, x)| (id(x), format!("{}.id", index(&path, i)))))?;
    }
    if let Some(obj) = obj {
        warnings.extend(obj.unknown());
    }
    Ok(Some(out))
}

fn parse_offers(root: &mut Obj, plan: &Plan, warnings: &mut Vec<String>) -> Read<Offers> {
    let Some(v) = root.get("offers") else { return Ok(Offers::default()) };
    let mut o = Obj::new(v, "offers")?;
    let pause =
        offer_list(&mut o, "pause", Holds::ListAt("options"), None, warnings, |v, path, w| span(v, path, true, w))?;
    let downgrade = offer_list(
        &mut o,
        "downgrade",
        Holds::ListAt("tiers"),
        Some(|t: &Tier| t.id.as_str()),
        warnings,
        |v, path, w| tier(v, path, plan, w),
    )?;
    let frequency = offer_list(&mut o, "frequency", Holds::ListAt("options"), None, warnings, |v, path, w| {
        reduced_deliveries(v, path, plan, w)
    })?;
    let discount = o.get("discount").map(|v| discount(v, warnings)).transpose()?;
    let links = offer_list(&mut o, "links", Holds::Bare, Some(|l: &Link| l.id.as_str()), warnings, link)?;
    warnings.extend(o.unknown());
    Ok(Offers { pause, downgrade, frequency, discount, links })
}

/// A cheaper tier of `offers.downgrade.tiers`.
fn tier(v: &Value, path: &str, plan: &Plan, warnings: &mut Vec<String>) -> Read<Tier> {
    let mut t = Obj::new(v, path)?;
    let id = id_like(&mut t, "id")?;
    let name = text(t.need("name")?, &t.at("name"))?;
    let price = t.get("price").map(|v| price(v, &t.at("price"), warnings)).transpose()?;
    let texts = |key: &'static str, t: &mut Obj| -> Read<Vec<Text>> {
        let p = t.at(key);
        let mut out = Vec::new();
        for (j, v) in t.opt_list(key)?.into_iter().flatten().enumerate() {
            out.push(text(v, &index(&p, j))?);
        }
        Ok(out)
    };
    let features = texts("features", &mut t)?;
    let loses = texts("loses", &mut t)?;
    if id == plan.id {
        return Err(ConfigError::new(t.at("id"), "is the current plan; a downgrade must be another tier"));
    }
    warnings.extend(t.unknown());
    Ok(Tier { id, name, price, features, loses })
}

/// A frequency option: deliveries at a lower rate than the plan's, compared per day of
/// each period.
fn reduced_deliveries(v: &Value, path: &str, plan: &Plan, warnings: &mut Vec<String>) -> Read<Deliveries> {
    let d = deliveries(v, path, warnings)?;
    if let Some(now) = plan.deliveries {
        if d.count as u64 * period_days(now.per) >= now.count as u64 * period_days(d.per) {
            return Err(ConfigError::new(
                format!("{path}.count"),
                format!(
                    "must be fewer deliveries than the plan's {} per {} {}",
                    now.count,
                    now.per.count,
                    now.per.unit.as_str()
                ),
            ));
        }
    }
    Ok(d)
}

fn discount(v: &Value, warnings: &mut Vec<String>) -> Read<Discount> {
    let mut d = Obj::new(v, "offers.discount")?;
    let amount = if d.get("percent_off").is_some() {
        DiscountAmount::Percent(d.int("percent_off", 1, 100)? as u32)
    } else if d.get("amount_off_minor").is_some() {
        DiscountAmount::Amount {
            amount_minor: d.int("amount_off_minor", 1, 1_000_000_000_000)?,
            currency: currency(&mut d)?,
        }
    } else {
        return Err(ConfigError::new("offers.discount.percent_off", "is required (or amount_off_minor with currency)"));
    };
    let months = d.int("months", 1, 36)? as u32;
    warnings.extend(d.unknown());
    Ok(Discount { amount, months })
}

/// One of `offers.links`.
fn link(v: &Value, path: &str, warnings: &mut Vec<String>) -> Read<Link> {
    let mut lo = Obj::new(v, path)?;
    let id = id_like(&mut lo, "id")?;
    let label = text(lo.need("label")?, &lo.at("label"))?;
    let url = lo.str("url")?;
    check_url(&url, &lo.at("url"), Http::Anywhere)?;
    warnings.extend(lo.unknown());
    Ok(Link { id, label, url })
}

fn parse_survey(root: &mut Obj, offers: &Offers, warnings: &mut Vec<String>) -> Read<Option<Survey>> {
    let Some(v) = root.get("survey") else { return Ok(None) };
    let mut s = Obj::new(v, "survey")?;
    let question = opt_text(&mut s, "question")?;
    let randomize = s.bool_or("randomize", false)?;
    let l = s
        .opt_list("reasons")?
        .ok_or_else(|| ConfigError::new("survey.reasons", "is required: list at least one reason"))?;
    if l.is_empty() {
        return Err(ConfigError::new("survey.reasons", "is empty: list at least one reason, or leave out the survey"));
    }
    if l.len() > MAX_REASONS {
        return Err(ConfigError::new(
            "survey.reasons",
            format!("lists {}; at most {MAX_REASONS} reasons are allowed", l.len()),
        ));
    }
    let mut reasons = Vec::new();
    for (i, item) in l.iter().enumerate() {
        let path = index("survey.reasons", i);
        let mut r = Obj::new(item, &path)?;
        let id = id_like(&mut r, "id")?;
        let label = text(r.need("label")?, &r.at("label"))?;
        let comment = match r.opt_str("comment")?.as_deref() {
            None | Some("none") => false,
            Some("optional") => true,
            Some(other) => {
                return Err(ConfigError::new(
                    r.at("comment"),
                    format!("must be \"optional\" or \"none\", not \"{other}\""),
                ))
            }
        };
        let offers_path = r.at("offers");
        let listed = match r.opt_list("offers")? {
            None => None,
            Some(items) => {
                let mut kinds = Vec::new();
                for (j, k) in items.iter().enumerate() {
                    let p = index(&offers_path, j);
                    let name = as_str(k, &p)?;
                    let kind = OfferKind::from_config_key(&name).ok_or_else(|| {
                        ConfigError::new(
                            &p,
                            format!("\"{name}\" is not an offer; use pause, downgrade, frequency, discount or links"),
                        )
                    })?;
                    if !offers.has(kind) {
                        return Err(ConfigError::new(
                            p,
                            format!("names \"{name}\", but offers.{name} is not configured"),
                        ));
                    }
                    kinds.push(kind);
                }
                Some(kinds)
            }
        };
        let pinned = r.bool_or("pinned", false)?;
        warnings.extend(r.unknown());
        reasons.push(Reason { id, label, comment, offers: listed, pinned });
    }
    unique_ids(reasons.iter().enumerate().map(|(i, r)| (r.id.as_str(), format!("survey.reasons[{i}].id"))))?;
    warnings.extend(s.unknown());
    Ok(Some(Survey { question, randomize, reasons }))
}

fn parse_cancel(root: &mut Obj, warnings: &mut Vec<String>) -> Read<CancelSettings> {
    let default = CancelSettings { effective: vec![Effective::PeriodEnd], period_end: None };
    let Some(v) = root.get("cancel") else { return Ok(default) };
    let mut c = Obj::new(v, "cancel")?;
    let mut effective = Vec::new();
    if let Some(l) = c.opt_list("effective")? {
        if l.is_empty() {
            return Err(ConfigError::new("cancel.effective", "must list \"period_end\", \"immediately\" or both"));
        }
        for (i, e) in l.iter().enumerate() {
            let p = index("cancel.effective", i);
            let e = match as_str(e, &p)?.as_str() {
                "period_end" => Effective::PeriodEnd,
                "immediately" => Effective::Immediately,
                other => {
                    return Err(ConfigError::new(
                        p,
                        format!("must be \"period_end\" or \"immediately\", not \"{other}\""),
                    ))
                }
            };
            if effective.contains(&e) {
                return Err(ConfigError::new(p, "is listed twice"));
            }
            effective.push(e);
        }
    } else {
        effective = default.effective;
    }
    let period_end = match c.opt_str("period_end")? {
        None => None,
        Some(s) => Some(Ymd::parse(&s).ok_or_else(|| {
            ConfigError::new("cancel.period_end", format!("must be a date like \"2026-12-31\", not \"{s}\""))
        })?),
    };
    warnings.extend(c.unknown());
    Ok(CancelSettings { effective, period_end })
}

fn parse_fallback(root: &mut Obj, warnings: &mut Vec<String>) -> Read<Fallback> {
    let v = root.need("fallback")?;
    let mut f = Obj::new(v, "fallback")?;
    let url = f.opt_str("url")?;
    if let Some(u) = &url {
        check_url(u, "fallback.url", Http::Anywhere)?;
    }
    let email = f.opt_str("email")?;
    if let Some(e) = &email {
        if !is_email(e) {
            return Err(ConfigError::new("fallback.email", format!("\"{e}\" is not an email address")));
        }
    }
    if url.is_none() && email.is_none() {
        return Err(ConfigError::new("fallback", "needs a url or an email (or both), so a person can always cancel"));
    }
    warnings.extend(f.unknown());
    Ok(Fallback { url, email })
}

/// Per-locale message overrides: locale → (key → text), as in `Config::texts`.
type Texts = Vec<(String, Vec<(String, String)>)>;

fn parse_texts(root: &mut Obj) -> Read<Texts> {
    let Some(v) = root.get("texts") else { return Ok(Vec::new()) };
    let Value::Object(map) = v else {
        return Err(ConfigError::new(
            "texts",
            "must be an object of language to messages, like {\"en\": {\"confirm.title\": \"...\"}}",
        ));
    };
    let mut out = Vec::new();
    for (lang, msgs) in map {
        let p = format!("texts.{lang}");
        if !is_locale_tag(lang) {
            return Err(ConfigError::new(p, "is not a language tag such as \"en\" or \"pt-BR\""));
        }
        let Value::Object(msgs) = msgs else {
            return Err(ConfigError::new(p, "must be an object of message keys to text"));
        };
        let mut m = Vec::new();
        for (k, v) in msgs {
            m.push((k.clone(), as_str(v, &format!("{p}.{k}"))?));
        }
        out.push((lang.clone(), m));
    }
    Ok(out)
}
