//! The widget's own config reader (`cancel_flow::core::config_parse`) as the judge of every
//! config the collector would serve, and the one place that writes a served config's
//! `customer`.

use cancel_flow::core::config_parse::{parse_config, Overrides};
use cancel_flow::core::reader::FieldError;
use serde_json::{Map, Value};

/// The customer id a base config is checked with at write time (the real one comes from
/// the token when serving).
pub(crate) const PLACEHOLDER_CUSTOMER: &str = "cus_flow_check";

/// Reads `config` with the widget's reader: `Err` names the field as the widget would.
/// `served` is left out (the collector writes it, and a reader older than contract 1.2
/// only warns about it).
pub(crate) fn check(config: &Value) -> Result<(), FieldError> {
    let text = match config.get("served") {
        Some(_) => {
            let mut without = config.clone();
            if let Some(root) = without.as_object_mut() {
                root.shift_remove("served");
            }
            without.to_string()
        }
        None => config.to_string(),
    };
    parse_config(&text, &Overrides::default()).map(|_| ())
}

/// Sets `customer` to the token's customer, replacing whatever was there (a base or a
/// patch never decides who the customer is).
pub(crate) fn set_customer(config: &mut Value, id: &str, subscription_id: Option<&str>) {
    let Some(root) = config.as_object_mut() else { return };
    let mut customer = Map::new();
    customer.insert("id".into(), Value::String(id.into()));
    if let Some(s) = subscription_id {
        customer.insert("subscription_id".into(), Value::String(s.into()));
    }
    root.insert("customer".into(), Value::Object(customer));
}
