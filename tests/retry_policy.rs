//! The retry policy (`core::retry`) driven by a fake clock: backoff growth and jitter,
//! `Retry-After` in both forms, the 30 s foreground budget and the background pace after it,
//! final refusals, the IMF-fixdate parser, and properties over random answer sequences.

#![cfg(not(target_arch = "wasm32"))]

use cancel_flow::core::date::{days_in_month, Ymd};
use cancel_flow::core::retry::{
    backoff_ms, http_date_ms, retry_after_ms, Answer, Next, Retry, ANSWER_TIMEOUT_MS, BACKGROUND_PAUSE_MS,
    FOREGROUND_BUDGET_MS, MAX_WAIT_MS,
};
use proptest::prelude::*;

/// 2026-06-01T00:00:00Z, a plausible `Date.now()`.
const T0: u64 = 1_780_272_000_000;

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// An IMF-fixdate for `ms` since the epoch (rounded down to the second).
fn imf(ms: i64) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // 1970-01-01 was a Thursday
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let d = Ymd::from_days(days);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[days.rem_euclid(7) as usize],
        d.day,
        MONTHS[d.month as usize - 1],
        d.year,
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// A fake clock driving one policy: each attempt advances `now` by the request's own
/// duration, then by the wait the policy asked for.
struct Clock {
    now: u64,
    policy: Retry,
}

impl Clock {
    fn new() -> Self {
        Clock { now: T0, policy: Retry::start(T0) }
    }

    /// One attempt that took `took_ms` and got `answer`; returns the policy's decision.
    fn attempt(&mut self, took_ms: u64, answer: Answer<'_>, jitter: f64) -> Next {
        self.now += took_ms;
        let next = self.policy.next(answer, self.now, jitter);
        if let Next::RetryIn { wait_ms, .. } = next {
            self.now += wait_ms as u64;
        }
        next
    }

    /// One attempt answered `status` after 100 ms.
    fn status(&mut self, status: u16, retry_after: Option<&str>, jitter: f64) -> Next {
        self.attempt(100, Answer::Status { status, retry_after }, jitter)
    }

    fn restart(&mut self) {
        self.policy.restart(self.now);
    }
}

fn wait_of(next: Next) -> u32 {
    match next {
        Next::RetryIn { wait_ms, .. } => wait_ms,
        other => panic!("expected a retry, got {other:?}"),
    }
}

fn retry(wait_ms: u32, last_status: Option<u16>, show_error: bool) -> Next {
    Next::RetryIn { wait_ms, last_status, show_error }
}

// --- backoff and foreground retries -------------------------------------------------------

#[test]
fn bad_gateway_three_times_then_ok_backs_off_with_growing_base() {
    for jitter in [0.0, 0.25, 0.5, 0.999_999] {
        let mut clock = Clock::new();
        let mut gaps = vec![];
        for _ in 0..3 {
            match clock.status(502, None, jitter) {
                Next::RetryIn { wait_ms, last_status: Some(502), show_error: false } => gaps.push(wait_ms),
                other => panic!("jitter {jitter}: {other:?}"),
            }
        }
        assert_eq!(clock.status(200, None, jitter), Next::Delivered(200));
        for (gap, base) in gaps.iter().zip([1_000, 2_000, 4_000]) {
            assert!((base / 2..=base).contains(gap), "jitter {jitter}: gap {gap} outside [{}, {base}]", base / 2);
        }
        assert!(gaps.windows(2).all(|w| w[0] < w[1]), "gaps grow: {gaps:?}");
    }
}

#[test]
fn unavailable_twice_then_ok() {
    let mut clock = Clock::new();
    assert_eq!(clock.status(503, None, 0.0), retry(500, Some(503), false));
    assert_eq!(clock.status(503, None, 0.0), retry(1_000, Some(503), false));
    assert_eq!(clock.status(200, None, 0.0), Next::Delivered(200));
}

