//! A realistic past experiment, generated without I/O: customers first served over the
//! past days (their groups by the contract's assignment, so the groups' sizes are what the
//! design asks for), each one's decision in the flow as an outcome body (what the widget
//! would have sent, with `served`), and the cancellations that came later from the shop's
//! backend or Stripe, some within 30 days and some after. Each group behaves as its offers
//! would have it: the holdout sees none. Deterministic for a seed.

use crate::flows::{Experiment, Group};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// The reasons of the seeded flow (`examples/meal-box.json`) and how often each is given.
const REASONS: [(&str, f64); 5] =
    [("too_expensive", 0.35), ("too_much", 0.2), ("away", 0.2), ("quality", 0.15), ("other", 0.1)];

/// A customer of the population.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// `cus_seed_000042`.
    pub customer_id: String,
    /// `sub_seed_000042`.
    pub subscription_id: String,
    /// The group the assignment gives.
    pub group: Group,
    /// When they were first served the flow.
    pub assigned_at: OffsetDateTime,
    /// Their outcome's body, decided minutes after being served.
    pub outcome: Value,
    /// When they decided.
    pub decided_at: OffsetDateTime,
    /// A later cancellation, if one came by now: when, and whether Stripe reported it.
    pub later: Option<(OffsetDateTime, Source)>,
}

/// Where a later cancellation came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `POST /v1/subscriptions/<id>/cancelled`.
    Shop,
    /// A `customer.subscription.deleted` event.
    Stripe,
}

/// How a group's customers decide: the share of each result type, and the share of those
/// who stay in the flow that cancel in the 40 days after.
struct Behaviour {
    results: &'static [(&'static str, f64)],
    later: f64,
}

fn behaviour(group: &Group) -> Behaviour {
    match group {
        // No offers: cancel, or close the flow.
        Group::Holdout => Behaviour { results: &[("cancelled", 0.36), ("abandoned", 0.64)], later: 0.08 },
        Group::Variant(id) if id == "discount" => Behaviour {
            results: &[
                ("cancelled", 0.28),
                ("paused", 0.12),
                ("discount_accepted", 0.14),
                ("frequency_reduced", 0.05),
                ("downgraded", 0.03),
                ("link_followed", 0.03),
                ("abandoned", 0.35),
            ],
            later: 0.13,
        },
        Group::Variant(_) => Behaviour {
            results: &[
                ("cancelled", 0.22),
                ("paused", 0.22),
                ("frequency_reduced", 0.08),
                ("downgraded", 0.05),
                ("link_followed", 0.03),
                ("abandoned", 0.40),
            ],
            later: 0.1,
        },
    }
}

