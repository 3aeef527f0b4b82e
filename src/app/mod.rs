//! The top layer: wires the views (`ui`) to the browser adapters (`web`) around the
//! pure core. It holds the wasm entry points `embed.js` calls (`mount`), the shell that
//! keeps one flow in step with the outside world (`shell`), what the page's flows share
//! (`page`: the outbox), how a flow settles (`settle`), and the `CancelFlow` component
//! for Leptos apps (`component`).

pub mod component;
pub mod mount;
pub mod page;
pub mod settle;
pub mod shell;
