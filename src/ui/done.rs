//! The done step: exactly what was recorded, with the reference id. Appears only after
//! the endpoint acknowledged the outcome.

use super::button::{button, Press};
use super::state::Ui;
use super::Title;
use crate::core::receipt::receipt;
use leptos::prelude::*;

/// The receipt.
#[component]
pub fn Done() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let Some(outcome) = ui.outcome.get_untracked() else { return ().into_any() };
    let r = receipt(&ui.words(), &ui.config, &outcome);
    let close_button = ui.modal.then(|| {
        view! {
            <div class="actions">
                {button(&ui, "close", "secondary", ui.msgs.t("done.close", &[]), Press::Close)}
            </div>
        }
    });
    view! {
        <Title text=r.title />
        <div part="receipt" class="receipt" role="status">
            {r.lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
            <p class="reference">{r.reference}</p>
        </div>
        {close_button}
    }
    .into_any()
}
