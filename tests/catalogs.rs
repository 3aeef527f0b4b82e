//! The built-in catalogs: every locale has a file, every file has every message English
//! has (plural messages: at least `.other`), no extra keys, and no placeholder the
//! English message lacks. Also the negotiation and fallback rules.

use cancel_flow::core::catalog::{EN, LOCALES};
use cancel_flow::core::i18n::{negotiate, parse_catalog, Messages};
use std::collections::{BTreeMap, BTreeSet};

const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

fn load(code: &str) -> BTreeMap<String, String> {
    let path = format!("{}/www/i18n/{code}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing catalog {path}"));
    parse_catalog(&text).into_iter().collect()
}

/// A key without its plural category, and whether it had one.
fn base(key: &str) -> (&str, bool) {
    match key.rsplit_once('.') {
        Some((b, cat)) if CATEGORIES.contains(&cat) => (b, true),
        _ => (key, false),
    }
}

fn placeholders(s: &str) -> BTreeSet<String> {
    s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string())).collect()
}

fn english() -> BTreeMap<&'static str, (bool, BTreeSet<String>)> {
    let mut m: BTreeMap<&str, (bool, BTreeSet<String>)> = BTreeMap::new();
    for (k, v) in EN {
        let (b, plural) = base(k);
        let e = m.entry(b).or_insert((plural, BTreeSet::new()));
        e.1.extend(placeholders(v));
    }
    m
}

#[test]
fn every_catalog_is_complete_and_consistent() {
    let en = english();
    let mut problems = Vec::new();
    for code in LOCALES.iter().filter(|c| **c != "en") {
        let cat = load(code);
        let mut seen = BTreeSet::new();
        for (k, v) in &cat {
            let (b, plural) = base(k);
            match en.get(b) {
                None => problems.push(format!("{code}: {k} is not an English message")),
                Some((en_plural, en_ph)) => {
                    if plural != *en_plural {
                        problems.push(format!("{code}: {k} plural-ness differs from English"));
                    }
                    for p in placeholders(v) {
                        if !en_ph.contains(&p) {
                            problems.push(format!("{code}: {k} has {{{p}}}, which English lacks"));
                        }
                    }
                    if v.trim().is_empty() {
                        problems.push(format!("{code}: {k} is empty"));
                    }
                }
            }
            seen.insert(b);
        }
        for (b, (plural, _)) in &en {
            if !seen.contains(b) {
                problems.push(format!("{code}: lacks {b}"));
            } else if *plural && !cat.contains_key(&format!("{b}.other")) {
                problems.push(format!("{code}: lacks {b}.other"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn negotiation_and_fallback() {
    assert_eq!(negotiate(["pt-BR", "hu-HU"]), Some("hu"));
    assert_eq!(negotiate(["pt-BR", "pt"]), None);
    assert_eq!(negotiate(["AR"]), Some("ar"));
    let de = std::fs::read_to_string(format!("{}/www/i18n/de.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let m = Messages::new("de-AT", Some(&de), None);
    assert_eq!((m.locale.as_str(), m.tag.as_str()), ("de", "de-AT"));
    assert_eq!(m.t("confirm.confirm", &[]), "Jetzt kündigen");
    // A catalog that failed to load shows English, as English.
    let m = Messages::new("de", None, None);
    assert_eq!((m.locale.as_str(), m.t("survey.next", &[]).as_str()), ("en", "Continue"));
    // A key missing from a catalog falls back to English, never to the key name.
    let m = Messages::new("de", Some(r#"{"survey.next": "Weiter"}"#), None);
    assert_eq!(m.t("survey.skip", &[]), "Skip this question");
    assert_eq!(m.t("no.such.key", &[]), "");
}

#[test]
fn slovenian_and_arabic_plural_forms() {
    let sl = load("sl");
    let m = Messages::new("sl", Some(&serde_json::to_string(&sl).unwrap()), None);
    let forms: Vec<String> = [("one", "1"), ("two", "2"), ("few", "3"), ("other", "5")]
        .iter()
        .map(|(c, n)| m.plural("unit.week", c, &[("n", n)]))
        .collect();
    assert_eq!(forms, ["1 teden", "2 tedna", "3 tedne", "5 tednov"]);
    let ar = load("ar");
    let m = Messages::new("ar", Some(&serde_json::to_string(&ar).unwrap()), None);
    let forms: Vec<String> = CATEGORIES.iter().map(|c| m.plural("unit.week", c, &[("n", "N")])).collect();
    assert_eq!(forms, ["N أسبوع", "أسبوع واحد", "أسبوعان", "N أسابيع", "N أسبوعًا", "N أسبوع"]);
}

#[test]
fn texts_override_per_locale() {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/meal-box.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["texts"] = serde_json::json!({"hu": {"confirm.title": "Lemondás"}, "en": {"confirm.title": "Leave"}});
    let cfg = cancel_flow::parse_config(&v.to_string(), &Default::default()).unwrap().config;
    let hu = std::fs::read_to_string(format!("{}/www/i18n/hu.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert_eq!(Messages::new("hu", Some(&hu), Some(&cfg)).t("confirm.title", &[]), "Lemondás");
    assert_eq!(Messages::new("en", None, Some(&cfg)).t("confirm.title", &[]), "Leave");
    assert_eq!(
        Messages::new("de", Some(r#"{"x": "y"}"#), Some(&cfg)).t("confirm.title", &[]),
        "Cancel your subscription"
    );
}
