//! A flow document (`PUT /v1/flows/<flow_id>`, section 7): read once and checked whole, so
//! that serving it can never be refused. The base config, the base with each rule's patch
//! alone and the base with each variant's patch alone are each read by the widget's own
//! reader; every `when` is compiled and names only known facts.

use super::error::{kind, FlowError};
use super::experiment::Experiment;
use super::facts::Eligibility;
use super::logic::When;
use super::patch::patch_config;
use super::widget::{self, PLACEHOLDER_CUSTOMER};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The flow document's schema.
pub const FLOW_SCHEMA: &str = "cancel-flow/flow@1";

/// One rule: when `when` holds, `patch` applies.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub(crate) name: Option<String>,
    pub(crate) when: When,
    pub(crate) patch: Value,
}

impl Rule {
    /// `rules[1] ("annual plans keep their price")`, for problems.
    pub(crate) fn label(&self, i: usize) -> String {
        match &self.name {
            Some(name) => format!("rules[{i}] ({name:?})"),
            None => format!("rules[{i}]"),
        }
    }
}

/// A flow document, read and checked; compiled once, resolved per request.
#[derive(Debug, Clone)]
pub struct FlowDocument {
    pub(crate) document: Value,
    pub(crate) flow_id: String,
    /// The base config without `customer` and `served` (both written when serving).
    pub(crate) base: Value,
    pub(crate) rules: Vec<Rule>,
    pub(crate) eligibility: Eligibility,
    pub(crate) experiment: Option<Experiment>,
    pub(crate) test: bool,
    /// What the widget's reader said of each combination of patches met so far (the rules
    /// applied and the variant): checked once, not on every request (measured: 29 µs a
    /// resolve with a check, 6 µs without).
    pub(crate) combinations: Arc<Mutex<HashMap<Combination, Result<(), String>>>>,
}

/// The rules applied (their indexes) and the variant whose patch came with them.
pub(crate) type Combination = (Vec<usize>, Option<String>);

/// Most combinations remembered per document (past it each is checked every time).
const MAX_COMBINATIONS: usize = 4096;

// Read once, kept (e.g. in an `Arc`) and resolved from any thread.
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<FlowDocument>();
};

impl FlowDocument {
    /// Reads and checks a flow document for `flow_id` (the id in the address). Unknown
    /// fields at the top and in rules are ignored, as the widget ignores unknown config fields.
    pub fn read(flow_id: &str, doc: &Value) -> Result<FlowDocument, FlowError> {
        let Value::Object(top) = doc else {
            return Err(FlowError::new("flow", format!("must be an object with schema and config, not {}", kind(doc))));
        };
        match top.get("schema") {
            Some(Value::String(s)) if s == FLOW_SCHEMA => {}
            None => return Err(FlowError::new("schema", format!("is required: \"{FLOW_SCHEMA}\""))),
            Some(other) => return Err(FlowError::new("schema", format!("must be \"{FLOW_SCHEMA}\", not {other}"))),
        }
        let base = read_base(flow_id, top.get("config"))?;
        let test = base.get("test").and_then(Value::as_bool).unwrap_or(false);
        let rules = read_rules(flow_id, &base, test, top.get("rules"))?;
        let eligibility = Eligibility::read(top.get("eligibility"))?;
        let experiment = match top.get("experiment") {
            None | Some(Value::Null) => None,
            Some(v) => Some(Experiment::read(v)?),
        };
        for (i, v) in experiment.iter().flat_map(|e| e.variants.iter().enumerate()) {
            if let Some(p) = &v.patch {
                check_patched(flow_id, &base, test, p)
                    .map_err(|problem| FlowError::new(format!("experiment.variants[{i}].patch"), problem))?;
            }
        }
        Ok(FlowDocument {
            document: doc.clone(),
            flow_id: flow_id.to_string(),
            base,
            rules,
            eligibility,
            experiment,
            test,
            combinations: Arc::default(),
        })
    }

