//! The overview's cards about why people leave and what they chose instead: the reasons
//! by share (bars with the numbers printed), each reason's offers (shown, accepted, the
//! acceptance rate) and how those sessions ended, the pause lengths and the delivery
//! frequencies chosen; and the bar lists they share with the overview.

use super::chart::hbar;
use super::labels::Labels;
use super::table;
use super::words::{count, frequency, num, offer_name, pause_length, pct, result_name};
use crate::insights::figures::{Figures, RESULT_TYPES};
use maud::{html, Markup};
use std::collections::BTreeMap;

/// One bar of a list: a label, the bar, and the numbers as text.
pub fn bar_row(label: &str, value: u64, max: u64, numbers: String) -> Markup {
    html! {
        li {
            span.bar-label { (label) }
            (hbar(value, max))
            span.bar-value { (numbers) }
        }
    }
}

/// "paused 3, cancelled 6": how sessions ended, in the contract's order, then any other.
fn ended(results: &BTreeMap<String, u64>) -> String {
    let known = RESULT_TYPES.iter().filter_map(|t| results.get(*t).map(|n| (result_name(t).to_lowercase(), *n)));
    let other = results.iter().filter(|(t, _)| !RESULT_TYPES.contains(&t.as_str())).map(|(t, n)| (t.clone(), *n));
    known.chain(other).filter(|(_, n)| *n > 0).map(|(t, n)| format!("{t} {}", num(n))).collect::<Vec<_>>().join(", ")
}

/// "Why people leave": the reasons by share.
pub fn reasons(f: &Figures, labels: &Labels) -> Markup {
    let answered: u64 = f.reasons.iter().map(|r| r.count).sum();
    let max = f.reasons.first().map_or(0, |r| r.count);
    html! {
        section.card aria-labelledby="h-reasons" {
            h2 #h-reasons { "Why people leave" }
            @if f.reasons.is_empty() {
                p { "No one has given a reason yet." }
            } @else {
                p.muted { (count(answered, "person", "people")) " gave a reason. Share of those who answered:" }
                ol.bars aria-label="Reasons, most given first" {
                    @for r in &f.reasons {
                        (bar_row(&labels.of(&r.reason_id), r.count, max, share(r.count, answered)))
                    }
                }
            }
            @if f.skipped_survey > 0 {
                p.muted { (count(f.skipped_survey, "person", "people")) " skipped the question." }
            }
        }
    }
}

/// "Offers and outcomes by reason": for each reason, its offers and how it ended.
pub fn by_reason(f: &Figures, labels: &Labels) -> Markup {
    if f.reasons.is_empty() {
        return html! {};
    }
    html! {
        section.card.wide aria-labelledby="h-by-reason" {
            h2 #h-by-reason { "Offers and outcomes by reason" }
            p.muted {
                "For the people who gave each reason: which offers they saw, how many took one, "
                "and how their sessions ended."
            }
            div.reason-grid {
                @for r in &f.reasons {
                    @let label = labels.of(&r.reason_id);
                    section.reason-card aria-label=(format!("Reason: {label}")) {
                        h3 { (label) }
                        p.muted { (count(r.count, "person", "people")) }
                        @if r.offers.is_empty() {
                            p { "No offers were shown." }
                        } @else {
                            (table(
                                &format!("Offers for {label}"),
                                &["Offer", "#Shown", "#Accepted", "#Rate"],
                                r.offers.iter().map(|(offer, o)| vec![
                                    html! { (offer_name(offer)) },
                                    html! { (num(o.shown)) },
                                    html! { (num(o.accepted)) },
                                    html! { (pct(o.accepted, o.shown)) },
                                ]),
                            ))
                        }
                        p.ended { "How they ended: " (ended(&r.results)) "." }
                    }
                }
            }
        }
    }
}

