//! The experiments' analysis (COLLECTOR.md section 8) from outside: the contract's worked
//! example figure by figure, the distributions against published tables, each verdict and
//! the nulls, and property tests (Wilson intervals, comparisons, SRM, the sample size).

use cancel_flow_collector::analysis::*;
use proptest::prelude::*;
use serde_json::{json, Value};

fn counts(assigned: u64, closed: u64, retained: u64) -> ArmCounts {
    ArmCounts { assigned, closed, retained }
}

fn rows(groups: &[(&str, ArmCounts)]) -> Vec<(String, ArmCounts)> {
    groups.iter().map(|(g, c)| (g.to_string(), *c)).collect()
}

fn design(holdout: f64, variants: &[(&str, u32)], baseline: f64, mde: f64) -> Design {
    Design { holdout, variants: variants.iter().map(|(id, w)| (id.to_string(), *w)).collect(), baseline, mde }
}

/// `winter-offers` as section 8 writes it: holdout 0.1, a and b of weight 1, baseline 0.5, mde 0.05.
fn winter_offers(baseline: f64) -> (Design, Vec<(String, ArmCounts)>) {
    let counts =
        rows(&[("holdout", counts(1700, 1600, 480)), ("a", counts(7660, 1620, 567)), ("b", counts(7640, 1590, 510))]);
    (design(0.1, &[("a", 1), ("b", 1)], baseline, 0.05), counts)
}

/// The contract's JSON without `id`, `flow_id`, `started_at` and `secondary`, copied as written.
fn contract_json() -> Value {
    json!({
      "required_per_arm": 1374,
      "arms": [
        { "group": "holdout", "assigned": 1700, "closed": 1600, "retained": 480, "rate": 0.3,    "ci95": [0.278, 0.3229] },
        { "group": "a",       "assigned": 7660, "closed": 1620, "retained": 567, "rate": 0.35,   "ci95": [0.3272, 0.3736] },
        { "group": "b",       "assigned": 7640, "closed": 1590, "retained": 510, "rate": 0.3208, "ci95": [0.2983, 0.3441] }
      ],
      "comparisons": [
        { "group": "a", "against": "holdout", "diff": 0.05, "ci95": [0.0177, 0.0823], "p_value": 0.0024,
          "relative": 0.1667, "relative_ci95": [0.05, 0.2834], "verdict": "better" },
        { "group": "b", "against": "holdout", "diff": 0.0208, "ci95": [-0.0113, 0.0529], "p_value": 0.2051,
          "relative": 0.0692, "relative_ci95": [-0.0415, 0.1799], "verdict": "no_difference" }
      ],
      "srm": { "chi2": 0.0261, "p_value": 0.987, "mismatch": false }
    })
}

#[test]
fn the_worked_example_reproduces_every_figure_but_required_per_arm() {
    // The contract's design says baseline 0.5, for which its own formula gives 1562
    // (2.801585² · (0.25 + 0.2475) / 0.0025 = 1561.93), not the 1374 printed: 1374 is the
    // formula at baseline 0.3 (the holdout's observed rate; 2.801585² · 0.4375 / 0.0025 =
    // 1373.56). Every other figure is as printed, and so are the verdicts (each group has
    // at least 1590 closed, above both).
    let (design, counts) = winter_offers(0.5);
    let report = report(&design, &counts);
    let mut expected = contract_json();
    expected["required_per_arm"] = json!(1562);
    assert_eq!(serde_json::to_value(&report).unwrap(), expected);
    assert_eq!(status(&report), "ready");
}

