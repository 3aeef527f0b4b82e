//! The insights pages over HTTP (COLLECTOR.md section 6): the handlers of `GET /insights`
//! (sign-in form or overview), `GET /insights/comments`, `POST /insights/sign-in`,
//! `POST /insights/sign-out` and `GET /insights/style.css`, and the headers every page
//! carries (no caching, a strict Content-Security-Policy: no script, no inline style,
//! nothing from elsewhere). Without an admin key every route answers 404. The HTML
//! itself lives in `src/page/`.

use super::session;
use super::AppState;
use crate::page::{self, Params};
use crate::store::ExportFilter;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::Markup;
use std::net::SocketAddr;
use std::sync::Arc;

/// The pages' Content-Security-Policy.
pub const CSP: &str =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The headers every response of these routes carries.
fn protect(mut response: Response, cache: &'static str) -> Response {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// A page.
fn html(status: StatusCode, markup: Markup) -> Response {
    protect(
        (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], markup.into_string()).into_response(),
        "no-store",
    )
}

/// What every route answers without an admin key.
fn not_found() -> Response {
    protect(
        (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "not found").into_response(),
        "no-store",
    )
}

/// A 303 to `location`, setting `cookie`.
fn see_other(location: &str, cookie: &str) -> Response {
    let mut r = protect(StatusCode::SEE_OTHER.into_response(), "no-store");
    if let (Ok(l), Ok(c)) = (HeaderValue::from_str(location), HeaderValue::from_str(cookie)) {
        r.headers_mut().insert(header::LOCATION, l);
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

fn bad_request(message: &str) -> Response {
    html(StatusCode::BAD_REQUEST, page::problem("That filter did not work", message, true))
}

fn unavailable(e: crate::store::StoreError) -> Response {
    tracing::error!(error = %e, "reading the insights failed");
    let message = "The database is not answering right now. Nothing is lost; try again in a moment.";
    let mut r = html(StatusCode::SERVICE_UNAVAILABLE, page::problem("Try again in a moment", message, true));
    r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
    r
}

/// What a page handler needs first: the admin key is set, the person is signed in (else
/// the sign-in form, coming back to `next`), and the query and its filters read.
fn gate(
    state: &AppState,
    headers: &HeaderMap,
    query: Result<Query<Params>, QueryRejection>,
    next: Option<&'static str>,
) -> Result<(Params, ExportFilter), Box<Response>> {
    if state.admin_key.is_none() {
        return Err(Box::new(not_found()));
    }
    let signed_in = session::signed_in(state, headers);
    let params = match query {
        Ok(Query(p)) => p,
        Err(_) if signed_in => return Err(Box::new(bad_request("The address has a query this page cannot read."))),
        Err(_) => Params::default(),
    };
    if !signed_in {
        return Err(Box::new(html(StatusCode::OK, page::forms::sign_in_page(&params, next, false))));
    }
    let filter = params.filters().to_export().map_err(|e| Box::new(bad_request(&e.0)))?;
    Ok((params, filter))
}

/// `GET /insights`: the sign-in form, or the overview.
pub async fn overview(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    query: Result<Query<Params>, QueryRejection>,
) -> Response {
    let (params, filter) = match gate(&state, &headers, query, None) {
        Ok(open) => open,
        Err(answer) => return *answer,
    };
    let store = &state.store;
    let read = tokio::try_join!(
        store.insights(&filter),
        store.flow_ids(),
        store.keep_in_touch_recent(&filter, page::overview::KEEP_IN_TOUCH_SHOWN)
    );
    match read {
        Ok((figures, flows, latest)) => html(StatusCode::OK, page::overview::page(&figures, &flows, &latest, &params)),
        Err(e) => unavailable(e),
    }
}

/// `GET /insights/comments`: one page of comments.
pub async fn comments(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    query: Result<Query<Params>, QueryRejection>,
) -> Response {
    let (params, filter) = match gate(&state, &headers, query, Some(page::forms::NEXT_COMMENTS)) {
        Ok(open) => open,
        Err(answer) => return *answer,
    };
    let page_no = match params.page.as_deref().filter(|p| !p.is_empty()).map(str::parse::<u64>) {
        None => 1,
        Some(Ok(n)) if (1..=1_000_000).contains(&n) => n,
        Some(_) => return bad_request("page: must be a whole number from 1"),
    };
    let reason = params.reason_id.as_deref().filter(|r| !r.is_empty());
    let per = page::comments::PER_PAGE;
    let store = &state.store;
    let read = tokio::try_join!(
        store.comments(&filter, reason, (page_no - 1) * per, per),
        store.insights(&filter),
        store.flow_ids()
    );
    match read {
        Ok((found, figures, flows)) => {
            let reasons: Vec<String> = figures.reasons.into_iter().map(|r| r.reason_id).collect();
            html(StatusCode::OK, page::comments::page(&found, page_no, &reasons, &flows, &params))
        }
        Err(e) => unavailable(e),
    }
}

/// `POST /insights/sign-in` with the form's `key` (and the filters to go back to).
pub async fn sign_in(
    State(state): State<Arc<AppState>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(key) = state.admin_key.as_deref() else { return not_found() };
    let mut params = Params::default();
    let (mut given, mut next) = (String::new(), None);
    for (name, value) in form_pairs(&body) {
        match name.as_str() {
            "key" => given = value,
            "next" if value == page::forms::NEXT_COMMENTS => next = Some(page::forms::NEXT_COMMENTS),
            "flow_id" => params.flow_id = Some(value),
            "from" => params.from = Some(value),
            "to" => params.to = Some(value),
            "include_test" => params.include_test = Some(value),
            _ => {}
        }
    }
    // Only wrong keys count against the address: the right key always signs in, and a
    // guesser gets 10 tries a minute.
    if !session::key_matches(&state, &given) {
        if let Err(wait) = session::allow_attempt(client.ip()) {
            let message = "There were too many sign-in attempts from this address. Wait a minute, then try again.";
            let mut r = html(StatusCode::TOO_MANY_REQUESTS, page::problem("Wait a minute", message, false));
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait));
            return r;
        }
        tracing::warn!("insights sign-in with a wrong key");
        return html(StatusCode::UNAUTHORIZED, page::forms::sign_in_page(&params, next, true));
    }
    let path = if next.is_some() { "/insights/comments" } else { "/insights" };
    see_other(&format!("{path}{}", params.query(&[])), &session::sign_in_cookie(key, session::is_https(&headers)))
}

