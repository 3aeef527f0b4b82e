//! `--widget-dir` (COLLECTOR.md section 1), in process: the widget's built files under
//! `/widget/`, the brotli or gzip copy when the client accepts it and the file itself
//! otherwise, readable and embeddable from any origin, revalidated on each use; nothing
//! outside the folder; `/widget/` absent without the flag; a folder without the widget
//! refused, naming the flag.

mod common;

use cancel_flow_collector::cli::{Cli, Command};
use cancel_flow_collector::settings::Settings;
use clap::Parser;
use common::in_process::Server;
use common::server::{temp_dir, Db};
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE};
use reqwest::StatusCode;

const SCRIPT: &str = "export const hello = 'cancel-flow';\n";

/// A widget folder: `embed.js` with its copies (their bytes told apart), a wasm file
/// without any, and a secret beside the folder.
fn widget_folder() -> std::path::PathBuf {
    let root = temp_dir();
    let dist = root.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("embed.js"), SCRIPT).unwrap();
    std::fs::write(dist.join("embed.js.br"), b"brotli bytes").unwrap();
    std::fs::write(dist.join("embed.js.gz"), b"gzip bytes").unwrap();
    std::fs::write(dist.join("cancel-flow_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(root.join("secret.txt"), b"not for the web").unwrap();
    dist
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// `(status, headers, body)` of a GET (bodies as sent: this client decompresses nothing).
fn get(base: &str, path: &str, encoding: Option<&str>) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    rt().block_on(async {
        let mut r = reqwest::Client::new().get(format!("{base}{path}"));
        if let Some(e) = encoding {
            r = r.header(ACCEPT_ENCODING, e);
        }
        let r = r.send().await.unwrap();
        (r.status(), r.headers().clone(), r.bytes().await.unwrap().to_vec())
    })
}

#[test]
fn the_widget_files_with_their_compressed_copies() {
    let dist = widget_folder();
    let s = Server::start(Db::Sqlite, &["--allow-unsigned", "--widget-dir", dist.to_str().unwrap()]);
    let (status, headers, body) = get(&s.base, "/widget/embed.js", Some("gzip, deflate, br"));
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[CONTENT_ENCODING], "br");
    assert!(headers[CONTENT_TYPE].to_str().unwrap().starts_with("text/javascript"), "{headers:?}");
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert_eq!(headers["cross-origin-resource-policy"], "cross-origin");
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers.contains_key("last-modified"));
    assert_eq!(body, b"brotli bytes");

    let (_, headers, body) = get(&s.base, "/widget/embed.js", Some("gzip"));
    assert_eq!(headers[CONTENT_ENCODING], "gzip");
    assert_eq!(body, b"gzip bytes");

    let (status, headers, body) = get(&s.base, "/widget/embed.js", None);
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(CONTENT_ENCODING).is_none());
    assert_eq!(body, SCRIPT.as_bytes());

    let (status, headers, _) = get(&s.base, "/widget/cancel-flow_bg.wasm", Some("br, gzip"));
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[CONTENT_TYPE], "application/wasm");
    assert!(headers.get(CONTENT_ENCODING).is_none(), "no copy: the file itself");

    for path in ["/widget/missing.js", "/widget/../secret.txt", "/widget/%2e%2e/secret.txt", "/widget/"] {
        let (status, _, body) = get(&s.base, path, None);
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!String::from_utf8_lossy(&body).contains("not for the web"), "{path}");
    }
    drop(s);

    let without = Server::start(Db::Sqlite, &["--allow-unsigned"]);
    assert_eq!(get(&without.base, "/widget/embed.js", None).0, StatusCode::NOT_FOUND);
}

#[test]
fn a_folder_without_the_widget_is_refused_naming_the_flag() {
    let empty = temp_dir();
    let line = ["cancel-flow-collector", "serve", "--allow-unsigned", "--widget-dir", empty.to_str().unwrap()];
    let Command::Serve(args) = Cli::try_parse_from(line).unwrap().command else { unreachable!() };
    let error = Settings::from_args(args).unwrap_err().to_string();
    assert!(error.starts_with("--widget-dir (CF_WIDGET_DIR): "), "{error}");
    assert!(error.contains("has no embed.js"), "{error}");
}
