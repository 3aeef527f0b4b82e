//! The wasm-bindgen entry point `embed.js` calls: `mount(host, container, configText,
//! options)` parses and validates the config, resolves the locale, renders the flow (or
//! the config error with the fallback) into the shadow root, and returns a `Handle`.

use crate::core::config::Fallback;
use crate::core::config_parse::{parse_config, salvage_fallback, Overrides};
use crate::core::i18n::{negotiate, Messages};
use crate::ui;
use crate::web::controller::{settle_once, Settle, Settled, Shell};
use crate::web::events::{emit, json_str};
use crate::web::{env, outbox};
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
    on_pagehide: Option<Closure<dyn Fn()>>,
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
        if let (Some(w), Some(f)) = (web_sys::window(), self.on_pagehide.take()) {
            let _ = w.remove_event_listener_with_callback("pagehide", f.as_ref().unchecked_ref());
        }
        if let Some(s) = self.shell.take() {
            s.teardown();
        }
        self.view.take();
    }
}

/// Wraps the JS API's `settle(ok, value)` function.
fn js_settle(f: js_sys::Function) -> Settle {
    Rc::new(move |how: Settled| {
        let (ok, value) = match how {
            Settled::Outcome(o) => (true, o.to_json()),
            Settled::Failed { kind, message } => {
                (false, format!("{{\"kind\":{},\"message\":{}}}", json_str(kind), json_str(message)))
            }
        };
        let value = js_sys::JSON::parse(&value).unwrap_or(JsValue::NULL);
        let _ = f.call2(&JsValue::NULL, &JsValue::from_bool(ok), &value);
    })
}

fn get_str(o: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(o, &JsValue::from_str(key)).ok().and_then(|v| v.as_string())
}

fn overrides(attrs: &JsValue) -> Overrides {
    let g = |k| get_str(attrs, k).filter(|s| !s.is_empty());
    Overrides {
        endpoint: g("endpoint"),
        locale: g("locale"),
        customer_id: g("customer-id"),
        subscription_id: g("subscription-id"),
        token: g("token"),
        theme: g("theme"),
    }
}

/// The locale to show, as the tag that matched (`de-AT` shows German with Austrian
/// dates): the requested one (attribute, else config), else `<html lang>`, else
/// `navigator.languages`; English when nothing matches, with a warning for an explicit
/// request.
pub fn resolve_locale(requested: Option<&str>) -> (String, Option<String>) {
    let matches = |t: &str| negotiate([t]).is_some();
    if let Some(r) = requested {
        return if matches(r) {
            (r.to_string(), None)
        } else {
            ("en".into(), Some(format!("cancel-flow: locale \"{r}\" has no built-in messages; using English")))
        };
    }
    let page = env::page_languages();
    (page.into_iter().find(|t| matches(t)).unwrap_or_else(|| "en".into()), None)
}

/// The requested locale of a config (valid or not) and attributes.
fn requested_locale(config_text: &str, over: &Overrides) -> Option<String> {
    over.locale.clone().or_else(|| {
        crate::core::json::Value::parse(config_text)
            .ok()?
            .get("locale")?
            .as_str()
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string)
    })
}

/// The built-in locale code a flow will show (`en`, `hu`, ...), so `embed.js` can fetch
/// `i18n/<code>.json` before mounting.
#[wasm_bindgen(js_name = localeFor)]
pub fn locale_for(config_text: &str, options: JsValue) -> String {
    let attrs = js_sys::Reflect::get(&options, &JsValue::from_str("attrs")).unwrap_or(JsValue::UNDEFINED);
    let (tag, _) = resolve_locale(requested_locale(config_text, &overrides(&attrs)).as_deref());
    negotiate([tag.as_str()]).unwrap_or("en").to_string()
}

/// Resolves the locale, fetches its catalog (`<base>i18n/<code>.json`, 10 s at most;
/// English when it cannot load), then mounts. What `embed.js` calls.
#[wasm_bindgen]
pub async fn boot(host: HtmlElement, container: HtmlElement, config_text: String, options: JsValue) -> Handle {
    let mut config_text = config_text;
    if let Some(url) = get_str(&options, "configUrl") {
        match crate::web::delivery::get_text(&url).await {
            Ok(text) => config_text = text,
            Err(why) => {
                let message = format!("config: could not load {url} ({why})");
                let _ = js_sys::Reflect::set(&options, &JsValue::from_str("loadError"), &JsValue::from_str(&message));
            }
        }
    }
    let code = locale_for(&config_text, options.clone());
    if code != "en" {
        let base = get_str(&options, "base").unwrap_or_default();
        let url = format!("{base}i18n/{code}.json");
        match crate::web::delivery::get_text(&url).await {
            Ok(text) => {
                let _ = js_sys::Reflect::set(&options, &JsValue::from_str("catalog"), &JsValue::from_str(&text));
            }
            Err(_) => web_sys::console::warn_1(&JsValue::from_str(&format!(
                "cancel-flow: could not load {url}; using English"
            ))),
        }
    }
    mount(host, container, config_text, options)
}

