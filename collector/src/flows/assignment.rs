//! Section 8's assignment: a customer's bucket from SHA-256, and the group it falls in
//! (the holdout or a variant) by integer arithmetic only, so every collector, language and
//! platform agrees.

use super::experiment::Experiment;
use sha2::{Digest, Sha256};
use std::fmt;

/// `u mod 10000`, where `u` is the first 8 bytes (big-endian) of SHA-256 over the UTF-8 text
/// `<experiment id>/<customer id>`.
pub fn bucket(experiment_id: &str, customer_id: &str) -> u16 {
    let mut hash = Sha256::new();
    hash.update(experiment_id.as_bytes());
    hash.update(b"/");
    hash.update(customer_id.as_bytes());
    let digest = hash.finalize();
    let first: [u8; 8] = digest[..8].try_into().expect("SHA-256 has 32 bytes");
    (u64::from_be_bytes(first) % 10_000) as u16
}

/// The group a customer is in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Group {
    /// Sees the survey but no offers.
    Holdout,
    /// The variant with this id.
    Variant(String),
}

impl Group {
    /// `holdout`, or the variant's id: the text stored and served.
    pub fn as_str(&self) -> &str {
        match self {
            Group::Holdout => "holdout",
            Group::Variant(id) => id,
        }
    }

    /// The group of its stored text (no variant may be called `holdout`).
    pub fn parse(text: &str) -> Group {
        match text {
            "holdout" => Group::Holdout,
            id => Group::Variant(id.to_string()),
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Experiment {
    /// The customer's group: with `H = round(holdout × 10000)` and `b` the bucket, the
    /// holdout when `b < H`; else, with `r = b − H` and `R = 10000 − H`, the first variant
    /// `i` with `r × W < R × (w1 + … + wi)`.
    pub fn assign(&self, customer_id: &str) -> Group {
        let b = u64::from(bucket(&self.id, customer_id));
        let h = (self.holdout * 10_000.0).round() as u64;
        if b < h {
            return Group::Holdout;
        }
        let (r, range) = (b - h, 10_000 - h);
        let total: u64 = self.variants.iter().map(|v| u64::from(v.weight)).sum();
        let mut upto = 0u64;
        for v in &self.variants {
            upto += u64::from(v.weight);
            if r * total < range * upto {
                return Group::Variant(v.id.clone());
            }
        }
        // Unreachable for a read experiment (r < R, so the last variant always matches);
        // an experiment built by hand without variants lands in the holdout.
        self.variants.last().map_or(Group::Holdout, |v| Group::Variant(v.id.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::experiment::Variant;

    fn winter() -> Experiment {
        let v = |id: &str| Variant { id: id.into(), weight: 1, patch: None };
        Experiment {
            id: "winter-offers".into(),
            holdout: 0.1,
            variants: vec![v("a"), v("b")],
            baseline: 0.5,
            mde: 0.05,
        }
    }

    /// The contract's table (section 8).
    #[test]
    fn the_contract_table() {
        let e = winter();
        for (customer, b, group) in [
            ("cus_1", 3858, "a"),
            ("cus_3", 8812, "b"),
            ("cus_6", 281, "holdout"),
            ("cus_ÁRVÍZTŰRŐ", 7180, "b"),
            ("კლიენტი_7", 6449, "b"),
        ] {
            assert_eq!(bucket("winter-offers", customer), b, "{customer}");
            assert_eq!(e.assign(customer).as_str(), group, "{customer}");
        }
    }

    #[test]
    fn groups_round_trip_through_their_text() {
        assert_eq!(Group::parse("holdout"), Group::Holdout);
        assert_eq!(Group::parse("b"), Group::Variant("b".into()));
        assert_eq!(Group::Variant("b".into()).to_string(), "b");
        assert_eq!(Group::parse(Group::Holdout.as_str()), Group::Holdout);
    }

    #[test]
    fn integer_boundaries() {
        // Holdout 0: nobody is held out; weights 1 and 3 split r at 2500.
        let mut e = winter();
        e.holdout = 0.0;
        e.variants[1].weight = 3;
        let mut seen = [0u32; 2];
        for i in 0..4000 {
            match e.assign(&format!("c{i}")) {
                Group::Variant(id) if id == "a" => seen[0] += 1,
                Group::Variant(_) => seen[1] += 1,
                Group::Holdout => panic!("no holdout at 0"),
            }
        }
        assert!((800..1200).contains(&seen[0]), "{seen:?}");
        // Holdout 0.5 (the most allowed): H = 5000.
        e.holdout = 0.5;
        let held = (0..4000).filter(|i| e.assign(&format!("c{i}")) == Group::Holdout).count();
        assert!((1800..2200).contains(&held), "{held}");
    }
}
