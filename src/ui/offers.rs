//! The offers step: one card per offer matched to the reason, in order. Every card has
//! an accept and a decline of equal size and weight; options are radio cards with the
//! facts a person needs (resume date, new price, what changes).

use super::choice::Choice;
use super::Title;
use crate::core::config::OfferKind;
use crate::core::flow::Action;
use crate::web::controller::Ui;
use crate::web::env;
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

/// An option's radio card inside an offer.
fn option_card(ui: &Ui, kind: OfferKind, value: String, content: AnyView) -> impl IntoView {
    let flow = ui.flow;
    let act = ui.act;
    let v = value.clone();
    let v2 = value.clone();
    view! {
        <Choice
            part="option"
            name=format!("cf-offer-{}", kind.as_str())
            value=value
            checked=Signal::derive(move || flow.with(|f| f.option(kind) == Some(v.as_str())))
            on_choose=Callback::new(move |_| act.run(Action::ChooseOption(kind, v2.clone())))
        >
            {content}
        </Choice>
    }
}

/// The options of an offer and its accept label.
fn offer_body(ui: &Ui, kind: OfferKind) -> (String, Option<String>, Vec<AnyView>, String) {
    let w = ui.words();
    let cfg = &ui.config;
    let o = &cfg.offers;
    let today = env::today();
    match kind {
        OfferKind::Pause => {
            let opts = o.pause.clone().unwrap_or_default().into_iter().map(|s| {
                let content = view! {
                    <span class="option-main">{w.span(s)}</span>
                    <span class="option-sub">{w.ta("offer.pause.resume", &[("date", &w.date(today.add(s)))])}</span>
                }.into_any();
                option_card(ui, kind, s.value(), content).into_any()
            }).collect();
            (w.t("offer.pause.title"), Some(w.t("offer.pause.body")), opts, w.t("offer.pause.accept"))
        }
        OfferKind::Downgrade => {
            let now = cfg.plan.price.as_ref().map(|p| w.ta("offer.downgrade.now", &[("price", &w.price(p))]));
            let opts = o.downgrade.clone().unwrap_or_default().into_iter().map(|t| {
                let name = ui.msgs.text(&t.name).to_string();
                let price = t.price.as_ref().map(|p| w.price(p));
                let features: Vec<String> = t.features.iter().map(|f| ui.msgs.text(f).to_string()).collect();
                let loses: Vec<String> = t.loses.iter().map(|f| ui.msgs.text(f).to_string()).collect();
                let loses_line = (!loses.is_empty()).then(|| w.ta("offer.downgrade.loses", &[("items", &loses.join(", "))]));
                let content = view! {
                    <span class="option-main">{name}</span>
                    {price.map(|p| view! { <span class="option-price">{p}</span> })}
                    <ul class="features">{features.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
                    {loses_line.map(|l| view! { <span class="option-sub loses">{l}</span> })}
                }.into_any();
                option_card(ui, kind, t.id.clone(), content).into_any()
            }).collect();
            (w.t("offer.downgrade.title"), now, opts, w.t("offer.downgrade.accept"))
        }
        OfferKind::Frequency => {
            let now = cfg.plan.deliveries.map(|d| w.ta("offer.frequency.now", &[("deliveries", &w.deliveries(d))]));
            let opts = o.frequency.clone().unwrap_or_default().into_iter().map(|d| {
                let content = view! { <span class="option-main">{w.deliveries(d)}</span> }.into_any();
                option_card(ui, kind, d.value(), content).into_any()
            }).collect();
            (w.t("offer.frequency.title"), now, opts, w.t("offer.frequency.accept"))
        }
        OfferKind::Discount => {
            let d = o.discount.clone();
            let body = d.as_ref().map(|d| w.discount(&d.amount, d.months));
            (w.t("offer.discount.title"), body, Vec::new(), w.t("offer.discount.accept"))
        }
        OfferKind::Link => {
            let act = ui.act;
            let links = o.links.clone().unwrap_or_default().into_iter().map(|l| {
                let id = l.id.clone();
                view! {
                    <a part="option accept" class="primary link-offer" data-value=l.id.clone() href=l.url.clone() target="_blank" rel="noopener noreferrer"
                        on:click=move |_| act.run(Action::FollowLink(id.clone()))>
                        {ui.msgs.text(&l.label).to_string()}
                    </a>
                }.into_any()
            }).collect();
            (w.t("offer.link.title"), Some(w.t("offer.link.body")), links, String::new())
        }
    }
}

/// One offer: title, what it means, options, accept and decline.
#[component]
pub fn OfferCard(kind: OfferKind) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let (title, body, options, accept) = offer_body(&ui, kind);
    let flow = ui.flow;
    let act = ui.act;
    let title_id = format!("cf-offer-{}", kind.as_str());
    let has_options = !options.is_empty() && kind != OfferKind::Link;
    let options_view = if has_options {
        view! { <div role="radiogroup" aria-labelledby=title_id.clone() class="choices">{options}</div> }.into_any()
    } else {
        view! { <div class="links">{options}</div> }.into_any()
    };
    let choose = ui.msgs.t("offer.choose", &[]);
    let decline = ui.msgs.t("offer.decline", &[]);
    let accept_button = (kind != OfferKind::Link).then(|| {
        view! { <button type="button" part="accept" class="primary" on:click=move |_| act.run(Action::Accept(kind))>{accept}</button> }
    });
    view! {
        <section part="offer" class="card offer" data-offer=kind.as_str() aria-labelledby=title_id.clone()
            hidden=move || flow.with(|f| f.is_declined(kind))>
            <h3 id=title_id.clone() class="offer-title">{title}</h3>
            {body.map(|b| view! { <p class="offer-body">{b}</p> })}
            {options_view}
            <Show when=move || flow.with(|f| f.hint() == Some(kind))>
                <p class="hint-alert" role="alert">{choose.clone()}</p>
            </Show>
            <div class="actions">
                {accept_button}
                <button type="button" part="decline" class="secondary" on:click=move |_| act.run(Action::Decline(kind))>
                    {decline}
                </button>
            </div>
        </section>
    }
}
