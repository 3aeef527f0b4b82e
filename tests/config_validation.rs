//! Config parsing and validation: the shared examples parse, and every kind of bad
//! input gets an error that names the field and says what is allowed.

use cancel_flow::core::config::Fallback;
use cancel_flow::core::config::{Effective, FlowKind, OfferKind, Text, Unit};
use cancel_flow::core::config_parse::{parse_config, read_config, salvage_fallback, Overrides, Rejected};
use cancel_flow::core::reader::ConfigError;
use serde_json::{json, Value};

fn example(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn parse(v: &Value) -> Result<cancel_flow::Parsed, String> {
    parse_config(&v.to_string(), &Overrides::default()).map_err(|e| e.to_string())
}

/// Applies `edit` to the meal-box example and returns the error message.
fn error_after(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = example("meal-box");
    edit(&mut v);
    match parse(&v) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

#[test]
fn shared_examples_parse() {
    let meal = parse(&example("meal-box")).unwrap().config;
    assert_eq!(meal.flow_id, "meal-box-2026");
    assert_eq!(meal.flow, FlowKind::Guided);
    assert_eq!(meal.offers.frequency.as_ref().unwrap()[0].value(), "20-per-50-week");
    assert_eq!(meal.offers.pause.as_ref().unwrap()[1].value(), "4-week");
    assert_eq!(meal.cancel.effective, vec![Effective::PeriodEnd]);
    assert!(meal.keep_in_touch);
    let reasons = &meal.survey.as_ref().unwrap().reasons;
    assert_eq!(reasons[0].offers.as_deref(), Some(&[OfferKind::Frequency, OfferKind::Downgrade, OfferKind::Pause][..]));
    assert_eq!(meal.offers_for(Some("quality")), vec![OfferKind::Link]);
    assert!(reasons.last().unwrap().pinned);

    let de = parse(&example("direct-de")).unwrap().config;
    assert_eq!(de.flow, FlowKind::Direct);
    assert!(!de.keep_in_touch);
    // "taste" has no offers field: every configured offer, canonical order.
    assert_eq!(de.offers_for(Some("taste")), vec![OfferKind::Pause, OfferKind::Frequency]);

    let saas = parse(&example("saas-tiers")).unwrap().config;
    assert_eq!(saas.plan.price.as_ref().unwrap().per.unit, Unit::Month);
    assert_eq!(saas.offers.downgrade.as_ref().unwrap().len(), 2);
    assert_eq!(saas.fallback.url, None);
    assert_eq!(
        saas.offers_for(Some("switching")),
        vec![OfferKind::Pause, OfferKind::Downgrade, OfferKind::Discount, OfferKind::Link]
    );
}

/// One edit of the example config.
type Edit = Box<dyn FnOnce(&mut Value)>;

#[test]
fn errors_name_the_field() {
    let cases: Vec<(&str, Edit)> = vec![
        (
            "offers.pause.options[1].count: must be a whole number from 1 to 52",
            Box::new(|v| v["offers"]["pause"]["options"][1]["count"] = json!(0)),
        ),
        (
            "offers.pause.options[0].count: must be a whole number from 1 to 52",
            Box::new(|v| v["offers"]["pause"]["options"][0]["count"] = json!(500)),
        ),
        (
            "offers.pause.options[2].count: must be a whole number",
            Box::new(|v| v["offers"]["pause"]["options"][2]["count"] = json!(-1)),
        ),
        (
            "offers.pause.options[0].count: must be a whole number",
            Box::new(|v| v["offers"]["pause"]["options"][0]["count"] = json!(2.5)),
        ),
        (
            "offers.pause.options[0].unit: must be one of",
            Box::new(|v| v["offers"]["pause"]["options"][0]["unit"] = json!("fortnight")),
        ),
        (
            "offers.frequency.options[0].count: must be fewer deliveries than the plan's 50 per 50 week",
            Box::new(|v| v["offers"]["frequency"]["options"][0]["count"] = json!(50)),
        ),
        (
            "offers.frequency.options[0].count: must be a whole number from 1 to 140",
            Box::new(|v| {
                v["offers"]["frequency"]["options"][0] = json!({"count": 300, "per": {"unit": "week", "count": 20}})
            }),
        ),
        (
            "offers.frequency.options[1].count: must be fewer deliveries than the plan's 50 per 50 week",
            Box::new(|v| {
                v["offers"]["frequency"]["options"][1] = json!({"count": 30, "per": {"unit": "week", "count": 20}})
            }),
        ),
        (
            "plan.price.amount_minor: must be a whole number",
            Box::new(|v| v["plan"]["price"]["amount_minor"] = json!(-5)),
        ),
        (
            "plan.price.currency: must be a three-letter ISO 4217 code",
            Box::new(|v| v["plan"]["price"]["currency"] = json!("euro")),
        ),
        (
            "schema: version \"cancel-flow/config@2\" is not supported",
            Box::new(|v| v["schema"] = json!("cancel-flow/config@2")),
        ),
        ("schema: must be \"cancel-flow/config@1\"", Box::new(|v| v["schema"] = json!("something"))),
        (
            "schema: is required",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("schema");
            }),
        ),
        (
            "flow_id: is required",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("flow_id");
            }),
        ),
        ("flow_id: must be text, not a number", Box::new(|v| v["flow_id"] = json!(7))),
        (
            "customer.id: is required",
            Box::new(|v| {
                v["customer"].as_object_mut().unwrap().remove("id");
            }),
        ),
        (
            "plan: is required",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("plan");
            }),
        ),
        ("survey.reasons: is empty", Box::new(|v| v["survey"]["reasons"] = json!([]))),
        (
            "survey.reasons[1].id: \"too_expensive\" is used twice",
            Box::new(|v| v["survey"]["reasons"][1]["id"] = json!("too_expensive")),
        ),
        (
            "survey.reasons[0].offers[0]: names \"discount\", but offers.discount is not configured",
            Box::new(|v| {
                v["offers"].as_object_mut().unwrap().remove("discount");
                v["survey"]["reasons"][0]["offers"] = json!(["discount"]);
            }),
        ),
        (
            "survey.reasons[0].offers[0]: \"coupon\" is not an offer",
            Box::new(|v| v["survey"]["reasons"][0]["offers"] = json!(["coupon"])),
        ),
        (
            "offers.downgrade.tiers[1].id: \"couple\" is used twice",
            Box::new(|v| {
                let t = v["offers"]["downgrade"]["tiers"][0].clone();
                v["offers"]["downgrade"]["tiers"].as_array_mut().unwrap().push(t);
            }),
        ),
        (
            "endpoint: \"http://shop.example/api\" is not allowed",
            Box::new(|v| v["endpoint"] = json!("http://shop.example/api")),
        ),
        (
            "endpoint: \"javascript:alert(1)\" is not allowed",
            Box::new(|v| v["endpoint"] = json!("javascript:alert(1)")),
        ),
        (
            "offers.links[0].url: \"javascript:alert(1)\" is not allowed",
            Box::new(|v| v["offers"]["links"][0]["url"] = json!("javascript:alert(1)")),
        ),
        (
            "fallback.url: \"data:text/html,hi\" is not allowed",
            Box::new(|v| v["fallback"]["url"] = json!("data:text/html,hi")),
        ),
        ("fallback: needs a url or an email", Box::new(|v| v["fallback"] = json!({}))),
        (
            "fallback: is required",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("fallback");
            }),
        ),
        (
            "fallback.email: \"not-an-email\" is not an email address",
            Box::new(|v| v["fallback"]["email"] = json!("not-an-email")),
        ),
        (
            "offers.discount.percent_off: must be a whole number from 1 to 100",
            Box::new(|v| v["offers"]["discount"]["percent_off"] = json!(120)),
        ),
        ("cancel.period_end: must be a date like", Box::new(|v| v["cancel"]["period_end"] = json!("31.12.2026"))),
        (
            "cancel.effective[0]: must be \"period_end\" or \"immediately\"",
            Box::new(|v| v["cancel"]["effective"] = json!(["tomorrow"])),
        ),
        ("theme: must be \"light\", \"dark\" or \"auto\"", Box::new(|v| v["theme"] = json!("neon"))),
        ("flow: must be \"guided\" or \"direct\"", Box::new(|v| v["flow"] = json!("express"))),
        ("locale: \"<script>\" is not a language tag", Box::new(|v| v["locale"] = json!("<script>"))),
        (
            "headers.Idempotency-Key: is set by cancel-flow itself",
            Box::new(|v| v["headers"] = json!({"Idempotency-Key": "x"})),
        ),
        (
            "survey.reasons[0].label: must be non-empty text",
            Box::new(|v| v["survey"]["reasons"][0]["label"] = json!("")),
        ),
        ("keep_in_touch.enabled: must be true or false", Box::new(|v| v["keep_in_touch"]["enabled"] = json!("yes"))),
    ];
    for (want, edit) in cases {
        let got = error_after(edit);
        assert!(got.starts_with(want), "want prefix {want:?}\n got {got:?}");
    }
}

