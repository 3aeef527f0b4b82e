//! Reason presets (contract 1.1): what a preset gives, what the fields beside it override,
//! the errors that name the field, the labels in every built-in language, and
//! `survey.feedback` in the outcome only when the reason has one.

use cancel_flow::core::catalog::LOCALES;
use cancel_flow::core::config::{Config, Feedback, OfferKind, Text};
use cancel_flow::core::config_parse::{parse_config, Overrides};
use cancel_flow::core::flow::{Action, Flow};
use cancel_flow::core::i18n::{parse_catalog, Messages};
use cancel_flow::core::outcome::{Context, Outcome};
use cancel_flow::core::outcome_read::read_outcome;
use cancel_flow::core::presets::PRESETS;
use serde_json::{json, Value};
use std::sync::Arc;
use OfferKind::{Discount, Downgrade, Frequency, Link, Pause};

/// The meal-box example (every offer configured) with these reasons.
fn config_with(reasons: Value) -> Result<Config, String> {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/meal-box.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["survey"]["reasons"] = reasons;
    parse_config(&v.to_string(), &Overrides::default()).map(|p| p.config).map_err(|e| e.to_string())
}

fn catalog(code: &str) -> String {
    std::fs::read_to_string(format!("{}/www/i18n/{code}.json", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// A reason's id, offers and feedback.
type Given<'a> = (&'a str, Option<&'a [OfferKind]>, Option<Feedback>);

#[test]
fn each_preset_gives_its_id_label_offers_and_feedback() {
    let all: Vec<Value> = PRESETS.iter().map(|p| json!({ "preset": p.id })).collect();
    let config = config_with(Value::Array(all)).unwrap();
    let reasons = &config.survey.as_ref().unwrap().reasons;
    let got: Vec<Given> = reasons.iter().map(|r| (r.id.as_str(), r.offers.as_deref(), r.feedback)).collect();
    use Feedback::*;
    assert_eq!(
        got,
        vec![
            ("too_expensive", Some(&[Downgrade, Frequency, Discount, Pause][..]), Some(TooExpensive)),
            ("not_using_enough", Some(&[Frequency, Pause, Downgrade][..]), Some(Unused)),
            ("too_much", Some(&[Frequency, Pause][..]), Some(Unused)),
            ("away", Some(&[Pause][..]), Some(Other)),
            ("missing_features", Some(&[Link][..]), Some(MissingFeatures)),
            ("too_complex", Some(&[Link][..]), Some(TooComplex)),
            ("quality", Some(&[Link][..]), Some(LowQuality)),
            ("service", Some(&[Link][..]), Some(CustomerService)),
            ("switched", Some(&[Discount][..]), Some(SwitchedService)),
            ("moving", Some(&[][..]), Some(Other)),
            ("other", None, Some(Other)),
        ]
    );
    let en = Messages::new("en", None, Some(&config));
    let labels: Vec<&str> = reasons.iter().map(|r| en.text(&r.label)).collect();
    assert_eq!(
        labels,
        [
            "It costs too much",
            "I do not use it enough",
            "I get more than I need",
            "I will be away for a while",
            "It lacks something I need",
            "It is too complicated to use",
            "I am not happy with the product",
            "I am not happy with the service",
            "I found something else",
            "I am moving where it is not offered",
            "Something else",
        ]
    );
    // Only `other` is pinned and asks for a comment.
    for r in reasons {
        assert_eq!((r.pinned, r.comment), (r.id == "other", r.id == "other"), "{}", r.id);
    }
    // `moving` lets go: straight to confirm; `other` shows every configured offer.
    assert!(config.offers_for(Some("moving")).is_empty());
    assert_eq!(config.offers_for(Some("other")), OfferKind::ALL.to_vec());
}

#[test]
fn preset_labels_are_translated_in_every_built_in_language() {
    let config = config_with(json!([{ "preset": "too_expensive" }, { "preset": "other" }])).unwrap();
    let label = &config.survey.as_ref().unwrap().reasons[0].label;
    assert_eq!(label, &Text::Message("reason.too_expensive"));
    // Without a catalog, the plain text of the label is the English one.
    assert_eq!(label.get("de"), "It costs too much");
    for code in LOCALES.iter().filter(|c| **c != "en") {
        let text = catalog(code);
        let msgs = Messages::new(code, Some(&text), Some(&config));
        let shown = msgs.text(label);
        let file: Vec<(String, String)> = parse_catalog(&text);
        let want = &file.iter().find(|(k, _)| k == "reason.too_expensive").unwrap().1;
        assert_eq!(shown, want, "{code}");
        assert_ne!(shown, "It costs too much", "{code} shows its own words");
    }
}

#[test]
fn a_shop_overrides_a_preset_label_through_texts() {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/meal-box.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["survey"]["reasons"] = json!([{ "preset": "too_much" }]);
    v["texts"] = json!({ "de": { "reason.too_much": "Zu viel Essen" } });
    let config = parse_config(&v.to_string(), &Overrides::default()).unwrap().config;
    let label = &config.survey.as_ref().unwrap().reasons[0].label;
    assert_eq!(Messages::new("de", Some(&catalog("de")), Some(&config)).text(label), "Zu viel Essen");
    assert_eq!(Messages::new("en", None, Some(&config)).text(label), "I get more than I need");
}

#[test]
fn fields_beside_a_preset_override_it() {
    let config = config_with(json!([
        { "preset": "too_expensive", "id": "price", "label": { "en": "Too dear", "hu": "Túl drága" },
          "offers": ["pause"], "comment": "optional", "pinned": true, "feedback": "other" },
        { "preset": "other", "comment": "none", "pinned": false },
    ]))
    .unwrap();
    let r = &config.survey.as_ref().unwrap().reasons;
    assert_eq!(r[0].id, "price");
    assert_eq!(r[0].label.get("hu"), "Túl drága");
    assert_eq!(r[0].offers.as_deref(), Some(&[Pause][..]));
    assert!(r[0].comment && r[0].pinned);
    assert_eq!(r[0].feedback, Some(Feedback::Other));
    assert!(!r[1].comment && !r[1].pinned);
    assert_eq!(r[1].offers, None);
}

#[test]
fn default_offers_keep_only_the_configured_ones() {
    let text =
        std::fs::read_to_string(format!("{}/tests/fixtures/direct-de.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    // direct-de offers pause and frequency only.
    v["survey"]["reasons"] = json!([{ "preset": "too_expensive" }, { "preset": "switched" }]);
    let config = parse_config(&v.to_string(), &Overrides::default()).unwrap().config;
    let r = &config.survey.as_ref().unwrap().reasons;
    assert_eq!(r[0].offers.as_deref(), Some(&[Frequency, Pause][..]));
    assert_eq!(r[1].offers.as_deref(), Some(&[][..]), "no discount configured: straight to confirm");
}

#[test]
fn written_reasons_may_carry_feedback_and_bad_values_name_the_field() {
    let config = config_with(
        json!([{ "id": "price", "label": "Too dear", "feedback": "too_expensive" }, { "id": "x", "label": "X" }]),
    )
    .unwrap();
    let r = &config.survey.as_ref().unwrap().reasons;
    assert_eq!((r[0].feedback, r[1].feedback), (Some(Feedback::TooExpensive), None));

    let e = config_with(json!([{ "preset": "pricey" }])).unwrap_err();
    assert!(
        e.starts_with("survey.reasons[0].preset: \"pricey\" is not a preset; use too_expensive, not_using_enough,"),
        "{e}"
    );
    assert!(e.ends_with("moving or other"), "{e}");
    let e = config_with(json!([{ "id": "a", "label": "A", "feedback": "bored" }])).unwrap_err();
    assert!(
        e.starts_with("survey.reasons[0].feedback: \"bored\" is not one of Stripe's values; use customer_service,"),
        "{e}"
    );
    let e = config_with(json!([{ "id": "a", "label": "A" }, { "id": "b" }])).unwrap_err();
    assert_eq!(e, "survey.reasons[1].label: is required");
    let e = config_with(json!([{ "preset": "away" }, { "preset": "away" }])).unwrap_err();
    assert!(e.starts_with("survey.reasons[1].id: "), "{e}");
    let e = config_with(json!([{ "preset": 3 }])).unwrap_err();
    assert!(e.starts_with("survey.reasons[0].preset: "), "{e}");
}

fn outcome_after(reasons: Value, reason: &str) -> Value {
    let mut f = Flow::new(Arc::new(config_with(reasons).unwrap()), 7);
    f.apply(Action::ChooseReason(reason.into()));
    f.apply(Action::Cancel);
    f.apply(Action::Confirm);
    let ctx = Context {
        id: "9f1c0c8e-3c1b-4a57-9d0e-6f1a4f2b7a10".into(),
        created_at: "2026-11-25T10:04:12.345Z".into(),
        today: cancel_flow::core::date::Ymd::parse("2026-11-25").unwrap(),
        locale: "en".into(),
        elapsed_ms: 1000,
    };
    let text = Outcome::of(&f, &ctx).to_json();
    assert_eq!(read_outcome(&text).unwrap().to_json(), text, "reads back as itself");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_outcome_carries_feedback_only_when_the_reason_has_one() {
    let with = outcome_after(json!([{ "preset": "too_expensive" }]), "too_expensive");
    assert_eq!(with["survey"], json!({ "reason_id": "too_expensive", "comment": null, "feedback": "too_expensive" }));
    let without = outcome_after(json!([{ "id": "too_expensive", "label": "Too dear" }]), "too_expensive");
    assert_eq!(without["survey"], json!({ "reason_id": "too_expensive", "comment": null }));
    assert!(!without.to_string().contains("feedback"), "a 1.0 reason gives a 1.0 payload");
}

#[test]
fn an_outcome_with_a_wrong_feedback_is_refused_naming_the_field() {
    let mut v = outcome_after(json!([{ "preset": "quality" }]), "quality");
    v["survey"]["feedback"] = json!("meh");
    let e = read_outcome(&v.to_string()).unwrap_err().to_string();
    assert!(e.starts_with("survey.feedback: \"meh\" is not one of Stripe's values"), "{e}");
    v["survey"]["feedback"] = json!(7);
    assert!(read_outcome(&v.to_string()).unwrap_err().to_string().starts_with("survey.feedback: "));
}
