//! wasm-bindgen tests in headless Chromium: the browser adapters (Intl formats, the
//! outbox in localStorage, the retry policy as compiled to wasm, HTTP without an
//! answer) and the Leptos component mounted into a real shadow root and clicked
//! through. Waits poll for the expected state (with a deadline) instead of sleeping.
#![cfg(target_arch = "wasm32")]

use cancel_flow::app::mount;
use cancel_flow::core::date::Ymd;
use cancel_flow::core::delivery::Delivery;
use cancel_flow::core::i18n::Formats;
use cancel_flow::core::retry::{Answer, Next, Retry};
use cancel_flow::web::delivery::send_once;
use cancel_flow::web::env;
use cancel_flow::web::intl::BrowserFormats;
use cancel_flow::web::outbox::Outbox;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};

wasm_bindgen_test_configure!(run_in_browser);

const MEAL_BOX: &str = include_str!("fixtures/meal-box.json");

fn fmt(locale: &str) -> BrowserFormats {
    BrowserFormats { locale: locale.into() }
}

#[wasm_bindgen_test]
fn plurals_come_from_intl() {
    assert_eq!(fmt("en").plural(1), "one");
    assert_eq!(fmt("en").plural(4), "other");
    // Slovenian has a dual and a few form; Arabic has zero.
    assert_eq!(fmt("sl").plural(2), "two");
    assert_eq!(fmt("sl").plural(3), "few");
    assert_eq!(fmt("ar").plural(0), "zero");
}

#[wasm_bindgen_test]
fn dates_and_money_come_from_intl() {
    let d = Ymd::parse("2026-12-23").unwrap();
    assert_eq!(fmt("en").date(d), "December 23, 2026");
    assert_eq!(fmt("de").date(d), "23. Dezember 2026");
    assert_eq!(fmt("en").money(4990, "EUR"), "€49.90");
    assert_eq!(fmt("en").money(1200, "USD"), "$12.00");
    // JPY has no minor unit: 500 minor units are ¥500.
    assert_eq!(fmt("en").money(500, "JPY"), "¥500");
}

#[wasm_bindgen_test]
fn today_is_the_local_calendar_day() {
    let js = js_sys::Date::new_0();
    let t = env::today();
    assert_eq!((t.year, t.month, t.day), (js.get_full_year() as i32, js.get_month() + 1, js.get_date()));
    assert!(env::now_iso().ends_with('Z'));
}

/// The first answer's verdict under a fresh policy, at jitter 1 (the full backoff).
fn verdict(status: u16, retry_after: Option<&str>) -> Next {
    Retry::start(0).next(Answer::Status { status, retry_after }, 0, 1.0)
}

#[wasm_bindgen_test]
fn retry_rules() {
    let retry = |wait_ms, status| Next::RetryIn { wait_ms, last_status: Some(status), show_error: false };
    assert_eq!(verdict(204, None), Next::Delivered(204));
    assert_eq!(verdict(503, None), retry(1000, 503));
    assert_eq!(verdict(429, Some("2")), retry(2000, 429));
    assert_eq!(verdict(408, None), retry(1000, 408));
    assert_eq!(verdict(400, None), Next::Refused(400));
    assert_eq!(verdict(404, Some("5")), Next::Refused(404));
}

#[wasm_bindgen_test]
async fn an_endpoint_that_cannot_be_reached_is_no_answer() {
    let d = Delivery {
        id: "test-unreachable".into(),
        endpoint: "http://127.0.0.1:9/".into(),
        headers: vec![],
        body: "{}".into(),
    };
    let reply = send_once(&d).await;
    assert_eq!(reply.status, None, "a network error is no answer, to be retried");
}

#[wasm_bindgen_test]
fn outbox_keeps_until_removed() {
    let d = Delivery {
        id: "test-outbox-1".into(),
        endpoint: "/x".into(),
        headers: vec![("A".into(), "b".into())],
        body: "{}".into(),
    };
    let outbox = Outbox::default();
    outbox.put(&d);
    outbox.put(&d);
    assert_eq!(outbox.pending().iter().filter(|x| x.id == d.id).count(), 1, "put is idempotent");
    assert_eq!(outbox.pending().into_iter().find(|x| x.id == d.id), Some(d.clone()));
    outbox.remove(&d.id);
    assert!(outbox.pending().iter().all(|x| x.id != d.id));
}

