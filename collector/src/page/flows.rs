//! The flows page (`GET /flows`, signed in; COLLECTOR.md section 10): every flow the
//! collector serves, with its latest version, when it was written (UTC) and the
//! experiment it runs, a link to its editor, and its current document and its versions
//! (the admin API's JSON, which the session opens too); and the form that opens the
//! editor on a new flow, blank or from a template.

use super::editor::templates::TEMPLATES;
use super::words::{date, num};
use super::{encode, layout, table, Current, Params};
use crate::store::FlowSummary;
use maud::{html, Markup};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// `2026-11-25T09:30:00.123Z` → `25 Nov 2026, 09:30 UTC` (anything else as it is).
pub fn changed(at: &str) -> String {
    OffsetDateTime::parse(at, &Rfc3339).map_or_else(
        |_| at.to_string(),
        |t| {
            let t = t.to_offset(time::UtcOffset::UTC);
            format!("{}, {:02}:{:02} UTC", date(t.date()), t.hour(), t.minute())
        },
    )
}

/// The whole page.
pub fn page(flows: &[FlowSummary], params: &Params) -> Markup {
    let body = html! {
        p.lede {
            "The flows this collector serves to the widget, each by its id. Every change is a new version;
             the widget always gets the latest."
        }
        @if flows.is_empty() {
            section.card.wide.empty aria-labelledby="h-no-flows" {
                h2 #h-no-flows { "No flows yet" }
                p { "Start one below, blank or from a template, in the editor; or write it with "
                    code { "PUT /v1/flows/<flow id>" } " and the admin key: its config, and optionally rules and an
                     experiment. The widget then reads it from " code { "/v1/flows/<flow id>/config" } "." }
            }
        } @else {
            section.card.wide aria-labelledby="h-flows" {
                h2 #h-flows { (num(flows.len() as u64)) @if flows.len() == 1 { " flow" } @else { " flows" } }
                (table(
                    "The flows",
                    &["Flow", "#Version", "Last change", "Experiment", "As JSON"],
                    flows.iter().map(|f| vec![
                        html! {
                            a href=(format!("/flows/{}", encode(&f.flow_id)))
                                aria-label=(format!("Edit {}", f.flow_id)) { code { (f.flow_id) } }
                        },
                        html! { (f.version) },
                        html! { (changed(&f.updated_at)) },
                        html! { @match &f.experiment_id { Some(e) => code { (e) }, None => "none" } },
                        html! {
                            a href=(format!("/v1/flows/{}", encode(&f.flow_id)))
                                aria-label=(format!("Document of {}", f.flow_id)) { "Document" }
                            " · "
                            a href=(format!("/v1/flows/{}/versions", encode(&f.flow_id)))
                                aria-label=(format!("Versions of {}", f.flow_id)) { "Versions" }
                        },
                    ]),
                ))
            }
        }
        section.card.wide aria-labelledby="h-new-flow" {
            h2 #h-new-flow { "Start a new flow" }
            form.new-flow method="get" action="/flows" {
                div.field {
                    label for="new-flow-id" { "Flow id" }
                    input #new-flow-id type="text" name="new_flow_id" required maxlength="200"
                        autocomplete="off" spellcheck="false" aria-describedby="new-flow-hint";
                    p.hint #new-flow-hint { "How pages and outcomes name it, for example " code { "winter-box" } "." }
                }
                div.field {
                    label for="new-flow-template" { "Start from" }
                    select #new-flow-template name="template" {
                        option value="" { "A blank flow" }
                        @for t in &TEMPLATES { option value=(t.id) { (t.name) } }
                    }
                }
                button.primary type="submit" { "Open the editor" }
            }
        }
    };
    layout("Flows", Current::Flows, true, params, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(id: &str, version: u32, experiment: Option<&str>) -> FlowSummary {
        FlowSummary {
            flow_id: id.into(),
            version,
            updated_at: "2026-11-25T09:30:00.123456Z".into(),
            experiment_id: experiment.map(String::from),
        }
    }

    #[test]
    fn each_flow_with_its_version_change_and_experiment() {
        let html =
            page(&[flow("meal-box-2026", 3, Some("winter-offers")), flow("saas pro", 1, None)], &Params::default())
                .into_string();
        assert!(html.contains("<h2 id=\"h-flows\">2 flows</h2>"));
        assert!(html.contains(r#"<th scope="row"><a href="/flows/meal-box-2026" aria-label="Edit meal-box-2026"><code>meal-box-2026</code></a></th><td class="n">3</td><td>25 Nov 2026, 09:30 UTC</td><td><code>winter-offers</code></td>"#), "{html}");
        assert!(html.contains("<td>none</td>"));
        assert!(html.contains(r#"href="/v1/flows/saas%20pro/versions""#));
        assert!(html.contains(r#"aria-current="page">Flows</a>"#));
        assert!(!html.contains("style=") && !html.contains("<script"));
    }

    #[test]
    fn the_empty_state_says_how_to_add_one() {
        let html = page(&[], &Params::default()).into_string();
        assert!(html.contains("No flows yet") && html.contains("PUT /v1/flows/&lt;flow id&gt;"));
        assert!(html.contains(r#"<option value="saas-tiers">"#) && html.contains(r#"name="new_flow_id""#));
        assert_eq!(changed("not a time"), "not a time");
    }
}