#[test]
fn the_worked_example_at_baseline_0_3_is_the_contract_json_exactly() {
    let (design, counts) = winter_offers(0.3);
    let report = report(&design, &counts);
    assert_eq!(serde_json::to_value(&report).unwrap(), contract_json());
    // Keys in the contract's order, `ci95` a pair of numbers.
    let text = serde_json::to_string(&report).unwrap();
    assert!(text.starts_with(r#"{"required_per_arm":1374,"arms":[{"group":"holdout","assigned":1700,"closed":1600,"retained":480,"rate":0.3,"ci95":[0.278,0.3229]}"#), "{text}");
    assert!(text.contains(r#"{"group":"a","against":"holdout","diff":0.05,"ci95":[0.0177,0.0823],"p_value":0.0024,"relative":0.1667,"relative_ci95":[0.05,0.2834],"verdict":"better"}"#), "{text}");
    assert!(text.ends_with(r#""srm":{"chi2":0.0261,"p_value":0.987,"mismatch":false}}"#), "{text}");
}

#[test]
fn the_worked_example_unrounded() {
    let c = compare(counts(7660, 1620, 567), counts(1700, 1600, 480));
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(c.diff.unwrap(), 0.05));
    assert!(close(c.p_value.unwrap(), 0.002_417_599), "{c:?}");
    assert!(close(c.relative.unwrap(), 1.0 / 6.0));
    let s = srm(&[1700, 7660, 7640], &[0.1, 0.45, 0.45]);
    assert!(close(s.chi2.unwrap(), 0.026_143_791), "{s:?}");
    assert!(close(s.p_value.unwrap(), (-s.chi2.unwrap() / 2.0).exp()), "2 dof: the tail is e^(-x/2)");
}

#[test]
fn required_per_arm_by_the_formula() {
    assert_eq!(required_per_arm(0.5, 0.05), 1562);
    assert_eq!(required_per_arm(0.3, 0.05), 1374);
    // Half the mde, about four times the customers.
    assert_eq!(required_per_arm(0.5, 0.025), 6272);
}

#[test]
fn the_normal_distribution_against_its_table() {
    for (x, phi) in
        [(1.96, 0.9750), (-1.0, 0.1587), (0.0, 0.5), (1.0, 0.8413), (1.645, 0.9500), (2.576, 0.9950), (-3.0, 0.0013)]
    {
        assert_eq!(round4(normal_cdf(x)), phi, "Φ({x})");
    }
    // The contract's quantiles are Φ⁻¹(0.975) and Φ⁻¹(0.8) to 6 decimals.
    assert!((normal_cdf(Z) - 0.975).abs() < 1e-6);
    assert!((normal_cdf(Z_POWER) - 0.8).abs() < 1e-6);
}

#[test]
fn the_chi_squared_distribution_against_its_table() {
    for (x, dof, tail) in [
        (3.841, 1, 0.05),
        (6.635, 1, 0.01),
        (10.828, 1, 0.001),
        (5.991, 2, 0.05),
        (13.816, 2, 0.001),
        (7.815, 3, 0.05),
        (16.266, 3, 0.001),
        (9.488, 4, 0.05),
        (20.515, 5, 0.001),
    ] {
        assert_eq!(round4(chi_squared_sf(x, dof)), tail, "χ²({dof}) > {x}");
    }
}

#[test]
fn wilson_against_known_intervals() {
    assert_eq!(wilson(0, 0), None);
    let round = |(a, b): (f64, f64)| (round4(a), round4(b));
    assert_eq!(round(wilson(480, 1600).unwrap()), (0.278, 0.3229));
    // 0 of 10: [0, z²/(n + z²)]; 10 of 10: its mirror.
    assert_eq!(round(wilson(0, 10).unwrap()), (0.0, 0.2775));
    assert_eq!(round(wilson(10, 10).unwrap()), (0.7225, 1.0));
}

#[test]
fn worse_when_the_interval_is_below_zero() {
    let (design, _) = winter_offers(0.5);
    let r = report(
        &design,
        &rows(&[("holdout", counts(1700, 1600, 560)), ("a", counts(7660, 1620, 480)), ("b", counts(7640, 1590, 555))]),
    );
    let verdicts: Vec<Verdict> = r.comparisons.iter().map(|c| c.verdict).collect();
    assert_eq!(verdicts, [Verdict::Worse, Verdict::NoDifference]);
    assert!(r.comparisons[0].ci95.unwrap().1 < 0.0);
    assert_eq!(status(&r), "ready");
}

#[test]
fn not_enough_data_while_either_group_has_too_few_closed() {
    let (design, _) = winter_offers(0.5);
    // a would be better, but the holdout has 1561 closed, one short of 1562.
    let r = report(
        &design,
        &rows(&[
            ("holdout", counts(1700, 1561, 468)),
            ("a", counts(7660, 7000, 2800)),
            ("b", counts(7640, 7000, 2100)),
        ]),
    );
    assert!(r.comparisons.iter().all(|c| c.verdict == Verdict::NotEnoughData));
    assert!(r.comparisons[0].ci95.unwrap().0 > 0.0, "figures are shown all the same");
    assert_eq!(status(&r), "collecting");
    // One group short is enough to wait: b short, a decided.
    let r = report(
        &design,
        &rows(&[("holdout", counts(1700, 1600, 480)), ("a", counts(7660, 1620, 567)), ("b", counts(7640, 1000, 300))]),
    );
    assert_eq!(r.comparisons.iter().map(|c| c.verdict).collect::<Vec<_>>(), [Verdict::Better, Verdict::NotEnoughData]);
    assert_eq!(status(&r), "collecting");
}

#[test]
fn srm_overrides_every_verdict_and_counts_as_ready() {
    let (design, _) = winter_offers(0.5);
    // The holdout got 1300 of 17000 (expected 1700): a mismatch, though a is clearly better.
    let r = report(
        &design,
        &rows(&[("holdout", counts(1300, 1300, 390)), ("a", counts(7860, 7000, 2800)), ("b", counts(7840, 100, 30))]),
    );
    assert!(r.srm.mismatch);
    assert!(r.srm.p_value.unwrap() < 0.001 && r.srm.chi2.unwrap() > 13.816);
    assert!(r.comparisons.iter().all(|c| c.verdict == Verdict::Srm), "{:?}", r.comparisons);
    assert_eq!(status(&r), "ready");
}

#[test]
fn srm_waits_until_every_group_expects_eight() {
    // 79 assigned with a holdout of 0.1 expects 7.9 in the holdout: no test yet.
    let d = design(0.1, &[("a", 1), ("b", 1)], 0.5, 0.05);
    let r = report(&d, &rows(&[("holdout", counts(0, 0, 0)), ("a", counts(79, 0, 0))]));
    assert_eq!(serde_json::to_value(r.srm).unwrap(), json!({ "chi2": null, "p_value": null, "mismatch": false }));
    // 80 expects 8: the test runs, and 0 in the holdout with 80 in a is a mismatch.
    let r = report(&d, &rows(&[("a", counts(80, 0, 0))]));
    assert!(r.srm.mismatch && r.srm.chi2.is_some());
}

#[test]
fn without_a_holdout_variants_are_compared_with_the_first() {
    let d = design(0.0, &[("a", 1), ("b", 3), ("c", 1)], 0.3, 0.05);
    let r = report(
        &d,
        &rows(&[
            ("a", counts(2000, 1500, 450)),
            ("b", counts(6000, 4500, 1575)),
            ("c", counts(2000, 1500, 450)),
            ("holdout", counts(999, 999, 999)),
        ]),
    );
    assert_eq!(r.arms.iter().map(|a| a.group.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
    let pairs: Vec<(&str, &str, Verdict)> =
        r.comparisons.iter().map(|c| (c.group.as_str(), c.against.as_str(), c.verdict)).collect();
    assert_eq!(pairs, [("b", "a", Verdict::Better), ("c", "a", Verdict::NoDifference)]);
    // The SRM test runs over the variants with shares 1/5, 3/5, 1/5: exactly as designed.
    assert_eq!((r.srm.chi2, r.srm.p_value, r.srm.mismatch), (Some(0.0), Some(1.0), false));
    // Same counts, weights 1:1:1: b has three times its share.
    let r = report(
        &design(0.0, &[("a", 1), ("b", 1), ("c", 1)], 0.3, 0.05),
        &rows(&[("a", counts(2000, 0, 0)), ("b", counts(6000, 0, 0)), ("c", counts(2000, 0, 0))]),
    );
    assert!(r.srm.mismatch);
    // One variant and no holdout: no comparison, no SRM test, nothing to wait for.
    let r = report(&design(0.0, &[("a", 1)], 0.5, 0.05), &rows(&[("a", counts(500, 10, 5))]));
    assert!(r.comparisons.is_empty());
    assert_eq!(r.srm, Srm::default());
    assert_eq!(status(&r), "ready");
}

#[test]
fn closed_zero_gives_nulls_not_pairs_of_nulls() {
    let (design, _) = winter_offers(0.5);
    // 77 assigned: the holdout expects 7.7, so no SRM test yet (b has no row).
    let r = report(&design, &rows(&[("holdout", counts(7, 0, 0)), ("a", counts(70, 10, 3))]));
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json["arms"][0],
        json!({ "group": "holdout", "assigned": 7, "closed": 0, "retained": 0, "rate": null, "ci95": null })
    );
    assert_eq!(json["arms"][1]["rate"], json!(0.3));
    // b is missing: zeros.
    assert_eq!(
        json["arms"][2],
        json!({ "group": "b", "assigned": 0, "closed": 0, "retained": 0, "rate": null, "ci95": null })
    );
    let nulls = |group: &str| {
        json!({ "group": group, "against": "holdout", "diff": null, "ci95": null, "p_value": null,
                "relative": null, "relative_ci95": null, "verdict": "not_enough_data" })
    };
    assert_eq!(json["comparisons"], json!([nulls("a"), nulls("b")]));
    assert_eq!(json["srm"], json!({ "chi2": null, "p_value": null, "mismatch": false }));
    assert_eq!(status(&r), "collecting");
}

#[test]
fn a_holdout_rate_of_zero_leaves_the_relative_difference_null() {
    let c = compare(counts(100, 100, 30), counts(100, 100, 0));
    assert_eq!(c.diff, Some(0.3));
    assert!(c.ci95.is_some() && c.p_value.is_some());
    assert_eq!((c.relative, c.relative_ci95), (None, None));
}

#[test]
fn a_p_value_of_one_when_se_is_zero() {
    // Both rates 1 (or both 0): no variance, no difference.
    let c = compare(counts(50, 50, 50), counts(40, 40, 40));
    assert_eq!((c.diff, c.ci95, c.p_value), (Some(0.0), Some((0.0, 0.0)), Some(1.0)));
    assert_eq!((c.relative, c.relative_ci95), (Some(0.0), Some((0.0, 0.0))));
    // The contract's rule holds even for rates 1 against 0, where the difference is 1.
    let c = compare(counts(50, 50, 50), counts(40, 40, 0));
    assert_eq!((c.diff, c.p_value), (Some(1.0), Some(1.0)));
}

#[test]
fn verdicts_are_snake_case() {
    let names = [Verdict::Better, Verdict::Worse, Verdict::NoDifference, Verdict::NotEnoughData, Verdict::Srm]
        .map(|v| serde_json::to_value(v).unwrap());
    assert_eq!(names, ["better", "worse", "no_difference", "not_enough_data", "srm"].map(Value::from));
}

/// Counts with `retained ≤ closed ≤ assigned`.
fn arm_counts() -> impl Strategy<Value = ArmCounts> {
    (0u64..20_000, 0.0..=1.0f64, 0.0..=1.0f64).prop_map(|(assigned, c, r)| {
        let closed = (assigned as f64 * c) as u64;
        ArmCounts { assigned, closed, retained: (closed as f64 * r) as u64 }
    })
}

proptest! {
    #[test]
    fn wilson_contains_its_estimate_within_0_and_1(n in 1u64..10_000_000, share in 0.0..=1.0f64) {
        let s = (n as f64 * share) as u64;
        let (lower, upper) = wilson(s, n).unwrap();
        let p = s as f64 / n as f64;
        prop_assert!(0.0 <= lower && lower <= p && p <= upper && upper <= 1.0, "{s}/{n}: [{lower}, {upper}]");
    }

    #[test]
    fn a_larger_sample_with_the_same_rate_never_widens_wilson(n in 1u64..100_000, share in 0.0..=1.0f64, k in 2u64..1000) {
        let s = (n as f64 * share) as u64;
        let (l1, u1) = wilson(s, n).unwrap();
        let (l2, u2) = wilson(s * k, n * k).unwrap();
        prop_assert!(u2 - l2 <= u1 - l1 + 1e-12, "{s}/{n}: {} then ×{k}: {}", u1 - l1, u2 - l2);
    }

    #[test]
    fn a_comparisons_interval_contains_its_difference(v in arm_counts(), h in arm_counts()) {
        let c = compare(v, h);
        prop_assert_eq!(c.diff.is_some(), v.closed > 0 && h.closed > 0);
        if let (Some(diff), Some((lower, upper))) = (c.diff, c.ci95) {
            prop_assert!(lower <= diff && diff <= upper);
            let p = c.p_value.unwrap();
            prop_assert!((0.0..=1.0).contains(&p));
        }
        if let (Some(relative), Some((lower, upper))) = (c.relative, c.relative_ci95) {
            prop_assert!(lower <= relative && relative <= upper);
        }
        // Rounded too.
        let d = design(0.5, &[("a", 1)], 0.5, 0.05);
        let r = report(&d, &[("holdout".into(), h), ("a".into(), v)]);
        if let (Some(diff), Some((lower, upper))) = (r.comparisons[0].diff, r.comparisons[0].ci95) {
            prop_assert!(lower <= diff && diff <= upper);
        }
    }

    #[test]
    fn a_mismatch_never_gives_better(
        holdout in prop_oneof![Just(0.0), 0.01..=0.5f64],
        weights in prop::collection::vec(1u32..5, 1..=5),
        total in 50u64..60_000,
        // Each group's departure from its designed size: small samples pass the SRM test, large ones fail it.
        drift in prop::collection::vec(-0.06..0.06f64, 6),
        outcomes in prop::collection::vec((0.0..=1.0f64, 0.2..0.5f64), 6),
        mde in 0.01..=0.2f64,
    ) {
        let ids = ["a", "b", "c", "d", "e"];
        let variants: Vec<(&str, u32)> = weights.iter().enumerate().map(|(i, w)| (ids[i], *w)).collect();
        let d = design(holdout, &variants, 0.3, mde);
        let counts: Vec<(String, ArmCounts)> = d
            .groups()
            .iter()
            .zip(drift.iter().zip(&outcomes))
            .map(|(&(group, share), (drift, &(closed, rate)))| {
                let assigned = (total as f64 * share * (1.0 + drift)) as u64;
                let closed = (assigned as f64 * closed) as u64;
                (group.to_owned(), ArmCounts { assigned, closed, retained: (closed as f64 * rate) as u64 })
            })
            .collect();
        let r = report(&d, &counts);
        for c in &r.comparisons {
            if r.srm.mismatch {
                prop_assert_eq!(c.verdict, Verdict::Srm);
            } else {
                prop_assert_ne!(c.verdict, Verdict::Srm);
            }
        }
        // Decided unrounded: a mismatch shows a p-value of at most 0.001, none shows one of at least 0.001.
        match r.srm.p_value {
            None => prop_assert!(!r.srm.mismatch),
            Some(p) => {
                let shown = if r.srm.mismatch { p <= 0.001 } else { p >= 0.001 };
                prop_assert!(shown, "p {} mismatch {}", p, r.srm.mismatch);
            }
        }
    }

    #[test]
    fn required_per_arm_decreases_as_mde_grows(b in 0.01..0.99f64, x in 0.0..1.0f64, y in 0.0..1.0f64) {
        let room = 1.0 - b;
        let (small, large) = (room * x.min(y) + 1e-6, room * x.max(y) + 1e-6);
        prop_assume!(large <= room);
        prop_assert!(required_per_arm(b, small) >= required_per_arm(b, large));
    }
}
