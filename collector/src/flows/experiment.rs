//! An experiment as a flow document writes it (section 8): its id, the holdout, the
//! variants with their weights and patches, and the figures the analysis plans with;
//! read and checked, and compared with another for "the same design".

use super::error::{kind, FlowError};
use super::facts::whole;
use serde_json::{Map, Value};

/// An experiment of a flow.
#[derive(Debug, Clone, PartialEq)]
pub struct Experiment {
    /// `[a-z0-9_-]`, 1 to 64; one design for life.
    pub id: String,
    /// Share that sees the survey but no offers: 0 to 0.5, at most 4 decimals.
    pub holdout: f64,
    /// 1 to 5 variants, in their order.
    pub variants: Vec<Variant>,
    /// Share of the holdout expected to stay 30 days: above 0, below 1 (default 0.5).
    pub baseline: f64,
    /// Smallest difference worth detecting: above 0, at most 1 − baseline (default 0.05).
    pub mde: f64,
}

/// One variant of an experiment.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// `[a-z0-9_-]`, 1 to 64, unique, not `holdout`.
    pub id: String,
    /// 1 to 1000 (default 1).
    pub weight: u32,
    /// A JSON Merge Patch of the config (an object), if any.
    pub patch: Option<Value>,
}

/// Most variants in an experiment.
pub const MAX_VARIANTS: usize = 5;

impl Experiment {
    /// Reads the document's `experiment` (the patches are checked against the base by the
    /// document, which knows it).
    pub(crate) fn read(v: &Value) -> Result<Experiment, FlowError> {
        let Value::Object(m) = v else {
            return Err(FlowError::new("experiment", "must be an object with an id, a holdout and variants"));
        };
        let id = slug(m.get("id"), "experiment.id")?;
        let holdout = read_holdout(m.get("holdout"))?;
        let variants = read_variants(m.get("variants"))?;
        let number = |key: &str, default: f64| match m.get(key) {
            None => Ok(default),
            Some(v) => v
                .as_f64()
                .ok_or_else(|| FlowError::new(format!("experiment.{key}"), format!("must be a number, not {v}"))),
        };
        let baseline = number("baseline", 0.5)?;
        if !(baseline > 0.0 && baseline < 1.0) {
            return Err(FlowError::new("experiment.baseline", format!("must be above 0 and below 1, not {baseline}")));
        }
        let mde = number("mde", 0.05)?;
        // Compared as a sum: 1 − 0.9 is 0.09999999999999998 in binary, but 0.9 + 0.1 is 1.
        if !(mde > 0.0 && baseline + mde <= 1.0 + 1e-12) {
            return Err(FlowError::new(
                "experiment.mde",
                format!("must be above 0 and at most 1 - baseline ({}), not {mde}", round4(1.0 - baseline)),
            ));
        }
        Ok(Experiment { id, holdout, variants, baseline, mde })
    }

    /// Whether `other` is the same design: holdout, variant ids (in order), weights and
    /// patches equal as JSON values (an absent patch equals `{}`, and numbers compare by
    /// value, so `30` equals `30.0`). `baseline` and `mde` are planning figures, not the design.
    pub fn same_design(&self, other: &Experiment) -> bool {
        let empty = Value::Object(Map::new());
        self.holdout == other.holdout
            && self.variants.len() == other.variants.len()
            && self.variants.iter().zip(&other.variants).all(|(a, b)| {
                a.id == b.id
                    && a.weight == b.weight
                    && same_json(a.patch.as_ref().unwrap_or(&empty), b.patch.as_ref().unwrap_or(&empty))
            })
    }

    /// The variant with this id.
    pub fn variant(&self, id: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.id == id)
    }
}

fn read_holdout(v: Option<&Value>) -> Result<f64, FlowError> {
    const PATH: &str = "experiment.holdout";
    let v =
        v.ok_or_else(|| FlowError::new(PATH, "is required: the share that sees no offers, from 0 to 0.5 (e.g. 0.1)"))?;
    let h = v.as_f64().ok_or_else(|| FlowError::new(PATH, format!("must be a number from 0 to 0.5, not {v}")))?;
    if !(0.0..=0.5).contains(&h) {
        return Err(FlowError::new(PATH, format!("must be from 0 to 0.5, not {v}")));
    }
    // At most 4 decimals: the double nearest to a 4-decimal number survives the round trip.
    if (h * 10_000.0).round() / 10_000.0 != h {
        return Err(FlowError::new(PATH, format!("must have at most 4 decimals (one share in 10000), not {v}")));
    }
    Ok(h)
}

