//! The secondary figures of an experiment's group (COLLECTOR.md section 8): from the
//! outcomes whose `served.experiment` names the group, section 6's `sessions`,
//! `by_result` and `save_rate`. Secondary because they count sessions, not assigned
//! customers: a group whose offers keep people from deciding has fewer of them, so these
//! figures never decide a verdict.

use super::figures::ratio;
use super::tally::is_save;
use serde::Serialize;
use std::collections::BTreeMap;

/// One group's secondary figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Secondary {
    /// The group: `holdout` or a variant's id.
    pub group: String,
    /// Its outcomes (one per decision), test ones left out.
    pub sessions: u64,
    /// Those outcomes by `result.type` (the types that occurred).
    pub by_result: BTreeMap<String, u64>,
    /// Saved / decided (sessions − abandoned), 4 decimals; null when nobody decided.
    pub save_rate: Option<f64>,
}

impl Secondary {
    /// The figures of `group` from its outcomes counted by result type.
    pub fn of(group: &str, by_result: BTreeMap<String, u64>) -> Secondary {
        let sessions = by_result.values().sum();
        let abandoned = by_result.get("abandoned").copied().unwrap_or(0);
        let saved = by_result.iter().filter(|(t, _)| is_save(t)).map(|(_, n)| n).sum();
        Secondary { group: group.to_string(), sessions, save_rate: ratio(saved, sessions - abandoned), by_result }
    }
}

#[cfg(test)]
mod tests {
    use super::Secondary;
    use std::collections::BTreeMap;

    fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs.iter().map(|&(t, n)| (t.to_string(), n)).collect()
    }

    #[test]
    fn the_save_rate_is_over_decided_sessions_as_in_the_insights() {
        let s = Secondary::of(
            "a",
            counts(&[
                ("paused", 6),
                ("discount_accepted", 2),
                ("link_followed", 2),
                ("cancelled", 10),
                ("abandoned", 5),
            ]),
        );
        assert_eq!(s.sessions, 25);
        assert_eq!(s.save_rate, Some(0.4), "8 saved of 20 decided; abandoned and followed links are not saves");
        assert_eq!(Secondary::of("holdout", counts(&[("abandoned", 3)])).save_rate, None);
        assert_eq!(Secondary::of("b", BTreeMap::new()), Secondary { group: "b".into(), ..Secondary::default() });
    }
}