#[test]
fn backoff_bases_cap_and_jitter_edges() {
    let bases: Vec<u32> = (0..8).map(|n| backoff_ms(n, 0.999_999_999)).collect();
    assert_eq!(bases, [499, 999, 1_999, 3_999, 7_999, 7_999, 7_999, 7_999]);
    let halves: Vec<u32> = (0..8).map(|n| backoff_ms(n, 0.0)).collect();
    assert_eq!(halves, [250, 500, 1_000, 2_000, 4_000, 4_000, 4_000, 4_000]);
    assert_eq!(backoff_ms(3, 0.5), 3_000);
    assert_eq!(backoff_ms(u32::MAX, 0.5), 6_000);
    // Out-of-range jitter is clamped; NaN counts as 0.
    assert_eq!(backoff_ms(1, -3.0), 500);
    assert_eq!(backoff_ms(1, 7.0), 1_000);
    assert_eq!(backoff_ms(1, f64::NAN), 500);
    assert_eq!(backoff_ms(1, f64::INFINITY), 1_000);
}

// --- Retry-After ---------------------------------------------------------------------------

#[test]
fn too_many_requests_honours_retry_after_seconds() {
    let mut clock = Clock::new();
    let wait = wait_of(clock.status(429, Some("1"), 0.0));
    assert!(wait >= 1_000, "{wait}");
    assert_eq!(wait, 1_000);
    assert_eq!(clock.status(201, None, 0.0), Next::Delivered(201));
}

#[test]
fn retry_after_http_date_five_seconds_ahead() {
    let mut clock = Clock::new();
    let date = imf((T0 + 5_000) as i64);
    let answer = Answer::Status { status: 503, retry_after: Some(&date) };
    assert_eq!(clock.attempt(0, answer, 0.7), retry(5_000, Some(503), false));
    // Answered 250 ms later, the same date is 250 ms nearer (dates are whole seconds).
    let mut clock = Clock::new();
    assert_eq!(clock.attempt(250, answer, 0.7), retry(4_750, Some(503), false));
}

#[test]
fn retry_after_http_date_in_the_past_means_now() {
    let mut clock = Clock::new();
    let date = imf(T0 as i64 - 3_600_000);
    assert_eq!(clock.status(503, Some(&date), 0.7), retry(0, Some(503), false));
    assert_eq!(clock.status(503, Some("Sun, 06 Nov 1994 08:49:37 GMT"), 0.7), retry(0, Some(503), false));
}

#[test]
fn retry_after_garbage_falls_back_to_backoff() {
    for garbage in ["soon", "", "  ", "1.5", "-1", "+5", "5s", "0x10", "Sun, 06 Nov 1994 08:49:37 UTC", "١٢"] {
        let mut clock = Clock::new();
        assert_eq!(clock.status(503, Some(garbage), 0.5), retry(750, Some(503), false), "{garbage:?}");
    }
}

#[test]
fn retry_after_is_capped_at_max_wait() {
    let mut clock = Clock::new();
    // 999999 s is far past the budget: the error step shows, and the wait is capped.
    assert_eq!(clock.status(503, Some("999999"), 0.5), retry(MAX_WAIT_MS, Some(503), true));
    assert_eq!(clock.status(503, Some("999999"), 0.5), retry(MAX_WAIT_MS, Some(503), false));
    let far = imf((T0 + 86_400_000) as i64);
    assert_eq!(clock.status(503, Some(&far), 0.5), retry(MAX_WAIT_MS, Some(503), false));
}

#[test]
fn retry_after_longer_than_the_budget_shows_the_error_at_once() {
    let mut clock = Clock::new();
    assert_eq!(clock.status(503, Some("40"), 0.5), retry(40_000, Some(503), true));
    // Background pace: at least 15 s, longer when the server asks.
    assert_eq!(clock.status(503, None, 0.5), retry(BACKGROUND_PAUSE_MS, Some(503), false));
    assert_eq!(clock.status(503, Some("3"), 0.5), retry(BACKGROUND_PAUSE_MS, Some(503), false));
    assert_eq!(clock.status(503, Some("20"), 0.5), retry(20_000, Some(503), false));
    assert_eq!(clock.status(200, None, 0.5), Next::Delivered(200));
}

