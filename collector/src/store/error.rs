//! `StoreError`: what went wrong with the database, sorted by what the caller can do about
//! it (retry later, refuse the data, fix the configuration), with the driver's error kept
//! as the source. Messages never carry a database URL's password: URLs in them are
//! redacted.

use std::path::PathBuf;

/// What caused a store failure: the driver's error (`sqlx::Error`, or sqlx's
/// `MigrateError` when a migration could not reach the database), or, for the few failures
/// the store finds itself, its own words (`"…".into()`). Downcast the source to reach the
/// driver's error.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL cannot be used: the message names the problem.
    #[error("bad database URL: {}", redact_urls(.0))]
    Url(String),
    /// The database cannot be reached or cannot take work now (connection refused or
    /// lost, pool timeout, server shutting down, SQLite busy or out of disk): retry later.
    #[error("database unavailable: {}", redacted(.0))]
    Unavailable(#[source] Cause),
    /// The database refused the data itself (a constraint, an invalid value): retrying the
    /// same data fails again.
    #[error("database refused the data: {}", redacted(.0))]
    Rejected(#[source] Cause),
    /// Any other database failure.
    #[error("database error: {}", redacted(.0))]
    Database(#[source] Cause),
    /// The migrations could not be applied.
    #[error("migrations failed: {}", redact_urls(&.0.to_string()))]
    Migrate(#[source] sqlx::migrate::MigrateError),
    /// A stored value could not be read back (a malformed timestamp).
    #[error("unreadable stored value: {}", redact_urls(.0))]
    Corrupt(String),
    /// The SQLite file's folder could not be created.
    #[error("cannot create the database folder: {}: {source}", path.display())]
    Io {
        /// The folder.
        path: PathBuf,
        /// Why not.
        #[source]
        source: std::io::Error,
    },
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

/// The text of `cause`, its URLs redacted.
fn redacted(cause: &Cause) -> String {
    redact_urls(&cause.to_string())
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match sort(&e) {
            Sort::Unavailable => StoreError::Unavailable(Box::new(e)),
            Sort::Rejected => StoreError::Rejected(Box::new(e)),
            // A setting the driver refused: said as it says it (redacted when shown).
            Sort::Url => StoreError::Url(e.to_string()),
            Sort::Other => StoreError::Database(Box::new(e)),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        use sqlx::migrate::MigrateError::{Execute, ExecuteMigration};
        match &e {
            Execute(inner) | ExecuteMigration(inner, _) if sort(inner) == Sort::Unavailable => {
                StoreError::Unavailable(Box::new(e))
            }
            _ => StoreError::Migrate(e),
        }
    }
}

/// What a caller can do about a driver's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sort {
    /// Retry later.
    Unavailable,
    /// Not send the same data again.
    Rejected,
    /// Fix the database URL.
    Url,
    /// Nothing in particular.
    Other,
}

/// Sorts a sqlx error.
fn sort(e: &sqlx::Error) -> Sort {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => Sort::Unavailable,
        sqlx::Error::Configuration(_) => Sort::Url,
        sqlx::Error::Database(db) => match db.code() {
            // Which backend said it decides how to read the code: most SQLSTATEs are all
            // digits too ("22021", "40001"), which SQLite's reading would mistake.
            Some(code) => classify(&code, db.kind(), db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some()),
            None => Sort::Other,
        },
        _ => Sort::Other,
    }
}

/// Sorts a database error by its code: SQLite's numeric (extended) result codes, or
/// PostgreSQL's five-character SQLSTATE.
fn classify(code: &str, kind: sqlx::error::ErrorKind, sqlite: bool) -> Sort {
    if !matches!(kind, sqlx::error::ErrorKind::Other) {
        return Sort::Rejected;
    }
    if sqlite {
        let Ok(n) = code.parse::<i64>() else { return Sort::Other };
        // SQLite: the primary code is the low byte.
        return match n & 0xff {
            // BUSY, LOCKED, NOMEM, IOERR, FULL, CANTOPEN, PROTOCOL
            5 | 6 | 7 | 10 | 13 | 14 | 15 => Sort::Unavailable,
            // TOOBIG, CONSTRAINT, MISMATCH, RANGE
            18 | 19 | 20 | 25 => Sort::Rejected,
            _ => Sort::Other,
        };
    }
    match code.get(..2) {
        // connection exception, insufficient resources, operator intervention (shutdown,
        // cannot connect now), system error, transaction rollback (serialization, deadlock)
        Some("08" | "53" | "57" | "58" | "40") => Sort::Unavailable,
        // data exception, integrity constraint violation
        Some("22" | "23") => Sort::Rejected,
        _ => Sort::Other,
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

#[cfg(test)]
mod tests {
    use super::{classify, redact_urls, Sort, StoreError};
    use sqlx::error::ErrorKind;
    use std::error::Error;

    #[test]
    fn sqlite_codes_by_their_primary_code() {
        // BUSY, BUSY_RECOVERY (5 | 1 << 8), LOCKED, IOERR_FSYNC (10 | 4 << 8), FULL, CANTOPEN
        for code in ["5", "261", "6", "1034", "13", "14"] {
            assert_eq!(classify(code, ErrorKind::Other, true), Sort::Unavailable, "{code}");
        }
        // TOOBIG, CONSTRAINT, MISMATCH, RANGE
        for code in ["18", "19", "20", "25"] {
            assert_eq!(classify(code, ErrorKind::Other, true), Sort::Rejected, "{code}");
        }
        for code in ["1", "11", "not a number"] {
            assert_eq!(classify(code, ErrorKind::Other, true), Sort::Other, "{code}");
        }
    }

    #[test]
    fn postgres_sqlstates_by_their_class() {
        for code in ["08006", "53100", "57P01", "58030", "40001", "40P01"] {
            assert_eq!(classify(code, ErrorKind::Other, false), Sort::Unavailable, "{code}");
        }
        // 22021 would be SQLite's BUSY (0x5605 & 0xff = 5): the backend decides the reading.
        for code in ["22021", "22003", "23514"] {
            assert_eq!(classify(code, ErrorKind::Other, false), Sort::Rejected, "{code}");
        }
        assert_eq!(classify("42P01", ErrorKind::Other, false), Sort::Other);
        // A constraint the driver recognises is refused data, on either backend.
        assert_eq!(classify("23505", ErrorKind::UniqueViolation, false), Sort::Rejected);
        assert_eq!(classify("2067", ErrorKind::UniqueViolation, true), Sort::Rejected);
    }

    #[test]
    fn the_driver_error_is_the_source() {
        let e = StoreError::from(sqlx::Error::PoolTimedOut);
        assert!(e.is_unavailable() && !e.is_rejected());
        let source = e.source().and_then(|s| s.downcast_ref::<sqlx::Error>());
        assert!(matches!(source, Some(sqlx::Error::PoolTimedOut)), "{e:?}");
        assert_eq!(e.to_string(), format!("database unavailable: {}", sqlx::Error::PoolTimedOut));
        let e = StoreError::from(sqlx::Error::RowNotFound);
        assert!(matches!(e, StoreError::Database(_)) && !e.is_unavailable());
        assert!(e.source().and_then(|s| s.downcast_ref::<sqlx::Error>()).is_some());
        let e = StoreError::Unavailable("an outcome id was erased while being stored; try again".into());
        assert!(e.is_unavailable());
        assert_eq!(e.to_string(), "database unavailable: an outcome id was erased while being stored; try again");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact_urls("postgres://u:pw@h:5/db and x://v@h"), "postgres://u:***@h:5/db and x://v@h");
        let e = StoreError::Url("postgres://u:hunter2@h".into());
        assert_eq!(e.to_string(), "bad database URL: postgres://u:***@h");
        let e = StoreError::Rejected("value of postgresql://a:b@c/d".into());
        assert_eq!(e.to_string(), "database refused the data: value of postgresql://a:***@c/d");
    }
}
