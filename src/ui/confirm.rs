//! The confirm step: when it ends, the keep-in-touch opt-in (never pre-checked), the
//! confirm button, and Back. In the direct flow the survey sits here as optional fields
//! and the offers as secondary choices below the button.

use super::button::{button, Press};
use super::choice::Choice;
use super::offers::OfferCard;
use super::state::Ui;
use super::survey::ReasonFields;
use super::Title;
use crate::core::config::{Effective, FlowKind};
use crate::core::flow::Action;
use crate::core::outcome::effective_on;
use leptos::prelude::*;

/// The confirm step.
#[component]
pub fn Confirm() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let (flow, act) = (ui.flow, ui.act);
    let cfg = ui.config.clone();
    let w = ui.words();
    let direct = cfg.flow == FlowKind::Direct;
    let plan = cfg.plan.name.as_ref().map(|n| w.ta("confirm.plan", &[("plan", ui.msgs.text(n))]));
    let today = (ui.today)();
    let effective = cfg
        .cancel
        .effective
        .iter()
        .map(|&e| {
            let label = match (e, effective_on(&cfg, e, today)) {
                (Effective::PeriodEnd, Some(d)) => w.ta("confirm.period_end_on", &[("date", &w.date(d))]),
                (Effective::PeriodEnd, None) => w.t("confirm.period_end"),
                (Effective::Immediately, _) => w.ta("confirm.immediately", &[("date", &w.date(today))]),
            };
            let checked = flow.with_untracked(|f| f.effective() == e);
            view! {
                <Choice part="effective" name="cf-effective".to_string() value=e.as_str().to_string() checked
                    on_choose=Callback::new(move |_| act.run(Action::ChooseEffective(e)))>
                    {label}
                </Choice>
            }
        })
        .collect_view();
    let keep = cfg.keep_in_touch.then(|| {
        view! {
            <label part="keep-in-touch" class="check">
                <input
                    type="checkbox"
                    prop:checked=flow.with_untracked(|f| f.keep_in_touch())
                    on:change=move |ev| act.run(Action::SetKeepInTouch(event_target_checked(&ev)))
                />
                <span>{w.t("confirm.keep_in_touch")}</span>
            </label>
        }
    });
    let survey = (direct && cfg.survey.is_some()).then(|| {
        view! {
            <fieldset class="group">
                <legend id="cf-why">{w.t("confirm.survey")}</legend>
                <ReasonFields labelled_by="cf-why" />
            </fieldset>
        }
    });
    let shown = flow.with_untracked(|f| f.shown_offers().to_vec());
    let alternatives = (direct && !shown.is_empty()).then(|| {
        view! {
            <section class="alternatives">
                <h3 class="alt-title">{w.t("confirm.alternatives")}</h3>
                {shown.into_iter().map(|kind| view! { <OfferCard kind /> }).collect_view()}
            </section>
        }
    });
    let back_label = w.t("confirm.back");
    let can_go_back = flow.with_untracked(|f| f.can_go_back());
    view! {
        <Title text=w.t("confirm.title") />
        {plan.map(|p| view! { <p class="plan">{p}</p> })}
        {survey}
        <fieldset class="group">
            <legend id="cf-when">{w.t("confirm.when")}</legend>
            <div role="radiogroup" aria-labelledby="cf-when" class="choices">{effective}</div>
        </fieldset>
        {keep}
        <div class="actions">
            {button(&ui, "confirm", "primary", w.t("confirm.confirm"), Press::Act(Action::Confirm))}
            {can_go_back.then(|| button(&ui, "back", "secondary", back_label, Press::Act(Action::Back)))}
        </div>
        {alternatives}
    }
}
