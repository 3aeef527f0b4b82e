//! The error step: the outcome could not be delivered. Plain words, `[part=retry]`, and
//! the fallback, so a person can always still cancel.

use super::button::{button, Press};
use super::choice::FallbackLinks;
use super::state::{DeliveryProblem, Ui};
use super::Title;
use crate::core::i18n::delivery_problem_key;
use leptos::prelude::*;

/// The delivery error step.
#[component]
pub fn DeliveryError() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let msgs = ui.msgs.clone();
    let problem = move || match ui.problem.get() {
        Some(DeliveryProblem::Status(s)) => msgs.t(delivery_problem_key(Some(s)), &[("status", &s.to_string())]),
        _ => msgs.t(delivery_problem_key(None), &[]),
    };
    let fb = ui.config.fallback.clone();
    let email = fb.email.clone().unwrap_or_default();
    view! {
        <div part="error" class="error" role="alert">
            <Title text=ui.msgs.t("error.title", &[]) />
            <p>{ui.msgs.t("error.body", &[])}</p>
            <p class="hint">{problem}</p>
        </div>
        <div class="actions">
            {button(&ui, "retry", "primary", ui.msgs.t("error.retry", &[]), Press::Retry)}
        </div>
        <FallbackLinks
            fallback=fb
            url_label=ui.msgs.t("error.fallback_url", &[])
            email_label=ui.msgs.t("error.fallback_email", &[("email", &email)])
        />
    }
}