fn read_variants(v: Option<&Value>) -> Result<Vec<Variant>, FlowError> {
    const PATH: &str = "experiment.variants";
    let Some(Value::Array(items)) = v else {
        return Err(FlowError::new(
            PATH,
            format!("is required: list 1 to {MAX_VARIANTS} variants, such as [{{\"id\": \"a\"}}]"),
        ));
    };
    if items.is_empty() || items.len() > MAX_VARIANTS {
        return Err(FlowError::new(PATH, format!("lists {}; 1 to {MAX_VARIANTS} variants are allowed", items.len())));
    }
    let mut out: Vec<Variant> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = format!("{PATH}[{i}]");
        let Value::Object(m) = item else {
            return Err(FlowError::new(at, "must be an object such as {\"id\": \"a\", \"weight\": 1}"));
        };
        let id = slug(m.get("id"), &format!("{at}.id"))?;
        if id == "holdout" {
            return Err(FlowError::new(
                format!("{at}.id"),
                "\"holdout\" names the group without offers; choose another id",
            ));
        }
        if let Some(j) = out.iter().position(|v| v.id == id) {
            return Err(FlowError::new(format!("{at}.id"), format!("\"{id}\" is already the id of {PATH}[{j}]")));
        }
        let weight = match m.get("weight") {
            None => 1,
            Some(w) => match whole(w) {
                Some(n @ 1..=1000) => n as u32,
                _ => {
                    return Err(FlowError::new(
                        format!("{at}.weight"),
                        format!("must be a whole number from 1 to 1000, not {w}"),
                    ))
                }
            },
        };
        let patch = match m.get("patch") {
            None | Some(Value::Null) => None,
            Some(p @ Value::Object(_)) => Some(p.clone()),
            Some(p) => {
                return Err(FlowError::new(
                    format!("{at}.patch"),
                    format!("must be an object (a JSON Merge Patch of the config), not {}", kind(p)),
                ))
            }
        };
        out.push(Variant { id, weight, patch });
    }
    Ok(out)
}