fn host() -> (HtmlElement, HtmlElement) {
    let doc = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&host).unwrap();
    let root = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)).unwrap();
    let container: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    root.append_child(&container).unwrap();
    (host, container)
}

fn options(display: &str) -> JsValue {
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"display".into(), &display.into()).unwrap();
    o.into()
}

fn step(container: &HtmlElement) -> Option<String> {
    container.query_selector("[part~=dialog]").unwrap()?.get_attribute("data-step")
}

/// Waits until the flow in `container` shows `want` (polling each frame, 2 s at most).
async fn wait_for_step(container: &HtmlElement, want: &str) {
    for _ in 0..200 {
        if step(container).as_deref() == Some(want) {
            return;
        }
        TimeoutFuture::new(10).await;
    }
    panic!("step {want} did not show; the flow is on {:?}", step(container));
}

fn click(container: &HtmlElement, selector: &str) {
    let el: HtmlElement = container.query_selector(selector).unwrap().expect(selector).unchecked_into();
    el.click();
}

#[wasm_bindgen_test]
async fn the_component_mounts_and_cancel_is_two_clicks_away() {
    let (host, container) = host();
    let mut handle = mount::mount(host.clone(), container.clone(), MEAL_BOX.into(), options("inline"));
    assert!(handle.ok());
    assert_eq!(step(&container).as_deref(), Some("survey"));
    let reasons = container.query_selector_all("[part~=reason]").unwrap();
    assert_eq!(reasons.length(), 5);
    let last: web_sys::Element = reasons.item(4).unwrap().unchecked_into();
    assert_eq!(last.get_attribute("data-reason-id").as_deref(), Some("other"), "pinned reason is last");
    click(&container, "[part~=cancel]");
    wait_for_step(&container, "confirm").await;
    let keep: web_sys::HtmlInputElement =
        container.query_selector("[part~=keep-in-touch] input").unwrap().unwrap().unchecked_into();
    assert!(!keep.checked(), "never pre-checked");
    assert!(container.query_selector("[part~=confirm]").unwrap().is_some());
    handle.unmount();
    assert!(container.query_selector("[part~=dialog]").unwrap().is_none(), "unmount tears the view down");
}

#[wasm_bindgen_test]
async fn a_bad_config_shows_the_fallback() {
    let (host, container) = host();
    let bad = MEAL_BOX.replace("\"count\": 2 }", "\"count\": 0 }");
    let handle = mount::mount(host, container.clone(), bad, options("modal"));
    assert!(!handle.ok());
    let fallback = container.query_selector("[part~=fallback]").unwrap().expect("fallback shown");
    assert!(fallback.text_content().unwrap().contains("help@shop.example"));
    assert!(container.query_selector("[part~=error]").unwrap().is_some());
}

/// Options for `boot` of a config embed.js requested from `url`.
fn fetched_from(url: &str) -> JsValue {
    let o = options("inline");
    js_sys::Reflect::set(&o, &"configUrl".into(), &url.into()).unwrap();
    o
}

/// The messages of the `cancel-flow:error` events dispatched on `host` from now on.
fn error_messages(host: &HtmlElement) -> (std::rc::Rc<std::cell::RefCell<Vec<String>>>, gloo_events::EventListener) {
    let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let into = seen.clone();
    let listener = gloo_events::EventListener::new(host, "cancel-flow:error", move |e| {
        let detail = e.unchecked_ref::<web_sys::CustomEvent>().detail();
        let kind = js_sys::Reflect::get(&detail, &"kind".into()).unwrap().as_string().unwrap();
        let message = js_sys::Reflect::get(&detail, &"message".into()).unwrap().as_string().unwrap();
        into.borrow_mut().push([kind, message].join(" "));
    });
    (seen, listener)
}