/// Mounts a flow into `container` (inside `host`'s shadow root).
///
/// `options`: `{ display: "modal"|"inline", api: bool, loadError?: string,
/// attrs: {endpoint, locale, "customer-id", "subscription-id", token, theme},
/// settle?: (ok, value) => void, trigger?: HTMLElement }`.
#[wasm_bindgen]
pub fn mount(host: HtmlElement, container: HtmlElement, config_text: String, options: JsValue) -> Handle {
    outbox::flush();
    let attrs = js_sys::Reflect::get(&options, &JsValue::from_str("attrs")).unwrap_or(JsValue::UNDEFINED);
    let over = overrides(&attrs);
    let modal = get_str(&options, "display").as_deref() != Some("inline");
    let api = js_sys::Reflect::get(&options, &JsValue::from_str("api")).ok().and_then(|v| v.as_bool()).unwrap_or(false);
    let settle = js_sys::Reflect::get(&options, &JsValue::from_str("settle"))
        .ok()
        .and_then(|v| v.dyn_into().ok())
        .map(js_settle);
    let trigger: Option<HtmlElement> =
        js_sys::Reflect::get(&options, &JsValue::from_str("trigger")).ok().and_then(|v| v.dyn_into().ok());

    let catalog = get_str(&options, "catalog");
    let parsed = match get_str(&options, "loadError") {
        Some(e) => Err(e),
        None => parse_config(&config_text, &over).map_err(|e| e.to_string()),
    };
    let config = match parsed {
        Ok(p) => {
            for w in &p.warnings {
                web_sys::console::warn_1(&JsValue::from_str(&format!("cancel-flow: {w}")));
            }
            p.config
        }
        Err(message) => {
            let fallback = salvage_fallback(&config_text);
            let locale = requested_locale(&config_text, &over);
            return mount_config_error(host, container, message, fallback, locale, catalog, modal && api, settle);
        }
    };

    let (locale, warning) = resolve_locale(over.locale.as_deref().or(config.locale.as_deref()));
    if let Some(w) = warning {
        web_sys::console::warn_1(&JsValue::from_str(&w));
    }
    let msgs = Messages::new(&locale, catalog.as_deref(), Some(&config));
    if let Some(t) = &trigger {
        t.set_text_content(Some(&msgs.t("trigger", &[])));
        let _ = t.set_attribute("data-theme", config.theme.as_str());
    }
    let config = Arc::new(config);
    let flow_id = config.flow_id.clone();
    let slot: Rc<Cell<Option<Rc<Shell>>>> = Rc::new(Cell::new(None));
    let out = slot.clone();
    let (h, c) = (host.clone(), container.clone());
    let theme = config.theme.as_str();
    let view = mount_to(container, move || {
        let shell = Shell::new(Some(h), Some(c), config, msgs, modal, settle);
        let ui = shell.ui.clone();
        out.set(Some(shell));
        provide_context(ui);
        ui::App(ui::AppProps { theme })
    });
    let shell = slot.take();
    emit(&host, "ready", &format!("{{\"flow_id\":{}}}", json_str(&flow_id)));
    if let Some(s) = &shell {
        if !modal {
            s.open_inline();
        }
    }
    // Leaving the page with the flow open counts as abandoned (sent with keepalive).
    let on_pagehide = shell.as_ref().map(|s| {
        let weak = Rc::downgrade(s);
        let f = Closure::<dyn Fn()>::new(move || {
            if let Some(s) = weak.upgrade() {
                s.page_hidden();
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.add_event_listener_with_callback("pagehide", f.as_ref().unchecked_ref());
        }
        f
    });
    Handle { shell, view: Some(Box::new(view)), on_pagehide }
}

fn mount_config_error(
    host: HtmlElement,
    container: HtmlElement,
    message: String,
    fallback: Fallback,
    locale: Option<String>,
    catalog: Option<String>,
    as_dialog: bool,
    settle: Option<Settle>,
) -> Handle {
    let full = message;
    web_sys::console::error_1(&JsValue::from_str(&format!("cancel-flow: {full}")));
    let (locale, _) = resolve_locale(locale.as_deref());
    let msgs = Messages::new(&locale, catalog.as_deref(), None);
    let h = host.clone();
    let view = mount_to(container.clone(), move || {
        ui::config_error::ConfigError(ui::config_error::ConfigErrorProps {
            msgs,
            fallback,
            as_dialog,
            on_close: Box::new(move || emit(&h, "close", "{}")),
        })
    });
    if as_dialog {
        if let Some(d) = crate::web::controller::dialog_in(&container) {
            let _ = d.show_modal();
        }
    }
    let detail = format!("{{\"kind\":\"config\",\"message\":{}}}", json_str(&full));
    emit(&host, "error", &detail);
    settle_once(&settle, &Cell::new(false), Settled::Failed { kind: "config", message: &full });
    Handle { shell: None, view: Some(Box::new(view)), on_pagehide: None }
}
