//! Every refusal of the API as a type, and the one place where each becomes an answer: a
//! status and a JSON `{"error": "…"}` that names the field or the reason (never a secret
//! or a token), with `Retry-After` where coming back later helps. A database failure is
//! logged here, with its causes, and answered 503.

use crate::filters::FilterError;
use crate::store::{redact_urls, StoreError};
use crate::tokens::TokenError;
use crate::writer::WriteError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Seconds a client is asked to wait after a 503.
const RETRY_AFTER_UNAVAILABLE: u64 = 2;

/// A refusal of the API.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A field or parameter that cannot be used; the message starts with its name.
    #[error("{0}")]
    BadRequest(String),
    /// A body that is not JSON.
    #[error("Content-Type: must be application/json")]
    NotJson,
    /// The session token does not authorise this outcome.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// An admin route without the admin key (or the page's session).
    #[error("Authorization: the admin key is required")]
    AdminKeyRequired,
    /// A request from a page of another site, refused before anything is done.
    #[error("Origin: a request from another site is refused")]
    CrossSite,
    /// No such route here (the admin routes without an admin key).
    #[error("not found")]
    NotFound,
    /// No such flow (or version of one): the message says which.
    #[error("{0}")]
    Missing(String),
    /// A flow reuses an experiment id with another design (COLLECTOR.md section 8).
    #[error(
        "experiment.id: {experiment_id} was first run by flow {flow_id} with another design; an experiment's \
        holdout, variants, weights and patches are fixed for its life: give a new design a new id"
    )]
    DesignChanged {
        /// The experiment's id.
        experiment_id: String,
        /// The flow that first ran it.
        flow_id: String,
    },
    /// The id was stored before with another body.
    #[error("id: {0} was stored before with a different body")]
    Conflict(String),
    /// Over the rate limit: come back after this many seconds.
    #[error("too many outcomes from this address; try again later")]
    RateLimited(u64),
    /// The writer could not store the outcome.
    #[error("{0}; nothing was stored, try again")]
    NotStored(WriteError),
    /// The database did not answer; `message` is what the client is told.
    #[error("{message}")]
    Unavailable {
        /// What the client is told.
        message: &'static str,
        /// What went wrong (logged, never answered).
        #[source]
        source: StoreError,
    },
}

impl ApiError {
    /// The database failed while `message` is what the client should hear.
    pub fn unavailable(message: &'static str) -> impl FnOnce(StoreError) -> ApiError {
        move |source| ApiError::Unavailable { message, source }
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) | ApiError::NotStored(WriteError::Rejected) => StatusCode::BAD_REQUEST,
            ApiError::NotJson => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Token(_) | ApiError::AdminKeyRequired => StatusCode::UNAUTHORIZED,
            ApiError::CrossSite => StatusCode::FORBIDDEN,
            ApiError::NotFound | ApiError::Missing(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) | ApiError::DesignChanged { .. } => StatusCode::CONFLICT,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::NotStored(_) | ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited(seconds) => Some((*seconds).max(1)),
            ApiError::NotStored(WriteError::Rejected) => None,
            ApiError::NotStored(_) | ApiError::Unavailable { .. } => Some(RETRY_AFTER_UNAVAILABLE),
            _ => None,
        }
    }
}

impl From<FilterError> for ApiError {
    fn from(e: FilterError) -> Self {
        ApiError::BadRequest(e.0)
    }
}

/// The database's own words stay in the log: the client hears that it should try again.
impl From<StoreError> for ApiError {
    fn from(source: StoreError) -> Self {
        ApiError::Unavailable { message: "the database is unavailable; try again", source }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Unavailable { source, .. } = &self {
            tracing::error!(error = %causes(source), "the database failed");
        }
        let message = match &self {
            ApiError::NotStored(WriteError::Rejected) => "body: the database refused a value".to_string(),
            other => other.to_string(),
        };
        let mut response = (self.status(), Json(serde_json::json!({ "error": message }))).into_response();
        if let Some(seconds) = self.retry_after() {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// An error and each of its causes, joined by `: `, with every database URL's password
/// redacted (a driver's own text can quote one). A cause already said by the text before
/// it (a `StoreError` repeats its driver's words) is not said again.
pub fn causes(error: &dyn std::error::Error) -> String {
    let mut text = redact_urls(&error.to_string());
    let mut next = error.source();
    while let Some(cause) = next {
        let cause_text = redact_urls(&cause.to_string());
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        next = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::causes;

    #[derive(Debug, thiserror::Error)]
    #[error("database")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn causes_are_joined_once_and_redacted() {
        let inner = std::io::Error::other("cannot reach postgres://shop:hunter2@db.example/cf");
        assert_eq!(causes(&Outer(inner)), "database: cannot reach postgres://shop:***@db.example/cf");
        let said = std::io::Error::other("refused");
        #[derive(Debug, thiserror::Error)]
        #[error("unavailable: {0}")]
        struct Repeats(#[source] std::io::Error);
        assert_eq!(causes(&Repeats(said)), "unavailable: refused", "not said twice");
    }
}
