//! The flow editor over HTTP (COLLECTOR.md section 10): `GET /flows/<flow_id>` (the page,
//! signed in; a new flow starts from `?template=`), its modules
//! (`GET /insights/editor/<name>.js`), the preview's outcome
//! endpoint that stores nothing (`POST /flows/<flow_id>/preview/outcomes`), and what
//! changed between two versions (`GET /flows/<flow_id>/diff?from=&to=`). The page's own
//! Content-Security-Policy lets it run its script and the widget's wasm, from this
//! collector only. The preview and publishing are in `preview.rs` and `flows.rs`.

use super::access::Reader;
use super::error::ApiError;
use super::pages::{protect_with, InsightsPage, PageError, PagesOn};
use super::{session, AppState};
use crate::flows::changes;
use crate::page::editor::{self, templates, Editor};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// The editor's query: where a new flow starts.
#[derive(Debug, Default, Deserialize)]
pub struct EditorQuery {
    /// A template's id (`meal-box`, `saas-tiers`, `direct-de`); a new flow without one starts blank.
    template: Option<String>,
}

/// This collector's origin as the browser reached it: behind a proxy, the host it was asked
/// for (`X-Forwarded-Host`, its first) and `https://` when it ended TLS. Shown in the
/// page only (the embed snippet, a new flow's endpoint), so a client can only fool itself.
fn origin(headers: &HeaderMap) -> String {
    let plain = |v: &str| !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
    let named = |name| headers.get(name).and_then(|h| h.to_str().ok()).and_then(|v| v.split(',').next()).map(str::trim);
    let host =
        named("x-forwarded-host").filter(|h| plain(h)).or(named("host").filter(|h| plain(h))).unwrap_or("localhost");
    let scheme = if session::is_https(headers) { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// The SRI hash of the widget's `embed.js`, from its `integrity.json`.
async fn embed_integrity(dir: &std::path::Path) -> Option<String> {
    let text = tokio::fs::read_to_string(dir.join("integrity.json")).await.ok()?;
    let v: Value = serde_json::from_str(&text).ok()?;
    v["files"]["embed.js"].as_str().map(String::from)
}

/// `GET /flows/<flow_id>`: the editor, on the flow's latest version, or on a template
/// (or a blank flow) for a flow that has none yet.
pub async fn page(
    State(state): State<Arc<AppState>>,
    InsightsPage { params, .. }: InsightsPage,
    Path(flow_id): Path<String>,
    Query(query): Query<EditorQuery>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    if flow_id.trim().is_empty() || flow_id.len() > 200 {
        return Err(PageError::BadQuery("A flow id is 1 to 200 characters.".into()));
    }
    let origin = origin(&headers);
    let stored = state.store.flow(&flow_id, None).await?;
    let (document, version) = match &stored {
        Some(s) => (serde_json::from_str(&s.document).unwrap_or(Value::Null), Some(s.version)),
        None => {
            let endpoint = format!("{origin}/v1/outcomes");
            let doc = match query.template.as_deref().filter(|t| !t.is_empty()) {
                Some(t) => templates::find(t)
                    .ok_or_else(|| PageError::BadQuery(format!("template: there is no template {t}")))?
                    .document(&flow_id, &endpoint),
                None => templates::blank(&flow_id, &endpoint),
            };
            (doc, None)
        }
    };
    let integrity = match &state.widget_dir {
        Some(dir) => embed_integrity(dir).await,
        None => None,
    };
    let markup = editor::page(
        &Editor {
            flow_id: &flow_id,
            document: &document,
            version,
            origin: &origin,
            widget: state.widget_dir.is_some(),
            embed_integrity: integrity.as_deref(),
        },
        &params,
    );
    let r = (StatusCode::OK, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], markup.into_string());
    Ok(protect_with(r.into_response(), "no-store", editor::CSP))
}

/// `GET /insights/editor/<module>.js`: one of the editor's modules.
pub async fn module(_: PagesOn, Path(name): Path<String>) -> Result<Response, PageError> {
    let source = editor::module(&name).ok_or(PageError::NotFound)?;
    let r = ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], source).into_response();
    Ok(protect_with(r, "no-cache", editor::CSP))
}

/// `POST /flows/<flow_id>/preview/outcomes`: where the preview's widget sends its outcome.
/// Acknowledged as the outcome route would, so the preview walks on to its receipt; read
/// for nothing, stored nowhere, forwarded to no one.
pub async fn preview_outcome(_: PagesOn, body: axum::body::Bytes) -> Response {
    let id = serde_json::from_slice::<Value>(&body).ok().and_then(|v| v["id"].as_str().map(String::from));
    (StatusCode::CREATED, Json(json!({ "id": id, "status": "preview", "stored": false }))).into_response()
}

/// The two versions compared.
#[derive(Debug, Deserialize)]
pub struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /flows/<flow_id>/diff?from=3&to=4`: `{"flow_id", "from", "to", "changes": [{"op",
/// "path", "value"?, "was"?}]}`, what publishing `to` after `from` changed.
pub async fn diff(
    _reader: Reader,
    State(state): State<Arc<AppState>>,
    Path(flow_id): Path<String>,
    Query(q): Query<DiffQuery>,
) -> Result<Response, ApiError> {
    let number = |field: &str, v: &Option<String>| {
        v.as_deref()
            .and_then(|s| s.parse::<u32>().ok())
            .filter(|n| *n >= 1)
            .ok_or_else(|| ApiError::BadRequest(format!("{field}: must be a version number from 1")))
    };
    let (from, to) = (number("from", &q.from)?, number("to", &q.to)?);
    let mut documents = Vec::with_capacity(2);
    for (field, n) in [("from", from), ("to", to)] {
        let stored = state
            .store
            .flow(&flow_id, Some(n))
            .await?
            .ok_or_else(|| ApiError::Missing(format!("{field}: no version {n} of flow {flow_id}")))?;
        documents.push(serde_json::from_str::<Value>(&stored.document).unwrap_or(Value::Null));
    }
    let changes = changes(&documents[0], &documents[1]);
    Ok(Json(json!({ "flow_id": flow_id, "from": from, "to": to, "changes": changes })).into_response())
}
