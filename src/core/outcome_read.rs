//! Reading an outcome posted to a shop's server: JSON text in, the typed `Outcome` out,
//! or one error naming the field (`result.duration.count: must be a whole number from 1
//! to 52`). It uses the config's reader and its ranges (a pause at most as long as a
//! config may offer, a delivery count a config may hold), so the widget and the collector
//! agree on what an outcome@1 is. Unknown fields are ignored (a later minor version may
//! add some); the server keeps the body exactly as received anyway.

use super::config::{Effective, OfferKind};
use super::config_parse::values::{currency, deliveries, id_like, is_locale_tag, served, span};
use super::date::Ymd;
use super::flow::Step;
use super::json::Value;
use super::outcome::{CustomerRef, OfferShown, Outcome, OutcomeResult, SurveyAnswer, OUTCOME_SCHEMA};
use super::presets::Feedback;
use super::reader::{index, type_name, FieldError, Obj, Read};

/// Most entries in `offers` and in `steps` (a real flow has a handful).
const MAX_LIST: usize = 64;
/// Longest comment accepted, in characters (the widget's comment box is far shorter).
const MAX_COMMENT: usize = 5_000;

/// Reads and checks an outcome@1.
pub fn read_outcome(text: &str) -> Result<Outcome, FieldError> {
    let v = Value::parse(text).map_err(|e| FieldError::new("body", format!("is not valid JSON ({e})")))?;
    outcome(&v)
}

fn outcome(v: &Value) -> Read<Outcome> {
    if !matches!(v, Value::Object(_)) {
        return Err(FieldError::new("body", format!("must be a JSON object, not {}", type_name(v))));
    }
    let mut o = Obj::new(v, "")?;
    let schema = o.str("schema")?;
    if schema != OUTCOME_SCHEMA {
        return Err(FieldError::new("schema", format!("must be \"{OUTCOME_SCHEMA}\", not \"{schema}\"")));
    }
    let id = o.str("id")?;
    if !is_uuid(&id) {
        return Err(FieldError::new("id", "must be a UUID such as 9f1c0c8e-3c1b-4a57-9d0e-6f1a4f2b7a10"));
    }
    let created_at = o.str("created_at")?;
    if !is_rfc3339(&created_at) {
        return Err(FieldError::new("created_at", "must be an RFC 3339 time such as 2026-11-25T10:04:12.345Z"));
    }
    let flow_id = id_like(&mut o, "flow_id")?;
    let test = bool_field(&mut o, "test")?;
    let customer = customer(o.need("customer")?)?;
    let plan_id = id_like(&mut o, "plan_id")?;
    let locale = o.str("locale")?;
    if !is_locale_tag(&locale) {
        return Err(FieldError::new(
            "locale",
            format!("\"{locale}\" is not a language tag such as \"en\" or \"pt-BR\""),
        ));
    }
    let result = result(o.need("result")?)?;
    let survey = o.nullable("survey")?.map(survey).transpose()?;
    let offers = offers(o.need("offers")?)?;
    let keep_in_touch = bool_field(&mut o, "keep_in_touch")?;
    let steps = steps(o.need("steps")?)?;
    let elapsed_ms = o.int("elapsed_ms", 0, 365 * 86_400_000)?;
    // Contract 1.2: the config's `served`, checked as the config reader checks it.
    let served = o.get("served").map(|v| served(v, "served", &mut Vec::new())).transpose()?;
    Ok(Outcome {
        schema,
        id,
        created_at,
        flow_id,
        test,
        customer,
        plan_id,
        locale,
        result,
        survey,
        offers,
        keep_in_touch,
        steps,
        elapsed_ms,
        served,
    })
}

fn bool_field(o: &mut Obj, key: &'static str) -> Read<bool> {
    let path = o.at(key);
    match o.need(key)? {
        Value::Bool(b) => Ok(*b),
        other => Err(FieldError::new(path, format!("must be true or false, not {}", type_name(other)))),
    }
}

fn opt_string(o: &mut Obj, key: &'static str) -> Read<Option<String>> {
    let path = o.at(key);
    match o.nullable(key)? {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(FieldError::new(path, format!("must be text or null, not {}", type_name(other)))),
    }
}

fn date(o: &mut Obj, key: &'static str) -> Read<Ymd> {
    let path = o.at(key);
    let s = o.str(key)?;
    Ymd::parse(&s).ok_or_else(|| FieldError::new(path, format!("must be a date such as 2026-12-23, not \"{s}\"")))
}

fn customer(v: &Value) -> Read<CustomerRef> {
    let mut o = Obj::new(v, "customer")?;
    Ok(CustomerRef { id: id_like(&mut o, "id")?, subscription_id: opt_string(&mut o, "subscription_id")? })
}

