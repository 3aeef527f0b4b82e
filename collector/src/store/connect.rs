//! Opening the database from its URL, and the migrations of each backend.
//!
//! SQLite: the file and its folder are created; WAL journal, `synchronous=FULL` (a commit
//! is on disk before it is acknowledged), a busy timeout, foreign keys on. PostgreSQL: a
//! pool with the server's default (synchronous) commit. Both pools give up acquiring a
//! connection after a few seconds, so a database that is down answers "unavailable"
//! quickly; PostgreSQL connections are tested before use, so the pool recovers by itself
//! when the server comes back.

use super::{Backend, StoreError};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// How long acquiring a connection may take before the store answers "unavailable".
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long SQLite waits for another connection's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub(super) async fn open(url: &str) -> Result<Backend, StoreError> {
    if let Some(rest) = url.strip_prefix("sqlite:") {
        sqlite(rest).await
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        postgres(url).await
    } else {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
        Err(StoreError::Url(format!("expected sqlite://PATH or postgres://…, not the scheme {scheme:?}")))
    }
}

pub(super) async fn migrate(backend: &Backend) -> Result<(), StoreError> {
    match backend {
        Backend::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
        Backend::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
    }
    Ok(())
}

/// `rest` is what follows `sqlite:`: `//relative/path`, `///absolute/path` or a bare path.
async fn sqlite(rest: &str) -> Result<Backend, StoreError> {
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if !query.is_empty() && query != "mode=rwc" {
        tracing::warn!(parameters = query, "ignoring the parameters of the sqlite URL");
    }
    if path.is_empty() || path.starts_with(":memory:") {
        return Err(StoreError::Url("sqlite:// needs a file path (outcomes must survive a restart)".into()));
    }
    let path = Path::new(path);
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|source| StoreError::Io { path: folder.to_path_buf(), source })?;
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(BUSY_TIMEOUT)
        .foreign_keys(true);
    // No ping before each acquire: a SQLite connection is a file handle that cannot be
    // lost, and the ping is one more round trip to the connection's worker thread per
    // batch (measured: about a tenth of a commit under load).
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .test_before_acquire(false)
        .connect_with(options)
        .await?;
    Ok(Backend::Sqlite(pool))
}

async fn postgres(url: &str) -> Result<Backend, StoreError> {
    // The URL's own error text could quote it: say only what kind of problem it is.
    let mut options = PgConnectOptions::from_str(url).map_err(|e| match e {
        sqlx::Error::Configuration(_) => StoreError::Url("malformed postgres:// URL".into()),
        other => StoreError::from(other),
    })?;
    if options.get_application_name().is_none() {
        options = options.application_name("cancel-flow-collector");
    }
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .test_before_acquire(true)
        .connect_with(options)
        .await?;
    Ok(Backend::Postgres(pool))
}
