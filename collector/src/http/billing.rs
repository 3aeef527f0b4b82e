//! `POST /v1/billing/stripe` (COLLECTOR.md section 9): Stripe's webhook events, their
//! signature checked against the endpoint's signing secret; a subscription's cancellation
//! counts like one the shop reports (saves lost, experiments' retention), once per event
//! id; every other event is acknowledged and ignored. Without `--stripe-webhook-secret`
//! the route answers 404.

use super::error::ApiError;
use super::AppState;
use crate::billing::events::{read_event, StripeEvent};
use crate::billing::signature::verify;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::Arc;
use time::OffsetDateTime;

/// Largest Stripe event accepted, in bytes.
pub const MAX_EVENT_BYTES: usize = 1024 * 1024;

/// Receives one Stripe event: `200 {"received": true}`, `400` for a bad signature or
/// event, `503` when the database cannot take it (Stripe retries).
pub async fn stripe(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let secret = state.stripe_secret.as_ref().ok_or(ApiError::NotFound)?;
    let header = headers.get("stripe-signature").and_then(|v| v.to_str().ok());
    verify(secret.expose(), header, &body, OffsetDateTime::now_utc().unix_timestamp())
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    match read_event(&body).map_err(|e| ApiError::BadRequest(e.to_string()))? {
        StripeEvent::Cancellation(c) => {
            let kind = "customer.subscription";
            let counted = state
                .store
                .report_stripe_cancellation(&c.event_id, kind, &c.subscription_id, c.at)
                .await
                .map_err(ApiError::unavailable("the database is unavailable; nothing was recorded, try again"))?;
            tracing::info!(event_id = c.event_id, subscription_id = c.subscription_id, counted, "Stripe cancellation");
        }
        StripeEvent::Ignored { event_id, kind } => tracing::debug!(event_id, kind, "Stripe event ignored"),
    }
    Ok(Json(serde_json::json!({ "received": true })).into_response())
}
