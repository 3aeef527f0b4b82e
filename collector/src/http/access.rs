//! Who may do what, as extractors the handlers take as arguments: the one bearer parser
//! (axum-extra's typed `Authorization: Bearer`, scheme in any case), the admin key, a
//! reader (the admin key or the insights page's session cookie), a request from the
//! collector's own site, the client's address and the outcome posts' budget per address.

use super::error::ApiError;
use super::{session, AppState};
use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use axum_extra::headers::authorization::{Authorization, Bearer};
use axum_extra::TypedHeader;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// A request not sent by another site's page: without an `Origin` (not from a browser's
/// cross-site request), or with this collector's own host as its origin's. For the
/// editor's writes from the signed-in page.
#[derive(Debug, Clone, Copy)]
pub struct FromOwnSite;

impl<S: Send + Sync> FromRequestParts<S> for FromOwnSite {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let Some(origin) = parts.headers.get(header::ORIGIN) else { return Ok(FromOwnSite) };
        let host = parts.headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
        let origin_host =
            origin.to_str().ok().and_then(|o| o.split_once("://")).map(|(_, rest)| rest).unwrap_or_default();
        if origin_host.is_empty() || origin_host != host {
            return Err(ApiError::CrossSite);
        }
        Ok(FromOwnSite)
    }
}

/// The bearer token of `Authorization: Bearer <token>`, if one came (another scheme or
/// an empty token counts as none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BearerToken(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for BearerToken {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        let header =
            <TypedHeader<Authorization<Bearer>> as OptionalFromRequestParts<S>>::from_request_parts(parts, state)
                .await
                .ok()
                .flatten();
        let token = header.map(|TypedHeader(Authorization(b))| b.token().trim().to_string()).filter(|t| !t.is_empty());
        Ok(BearerToken(token))
    }
}

/// A request with the admin key as its bearer token. Without an admin key configured the
/// admin routes do not exist (404).
#[derive(Debug, Clone, Copy)]
pub struct Admin;

impl FromRequestParts<Arc<AppState>> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, ApiError> {
        let key = state.admin_key.as_ref().ok_or(ApiError::NotFound)?;
        let Ok(BearerToken(token)) = BearerToken::from_request_parts(parts, state).await;
        match token {
            Some(token) if key.matches(&token) => Ok(Admin),
            _ => Err(ApiError::AdminKeyRequired),
        }
    }
}

/// A read of the insights: the admin key, or the page's session cookie (the page's export
/// links; the cookie is `SameSite=Strict`, so another site cannot send it).
#[derive(Debug, Clone, Copy)]
pub struct Reader;

impl FromRequestParts<Arc<AppState>> for Reader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, ApiError> {
        match Admin::from_request_parts(parts, state).await {
            Err(ApiError::AdminKeyRequired) if SignedIn::check(parts, state) => Ok(Reader),
            other => other.map(|Admin| Reader),
        }
    }
}

/// Whether the request carries a valid session cookie of the insights pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedIn(pub bool);

impl SignedIn {
    fn check(parts: &Parts, state: &AppState) -> bool {
        let jar = CookieJar::from_headers(&parts.headers);
        state.admin_key.as_ref().is_some_and(|key| session::signed_in(key, &jar))
    }
}

impl FromRequestParts<Arc<AppState>> for SignedIn {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Infallible> {
        Ok(SignedIn(SignedIn::check(parts, state)))
    }
}

/// The client's address (the TCP peer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = <ConnectInfo<SocketAddr> as FromRequestParts<S>>::Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ConnectInfo(addr) = ConnectInfo::<SocketAddr>::from_request_parts(parts, state).await?;
        Ok(ClientIp(addr.ip()))
    }
}

/// One outcome post from the client's budget (every post counts, valid or not); over
/// it, 429 with `Retry-After`.
#[derive(Debug, Clone, Copy)]
pub struct OutcomeBudget;

impl FromRequestParts<Arc<AppState>> for OutcomeBudget {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, ApiError> {
        let Some(limiter) = &state.outcome_limit else { return Ok(OutcomeBudget) };
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::BadRequest("the client's address is unknown".into()))?;
        limiter.check(ip).map(|()| OutcomeBudget).map_err(ApiError::RateLimited)
    }
}
