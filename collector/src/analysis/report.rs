//! The answer of `GET /v1/experiments/<id>` (COLLECTOR.md section 8) but for `id`,
//! `flow_id`, `started_at` and `secondary`: the customers needed per arm, each arm's rate
//! and interval, each variant against its reference with a verdict, and the SRM test;
//! every figure rounded to 4 decimals, and the experiment's `status`.
//!
//! The verdicts are decided on the unrounded figures (an interval whose lower end is
//! 0.00003 is `better` though it shows as 0).

use super::stats::{self, compare, required_per_arm, wilson, Comparison, Srm};
use serde::{Deserialize, Serialize};

pub use super::stats::ArmCounts;

/// The group id of the holdout.
pub const HOLDOUT: &str = "holdout";

/// What the analysis needs of an experiment's design.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// The holdout's share, 0 to 0.5 (0: no holdout arm).
    pub holdout: f64,
    /// The variant ids and weights, in their order.
    pub variants: Vec<(String, u32)>,
    /// The share of the holdout expected to stay 30 days.
    pub baseline: f64,
    /// The smallest difference in that share worth detecting.
    pub mde: f64,
}

impl Design {
    /// The groups in the report's order with their designed shares: the holdout (when
    /// above 0), then each variant `(1 − holdout)·w/W`.
    pub fn groups(&self) -> Vec<(&str, f64)> {
        let total: u64 = self.variants.iter().map(|(_, w)| u64::from(*w)).sum();
        let holdout = (self.holdout > 0.0).then_some((HOLDOUT, self.holdout));
        let variants = self.variants.iter().map(|(id, w)| {
            let share = if total == 0 { 0.0 } else { (1.0 - self.holdout) * f64::from(*w) / total as f64 };
            (id.as_str(), share)
        });
        holdout.into_iter().chain(variants).collect()
    }
}

/// What a comparison concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The interval of the difference is above 0.
    Better,
    /// It is below 0.
    Worse,
    /// It contains 0.
    NoDifference,
    /// Either group has fewer closed windows than `required_per_arm`.
    NotEnoughData,
    /// The groups are not the sizes designed: nothing can be concluded.
    Srm,
}

/// One group's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Arm {
    /// `holdout` or the variant's id.
    pub group: String,
    /// Customers assigned.
    pub assigned: u64,
    /// Of those, with their 30-day window closed.
    pub closed: u64,
    /// Of the closed, with no cancellation within the window.
    pub retained: u64,
    /// `retained / closed`; null while `closed` is 0.
    pub rate: Option<f64>,
    /// The Wilson interval; one null (not a pair) while `closed` is 0.
    pub ci95: Option<(f64, f64)>,
}

/// A variant against its reference, rounded, with its verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRow {
    /// The variant.
    pub group: String,
    /// The holdout, or the first variant when there is no holdout.
    pub against: String,
    /// `p_v − p_h` (the formulas, and when each figure is null: `stats::Comparison`).
    pub diff: Option<f64>,
    /// The 95% interval of `diff`.
    pub ci95: Option<(f64, f64)>,
    /// Two-sided.
    pub p_value: Option<f64>,
    /// `diff / p_h`.
    pub relative: Option<f64>,
    /// The 95% interval of `relative`.
    pub relative_ci95: Option<(f64, f64)>,
    /// What may be concluded.
    pub verdict: Verdict,
}

/// The report, in the contract's key order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Customers with a closed window needed in each group before any verdict.
    pub required_per_arm: u64,
    /// The holdout first (absent when the holdout is 0), then the variants in their order.
    pub arms: Vec<Arm>,
    /// Each variant against the holdout; without a holdout, each variant but the first
    /// against the first.
    pub comparisons: Vec<ComparisonRow>,
    /// The sample ratio mismatch test over the arms.
    pub srm: Srm,
}

