//! The served flows' pure module (COLLECTOR.md sections 7 and 8) from outside: a flow
//! document's every refusal with its exact message, rules, patches, eligibility, the
//! holdout, `served`, and property tests (assignment shares, resolve always serving a
//! config the widget reads). `cargo test --release --test flows_pure -- --ignored
//! --nocapture` prints the time per read and per resolve.

use cancel_flow::core::config_parse::{parse_config, Overrides};
use cancel_flow_collector::flows::*;
use serde_json::{json, Value};

/// A base config: reasons that name pause explicitly, presets that default to every offer.
fn base() -> Value {
    json!({
        "schema": "cancel-flow/config@1",
        "flow_id": "box",
        "endpoint": "/api/cancel-flow/outcomes",
        "plan": { "id": "family", "name": "Family box",
                  "deliveries": { "count": 50, "per": { "unit": "week", "count": 50 } } },
        "survey": { "reasons": [
            { "preset": "too_expensive" },
            { "preset": "away", "offers": ["pause"] },
            { "id": "price", "label": "The price", "offers": ["pause", "links"] },
            { "preset": "other" }
        ] },
        "offers": {
            "pause": { "options": [ { "unit": "week", "count": 2 }, { "unit": "week", "count": 4 } ] },
            "discount": { "percent_off": 15, "months": 2 },
            "links": [ { "id": "support", "label": "Talk to us", "url": "https://shop.example/help" } ]
        },
        "fallback": { "email": "help@shop.example" }
    })
}

/// The contract's example flow (section 7) with the contract's experiment (section 8).
fn contract_flow() -> Value {
    json!({
        "schema": "cancel-flow/flow@1",
        "config": base(),
        "rules": [
            { "name": "annual plans keep their price",
              "when": { "==": [ { "var": "attrs.plan" }, "annual" ] },
              "patch": { "offers": { "discount": null } } },
            { "name": "long-time customers may talk to a person first",
              "when": { ">=": [ { "var": "attrs.tenure_days" }, 365 ] },
              "patch": { "offers": { "links": [ { "id": "vip", "label": "Talk to Anna", "url": "https://shop.example/vip" } ] } } }
        ],
        "eligibility": { "discount_cooldown_days": 100, "max_pauses_in_a_row": 2 },
        "experiment": {
            "id": "winter-offers", "holdout": 0.1,
            "variants": [
                { "id": "a", "weight": 1 },
                { "id": "b", "weight": 1, "patch": { "offers": { "discount": { "percent_off": 30, "months": 2 } } } }
            ],
            "baseline": 0.5, "mde": 0.05
        }
    })
}

/// `doc` with `patch` merged in (RFC 7396: arrays replaced whole).
fn with(doc: Value, patch: Value) -> Value {
    let mut doc = doc;
    merge_patch(&mut doc, &patch);
    doc
}

fn refusal(doc: Value) -> String {
    FlowDocument::read("box", &doc).expect_err("refused").to_string()
}

fn read(doc: Value) -> FlowDocument {
    FlowDocument::read("box", &doc).unwrap_or_else(|e| panic!("{e}"))
}

fn facts(attrs: Value) -> Facts {
    Facts {
        attrs: attrs.as_object().cloned().unwrap_or_default(),
        customer_id: "cus_1".into(),
        subscription_id: Some("sub_1".into()),
        history: History::default(),
    }
}

/// The widget's reader accepts the served config.
fn widget_reads(config: &Value) {
    if let Err(e) = parse_config(&config.to_string(), &Overrides::default()) {
        panic!("the widget refuses the served config: {e}\n{config:#}");
    }
}

fn flow_with_rules(rules: Value) -> FlowDocument {
    read(json!({ "schema": "cancel-flow/flow@1", "config": base(), "rules": rules }))
}

// The crate root looks for modules beside itself; these live in flows_pure/ (not test
// targets of their own: Cargo builds only tests/*.rs and tests/*/main.rs).
#[path = "flows_pure/properties.rs"]
mod properties;
#[path = "flows_pure/reading.rs"]
mod reading;
#[path = "flows_pure/resolving.rs"]
mod resolving;
#[path = "flows_pure/timing.rs"]
mod timing;
