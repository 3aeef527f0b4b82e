//! Reading the insights: the figures summed from the daily counts (a few rows per day,
//! flow and metric, whatever the number of outcomes), the comments page by page, the
//! keep-in-touch list. (The counts are written with each outcome: `counts.rs`.)

use super::backend::KeepRow;
use super::error::StoreError;
use super::paging;
use super::types::{Comment, CommentPage, ExportFilter, KeepInTouch};
use super::values::{parse_ts, Bounds};
use super::Store;
use crate::insights::figures::Webhooks;
use crate::insights::{Figures, Metric};
use futures::stream::BoxStream;
use std::sync::Arc;

/// Rows of the keep-in-touch export read per query.
const PAGE: i64 = 500;

impl Store {
    /// The figures of `/v1/insights` for `filter`.
    pub async fn insights(&self, filter: &ExportFilter) -> Result<Figures, StoreError> {
        let b = Bounds::of(filter);
        let counts = self.backend.summed_counts(&b).await?;
        let days = self.backend.results_by_day(&b).await?;
        let d = self.delivery_counts().await?;
        let webhooks = Webhooks { pending: d.pending, failed: d.failed, delivered: d.delivered };
        let counts = counts.into_iter().filter_map(|(m, k, n)| Some((Metric::from_name(&m)?, k, n)));
        Ok(Figures::from_counts(counts, days, webhooks))
    }

    /// Comments matching `filter` (and `reason_id` when given), newest first: `limit`
    /// of them after skipping `offset`.
    pub async fn comments(
        &self,
        filter: &ExportFilter,
        reason_id: Option<&str>,
        offset: u64,
        limit: u64,
    ) -> Result<CommentPage, StoreError> {
        let b = Bounds::of(filter);
        let (limit, offset) = (i64::try_from(limit).unwrap_or(i64::MAX), i64::try_from(offset).unwrap_or(i64::MAX));
        let total = self.backend.comments_total(&b, reason_id).await?;
        let rows = self.backend.comments(&b, reason_id, limit, offset).await?;
        let items = rows
            .into_iter()
            .map(|(created_at, flow_id, reason_id, result_type, text)| {
                Ok(Comment { created_at: parse_ts(&created_at)?, flow_id, reason_id, result_type, text })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(CommentPage { total: u64::try_from(total).unwrap_or(0), items })
    }

    /// The latest `limit` people who asked to hear about improvements, newest first.
    pub async fn keep_in_touch_recent(
        &self,
        filter: &ExportFilter,
        limit: u64,
    ) -> Result<Vec<KeepInTouch>, StoreError> {
        let b = Bounds::of(filter);
        let rows = self.backend.keep_in_touch_recent(&b, i64::try_from(limit).unwrap_or(i64::MAX)).await?;
        rows.into_iter().map(keep_in_touch).collect()
    }

    /// Every flow id with stored outcomes, sorted (for the page's filter).
    pub async fn flow_ids(&self) -> Result<Vec<String>, StoreError> {
        self.backend.flow_ids().await
    }

    /// Everyone matching `filter` who cancelled with the keep-in-touch opt-in, in stored
    /// order, read page by page (keyset paging, as the outcomes export).
    pub fn keep_in_touch(&self, filter: ExportFilter) -> BoxStream<'static, Result<KeepInTouch, StoreError>> {
        let (backend, bounds) = (self.backend.clone(), Arc::new(Bounds::of(&filter)));
        paging::by_seq(
            PAGE,
            |k: &KeepInTouch| k.seq,
            move |after, limit| {
                let (backend, bounds) = (backend.clone(), bounds.clone());
                async move {
                    backend.keep_in_touch_page(&bounds, after, limit).await?.into_iter().map(keep_in_touch).collect()
                }
            },
        )
    }
}

fn keep_in_touch(
    (seq, customer_id, subscription_id, flow_id, created_at, reason_id, comment): KeepRow,
) -> Result<KeepInTouch, StoreError> {
    Ok(KeepInTouch {
        seq,
        customer_id,
        subscription_id,
        flow_id,
        created_at: parse_ts(&created_at)?,
        reason_id,
        comment,
    })
}
