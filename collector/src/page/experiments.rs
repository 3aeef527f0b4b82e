//! The experiments page (`GET /insights/experiments`, signed in; COLLECTOR.md sections 6
//! and 8): each experiment as a card with its groups (assigned, with 30 days, retained,
//! the rate and its 95% interval), each variant's difference from its reference drawn
//! against zero (inline SVG: a dot and an interval per comparison, a labelled zero line,
//! the numbers printed beside them), and the verdict in plain, neutral words. Nothing is
//! called better or worse before the verdict says so. An empty state when there is none.

use super::words::{date, num};
use super::{layout, table, Current, Params};
use crate::analysis::report::{status, Arm, ComparisonRow, Report, Verdict, HOLDOUT};
use crate::insights::secondary::Secondary;
use crate::store::ExperimentSummary;
use maud::{html, Markup};

/// An experiment as the page shows it: its summary and, when its design could be read,
/// its report.
#[derive(Debug, Clone)]
pub struct Card {
    /// Id, flow, first assignment.
    pub summary: ExperimentSummary,
    /// The figures and verdicts (`None`: the design cannot be read by this collector).
    pub report: Option<Report>,
    /// Each group's secondary figures, in the groups' order.
    pub secondary: Vec<Secondary>,
}

/// What the page says about the secondary figures: why they never decide anything.
pub const SECONDARY: &str = "Counted over the sessions in the flow, not over every customer in the group, so \
    they leave out anyone who cancelled elsewhere or never opened it. They help to read the experiment but never \
    decide a verdict.";

/// The whole page.
pub fn page(cards: &[Card], params: &Params) -> Markup {
    let body = html! {
        p.lede {
            "Each experiment compares whole groups of customers: the share still subscribed 30 days after
             they were first shown the flow. A verdict is given only once every group has enough customers
             whose 30 days have passed."
        }
        div.grid {
            @if cards.is_empty() {
                (empty())
            } @else {
                @for card in cards { (experiment(card)) }
            }
        }
    };
    layout("Experiments", Current::Experiments, true, params, body)
}

