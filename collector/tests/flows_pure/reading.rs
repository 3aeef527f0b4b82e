//! Reading a flow document: the contract's example, and every refusal with its exact message.

use super::*;

#[test]
fn reads_the_contract_example() {
    let flow = read(contract_flow());
    assert_eq!(flow.document(), &contract_flow());
    assert_eq!(flow.flow_id(), "box");
    assert!(!flow.is_test());
    assert_eq!(flow.rule_count(), 2);
    assert_eq!(flow.eligibility(), Eligibility::default());
    let e = flow.experiment().expect("an experiment");
    assert_eq!((e.id.as_str(), e.holdout, e.variants.len()), ("winter-offers", 0.1, 2));
    // Unknown keys at the top, in rules and in the experiment are tolerated.
    let tolerant = with(
        contract_flow(),
        json!({ "notes": "x", "experiment": { "owner": "anna" }, "rules": [ { "when": true, "patch": {}, "comment": "y" } ] }),
    );
    assert_eq!(read(tolerant).rule_count(), 1);
    assert!(read(with(contract_flow(), json!({ "experiment": null }))).experiment().is_none());
}

#[test]
fn a_rule_that_removes_an_offer_a_reason_names_takes_the_name_with_it() {
    // The contract's own example rule, when a reason names the discount explicitly.
    let doc = with(
        contract_flow(),
        json!({ "config": { "survey": { "reasons": [ { "id": "deal", "label": "A deal", "offers": ["discount"] } ] } } }),
    );
    let flow = read(doc);
    let annual = resolve(&flow, 1, &facts(json!({ "plan": "annual" })), None);
    assert!(annual.config["offers"].get("discount").is_none());
    assert_eq!(annual.config["survey"]["reasons"][0]["offers"], json!([]), "straight to confirm");
    widget_reads(&annual.config);
}

#[test]
fn a_base_with_customer_and_served_is_accepted_and_they_are_replaced() {
    let doc = with(
        contract_flow(),
        json!({ "config": { "customer": { "id": "cus_base", "email": "a@b.example" }, "served": { "flow_version": 99 } }, "experiment": null }),
    );
    let flow = read(doc);
    assert!(flow.base().get("customer").is_none() && flow.base().get("served").is_none());
    let out = resolve(&flow, 3, &facts(json!({})), None);
    assert_eq!(out.config["customer"], json!({ "id": "cus_1", "subscription_id": "sub_1" }));
    assert_eq!(out.config["served"], json!({ "flow_version": 3 }));
    let mut no_sub = facts(json!({}));
    no_sub.subscription_id = None;
    assert_eq!(resolve(&flow, 3, &no_sub, None).config["customer"], json!({ "id": "cus_1" }));
}

#[test]
fn the_contract_refusals() {
    let bad_pause = json!({ "offers": { "pause": { "options": [ { "unit": "week", "count": 60 } ] } } });
    let rules = json!([ { "when": true, "patch": {} }, { "when": true, "patch": bad_pause } ]);
    assert_eq!(
        refusal(with(contract_flow(), json!({ "rules": rules }))),
        "rules[1].patch: offers.pause.options[0].count: must be a whole number from 1 to 52"
    );
    assert_eq!(
        refusal(with(contract_flow(), json!({ "rules": [ { "when": { "var": "attrs" }, "patch": {} } ] }))),
        "rules[0].when: unknown fact attrs"
    );
    assert_eq!(
        FlowDocument::read("crate", &contract_flow()).unwrap_err().to_string(),
        "config.flow_id: must equal the flow id in the address, crate"
    );
    assert_eq!(
        refusal(with(contract_flow(), json!({ "experiment": { "holdout": 0.6 } }))),
        "experiment.holdout: must be from 0 to 0.5, not 0.6"
    );
    let variants = json!([ { "id": "a" }, { "id": "b", "patch": bad_pause } ]);
    assert_eq!(
        refusal(with(contract_flow(), json!({ "experiment": { "variants": variants } }))),
        "experiment.variants[1].patch: offers.pause.options[0].count: must be a whole number from 1 to 52"
    );
}

