//! Limits on what a client can make the collector do: budgets per client address
//! (governor's GCRA, memory bounded by forgetting idle addresses) for outcome posts and
//! for wrong sign-in keys, and CORS preflights answered `204`.

use axum::http::header::ACCESS_CONTROL_ALLOW_ORIGIN;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// A budget of requests per minute per client address.
#[derive(Clone)]
pub struct Limiter {
    inner: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl Limiter {
    /// `per_minute` requests a minute per address (a burst of as many); `None` for 0 (off).
    pub fn new(per_minute: u32) -> Option<Limiter> {
        let n = NonZeroU32::new(per_minute)?;
        Some(Limiter { inner: Arc::new(RateLimiter::keyed(Quota::per_minute(n))) })
    }

    /// `Ok` when `addr` may go on now; else how many seconds until it may.
    pub fn check(&self, addr: IpAddr) -> Result<(), u64> {
        self.inner.check_key(&addr).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }

    /// Every minute until `stop`, forgets the addresses whose budget is full again, so
    /// the map stays small.
    pub async fn sweep(self, stop: CancellationToken) {
        let mut every = tokio::time::interval(SWEEP_EVERY);
        loop {
            tokio::select! {
                _ = every.tick() => {
                    self.inner.retain_recent();
                    self.inner.shrink_to_fit();
                }
                _ = stop.cancelled() => return,
            }
        }
    }
}

/// How often the limiters forget idle addresses.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// CORS preflights are answered `204 No Content` (tower-http answers them `200`), and a
/// response to an origin that is not allowed carries no CORS header at all.
pub async fn cors_finish(method: Method, mut response: Response) -> Response {
    if method == Method::OPTIONS && response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::NO_CONTENT;
    }
    let headers = response.headers_mut();
    if !headers.contains_key(ACCESS_CONTROL_ALLOW_ORIGIN) {
        let cors: Vec<_> = headers.keys().filter(|k| k.as_str().starts_with("access-control-")).cloned().collect();
        for k in cors {
            headers.remove(k);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::Limiter;
    use std::net::IpAddr;

    #[test]
    fn sign_in_attempts_are_limited_per_address() {
        let attempts = crate::http::session::ATTEMPTS_PER_MINUTE;
        let limiter = Limiter::new(attempts).unwrap();
        let addr: IpAddr = "192.0.2.77".parse().unwrap();
        for _ in 0..attempts {
            assert!(limiter.check(addr).is_ok());
        }
        let wait = limiter.check(addr).unwrap_err();
        assert!((1..=60).contains(&wait), "{wait}");
        assert!(limiter.check("192.0.2.78".parse().unwrap()).is_ok(), "another address");
        assert!(Limiter::new(0).is_none(), "0 turns it off");
    }
}
