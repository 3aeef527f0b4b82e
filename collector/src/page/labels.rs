//! Reasons named by their labels on the insights pages: from the served flows' documents
//! (a reason's `label`, in English when it has one, else its first language; a preset
//! reason's built-in English label), and for a preset's id the preset's English label when
//! no flow names it. Any other id is shown as it is.

use cancel_flow::core::catalog::english;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashMap;

/// Reason ids to the labels to show.
#[derive(Debug, Clone, Default)]
pub struct Labels(HashMap<String, String>);

impl Labels {
    /// The labels of the reasons of `documents` (flow documents, `{"config": {...}}`); the
    /// first document naming an id wins.
    pub fn of_flows<'a>(documents: impl IntoIterator<Item = &'a Value>) -> Labels {
        let mut labels = HashMap::new();
        for document in documents {
            let reasons = document.pointer("/config/survey/reasons").and_then(Value::as_array);
            for reason in reasons.into_iter().flatten() {
                let preset = reason.get("preset").and_then(Value::as_str);
                let Some(id) = reason.get("id").and_then(Value::as_str).or(preset) else { continue };
                let label = reason.get("label").and_then(text).or_else(|| preset.and_then(preset_label));
                if let Some(label) = label {
                    labels.entry(id.to_string()).or_insert(label);
                }
            }
        }
        Labels(labels)
    }

    /// The label of `reason_id`: a flow's, else a preset's English one, else the id.
    pub fn of<'a>(&'a self, reason_id: &'a str) -> Cow<'a, str> {
        match self.0.get(reason_id) {
            Some(label) => Cow::Borrowed(label),
            None => preset_label(reason_id).map_or(Cow::Borrowed(reason_id), Cow::Owned),
        }
    }
}

/// A label-like value: the text, or from a map of languages the English one, else the first.
fn text(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.as_str(),
        Value::Object(m) => m.get("en").or_else(|| m.values().next()).and_then(Value::as_str)?,
        _ => return None,
    };
    Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_string)
}

/// A preset's built-in English label.
fn preset_label(id: &str) -> Option<String> {
    Some(english(&format!("reason.{id}"))).filter(|s| !s.is_empty()).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::Labels;
    use serde_json::json;

    #[test]
    fn flows_name_their_reasons_and_presets_fill_in() {
        let box_flow = json!({ "config": { "survey": { "reasons": [
            { "preset": "too_expensive" },
            { "preset": "too_much", "label": { "hu": "Túl sok", "en": "More food than we eat" } },
            { "id": "moving_abroad", "label": "I'm moving abroad" },
            { "preset": "other", "id": "else" },
            { "id": "no_label" }
        ] } } });
        let other_flow =
            json!({ "config": { "survey": { "reasons": [ { "id": "moving_abroad", "label": "Not used" } ] } } });
        let labels = Labels::of_flows([&box_flow, &other_flow]);
        assert_eq!(labels.of("too_expensive"), "It costs too much");
        assert_eq!(labels.of("too_much"), "More food than we eat");
        assert_eq!(labels.of("moving_abroad"), "I'm moving abroad", "the first flow wins");
        assert_eq!(labels.of("else"), "Something else", "a preset under another id");
        assert_eq!(labels.of("no_label"), "no_label");
        assert_eq!(labels.of("unknown_id"), "unknown_id");
        assert_eq!(Labels::default().of("away"), english_away());
    }

    fn english_away() -> &'static str {
        cancel_flow::core::catalog::english("reason.away")
    }
}
