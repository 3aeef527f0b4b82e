//! What a rule may know about a customer (the token's `attrs`, the customer, their history
//! of outcomes), "whole days", and the flow's eligibility limits read from the document.

use super::error::FlowError;
use serde_json::{Map, Value};
use time::OffsetDateTime;

/// The customer's history over their stored outcomes (the store counts it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct History {
    /// Outcomes that are not `abandoned`.
    pub sessions: u64,
    /// Whole days since the latest of those; `None` when there is none.
    pub days_since_last_session: Option<i64>,
    /// Whole days since the latest `discount_accepted`; `None` when there is none.
    pub days_since_discount: Option<i64>,
    /// How many of the latest decided outcomes are `paused`, counted back from the latest.
    pub pauses_in_a_row: u64,
}

/// Everything a rule's `when` may read about one customer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// The token's `attrs` claim.
    pub attrs: Map<String, Value>,
    /// The token's `sub`.
    pub customer_id: String,
    /// The token's `subscription_id`.
    pub subscription_id: Option<String>,
    /// The customer's history.
    pub history: History,
}

impl Facts {
    /// The facts as the JSON data a rule reads (for logs and the editor; evaluation
    /// builds the same shape without going through JSON).
    pub fn data(&self) -> Value {
        let h = &self.history;
        serde_json::json!({
            "attrs": self.attrs,
            "customer": { "id": self.customer_id, "subscription_id": self.subscription_id },
            "history": {
                "sessions": h.sessions,
                "days_since_last_session": h.days_since_last_session,
                "days_since_discount": h.days_since_discount,
                "pauses_in_a_row": h.pauses_in_a_row,
            },
        })
    }
}

/// `floor((now − then) / 24 h)`: negative when `then` is after `now`.
pub fn whole_days(now: OffsetDateTime, then: OffsetDateTime) -> i64 {
    const DAY_NS: i128 = 86_400 * 1_000_000_000;
    let days = (now - then).whole_nanoseconds().div_euclid(DAY_NS);
    i64::try_from(days).unwrap_or(if days < 0 { i64::MIN } else { i64::MAX })
}

/// The flow's eligibility limits (`None` turns one off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Eligibility {
    /// No discount offer within this many whole days of the last accepted one.
    pub discount_cooldown_days: Option<u32>,
    /// No pause offer once this many of the latest decided outcomes are pauses.
    pub max_pauses_in_a_row: Option<u32>,
}

impl Default for Eligibility {
    fn default() -> Self {
        Self { discount_cooldown_days: Some(100), max_pauses_in_a_row: Some(2) }
    }
}

impl Eligibility {
    /// Reads the document's `eligibility` (absent or null: the defaults; an absent key:
    /// its default; a null key: that limit off).
    pub(crate) fn read(v: Option<&Value>) -> Result<Eligibility, FlowError> {
        let mut out = Eligibility::default();
        let m = match v {
            None | Some(Value::Null) => return Ok(out),
            Some(Value::Object(m)) => m,
            Some(_) => {
                return Err(FlowError::new(
                    "eligibility",
                    "must be an object such as {\"discount_cooldown_days\": 100, \"max_pauses_in_a_row\": 2}",
                ))
            }
        };
        let limit = |key: &str, low: u64, high: u64, default: Option<u32>| match m.get(key) {
            None => Ok(default),
            Some(Value::Null) => Ok(None),
            Some(v) => match whole(v) {
                Some(n) if (low..=high).contains(&n) => Ok(Some(n as u32)),
                _ => Err(FlowError::new(
                    format!("eligibility.{key}"),
                    format!("must be a whole number from {low} to {high}, or null to turn it off, not {v}"),
                )),
            },
        };
        out.discount_cooldown_days = limit("discount_cooldown_days", 0, 3650, out.discount_cooldown_days)?;
        out.max_pauses_in_a_row = limit("max_pauses_in_a_row", 1, 100, out.max_pauses_in_a_row)?;
        Ok(out)
    }

    /// Whether the discount offer is withheld from a customer with this history.
    pub fn withholds_discount(&self, history: &History) -> bool {
        matches!((self.discount_cooldown_days, history.days_since_discount), (Some(c), Some(d)) if d < i64::from(c))
    }

