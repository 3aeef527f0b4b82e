//! Experiments with a holdout (COLLECTOR.md section 8), the pure part: from a design and
//! each group's counts (assigned, closed, retained), the figures of `GET
//! /v1/experiments/<id>`, its verdicts and the experiment's status. No I/O, and nothing of
//! the rest of the crate: the store counts, the HTTP layer answers.
//!
//! The module's map, top to bottom (each file imports only those below it):
//! - `report`: the report (`report`, `Report`, `Arm`, `ComparisonRow`, `Verdict`, `Design`),
//!   rounded to 4 decimals, and `status`.
//! - `stats`: the formulas unrounded (`wilson`, `compare`, `required_per_arm`, `srm`,
//!   `normal_cdf`, `chi_squared_sf`) and `ArmCounts`; the distributions from statrs.

pub mod report;
pub mod stats;

pub use report::{report, round4, status, verdict, Arm, ComparisonRow, Design, Report, Verdict, HOLDOUT};
pub use stats::{
    chi_squared_sf, compare, normal_cdf, required_per_arm, srm, wilson, ArmCounts, Comparison, Srm, Z, Z_POWER,
};
