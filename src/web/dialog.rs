//! The modal `<dialog>` a flow renders into its container: finding, showing and closing
//! it, and moving focus to the new step's heading so screen readers announce it.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{HtmlDialogElement, HtmlElement};

/// The `<dialog>` inside `container`, if any.
pub fn dialog_in(container: &HtmlElement) -> Option<HtmlDialogElement> {
    container.query_selector("dialog").ok()??.dyn_into().ok()
}

/// Shows the container's dialog as a modal, in the caller's task (so it paints in the
/// next frame).
pub fn show(container: Option<&HtmlElement>) {
    if let Some(d) = container.and_then(dialog_in) {
        if !d.open() {
            let _ = d.show_modal();
        }
    }
}

/// Closes the container's dialog.
pub fn close(container: Option<&HtmlElement>) {
    if let Some(d) = container.and_then(dialog_in) {
        d.close();
    }
}

/// Focuses `[data-focus-heading]` in `container` (the document when `None`) on the next
/// animation frame, once the new step is rendered.
pub fn focus_heading(container: Option<HtmlElement>) {
    let focus = Closure::once_into_js(move || {
        let found = match &container {
            Some(c) => c.query_selector("[data-focus-heading]"),
            None => web_sys::window()
                .and_then(|w| w.document())
                .map_or(Ok(None), |d| d.query_selector("[data-focus-heading]")),
        };
        if let Ok(Some(el)) = found {
            if let Ok(el) = el.dyn_into::<HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
    if let Some(w) = web_sys::window() {
        let _ = w.request_animation_frame(focus.unchecked_ref());
    }
}
