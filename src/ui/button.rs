//! The one button the steps use: a `part`, a look, a label and what pressing it does.
//! Every step's buttons share this single view type, so its code is in the wasm once.

use super::state::Ui;
use crate::core::flow::Action;
use leptos::prelude::*;

/// What pressing a button does.
#[derive(Clone)]
pub enum Press {
    /// Sends an action to the flow.
    Act(Action),
    /// Tries the delivery again.
    Retry,
    /// Closes the dialog.
    Close,
}

/// A `<button type="button">` with `part` and `class`.
pub fn button(ui: &Ui, part: &'static str, class: &'static str, label: String, press: Press) -> AnyView {
    let (act, retry, close) = (ui.act, ui.retry, ui.close);
    let on_press = move |_| match press.clone() {
        Press::Act(a) => act.run(a),
        Press::Retry => retry.run(()),
        Press::Close => close.run(()),
    };
    view! { <button type="button" part=part class=class on:click=on_press>{label}</button> }.into_any()
}
