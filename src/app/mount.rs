//! The wasm-bindgen entry points `embed.js` calls. `boot` takes the config's text (or how
//! embed.js's request for a config URL failed: embed.js fetches it beside the glue and
//! the wasm), fetches the locale's catalog, reads the config once, and mounts the flow
//! (or the config error with the fallback) into the element's shadow root; the returned
//! `Handle` opens, closes and unmounts it.

use super::page::page_outbox;
use super::settle::{Settle, Settled, Settler};
use super::shell::Shell;
use crate::core::config::Fallback;
use crate::core::config_parse::{
    not_loaded, read_config, read_fetched_config, shop_fallback, LoadFailure, Overrides, Parsed, Rejected,
};
use crate::core::events::{self, Closed, FailureKind, Ready};
use crate::core::i18n::{negotiate, resolve_locale, Messages};
use crate::ui;
use crate::ui::state::SharedFormats;
use crate::web::delivery::get_text;
use crate::web::events::{emit, js_value};
use crate::web::intl::BrowserFormats;
use crate::web::{dialog, env};
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use std::any::Any;
use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

/// A mounted flow, owned by the `<cancel-flow>` element.
#[wasm_bindgen]
pub struct Handle {
    shell: Option<Rc<Shell>>,
    view: Option<Box<dyn Any>>,
    on_pagehide: Option<EventListener>,
}

#[wasm_bindgen]
impl Handle {
    /// Opens the modal (no-op inline or after a config error).
    pub fn open(&self) {
        if let Some(s) = &self.shell {
            s.open();
        }
    }

    /// Closes the modal as if the person pressed close.
    pub fn close(&self) {
        if let Some(s) = &self.shell {
            s.close();
        }
    }

    /// Whether the config was valid.
    #[wasm_bindgen(getter)]
    pub fn ok(&self) -> bool {
        self.shell.is_some()
    }

    /// Tears the view down and stops background work.
    pub fn unmount(&mut self) {
        self.on_pagehide.take();
        if let Some(s) = self.shell.take() {
            s.teardown();
        }
        self.view.take();
    }
}

/// A config that cannot be used: why, and what can still be offered.
struct Unusable {
    message: String,
    fallback: Fallback,
    locale: Option<String>,
}

/// What `embed.js` passes: `{ base, configUrl?, catalog?, api? }`, where `configUrl` is
/// the URL the config was fetched from (its text or failure is `boot`'s `config`) and
/// `api` is the JS API's `{ resolve, reject }` for a flow `CancelFlow.open` started (tests
/// may pass `api: true` and `display` instead). The attributes (`display`, `endpoint`,
/// `locale`, `customer-id`, `subscription-id`, `token`, `theme`, `fallback-url`,
/// `fallback-email`) are read from the host element when the flow boots, and the trigger
/// is its shadow root's `[part~=trigger]`.
struct Options {
    modal: bool,
    api: bool,
    base: String,
    config_url: Option<String>,
    catalog: Option<String>,
    overrides: Overrides,
    /// The shop's fallback from the attributes, for a config that has none to offer.
    fallback: Fallback,
    settle: Option<Settle>,
    trigger: Option<HtmlElement>,
}

