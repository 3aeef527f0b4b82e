//! `cancel-flow-collector`: the shop's side of cancel-flow. `serve` migrates the database
//! and serves (receive, verify, store, forward); `mint-token` prints a session token;
//! `migrate` runs the migrations only. Everything is in the library (`lib.rs`): this file
//! sets up the log, reads the command line and reports a failure with its causes.

use cancel_flow_collector::{app, cli::Cli};
use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Colour only on a terminal: a file or journald gets plain text. NO_COLOR turns it off.
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(colour)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    match runtime.block_on(app::run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

/// Logs and prints `error` with each of its causes.
fn fail(error: &dyn std::error::Error) -> ExitCode {
    let message = cancel_flow_collector::http::error::causes(error);
    tracing::error!("{message}");
    eprintln!("cancel-flow-collector: {message}");
    ExitCode::FAILURE
}
