//! Writes the JSON Schemas of the config and the outcome (generated from the Rust types,
//! `src/core/config_schema.rs`) into the directory given as the argument:
//! `cargo run --quiet --no-default-features --features schema --example write-schema -- schema`
//! (`make schema`). `scripts/check-schema.sh` and `tests/schema.rs` check that the
//! committed `schema/` is what this writes.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: write-schema <directory>");
        return ExitCode::from(2);
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("write-schema: cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    for (name, text) in cancel_flow::core::config_schema::files() {
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("write-schema: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
