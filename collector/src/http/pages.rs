//! The insights pages over HTTP (COLLECTOR.md section 6): the handlers of `GET /insights`
//! (sign-in form or overview), `GET /insights/comments`, `GET /insights/experiments`,
//! `POST /insights/sign-in`, `POST /insights/sign-out` and `GET /insights/style.css`
//! (the sign-in form comes back to the page it was shown on), and the headers every page
//! carries (no caching, a strict Content-Security-Policy: no script, no inline style,
//! nothing from elsewhere). Without an admin key every route answers 404. The HTML
//! itself lives in `src/page/`.

use super::access::{ClientIp, SignedIn};
use super::{session, AppState};
use crate::filters::FilterError;
use crate::page::labels::Labels;
use crate::page::{self, Params};
use crate::settings::AdminKey;
use crate::store::{ExportFilter, Store, StoreError};
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use axum_extra::extract::CookieJar;
use maud::Markup;
use serde::Deserialize;
use std::sync::Arc;

/// The pages' Content-Security-Policy.
pub const CSP: &str =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The headers every response of these routes carries.
fn protect(response: Response, cache: &'static str) -> Response {
    protect_with(response, cache, CSP)
}

/// [`protect`] with the page's own Content-Security-Policy (the editor's allows its script).
pub(super) fn protect_with(mut response: Response, cache: &'static str, csp: &'static str) -> Response {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
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

/// A 303 to `location`, with the cookies of `jar` set.
fn see_other(location: &str, jar: CookieJar) -> Response {
    let mut r = protect((jar, StatusCode::SEE_OTHER).into_response(), "no-store");
    if let Ok(l) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, l);
    }
    r
}

/// What a page answers instead of itself.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// The routes do not exist without an admin key.
    #[error("not found")]
    NotFound,
    /// A query or filter the page cannot read; the message names it.
    #[error("{0}")]
    BadQuery(String),
    /// The database did not answer.
    #[error("reading the insights failed")]
    Unavailable(#[source] StoreError),
    /// Signed out: the sign-in form, coming back to the same page and filters.
    #[error("signed out")]
    SignIn(Params, Option<String>),
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        PageError::Unavailable(e)
    }
}

impl From<FilterError> for PageError {
    fn from(e: FilterError) -> Self {
        PageError::BadQuery(e.0)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::NotFound => not_found(),
            PageError::BadQuery(message) => {
                html(StatusCode::BAD_REQUEST, page::problem("That address did not work", &message, true))
            }
            PageError::Unavailable(e) => {
                tracing::error!(error = %super::error::causes(&e), "reading the insights failed");
                let message = "The database is not answering right now. Nothing is lost; try again in a moment.";
                let mut r =
                    html(StatusCode::SERVICE_UNAVAILABLE, page::problem("Try again in a moment", message, true));
                r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
                r
            }
            PageError::SignIn(params, next) => {
                html(StatusCode::OK, page::forms::sign_in_page(&params, next.as_deref(), false))
            }
        }
    }
}

/// The pages exist: an admin key is configured (else every route answers 404).
pub struct PagesOn(pub AdminKey);

impl FromRequestParts<Arc<AppState>> for PagesOn {
    type Rejection = PageError;

