//! Session tokens (COLLECTOR.md section 3): HS256 JWTs minted by the shop's server for
//! one customer (and optionally one subscription and flow), checked against the outcome
//! they authorise. Any other algorithm, `none` included, is refused; an outcome decided
//! before the token expired is still accepted for a grace period after it.

use crate::settings::TokenPolicy;
use cancel_flow::core::outcome::Outcome;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::time::Duration;

/// The claims cancel-flow reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The customer id.
    pub sub: String,
    /// The subscription, when the token is for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    /// The flow, when the token is for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_id: Option<String>,
    /// Expiry, Unix seconds.
    pub exp: i64,
    /// Issued at, Unix seconds.
    #[serde(default)]
    pub iat: Option<i64>,
    /// What the shop's server vouches for about the customer (plan, tenure, country, …):
    /// the facts `attrs.*` of a served flow's rules (COLLECTOR.md section 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attrs: Option<Map<String, Value>>,
}

/// Most keys in a token's `attrs`.
pub const MAX_ATTRS: usize = 32;

/// Why a token was refused. The messages never include the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// No `Authorization: Bearer …` header.
    #[error("Authorization: a bearer token is required")]
    Missing,
    /// Not a JWT signed with HS256 by this secret, or without the required claims.
    #[error("Authorization: the token is not valid (HS256, signed with this collector's secret)")]
    Invalid,
    /// Expired, and not within the grace period for an outcome decided in time.
    #[error("Authorization: the token has expired")]
    Expired,
    /// `sub` is another customer.
    #[error("Authorization: the token is for another customer")]
    OtherCustomer,
    /// `subscription_id` is another subscription.
    #[error("Authorization: the token is for another subscription")]
    OtherSubscription,
    /// `flow_id` is another flow.
    #[error("Authorization: the token is for another flow")]
    OtherFlow,
    /// A claim a served config cannot use (`sub` blank or over 200 bytes, `attrs` not an
    /// object of at most 32 keys with plain values).
    #[error("Authorization: the token's {0}")]
    Claim(String),
}

/// Whether `policy` lets `outcome` in with the bearer token `token` (if any came):
/// a signed collector checks every outcome's token; an unsigned one accepts an outcome
/// without a token and checks one that comes when it knows a secret.
pub fn authorise(
    policy: &TokenPolicy,
    token: Option<&str>,
    outcome: &Outcome,
    decided_at: i64,
    now: i64,
) -> Result<(), TokenError> {
    let (secret, grace) = match policy {
        TokenPolicy::Signed { secret, grace } => (secret, *grace),
        TokenPolicy::Unsigned { check: Some((secret, grace)) } if token.is_some() => (secret, *grace),
        TokenPolicy::Unsigned { .. } => return Ok(()),
    };
    let token = token.ok_or(TokenError::Missing)?;
    verify(secret.bytes(), token, outcome, decided_at, now, grace).map(|_| ())
}

/// A token for `claims`.
pub fn mint(secret: &[u8], claims: &Claims) -> String {
    encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret)).unwrap_or_default()
}

/// Claims for a customer, valid for `ttl` from `now` (Unix seconds).
pub fn claims_for(customer: &str, subscription: Option<&str>, flow: Option<&str>, ttl: Duration, now: i64) -> Claims {
    Claims {
        sub: customer.to_string(),
        subscription_id: subscription.map(str::to_string),
        flow_id: flow.map(str::to_string),
        exp: now + ttl.as_secs() as i64,
        iat: Some(now),
        attrs: None,
    }
}

/// Checks the token of a config request (`GET /v1/flows/<flow_id>/config`): HS256 with
/// this secret, not expired (no grace: the config is for now), for this flow when it names
/// one, and `attrs` an object of at most 32 keys whose values are strings, numbers,
/// booleans or null.
pub fn verify_for_flow(secret: &[u8], token: &str, flow_id: &str, now: i64) -> Result<Claims, TokenError> {
    let claims = decode_claims(Some(secret), token)?;
    if now >= claims.exp {
        return Err(TokenError::Expired);
    }
    if claims.flow_id.as_ref().is_some_and(|f| f != flow_id) {
        return Err(TokenError::OtherFlow);
    }
    check_claims(&claims)?;
    Ok(claims)
}

/// The claims of a token read without checking its signature: only for a collector
/// started with `--allow-unsigned` and no secret (development), which has no key to check
/// one with. Expiry, the flow and `attrs` are still checked.
pub fn read_unverified_for_flow(token: &str, flow_id: &str, now: i64) -> Result<Claims, TokenError> {
    let claims = decode_claims(None, token)?;
    if now >= claims.exp {
        return Err(TokenError::Expired);
    }
    if claims.flow_id.as_ref().is_some_and(|f| f != flow_id) {
        return Err(TokenError::OtherFlow);
    }
    check_claims(&claims)?;
    Ok(claims)
}

/// The claims a served config is built from: `sub` becomes `customer.id`, which the
/// widget reads only when it is not blank and at most 200 bytes.
fn check_claims(claims: &Claims) -> Result<(), TokenError> {
    if claims.sub.trim().is_empty() || claims.sub.len() > 200 {
        return Err(TokenError::Claim("sub: must be a customer id of 1 to 200 bytes".into()));
    }
    let Some(attrs) = &claims.attrs else { return Ok(()) };
    if attrs.len() > MAX_ATTRS {
        return Err(TokenError::Claim(format!("attrs: has {} keys; at most {MAX_ATTRS}", attrs.len())));
    }
    match attrs.iter().find(|(_, v)| v.is_array() || v.is_object()) {
        Some((key, _)) => Err(TokenError::Claim(format!("attrs.{key}: must be a string, number, boolean or null"))),
        None => Ok(()),
    }
}

/// HS256 claims with `exp` and `sub`, checked with `secret` when one is given.
fn decode_claims(secret: Option<&[u8]>, token: &str) -> Result<Claims, TokenError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.algorithms = vec![Algorithm::HS256];
    validation.validate_exp = false; // judged by the caller
    validation.leeway = 0;
    validation.set_required_spec_claims(&["exp", "sub"]);
    let key = match secret {
        Some(secret) => DecodingKey::from_secret(secret),
        None => {
            validation.insecure_disable_signature_validation();
            DecodingKey::from_secret(&[])
        }
    };
    decode::<Claims>(token, &key, &validation).map(|data| data.claims).map_err(|_| TokenError::Invalid)
}

/// Checks a token against the outcome it comes with. `decided_at` is the outcome's
/// `created_at` and `now` the time of receipt, both Unix seconds.
pub fn verify(
    secret: &[u8],
    token: &str,
    outcome: &Outcome,
    decided_at: i64,
    now: i64,
    grace: Duration,
) -> Result<Claims, TokenError> {
    // Expiry is judged here, with the grace period.
    let claims = decode_claims(Some(secret), token)?;
    let in_time = now < claims.exp || (decided_at < claims.exp && now - claims.exp < grace.as_secs() as i64);
    if !in_time {
        return Err(TokenError::Expired);
    }
    if claims.sub != outcome.customer.id {
        return Err(TokenError::OtherCustomer);
    }
    if claims.subscription_id.as_ref().is_some_and(|s| Some(s) != outcome.customer.subscription_id.as_ref()) {
        return Err(TokenError::OtherSubscription);
    }
    if claims.flow_id.as_ref().is_some_and(|f| f != &outcome.flow_id) {
        return Err(TokenError::OtherFlow);
    }
    Ok(claims)
}
