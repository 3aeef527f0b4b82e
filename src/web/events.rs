//! The element's DOM events (contract section 6): `cancel-flow:*` custom events,
//! dispatched on the `<cancel-flow>` element with `bubbles` and `composed`.

use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, HtmlElement};

/// Dispatches `cancel-flow:<name>` with a JSON detail.
pub fn emit(host: &HtmlElement, name: &str, detail_json: &str) {
    let detail = js_sys::JSON::parse(detail_json).unwrap_or(JsValue::NULL);
    emit_value(host, name, &detail);
}

/// Dispatches `cancel-flow:<name>` with a JS value as detail.
pub fn emit_value(host: &HtmlElement, name: &str, detail: &JsValue) {
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(detail);
    if let Ok(ev) = CustomEvent::new_with_event_init_dict(&format!("cancel-flow:{name}"), &init) {
        let _ = host.dispatch_event(&ev);
    }
}

/// A JSON string literal (quotes and escapes included).
pub use crate::core::json::quote as json_str;
