//! Standard Webhooks 1.0 signing: the secret (`whsec_` + base64 of 24 to 64 bytes), the
//! `v1,<base64 HMAC-SHA256>` signature over `"<id>.<timestamp>.<body>"`, and the
//! `outcome.created` envelope with the outcome spliced in exactly as it was received.
//!
//! The secret never appears in an error message, in `Debug` output or in a log line.

use std::fmt;
use std::str::FromStr;

use base64::alphabet;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const PREFIX: &str = "whsec_";
/// Shortest key accepted, in bytes (192 bits).
pub const MIN_SECRET_BYTES: usize = 24;
/// Longest key accepted, in bytes (512 bits).
pub const MAX_SECRET_BYTES: usize = 64;

/// Standard base64 that accepts the key with or without its `=` padding.
const SECRET_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The decoded signing key. `Debug` prints `WebhookSecret(<redacted>)`.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(Vec<u8>);

/// Why a webhook secret was refused. The message never contains the secret itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretError {
    /// It does not start with `whsec_`.
    MissingPrefix,
    /// What follows `whsec_` is not standard base64.
    NotBase64,
    /// The key decodes to this many bytes, outside 24 to 64.
    WrongLength(usize),
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingPrefix => write!(f, "the webhook secret must start with \"{PREFIX}\""),
            Self::NotBase64 => write!(f, "the webhook secret after \"{PREFIX}\" is not valid base64"),
            Self::WrongLength(n) => write!(
                f,
                "the webhook secret decodes to {n} bytes; it must be {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES}"
            ),
        }
    }
}

impl std::error::Error for SecretError {}

impl WebhookSecret {
    /// Parses `whsec_<base64>` (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<Self, SecretError> {
        let encoded = text.trim().strip_prefix(PREFIX).ok_or(SecretError::MissingPrefix)?;
        let key = SECRET_BASE64.decode(encoded).map_err(|_| SecretError::NotBase64)?;
        if !(MIN_SECRET_BYTES..=MAX_SECRET_BYTES).contains(&key.len()) {
            return Err(SecretError::WrongLength(key.len()));
        }
        Ok(Self(key))
    }

    /// The decoded key bytes (the HMAC key).
    pub fn key(&self) -> &[u8] {
        &self.0
    }
}

impl FromStr for WebhookSecret {
    type Err = SecretError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(<redacted>)")
    }
}

/// The `webhook-signature` header value: `v1,<base64 of HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`.
pub fn sign(key: &[u8], msg_id: &str, timestamp_secs: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts a key of any length");
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp_secs.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// The webhook body: `{"type":"outcome.created","timestamp":"<RFC 3339>","data":<outcome>}`.
///
/// `outcome` is inserted byte for byte (it was validated as JSON when it was received), so
/// the receiver sees exactly what the widget sent. `sent_at` is formatted in UTC.
pub fn envelope(sent_at: OffsetDateTime, outcome: &str) -> String {
    let timestamp = sent_at
        .to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .expect("a date between years 0 and 9999 formats as RFC 3339");
    format!(r#"{{"type":"outcome.created","timestamp":"{timestamp}","data":{outcome}}}"#)
}