    async fn from_request_parts(_parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, PageError> {
        state.admin_key.clone().map(PagesOn).ok_or(PageError::NotFound)
    }
}

/// A page opened by a signed-in person: its query and the filters read from it. Signed
/// out, the answer is the sign-in form, coming back to this page with its filters.
pub struct InsightsPage {
    /// The query.
    pub params: Params,
    /// Its filters, checked.
    pub filter: ExportFilter,
}

impl FromRequestParts<Arc<AppState>> for InsightsPage {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, PageError> {
        PagesOn::from_request_parts(parts, state).await?;
        let Ok(SignedIn(signed_in)) = SignedIn::from_request_parts(parts, state).await;
        let query: Result<Query<Params>, QueryRejection> = Query::from_request_parts(parts, state).await;
        let params = match query {
            Ok(Query(p)) => p,
            Err(_) if signed_in => {
                return Err(PageError::BadQuery("The address has a query this page cannot read.".into()))
            }
            Err(_) => Params::default(),
        };
        if !signed_in {
            let next = match parts.uri.path() {
                "/insights/comments" => Some(page::forms::NEXT_COMMENTS.to_string()),
                "/insights/experiments" => Some(page::forms::NEXT_EXPERIMENTS.to_string()),
                "/flows" => Some(page::forms::NEXT_FLOWS.to_string()),
                path => path.strip_prefix('/').filter(|p| editor_path(p)).map(String::from),
            };
            return Err(PageError::SignIn(params, next));
        }
        let filter = params.filters().to_export()?;
        Ok(InsightsPage { params, filter })
    }
}

/// `GET /insights`: the sign-in form, or the overview.
pub async fn overview(
    State(state): State<Arc<AppState>>,
    InsightsPage { params, filter }: InsightsPage,
) -> Result<Response, PageError> {
    let store = &state.store;
    let (figures, flows, latest, labels) = tokio::try_join!(
        store.insights(&filter),
        store.flow_ids(),
        store.keep_in_touch_recent(&filter, page::overview::KEEP_IN_TOUCH_SHOWN),
        reason_labels(store, params.flow_id.as_deref())
    )?;
    Ok(html(StatusCode::OK, page::overview::page(&figures, &flows, &latest, &params, &labels)))
}

/// `GET /insights/comments`: one page of comments.
pub async fn comments(
    State(state): State<Arc<AppState>>,
    InsightsPage { params, filter }: InsightsPage,
) -> Result<Response, PageError> {
    let page_no = match params.page.as_deref().filter(|p| !p.is_empty()).map(str::parse::<u64>) {
        None => 1,
        Some(Ok(n)) if (1..=1_000_000).contains(&n) => n,
        Some(_) => return Err(PageError::BadQuery("page: must be a whole number from 1".into())),
    };
    let reason = params.reason_id.as_deref().filter(|r| !r.is_empty());
    let per = page::comments::PER_PAGE;
    let store = &state.store;
    let (found, figures, flows, labels) = tokio::try_join!(
        store.comments(&filter, reason, (page_no - 1) * per, per),
        store.insights(&filter),
        store.flow_ids(),
        reason_labels(store, params.flow_id.as_deref())
    )?;
    let reasons: Vec<String> = figures.reasons.into_iter().map(|r| r.reason_id).collect();
    Ok(html(StatusCode::OK, page::comments::page(&found, page_no, &reasons, &flows, &params, &labels)))
}

/// The flows page's "new flow" form: its id and template.
#[derive(Debug, Default, Deserialize)]
pub struct NewFlow {
    new_flow_id: Option<String>,
    template: Option<String>,
}

/// `GET /flows`: every flow served, its latest version (COLLECTOR.md section 10); with
/// `?new_flow_id=` (the "new flow" form), on to that flow's editor.
pub async fn flows(
    State(state): State<Arc<AppState>>,
    InsightsPage { params, .. }: InsightsPage,
    Query(new): Query<NewFlow>,
) -> Result<Response, PageError> {
    if let Some(id) = new.new_flow_id.as_deref().map(str::trim) {
        if id.is_empty() || id.len() > 200 || id.chars().any(char::is_control) {
            return Err(PageError::BadQuery("Flow id: write 1 to 200 characters, for example winter-box.".into()));
        }
        let template = new.template.as_deref().filter(|t| !t.is_empty());
        let query = template.map(|t| format!("?template={}", page::encode(t))).unwrap_or_default();
        return Ok(see_other(&format!("/flows/{}{query}", page::encode(id)), CookieJar::new()));
    }
    Ok(html(StatusCode::OK, page::flows::page(&state.store.flows().await?, &params)))
}

/// `GET /insights/experiments`: every experiment with its groups, differences and verdicts,
/// counted at the collector's clock.
pub async fn experiments(
    State(state): State<Arc<AppState>>,
    InsightsPage { params, .. }: InsightsPage,
) -> Result<Response, PageError> {
    let now = time::OffsetDateTime::now_utc();
    let mut cards = Vec::new();
    for summary in state.store.experiments().await? {
        if let Some(data) = state.store.experiment(&summary.id, now).await? {
            let report = super::experiments::report_of(&data).ok();
            let secondary = report.as_ref().map(|r| super::experiments::secondary_of(&data, r)).unwrap_or_default();
            cards.push(page::experiments::Card { summary: data.summary, report, secondary });
        }
    }
    Ok(html(StatusCode::OK, page::experiments::page(&cards, &params)))
}

/// The reasons' labels from the served flows: the filtered flow's latest version, or
/// every flow's (by flow id) when the page is not filtered by one.
async fn reason_labels(store: &Store, flow_id: Option<&str>) -> Result<Labels, StoreError> {
    let ids: Vec<String> = match flow_id.filter(|f| !f.is_empty()) {
        Some(flow_id) => vec![flow_id.to_string()],
        None => store.flows().await?.into_iter().map(|f| f.flow_id).collect(),
    };
    let mut documents = Vec::with_capacity(ids.len());
    for id in &ids {
        if let Some(stored) = store.flow(id, None).await? {
            documents.extend(serde_json::from_str::<serde_json::Value>(&stored.document).ok());
        }
    }
    Ok(Labels::of_flows(&documents))
}

/// The sign-in form's fields: the key, the page to go back to and its filters.
#[derive(Debug, Default, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    key: String,
    next: Option<String>,
    flow_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    include_test: Option<String>,
}

