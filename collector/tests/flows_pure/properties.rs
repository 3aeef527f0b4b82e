//! Property tests: assignment shares converge to the design; resolve always serves a
//! config the widget reads, with no offer the customer may not have.

use super::*;
use proptest::prelude::*;

fn design() -> impl Strategy<Value = Experiment> {
    (0u32..=5000, prop::collection::vec(1u32..=1000, 1..=5), "[a-z0-9_-]{1,20}").prop_map(|(h, weights, id)| {
        let variants = weights
            .into_iter()
            .enumerate()
            .map(|(i, weight)| Variant { id: format!("v{i}"), weight, patch: None })
            .collect();
        Experiment { id, holdout: f64::from(h) / 10_000.0, variants, baseline: 0.5, mde: 0.05 }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Deterministic, and over many customers each group's share is its designed share.
    #[test]
    fn assignment_shares_converge_to_the_design(e in design(), seed in any::<u32>()) {
        const N: usize = 20_000;
        let total: u32 = e.variants.iter().map(|v| v.weight).sum();
        let mut counts = vec![0usize; e.variants.len() + 1];
        for i in 0..N {
            let customer = format!("cus_{seed}_{i}");
            let g = e.assign(&customer);
            prop_assert_eq!(&g, &e.assign(&customer));
            prop_assert!(bucket(&e.id, &customer) < 10_000);
            match g {
                Group::Holdout => counts[0] += 1,
                Group::Variant(id) => counts[1 + e.variants.iter().position(|v| v.id == id).unwrap()] += 1,
            }
        }
        let expected = std::iter::once(e.holdout)
            .chain(e.variants.iter().map(|v| (1.0 - e.holdout) * f64::from(v.weight) / f64::from(total)));
        for (count, share) in counts.iter().zip(expected) {
            // Six standard errors of a share of 20000 at most 0.0036.
            let seen = *count as f64 / N as f64;
            prop_assert!((seen - share).abs() < 0.022, "{} against {} in {:?}", seen, share, e);
        }
    }
}

/// Patches each valid with the base, several invalid together (and one rule that fails to
/// evaluate for text plans).
fn patch_pool() -> Vec<Value> {
    vec![
        json!({ "offers": { "discount": null } }),
        json!({ "survey": { "reasons": [ { "id": "deal", "label": "A deal", "offers": ["discount", "pause"] } ] } }),
        json!({ "offers": { "pause": null }, "survey": { "reasons": [ { "preset": "other" } ] } }),
        json!({ "offers": { "links": [ { "id": "vip", "label": "Anna", "url": "https://shop.example/vip" } ] } }),
        json!({ "offers": { "frequency": { "options": [ { "count": 25, "per": { "unit": "week", "count": 50 } } ] } } }),
        json!({ "plan": { "deliveries": { "count": 20, "per": { "unit": "week", "count": 50 } } } }),
        json!({ "offers": { "pause": { "options": [ { "unit": "day", "count": 90 } ] }, "discount": { "amount_off_minor": 500, "currency": "EUR" } } }),
        json!({ "flow": "direct", "cancel": { "effective": ["immediately", "period_end"] } }),
        json!({ "offers": { "downgrade": { "tiers": [ { "id": "couple", "name": "Couple box" } ] } } }),
        json!({ "plan": { "id": "couple" } }),
        json!({ "offers": null, "survey": null }),
    ]
}

fn whens() -> Vec<Value> {
    vec![
        json!(true),
        json!({ "==": [ { "var": "attrs.plan" }, "annual" ] }),
        json!({ ">=": [ { "var": "history.sessions" }, 2 ] }),
        json!({ "<": [ { "var": "history.days_since_last_session" }, 30 ] }),
        json!({ "!": { "var": "customer.subscription_id" } }),
        json!({ ">": [ { "*": [ { "var": "attrs.plan" }, 2 ] }, 1 ] }),
        json!({ "some": [ [1, 2], { "==": [ { "var": "" }, { "var": "history.pauses_in_a_row" } ] } ] }),
    ]
}

fn flow_case() -> impl Strategy<Value = (Value, Facts, Option<Group>)> {
    let rules = prop::collection::vec((0..whens().len(), 0..patch_pool().len()), 0..6);
    let variant_patches = prop::collection::vec(prop::option::of(0..patch_pool().len()), 1..=3);
    let eligibility = (prop::option::of(0u32..200), prop::option::of(1u32..4));
    let attrs = prop::sample::select(vec![
        json!({}),
        json!({ "plan": "annual" }),
        json!({ "plan": 3 }),
        json!({ "plan": null }),
    ]);
    let history = (0u64..5, prop::option::of(-2i64..200), prop::option::of(-2i64..200), 0u64..4);
    let group = prop::option::of(prop::sample::select(vec!["holdout", "v0", "v1", "v2"]));
    (rules, variant_patches, eligibility, attrs, history, group, any::<bool>(), "[a-zA-Z0-9_ÁŐ-]{1,40}").prop_map(
        |(rules, variant_patches, (cooldown, max), attrs, (sessions, last, discount, pauses), group, sub, customer)| {
            let pool = patch_pool();
            let whens = whens();
            let rules: Vec<Value> =
                rules.iter().map(|&(w, p)| json!({ "when": whens[w].clone(), "patch": pool[p].clone() })).collect();
            let variants: Vec<Value> = variant_patches
                .iter()
                .enumerate()
                .map(|(i, p)| match p {
                    Some(p) => json!({ "id": format!("v{i}"), "patch": pool[*p].clone() }),
                    None => json!({ "id": format!("v{i}") }),
                })
                .collect();
            let doc = json!({
                "schema": "cancel-flow/flow@1",
                "config": base(),
                "rules": rules,
                "eligibility": { "discount_cooldown_days": cooldown, "max_pauses_in_a_row": max },
                "experiment": { "id": "exp", "holdout": 0.2, "variants": variants }
            });
            let facts = Facts {
                attrs: attrs.as_object().cloned().unwrap_or_default(),
                customer_id: customer,
                subscription_id: sub.then(|| "sub_9".to_string()),
                history: History {
                    sessions,
                    days_since_last_session: last,
                    days_since_discount: discount,
                    pauses_in_a_row: pauses,
                },
            };
            (doc, facts, group.map(Group::parse))
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Whatever the rules, the variant, eligibility and the group: resolve serves a config
    /// the widget reads, with the token's customer, the version, and no offer the customer
    /// may not have.
    #[test]
    fn resolve_always_serves_a_config_the_widget_reads((doc, facts, group) in flow_case()) {
        let flow = FlowDocument::read("box", &doc).expect("every pool patch is valid alone");
        let out = resolve(&flow, 5, &facts, group.as_ref());
        widget_reads(&out.config);
        prop_assert_eq!(&out.config["customer"]["id"], &json!(facts.customer_id));
        prop_assert_eq!(&out.config["served"]["flow_version"], &json!(5));
        prop_assert_eq!(out.config["served"].get("experiment").is_some(), group.is_some());
        let offers = out.config.get("offers");
        if group == Some(Group::Holdout) {
            prop_assert!(offers.is_none());
        }
        if flow.eligibility().withholds_discount(&facts.history) {
            prop_assert!(offers.and_then(|o| o.get("discount")).is_none());
        }
        if flow.eligibility().withholds_pause(&facts.history) {
            prop_assert!(offers.and_then(|o| o.get("pause")).is_none());
        }
        prop_assert!(out.applied_rules.windows(2).all(|w| w[0] < w[1]));
    }
}
