//! The figures of `GET /v1/insights` (COLLECTOR.md section 6), summed from the daily
//! counts (see `tally`): the save rate over decided sessions only, abandoned sessions
//! beside it and never counted as saved, a followed link counted as deflected.

use super::tally::{is_save, Metric};
use serde::Serialize;
use std::collections::BTreeMap;

/// Everything `/v1/insights` answers, in the contract's order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Every stored outcome in range.
    pub sessions: u64,
    /// Sessions by `result.type` (every type, zeros included).
    pub by_result: BTreeMap<String, u64>,
    /// Sessions − abandoned.
    pub decided: u64,
    /// Paused + downgraded + frequency reduced + discount accepted.
    pub saved: u64,
    /// Followed a link: talked to a person, not a save.
    pub deflected: u64,
    /// saved / decided, 4 decimals; null when nobody decided.
    pub save_rate: Option<f64>,
    /// abandoned / sessions, 4 decimals; null when there are no sessions.
    pub abandoned_share: Option<f64>,
    /// Saves whose subscription was cancelled within 30 days after.
    pub saves_lost: SavesLost,
    /// Over sessions with a survey answer, most frequent first.
    pub reasons: Vec<ReasonFigures>,
    /// Sessions whose survey is null.
    pub skipped_survey: u64,
    /// The pauses chosen, most chosen first.
    pub pause_durations: Vec<PauseChosen>,
    /// The delivery frequencies chosen, most chosen first.
    pub frequencies: Vec<FrequencyChosen>,
    /// Cancelled with the opt-in ticked.
    pub keep_in_touch: u64,
    /// By UTC day of `created_at`, oldest first (days with sessions).
    pub by_day: Vec<Day>,
    /// All deliveries, whatever the filters.
    pub webhooks: Webhooks,
}

/// `saves_lost`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SavesLost {
    /// Cancelled within 30 days after the save.
    pub within_30d: u64,
}

/// One reason's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReasonFigures {
    /// The reason id.
    pub reason_id: String,
    /// Sessions that gave it.
    pub count: u64,
    /// count / sessions with an answer, 4 decimals.
    pub share: f64,
    /// Per offer type: how often shown and accepted.
    pub offers: BTreeMap<String, OfferFigures>,
    /// Per result type: how these sessions ended (only those that occurred).
    pub results: BTreeMap<String, u64>,
}

/// An offer's figures for one reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OfferFigures {
    /// Sessions it was shown in.
    pub shown: u64,
    /// Sessions it was accepted in.
    pub accepted: u64,
}

/// A pause length and how often it was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PauseChosen {
    /// `day`, `week`, `month` or `year`.
    pub unit: String,
    /// How many units.
    pub count: u32,
    /// How many people chose it.
    pub chosen: u64,
}

/// A delivery frequency and how often it was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrequencyChosen {
    /// Deliveries in the period.
    pub count: u32,
    /// The period.
    pub per: Period,
    /// How many people chose it.
    pub chosen: u64,
}

/// A period: `{unit, count}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// The unit.
    pub unit: String,
    /// How many units.
    pub count: u32,
}

/// One day's sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Day {
    /// `YYYY-MM-DD`, UTC.
    pub date: String,
    /// Saves.
    pub saved: u64,
    /// Cancellations.
    pub cancelled: u64,
    /// Links followed.
    pub deflected: u64,
    /// Closed without deciding.
    pub abandoned: u64,
}

/// The webhook deliveries by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Webhooks {
    /// Waiting for an attempt or a retry.
    pub pending: u64,
    /// Given up after 3 days.
    pub failed: u64,
    /// Acknowledged.
    pub delivered: u64,
}

/// Every result type, in the contract's order.
pub const RESULT_TYPES: [&str; 7] =
    ["paused", "downgraded", "frequency_reduced", "discount_accepted", "link_followed", "cancelled", "abandoned"];

/// `part / whole` to 4 decimals, or null when `whole` is 0.
pub fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
}

fn parts(key: &str) -> Vec<String> {
    serde_json::from_str(key).unwrap_or_default()
}

