//! The `detail` of each `cancel-flow:*` DOM event (contract section 6) and of the JS
//! API's rejection, as typed values written with serde. The `outcome` event's detail is
//! the outcome itself (`core::outcome`).

use super::flow::Step;
use serde::Serialize;

/// `cancel-flow:ready`.
#[derive(Debug, Clone, Serialize)]
pub struct Ready<'a> {
    /// The config's flow id.
    pub flow_id: &'a str,
}

/// `cancel-flow:step`.
#[derive(Debug, Clone, Serialize)]
pub struct StepShown {
    /// The step now on screen.
    pub step: Step,
}

/// `cancel-flow:delivered`.
#[derive(Debug, Clone, Serialize)]
pub struct Delivered<'a> {
    /// The outcome id.
    pub id: &'a str,
    /// The endpoint's 2xx status.
    pub status: u16,
}

/// Why a flow could not finish: `kind` is `config`, `delivery` or `load`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The config is unusable.
    Config,
    /// The outcome could not be delivered (yet).
    Delivery,
    /// The config URL could not be loaded.
    Load,
}

/// `cancel-flow:error`, and the JS API's rejection.
#[derive(Debug, Clone, Serialize)]
pub struct Failed<'a> {
    /// What failed.
    pub kind: FailureKind,
    /// In plain words.
    pub message: &'a str,
}

/// `cancel-flow:close`: no detail fields.
#[derive(Debug, Clone, Serialize)]
pub struct Closed {}

/// A detail as JSON text.
pub fn to_json<T: Serialize>(detail: &T) -> String {
    serde_json::to_string(detail).unwrap_or_else(|_| "null".into())
}
