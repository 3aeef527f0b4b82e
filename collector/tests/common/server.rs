//! Starts the real `cancel-flow-collector` binary on loopback for a test and stops it
//! when dropped. The database is SQLite in a temp folder, or a fresh PostgreSQL database
//! on the cluster `CF_TEST_POSTGRES_URL` points at (scripts/postgres.sh starts one).

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

impl Db {
    /// The backends to run: SQLite always; PostgreSQL when `CF_TEST_POSTGRES_URL` is set
    /// (required when `CF_REQUIRE_POSTGRES=1`).
    pub fn all() -> Vec<Db> {
        let mut v = vec![Db::Sqlite];
        if std::env::var("CF_TEST_POSTGRES_URL").is_ok_and(|u| !u.is_empty()) {
            v.push(Db::Postgres);
        } else if std::env::var("CF_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("CF_REQUIRE_POSTGRES=1 but CF_TEST_POSTGRES_URL is not set: run scripts/postgres.sh start");
        } else {
            eprintln!("PostgreSQL skipped: CF_TEST_POSTGRES_URL is not set");
        }
        v
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database URL for one test.
pub fn fresh_database(db: Db, dir: &std::path::Path) -> String {
    match db {
        Db::Sqlite => format!("sqlite://{}", dir.join("data/collector.db").display()),
        Db::Postgres => {
            let base = std::env::var("CF_TEST_POSTGRES_URL").expect("CF_TEST_POSTGRES_URL");
            let name = format!("cf_http_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
            let admin = base.clone();
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                use sqlx::Connection;
                let mut c = sqlx::PgConnection::connect(&admin).await.expect("connect to the test cluster");
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut c).await.expect("create database");
            });
            let (prefix, _) = base.rsplit_once('/').expect("a database in the URL");
            format!("{prefix}/{name}")
        }
    }
}

/// A running collector.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub dir: PathBuf,
    pub database: String,
    pub args: Vec<String>,
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_cancel-flow-collector")
}

/// Debian's libfaketime (`apt-get install faketime`; scripts/setup.sh installs it).
pub fn libfaketime() -> String {
    let found = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .map(|d| d.path().join("faketime/libfaketime.so.1"))
        .find(|p| p.exists());
    found.expect("libfaketime: scripts/setup.sh installs Debian's faketime").display().to_string()
}

/// A temp folder for one test.
pub fn temp_dir() -> PathBuf {
    let d =
        std::env::temp_dir().join(format!("cf-test-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst)));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

impl Server {
    /// Starts `serve` with `args` (besides `--listen` and `--database`).
    pub fn start(db: Db, args: &[&str]) -> Server {
        let dir = temp_dir();
        let database = fresh_database(db, &dir);
        Server::start_on(dir, database, args.iter().map(|s| s.to_string()).collect())
    }

    /// Starts `serve` on a given database.
    pub fn start_on(dir: PathBuf, database: String, args: Vec<String>) -> Server {
        Server::start_with_clock(dir, database, args, None)
    }

    /// Starts `serve` on a given database with its clock shifted by Debian's libfaketime
    /// (`clock`: `+100d`, `-40d`; monotonic time is left alone so timers work).
    pub fn start_with_clock(dir: PathBuf, database: String, args: Vec<String>, clock: Option<&str>) -> Server {
        // libfaketime preloaded into the collector itself (not the `faketime` wrapper, whose
        // child would outlive a kill of the wrapper).
        let mut command = Command::new(binary());
        if let Some(offset) = clock {
            command.env("LD_PRELOAD", libfaketime()).env("FAKETIME", offset).env("FAKETIME_DONT_FAKE_MONOTONIC", "1");
        }
        let mut child = command
            .arg("serve")
            .args(["--listen", "127.0.0.1:0", "--database", &database])
            .args(&args)
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the collector");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if !sent {
                    if let Some(i) = line.find("listening on http://") {
                        let addr = line[i + "listening on http://".len()..]
                            .split_whitespace()
                            .next()
                            .unwrap_or("")
                            .to_string();
                        let _ = tx.send(Ok(addr));
                        sent = true;
                    } else if line.contains("ERROR") || line.starts_with("cancel-flow-collector:") {
                        let _ = tx.send(Err(line.clone()));
                    }
                }
                if std::env::var("CF_TEST_LOGS").is_ok() {
                    eprintln!("[collector] {line}");
                }
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(Ok(a)) => a,
            Ok(Err(line)) => {
                let _ = child.kill();
                panic!("the collector did not start: {line}");
            }
            Err(_) => {
                let _ = child.kill();
                panic!("the collector did not say where it listens within 30 s");
            }
        };
        Server { child, base: format!("http://{addr}"), dir, database, args }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Posts `outcome` unsigned as the widget would; returns the status and the answer's text.
    pub async fn post_outcome(&self, outcome: &serde_json::Value) -> (reqwest::StatusCode, String) {
        post_outcome(&self.base, outcome).await
    }

    /// Stops it with SIGKILL (nothing flushed, nothing finished).
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again on the same database and flags.
    pub fn restart(mut self) -> Server {
        self.kill9();
        let (dir, database, args) = (self.dir.clone(), self.database.clone(), self.args.clone());
        std::mem::forget(self);
        Server::start_on(dir, database, args)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Posts `outcome` unsigned to the collector at `base` as the widget would; returns the
/// status and the answer's text.
pub async fn post_outcome(base: &str, outcome: &serde_json::Value) -> (reqwest::StatusCode, String) {
    let r = reqwest::Client::new()
        .post(format!("{base}/v1/outcomes"))
        .header("content-type", "application/json")
        .body(outcome.to_string())
        .send()
        .await
        .expect("an answer");
    (r.status(), r.text().await.unwrap_or_default())
}

/// Waits until `f` is true (polling), or panics after `ms`.
pub fn eventually(ms: u64, what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(ms) {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for {what}");
}

/// Waits until the future `f` gives true (polling), or panics after `ms`.
pub async fn eventually_async<F: std::future::Future<Output = bool>>(ms: u64, what: &str, mut f: impl FnMut() -> F) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(ms) {
        if f().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}
