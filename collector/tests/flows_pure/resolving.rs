//! Resolving a flow for one customer: rules in order, merge patches, a rule that fails,
//! rules invalid together, eligibility, the holdout, `served`, the assignment table.

use super::*;

#[test]
fn rules_apply_in_order_with_merge_patch_semantics() {
    let flow = flow_with_rules(json!([
        { "when": true, "patch": { "offers": { "pause": { "options": [ { "unit": "month", "count": 1 } ] }, "discount": { "percent_off": 20 } } } },
        { "when": { "==": [ { "var": "attrs.plan" }, "annual" ] }, "patch": { "offers": { "discount": null } } },
        { "when": false, "patch": { "locale": "hu" } },
        { "when": true, "patch": { "offers": { "pause": { "options": [ { "unit": "week", "count": 3 } ] } }, "theme": "dark" } }
    ]));
    let out = resolve(&flow, 1, &facts(json!({ "plan": "annual" })), None);
    assert_eq!(out.applied_rules, vec![0, 1, 3]);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let offers = &out.config["offers"];
    assert_eq!(
        offers["pause"],
        json!({ "options": [ { "unit": "week", "count": 3 } ] }),
        "arrays replaced whole; the later rule wins"
    );
    assert!(offers.get("discount").is_none(), "null removes");
    assert_eq!(out.config["theme"], "dark");
    assert!(out.config.get("locale").is_none());
    widget_reads(&out.config);

    let monthly = resolve(&flow, 1, &facts(json!({ "plan": "monthly" })), None);
    assert_eq!(monthly.applied_rules, vec![0, 3]);
    assert_eq!(monthly.config["offers"]["discount"], json!({ "percent_off": 20, "months": 2 }), "objects merge");
    widget_reads(&monthly.config);
}

#[test]
fn the_contract_rules_over_facts_that_lack_attrs() {
    let flow = read(contract_flow());
    let out = resolve(&flow, 4, &facts(json!({})), None);
    assert_eq!(out.applied_rules, Vec::<usize>::new());
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let out = resolve(&flow, 4, &facts(json!({ "plan": "annual", "tenure_days": 400 })), None);
    assert_eq!(out.applied_rules, vec![0, 1]);
    assert!(out.config["offers"].get("discount").is_none());
    assert_eq!(out.config["offers"]["links"][0]["id"], "vip");
    widget_reads(&out.config);
}

#[test]
fn facts_reach_the_rules() {
    let rule = |when: Value| json!({ "when": when, "patch": { "theme": "dark" } });
    let flow = flow_with_rules(json!([
        rule(json!({ "==": [ { "var": "customer.id" }, "cus_1" ] })),
        rule(json!({ "==": [ { "var": "customer.subscription_id" }, "sub_1" ] })),
        rule(json!({ "==": [ { "var": "history.sessions" }, 3 ] })),
        rule(json!({ "==": [ { "var": "history.days_since_last_session" }, null ] })),
        rule(json!({ "===": [ { "var": "history.days_since_discount" }, -2 ] })),
        rule(json!({ ">=": [ { "var": "history.pauses_in_a_row" }, 1 ] })),
        rule(json!({ "missing": ["attrs.country"] })),
        rule(json!({ "var": "attrs.vip" })),
        rule(json!({ "==": [ { "var": "attrs.spend" }, 12.5 ] })),
    ]));
    let mut f = facts(json!({ "vip": true, "spend": 12.5 }));
    f.history =
        History { sessions: 3, days_since_last_session: None, days_since_discount: Some(-2), pauses_in_a_row: 1 };
    assert_eq!(resolve(&flow, 1, &f, None).applied_rules, (0..9).collect::<Vec<_>>());
    assert_eq!(
        f.data(),
        json!({
            "attrs": { "vip": true, "spend": 12.5 },
            "customer": { "id": "cus_1", "subscription_id": "sub_1" },
            "history": { "sessions": 3, "days_since_last_session": null, "days_since_discount": -2, "pauses_in_a_row": 1 }
        })
    );
    let mut other = facts(json!({ "vip": "", "country": "HU" }));
    other.customer_id = "cus_2".into();
    other.subscription_id = None;
    other.history.days_since_last_session = Some(5);
    assert_eq!(resolve(&flow, 1, &other, None).applied_rules, Vec::<usize>::new(), "\"\" is falsy");
}

