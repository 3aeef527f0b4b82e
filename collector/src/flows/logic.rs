//! A rule's `when`: JSON Logic (jsonlogic.com's standard operations, run by datalogic-rs),
//! checked at write time to name only known facts, compiled once, and evaluated per
//! request over one customer's facts. The engine and the compiled rules are `Send + Sync`
//! (datalogic-rs 5.4 says so and the compiler checks it), so one engine serves every thread
//! and each evaluation gets its own small arena.

use super::facts::{Facts, History};
use datalogic_rs::bumpalo::Bump;
use datalogic_rs::datavalue::OwnedDataValue;
use datalogic_rs::{DataValue, Engine, Logic};
use serde_json::Value;
use std::sync::{Arc, LazyLock};

/// The one engine: default settings (JavaScript truthiness, as JSON Logic defines it).
static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::new);

/// The operations of jsonlogic.com that datalogic-rs runs (`log` is standard but has no
/// use here and datalogic-rs does not run it; its extensions such as `val` or `?:` are
/// not standard, so a flow written for another JSON Logic engine means the same here).
const OPERATIONS: &[&str] = &[
    "var",
    "missing",
    "missing_some",
    "if",
    "==",
    "===",
    "!=",
    "!==",
    "!",
    "!!",
    "or",
    "and",
    ">",
    ">=",
    "<",
    "<=",
    "max",
    "min",
    "+",
    "-",
    "*",
    "/",
    "%",
    "map",
    "reduce",
    "filter",
    "all",
    "none",
    "some",
    "merge",
    "in",
    "cat",
    "substr",
];

/// The facts a `var` may name (besides `attrs.<key>`, any key).
const FACTS: &[&str] = &[
    "customer.id",
    "customer.subscription_id",
    "history.sessions",
    "history.days_since_last_session",
    "history.days_since_discount",
    "history.pauses_in_a_row",
];

/// Whether `name` is a fact a rule may read.
pub fn is_fact(name: &str) -> bool {
    FACTS.contains(&name) || name.strip_prefix("attrs.").is_some_and(|key| !key.is_empty())
}

/// A compiled `when`.
#[derive(Clone)]
pub(crate) struct When(Arc<Logic>);

// One compiled rule serves every thread at once.
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<When>();
    shared::<Engine>();
};

impl std::fmt::Debug for When {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("When(compiled JSON Logic)")
    }
}

impl When {
    /// Checks and compiles a rule: `Err` is the problem, to be shown after `rules[i].when: `.
    pub(crate) fn read(rule: &Value) -> Result<When, String> {
        check(rule, Scope::Facts)?;
        ENGINE
            .compile(owned(rule))
            .map(|logic| When(Arc::new(logic)))
            .map_err(|e| format!("is not valid JSON Logic ({e})"))
    }
}

/// Where a `var` is: over the facts, or inside an iteration (`map`, `filter`, `all`,
/// `some`, `none`, `reduce`), where it names a field of the current item (or
/// `current`/`accumulator`), which no fact list can check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Facts,
    Item,
}

/// Walks a rule: every operation standard, every `var` (and `missing`, `missing_some`)
/// over the facts a literal name of a known fact. Inside an iteration's body the names
/// refer to the current item (or `current`/`accumulator`), not to the facts, so only the
/// operations are checked there; a name the item lacks reads null.
fn check(v: &Value, scope: Scope) -> Result<(), String> {
    match v {
        Value::Array(items) => items.iter().try_for_each(|x| check(x, scope)),
        Value::Object(m) if m.is_empty() => Ok(()),
        Value::Object(m) if m.len() > 1 => {
            let keys: Vec<&str> = m.keys().map(String::as_str).collect();
            Err(format!("an operation is an object with one key, not {} ({})", m.len(), keys.join(", ")))
        }
        Value::Object(m) => {
            let (op, args) = m.iter().next().expect("one key");
            if !OPERATIONS.contains(&op.as_str()) {
                return Err(format!("unknown operation {op}"));
            }
            let items = args.as_array().map(Vec::as_slice);
            match (op.as_str(), scope, items) {
                (_, Scope::Item, _) if !is_iteration(op) => check(args, scope),
                ("var", _, _) => check_var(args),
                ("missing", _, _) => check_names(op, args),
                ("missing_some", _, Some([least, names])) => {
                    check(least, scope)?;
                    check_names(op, names)
                }
                ("missing_some", _, _) => Err("missing_some takes [how many, [facts]]".into()),
                ("reduce", _, Some(items)) => {
                    items.iter().enumerate().try_for_each(|(i, x)| check(x, if i == 1 { Scope::Item } else { scope }))
                }
                (_, _, Some(items)) if is_iteration(op) => {
                    items.iter().enumerate().try_for_each(|(i, x)| check(x, if i == 0 { scope } else { Scope::Item }))
                }
                _ => check(args, scope),
            }
        }
        _ => Ok(()),
    }
}

fn is_iteration(op: &str) -> bool {
    matches!(op, "map" | "filter" | "all" | "some" | "none" | "reduce")
}

