//! What stored outcomes change in the insights' counts, worked out without the database:
//! each outcome adds its tally (see `insights::tally`) to its day's row, and a save whose
//! subscription is cancelled within 30 days after (by a later `cancelled` outcome or a
//! reported cancellation, whichever arrives first) is lost, counted once in `saves_lost`.
//! Both databases take the windows from here ([`WINDOW`]), so they use the same 30 days.

use super::values::{ts, Row};
use crate::insights::tally::{is_save, Metric, Tally};
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

/// How long after a save a cancellation makes it lost.
pub(super) const WINDOW: Duration = Duration::days(30);

/// The UTC date of a stored timestamp text (`2026-11-25T…`).
pub(super) fn day_of(ts: &str) -> &str {
    ts.get(..10).unwrap_or(ts)
}

/// Changes to the counts: `(day, flow, test, metric, key)` → how much to add.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Deltas(BTreeMap<(String, String, bool, &'static str, String), i64>);

/// One change of [`Deltas`], as bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Change<'a> {
    pub day: &'a str,
    pub flow_id: &'a str,
    pub test: bool,
    pub metric: &'static str,
    pub key: &'a str,
    pub n: i64,
}

/// A save marked lost, as the database returns it: `(day, flow_id, test)`.
pub(super) type LostSave = (String, String, bool);

impl Deltas {
    pub fn add(&mut self, day: &str, flow_id: &str, test: bool, metric: Metric, key: &str, n: i64) {
        *self.0.entry((day.to_string(), flow_id.to_string(), test, metric.as_str(), key.to_string())).or_default() += n;
    }

    /// Every count of `tally`, `n` times.
    pub fn add_tally(&mut self, day: &str, flow_id: &str, test: bool, tally: &Tally, n: i64) {
        for (metric, key) in &tally.counts {
            self.add(day, flow_id, test, *metric, key, n);
        }
    }

    /// Counts saves just marked lost.
    pub fn add_lost(&mut self, lost: &[LostSave]) {
        for (day, flow_id, test) in lost {
            self.add(day, flow_id, *test, Metric::SavesLost, "", 1);
        }
    }

    /// The changes that change something (not 0), in key order.
    pub fn changes(&self) -> Vec<Change<'_>> {
        self.0
            .iter()
            .filter(|(_, &n)| n != 0)
            .map(|((day, flow_id, test, metric, key), &n)| Change { day, flow_id, test: *test, metric, key, n })
            .collect()
    }
}

/// A save just stored, with the end of its window (`created_at` + 30 days): it is lost
/// if its subscription was cancelled after it and by then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SaveWindow<'a> {
    pub id: &'a str,
    pub until: String,
}

/// A cancellation of a subscription at an instant, with the start of the window of saves
/// it makes lost (`at` − 30 days); times as stored text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Cancellation<'a> {
    pub subscription_id: &'a str,
    pub since: String,
    pub at: String,
}

impl<'a> Cancellation<'a> {
    pub fn new(subscription_id: &'a str, at: OffsetDateTime) -> Cancellation<'a> {
        Cancellation { subscription_id, since: ts(at - WINDOW), at: ts(at) }
    }
}

/// A cancellation as the experiments count it (COLLECTOR.md section 8): it ends the
/// assignments of its subscription made by `at`, and, when it names a customer, that
/// customer's assignments made by `at` without a subscription id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AssignmentEnd<'a> {
    pub subscription_id: Option<&'a str>,
    pub customer_id: Option<&'a str>,
    pub at: String,
}

impl<'a> AssignmentEnd<'a> {
    /// The cancellations among newly stored rows.
    pub fn of_rows(rows: &[&'a Row<'_>]) -> Vec<AssignmentEnd<'a>> {
        rows.iter()
            .filter(|r| r.result_type == "cancelled")
            .map(|r| AssignmentEnd {
                subscription_id: r.subscription_id.as_deref(),
                customer_id: Some(r.customer_id.as_ref()),
                at: r.created_at.clone(),
            })
            .collect()
    }
}

