//! Fuzzing the config parser with property tests: arbitrary JSON, and valid configs
//! with one value anywhere replaced by arbitrary JSON. It never panics, and it always
//! returns either a config or an error that names a field and says what is wrong; when a
//! changed config is rejected, the error names the changed value (or a value inside it),
//! or a field that a rule ties to it (see `explains`).

use cancel_flow::core::config_parse::{parse_config, Overrides};
use cancel_flow::core::reader::ConfigError;
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Strings that mean something in the example configs (ids, units, choices), so that
/// replacements often collide with a rule instead of just being the wrong type.
const MEANINGFUL: [&str; 16] = [
    "week",
    "month",
    "day",
    "cancel-flow/config@1",
    "javascript:x",
    "/api",
    "period_end",
    "immediately",
    "family",
    "couple",
    "pro",
    "basic",
    "free",
    "price",
    "away",
    "other",
];

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (0i64..60).prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        "[a-z_<>\"'/:]{0,12}".prop_map(Value::String),
        prop::sample::select(&MEANINGFUL[..]).prop_map(|s| Value::String(s.into())),
    ];
    let key = prop_oneof![
        "[a-z_]{1,10}",
        prop::sample::select(&["id", "label", "name", "unit", "count", "per"][..]).prop_map(String::from)
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// The fixtures, and one as a collector serves it (with `served`, contract 1.2).
const EXAMPLES: [&str; 4] = ["meal-box", "direct-de", "saas-tiers", "saas-tiers+served"];

fn example(name: &str) -> Value {
    let (file, served) = name.split_once('+').unwrap_or((name, ""));
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/{file}.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    if served == "served" {
        v["served"] =
            serde_json::json!({ "flow_version": 7, "experiment": { "id": "winter-offers", "variant": "holdout" } });
    }
    v
}

/// Every value inside `v`: its JSON pointer (to replace it) and its config path as errors
/// spell it (`offers.pause.options[1].count`; the root is the empty path).
fn values(v: &Value, pointer: String, path: String, out: &mut Vec<(String, String)>) {
    out.push((pointer.clone(), path.clone()));
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            let child = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
            values(x, format!("{pointer}/{k}"), child, out)
        }),
        Value::Array(a) => {
            a.iter().enumerate().for_each(|(i, x)| values(x, format!("{pointer}/{i}"), format!("{path}[{i}]"), out))
        }
        _ => {}
    }
}

