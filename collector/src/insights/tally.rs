//! What one outcome adds to the insights' counts: a list of `(metric, key)` pairs, each
//! counted once per outcome, summed per UTC day of `created_at`, flow and test flag.
//! The keys of two-part metrics are small JSON arrays (`["too_expensive","pause"]`), so
//! no id can be mistaken for another whatever characters it holds.

use cancel_flow::core::outcome::{Outcome, OutcomeResult};

/// A kind of count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// One per outcome; key: `result.type`.
    Result,
    /// Outcomes whose survey was skipped (null); key empty.
    SurveySkipped,
    /// Outcomes with this reason; key: the reason id.
    Reason,
    /// Key `[reason, result type]`.
    ReasonResult,
    /// An offer shown to someone who gave this reason; key `[reason, offer type]`.
    ReasonOfferShown,
    /// The offer accepted by someone who gave this reason; key `[reason, offer type]`.
    ReasonOfferAccepted,
    /// A pause chosen; key `[unit, count]`.
    Pause,
    /// A delivery frequency chosen; key `[count, per unit, per count]`.
    Frequency,
    /// Cancelled with the keep-in-touch opt-in ticked; key empty.
    KeepInTouch,
    /// A save whose subscription was cancelled within 30 days after; key empty. Not from
    /// the outcome itself: the store adds it when it sees the cancellation.
    SavesLost,
    /// An outcome served in an experiment's group (its `served.experiment`); key
    /// `[experiment id, group, result type]`: the experiment's secondary figures.
    ExperimentResult,
}

impl Metric {
    /// Every metric.
    pub const ALL: [Metric; 11] = [
        Metric::Result,
        Metric::SurveySkipped,
        Metric::Reason,
        Metric::ReasonResult,
        Metric::ReasonOfferShown,
        Metric::ReasonOfferAccepted,
        Metric::Pause,
        Metric::Frequency,
        Metric::KeepInTouch,
        Metric::SavesLost,
        Metric::ExperimentResult,
    ];

    /// The name stored in the counts table.
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Result => "result",
            Metric::SurveySkipped => "survey_skipped",
            Metric::Reason => "reason",
            Metric::ReasonResult => "reason_result",
            Metric::ReasonOfferShown => "reason_offer_shown",
            Metric::ReasonOfferAccepted => "reason_offer_accepted",
            Metric::Pause => "pause",
            Metric::Frequency => "frequency",
            Metric::KeepInTouch => "keep_in_touch",
            Metric::SavesLost => "saves_lost",
            Metric::ExperimentResult => "experiment_result",
        }
    }

    /// The metric stored under `name`.
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

/// The result types that are saves: the person stayed on changed terms.
pub const SAVES: [&str; 4] = ["paused", "downgraded", "frequency_reduced", "discount_accepted"];

/// Whether `result_type` is a save.
pub fn is_save(result_type: &str) -> bool {
    SAVES.contains(&result_type)
}

/// What one outcome adds to the counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Each `(metric, key)` counted once.
    pub counts: Vec<(Metric, String)>,
}

/// A key of several parts: a JSON array of them.
pub fn key(parts: &[&str]) -> String {
    serde_json::to_string(parts).unwrap_or_default()
}

impl Tally {
    /// What `outcome` adds.
    pub fn of(outcome: &Outcome) -> Tally {
        let result = outcome.result.type_name();
        let mut counts = vec![(Metric::Result, result.to_string())];
        match &outcome.survey {
            None => counts.push((Metric::SurveySkipped, String::new())),
            Some(answer) => {
                let reason = answer.reason_id.as_str();
                counts.push((Metric::Reason, reason.to_string()));
                counts.push((Metric::ReasonResult, key(&[reason, result])));
                // Each offer type once per outcome, whatever the list repeats.
                let mut shown: Vec<&str> = Vec::new();
                for offer in &outcome.offers {
                    let kind = offer.kind.as_str();
                    if !shown.contains(&kind) {
                        shown.push(kind);
                        counts.push((Metric::ReasonOfferShown, key(&[reason, kind])));
                    }
                }
                let mut accepted: Vec<&str> = Vec::new();
                for offer in outcome.offers.iter().filter(|o| o.accepted) {
                    let kind = offer.kind.as_str();
                    if !accepted.contains(&kind) {
                        accepted.push(kind);
                        counts.push((Metric::ReasonOfferAccepted, key(&[reason, kind])));
                    }
                }
            }
        }
        match &outcome.result {
            OutcomeResult::Paused { duration, .. } => {
                counts.push((Metric::Pause, key(&[duration.unit.as_str(), &duration.count.to_string()])));
            }
            OutcomeResult::FrequencyReduced { count, per } => {
                counts.push((Metric::Frequency, key(&[&count.to_string(), per.unit.as_str(), &per.count.to_string()])));
            }
            OutcomeResult::Cancelled { .. } if outcome.keep_in_touch => {
                counts.push((Metric::KeepInTouch, String::new()));
            }
            _ => {}
        }
        if let Some(e) = outcome.served.as_ref().and_then(|s| s.experiment.as_ref()) {
            counts.push((Metric::ExperimentResult, key(&[&e.id, &e.variant, result])));
        }
        Tally { counts }
    }
}
