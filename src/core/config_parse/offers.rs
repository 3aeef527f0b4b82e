//! The `offers` section: one shape for the list-shaped offers (pause options, downgrade
//! tiers, frequency options, links), each given by its item parser, plus the discount.

use super::*;
use crate::core::config::*;
use crate::core::json::Value;
use crate::core::reader::{index, type_name, ConfigError, Obj, Read};

/// Where an offer keeps its list of items.
#[derive(Debug, Clone, Copy)]
pub(super) enum Holds {
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
pub(super) fn offer_list<T>(
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

pub(super) fn parse_offers(root: &mut Obj, plan: &Plan, warnings: &mut Vec<String>) -> Read<Offers> {
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
pub(super) fn tier(v: &Value, path: &str, plan: &Plan, warnings: &mut Vec<String>) -> Read<Tier> {
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
pub(super) fn reduced_deliveries(v: &Value, path: &str, plan: &Plan, warnings: &mut Vec<String>) -> Read<Deliveries> {
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

pub(super) fn discount(v: &Value, warnings: &mut Vec<String>) -> Read<Discount> {
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
pub(super) fn link(v: &Value, path: &str, warnings: &mut Vec<String>) -> Read<Link> {
    let mut lo = Obj::new(v, path)?;
    let id = id_like(&mut lo, "id")?;
    let label = text(lo.need("label")?, &lo.at("label"))?;
    let url = lo.str("url")?;
    check_url(&url, &lo.at("url"), Http::Anywhere)?;
    warnings.extend(lo.unknown());
    Ok(Link { id, label, url })
}
