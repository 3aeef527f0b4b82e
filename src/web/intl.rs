//! `Formats` through the browser's `Intl`: CLDR plural rules, long dates and currency
//! amounts in the flow's locale. No hand-written rules and no date or number crates.

use crate::core::date::Ymd;
use crate::core::i18n::Formats;
use js_sys::{Array, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

/// Formats for one locale tag.
#[derive(Debug, Clone)]
pub struct BrowserFormats {
    /// The locale tag, e.g. `hu` or `pt-BR`.
    pub locale: String,
}

fn locales(tag: &str) -> Array {
    Array::of1(&JsValue::from_str(tag))
}

fn options(pairs: &[(&str, &str)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    o
}

fn call_format(f: js_sys::Function, arg: &JsValue) -> String {
    f.call1(&JsValue::UNDEFINED, arg).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

impl Formats for BrowserFormats {
    fn plural(&self, n: u64) -> &'static str {
        let rules = Intl::PluralRules::new(&locales(&self.locale), &Object::new());
        match String::from(rules.select(n as f64)).as_str() {
            "zero" => "zero",
            "one" => "one",
            "two" => "two",
            "few" => "few",
            "many" => "many",
            _ => "other",
        }
    }

    fn date(&self, d: Ymd) -> String {
        let f =
            Intl::DateTimeFormat::new(&locales(&self.locale), &options(&[("dateStyle", "long"), ("timeZone", "UTC")]));
        let ms = d.to_days() as f64 * 86_400_000.0;
        call_format(f.format(), &js_sys::Date::new(&JsValue::from_f64(ms)).into())
    }

    fn money(&self, amount_minor: u64, currency: &str) -> String {
        let f =
            Intl::NumberFormat::new(&locales(&self.locale), &options(&[("style", "currency"), ("currency", currency)]));
        let digits = Reflect::get(&f.resolved_options(), &JsValue::from_str("maximumFractionDigits"))
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(2.0);
        let value = amount_minor as f64 / 10f64.powi(digits as i32);
        call_format(f.format(), &JsValue::from_f64(value))
    }

    fn knows_dates(&self) -> bool {
        Intl::DateTimeFormat::supported_locales_of(&locales(&self.locale), &Object::new()).length() > 0
    }

    fn number(&self, n: u64) -> String {
        let f = Intl::NumberFormat::new(&locales(&self.locale), &Object::new());
        call_format(f.format(), &JsValue::from_f64(n as f64))
    }
}
