//! The comments page (`GET /insights/comments`): what people wrote beside their reason,
//! newest first, 20 a page, with the filters, a reason select, the total and links to the
//! newer and older pages (the filters kept). Each comment is shown as text, whatever it
//! contains.

use super::labels::Labels;
use super::words::{count, date, num, result_name};
use super::{forms, layout, Current, Params};
use crate::store::{Comment, CommentPage};
use maud::{html, Markup};

/// Comments a page.
pub const PER_PAGE: u64 = 20;

/// `10:04`.
fn clock(t: time::OffsetDateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

fn comment(c: &Comment, labels: &Labels) -> Markup {
    let at = c.created_at.to_offset(time::UtcOffset::UTC);
    let iso = at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    html! {
        li.comment {
            p.meta {
                time datetime=(iso) { (date(at.date())) ", " (clock(at)) " UTC" }
                " · " span.reason { (labels.of(&c.reason_id)) }
                " · " (result_name(&c.result_type))
                " · " span.flow { (c.flow_id) }
            }
            p.comment-text { (c.text) }
        }
    }
}

/// The whole comments page; `page_no` from 1.
pub fn page(
    found: &CommentPage,
    page_no: u64,
    reasons: &[String],
    flows: &[String],
    params: &Params,
    labels: &Labels,
) -> Markup {
    let pages = found.total.div_ceil(PER_PAGE).max(1);
    let reason = params.reason_id.as_deref().filter(|r| !r.is_empty());
    let link = |n: u64| {
        let n = n.to_string();
        let mut extra = vec![];
        if let Some(r) = reason {
            extra.push(("reason_id", r));
        }
        extra.push(("page", n.as_str()));
        format!("/insights/comments{}", params.query(&extra))
    };
    let body = html! {
        p.lede { (params.describe()) @if let Some(r) = reason { " · reason " (labels.of(r)) } }
        div.card.filter-card { (forms::filters("/insights/comments", params, flows, Some((reasons, labels)))) }
        div.grid { section.card.wide aria-labelledby="h-found" {
            h2 #h-found { (match found.total {
                0 => "No comments yet".to_string(),
                n => count(n, "comment", "comments"),
            }) }
            @if found.total == 0 {
                p { "No one has left a comment for these filters. Comments appear here when people write
                     something beside their reason." }
            } @else if found.items.is_empty() {
                p { "There are no comments on this page. " a href=(link(1)) { "Go to the newest comments" } }
            } @else {
                p.muted {
                    @if pages > 1 { "Page " (num(page_no)) " of " (num(pages)) ", newest first." }
                    @else { "Newest first." }
                }
                ol.comments { @for c in &found.items { (comment(c, labels)) } }
            }
            @if page_no > 1 || page_no < pages {
                nav.pager aria-label="Pages of comments" {
                    @if page_no > 1 { a rel="prev" href=(link(page_no.min(pages + 1) - 1)) { "← Newer comments" } }
                    @if page_no < pages { a rel="next" href=(link(page_no + 1)) { "Older comments →" } }
                }
            }
        } }
    };
    layout("Comments", Current::Comments, true, params, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(text: &str) -> Comment {
        Comment {
            created_at: time::macros::datetime!(2026-11-25 10:04:12 UTC),
            flow_id: "meal-box".into(),
            reason_id: "too_expensive".into(),
            result_type: "cancelled".into(),
            text: text.into(),
        }
    }

    #[test]
    fn comments_are_shown_as_text() {
        let found = CommentPage { total: 2, items: vec![c("<script>alert(1)</script>"), c("<b>x</b> & more")] };
        let html = page(&found, 1, &[], &[], &Params::default(), &Labels::default()).into_string();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;b&gt;x&lt;/b&gt; &amp; more"));
        assert!(!html.contains("<script>") && !html.contains("<b>x"));
        assert!(html.contains(r#"<time datetime="2026-11-25T10:04:12Z">25 Nov 2026, 10:04 UTC</time>"#));
        assert!(html.contains("2 comments"));
        assert!(!html.contains("rel=\"next\""), "one page only");
    }

    #[test]
    fn the_pager_keeps_the_filters_and_the_reason() {
        let found = CommentPage { total: 45, items: vec![c("hi")] };
        let p = Params { flow_id: Some("box".into()), reason_id: Some("moving".into()), ..Params::default() };
        let html = page(&found, 2, &["moving".into()], &[], &p, &Labels::default()).into_string();
        assert!(html.contains(r#"href="/insights/comments?flow_id=box&amp;reason_id=moving&amp;page=1""#));
        assert!(html.contains(r#"href="/insights/comments?flow_id=box&amp;reason_id=moving&amp;page=3""#));
        assert!(html.contains("Page 2 of 3"));
        let last = page(&found, 3, &[], &[], &p, &Labels::default()).into_string();
        assert!(!last.contains("rel=\"next\""));
        assert!(page(&CommentPage::default(), 1, &[], &[], &p, &Labels::default())
            .into_string()
            .contains("No comments yet"));
    }
}