/// Whether config path `inner` is `outer` or lies inside it. `a[1].b` and `a[1][0]` are
/// inside `a[1]`; `a[10]` and `a[1]x` are not. Everything is inside the root (`""`),
/// including `config`, the name errors give the root.
fn within(inner: &str, outer: &str) -> bool {
    outer.is_empty()
        || inner == outer
        || inner.strip_prefix(outer).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// The path of the list item `path` is, or is the `.id` of: `("survey.reasons", 2)` for
/// `survey.reasons[2]` and `survey.reasons[2].id`.
fn list_item(path: &str) -> Option<(&str, usize)> {
    let item = path.strip_suffix(".id").unwrap_or(path);
    let (list, i) = item.strip_suffix(']')?.rsplit_once('[')?;
    Some((list, i.parse().ok()?))
}

/// Why an error at `e.path` is a right answer to changing the value at `changed`, or
/// `None` when it is not. The error must be at the changed value or inside it, or be one
/// of the rules that tie a field to another one, each recognised by its message:
fn explains(changed: &str, e: &ConfigError) -> Option<&'static str> {
    let (at, problem) = (e.path.as_str(), e.problem.as_str());
    if within(at, changed) {
        return Some("at or inside the changed value");
    }
    // Uniqueness within a list (ids, `cancel.effective`) is reported at the later of two
    // equal items: changing item i (or its id) can make a later item j of the same list
    // the duplicate.
    if (problem.ends_with("ids must be unique") && at.ends_with(".id")) || problem == "is listed twice" {
        if let (Some((list, j)), Some((changed_list, i))) = (list_item(at), list_item(changed)) {
            if list == changed_list && j > i {
                return Some("a duplicate later in the same list");
            }
        }
    }
    // The fallback needs a url or an email: removing one (null) can break it.
    if at == "fallback"
        && problem.starts_with("needs a url or an email")
        && matches!(changed, "fallback.url" | "fallback.email")
    {
        return Some("the fallback lost its url or email");
    }
    // A span's count is capped per unit, and deliveries are capped by their period: the
    // error is at `count` when its `unit` or `per` changed. A frequency option's rate is
    // compared with the plan's, so changing its `per` can make its count too many.
    if let Some(owner) = at.strip_suffix(".count") {
        let capped = problem.starts_with("must be a whole number from 1 to")
            || problem.starts_with("must be fewer deliveries than the plan's");
        if capped && (changed == format!("{owner}.unit") || within(changed, &format!("{owner}.per"))) {
            return Some("a count capped by its unit or period");
        }
    }
    // Frequency options must be fewer deliveries than the plan's, so changing the plan's
    // deliveries (or an ancestor of them) can reject an option's count.
    if problem.starts_with("must be fewer deliveries than the plan's")
        && list_item(at.strip_suffix(".count").unwrap_or("")).is_some_and(|(l, _)| l == "offers.frequency.options")
        && (within(changed, "plan.deliveries") || within("plan.deliveries", changed))
    {
        return Some("a frequency option against the plan's deliveries");
    }
    // A downgrade tier cannot be the current plan: changing `plan.id` can collide.
    if problem.starts_with("is the current plan")
        && list_item(at).is_some_and(|(l, _)| l == "offers.downgrade.tiers")
        && at.ends_with(".id")
        && within("plan.id", changed)
    {
        return Some("a tier id against the plan id");
    }
    // A reason may only name configured offers: removing `offers.<kind>` (null) or
    // emptying `offers` rejects the reason that names it.
    if let Some(kind) = problem.split_once("but offers.").and_then(|(_, r)| r.strip_suffix(" is not configured")) {
        let key = if kind == "link" { "links" } else { kind };
        if list_item(at).is_some_and(|(l, _)| l.starts_with("survey.reasons[") && l.ends_with("].offers"))
            && within(&format!("offers.{key}"), changed)
        {
            return Some("a reason naming an offer that is gone");
        }
    }
    // Not listed: a discount's percent_off / amount_off_minor + currency choice, which
    // ties those fields together but no example config uses amount_off_minor.
    None
}

/// What replaces the picked value: arbitrary JSON, or a copy of another value of the
/// same config (often the right type but in the wrong place: a duplicate id, another
/// unit, a list where an item was).
#[derive(Debug, Clone)]
enum Replacement {
    Json(Value),
    CopyOf(prop::sample::Index),
}

