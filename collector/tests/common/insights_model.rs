//! The insights computed the plain way, straight from a list of outcomes (every field of
//! COLLECTOR.md section 6, each filter), as the oracle the collector's answers are checked
//! against; and a generator of varied, valid outcomes.

#![allow(dead_code)]

use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

pub const SAVES: [&str; 4] = ["paused", "downgraded", "frequency_reduced", "discount_accepted"];
pub const RESULTS: [&str; 7] =
    ["paused", "downgraded", "frequency_reduced", "discount_accepted", "link_followed", "cancelled", "abandoned"];
const REASONS: [&str; 5] = ["too_expensive", "too_much_food", "moving", "not_using", "other"];
const OFFERS: [&str; 5] = ["pause", "downgrade", "frequency", "discount", "link"];

/// The filters of every insights read.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub flow_id: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub include_test: bool,
}

impl Filter {
    /// As a query string (with a leading `?`, or empty).
    pub fn query(&self) -> String {
        let mut q = Vec::new();
        if let Some(f) = &self.flow_id {
            q.push(format!("flow_id={f}"));
        }
        if let Some(d) = self.from {
            q.push(format!("from={d}"));
        }
        if let Some(d) = self.to {
            q.push(format!("to={d}"));
        }
        if self.include_test {
            q.push("include_test=true".into());
        }
        if q.is_empty() {
            String::new()
        } else {
            format!("?{}", q.join("&"))
        }
    }

    pub fn selects(&self, o: &Value) -> bool {
        let day = created(o).date();
        self.flow_id.as_deref().is_none_or(|f| o["flow_id"] == f)
            && self.from.is_none_or(|d| day >= d)
            && self.to.is_none_or(|d| day <= d)
            && (self.include_test || o["test"] == false)
    }
}

pub fn created(o: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(o["created_at"].as_str().unwrap(), &Rfc3339).unwrap()
}

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap()
}