/// What newly stored rows do to the counts: their tallies, the saves that may already
/// have their cancellation, and the cancellations that may end earlier saves.
#[derive(Debug)]
pub(super) struct Counting<'a> {
    pub deltas: Deltas,
    pub saves: Vec<SaveWindow<'a>>,
    pub cancellations: Vec<Cancellation<'a>>,
}

impl<'a> Counting<'a> {
    pub fn of(rows: &[&'a Row<'_>]) -> Counting<'a> {
        let mut deltas = Deltas::default();
        for row in rows {
            deltas.add_tally(day_of(&row.created_at), &row.flow_id, row.item.test, &row.item.tally, 1);
        }
        let saves = rows
            .iter()
            .filter(|r| is_save(&r.result_type) && r.subscription_id.is_some())
            .map(|r| SaveWindow { id: r.id.as_ref(), until: ts(r.item.created_at + WINDOW) })
            .collect();
        let cancellations = rows
            .iter()
            .filter(|r| r.result_type == "cancelled")
            .filter_map(|r| Some(Cancellation::new(r.subscription_id.as_deref()?, r.item.created_at)))
            .collect();
        Counting { deltas, saves, cancellations }
    }
}

#[cfg(test)]
mod tests {
    use super::{day_of, Cancellation, Change, Counting, Deltas, SaveWindow};
    use crate::insights::tally::{Metric, Tally};
    use crate::store::values::Row;
    use crate::store::NewOutcome;
    use time::macros::datetime;

    fn outcome(id: &str, result_type: &str, subscription: Option<&str>) -> NewOutcome {
        NewOutcome {
            id: id.into(),
            body: "{}".into(),
            canonical: "{}".into(),
            customer_id: "cus".into(),
            subscription_id: subscription.map(String::from),
            flow_id: "f".into(),
            plan_id: "p".into(),
            test: false,
            result_type: result_type.into(),
            reason_id: None,
            created_at: datetime!(2026-11-25 09:30:00 UTC),
            received_at: datetime!(2026-11-25 09:30:01 UTC),
            keep_in_touch: false,
            comment: None,
            tally: Tally { counts: vec![(Metric::Result, result_type.into())] },
        }
    }

    #[test]
    fn changes_leave_out_zeros_and_add_up() {
        let mut d = Deltas::default();
        d.add("2026-11-25", "f", false, Metric::Result, "paused", 1);
        d.add("2026-11-25", "f", false, Metric::Result, "paused", 1);
        d.add("2026-11-25", "f", true, Metric::Result, "cancelled", 1);
        d.add("2026-11-25", "f", true, Metric::Result, "cancelled", -1);
        d.add_lost(&[("2026-11-20".into(), "g".into(), false)]);
        let change = |day, flow_id, metric, key, n| Change { day, flow_id, test: false, metric, key, n };
        assert_eq!(
            d.changes(),
            [change("2026-11-20", "g", "saves_lost", "", 1), change("2026-11-25", "f", "result", "paused", 2)]
        );
        assert_eq!(day_of("2026-11-25T09:30:00.000000Z"), "2026-11-25");
    }

    #[test]
    fn saves_and_cancellations_open_30_day_windows() {
        let items = [
            outcome("s", "paused", Some("sub")),
            outcome("s-no-sub", "downgraded", None),
            outcome("c", "cancelled", Some("sub")),
            outcome("c-no-sub", "cancelled", None),
            outcome("k", "kept", Some("sub")),
        ];
        let rows: Vec<Row<'_>> = items.iter().map(Row::of).collect();
        let counting = Counting::of(&rows.iter().collect::<Vec<_>>());
        assert_eq!(counting.saves, [SaveWindow { id: "s", until: "2026-12-25T09:30:00.000000Z".into() }]);
        assert_eq!(
            counting.cancellations,
            [Cancellation {
                subscription_id: "sub",
                since: "2026-10-26T09:30:00.000000Z".into(),
                at: "2026-11-25T09:30:00.000000Z".into()
            }]
        );
        assert_eq!(counting.deltas.changes().len(), 4, "paused, downgraded, cancelled, kept");
    }
}
