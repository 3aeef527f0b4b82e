//! The outcome payload (contract section 5), exactly, for every result type; and the
//! receipt that the done step shows for it.

use cancel_flow::core::config::{Effective, OfferKind};
use cancel_flow::core::config_parse::{parse_config, Overrides};
use cancel_flow::core::date::Ymd;
use cancel_flow::core::flow::{Action, Flow};
use cancel_flow::core::i18n::{Messages, PlainFormats, Words};
use cancel_flow::core::outcome::{uuid_v4, Context, Outcome};
use cancel_flow::core::outcome_read::read_outcome;
use cancel_flow::core::receipt::receipt;
use serde_json::{json, Value};
use std::sync::Arc;

fn flow(edit: impl FnOnce(&mut Value)) -> Flow {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/meal-box.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    edit(&mut v);
    Flow::new(Arc::new(parse_config(&v.to_string(), &Overrides::default()).unwrap().config), 7)
}

fn ctx() -> Context {
    Context {
        id: "9f1c0c8e-3c1b-4a57-9d0e-6f1a4f2b7a10".into(),
        created_at: "2026-11-25T10:04:12.345Z".into(),
        today: Ymd::parse("2026-11-25").unwrap(),
        locale: "en".into(),
        elapsed_ms: 41234,
    }
}

/// The payload as JSON; on the way, the typed outcome must read back from its own text
/// unchanged (what the shop's collector does) and write the same bytes again.
fn payload(f: &Flow) -> Value {
    let outcome = Outcome::of(f, &ctx());
    let text = outcome.to_json();
    let back: Outcome = serde_json::from_str(&text).unwrap();
    assert_eq!(back, outcome, "the outcome reads back as itself");
    assert_eq!(back.to_json(), text, "and writes the same bytes");
    assert_eq!(read_outcome(&text), Ok(outcome), "and passes the collector's checks");
    serde_json::from_str(&text).unwrap()
}

fn envelope(result: Value, survey: Value, offers: Value, keep: bool, steps: Value) -> Value {
    json!({
        "schema": "cancel-flow/outcome@1",
        "id": "9f1c0c8e-3c1b-4a57-9d0e-6f1a4f2b7a10",
        "created_at": "2026-11-25T10:04:12.345Z",
        "flow_id": "meal-box-2026",
        "test": false,
        "customer": { "id": "cus_1001", "subscription_id": "sub_5001" },
        "plan_id": "family",
        "locale": "en",
        "result": result,
        "survey": survey,
        "offers": offers,
        "keep_in_touch": keep,
        "steps": steps,
        "elapsed_ms": 41234
    })
}

#[test]
fn paused() {
    let mut f = flow(|_| {});
    f.apply(Action::ChooseReason("too_much".into()));
    f.apply(Action::Next);
    f.apply(Action::ChooseOption(OfferKind::Pause, "4-week".into()));
    f.apply(Action::Accept(OfferKind::Pause));
    assert_eq!(
        payload(&f),
        envelope(
            json!({"type": "paused", "duration": {"unit": "week", "count": 4}, "resume_on": "2026-12-23"}),
            json!({"reason_id": "too_much", "comment": null}),
            json!([{"type": "frequency", "accepted": false}, {"type": "pause", "accepted": true}]),
            false,
            json!(["survey", "offers", "done"]),
        )
    );
}

#[test]
fn pause_in_months_resumes_on_the_same_day() {
    let mut f = flow(|_| {});
    f.apply(Action::Skip);
    f.apply(Action::ChooseOption(OfferKind::Pause, "2-month".into()));
    f.apply(Action::Accept(OfferKind::Pause));
    assert_eq!(payload(&f)["result"]["resume_on"], "2027-01-25");
}

#[test]
fn downgraded_with_comment() {
    let mut f = flow(|_| {});
    f.apply(Action::ChooseReason("too_expensive".into()));
    f.apply(Action::SetComment("  money is tight  ".into()));
    f.apply(Action::Next);
    f.apply(Action::ChooseOption(OfferKind::Downgrade, "couple".into()));
    f.apply(Action::Accept(OfferKind::Downgrade));
    let p = payload(&f);
    assert_eq!(p["result"], json!({"type": "downgraded", "from": "family", "to": "couple"}));
    assert_eq!(p["survey"], json!({"reason_id": "too_expensive", "comment": "money is tight"}));
    assert_eq!(
        p["offers"],
        json!([{"type": "frequency", "accepted": false}, {"type": "downgrade", "accepted": true}, {"type": "pause", "accepted": false}])
    );
}