#[test]
fn retry_after_value_forms() {
    assert_eq!(retry_after_ms("0", T0), Some(0));
    assert_eq!(retry_after_ms("1", T0), Some(1_000));
    assert_eq!(retry_after_ms("120", T0), Some(120_000));
    assert_eq!(retry_after_ms(" \t120 ", T0), Some(120_000));
    assert_eq!(retry_after_ms("007", T0), Some(7_000));
    // Read as at most an hour, so a huge value cannot overflow.
    assert_eq!(retry_after_ms("999999", T0), Some(3_600_000));
    assert_eq!(retry_after_ms("99999999999999999999999999", T0), Some(3_600_000));
    let date = imf(T0 as i64 + 7_200_000);
    assert_eq!(retry_after_ms(&date, T0), Some(3_600_000));
    assert_eq!(retry_after_ms(&format!(" {date}\t"), T0 + 7_000_000), Some(200_000));
    assert_eq!(retry_after_ms(&imf(T0 as i64 + 5_000), T0 + 250), Some(4_750));
    for bad in ["", " ", "1 2", "1e3", "-0", "Sun, 06 Nov 1994 08:49:37 gmt"] {
        assert_eq!(retry_after_ms(bad, T0), None, "{bad:?}");
    }
}

// --- the foreground budget ----------------------------------------------------------------

#[test]
fn hanging_endpoint_shows_the_error_once_then_background_pace_and_restart_resets() {
    let hang = ANSWER_TIMEOUT_MS as u64;
    let mut clock = Clock::new();
    // 10 s + ≤1 s, then 21 s + ≤2 s: within the 30 s budget.
    assert_eq!(clock.attempt(hang, Answer::NoAnswer, 0.5), retry(750, None, false));
    assert_eq!(clock.attempt(hang, Answer::NoAnswer, 0.5), retry(1_500, None, false));
    // The next answer gives up at 32.25 s: any wait passes the budget, the error shows, once.
    assert_eq!(clock.now - T0 + hang, 32_250);
    assert_eq!(clock.attempt(hang, Answer::NoAnswer, 0.5), retry(BACKGROUND_PAUSE_MS, None, true));
    for _ in 0..10 {
        assert_eq!(clock.attempt(hang, Answer::NoAnswer, 0.5), retry(BACKGROUND_PAUSE_MS, None, false));
    }
    // A 5xx in the background keeps the pace too.
    assert_eq!(clock.status(500, None, 0.5), retry(BACKGROUND_PAUSE_MS, Some(500), false));

    // The person presses retry: a fresh budget, tries reset, the error may show once more.
    clock.restart();
    assert_eq!(clock.attempt(hang, Answer::NoAnswer, 0.5), retry(750, None, false));
    assert_eq!(clock.attempt(hang, Answer::NoAnswer, 0.5), retry(1_500, None, false));
    assert_eq!(clock.attempt(hang, Answer::NoAnswer, 0.5), retry(BACKGROUND_PAUSE_MS, None, true));
    assert_eq!(clock.attempt(hang, Answer::NoAnswer, 0.5), retry(BACKGROUND_PAUSE_MS, None, false));
    clock.restart();
    assert_eq!(clock.status(204, None, 0.5), Next::Delivered(204));
}

#[test]
fn budget_is_inclusive_and_counts_the_wait() {
    // Exactly 30 s (elapsed + wait) is still in the foreground; one millisecond more is not.
    let mut p = Retry::start(T0);
    assert_eq!(p.next(Answer::NoAnswer, T0 + 29_500, 0.0), retry(500, None, false));
    let mut p = Retry::start(T0);
    assert_eq!(p.next(Answer::NoAnswer, T0 + 29_501, 0.0), retry(BACKGROUND_PAUSE_MS, None, true));
}