impl Figures {
    /// The figures from summed counts: `counts` is `(metric, key, total)` over the range,
    /// `days` is `(date, result type, total)`.
    pub fn from_counts(
        counts: impl IntoIterator<Item = (Metric, String, i64)>,
        days: impl IntoIterator<Item = (String, String, i64)>,
        webhooks: Webhooks,
    ) -> Figures {
        let mut f = Figures { webhooks, ..Figures::default() };
        for t in RESULT_TYPES {
            f.by_result.insert(t.to_string(), 0);
        }
        let mut reasons: BTreeMap<String, ReasonFigures> = BTreeMap::new();
        fn reason<'m>(reasons: &'m mut BTreeMap<String, ReasonFigures>, id: &str) -> &'m mut ReasonFigures {
            reasons
                .entry(id.to_string())
                .or_insert_with(|| ReasonFigures { reason_id: id.to_string(), ..Default::default() })
        }
        let mut pauses: BTreeMap<(String, u32), u64> = BTreeMap::new();
        let mut frequencies: BTreeMap<(u32, String, u32), u64> = BTreeMap::new();
        for (metric, key, n) in counts {
            let n = u64::try_from(n).unwrap_or(0);
            if n == 0 {
                continue;
            }
            match metric {
                Metric::Result => *f.by_result.entry(key).or_default() += n,
                Metric::SurveySkipped => f.skipped_survey += n,
                Metric::Reason => reason(&mut reasons, &key).count += n,
                Metric::ReasonResult => {
                    if let [id, result] = parts(&key).as_slice() {
                        *reason(&mut reasons, id).results.entry(result.clone()).or_default() += n;
                    }
                }
                Metric::ReasonOfferShown | Metric::ReasonOfferAccepted => {
                    if let [id, offer] = parts(&key).as_slice() {
                        let o = reason(&mut reasons, id).offers.entry(offer.clone()).or_default();
                        if metric == Metric::ReasonOfferShown {
                            o.shown += n;
                        } else {
                            o.accepted += n;
                        }
                    }
                }
                Metric::Pause => {
                    if let [unit, count] = parts(&key).as_slice() {
                        *pauses.entry((unit.clone(), count.parse().unwrap_or(0))).or_default() += n;
                    }
                }
                Metric::Frequency => {
                    if let [count, unit, per] = parts(&key).as_slice() {
                        let k = (count.parse().unwrap_or(0), unit.clone(), per.parse().unwrap_or(0));
                        *frequencies.entry(k).or_default() += n;
                    }
                }
                Metric::KeepInTouch => f.keep_in_touch += n,
                Metric::SavesLost => f.saves_lost.within_30d += n,
                // The experiments' secondary figures (`secondary`), not the insights'.
                Metric::ExperimentResult => {}
            }
        }
        f.sessions = f.by_result.values().sum();
        let count = |f: &Figures, t: &str| f.by_result.get(t).copied().unwrap_or(0);
        f.decided = f.sessions - count(&f, "abandoned");
        f.saved = f.by_result.iter().filter(|(t, _)| is_save(t)).map(|(_, n)| n).sum();
        f.deflected = count(&f, "link_followed");
        f.save_rate = ratio(f.saved, f.decided);
        f.abandoned_share = ratio(count(&f, "abandoned"), f.sessions);

        let answered: u64 = reasons.values().map(|r| r.count).sum();
        let mut reasons: Vec<ReasonFigures> = reasons.into_values().filter(|r| r.count > 0).collect();
        for r in &mut reasons {
            r.share = ratio(r.count, answered).unwrap_or(0.0);
        }
        reasons.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason_id.cmp(&b.reason_id)));
        f.reasons = reasons;

        f.pause_durations =
            pauses.into_iter().map(|((unit, count), chosen)| PauseChosen { unit, count, chosen }).collect();
        f.pause_durations.sort_by_key(|p| std::cmp::Reverse(p.chosen));
        f.frequencies = frequencies
            .into_iter()
            .map(|((count, unit, per), chosen)| FrequencyChosen { count, per: Period { unit, count: per }, chosen })
            .collect();
        f.frequencies.sort_by_key(|p| std::cmp::Reverse(p.chosen));

        let mut by_day: BTreeMap<String, Day> = BTreeMap::new();
        for (date, result, n) in days {
            let n = u64::try_from(n).unwrap_or(0);
            let day = by_day.entry(date.clone()).or_insert_with(|| Day {
                date,
                saved: 0,
                cancelled: 0,
                deflected: 0,
                abandoned: 0,
            });
            match result.as_str() {
                "cancelled" => day.cancelled += n,
                "link_followed" => day.deflected += n,
                "abandoned" => day.abandoned += n,
                t if is_save(t) => day.saved += n,
                _ => {}
            }
        }
        f.by_day = by_day.into_values().filter(|d| d.saved + d.cancelled + d.deflected + d.abandoned > 0).collect();
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::tally::Tally;
    use cancel_flow::core::outcome::Outcome;
    use rand::{Rng, SeedableRng};
    use std::collections::HashMap;

    fn random_outcome(rng: &mut rand::rngs::StdRng) -> (String, Outcome) {
        let result = match rng.gen_range(0..7) {
            0 => {
                serde_json::json!({"type": "paused", "duration": {"unit": "week", "count": rng.gen_range(1..5)}, "resume_on": "2027-01-01"})
            }
            1 => serde_json::json!({"type": "downgraded", "from": "a", "to": "b"}),
            2 => serde_json::json!({"type": "frequency_reduced", "count": 2, "per": {"unit": "week", "count": 4}}),
            3 => serde_json::json!({"type": "discount_accepted", "percent_off": 10, "months": 2}),
            4 => serde_json::json!({"type": "link_followed", "link_id": "chat"}),
            5 => serde_json::json!({"type": "cancelled", "effective": "immediately", "effective_on": null}),
            _ => serde_json::json!({"type": "abandoned"}),
        };
        let survey = if rng.gen_bool(0.7) {
            {
                let reason = ["a", "b", "c"][rng.gen_range(0..3)];
                serde_json::json!({"reason_id": reason, "comment": null})
            }
        } else {
            serde_json::Value::Null
        };
        let day = format!("2026-11-{:02}", rng.gen_range(1..29));
        let v = serde_json::json!({
            "schema": "cancel-flow/outcome@1", "id": "x", "created_at": format!("{day}T10:00:00Z"), "flow_id": "f",
            "test": false, "customer": {"id": "c", "subscription_id": null}, "plan_id": "p", "locale": "en",
            "result": result, "survey": survey, "offers": [{"type": "pause", "accepted": false}],
            "keep_in_touch": rng.gen_bool(0.5), "steps": ["survey", "done"], "elapsed_ms": 1
        });
        (day, serde_json::from_value(v).unwrap())
    }

    /// The figures of `outcomes`, through the tallies as the store sums them.
    fn figures(outcomes: &[(String, Outcome)]) -> Figures {
        let mut counts: HashMap<(Metric, String), i64> = HashMap::new();
        let mut days: HashMap<(String, String), i64> = HashMap::new();
        for (day, o) in outcomes {
            for (metric, key) in Tally::of(o).counts {
                if metric == Metric::Result {
                    *days.entry((day.clone(), key.clone())).or_default() += 1;
                }
                *counts.entry((metric, key)).or_default() += 1;
            }
        }
        Figures::from_counts(
            counts.into_iter().map(|((m, k), n)| (m, k, n)),
            days.into_iter().map(|((d, k), n)| (d, k, n)),
            Webhooks::default(),
        )
    }

    #[test]
    fn the_figures_add_up_and_an_abandoned_session_never_raises_the_save_rate() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        for _ in 0..500 {
            let mut outcomes: Vec<_> = (0..rng.gen_range(0..40)).map(|_| random_outcome(&mut rng)).collect();
            let f = figures(&outcomes);
            assert_eq!(f.sessions, outcomes.len() as u64);
            assert_eq!(f.sessions, f.by_result.values().sum::<u64>());
            assert_eq!(f.decided + f.by_result["abandoned"], f.sessions);
            assert!(f.saved + f.deflected + f.by_result["cancelled"] == f.decided);
            assert_eq!(f.skipped_survey + f.reasons.iter().map(|r| r.count).sum::<u64>(), f.sessions);
            let shares: f64 = f.reasons.iter().map(|r| r.share).sum();
            assert!(f.reasons.is_empty() || (shares - 1.0).abs() < 0.001, "{shares}");
            assert!(f.reasons.windows(2).all(|w| w[0].count >= w[1].count), "most frequent first");
            let day_total: u64 = f.by_day.iter().map(|d| d.saved + d.cancelled + d.deflected + d.abandoned).sum();
            assert_eq!(day_total, f.sessions);
            assert!(f.by_day.windows(2).all(|w| w[0].date < w[1].date), "oldest first");
            assert_eq!(
                f.keep_in_touch,
                outcomes
                    .iter()
                    .filter(|(_, o)| o.keep_in_touch
                        && matches!(o.result, cancel_flow::core::outcome::OutcomeResult::Cancelled { .. }))
                    .count() as u64
            );

            let mut abandoned = random_outcome(&mut rng);
            abandoned.1.result = cancel_flow::core::outcome::OutcomeResult::Abandoned;
            outcomes.push(abandoned);
            let g = figures(&outcomes);
            assert_eq!(g.save_rate, f.save_rate, "abandoned sessions are not in the rate");
            assert_eq!(g.saved, f.saved);
            assert!(g.abandoned_share >= f.abandoned_share);
        }
    }

    #[test]
    fn ratios_round_to_four_decimals_and_are_null_over_nothing() {
        assert_eq!(ratio(15, 35), Some(0.4286));
        assert_eq!(ratio(5, 40), Some(0.125));
        assert_eq!(ratio(0, 0), None);
        assert_eq!(ratio(1, 3), Some(0.3333));
    }
}
