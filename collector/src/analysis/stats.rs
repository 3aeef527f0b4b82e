//! The formulas of COLLECTOR.md section 8, unrounded: the Wilson interval of an arm, the
//! comparison of two arms (difference, relative difference, their intervals, the
//! two-sided p-value), the customers needed per arm, and the sample ratio mismatch test.
//! The distributions come from statrs; rounding to 4 decimals is `report`'s business.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// The two-sided 95% quantile of the standard normal distribution, as the contract writes it.
pub const Z: f64 = 1.959964;
/// The one-sided 80% quantile (the power of `required_per_arm`), as the contract writes it.
pub const Z_POWER: f64 = 0.841621;
/// A sample ratio mismatch is declared below this p-value.
pub const SRM_ALPHA: f64 = 0.001;
/// The SRM test runs only once every group expects at least this many customers.
pub const SRM_MIN_EXPECTED: f64 = 8.0;

/// One group's customers: assigned, with their 30-day window closed, and retained (no
/// cancellation within the window) among the closed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArmCounts {
    /// Every customer assigned to the group.
    pub assigned: u64,
    /// Those whose 30-day window has closed.
    pub closed: u64,
    /// Those of the closed with no cancellation within their window.
    pub retained: u64,
}

impl ArmCounts {
    /// `retained / closed`, `None` while nobody's window has closed (a `retained` above
    /// `closed` counts as `closed`).
    pub fn rate(&self) -> Option<f64> {
        (self.closed > 0).then(|| self.retained.min(self.closed) as f64 / self.closed as f64)
    }
}

/// The Wilson score interval (95%) of `successes` out of `n`; `None` when `n` is 0.
/// It always lies in [0, 1] and contains `successes / n` (0 and 1 are its ends exactly
/// when the rate is 0 or 1); `successes` above `n` counts as `n`.
pub fn wilson(successes: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let s = successes.min(n);
    let (nf, p) = (n as f64, s as f64 / n as f64);
    let z2 = Z * Z;
    let denominator = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denominator;
    let half = Z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denominator;
    // Clamped so that rounding in the last bit never puts an end past the rate or outside [0, 1].
    let lower = if s == 0 { 0.0 } else { (centre - half).clamp(0.0, p) };
    let upper = if s == n { 1.0 } else { (centre + half).clamp(p, 1.0) };
    Some((lower, upper))
}

/// Φ, the standard normal distribution function.
pub fn normal_cdf(x: f64) -> f64 {
    Normal::standard().cdf(x)
}

/// The upper tail P(X > x) of the chi-squared distribution with `dof` degrees of freedom
/// (1 for any x ≤ 0); NaN for 0 degrees of freedom, which have no such distribution.
pub fn chi_squared_sf(x: f64, dof: u64) -> f64 {
    match ChiSquared::new(dof as f64) {
        Ok(distribution) if x > 0.0 => distribution.sf(x),
        Ok(_) => 1.0,
        Err(_) => f64::NAN,
    }
}

/// Customers with a closed window needed in each group to detect a difference of `mde`
/// from a `baseline` rate with a two-sided test at 5% and 80% power:
/// `ceil((Z + Z_POWER)² · (b(1−b) + (b+m)(1−b−m)) / m²)`. An `mde` of 0 (nothing is
/// small enough to detect) gives `u64::MAX`.
pub fn required_per_arm(baseline: f64, mde: f64) -> u64 {
    let (b, m) = (baseline, mde);
    let variance = b * (1.0 - b) + (b + m) * (1.0 - b - m);
    // `as` saturates: infinity is u64::MAX, NaN is 0.
    ((Z + Z_POWER).powi(2) * variance / (m * m)).ceil() as u64
}

