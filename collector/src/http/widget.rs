//! The widget's built files under `/widget/` (`--widget-dir`, COLLECTOR.md section 1), so
//! one origin can serve the script, the config and the editor: each file's brotli or gzip
//! copy when the browser accepts it (the build writes them beside each file), with
//! `Last-Modified` for revalidation. Shops load the script from their own pages, with
//! Subresource Integrity, and it fetches its glue and wasm from here: public files, so
//! any origin may read them (`Access-Control-Allow-Origin: *`, no credentials) and embed
//! them (`Cross-Origin-Resource-Policy: cross-origin`). The names are not content-hashed,
//! so each use revalidates (`no-cache`): a new build is seen at once.

use axum::http::{header, HeaderValue};
use axum::Router;
use std::path::Path;
use tower::ServiceBuilder;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The service serving `dir` (mount it under `/widget`).
pub fn service(dir: &Path) -> Router {
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip().append_index_html_on_directories(false);
    let headers = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*")))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")));
    Router::new().fallback_service(headers.service(files))
}
