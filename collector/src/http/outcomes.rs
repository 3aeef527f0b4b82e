//! `POST /v1/outcomes`: the rate limit (an extractor), the content type, the outcome read
//! and checked by the widget's core (`read_outcome`), the `Idempotency-Key`, the session
//! token under the token policy, then the group-commit writer; the answer says what happened (COLLECTOR.md section 2).

use super::access::{BearerToken, OutcomeBudget};
use super::error::ApiError;
use super::AppState;
use crate::store::{canonical_text, Insert, NewOutcome};
use crate::tokens;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cancel_flow::core::outcome_read::read_outcome;
use std::sync::Arc;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Receives one outcome.
pub async fn receive(
    _budget: OutcomeBudget,
    State(state): State<Arc<AppState>>,
    BearerToken(token): BearerToken,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    if !is_json(&headers) {
        return Err(ApiError::NotJson);
    }
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::BadRequest("body: must be UTF-8".into()))?;
    let outcome = read_outcome(text).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    if let Some(key) = headers.get("idempotency-key") {
        if key.to_str().ok().map(str::trim) != Some(outcome.id.as_str()) {
            return Err(ApiError::BadRequest("Idempotency-Key: must equal id".into()));
        }
    }
    let created_at = OffsetDateTime::parse(&outcome.created_at, &Rfc3339)
        .map_err(|_| ApiError::BadRequest("created_at: must be an RFC 3339 time".into()))?;
    let now = OffsetDateTime::now_utc();
    tokens::authorise(&state.tokens, token.as_deref(), &outcome, created_at.unix_timestamp(), now.unix_timestamp())?;
    // The canonical form written while parsing the body a second time (serde_json's
    // parser, as `canonical` has always used), without building a `Value`.
    let canonical = canonical_text(text).map_err(|e| ApiError::BadRequest(format!("body: {e}")))?;
    let id = outcome.id.clone();
    let item = NewOutcome::of(&outcome, text.to_string(), canonical, created_at, now);
    match state.writer.submit(item).await.map_err(ApiError::NotStored)? {
        Insert::Stored => Ok((StatusCode::CREATED, Json(Answer { id: &id, status: "stored" })).into_response()),
        Insert::Duplicate => Ok((StatusCode::OK, Json(Answer { id: &id, status: "duplicate" })).into_response()),
        Insert::Conflict => Err(ApiError::Conflict(id)),
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
