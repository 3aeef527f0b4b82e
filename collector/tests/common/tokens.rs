//! Session tokens for the tests: an HS256 JWT of any claims (the collector's own
//! `tokens::mint` takes its typed claims only; the tests also forge odd ones).

use serde_json::Value;

/// `claims` signed with HS256 and `secret`.
pub fn hs256(secret: &[u8], claims: &Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret),
    )
    .expect("HS256 signs any JSON claims")
}