#[test]
fn a_rule_that_fails_to_evaluate_does_not_apply() {
    let flow = flow_with_rules(json!([
        { "name": "sum", "when": { ">": [ { "+": [ { "var": "attrs.plan" }, 1 ] }, 0 ] }, "patch": { "theme": "dark" } },
        { "when": true, "patch": { "locale": "hu" } }
    ]));
    let out = resolve(&flow, 1, &facts(json!({ "plan": "annual" })), None);
    assert_eq!(out.applied_rules, vec![1]);
    assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
    assert!(out.problems[0].starts_with("rules[0] (\"sum\").when: could not be evaluated ("), "{}", out.problems[0]);
    assert!(out.problems[0].ends_with("; the rule did not apply"), "{}", out.problems[0]);
    assert!(out.config.get("theme").is_none());
    assert_eq!(out.config["locale"], "hu");
    // A number evaluates.
    assert_eq!(resolve(&flow, 1, &facts(json!({ "plan": 2 })), None).applied_rules, vec![0, 1]);
}

/// Two rules each valid with the base, invalid together: the base is served (with the
/// variant's patch, which is valid with the base alone).
#[test]
fn rules_invalid_together_fall_back_to_the_base() {
    let doc = with(
        contract_flow(),
        json!({ "experiment": { "variants": [ { "id": "a" }, { "id": "b", "patch": { "theme": "dark" } } ] },
                "rules": [
            { "name": "no discount", "when": true, "patch": { "offers": { "discount": null } } },
            { "name": "deal hunters", "when": { "var": "attrs.deals" },
              "patch": { "survey": { "reasons": [ { "id": "deal", "label": "A better deal", "offers": ["discount"] } ] } } }
        ] }),
    );
    let flow = read(doc);
    let alone = resolve(&flow, 2, &facts(json!({})), None);
    assert_eq!(alone.applied_rules, vec![0]);
    assert!(alone.config["offers"].get("discount").is_none());

    let b = Group::Variant("b".into());
    let out = resolve(&flow, 2, &facts(json!({ "deals": true })), Some(&b));
    assert_eq!(out.applied_rules, Vec::<usize>::new());
    assert_eq!(
        out.problems,
        vec![
            "rules[0] (\"no discount\") + rules[1] (\"deal hunters\") + variant b together give an invalid config \
             (survey.reasons[0].offers[0]: names \"discount\", but offers.discount is not configured); served without the rules"
        ]
    );
    assert_eq!(out.config["theme"], "dark", "the variant's patch is kept");
    assert_eq!(out.config["offers"], base()["offers"]);
    assert_eq!(out.config["survey"], base()["survey"]);
    assert_eq!(
        out.config["served"],
        json!({ "flow_version": 2, "experiment": { "id": "winter-offers", "variant": "b" } })
    );
    widget_reads(&out.config);

    let none = resolve(&flow, 2, &facts(json!({ "deals": true })), None);
    assert_eq!(none.applied_rules, Vec::<usize>::new());
    assert!(none.problems[0].starts_with("rules[0] (\"no discount\") + rules[1] (\"deal hunters\") together give"));
    let mut expected = base();
    expected["customer"] = json!({ "id": "cus_1", "subscription_id": "sub_1" });
    expected["served"] = json!({ "flow_version": 2 });
    assert_eq!(none.config, expected);
}

/// Removing an offer the reasons name: the widget's reader refuses a reason naming an
/// offer that is not configured, so the removal takes the name out of the reasons too.
#[test]
fn removing_offers_keeps_a_config_the_widget_reads() {
    let mut config = with(
        base(),
        json!({ "customer": { "id": "cus_1" }, "survey": { "reasons": [
            { "id": "price", "label": "The price", "offers": ["discount", "pause"] },
            { "id": "deal", "label": "A deal", "offers": ["discount"] },
            { "preset": "too_expensive" },
            { "preset": "switched", "offers": ["discount", "links"] }
        ] } }),
    );
    widget_reads(&config);
    // Taking out the section alone is refused by the widget's reader:
    let mut bare = config.clone();
    bare["offers"].as_object_mut().unwrap().remove("discount");
    let refused = parse_config(&bare.to_string(), &Overrides::default()).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "survey.reasons[0].offers[0]: names \"discount\", but offers.discount is not configured"
    );
    // …so the removal prunes the reasons, and a reason left with none goes straight to confirm.
    remove_offer(&mut config, "discount");
    widget_reads(&config);
    assert_eq!(config["survey"]["reasons"][0]["offers"], json!(["pause"]));
    assert_eq!(config["survey"]["reasons"][1]["offers"], json!([]));
    remove_offer(&mut config, "pause");
    widget_reads(&config);
    remove_all_offers(&mut config);
    widget_reads(&config);
    assert!(config.get("offers").is_none());
    assert_eq!(config["survey"]["reasons"][3]["offers"], json!([]));
}

