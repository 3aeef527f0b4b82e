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
        f.pause_durations.sort_by(|a, b| b.chosen.cmp(&a.chosen));
        f.frequencies = frequencies
            .into_iter()
            .map(|((count, unit, per), chosen)| FrequencyChosen { count, per: Period { unit, count: per }, chosen })
            .collect();
        f.frequencies.sort_by(|a, b| b.chosen.cmp(&a.chosen));

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
