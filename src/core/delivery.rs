//! What is sent for one outcome: the request (id, endpoint, headers, body) that the
//! browser POSTs and keeps in its outbox until the endpoint acknowledges it. A plain
//! value, written with serde; read back with the small JSON reader (see `from_value`).

use super::config::Config;
use super::json::Value;
use serde::Serialize;

/// A request that can be sent any number of times with the same id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// Outcome id (the idempotency key).
    pub id: String,
    /// Where to POST.
    pub endpoint: String,
    /// Extra headers, `Authorization` included when a token was given.
    pub headers: Vec<(String, String)>,
    /// The JSON body, exactly as it is sent.
    pub body: String,
}

impl Delivery {
    /// The request for an outcome body under a config: its endpoint, its headers and
    /// the bearer token.
    pub fn new(config: &Config, id: &str, body: String) -> Delivery {
        let mut headers = config.headers.clone();
        if let Some(t) = &config.token {
            headers.push(("Authorization".into(), ["Bearer ", t].concat()));
        }
        Delivery { id: id.to_string(), endpoint: config.endpoint.clone(), headers, body }
    }

    /// The outbox's JSON text for a list of deliveries.
    pub fn list_to_json(all: &[Delivery]) -> String {
        serde_json::to_string(all).unwrap_or_else(|_| "[]".into())
    }

    /// Reads the outbox's JSON text; entries that are not deliveries are skipped.
    ///
    /// Read with the config's small reader rather than serde's derived `Deserialize`:
    /// the latter pulls serde_json's typed deserializer into the wasm, which nothing
    /// else there needs.
    pub fn list_from_json(text: &str) -> Vec<Delivery> {
        let Ok(Value::Array(items)) = Value::parse(text) else { return Vec::new() };
        items.iter().filter_map(Delivery::from_value).collect()
    }

    fn from_value(v: &Value) -> Option<Delivery> {
        let s = |k: &str| v.get(k)?.as_str().map(str::to_string);
        let headers = v
            .get("headers")?
            .as_array()?
            .iter()
            .filter_map(|h| match h.as_array()?.as_slice() {
                [k, v] => Some((k.as_str()?.to_string(), v.as_str()?.to_string())),
                _ => None,
            })
            .collect();
        Some(Delivery { id: s("id")?, endpoint: s("endpoint")?, headers, body: s("body")? })
    }
}
