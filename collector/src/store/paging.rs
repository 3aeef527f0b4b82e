//! Reading a long result as a stream of pages by `seq` (keyset paging on the primary key),
//! for the exports: neither the table nor a database connection is held while a slow
//! client reads, each page being one short query. Rows stored while a stream runs may
//! appear at its end.

use super::error::StoreError;
use futures::stream::{self, BoxStream, StreamExt};
use std::future::Future;

/// The rows of `page(after_seq, size)`, page after page, each starting after the last
/// `seq` of the one before (the first after 0), until a page comes back shorter than
/// `size`; an error is the stream's last item.
pub(super) fn by_seq<T, F, Fut>(size: i64, seq: fn(&T) -> i64, page: F) -> BoxStream<'static, Result<T, StoreError>>
where
    T: Send + 'static,
    F: FnMut(i64, i64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Vec<T>, StoreError>> + Send + 'static,
{
    stream::unfold(Some((page, 0_i64)), move |state| async move {
        let (mut page, after) = state?;
        match page(after, size).await {
            Ok(rows) => {
                let next = match rows.last() {
                    Some(last) if rows.len() as i64 == size => Some((page, seq(last))),
                    _ => None,
                };
                Some((rows.into_iter().map(Ok).collect::<Vec<_>>(), next))
            }
            Err(e) => Some((vec![Err(e)], None)),
        }
    })
    .flat_map(stream::iter)
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::by_seq;
    use crate::store::StoreError;
    use futures::executor::block_on;
    use futures::StreamExt;
    use std::sync::{Arc, Mutex};

    /// Reads seqs `1..=rows` in pages of 3; returns what the stream gave and each page asked.
    fn read(rows: i64, fail_after: Option<i64>) -> (Vec<Result<i64, String>>, Vec<i64>) {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = asked.clone();
        let stream = by_seq(
            3,
            |seq: &i64| *seq,
            move |after, size| {
                log.lock().unwrap().push(after);
                async move {
                    if fail_after.is_some_and(|f| after >= f) {
                        return Err(StoreError::Unavailable("down".into()));
                    }
                    Ok(((after + 1)..=rows).take(size as usize).collect())
                }
            },
        );
        let items = block_on(stream.map(|r| r.map_err(|e| e.to_string())).collect::<Vec<_>>());
        let asked = asked.lock().unwrap().clone();
        (items, asked)
    }

    #[test]
    fn pages_follow_the_last_seq_until_a_short_page() {
        let (items, asked) = read(7, None);
        assert_eq!(items, (1..=7).map(Ok).collect::<Vec<_>>());
        assert_eq!(asked, [0, 3, 6]);
        let (items, asked) = read(6, None);
        assert_eq!(items.len(), 6);
        assert_eq!(asked, [0, 3, 6], "a full last page asks once more");
        assert_eq!(read(0, None), (vec![], vec![0]));
    }

    #[test]
    fn an_error_ends_the_stream() {
        let (items, asked) = read(10, Some(3));
        assert_eq!(items, [Ok(1), Ok(2), Ok(3), Err("database unavailable: down".into())]);
        assert_eq!(asked, [0, 3]);
    }
}
