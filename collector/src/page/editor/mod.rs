//! The flow editor's page (`GET /flows/<flow_id>`, COLLECTOR.md section 10): drawn here
//! on the server with maud, like every admin page, and brought to life by one script the
//! collector serves itself (`editor.js` and the modules it imports, under
//! `/insights/editor/`). The server
//! gives the page what it knows: the current document (or a template's), this
//! collector's address, the widget's integrity hash, the presets and the built-in
//! English texts, as JSON data (never run as script). The structured fields, the JSON
//! view, the versions and the embed snippet are drawn by the script from the document;
//! the preview is the real widget from `/widget/`.
//!
//! Why a script and not a second Leptos app: the reader, the rules, the patches and the
//! eligibility already run natively behind `POST /flows/<id>/preview` (the same code as
//! `PUT` and the config route), so a form only has to send the draft and show what comes
//! back; the widget itself is the preview. No second wasm bundle to build and ship.

pub mod templates;

use super::{shell, Current, Params};
use cancel_flow::core::config::OfferKind;
use maud::{html, Markup, PreEscaped};
use serde_json::{json, Value};

/// The editor's modules, served under `/insights/editor/`: the entry (`editor.js`) and
/// what it imports.
pub const MODULES: [(&str, &str); 7] = [
    ("editor.js", include_str!("editor.js")),
    ("dom.js", include_str!("dom.js")),
    ("fields.js", include_str!("fields.js")),
    ("form.js", include_str!("form.js")),
    ("rules.js", include_str!("rules.js")),
    ("versions.js", include_str!("versions.js")),
    ("theme.js", include_str!("theme.js")),
];

/// The module named `name`.
pub fn module(name: &str) -> Option<&'static str> {
    MODULES.iter().find(|(n, _)| *n == name).map(|(_, source)| *source)
}

/// Where the editor's entry is loaded from (the version busts caches after an upgrade).
pub const EDITOR_JS_HREF: &str = concat!("/insights/editor/editor.js?v=", env!("CARGO_PKG_VERSION"));

/// The editor page's Content-Security-Policy: scripts only from this collector, and wasm
/// (the widget in the preview); the preview's outcomes, the drafts and the widget's
/// files only to and from this collector.
pub const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    connect-src 'self'; img-src 'self' data:; font-src 'self'; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'";

/// The languages the widget speaks (CONTRACT section 8), with their names in English.
pub const LANGUAGES: [(&str, &str); 9] = [
    ("en", "English"),
    ("de", "German"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("hu", "Hungarian"),
    ("sl", "Slovenian"),
    ("tr", "Turkish"),
    ("ka", "Georgian"),
    ("ar", "Arabic"),
];

/// The in-page links at the top of the form: each section's heading.
const JUMPS: [(&str, &str); 11] = [
    ("#h-basics", "The flow"),
    ("#h-survey", "Survey"),
    ("#h-offers", "Offers"),
    ("#h-cancelling", "Cancelling"),
    ("#h-messages", "Messages"),
    ("#h-rules", "Rules"),
    ("#h-experiment", "Experiment"),
    ("#h-json", "JSON"),
    ("#h-versions", "Versions"),
    ("#h-theme", "Theme"),
    ("#h-embed", "Embed"),
];

/// What the editor page is drawn from.
pub struct Editor<'a> {
    /// The flow edited.
    pub flow_id: &'a str,
    /// Its latest document, or where a new one starts.
    pub document: &'a Value,
    /// Its latest version, `None` for a new flow.
    pub version: Option<u32>,
    /// This collector's origin, as the shop's pages reach it (`https://collector.shop.example`).
    pub origin: &'a str,
    /// Whether `--widget-dir` is set (the preview and the embed snippet need it).
    pub widget: bool,
    /// The SRI hash of `embed.js`, from the widget's `integrity.json`.
    pub embed_integrity: Option<&'a str>,
}

/// JSON to put inside `<script type="application/json">`: `<`, `>` and `&` escaped so
/// that no text in it can close the element.
fn json_data(v: &Value) -> PreEscaped<String> {
    let s = v.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026");
    PreEscaped(s)
}