fn ratio(part: u64, whole: u64) -> Value {
    if whole == 0 {
        Value::Null
    } else {
        json!((part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
    }
}

/// Whether the save `s` was lost: its subscription cancelled (by a `cancelled` outcome
/// in `all`, whatever its flow, test flag or date, or a reported cancellation) after it
/// and within 30 days.
pub fn lost(s: &Value, all: &[Value], reported: &[(String, OffsetDateTime)]) -> bool {
    let Some(sub) = s["customer"]["subscription_id"].as_str() else { return false };
    let at = created(s);
    let within = |c: OffsetDateTime| c > at && c <= at + time::Duration::days(30);
    all.iter()
        .any(|c| c["result"]["type"] == "cancelled" && c["customer"]["subscription_id"] == sub && within(created(c)))
        || reported.iter().any(|(r, c)| r == sub && within(*c))
}

/// Shown and accepted, per offer type.
type Offers = BTreeMap<String, (u64, u64)>;
/// A reason's count, offers and results.
type Reason = (u64, Offers, BTreeMap<String, u64>);

/// The expected `/v1/insights` answer, without `webhooks`.
pub fn expected(all: &[Value], reported: &[(String, OffsetDateTime)], filter: &Filter) -> Value {
    let selected: Vec<&Value> = all.iter().filter(|o| filter.selects(o)).collect();
    let rtype = |o: &Value| o["result"]["type"].as_str().unwrap().to_string();
    let mut by_result: BTreeMap<String, u64> = RESULTS.iter().map(|r| (r.to_string(), 0)).collect();
    for o in &selected {
        *by_result.get_mut(&rtype(o)).unwrap() += 1;
    }
    let sessions = selected.len() as u64;
    let abandoned = by_result["abandoned"];
    let decided = sessions - abandoned;
    let saved: u64 = SAVES.iter().map(|s| by_result[*s]).sum();
    let lost_n = selected.iter().filter(|o| SAVES.contains(&rtype(o).as_str()) && lost(o, all, reported)).count();

    let answered: Vec<&&Value> = selected.iter().filter(|o| !o["survey"].is_null()).collect();
    let mut reasons: BTreeMap<String, Reason> = BTreeMap::new();
    for o in &answered {
        let r = reasons.entry(o["survey"]["reason_id"].as_str().unwrap().to_string()).or_default();
        r.0 += 1;
        *r.2.entry(rtype(o)).or_default() += 1;
        let offers = o["offers"].as_array().unwrap();
        for kind in OFFERS {
            let shown = offers.iter().any(|x| x["type"] == kind);
            let accepted = offers.iter().any(|x| x["type"] == kind && x["accepted"] == true);
            if shown || accepted {
                let e = r.1.entry(kind.to_string()).or_default();
                e.0 += u64::from(shown);
                e.1 += u64::from(accepted);
            }
        }
    }
    let mut reasons: Vec<(String, u64, Offers, BTreeMap<String, u64>)> =
        reasons.into_iter().map(|(id, (n, offers, results))| (id, n, offers, results)).collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let reasons: Vec<Value> = reasons
        .into_iter()
        .map(|(id, n, offers, results)| {
            let offers: Map<String, Value> =
                offers.into_iter().map(|(k, (s, a))| (k, json!({ "shown": s, "accepted": a }))).collect();
            json!({ "reason_id": id, "count": n, "share": ratio(n, answered.len() as u64),
                    "offers": offers, "results": results })
        })
        .collect();

    let mut pauses: BTreeMap<(String, u64), u64> = BTreeMap::new();
    let mut frequencies: BTreeMap<(u64, String, u64), u64> = BTreeMap::new();
    for o in &selected {
        let r = &o["result"];
        match r["type"].as_str().unwrap() {
            "paused" => {
                let d = &r["duration"];
                *pauses.entry((d["unit"].as_str().unwrap().into(), d["count"].as_u64().unwrap())).or_default() += 1;
            }
            "frequency_reduced" => {
                let p = &r["per"];
                let k =
                    (r["count"].as_u64().unwrap(), p["unit"].as_str().unwrap().into(), p["count"].as_u64().unwrap());
                *frequencies.entry(k).or_default() += 1;
            }
            _ => {}
        }
    }
    let mut pauses: Vec<_> = pauses.into_iter().collect();
    pauses.sort_by_key(|p| std::cmp::Reverse(p.1));
    let mut frequencies: Vec<_> = frequencies.into_iter().collect();
    frequencies.sort_by_key(|f| std::cmp::Reverse(f.1));

    let mut days: BTreeMap<String, [u64; 4]> = BTreeMap::new();
    for o in &selected {
        let d = days.entry(created(o).date().to_string()).or_default();
        match rtype(o).as_str() {
            "cancelled" => d[1] += 1,
            "link_followed" => d[2] += 1,
            "abandoned" => d[3] += 1,
            _ => d[0] += 1,
        }
    }

    json!({
        "sessions": sessions,
        "by_result": by_result,
        "decided": decided,
        "saved": saved,
        "deflected": by_result["link_followed"],
        "save_rate": ratio(saved, decided),
        "abandoned_share": ratio(abandoned, sessions),
        "saves_lost": { "within_30d": lost_n },
        "reasons": reasons,
        "skipped_survey": selected.len() - answered.len(),
        "pause_durations": pauses.into_iter().map(|((unit, count), n)| json!({ "unit": unit, "count": count, "chosen": n })).collect::<Vec<_>>(),
        "frequencies": frequencies.into_iter().map(|((count, unit, per), n)| json!({ "count": count, "per": { "unit": unit, "count": per }, "chosen": n })).collect::<Vec<_>>(),
        "keep_in_touch": selected.iter().filter(|o| rtype(o) == "cancelled" && o["keep_in_touch"] == true).count(),
        "by_day": days.into_iter().map(|(date, d)| json!({ "date": date, "saved": d[0], "cancelled": d[1], "deflected": d[2], "abandoned": d[3] })).collect::<Vec<_>>(),
    })
}

/// A valid outcome: `n` makes its id; the rest is drawn from `rng`, created at `at`.
pub fn outcome(rng: &mut StdRng, n: u32, at: OffsetDateTime, subscriptions: u32) -> Value {
    let result_type = RESULTS[rng.gen_range(0..RESULTS.len())];
    outcome_of(rng, n, at, subscriptions, result_type)
}

/// A valid outcome with this result type.
pub fn outcome_of(rng: &mut StdRng, n: u32, at: OffsetDateTime, subscriptions: u32, result_type: &str) -> Value {
    let result = match result_type {
        "paused" => {
            let (unit, count) = [("week", 2), ("week", 4), ("month", 1)][rng.gen_range(0..3)];
            json!({ "type": "paused", "duration": { "unit": unit, "count": count }, "resume_on": "2027-01-04" })
        }
        "downgraded" => json!({ "type": "downgraded", "from": "family", "to": "solo" }),
        "frequency_reduced" => {
            let (count, per) = [(20, 50), (2, 4)][rng.gen_range(0..2)];
            json!({ "type": "frequency_reduced", "count": count, "per": { "unit": "week", "count": per } })
        }
        "discount_accepted" => json!({ "type": "discount_accepted", "percent_off": 20, "months": 3 }),
        "link_followed" => json!({ "type": "link_followed", "link_id": "chat" }),
        "cancelled" => json!({ "type": "cancelled", "effective": "period_end", "effective_on": "2026-12-31" }),
        _ => json!({ "type": "abandoned" }),
    };
    let accepted = match result_type {
        "paused" => Some("pause"),
        "downgraded" => Some("downgrade"),
        "frequency_reduced" => Some("frequency"),
        "discount_accepted" => Some("discount"),
        "link_followed" => Some("link"),
        _ => None,
    };
    let mut offers: Vec<Value> = OFFERS
        .iter()
        .filter(|k| Some(**k) == accepted || rng.gen_bool(0.4))
        .map(|k| json!({ "type": k, "accepted": Some(*k) == accepted }))
        .collect();
    if rng.gen_bool(0.2) {
        offers.clear();
    }
    let survey = if rng.gen_bool(0.8) {
        let comment = match rng.gen_range(0..4) {
            0 => Value::Null,
            1 => json!("=SUM(A1) <b>too</b> much"),
            2 => json!("We are moving abroad, thank you"),
            _ => json!(format!("comment {n}")),
        };
        json!({ "reason_id": REASONS[rng.gen_range(0..REASONS.len())], "comment": comment })
    } else {
        Value::Null
    };
    let subscription =
        if rng.gen_bool(0.85) { json!(format!("sub_{}", rng.gen_range(0..subscriptions))) } else { Value::Null };
    json!({
        "schema": "cancel-flow/outcome@1",
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "created_at": rfc3339(at),
        "flow_id": if rng.gen_bool(0.6) { "box-a" } else { "box-b" },
        "test": rng.gen_bool(0.15),
        "customer": { "id": format!("cus_{}", rng.gen_range(0..40)), "subscription_id": subscription },
        "plan_id": "family",
        "locale": "en",
        "result": result,
        "survey": survey,
        "offers": offers,
        "keep_in_touch": result_type == "cancelled" && rng.gen_bool(0.5),
        "steps": ["survey", "offers", "confirm", "done"],
        "elapsed_ms": rng.gen_range(1_000..90_000)
    })
}