#[test]
fn eligibility_at_its_boundaries() {
    let flow = read(with(contract_flow(), json!({ "experiment": null })));
    let served = |days: Option<i64>, pauses: u64| {
        let mut f = facts(json!({}));
        f.history = History {
            sessions: 5,
            days_since_last_session: Some(1),
            days_since_discount: days,
            pauses_in_a_row: pauses,
        };
        let out = resolve(&flow, 1, &f, None);
        widget_reads(&out.config);
        out.config
    };
    assert!(served(Some(99), 0)["offers"].get("discount").is_none());
    assert!(served(Some(100), 0)["offers"].get("discount").is_some());
    assert!(served(None, 0)["offers"].get("discount").is_some());
    assert!(served(Some(-1), 0)["offers"].get("discount").is_none(), "a discount dated after now");
    assert!(served(None, 1)["offers"].get("pause").is_some());
    let no_pause = served(None, 2);
    assert!(no_pause["offers"].get("pause").is_none());
    assert_eq!(no_pause["survey"]["reasons"][1]["offers"], json!([]), "away goes straight to confirm");
    assert_eq!(no_pause["survey"]["reasons"][2]["offers"], json!(["links"]));

    // (Set whole: a merge patch's null would remove the keys, leaving the defaults.)
    let mut off = with(contract_flow(), json!({ "experiment": null }));
    off["eligibility"] = json!({ "discount_cooldown_days": null, "max_pauses_in_a_row": null });
    let off = read(off);
    let mut f = facts(json!({}));
    f.history =
        History { sessions: 9, days_since_last_session: Some(0), days_since_discount: Some(0), pauses_in_a_row: 50 };
    let out = resolve(&off, 1, &f, None);
    assert!(out.config["offers"].get("discount").is_some() && out.config["offers"].get("pause").is_some());

    let defaults = read(with(contract_flow(), json!({ "experiment": null, "eligibility": null })));
    let out = resolve(&defaults, 1, &f, None);
    assert!(out.config["offers"].get("discount").is_none() && out.config["offers"].get("pause").is_none());
}

#[test]
fn the_holdout_removes_offers_whatever_added_them() {
    let doc = with(
        contract_flow(),
        json!({ "experiment": { "variants": [
        { "id": "a", "patch": { "offers": { "frequency": { "options": [ { "count": 25, "per": { "unit": "week", "count": 50 } } ] } } } },
        { "id": "b" }
    ] } }),
    );
    let flow = read(doc);
    let f = facts(json!({ "plan": "annual", "tenure_days": 1000 }));
    let out = resolve(&flow, 7, &f, Some(&Group::Holdout));
    assert_eq!(out.applied_rules, vec![0, 1], "rules still apply (and are reported)");
    assert!(out.config.get("offers").is_none());
    assert_eq!(out.config["survey"]["reasons"][1]["offers"], json!([]));
    assert_eq!(
        out.config["served"],
        json!({ "flow_version": 7, "experiment": { "id": "winter-offers", "variant": "holdout" } })
    );
    widget_reads(&out.config);

    let a = resolve(&flow, 7, &f, Some(&Group::Variant("a".into())));
    assert_eq!(a.config["offers"]["frequency"]["options"][0]["count"], 25);
    assert_eq!(a.config["served"]["experiment"], json!({ "id": "winter-offers", "variant": "a" }));
    let b = resolve(&flow, 7, &f, Some(&Group::Variant("b".into())));
    assert!(b.config["offers"].get("frequency").is_none());
    assert!(b.problems.is_empty());
    let unknown = resolve(&flow, 7, &f, Some(&Group::Variant("c".into())));
    assert_eq!(unknown.problems, vec!["experiment winter-offers: has no variant c; no variant's patch applied"]);
}

#[test]
fn served_block_shape() {
    let flow = read(contract_flow());
    let f = facts(json!({}));
    assert_eq!(resolve(&flow, 12, &f, None).config["served"], json!({ "flow_version": 12 }));
    let plain = read(with(contract_flow(), json!({ "experiment": null })));
    assert_eq!(
        resolve(&plain, 12, &f, Some(&Group::Holdout)).config["served"],
        json!({ "flow_version": 12 }),
        "no experiment in the flow: no experiment to name"
    );
    let served = resolve(&flow, 12, &f, Some(&Group::Variant("a".into()))).config["served"].clone();
    assert_eq!(served.to_string(), r#"{"flow_version":12,"experiment":{"id":"winter-offers","variant":"a"}}"#);
}

#[test]
fn assignment_matches_the_contract_table() {
    let flow = read(contract_flow());
    let e = flow.experiment().unwrap();
    for (customer, b, group) in [
        ("cus_1", 3858, "a"),
        ("cus_3", 8812, "b"),
        ("cus_6", 281, "holdout"),
        ("cus_ÁRVÍZTŰRŐ", 7180, "b"),
        ("კლიენტი_7", 6449, "b"),
    ] {
        assert_eq!(bucket("winter-offers", customer), b);
        assert_eq!(e.assign(customer), Group::parse(group));
    }
    let again = read(with(contract_flow(), json!({ "experiment": { "baseline": 0.4 } })));
    assert!(e.same_design(again.experiment().unwrap()));
}
