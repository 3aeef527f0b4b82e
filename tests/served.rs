//! Contract 1.2: the `served` block a collector writes into the configs it serves. The
//! config reader checks it and names the field of any problem; the outcome echoes it
//! last, after `elapsed_ms`, exactly as the config had it, and leaves it out when the
//! config had none; the outcome reader (the collector's) checks it with the same rules.

use cancel_flow::core::config::{Served, ServedExperiment};
use cancel_flow::core::config_parse::{parse_config, Overrides};
use cancel_flow::core::date::Ymd;
use cancel_flow::core::flow::{Action, Flow};
use cancel_flow::core::outcome::{Context, Outcome};
use cancel_flow::core::outcome_read::read_outcome;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;

fn meal_box() -> Value {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/meal-box.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn with_served(served: Value) -> Value {
    let mut v = meal_box();
    v["served"] = served;
    v
}

fn config_error(v: &Value) -> String {
    match parse_config(&v.to_string(), &Overrides::default()) {
        Ok(_) => panic!("accepted: {}", v["served"]),
        Err(e) => e.to_string(),
    }
}

fn ctx() -> Context {
    Context {
        id: "9f1c0c8e-3c1b-4a57-9d0e-6f1a4f2b7a10".into(),
        created_at: "2026-11-25T10:04:12.345Z".into(),
        today: Ymd::parse("2026-11-25").unwrap(),
        locale: "en".into(),
        elapsed_ms: 41234,
    }
}

/// The outcome's text of a two-click cancellation under config `v`.
fn cancelled(v: &Value) -> String {
    let config = parse_config(&v.to_string(), &Overrides::default()).unwrap().config;
    let mut f = Flow::new(Arc::new(config), 7);
    f.apply(Action::Cancel);
    f.apply(Action::Confirm);
    Outcome::of(&f, &ctx()).to_json()
}

/// A valid outcome (the contract's example) with `edit` applied, and what the reader says.
fn read_after(edit: impl FnOnce(&mut Value)) -> Result<Outcome, String> {
    let mut v: Value = serde_json::from_str(&cancelled(&meal_box())).unwrap();
    edit(&mut v);
    read_outcome(&v.to_string()).map_err(|e| e.to_string())
}

#[test]
fn the_config_keeps_what_was_served() {
    let v = with_served(json!({ "flow_version": 3, "experiment": { "id": "winter-offers", "variant": "b" } }));
    let parsed = parse_config(&v.to_string(), &Overrides::default()).unwrap();
    assert_eq!(
        parsed.config.served,
        Some(Served {
            flow_version: 3,
            experiment: Some(ServedExperiment { id: "winter-offers".into(), variant: "b".into() })
        })
    );
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    let plain = parse_config(&meal_box().to_string(), &Overrides::default()).unwrap().config;
    assert_eq!(plain.served, None);
    let version_only = with_served(json!({ "flow_version": 1 }));
    let served = parse_config(&version_only.to_string(), &Overrides::default()).unwrap().config.served;
    assert_eq!(served, Some(Served { flow_version: 1, experiment: None }));
    // null is absent, as everywhere in a config.
    let null = with_served(Value::Null);
    assert_eq!(parse_config(&null.to_string(), &Overrides::default()).unwrap().config.served, None);
}

#[test]
fn the_outcome_echoes_served_last_exactly() {
    let served = json!({ "flow_version": 12, "experiment": { "id": "winter-offers", "variant": "holdout" } });
    let text = cancelled(&with_served(served.clone()));
    let plain = cancelled(&meal_box());
    // The same bytes as without `served`, plus the block after `elapsed_ms`.
    let expected = [
        plain.strip_suffix('}').unwrap(),
        r#","served":{"flow_version":12,"experiment":{"id":"winter-offers","variant":"holdout"}}}"#,
    ]
    .concat();
    assert_eq!(text, expected);
    let back: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back["served"], served);
    assert_eq!(back.as_object().unwrap().keys().next_back().map(String::as_str), Some("served"));
    // Without an experiment, none is written.
    let text = cancelled(&with_served(json!({ "flow_version": 4 })));
    assert!(text.ends_with(r#""elapsed_ms":41234,"served":{"flow_version":4}}"#), "{text}");
    // Without `served`, no trace of it.
    assert!(!plain.contains("served"), "{plain}");
    assert!(plain.ends_with(r#""elapsed_ms":41234}"#), "{plain}");
}

#[test]
fn the_outcome_reader_accepts_served_and_reads_it_back() {
    let v = with_served(json!({ "flow_version": 3, "experiment": { "id": "a_b-9", "variant": "b" } }));
    let text = cancelled(&v);
    let read = read_outcome(&text).unwrap();
    assert_eq!(read.served.as_ref().map(|s| s.flow_version), Some(3));
    assert_eq!(read.to_json(), text, "typed, it writes the same bytes");
    let typed: Outcome = serde_json::from_str(&text).unwrap();
    assert_eq!(typed, read, "serde reads the same outcome");
    // A later 1.x may add fields to served: ignored, like unknown fields anywhere in an outcome.
    let more = read_after(|o| o["served"] = json!({ "flow_version": 2, "segment": "vip" })).unwrap();
    assert_eq!(more.served, Some(Served { flow_version: 2, experiment: None }));
    assert_eq!(read_after(|o| o["served"] = Value::Null).unwrap().served, None);
}

/// A bad `served` and the error it must give, in a config and in an outcome alike.
const BAD: [(&str, &str); 14] = [
    (r#"{"flow_version": 0}"#, "served.flow_version: must be a whole number from 1 to 4294967295"),
    (r#"{"flow_version": -1}"#, "served.flow_version: must be a whole number from 1 to 4294967295"),
    (r#"{"flow_version": 2.5}"#, "served.flow_version: must be a whole number from 1 to 4294967295"),
    (r#"{"flow_version": 4294967296}"#, "served.flow_version: must be a whole number from 1 to 4294967295"),
    (r#"{"flow_version": "3"}"#, "served.flow_version: must be a whole number from 1 to 4294967295"),
    (r#"{}"#, "served.flow_version: is required"),
    (r#"3"#, "served: must be an object, not a number"),
    (r#"{"flow_version": 3, "experiment": "winter"}"#, "served.experiment: must be an object, not text"),
    (r#"{"flow_version": 3, "experiment": {"variant": "a"}}"#, "served.experiment.id: is required"),
    (r#"{"flow_version": 3, "experiment": {"id": "w"}}"#, "served.experiment.variant: is required"),
    (
        r#"{"flow_version": 3, "experiment": {"id": "Winter", "variant": "a"}}"#,
        r#"served.experiment.id: must be 1 to 64 of a-z, 0-9, _ and -, not "Winter""#,
    ),
    (
        r#"{"flow_version": 3, "experiment": {"id": "", "variant": "a"}}"#,
        r#"served.experiment.id: must be 1 to 64 of a-z, 0-9, _ and -, not """#,
    ),
    (
        r#"{"flow_version": 3, "experiment": {"id": "w", "variant": "b c"}}"#,
        r#"served.experiment.variant: must be 1 to 64 of a-z, 0-9, _ and -, not "b c""#,
    ),
    (
        r#"{"flow_version": 3, "experiment": {"id": "w", "variant": 2}}"#,
        "served.experiment.variant: must be text, not a number",
    ),
];

#[test]
fn a_bad_served_is_named_by_both_readers() {
    for (served, want) in BAD {
        let served: Value = serde_json::from_str(served).unwrap();
        assert_eq!(config_error(&with_served(served.clone())), want, "config with {served}");
        assert_eq!(read_after(|o| o["served"] = served.clone()).unwrap_err(), want, "outcome with {served}");
    }
    let long = "x".repeat(65);
    let v = with_served(json!({ "flow_version": 1, "experiment": { "id": long, "variant": "a" } }));
    assert!(config_error(&v).starts_with("served.experiment.id: must be 1 to 64 of"));
    let ok = "x".repeat(64);
    let v = with_served(json!({ "flow_version": 1, "experiment": { "id": ok, "variant": ok } }));
    assert!(parse_config(&v.to_string(), &Overrides::default()).is_ok());
}

#[test]
fn unknown_fields_in_a_configs_served_warn() {
    let v = with_served(
        json!({ "flow_version": 1, "segment": "vip", "experiment": { "id": "w", "variant": "a", "x": 1 } }),
    );
    let parsed = parse_config(&v.to_string(), &Overrides::default()).unwrap();
    assert_eq!(
        parsed.warnings,
        vec![
            "served.experiment.x: unknown field, ignored".to_string(),
            "served.segment: unknown field, ignored".to_string()
        ]
    );
}

fn arb_id() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z0-9_-]{1,64}", Just("holdout".to_string())]
}

fn arb_served() -> impl Strategy<Value = Served> {
    (1..=u32::MAX, proptest::option::of((arb_id(), arb_id()))).prop_map(|(flow_version, e)| Served {
        flow_version,
        experiment: e.map(|(id, variant)| ServedExperiment { id, variant }),
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// Whatever a collector serves, the outcome carries the same JSON value, last, and
    /// the outcome reader reads it back unchanged.
    #[test]
    fn any_served_is_echoed_and_read_back(served in arb_served()) {
        let served_json = serde_json::to_value(&served).unwrap();
        let text = cancelled(&with_served(served_json.clone()));
        let back: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back["served"], &served_json);
        prop_assert_eq!(back.as_object().unwrap().keys().next_back().map(String::as_str), Some("served"));
        let read = read_outcome(&text).unwrap();
        prop_assert_eq!(read.served.as_ref(), Some(&served));
        prop_assert_eq!(read.to_json(), text);
    }

    /// An id with anything outside a-z, 0-9, _ and - is refused at its path, by both readers.
    #[test]
    fn a_bad_id_is_refused_at_its_path(bad in "[a-z0-9_-]{0,10}[^a-z0-9_-][a-z0-9_-]{0,10}", variant in any::<bool>()) {
        let (id, v) = if variant { ("w".to_string(), bad.clone()) } else { (bad.clone(), "a".to_string()) };
        let served = json!({ "flow_version": 1, "experiment": { "id": id, "variant": v } });
        let path = if variant { "served.experiment.variant: " } else { "served.experiment.id: " };
        let config = config_error(&with_served(served.clone()));
        prop_assert!(config.starts_with(path), "{}", config);
        let outcome = read_after(|o| o["served"] = served).unwrap_err();
        prop_assert!(outcome.starts_with(path), "{}", outcome);
    }
}
