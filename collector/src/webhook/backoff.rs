//! The retry schedule of a webhook delivery (pure: the jitter and the clock are passed in).
//!
//! After the `n`-th failed attempt the next one waits `base · 2^(n−1)` (the first retry waits
//! `base`, from `--webhook-retry-base`, 5 s by default), capped at [`MAX_DELAY`] (1 h), then
//! shortened by up to [`JITTER_SPREAD`] (a quarter) at random, so collectors restarted
//! together do not retry in step and the cap stays a true maximum. A delivery is given up
//! (marked failed) when its next attempt would fall more than [`GIVE_UP_AFTER`] (3 days)
//! after its first attempt.

use std::time::Duration;

use time::OffsetDateTime;

/// The longest wait between two attempts.
pub const MAX_DELAY: Duration = Duration::from_secs(60 * 60);
/// How long after its first attempt a delivery is still retried.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(3 * 24 * 60 * 60);
/// The largest share of a delay the jitter removes.
pub const JITTER_SPREAD: f64 = 0.25;
/// The smallest base accepted (a zero base would retry in a tight loop).
pub const MIN_BASE: Duration = Duration::from_millis(1);

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Try again at this time.
    RetryAt(OffsetDateTime),
    /// Stop: mark the delivery failed.
    GiveUp,
}

/// The wait after the `failures`-th failed attempt (`failures` ≥ 1; 0 is read as 1).
/// `jitter` is a uniform random number in `[0, 1]` (clamped); 0 gives the nominal delay.
pub fn retry_delay(base: Duration, failures: u32, jitter: f64) -> Duration {
    let doublings = failures.saturating_sub(1).min(31);
    let nominal = base.max(MIN_BASE).checked_mul(1u32 << doublings).unwrap_or(MAX_DELAY).min(MAX_DELAY);
    let jitter = if jitter.is_nan() { 0.0 } else { jitter.clamp(0.0, 1.0) };
    nominal.mul_f64(1.0 - JITTER_SPREAD * jitter)
}

/// The step after a failed attempt made at `now`, the `failures`-th since `first_attempt`.
pub fn after_failure(
    base: Duration,
    failures: u32,
    first_attempt: OffsetDateTime,
    now: OffsetDateTime,
    jitter: f64,
) -> Next {
    let next = now + retry_delay(base, failures, jitter);
    if next - first_attempt > GIVE_UP_AFTER {
        Next::GiveUp
    } else {
        Next::RetryAt(next)
    }
}