/// An id of `[a-z0-9_-]`, 1 to 64 characters.
fn slug(v: Option<&Value>, path: &str) -> Result<String, FlowError> {
    let ok = |s: &str| {
        (1..=64).contains(&s.len()) && s.bytes().all(|c| matches!(c, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'))
    };
    match v {
        Some(Value::String(s)) if ok(s) => Ok(s.clone()),
        None => Err(FlowError::new(path, "is required: 1 to 64 of a-z, 0-9, _ and -")),
        Some(other) => Err(FlowError::new(path, format!("must be 1 to 64 of a-z, 0-9, _ and -, not {other}"))),
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// JSON equality with numbers compared by value (`30` and `30.0` are the same number).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_json(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(v: Value) -> Result<Experiment, String> {
        Experiment::read(&v).map_err(|e| e.to_string())
    }

    fn winter() -> Value {
        json!({"id": "winter-offers", "holdout": 0.1, "variants": [
            {"id": "a", "weight": 1},
            {"id": "b", "weight": 1, "patch": {"offers": {"discount": {"percent_off": 30, "months": 2}}}}
        ]})
    }

    #[test]
    fn reads_the_contract_example_with_defaults() {
        let e = read(winter()).unwrap();
        assert_eq!(e.id, "winter-offers");
        assert_eq!(e.holdout, 0.1);
        assert_eq!(e.baseline, 0.5);
        assert_eq!(e.mde, 0.05);
        assert_eq!(e.variants[0], Variant { id: "a".into(), weight: 1, patch: None });
        assert_eq!(e.variants[1].patch, Some(json!({"offers": {"discount": {"percent_off": 30, "months": 2}}})));
        let no_weight = read(json!({"id": "x", "holdout": 0, "variants": [{"id": "a"}]})).unwrap();
        assert_eq!(no_weight.variants[0].weight, 1);
        assert_eq!(no_weight.holdout, 0.0);
        let edges =
            read(json!({"id": "x", "holdout": 0.5, "variants": [{"id": "a"}], "baseline": 0.9, "mde": 0.1})).unwrap();
        assert_eq!((edges.holdout, edges.baseline, edges.mde), (0.5, 0.9, 0.1));
        assert!(read(json!({"id": "x", "holdout": 0.1234, "variants": [{"id": "a"}]})).is_ok());
    }

    #[test]
    fn every_refusal_names_its_field() {
        let with = |patch: Value| {
            let mut e = winter();
            json_patch::merge(&mut e, &patch);
            read(e).unwrap_err()
        };
        assert_eq!(read(json!([])).unwrap_err(), "experiment: must be an object with an id, a holdout and variants");
        assert_eq!(with(json!({"id": null})), "experiment.id: is required: 1 to 64 of a-z, 0-9, _ and -");
        assert_eq!(
            with(json!({"id": "Winter"})),
            "experiment.id: must be 1 to 64 of a-z, 0-9, _ and -, not \"Winter\""
        );
        assert!(with(json!({"id": "x".repeat(65)})).starts_with("experiment.id: must be 1 to 64"));
        assert!(read(json!({"id": "x".repeat(64), "holdout": 0, "variants": [{"id": "a"}]})).is_ok());
        assert_eq!(
            with(json!({"holdout": null})),
            "experiment.holdout: is required: the share that sees no offers, from 0 to 0.5 (e.g. 0.1)"
        );
        assert_eq!(with(json!({"holdout": "0.1"})), "experiment.holdout: must be a number from 0 to 0.5, not \"0.1\"");
        assert_eq!(with(json!({"holdout": 0.51})), "experiment.holdout: must be from 0 to 0.5, not 0.51");
        assert_eq!(with(json!({"holdout": -0.1})), "experiment.holdout: must be from 0 to 0.5, not -0.1");
        assert_eq!(
            with(json!({"holdout": 0.12345})),
            "experiment.holdout: must have at most 4 decimals (one share in 10000), not 0.12345"
        );
        assert_eq!(with(json!({"variants": []})), "experiment.variants: lists 0; 1 to 5 variants are allowed");
        assert_eq!(
            with(json!({"variants": [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}, {"id": "e"}, {"id": "f"}]})),
            "experiment.variants: lists 6; 1 to 5 variants are allowed"
        );
        assert!(with(json!({"variants": null})).starts_with("experiment.variants: is required: list 1 to 5 variants"));
        assert!(with(json!({"variants": [3]})).starts_with("experiment.variants[0]: must be an object"));
        assert_eq!(
            with(json!({"variants": [{"id": "a"}, {"id": "A"}]})),
            "experiment.variants[1].id: must be 1 to 64 of a-z, 0-9, _ and -, not \"A\""
        );
        assert_eq!(
            with(json!({"variants": [{"id": "holdout"}]})),
            "experiment.variants[0].id: \"holdout\" names the group without offers; choose another id"
        );
        assert_eq!(
            with(json!({"variants": [{"id": "a"}, {"id": "b"}, {"id": "a"}]})),
            "experiment.variants[2].id: \"a\" is already the id of experiment.variants[0]"
        );
        for w in [json!(0), json!(1001), json!(1.5), json!("1")] {
            assert_eq!(
                with(json!({"variants": [{"id": "a", "weight": w}]})),
                format!("experiment.variants[0].weight: must be a whole number from 1 to 1000, not {w}")
            );
        }
        assert_eq!(
            with(json!({"variants": [{"id": "a", "patch": [1]}]})),
            "experiment.variants[0].patch: must be an object (a JSON Merge Patch of the config), not a list"
        );
        assert_eq!(with(json!({"baseline": 1})), "experiment.baseline: must be above 0 and below 1, not 1");
        assert_eq!(with(json!({"baseline": 0})), "experiment.baseline: must be above 0 and below 1, not 0");
        assert_eq!(with(json!({"baseline": "x"})), "experiment.baseline: must be a number, not \"x\"");
        assert_eq!(with(json!({"mde": 0})), "experiment.mde: must be above 0 and at most 1 - baseline (0.5), not 0");
        assert_eq!(
            with(json!({"baseline": 0.9, "mde": 0.11})),
            "experiment.mde: must be above 0 and at most 1 - baseline (0.1), not 0.11"
        );
    }

    #[test]
    fn same_design_is_holdout_ids_weights_and_patches() {
        let a = read(winter()).unwrap();
        let same = |patch: Value| {
            let mut e = winter();
            json_patch::merge(&mut e, &patch);
            a.same_design(&read(e).unwrap())
        };
        assert!(same(json!({})));
        assert!(same(json!({"baseline": 0.3, "mde": 0.1, "note": "planning figures are not the design"})));
        assert!(same(
            json!({"variants": [{"id": "a"}, {"id": "b", "patch": {"offers": {"discount": {"months": 2.0, "percent_off": 30}}}}]})
        ));
        assert!(same(
            json!({"variants": [{"id": "a", "patch": {}}, {"id": "b", "weight": 1, "patch": {"offers": {"discount": {"percent_off": 30, "months": 2}}}}]})
        ));
        assert!(!same(json!({"holdout": 0.2})));
        assert!(!same(json!({"variants": [{"id": "a", "weight": 2}, {"id": "b"}]})));
        assert!(!same(json!({"variants": [{"id": "b"}, {"id": "a"}]})));
        assert!(!same(json!({"variants": [{"id": "a"}]})));
        assert!(!same(
            json!({"variants": [{"id": "a"}, {"id": "c", "patch": {"offers": {"discount": {"percent_off": 30, "months": 2}}}}]})
        ));
        assert!(!same(
            json!({"variants": [{"id": "a"}, {"id": "b", "patch": {"offers": {"discount": {"percent_off": 31, "months": 2}}}}]})
        ));
        assert!(!same(json!({"variants": [{"id": "a"}, {"id": "b"}]})));
    }
}
