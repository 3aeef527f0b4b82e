//! The charts, drawn on the server as inline SVG: sessions by day as stacked bars (each
//! series with its own pattern as well as its colour, so it reads without colour), its
//! legend, and the horizontal bars beside a list of numbers. Colours come from classes in
//! the stylesheet (light and dark); geometry from attributes. The dates and the legend are
//! HTML beside the SVG, so they stay readable when the chart shrinks on a phone (where the
//! stylesheet hides the gridlines' numbers; the caption says what a gridline is worth).

use super::words::{count, iso_date, num};
use crate::insights::figures::Day;
use maud::{html, Markup};

/// The series, bottom to top: (class and pattern suffix, name).
pub const SERIES: [(&str, &str); 4] = [
    ("saved", "Stayed"),
    ("deflected", "Talked to a person"),
    ("cancelled", "Cancelled"),
    ("abandoned", "Closed without deciding"),
];

const W: f64 = 760.0;
const H: f64 = 220.0;
const TOP: f64 = 8.0;
/// Room on the left for the gridlines' numbers.
const LEFT: f64 = 30.0;
const BASE: f64 = 214.0;

fn values(d: &Day) -> [u64; 4] {
    [d.saved, d.deflected, d.cancelled, d.abandoned]
}

/// A round step for gridlines, so that `max` needs at most 4 of them.
pub fn grid_step(max: u64) -> u64 {
    let mut magnitude = 1;
    loop {
        for m in [1, 2, 5] {
            if max <= m * magnitude * 4 {
                return m * magnitude;
            }
        }
        magnitude *= 10;
    }
}

