//! Reading a posted outcome on the shop's side (`core::outcome_read`): every field is
//! checked with the config's ranges, and a bad one is named with its path.

use cancel_flow::core::outcome_read::read_outcome;
use serde_json::{json, Value};

fn valid() -> Value {
    json!({
        "schema": "cancel-flow/outcome@1",
        "id": "9f1c0c8e-3c1b-4a57-9d0e-6f1a4f2b7a10",
        "created_at": "2026-11-25T10:04:12.345Z",
        "flow_id": "meal-box-2026",
        "test": false,
        "customer": { "id": "cus_1001", "subscription_id": "sub_5001" },
        "plan_id": "family",
        "locale": "en",
        "result": { "type": "paused", "duration": { "unit": "week", "count": 4 }, "resume_on": "2026-12-23" },
        "survey": { "reason_id": "too_much", "comment": null },
        "offers": [ { "type": "frequency", "accepted": false }, { "type": "pause", "accepted": true } ],
        "keep_in_touch": false,
        "steps": ["survey", "offers", "done"],
        "elapsed_ms": 41234
    })
}

/// The error of `valid()` changed by `edit`.
fn error_after(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = valid();
    edit(&mut v);
    match read_outcome(&v.to_string()) {
        Ok(_) => panic!("accepted: {v}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_contract_example_is_read() {
    let o = read_outcome(&valid().to_string()).unwrap();
    assert_eq!(o.id, "9f1c0c8e-3c1b-4a57-9d0e-6f1a4f2b7a10");
    assert_eq!(o.to_json(), valid().to_string(), "typed, it writes the same JSON");
}

#[test]
fn unknown_fields_are_ignored_and_1_1_feedback_is_accepted() {
    let mut v = valid();
    v["survey"]["feedback"] = json!("too_expensive");
    v["extra"] = json!({ "anything": [1, 2] });
    assert!(read_outcome(&v.to_string()).is_ok());
}

/// A change to a valid outcome, and the start of the error it must give.
type Case = (Box<dyn FnOnce(&mut Value)>, &'static str);

#[test]
fn bad_fields_are_named_with_the_config_ranges() {
    let cases: Vec<Case> = vec![
        (
            Box::new(|v| v["result"]["duration"]["count"] = json!(53)),
            "result.duration.count: must be a whole number from 1 to 52",
        ),
        (Box::new(|v| v["result"]["duration"]["unit"] = json!("fortnight")), "result.duration.unit: must be one of"),
        (Box::new(|v| v["result"]["resume_on"] = json!("2026-02-30")), "result.resume_on: must be a date"),
        (Box::new(|v| v["schema"] = json!("cancel-flow/outcome@2")), "schema: must be \"cancel-flow/outcome@1\""),
        (Box::new(|v| v["id"] = json!("not-a-uuid")), "id: must be a UUID"),
        (Box::new(|v| v["created_at"] = json!("yesterday")), "created_at: must be an RFC 3339 time"),
        (Box::new(|v| v["created_at"] = json!("2026-11-25T25:04:12Z")), "created_at: must be an RFC 3339 time"),
        (Box::new(|v| v["customer"]["id"] = json!("")), "customer.id: must not be empty"),
        (
            Box::new(|v| v["customer"]["subscription_id"] = json!(7)),
            "customer.subscription_id: must be text or null, not a number",
        ),
        (Box::new(|v| v["test"] = json!("no")), "test: must be true or false"),
        (Box::new(|v| v["locale"] = json!("en_<x>")), "locale: \"en_<x>\" is not a language tag"),
        (Box::new(|v| v["result"] = json!({ "type": "refunded" })), "result.type: must be one of"),
        (
            Box::new(|v| {
                v["result"] =
                    json!({ "type": "frequency_reduced", "count": 200, "per": { "unit": "week", "count": 20 } })
            }),
            "result.count: must be a whole number from 1 to 140",
        ),
        (
            Box::new(|v| v["result"] = json!({ "type": "discount_accepted", "percent_off": 150, "months": 2 })),
            "result.percent_off: must be a whole number from 1 to 100",
        ),
        (
            Box::new(|v| {
                v["result"] =
                    json!({ "type": "discount_accepted", "amount_off_minor": 500, "currency": "eur", "months": 2 })
            }),
            "result.currency: must be a three-letter ISO 4217 code",
        ),
        (
            Box::new(|v| v["result"] = json!({ "type": "cancelled", "effective": "tomorrow", "effective_on": null })),
            "result.effective: must be \"period_end\" or \"immediately\"",
        ),
        (
            Box::new(|v| v["offers"][1]["type"] = json!("refund")),
            "offers[1].type: must be pause, downgrade, frequency, discount or link",
        ),
        (Box::new(|v| v["offers"][0]["accepted"] = json!(true)), "offers: at most one offer can be accepted"),
        (Box::new(|v| v["steps"][0] = json!("checkout")), "steps[0]: must be survey, offers, confirm or done"),
        (Box::new(|v| v["elapsed_ms"] = json!(-1)), "elapsed_ms: must be a whole number"),
        (
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("survey");
            }),
            "survey: is required",
        ),
        (
            Box::new(|v| v["survey"]["comment"] = json!("x".repeat(5001))),
            "survey.comment: must be at most 5000 characters",
        ),
    ];
    for (edit, want) in cases {
        let got = error_after(edit);
        assert!(got.starts_with(want), "expected {want:?}, got {got:?}");
    }
}

#[test]
fn every_result_type_is_read() {
    for result in [
        json!({ "type": "downgraded", "from": "family", "to": "couple" }),
        json!({ "type": "frequency_reduced", "count": 20, "per": { "unit": "week", "count": 50 } }),
        json!({ "type": "discount_accepted", "percent_off": 15, "months": 2 }),
        json!({ "type": "discount_accepted", "amount_off_minor": 500, "currency": "EUR", "months": 1 }),
        json!({ "type": "link_followed", "link_id": "support" }),
        json!({ "type": "cancelled", "effective": "period_end", "effective_on": null }),
        json!({ "type": "cancelled", "effective": "immediately", "effective_on": "2026-11-25" }),
        json!({ "type": "abandoned" }),
    ] {
        let mut v = valid();
        v["result"] = result.clone();
        let o = read_outcome(&v.to_string()).unwrap_or_else(|e| panic!("{result}: {e}"));
        assert_eq!(serde_json::to_value(&o.result).unwrap(), result);
    }
}

#[test]
fn never_panics_on_arbitrary_text() {
    for text in
        ["", "null", "[]", "{}", "{\"schema\":1}", "\"x\"", "{\"result\":{\"type\":\"paused\"}}", &"[".repeat(500)]
    {
        assert!(read_outcome(text).is_err(), "{text:?}");
    }
}
