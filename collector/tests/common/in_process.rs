//! The collector in the test's own process, for testing its HTTP contract: the same
//! command line read by the same code (`Cli`, `Settings`), the same `app::serve` with its
//! accept loop, bound to a free loopback port, on a runtime of its own in a thread of its
//! own; dropping it stops it as SIGTERM would (finishing what is in flight) and waits.
//! What needs a process of its own (`kill -9`, signals, the CLI's exit codes and log
//! lines, several collectors on one database) uses `server::Server` instead.

use super::server::{fresh_database, temp_dir, Db};
use cancel_flow_collector::app;
use cancel_flow_collector::cli::{Cli, Command};
use cancel_flow_collector::settings::Settings;
use clap::Parser;
use std::path::PathBuf;
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// A collector serving in this process.
pub struct Server {
    pub base: String,
    pub dir: PathBuf,
    pub database: String,
    pub args: Vec<String>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves with `args` (besides `--listen` and `--database`) on a fresh database.
    pub fn start(db: Db, args: &[&str]) -> Server {
        let dir = temp_dir();
        let database = fresh_database(db, &dir);
        Server::start_on(dir, database, args.iter().map(|s| s.to_string()).collect())
    }

    /// Serves on a given database.
    pub fn start_on(dir: PathBuf, database: String, args: Vec<String>) -> Server {
        let line = ["cancel-flow-collector", "serve", "--listen", "127.0.0.1:0", "--database", &database]
            .into_iter()
            .map(String::from)
            .chain(args.iter().cloned());
        let Command::Serve(serve_args) = Cli::try_parse_from(line).expect("the flags parse").command else {
            unreachable!("serve")
        };
        let settings = Settings::from_args(serve_args).expect("the flags are accepted");
        let (stop, stopped) = oneshot::channel::<()>();
        let (ready, address) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
                ready.send(listener.local_addr().unwrap()).unwrap();
                let shutdown = async move {
                    let _ = stopped.await;
                };
                app::serve(settings, listener, shutdown).await.expect("the collector serves");
            });
        });
        let address = address.recv().expect("the collector's address");
        Server { base: format!("http://{address}"), dir, database, args, stop: Some(stop), thread: Some(thread) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Signs in through the pages' form with `key` (and `next`, written into the form as it
    /// is given, already form-encoded); the answer must be a `303`. Returns the session
    /// cookie as a `Cookie` header wants it (`cf_session=…`) and where the browser is sent.
    pub async fn sign_in(&self, key: &str, next: Option<&str>) -> (String, String) {
        let body = match next {
            Some(next) => format!("key={key}&next={next}"),
            None => format!("key={key}"),
        };
        let r = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(self.url("/insights/sign-in"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER, "signing in");
        let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
        (cookie, r.headers()["location"].to_str().unwrap().to_string())
    }

    /// `GET path` with the admin key: the JSON answer.
    pub async fn admin_json(&self, path: &str, key: &str) -> serde_json::Value {
        reqwest::Client::new().get(self.url(path)).bearer_auth(key).send().await.unwrap().json().await.unwrap()
    }

    /// Posts `outcome` unsigned as the widget would; returns the status and the answer's text.
    pub async fn post_outcome(&self, outcome: &serde_json::Value) -> (reqwest::StatusCode, String) {
        super::server::post_outcome(&self.base, outcome).await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