#[test]
fn a_clock_going_backwards_is_harmless() {
    let mut p = Retry::start(T0);
    assert_eq!(p.next(Answer::NoAnswer, T0 - 60_000, 0.0), retry(500, None, false));
    assert_eq!(p.next(Answer::NoAnswer, 0, 0.0), retry(1_000, None, false));
    let date = imf(T0 as i64);
    assert_eq!(
        p.next(Answer::Status { status: 503, retry_after: Some(&date) }, u64::MAX, 0.0),
        retry(BACKGROUND_PAUSE_MS, Some(503), true)
    );
}

// --- which answers are final ---------------------------------------------------------------

#[test]
fn client_errors_are_refused_without_retry() {
    for status in [400, 401, 403, 404, 409, 410, 413, 422, 451, 499] {
        let mut clock = Clock::new();
        let before = clock.now;
        assert_eq!(clock.status(status, Some("1"), 0.5), Next::Refused(status));
        assert_eq!(clock.now - before, 100, "no wait after {status}");
    }
}

#[test]
fn timeouts_rate_limits_and_other_statuses_are_retried() {
    for status in [408, 429, 500, 502, 503, 504, 599, 301, 302, 304, 100, 0, 600, 999] {
        let mut clock = Clock::new();
        assert_eq!(clock.status(status, None, 0.0), retry(500, Some(status), false), "{status}");
    }
    for status in [200, 201, 202, 204, 299] {
        assert_eq!(Clock::new().status(status, Some("5"), 0.0), Next::Delivered(status));
    }
}

// --- the IMF-fixdate parser ----------------------------------------------------------------

