//! The one error of served flows: where in a flow document the problem is (`rules[1].patch`,
//! `experiment.holdout`, `config.flow_id`) and what it is, shown as `path: problem`.

/// A flow document that cannot be stored, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct FlowError {
    /// Where in the document, e.g. `rules[1].patch` or `experiment.variants[0].id`.
    pub path: String,
    /// What is wrong there, in plain words (may itself start with a config path, as in
    /// `offers.pause.options[0].count: must be a whole number from 1 to 52`).
    pub problem: String,
}

impl FlowError {
    /// A new error at `path`.
    pub fn new(path: impl Into<String>, problem: impl Into<String>) -> Self {
        Self { path: path.into(), problem: problem.into() }
    }
}

/// A JSON value's kind, as messages name it.
pub(crate) fn kind(v: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
