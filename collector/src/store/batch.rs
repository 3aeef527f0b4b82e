//! Storing a batch of outcomes: one transaction and a constant number of statements per
//! batch, whatever its size; each item stored, a duplicate or a conflict, as if inserted
//! one after the other. The batch is deduplicated and judged here, without SQL; the
//! statements are each backend's [`Transaction::insert_new`] and
//! [`Transaction::canonicals`].

use super::backend::Transaction;
use super::counts;
use super::error::StoreError;
use super::types::{Insert, NewOutcome};
use super::values::Row;
use super::Store;
use std::collections::HashMap;

/// How often an id that is neither insertable nor found (erased between the two
/// statements by another collector) is tried again before giving up.
const TRIES: usize = 3;

impl Store {
    /// Stores a batch in one transaction. Each item is [`Insert::Stored`] (with a pending
    /// delivery when `forward`), or, when its id exists (stored before or earlier in this
    /// batch), [`Insert::Duplicate`] for the same canonical body and [`Insert::Conflict`]
    /// for another; nothing is written for those. Stored items take the stored order of
    /// the batch. On error nothing of the batch is stored.
    ///
    /// A constant number of statements per batch, whatever its size: the batch is
    /// deduplicated here first (a repeated id is judged against its first occurrence, as
    /// if the items were inserted one after the other), then one multi-row insert of the
    /// first occurrences that skips ids already stored (with their pending deliveries and
    /// comments), only when some were skipped one look-up of those ids' canonical forms,
    /// and the insights' counts.
    pub async fn insert_batch(&self, batch: &[NewOutcome], forward: bool) -> Result<Vec<Insert>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<Row<'_>> = batch.iter().map(Row::of).collect();
        let ids = Firsts::of(&rows);
        let mut tx = self.backend.begin_insert().await?;
        let found = insert_or_look_up(tx.as_mut(), &rows, &ids, forward).await?;
        counts::count_stored(tx.as_mut(), &stored_rows(&rows, &found)).await?;
        let results = judge(&rows, &ids.first, &found)?;
        tx.commit().await?;
        Ok(results)
    }
}

/// Each item's first occurrence in the batch, by the id as stored.
struct Firsts<'r> {
    /// Id → the index of its first occurrence.
    index: HashMap<&'r str, usize>,
    /// Item → the index of its id's first occurrence (itself, for a first occurrence).
    first: Vec<usize>,
}

impl<'r> Firsts<'r> {
    fn of(rows: &'r [Row<'_>]) -> Firsts<'r> {
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
        let first = rows.iter().enumerate().map(|(i, row)| *index.entry(row.id.as_ref()).or_insert(i)).collect();
        Firsts { index, first }
    }

    /// The first occurrences, in batch order.
    fn firsts(&self) -> Vec<usize> {
        self.first.iter().enumerate().filter(|&(i, &f)| i == f).map(|(i, _)| i).collect()
    }
}

/// What the database said of an id's first occurrence in a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Found {
    /// Inserted by this batch.
    Stored,
    /// Stored before, with this canonical form.
    Existing(String),
}

/// Decides each first occurrence, in batch order: inserts those whose id is new, then
/// looks up the canonical form of the others. An id neither inserted nor found (erased in
/// between by another collector) is tried again.
async fn insert_or_look_up(
    tx: &mut dyn Transaction,
    rows: &[Row<'_>],
    ids: &Firsts<'_>,
    forward: bool,
) -> Result<Vec<Option<Found>>, StoreError> {
    let mut found: Vec<Option<Found>> = rows.iter().map(|_| None).collect();
    let mut pending = ids.firsts();
    for _ in 0..TRIES {
        let new: Vec<&Row<'_>> = pending.iter().map(|&i| &rows[i]).collect();
        for id in tx.insert_new(&new, forward).await? {
            if let Some(&i) = ids.index.get(id.as_str()) {
                found[i] = Some(Found::Stored);
            }
        }
        pending.retain(|&i| found[i].is_none());
        if pending.is_empty() {
            return Ok(found);
        }
        let look_up: Vec<&str> = pending.iter().map(|&i| rows[i].id.as_ref()).collect();
        for (id, canonical) in tx.canonicals(&look_up).await? {
            if let Some(&i) = ids.index.get(id.as_str()) {
                found[i].get_or_insert(Found::Existing(canonical));
            }
        }
        pending.retain(|&i| found[i].is_none());
        if pending.is_empty() {
            return Ok(found);
        }
    }
    Err(StoreError::Unavailable("an outcome id was erased while being stored; try again".into()))
}

/// The rows this batch inserted.
fn stored_rows<'r, 'a>(rows: &'r [Row<'a>], found: &[Option<Found>]) -> Vec<&'r Row<'a>> {
    rows.iter().zip(found).filter(|(_, f)| matches!(f, Some(Found::Stored))).map(|(r, _)| r).collect()
}

