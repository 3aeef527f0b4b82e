//! Leptos views, one per step, small and declarative. They read the flow through the
//! signals in `state::Ui` and send `Action`s; every rule lives in `core::flow`. They
//! import `core` and `state` only, never the browser adapters: what they need of the
//! browser beyond Leptos (the dialog's focus trap) comes in through `state::Ui`.

pub mod button;
pub mod choice;
pub mod config_error;
pub mod confirm;
pub mod done;
pub mod error;
pub mod offers;
pub mod state;
pub mod survey;

use crate::core::flow::Step;
use button::{button, Press};
use leptos::prelude::*;
use state::Ui;

/// The id of the current step's heading (labels the dialog).
pub const TITLE_ID: &str = "cf-title";

/// The root: a modal `<dialog>` or an inline region, with the current step inside.
#[component]
pub fn App(theme: &'static str) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let flow = ui.flow;
    // The step on screen. A step's view is built once per visit (and again when the
    // dialog reopens with a fresh flow), not on every action inside it.
    let open = ui.open;
    let screen = Memo::new(move |_| (open.get(), flow.with(|f| f.step())));
    let step = move || screen.get().1;
    let body = move || match step() {
        Step::Survey => view! { <survey::Survey /> }.into_any(),
        Step::Offers => view! { <offers::Offers /> }.into_any(),
        Step::Confirm => view! { <confirm::Confirm /> }.into_any(),
        Step::Done => view! { <done::Done /> }.into_any(),
        Step::Error => view! { <error::DeliveryError /> }.into_any(),
        Step::Loading => view! { <Loading /> }.into_any(),
    };
    let close_label = ui.msgs.t("dialog.close", &[]);
    let cancel_label = ui.msgs.t("cancel", &[]);
    let close = ui.close;
    let trap_tab = ui.trap_tab;
    let shell_ui = ui.clone();
    let inner = view! {
        {ui.modal.then(|| view! {
            <button type="button" part="close" class="close" aria-label=close_label on:click=move |_| close.run(())>
                <span aria-hidden="true">"×"</span>
            </button>
        })}
        <div class="body">{body}</div>
        <Show when=move || flow.with(|f| f.shows_cancel())>
            <div class="foot">
                {button(&shell_ui, "cancel", "link-danger", cancel_label.clone(), Press::Act(crate::core::flow::Action::Cancel))}
            </div>
        </Show>
    };
    let lang = ui.msgs.locale.clone();
    let outer_lang = lang.clone();
    let dir = ui.dir;
    if ui.modal {
        // The shell opens and closes the <dialog> itself (`Shell::open`, `Shell::close`).
        view! {
            <div class="cf" data-theme=theme lang=outer_lang dir=dir>
                <dialog
                    part="dialog"
                    class="dialog"
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby=TITLE_ID
                    lang=lang
                    dir=dir
                    data-step=move || step().as_str()
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            ev.prevent_default();
                            close.run(());
                        } else {
                            trap_tab(&ev);
                        }
                    }
                >
                    {inner}
                </dialog>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="cf" data-theme=theme lang=outer_lang dir=dir>
                <section part="dialog" class="dialog inline" role="region" aria-labelledby=TITLE_ID lang=lang dir=dir data-step=move || step().as_str()>
                    {inner}
                </section>
            </div>
        }
        .into_any()
    }
}

/// A step heading that receives focus when the step appears.
#[component]
pub fn Title(text: String) -> impl IntoView {
    view! { <h2 id=TITLE_ID part="title" class="title" tabindex="-1" data-focus-heading="">{text}</h2> }
}

/// Shown while the outcome is on its way.
#[component]
fn Loading() -> impl IntoView {
    let ui = expect_context::<Ui>();
    view! {
        <div class="loading" aria-busy="true">
            <Title text=ui.msgs.t("loading.title", &[]) />
            <div class="spinner" aria-hidden="true"></div>
        </div>
    }
}
