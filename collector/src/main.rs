//! `cancel-flow-collector`: the shop's side of cancel-flow. `serve` migrates the database
//! and serves (receive, verify, store, forward); `mint-token` prints a session token;
//! `migrate` runs the migrations only. Everything is in the library (`lib.rs`).

use cancel_flow_collector::{app, cli::Cli};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    match runtime.block_on(app::run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    tracing::error!("{message}");
    eprintln!("cancel-flow-collector: {message}");
    ExitCode::FAILURE
}
