//! Time per read and per resolve (ignored; run in release with --ignored --nocapture).

use super::*;

/// `cargo test --release -p cancel-flow-collector --test flows_pure -- --ignored --nocapture`
#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn time_read_and_resolve() {
    use std::time::Instant;
    let doc = with(
        contract_flow(),
        json!({ "rules": [
            { "name": "annual", "when": { "==": [ { "var": "attrs.plan" }, "annual" ] }, "patch": { "offers": { "discount": null } } },
            { "name": "long", "when": { ">=": [ { "var": "attrs.tenure_days" }, 365 ] },
              "patch": { "offers": { "links": [ { "id": "vip", "label": "Talk to Anna", "url": "https://shop.example/vip" } ] } } },
            { "name": "new", "when": { "and": [ { "<": [ { "var": "history.sessions" }, 1 ] }, { "in": [ { "var": "attrs.country" }, ["HU", "AT", "DE"] ] } ] },
              "patch": { "theme": "dark" } },
            { "name": "never", "when": { "==": [ { "var": "customer.id" }, "nobody" ] }, "patch": { "locale": "hu" } }
        ] }),
    );
    let n = 2_000;
    let start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(FlowDocument::read("box", &doc).unwrap());
    }
    let read_us = start.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    let flow = FlowDocument::read("box", &doc).unwrap();
    let mut f = facts(json!({ "plan": "monthly", "tenure_days": 400, "country": "HU" }));
    f.history =
        History { sessions: 0, days_since_last_session: None, days_since_discount: Some(30), pauses_in_a_row: 0 };
    let b = Group::Variant("b".into());
    let time = |label: &str, facts: &Facts, group: Option<&Group>| {
        let n = 20_000;
        let out = resolve(&flow, 4, facts, group);
        let start = Instant::now();
        for _ in 0..n {
            std::hint::black_box(resolve(&flow, 4, facts, group));
        }
        let us = start.elapsed().as_secs_f64() * 1e6 / f64::from(n);
        println!("resolve, {label}: {us:.1} µs (rules applied {:?})", out.applied_rules);
    };
    time("two rules + variant b (checked by the widget's reader)", &f, Some(&b));
    f.attrs.insert("tenure_days".into(), json!(10));
    time("one rule, no experiment group", &f, None);
    time("one rule + holdout", &f, Some(&Group::Holdout));
    println!("read (4 rules, 2 variants; 7 widget reads): {read_us:.1} µs");
}