/// `flows/<flow id>`, percent-encoded, one segment: an editor to come back to after
/// signing in (and nowhere else).
fn editor_path(next: &str) -> bool {
    next.strip_prefix("flows/").is_some_and(|id| {
        !id.is_empty()
            && id.len() <= 600
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b))
            && !matches!(id, "." | "..")
    })
}

/// `POST /insights/sign-in` with the form's `key` (and the filters to go back to).
pub async fn sign_in(
    PagesOn(key): PagesOn,
    State(state): State<Arc<AppState>>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    jar: CookieJar,
    form: Result<Form<SignInForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Form(form) = form.unwrap_or_default();
    let next = form.next.as_deref().filter(|n| {
        [page::forms::NEXT_COMMENTS, page::forms::NEXT_EXPERIMENTS, page::forms::NEXT_FLOWS].contains(n)
            || editor_path(n)
    });
    let params = Params {
        flow_id: form.flow_id,
        from: form.from,
        to: form.to,
        include_test: form.include_test,
        ..Params::default()
    };
    // Only wrong keys count against the address: the right key always signs in, and a
    // guesser gets 10 tries a minute.
    if !key.matches(&form.key) {
        if let Err(wait) = state.sign_in_limit.check(client) {
            let message = "There were too many sign-in attempts from this address. Wait a minute, then try again.";
            let mut r = html(StatusCode::TOO_MANY_REQUESTS, page::problem("Wait a minute", message, false));
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait));
            return r;
        }
        tracing::warn!("insights sign-in with a wrong key");
        return html(StatusCode::UNAUTHORIZED, page::forms::sign_in_page(&params, next, true));
    }
    let path = match next {
        Some(page::forms::NEXT_COMMENTS) => "/insights/comments".to_string(),
        Some(page::forms::NEXT_EXPERIMENTS) => "/insights/experiments".to_string(),
        Some(page::forms::NEXT_FLOWS) => "/flows".to_string(),
        Some(editor) => format!("/{editor}"),
        None => "/insights".to_string(),
    };
    let jar = jar.add(session::sign_in_cookie(&key, session::is_https(&headers)));
    see_other(&format!("{path}{}", params.query(&[])), jar)
}

/// `POST /insights/sign-out`.
pub async fn sign_out(_: PagesOn, headers: HeaderMap, jar: CookieJar) -> Response {
    see_other("/insights", jar.add(session::sign_out_cookie(session::is_https(&headers))))
}

/// `GET /insights/style.css`.
pub async fn stylesheet(_: PagesOn) -> Response {
    let r = ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], page::STYLESHEET).into_response();
    protect(r, "public, max-age=86400")
}

#[cfg(test)]
mod tests {
    use super::SignInForm;

    #[test]
    fn the_sign_in_form_is_decoded_as_a_form() {
        let body = "key=a%2Bb+c%3D%26&next=comments&flow_id=&bad=%zz%4&from=%C3%A9t%C3%A9";
        let form: SignInForm = serde_urlencoded::from_str(body).unwrap();
        assert_eq!(form.key, "a+b c=&");
        assert_eq!(form.next.as_deref(), Some("comments"));
        assert_eq!(form.flow_id.as_deref(), Some(""));
        assert_eq!(form.from.as_deref(), Some("été"));
        let empty: SignInForm = serde_urlencoded::from_str("").unwrap();
        assert_eq!(empty.key, "", "no key is a wrong key, not an error");
    }
}