#[test]
fn frequency_reduced() {
    let mut f = flow(|_| {});
    f.apply(Action::Skip);
    f.apply(Action::ChooseOption(OfferKind::Frequency, "20-per-50-week".into()));
    f.apply(Action::Accept(OfferKind::Frequency));
    let p = payload(&f);
    assert_eq!(p["result"], json!({"type": "frequency_reduced", "count": 20, "per": {"unit": "week", "count": 50}}));
    assert_eq!(p["survey"], Value::Null);
    assert_eq!(p["offers"].as_array().unwrap().len(), 5);
}

#[test]
fn discount_accepted_both_kinds() {
    let mut f = flow(|_| {});
    f.apply(Action::Skip);
    f.apply(Action::Accept(OfferKind::Discount));
    assert_eq!(payload(&f)["result"], json!({"type": "discount_accepted", "percent_off": 15, "months": 2}));
    let mut f = flow(|v| v["offers"]["discount"] = json!({"amount_off_minor": 500, "currency": "EUR", "months": 3}));
    f.apply(Action::Skip);
    f.apply(Action::Accept(OfferKind::Discount));
    assert_eq!(
        payload(&f)["result"],
        json!({"type": "discount_accepted", "amount_off_minor": 500, "currency": "EUR", "months": 3})
    );
}

#[test]
fn link_followed() {
    let mut f = flow(|_| {});
    f.apply(Action::ChooseReason("quality".into()));
    f.apply(Action::Next);
    f.apply(Action::FollowLink("support".into()));
    let p = payload(&f);
    assert_eq!(p["result"], json!({"type": "link_followed", "link_id": "support"}));
    assert_eq!(p["offers"], json!([{"type": "link", "accepted": true}]));
}

#[test]
fn cancelled_with_keep_in_touch_and_immediately() {
    let mut f = flow(|v| v["cancel"]["effective"] = json!(["period_end", "immediately"]));
    f.apply(Action::Cancel);
    f.apply(Action::SetKeepInTouch(true));
    f.apply(Action::ChooseEffective(Effective::Immediately));
    f.apply(Action::Confirm);
    assert_eq!(
        payload(&f),
        envelope(
            json!({"type": "cancelled", "effective": "immediately", "effective_on": "2026-11-25"}),
            Value::Null,
            json!([]),
            true,
            json!(["survey", "confirm", "done"]),
        )
    );
}

#[test]
fn cancelled_at_period_end_and_direct_flow() {
    let mut f = flow(|v| v["flow"] = json!("direct"));
    f.apply(Action::ChooseReason("other".into()));
    f.apply(Action::Confirm);
    let p = payload(&f);
    assert_eq!(p["result"], json!({"type": "cancelled", "effective": "period_end", "effective_on": "2026-12-31"}));
    assert_eq!(p["steps"], json!(["confirm", "done"]));
    assert_eq!(p["survey"]["reason_id"], "other");
    assert_eq!(p["offers"].as_array().unwrap().iter().filter(|o| o["accepted"] == true).count(), 0);
}

#[test]
fn abandoned() {
    let f = flow(|_| {});
    let p = payload(&f);
    assert_eq!(p["result"], json!({"type": "abandoned"}));
    assert_eq!(p["steps"], json!(["survey"]));
}

