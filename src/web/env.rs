//! What only the browser knows: the local calendar day, the clock, randomness, the
//! page's language preferences.

use crate::core::date::Ymd;

/// Today in the person's local calendar.
pub fn today() -> Ymd {
    let d = js_sys::Date::new_0();
    Ymd::new(d.get_full_year() as i32, d.get_month() + 1, d.get_date()).unwrap_or(Ymd { year: 1970, month: 1, day: 1 })
}

/// Now as RFC 3339 UTC with milliseconds.
pub fn now_iso() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}

/// Milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// 16 random bytes from `crypto.getRandomValues`, falling back to `Math.random`.
pub fn random_bytes() -> [u8; 16] {
    let mut b = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.get_random_values_with_u8_array(&mut b).is_ok())
        .unwrap_or(false);
    if !filled {
        for x in b.iter_mut() {
            *x = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    b
}

/// A random 64-bit seed.
pub fn random_seed() -> u64 {
    let b = random_bytes();
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

/// The page's language preferences: `<html lang>`, then `navigator.languages`.
pub fn page_languages() -> Vec<String> {
    let mut out = Vec::new();
    let Some(w) = web_sys::window() else { return out };
    if let Some(lang) = w.document().and_then(|d| d.document_element()).and_then(|e| e.get_attribute("lang")) {
        if !lang.trim().is_empty() {
            out.push(lang);
        }
    }
    for l in w.navigator().languages().iter() {
        if let Some(s) = l.as_string() {
            out.push(s);
        }
    }
    out
}
