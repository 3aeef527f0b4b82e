//! JSON Merge Patch (RFC 7396) over a config, and the two removals the collector itself
//! makes (eligibility and the holdout): an offer section goes, and so does its name in
//! every survey reason's `offers` list, because the widget's reader refuses a reason that
//! names an offer which is not configured. A reason whose offers are all gone keeps an
//! empty list, which goes straight to confirm (a missing list would mean "every offer").

use serde_json::Value;

/// Applies `patch` to `target` as RFC 7396 says: objects merge, `null` removes a key,
/// anything else (arrays included) replaces the target whole.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    json_patch::merge(target, patch);
}

/// Applies a rule's or a variant's `patch` to a config: RFC 7396, and an offer section the
/// patch removes also leaves every reason's `offers` list (the contract's own example,
/// `{"offers": {"discount": null}}` for annual plans, then works whatever the reasons
/// list; a reason whose offers are all gone goes straight to confirm).
pub fn patch_config(config: &mut Value, patch: &Value) {
    let before = offer_keys(config);
    merge_patch(config, patch);
    let after = offer_keys(config);
    let gone: Vec<String> = before.into_iter().filter(|k| !after.contains(k)).collect();
    if !gone.is_empty() {
        prune_reasons(config, |k| gone.iter().any(|g| g == k));
    }
}

/// The keys of a config's `offers`.
fn offer_keys(config: &Value) -> Vec<String> {
    config.get("offers").and_then(Value::as_object).map(|o| o.keys().cloned().collect()).unwrap_or_default()
}

/// Removes `offers.<kind>` (`pause`, `discount`, …) and the name `kind` from every
/// reason's `offers` list. A config that is not an object is left as it is.
pub fn remove_offer(config: &mut Value, kind: &str) {
    let Some(root) = config.as_object_mut() else { return };
    if let Some(Value::Object(offers)) = root.get_mut("offers") {
        offers.shift_remove(kind);
    }
    prune_reasons(config, |k| k == kind);
}

/// Removes `offers` entirely (the holdout), leaving every listed reason with `[]`.
pub fn remove_all_offers(config: &mut Value) {
    let Some(root) = config.as_object_mut() else { return };
    root.shift_remove("offers");
    prune_reasons(config, |_| true);
}

/// Drops the offer names for which `gone` holds from each reason's `offers` list.
fn prune_reasons(config: &mut Value, gone: impl Fn(&str) -> bool) {
    let Some(Value::Array(reasons)) = config.pointer_mut("/survey/reasons") else { return };
    for reason in reasons {
        if let Some(Value::Array(listed)) = reason.get_mut("offers") {
            listed.retain(|k| !k.as_str().is_some_and(&gone));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_patch_that_removes_an_offer_takes_its_name_out_of_the_reasons() {
        let mut config = json!({
            "survey": { "reasons": [ { "id": "a", "offers": ["discount", "pause"] }, { "id": "b", "offers": ["discount"] }, { "id": "c" } ] },
            "offers": { "pause": {}, "discount": {} }
        });
        patch_config(&mut config, &json!({ "offers": { "discount": null } }));
        assert_eq!(config["survey"]["reasons"][0]["offers"], json!(["pause"]));
        assert_eq!(config["survey"]["reasons"][1]["offers"], json!([]));
        assert!(config["survey"]["reasons"][2].get("offers").is_none(), "every offer still means every offer");
        // A name the patch did not remove stays, for the reader to judge.
        let mut config =
            json!({ "survey": { "reasons": [ { "id": "a", "offers": ["links"] } ] }, "offers": { "pause": {} } });
        patch_config(&mut config, &json!({ "offers": { "pause": { "options": [] } } }));
        assert_eq!(config["survey"]["reasons"][0]["offers"], json!(["links"]));
    }

    /// RFC 7396, appendix A: every example, in its order.
    #[test]
    fn rfc_7396_appendix_a() {
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (json!({"a":"b","b":"c"}), json!({"a":null}), json!({"b":"c"})),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (json!({"a":{"b":"c"}}), json!({"a":{"b":"d","c":null}}), json!({"a":{"b":"d"}})),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a":"b"}), json!(["c"]), json!(["c"])),
            (json!({"a":"foo"}), json!(null), json!(null)),
            (json!({"a":"foo"}), json!("bar"), json!("bar")),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (json!({}), json!({"a":{"bb":{"ccc":null}}}), json!({"a":{"bb":{}}})),
        ];
        for (i, (original, patch, result)) in cases.into_iter().enumerate() {
            let mut target = original.clone();
            merge_patch(&mut target, &patch);
            assert_eq!(target, result, "example {i}: {original} + {patch}");
        }
    }

    #[test]
    fn removing_an_offer_prunes_the_reasons_that_name_it() {
        let mut config = json!({
            "offers": {"pause": {}, "discount": {}},
            "survey": {"reasons": [
                {"id": "a", "offers": ["discount", "pause"]},
                {"id": "b", "offers": ["discount"]},
                {"id": "c"}
            ]}
        });
        remove_offer(&mut config, "discount");
        assert_eq!(
            config,
            json!({
                "offers": {"pause": {}},
                "survey": {"reasons": [
                    {"id": "a", "offers": ["pause"]},
                    {"id": "b", "offers": []},
                    {"id": "c"}
                ]}
            })
        );
        remove_all_offers(&mut config);
        assert_eq!(
            config,
            json!({"survey": {"reasons": [{"id": "a", "offers": []}, {"id": "b", "offers": []}, {"id": "c"}]}})
        );
    }

    #[test]
    fn removals_leave_a_config_without_those_parts_alone() {
        let mut config = json!({"flow_id": "box"});
        remove_offer(&mut config, "pause");
        remove_all_offers(&mut config);
        assert_eq!(config, json!({"flow_id": "box"}));
        let mut not_an_object = json!([1]);
        remove_all_offers(&mut not_an_object);
        assert_eq!(not_an_object, json!([1]));
    }
}