#[test]
fn document_refusals() {
    let cases: Vec<(Value, &str)> = vec![
        (json!({ "schema": null }), "schema: is required: \"cancel-flow/flow@1\""),
        (
            json!({ "schema": "cancel-flow/flow@2" }),
            "schema: must be \"cancel-flow/flow@1\", not \"cancel-flow/flow@2\"",
        ),
        (json!({ "config": null }), "config: is required: the base widget config (without customer and served)"),
        (json!({ "config": [1] }), "config: must be an object: the base widget config, not a list"),
        (
            json!({ "config": { "offers": { "pause": { "options": [ { "unit": "week", "count": 0 } ] } } } }),
            "config.offers.pause.options[0].count: must be a whole number from 1 to 52",
        ),
        (json!({ "config": { "endpoint": null } }), "config.endpoint: is required"),
        (
            json!({ "rules": { "when": true } }),
            "rules: must be a list of rules, each {\"when\": …, \"patch\": {…}}, not an object",
        ),
        (json!({ "rules": [ 1 ] }), "rules[0]: must be an object with when and patch, not a number"),
        (json!({ "rules": [ { "name": 5, "when": true, "patch": {} } ] }), "rules[0].name: must be text, not a number"),
        (
            json!({ "rules": [ { "patch": {} } ] }),
            "rules[0].when: is required: a JSON Logic rule (true applies always)",
        ),
        (
            json!({ "rules": [ { "when": true } ] }),
            "rules[0].patch: is required: a JSON Merge Patch of the config (an object)",
        ),
        (
            json!({ "rules": [ { "when": true, "patch": [ 1 ] } ] }),
            "rules[0].patch: must be an object (a JSON Merge Patch of the config), not a list",
        ),
        (
            json!({ "rules": [ { "when": true, "patch": { "flow_id": "other" } } ] }),
            "rules[0].patch: flow_id: must equal the flow id in the address, box",
        ),
        (
            json!({ "rules": [ { "when": true, "patch": { "flow_id": null } } ] }),
            "rules[0].patch: flow_id: is required",
        ),
        (
            json!({ "rules": [ { "when": true, "patch": { "test": true } } ] }),
            "rules[0].patch: test: must stay false as in the base config (a flow is a test flow or not as a whole)",
        ),
        (
            json!({ "eligibility": { "max_pauses_in_a_row": 0 } }),
            "eligibility.max_pauses_in_a_row: must be a whole number from 1 to 100, or null to turn it off, not 0",
        ),
        (
            json!({ "eligibility": 3 }),
            "eligibility: must be an object such as {\"discount_cooldown_days\": 100, \"max_pauses_in_a_row\": 2}",
        ),
        (
            json!({ "experiment": { "holdout": 0.12345 } }),
            "experiment.holdout: must have at most 4 decimals (one share in 10000), not 0.12345",
        ),
        (
            json!({ "experiment": { "variants": [ { "id": "a" }, { "id": "b", "patch": { "flow_id": "x" } } ] } }),
            "experiment.variants[1].patch: flow_id: must equal the flow id in the address, box",
        ),
        (
            json!({ "experiment": { "variants": [ { "id": "a", "patch": { "offers": { "discount": { "percent_off": 0 } } } } ] } }),
            "experiment.variants[0].patch: offers.discount.percent_off: must be a whole number from 1 to 100",
        ),
    ];
    for (patch, message) in cases {
        assert_eq!(refusal(with(contract_flow(), patch.clone())), message, "{patch}");
    }
    assert_eq!(refusal(json!([])), "flow: must be an object with schema and config, not a list");
    // A test flow stays one: a patch may say so again.
    let test_flow = with(
        contract_flow(),
        json!({ "config": { "test": true }, "rules": [ { "when": true, "patch": { "test": true } } ] }),
    );
    assert!(read(test_flow).is_test());
}