/// `POST /insights/sign-out`.
pub async fn sign_out(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if state.admin_key.is_none() {
        return not_found();
    }
    see_other("/insights", &session::sign_out_cookie(session::is_https(&headers)))
}

/// `GET /insights/style.css`.
pub async fn stylesheet(State(state): State<Arc<AppState>>) -> Response {
    if state.admin_key.is_none() {
        return not_found();
    }
    let r = ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], page::STYLESHEET).into_response();
    protect(r, "public, max-age=86400")
}

/// The pairs of an `application/x-www-form-urlencoded` body.
fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    body.split(|b| *b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let mut it = pair.splitn(2, |b| *b == b'=');
            (decode(it.next().unwrap_or_default()), decode(it.next().unwrap_or_default()))
        })
        .collect()
}

fn decode(s: &[u8]) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < s.len() && hex(s[i + 1]).is_some() && hex(s[i + 2]).is_some() => {
                out.push(hex(s[i + 1]).unwrap_or(0) * 16 + hex(s[i + 2]).unwrap_or(0));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_are_decoded() {
        let pairs = form_pairs(b"key=a%2Bb+c%3D%26&next=comments&flow_id=&bad=%zz%4");
        assert_eq!(
            pairs,
            [
                ("key".to_string(), "a+b c=&".to_string()),
                ("next".into(), "comments".into()),
                ("flow_id".into(), String::new()),
                ("bad".into(), "%zz%4".into())
            ]
        );
        assert_eq!(decode("%C3%A9t%C3%A9".as_bytes()), "été");
    }
}
