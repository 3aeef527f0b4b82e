//! The overview (`GET /insights`, signed in): the filters, who stayed (the save rate in
//! words and numbers, how every session ended), sessions by day (chart and table), the
//! reasons and choices (see `reasons`), keep in touch (the latest and the export), the
//! comments and downloads, and the webhook deliveries. An empty state when nothing matches.

use super::labels::Labels;
use super::words::{count, iso_date, num, pct, result_name};
use super::{chart, forms, layout, reasons, table, words, Current, Params};
use crate::insights::figures::{Figures, RESULT_TYPES};
use crate::store::KeepInTouch;
use maud::{html, Markup};

/// How many of the latest keep-in-touch people the page lists.
pub const KEEP_IN_TOUCH_SHOWN: u64 = 20;

/// The whole overview page.
pub fn page(f: &Figures, flows: &[String], latest: &[KeepInTouch], params: &Params, labels: &Labels) -> Markup {
    let body = html! {
        p.lede { (params.describe()) }
        div.card.filter-card { (forms::filters("/insights", params, flows, None)) }
        div.grid {
            @if f.sessions == 0 {
                (empty())
            } @else {
                (stayed(f))
                (ended(f))
                (by_day(f))
                (reasons::reasons(f, labels))
                (reasons::choices(f))
                (reasons::by_reason(f, labels))
                (keep_in_touch(f, latest, params))
                (comments_and_downloads(params))
            }
            (webhooks(f))
        }
    };
    layout("Cancellation insights", Current::Overview, true, params, body)
}

