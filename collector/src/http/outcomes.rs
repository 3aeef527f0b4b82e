//! `POST /v1/outcomes`: rate limit, content type, the outcome read and checked by the
//! widget's core (`read_outcome`), the `Idempotency-Key`, the session token, then the
//! group-commit writer; the answer says what happened (COLLECTOR.md section 2).

use super::error::ApiError;
use super::AppState;
use crate::store::{canonical_text, Insert, NewOutcome};
use crate::tokens;
use crate::writer::WriteError;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cancel_flow::core::outcome::Outcome;
use cancel_flow::core::outcome_read::read_outcome;
use std::net::SocketAddr;
use std::sync::Arc;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Receives one outcome.
pub async fn receive(
    State(state): State<Arc<AppState>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    if let Some(limiter) = &state.limiter {
        limiter.check(client.ip()).map_err(|wait| {
            ApiError::retry(StatusCode::TOO_MANY_REQUESTS, "too many outcomes from this address; try again later", wait)
        })?;
    }
    if !is_json(&headers) {
        return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Content-Type: must be application/json"));
    }
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "body: must be UTF-8"))?;
    let outcome = read_outcome(text).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.to_string()))?;
    if let Some(key) = headers.get("idempotency-key") {
        if key.to_str().ok().map(str::trim) != Some(outcome.id.as_str()) {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "Idempotency-Key: must equal id"));
        }
    }
    let created_at = OffsetDateTime::parse(&outcome.created_at, &Rfc3339)
        .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "created_at: must be an RFC 3339 time"))?;
    let now = OffsetDateTime::now_utc();
    authorise(&state, &headers, &outcome, created_at, now)?;
    // The canonical form written while parsing the body a second time (serde_json's
    // parser, as `canonical` has always used), without building a `Value`.
    let canonical = canonical_text(text).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("body: {e}")))?;
    let id = outcome.id.clone();
    let item = NewOutcome::of(&outcome, text.to_string(), canonical, created_at, now);
    match state.writer.submit(item).await {
        Ok(Insert::Stored) => Ok((StatusCode::CREATED, Json(Answer { id: &id, status: "stored" })).into_response()),
        Ok(Insert::Duplicate) => Ok((StatusCode::OK, Json(Answer { id: &id, status: "duplicate" })).into_response()),
        Ok(Insert::Conflict) => {
            Err(ApiError::new(StatusCode::CONFLICT, format!("id: {id} was stored before with a different body")))
        }
        Err(WriteError::Rejected) => Err(ApiError::new(StatusCode::BAD_REQUEST, "body: the database refused a value")),
        Err(e) => {
            Err(ApiError::retry(StatusCode::SERVICE_UNAVAILABLE, format!("{e}; nothing was stored, try again"), 2))
        }
    }
}

/// The answer to a stored or duplicate outcome: `{"id":…,"status":…}`.
#[derive(serde::Serialize)]
struct Answer<'a> {
    id: &'a str,
    status: &'static str,
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

/// The session token check, unless unsigned outcomes are allowed and none came.
fn authorise(
    state: &AppState,
    headers: &HeaderMap,
    outcome: &Outcome,
    created_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    let unauthorised = |e: tokens::TokenError| ApiError::new(StatusCode::UNAUTHORIZED, e.to_string());
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    match (bearer, &state.token_secret) {
        (None, _) if state.allow_unsigned => Ok(()),
        (None, _) => Err(unauthorised(tokens::TokenError::Missing)),
        // No secret means unsigned outcomes are allowed (`serve` refuses to start otherwise).
        (Some(_), None) => Ok(()),
        (Some(token), Some(secret)) => {
            tokens::verify(secret, token, outcome, created_at.unix_timestamp(), now.unix_timestamp(), state.token_grace)
                .map(|_| ())
                .map_err(unauthorised)
        }
    }
}