#[test]
fn bad_json_and_size_limits() {
    let o = Overrides::default();
    assert!(parse_config("{ not json", &o).unwrap_err().to_string().starts_with("config: is not valid JSON"));
    assert!(parse_config("", &o).unwrap_err().to_string().starts_with("config: is empty"));
    assert!(parse_config("[1,2]", &o).unwrap_err().to_string().starts_with("config: must be an object"));
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(1024 * 1024));
    assert!(parse_config(&big, &o).unwrap_err().to_string().starts_with("config: is 1024 KB"));
    let mut v = example("meal-box");
    let reasons = |n: usize| Value::Array((0..n).map(|i| json!({"id": format!("r{i}"), "label": "x"})).collect());
    v["survey"]["reasons"] = reasons(10_000);
    let err = parse_config(&v.to_string(), &o).unwrap_err().to_string();
    assert!(err.starts_with("config: is 263 KB; at most 256 KB"), "{err}");
    v["survey"]["reasons"] = reasons(1_000);
    let err = parse_config(&v.to_string(), &o).unwrap_err().to_string();
    assert!(err.starts_with("survey.reasons: lists 1000; at most 30"), "{err}");
}

#[test]
fn unknown_fields_are_warnings() {
    let mut v = example("meal-box");
    v["colour"] = json!("red");
    v["offers"]["pause"]["extra"] = json!(1);
    let parsed = parse(&v).unwrap();
    assert!(parsed.warnings.contains(&"colour: unknown field, ignored".to_string()), "{:?}", parsed.warnings);
    assert!(parsed.warnings.contains(&"offers.pause.extra: unknown field, ignored".to_string()));
}

