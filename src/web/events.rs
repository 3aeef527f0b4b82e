//! The element's DOM events (contract section 6): `cancel-flow:*` custom events,
//! dispatched on the `<cancel-flow>` element with `bubbles` and `composed`, their
//! `detail` written from the typed values in `core::events`.

use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, HtmlElement};

/// A JSON text as a JS value (`null` if it is not JSON).
pub fn js_value(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap_or(JsValue::NULL)
}

/// Dispatches `cancel-flow:<name>` with a detail given as JSON text.
pub fn emit(host: &HtmlElement, name: &str, detail_json: &str) {
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&js_value(detail_json));
    if let Ok(ev) = CustomEvent::new_with_event_init_dict(&["cancel-flow:", name].concat(), &init) {
        let _ = host.dispatch_event(&ev);
    }
}
