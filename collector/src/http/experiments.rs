//! Experiments measured (COLLECTOR.md section 8), admin key: `GET /v1/experiments` lists
//! them with their status, `GET /v1/experiments/<id>` answers each group's figures, the
//! comparisons with their verdicts and the sample-ratio check, computed at the collector's
//! clock by the pure `crate::analysis` from the store's counts, with each group's
//! secondary figures (`crate::insights::secondary`).

use super::access::Admin;
use super::error::ApiError;
use super::AppState;
use crate::analysis::report::{report, status, ArmCounts, Design, Report};
use crate::flows::FlowDocument;
use crate::insights::secondary::Secondary;
use crate::store::{ExperimentData, ExperimentSummary};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;
use time::OffsetDateTime;

/// `GET /v1/experiments`: `[{id, flow_id, started_at, status}]`.
pub async fn list(_admin: Admin, State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let now = OffsetDateTime::now_utc();
    let mut listed = Vec::new();
    for ExperimentSummary { id, .. } in state.store.experiments().await? {
        if let Some(data) = state.store.experiment(&id, now).await? {
            let report = report_of(&data)?;
            listed.push(json!({
                "id": data.summary.id, "flow_id": data.summary.flow_id,
                "started_at": data.summary.started_at, "status": status(&report),
            }));
        }
    }
    Ok(Json(listed).into_response())
}

/// `GET /v1/experiments/<id>`: the figures of section 8.
pub async fn one(
    _admin: Admin,
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let data = state
        .store
        .experiment(&id, OffsetDateTime::now_utc())
        .await?
        .ok_or_else(|| ApiError::Missing(format!("no experiment {id}")))?;
    let report = report_of(&data)?;
    let mut body = json!({
        "id": data.summary.id, "flow_id": data.summary.flow_id, "started_at": data.summary.started_at,
    });
    if let (Value::Object(b), Ok(Value::Object(r))) = (&mut body, serde_json::to_value(&report)) {
        b.extend(r);
        b.insert("secondary".into(), json!(secondary_of(&data, &report)));
    }
    Ok(Json(body).into_response())
}

/// The secondary figures of each arm, in the arms' order, from the outcomes served in it.
pub(super) fn secondary_of(data: &ExperimentData, report: &Report) -> Vec<Secondary> {
    report
        .arms
        .iter()
        .map(|arm| Secondary::of(&arm.group, data.outcomes.get(&arm.group).cloned().unwrap_or_default()))
        .collect()
}

/// The report of an experiment: its design from the flow version that first ran it (the
/// design is fixed for its life), its groups' counts.
pub(super) fn report_of(data: &ExperimentData) -> Result<Report, ApiError> {
    let unreadable =
        || ApiError::Missing(format!("experiment {} has no design this collector can read", data.summary.id));
    let document: Value = serde_json::from_str(&data.document).map_err(|_| unreadable())?;
    let flow = FlowDocument::read(&data.summary.flow_id, &document).map_err(|_| unreadable())?;
    let experiment = flow.experiment().filter(|e| e.id == data.summary.id).ok_or_else(unreadable)?;
    let design = Design {
        holdout: experiment.holdout,
        variants: experiment.variants.iter().map(|v| (v.id.clone(), v.weight)).collect(),
        baseline: experiment.baseline,
        mde: experiment.mde,
    };
    let counts: Vec<(String, ArmCounts)> = data
        .groups
        .iter()
        .map(|(group, c)| (group.clone(), ArmCounts { assigned: c.assigned, closed: c.closed, retained: c.retained }))
        .collect();
    Ok(report(&design, &counts))
}