#[test]
fn receipts_say_what_was_recorded() {
    let msgs = Messages::new("en", None, None);
    let w = Words { msgs: &msgs, fmt: &PlainFormats };
    let mut f = flow(|_| {});
    f.apply(Action::Skip);
    f.apply(Action::ChooseOption(OfferKind::Pause, "4-week".into()));
    f.apply(Action::Accept(OfferKind::Pause));
    let r = receipt(&w, f.config(), &Outcome::of(&f, &ctx()));
    assert_eq!(r.title, "Your subscription is paused");
    assert_eq!(r.lines, vec!["Paused for 4 weeks. Deliveries and billing resume on 2026-12-23.".to_string()]);
    assert_eq!(r.reference, "Reference: 9f1c0c8e-3c1b-4a57-9d0e-6f1a4f2b7a10");

    let mut f = flow(|_| {});
    f.apply(Action::Skip);
    f.apply(Action::ChooseOption(OfferKind::Frequency, "20-per-50-week".into()));
    f.apply(Action::Accept(OfferKind::Frequency));
    let r = receipt(&w, f.config(), &Outcome::of(&f, &ctx()));
    assert_eq!(r.lines[0], "You now get 20 of 50 weeks.");

    let mut f = flow(|_| {});
    f.apply(Action::Skip);
    f.apply(Action::Accept(OfferKind::Downgrade));
    let r = receipt(&w, f.config(), &Outcome::of(&f, &ctx()));
    assert_eq!(r.lines[0], "You are now on Couple box, at EUR 32.90 per week.");

    let mut f = flow(|_| {});
    f.apply(Action::Cancel);
    f.apply(Action::SetKeepInTouch(true));
    f.apply(Action::Confirm);
    let r = receipt(&w, f.config(), &Outcome::of(&f, &ctx()));
    assert_eq!(r.title, "Your subscription is cancelled");
    assert_eq!(r.lines[0], "Your subscription ends on 2026-12-31.");
    assert_eq!(r.lines.len(), 2);
}

#[test]
fn uuid_is_v4() {
    let id = uuid_v4([0xff; 16]);
    assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
    assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
}

