//! The insights pages (placeholder until the page lands).

use super::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use std::sync::Arc;

pub async fn overview(State(_s): State<Arc<AppState>>) -> StatusCode {
    StatusCode::NOT_FOUND
}
pub async fn comments(State(_s): State<Arc<AppState>>) -> StatusCode {
    StatusCode::NOT_FOUND
}
pub async fn sign_in(State(_s): State<Arc<AppState>>) -> StatusCode {
    StatusCode::NOT_FOUND
}
pub async fn sign_out(State(_s): State<Arc<AppState>>) -> StatusCode {
    StatusCode::NOT_FOUND
}
pub async fn stylesheet(State(_s): State<Arc<AppState>>) -> StatusCode {
    StatusCode::NOT_FOUND
}
