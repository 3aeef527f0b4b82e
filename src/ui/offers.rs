//! The offers step: one card per offer matched to the reason, in order. Every card has
//! an accept and a decline of equal size and weight; options are radio cards with the
//! facts a person needs (resume date, new price, what changes), worded by
//! `core::offer_text`.

use super::button::{button, Press};
use super::choice::Choice;
use super::state::Ui;
use super::Title;
use crate::core::config::OfferKind;
use crate::core::flow::Action;
use crate::core::offer_text::{offer_text, OptionText};
use leptos::prelude::*;

/// The offers step.
#[component]
pub fn Offers() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let shown = ui.flow.with_untracked(|f| f.shown_offers().to_vec());
    view! {
        <Title text=ui.msgs.t("offers.title", &[]) />
        <p class="hint">{ui.msgs.t("offers.hint", &[])}</p>
        <div class="offers">{shown.into_iter().map(|kind| view! { <OfferCard kind /> }).collect_view()}</div>
    }
}

/// The facts of one option, inside its radio card.
fn option_content(o: OptionText) -> impl IntoView {
    let sub_class = if o.loses { "option-sub loses" } else { "option-sub" };
    view! {
        <span class="option-main">{o.main}</span>
        {o.price.map(|p| view! { <span class="option-price">{p}</span> })}
        {o.features.map(|f| view! { <ul class="features">{f.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul> })}
        {o.sub.map(|s| view! { <span class=sub_class>{s}</span> })}
    }
}

/// One offer: title, what it means, options, accept and decline.
#[component]
pub fn OfferCard(kind: OfferKind) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let text = offer_text(&ui.words(), &ui.config, kind, (ui.today)());
    let (flow, act) = (ui.flow, ui.act);
    let title_id = ["cf-offer-", kind.as_str()].concat();
    let chosen = flow.with_untracked(|f| f.option(kind).map(str::to_string));
    let options = if kind == OfferKind::Link {
        let links = text.options.into_iter().map(|o| {
            let id = o.value.clone();
            view! {
                <a part="option accept" class="primary link-offer" data-value=o.value href=o.url target="_blank" rel="noopener noreferrer"
                    on:click=move |_| act.run(Action::FollowLink(id.clone()))>
                    {o.main}
                </a>
            }
        });
        view! { <div class="links">{links.collect_view()}</div> }.into_any()
    } else if text.options.is_empty() {
        view! { <div class="links"></div> }.into_any()
    } else {
        let name = title_id.clone();
        let group = name.clone();
        let cards = text.options.into_iter().map(|o| {
            let value = o.value.clone();
            let checked = chosen.as_deref() == Some(value.as_str());
            view! {
                <Choice part="option" name=name.clone() value=value.clone() checked
                    on_choose=Callback::new(move |_| act.run(Action::ChooseOption(kind, value.clone())))>
                    {option_content(o)}
                </Choice>
            }
        });
        view! { <div role="radiogroup" aria-labelledby=group class="choices">{cards.collect_view()}</div> }.into_any()
    };
    let (choose, decline) = (ui.msgs.t("offer.choose", &[]), ui.msgs.t("offer.decline", &[]));
    let accept = text.accept.map(|label| button(&ui, "accept", "primary", label, Press::Act(Action::Accept(kind))));
    let labelled_by = title_id.clone();
    view! {
        <section part="offer" class="card offer" data-offer=kind.as_str() aria-labelledby=labelled_by
            hidden=move || flow.with(|f| f.is_declined(kind))>
            <h3 id=title_id class="offer-title">{text.title}</h3>
            {text.body.map(|b| view! { <p class="offer-body">{b}</p> })}
            {options}
            <Show when=move || flow.with(|f| f.hint() == Some(kind))>
                <p class="hint-alert" role="alert">{choose.clone()}</p>
            </Show>
            <div class="actions">
                {accept}
                {button(&ui, "decline", "secondary", decline, Press::Act(Action::Decline(kind)))}
            </div>
        </section>
    }
}