/// An offer's key in the config (`links` for the links).
fn offer_key(kind: OfferKind) -> &'static str {
    match kind {
        OfferKind::Link => "links",
        other => other.as_str(),
    }
}

/// What the script is given: the document and where it stands, the presets, the
/// built-in English texts and the languages.
pub fn data(e: &Editor) -> Value {
    let presets: Vec<Value> = cancel_flow::core::presets::PRESETS
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "label_key": p.label_key,
                "offers": p.offers.map(|o| o.iter().map(|k| offer_key(*k)).collect::<Vec<_>>()),
                "comment": p.comment,
                "pinned": p.pinned,
            })
        })
        .collect();
    let english: serde_json::Map<String, Value> =
        cancel_flow::core::catalog::EN.iter().map(|(k, v)| ((*k).to_string(), json!(v))).collect();
    json!({
        "flow_id": e.flow_id,
        "document": e.document,
        "version": e.version,
        "origin": e.origin,
        "widget": e.widget,
        "embed_integrity": e.embed_integrity,
        "presets": presets,
        "english": english,
        "languages": LANGUAGES.iter().map(|(code, name)| json!({ "code": code, "name": name })).collect::<Vec<_>>(),
    })
}

/// A labelled select.
fn select(id: &str, label: &str, options: &[(&str, &str)]) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            select #(id) { @for (value, text) in options { option value=(value) { (text) } } }
        }
    }
}

/// A labelled number field.
fn number(id: &str, label: &str, placeholder: &str) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            input #(id) type="number" min="0" step="1" inputmode="numeric" placeholder=(placeholder);
        }
    }
}