fn empty() -> Markup {
    html! {
        section.card.wide.empty aria-labelledby="h-empty" {
            h2 #h-empty { "No experiments yet" }
            p { "An experiment starts when a flow with an " code { "experiment" } " is first served to a customer:
                 each customer is then kept in one group (the holdout, which sees no offers, or a variant)." }
            p { "Add one to a flow with " code { "PUT /v1/flows/<flow id>" } "; its groups appear here as customers arrive." }
        }
    }
}

/// `holdout` → `the holdout`, `a` → `variant a`.
pub fn group_name(group: &str) -> String {
    if group == HOLDOUT {
        "the holdout".to_string()
    } else {
        format!("variant {group}")
    }
}

/// A group in the table: `Holdout (no offers)`, `Variant a`.
pub fn arm_label(group: &str) -> String {
    if group == HOLDOUT {
        "Holdout (no offers)".to_string()
    } else {
        format!("Variant {group}")
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A share as a percentage with one decimal: `0.3` → `30.0%`.
pub fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A difference of shares in percentage points, signed, one decimal: `0.05` → `+5.0`,
/// `-0.0113` → `−1.1`, and never `−0.0`.
pub fn points(x: f64) -> String {
    let tenths = (x * 1000.0).round();
    if tenths == 0.0 {
        return "0.0".to_string();
    }
    let sign = if tenths > 0.0 { "+" } else { "−" };
    format!("{sign}{:.1}", tenths.abs() / 10.0)
}

/// A rate with its interval: `30.0% (27.8% to 32.3%)`; `–` while no one has had 30 days.
pub fn rate_text(arm: &Arm) -> String {
    match (arm.rate, arm.ci95) {
        (Some(r), Some((lo, hi))) => format!("{} ({} to {})", percent(r), percent(lo), percent(hi)),
        (Some(r), None) => percent(r),
        _ => "–".to_string(),
    }
}

/// A p-value in words: `0.0002`, or `below 0.0001`.
fn p_text(p: Option<f64>) -> String {
    match p {
        Some(p) if p >= 0.0001 => format!("{p:.4}"),
        Some(_) => "below 0.0001".to_string(),
        None => "not computed".to_string(),
    }
}

/// `+5.0 points (95% interval +1.8 to +8.2)`.
fn difference(c: &ComparisonRow) -> String {
    match (c.diff, c.ci95) {
        (Some(d), Some((lo, hi))) => {
            format!("{} points (95% interval {} to {})", points(d), points(lo), points(hi))
        }
        (Some(d), None) => format!("{} points", points(d)),
        _ => "no figures yet".to_string(),
    }
}

/// The verdict of a comparison in plain, neutral words.
pub fn verdict_words(c: &ComparisonRow, report: &Report) -> String {
    let closed = |g: &str| report.arms.iter().find(|a| a.group == g).map_or(0, |a| a.closed);
    let (group, against) = (group_name(&c.group), group_name(&c.against));
    match c.verdict {
        Verdict::NotEnoughData => format!(
            "Not enough data yet: {} of {} customers in each group have had 30 days.",
            num(closed(&c.group).min(closed(&c.against))),
            num(report.required_per_arm)
        ),
        Verdict::Srm => format!(
            "The groups' sizes are not what the design asked for (chi² test, p-value {}), so nothing can be \
             concluded from this experiment. How customers are assigned to groups needs a look.",
            p_text(report.srm.p_value)
        ),
        Verdict::Better => {
            format!("{} kept more customers than {against}: {}.", capitalised(&group), difference(c))
        }
        Verdict::Worse => {
            format!("{} kept fewer customers than {against}: {}.", capitalised(&group), difference(c))
        }
        Verdict::NoDifference => {
            format!("No difference shown between {group} and {against}: {}.", difference(c))
        }
    }
}

fn status_words(report: &Report) -> &'static str {
    match status(report) {
        "ready" => "Verdicts given",
        _ => "Collecting",
    }
}

fn started(summary: &ExperimentSummary) -> String {
    summary
        .started_at
        .as_deref()
        .and_then(|s| time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok())
        .map_or_else(|| "no one assigned yet".to_string(), |t| date(t.date()))
}

fn experiment(card: &Card) -> Markup {
    let s = &card.summary;
    let heading = format!("h-exp-{}", s.id);
    html! {
        section.card.wide.experiment aria-labelledby=(heading) {
            h2 #(heading) { "Experiment " (s.id) }
            dl.facts {
                div { dt { "Flow" } dd { (s.flow_id) } }
                div { dt { "Started" } dd { (started(s)) } }
                div { dt { "Status" } dd { (card.report.as_ref().map_or("Design not readable", status_words)) } }
            }
            @match &card.report {
                None => p.notice { "This experiment's design cannot be read by this collector, so its figures are not shown." },
                Some(report) => (figures(&s.id, report)),
            }
            @if !card.secondary.is_empty() {
                h3 { "Secondary figures" }
                p.muted.secondary { (SECONDARY) }
                (secondary_table(&s.id, &card.secondary))
            }
        }
    }
}

/// `paused 900 · cancelled 310`, most frequent first; `none` without sessions.
pub fn results_text(s: &Secondary) -> String {
    let mut results: Vec<(&String, &u64)> = s.by_result.iter().filter(|(_, &n)| n > 0).collect();
    results.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    if results.is_empty() {
        return "none".to_string();
    }
    results.iter().map(|(t, n)| format!("{} {}", t.replace('_', " "), num(**n))).collect::<Vec<_>>().join(" · ")
}

fn secondary_table(id: &str, secondary: &[Secondary]) -> Markup {
    table(
        &format!("Secondary figures of experiment {id}"),
        &["Group", "#Sessions", "#Save rate", "Results"],
        secondary.iter().map(|s| {
            vec![
                html! { (arm_label(&s.group)) },
                html! { (num(s.sessions)) },
                html! { (s.save_rate.map_or_else(|| "–".to_string(), percent)) },
                html! { (results_text(s)) },
            ]
        }),
    )
}

fn figures(id: &str, report: &Report) -> Markup {
    html! {
        p.muted {
            "Each group needs " (num(report.required_per_arm)) " customers who have had 30 days before a verdict.
             Only those are counted in the rates."
        }
        @if report.srm.mismatch {
            p.notice role="alert" {
                "The groups' sizes are not what the design asked for (chi² p-value " (p_text(report.srm.p_value))
                "). Nothing can be concluded from this experiment."
            }
        }
        (table(
            &format!("Groups of experiment {id}"),
            &["Group", "#Assigned", "#With 30 days", "#Retained", "#Rate (95% interval)"],
            report.arms.iter().map(|a| vec![
                html! { (arm_label(&a.group)) },
                html! { (num(a.assigned)) },
                html! { (num(a.closed)) },
                html! { (num(a.retained)) },
                html! { (rate_text(a)) },
            ]),
        ))
        @if !report.comparisons.is_empty() {
            h3 { "Differences" }
            (chart(id, &report.comparisons))
            ul.verdicts {
                @for c in &report.comparisons {
                    li class=[(c.verdict == Verdict::Srm).then_some("notice")] { (verdict_words(c, report)) }
                }
            }
        }
    }
}

const W: f64 = 400.0;
const LEFT: f64 = 12.0;
const RIGHT: f64 = W - 12.0;
const TOP: f64 = 4.0;
const ROW: f64 = 58.0;
const BOTTOM: f64 = 26.0;

fn r(v: f64) -> String {
    format!("{:.2}", v).trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The half-width of the scale in percentage points: a round number at least as wide as
/// every interval's farthest end (at least 1 point).
pub fn scale_points(comparisons: &[ComparisonRow]) -> f64 {
    let far = comparisons
        .iter()
        .flat_map(|c| [c.diff, c.ci95.map(|p| p.0), c.ci95.map(|p| p.1)])
        .flatten()
        .map(|x| (x * 100.0).abs())
        .fold(0.0, f64::max);
    [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0].into_iter().find(|s| far <= *s).unwrap_or(100.0)
}

/// Each comparison's difference against zero: a dot for the difference, a line with end
/// caps for its 95% interval, a dashed zero line labelled "0 = no difference", the scale's
/// ends labelled, and the numbers printed above each line.
pub fn chart(id: &str, comparisons: &[ComparisonRow]) -> Markup {
    let interim = comparisons.iter().any(|c| matches!(c.verdict, Verdict::NotEnoughData | Verdict::Srm));
    let scale = scale_points(comparisons);
    let axis = TOP + ROW * comparisons.len() as f64 + 4.0;
    let height = axis + BOTTOM;
    let zero = (LEFT + RIGHT) / 2.0;
    let x = |d: f64| zero + (d * 100.0 / scale).clamp(-1.0, 1.0) * (RIGHT - LEFT) / 2.0;
    let summary: Vec<String> = comparisons
        .iter()
        .map(|c| {
            format!("{} against {}: {}", capitalised(&group_name(&c.group)), group_name(&c.against), difference(c))
        })
        .collect();
    let (title, desc) = (format!("d-{id}-title"), format!("d-{id}-desc"));
    html! {
        figure.diff-chart {
            svg.diff-svg role="img" aria-labelledby=(format!("{title} {desc}")) focusable="false"
                viewBox=(format!("0 0 {W} {}", r(height))) {
                title #(title) { "Difference in the share kept 30 days, in percentage points, with 95% intervals" }
                desc #(desc) { (summary.join(". ")) "." }
                g.scale {
                    line.axis-line x1=(r(LEFT)) x2=(r(RIGHT)) y1=(r(axis)) y2=(r(axis)) {}
                    @for tick in [LEFT, zero, RIGHT] {
                        line.axis-line x1=(r(tick)) x2=(r(tick)) y1=(r(axis)) y2=(r(axis + 5.0)) {}
                    }
                    text.axis x=(r(LEFT)) y=(r(axis + 19.0)) text-anchor="start" { (points(-scale / 100.0)) " points" }
                    text.axis x=(r(zero)) y=(r(axis + 19.0)) text-anchor="middle" { "0 = no difference" }
                    text.axis x=(r(RIGHT)) y=(r(axis + 19.0)) text-anchor="end" { (points(scale / 100.0)) " points" }
                }
                @for (i, c) in comparisons.iter().enumerate() {
                    @let y = TOP + ROW * i as f64;
                    g.cmp {
                        text.cmp-label x=(r(LEFT)) y=(r(y + 14.0)) {
                            (capitalised(&group_name(&c.group))) " against " (group_name(&c.against))
                        }
                        text.cmp-value x=(r(LEFT)) y=(r(y + 31.0)) { (difference(c)) }
                        line.zero x1=(r(zero)) x2=(r(zero)) y1=(r(y + 36.0)) y2=(r(y + 56.0)) {}
                        @if let Some((lo, hi)) = c.ci95 {
                            @let ly = y + 46.0;
                            line.ci x1=(r(x(lo))) x2=(r(x(hi))) y1=(r(ly)) y2=(r(ly)) {}
                            line.ci x1=(r(x(lo))) x2=(r(x(lo))) y1=(r(ly - 6.0)) y2=(r(ly + 6.0)) {}
                            line.ci x1=(r(x(hi))) x2=(r(x(hi))) y1=(r(ly - 6.0)) y2=(r(ly + 6.0)) {}
                        }
                        @if let Some(d) = c.diff {
                            circle.est cx=(r(x(d))) cy=(r(y + 46.0)) r="5" {}
                        }
                    }
                }
            }
            figcaption.muted {
                "Each dot is a variant's difference in percentage points; the line is its 95% interval, and the
                 dashed line is zero (no difference)."
                @if interim { " These are interim figures: no conclusion is drawn from them yet." }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::report::{report, ArmCounts, Design};

    fn design() -> Design {
        Design { holdout: 0.1, variants: vec![("a".into(), 1), ("b".into(), 1)], baseline: 0.5, mde: 0.05 }
    }

    fn counts(rows: &[(&str, u64, u64, u64)]) -> Vec<(String, ArmCounts)> {
        rows.iter()
            .map(|&(g, assigned, closed, retained)| (g.to_string(), ArmCounts { assigned, closed, retained }))
            .collect()
    }

    fn card(report: Report) -> Card {
        let summary = ExperimentSummary {
            id: "winter-offers".into(),
            flow_id: "box".into(),
            started_at: Some("2026-10-01T08:00:00Z".into()),
        };
        let secondary = vec![
            Secondary::of("holdout", [("cancelled".to_string(), 1200), ("abandoned".to_string(), 40)].into()),
            Secondary::of("a", [("paused".to_string(), 900), ("cancelled".to_string(), 1310)].into()),
            Secondary::of("b", Default::default()),
        ];
        Card { summary, report: Some(report), secondary }
    }

    fn html_of(report: Report) -> String {
        page(&[card(report)], &Params::default()).into_string()
    }

    fn no_verdict_words(html: &str) {
        let lower = html.to_lowercase();
        for word in ["winner", "better", "worse", "kept more", "kept fewer", "won", "lost"] {
            assert!(!lower.contains(word), "{word:?} before the verdict allows it");
        }
    }

    #[test]
    fn not_enough_data_says_how_far_along_and_names_no_group_ahead() {
        // 1,000 a year's worth in the holdout, more in the variants; a big difference, but too few.
        let r =
            report(&design(), &counts(&[("holdout", 1400, 640, 190), ("a", 6300, 900, 400), ("b", 6300, 880, 260)]));
        assert_eq!(r.required_per_arm, 1562);
        let html = html_of(r.clone());
        assert!(html.contains("Not enough data yet: 640 of 1,562 customers in each group have had 30 days."));
        assert!(html.contains("<th scope=\"row\">Holdout (no offers)</th>"));
        assert!(html.contains("<td class=\"n\">6,300</td>"));
        assert!(html.contains("29.7% (26.3% to 33.3%)"), "{html}");
        assert!(html.contains("Collecting"));
        assert!(html.contains("1 Oct 2026"));
        assert!(html.contains(SECONDARY));
        assert!(html.contains(r#"aria-label="Secondary figures of experiment winter-offers""#));
        assert!(html.contains("<td>cancelled 1,310 · paused 900</td>"), "{html}");
        assert!(html.contains("<td class=\"n\">40.7%</td>"), "900 saved of 2,210 decided");
        assert!(html.contains("<td class=\"n\">0.0%</td>") && html.contains("<td>none</td>"));
        assert!(html.contains("These are interim figures: no conclusion is drawn from them yet."));
        no_verdict_words(&html);
        assert!(!html.contains("style=") && !html.contains("<script"));
    }

    #[test]
    fn each_verdict_in_words() {
        let many =
            |h: u64, a: u64, b: u64| counts(&[("holdout", 2000, 2000, h), ("a", 9000, 2000, a), ("b", 9000, 2000, b)]);
        let r = report(&design(), &many(600, 700, 580));
        assert_eq!(r.comparisons[0].verdict, Verdict::Better);
        assert_eq!(r.comparisons[1].verdict, Verdict::NoDifference);
        assert_eq!(
            verdict_words(&r.comparisons[0], &r),
            "Variant a kept more customers than the holdout: +5.0 points (95% interval +2.1 to +7.9)."
        );
        assert_eq!(
            verdict_words(&r.comparisons[1], &r),
            "No difference shown between variant b and the holdout: −1.0 points (95% interval −3.8 to +1.8)."
        );
        let r = report(&design(), &many(700, 600, 700));
        assert_eq!(r.comparisons[0].verdict, Verdict::Worse);
        assert_eq!(
            verdict_words(&r.comparisons[0], &r),
            "Variant a kept fewer customers than the holdout: −5.0 points (95% interval −7.9 to −2.1)."
        );
        assert_eq!(
            verdict_words(&r.comparisons[1], &r),
            "No difference shown between variant b and the holdout: 0.0 points (95% interval −3.0 to +3.0)."
        );
        let html = html_of(r);
        assert!(html.contains("Verdicts given") && !html.contains("interim"));
    }

    #[test]
    fn a_sample_ratio_mismatch_warns_and_concludes_nothing() {
        let r =
            report(&design(), &counts(&[("holdout", 5000, 2000, 600), ("a", 5000, 2000, 700), ("b", 5000, 2000, 600)]));
        assert!(r.srm.mismatch);
        let words = verdict_words(&r.comparisons[0], &r);
        assert!(
            words.starts_with("The groups' sizes are not what the design asked for (chi² test, p-value below 0.0001)")
        );
        assert!(words.contains("nothing can be concluded"));
        let html = html_of(r);
        assert!(html.contains(r#"<p class="notice" role="alert">The groups' sizes"#));
        no_verdict_words(&html);
    }

    #[test]
    fn the_chart_draws_each_difference_against_a_labelled_zero() {
        let r =
            report(&design(), &counts(&[("holdout", 2000, 2000, 600), ("a", 9000, 2000, 700), ("b", 9000, 2000, 580)]));
        let svg = chart("x", &r.comparisons).into_string();
        assert!(svg.contains(r#"role="img" aria-labelledby="d-x-title d-x-desc""#));
        assert!(svg.contains(r#"viewBox="0 0 400 150""#));
        assert!(svg.contains("<title id=\"d-x-title\">Difference in the share kept 30 days"));
        assert!(svg.contains(">0 = no difference</text>"));
        assert!(svg.contains(">−10.0 points</text>") && svg.contains(">+10.0 points</text>"), "{svg}");
        assert!(svg.contains(">+5.0 points (95% interval +2.1 to +7.9)</text>"));
        assert_eq!(svg.matches("<circle").count(), 2);
        assert_eq!(svg.matches(r#"class="ci""#).count(), 6);
        // +5 points on a ±10 scale: three quarters of the way across.
        assert!(svg.contains(r#"<circle class="est" cx="294" cy="50""#), "{svg}");
        for tag in ["line", "circle", "text"] {
            assert_eq!(svg.matches(&format!("<{tag} ")).count(), svg.matches(&format!("</{tag}>")).count());
        }
        assert!(!svg.contains("style="));
    }

    #[test]
    fn no_closed_window_draws_no_dot() {
        let r = report(&design(), &counts(&[("holdout", 3, 0, 0), ("a", 10, 0, 0)]));
        let svg = chart("y", &r.comparisons).into_string();
        assert!(!svg.contains("<circle") && svg.contains(">no figures yet</text>"));
        assert!(html_of(r).contains("Not enough data yet: 0 of 1,562 customers"));
    }

    #[test]
    fn numbers_and_the_empty_state() {
        assert_eq!(
            (points(0.05), points(-0.0113), points(-0.00004), points(0.0)),
            ("+5.0".into(), "−1.1".into(), "0.0".into(), "0.0".into())
        );
        assert_eq!(percent(0.3229), "32.3%");
        assert_eq!(scale_points(&[]), 1.0);
        let html = page(&[], &Params::default()).into_string();
        assert!(html.contains("No experiments yet"));
        assert!(html.contains(r#"aria-current="page">Experiments</a>"#));
        assert!(!html.contains("role=\"img\""));
        let unreadable = Card { report: None, ..card(report(&design(), &[])) };
        let html = page(&[unreadable], &Params::default()).into_string();
        assert!(html.contains("design cannot be read") && html.contains("Experiment winter-offers"));
    }
}
