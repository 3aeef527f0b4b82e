//! Served flows (COLLECTOR.md section 7 and the assignment of section 8), pure: a flow
//! document read and checked, its rules (JSON Logic) and patches (JSON Merge Patch), the
//! customer's facts, eligibility, the experiment's assignment, and the config resolved for
//! one customer. No I/O: the store finds the facts, the HTTP layer serves the result.
//!
//! The module's map, top to bottom (each file imports only those below it):
//! - `resolve`: steps 1 to 6 of section 7 for one customer (`resolve`, `Resolved`).
//! - `document`: a flow document read and checked whole (`FlowDocument::read`).
//! - `assignment`: the bucket and the group of a customer (`bucket`, `Group`, `Experiment::assign`).
//! - `experiment`: an experiment read and checked (`Experiment`, `Variant`, `same_design`).
//! - `logic`: a rule's `when` (JSON Logic via datalogic-rs): checked, compiled, evaluated.
//! - `facts`: what a rule reads (`Facts`, `History`, `whole_days`) and the `Eligibility` limits.
//! - `widget`: the widget's own config reader as the judge of every config served.
//! - `patch`: JSON Merge Patch, and removing an offer with its names in the reasons.
//! - `error`: `FlowError` (`path: problem`).
//! - `changes`: what changed between two versions (JSON Patch with the values before), for the editor.

mod assignment;
mod changes;
mod document;
mod error;
mod experiment;
mod facts;
mod logic;
mod patch;
mod resolve;
mod widget;

pub use assignment::{bucket, Group};
pub use changes::{changes, Change};
pub use document::{FlowDocument, FLOW_SCHEMA};
pub use error::FlowError;
pub use experiment::{Experiment, Variant, MAX_VARIANTS};
pub use facts::{whole_days, Eligibility, Facts, History};
pub use logic::is_fact;
pub use patch::{merge_patch, patch_config, remove_all_offers, remove_offer};
pub use resolve::{resolve, Resolved};
