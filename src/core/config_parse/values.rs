//! Reading and checking single values of a config: ids, language tags, emails, URLs,
//! texts, units, spans, prices, delivery counts, unique ids, and the `served` block
//! (which an outcome carries too). Each error names the field.

use crate::core::config::*;
use crate::core::json::Value;
use crate::core::reader::{as_int, as_str, ConfigError, Obj, Read};

pub(crate) fn id_like(o: &mut Obj, key: &'static str) -> Read<String> {
    let s = o.str(key)?;
    if s.len() > 200 {
        return Err(ConfigError::new(o.at(key), "must be at most 200 characters"));
    }
    Ok(s)
}

pub(crate) fn is_locale_tag(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 35
        && s.split(['-', '_']).all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|c| c.is_ascii_alphanumeric()))
}

pub(super) fn is_email(s: &str) -> bool {
    let mut parts = s.split('@');
    let (Some(user), Some(host), None) = (parts.next(), parts.next(), parts.next()) else { return false };
    !user.is_empty()
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && s.len() <= 254
        && !s.chars().any(|c| c.is_whitespace() || c.is_control() || "<>\"'(),;:[]\\".contains(c) && c != '@')
}

pub(super) fn is_localhost(rest: &str) -> bool {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().map(|h| if h == "::1" { "[::1]" } else { "" }).unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    matches!(host, "localhost" | "127.0.0.1" | "[::1]") || host.ends_with(".localhost")
}

pub(super) fn has_bad_chars(s: &str) -> bool {
    s.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// Where a URL field accepts plain `http://`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Http {
    /// Any host: links and the fallback, which the person opens themselves.
    Anywhere,
    /// Only localhost: the endpoint, which receives the outcome (and any token).
    LocalhostOnly,
}

/// A URL field: `https://`, a same-origin path (`/...`, never `//...`), or `http://` as
/// `http` allows; never `javascript:`, `data:` or anything with spaces or control characters.
pub(super) fn check_url(url: &str, path: &str, http: Http) -> Read<()> {
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

/// A label-like field: text or a map of locale to text.
pub(super) fn text(v: &Value, path: &str) -> Read<Text> {
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

pub(super) fn opt_text(o: &mut Obj, key: &'static str) -> Read<Option<Text>> {
    let path = o.at(key);
    o.get(key).map(|v| text(v, &path)).transpose()
}

pub(super) fn unit(v: &Value, path: &str, allowed: &[Unit]) -> Read<Unit> {
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

pub(super) const ALL_UNITS: [Unit; 4] = [Unit::Day, Unit::Week, Unit::Month, Unit::Year];

/// A period such as `{ "unit": "week", "count": 50 }`.
pub(crate) fn span(v: &Value, path: &str, pause: bool, warnings: &mut Vec<String>) -> Read<Span> {
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

pub(crate) fn currency(o: &mut Obj) -> Read<String> {
    let c = o.str("currency")?;
    if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ConfigError::new(
            o.at("currency"),
            format!("must be a three-letter ISO 4217 code such as \"EUR\", not \"{c}\""),
        ));
    }
    Ok(c)
}

pub(super) fn price(v: &Value, path: &str, warnings: &mut Vec<String>) -> Read<Price> {
    let mut o = Obj::new(v, path)?;
    let amount_minor = o.int("amount_minor", 0, 1_000_000_000_000)?;
    let currency = currency(&mut o)?;
    let per = span(o.need("per")?, &o.at("per"), false, warnings)?;
    warnings.extend(o.unknown());
    Ok(Price { amount_minor, currency, per })
}

/// Approximate days in a period, for comparing delivery rates.
pub(super) fn period_days(s: Span) -> u64 {
    s.count as u64
        * match s.unit {
            Unit::Day => 1,
            Unit::Week => 7,
            Unit::Month => 30,
            Unit::Year => 365,
        }
}

pub(crate) fn deliveries(v: &Value, path: &str, warnings: &mut Vec<String>) -> Read<Deliveries> {
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

pub(super) fn unique_ids<'a>(ids: impl Iterator<Item = (&'a str, String)>) -> Read<()> {
    let mut seen: Vec<&str> = Vec::new();
    for (id, path) in ids {
        if seen.contains(&id) {
            return Err(ConfigError::new(path, format!("\"{id}\" is used twice; ids must be unique")));
        }
        seen.push(id);
    }
    Ok(())
}

/// A `served` block (contract 1.2), in a config or in an outcome: `flow_version` a whole
/// number from 1, and an optional `experiment` with its `id` and `variant`.
pub(crate) fn served(v: &Value, path: &str, warnings: &mut Vec<String>) -> Read<Served> {
    let mut o = Obj::new(v, path)?;
    let flow_version = o.int("flow_version", 1, u32::MAX as u64)? as u32;
    let experiment = match o.get("experiment") {
        None => None,
        Some(e) => {
            let mut e = Obj::new(e, &o.at("experiment"))?;
            let experiment = ServedExperiment { id: served_id(&mut e, "id")?, variant: served_id(&mut e, "variant")? };
            warnings.extend(e.unknown());
            Some(experiment)
        }
    };
    warnings.extend(o.unknown());
    Ok(Served { flow_version, experiment })
}

/// An experiment or variant id of `served`.
fn served_id(o: &mut Obj, key: &'static str) -> Read<String> {
    let path = o.at(key);
    let s = as_str(o.need(key)?, &path)?;
    if !is_served_id(&s) {
        return Err(ConfigError::new(path, format!("must be 1 to {MAX_SERVED_ID} of a-z, 0-9, _ and -, not \"{s}\"")));
    }
    Ok(s)
}
