//! The canonical text of a JSON value, which tells a duplicate (the same values) from a
//! conflict (other values under the same id): keys sorted, no spacing. Pure, no I/O.

use serde::Serialize;

/// The canonical text of a JSON value: object keys sorted (by their UTF-8 bytes) at every
/// depth, no spacing, strings and numbers as serde_json writes them. The same JSON values,
/// in any key order or spacing, give the same text (`1` and `1.0` may differ). Keys are
/// sorted here rather than relying on `serde_json::Map` being a `BTreeMap`: the
/// workspace's `preserve_order` feature (a dev-dependency of the core) turns it into an
/// insertion-ordered map whenever both crates are built together.
pub fn canonical(v: &serde_json::Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(v, out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// [`canonical`] of the JSON text `text`, without building a [`serde_json::Value`]: the
/// same text (the same parser, the same writer, the last of duplicate keys), or the
/// parser's error. Anything unusual (an error, serde_json's private raw-value key) is
/// handed to [`canonical`] itself, so the answer is always exactly its answer.
pub fn canonical_text(text: &str) -> Result<String, serde_json::Error> {
    match canonical_streamed(text) {
        Some(out) => Ok(out),
        None => Ok(canonical(&serde_json::from_str(text)?)),
    }
}

/// [`canonical_text`] written while parsing, or `None` for anything unusual.
fn canonical_streamed(text: &str) -> Option<String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let out = serde::de::DeserializeSeed::deserialize(Canonical, &mut de).ok()?;
    de.end().ok()?;
    String::from_utf8(out).ok()
}

/// Deserializes any JSON value into its canonical text (UTF-8 bytes).
struct Canonical;

/// serde_json's private map key that makes a `Value` map a raw value (its `raw_value`
/// feature is on in this build): left to `Value` itself.
const RAW_VALUE_KEY: &str = "$serde_json::private::RawValue";

impl<'de> serde::de::DeserializeSeed<'de> for Canonical {
    type Value = Vec<u8>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Vec<u8>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// Appends `v` as serde_json writes it (writing into a `Vec` cannot fail).
fn push_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    let _ = serde_json::to_writer(out, v);
}

impl<'de> serde::de::Visitor<'de> for Canonical {
    type Value = Vec<u8>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Vec<u8>, E> {
        Ok(if v { b"true".to_vec() } else { b"false".to_vec() })
    }

    fn visit_i64<E>(self, v: i64) -> Result<Vec<u8>, E> {
        let mut out = Vec::new();
        push_json(&mut out, &serde_json::Number::from(v));
        Ok(out)
    }

    fn visit_u64<E>(self, v: u64) -> Result<Vec<u8>, E> {
        let mut out = Vec::new();
        push_json(&mut out, &serde_json::Number::from(v));
        Ok(out)
    }

    fn visit_f64<E>(self, v: f64) -> Result<Vec<u8>, E> {
        // As a `Value` holds it: a number, or null when not finite.
        let mut out = Vec::new();
        match serde_json::Number::from_f64(v) {
            Some(n) => push_json(&mut out, &n),
            None => out.extend_from_slice(b"null"),
        }
        Ok(out)
    }

    fn visit_str<E>(self, v: &str) -> Result<Vec<u8>, E> {
        let mut out = Vec::with_capacity(v.len() + 2);
        push_json(&mut out, v);
        Ok(out)
    }

    fn visit_unit<E>(self) -> Result<Vec<u8>, E> {
        Ok(b"null".to_vec())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
        let mut out = vec![b'['];
        while let Some(item) = seq.next_element_seed(Canonical)? {
            if out.len() > 1 {
                out.push(b',');
            }
            out.extend_from_slice(&item);
        }
        out.push(b']');
        Ok(out)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Vec<u8>, A::Error> {
        let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == RAW_VALUE_KEY {
                return Err(serde::de::Error::custom("left to serde_json::Value"));
            }
            let value = map.next_value_seed(Canonical)?;
            entries.push((key, value));
        }
        // Sorted by key, stably: of a key given twice, the last stays last and is the one
        // kept, as a `Value` map keeps it.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = vec![b'{'];
        for (i, (key, value)) in entries.iter().enumerate() {
            if entries.get(i + 1).is_some_and(|next| next.0 == *key) {
                continue;
            }
            if out.len() > 1 {
                out.push(b',');
            }
            push_json(&mut out, key.as_str());
            out.push(b':');
            out.extend_from_slice(value);
        }
        out.push(b'}');
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::{canonical, canonical_streamed, canonical_text};
    use rand::{Rng, SeedableRng};

    fn both(text: &str) -> (Result<String, String>, Result<String, String>) {
        let slow = serde_json::from_str::<serde_json::Value>(text).map(|v| canonical(&v)).map_err(|e| e.to_string());
        (canonical_text(text).map_err(|e| e.to_string()), slow)
    }

    #[test]
    fn canonical_text_is_canonical_of_the_value() {
        let cases = [
            r#"{"b": {"y": 1, "x": [1, {"d": 2, "c": null}]}, "a": "é"}"#,
            "{ \"a\" : \"\\u00e9\",\n \"b\":{\"x\":[1,{\"c\":null,\"d\":2}],\"y\":1} }",
            r#"{"qu\"ote": 1, "new\nline": true, "tab\t": "\u0000\u001f\u007f\u2028\ud83d\ude00"}"#,
            r#"{"a": 1, "a": 2, "b": [], "c": {}, "a": 3}"#,
            r#"[1, -1, 0, -0, 1.0, -0.0, 1e2, 1E-2, 12345678901234567890, -9223372036854775808, 1.7976931348623157e308, 5e-324, 0.1, 123.456e7]"#,
            r#"{"$serde_json::private::RawValue": "[2, 1]"}"#,
            r#"{"x": {"$serde_json::private::RawValue": "{\"b\":1,\"a\":2}"}}"#,
            r#"{"z": 1, "$serde_json::private::RawValue": "x"}"#,
            r#""just a string""#,
            "true",
            "null",
            r#"{"k": "\ud800"}"#,
            r#"{"k": 1e400}"#,
            r#"{"a": 1} x"#,
            r#"{"a": 1,}"#,
            "",
            &format!("{}{}", "[".repeat(200), "]".repeat(200)),
            &format!("{}{}", "[".repeat(127), "]".repeat(127)),
            &format!("{}1{}", "{\"a\":".repeat(130), "}".repeat(130)),
        ];
        for text in cases {
            let (fast, slow) = both(text);
            assert_eq!(fast, slow, "{text}");
        }
        // The usual case is written while parsing, not handed over.
        assert!(canonical_streamed(cases[0]).is_some());
        assert!(canonical_streamed(cases[3]).is_some());
        assert!(canonical_streamed(cases[5]).is_none());
    }

    #[test]
    fn canonical_text_matches_on_random_json() {
        fn string(rng: &mut rand::rngs::StdRng) -> String {
            const PIECES: &[&str] = &[
                "a",
                "b",
                "é",
                "\\\"",
                "\\\\",
                "\\n",
                "\\u0000",
                "\\u00e9",
                "\\ud83d\\ude00",
                "😀",
                "\\/",
                "\u{2028}",
                " ",
            ];
            let n = rng.gen_range(0..4);
            let mut s = String::from("\"");
            for _ in 0..n {
                s.push_str(PIECES[rng.gen_range(0..PIECES.len())]);
            }
            s.push('"');
            s
        }
        fn value(rng: &mut rand::rngs::StdRng, depth: u32) -> String {
            const NUMBERS: &[&str] = &[
                "0",
                "-0",
                "1",
                "-17",
                "2.50",
                "1e3",
                "-1.5E-7",
                "18446744073709551615",
                "18446744073709551616",
                "0.30000000000000004",
            ];
            let ws = |rng: &mut rand::rngs::StdRng| if rng.gen_bool(0.3) { " \n\t" } else { "" };
            match rng.gen_range(0..if depth > 3 { 5 } else { 7 }) {
                0 => "null".into(),
                1 => if rng.gen_bool(0.5) { "true" } else { "false" }.into(),
                2 | 3 => NUMBERS[rng.gen_range(0..NUMBERS.len())].into(),
                4 => string(rng),
                5 => {
                    let items: Vec<String> = (0..rng.gen_range(0..4)).map(|_| value(rng, depth + 1)).collect();
                    format!("[{}{}]", ws(rng), items.join(","))
                }
                _ => {
                    let members: Vec<String> = (0..rng.gen_range(0..5))
                        .map(|_| format!("{}{}:{}{}", string(rng), ws(rng), ws(rng), value(rng, depth + 1)))
                        .collect();
                    format!("{{{}{}}}", ws(rng), members.join(","))
                }
            }
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut streamed = 0;
        for _ in 0..20_000 {
            let text = value(&mut rng, 0);
            let (fast, slow) = both(&text);
            assert_eq!(fast, slow, "{text}");
            streamed += usize::from(canonical_streamed(&text).is_some());
        }
        assert!(streamed > 19_000, "{streamed}");
    }
}
