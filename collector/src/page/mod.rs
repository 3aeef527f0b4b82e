//! The insights pages' HTML (COLLECTOR.md section 6), rendered with maud, so every value
//! is escaped by construction: the page shell shared by every page (`layout`), the query
//! the pages take (`Params`), the problem page, and the modules for the sign-in and
//! filter forms (`forms`), the overview (`overview`), the comments (`comments`), the
//! experiments (`experiments`), the charts (`chart`), the reasons and choices
//! (`reasons`), the words (`words`) and the stylesheet (`style.css`). No script, no inline style: the pages run under a strict
//! Content-Security-Policy.

pub mod chart;
pub mod comments;
pub mod editor;
pub mod experiments;
pub mod flows;
pub mod forms;
pub mod labels;
pub mod overview;
pub mod reasons;
pub mod words;

use crate::filters::Filters;
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

/// The stylesheet served at `/insights/style.css`.
pub const STYLESHEET: &str =
    concat!(include_str!("style.css"), include_str!("editor/editor.css"), include_str!("editor/theme.css"));

/// Where the stylesheet is linked from (the version busts caches after an upgrade).
const STYLESHEET_HREF: &str = concat!("/insights/style.css?v=", env!("CARGO_PKG_VERSION"));

/// The query the pages take: the API's filters, and for the comments a reason and a page.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct Params {
    /// One flow.
    pub flow_id: Option<String>,
    /// From this date (UTC, inclusive).
    pub from: Option<String>,
    /// To this date (UTC, inclusive).
    pub to: Option<String>,
    /// `true` to include test outcomes.
    pub include_test: Option<String>,
    /// Comments: one reason.
    pub reason_id: Option<String>,
    /// Comments: the page, from 1.
    pub page: Option<String>,
}