/// "What people chose": the pause lengths and the delivery frequencies chosen.
pub fn choices(f: &Figures) -> Markup {
    let pauses: u64 = f.pause_durations.iter().map(|p| p.chosen).sum();
    let max_pause = f.pause_durations.iter().map(|p| p.chosen).max().unwrap_or(0);
    let fewer: u64 = f.frequencies.iter().map(|p| p.chosen).sum();
    let max_fewer = f.frequencies.iter().map(|p| p.chosen).max().unwrap_or(0);
    html! {
        section.card aria-labelledby="h-choices" {
            h2 #h-choices { "What people chose" }
            h3 { "Pause lengths" }
            @if pauses == 0 {
                p { "No one has paused yet." }
            } @else {
                p.muted { (count(pauses, "person", "people")) " paused:" }
                ol.bars aria-label="Pause lengths, most chosen first" {
                    @for p in &f.pause_durations {
                        (bar_row(&pause_length(&p.unit, p.count), p.chosen, max_pause, share(p.chosen, pauses)))
                    }
                }
            }
            h3 { "Delivery frequencies" }
            @if fewer == 0 {
                p { "No one has chosen fewer deliveries yet." }
            } @else {
                p.muted { (count(fewer, "person", "people")) " chose fewer deliveries:" }
                ol.bars aria-label="Delivery frequencies, most chosen first" {
                    @for q in &f.frequencies {
                        @let label = frequency(q.count, &q.per.unit, q.per.count);
                        (bar_row(&label, q.chosen, max_fewer, share(q.chosen, fewer)))
                    }
                }
            }
        }
    }
}

/// "12 · 34.3%".
pub fn share(n: u64, whole: u64) -> String {
    format!("{} · {}", num(n), pct(n, whole))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::figures::{FrequencyChosen, OfferFigures, PauseChosen, Period, ReasonFigures};

    fn sample() -> Figures {
        let mut r = ReasonFigures { reason_id: "too_expensive".into(), count: 12, share: 0.75, ..Default::default() };
        r.offers.insert("pause".into(), OfferFigures { shown: 10, accepted: 3 });
        r.results.insert("cancelled".into(), 6);
        r.results.insert("paused".into(), 3);
        let other = ReasonFigures { reason_id: "<b>moving</b>".into(), count: 4, share: 0.25, ..Default::default() };
        Figures {
            reasons: vec![r, other],
            skipped_survey: 1,
            pause_durations: vec![PauseChosen { unit: "week".into(), count: 4, chosen: 5 }],
            frequencies: vec![FrequencyChosen { count: 20, per: Period { unit: "week".into(), count: 50 }, chosen: 3 }],
            ..Figures::default()
        }
    }

    #[test]
    fn reasons_print_the_count_and_share_beside_each_bar() {
        let html = reasons(&sample(), &Labels::default()).into_string();
        assert!(html.contains(r#"<span class="bar-label">It costs too much</span>"#), "a preset by its label");
        assert!(html.contains("12 · 75.0%"));
        assert!(html.contains("&lt;b&gt;moving&lt;/b&gt;"));
        assert!(html.contains("1 person skipped the question."));
    }

    #[test]
    fn each_reason_has_its_offers_and_how_it_ended() {
        let labels = Labels::of_flows([&serde_json::json!({ "config": { "survey": { "reasons": [
            { "id": "too_expensive", "label": { "de": "Zu teuer", "en": "Too dear" } } ] } } })]);
        let html = by_reason(&sample(), &labels).into_string();
        assert!(html.contains("<h3>Too dear</h3>"), "the flow's own label");
        assert!(html.contains(
            "<th scope=\"row\">Pause</th><td class=\"n\">10</td><td class=\"n\">3</td><td class=\"n\">30.0%</td>"
        ));
        assert!(html.contains("How they ended: paused 3, cancelled 6."));
        assert!(html.contains("No offers were shown."));
    }

    #[test]
    fn pauses_and_frequencies_in_words() {
        let html = choices(&sample()).into_string();
        assert!(html.contains(r#"<span class="bar-label">4 weeks</span>"#) && html.contains("5 · 100.0%"));
        assert!(html.contains("20 per 50 weeks"));
        let none = choices(&Figures::default()).into_string();
        assert!(none.contains("No one has paused yet.") && none.contains("No one has chosen fewer deliveries yet."));
    }
}