#[test]
fn when_refusals() {
    let when = |w: Value| refusal(with(contract_flow(), json!({ "rules": [ { "when": w, "patch": {} } ] })));
    let ok = |w: Value| {
        let doc = with(contract_flow(), json!({ "rules": [ { "when": w.clone(), "patch": {} } ] }));
        if let Err(e) = FlowDocument::read("box", &doc) {
            panic!("{w} refused: {e}");
        }
    };
    for fact in [
        "attrs.plan",
        "attrs.x",
        "customer.id",
        "customer.subscription_id",
        "history.sessions",
        "history.days_since_last_session",
        "history.days_since_discount",
        "history.pauses_in_a_row",
    ] {
        ok(json!({ "var": fact }));
        ok(json!({ "var": [fact] }));
        ok(json!({ "var": [fact, 0] }));
        ok(json!({ "missing": [fact] }));
        ok(json!({ "missing_some": [1, [fact]] }));
    }
    ok(json!(true));
    ok(json!({}));
    ok(
        json!({ "and": [ { "in": [ { "var": "attrs.country" }, ["HU", "AT"] ] }, { "<": [0, { "var": "history.sessions" }, 5] } ] }),
    );
    // Inside an iteration's body `var` names the current item: not checked as a fact.
    ok(json!({ "some": [ { "var": "attrs.tags_csv" }, { "==": [ { "var": "" }, "vip" ] } ] }));
    ok(
        json!({ "reduce": [ [1, 2], { "+": [ { "var": "current" }, { "var": "accumulator" } ] }, { "var": "history.sessions" } ] }),
    );
    ok(json!({ "map": [ [1, 2], { "filter": [ [ { "var": "x" } ], { "var": "y" } ] } ] }));

    assert_eq!(when(json!({ "var": "attrs" })), "rules[0].when: unknown fact attrs");
    assert_eq!(when(json!({ "var": "attrs." })), "rules[0].when: unknown fact attrs.");
    assert_eq!(when(json!({ "var": "customer" })), "rules[0].when: unknown fact customer");
    assert_eq!(when(json!({ "var": "history.outcomes" })), "rules[0].when: unknown fact history.outcomes");
    assert_eq!(when(json!({ "var": "plan" })), "rules[0].when: unknown fact plan");
    assert_eq!(
        when(json!({ "var": "" })),
        "rules[0].when: unknown fact \"\" (the whole data): name one, such as attrs.plan"
    );
    assert_eq!(when(json!({ "var": ["plan", "x"] })), "rules[0].when: unknown fact plan");
    assert_eq!(when(json!({ "var": ["attrs.a", { "var": "plan" }] })), "rules[0].when: unknown fact plan");
    assert_eq!(when(json!({ "var": [] })), "rules[0].when: var takes a fact's name and an optional default");
    assert_eq!(
        when(json!({ "var": { "cat": ["attrs.", "plan"] } })),
        "rules[0].when: var must name a fact as literal text, such as \"attrs.plan\", not {\"cat\":[\"attrs.\",\"plan\"]}"
    );
    assert_eq!(
        when(json!({ "var": 1 })),
        "rules[0].when: var must name a fact as literal text, such as \"attrs.plan\", not 1"
    );
    assert_eq!(when(json!({ "!": { "==": [ { "var": "attrs" }, 1 ] } })), "rules[0].when: unknown fact attrs");
    // The first argument of an iteration is over the facts.
    assert_eq!(when(json!({ "some": [ { "var": "tags" }, true ] })), "rules[0].when: unknown fact tags");
    assert_eq!(when(json!({ "reduce": [ [], true, { "var": "acc" } ] })), "rules[0].when: unknown fact acc");
    assert_eq!(when(json!({ "missing": ["plan"] })), "rules[0].when: unknown fact plan");
    assert_eq!(when(json!({ "missing": "plan" })), "rules[0].when: unknown fact plan");
    assert_eq!(
        when(json!({ "missing": [ { "var": "attrs.k" } ] })),
        "rules[0].when: missing must list facts as literal text, not {\"var\":\"attrs.k\"}"
    );
    assert_eq!(when(json!({ "missing_some": [1, ["attrs.a", "plan"]] })), "rules[0].when: unknown fact plan");
    assert_eq!(when(json!({ "missing_some": ["attrs.a"] })), "rules[0].when: missing_some takes [how many, [facts]]");
    assert_eq!(when(json!({ "val": "attrs.plan" })), "rules[0].when: unknown operation val");
    assert_eq!(when(json!({ "log": 1 })), "rules[0].when: unknown operation log");
    assert_eq!(when(json!({ "plan": "annual" })), "rules[0].when: unknown operation plan");
    assert_eq!(when(json!({ "map": [ [1], { "frobnicate": 1 } ] })), "rules[0].when: unknown operation frobnicate");
    assert_eq!(
        when(json!({ "==": 1, "!=": 2 })),
        "rules[0].when: an operation is an object with one key, not 2 (==, !=)"
    );
    // What datalogic-rs itself refuses (it compiles nearly any shape; evaluation decides).
    let mut deep = json!(true);
    for _ in 0..300 {
        deep = json!({ "!": deep });
    }
    assert_eq!(
        when(deep),
        "rules[0].when: is not valid JSON Logic (Configuration error: rule nesting exceeds the maximum compile depth of 256)"
    );
}