fn set(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

impl Params {
    /// The API's filters.
    pub fn filters(&self) -> Filters {
        Filters {
            flow_id: self.flow_id.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            include_test: self.include_test.clone(),
        }
    }

    /// The filters that are set, as `(name, value)`.
    pub fn filter_pairs(&self) -> Vec<(&'static str, &str)> {
        [("flow_id", &self.flow_id), ("from", &self.from), ("to", &self.to), ("include_test", &self.include_test)]
            .into_iter()
            .filter_map(|(k, v)| set(v).map(|v| (k, v)))
            .collect()
    }

    /// Whether test outcomes are included.
    pub fn include_test(&self) -> bool {
        self.include_test.as_deref() == Some("true")
    }

    /// `?` and the set filters followed by `extra`, URL-encoded (empty when nothing is set).
    pub fn query(&self, extra: &[(&str, &str)]) -> String {
        let pairs: Vec<String> = self
            .filter_pairs()
            .into_iter()
            .chain(extra.iter().copied())
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }

    /// The filters in a sentence: "All flows · all dates · test sessions hidden".
    pub fn describe(&self) -> String {
        let flow = set(&self.flow_id).map_or("All flows".to_string(), |f| format!("Flow {f}"));
        let dates = match (set(&self.from), set(&self.to)) {
            (None, None) => "all dates".to_string(),
            (Some(a), None) => format!("from {}", words::iso_date(a)),
            (None, Some(b)) => format!("up to {}", words::iso_date(b)),
            (Some(a), Some(b)) => format!("{} to {}", words::iso_date(a), words::iso_date(b)),
        };
        let test = if self.include_test() { "test sessions included" } else { "test sessions hidden" };
        format!("{flow} · {dates} · {test}")
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Which page the navigation marks as current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Current {
    /// The overview.
    Overview,
    /// The comments.
    Comments,
    /// The experiments.
    Experiments,
    /// The flows.
    Flows,
    /// Neither (sign-in, problems).
    Neither,
}

/// The shell of every page: `title` (also the `<h1>`), the navigation and the sign-out
/// button when signed in, then `body`.
pub fn layout(title: &str, current: Current, signed_in: bool, params: &Params, body: Markup) -> Markup {
    shell(title, current, signed_in, params, body, None)
}

/// [`layout`], with the one module `script` (from this collector) of a page that has one
/// (the editor), whose main part then takes the whole width.
pub fn shell(
    title: &str,
    current: Current,
    signed_in: bool,
    params: &Params,
    body: Markup,
    script: Option<&str>,
) -> Markup {
    let query = params.query(&[]);
    let link = |page: Current, href: String, text: &str| {
        html! { a href=(href) aria-current=[(page == current).then_some("page")] { (text) } }
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                meta name="robots" content="noindex, nofollow";
                title { (title) " · Cancel-flow insights" }
                link rel="stylesheet" href=(STYLESHEET_HREF);
                @if let Some(src) = script {
                    script type="module" src=(src) {}
                }
            }
            body {
                a.skip href="#main" { "Skip to the content" }
                header.top {
                    div.wrap.top-row.wide[script.is_some()] {
                        p.brand { "Cancel-flow insights" }
                        @if signed_in {
                            nav aria-label="Pages" {
                                (link(Current::Overview, format!("/insights{query}"), "Overview"))
                                (link(Current::Comments, format!("/insights/comments{query}"), "Comments"))
                                (link(Current::Experiments, format!("/insights/experiments{query}"), "Experiments"))
                                (link(Current::Flows, "/flows".to_string(), "Flows"))
                            }
                            (forms::sign_out())
                        }
                    }
                }
                main #main.wrap.wide[script.is_some()] tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
                footer.wrap {
                    p { "Figures are computed from the outcomes stored in this collector. Dates are UTC." }
                }
            }
        }
    }
}

/// A table in a wrapper that scrolls sideways on a narrow screen (focusable, so it can be
/// scrolled with the keyboard, and labelled). `head`: the column names; a name starting
/// with `#` is a number column (right-aligned), the `#` is not shown.
pub fn table(label: &str, head: &[&str], rows: impl IntoIterator<Item = Vec<Markup>>) -> Markup {
    let numeric: Vec<bool> = head.iter().map(|h| h.starts_with('#')).collect();
    html! {
        div.table-scroll tabindex="0" role="region" aria-label=(label) {
            table {
                thead { tr { @for (h, n) in head.iter().zip(&numeric) {
                    th scope="col" class=[n.then_some("n")] { (h.trim_start_matches('#')) }
                } } }
                tbody { @for row in rows { tr { @for (i, cell) in row.into_iter().enumerate() {
                    @if i == 0 { th scope="row" { (cell) } }
                    @else { td class=[numeric.get(i).copied().unwrap_or(false).then_some("n")] { (cell) } }
                } } } }
            }
        }
    }
}

/// A page that says what went wrong and how to go on.
pub fn problem(title: &str, message: &str, signed_in: bool) -> Markup {
    let body = html! {
        div.card {
            p.notice role="alert" { (message) }
            p { a href="/insights" { "Start again without filters" } }
        }
    };
    layout(title, Current::Neither, signed_in, &Params::default(), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_keep_the_set_filters_encoded() {
        let p = Params {
            flow_id: Some("box & co/2".into()),
            from: Some("2026-11-01".into()),
            to: Some(String::new()),
            include_test: Some("true".into()),
            ..Params::default()
        };
        assert_eq!(p.query(&[("page", "2")]), "?flow_id=box%20%26%20co%2F2&from=2026-11-01&include_test=true&page=2");
        assert_eq!(Params::default().query(&[]), "");
        assert_eq!(p.describe(), "Flow box & co/2 · from 1 Nov 2026 · test sessions included");
    }

    #[test]
    fn every_page_has_the_landmarks_and_one_h1() {
        let html = problem("Not found", "<b>x</b>", false).into_string();
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
        assert_eq!(html.matches("<h1>").count(), 1);
        assert!(html.contains(r#"<main class="wrap" id="main""#));
        assert!(html.contains("<title>Not found · Cancel-flow insights</title>"));
        assert!(html.contains("&lt;b&gt;x&lt;/b&gt;"), "escaped");
        assert!(!html.contains("<script") && !html.contains("style="));
    }
}