/// The `href`s of the fallback links in `container`.
fn fallback_links(container: &HtmlElement) -> Vec<String> {
    let links = container.query_selector_all("[part~=fallback] a").unwrap();
    (0..links.length())
        .map(|i| links.item(i).unwrap().unchecked_into::<web_sys::Element>().get_attribute("href").unwrap())
        .collect()
}

#[wasm_bindgen_test]
async fn a_config_that_cannot_load_shows_the_shops_fallback() {
    let timeout = js_sys::Object::new();
    js_sys::Reflect::set(&timeout, &"name".into(), &"TimeoutError".into()).unwrap();
    let network = js_sys::Error::new("Failed to fetch");
    network.set_name("TypeError");
    let cases: [(JsValue, &str); 5] = [
        (JsValue::from(503), "the server answered 503"),
        (timeout.into(), "no answer in 10 s"),
        (network.into(), "a network error, or the server's CORS does not allow this page"),
        (JsValue::from_str("<html>"), "the answer is not JSON"),
        (JsValue::from_str(""), "the answer is not JSON"),
    ];
    for (answer, why) in cases {
        let (host, container) = host();
        host.set_attribute("fallback-url", "/account/cancel").unwrap();
        host.set_attribute("fallback-email", "support@shop.example").unwrap();
        let (errors, _listener) = error_messages(&host);
        let handle = mount::boot(host, container.clone(), answer, fetched_from("/flows/box/config")).await;
        assert!(!handle.ok());
        assert_eq!(*errors.borrow(), [format!("config config: could not load /flows/box/config ({why})")]);
        assert_eq!(fallback_links(&container), ["/account/cancel", "mailto:support@shop.example"], "{why}");
    }
}

#[wasm_bindgen_test]
async fn a_configs_own_fallback_wins_over_the_shops() {
    let with_attributes = || {
        let (host, container) = host();
        host.set_attribute("fallback-url", "javascript:alert(1)").unwrap();
        host.set_attribute("fallback-email", "support@shop.example").unwrap();
        (host, container)
    };
    // A config that can be read, though invalid, names its own fallback.
    let (host, container) = with_attributes();
    let bad = MEAL_BOX.replace("\"count\": 2 }", "\"count\": 0 }");
    let _h = mount::boot(host, container.clone(), bad.into(), fetched_from("/c.json")).await;
    assert_eq!(fallback_links(&container), ["https://shop.example/account/cancel-form", "mailto:help@shop.example"]);
    // One without a fallback gets the shop's, with the unsafe url left out.
    let (host, container) = with_attributes();
    let none = MEAL_BOX.replace("\"fallback\"", "\"no_fallback\"");
    let _h = mount::boot(host, container.clone(), none.into(), options("inline")).await;
    assert_eq!(fallback_links(&container), ["mailto:support@shop.example"]);
    // A valid config mounts as ever, from a URL's text too.
    let (host, container) = with_attributes();
    let h = mount::boot(host, container.clone(), MEAL_BOX.into(), fetched_from("/c.json")).await;
    assert!(h.ok());
    assert_eq!(step(&container).as_deref(), Some("survey"));
}

#[wasm_bindgen_test]
async fn config_text_is_rendered_as_text() {
    let (host, container) = host();
    let evil = MEAL_BOX.replace("Something else", "<img src=x onerror=alert(1)>");
    let _handle = mount::mount(host, container.clone(), evil, options("inline"));
    assert!(container.query_selector("img").unwrap().is_none(), "no element created from config text");
    assert!(container.text_content().unwrap().contains("<img src=x onerror=alert(1)>"));
}

#[wasm_bindgen_test]
async fn leptos_apps_can_use_the_component_directly() {
    use leptos::prelude::*;
    let config = cancel_flow::parse_config(MEAL_BOX, &Default::default()).unwrap().config;
    let doc = web_sys::window().unwrap().document().unwrap();
    let parent: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&parent).unwrap();
    let _view = leptos::mount::mount_to(parent.clone(), move || view! { <cancel_flow::CancelFlow config /> });
    assert_eq!(step(&parent).as_deref(), Some("survey"));
    click(&parent, "[part~=skip]");
    wait_for_step(&parent, "offers").await;
    assert_eq!(parent.query_selector_all("[part~=offer]").unwrap().length(), 5);
}
