//! Limits on what a client can make the collector do: a rate limit per client address
//! (governor's GCRA, memory bounded by forgetting idle addresses), and CORS preflights
//! answered `204`.

use axum::http::header::ACCESS_CONTROL_ALLOW_ORIGIN;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

/// Posts per minute per client address.
#[derive(Clone)]
pub struct Limiter {
    inner: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl Limiter {
    /// `per_minute` posts a minute per address (a burst of as many); `None` for 0 (off).
    pub fn new(per_minute: u32) -> Option<Limiter> {
        let n = NonZeroU32::new(per_minute)?;
        let limiter = Arc::new(RateLimiter::keyed(Quota::per_minute(n)));
        // Forget addresses whose budget is full again, so the map stays small.
        let weak = Arc::downgrade(&limiter);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(60));
            loop {
                every.tick().await;
                let Some(l) = weak.upgrade() else { return };
                l.retain_recent();
                l.shrink_to_fit();
            }
        });
        Some(Limiter { inner: limiter })
    }

    /// `Ok` when `addr` may post now; else how many seconds until it may.
    pub fn check(&self, addr: IpAddr) -> Result<(), u64> {
        self.inner.check_key(&addr).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

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
