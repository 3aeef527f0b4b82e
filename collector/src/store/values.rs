//! How values cross to the database, the same for both backends: instants as one fixed UTC
//! text, text without NUL characters, an outcome's columns as bound ([`Row`]) and a
//! filter's bounds ([`Bounds`]).
//!
//! Timestamps cross the driver as text in one fixed UTC form,
//! `2026-11-25T09:30:00.123456Z` (always six fractional digits): SQLite stores exactly that
//! text, so comparing texts orders instants; PostgreSQL stores `timestamptz`, reads the text
//! with `$n::timestamptz` and writes it back with `to_char` (no driver date types needed).

use super::error::StoreError;
use super::types::{ExportFilter, NewOutcome};
use std::borrow::Cow;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

const FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// The fixed UTC text of an instant (truncated to the microsecond).
pub(super) fn ts(t: OffsetDateTime) -> String {
    // Formatting cannot fail: every component is present and years stay within 4 digits.
    t.to_offset(UtcOffset::UTC).format(FORMAT).unwrap_or_default()
}

/// The fixed UTC text of a date's midnight.
pub(super) fn day_start(d: Date) -> String {
    ts(d.midnight().assume_utc())
}

/// Reads the fixed UTC text back.
pub(super) fn parse_ts(s: &str) -> Result<OffsetDateTime, StoreError> {
    PrimitiveDateTime::parse(s, FORMAT)
        .map(PrimitiveDateTime::assume_utc)
        .map_err(|e| StoreError::Corrupt(format!("timestamp {s:?}: {e}")))
}

/// `s` with any NUL character (which PostgreSQL refuses in text, failing the whole
/// statement) replaced.
pub(super) fn clean(s: &str) -> Cow<'_, str> {
    if s.contains('\0') {
        Cow::Owned(s.replace('\0', "\u{fffd}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// An outcome's values as bound: timestamps as text, NUL characters replaced in the
/// indexed fields. `body` and `canonical` are JSON texts, which cannot hold a raw NUL.
pub(super) struct Row<'a> {
    pub item: &'a NewOutcome,
    pub id: Cow<'a, str>,
    pub customer_id: Cow<'a, str>,
    pub subscription_id: Option<Cow<'a, str>>,
    pub flow_id: Cow<'a, str>,
    pub plan_id: Cow<'a, str>,
    pub result_type: Cow<'a, str>,
    pub reason_id: Option<Cow<'a, str>>,
    pub created_at: String,
    pub received_at: String,
}

impl<'a> Row<'a> {
    pub(super) fn of(item: &'a NewOutcome) -> Row<'a> {
        Row {
            item,
            id: clean(&item.id),
            customer_id: clean(&item.customer_id),
            subscription_id: item.subscription_id.as_deref().map(clean),
            flow_id: clean(&item.flow_id),
            plan_id: clean(&item.plan_id),
            result_type: clean(&item.result_type),
            reason_id: item.reason_id.as_deref().map(clean),
            created_at: ts(item.created_at),
            received_at: ts(item.received_at),
        }
    }
}

/// An assignment as bound (an import of many at once): the texts cleaned, the instants as
/// text.
pub(super) struct AssignmentRow<'a> {
    pub experiment_id: &'a str,
    pub customer_id: Cow<'a, str>,
    pub subscription_id: Option<Cow<'a, str>>,
    pub group: &'a str,
    pub at: String,
    pub window_end: String,
}

/// A filter as bound: every read binds `(flow_id?, from?, to?, include_test)` as `$1`–`$4`,
/// the dates as days (`YYYY-MM-DD`) for the daily counts, as instants for the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Bounds {
    pub flow_id: Option<String>,
    /// The first day, inclusive.
    pub from_day: Option<String>,
    /// The last day, inclusive.
    pub to_day: Option<String>,
    /// The first day's midnight, inclusive.
    pub from: Option<String>,
    /// The midnight after the last day, exclusive.
    pub before: Option<String>,
    pub include_test: bool,
}

impl Bounds {
    pub(super) fn of(filter: &ExportFilter) -> Bounds {
        Bounds {
            flow_id: filter.flow_id.clone(),
            from_day: filter.from.map(|d| d.to_string()),
            to_day: filter.to.map(|d| d.to_string()),
            from: filter.from.map(day_start),
            // `to` is inclusive: everything before the next day's midnight.
            before: filter.to.and_then(|d| d.next_day()).map(day_start),
            include_test: filter.include_test,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{clean, parse_ts, ts, Bounds};
    use crate::store::ExportFilter;
    use time::macros::{date, datetime};

    #[test]
    fn timestamps_are_fixed_utc_text() {
        let t = datetime!(2026-11-25 10:30:00.123456789 +01:00);
        assert_eq!(ts(t), "2026-11-25T09:30:00.123456Z");
        assert_eq!(parse_ts(&ts(t)).unwrap(), datetime!(2026-11-25 09:30:00.123456 UTC));
        assert_eq!(ts(datetime!(2026-01-02 03:04:05 UTC)), "2026-01-02T03:04:05.000000Z");
        assert!(parse_ts("2026-11-25 09:30:00").is_err());
    }

    #[test]
    fn nul_characters_are_replaced() {
        assert_eq!(clean("a\0b"), "a\u{fffd}b");
        assert!(matches!(clean("ab"), std::borrow::Cow::Borrowed("ab")));
    }

    #[test]
    fn the_last_day_is_inclusive() {
        let filter = ExportFilter {
            flow_id: Some("f".into()),
            from: Some(date!(2026 - 11 - 01)),
            to: Some(date!(2026 - 11 - 30)),
            include_test: true,
        };
        let b = Bounds::of(&filter);
        assert_eq!(b.from_day.as_deref(), Some("2026-11-01"));
        assert_eq!(b.to_day.as_deref(), Some("2026-11-30"));
        assert_eq!(b.from.as_deref(), Some("2026-11-01T00:00:00.000000Z"));
        assert_eq!(b.before.as_deref(), Some("2026-12-01T00:00:00.000000Z"));
        assert_eq!(Bounds::of(&ExportFilter::default()), Bounds::default());
    }
}