fn get(o: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn get_str(o: &JsValue, key: &str) -> Option<String> {
    get(o, key).as_string()
}

impl Options {
    fn read(host: &HtmlElement, o: &JsValue) -> Options {
        let attr = |k| host.get_attribute(k).filter(|s| !s.is_empty());
        let api = get(o, "api");
        let settle = api.is_object().then(|| js_settle(api.clone()));
        Options {
            modal: get_str(o, "display").or_else(|| attr("display")).as_deref() != Some("inline"),
            api: api.as_bool().unwrap_or(settle.is_some()),
            base: get_str(o, "base").unwrap_or_default(),
            config_url: get_str(o, "configUrl"),
            catalog: get_str(o, "catalog"),
            overrides: Overrides {
                endpoint: attr("endpoint"),
                locale: attr("locale"),
                customer_id: attr("customer-id"),
                subscription_id: attr("subscription-id"),
                token: attr("token"),
                theme: attr("theme"),
            },
            fallback: shop_fallback(attr("fallback-url").as_deref(), attr("fallback-email").as_deref()),
            settle,
            trigger: host
                .shadow_root()
                .and_then(|r| r.query_selector("[part~=trigger]").ok().flatten())
                .and_then(|t| t.dyn_into().ok()),
        }
    }

    /// Reads the config once: inline text, the text fetched from `configUrl`, or how that
    /// request failed (`config` is then not a string). The flow's config, or why it
    /// cannot be used, with the config's fallback or else the shop's.
    fn read_config(&self, config: &JsValue) -> Result<Parsed, Unusable> {
        let read = match (&self.config_url, config.as_string()) {
            (None, text) => read_config(&text.unwrap_or_default(), &self.overrides),
            (Some(url), Some(text)) => read_fetched_config(url, &text, &self.overrides),
            (Some(url), None) => Err(not_loaded(url, load_failure(config), &self.overrides)),
        };
        read.map_err(|r: Rejected| Unusable {
            message: r.error.to_string(),
            fallback: r.fallback.or(self.fallback.clone()),
            locale: r.locale,
        })
    }
}

/// How embed.js's request for the config ended when it brought no text: the status of
/// an answer other than 200, or what `fetch` threw (a `TimeoutError` from
/// `AbortSignal.timeout` after 10 s without an answer, or an `AbortError`; a `TypeError`
/// for a network or CORS failure).
fn load_failure(answer: &JsValue) -> LoadFailure {
    if let Some(status) = answer.as_f64() {
        return LoadFailure::Status(status as u16);
    }
    match get_str(answer, "name").as_deref() {
        Some("TimeoutError" | "AbortError") => LoadFailure::Timeout,
        _ => LoadFailure::Network,
    }
}

/// Settles the JS API's promise (`api` is its `{ resolve, reject }`): resolved with the
/// outcome payload, rejected with a `CancelFlowError` (an `Error` with `name` and `kind`).
fn js_settle(api: JsValue) -> Settle {
    Rc::new(move |how: Settled| {
        let (settle, value) = match how {
            Settled::Outcome(o) => ("resolve", js_value(&o.to_json())),
            Settled::Failed(f) => {
                let error = js_sys::Error::new(f.message);
                error.set_name("CancelFlowError");
                let detail = js_value(&events::to_json(&f));
                let _ = js_sys::Reflect::set(&error, &"kind".into(), &get(&detail, "kind"));
                ("reject", error.into())
            }
        };
        if let Ok(f) = get(&api, settle).dyn_into::<js_sys::Function>() {
            let _ = f.call1(&JsValue::NULL, &value);
        }
    })
}

fn warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(&["cancel-flow: ", message].concat()));
}

/// The locale tag to show for a requested one, and a warning when it has no messages.
fn locale_tag(requested: Option<&str>) -> (String, Option<String>) {
    resolve_locale(requested, &env::page_languages())
}

/// Reads the config once (`config`: the inline text, or what embed.js's request for
/// `options.configUrl` ended with: the answer's text, its status, or the error thrown),
/// fetches the locale's catalog (`<base>i18n/<code>.json`, 10 s at most; English when it
/// cannot load), then mounts.
#[wasm_bindgen]
pub async fn boot(host: HtmlElement, container: HtmlElement, config: JsValue, options: JsValue) -> Handle {
    let mut opts = Options::read(&host, &options);
    let read = opts.read_config(&config);
    let requested = match &read {
        Ok(p) => p.config.locale.clone(),
        Err(u) => u.locale.clone(),
    };
    let (tag, _) = locale_tag(requested.as_deref());
    let code = negotiate([tag.as_str()]).unwrap_or("en");
    if code != "en" {
        let url = [opts.base.as_str(), "i18n/", code, ".json"].concat();
        match get_text(&url).await {
            Ok(catalog) => opts.catalog = Some(catalog),
            Err(_) => warn(&["could not load ", &url, "; using English"].concat()),
        }
    }
    mount_read(host, container, read, opts)
}