fn r(v: f64) -> String {
    format!("{:.2}", v).trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The patterns each series is filled with: solid, dots, diagonal hatch, cross-hatch.
fn patterns() -> Markup {
    html! {
        defs {
            pattern id="pat-saved" patternUnits="userSpaceOnUse" width="6" height="6" {
                rect class="s-saved" width="6" height="6" {}
            }
            pattern id="pat-deflected" patternUnits="userSpaceOnUse" width="6" height="6" {
                rect class="s-deflected" width="6" height="6" {}
                circle class="mark" cx="3" cy="3" r="1.3" {}
            }
            pattern id="pat-cancelled" patternUnits="userSpaceOnUse" width="6" height="6"
                patternTransform="rotate(45)" {
                rect class="s-cancelled" width="6" height="6" {}
                rect class="mark" width="1.5" height="6" {}
            }
            pattern id="pat-abandoned" patternUnits="userSpaceOnUse" width="7" height="7"
                patternTransform="rotate(45)" {
                rect class="s-abandoned" width="7" height="7" {}
                rect class="mark" width="1.2" height="7" {}
                rect class="mark" width="7" height="1.2" {}
            }
        }
    }
}

/// Sessions by day as a stacked bar chart in a figure, with its legend and caption.
pub fn by_day(days: &[Day]) -> Markup {
    let calendar = calendar(days);
    let max = days.iter().map(|d| values(d).iter().sum::<u64>()).max().unwrap_or(0);
    let step = grid_step(max.max(1));
    let top = step * max.max(1).div_ceil(step);
    let scale = (BASE - TOP) / top as f64;
    let slot = (W - LEFT) / calendar.len().max(1) as f64;
    let bar = if slot >= 4.0 { (slot * 0.72).min(48.0) } else { slot };
    // Patterns need room to show; thinner bars are filled with their colour alone (the
    // series differ in lightness, and the table has every number).
    let patterned = bar >= 5.0;
    let separated = bar >= 6.0;
    let (first, last) = (days.first().map(|d| iso_date(&d.date)), days.last().map(|d| iso_date(&d.date)));
    let range = match (&first, &last) {
        (Some(a), Some(b)) if a != b => format!("{a} to {b}"),
        (Some(a), _) => a.clone(),
        _ => "no days".to_string(),
    };
    let totals: Vec<u64> = (0..4).map(|i| days.iter().map(|d| values(d)[i]).sum()).collect();
    let busiest = days.iter().max_by_key(|d| (values(d).iter().sum::<u64>(), std::cmp::Reverse(d.date.clone())));
    let summary = format!(
        "{} with sessions. In all: {}. Each gridline is {} {}.{}",
        count(days.len() as u64, "day", "days"),
        SERIES
            .iter()
            .zip(&totals)
            .map(|((_, name), n)| format!("{} {}", name.to_lowercase(), num(*n)))
            .collect::<Vec<_>>()
            .join(", "),
        num(step),
        if step == 1 { "session" } else { "sessions" },
        busiest
            .map(|d| format!(" The busiest day, {}, had {}.", iso_date(&d.date), num(values(d).iter().sum())))
            .unwrap_or_default(),
    );
    html! {
        figure.chart {
            figcaption #days-caption { "Sessions by day, " (range) ". " (summary) }
            svg.chart-svg role="img" aria-labelledby="days-title days-desc" viewBox=(format!("0 0 {W} {H}"))
                preserveAspectRatio="none" focusable="false" {
                title #days-title { "Sessions by day, " (range) }
                desc #days-desc { (summary) }
                (patterns())
                g.gridlines {
                    @for i in 0..=(top / step) {
                        @let y = BASE - (i * step) as f64 * scale;
                        line x1=(LEFT) x2=(W) y1=(r(y)) y2=(r(y)) {}
                    }
                }
                g.ticks {
                    @for i in 0..=(top / step) {
                        @let y = BASE - (i * step) as f64 * scale;
                        text x=(LEFT - 6.0) y=(r(y + 4.0)) text-anchor="end" { (num(i * step)) }
                    }
                }
                g.bars {
                    @for (i, d) in calendar.iter().enumerate() {
                        @let x = LEFT + i as f64 * slot + (slot - bar) / 2.0;
                        g.day {
                            title { (day_title(d)) }
                            @for (key, y, h) in segments(d, scale) {
                                rect class=[bar_class(key, patterned, separated)] x=(r(x)) y=(r(y))
                                    width=(r(bar)) height=(r(h)) fill=[patterned.then(|| format!("url(#pat-{key})"))] {}
                            }
                        }
                    }
                }
            }
            div.x-labels aria-hidden="true" {
                span { (first.clone().unwrap_or_default()) }
                @if first != last { span { (last.clone().unwrap_or_default()) } }
            }
            (legend())
        }
    }
}

/// Every calendar day from the first to the last, those without sessions as zeros, so the
/// axis is time (up to ten years; beyond that, only the days with sessions).
fn calendar(days: &[Day]) -> Vec<Day> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = |d: &Day| time::Date::parse(&d.date, &format).ok();
    let (Some(first), Some(last)) = (days.first().and_then(date), days.last().and_then(date)) else {
        return days.to_vec();
    };
    let span = (last - first).whole_days();
    if !(0..=3660).contains(&span) || days.iter().any(|d| date(d).is_none()) {
        return days.to_vec();
    }
    let mut given = days.iter().peekable();
    let mut out = Vec::with_capacity(span as usize + 1);
    let mut day = first;
    while day <= last {
        let iso = day.format(&format).unwrap_or_default();
        match given.peek() {
            Some(d) if d.date == iso => out.push(given.next().cloned().unwrap_or_else(|| empty(iso))),
            _ => out.push(empty(iso)),
        }
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}

/// A bar's class: outlined when wide, filled by class when too thin for its pattern.
fn bar_class(key: &str, patterned: bool, separated: bool) -> Option<String> {
    if patterned {
        separated.then(|| "seg".to_string())
    } else {
        Some(format!("s-{key}"))
    }
}

fn empty(date: String) -> Day {
    Day { date, saved: 0, cancelled: 0, deflected: 0, abandoned: 0 }
}

/// A day's stacked segments, bottom up: (series, top, height).
fn segments(d: &Day, scale: f64) -> Vec<(&'static str, f64, f64)> {
    let mut y = BASE;
    let mut out = Vec::new();
    for ((key, _), v) in SERIES.iter().zip(values(d)) {
        if v > 0 {
            let h = v as f64 * scale;
            y -= h;
            out.push((*key, y, h));
        }
    }
    out
}

fn day_title(d: &Day) -> String {
    let parts: Vec<String> = SERIES
        .iter()
        .zip(values(d))
        .filter(|(_, v)| *v > 0)
        .map(|((_, name), v)| format!("{} {}", name.to_lowercase(), num(v)))
        .collect();
    if parts.is_empty() {
        return format!("{}: no sessions", iso_date(&d.date));
    }
    format!("{}: {}", iso_date(&d.date), parts.join(", "))
}

/// The legend: each series' pattern swatch and name.
pub fn legend() -> Markup {
    html! {
        ul.legend {
            @for (key, name) in SERIES {
                li {
                    svg.swatch aria-hidden="true" focusable="false" viewBox="0 0 18 18" {
                        rect.swatch-box x="0.5" y="0.5" width="17" height="17" fill=(format!("url(#pat-{key})")) {}
                    }
                    (name)
                }
            }
        }
    }
}

/// A horizontal bar as long as `value / max` of the width (decorative: the numbers are
/// printed beside it).
pub fn hbar(value: u64, max: u64) -> Markup {
    let w = if max == 0 { 0.0 } else { value as f64 * 100.0 / max as f64 };
    html! {
        svg.hbar aria-hidden="true" focusable="false" viewBox="0 0 100 10" preserveAspectRatio="none" {
            rect.hbar-fill width=(r(w.max(0.5))) height="10" {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: &str, saved: u64, cancelled: u64) -> Day {
        Day { date: date.into(), saved, cancelled, deflected: 1, abandoned: 0 }
    }

    #[test]
    fn grid_steps_are_round() {
        assert_eq!([1, 4, 5, 9, 20, 21, 399, 1000].map(grid_step), [1, 1, 2, 5, 5, 10, 100, 500]);
    }

    #[test]
    fn the_chart_has_a_title_and_one_bar_per_day() {
        let days: Vec<Day> = (1..=30).map(|i| day(&format!("2026-11-{i:02}"), i, 3)).collect();
        let svg = by_day(&days).into_string();
        assert!(svg.contains(r#"role="img" aria-labelledby="days-title days-desc""#));
        assert!(svg.contains(r#"<title id="days-title">Sessions by day, 1 Nov 2026 to 30 Nov 2026</title>"#));
        assert_eq!(svg.matches(r#"<g class="day">"#).count(), 30);
        assert_eq!(svg.matches("url(#pat-saved)").count(), 30 + 1, "30 bars and the legend");
        assert!(svg.contains("The busiest day, 30 Nov 2026, had 34."));
        assert!(!svg.contains("style="), "no inline style (CSP)");
        for tag in ["rect", "circle", "line"] {
            let open = svg.matches(&format!("<{tag} ")).count();
            assert_eq!(open, svg.matches(&format!("</{tag}>")).count(), "every <{tag}> is closed (HTML has no />)");
        }
    }

    #[test]
    fn hundreds_of_days_fit() {
        let days: Vec<Day> = (0..400).map(|i| day(&format!("d{i}"), 1, 1)).collect();
        let svg = by_day(&days).into_string();
        assert_eq!(svg.matches(r#"<g class="day">"#).count(), 400);
        assert!(!svg.contains(r#"class="seg""#), "thin bars are not outlined");
        assert_eq!(svg.matches("url(#pat-saved)").count(), 1, "nor patterned (only the legend is)");
        assert!(svg.contains(r#"class="s-saved""#), "but filled with their colour");
        assert!(svg.contains(r#"width="1.82""#), "730 / 400, no gap");
    }

    #[test]
    fn days_without_sessions_keep_their_place() {
        let days = [day("2026-02-27", 1, 0), day("2026-03-02", 2, 0)];
        let svg = by_day(&days).into_string();
        assert_eq!(svg.matches(r#"<g class="day">"#).count(), 4, "27, 28 Feb, 1, 2 Mar");
        assert!(svg.contains("<title>1 Mar 2026: no sessions</title>"));
        assert!(svg.contains("2 days with sessions."));
    }

    #[test]
    fn horizontal_bars_scale_to_the_largest() {
        assert!(hbar(5, 10).into_string().contains(r#"width="50""#));
        assert!(hbar(0, 0).into_string().contains(r#"width="0.5""#));
    }
}
