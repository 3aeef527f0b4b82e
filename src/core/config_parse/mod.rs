//! Parsing and validating a config (contract section 3): JSON text plus the element's
//! attribute overrides in, a `Config` plus warnings out, or one `ConfigError` that names
//! the field and says what is allowed. Never panics, whatever the input. `read_config`
//! is the one entry point for a mount: one JSON parse, and on failure the error comes
//! with the salvaged fallback and the requested locale.

mod offers;
mod sections;
pub(crate) mod values;

use super::config::*;
use super::json::Value;
use super::reader::{ConfigError, Obj, Read};
use offers::parse_offers;
use sections::*;
use std::fmt;
use values::*;

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
    read_json(json_of(text), overrides)
}

/// Why a config given by URL could not be loaded (contract 1.2): each is a config error,
/// and the shop's fallback attributes are shown, since there is no config to name one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadFailure {
    /// The server answered with a status other than 200.
    Status(u16),
    /// No answer within 10 seconds.
    Timeout,
    /// The request failed: no connection, or a cross-origin server whose CORS headers do
    /// not allow the page (the browser does not tell the two apart).
    Network,
    /// The answer (status 200) is not JSON.
    NotJson,
}

impl fmt::Display for LoadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadFailure::Status(status) => write!(f, "the server answered {status}"),
            LoadFailure::Timeout => f.write_str("no answer in 10 s"),
            LoadFailure::Network => f.write_str("a network error, or the server's CORS does not allow this page"),
            LoadFailure::NotJson => f.write_str("the answer is not JSON"),
        }
    }
}

/// The config error of a config that could not be loaded from `url`:
/// `config: could not load /account/cancel-flow.json (the server answered 503)`.
pub fn load_error(url: &str, why: LoadFailure) -> ConfigError {
    ConfigError::new("config", format!("could not load {url} ({why})"))
}

/// A config that could not be loaded, as `read_config` rejects one: no fallback of its
/// own, and the `locale` override as the requested locale.
pub fn not_loaded(url: &str, why: LoadFailure, overrides: &Overrides) -> Rejected {
    Rejected { error: load_error(url, why), fallback: Fallback::default(), locale: overrides.locale.clone() }
}

/// Reads a config fetched from `url` (the text of a 200 answer): as `read_config`, but an
/// answer that is not JSON (an empty one included) is a config that could not be loaded
/// (`config: could not load <url> (the answer is not JSON)`).
pub fn read_fetched_config(url: &str, text: &str, overrides: &Overrides) -> Result<Parsed, Rejected> {
    let value = match json_of(text) {
        Err(_) if text.len() <= MAX_CONFIG_BYTES => return Err(not_loaded(url, LoadFailure::NotJson, overrides)),
        other => other,
    };
    read_json(value, overrides)
}

/// The shop's own fallback, from the element's `fallback-url` and `fallback-email`
/// attributes (contract 1.2), with the checks a config's `fallback` gets: a url must be
/// `https://`, `http://` or a path (never `javascript:`, `data:` or `//…`), an email must
/// look like one; anything else is left out.
pub fn shop_fallback(url: Option<&str>, email: Option<&str>) -> Fallback {
    Fallback {
        url: url.filter(|u| check_url(u, "fallback-url", Http::Anywhere).is_ok()).map(str::to_string),
        email: email.filter(|e| is_email(e)).map(str::to_string),
    }
}

/// `read_config` after the JSON parse.
fn read_json(value: Read<Value>, overrides: &Overrides) -> Result<Parsed, Rejected> {
    let mut value = match value {
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
    // An editor's pointer to the JSON Schema (dist/schema/config.schema.json): known, unused.
    root.get("$schema");
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
    let served = root.get("served").map(|v| served(v, "served", &mut warnings)).transpose()?;
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
            served,
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
