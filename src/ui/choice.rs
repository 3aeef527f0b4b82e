//! One radio choice (a reason, an offer option, an effective date) as a labelled card,
//! and the fallback links shown when the widget cannot finish.

use crate::core::config::Fallback;
use leptos::prelude::*;

/// A radio card: `part` and `data-*` on the label, the native radio inside (arrow keys
/// move within the group by `name`). The browser keeps the checked state; the card is
/// rebuilt from the flow whenever its step is shown, and the stylesheet marks the
/// selected card with `:has(:checked)`. `checked` is set as the property, not the
/// attribute: a step rebuilt in place (a modal re-opened on a fresh flow) must clear a
/// radio the person clicked before, which the attribute no longer controls.
#[component]
pub fn Choice(
    /// `part` attribute (`reason`, `option`, `effective`).
    part: &'static str,
    /// Radio group name.
    name: String,
    /// `data-value` / `data-reason-id` value.
    value: String,
    /// Which data attribute carries the value.
    #[prop(default = false)]
    reason: bool,
    /// Whether it is selected when shown.
    checked: bool,
    /// Called when chosen.
    on_choose: Callback<()>,
    /// The visible content.
    children: Children,
) -> impl IntoView {
    let (data_value, data_reason) = if reason { (None, Some(value.clone())) } else { (Some(value.clone()), None) };
    view! {
        <label part=part class="choice" data-value=data_value data-reason-id=data_reason>
            <input type="radio" name=name value=value prop:checked=checked on:change=move |_| on_choose.run(()) />
            <span class="choice-body">{children()}</span>
        </label>
    }
}

/// `[part=fallback]`: the shop's own way to cancel.
#[component]
pub fn FallbackLinks(fallback: Fallback, url_label: String, email_label: String) -> impl IntoView {
    let url = fallback.url.map(|u| view! { <a href=u class="fallback-link" rel="noopener">{url_label}</a> });
    let email = fallback.email.map(|e| {
        let href = ["mailto:", &e].concat();
        view! { <a href=href class="fallback-email">{email_label}</a> }
    });
    view! { <p part="fallback" class="fallback">{url}" "{email}</p> }
}
