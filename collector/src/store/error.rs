//! `StoreError`: what went wrong with the database, sorted by what the caller can do about
//! it (retry later, refuse the data, fix the configuration). Messages never carry a
//! database URL's password: URLs in them are redacted.

use std::fmt;

/// A store failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The database URL cannot be used: the message names the problem.
    Url(String),
    /// The database cannot be reached or cannot take work now (connection refused or
    /// lost, pool timeout, server shutting down, SQLite busy or out of disk): retry later.
    Unavailable(String),
    /// The database refused the data itself (a constraint, an invalid value): retrying the
    /// same data fails again.
    Rejected(String),
    /// Any other database failure.
    Database(String),
    /// The migrations could not be applied.
    Migrate(String),
    /// A stored value could not be read back (a malformed timestamp).
    Corrupt(String),
    /// The SQLite file's folder could not be created.
    Io(String),
}

impl StoreError {
    /// Whether retrying later may succeed (the HTTP layer answers 503).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }

    /// Whether the database refused the data itself.
    pub fn is_rejected(&self) -> bool {
        matches!(self, StoreError::Rejected(_))
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, message) = match self {
            StoreError::Url(m) => ("bad database URL", m),
            StoreError::Unavailable(m) => ("database unavailable", m),
            StoreError::Rejected(m) => ("database refused the data", m),
            StoreError::Database(m) => ("database error", m),
            StoreError::Migrate(m) => ("migrations failed", m),
            StoreError::Corrupt(m) => ("unreadable stored value", m),
            StoreError::Io(m) => ("cannot create the database folder", m),
        };
        write!(f, "{what}: {}", redact_urls(message))
    }
}

impl std::error::Error for StoreError {}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        sort(&e, e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        use sqlx::migrate::MigrateError::{Execute, ExecuteMigration};
        let message = e.to_string();
        match &e {
            Execute(inner) | ExecuteMigration(inner, _) if sort(inner, String::new()).is_unavailable() => {
                StoreError::Unavailable(message)
            }
            _ => StoreError::Migrate(message),
        }
    }
}

/// Sorts a sqlx error, with `message` as its text.
fn sort(e: &sqlx::Error, message: String) -> StoreError {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => StoreError::Unavailable(message),
        sqlx::Error::Configuration(_) => StoreError::Url(message),
        sqlx::Error::Database(db) => match db.code() {
            // Which backend said it decides how to read the code: most SQLSTATEs are all
            // digits too ("22021", "40001"), which SQLite's reading would mistake.
            Some(code) => {
                classify(&code, db.kind(), db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some(), message)
            }
            None => StoreError::Database(message),
        },
        _ => StoreError::Database(message),
    }
}

/// Sorts a database error by its code: SQLite's numeric (extended) result codes, or
/// PostgreSQL's five-character SQLSTATE.
fn classify(code: &str, kind: sqlx::error::ErrorKind, sqlite: bool, message: String) -> StoreError {
    if !matches!(kind, sqlx::error::ErrorKind::Other) {
        return StoreError::Rejected(message);
    }
    if sqlite {
        let Ok(n) = code.parse::<i64>() else { return StoreError::Database(message) };
        // SQLite: the primary code is the low byte.
        return match n & 0xff {
            // BUSY, LOCKED, NOMEM, IOERR, FULL, CANTOPEN, PROTOCOL
            5 | 6 | 7 | 10 | 13 | 14 | 15 => StoreError::Unavailable(message),
            // TOOBIG, CONSTRAINT, MISMATCH, RANGE
            18 | 19 | 20 | 25 => StoreError::Rejected(message),
            _ => StoreError::Database(message),
        };
    }
    match code.get(..2) {
        // connection exception, insufficient resources, operator intervention (shutdown,
        // cannot connect now), system error, transaction rollback (serialization, deadlock)
        Some("08" | "53" | "57" | "58" | "40") => StoreError::Unavailable(message),
        // data exception, integrity constraint violation
        Some("22" | "23") => StoreError::Rejected(message),
        _ => StoreError::Database(message),
    }
}

/// Replaces the password of every `scheme://user:password@host` in `s` with `***`.
pub(crate) fn redact_urls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail.find(|c: char| c == '/' || c == '?' || c == '#' || c.is_whitespace() || c == '"' || c == '\'');
        let authority = &tail[..end.unwrap_or(tail.len())];
        match authority.rfind('@') {
            Some(at) => {
                let userinfo = &authority[..at];
                match userinfo.find(':') {
                    Some(colon) => {
                        out.push_str(&userinfo[..colon]);
                        out.push_str(":***");
                    }
                    None => out.push_str(userinfo),
                }
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[authority.len()..];
    }
    out.push_str(rest);
    out
}
