//! Keeping the insights' counts in the same transaction as the outcomes they count: each
//! stored outcome adds its tally to its day's row, and the saves its cancellation (or its
//! own late arrival) makes lost are marked once and counted in `saves_lost`; its
//! cancellations also end the experiments' assignments they reach. What to count
//! is worked out in `deltas`; this file runs it in a transaction. The comments and the
//! insights' lock are the caller's: the batch insert takes both with the outcomes.

use super::backend::Transaction;
use super::deltas::{AssignmentEnd, Cancellation, Counting, Deltas};
use super::error::StoreError;
use super::values::Row;

/// Counts newly stored `rows`: adds their tallies, marks lost the saves among them whose
/// subscription was already cancelled in their window, and the saves their cancellations
/// end, and counts those losses.
pub(super) async fn count_stored(tx: &mut dyn Transaction, rows: &[&Row<'_>]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let Counting { mut deltas, saves, cancellations } = Counting::of(rows);
    if !saves.is_empty() {
        deltas.add_lost(&tx.mark_saves_lost(&saves).await?);
    }
    mark_lost_before(tx, &cancellations, &mut deltas).await?;
    let ends = AssignmentEnd::of_rows(rows);
    if !ends.is_empty() {
        tx.end_assignments(&ends).await?;
    }
    tx.add_counts(&deltas).await
}

/// Marks lost every counted, not yet lost save of these cancellations' subscriptions made
/// in the 30 days before each, and counts each in `deltas`.
pub(super) async fn mark_lost_before(
    tx: &mut dyn Transaction,
    cancellations: &[Cancellation<'_>],
    deltas: &mut Deltas,
) -> Result<(), StoreError> {
    if !cancellations.is_empty() {
        deltas.add_lost(&tx.mark_lost_before(cancellations).await?);
    }
    Ok(())
}
