//! The filters every insights read takes (`flow_id`, `from`, `to`, `include_test`), as
//! the API's query and the pages' query both carry them, checked into the store's
//! [`ExportFilter`]; a bad value is refused with a message naming the parameter.

use crate::store::ExportFilter;
use serde::Deserialize;

/// A filter that cannot be read: the message names the parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FilterError(pub String);

/// The filters every admin read takes.
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    /// One flow.
    pub flow_id: Option<String>,
    /// From this date (UTC, inclusive).
    pub from: Option<String>,
    /// To this date (UTC, inclusive).
    pub to: Option<String>,
    /// `true` to include test outcomes.
    pub include_test: Option<String>,
}

impl Filters {
    /// As the store's filter; a bad date or flag names the parameter.
    pub fn to_export(&self) -> Result<ExportFilter, FilterError> {
        let date = |name: &str, v: &Option<String>| -> Result<Option<time::Date>, FilterError> {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            v.as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| {
                    time::Date::parse(s, &format)
                        .map_err(|_| FilterError(format!("{name}: must be a date such as 2026-11-25")))
                })
                .transpose()
        };
        let include_test = match self.include_test.as_deref() {
            None | Some("") | Some("false") => false,
            Some("true") => true,
            Some(_) => return Err(FilterError("include_test: must be true or false".into())),
        };
        Ok(ExportFilter {
            flow_id: self.flow_id.clone().filter(|f| !f.is_empty()),
            from: date("from", &self.from)?,
            to: date("to", &self.to)?,
            include_test,
        })
    }
}
