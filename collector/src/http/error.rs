//! Errors as answers: each refusal is a status and a JSON `{"error": "…"}` that names the
//! field or the reason (never a secret or a token).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// A refusal.
#[derive(Debug)]
pub struct ApiError {
    /// The status.
    pub status: StatusCode,
    /// What to say.
    pub message: String,
    /// Seconds for `Retry-After` (429, 503).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// A refusal without `Retry-After`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into(), retry_after: None }
    }

    /// A refusal asking the client to come back after `seconds`.
    pub fn retry(status: StatusCode, message: impl Into<String>, seconds: u64) -> ApiError {
        ApiError { status, message: message.into(), retry_after: Some(seconds.max(1)) }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(serde_json::json!({ "error": self.message }))).into_response();
        if let Some(s) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

impl From<crate::filters::FilterError> for ApiError {
    fn from(e: crate::filters::FilterError) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, e.0)
    }
}
