//! The webhook forwarder (contract section 5): signatures checked by the `standardwebhooks`
//! crate as the oracle, the retry schedule, and the worker end to end against a local HTTP
//! receiver, over an in-memory queue (the real store is tested on its own).

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderValue};
use standardwebhooks::Webhook;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use cancel_flow_collector::webhook::backoff::{after_failure, retry_delay, Next, GIVE_UP_AFTER, MAX_DELAY};
use cancel_flow_collector::webhook::signature::{envelope, sign, SecretError};
use cancel_flow_collector::webhook::{Forwarder, WebhookSecret};
use common::forward_queue::{MemQueue, Row, State};
use common::forward_receiver::{Received, Receiver, Reply};

/// The example secret of the Standard Webhooks specification (24 bytes).
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BASE: Duration = Duration::from_millis(50);

fn secret_of(len: usize) -> String {
    format!("whsec_{}", STANDARD.encode((0..len).map(|i| (i * 37 + 11) as u8).collect::<Vec<_>>()))
}

fn outcome(id: &str) -> String {
    format!(r#"{{"v":1,"id":"{id}","created_at":"2026-11-25T10:00:00Z","result":{{"type":"cancelled"}}}}"#)
}

fn headers(id: &str, timestamp: i64, signature: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("webhook-id", HeaderValue::from_str(id).unwrap());
    h.insert("webhook-timestamp", HeaderValue::from_str(&timestamp.to_string()).unwrap());
    h.insert("webhook-signature", HeaderValue::from_str(signature).unwrap());
    h
}

// ---------------------------------------------------------------- signatures and the body

#[test]
fn signatures_verify_with_standardwebhooks() {
    let large = format!(r#"{{"id":"big","comment":"{}"}}"#, "ü ".repeat(30_000));
    let bodies = [
        outcome("out_1"),
        r#"{"id":"u","comment":"Grüße — 日本語 🎉 \"quoted\" \\ \u00e9"}"#.to_owned(),
        "{ \"b\" : 1,\n  \"a\" : [ 1.50, 2e3 ] }".to_owned(),
        large,
    ];
    for secret_text in [SECRET.to_owned(), secret_of(32), secret_of(64)] {
        let secret = WebhookSecret::parse(&secret_text).unwrap();
        let oracle = Webhook::new(&secret_text).unwrap();
        for (i, data) in bodies.iter().enumerate() {
            let id = format!("out_{i}");
            let now = OffsetDateTime::now_utc().unix_timestamp();
            let body = envelope(OffsetDateTime::from_unix_timestamp(now).unwrap(), data);
            let signature = sign(secret.key(), &id, now, &body);
            assert_eq!(signature, oracle.sign(&id, now, body.as_bytes()).unwrap());
            oracle.verify(body.as_bytes(), &headers(&id, now, &signature)).unwrap();
        }
    }
}

#[test]
fn a_changed_body_id_timestamp_or_key_does_not_verify() {
    let secret = WebhookSecret::parse(SECRET).unwrap();
    let oracle = Webhook::new(SECRET).unwrap();
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let body = envelope(OffsetDateTime::now_utc(), &outcome("out_1"));
    let signature = sign(secret.key(), "out_1", now, &body);
    assert!(oracle.verify(body.replace("cancelled", "paused").as_bytes(), &headers("out_1", now, &signature)).is_err());
    assert!(oracle.verify(body.as_bytes(), &headers("out_2", now, &signature)).is_err());
    assert!(oracle.verify(body.as_bytes(), &headers("out_1", now - 1, &signature)).is_err());
    let other = Webhook::new(&secret_of(32)).unwrap();
    assert!(other.verify(body.as_bytes(), &headers("out_1", now, &signature)).is_err());
}

#[test]
fn the_envelope_splices_the_outcome_exactly_as_received() {
    let data = "{ \"id\" : \"out_1\",\"z\":1, \"a\":\"Grüße 🎉\", \"n\": 1.50 }";
    let sent = OffsetDateTime::from_unix_timestamp(1_795_600_000).unwrap();
    let body = envelope(sent, data);
    assert_eq!(body, format!(r#"{{"type":"outcome.created","timestamp":"2026-11-25T09:46:40Z","data":{data}}}"#));
    let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(parsed["type"], "outcome.created");
    assert_eq!(parsed["data"], serde_json::from_str::<serde_json::Value>(data).unwrap());
    let stamp = OffsetDateTime::parse(parsed["timestamp"].as_str().unwrap(), &Rfc3339).unwrap();
    assert_eq!(stamp, sent);
}

#[test]
fn secrets_are_parsed_and_bad_ones_refused_without_echoing_them() {
    for len in [24, 32, 64] {
        assert_eq!(WebhookSecret::parse(&secret_of(len)).unwrap().key().len(), len);
    }
    let unpadded = format!("whsec_{}", STANDARD_NO_PAD.encode([7u8; 25]));
    assert_eq!(WebhookSecret::parse(&unpadded).unwrap().key(), &[7u8; 25]);
    assert!(WebhookSecret::parse(&format!("  {SECRET}\n")).is_ok());
    assert_eq!(SECRET.parse::<WebhookSecret>().unwrap(), WebhookSecret::parse(SECRET).unwrap());

    let no_prefix = SECRET.trim_start_matches("whsec_").to_owned();
    let cases = [
        (no_prefix, SecretError::MissingPrefix),
        ("".to_owned(), SecretError::MissingPrefix),
        ("whsec_".to_owned(), SecretError::WrongLength(0)),
        ("whsec_not*base64!secret-value".to_owned(), SecretError::NotBase64),
        (secret_of(23), SecretError::WrongLength(23)),
        (secret_of(65), SecretError::WrongLength(65)),
    ];
    for (text, expected) in cases {
        let error = WebhookSecret::parse(&text).unwrap_err();
        assert_eq!(error, expected, "{text}");
        let message = error.to_string();
        let encoded = text.trim_start_matches("whsec_");
        assert!(encoded.is_empty() || !message.contains(encoded), "{message} echoes the secret");
    }
    let debug = format!("{:?}", WebhookSecret::parse(SECRET).unwrap());
    assert!(!debug.contains("MfKQ9r8") && debug.contains("redacted"), "{debug}");
}

// ---------------------------------------------------------------- the retry schedule

#[test]
fn backoff_starts_at_the_base_and_doubles() {
    let base = Duration::from_secs(5);
    let delays: Vec<u64> = (1..=6).map(|n| retry_delay(base, n, 0.0).as_secs()).collect();
    assert_eq!(delays, [5, 10, 20, 40, 80, 160]);
    assert_eq!(retry_delay(base, 0, 0.0), base, "0 failures reads as the first");
    assert_eq!(retry_delay(Duration::ZERO, 1, 0.0), Duration::from_millis(1), "a zero base never spins");
}

#[test]
fn backoff_jitter_shortens_by_at_most_a_quarter() {
    let base = Duration::from_secs(5);
    for n in 1..=20 {
        let nominal = retry_delay(base, n, 0.0);
        assert_eq!(retry_delay(base, n, 1.0), nominal.mul_f64(0.75));
        for _ in 0..200 {
            let d = retry_delay(base, n, rand::random());
            assert!(d <= nominal && d >= nominal.mul_f64(0.75), "{n}: {d:?} outside [0.75, 1] × {nominal:?}");
        }
    }
    assert_eq!(retry_delay(base, 1, -3.0), base);
    assert_eq!(retry_delay(base, 1, 7.0), base.mul_f64(0.75));
    assert_eq!(retry_delay(base, 1, f64::NAN), base);
}

#[test]
fn backoff_is_capped_at_one_hour() {
    let base = Duration::from_secs(5);
    assert_eq!(retry_delay(base, 10, 0.0), Duration::from_secs(2560));
    for n in [11, 12, 40, 1000, u32::MAX] {
        assert_eq!(retry_delay(base, n, 0.0), MAX_DELAY, "{n}");
        assert!(retry_delay(base, n, rand::random()) <= MAX_DELAY);
    }
    assert_eq!(retry_delay(Duration::from_secs(86_400), 1, 0.0), MAX_DELAY);
    assert_eq!(retry_delay(Duration::MAX, 3, 0.0), MAX_DELAY);
}

#[test]
fn backoff_gives_up_when_the_next_attempt_falls_past_three_days() {
    let base = Duration::from_secs(5);
    let first = OffsetDateTime::from_unix_timestamp(1_795_600_000).unwrap();
    let hour = time::Duration::HOUR;
    let at = |n, now| after_failure(base, n, first, now, 0.0);
    assert_eq!(at(1, first), Next::RetryAt(first + time::Duration::seconds(5)));
    assert_eq!(at(30, first + time::Duration::days(2)), Next::RetryAt(first + time::Duration::days(2) + hour));
    assert_eq!(at(30, first + time::Duration::days(3) - hour), Next::RetryAt(first + time::Duration::days(3)));
    assert_eq!(at(30, first + time::Duration::days(3) - hour + time::Duration::SECOND), Next::GiveUp);
    assert_eq!(at(1, first + time::Duration::days(4)), Next::GiveUp);
}

#[test]
fn a_failing_delivery_is_retried_for_three_days_then_given_up() {
    let base = Duration::from_secs(5);
    let first = OffsetDateTime::from_unix_timestamp(1_795_600_000).unwrap();
    let (mut now, mut failures) = (first, 0);
    loop {
        failures += 1;
        match after_failure(base, failures, first, now, rand::random()) {
            Next::RetryAt(next) => {
                assert!(next > now && next - now <= MAX_DELAY && next - first <= GIVE_UP_AFTER);
                now = next;
            }
            Next::GiveUp => break,
        }
    }
    assert!(first + GIVE_UP_AFTER - now <= MAX_DELAY, "the last attempt is within the last hour");
    assert!((80..=110).contains(&failures), "{failures} attempts over 3 days");
}

// ---------------------------------------------------------------- the worker, end to end

struct Running {
    queue: Arc<MemQueue>,
    wake: Arc<Notify>,
    stop: CancellationToken,
    forwarder: tokio::task::JoinHandle<()>,
}

fn start(queue: Arc<MemQueue>, url: &str) -> Running {
    let wake = Arc::new(Notify::new());
    let stop = CancellationToken::new();
    let forwarder = Forwarder::new(queue.clone(), url, WebhookSecret::parse(SECRET).unwrap(), BASE).unwrap();
    let forwarder = tokio::spawn(forwarder.run(wake.clone(), stop.clone()));
    Running { queue, wake, stop, forwarder }
}

impl Running {
    async fn stop(self) {
        self.stop.cancel();
        tokio::time::timeout(Duration::from_secs(5), self.forwarder).await.expect("the forwarder stops").unwrap();
    }
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Every request is a signed Standard Webhooks POST of an `outcome.created` body.
fn assert_well_formed(requests: &[Received], queue: &MemQueue) {
    let oracle = Webhook::new(SECRET).unwrap();
    for r in requests {
        assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/hooks/cancel-flow"));
        assert_eq!(r.headers.get("content-type").unwrap(), "application/json");
        oracle.verify(&r.body, &r.headers).unwrap_or_else(|e| panic!("{}: {e}", r.id()));
        let body = std::str::from_utf8(&r.body).unwrap();
        let data = queue.row(r.id()).body;
        assert!(body.starts_with(r#"{"type":"outcome.created","timestamp":""#), "{body}");
        assert!(body.ends_with(&format!(r#","data":{data}}}"#)), "{body}");
    }
}

#[tokio::test]
async fn a_receiver_that_fails_twice_then_accepts_gets_exactly_three_attempts() {
    let receiver = Receiver::start(|_, n| if n < 2 { Reply::Status(500) } else { Reply::Status(204) }).await;
    let queue = Arc::new(MemQueue::default());
    queue.push("out_1", &outcome("out_1"));
    let run = start(queue.clone(), &receiver.url);
    wait_until("delivered", || queue.row("out_1").state == State::Done).await;
    tokio::time::sleep(BASE * 10).await;
    let got = receiver.received();
    assert_eq!(got.len(), 3, "three attempts, then nothing more");
    assert_well_formed(&got, &queue);
    assert!(got[1].at - got[0].at >= BASE.mul_f64(0.75), "first retry after about the base");
    assert!(got[2].at - got[1].at >= (BASE * 2).mul_f64(0.75), "then twice as long");
    let row = queue.row("out_1");
    assert_eq!(row.attempts, 3);
    assert_eq!(row.last_error.as_deref(), Some("HTTP 500 Internal Server Error: no"));
    run.stop().await;
}

#[tokio::test]
async fn a_healthy_receiver_gets_everything_once_in_stored_order() {
    let receiver = Receiver::start(|_, _| Reply::Status(200)).await;
    let queue = Arc::new(MemQueue::default());
    let ids: Vec<String> = (0..250).map(|i| format!("out_{i:03}")).collect();
    for id in &ids[..230] {
        queue.push(id, &outcome(id));
    }
    let run = start(queue.clone(), &receiver.url);
    wait_until("the backlog is sent", || receiver.received().len() >= 230).await;
    for id in &ids[230..] {
        queue.push(id, &outcome(id));
        run.wake.notify_one();
    }
    wait_until("the new outcomes are sent", || queue.rows().iter().all(|r| r.state == State::Done)).await;
    tokio::time::sleep(BASE * 4).await;
    assert_eq!(receiver.accepted_ids(), ids);
    assert_eq!(receiver.received().len(), ids.len());
    assert_well_formed(&receiver.received(), &queue);
    run.stop().await;
}

#[tokio::test]
async fn a_new_outcome_is_sent_as_soon_as_the_worker_is_woken() {
    let receiver = Receiver::start(|_, _| Reply::Status(200)).await;
    let queue = Arc::new(MemQueue::default());
    let run = start(queue.clone(), &receiver.url);
    tokio::time::sleep(BASE * 2).await;
    let stored = Instant::now();
    run.queue.push("out_1", &outcome("out_1"));
    run.wake.notify_one();
    wait_until("delivered", || queue.row("out_1").state == State::Done).await;
    assert!(stored.elapsed() < Duration::from_secs(2), "woken, not polled: {:?}", stored.elapsed());
    run.stop().await;
}

#[tokio::test]
async fn gone_stops_all_forwarding_until_restart_and_loses_nothing() {
    let receiver = Receiver::start(|_, _| Reply::Status(410)).await;
    let queue = Arc::new(MemQueue::default());
    for id in ["out_1", "out_2", "out_3"] {
        queue.push(id, &outcome(id));
    }
    let run = start(queue.clone(), &receiver.url);
    wait_until("the first request", || !receiver.received().is_empty()).await;
    queue.push("out_4", &outcome("out_4"));
    run.wake.notify_one();
    tokio::time::sleep(BASE * 10).await;
    assert_eq!(receiver.received().len(), 1, "nothing is sent after 410 Gone");
    assert_well_formed(&receiver.received(), &queue);
    for row in queue.rows() {
        assert_eq!((row.state, row.attempts), (State::Pending, 0), "{} is kept pending, untouched", row.id);
    }
    run.stop().await;

    // The operator fixes the URL and restarts: everything goes out, in order.
    let fixed = Receiver::start(|_, _| Reply::Status(200)).await;
    let run = start(queue.clone(), &fixed.url);
    wait_until("all delivered", || queue.rows().iter().all(|r| r.state == State::Done)).await;
    assert_eq!(fixed.accepted_ids(), ["out_1", "out_2", "out_3", "out_4"]);
    run.stop().await;
}

#[tokio::test]
async fn a_receiver_down_then_up_gets_everything_once() {
    // Down: nothing listens on the port.
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let queue = Arc::new(MemQueue::default());
    let ids = ["out_1", "out_2", "out_3", "out_4", "out_5"];
    for id in ids {
        queue.push(id, &outcome(id));
    }
    let run = start(queue.clone(), &format!("http://{addr}/hooks/cancel-flow"));
    wait_until("every delivery failed once", || queue.rows().iter().all(|r| r.attempts >= 1)).await;
    assert!(queue.rows().iter().all(|r| r.state == State::Pending));
    let error = queue.row("out_1").last_error.unwrap();
    assert!(error.starts_with("cannot connect: ") && !error.contains(&addr.to_string()), "{error}");

    // Up, but the first few connections are closed without an answer; then healthy.
    let listener = tokio::net::TcpListener::bind(addr).await.expect("the port is free again");
    let receiver = Receiver::start_on(listener, |_, n| if n < 3 { Reply::Drop } else { Reply::Status(202) });
    wait_until("all delivered", || queue.rows().iter().all(|r| r.state == State::Done)).await;
    let dropped = receiver.received()[0].id().to_owned();
    assert!(queue.row(&dropped).last_error.unwrap().starts_with("no answer: "));
    tokio::time::sleep(BASE * 10).await;
    let mut accepted = receiver.accepted_ids();
    accepted.sort();
    assert_eq!(accepted, ids, "each outcome accepted exactly once");
    assert_eq!(receiver.received().len(), ids.len() + 3, "nothing sent again after its 2xx");
    assert_well_formed(&receiver.received(), &queue);
    run.stop().await;
}

#[tokio::test]
async fn a_rejected_outcome_does_not_hold_back_later_ones() {
    let receiver =
        Receiver::start(|r, _| if r.id() == "out_1" { Reply::Status(400) } else { Reply::Status(200) }).await;
    let queue = Arc::new(MemQueue::default());
    for id in ["out_1", "out_2", "out_3"] {
        queue.push(id, &outcome(id));
    }
    let run = start(queue.clone(), &receiver.url);
    wait_until("the later ones are delivered", || queue.row("out_3").state == State::Done).await;
    assert_eq!(receiver.accepted_ids(), ["out_2", "out_3"]);
    wait_until("the rejected one is retried", || queue.row("out_1").attempts >= 3).await;
    assert_eq!(queue.row("out_1").state, State::Pending);
    run.stop().await;
}

#[tokio::test]
async fn a_delivery_is_marked_failed_three_days_after_its_first_attempt() {
    let receiver = Receiver::start(|_, _| Reply::Status(503)).await;
    let queue = Arc::new(MemQueue::default());
    let now = OffsetDateTime::now_utc();
    queue.push_row(Row {
        id: "out_old".into(),
        body: outcome("out_old"),
        state: State::Pending,
        attempts: 85,
        first_attempt_at: Some(now - time::Duration::days(3) + time::Duration::SECOND),
        next_attempt_at: now,
        last_error: Some("HTTP 503".into()),
        stored_at: now - time::Duration::days(3),
    });
    queue.push("out_new", &outcome("out_new"));
    let run = start(queue.clone(), &receiver.url);
    wait_until("given up", || queue.row("out_old").state == State::Failed).await;
    wait_until("the new one retried", || queue.row("out_new").attempts >= 2).await;
    let old = queue.row("out_old");
    assert_eq!(old.attempts, 86);
    assert!(old.last_error.unwrap().starts_with("HTTP 503"));
    assert_eq!(receiver.received().iter().filter(|r| r.id() == "out_old").count(), 1, "never sent again");
    assert_eq!(queue.row("out_new").state, State::Pending, "a new one keeps being retried");
    run.stop().await;
}

#[tokio::test]
async fn shutdown_ends_an_idle_worker_promptly() {
    let queue = Arc::new(MemQueue::default());
    let run = start(queue, "http://127.0.0.1:9/hooks");
    tokio::time::sleep(BASE).await;
    let asked = Instant::now();
    run.stop().await;
    assert!(asked.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn only_http_urls_are_accepted() {
    for url in ["", "not a url", "ftp://example.com/hook", "mailto:shop@example.com", "/relative"] {
        let queue = Arc::new(MemQueue::default());
        let secret = WebhookSecret::parse(SECRET).unwrap();
        let result = Forwarder::new(queue, url, secret, BASE);
        assert!(matches!(result, Err(cancel_flow_collector::webhook::worker::SetupError::BadUrl)), "{url}");
    }
}
