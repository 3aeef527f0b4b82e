//! The modal's focus trap: Tab from the last control wraps to the first and Shift+Tab
//! from the first (or from the heading) wraps to the last, so keyboard focus never
//! leaves an open dialog. The app hands `trap_tab` to the views (`ui::state::Ui`), whose
//! dialog calls it on every key that is not Escape.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

const FOCUSABLE: &str =
    "button:not([disabled]), a[href], input:not([disabled]), textarea, [tabindex]:not([tabindex=\"-1\"])";

fn focusables(dialog: &Element) -> Vec<HtmlElement> {
    let Ok(list) = dialog.query_selector_all(FOCUSABLE) else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .filter(|e| e.get_client_rects().length() > 0 && e.closest("[hidden]").ok().flatten().is_none())
        .collect()
}

/// Handles Tab inside the dialog the key event is heard on (its current target);
/// returns true when focus was wrapped.
pub fn trap_tab(ev: &KeyboardEvent) -> bool {
    if ev.key() != "Tab" {
        return false;
    }
    let Some(dialog) = ev.current_target().and_then(|t| t.dyn_into::<Element>().ok()) else { return false };
    let all = focusables(&dialog);
    let (Some(first), Some(last)) = (all.first(), all.last()) else { return false };
    let root = dialog.get_root_node();
    let active = js_sys::Reflect::get(&root, &"activeElement".into()).ok().and_then(|a| a.dyn_into::<Element>().ok());
    let at_first = active
        .as_ref()
        .is_some_and(|a| a == first.unchecked_ref::<Element>() || a.get_attribute("tabindex").as_deref() == Some("-1"));
    let at_last = active.as_ref().is_some_and(|a| a == last.unchecked_ref::<Element>());
    let target = match (ev.shift_key(), at_first, at_last) {
        (true, true, _) => last,
        (false, _, true) => first,
        _ => return false,
    };
    ev.prevent_default();
    let _ = target.focus();
    true
}