#[test]
fn attribute_overrides_win() {
    let o = Overrides {
        endpoint: Some("https://other.example/hook".into()),
        customer_id: Some("cus_attr".into()),
        subscription_id: Some("sub_attr".into()),
        locale: Some("de".into()),
        token: Some("tok".into()),
        theme: Some("dark".into()),
    };
    let c = parse_config(&example("meal-box").to_string(), &o).unwrap().config;
    assert_eq!(c.endpoint, "https://other.example/hook");
    assert_eq!(c.customer.id, "cus_attr");
    assert_eq!(c.customer.subscription_id.as_deref(), Some("sub_attr"));
    assert_eq!(c.locale.as_deref(), Some("de"));
    assert_eq!(c.token.as_deref(), Some("tok"));
    let bad = Overrides { endpoint: Some("ftp://x".into()), ..Default::default() };
    assert!(parse_config(&example("meal-box").to_string(), &bad).unwrap_err().to_string().starts_with("endpoint:"));
}

#[test]
fn endpoints_allowed() {
    for ok in ["/api/x", "https://a.example/x", "http://localhost:3000/x", "http://127.0.0.1/x", "http://[::1]:8080/x"]
    {
        let mut v = example("meal-box");
        v["endpoint"] = json!(ok);
        assert!(parse(&v).is_ok(), "{ok}");
    }
    for bad in ["//evil.example/x", "http://localhost.evil.example/x", "data:,x", "/a b"] {
        let mut v = example("meal-box");
        v["endpoint"] = json!(bad);
        assert!(parse(&v).is_err(), "{bad}");
    }
}

