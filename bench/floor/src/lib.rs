//! The smallest useful Leptos widget: a button, a signal and a `<Show>`, mounted into
//! the body. Its size is what any Leptos widget pays before its own code.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// Mounts the counter into `<body>`.
#[wasm_bindgen]
pub fn start() {
    let body = document().body().expect("a body");
    let (count, set_count) = signal(0u32);
    leptos::mount::mount_to(body, move || {
        view! {
            <div>
                <button on:click=move |_| set_count.update(|n| *n += 1)>"Add one"</button>
                <Show when=move || count.get() % 2 == 0 fallback=|| view! { <p>"odd"</p> }>
                    <p>"even " {move || count.get()}</p>
                </Show>
            </div>
        }
    })
    .forget();
}
