//! Stripe's webhook signature (scheme `v1`), as Stripe's libraries check it
//! (`WebhookSignature.verify_header` in stripe-python, `webhooks.signature.verifyHeader` in
//! stripe-node, `webhook.ValidatePayload` in stripe-go):
//!
//! ```text
//! Stripe-Signature: t=1764064800,v1=<64 hex>[,v1=<64 hex>…][,v0=<hex>]
//! v1 = lowercase hex of HMAC-SHA256(key = the signing secret's text, "<t>.<raw body>")
//! ```
//!
//! - The key is the endpoint's signing secret **as Stripe shows it**, `whsec_…` included:
//!   its UTF-8 bytes, not a decoding of them (unlike the Standard Webhooks secret the
//!   collector signs with when it forwards outcomes).
//! - Several `v1` appear while a secret is being rolled: one matching is enough. `v0` (and
//!   any other scheme) is never checked; a header with no `v1` at all is refused.
//! - A `v1` is compared as text with the lowercase hex, in constant time, as Stripe's
//!   stripe-python, stripe-node, stripe-ruby and stripe-dotnet do: Stripe only sends
//!   lowercase, so an uppercase `v1` does not match. (stripe-go alone decodes the hex
//!   first and would take uppercase.)
//! - `t` must be within [`TOLERANCE_SECONDS`] of now, in the past **or the future** (the
//!   contract; Stripe's libraries refuse only the past). The signature is checked first,
//!   as in Stripe's libraries, so "stale" is only ever said of a genuine signature.
//!
//! Neither the secret nor a signature appears in an error message.

use std::fmt::Write as _;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};

/// The header Stripe signs its webhook requests with.
pub const HEADER: &str = "Stripe-Signature";
/// How far `t` may be from now, either way, in seconds (Stripe's default tolerance).
pub const TOLERANCE_SECONDS: i64 = 300;
/// The only scheme checked.
const SCHEME: &str = "v1";

/// Why a `Stripe-Signature` header was refused. Each message is fit for the `400`
/// answer's `{"error": …}` and never contains the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `Stripe-Signature` header, or an empty one.
    #[error("Stripe-Signature: the header is missing (Stripe sends it with every webhook request)")]
    Missing,
    /// The header is there but is not `t=<unix seconds>,v1=<hex>`.
    #[error("Stripe-Signature: expected t=<Unix seconds>,v1=<hex>: {0}")]
    Malformed(Malformed),
    /// `t` is more than [`TOLERANCE_SECONDS`] from now; `age` is now − t in seconds
    /// (negative when `t` is in the future).
    #[error("Stripe-Signature: t is {} ({TOLERANCE_SECONDS} s at most either way): a replayed request, or this server's clock is off", describe_age(*.age))]
    Stale { age: i64 },
    /// No `v1` is the HMAC of this body with this secret at this `t`.
    #[error("Stripe-Signature: no v1 signature matches this body and secret")]
    Mismatch,
}

/// What is wrong with a `Stripe-Signature` header that is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Malformed {
    /// No `t=` element.
    #[error("there is no t= timestamp")]
    NoTimestamp,
    /// `t=` is not a whole number of seconds (digits only).
    #[error("t= is not a whole number of Unix seconds")]
    BadTimestamp,
    /// `t=` appears more than once (Stripe's libraries disagree on which one to take).
    #[error("t= appears more than once")]
    RepeatedTimestamp,
    /// No `v1=` element (a `v0` alone is not accepted).
    #[error("there is no v1= signature (v0 and other schemes are not checked)")]
    NoV1,
}

fn describe_age(age: i64) -> String {
    if age >= 0 {
        format!("{age} s old")
    } else {
        format!("{} s in the future", age.unsigned_abs())
    }
}

/// Checks a `Stripe-Signature` header (`t=<unix>,v1=<hex>[,v1=<hex>…][,v0=…]`) for `body`
/// (the raw bytes, exactly as received) with the endpoint secret as given (the `whsec_…`
/// text itself is the HMAC key, as Stripe's libraries use it), at `now` (Unix seconds):
/// some `v1` equals hex(HMAC-SHA256(secret, "<t>.<body>")), compared in constant time, and
/// `t` is within [`TOLERANCE_SECONDS`] of `now`.
///
/// Elements are separated by `,` (spaces around them are ignored, as stripe-ruby does);
/// elements other than `t` and `v1`, and any without `=`, are ignored.
pub fn verify(secret: &str, header: Option<&str>, body: &[u8], now: i64) -> Result<(), SignatureError> {
    let header = header.map(str::trim).filter(|h| !h.is_empty()).ok_or(SignatureError::Missing)?;
    let (t, signatures) = parse(header).map_err(SignatureError::Malformed)?;

    let expected = signature_hex(secret, t, body);
    // Every v1 is compared (no early exit), each in constant time.
    let found = signatures.iter().fold(Choice::from(0), |found, s| found | expected.as_bytes().ct_eq(s.as_bytes()));
    if !bool::from(found) {
        return Err(SignatureError::Mismatch);
    }

    let age = now.saturating_sub(t);
    if age.unsigned_abs() > TOLERANCE_SECONDS.unsigned_abs() {
        return Err(SignatureError::Stale { age });
    }
    Ok(())
}

/// A `Stripe-Signature` header for `body` at `t` (`t=<t>,v1=<hex>`), as Stripe would send
/// it: for tests, and for a shop trying its endpoint (like stripe-node's
/// `generateTestHeaderString`).
pub fn sign(secret: &str, body: &[u8], t: i64) -> String {
    format!("t={t},{SCHEME}={}", signature_hex(secret, t, body))
}

/// The header's `t` and its `v1` values, in order.
fn parse(header: &str) -> Result<(i64, Vec<&str>), Malformed> {
    let mut t = None;
    let mut signatures = Vec::new();
    for element in header.split(',') {
        let Some((key, value)) = element.split_once('=') else { continue };
        match key.trim() {
            "t" => {
                if t.is_some() {
                    return Err(Malformed::RepeatedTimestamp);
                }
                let value = value.trim();
                if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Malformed::BadTimestamp);
                }
                t = Some(value.parse::<i64>().map_err(|_| Malformed::BadTimestamp)?);
            }
            SCHEME => signatures.push(value.trim()),
            _ => {}
        }
    }
    let t = t.ok_or(Malformed::NoTimestamp)?;
    if signatures.is_empty() {
        return Err(Malformed::NoV1);
    }
    Ok((t, signatures))
}

/// Lowercase hex of HMAC-SHA256(secret's bytes, "<t>.<body>"), `t` written in decimal as
/// Stripe's libraries write the parsed timestamp.
fn signature_hex(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut hex = String::with_capacity(2 * digest.len());
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}