#[test]
fn fields_keep_the_contract_order() {
    let mut f = flow(|_| {});
    f.apply(Action::Cancel);
    f.apply(Action::Confirm);
    let text = Outcome::of(&f, &ctx()).to_json();
    let order = [
        "\"schema\"",
        "\"id\"",
        "\"created_at\"",
        "\"flow_id\"",
        "\"test\"",
        "\"customer\"",
        "\"plan_id\"",
        "\"locale\"",
        "\"result\"",
        "\"survey\"",
        "\"offers\"",
        "\"keep_in_touch\"",
        "\"steps\"",
        "\"elapsed_ms\"",
    ];
    let at: Vec<usize> = order.iter().map(|k| text.find(k).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(
        text.contains(r#""result":{"type":"cancelled","effective":"period_end","effective_on":"2026-12-31"}"#),
        "{text}"
    );
}

#[test]
fn offer_cards_state_the_facts() {
    use cancel_flow::core::offer_text::offer_text;
    let f = flow(|_| {});
    let msgs = Messages::new("en", None, Some(f.config()));
    let w = Words { msgs: &msgs, fmt: &PlainFormats };
    let today = Ymd::parse("2026-11-25").unwrap();
    let card = |k| offer_text(&w, f.config(), k, today);

    let pause = card(OfferKind::Pause);
    assert_eq!(pause.title, "Pause instead");
    assert_eq!(pause.accept.as_deref(), Some("Pause"));
    let values: Vec<_> = pause.options.iter().map(|o| (o.value.as_str(), o.main.as_str(), o.sub.as_deref())).collect();
    assert_eq!(
        values,
        [
            ("2-week", "2 weeks", Some("back on 2026-12-09")),
            ("4-week", "4 weeks", Some("back on 2026-12-23")),
            ("2-month", "2 months", Some("back on 2027-01-25")),
        ]
    );

    let down = card(OfferKind::Downgrade);
    assert_eq!(down.body.as_deref(), Some("You pay EUR 49.90 per week now."));
    let tier = &down.options[0];
    assert_eq!((tier.value.as_str(), tier.main.as_str()), ("couple", "Couple box"));
    assert_eq!(tier.price.as_deref(), Some("EUR 32.90 per week"));
    assert_eq!(tier.features.as_deref(), Some(&["3 recipes for 2 people".to_string()][..]));
    assert_eq!(tier.sub.as_deref(), Some("Not included: Family portions, Weekend dessert"));
    assert!(tier.loses);

    let freq = card(OfferKind::Frequency);
    assert_eq!(freq.body.as_deref(), Some("You get a delivery every week now."));
    let f_opts: Vec<_> = freq.options.iter().map(|o| (o.value.as_str(), o.main.as_str())).collect();
    assert_eq!(f_opts, [("20-per-50-week", "20 of 50 weeks"), ("25-per-50-week", "25 of 50 weeks")]);

    let discount = card(OfferKind::Discount);
    assert!(discount.options.is_empty());
    assert_eq!(discount.body.as_deref(), Some("15% off for 2 months"));

    let link = card(OfferKind::Link);
    assert_eq!(link.accept, None, "each link is its own accept");
    assert_eq!(link.options[0].url.as_deref(), Some("https://shop.example/help"));
    assert_eq!(link.options[0].main, "Tell a person what went wrong");
}

#[test]
fn each_result_names_its_type_as_written() {
    use cancel_flow::core::outcome::OutcomeResult;
    let results: Vec<OutcomeResult> = [
        json!({"type": "paused", "duration": {"unit": "week", "count": 4}, "resume_on": "2026-12-23"}),
        json!({"type": "downgraded", "from": "family", "to": "couple"}),
        json!({"type": "frequency_reduced", "count": 20, "per": {"unit": "week", "count": 50}}),
        json!({"type": "discount_accepted", "percent_off": 15, "months": 2}),
        json!({"type": "link_followed", "link_id": "support"}),
        json!({"type": "cancelled", "effective": "period_end", "effective_on": "2026-12-31"}),
        json!({"type": "abandoned"}),
    ]
    .into_iter()
    .map(|v| serde_json::from_value(v).unwrap())
    .collect();
    for r in &results {
        assert_eq!(serde_json::to_value(r).unwrap()["type"], r.type_name());
    }
}

/// The flows whose payloads `tests/fixtures/payloads-1.1.jsonl` holds, byte for byte, as
/// the widget wrote them before contract 1.2: a config without `served` must keep
/// writing exactly these bytes (1.0 and 1.1 outcomes unchanged).
fn recorded_flows() -> Vec<(&'static str, Flow)> {
    let mut paused = flow(|_| {});
    paused.apply(Action::ChooseReason("too_much".into()));
    paused.apply(Action::Next);
    paused.apply(Action::ChooseOption(OfferKind::Pause, "4-week".into()));
    paused.apply(Action::Accept(OfferKind::Pause));

    let mut downgraded = flow(|_| {});
    downgraded.apply(Action::ChooseReason("too_expensive".into()));
    downgraded.apply(Action::SetComment("  money is tight  ".into()));
    downgraded.apply(Action::Next);
    downgraded.apply(Action::Accept(OfferKind::Downgrade));

    // 1.1: a reason preset, whose feedback the survey answer carries.
    let mut preset = flow(|v| v["survey"]["reasons"][1] = json!({ "preset": "too_much" }));
    preset.apply(Action::ChooseReason("too_much".into()));
    preset.apply(Action::Next);
    preset.apply(Action::ChooseOption(OfferKind::Frequency, "20-per-50-week".into()));
    preset.apply(Action::Accept(OfferKind::Frequency));

    let mut cancelled = flow(|v| v["cancel"]["effective"] = json!(["period_end", "immediately"]));
    cancelled.apply(Action::Cancel);
    cancelled.apply(Action::SetKeepInTouch(true));
    cancelled.apply(Action::ChooseEffective(Effective::Immediately));
    cancelled.apply(Action::Confirm);

    let mut discount =
        flow(|v| v["offers"]["discount"] = json!({"amount_off_minor": 500, "currency": "EUR", "months": 3}));
    discount.apply(Action::Skip);
    discount.apply(Action::Accept(OfferKind::Discount));

    vec![
        ("paused", paused),
        ("downgraded", downgraded),
        ("preset", preset),
        ("cancelled", cancelled),
        ("discount", discount),
        ("abandoned", flow(|_| {})),
    ]
}

#[test]
fn payloads_are_byte_identical_to_those_recorded_before_1_2() {
    let path = format!("{}/tests/fixtures/payloads-1.1.jsonl", env!("CARGO_MANIFEST_DIR"));
    let recorded = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = recorded.lines().collect();
    let flows = recorded_flows();
    assert_eq!(lines.len(), flows.len(), "one recorded payload per flow");
    for ((name, f), line) in flows.iter().zip(lines) {
        let text = Outcome::of(f, &ctx()).to_json();
        assert_eq!(text, line, "{name}: the same bytes as recorded");
        assert_eq!(read_outcome(&text).map(|o| o.to_json()), Ok(text), "{name}: reads back to the same bytes");
    }
}
