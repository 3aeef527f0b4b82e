//! Reason presets (contract 1.1, section 3): `{ "preset": "too_expensive" }` is a whole
//! survey reason (its id, its label in every built-in language through the catalog key
//! `reason.<id>`, its default offers and its Stripe `feedback` value), and Stripe's
//! `cancellation_details.feedback` values a reason may carry.

use super::config::OfferKind::{self, Discount, Downgrade, Frequency, Link, Pause};
use super::reader::ConfigError;

/// Stripe's `cancellation_details.feedback` values, sent as `survey.feedback`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Feedback {
    /// Customer service was less than expected.
    CustomerService,
    /// Quality was less than expected.
    LowQuality,
    /// Some features are missing.
    MissingFeatures,
    /// Other reason.
    Other,
    /// I'm switching to a different service.
    SwitchedService,
    /// Ease of use was less than expected.
    TooComplex,
    /// It's too expensive.
    TooExpensive,
    /// I don't use the service enough.
    Unused,
}

impl Feedback {
    /// Every value, in Stripe's (alphabetical) order.
    pub const ALL: [Feedback; 8] = [
        Feedback::CustomerService,
        Feedback::LowQuality,
        Feedback::MissingFeatures,
        Feedback::Other,
        Feedback::SwitchedService,
        Feedback::TooComplex,
        Feedback::TooExpensive,
        Feedback::Unused,
    ];

    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Feedback::CustomerService => "customer_service",
            Feedback::LowQuality => "low_quality",
            Feedback::MissingFeatures => "missing_features",
            Feedback::Other => "other",
            Feedback::SwitchedService => "switched_service",
            Feedback::TooComplex => "too_complex",
            Feedback::TooExpensive => "too_expensive",
            Feedback::Unused => "unused",
        }
    }

    /// Reads a wire value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// Reads the value at `path` (a reason's or an outcome's `feedback`), or says which
    /// values there are.
    pub fn read(s: &str, path: impl Into<String>) -> Result<Self, ConfigError> {
        Self::parse(s).ok_or_else(|| {
            ConfigError::new(
                path,
                format!(
                    "\"{s}\" is not one of Stripe's values; use customer_service, low_quality, \
                     missing_features, other, switched_service, too_complex, too_expensive or unused"
                ),
            )
        })
    }
}

/// One preset reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// The preset's name, which is also the reason id it gives.
    pub id: &'static str,
    /// The catalog key of its label.
    pub label_key: &'static str,
    /// Stripe's value for it.
    pub feedback: Feedback,
    /// Offers in order (those the shop configured are shown); `None`: every configured offer.
    pub offers: Option<&'static [OfferKind]>,
    /// An optional comment box.
    pub comment: bool,
    /// Stays last when reasons are shuffled.
    pub pinned: bool,
}

const fn preset(id: &'static str, label_key: &'static str, feedback: Feedback, offers: &'static [OfferKind]) -> Preset {
    Preset { id, label_key, feedback, offers: Some(offers), comment: false, pinned: false }
}

/// The presets, in the contract's order.
pub const PRESETS: [Preset; 11] = [
    preset("too_expensive", "reason.too_expensive", Feedback::TooExpensive, &[Downgrade, Frequency, Discount, Pause]),
    preset("not_using_enough", "reason.not_using_enough", Feedback::Unused, &[Frequency, Pause, Downgrade]),
    preset("too_much", "reason.too_much", Feedback::Unused, &[Frequency, Pause]),
    preset("away", "reason.away", Feedback::Other, &[Pause]),
    preset("missing_features", "reason.missing_features", Feedback::MissingFeatures, &[Link]),
    preset("too_complex", "reason.too_complex", Feedback::TooComplex, &[Link]),
    preset("quality", "reason.quality", Feedback::LowQuality, &[Link]),
    preset("service", "reason.service", Feedback::CustomerService, &[Link]),
    preset("switched", "reason.switched", Feedback::SwitchedService, &[Discount]),
    preset("moving", "reason.moving", Feedback::Other, &[]),
    Preset {
        id: "other",
        label_key: "reason.other",
        feedback: Feedback::Other,
        offers: None,
        comment: true,
        pinned: true,
    },
];

/// The preset named `name`.
pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == name)
}

/// The preset names, for error messages ("use too_expensive, not_using_enough, ...").
pub fn names() -> String {
    let mut s = String::new();
    for (i, p) in PRESETS.iter().enumerate() {
        if i > 0 {
            s.push_str(if i + 1 == PRESETS.len() { " or " } else { ", " });
        }
        s.push_str(p.id);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_keys_follow_the_ids() {
        for p in PRESETS {
            assert_eq!(p.label_key, format!("reason.{}", p.id));
        }
        assert!(names().starts_with("too_expensive, not_using_enough, "));
        assert!(names().ends_with("moving or other"));
    }

    #[test]
    fn feedback_round_trips() {
        for f in Feedback::ALL {
            assert_eq!(Feedback::parse(f.as_str()), Some(f));
            assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{}\"", f.as_str()));
        }
        assert_eq!(Feedback::parse("cheap"), None);
    }
}
