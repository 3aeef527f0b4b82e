//! The crate's own JSON reader (`core::json`) checked against serde_json as an oracle:
//! any JSON serde_json writes, ours reads to the same tree (same key order, same
//! numbers, same strings); anything serde_json rejects, ours rejects too.
#![cfg(not(target_arch = "wasm32"))]

use cancel_flow::core::json::Value;
use proptest::prelude::*;

/// Our tree as serde_json's, numbers read from their kept source text.
fn to_serde(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(text) => serde_json::from_str(text).expect("a number's text is JSON"),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Array(items) => serde_json::Value::Array(items.iter().map(to_serde).collect()),
        Value::Object(map) => {
            serde_json::Value::Object(map.into_iter().map(|(k, v)| (k.clone(), to_serde(v))).collect())
        }
    }
}

/// Our reading of `text`, written back by serde_json.
fn ours(text: &str) -> String {
    serde_json::to_string(&to_serde(&Value::parse(text).unwrap())).unwrap()
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<u64>().prop_map(|n| serde_json::json!(n)),
        (-1e6f64..1e6).prop_map(|f| serde_json::json!(f)),
        any::<String>().prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..8)
                .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn reads_back_what_serde_writes(v in arb_json()) {
        let text = serde_json::to_string(&v).unwrap();
        prop_assert_eq!(ours(&text), text.clone());
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        prop_assert_eq!(ours(&pretty), text);
    }

    #[test]
    fn agrees_on_what_is_json(text in "[\\[\\]{}\",:0-9eE.+\\-tfrueanl\\\\ u]{0,24}") {
        let theirs = serde_json::from_str::<serde_json::Value>(&text).is_ok();
        prop_assert_eq!(Value::parse(&text).is_ok(), theirs, "{:?}", text);
    }

    #[test]
    fn reads_strings_like_serde(s in any::<String>()) {
        let text = serde_json::to_string(&s).unwrap();
        prop_assert_eq!(Value::parse(&text).unwrap(), Value::String(s));
    }

    #[test]
    fn whole_numbers_match(n in any::<u64>(), zeros in 0usize..4) {
        let text = format!("{n}.{}", "0".repeat(zeros.max(1)));
        prop_assert_eq!(Value::parse(&text).unwrap().as_whole(), Some(n));
        prop_assert_eq!(Value::parse(&format!("{n}.5")).unwrap().as_whole(), None);
    }
}

#[test]
fn repeated_keys_resolve_like_serde() {
    let text = r#"{"a":1,"b":{"c":2,"c":3},"a":4}"#;
    let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(ours(text), theirs.to_string());
}