/// Each item's answer, from what its id's first occurrence (`first[i]`) found.
fn judge(rows: &[Row<'_>], first: &[usize], found: &[Option<Found>]) -> Result<Vec<Insert>, StoreError> {
    rows.iter()
        .zip(first)
        .enumerate()
        .map(|(i, (row, &f))| {
            // What is stored under this id: its first occurrence, or what was there.
            let stored = match &found[f] {
                Some(Found::Stored) if i == f => return Ok(Insert::Stored),
                Some(Found::Stored) => rows[f].item.canonical.as_str(),
                Some(Found::Existing(canonical)) => canonical.as_str(),
                // `insert_or_look_up` decides every first occurrence or fails.
                None => return Err(StoreError::Database("an outcome of the batch was left undecided".into())),
            };
            Ok(if stored == row.item.canonical { Insert::Duplicate } else { Insert::Conflict })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{insert_or_look_up, judge, Firsts, Found, TRIES};
    use crate::store::backend::{CustomerRow, FlowWrites, Transaction, UncountedRow};
    use crate::store::deltas::{AssignmentEnd, Cancellation, Deltas, LostSave, SaveWindow};
    use crate::store::values::{AssignmentRow, Row};
    use crate::store::{Insert, NewOutcome, StoreError};
    use async_trait::async_trait;
    use futures::executor::block_on;
    use std::collections::HashMap;
    use time::macros::datetime;

    fn item(id: &str, canonical: &str) -> NewOutcome {
        NewOutcome {
            id: id.into(),
            body: canonical.into(),
            canonical: canonical.into(),
            customer_id: "cus".into(),
            subscription_id: None,
            flow_id: "f".into(),
            plan_id: "p".into(),
            test: false,
            result_type: "cancelled".into(),
            reason_id: None,
            created_at: datetime!(2026-11-25 09:30:00 UTC),
            received_at: datetime!(2026-11-25 09:30:01 UTC),
            keep_in_touch: false,
            comment: None,
            tally: Default::default(),
        }
    }

    #[test]
    fn repeated_ids_are_judged_against_their_first_occurrence() {
        // "b\0" is stored as "b\u{fffd}": the same id.
        let items =
            [item("a", "1"), item("b\u{fffd}", "2"), item("a", "1"), item("a", "9"), item("b\0", "2"), item("c", "3")];
        let rows: Vec<Row<'_>> = items.iter().map(Row::of).collect();
        let ids = Firsts::of(&rows);
        assert_eq!(ids.first, [0, 1, 0, 0, 1, 5]);
        assert_eq!(ids.firsts(), [0, 1, 5]);
        let found = [
            Some(Found::Stored),
            Some(Found::Existing("2".into())),
            None,
            None,
            None,
            Some(Found::Existing("x".into())),
        ];
        assert_eq!(
            judge(&rows, &ids.first, &found).unwrap(),
            [
                Insert::Stored,
                Insert::Duplicate,
                Insert::Duplicate,
                Insert::Conflict,
                Insert::Duplicate,
                Insert::Conflict
            ]
        );
        let undecided = vec![None; rows.len()];
        assert!(matches!(judge(&rows, &ids.first, &undecided), Err(StoreError::Database(_))));
    }

    /// A transaction over a map of stored ids → canonical forms; `vanishing` ids are
    /// neither insertable nor found (erased by another collector in between).
    #[derive(Default)]
    struct Fake {
        stored: HashMap<String, String>,
        vanishing: Vec<String>,
        statements: usize,
    }

    #[async_trait]
    impl Transaction for Fake {
        async fn commit(self: Box<Self>) -> Result<(), StoreError> {
            Ok(())
        }
        async fn insert_new(&mut self, rows: &[&Row<'_>], _forward: bool) -> Result<Vec<String>, StoreError> {
            self.statements += 1;
            let mut new = Vec::new();
            for row in rows {
                let id = row.id.to_string();
                if !self.stored.contains_key(&id) && !self.vanishing.contains(&id) {
                    self.stored.insert(id.clone(), row.item.canonical.clone());
                    new.push(id);
                }
            }
            Ok(new)
        }
        async fn canonicals(&mut self, ids: &[&str]) -> Result<Vec<(String, String)>, StoreError> {
            self.statements += 1;
            Ok(ids.iter().filter_map(|id| Some((id.to_string(), self.stored.get(*id)?.clone()))).collect())
        }
        async fn lock_insights(&mut self) -> Result<(), StoreError> {
            unreachable!()
        }
        async fn insert_comments(&mut self, _: &[(&str, &str)]) -> Result<(), StoreError> {
            unreachable!()
        }
        async fn mark_saves_lost(&mut self, _: &[SaveWindow<'_>]) -> Result<Vec<LostSave>, StoreError> {
            unreachable!()
        }
        async fn mark_lost_before(&mut self, _: &[Cancellation<'_>]) -> Result<Vec<LostSave>, StoreError> {
            unreachable!()
        }
        async fn add_counts(&mut self, _: &Deltas) -> Result<(), StoreError> {
            unreachable!()
        }
        async fn uncounted(&mut self, _: i64) -> Result<Vec<UncountedRow>, StoreError> {
            unreachable!()
        }
        async fn mark_counted(&mut self, _: &[i64], _: &[i64]) -> Result<(), StoreError> {
            unreachable!()
        }
        async fn customer_outcomes(&mut self, _: &str) -> Result<Vec<CustomerRow>, StoreError> {
            unreachable!()
        }
        async fn erase_customer(&mut self, _: &str) -> Result<u64, StoreError> {
            unreachable!()
        }
        async fn old_comments(&mut self, _: &str, _: i64) -> Result<Vec<(i64, String)>, StoreError> {
            unreachable!()
        }
        async fn erase_comment(&mut self, _: i64, _: &str, _: &str) -> Result<(), StoreError> {
            unreachable!()
        }
        async fn insert_stripe_event(&mut self, _: &str, _: &str, _: &str) -> Result<bool, StoreError> {
            unreachable!()
        }
        async fn report_cancellation(&mut self, _: &str, _: &str, _: &str) -> Result<(), StoreError> {
            unreachable!()
        }
    }

    #[async_trait]
    impl FlowWrites for Fake {
        async fn lock_flow(&mut self, _: &str) -> Result<(), StoreError> {
            unreachable!()
        }
        async fn latest_flow_canonical(&mut self, _: &str) -> Result<Option<(i64, String)>, StoreError> {
            unreachable!()
        }
        async fn experiment(&mut self, _: &str) -> Result<Option<(String, String)>, StoreError> {
            unreachable!()
        }
        async fn insert_flow_version(
            &mut self,
            _: &str,
            _: i64,
            _: &str,
            _: &str,
            _: Option<&str>,
            _: &str,
        ) -> Result<(), StoreError> {
            unreachable!()
        }
        async fn insert_experiment(&mut self, _: &str, _: &str, _: i64, _: &str) -> Result<(), StoreError> {
            unreachable!()
        }
        async fn end_assignments(&mut self, _: &[AssignmentEnd<'_>]) -> Result<(), StoreError> {
            unreachable!()
        }
        async fn insert_assignments(&mut self, _: &[AssignmentRow<'_>]) -> Result<u64, StoreError> {
            unreachable!()
        }
        async fn assignment_groups(&mut self, _: &[(&str, &str)]) -> Result<Vec<(String, String, String)>, StoreError> {
            unreachable!()
        }
    }

    #[test]
    fn new_ids_are_inserted_and_the_others_looked_up_once() {
        let items = [item("new", "1"), item("old", "2"), item("new", "1")];
        let rows: Vec<Row<'_>> = items.iter().map(Row::of).collect();
        let ids = Firsts::of(&rows);
        let mut tx = Fake { stored: HashMap::from([("old".into(), "0".into())]), ..Fake::default() };
        let found = block_on(insert_or_look_up(&mut tx, &rows, &ids, false)).unwrap();
        assert_eq!(found, [Some(Found::Stored), Some(Found::Existing("0".into())), None]);
        assert_eq!(tx.statements, 2);
        assert_eq!(judge(&rows, &ids.first, &found).unwrap(), [Insert::Stored, Insert::Conflict, Insert::Duplicate]);

        let mut tx = Fake::default();
        block_on(insert_or_look_up(&mut tx, &rows, &ids, false)).unwrap();
        assert_eq!(tx.statements, 1, "nothing to look up");
    }

    #[test]
    fn an_id_erased_meanwhile_is_tried_again_then_unavailable() {
        let items = [item("a", "1"), item("gone", "2")];
        let rows: Vec<Row<'_>> = items.iter().map(Row::of).collect();
        let ids = Firsts::of(&rows);
        let mut tx = Fake { vanishing: vec!["gone".into()], ..Fake::default() };
        let e = block_on(insert_or_look_up(&mut tx, &rows, &ids, true)).unwrap_err();
        assert!(e.is_unavailable(), "{e}");
        assert_eq!(tx.statements, 2 * TRIES);
    }
}