#[test]
fn fallback_is_salvaged_from_a_broken_config() {
    let mut v = example("meal-box");
    v["offers"]["pause"]["options"][0]["count"] = json!(0);
    let fb = salvage_fallback(&v.to_string());
    assert_eq!(fb.url.as_deref(), Some("https://shop.example/account/cancel-form"));
    assert_eq!(fb.email.as_deref(), Some("help@shop.example"));
    let evil = json!({"fallback": {"url": "javascript:alert(1)", "email": "<b>@x"}}).to_string();
    let fb = salvage_fallback(&evil);
    assert_eq!((fb.url, fb.email), (None, None));
}

#[test]
fn url_messages_are_exact() {
    let err = error_after(|v| v["endpoint"] = json!("http://shop.example/api"));
    assert_eq!(
        err,
        "endpoint: \"http://shop.example/api\" is not allowed: use https://, a same-origin path such as /api/cancel, \
         or http:// on localhost"
    );
    let err = error_after(|v| v["offers"]["links"][0]["url"] = json!("//evil.example"));
    assert_eq!(
        err,
        "offers.links[0].url: \"//evil.example\" is not allowed: use an https:// or http:// address or a path \
         starting with /"
    );
    // Plain http is fine for a link or the fallback, anywhere.
    let mut v = example("meal-box");
    v["offers"]["links"][0]["url"] = json!("http://shop.example/help");
    v["fallback"]["url"] = json!("http://shop.example/cancel");
    assert!(parse(&v).is_ok());
}

#[test]
fn list_offers_keep_their_messages() {
    let cases: Vec<(&str, Edit)> = vec![
        ("offers.pause.options: must list at least 1", Box::new(|v| v["offers"]["pause"]["options"] = json!([]))),
        ("offers.pause.options: is required", Box::new(|v| v["offers"]["pause"] = json!({}))),
        ("offers.pause: must be an object, not a list", Box::new(|v| v["offers"]["pause"] = json!([]))),
        (
            "offers.frequency.options: lists 13; at most 12 are allowed",
            Box::new(|v| v["offers"]["frequency"]["options"] = json!(vec![json!({}); 13])),
        ),
        (
            "offers.downgrade.tiers: must be a list, not text",
            Box::new(|v| v["offers"]["downgrade"]["tiers"] = json!("x")),
        ),
        (
            "offers.downgrade.tiers[0].id: is the current plan; a downgrade must be another tier",
            Box::new(|v| v["offers"]["downgrade"]["tiers"][0]["id"] = json!("family")),
        ),
        ("offers.links: must be a list, not an object", Box::new(|v| v["offers"]["links"] = json!({}))),
        ("offers.links: must list 1 to 12 links", Box::new(|v| v["offers"]["links"] = json!([]))),
        (
            "offers.links[1].id: \"support\" is used twice; ids must be unique",
            Box::new(|v| {
                let l = v["offers"]["links"][0].clone();
                v["offers"]["links"].as_array_mut().unwrap().push(l);
            }),
        ),
    ];
    for (want, edit) in cases {
        let got = error_after(edit);
        assert_eq!(got, want);
    }
    let mut v = example("meal-box");
    v["offers"]["downgrade"]["tiers"][0]["perks"] = json!(1);
    v["offers"]["frequency"]["extra"] = json!(1);
    let warnings = parse(&v).unwrap().warnings;
    assert_eq!(
        warnings,
        ["offers.downgrade.tiers[0].perks: unknown field, ignored", "offers.frequency.extra: unknown field, ignored"]
    );
}

fn read(v: &Value, o: &Overrides) -> Result<cancel_flow::Parsed, Rejected> {
    read_config(&v.to_string(), o)
}

#[test]
fn read_config_valid() {
    let parsed = read(&example("meal-box"), &Overrides::default()).unwrap();
    assert_eq!(parsed.config.flow_id, "meal-box-2026");
    assert_eq!(parsed.config.locale.as_deref(), Some("en"));
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    // The same result as parse_config.
    let again = parse_config(&example("meal-box").to_string(), &Overrides::default()).unwrap();
    assert_eq!(parsed.config, again.config);
}

