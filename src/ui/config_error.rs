//! Shown instead of the flow when the config is unusable: a short, plain message and
//! the fallback, so the page stays intact and the person can still cancel.

use super::choice::FallbackLinks;
use crate::core::config::Fallback;
use crate::core::i18n::Messages;
use leptos::html::Dialog;
use leptos::prelude::*;

/// The config error box (a modal dialog when opened through the JS API).
#[component]
pub fn ConfigError(msgs: Messages, fallback: Fallback, as_dialog: bool, on_close: Box<dyn Fn()>) -> impl IntoView {
    let has_any = fallback.url.is_some() || fallback.email.is_some();
    let email = fallback.email.clone().unwrap_or_default();
    let body = if has_any { msgs.t("config.body", &[]) } else { msgs.t("config.contact", &[]) };
    let content = view! {
        <div part="error" class="error config-error" role="alert" data-kind="config">
            <h2 id="cf-title" part="title" class="title">{msgs.t("config.title", &[])}</h2>
            <p>{body}</p>
            {has_any.then(|| view! {
                <FallbackLinks
                    fallback=fallback
                    url_label=msgs.t("error.fallback_url", &[])
                    email_label=msgs.t("error.fallback_email", &[("email", &email)])
                />
            })}
        </div>
    };
    if !as_dialog {
        return view! { <div class="cf">{content}</div> }.into_any();
    }
    // `mount` shows the dialog once it is in the document.
    let dialog = NodeRef::<Dialog>::new();
    let close_label = msgs.t("dialog.close", &[]);
    let on_close = std::rc::Rc::new(on_close);
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
        on_close();
    };
    let close2 = close.clone();
    view! {
        <div class="cf">
            <dialog node_ref=dialog part="dialog" class="dialog" role="dialog" aria-modal="true" aria-labelledby="cf-title" data-step="error"
                on:keydown=move |ev| if ev.key() == "Escape" { ev.prevent_default(); close2(); }>
                <button type="button" part="close" class="close" aria-label=close_label on:click=move |_| close()>
                    <span aria-hidden="true">"×"</span>
                </button>
                <div class="body">{content}</div>
            </dialog>
        </div>
    }
    .into_any()
}
