//! A database of its own for each store test: a SQLite file in a fresh temporary folder, or
//! a fresh PostgreSQL database on the server `CF_TEST_POSTGRES_URL` points at (created
//! with `scripts/postgres.sh start`). Without that variable the PostgreSQL tests are
//! skipped with a line saying so, unless `CF_REQUIRE_POSTGRES=1`, which makes them fail.

use cancel_flow_collector::store::Store;
use sqlx::Connection;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

pub enum TestDb {
    Sqlite { dir: PathBuf, url: String },
    Postgres { admin_url: String, name: String, url: String },
}

fn unique(test: &str) -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{test}_{}_{nanos}", std::process::id())
}

/// A SQLite database in a fresh folder (the folder itself is created by `Store::connect`).
pub fn sqlite(test: &str) -> TestDb {
    let dir = std::env::temp_dir().join(format!("cf-store-{}", unique(test)));
    let url = format!("sqlite://{}/nested/outcomes.db", dir.display());
    TestDb::Sqlite { dir, url }
}

/// The PostgreSQL server's URL, or `None` (with a printed line) when the tests are skipped.
pub fn postgres_url(test: &str) -> Option<String> {
    match std::env::var("CF_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CF_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("CF_REQUIRE_POSTGRES=1 but CF_TEST_POSTGRES_URL is unset (scripts/postgres.sh start)");
            }
            eprintln!("skipped {test} on PostgreSQL: CF_TEST_POSTGRES_URL is unset (scripts/postgres.sh start)");
            None
        }
    }
}

/// The same URL with another database name.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    format!("{base}/{name}{query}")
}

/// A fresh PostgreSQL database, or `None` when the PostgreSQL tests are skipped.
pub async fn postgres(test: &str) -> Option<TestDb> {
    Some(postgres_on(&postgres_url(test)?, test).await)
}

/// A fresh database on the server at `admin_url`.
pub async fn postgres_on(admin_url: &str, test: &str) -> TestDb {
    let admin_url = admin_url.to_string();
    let name = format!("cf_t_{}", unique(test)).to_lowercase();
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.expect("connect to CF_TEST_POSTGRES_URL");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create the test database");
    admin.close().await.ok();
    let url = with_database(&admin_url, &name);
    TestDb::Postgres { admin_url, name, url }
}

impl TestDb {
    pub fn url(&self) -> &str {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url, .. } => url,
        }
    }

    /// Runs `statement` on the database directly (as an older release or an operator
    /// would have left it).
    pub async fn raw(&self, statement: &str) {
        let url = self.url();
        if url.starts_with("sqlite:") {
            let mut c = sqlx::SqliteConnection::connect(url).await.expect("a connection");
            sqlx::query(statement).execute(&mut c).await.expect(statement);
        } else {
            let mut c = sqlx::PgConnection::connect(url).await.expect("a connection");
            sqlx::query(statement).execute(&mut c).await.expect(statement);
        }
    }

    /// Connects and migrates.
    pub async fn store(&self) -> Store {
        let store = Store::connect(self.url()).await.expect("connect");
        store.migrate().await.expect("migrate");
        store
    }

    /// Removes the database (left behind when a test fails: it is a throwaway).
    pub async fn remove(self) {
        match self {
            TestDb::Sqlite { dir, .. } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            TestDb::Postgres { admin_url, name, .. } => {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ =
                        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await;
                    admin.close().await.ok();
                }
            }
        }
    }
}

/// A PostgreSQL server of the test's own, run by `scripts/postgres.sh` with a private state
/// folder, so the test may stop and start it without disturbing anyone.
pub struct PrivateServer {
    state: PathBuf,
    pub url: String,
}

impl PrivateServer {
    /// Starts one; `None` when the script cannot (no PostgreSQL installed, say).
    pub async fn start(test: &str) -> Option<PrivateServer> {
        let state = std::env::temp_dir().join(format!("cf-store-pg-{}", unique(test)));
        let out = script(&state, "start").await;
        let url = out.ok()?.lines().find_map(|l| l.strip_prefix("DATABASE_URL=").map(str::to_string))?;
        Some(PrivateServer { state, url })
    }

    /// Stops the server, keeping its data.
    pub async fn pause(&self) {
        script(&self.state, "pause").await.expect("scripts/postgres.sh pause");
    }

    /// Starts it again on the same port.
    pub async fn resume(&self) {
        let out = script(&self.state, "start").await.expect("scripts/postgres.sh start");
        assert!(out.contains(&self.url), "the server came back elsewhere: {out}");
    }

    /// Stops it and removes its data.
    pub async fn remove(self) {
        let _ = script(&self.state, "stop").await;
        let _ = std::fs::remove_dir_all(&self.state);
    }
}

/// Runs `scripts/postgres.sh <command>` with the state folder `state`; its standard output.
async fn script(state: &std::path::Path, command: &'static str) -> Result<String, String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/postgres.sh");
    let state = state.to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(path).arg(command).env("CF_PG_STATE", state).output()
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Runs one statement on the server's admin database.
pub async fn admin(url: &str, statement: &str) {
    let mut admin = sqlx::PgConnection::connect(url).await.expect("admin connection");
    sqlx::query(statement).execute(&mut admin).await.expect(statement);
    admin.close().await.ok();
}
