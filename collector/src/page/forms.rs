//! The forms of the insights pages: signing in (the admin key, with the filters carried
//! through), signing out, and the filters (flow, dates, test outcomes; on the comments
//! page also the reason). Every form posts or gets to this collector only.

use super::labels::Labels;
use super::{layout, Current, Params};
use maud::{html, Markup};

/// Where to go after signing in.
pub const NEXT_COMMENTS: &str = "comments";
/// Where to go after signing in: the experiments.
pub const NEXT_EXPERIMENTS: &str = "experiments";
/// `next` for the flows page.
pub const NEXT_FLOWS: &str = "flows";

/// The sign-in page; `wrong` when the key given was not the admin key.
pub fn sign_in_page(params: &Params, next: Option<&str>, wrong: bool) -> Markup {
    let body = html! {
        div.card.narrow {
            p { "Enter the admin key this collector was started with (" code { "--admin-key" } " or "
                code { "CF_ADMIN_KEY" } "). You stay signed in for 12 hours on this browser." }
            @if wrong {
                p.notice #key-error role="alert" { "That key was not right. Check it and try again." }
            }
            form.sign-in method="post" action="/insights/sign-in" {
                @for (name, value) in params.filter_pairs() {
                    input type="hidden" name=(name) value=(value);
                }
                @if let Some(next) = next {
                    input type="hidden" name="next" value=(next);
                }
                div.field {
                    label for="key" { "Admin key" }
                    input #key type="password" name="key" autocomplete="current-password" required
                        aria-invalid=[wrong.then_some("true")] aria-describedby=[wrong.then_some("key-error")];
                }
                button.primary type="submit" { "Sign in" }
            }
        }
    };
    layout("Sign in", Current::Neither, false, params, body)
}

/// The sign-out button.
pub fn sign_out() -> Markup {
    html! {
        form.sign-out method="post" action="/insights/sign-out" {
            button.quiet type="submit" { "Sign out" }
        }
    }
}

/// The filters, as a GET form to `action`. `reasons`: the comments page's reason select.
pub fn filters(action: &str, params: &Params, flows: &[String], reasons: Option<(&[String], &Labels)>) -> Markup {
    let flow = params.flow_id.as_deref().unwrap_or("");
    let mut flows: Vec<&str> = flows.iter().map(String::as_str).collect();
    if !flow.is_empty() && !flows.contains(&flow) {
        flows.push(flow);
    }
    let reason = params.reason_id.as_deref().unwrap_or("");
    html! {
        form.filters method="get" action=(action) aria-label="Filters" {
            div.field {
                label for="f-flow" { "Flow" }
                select #f-flow name="flow_id" {
                    option value="" selected[flow.is_empty()] { "All flows" }
                    @for f in &flows {
                        option value=(f) selected[*f == flow] { (f) }
                    }
                }
            }
            @if let Some((reasons, labels)) = reasons {
                div.field {
                    label for="f-reason" { "Reason" }
                    select #f-reason name="reason_id" {
                        option value="" selected[reason.is_empty()] { "All reasons" }
                        @for r in reasons {
                            option value=(r) selected[r == reason] { (labels.of(r)) }
                        }
                        @if !reason.is_empty() && !reasons.iter().any(|r| r == reason) {
                            option value=(reason) selected { (reason) }
                        }
                    }
                }
            }
            div.field {
                label for="f-from" { "From" }
                input #f-from type="date" name="from" value=(params.from.as_deref().unwrap_or(""));
            }
            div.field {
                label for="f-to" { "To" }
                input #f-to type="date" name="to" value=(params.to.as_deref().unwrap_or(""));
            }
            div.field.check {
                input #f-test type="checkbox" name="include_test" value="true" checked[params.include_test()];
                label for="f-test" { "Include test sessions" }
            }
            div.actions {
                button.primary type="submit" { "Show" }
                a href=(action) { "Clear filters" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sign_in_form_has_a_labelled_password_and_keeps_the_filters() {
        let p = Params { flow_id: Some("box\"><b>".into()), ..Params::default() };
        let html = sign_in_page(&p, Some(NEXT_COMMENTS), false).into_string();
        assert!(html.contains(r#"<label for="key">Admin key</label>"#));
        assert!(html.contains(r#"<input id="key" type="password" name="key""#));
        assert!(html.contains(r#"<input type="hidden" name="flow_id" value="box&quot;&gt;&lt;b&gt;">"#));
        assert!(html.contains(r#"name="next" value="comments""#));
        assert!(!html.contains("not right"));
        let wrong = sign_in_page(&p, None, true).into_string();
        assert!(wrong.contains("That key was not right."));
        assert!(wrong.contains(r#"aria-invalid="true""#));
    }

    #[test]
    fn the_filters_select_the_current_values() {
        let p = Params { flow_id: Some("b".into()), include_test: Some("true".into()), ..Params::default() };
        let html = filters("/insights", &p, &["a".into(), "b".into()], None).into_string();
        assert!(html.contains(r#"<option value="b" selected>b</option>"#));
        assert!(html.contains(r#"name="include_test" value="true" checked"#));
        assert!(!html.contains("reason_id"));
        let labels = Labels::of_flows([&serde_json::json!({ "config": { "survey": { "reasons": [
            { "id": "moving", "label": "Moving abroad" } ] } } })]);
        let html =
            filters("/insights/comments", &Params::default(), &[], Some((&["moving".into()], &labels))).into_string();
        assert!(html.contains(r#"<option value="moving">Moving abroad</option>"#));
    }
}
