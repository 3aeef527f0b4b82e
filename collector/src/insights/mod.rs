//! Insights (COLLECTOR.md section 6), the pure part: what each outcome adds to the daily
//! counts (`tally`), and the figures `/v1/insights` answers and the page draws, summed
//! from those counts (`figures`), and an experiment group's secondary figures by the
//! same definitions (`secondary`). The store keeps the counts in the same transaction as
//! each outcome; nothing here touches the database or HTTP.

pub mod figures;
pub mod secondary;
pub mod tally;

pub use figures::Figures;
pub use tally::Metric;
