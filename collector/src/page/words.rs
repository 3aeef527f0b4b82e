//! The words of the insights pages: the save rate and the other figures said as plain
//! sentences (singular and plural right), the names of results and offers, pause
//! lengths, delivery frequencies, numbers, percentages and dates. Kind and neutral: a
//! cancellation is a person's choice, not a failure.

use crate::insights::Figures;

/// `1234567` → `1,234,567`.
pub fn num(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `part / whole` as a percentage with one decimal (`42.9%`); `–` when `whole` is 0.
pub fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "–".to_string();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

/// `n` and the noun in the right number: `1 person`, `3 people`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", num(n), if n == 1 { one } else { many })
}

/// "15 of 35 people who decided stayed (42.9%). 5 more closed the form without deciding;
/// they are not counted."
pub fn save_rate(f: &Figures) -> String {
    let abandoned = f.sessions.saturating_sub(f.decided);
    let mut s = if f.decided == 0 {
        "No one has decided yet.".to_string()
    } else {
        format!(
            "{} of {} who decided stayed ({}).",
            num(f.saved),
            count(f.decided, "person", "people"),
            pct(f.saved, f.decided)
        )
    };
    if abandoned > 0 {
        let who =
            if f.decided == 0 { count(abandoned, "person", "people") } else { format!("{} more", num(abandoned)) };
        s.push_str(&format!(" {who} closed the form without deciding; they are not counted."));
    }
    s
}

/// "2 talked to a person instead; that is not counted as staying." (None when nobody did.)
pub fn deflected(f: &Figures) -> Option<String> {
    (f.deflected > 0)
        .then(|| format!("{} talked to a person instead; that is not counted as staying.", num(f.deflected)))
}

/// "1 of the 15 who stayed cancelled within 30 days." (None when nobody stayed.)
pub fn saves_lost(f: &Figures) -> Option<String> {
    let (lost, saved) = (f.saves_lost.within_30d, f.saved);
    Some(match (saved, lost) {
        (0, _) => return None,
        (1, 0) => "The 1 person who stayed has not cancelled within 30 days.".to_string(),
        (1, _) => "The 1 person who stayed cancelled within 30 days.".to_string(),
        (_, 0) => format!("None of the {} who stayed cancelled within 30 days.", num(saved)),
        _ => format!("{} of the {} who stayed cancelled within 30 days.", num(lost), num(saved)),
    })
}

/// How a session ended, in words.
pub fn result_name(result_type: &str) -> String {
    match result_type {
        "paused" => "Paused",
        "downgraded" => "Moved to a smaller plan",
        "frequency_reduced" => "Fewer deliveries",
        "discount_accepted" => "Took a discount",
        "link_followed" => "Talked to a person",
        "cancelled" => "Cancelled",
        "abandoned" => "Closed without deciding",
        other => other,
    }
    .to_string()
}

/// An offer, in words.
pub fn offer_name(offer: &str) -> String {
    match offer {
        "pause" => "Pause",
        "downgrade" => "Smaller plan",
        "frequency" => "Fewer deliveries",
        "discount" => "Discount",
        "link" => "Talk to a person",
        other => other,
    }
    .to_string()
}

fn unit(unit: &str, n: u32) -> String {
    let one = match unit {
        "day" | "week" | "month" | "year" => unit,
        other => return format!("{n} × {other}"),
    };
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// "4 weeks".
pub fn pause_length(unit_name: &str, n: u32) -> String {
    unit(unit_name, n)
}

/// "20 per 50 weeks", "1 per week".
pub fn frequency(count: u32, per_unit: &str, per_count: u32) -> String {
    if per_count == 1 {
        format!("{count} per {per_unit}")
    } else {
        format!("{count} per {}", unit(per_unit, per_count))
    }
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `25 Nov 2026`.
pub fn date(d: time::Date) -> String {
    format!("{} {} {}", d.day(), MONTHS[usize::from(u8::from(d.month())) - 1], d.year())
}

/// `2026-11-25` → `25 Nov 2026` (anything else as it is).
pub fn iso_date(s: &str) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &format).map(date).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(saved: u64, decided: u64, sessions: u64, deflected: u64, lost: u64) -> Figures {
        let mut f = Figures { saved, decided, sessions, deflected, ..Figures::default() };
        f.saves_lost.within_30d = lost;
        f
    }

    #[test]
    fn the_save_rate_in_words() {
        assert_eq!(
            save_rate(&figures(15, 35, 40, 2, 1)),
            "15 of 35 people who decided stayed (42.9%). 5 more closed the form without deciding; they are not counted."
        );
        assert_eq!(save_rate(&figures(1, 1, 1, 0, 0)), "1 of 1 person who decided stayed (100.0%).");
        assert_eq!(save_rate(&figures(0, 2, 2, 0, 0)), "0 of 2 people who decided stayed (0.0%).");
        assert_eq!(save_rate(&figures(0, 0, 0, 0, 0)), "No one has decided yet.");
        assert_eq!(
            save_rate(&figures(0, 0, 1, 0, 0)),
            "No one has decided yet. 1 person closed the form without deciding; they are not counted."
        );
        assert_eq!(
            save_rate(&figures(0, 0, 3, 0, 0)),
            "No one has decided yet. 3 people closed the form without deciding; they are not counted."
        );
        assert_eq!(
            save_rate(&figures(1200, 2400, 2401, 0, 0)),
            "1,200 of 2,400 people who decided stayed (50.0%). 1 more closed the form without deciding; \
             they are not counted."
        );
    }

    #[test]
    fn deflected_and_saves_lost_in_words() {
        assert_eq!(
            deflected(&figures(15, 35, 40, 2, 1)).unwrap(),
            "2 talked to a person instead; that is not counted as staying."
        );
        assert_eq!(deflected(&figures(15, 35, 40, 0, 1)), None);
        assert_eq!(saves_lost(&figures(15, 35, 40, 2, 1)).unwrap(), "1 of the 15 who stayed cancelled within 30 days.");
        assert_eq!(
            saves_lost(&figures(15, 35, 40, 2, 0)).unwrap(),
            "None of the 15 who stayed cancelled within 30 days."
        );
        assert_eq!(saves_lost(&figures(1, 1, 1, 0, 1)).unwrap(), "The 1 person who stayed cancelled within 30 days.");
        assert_eq!(saves_lost(&figures(0, 1, 1, 0, 0)), None);
    }

    #[test]
    fn numbers_lengths_frequencies_and_dates() {
        assert_eq!(
            (num(0), num(999), num(1000), num(1234567)),
            ("0".into(), "999".into(), "1,000".into(), "1,234,567".into())
        );
        assert_eq!((pct(1, 3), pct(0, 0)), ("33.3%".to_string(), "–".to_string()));
        assert_eq!(count(1, "comment", "comments"), "1 comment");
        assert_eq!(pause_length("week", 4), "4 weeks");
        assert_eq!(pause_length("month", 1), "1 month");
        assert_eq!(frequency(20, "week", 50), "20 per 50 weeks");
        assert_eq!(frequency(1, "month", 1), "1 per month");
        assert_eq!(iso_date("2026-11-05"), "5 Nov 2026");
        assert_eq!(iso_date("not a date"), "not a date");
        assert_eq!(result_name("link_followed"), "Talked to a person");
        assert_eq!(offer_name("custom"), "custom");
    }
}
