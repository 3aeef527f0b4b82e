//! Calendar dates without time zones: the resume date of a pause and the effective date
//! of a cancellation are local calendar days. Pure arithmetic, no clock: "today" is
//! passed in by the browser adapter. Also the calendar spans ("4 weeks") added to them;
//! `config` re-exports `Span` and `Unit`, and this module depends on nothing else.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A calendar unit for durations and periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Days.
    Day,
    /// Weeks.
    Week,
    /// Months.
    Month,
    /// Years.
    Year,
}

impl Unit {
    /// The wire name (`day`, `week`, `month`, `year`).
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::Month => "month",
            Unit::Year => "year",
        }
    }
}

/// A span of time such as "4 weeks".
/// On the wire: `{"unit": "week", "count": 4}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Span {
    /// The calendar unit: `day`, `week`, `month` or `year`.
    pub unit: Unit,
    /// How many units, at least 1.
    #[cfg_attr(feature = "schema", schemars(range(min = 1)))]
    pub count: u32,
}

impl Span {
    /// The `data-value` of a pause option, e.g. `4-week`.
    pub fn value(&self) -> String {
        format!("{}-{}", self.count, self.unit.as_str())
    }
}

/// A calendar day (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ymd {
    /// Year, e.g. 2026.
    pub year: i32,
    /// Month 1..=12.
    pub month: u32,
    /// Day 1..=31.
    pub day: u32,
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in a month.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

impl Ymd {
    /// A date, if it exists.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Self> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month) && (1..=9999).contains(&year))
            .then_some(Ymd { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = &s[r];
            part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok()).flatten()
        };
        Ymd::new(num(0..4)? as i32, num(5..7)?, num(8..10)?)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn to_days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = self.year as i64 - if self.month <= 2 { 1 } else { 0 };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Self {
        let z = days + 719468;
        let era = if z >= 0 { z } else { z - 146096 } / 146097;
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        Ymd { year: (y + if m <= 2 { 1 } else { 0 }) as i32, month: m, day: d }
    }

    /// This date plus `n` days.
    pub fn add_days(self, n: i64) -> Self {
        Ymd::from_days(self.to_days() + n)
    }

    /// This date plus `n` months, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29).
    pub fn add_months(self, n: u32) -> Self {
        let total = self.year as i64 * 12 + (self.month as i64 - 1) + n as i64;
        let year = (total / 12) as i32;
        let month = (total % 12) as u32 + 1;
        Ymd { year, month, day: self.day.min(days_in_month(year, month)) }
    }

    /// This date plus a span.
    // Not `impl Add<Span>`: callers write `date.add(span)` without importing `std::ops::Add`.
    #[allow(clippy::should_implement_trait)]
    pub fn add(self, span: Span) -> Self {
        match span.unit {
            Unit::Day => self.add_days(span.count as i64),
            Unit::Week => self.add_days(7 * span.count as i64),
            Unit::Month => self.add_months(span.count),
            Unit::Year => self.add_months(12 * span.count),
        }
    }
}

/// On the wire: `"2026-12-23"`.
impl Serialize for Ymd {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// In a JSON Schema: a string of format `date` (`YYYY-MM-DD`), as `Serialize` writes it.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Ymd {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date" })
    }
}

impl<'de> Deserialize<'de> for Ymd {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        Ymd::parse(&text).ok_or_else(|| serde::de::Error::custom("must be a date such as \"2026-12-23\""))
    }
}

impl fmt::Display for Ymd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        assert_eq!(Ymd::parse("2026-12-31").unwrap().to_string(), "2026-12-31");
        assert!(Ymd::parse("2026-02-30").is_none());
        assert!(Ymd::parse("2026-2-3").is_none());
        assert!(Ymd::parse("+026-02-03").is_none());
    }

    #[test]
    fn adds_weeks_and_months() {
        let d = Ymd::parse("2026-11-25").unwrap();
        assert_eq!(d.add(Span { unit: Unit::Week, count: 4 }).to_string(), "2026-12-23");
        assert_eq!(d.add(Span { unit: Unit::Month, count: 3 }).to_string(), "2027-02-25");
        let j = Ymd::parse("2027-01-31").unwrap();
        assert_eq!(j.add(Span { unit: Unit::Month, count: 1 }).to_string(), "2027-02-28");
        assert_eq!(Ymd::parse("2028-01-31").unwrap().add_months(1).to_string(), "2028-02-29");
    }

    #[test]
    fn days_round_trip() {
        for n in [-800_000i64, -1, 0, 1, 59, 365, 20_000, 2_000_000] {
            assert_eq!(Ymd::from_days(n).to_days(), n);
        }
        assert_eq!(Ymd::from_days(0).to_string(), "1970-01-01");
    }
}
