//! The insights page's session cookie (COLLECTOR.md section 6). Stateless, so several
//! collectors behind a load balancer accept each other's cookies: `v1.<expiry>.<mac>`,
//! where `mac` is base64url (no padding) of HMAC-SHA256, keyed with the admin key, over
//! `cf-session:v1:<expiry>`. Changing the admin key signs everyone out. This file owns
//! making, checking and clearing the cookie (read from and written to axum-extra's cookie
//! jar) and telling whether a request came over https. Guessing is slowed down by the
//! sign-in's limiter (`limits`): at most 10 wrong keys a minute from one address.

use crate::settings::AdminKey;
use axum::http::{header, HeaderMap};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The cookie's name.
pub const COOKIE: &str = "cf_session";
/// How long a session lasts: 12 hours.
pub const MAX_AGE_SECS: i64 = 43_200;
/// Clock difference tolerated between collectors sharing cookies.
const SKEW_SECS: i64 = 300;
/// Wrong sign-in keys a minute from one address.
pub const ATTEMPTS_PER_MINUTE: u32 = 10;

/// Whether the request's cookies hold a valid session for the admin key.
pub fn signed_in(key: &AdminKey, jar: &CookieJar) -> bool {
    jar.get(COOKIE).is_some_and(|c| verify(key.expose(), c.value(), now()))
}

/// The cookie that signs in for [`MAX_AGE_SECS`].
pub fn sign_in_cookie(key: &AdminKey, secure: bool) -> Cookie<'static> {
    session_cookie(issue(key.expose(), now() + MAX_AGE_SECS), MAX_AGE_SECS, secure)
}

/// The cookie that signs out.
pub fn sign_out_cookie(secure: bool) -> Cookie<'static> {
    session_cookie(String::new(), 0, secure)
}

fn session_cookie(value: String, max_age: i64, secure: bool) -> Cookie<'static> {
    Cookie::build((COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::seconds(max_age))
        .secure(secure)
        .build()
}

/// Whether the request reached the proxy in front of the collector over https
/// (`X-Forwarded-Proto: https` or `Forwarded: …proto=https`).
pub fn is_https(headers: &HeaderMap) -> bool {
    let forwarded_proto = headers
        .get_all("x-forwarded-proto")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim().eq_ignore_ascii_case("https"));
    let forwarded = headers
        .get_all(header::FORWARDED)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split([',', ';']))
        .filter_map(|pair| pair.split_once('='))
        .any(|(k, v)| {
            k.trim().eq_ignore_ascii_case("proto") && v.trim().trim_matches('"').eq_ignore_ascii_case("https")
        });
    forwarded_proto || forwarded
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn mac(key: &str, expiry: i64) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(format!("cf-session:v1:{expiry}").as_bytes());
    mac
}

/// A cookie value valid until `expiry` (Unix seconds).
pub fn issue(key: &str, expiry: i64) -> String {
    format!("v1.{expiry}.{}", URL_SAFE_NO_PAD.encode(mac(key, expiry).finalize().into_bytes()))
}

/// Whether `value` was issued with `key` and is still valid at `now`.
pub fn verify(key: &str, value: &str, now: i64) -> bool {
    let mut parts = value.split('.');
    let (Some("v1"), Some(expiry), Some(tag), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    if expiry.is_empty() || expiry.len() > 12 || !expiry.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Ok(expiry) = expiry.parse::<i64>() else { return false };
    if expiry <= now || expiry > now + MAX_AGE_SECS + SKEW_SECS {
        return false;
    }
    let Ok(tag) = URL_SAFE_NO_PAD.decode(tag) else { return false };
    // `verify_slice` compares in constant time.
    mac(key, expiry).verify_slice(&tag).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const KEY: &str = "admin-key-1-0123456789";

    #[test]
    fn a_cookie_round_trips_until_it_expires() {
        let value = issue(KEY, 1_000 + MAX_AGE_SECS);
        assert!(value.starts_with(&format!("v1.{}.", 1_000 + MAX_AGE_SECS)));
        assert!(verify(KEY, &value, 1_000));
        assert!(verify(KEY, &value, 1_000 + MAX_AGE_SECS - 1));
        assert!(!verify(KEY, &value, 1_000 + MAX_AGE_SECS), "expired");
        assert!(!verify("another-key", &value, 1_000), "another admin key");
    }

    #[test]
    fn tampered_or_malformed_cookies_are_refused() {
        let value = issue(KEY, 1_000 + 60);
        let later = value.replacen("v1.1060.", "v1.1061.", 1);
        assert!(!verify(KEY, &later, 1_000), "a changed expiry breaks the MAC");
        let mut flipped = value.clone();
        let last = flipped.pop().unwrap();
        flipped.push(if last == 'A' { 'B' } else { 'A' });
        assert!(!verify(KEY, &flipped, 1_000));
        let far = issue(KEY, 1_000 + MAX_AGE_SECS * 10);
        assert!(!verify(KEY, &far, 1_000), "an expiry beyond a session's length");
        for bad in ["", "v1", "v1..", "v2.1060.x", "v1.-5.x", "v1.1060", &format!("{value}.x"), "v1.1e9.abc"] {
            assert!(!verify(KEY, bad, 1_000), "{bad:?}");
        }
    }

    fn admin_key() -> AdminKey {
        AdminKey::parse(KEY).unwrap()
    }

    #[test]
    fn cookie_flags_and_https_detection() {
        let c = sign_in_cookie(&admin_key(), false).to_string();
        assert!(c.starts_with("cf_session=v1."));
        for flag in ["; Path=/", "; HttpOnly", "; SameSite=Strict", "; Max-Age=43200"] {
            assert!(c.contains(flag), "{flag} in {c}");
        }
        assert!(!c.contains("Secure"), "{c}");
        assert!(sign_in_cookie(&admin_key(), true).to_string().contains("; Secure"));
        assert_eq!(sign_out_cookie(false).to_string(), "cf_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");

        let mut h = HeaderMap::new();
        assert!(!is_https(&h));
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(is_https(&h));
        let mut h = HeaderMap::new();
        h.insert(header::FORWARDED, HeaderValue::from_static("for=192.0.2.60;proto=https;by=203.0.113.43"));
        assert!(is_https(&h));
        h.insert(header::FORWARDED, HeaderValue::from_static("for=192.0.2.60;proto=http"));
        assert!(!is_https(&h));
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let value = issue(KEY, now() + 60);
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("theme=dark"));
        h.append(header::COOKIE, HeaderValue::from_str(&format!("a=1; {COOKIE}={value}; b=2")).unwrap());
        let jar = CookieJar::from_headers(&h);
        assert_eq!(jar.get(COOKIE).map(|c| c.value()), Some(value.as_str()));
        assert!(signed_in(&admin_key(), &jar));
        let other = CookieJar::from_headers(&HeaderMap::new())
            .add(Cookie::new(COOKIE, issue("another-key-0123456", now() + 60)));
        assert!(!signed_in(&admin_key(), &other), "a cookie of another admin key");
    }
}
