//! `cancel-flow-collector` as a library: the binary (`main.rs`) only reads the command
//! line and reports failures; the tests drive the same code in process.
//!
//! The crate's map, top to bottom: a module imports only modules below it, never one
//! above (`scripts/check-layers.sh` checks it, so there is no import circle):
//! - `app`: starting and stopping a collector: the store, the writer, the background tasks
//!   (under one cancellation token and one task tracker; the forwarder under the store's
//!   lease) and the router; `serve`, `migrate`, `mint-token`.
//! - `http`: the routes, the access extractors, the answers to every error, the accept loop.
//! - `serving`: serving flows: each flow's latest version cached (re-checked every second),
//!   the config for one customer (history facts, experiment group, resolution).
//! - `page`: the insights pages' HTML (maud).
//! - `filters`: the query filters both the API and the pages take.
//! - `writer`: group commit in front of the store.
//! - `upkeep`: counting older outcomes at start, erasing comments past the retention.
//! - `tokens`: session tokens (HS256 JWTs) and the token policy's check.
//! - `settings`: the command line's flags checked into what `serve` runs with (the token
//!   policy, the admin key, the webhook), each refusal naming its flag.
//! - `cli`: the flags themselves (clap).
//! - `seed`: `seed-demo`, a realistic past experiment written through the store.
//! - `store`: the database (SQLite or PostgreSQL) behind one `Backend` trait, one file per
//!   database for its SQL; it implements the webhook queue.
//! - `webhook`: Standard Webhooks forwarding (signature, backoff, the worker, and the
//!   queue trait the store implements).
//! - `insights`: the pure figures (what each outcome counts, the sums), no I/O.
//! - `flows`: served flows, pure: the flow document, rules, patches, facts, eligibility,
//!   the experiment's assignment, the config resolved for one customer; no I/O.
//! - `analysis`: experiments' figures, pure: rates, intervals, comparisons, verdicts, SRM.
//! - `billing`: cancellations from Stripe, pure: the `Stripe-Signature` check and the
//!   cancellation an event reports (section 9); no I/O.

pub mod analysis;
pub mod app;
pub mod billing;
pub mod cli;
pub mod filters;
pub mod flows;
pub mod http;
pub mod insights;
pub mod page;
pub mod seed;
pub mod serving;
pub mod settings;
pub mod store;
pub mod tokens;
pub mod upkeep;
pub mod webhook;
pub mod writer;
