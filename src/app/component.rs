//! `CancelFlow`: the component for Leptos apps that embed the flow directly (no custom
//! element). It renders inline, takes a parsed `Config`, and calls `on_outcome` once
//! with the delivered (or abandoned) outcome. Include `cancel-flow.css` in the app.

use super::settle::{Settle, Settled};
use super::shell::Shell;
use crate::core::config::Config;
use crate::core::i18n::{resolve_locale, Messages};
use crate::core::outcome::Outcome;
use crate::ui::state::SharedFormats;
use crate::web::env;
use crate::web::intl::BrowserFormats;
use leptos::prelude::*;
use std::rc::Rc;
use std::sync::Arc;

/// The cancel flow as a Leptos component.
#[component]
pub fn CancelFlow(
    /// A validated config (see `cancel_flow::parse_config`).
    config: Config,
    /// Called once with the outcome after the endpoint acknowledged it, or with an
    /// `abandoned` outcome.
    #[prop(optional, into)]
    on_outcome: Option<Callback<Outcome>>,
    /// The catalog of a non-English locale: the text of `i18n/<code>.json`
    /// (e.g. `include_str!`); English is built in.
    #[prop(optional, into)]
    catalog: Option<String>,
) -> impl IntoView {
    let (locale, _) = resolve_locale(config.locale.as_deref(), &env::page_languages());
    let msgs = Messages::new(&locale, catalog.as_deref(), Some(&config));
    let fmt: SharedFormats = Arc::new(BrowserFormats { locale: msgs.tag.clone() });
    let theme = config.theme.as_str();
    let settle: Option<Settle> = on_outcome.map(|cb| {
        Rc::new(move |how: Settled| {
            if let Settled::Outcome(o) = how {
                cb.run(o.clone());
            }
        }) as Settle
    });
    let shell = Shell::new(None, None, Arc::new(config), msgs, fmt, false, settle);
    provide_context(shell.ui.clone());
    shell.open_inline();
    let keep = StoredValue::new_local(shell);
    on_cleanup(move || {
        if let Some(s) = keep.try_get_value() {
            s.teardown();
        }
    });
    view! { <crate::ui::App theme /> }
}
