//! The editor's starting points for a new flow (COLLECTOR.md section 10): the three sample
//! configs of `examples/` (the meal box, the SaaS tiers, the direct German flow), each
//! made into a flow document for the new flow's id, its outcomes sent to this collector,
//! and a blank flow. Pure: the documents are built from the examples compiled in.

use serde_json::{json, Value};

/// A template: its id in `?template=`, its name, and the example it starts from.
pub struct Template {
    /// `meal-box`, `saas-tiers`, `direct-de`.
    pub id: &'static str,
    /// What the person picks.
    pub name: &'static str,
    source: &'static str,
    /// An example rule shown with it, as the editor's rule rows write them.
    rule: Option<fn() -> Value>,
}

/// The templates, in the order offered.
pub const TEMPLATES: [Template; 3] = [
    Template {
        id: "meal-box",
        name: "Meal box: pause, a smaller box, fewer deliveries, a discount",
        source: include_str!("../../../../examples/meal-box.json"),
        rule: Some(|| {
            json!({ "name": "annual plans keep their price",
                    "when": { "==": [ { "var": "attrs.plan" }, "annual" ] },
                    "patch": { "offers": { "discount": null } } })
        }),
    },
    Template {
        id: "saas-tiers",
        name: "SaaS: a cheaper tier, a pause, a discount",
        source: include_str!("../../../../examples/saas-tiers.json"),
        rule: Some(|| {
            json!({ "name": "long-time customers may talk to a person first",
                    "when": { ">=": [ { "var": "attrs.tenure_days" }, 365 ] },
                    "patch": { "offers": { "links": [ { "id": "success", "label": "Talk to our customer team", "url": "https://shop.example/help" } ] } } })
        }),
    },
    Template {
        id: "direct-de",
        name: "Direct, in German: straight to the cancel button",
        source: include_str!("../../../../examples/direct-de.json"),
        rule: None,
    },
];

/// The template named `id`.
pub fn find(id: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.id == id)
}

impl Template {
    /// The flow document this template gives a new flow `flow_id` whose outcomes go to
    /// `endpoint` (this collector's `/v1/outcomes`).
    pub fn document(&self, flow_id: &str, endpoint: &str) -> Value {
        let mut config: Value = serde_json::from_str(self.source).expect("the examples are JSON");
        if let Value::Object(c) = &mut config {
            for key in ["$schema", "customer", "served"] {
                c.remove(key);
            }
            c.insert("flow_id".into(), json!(flow_id));
            c.insert("endpoint".into(), json!(endpoint));
        }
        let rules: Vec<Value> = self.rule.map(|r| r()).into_iter().collect();
        json!({ "schema": "cancel-flow/flow@1", "config": config, "rules": rules })
    }
}

/// A new flow without a template: a guided flow with the honest presets, no offers yet,
/// and a fallback to fill in.
pub fn blank(flow_id: &str, endpoint: &str) -> Value {
    json!({
        "schema": "cancel-flow/flow@1",
        "config": {
            "schema": "cancel-flow/config@1",
            "flow_id": flow_id,
            "endpoint": endpoint,
            "plan": { "id": "standard", "name": "Standard",
                      "price": { "amount_minor": 1000, "currency": "EUR", "per": { "unit": "month", "count": 1 } } },
            "flow": "guided",
            "survey": { "randomize": true, "reasons": [
                { "preset": "too_expensive" }, { "preset": "not_using_enough" }, { "preset": "other" } ] },
            "offers": { "pause": { "options": [ { "unit": "month", "count": 1 }, { "unit": "month", "count": 2 } ] } },
            "cancel": { "effective": ["period_end"] },
            "keep_in_touch": { "enabled": true },
            "fallback": { "email": "help@shop.example" }
        },
        "rules": []
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::FlowDocument;

    #[test]
    fn every_template_and_the_blank_flow_is_a_valid_flow_for_any_id() {
        for t in &TEMPLATES {
            let doc = t.document("new-box", "https://collector.example/v1/outcomes");
            assert_eq!(doc["config"]["flow_id"], "new-box");
            assert!(doc["config"].get("customer").is_none() && doc["config"].get("$schema").is_none());
            FlowDocument::read("new-box", &doc).unwrap_or_else(|e| panic!("{}: {e}", t.id));
        }
        FlowDocument::read("b", &blank("b", "http://localhost:8080/v1/outcomes")).unwrap();
        assert!(find("meal-box").is_some() && find("nope").is_none());
    }
}