/// The whole page.
pub fn page(e: &Editor, params: &Params) -> Markup {
    let title = format!("Flow {}", e.flow_id);
    let body = html! {
        p.lede {
            span #served-version {
                @match e.version {
                    Some(v) => { "Version " (v) " is served now. " }
                    None => { "A new flow: nothing is served until you publish it. " }
                }
            }
            "Every change shows in the preview at once; " strong { "Publish" } " makes it the version every customer gets."
        }
        noscript { p.notice { "The editor needs JavaScript. The flow's JSON is at "
            code { "/v1/flows/" (e.flow_id) } "." } }
        script #cf-editor-data type="application/json" { (json_data(&data(e))) }
        div.editor {
            div.editor-form {
                nav.jump aria-label="Parts of the editor" {
                    @for (href, text) in JUMPS { a href=(href) { (text) } }
                }
                div #problems role="alert" {}
                form #flow-form novalidate aria-label="The flow" {}
                section.card #json-view aria-labelledby="h-json" {
                    h2 #h-json { "As JSON" }
                    p.hint #json-hint { "The whole flow document. What the fields above do not cover (extra request
                        headers, conditions and patches beyond the simple rows) is written here. Apply it to update the fields." }
                    label for="json-text" { "The flow document" }
                    textarea #json-text rows="16" spellcheck="false" aria-describedby="json-hint json-error" {}
                    p.field-error #json-error {}
                    button #json-apply type="button" { "Apply the JSON" }
                }
                div.card.publish-bar {
                    button.primary #publish type="button" { "Publish" }
                    p #publish-status role="status" aria-live="polite" {}
                }
                section.card #versions aria-labelledby="h-versions" {
                    h2 #h-versions { "Versions" }
                    div #version-list { p { "Loading the versions…" } }
                    div #diff aria-live="polite" {}
                }
            }
            aside.editor-preview aria-labelledby="h-preview" {
                section.card.preview-card {
                    h2 #h-preview { "Preview" }
                    div.preview-controls {
                        (select("pv-mode", "Colours", &[("light", "Light"), ("dark", "Dark")]))
                        (select("pv-width", "Width", &[("phone", "Phone (360 px)"), ("desktop", "Desktop")]))
                        (select("pv-locale", "Language", &LANGUAGES))
                    }
                    p #pv-summary role="status" {}
                    @if e.widget {
                        div.stage #preview-stage data-width="phone" {}
                    } @else {
                        p.notice #preview-stage { "The preview shows the widget itself: start the collector with "
                            code { "--widget-dir" } " (the widget's " code { "dist/" } ") to see it here." }
                    }
                    p.hint { "Walk through it as a customer would. Nothing the preview decides is stored or forwarded." }
                    @if e.widget { button #pv-restart type="button" { "Start the preview again" } }
                    details #pv-customer {
                        summary { "The customer" }
                        p.hint #pv-customer-hint { "As the shop's token would say: rules and the cooldowns use these. Nothing here is stored." }
                        div.row {
                            div.field { label for="pv-customer-id" { "Customer id" }
                                input #pv-customer-id type="text" value="cus_preview" aria-describedby="pv-customer-hint"; }
                            div.field { label for="pv-subscription-id" { "Subscription id" }
                                input #pv-subscription-id type="text" placeholder="none"; }
                        }
                        div.field {
                            label for="pv-attrs" { "Attributes" }
                            textarea #pv-attrs rows="3" spellcheck="false" placeholder="plan = annual\ntenure_days = 400"
                                aria-describedby="pv-attrs-hint pv-attrs-error" {}
                            p.hint #pv-attrs-hint { "One per line, as name = value. Numbers, true, false and null are read as such." }
                            p.field-error #pv-attrs-error {}
                        }
                        div.row {
                            (number("pv-sessions", "Earlier sessions", "0"))
                            (number("pv-pauses", "Pauses in a row", "0"))
                        }
                        div.row {
                            (number("pv-days-last", "Days since the last session", "never"))
                            (number("pv-days-discount", "Days since a discount was taken", "never"))
                        }
                        div.field {
                            label for="pv-group" { "Experiment group" }
                            select #pv-group { option value="" { "As assigned for this customer" } }
                        }
                    }
                }
                section.card #theme-panel aria-labelledby="h-theme" {
                    h2 #h-theme { "Theme" }
                    div #theme-controls {}
                }
                section.card #embed aria-labelledby="h-embed" {
                    h2 #h-embed { "On your cancel page" }
                    p { "Paste this where the cancel page should show the flow. Your server mints each customer's token." }
                    pre.snippet tabindex="0" role="region" aria-label="The snippet for your cancel page" { code #embed-snippet {} }
                    p.hint #embed-token {}
                }
            }
        }
    };
    shell(&title, Current::Flows, true, params, body, Some(EDITOR_JS_HREF))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn editor_html(doc: &Value) -> String {
        let e = Editor {
            flow_id: "box",
            document: doc,
            version: Some(3),
            origin: "https://c.example",
            widget: true,
            embed_integrity: Some("sha384-abc"),
        };
        page(&e, &Params::default()).into_string()
    }

    #[test]
    fn the_data_cannot_close_its_script_element() {
        let doc = json!({ "config": { "survey": { "question": "</script><script>alert(1)</script> & more" } } });
        let html = editor_html(&doc);
        assert_eq!(html.matches("</script>").count(), 2, "the data's and the editor's script only: {html}");
        let start = html.find(r#"id="cf-editor-data" type="application/json">"#).unwrap();
        let json = &html[start..];
        let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
        let data: Value = serde_json::from_str(json).unwrap();
        assert_eq!(data["document"], doc);
        assert_eq!(data["presets"].as_array().unwrap().len(), 11);
        assert_eq!(data["english"]["reason.too_expensive"], "It costs too much");
        assert_eq!(data["embed_integrity"], "sha384-abc");
    }

    #[test]
    fn the_page_loads_one_script_from_the_collector_and_labels_every_control() {
        let html = editor_html(&json!({}));
        assert!(html.contains(r#"<script type="module" src="/insights/editor/editor.js?v="#));
        assert!(!html.contains("style="), "no inline style");
        for id in ["pv-mode", "pv-width", "pv-locale", "pv-customer-id", "pv-attrs", "pv-group", "json-text"] {
            assert!(html.contains(&format!(r#"for="{id}""#)), "{id} is labelled");
        }
        assert!(html.contains(r#"aria-current="page">Flows</a>"#));
    }
}
