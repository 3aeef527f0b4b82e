//! The HTTP surface (COLLECTOR.md sections 2 and 6 to 9): the router, the state each handler
//! is given, and the layers around them (CORS, body limit, timeouts, tracing).

pub mod access;
pub mod admin;
pub mod billing;
pub mod editor;
pub mod error;
pub mod experiments;
pub mod flows;
pub mod limits;
pub mod outcomes;
pub mod pages;
pub mod preview;
pub mod serve;
pub mod session;
pub mod widget;

use crate::serving::FlowServer;
use crate::settings::{AdminKey, StripeSecret, TokenPolicy};
use crate::store::Store;
use crate::writer::Writer;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, Method, StatusCode};
use axum::routing::{delete, get, post};
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Largest outcome body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The longest a request may take before it is answered 408.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What the handlers share.
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The group-commit writer in front of it.
    pub writer: Writer,
    /// How outcomes are authorised.
    pub tokens: TokenPolicy,
    /// The admin key, if the admin API and the pages are on.
    pub admin_key: Option<AdminKey>,
    /// The outcome posts' budget per address, if any.
    pub outcome_limit: Option<limits::Limiter>,
    /// The wrong sign-in keys' budget per address.
    pub sign_in_limit: limits::Limiter,
    /// The served flows' cache and the experiment groups recorded.
    pub flows: FlowServer,
    /// Stripe's signing secret, when `POST /v1/billing/stripe` is on.
    pub stripe_secret: Option<StripeSecret>,
    /// The widget's built files, served under `/widget/` when set.
    pub widget_dir: Option<std::path::PathBuf>,
}

/// The whole application.
pub fn router(state: Arc<AppState>, cors_origins: &[String]) -> Router {
    let origins = cors_origins.iter().filter_map(|o| o.trim().parse().ok()).collect::<Vec<_>>();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins.clone()))
        .allow_methods([Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, "idempotency-key".parse().unwrap()])
        .max_age(Duration::from_secs(600));
    let outcomes = Router::new()
        .route("/v1/outcomes", post(outcomes::receive))
        .layer(cors)
        .layer(axum::middleware::map_response(limits::cors_finish));
    // A served config is read from the shop's pages, with the customer's token.
    let config_cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins.clone()))
        .allow_methods([Method::GET])
        .allow_headers([header::AUTHORIZATION])
        .max_age(Duration::from_secs(600));
    let served = Router::new()
        .route("/v1/flows/{flow_id}/config", get(flows::config))
        .layer(config_cors)
        .layer(axum::middleware::map_response(limits::cors_finish));
    let flow_admin = Router::new()
        .route("/v1/flows", get(flows::list))
        .route("/v1/flows/{flow_id}", get(flows::latest).put(flows::put))
        .route("/v1/flows/{flow_id}/versions", get(flows::versions))
        .route("/v1/flows/{flow_id}/versions/{version}", get(flows::version))
        .route("/v1/experiments", get(experiments::list))
        .route("/v1/experiments/{id}", get(experiments::one))
        .layer(DefaultBodyLimit::max(flows::MAX_FLOW_BYTES));
    let admin = Router::new()
        .route("/v1/outcomes.csv", get(admin::outcomes_csv))
        .route("/v1/keep-in-touch.csv", get(admin::keep_in_touch_csv))
        .route("/v1/insights", get(admin::insights))
        .route("/v1/subscriptions/{subscription_id}/cancelled", post(admin::subscription_cancelled))
        .route("/v1/customers/{customer_id}", delete(admin::erase_customer));
    let pages = Router::new()
        .route("/insights", get(pages::overview))
        .route("/insights/comments", get(pages::comments))
        .route("/insights/experiments", get(pages::experiments))
        .route("/flows", get(pages::flows))
        .route("/flows/{flow_id}", get(editor::page))
        .route("/flows/{flow_id}/diff", get(editor::diff))
        .route("/flows/{flow_id}/preview/outcomes", post(editor::preview_outcome))
        .route("/insights/editor/{module}", get(editor::module))
        .route("/flows/{flow_id}/preview", post(preview::preview).layer(DefaultBodyLimit::max(flows::MAX_FLOW_BYTES)))
        .route("/flows/{flow_id}/publish", post(flows::publish).layer(DefaultBodyLimit::max(flows::MAX_FLOW_BYTES)))
        .route("/insights/sign-in", post(pages::sign_in))
        .route("/insights/sign-out", post(pages::sign_out))
        .route("/insights/style.css", get(pages::stylesheet));
    let widget = match &state.widget_dir {
        Some(dir) => Router::new().nest_service("/widget", widget::service(dir)),
        None => Router::new(),
    };
    Router::new()
        .merge(widget)
        .merge(outcomes)
        .merge(served)
        .merge(flow_admin)
        .route("/v1/billing/stripe", post(billing::stripe).layer(DefaultBodyLimit::max(billing::MAX_EVENT_BYTES)))
        .merge(admin)
        .merge(pages)
        .route("/healthz", get(healthz))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// `200` when the database answers, else `503`.
async fn healthz(axum::extract::State(state): axum::extract::State<Arc<AppState>>) -> StatusCode {
    if state.store.ping().await {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    }
}
