//! Fuzzing the config parser with property tests: arbitrary JSON, and valid configs
//! with one value anywhere replaced by arbitrary JSON. It never panics, and it always
//! returns either a config or an error that names a field and says what is wrong.

use cancel_flow::core::config_parse::{parse_config, Overrides};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        "[a-z_<>\"'/:]{0,12}".prop_map(Value::String),
        prop_oneof![Just("week"), Just("month"), Just("cancel-flow/config@1"), Just("javascript:x"), Just("/api")]
            .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec(("[a-z_]{1,10}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn base() -> Value {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/meal-box.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Every path to a value inside `v`, as JSON pointers.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| pointers(x, format!("{at}/{k}"), out)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| pointers(x, format!("{at}/{i}"), out)),
        _ => {}
    }
}

fn check(text: &str) -> Result<(), TestCaseError> {
    match parse_config(text, &Overrides::default()) {
        Ok(p) => {
            prop_assert!(!p.config.flow_id.is_empty());
            prop_assert!(!p.config.cancel.effective.is_empty());
            prop_assert!(p.config.fallback.url.is_some() || p.config.fallback.email.is_some());
        }
        Err(e) => {
            prop_assert!(!e.path.is_empty(), "error without a field: {e}");
            prop_assert!(!e.problem.is_empty(), "error without a problem: {e}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        check(&v.to_string())?;
    }

    #[test]
    fn one_value_replaced_anywhere(pick in any::<prop::sample::Index>(), replacement in arb_json()) {
        let mut v = base();
        let mut all = Vec::new();
        pointers(&v, String::new(), &mut all);
        let at = pick.get(&all).clone();
        if let Some(slot) = v.pointer_mut(&at) {
            *slot = replacement;
        }
        check(&v.to_string())?;
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
        let _ = parse_config(&s, &Overrides::default());
    }
}
