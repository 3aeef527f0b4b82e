//! Section 7's resolution of a flow for one customer, steps 1 to 6: the base with the
//! token's customer, the rules that hold, the variant's patch, eligibility, the holdout,
//! and `served`. Never fails: a rule that cannot be evaluated, or rules that are invalid
//! together, are left out and reported in `problems`.

use super::assignment::Group;
use super::document::FlowDocument;
use super::facts::Facts;
use super::logic;
use super::patch::{patch_config, remove_all_offers, remove_offer};
use super::widget;
use serde_json::{json, Value};

/// A config resolved for one customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The widget config to serve.
    pub config: Value,
    /// The indexes of the rules whose patches are in `config`, in order.
    pub applied_rules: Vec<usize>,
    /// What went wrong on the way (to be logged; the customer is served regardless).
    pub problems: Vec<String>,
}

/// Resolves `flow` (at `version`) for the customer of `facts`, in `group` of the flow's
/// experiment when given.
pub fn resolve(flow: &FlowDocument, version: u32, facts: &Facts, group: Option<&Group>) -> Resolved {
    let mut problems = Vec::new();
    // 2. every rule whose `when` holds, in order.
    let mut applied_rules = Vec::new();
    let outcomes = logic::evaluate(flow.rules.iter().map(|r| &r.when), facts);
    for (i, (rule, outcome)) in flow.rules.iter().zip(outcomes).enumerate() {
        match outcome {
            Ok(true) => applied_rules.push(i),
            Ok(false) => {}
            Err(problem) => problems.push(format!("{}.when: {problem}; the rule did not apply", rule.label(i))),
        }
    }
    // 3. the variant's patch.
    let experiment = flow.experiment();
    let variant = match (group, experiment) {
        (Some(Group::Variant(id)), Some(e)) => {
            let v = e.variant(id);
            if v.is_none() {
                problems.push(format!("experiment {}: has no variant {id}; no variant's patch applied", e.id));
            }
            v
        }
        _ => None,
    };
    let variant_patch = variant.and_then(|v| v.patch.as_ref());
    // 1. the base with the token's customer (set after the patches: none may change it).
    let build = |rules: &[usize]| {
        let mut config = flow.base.clone();
        for &i in rules {
            patch_config(&mut config, &flow.rules[i].patch);
        }
        if let Some(p) = variant_patch {
            patch_config(&mut config, p);
        }
        widget::set_customer(&mut config, &facts.customer_id, facts.subscription_id.as_deref());
        config
    };
    let mut config = build(&applied_rules);
    // Each patch alone is known valid (checked when the flow was written); two or more
    // together are checked now.
    if applied_rules.len() + usize::from(variant_patch.is_some()) >= 2 {
        let key = (applied_rules.clone(), variant.filter(|v| v.patch.is_some()).map(|v| v.id.clone()));
        if let Err(e) = flow.combination(key, || widget::check(&config).map_err(|e| e.to_string())) {
            let mut together: Vec<String> = applied_rules.iter().map(|&i| flow.rules[i].label(i)).collect();
            if let Some(v) = variant.filter(|v| v.patch.is_some()) {
                together.push(format!("variant {}", v.id));
            }
            problems.push(format!(
                "{} together give an invalid config ({e}); served without the rules",
                together.join(" + ")
            ));
            applied_rules.clear();
            config = build(&[]);
        }
    }
    // 4. eligibility, 5. the holdout: they only remove offers (and their names in reasons).
    if flow.eligibility.withholds_discount(&facts.history) {
        remove_offer(&mut config, "discount");
    }
    if flow.eligibility.withholds_pause(&facts.history) {
        remove_offer(&mut config, "pause");
    }
    if group == Some(&Group::Holdout) {
        remove_all_offers(&mut config);
    }
    // 6. served.
    let mut served = json!({ "flow_version": version });
    if let (Some(g), Some(e)) = (group, experiment) {
        served["experiment"] = json!({ "id": e.id, "variant": g.as_str() });
    }
    if let Some(root) = config.as_object_mut() {
        root.insert("served".into(), served);
    }
    Resolved { config, applied_rules, problems }
}