fn check(text: &str) -> Result<Option<ConfigError>, TestCaseError> {
    match parse_config(text, &Overrides::default()) {
        Ok(p) => {
            prop_assert!(!p.config.flow_id.is_empty());
            prop_assert!(!p.config.cancel.effective.is_empty());
            prop_assert!(p.config.fallback.url.is_some() || p.config.fallback.email.is_some());
            Ok(None)
        }
        Err(e) => {
            prop_assert!(!e.path.is_empty(), "error without a field: {e}");
            prop_assert!(!e.problem.is_empty(), "error without a problem: {e}");
            Ok(Some(e))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        check(&v.to_string())?;
    }

    #[test]
    fn one_value_replaced_anywhere(
        which in 0..EXAMPLES.len(),
        pick in any::<prop::sample::Index>(),
        replacement in prop_oneof![
            arb_json().prop_map(Replacement::Json),
            any::<prop::sample::Index>().prop_map(Replacement::CopyOf),
        ],
    ) {
        let mut v = example(EXAMPLES[which]);
        let mut all = Vec::new();
        values(&v, String::new(), String::new(), &mut all);
        let (pointer, changed) = pick.get(&all).clone();
        let new = match replacement {
            Replacement::Json(x) => x,
            Replacement::CopyOf(from) => v.pointer(&from.get(&all).0).unwrap().clone(),
        };
        *v.pointer_mut(&pointer).unwrap() = new;
        let text = v.to_string();
        if let Some(e) = check(&text)? {
            prop_assert!(
                explains(&changed, &e).is_some(),
                "the error is not about the changed value\n changed: {changed}\n   error: {e}\n  config: {text}"
            );
        }
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
        let _ = parse_config(&s, &Overrides::default());
    }
}

/// The relations `explains` accepts, each from a real edit of an example, and the ones it
/// must refuse.
#[test]
fn explains_accepts_only_the_rules() {
    let error_after = |name: &str, pointer: &str, value: Value| {
        let mut v = example(name);
        *v.pointer_mut(pointer).unwrap() = value;
        parse_config(&v.to_string(), &Overrides::default()).unwrap_err()
    };
    let cases: [(&str, &str, &str, Value, &str); 11] = [
        ("meal-box", "/offers/pause/options/1/count", "offers.pause.options[1].count", 0.into(), "at or inside"),
        ("meal-box", "/offers/pause/options/1", "offers.pause.options[1]", Value::Null, "at or inside"),
        ("meal-box", "/survey/reasons/0/id", "survey.reasons[0].id", "away".into(), "a duplicate"),
        ("saas-tiers", "/cancel/effective/0", "cancel.effective[0]", "immediately".into(), "a duplicate"),
        ("saas-tiers", "/fallback/email", "fallback.email", Value::Null, "the fallback"),
        ("meal-box", "/plan/deliveries/per/unit", "plan.deliveries.per.unit", "month".into(), "a count capped"),
        ("meal-box", "/plan/deliveries/per/count", "plan.deliveries.per.count", 5.into(), "a count capped"),
        ("meal-box", "/plan/deliveries/count", "plan.deliveries.count", 10.into(), "a frequency option"),
        ("meal-box", "/plan/id", "plan.id", "couple".into(), "a tier id"),
        ("meal-box", "/offers/pause", "offers.pause", Value::Null, "a reason naming"),
        ("meal-box", "/offers", "offers", serde_json::json!({}), "a reason naming"),
    ];
    for (name, pointer, changed, value, rule) in cases {
        let e = error_after(name, pointer, value);
        let got = explains(changed, &e);
        assert!(got.is_some_and(|r| r.starts_with(rule)), "{changed} -> {e}: {got:?}, want {rule}");
    }
    // Errors anywhere else are refused, even under a look-alike path.
    let e = |path: &str, problem: &str| ConfigError::new(path, problem);
    assert_eq!(explains("survey.reasons[1]", &e("survey.reasons[10].id", "must be text, not a number")), None);
    assert_eq!(explains("survey.reasons[1]", &e("survey.reasons", "is empty")), None);
    assert_eq!(explains("offers.pause.options[0].count", &e("offers.pause.options[1].count", "must be a whole")), None);
    assert_eq!(
        explains("plan.name", &e("offers.frequency.options[0].count", "must be fewer deliveries than the plan's")),
        None
    );
    assert_eq!(
        explains("survey.reasons[0].label", &e("survey.reasons[2].id", "\"x\" is used twice; ids must be unique")),
        None
    );
    assert_eq!(
        explains("offers.links[0].id", &e("survey.reasons[0].id", "\"x\" is used twice; ids must be unique")),
        None
    );
    assert_eq!(
        explains(
            "offers.discount",
            &e("survey.reasons[0].offers[0]", "names \"pause\", but offers.pause is not configured")
        ),
        None
    );
    assert_eq!(explains("fallback.url", &e("fallback.email", "\"x\" is not an email address")), None);
    assert_eq!(
        explains("plan.deliveries.count", &e("plan.deliveries.per.count", "must be a whole number from 1 to 24")),
        None
    );
}