/// A variant `v` against a reference `h` (the holdout, or the first variant), unrounded.
/// Every field is `None` while either rate is (nobody's window has closed in a group);
/// `relative` and `relative_ci95` are also `None` when `h`'s rate is 0.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Comparison {
    /// `p_v − p_h`.
    pub diff: Option<f64>,
    /// `diff ± Z·se`, `se = sqrt(p_v(1−p_v)/n_v + p_h(1−p_h)/n_h)` with `n` the closed.
    pub ci95: Option<(f64, f64)>,
    /// `2(1 − Φ(|diff| / se))`, two-sided; 1 when `se` is 0.
    pub p_value: Option<f64>,
    /// `diff / p_h`.
    pub relative: Option<f64>,
    /// `relative ± Z·sqrt(p_v(1−p_v)/(n_v·p_h²) + p_v²·p_h(1−p_h)/(n_h·p_h⁴))` (delta method).
    pub relative_ci95: Option<(f64, f64)>,
}

/// The comparison of `v` against `h` (section 8's formulas, nulls as it says).
pub fn compare(v: ArmCounts, h: ArmCounts) -> Comparison {
    let (Some(pv), Some(ph)) = (v.rate(), h.rate()) else {
        return Comparison::default();
    };
    let (nv, nh) = (v.closed as f64, h.closed as f64);
    let diff = pv - ph;
    let se = (pv * (1.0 - pv) / nv + ph * (1.0 - ph) / nh).sqrt();
    let p_value = if se == 0.0 { 1.0 } else { (2.0 * (1.0 - normal_cdf(diff.abs() / se))).clamp(0.0, 1.0) };
    let (relative, relative_ci95) = if ph == 0.0 {
        (None, None)
    } else {
        let relative = diff / ph;
        let half = Z * (pv * (1.0 - pv) / (nv * ph * ph) + pv * pv * ph * (1.0 - ph) / (nh * ph.powi(4))).sqrt();
        (Some(relative), Some((relative - half, relative + half)))
    };
    Comparison {
        diff: Some(diff),
        ci95: Some((diff - Z * se, diff + Z * se)),
        p_value: Some(p_value),
        relative,
        relative_ci95,
    }
}

/// The sample ratio mismatch test: are the groups the sizes the design says?
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Srm {
    /// The chi-squared statistic; `None` until every group expects at least 8 customers.
    pub chi2: Option<f64>,
    /// Its upper tail with k − 1 degrees of freedom; `None` with `chi2`.
    pub p_value: Option<f64>,
    /// `p_value < 0.001`; false while the test has not run.
    pub mismatch: bool,
}

/// Chi-squared goodness of fit of the `assigned` counts against `shares` (the design's,
/// in the same order; divided by their sum, so they need not add up to exactly 1), with
/// k − 1 degrees of freedom. Nulls and no mismatch while any group expects fewer than 8
/// customers, and when there are fewer than 2 groups or the lengths differ.
pub fn srm(assigned: &[u64], shares: &[f64]) -> Srm {
    let k = assigned.len();
    let share_sum: f64 = shares.iter().sum();
    if k < 2 || shares.len() != k || !share_sum.is_finite() || share_sum <= 0.0 {
        return Srm::default();
    }
    let total: f64 = assigned.iter().map(|&a| a as f64).sum();
    let expected: Vec<f64> = shares.iter().map(|share| total * share / share_sum).collect();
    if !expected.iter().all(|&e| e >= SRM_MIN_EXPECTED) {
        return Srm::default();
    }
    let chi2: f64 = assigned.iter().zip(&expected).map(|(&observed, &e)| (observed as f64 - e).powi(2) / e).sum();
    let p_value = chi_squared_sf(chi2, k as u64 - 1);
    Srm { chi2: Some(chi2), p_value: Some(p_value), mismatch: p_value < SRM_ALPHA }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_squared_without_degrees_of_freedom_is_nan_and_at_zero_is_one() {
        assert!(chi_squared_sf(1.0, 0).is_nan());
        assert_eq!(chi_squared_sf(0.0, 2), 1.0);
        assert_eq!(chi_squared_sf(-3.0, 1), 1.0);
    }

    #[test]
    fn srm_needs_two_groups_of_matching_lengths() {
        assert_eq!(srm(&[100], &[1.0]), Srm::default());
        assert_eq!(srm(&[100, 100], &[0.5]), Srm::default());
        assert_eq!(srm(&[100, 100], &[0.0, 0.0]), Srm::default());
    }

    #[test]
    fn required_per_arm_without_mde_is_never_reached() {
        assert_eq!(required_per_arm(0.5, 0.0), u64::MAX);
    }
}
