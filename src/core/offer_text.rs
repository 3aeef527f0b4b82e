//! What one offer card says: its title, what it means, each option's facts (resume
//! date, new price, what is included and what is lost) and the accept label. Pure, so
//! the wording is tested natively and the view only lays it out.

use super::config::{Config, OfferKind};
use super::date::Ymd;
use super::i18n::{Formats, Words};

/// One choice inside an offer: a radio card, or a link for `link` offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionText {
    /// `data-value` (and the radio's value, or the link id).
    pub value: String,
    /// The main line (or the link's label).
    pub main: String,
    /// The tier's price.
    pub price: Option<String>,
    /// The tier's features (`Some` for downgrade tiers, even when empty).
    pub features: Option<Vec<String>>,
    /// A smaller line below: the resume date, or what a tier loses.
    pub sub: Option<String>,
    /// Whether `sub` says what is lost (styled apart).
    pub loses: bool,
    /// The address, for a link.
    pub url: Option<String>,
}

/// An offer card's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferText {
    /// Heading.
    pub title: String,
    /// What it means, or what the person has now.
    pub body: Option<String>,
    /// The choices.
    pub options: Vec<OptionText>,
    /// The accept button; `None` for links (each link is its own accept).
    pub accept: Option<String>,
}

fn option(value: String, main: String) -> OptionText {
    OptionText { value, main, price: None, features: None, sub: None, loses: false, url: None }
}

/// The words of the `kind` offer for `config`, with dates counted from `today`.
pub fn offer_text<F: Formats + ?Sized>(w: &Words<'_, F>, config: &Config, kind: OfferKind, today: Ymd) -> OfferText {
    let o = &config.offers;
    let text = |t| w.msgs.text(t).to_string();
    let (body, options) = match kind {
        OfferKind::Pause => {
            let options = o.pause.iter().flatten().map(|&s| OptionText {
                sub: Some(w.ta("offer.pause.resume", &[("date", &w.date(today.add(s)))])),
                ..option(s.value(), w.span(s))
            });
            (Some(w.t("offer.pause.body")), options.collect())
        }
        OfferKind::Downgrade => {
            let now = config.plan.price.as_ref().map(|p| w.ta("offer.downgrade.now", &[("price", &w.price(p))]));
            let options = o.downgrade.iter().flatten().map(|t| {
                let loses: Vec<String> = t.loses.iter().map(text).collect();
                OptionText {
                    price: t.price.as_ref().map(|p| w.price(p)),
                    features: Some(t.features.iter().map(text).collect()),
                    sub: (!loses.is_empty()).then(|| w.ta("offer.downgrade.loses", &[("items", &loses.join(", "))])),
                    loses: true,
                    ..option(t.id.clone(), text(&t.name))
                }
            });
            (now, options.collect())
        }
        OfferKind::Frequency => {
            let now = config.plan.deliveries.map(|d| w.ta("offer.frequency.now", &[("deliveries", &w.deliveries(d))]));
            (now, o.frequency.iter().flatten().map(|&d| option(d.value(), w.deliveries(d))).collect())
        }
        OfferKind::Discount => (o.discount.as_ref().map(|d| w.discount(&d.amount, d.months)), Vec::new()),
        OfferKind::Link => {
            let links = o
                .links
                .iter()
                .flatten()
                .map(|l| OptionText { url: Some(l.url.clone()), ..option(l.id.clone(), text(&l.label)) });
            (Some(w.t("offer.link.body")), links.collect())
        }
    };
    let key = kind.as_str();
    OfferText {
        title: w.t(&["offer.", key, ".title"].concat()),
        body,
        options,
        accept: (kind != OfferKind::Link).then(|| w.t(&["offer.", key, ".accept"].concat())),
    }
}
