//! The crate's own JSON reader and writer (`core::json`) checked against serde_json as
//! an oracle: any JSON serde_json writes, ours reads back to the same text; anything
//! serde_json rejects, ours rejects too; and strings survive with the same escapes.
#![cfg(not(target_arch = "wasm32"))]

use cancel_flow::core::json::{quote, Value};
use proptest::prelude::*;

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
        let ours = Value::parse(&text).unwrap();
        prop_assert_eq!(ours.to_json(), text.clone());
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        prop_assert_eq!(Value::parse(&pretty).unwrap().to_json(), text);
    }

    #[test]
    fn agrees_on_what_is_json(text in "[\\[\\]{}\",:0-9eE.+\\-tfrueanl\\\\ u]{0,24}") {
        let theirs = serde_json::from_str::<serde_json::Value>(&text).is_ok();
        prop_assert_eq!(Value::parse(&text).is_ok(), theirs, "{:?}", text);
    }

    #[test]
    fn quotes_strings_like_serde(s in any::<String>()) {
        prop_assert_eq!(quote(&s), serde_json::to_string(&s).unwrap());
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
    assert_eq!(Value::parse(text).unwrap().to_json(), theirs.to_string());
}