fn empty() -> Markup {
    html! {
        section.card.wide.empty aria-labelledby="h-empty" {
            h2 #h-empty { "No sessions yet" }
            p { "Nothing has been recorded for these filters yet, and that is fine." }
            p { "Sessions arrive when customers go through the cancel flow on your shop: the widget sends each
                 outcome to this collector, and it is counted here straight away." }
            p { "If you expected some, widen the dates, choose all flows, or include test sessions." }
        }
    }
}

fn stayed(f: &Figures) -> Markup {
    html! {
        section.card aria-labelledby="h-stayed" {
            h2 #h-stayed { "Who stayed" }
            @if f.decided > 0 {
                p.big { (pct(f.saved, f.decided)) span.big-label { " of those who decided stayed" } }
            }
            p { (words::save_rate(f)) }
            @if let Some(s) = words::deflected(f) { p { (s) } }
            @if let Some(s) = words::saves_lost(f) { p { (s) } }
            dl.stats {
                div { dt { "Stayed" } dd { (num(f.saved)) } }
                div { dt { "Decided" } dd { (num(f.decided)) } }
                div { dt { "Closed without deciding" } dd { (num(f.sessions - f.decided)) } }
            }
        }
    }
}

fn ended(f: &Figures) -> Markup {
    let max = f.by_result.values().copied().max().unwrap_or(0);
    html! {
        section.card aria-labelledby="h-ended" {
            h2 #h-ended { "How sessions ended" }
            p.muted { (count(f.sessions, "session", "sessions")) " in all, one per decision:" }
            ol.bars aria-label="How sessions ended" {
                @for t in RESULT_TYPES {
                    @let n = f.by_result.get(t).copied().unwrap_or(0);
                    (reasons::bar_row(&result_name(t), n, max, reasons::share(n, f.sessions)))
                }
            }
        }
    }
}

fn by_day(f: &Figures) -> Markup {
    html! {
        section.card.wide aria-labelledby="h-days" {
            h2 #h-days { "Sessions by day" }
            (chart::by_day(&f.by_day))
            div.tall {
                (table(
                    "Sessions by day, as numbers",
                    &["Date", "#Stayed", "#Talked to a person", "#Cancelled", "#Closed without deciding", "#All"],
                    f.by_day.iter().map(|d| vec![
                        html! { (iso_date(&d.date)) },
                        html! { (num(d.saved)) },
                        html! { (num(d.deflected)) },
                        html! { (num(d.cancelled)) },
                        html! { (num(d.abandoned)) },
                        html! { (num(d.saved + d.deflected + d.cancelled + d.abandoned)) },
                    ]),
                ))
            }
        }
    }
}

fn keep_in_touch(f: &Figures, latest: &[KeepInTouch], params: &Params) -> Markup {
    html! {
        section.card.wide aria-labelledby="h-kit" {
            h2 #h-kit { "Keep in touch" }
            p { (match f.keep_in_touch {
                0 => "No one who cancelled has asked to hear about improvements yet.".to_string(),
                n => format!("{} who cancelled asked to hear about improvements.", count(n, "person", "people")),
            }) }
            @if !latest.is_empty() {
                p.muted {
                    "The latest " (latest.len()) ", newest first. Join your own contact details on the customer id."
                }
                (table(
                    "The latest people who asked to keep in touch",
                    &["Date", "Customer", "Reason", "Comment"],
                    latest.iter().map(|k| vec![
                        html! { (words::date(k.created_at.date())) },
                        html! { (k.customer_id) },
                        html! { (k.reason_id.as_deref().unwrap_or("–")) },
                        html! { span.comment-text { (k.comment.as_deref().unwrap_or("")) } },
                    ]),
                ))
            }
            p {
                a.download href=(format!("/v1/keep-in-touch.csv{}", params.query(&[]))) {
                    "Download the keep-in-touch list (CSV)"
                }
            }
        }
    }
}

fn comments_and_downloads(params: &Params) -> Markup {
    html! {
        section.card aria-labelledby="h-comments" {
            h2 #h-comments { "Comments and downloads" }
            p { "What people wrote beside their reason, newest first." }
            p { a href=(format!("/insights/comments{}", params.query(&[]))) { "Read the comments" } }
            p { a.download href=(format!("/v1/outcomes.csv{}", params.query(&[]))) { "Download every session (CSV)" } }
        }
    }
}

fn webhooks(f: &Figures) -> Markup {
    let w = f.webhooks;
    html! {
        section.card aria-labelledby="h-webhooks" {
            h2 #h-webhooks { "Webhook deliveries" }
            @if w.failed > 0 {
                p.notice {
                    (count(w.failed, "delivery", "deliveries")) " failed: your webhook endpoint did not accept "
                    (if w.failed == 1 { "it" } else { "them" }) " for 3 days, so the collector stopped trying. "
                    "This is worth a look. The sessions are still stored here and in the CSV download."
                }
            }
            @if w.pending + w.failed + w.delivered == 0 {
                p { "Nothing has been forwarded. Forwarding is off, or nothing has arrived yet." }
            } @else {
                dl.stats {
                    div { dt { "Delivered" } dd { (num(w.delivered)) } }
                    div { dt { "Waiting or retrying" } dd { (num(w.pending)) } }
                    div { dt { "Failed" } dd { (num(w.failed)) } }
                }
            }
            p.muted { "All deliveries, whatever the filters." }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::figures::Day;

    fn sample() -> Figures {
        let mut f = Figures { sessions: 40, decided: 35, saved: 15, deflected: 2, ..Figures::default() };
        f.by_result.insert("cancelled".into(), 18);
        f.by_day = vec![Day { date: "2026-11-25".into(), saved: 2, cancelled: 3, deflected: 0, abandoned: 1 }];
        f.webhooks.failed = 2;
        f
    }

    #[test]
    fn the_overview_says_the_figures_in_words_and_links_the_exports() {
        let p = Params { flow_id: Some("box".into()), ..Params::default() };
        let html = page(&sample(), &["box".into()], &[], &p, &Labels::default()).into_string();
        assert!(html.contains("15 of 35 people who decided stayed (42.9%). 5 more closed the form without deciding"));
        assert!(html.contains("2 talked to a person instead; that is not counted as staying."));
        assert!(html.contains(r#"href="/v1/keep-in-touch.csv?flow_id=box""#));
        assert!(html.contains(r#"href="/v1/outcomes.csv?flow_id=box""#));
        assert!(html.contains(r#"href="/insights/comments?flow_id=box""#));
        assert!(html.contains("2 deliveries failed"));
        assert!(html.contains("<th scope=\"row\">25 Nov 2026</th>"));
        assert_eq!(html.matches("<h1>").count(), 1);
        assert!(!html.contains("style=") && !html.contains("<script"));
    }

    #[test]
    fn no_sessions_is_said_kindly() {
        let html = page(&Figures::default(), &[], &[], &Params::default(), &Labels::default()).into_string();
        assert!(html.contains("No sessions yet"));
        assert!(!html.contains("role=\"img\""));
        assert!(html.contains("Nothing has been forwarded."));
    }
}