/// The report of an experiment from its design and each group's counts (by group id; a
/// group of the design with no row counts as zeros, rows of the same group add up, and
/// rows of groups outside the design are ignored).
pub fn report(design: &Design, counts: &[(String, ArmCounts)]) -> Report {
    let count = |group: &str| {
        counts.iter().filter(|(g, _)| g == group).fold(ArmCounts::default(), |sum, (_, c)| ArmCounts {
            assigned: sum.assigned + c.assigned,
            closed: sum.closed + c.closed,
            retained: sum.retained + c.retained,
        })
    };
    let groups: Vec<(&str, f64, ArmCounts)> =
        design.groups().into_iter().map(|(group, share)| (group, share, count(group))).collect();
    let required = required_per_arm(design.baseline, design.mde);
    let assigned: Vec<u64> = groups.iter().map(|(_, _, c)| c.assigned).collect();
    let shares: Vec<f64> = groups.iter().map(|(_, share, _)| *share).collect();
    let srm = stats::srm(&assigned, &shares);

    let arms = groups
        .iter()
        .map(|&(group, _, c)| Arm {
            group: group.to_owned(),
            assigned: c.assigned,
            closed: c.closed,
            retained: c.retained,
            rate: c.rate().map(round4),
            ci95: wilson(c.retained, c.closed).map(round_pair),
        })
        .collect();
    // The reference is the first group: the holdout, or the first variant without one.
    let comparisons = match groups.split_first() {
        None => Vec::new(),
        Some((&(against, _, h), variants)) => variants
            .iter()
            .map(|&(group, _, v)| {
                let c = compare(v, h);
                ComparisonRow {
                    group: group.to_owned(),
                    against: against.to_owned(),
                    diff: c.diff.map(round4),
                    ci95: c.ci95.map(round_pair),
                    p_value: c.p_value.map(round4),
                    relative: c.relative.map(round4),
                    relative_ci95: c.relative_ci95.map(round_pair),
                    verdict: verdict(srm.mismatch, v, h, required, &c),
                }
            })
            .collect(),
    };
    let srm = Srm { chi2: srm.chi2.map(round4), p_value: srm.p_value.map(round4), mismatch: srm.mismatch };
    Report { required_per_arm: required, arms, comparisons, srm }
}

/// The verdict of `v` against `h`: `srm` on a mismatch, else `not_enough_data` while either
/// has fewer than `required` closed (or no interval), else by the interval against 0.
pub fn verdict(mismatch: bool, v: ArmCounts, h: ArmCounts, required: u64, comparison: &Comparison) -> Verdict {
    if mismatch {
        return Verdict::Srm;
    }
    if v.closed < required || h.closed < required {
        return Verdict::NotEnoughData;
    }
    match comparison.ci95 {
        None => Verdict::NotEnoughData,
        Some((lower, _)) if lower > 0.0 => Verdict::Better,
        Some((_, upper)) if upper < 0.0 => Verdict::Worse,
        Some(_) => Verdict::NoDifference,
    }
}

/// `collecting` until every comparison has a verdict other than `not_enough_data`, then
/// `ready`. An `srm` verdict counts as ready, as the contract's rule reads: waiting does not
/// help, since more customers from a broken assignment only confirm the mismatch (the design
/// is fixed for life); what it needs is a person looking at the assignment. (A chance
/// mismatch at p < 0.001 may clear with more data; the status then goes back to
/// `collecting`, as it is computed afresh each time.) With no comparison at all (no holdout
/// and one variant) it is `ready` at once, "every" of none: there is nothing to wait for.
pub fn status(report: &Report) -> &'static str {
    if report.comparisons.iter().all(|c| c.verdict != Verdict::NotEnoughData) {
        "ready"
    } else {
        "collecting"
    }
}

/// `x` rounded to 4 decimals (half away from zero), never −0.
pub fn round4(x: f64) -> f64 {
    let rounded = (x * 10_000.0).round() / 10_000.0;
    if rounded == 0.0 {
        0.0
    } else {
        rounded
    }
}

fn round_pair((a, b): (f64, f64)) -> (f64, f64) {
    (round4(a), round4(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round4_never_gives_negative_zero() {
        assert!(round4(-0.00001).is_sign_positive());
        assert_eq!(round4(0.123449), 0.1234);
        assert_eq!(round4(-0.01134778), -0.0113);
    }

    #[test]
    fn rows_of_one_group_add_up_and_unknown_groups_are_ignored() {
        let design =
            Design { holdout: 0.0, variants: vec![("a".into(), 1), ("b".into(), 1)], baseline: 0.5, mde: 0.05 };
        let row = |g: &str, n| (g.to_owned(), ArmCounts { assigned: n, closed: n, retained: n / 2 });
        let r = report(&design, &[row("a", 10), row("a", 20), row("zz", 99)]);
        assert_eq!((r.arms[0].assigned, r.arms[1].assigned), (30, 0));
        assert_eq!(r.arms.len(), 2);
    }
}