/// `{"var": "attrs.plan"}` or `{"var": ["attrs.plan", default]}` over the facts.
fn check_var(args: &Value) -> Result<(), String> {
    let name = match args {
        Value::Array(items) => match items.as_slice() {
            [name] => name,
            [name, default] => {
                check(default, Scope::Facts)?;
                name
            }
            _ => return Err("var takes a fact's name and an optional default".into()),
        },
        other => other,
    };
    match name {
        Value::String(s) if is_fact(s) => Ok(()),
        Value::String(s) if s.is_empty() => {
            Err("unknown fact \"\" (the whole data): name one, such as attrs.plan".into())
        }
        Value::String(s) => Err(format!("unknown fact {s}")),
        other => Err(format!("var must name a fact as literal text, such as \"attrs.plan\", not {other}")),
    }
}

/// `missing`'s (or `missing_some`'s) names: literal text naming known facts.
fn check_names(op: &str, names: &Value) -> Result<(), String> {
    let one = |n: &Value| match n {
        Value::String(s) if is_fact(s) => Ok(()),
        Value::String(s) => Err(format!("unknown fact {s}")),
        other => Err(format!("{op} must list facts as literal text, not {other}")),
    };
    match names {
        Value::Array(items) => items.iter().try_for_each(one),
        other => one(other),
    }
}

/// serde_json's value as datalogic-rs's owned value (objects keep their key order).
fn owned(v: &Value) -> OwnedDataValue {
    match v {
        Value::Null => OwnedDataValue::Null,
        Value::Bool(b) => OwnedDataValue::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => OwnedDataValue::from_i64(i),
            None => OwnedDataValue::from_f64(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => OwnedDataValue::String(s.clone()),
        Value::Array(items) => OwnedDataValue::Array(items.iter().map(owned).collect()),
        Value::Object(m) => OwnedDataValue::Object(m.iter().map(|(k, v)| (k.clone(), owned(v))).collect()),
    }
}

/// Evaluates each rule over the facts, in order: `Ok(holds)` (JSON Logic truthiness of the
/// result) or `Err(problem)` when the rule fails to evaluate.
pub(crate) fn evaluate<'w>(rules: impl IntoIterator<Item = &'w When>, facts: &Facts) -> Vec<Result<bool, String>> {
    let arena = Bump::with_capacity(2048);
    let data: &DataValue = arena.alloc(facts_data(facts, &arena));
    rules
        .into_iter()
        .map(|when| match ENGINE.evaluate(&when.0, data, &arena) {
            Ok(result) => Ok(ENGINE.truthy(result)),
            Err(e) => Err(format!("could not be evaluated ({e})")),
        })
        .collect()
}

/// The data a rule reads: `{"attrs": {…}, "customer": {"id", "subscription_id"},
/// "history": {"sessions", "days_since_last_session", "days_since_discount",
/// "pauses_in_a_row"}}`, nulls as null.
fn facts_data<'a>(facts: &Facts, arena: &'a Bump) -> DataValue<'a> {
    let attrs: Vec<(&'a str, DataValue<'a>)> =
        facts.attrs.iter().map(|(k, v)| (&*arena.alloc_str(k), arena_value(v, arena))).collect();
    let text = |s: Option<&str>| s.map_or(DataValue::Null, |s| DataValue::from_str_in(s, arena));
    let customer =
        [("id", text(Some(&facts.customer_id))), ("subscription_id", text(facts.subscription_id.as_deref()))];
    let History { sessions, days_since_last_session, days_since_discount, pauses_in_a_row } = facts.history;
    let count = |n: u64| DataValue::from_i64(i64::try_from(n).unwrap_or(i64::MAX));
    let days = |d: Option<i64>| d.map_or(DataValue::Null, DataValue::from_i64);
    let history = [
        ("sessions", count(sessions)),
        ("days_since_last_session", days(days_since_last_session)),
        ("days_since_discount", days(days_since_discount)),
        ("pauses_in_a_row", count(pauses_in_a_row)),
    ];
    DataValue::Object(arena.alloc_slice_copy(&[
        ("attrs", DataValue::Object(arena.alloc_slice_copy(&attrs))),
        ("customer", DataValue::Object(arena.alloc_slice_copy(&customer))),
        ("history", DataValue::Object(arena.alloc_slice_copy(&history))),
    ]))
}

fn arena_value<'a>(v: &Value, arena: &'a Bump) -> DataValue<'a> {
    match v {
        Value::Null => DataValue::Null,
        Value::Bool(b) => DataValue::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => DataValue::from_i64(i),
            None => DataValue::from_f64(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => DataValue::from_str_in(s, arena),
        Value::Array(items) => {
            let items: Vec<DataValue<'a>> = items.iter().map(|x| arena_value(x, arena)).collect();
            DataValue::Array(arena.alloc_slice_copy(&items))
        }
        Value::Object(m) => {
            let pairs: Vec<(&'a str, DataValue<'a>)> =
                m.iter().map(|(k, v)| (&*arena.alloc_str(k), arena_value(v, arena))).collect();
            DataValue::Object(arena.alloc_slice_copy(&pairs))
        }
    }
}
