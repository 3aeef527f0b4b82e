//! The editor's preview (COLLECTOR.md section 10): `POST /flows/<flow_id>/preview` resolves
//! a draft flow document for a customer typed into the editor (attributes, history, and
//! optionally the experiment group) exactly as `GET /v1/flows/<flow_id>/config` would
//! serve it once published, and stores nothing: no version, no assignment, no history
//! read. The draft is checked by the same reader as a `PUT` (400 naming the path).
//!
//! For the signed-in page (or the admin key). A JSON body only (a form of another site
//! cannot send one without asking first), from the collector's own site
//! (`access::FromOwnSite`): with the session cookie's `SameSite=Strict`, no other site can
//! use the session.

use super::access::{FromOwnSite, Reader};
use super::error::ApiError;
use super::AppState;
use crate::flows::{self, Facts, FlowDocument, Group, History};
use crate::tokens::MAX_ATTRS;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// `POST /flows/<flow_id>/preview` with `{"document", "customer"?: {"id", "subscription_id",
/// "attrs"}, "history"?: {"sessions", "days_since_last_session", "days_since_discount",
/// "pauses_in_a_row"}, "group"?}`: `{"config", "applied_rules": [{"index", "name"}],
/// "group", "problems"}`.
pub async fn preview(
    _reader: Reader,
    _same_site: FromOwnSite,
    State(state): State<Arc<AppState>>,
    Path(flow_id): Path<String>,
    body: Result<Json<Value>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body.map_err(|e| match e {
        axum::extract::rejection::JsonRejection::MissingJsonContentType(_) => ApiError::NotJson,
        other => ApiError::BadRequest(format!("body: is not JSON ({other})")),
    })?;
    let document = body.get("document").ok_or_else(|| ApiError::BadRequest("document: is required".into()))?;
    let flow = FlowDocument::read(&flow_id, document).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let facts = facts(&body)?;
    let group = match (flow.experiment(), body.get("group")) {
        (None, _) => None,
        (Some(e), None | Some(Value::Null)) => Some(e.assign(&facts.customer_id)),
        (Some(e), Some(Value::String(g))) if g == "holdout" || e.variant(g).is_some() => Some(Group::parse(g)),
        (Some(_), Some(other)) => {
            return Err(ApiError::BadRequest(format!(
                "group: must be holdout or one of the variants' ids, not {other}"
            )))
        }
    };
    // The version publishing would make.
    let version = state.store.latest_flow_version(&flow_id).await?.map_or(1, |v| v.saturating_add(1));
    let resolved = flows::resolve(&flow, version, &facts, group.as_ref());
    let applied: Vec<Value> = resolved
        .applied_rules
        .iter()
        .map(|&i| json!({ "index": i, "name": document["rules"][i].get("name").cloned().unwrap_or(Value::Null) }))
        .collect();
    Ok(Json(json!({
        "config": resolved.config,
        "applied_rules": applied,
        "group": group.as_ref().map(Group::as_str),
        "problems": resolved.problems,
    }))
    .into_response())
}

/// The typed-in customer: `customer.id` (default `cus_preview`), `customer.subscription_id`,
/// `customer.attrs` (as a token's: at most 32 plain values) and the history.
fn facts(body: &Value) -> Result<Facts, ApiError> {
    let bad = |field: &str, what: &str| ApiError::BadRequest(format!("{field}: {what}"));
    let customer = &body["customer"];
    let text = |v: &Value, field: &str| match v {
        Value::Null => Ok(None),
        Value::String(s) if !s.trim().is_empty() && s.len() <= 200 => Ok(Some(s.clone())),
        _ => Err(bad(field, "must be a text of 1 to 200 bytes, or null")),
    };
    let customer_id = text(&customer["id"], "customer.id")?.unwrap_or_else(|| "cus_preview".to_string());
    let subscription_id = text(&customer["subscription_id"], "customer.subscription_id")?;
    let attrs = match &customer["attrs"] {
        Value::Null => Map::new(),
        Value::Object(m) if m.len() <= MAX_ATTRS && m.values().all(|v| !v.is_object() && !v.is_array()) => m.clone(),
        _ => return Err(bad("customer.attrs", "must be an object of at most 32 strings, numbers, booleans or nulls")),
    };
    let history = &body["history"];
    let count = |field: &str| match &history[field] {
        Value::Null => Ok(0),
        v => v.as_u64().ok_or_else(|| bad(&format!("history.{field}"), "must be a whole number from 0")),
    };
    let days = |field: &str| match &history[field] {
        Value::Null => Ok(None),
        v => v.as_i64().filter(|d| *d >= 0).map(Some).ok_or_else(|| {
            bad(&format!("history.{field}"), "must be a whole number of days from 0, or null for never")
        }),
    };
    Ok(Facts {
        attrs,
        customer_id,
        subscription_id,
        history: History {
            sessions: count("sessions")?,
            days_since_last_session: days("days_since_last_session")?,
            days_since_discount: days("days_since_discount")?,
            pauses_in_a_row: count("pauses_in_a_row")?,
        },
    })
}