/// Mounts a flow into `container` (inside `host`'s shadow root) without fetching
/// anything: the catalog, if any, comes in `options.catalog`.
#[wasm_bindgen]
pub fn mount(host: HtmlElement, container: HtmlElement, config_text: String, options: JsValue) -> Handle {
    let opts = Options::read(&host, &options);
    let read = opts.read_config(&JsValue::from_str(&config_text));
    mount_read(host, container, read, opts)
}

fn mount_read(host: HtmlElement, container: HtmlElement, read: Result<Parsed, Unusable>, opts: Options) -> Handle {
    // Earlier pages' undelivered outcomes are re-sent a little later: reading storage and
    // starting senders is not on the way to the first step's paint (measured: it took
    // 3-8 ms, lazy compile included, between a cold click's showModal and its frame when
    // it ran in this task or the next). 100 ms is after that frame; a timer, not
    // requestIdleCallback, which costs the wasm 2 KB more (a closure type of its own).
    let outbox = page_outbox();
    Timeout::new(100, || outbox.flush()).forget();
    let parsed = match read {
        Ok(p) => p,
        Err(u) => return mount_config_error(host, container, u, opts),
    };
    for w in &parsed.warnings {
        warn(w);
    }
    let config = parsed.config;
    let (locale, warning) = locale_tag(config.locale.as_deref());
    if let Some(w) = warning {
        warn(&w);
    }
    let msgs = Messages::new(&locale, opts.catalog.as_deref(), Some(&config));
    if let Some(t) = &opts.trigger {
        t.set_text_content(Some(&msgs.t("trigger", &[])));
        let _ = t.set_attribute("data-theme", config.theme.as_str());
    }
    let fmt: SharedFormats = Arc::new(BrowserFormats { locale: msgs.tag.clone() });
    let ready = events::to_json(&Ready { flow_id: &config.flow_id });
    let theme = config.theme.as_str();
    let config = Arc::new(config);
    let modal = opts.modal;
    let slot: Rc<Cell<Option<Rc<Shell>>>> = Rc::new(Cell::new(None));
    let out = slot.clone();
    let (h, c) = (host.clone(), container.clone());
    let settle = opts.settle;
    let view = mount_to(container, move || {
        let shell = Shell::new(Some(h), Some(c), config, msgs, fmt, modal, settle);
        provide_context(shell.ui.clone());
        out.set(Some(shell));
        ui::App(ui::AppProps { theme })
    });
    let shell = slot.take();
    emit(&host, "ready", &ready);
    if let Some(s) = shell.as_ref().filter(|_| !modal) {
        s.open_inline();
    }
    // Leaving the page with the flow open counts as abandoned (sent with keepalive).
    let on_pagehide = shell.as_ref().and_then(|s| {
        let weak = Rc::downgrade(s);
        let window = web_sys::window()?;
        Some(EventListener::new(&window, "pagehide", move |_| {
            if let Some(s) = weak.upgrade() {
                s.page_hidden();
            }
        }))
    });
    Handle { shell, view: Some(Box::new(view)), on_pagehide }
}

fn mount_config_error(host: HtmlElement, container: HtmlElement, unusable: Unusable, opts: Options) -> Handle {
    let Unusable { message, fallback, locale } = unusable;
    web_sys::console::error_1(&JsValue::from_str(&["cancel-flow: ", &message].concat()));
    let (locale, _) = locale_tag(locale.as_deref());
    let msgs = Messages::new(&locale, opts.catalog.as_deref(), None);
    let as_dialog = opts.modal && opts.api;
    let h = host.clone();
    let view = mount_to(container.clone(), move || {
        ui::config_error::ConfigError(ui::config_error::ConfigErrorProps {
            msgs,
            fallback,
            as_dialog,
            on_close: Box::new(move || emit(&h, "close", &events::to_json(&Closed {}))),
        })
    });
    if as_dialog {
        dialog::show(Some(&container));
    }
    let failed = events::Failed { kind: FailureKind::Config, message: &message };
    emit(&host, "error", &events::to_json(&failed));
    Settler::new(opts.settle).once(Settled::Failed(failed));
    Handle { shell: None, view: Some(Box::new(view)), on_pagehide: None }
}