#[test]
fn read_config_rejected_keeps_fallback_and_locale() {
    let mut v = example("meal-box");
    v["locale"] = json!("hu");
    v["offers"]["pause"]["options"][0]["count"] = json!(0);
    let r = read(&v, &Overrides::default()).unwrap_err();
    assert_eq!(
        r,
        Rejected {
            error: ConfigError::new("offers.pause.options[0].count", "must be a whole number from 1 to 52"),
            fallback: Fallback {
                url: Some("https://shop.example/account/cancel-form".into()),
                email: Some("help@shop.example".into())
            },
            locale: Some("hu".into()),
        }
    );
    // The requested locale is returned whether or not it is valid; blank means none.
    v["locale"] = json!("<script>");
    let r = read(&v, &Overrides::default()).unwrap_err();
    assert_eq!((r.error.path.as_str(), r.locale.as_deref()), ("locale", Some("<script>")));
    v["locale"] = json!("  ");
    assert_eq!(read(&v, &Overrides::default()).unwrap_err().locale, None);
    v["locale"] = json!(7);
    assert_eq!(read(&v, &Overrides::default()).unwrap_err().locale, None);
    // Unsafe fallback values are left out, one at a time.
    let mut v = example("meal-box");
    v["fallback"]["url"] = json!("javascript:alert(1)");
    let r = read(&v, &Overrides::default()).unwrap_err();
    assert_eq!(r.error.path, "fallback.url");
    assert_eq!(r.fallback, Fallback { url: None, email: Some("help@shop.example".into()) });
    let evil = json!({"fallback": {"url": "javascript:alert(1)", "email": "<b>@x"}, "locale": "de"});
    let r = read(&evil, &Overrides::default()).unwrap_err();
    assert_eq!((r.fallback, r.locale.as_deref()), (Fallback { url: None, email: None }, Some("de")));
}

#[test]
fn read_config_invalid_json() {
    let none = Fallback { url: None, email: None };
    for text in ["{ not json", "", "   "] {
        let r = read_config(text, &Overrides::default()).unwrap_err();
        assert_eq!(r.error.path, "config");
        assert_eq!((r.fallback, r.locale), (none.clone(), None));
    }
    let r = read_config("{ \"locale\": \"hu\", ", &Overrides { locale: Some("de".into()), ..Default::default() })
        .unwrap_err();
    assert!(r.error.problem.starts_with("is not valid JSON"), "{}", r.error);
    assert_eq!((r.fallback, r.locale.as_deref()), (none.clone(), Some("de")));
    // Too big is not parsed at all, so nothing is salvaged from it.
    let big = format!(
        "{{\"locale\": \"hu\", \"fallback\": {{\"email\": \"a@b.example\"}}, \"pad\": \"{}\"}}",
        "x".repeat(300 * 1024)
    );
    let r = read_config(&big, &Overrides::default()).unwrap_err();
    assert!(r.error.problem.starts_with("is 300 KB"), "{}", r.error);
    assert_eq!((r.fallback, r.locale), (none, None));
}

#[test]
fn read_config_locale_override_wins() {
    let de = Overrides { locale: Some("de".into()), ..Default::default() };
    let mut v = example("meal-box");
    v["locale"] = json!("hu");
    assert_eq!(read(&v, &de).unwrap().config.locale.as_deref(), Some("de"));
    v["theme"] = json!("neon");
    let r = read(&v, &de).unwrap_err();
    assert_eq!(r.error.path, "theme");
    assert_eq!(r.locale.as_deref(), Some("de"));
    // Even an override that is not a language tag is what was requested.
    let bad = Overrides { locale: Some("xx yy".into()), ..Default::default() };
    let r = read(&example("meal-box"), &bad).unwrap_err();
    assert_eq!((r.error.path.as_str(), r.locale.as_deref()), ("locale", Some("xx yy")));
}