    /// Whether a combination of patches gives a config the widget reads: `check`'s answer,
    /// remembered (the same combination always patches the same base the same way).
    pub(crate) fn combination(
        &self,
        key: Combination,
        check: impl FnOnce() -> Result<(), String>,
    ) -> Result<(), String> {
        if let Some(known) = self.combinations.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return known.clone();
        }
        let verdict = check();
        let mut known = self.combinations.lock().unwrap_or_else(|e| e.into_inner());
        if known.len() < MAX_COMBINATIONS {
            known.insert(key, verdict.clone());
        }
        verdict
    }

    /// The document as given.
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// The flow id (the address's, equal to the base config's `flow_id`).
    pub fn flow_id(&self) -> &str {
        &self.flow_id
    }

    /// The experiment, if the flow has one.
    pub fn experiment(&self) -> Option<&Experiment> {
        self.experiment.as_ref()
    }

    /// The base config's `test` (no patch may change it).
    pub fn is_test(&self) -> bool {
        self.test
    }

    /// The eligibility limits (the defaults when the document has none).
    pub fn eligibility(&self) -> Eligibility {
        self.eligibility
    }

    /// The base config as stored for serving: the document's `config` without `customer`
    /// and `served`.
    pub fn base(&self) -> &Value {
        &self.base
    }

    /// How many rules the flow has.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }
}

fn read_base(flow_id: &str, config: Option<&Value>) -> Result<Value, FlowError> {
    let Some(config) = config else {
        return Err(FlowError::new("config", "is required: the base widget config (without customer and served)"));
    };
    let Value::Object(m) = config else {
        return Err(FlowError::new(
            "config",
            format!("must be an object: the base widget config, not {}", kind(config)),
        ));
    };
    if let Some(Value::String(id)) = m.get("flow_id") {
        if id != flow_id {
            return Err(FlowError::new("config.flow_id", format!("must equal the flow id in the address, {flow_id}")));
        }
    }
    let mut base = config.clone();
    if let Some(root) = base.as_object_mut() {
        root.shift_remove("customer");
        root.shift_remove("served");
    }
    let mut checked = base.clone();
    widget::set_customer(&mut checked, PLACEHOLDER_CUSTOMER, None);
    widget::check(&checked).map_err(|e| {
        let path =
            if e.path.is_empty() || e.path == "config" { "config".to_string() } else { format!("config.{}", e.path) };
        FlowError::new(path, e.problem)
    })?;
    Ok(base)
}

fn read_rules(flow_id: &str, base: &Value, test: bool, v: Option<&Value>) -> Result<Vec<Rule>, FlowError> {
    let items = match v {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(FlowError::new(
                "rules",
                format!("must be a list of rules, each {{\"when\": …, \"patch\": {{…}}}}, not {}", kind(other)),
            ))
        }
    };
    let mut rules = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = |field: &str| format!("rules[{i}].{field}");
        let Value::Object(m) = item else {
            return Err(FlowError::new(
                format!("rules[{i}]"),
                format!("must be an object with when and patch, not {}", kind(item)),
            ));
        };
        let name = match m.get("name") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => return Err(FlowError::new(at("name"), format!("must be text, not {}", kind(other)))),
        };
        let when = match m.get("when") {
            None => return Err(FlowError::new(at("when"), "is required: a JSON Logic rule (true applies always)")),
            Some(w) => When::read(w).map_err(|problem| FlowError::new(at("when"), problem))?,
        };
        let patch = match m.get("patch") {
            Some(p @ Value::Object(_)) => p.clone(),
            None => {
                return Err(FlowError::new(at("patch"), "is required: a JSON Merge Patch of the config (an object)"))
            }
            Some(other) => {
                return Err(FlowError::new(
                    at("patch"),
                    format!("must be an object (a JSON Merge Patch of the config), not {}", kind(other)),
                ))
            }
        };
        check_patched(flow_id, base, test, &patch).map_err(|problem| FlowError::new(at("patch"), problem))?;
        rules.push(Rule { name, when, patch });
    }
    Ok(rules)
}

/// The base with one patch applied, as it would be served, checked: the widget's reader
/// accepts it, and the patch changed neither `flow_id` nor `test` (what the collector
/// counts by). `Err` is `path: problem` within the config.
fn check_patched(flow_id: &str, base: &Value, test: bool, patch: &Value) -> Result<(), String> {
    let mut config = base.clone();
    patch_config(&mut config, patch);
    widget::set_customer(&mut config, PLACEHOLDER_CUSTOMER, None);
    if let Some(Value::String(id)) = config.get("flow_id") {
        if id != flow_id {
            return Err(format!("flow_id: must equal the flow id in the address, {flow_id}"));
        }
    }
    // A `test` that is not true/false is the reader's to refuse.
    let patched_test = match config.get("test") {
        None => Some(false),
        Some(t) => t.as_bool(),
    };
    if patched_test.is_some_and(|t| t != test) {
        return Err(format!("test: must stay {test} as in the base config (a flow is a test flow or not as a whole)"));
    }
    widget::check(&config).map_err(|e| e.to_string())
}
