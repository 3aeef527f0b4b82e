//! Property tests of the honesty rules over generated configs and random click
//! sequences: from every reachable state cancelling takes at most two clicks, nothing is
//! decided without an explicit accept/link/confirm click, nothing is pre-checked, a
//! decision is final, and the outcome records exactly the offers shown.

use cancel_flow::core::config::{Config, Effective, OfferKind};
use cancel_flow::core::config_parse::{parse_config, Overrides};
use cancel_flow::core::date::Ymd;
use cancel_flow::core::flow::{Action, Decision, Flow, Step};
use cancel_flow::core::outcome::{Context, Outcome, OutcomeResult};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;

fn base() -> Value {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/meal-box.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

const KEYS: [&str; 5] = ["pause", "downgrade", "frequency", "discount", "links"];

/// A generated config: which offers exist, direct or guided, survey or not, and per
/// reason an offers list (absent, empty, or a subset of what is configured).
fn config_strategy() -> impl Strategy<Value = Config> {
    (
        proptest::collection::vec(any::<bool>(), 5),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec((0u8..3, proptest::collection::vec(0usize..5, 0..4)), 5),
    )
        .prop_map(|(present, direct, survey, keep, both, reason_offers)| {
            let mut v = base();
            let configured: Vec<&str> = KEYS.iter().zip(&present).filter(|(_, p)| **p).map(|(k, _)| *k).collect();
            for (k, p) in KEYS.iter().zip(&present) {
                if !p {
                    v["offers"].as_object_mut().unwrap().remove(*k);
                }
            }
            v["flow"] = json!(if direct { "direct" } else { "guided" });
            v["keep_in_touch"]["enabled"] = json!(keep);
            if both {
                v["cancel"]["effective"] = json!(["immediately", "period_end"]);
            }
            if survey {
                for (i, (mode, picks)) in reason_offers.into_iter().enumerate() {
                    let r = &mut v["survey"]["reasons"][i];
                    match mode {
                        0 => {
                            r.as_object_mut().unwrap().remove("offers");
                        }
                        1 => r["offers"] = json!([]),
                        _ => {
                            let mut list: Vec<&str> = Vec::new();
                            for p in picks {
                                if let Some(k) = configured.get(p % configured.len().max(1)) {
                                    if !list.contains(k) {
                                        list.push(k);
                                    }
                                }
                            }
                            r["offers"] = json!(list);
                        }
                    }
                }
            } else {
                v.as_object_mut().unwrap().remove("survey");
            }
            parse_config(&v.to_string(), &Overrides::default()).expect("generated config is valid").config
        })
}

fn action_strategy() -> impl Strategy<Value = (u8, u8, bool)> {
    (0u8..14, any::<u8>(), any::<bool>())
}

fn concrete(c: &Config, (kind, pick, flag): (u8, u8, bool)) -> Action {
    let offer = OfferKind::ALL[pick as usize % 5];
    let reasons: Vec<String> = c.survey.iter().flat_map(|s| s.reasons.iter().map(|r| r.id.clone())).collect();
    let values: Vec<String> = match offer {
        OfferKind::Pause => c.offers.pause.iter().flatten().map(|s| s.value()).collect(),
        OfferKind::Downgrade => c.offers.downgrade.iter().flatten().map(|t| t.id.clone()).collect(),
        OfferKind::Frequency => c.offers.frequency.iter().flatten().map(|d| d.value()).collect(),
        _ => vec!["x".into()],
    };
    let pick_of = |v: &[String]| v.get(pick as usize % v.len().max(1)).cloned().unwrap_or_default();
    match kind {
        0 => Action::ChooseReason(pick_of(&reasons)),
        1 => Action::SetComment(format!("comment {pick}")),
        2 => Action::Next,
        3 => Action::Skip,
        4 => Action::Cancel,
        5 => Action::Back,
        6 => Action::ChooseOption(offer, pick_of(&values)),
        7 => Action::Accept(offer),
        8 => Action::Decline(offer),
        9 => Action::FollowLink(if flag { "support".into() } else { "nope".into() }),
        10 => Action::ChooseEffective(if flag { Effective::Immediately } else { Effective::PeriodEnd }),
        11 => Action::SetKeepInTouch(flag),
        12 => Action::Confirm,
        _ => Action::ChooseReason("unknown-reason".into()),
    }
}

fn ctx() -> Context {
    Context {
        id: "00000000-0000-4000-8000-000000000000".into(),
        created_at: "2026-11-25T10:00:00.000Z".into(),
        today: Ymd::parse("2026-11-25").unwrap(),
        locale: "en".into(),
        elapsed_ms: 1,
    }
}

/// Clicks needed to reach a recorded cancellation from here, by the cancel controls.
fn clicks_to_cancel(f: &Flow) -> Option<usize> {
    let mut g = f.clone();
    let mut clicks = 0;
    if g.step() != Step::Confirm {
        if !g.apply(Action::Cancel) {
            return None;
        }
        clicks += 1;
    }
    if !g.apply(Action::Confirm) {
        return None;
    }
    clicks += 1;
    matches!(g.decision(), Some(Decision::Cancelled(_))).then_some(clicks)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn honesty_rules_hold(config in config_strategy(), seed in any::<u64>(), script in proptest::collection::vec(action_strategy(), 0..25)) {
        let config = Arc::new(config);
        let mut flow = Flow::new(config.clone(), seed);
        prop_assert!(!flow.keep_in_touch(), "keep-in-touch starts unticked");
        prop_assert_eq!(flow.effective(), config.cancel.effective[0]);
        let mut ticked = false;
        for raw in script {
            // Rule 1: from every undecided state, cancel takes at most two clicks.
            if flow.decision().is_none() {
                let n = clicks_to_cancel(&flow);
                prop_assert!(matches!(n, Some(1) | Some(2)), "cancel unreachable from {:?}", flow.step());
                prop_assert_eq!(flow.shows_cancel(), matches!(flow.step(), Step::Survey | Step::Offers));
            }
            let action = concrete(&config, raw);
            let before = flow.decision().cloned();
            let changed = flow.apply(action.clone());
            if let Action::SetKeepInTouch(on) = action {
                if changed { ticked = on; }
            }
            match (&before, flow.decision()) {
                (None, Some(d)) => {
                    // Nothing is recorded without an explicit click on accept, a link or confirm.
                    let explicit = matches!(action, Action::Accept(_) | Action::FollowLink(_) | Action::Confirm);
                    prop_assert!(explicit, "{:?} decided {:?}", action, d);
                    if matches!(d, Decision::Cancelled(_)) { prop_assert_eq!(&action, &Action::Confirm); }
                    prop_assert_eq!(flow.step(), Step::Loading);
                }
                (Some(a), Some(b)) => { prop_assert_eq!(a, b); prop_assert!(!changed, "a decision is final"); }
                (Some(_), None) => prop_assert!(false, "a decision was undone"),
                (None, None) => prop_assert!(flow.step() != Step::Loading),
            }
            prop_assert_eq!(flow.keep_in_touch(), ticked && config.keep_in_touch);
            // Only configured offers are shown; a reason's list keeps its order.
            let shown = flow.shown_offers().to_vec();
            prop_assert!(shown.iter().all(|k| config.offers.has(*k)));
            if let Some(list) = flow.reason().and_then(|r| config.reason(r)).and_then(|r| r.offers.clone()) {
                if flow.step() == Step::Offers { prop_assert_eq!(&shown, &list); }
            }
        }
        // The outcome records every offer shown, in order, and at most one accepted.
        let out = Outcome::of(&flow, &ctx());
        let kinds: Vec<OfferKind> = out.offers.iter().map(|o| o.kind).collect();
        prop_assert_eq!(kinds, flow.shown_offers().to_vec());
        prop_assert!(out.offers.iter().filter(|o| o.accepted).count() <= 1);
        prop_assert_eq!(out.keep_in_touch, flow.keep_in_touch());
        match flow.decision() {
            None => { prop_assert_eq!(&out.result, &OutcomeResult::Abandoned); prop_assert!(!out.steps.contains(&Step::Done)); }
            Some(_) => prop_assert_eq!(out.steps.last(), Some(&Step::Done)),
        }
        prop_assert!(!out.steps.contains(&Step::Loading));
    }

    #[test]
    fn reasons_shuffle_but_pinned_stays_last(seed in any::<u64>()) {
        let mut v = base();
        v["survey"]["randomize"] = json!(true);
        let c = parse_config(&v.to_string(), &Overrides::default()).unwrap().config;
        let order = cancel_flow::core::flow::reason_order(&c, seed);
        let mut sorted = order.clone();
        sorted.sort();
        prop_assert_eq!(sorted, (0..c.survey.as_ref().unwrap().reasons.len()).collect::<Vec<_>>());
        prop_assert_eq!(*order.last().unwrap(), 4, "the pinned reason stays last");
    }
}

#[test]
fn double_confirm_decides_once() {
    let c = Arc::new(parse_config(&base().to_string(), &Overrides::default()).unwrap().config);
    let mut f = Flow::new(c, 1);
    assert!(f.apply(Action::Cancel));
    assert!(f.apply(Action::Confirm));
    assert!(!f.apply(Action::Confirm));
    assert!(!f.apply(Action::Accept(OfferKind::Pause)));
    assert_eq!(f.decision(), Some(&Decision::Cancelled(Effective::PeriodEnd)));
}

#[test]
fn reason_with_empty_offers_goes_straight_to_confirm() {
    let mut v = base();
    v["survey"]["reasons"][2]["offers"] = json!([]);
    let c = Arc::new(parse_config(&v.to_string(), &Overrides::default()).unwrap().config);
    let mut f = Flow::new(c, 1);
    f.apply(Action::ChooseReason("away".into()));
    f.apply(Action::Next);
    assert_eq!(f.step(), Step::Confirm);
    assert_eq!(f.path(), &[Step::Survey, Step::Confirm]);
}

#[test]
fn declining_every_offer_leads_to_confirm() {
    let c = Arc::new(parse_config(&base().to_string(), &Overrides::default()).unwrap().config);
    let mut f = Flow::new(c, 1);
    f.apply(Action::ChooseReason("too_much".into()));
    f.apply(Action::Next);
    assert_eq!(f.shown_offers(), &[OfferKind::Frequency, OfferKind::Pause]);
    f.apply(Action::Decline(OfferKind::Frequency));
    assert_eq!(f.step(), Step::Offers);
    f.apply(Action::Decline(OfferKind::Pause));
    assert_eq!(f.step(), Step::Confirm);
    assert!(f.can_go_back());
}

#[test]
fn accept_without_choosing_asks_for_a_choice() {
    let c = Arc::new(parse_config(&base().to_string(), &Overrides::default()).unwrap().config);
    let mut f = Flow::new(c, 1);
    f.apply(Action::Skip);
    assert!(f.apply(Action::Accept(OfferKind::Pause)));
    assert_eq!(f.decision(), None);
    assert_eq!(f.hint(), Some(OfferKind::Pause));
    // A single-option offer needs no choice.
    assert!(f.apply(Action::Accept(OfferKind::Downgrade)));
    assert_eq!(f.decision(), Some(&Decision::Downgraded("couple".into())));
}