#[test]
fn localized_text_falls_back() {
    let t = Text::PerLocale(vec![
        ("en".into(), "Hello".into()),
        ("hu".into(), "Szia".into()),
        ("pt-BR".into(), "Olá".into()),
    ]);
    assert_eq!(t.get("hu"), "Szia");
    assert_eq!(t.get("hu-HU"), "Szia");
    assert_eq!(t.get("pt"), "Olá");
    assert_eq!(t.get("de"), "Hello");
}

#[test]
fn a_config_that_cannot_be_loaded_names_why() {
    use cancel_flow::core::config_parse::{load_error, not_loaded, LoadFailure};
    let url = "https://collector.shop.example/v1/flows/box/config";
    let cases = [
        (LoadFailure::Status(503), "the server answered 503"),
        (LoadFailure::Status(404), "the server answered 404"),
        (LoadFailure::Timeout, "no answer in 10 s"),
        (LoadFailure::Network, "a network error, or the server's CORS does not allow this page"),
        (LoadFailure::NotJson, "the answer is not JSON"),
    ];
    for (why, says) in cases {
        assert_eq!(load_error(url, why).to_string(), format!("config: could not load {url} ({says})"));
    }
    let de = Overrides { locale: Some("de".into()), ..Default::default() };
    let r = not_loaded("/c.json", LoadFailure::Timeout, &de);
    assert_eq!((r.error.path.as_str(), r.fallback, r.locale.as_deref()), ("config", Fallback::default(), Some("de")));
}

#[test]
fn a_fetched_config_that_is_not_json_could_not_be_loaded() {
    use cancel_flow::core::config_parse::read_fetched_config;
    let o = Overrides::default();
    for text in ["<!doctype html><p>Sign in</p>", "", "  ", "{\"schema\": "] {
        let r = read_fetched_config("/c.json", text, &o).unwrap_err();
        assert_eq!(r.error.to_string(), "config: could not load /c.json (the answer is not JSON)", "{text:?}");
        assert!(r.fallback.is_empty());
    }
    // JSON is read as any config: valid, or refused at its field with its own fallback.
    let meal = example("meal-box").to_string();
    assert_eq!(read_fetched_config("/c.json", &meal, &o).unwrap().config, read_config(&meal, &o).unwrap().config);
    let mut bad = example("meal-box");
    bad["flow"] = json!("sideways");
    let r = read_fetched_config("/c.json", &bad.to_string(), &o).unwrap_err();
    assert_eq!(r.error.path, "flow");
    assert_eq!(r.fallback.email.as_deref(), Some("help@shop.example"));
    // Too big is still too big, not "not JSON".
    let big = format!("\"{}\"", "x".repeat(300 * 1024));
    assert!(read_fetched_config("/c.json", &big, &o).unwrap_err().error.problem.starts_with("is 300 KB"));
}

#[test]
fn the_shops_fallback_attributes_are_checked_and_lose_to_the_configs() {
    use cancel_flow::core::config_parse::shop_fallback;
    let shop = shop_fallback(Some("/account/cancel"), Some("help@shop.example"));
    assert_eq!(shop, Fallback { url: Some("/account/cancel".into()), email: Some("help@shop.example".into()) });
    for url in ["javascript:alert(1)", "data:text/html,x", "//evil.example", "ftp://x", "https://a b", ""] {
        assert_eq!(shop_fallback(Some(url), None), Fallback::default(), "{url}");
    }
    for email in ["nobody", "a@b", "<a>@b.example", "a@b.example c", ""] {
        assert_eq!(shop_fallback(None, Some(email)), Fallback::default(), "{email}");
    }
    assert_eq!(
        shop_fallback(Some("http://shop.example/cancel"), None).url.as_deref(),
        Some("http://shop.example/cancel")
    );
    // The config's own fallback wins whenever it names one; the shop's fills only a gap.
    let own = Fallback { url: None, email: Some("own@shop.example".into()) };
    assert_eq!(own.clone().or(shop.clone()), own);
    assert_eq!(Fallback::default().or(shop.clone()), shop);
    assert!(Fallback::default().is_empty());
}
