//! An in-memory delivery queue for the forwarder's tests only (the real store is tested on
//! its own): rows in stored order, with the state each call leaves them in.

use std::convert::Infallible;
use std::sync::Mutex;

use time::OffsetDateTime;

use cancel_flow_collector::webhook::{DeliveryQueue, DueDelivery};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    Pending,
    Done,
    Failed,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub body: String,
    pub state: State,
    pub attempts: i32,
    pub first_attempt_at: Option<OffsetDateTime>,
    pub next_attempt_at: OffsetDateTime,
    pub last_error: Option<String>,
    pub stored_at: OffsetDateTime,
}

#[derive(Default)]
pub struct MemQueue {
    rows: Mutex<Vec<Row>>,
}

impl MemQueue {
    /// Stores a new outcome, due now.
    pub fn push(&self, id: &str, body: &str) {
        let now = OffsetDateTime::now_utc();
        self.push_row(Row {
            id: id.to_owned(),
            body: body.to_owned(),
            state: State::Pending,
            attempts: 0,
            first_attempt_at: None,
            next_attempt_at: now,
            last_error: None,
            stored_at: now,
        });
    }

    pub fn push_row(&self, row: Row) {
        self.rows.lock().unwrap().push(row);
    }

    pub fn rows(&self) -> Vec<Row> {
        self.rows.lock().unwrap().clone()
    }

    pub fn row(&self, id: &str) -> Row {
        self.rows().into_iter().find(|r| r.id == id).expect("a stored row")
    }

    fn update(&self, id: &str, change: impl FnOnce(&mut Row)) {
        let mut rows = self.rows.lock().unwrap();
        let row = rows.iter_mut().find(|r| r.id == id).expect("the worker updates a stored row");
        assert_eq!(row.state, State::Pending, "{id}: only pending deliveries are updated");
        change(row);
    }
}

impl DeliveryQueue for MemQueue {
    type Error = Infallible;

    async fn due_deliveries(&self, now: OffsetDateTime, limit: i64) -> Result<Vec<DueDelivery>, Infallible> {
        let rows = self.rows.lock().unwrap();
        Ok(rows
            .iter()
            .filter(|r| r.state == State::Pending && r.next_attempt_at <= now)
            .take(limit as usize)
            .map(|r| DueDelivery {
                outcome_id: r.id.clone(),
                body: r.body.clone(),
                attempts: r.attempts,
                first_attempt_at: r.first_attempt_at,
                stored_at: r.stored_at,
            })
            .collect())
    }

    async fn next_due_at(&self) -> Result<Option<OffsetDateTime>, Infallible> {
        let rows = self.rows.lock().unwrap();
        Ok(rows.iter().filter(|r| r.state == State::Pending).map(|r| r.next_attempt_at).min())
    }

    async fn delivery_done(&self, outcome_id: &str, _at: OffsetDateTime) -> Result<(), Infallible> {
        self.update(outcome_id, |r| {
            r.attempts += 1;
            r.state = State::Done;
        });
        Ok(())
    }

    async fn delivery_retry(
        &self,
        outcome_id: &str,
        attempts: i32,
        next_at: OffsetDateTime,
        error: &str,
        first_attempt_at: OffsetDateTime,
    ) -> Result<(), Infallible> {
        self.update(outcome_id, |r| {
            assert_eq!(attempts, r.attempts + 1, "attempts count up by one");
            r.attempts = attempts;
            r.next_attempt_at = next_at;
            r.last_error = Some(error.to_owned());
            r.first_attempt_at = Some(first_attempt_at);
        });
        Ok(())
    }

    async fn delivery_failed(&self, outcome_id: &str, _at: OffsetDateTime, error: &str) -> Result<(), Infallible> {
        self.update(outcome_id, |r| {
            r.attempts += 1;
            r.state = State::Failed;
            r.last_error = Some(error.to_owned());
        });
        Ok(())
    }
}