    /// Whether the pause offer is withheld from a customer with this history.
    pub fn withholds_pause(&self, history: &History) -> bool {
        self.max_pauses_in_a_row.is_some_and(|max| history.pauses_in_a_row >= u64::from(max))
    }
}

/// A JSON number that is a whole, non-negative number (`3` or `3.0`).
pub(crate) fn whole(v: &Value) -> Option<u64> {
    match v.as_u64() {
        Some(n) => Some(n),
        None => v.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 9.0e15).map(|f| f as u64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    #[test]
    fn whole_days_floor() {
        let then = datetime!(2026-10-01 12:00 UTC);
        assert_eq!(whole_days(datetime!(2026-10-01 12:00 UTC), then), 0);
        assert_eq!(whole_days(datetime!(2026-10-02 11:59:59.999 UTC), then), 0);
        assert_eq!(whole_days(datetime!(2026-10-02 12:00 UTC), then), 1);
        assert_eq!(whole_days(datetime!(2027-01-09 12:00 UTC), then), 100);
        assert_eq!(whole_days(datetime!(2026-10-01 11:59 UTC), then), -1);
        // Offsets do not matter: it is the same instant.
        assert_eq!(whole_days(datetime!(2026-10-02 14:00 +02:00), then), 1);
    }

    #[test]
    fn eligibility_defaults_nulls_and_limits() {
        assert_eq!(Eligibility::read(None).unwrap(), Eligibility::default());
        assert_eq!(Eligibility::read(Some(&json!({}))).unwrap(), Eligibility::default());
        assert_eq!(
            Eligibility::read(Some(&json!({"discount_cooldown_days": null}))).unwrap(),
            Eligibility { discount_cooldown_days: None, max_pauses_in_a_row: Some(2) }
        );
        assert_eq!(
            Eligibility::read(Some(&json!({"discount_cooldown_days": 0, "max_pauses_in_a_row": null}))).unwrap(),
            Eligibility { discount_cooldown_days: Some(0), max_pauses_in_a_row: None }
        );
        assert_eq!(
            Eligibility::read(Some(&json!({"discount_cooldown_days": 3650, "max_pauses_in_a_row": 100}))).unwrap(),
            Eligibility { discount_cooldown_days: Some(3650), max_pauses_in_a_row: Some(100) }
        );
        let err = |v: Value| Eligibility::read(Some(&v)).unwrap_err().to_string();
        assert_eq!(
            err(json!({"discount_cooldown_days": 3651})),
            "eligibility.discount_cooldown_days: must be a whole number from 0 to 3650, or null to turn it off, not 3651"
        );
        assert_eq!(
            err(json!({"discount_cooldown_days": 1.5})),
            "eligibility.discount_cooldown_days: must be a whole number from 0 to 3650, or null to turn it off, not 1.5"
        );
        assert_eq!(
            err(json!({"max_pauses_in_a_row": 0})),
            "eligibility.max_pauses_in_a_row: must be a whole number from 1 to 100, or null to turn it off, not 0"
        );
        assert_eq!(
            err(json!({"max_pauses_in_a_row": "2"})),
            "eligibility.max_pauses_in_a_row: must be a whole number from 1 to 100, or null to turn it off, not \"2\""
        );
        assert!(err(json!([1])).starts_with("eligibility: must be an object"));
    }

    #[test]
    fn eligibility_boundaries() {
        let e = Eligibility::default();
        let h = |d: Option<i64>, p: u64| History { days_since_discount: d, pauses_in_a_row: p, ..History::default() };
        assert!(e.withholds_discount(&h(Some(99), 0)));
        assert!(!e.withholds_discount(&h(Some(100), 0)));
        assert!(!e.withholds_discount(&h(None, 0)));
        assert!(!e.withholds_pause(&h(None, 1)));
        assert!(e.withholds_pause(&h(None, 2)));
        let off = Eligibility { discount_cooldown_days: None, max_pauses_in_a_row: None };
        assert!(!off.withholds_discount(&h(Some(0), 50)));
        assert!(!off.withholds_pause(&h(Some(0), 50)));
    }
}