fn pick<'a>(rng: &mut StdRng, weighted: &'a [(&'a str, f64)]) -> &'a str {
    let total: f64 = weighted.iter().map(|(_, w)| w).sum();
    let mut x = rng.gen_range(0.0..total);
    for (item, w) in weighted {
        if x < *w {
            return item;
        }
        x -= w;
    }
    weighted[weighted.len() - 1].0
}

fn uuid(rng: &mut StdRng) -> String {
    let (a, b, c, d, e): (u32, u16, u16, u16, u64) = rng.gen();
    format!("{a:08x}-{b:04x}-4{:03x}-{:04x}-{:012x}", c & 0xfff, 0x8000 | (d & 0x3fff), e & 0xffff_ffff_ffff)
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// The result object of `kind`, as the seeded flow's offers make it.
fn result(kind: &str, decided_at: OffsetDateTime) -> Value {
    match kind {
        "paused" => json!({ "type": "paused", "duration": { "unit": "week", "count": 4 },
            "resume_on": (decided_at + Duration::weeks(4)).date().to_string() }),
        "discount_accepted" => json!({ "type": "discount_accepted", "percent_off": 25, "months": 2 }),
        "frequency_reduced" => {
            json!({ "type": "frequency_reduced", "count": 20, "per": { "unit": "week", "count": 50 } })
        }
        "downgraded" => json!({ "type": "downgraded", "from": "family", "to": "couple" }),
        "link_followed" => json!({ "type": "link_followed", "link_id": "support" }),
        "cancelled" => json!({ "type": "cancelled", "effective": "period_end", "effective_on": null }),
        _ => json!({ "type": "abandoned" }),
    }
}

/// The offers a variant shows (the holdout: none); the accepted one marked.
fn offers(group: &Group, kind: &str) -> Value {
    let shown: &[(&str, &str)] = match group {
        Group::Holdout => &[],
        Group::Variant(id) if id == "discount" => &[
            ("frequency", "frequency_reduced"),
            ("downgrade", "downgraded"),
            ("pause", "paused"),
            ("discount", "discount_accepted"),
            ("link", "link_followed"),
        ],
        Group::Variant(_) => &[
            ("frequency", "frequency_reduced"),
            ("downgrade", "downgraded"),
            ("pause", "paused"),
            ("link", "link_followed"),
        ],
    };
    Value::Array(shown.iter().map(|(offer, result)| json!({ "type": offer, "accepted": *result == kind })).collect())
}

/// `customers` customers first served over the `days` before `now`, with their outcomes of
/// flow `flow_id` version `flow_version`, from `first` on (so a large population is made
/// in parts with the same result as at once).
pub fn people(
    experiment: &Experiment,
    flow_id: &str,
    flow_version: u32,
    days: u32,
    now: OffsetDateTime,
    seed: u64,
    range: std::ops::Range<u64>,
) -> Vec<Person> {
    let span = Duration::days(i64::from(days)).whole_seconds();
    range
        .map(|i| {
            // One generator per customer: the same customer whatever the parts.
            let mut rng = StdRng::seed_from_u64(seed ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let customer_id = format!("cus_seed_{i:06}");
            let subscription_id = format!("sub_seed_{i:06}");
            let group = experiment.assign(&customer_id);
            let assigned_at = now - Duration::seconds(rng.gen_range(3_600..span.max(3_601)));
            let decided_at = assigned_at + Duration::seconds(rng.gen_range(40..900));
            let b = behaviour(&group);
            let kind = pick(&mut rng, b.results);
            let answered = rng.gen_bool(0.85);
            let survey = answered.then(|| json!({ "reason_id": pick(&mut rng, &REASONS), "comment": null }));
            let offers = offers(&group, kind);
            let steps: Vec<&str> = match (kind, offers.as_array().is_some_and(|o| !o.is_empty())) {
                ("abandoned", _) => vec!["survey"],
                ("cancelled", true) => vec!["survey", "offers", "confirm", "done"],
                ("cancelled", false) => vec!["survey", "confirm", "done"],
                _ => vec!["survey", "offers", "done"],
            };
            let outcome = json!({
                "schema": "cancel-flow/outcome@1",
                "id": uuid(&mut rng),
                "created_at": rfc3339(decided_at),
                "flow_id": flow_id,
                "test": false,
                "customer": { "id": customer_id, "subscription_id": subscription_id },
                "plan_id": "family",
                "locale": "en",
                "result": result(kind, decided_at),
                "survey": survey,
                "offers": offers,
                "keep_in_touch": kind == "cancelled" && rng.gen_bool(0.3),
                "steps": steps,
                "elapsed_ms": rng.gen_range(15_000..240_000),
                "served": { "flow_version": flow_version,
                    "experiment": { "id": experiment.id, "variant": group.as_str() } },
            });
            let later = (kind != "cancelled" && rng.gen_bool(b.later))
                .then(|| decided_at + Duration::seconds(rng.gen_range(86_400..40 * 86_400)))
                .filter(|at| *at <= now)
                .map(|at| (at, if rng.gen_bool(0.4) { Source::Stripe } else { Source::Shop }));
            Person { customer_id, subscription_id, group, assigned_at, outcome, decided_at, later }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{people, Source};
    use crate::flows::{Experiment, Group, Variant};
    use cancel_flow::core::outcome::Outcome;
    use time::macros::datetime;
    use time::Duration;

    fn experiment() -> Experiment {
        let variant = |id: &str| Variant { id: id.into(), weight: 1, patch: None };
        Experiment {
            id: "autumn-offers".into(),
            holdout: 0.2,
            variants: vec![variant("pauses"), variant("discount")],
            baseline: 0.6,
            mde: 0.1,
        }
    }

    #[test]
    fn a_population_is_the_same_made_in_parts_and_reads_as_outcomes() {
        let now = datetime!(2026-12-06 12:00 UTC);
        let whole = people(&experiment(), "box", 1, 45, now, 7, 0..2_000);
        let parts = [
            people(&experiment(), "box", 1, 45, now, 7, 0..700),
            people(&experiment(), "box", 1, 45, now, 7, 700..2_000),
        ]
        .concat();
        assert_eq!(whole, parts);
        for p in &whole {
            let outcome: Outcome = serde_json::from_value(p.outcome.clone()).expect("an outcome the reader takes");
            assert_eq!(outcome.served.unwrap().experiment.unwrap().variant, p.group.as_str());
            assert!(p.assigned_at >= now - Duration::days(45) && p.decided_at <= now);
            if let Some((at, _)) = p.later {
                assert!(at > p.decided_at && at <= now && outcome.result.type_name() != "cancelled");
            }
            if p.group == Group::Holdout {
                assert!(outcome.offers.is_empty(), "the holdout sees no offers");
            }
        }
        let holdout = whole.iter().filter(|p| p.group == Group::Holdout).count();
        assert!((300..500).contains(&holdout), "about a fifth: {holdout}");
        assert!(whole.iter().any(|p| matches!(p.later, Some((_, Source::Stripe)))));
        assert!(whole.iter().any(|p| matches!(p.later, Some((_, Source::Shop)))));
    }
}
