//! What changed between two versions of a flow, for the editor's version list: the JSON
//! Patch (RFC 6902) from one document to the other, as json-patch computes it, with the
//! value each changed place held before. Pure.

use json_patch::PatchOperation;
use serde::Serialize;
use serde_json::Value;

/// One change: `op` is `add`, `remove`, `replace`, `move` or `copy`; `path` a JSON
/// Pointer into the document (`/config/offers/discount/percent_off`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// What was done there.
    pub op: &'static str,
    /// Where.
    pub path: String,
    /// What is there after (absent for a removal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// What was there before (absent for an addition).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub was: Option<Value>,
}

/// The changes that turn `from` into `to`, in order. Each `was` is read from the document
/// as the changes before it left it, so list positions are always the right ones.
pub fn changes(from: &Value, to: &Value) -> Vec<Change> {
    let patch = json_patch::diff(from, to);
    let mut doc = from.clone();
    let mut out = Vec::with_capacity(patch.0.len());
    for op in patch.0 {
        let (name, path, value) = match &op {
            PatchOperation::Add(o) => ("add", o.path.to_string(), Some(o.value.clone())),
            PatchOperation::Remove(o) => ("remove", o.path.to_string(), None),
            PatchOperation::Replace(o) => ("replace", o.path.to_string(), Some(o.value.clone())),
            PatchOperation::Move(o) => ("move", o.path.to_string(), None),
            PatchOperation::Copy(o) => ("copy", o.path.to_string(), None),
            PatchOperation::Test(o) => ("test", o.path.to_string(), Some(o.value.clone())),
        };
        let was = match name {
            "remove" | "replace" => doc.pointer(&path).cloned(),
            _ => None,
        };
        // A diff's own patch always applies to the document it was made from.
        let _ = json_patch::patch(&mut doc, &[op]);
        out.push(Change { op: name, path, value, was });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn a_changed_value_an_added_rule_and_a_removed_offer() {
        let a = json!({ "config": { "offers": { "discount": { "percent_off": 15 }, "pause": {} } }, "rules": [] });
        let b = json!({ "config": { "offers": { "discount": { "percent_off": 20 } } }, "rules": [ { "name": "x" } ] });
        let c = changes(&a, &b);
        assert!(c.contains(&Change {
            op: "replace",
            path: "/config/offers/discount/percent_off".into(),
            value: Some(json!(20)),
            was: Some(json!(15))
        }));
        assert!(c.contains(&Change {
            op: "remove",
            path: "/config/offers/pause".into(),
            value: None,
            was: Some(json!({}))
        }));
        assert!(c.iter().any(|c| c.op == "add" && c.path == "/rules/0" && c.value == Some(json!({ "name": "x" }))));
        assert!(changes(&a, &a).is_empty());
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            (0..5i64).prop_map(Value::from),
            "[ab]{0,2}".prop_map(Value::from)
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map("[abc]", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Undoing the changes from the last to the first, each with its `was`, gives the
        /// first document back.
        #[test]
        fn each_was_is_what_stood_there(a in value(), b in value()) {
            let mut doc = b.clone();
            for change in changes(&a, &b).iter().rev() {
                let inverse = match change.op {
                    "add" => json!({ "op": "remove", "path": change.path }),
                    "remove" => json!({ "op": "add", "path": change.path, "value": change.was }),
                    "replace" => json!({ "op": "replace", "path": change.path, "value": change.was }),
                    other => panic!("json-patch's diff made a {other}"),
                };
                let patch: json_patch::Patch = serde_json::from_value(json!([inverse])).unwrap();
                json_patch::patch(&mut doc, &patch).unwrap();
            }
            prop_assert_eq!(doc, a);
        }
    }
}
