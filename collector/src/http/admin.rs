//! The admin API (COLLECTOR.md section 6), behind `Authorization: Bearer <admin key>`
//! (the [`Admin`] extractor), or, for reads, the insights page's session cookie
//! ([`Reader`]); without an admin key configured these routes are 404. `GET /v1/insights` answers the figures;
//! `GET /v1/outcomes.csv` and `GET /v1/keep-in-touch.csv` stream RFC 4180 CSV (a million
//! rows are never held in memory); `POST /v1/subscriptions/<id>/cancelled` records a
//! cancellation reported by the shop's backend; `DELETE /v1/customers/<id>` erases a
//! customer.

use super::access::{Admin, Reader};
use super::error::ApiError;
use super::AppState;
use crate::filters::Filters;
use crate::store::StoredOutcome;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::StreamExt;
use serde_json::Value;
use std::sync::Arc;

/// `DELETE /v1/customers/<customer_id>`.
pub async fn erase_customer(
    _: Admin,
    State(state): State<Arc<AppState>>,
    Path(customer_id): Path<String>,
) -> Result<Response, ApiError> {
    let deleted = state
        .store
        .erase_customer(&customer_id)
        .await
        .map_err(ApiError::unavailable("the database is unavailable; nothing was erased"))?;
    state.flows.forget_customer(&customer_id);
    Ok((StatusCode::OK, Json(serde_json::json!({ "deleted": deleted }))).into_response())
}

/// The export's columns, in order.
const COLUMNS: [&str; 15] = [
    "id",
    "created_at",
    "flow_id",
    "test",
    "customer_id",
    "subscription_id",
    "plan_id",
    "locale",
    "result_type",
    "result",
    "reason_id",
    "comment",
    "feedback",
    "keep_in_touch",
    "elapsed_ms",
];

/// `GET /v1/outcomes.csv`.
pub async fn outcomes_csv(
    _: Reader,
    State(state): State<Arc<AppState>>,
    Query(filters): Query<Filters>,
) -> Result<Response, ApiError> {
    let filter = filters.to_export()?;
    let rows = state.store.export(filter).map(|row| row.map(|r| row_cells(&r)));
    Ok(csv_download("outcomes.csv", &COLUMNS, rows))
}

/// A streamed CSV download: the header row, then a line per row as the store reads it. A
/// store error ends the body early (the client sees a cut download, not a short file).
fn csv_download(
    filename: &str,
    columns: &[&str],
    rows: impl futures::Stream<Item = Result<Vec<String>, crate::store::StoreError>> + Send + 'static,
) -> Response {
    let header_row = csv_line(columns.iter().map(|c| c.to_string()));
    let lines = rows.map(|row| match row {
        Ok(cells) => Ok(csv_line(cells)),
        Err(e) => {
            tracing::error!(error = %e, "export stopped");
            Err(std::io::Error::other("export stopped"))
        }
    });
    let body = Body::from_stream(futures::stream::once(async { Ok(header_row) }).chain(lines));
    let disposition = format!("attachment; filename=\"{filename}\"");
    let mut response = ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], body).into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&disposition) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// One outcome's cells, from its body as received.
fn row_cells(r: &StoredOutcome) -> Vec<String> {
    let v: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    let text = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let survey = &v["survey"];
    vec![
        text(&v["id"]),
        text(&v["created_at"]),
        text(&v["flow_id"]),
        text(&v["test"]),
        text(&v["customer"]["id"]),
        text(&v["customer"]["subscription_id"]),
        text(&v["plan_id"]),
        text(&v["locale"]),
        text(&v["result"]["type"]),
        v["result"].to_string(),
        text(&survey["reason_id"]),
        text(&survey["comment"]),
        text(&survey["feedback"]),
        text(&v["keep_in_touch"]),
        text(&v["elapsed_ms"]),
    ]
}

/// One RFC 4180 line (CRLF). A cell that a spreadsheet would read as a formula (starting
/// with `=`, `+`, `-`, `@`, tab or carriage return) is prefixed with `'`.
pub fn csv_line(cells: impl IntoIterator<Item = String>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let cells: Vec<String> = cells.into_iter().map(neutralise).collect();
    let _ = w.write_record(&cells);
    w.into_inner().unwrap_or_default()
}

fn neutralise(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// `GET /v1/insights`.
pub async fn insights(
    _: Reader,
    State(state): State<Arc<AppState>>,
    Query(filters): Query<Filters>,
) -> Result<Response, ApiError> {
    let filter = filters.to_export()?;
    let figures = state.store.insights(&filter).await?;
    Ok(Json(figures).into_response())
}

/// The keep-in-touch export's columns, in order.
const KEEP_IN_TOUCH_COLUMNS: [&str; 6] = ["customer_id", "subscription_id", "flow_id", "date", "reason", "comment"];

/// `GET /v1/keep-in-touch.csv`: the people who cancelled and asked to hear about
/// improvements, in stored order.
pub async fn keep_in_touch_csv(
    _: Reader,
    State(state): State<Arc<AppState>>,
    Query(filters): Query<Filters>,
) -> Result<Response, ApiError> {
    let filter = filters.to_export()?;
    let rows = state.store.keep_in_touch(filter).map(|row| {
        row.map(|r| {
            vec![
                r.customer_id,
                r.subscription_id.unwrap_or_default(),
                r.flow_id,
                r.created_at.date().to_string(),
                r.reason_id.unwrap_or_default(),
                r.comment.unwrap_or_default(),
            ]
        })
    });
    Ok(csv_download("keep-in-touch.csv", &KEEP_IN_TOUCH_COLUMNS, rows))
}

/// `POST /v1/subscriptions/<subscription_id>/cancelled` with `{"at": "<RFC 3339>"}`: the
/// shop's backend saying the subscription was cancelled then. A save of that subscription
/// within the 30 days before counts as lost. Answers `204`; the same report twice is
/// recorded once.
pub async fn subscription_cancelled(
    _: Admin,
    State(state): State<Arc<AppState>>,
    Path(subscription_id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let bad = |m: &str| ApiError::BadRequest(m.to_string());
    if subscription_id.is_empty() || subscription_id.len() > 200 {
        return Err(bad("subscription_id: must be 1 to 200 characters"));
    }
    let v: Value = serde_json::from_slice(&body).map_err(|e| bad(&format!("body: must be a JSON object ({e})")))?;
    let at = match v.get("at") {
        Some(Value::String(s)) => time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .map_err(|_| bad("at: must be an RFC 3339 time such as 2026-11-25T10:04:12Z"))?,
        Some(_) => return Err(bad("at: must be an RFC 3339 time such as 2026-11-25T10:04:12Z")),
        None => return Err(bad("at: is required")),
    };
    state.store.report_cancellation(&subscription_id, at).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
