//! The retry policy for delivering an outcome: which answers are final, how long to wait
//! before the next attempt (backoff with jitter, `Retry-After`), and when the person should
//! see the error step. The first send and the outbox re-send both follow it; the caller
//! passes the clock (`Date.now()`) and the jitter (`Math.random()`), nothing here reads either.

use super::date::Ymd;

/// How long one attempt may go unanswered before the browser aborts it; an aborted attempt
/// counts as [`Answer::NoAnswer`].
pub const ANSWER_TIMEOUT_MS: u32 = 10_000;
/// How long the person waits on `loading`, counted from the (re)start, before the error step
/// shows (delivery goes on in the background).
pub const FOREGROUND_BUDGET_MS: u64 = 30_000;
/// The least pause between attempts once the error step has shown.
pub const BACKGROUND_PAUSE_MS: u32 = 15_000;
/// The longest wait ever asked for, whatever `Retry-After` says.
pub const MAX_WAIT_MS: u32 = 60_000;
/// `Retry-After` is read as at most one hour (before [`MAX_WAIT_MS`] applies).
const RETRY_AFTER_CAP_MS: u64 = 3_600_000;

/// What one attempt got back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer<'a> {
    /// A network error, or no answer within [`ANSWER_TIMEOUT_MS`].
    NoAnswer,
    /// An HTTP answer.
    Status {
        /// The HTTP status.
        status: u16,
        /// The `Retry-After` header's value, if there was one.
        retry_after: Option<&'a str>,
    },
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// A 2xx: delivered, stop.
    Delivered(u16),
    /// A 4xx other than 408 and 429: retrying will not fix it. No automatic retry; the
    /// person sees the status and may press retry.
    Refused(u16),
    /// Try again in `wait_ms`.
    RetryIn {
        /// How long to wait before the next attempt, at most [`MAX_WAIT_MS`].
        wait_ms: u32,
        /// This attempt's status; `None` when there was no answer.
        last_status: Option<u16>,
        /// Show the error step now: true at most once per (re)start, when waiting would pass
        /// [`FOREGROUND_BUDGET_MS`]; from then on the waits are the background pace. The
        /// outbox ignores it.
        show_error: bool,
    },
}

/// The state of one delivery's retries since it was (re)started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    started_ms: u64,
    tries: u32,
    error_shown: bool,
}

impl Retry {
    /// A fresh policy for a delivery whose first attempt starts at `now_ms`.
    pub fn start(now_ms: u64) -> Self {
        Retry { started_ms: now_ms, tries: 0, error_shown: false }
    }

    /// The person pressed retry: a fresh foreground budget from `now_ms`, tries reset.
    pub fn restart(&mut self, now_ms: u64) {
        *self = Retry::start(now_ms);
    }

    /// Decides after an attempt whose `answer` came (or was given up on) at `now_ms`.
    /// `jitter` is a random number in `[0, 1)` (out-of-range values are clamped, NaN is 0).
    ///
    /// Retried answers: no answer, 408, 429, 5xx and any other status that is neither 2xx
    /// nor 4xx. Before the error step the wait is `Retry-After` if it parses, else
    /// [`backoff_ms`]; when that wait would take the time since the (re)start past
    /// [`FOREGROUND_BUDGET_MS`], `show_error` is set and this and every later wait is
    /// `max(BACKGROUND_PAUSE_MS, Retry-After)`. Every wait is capped at [`MAX_WAIT_MS`].
    pub fn next(&mut self, answer: Answer<'_>, now_ms: u64, jitter: f64) -> Next {
        let (last_status, retry_after) = match answer {
            Answer::NoAnswer => (None, None),
            Answer::Status { status, retry_after } => match status {
                200..=299 => return Next::Delivered(status),
                408 | 429 => (Some(status), retry_after),
                400..=499 => return Next::Refused(status),
                _ => (Some(status), retry_after),
            },
        };
        let retry_after = retry_after.and_then(|v| retry_after_ms(v, now_ms));
        self.tries = self.tries.saturating_add(1);
        let background = retry_after.unwrap_or(0).clamp(BACKGROUND_PAUSE_MS, MAX_WAIT_MS);
        if self.error_shown {
            return Next::RetryIn { wait_ms: background, last_status, show_error: false };
        }
        let wait = retry_after.unwrap_or_else(|| backoff_ms(self.tries, jitter)).min(MAX_WAIT_MS);
        let elapsed = now_ms.saturating_sub(self.started_ms);
        if elapsed.saturating_add(wait as u64) > FOREGROUND_BUDGET_MS {
            self.error_shown = true;
            Next::RetryIn { wait_ms: background, last_status, show_error: true }
        } else {
            Next::RetryIn { wait_ms: wait, last_status, show_error: false }
        }
    }
}

/// Backoff before retry `n` (1-based): a base of 500 ms doubled `n` times (`n` counted up to
/// 5), capped at 8 s, with full jitter over its upper half: `base * (0.5 + jitter * 0.5)`.
/// `jitter` is in `[0, 1)`; out-of-range values are clamped, NaN counts as 0.
pub fn backoff_ms(n: u32, jitter: f64) -> u32 {
    let base = (500u32 << n.min(5)).min(8_000);
    let jitter = if jitter.is_nan() { 0.0 } else { jitter.clamp(0.0, 1.0) };
    (base as f64 * (0.5 + jitter * 0.5)) as u32
}

/// A `Retry-After` value as milliseconds from `now_ms`, clamped to `[0, 3_600_000]`:
/// delta-seconds (`"120"`) or an IMF-fixdate (see [`http_date_ms`]); `None` when it is
/// neither (the caller then uses the backoff). Surrounding spaces and tabs are ignored.
pub fn retry_after_ms(value: &str, now_ms: u64) -> Option<u32> {
    let v = value.trim_matches([' ', '\t']);
    let ms = if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        let secs = v.bytes().fold(0u64, |n, d| n.saturating_mul(10).saturating_add((d - b'0') as u64));
        secs.saturating_mul(1000)
    } else {
        (http_date_ms(v)? as i128 - now_ms as i128).clamp(0, RETRY_AFTER_CAP_MS as i128) as u64
    };
    Some(ms.min(RETRY_AFTER_CAP_MS) as u32)
}

/// Milliseconds since the epoch of an HTTP-date in IMF-fixdate form,
/// `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7): case-sensitive, two-digit day,
/// four-digit year, a real calendar day, `23:59:60` at most. The day name must be one of the
/// seven but is not checked against the date. The obsolete RFC 850 and asctime forms are not
/// accepted.
pub fn http_date_ms(value: &str) -> Option<i64> {
    const DAYS: [&[u8]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
    const MONTHS: [&[u8]; 12] =
        [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"];
    let b = value.as_bytes();
    let shape = b.len() == 29
        && &b[3..5] == b", "
        && b[7] == b' '
        && b[11] == b' '
        && b[16] == b' '
        && b[19] == b':'
        && b[22] == b':'
        && &b[25..] == b" GMT";
    if !shape || !DAYS.contains(&&b[0..3]) {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == &b[8..11])? as u32 + 1;
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + (c - b'0') as u32))
    };
    let (day, year) = (num(5..7)?, num(12..16)?);
    let (hour, minute, second) = (num(17..19)?, num(20..22)?, num(23..25)?);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let date = Ymd::new(year as i32, month, day)?;
    let secs = date.to_days() * 86_400 + (hour * 3600 + minute * 60 + second) as i64;
    Some(secs * 1000)
}
