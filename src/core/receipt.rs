//! The receipt on the done step: a title and lines saying exactly what was recorded
//! (paused until a date, new tier and price, new delivery count, cancelled effective a
//! date), plus the reference id. Built from the outcome itself, so it cannot drift.

use super::config::{Config, Deliveries};
use super::i18n::{Formats, Words};
use super::outcome::{Outcome, OutcomeResult};

/// What the done step shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// Heading.
    pub title: String,
    /// What was recorded.
    pub lines: Vec<String>,
    /// "Reference: <id>".
    pub reference: String,
}

/// The receipt of an outcome.
pub fn receipt<F: Formats + ?Sized>(w: &Words<'_, F>, config: &Config, outcome: &Outcome) -> Receipt {
    let (kind, line) = match &outcome.result {
        OutcomeResult::Paused { duration, resume_on } => {
            ("paused", w.ta("done.paused", &[("span", &w.span(*duration)), ("date", &w.date(*resume_on))]))
        }
        OutcomeResult::Downgraded { to, .. } => {
            let tier = config.offers.downgrade.iter().flatten().find(|t| &t.id == to);
            let name = tier.map(|t| w.msgs.text(&t.name).to_string()).unwrap_or_else(|| to.clone());
            let line = match tier.and_then(|t| t.price.as_ref()) {
                Some(p) => w.ta("done.downgraded_price", &[("tier", &name), ("price", &w.price(p))]),
                None => w.ta("done.downgraded", &[("tier", &name)]),
            };
            ("downgraded", line)
        }
        OutcomeResult::FrequencyReduced { count, per } => {
            let d = Deliveries { count: *count, per: *per };
            ("frequency_reduced", w.ta("done.frequency_reduced", &[("deliveries", &w.deliveries(d))]))
        }
        OutcomeResult::DiscountAccepted { .. } => {
            let text = config.offers.discount.as_ref().map(|d| w.discount(&d.amount, d.months)).unwrap_or_default();
            ("discount_accepted", w.ta("done.discount_accepted", &[("discount", &text)]))
        }
        OutcomeResult::LinkFollowed { link_id } => {
            let label = config
                .offers
                .links
                .iter()
                .flatten()
                .find(|l| &l.id == link_id)
                .map(|l| w.msgs.text(&l.label).to_string());
            ("link_followed", w.ta("done.link_followed", &[("link", &label.unwrap_or_else(|| link_id.clone()))]))
        }
        OutcomeResult::Cancelled { effective_on, .. } => {
            let line = match effective_on {
                Some(d) => w.ta("done.cancelled", &[("date", &w.date(*d))]),
                None => w.t("done.cancelled_period_end"),
            };
            ("cancelled", line)
        }
        OutcomeResult::Abandoned => ("cancelled", String::new()),
    };
    let mut lines = vec![line];
    if outcome.keep_in_touch {
        lines.push(w.t("done.keep_in_touch"));
    }
    Receipt {
        title: w.t(&["done.title.", kind].concat()),
        lines,
        reference: w.ta("done.reference", &[("id", &outcome.id)]),
    }
}
