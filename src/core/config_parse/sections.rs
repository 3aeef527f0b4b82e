//! The config's sections other than offers: headers, customer, plan, survey, cancel,
//! fallback and text overrides.

use super::*;
use crate::core::config::*;
use crate::core::date::Ymd;
use crate::core::json::Value;
use crate::core::presets;
use crate::core::reader::{as_str, index, type_name, ConfigError, Obj, Read};

pub(super) fn parse_headers(root: &mut Obj) -> Read<Vec<(String, String)>> {
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

pub(super) fn parse_customer(root: &mut Obj, warnings: &mut Vec<String>) -> Read<Customer> {
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

pub(super) fn parse_plan(root: &mut Obj, warnings: &mut Vec<String>) -> Read<Plan> {
    let v = root.need("plan")?;
    let mut o = Obj::new(v, "plan")?;
    let id = id_like(&mut o, "id")?;
    let name = opt_text(&mut o, "name")?;
    let price = o.get("price").map(|v| price(v, "plan.price", warnings)).transpose()?;
    let deliveries = o.get("deliveries").map(|v| deliveries(v, "plan.deliveries", warnings)).transpose()?;
    warnings.extend(o.unknown());
    Ok(Plan { id, name, price, deliveries })
}

pub(super) fn parse_survey(root: &mut Obj, offers: &Offers, warnings: &mut Vec<String>) -> Read<Option<Survey>> {
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
        reasons.push(parse_reason(item, &index("survey.reasons", i), offers, warnings)?);
    }
    unique_ids(reasons.iter().enumerate().map(|(i, r)| (r.id.as_str(), format!("survey.reasons[{i}].id"))))?;
    warnings.extend(s.unknown());
    Ok(Some(Survey { question, randomize, reasons }))
}

/// One survey reason: written out, or a preset with any of its fields overridden.
fn parse_reason(item: &Value, path: &str, offers: &Offers, warnings: &mut Vec<String>) -> Read<Reason> {
    let mut r = Obj::new(item, path)?;
    let preset = match r.opt_str("preset")? {
        None => None,
        Some(name) => Some(presets::find(&name).ok_or_else(|| {
            ConfigError::new(r.at("preset"), format!("\"{name}\" is not a preset; use {}", presets::names()))
        })?),
    };
    let id = match (r.get("id"), preset) {
        (None, Some(p)) => p.id.to_string(),
        _ => id_like(&mut r, "id")?,
    };
    let label = match (r.get("label"), preset) {
        (Some(v), _) => text(v, &r.at("label"))?,
        (None, Some(p)) => Text::Message(p.label_key),
        (None, None) => return Err(ConfigError::new(r.at("label"), "is required")),
    };
    let comment = match r.opt_str("comment")?.as_deref() {
        None => preset.is_some_and(|p| p.comment),
        Some("none") => false,
        Some("optional") => true,
        Some(other) => {
            return Err(ConfigError::new(r.at("comment"), format!("must be \"optional\" or \"none\", not \"{other}\"")))
        }
    };
    let listed = match r.opt_list("offers")? {
        Some(items) => Some(listed_offers(items, &r.at("offers"), offers)?),
        // A preset's defaults name offers a shop may not have: only configured ones show.
        None => preset.and_then(|p| p.offers).map(|kinds| kinds.iter().copied().filter(|k| offers.has(*k)).collect()),
    };
    let pinned = r.bool_or("pinned", preset.is_some_and(|p| p.pinned))?;
    let feedback = match r.opt_str("feedback")? {
        None => preset.map(|p| p.feedback),
        Some(value) => Some(Feedback::read(&value, r.at("feedback"))?),
    };
    warnings.extend(r.unknown());
    Ok(Reason { id, label, comment, offers: listed, pinned, feedback })
}

/// A reason's `offers`: each one an offer the shop configured.
fn listed_offers(items: &[Value], path: &str, offers: &Offers) -> Read<Vec<OfferKind>> {
    let mut kinds = Vec::new();
    for (j, k) in items.iter().enumerate() {
        let p = index(path, j);
        let name = as_str(k, &p)?;
        let kind = OfferKind::from_config_key(&name).ok_or_else(|| {
            ConfigError::new(
                &p,
                format!("\"{name}\" is not an offer; use pause, downgrade, frequency, discount or links"),
            )
        })?;
        if !offers.has(kind) {
            return Err(ConfigError::new(p, format!("names \"{name}\", but offers.{name} is not configured")));
        }
        kinds.push(kind);
    }
    Ok(kinds)
}

pub(super) fn parse_cancel(root: &mut Obj, warnings: &mut Vec<String>) -> Read<CancelSettings> {
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

pub(super) fn parse_fallback(root: &mut Obj, warnings: &mut Vec<String>) -> Read<Fallback> {
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
pub(super) type Texts = Vec<(String, Vec<(String, String)>)>;

pub(super) fn parse_texts(root: &mut Obj) -> Read<Texts> {
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
