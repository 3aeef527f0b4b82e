//! The exit survey step: an optional question, reasons as a radio group (shuffled per
//! person when configured, pinned last), an optional comment, Continue and Skip.

use super::button::{button, Press};
use super::choice::Choice;
use super::state::Ui;
use super::Title;
use crate::core::flow::Action;
use leptos::prelude::*;

/// The reasons radio group and the comment box (also used inside the direct flow's
/// confirm step).
#[component]
pub fn ReasonFields(labelled_by: &'static str) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let Some(survey) = ui.config.survey.clone() else { return ().into_any() };
    let flow = ui.flow;
    let act = ui.act;
    let order = flow.with_untracked(|f| f.reason_order().to_vec());
    let chosen = flow.with_untracked(|f| f.reason().map(str::to_string));
    let reasons = order
        .into_iter()
        .map(|i| {
            let r = &survey.reasons[i];
            let id = r.id.clone();
            let checked = chosen.as_deref() == Some(id.as_str());
            let label = ui.msgs.text(&r.label).to_string();
            view! {
                <Choice part="reason" reason=true name="cf-reason".to_string() value=id.clone() checked
                    on_choose=Callback::new(move |_| act.run(Action::ChooseReason(id.clone())))>
                    {label}
                </Choice>
            }
        })
        .collect_view();
    let cfg = ui.config.clone();
    let wants_comment = move || flow.with(|f| f.reason().and_then(|id| cfg.reason(id)).is_some_and(|r| r.comment));
    let comment_label = ui.msgs.t("survey.comment", &[]);
    view! {
        <div role="radiogroup" aria-labelledby=labelled_by class="choices">{reasons}</div>
        <Show when=wants_comment.clone()>
            <label class="field">
                <span>{comment_label.clone()}</span>
                <textarea
                    part="comment"
                    rows="3"
                    maxlength="2000"
                    prop:value=move || flow.with_untracked(|f| f.comment().to_string())
                    on:input=move |ev| act.run(Action::SetComment(event_target_value(&ev)))
                ></textarea>
            </label>
        </Show>
    }
    .into_any()
}

/// The survey step.
#[component]
pub fn Survey() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let question = ui
        .config
        .survey
        .as_ref()
        .and_then(|s| s.question.as_ref())
        .map(|q| ui.msgs.text(q).to_string())
        .unwrap_or_else(|| ui.msgs.t("survey.question", &[]));
    view! {
        <Title text=question />
        <p class="hint">{ui.msgs.t("survey.hint", &[])}</p>
        <ReasonFields labelled_by=super::TITLE_ID />
        <div class="actions">
            {button(&ui, "next", "primary", ui.msgs.t("survey.next", &[]), Press::Act(Action::Next))}
            {button(&ui, "skip", "secondary", ui.msgs.t("survey.skip", &[]), Press::Act(Action::Skip))}
        </div>
    }
}
