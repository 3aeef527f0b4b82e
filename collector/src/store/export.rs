//! Streaming stored outcomes in stored order, for the CSV exports, a page at a time (see
//! `paging`).

use super::error::StoreError;
use super::paging;
use super::types::{ExportFilter, StoredOutcome};
use super::values::{parse_ts, Bounds};
use super::Store;
use futures::stream::BoxStream;
use std::sync::Arc;

/// Rows read per query.
const PAGE: i64 = 500;

impl Store {
    /// The stored outcomes matching `filter`, in stored order, read page by page.
    pub fn export(&self, filter: ExportFilter) -> BoxStream<'static, Result<StoredOutcome, StoreError>> {
        let (backend, bounds) = (self.backend.clone(), Arc::new(Bounds::of(&filter)));
        paging::by_seq(
            PAGE,
            |o: &StoredOutcome| o.seq,
            move |after, limit| {
                let (backend, bounds) = (backend.clone(), bounds.clone());
                async move {
                    let rows = backend.export_page(&bounds, after, limit).await?;
                    rows.into_iter()
                        .map(|(seq, id, body, received_at, created_at)| {
                            Ok(StoredOutcome {
                                seq,
                                id,
                                body,
                                received_at: parse_ts(&received_at)?,
                                created_at: parse_ts(&created_at)?,
                            })
                        })
                        .collect()
                }
            },
        )
    }
}