fn result(v: &Value) -> Read<OutcomeResult> {
    let mut o = Obj::new(v, "result")?;
    let kind = o.str("type")?;
    let mut none = Vec::new();
    Ok(match kind.as_str() {
        "paused" => OutcomeResult::Paused {
            duration: span(o.need("duration")?, "result.duration", true, &mut none)?,
            resume_on: date(&mut o, "resume_on")?,
        },
        "downgraded" => OutcomeResult::Downgraded { from: id_like(&mut o, "from")?, to: id_like(&mut o, "to")? },
        "frequency_reduced" => {
            let d = deliveries(v, "result", &mut none)?;
            OutcomeResult::FrequencyReduced { count: d.count, per: d.per }
        }
        "discount_accepted" => {
            let (percent_off, amount_off_minor, currency) = if o.get("percent_off").is_some() {
                (Some(o.int("percent_off", 1, 100)? as u32), None, None)
            } else if o.get("amount_off_minor").is_some() {
                (None, Some(o.int("amount_off_minor", 1, 1_000_000_000_000)?), Some(currency(&mut o)?))
            } else {
                return Err(FieldError::new("result.percent_off", "is required (or amount_off_minor with currency)"));
            };
            OutcomeResult::DiscountAccepted {
                percent_off,
                amount_off_minor,
                currency,
                months: o.int("months", 1, 36)? as u32,
            }
        }
        "link_followed" => OutcomeResult::LinkFollowed { link_id: id_like(&mut o, "link_id")? },
        "cancelled" => {
            let effective = match o.str("effective")?.as_str() {
                "period_end" => Effective::PeriodEnd,
                "immediately" => Effective::Immediately,
                other => {
                    return Err(FieldError::new(
                        "result.effective",
                        format!("must be \"period_end\" or \"immediately\", not \"{other}\""),
                    ))
                }
            };
            let effective_on = match o.nullable("effective_on")? {
                None => None,
                Some(_) => Some(date(&mut o, "effective_on")?),
            };
            OutcomeResult::Cancelled { effective, effective_on }
        }
        "abandoned" => OutcomeResult::Abandoned,
        other => {
            return Err(FieldError::new(
                "result.type",
                format!(
                    "must be one of paused, downgraded, frequency_reduced, discount_accepted, link_followed, \
                     cancelled, abandoned; not \"{other}\""
                ),
            ))
        }
    })
}

fn survey(v: &Value) -> Read<SurveyAnswer> {
    let mut o = Obj::new(v, "survey")?;
    let reason_id = id_like(&mut o, "reason_id")?;
    let comment = opt_string(&mut o, "comment")?;
    if comment.as_ref().is_some_and(|c| c.chars().count() > MAX_COMMENT) {
        return Err(FieldError::new("survey.comment", format!("must be at most {MAX_COMMENT} characters")));
    }
    let feedback = o.opt_str("feedback")?.map(|value| Feedback::read(&value, "survey.feedback")).transpose()?;
    Ok(SurveyAnswer { reason_id, comment, feedback })
}

fn list<'a>(v: &'a Value, path: &str) -> Read<&'a Vec<Value>> {
    match v {
        Value::Array(items) if items.len() <= MAX_LIST => Ok(items),
        Value::Array(items) => {
            Err(FieldError::new(path, format!("lists {}; at most {MAX_LIST} are allowed", items.len())))
        }
        other => Err(FieldError::new(path, format!("must be a list, not {}", type_name(other)))),
    }
}

fn offers(v: &Value) -> Read<Vec<OfferShown>> {
    let mut out = Vec::new();
    for (i, item) in list(v, "offers")?.iter().enumerate() {
        let path = index("offers", i);
        let mut o = Obj::new(item, &path)?;
        let kind = match o.str("type")?.as_str() {
            "pause" => OfferKind::Pause,
            "downgrade" => OfferKind::Downgrade,
            "frequency" => OfferKind::Frequency,
            "discount" => OfferKind::Discount,
            "link" => OfferKind::Link,
            other => {
                return Err(FieldError::new(
                    o.at("type"),
                    format!("must be pause, downgrade, frequency, discount or link, not \"{other}\""),
                ))
            }
        };
        out.push(OfferShown { kind, accepted: bool_field(&mut o, "accepted")? });
    }
    if out.iter().filter(|o| o.accepted).count() > 1 {
        return Err(FieldError::new("offers", "at most one offer can be accepted"));
    }
    Ok(out)
}

fn steps(v: &Value) -> Read<Vec<Step>> {
    let mut out = Vec::new();
    for (i, item) in list(v, "steps")?.iter().enumerate() {
        let path = index("steps", i);
        let step = match item {
            Value::String(s) => match s.as_str() {
                "survey" => Step::Survey,
                "offers" => Step::Offers,
                "confirm" => Step::Confirm,
                "done" => Step::Done,
                other => {
                    return Err(FieldError::new(
                        path,
                        format!("must be survey, offers, confirm or done, not \"{other}\""),
                    ))
                }
            },
            other => return Err(FieldError::new(path, format!("must be text, not {}", type_name(other)))),
        };
        out.push(step);
    }
    Ok(out)
}

/// `8-4-4-4-12` hexadecimal digits.
fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter()
            .enumerate()
            .all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { *c == b'-' } else { c.is_ascii_hexdigit() })
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, with a real calendar date and a time of day.
fn is_rfc3339(s: &str) -> bool {
    let Some((day, time)) = s.split_once(['T', 't']) else { return false };
    if Ymd::parse(day).is_none() || time.len() < 9 {
        return false;
    }
    let two = |t: &str, max: u32| {
        t.len() == 2 && t.bytes().all(|c| c.is_ascii_digit()) && t.parse::<u32>().is_ok_and(|n| n <= max)
    };
    let (hms, rest) = time.split_at(8);
    let ok_hms = hms.as_bytes()[2] == b':'
        && hms.as_bytes()[5] == b':'
        && two(&hms[0..2], 23)
        && two(&hms[3..5], 59)
        && two(&hms[6..8], 60);
    let rest = match rest.strip_prefix('.') {
        Some(f) => {
            let digits = f.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return false;
            }
            &f[digits..]
        }
        None => rest,
    };
    let ok_zone = rest == "Z"
        || rest == "z"
        || (rest.len() == 6
            && matches!(rest.as_bytes()[0], b'+' | b'-')
            && rest.as_bytes()[3] == b':'
            && two(&rest[1..3], 23)
            && two(&rest[4..6], 59));
    ok_hms && ok_zone
}