#[test]
fn imf_fixdate_parses_the_rfc_example() {
    assert_eq!(http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777_000));
    assert_eq!(http_date_ms("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
    assert_eq!(http_date_ms("Wed, 31 Dec 1969 23:59:59 GMT"), Some(-1_000));
    assert_eq!(http_date_ms("Fri, 31 Dec 9999 23:59:59 GMT"), Some(253_402_300_799_000));
    assert_eq!(http_date_ms(&imf(T0 as i64)), Some(T0 as i64));
    // A leap second is read as the next second.
    assert_eq!(http_date_ms("Sat, 31 Dec 2016 23:59:60 GMT"), http_date_ms("Sun, 01 Jan 2017 00:00:00 GMT"));
}

#[test]
fn imf_fixdate_leap_days() {
    let feb29 = http_date_ms("Thu, 29 Feb 2024 12:00:00 GMT").unwrap();
    let feb28 = http_date_ms("Wed, 28 Feb 2024 12:00:00 GMT").unwrap();
    let mar01 = http_date_ms("Fri, 01 Mar 2024 12:00:00 GMT").unwrap();
    assert_eq!(feb29 - feb28, 86_400_000);
    assert_eq!(mar01 - feb29, 86_400_000);
    assert!(http_date_ms("Tue, 29 Feb 2000 00:00:00 GMT").is_some(), "2000 is a leap year");
    assert!(http_date_ms("Thu, 29 Feb 1900 00:00:00 GMT").is_none(), "1900 is not");
    assert!(http_date_ms("Sun, 29 Feb 2026 00:00:00 GMT").is_none(), "2026 is not");
    assert!(http_date_ms("Mon, 30 Feb 2032 00:00:00 GMT").is_none());
}

#[test]
fn imf_fixdate_rejects_malformed_dates() {
    let bad = [
        "",
        "Sun, 06 Nov 1994 08:49:37",       // no zone
        "Sun, 06 Nov 1994 08:49:37 UTC",   // not GMT
        "Sun, 06 Nov 1994 08:49:37 gmt",   // case-sensitive
        "sun, 06 Nov 1994 08:49:37 GMT",   // case-sensitive
        "Sun, 06 nov 1994 08:49:37 GMT",   // case-sensitive
        "Sun, 06 NOV 1994 08:49:37 GMT",   // case-sensitive
        "Sunday, 06-Nov-94 08:49:37 GMT",  // obsolete RFC 850
        "Sun Nov  6 08:49:37 1994",        // obsolete asctime
        "Sun 06 Nov 1994 08:49:37 GMT",    // no comma
        "Sun,  6 Nov 1994 08:49:37 GMT",   // one-digit day
        "Sun, 6 Nov 1994 08:49:37 GMT",    // one-digit day, short
        "Sun, 06 Nov 94 08:49:37 GMT",     // two-digit year
        "Sun, 06 Nov 1994 8:49:37 GMT",    // one-digit hour
        "Sun, 06 Nov 1994 24:00:00 GMT",   // hour 24
        "Sun, 06 Nov 1994 08:60:00 GMT",   // minute 60
        "Sun, 06 Nov 1994 08:49:61 GMT",   // second 61
        "Sun, 00 Nov 1994 08:49:37 GMT",   // day 0
        "Sun, 31 Nov 1994 08:49:37 GMT",   // November has 30 days
        "Sun, 06 Nov 0000 08:49:37 GMT",   // year 0
        "Sun, 06 Foo 1994 08:49:37 GMT",   // no such month
        "Sun, +6 Nov 1994 08:49:37 GMT",   // sign
        "Sun, 06 Nov 1994 08:49:37 GMT ",  // trailing space (retry_after_ms trims, the parser does not)
        " Sun, 06 Nov 1994 08:49:37 GMT",  // leading space
        "Sun, 06 Nov 1994 08:49:37 GMT+1", // offset
        "Sun, 06 Nov 1994T08:49:37 GMT",   // wrong separator
        "Xyz, 06 Nov 1994 08:49:37 GMT",   // no such day
        "1994-11-06T08:49:37Z",            // ISO 8601
        "Sun, 06 Nov 1994 08:49:37 GMTé",  // non-ASCII, wrong length
        "Sün, 06 Nov 1994 08:49:37 GM",    // non-ASCII, right byte length
        "Sun, ٠٦ Nov 1994 08:49:37 GMT",   // non-ASCII digits
    ];
    for b in bad {
        assert_eq!(http_date_ms(b), None, "{b:?}");
    }
}

#[test]
fn imf_fixdate_weekday_is_not_checked_against_the_date() {
    // Browsers' Date.parse ignores it too; a wrong name must not throw the date away.
    assert_eq!(http_date_ms("Mon, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777_000));
}

// --- properties ----------------------------------------------------------------------------

/// A `Retry-After` value, rendered against the clock when the answer comes.
#[derive(Debug, Clone)]
enum After {
    Seconds(u32),
    /// An HTTP date this many ms from the answer.
    Date(i64),
    /// No digits, so neither form.
    Garbage(String),
}

#[derive(Debug, Clone)]
enum Event {
    Attempt {
        status: Option<u16>,
        after: Option<After>,
        took_ms: u64,
        jitter: f64,
    },
    /// The person presses retry after this long.
    Restart(u64),
}

fn status_strategy() -> impl Strategy<Value = u16> {
    prop_oneof![prop::sample::select(vec![200u16, 204, 301, 400, 404, 408, 422, 429, 500, 502, 503, 504]), 0u16..1000,]
}

fn after_strategy() -> impl Strategy<Value = After> {
    prop_oneof![
        (0u32..200).prop_map(After::Seconds),
        any::<u32>().prop_map(After::Seconds),
        (-3_600_000i64..7_200_000).prop_map(After::Date),
        "[a-zA-Z ,:.+-]{0,32}".prop_map(After::Garbage),
    ]
}

fn event_strategy() -> impl Strategy<Value = Event> {
    let jitter = prop_oneof![0.0..1.0f64, Just(0.0), Just(0.999_999_999)];
    prop_oneof![
        12 => (
            proptest::option::weighted(0.85, status_strategy()),
            proptest::option::of(after_strategy()),
            prop_oneof![0..=ANSWER_TIMEOUT_MS as u64, Just(ANSWER_TIMEOUT_MS as u64)],
            jitter,
        )
            .prop_map(|(status, after, took_ms, jitter)| Event::Attempt { status, after, took_ms, jitter }),
        1 => (0u64..120_000).prop_map(Event::Restart),
    ]
}

fn render(after: &After, now: u64) -> String {
    match after {
        After::Seconds(s) => s.to_string(),
        After::Date(d) => imf(now as i64 + d),
        After::Garbage(g) => g.clone(),
    }
}

/// What the `Retry-After` value should mean, worked out without the parser.
fn expected_after(after: &After, now: u64) -> Option<u32> {
    match after {
        After::Seconds(s) => Some((*s as u64 * 1000).min(3_600_000) as u32),
        After::Date(d) => {
            let at = (now as i64 + d).div_euclid(1000) * 1000;
            Some((at - now as i64).clamp(0, 3_600_000) as u32)
        }
        After::Garbage(_) => None,
    }
}

fn is_refusal(status: u16) -> bool {
    (400..500).contains(&status) && status != 408 && status != 429
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// Over random answers, request durations, jitters and retry presses: the decision
    /// matches the status class, every wait is at most a minute, the error shows at most once
    /// per (re)start and only when waiting would pass the 30 s budget, waits before it are
    /// the backoff or `Retry-After`, and after it the background pace.
    #[test]
    fn policy_invariants(events in proptest::collection::vec(event_strategy(), 1..60)) {
        let mut now = T0;
        let mut policy = Retry::start(now);
        let (mut started, mut tries, mut shown) = (now, 0u32, false);
        for event in events {
            let (status, after, took_ms, jitter) = match event {
                Event::Restart(after_ms) => {
                    now += after_ms;
                    policy.restart(now);
                    (started, tries, shown) = (now, 0, false);
                    continue;
                }
                Event::Attempt { status, after, took_ms, jitter } => (status, after, took_ms, jitter),
            };
            now += took_ms;
            // No answer, no header.
            let after = after.filter(|_| status.is_some());
            let header = after.as_ref().map(|a| render(a, now));
            let answer = match status {
                None => Answer::NoAnswer,
                Some(status) => Answer::Status { status, retry_after: header.as_deref() },
            };
            let next = policy.next(answer, now, jitter);
            let delivered = status.is_some_and(|s| (200..300).contains(&s));
            prop_assert_eq!(matches!(next, Next::Delivered(_)), delivered, "{:?} -> {:?}", status, next);
            prop_assert_eq!(matches!(next, Next::Refused(_)), status.is_some_and(is_refusal));
            let (wait_ms, last_status, show_error) = match next {
                Next::Delivered(s) | Next::Refused(s) => {
                    prop_assert_eq!(Some(s), status);
                    continue;
                }
                Next::RetryIn { wait_ms, last_status, show_error } => (wait_ms, last_status, show_error),
            };
            prop_assert_eq!(last_status, status);
            prop_assert!(wait_ms <= MAX_WAIT_MS, "wait {}", wait_ms);
            tries += 1;
            let ra = after.as_ref().and_then(|a| expected_after(a, now));
            prop_assert_eq!(header.as_deref().and_then(|h| retry_after_ms(h, now)), ra);
            let elapsed = now - started;
            // The foreground wait: Retry-After if it parsed, else backoff within [base/2, base].
            let base = (500u64 << tries.min(5)).min(8_000);
            let foreground_ok = |w: u32| match ra {
                Some(ra) => w == ra.min(MAX_WAIT_MS),
                None => (base / 2..=base).contains(&(w as u64)),
            };
            let foreground = ra.unwrap_or_else(|| backoff_ms(tries, jitter)).min(MAX_WAIT_MS);
            prop_assert!(foreground_ok(foreground));
            if show_error {
                prop_assert!(!shown, "the error shows once per (re)start");
                prop_assert!(elapsed + foreground as u64 > FOREGROUND_BUDGET_MS, "too early: {} + {}", elapsed, foreground);
                shown = true;
            }
            if shown {
                prop_assert_eq!(wait_ms, ra.unwrap_or(0).clamp(BACKGROUND_PAUSE_MS, MAX_WAIT_MS));
            } else {
                prop_assert!(foreground_ok(wait_ms), "wait {} (Retry-After {:?}, try {})", wait_ms, ra, tries);
                prop_assert!(elapsed + wait_ms as u64 <= FOREGROUND_BUDGET_MS);
            }
            now += wait_ms as u64;
        }
    }

    /// Anything at all (any status, any header text, any jitter, a clock jumping anywhere)
    /// neither panics nor asks for more than a minute, and the error shows at most once per
    /// (re)start.
    #[test]
    fn never_panics(
        start in any::<u64>(),
        steps in proptest::collection::vec(
            (any::<bool>(), any::<u16>(), proptest::option::of(any::<String>()), any::<u64>(), any::<f64>(), 0u8..20),
            0..40,
        ),
    ) {
        let mut policy = Retry::start(start);
        let mut shown = false;
        for (answered, status, header, now, jitter, roll) in steps {
            if roll == 0 {
                policy.restart(now);
                shown = false;
                continue;
            }
            let answer = if answered { Answer::Status { status, retry_after: header.as_deref() } } else { Answer::NoAnswer };
            if let Next::RetryIn { wait_ms, show_error, .. } = policy.next(answer, now, jitter) {
                prop_assert!(wait_ms <= MAX_WAIT_MS);
                prop_assert!(!(shown && show_error));
                shown |= show_error;
            }
            if let Some(h) = &header {
                let _ = retry_after_ms(h, now);
                let _ = http_date_ms(h);
            }
        }
    }

    /// Formatting any second from year 1 to 9999 as an IMF-fixdate and parsing it back
    /// gives the same instant.
    #[test]
    fn imf_fixdate_round_trips(secs in -62_135_596_800i64..253_402_300_800) {
        let text = imf(secs * 1000);
        prop_assert_eq!(http_date_ms(&text), Some(secs * 1000), "{}", text);
    }

    /// Strings of the right shape with random fields parse exactly when the fields make a
    /// real instant, and then print back the same (bar the unchecked day name and a leap second).
    #[test]
    fn imf_fixdate_random_fields(
        s in "(Mon|Tue|Wed|Thu|Fri|Sat|Sun|Xyz), [0-3][0-9] (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Foo) [0-9]{4} [0-2][0-9]:[0-6][0-9]:[0-6][0-9] (GMT|UTC)"
    ) {
        let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap();
        let (day, year, hour, minute, second) = (n(5..7), n(12..16), n(17..19), n(20..22), n(23..25));
        let month = MONTHS.iter().position(|m| *m == &s[8..11]).map(|m| m as u32 + 1);
        let valid = !s.starts_with("Xyz")
            && s.ends_with("GMT")
            && year >= 1
            && month.is_some_and(|m| (1..=days_in_month(year as i32, m)).contains(&day))
            && hour < 24
            && minute < 60
            && second <= 60;
        let parsed = http_date_ms(&s);
        prop_assert_eq!(parsed.is_some(), valid, "{}", s);
        if let (Some(ms), true) = (parsed, second < 60) {
            prop_assert_eq!(&imf(ms)[5..], &s[5..]);
        }
    }
}
