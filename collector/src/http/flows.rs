//! Served flows over HTTP (COLLECTOR.md section 7): writing and reading a flow's versions
//! (admin key; the reads also with the signed-in session of the pages, which link to
//! them), and `GET /v1/flows/<flow_id>/config`, the config resolved for the customer
//! of the bearer token.

use super::access::{Admin, BearerToken, FromOwnSite, Reader};
use super::error::ApiError;
use super::AppState;
use crate::flows::FlowDocument;
use crate::serving::ServeError;
use crate::settings::TokenPolicy;
use crate::store::{canonical, FlowWrite, NewFlowVersion, StoredFlow};
use crate::tokens::{self, Claims, TokenError};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;
use time::OffsetDateTime;

/// Largest flow document accepted, in bytes (a config may be 256 KiB, and rules and
/// variants come with it).
pub const MAX_FLOW_BYTES: usize = 1024 * 1024;

/// `PUT /v1/flows/<flow_id>`: a new version (`201`), or the current one when the document
/// is the same JSON (`200`).
pub async fn put(
    _admin: Admin,
    State(state): State<Arc<AppState>>,
    Path(flow_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    write(&state, flow_id, &body).await
}

/// `POST /flows/<flow_id>/publish`: the editor's publish, for the signed-in page (or the
/// admin key): exactly a `PUT /v1/flows/<flow_id>` of the body, from the page's own site
/// only (COLLECTOR.md section 10; see `preview` for how cross-site writes are refused).
pub async fn publish(
    _reader: Reader,
    _same_site: FromOwnSite,
    State(state): State<Arc<AppState>>,
    Path(flow_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json")));
    if !json {
        return Err(ApiError::NotJson);
    }
    write(&state, flow_id, &body).await
}

/// Writes `body` as a new version of `flow_id` (or keeps the current one when it is the
/// same JSON).
async fn write(state: &AppState, flow_id: String, body: &Bytes) -> Result<Response, ApiError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ApiError::BadRequest(format!("body: is not JSON ({e})")))?;
    let document = FlowDocument::read(&flow_id, &value).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let text = std::str::from_utf8(body).map_err(|_| ApiError::BadRequest("body: must be UTF-8".into()))?;
    let canonical = canonical(&value);
    let experiment = document.experiment();
    let new = NewFlowVersion {
        flow_id: &flow_id,
        document: text,
        canonical: &canonical,
        experiment_id: experiment.map(|e| e.id.as_str()),
    };
    let same_design = |first_flow: &str, first_document: &str| {
        let Some(experiment) = experiment else { return true };
        serde_json::from_str::<Value>(first_document)
            .ok()
            .and_then(|v| FlowDocument::read(first_flow, &v).ok())
            .and_then(|first| first.experiment().map(|e| e.same_design(experiment)))
            .unwrap_or(false)
    };
    let written = state
        .store
        .put_flow(new, OffsetDateTime::now_utc(), same_design)
        .await
        .map_err(ApiError::unavailable("the database is unavailable; nothing was written, try again"))?;
    let (status, version) = match written {
        FlowWrite::Created(version) => (StatusCode::CREATED, version),
        FlowWrite::Unchanged(version) => (StatusCode::OK, version),
        FlowWrite::DesignChanged { experiment_id, flow_id } => {
            return Err(ApiError::DesignChanged { experiment_id, flow_id })
        }
    };
    state.flows.forget(&flow_id);
    if status == StatusCode::CREATED {
        tracing::info!(flow_id, version, "flow version written");
    }
    Ok((status, Json(json!({ "flow_id": flow_id, "version": version }))).into_response())
}

/// `GET /v1/flows`: every flow's latest version.
pub async fn list(_reader: Reader, State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    Ok(Json(state.store.flows().await?).into_response())
}

/// `GET /v1/flows/<flow_id>`: the latest version.
pub async fn latest(
    _reader: Reader,
    State(state): State<Arc<AppState>>,
    Path(flow_id): Path<String>,
) -> Result<Response, ApiError> {
    let stored = state.store.flow(&flow_id, None).await?.ok_or_else(|| no_flow(&flow_id))?;
    Ok(Json(version_body(&stored)).into_response())
}

/// `GET /v1/flows/<flow_id>/versions/<n>`: one version.
pub async fn version(
    _reader: Reader,
    State(state): State<Arc<AppState>>,
    Path((flow_id, version)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let missing = || ApiError::Missing(format!("no version {version} of flow {flow_id}"));
    let n: u32 = version.parse().ok().filter(|n| *n >= 1).ok_or_else(missing)?;
    match state.store.flow(&flow_id, Some(n)).await? {
        Some(stored) => Ok(Json(version_body(&stored)).into_response()),
        None if state.store.latest_flow_version(&flow_id).await?.is_none() => Err(no_flow(&flow_id)),
        None => Err(missing()),
    }
}

/// `GET /v1/flows/<flow_id>/versions`: the versions, newest first.
pub async fn versions(
    _reader: Reader,
    State(state): State<Arc<AppState>>,
    Path(flow_id): Path<String>,
) -> Result<Response, ApiError> {
    let versions = state.store.flow_versions(&flow_id).await?;
    if versions.is_empty() {
        return Err(no_flow(&flow_id));
    }
    Ok(Json(versions).into_response())
}

/// `GET /v1/flows/<flow_id>/config`: the config resolved for the token's customer,
/// `Cache-Control: no-store`.
pub async fn config(
    State(state): State<Arc<AppState>>,
    BearerToken(token): BearerToken,
    Path(flow_id): Path<String>,
) -> Result<Response, ApiError> {
    let now = OffsetDateTime::now_utc();
    let claims = claims_for_flow(&state.tokens, token.as_deref(), &flow_id, now.unix_timestamp())?;
    let resolved = state.flows.config_for(&state.store, &flow_id, &claims, now).await.map_err(|e| match e {
        ServeError::NoFlow(_) => ApiError::Missing(e.to_string()),
        ServeError::Store(source) => {
            ApiError::Unavailable { message: "the database is unavailable; try again", source }
        }
        ServeError::Unreadable { .. } => {
            tracing::error!(error = %e, "a stored flow cannot be served");
            ApiError::Missing(format!("no flow {flow_id} this collector can serve"))
        }
    })?;
    let mut response = Json(resolved.config).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The customer a config request is for: its token checked as the token policy says (a
/// collector without a secret, `--allow-unsigned` for development, reads the claims
/// without a signature to check).
fn claims_for_flow(policy: &TokenPolicy, token: Option<&str>, flow_id: &str, now: i64) -> Result<Claims, ApiError> {
    let token = token.ok_or(TokenError::Missing)?;
    let claims = match policy {
        TokenPolicy::Signed { secret, .. } | TokenPolicy::Unsigned { check: Some((secret, _)) } => {
            tokens::verify_for_flow(secret.bytes(), token, flow_id, now)
        }
        TokenPolicy::Unsigned { check: None } => tokens::read_unverified_for_flow(token, flow_id, now),
    };
    Ok(claims?)
}

fn no_flow(flow_id: &str) -> ApiError {
    ApiError::Missing(format!("no flow {flow_id}"))
}

/// `{"flow_id", "version", "created_at", "flow"}`.
fn version_body(stored: &StoredFlow) -> Value {
    let flow: Value = serde_json::from_str(&stored.document).unwrap_or(Value::Null);
    json!({ "flow_id": stored.flow_id, "version": stored.version, "created_at": stored.created_at, "flow": flow })
}
