//! A small JSON tree and reader: just what the config, the catalogs and the outbox need
//! to be read. Hand-written instead of serde_json's deserializer to keep the wasm small:
//! no typed deserializer, no float parsing tables, no hash map (serde_json's
//! `Deserialize` path for the outbox alone measured +23 KB gzip). Objects keep their key
//! order; numbers keep their source text and are only converted when read. What the
//! widget writes (the outcome, outbox entries, event details) is written with serde.
//! (For the config, the measured cost of serde instead is in the `reader` module comment.)

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its JSON text (already checked against the JSON grammar).
    Number(String),
    /// A string.
    String(String),
    /// A list.
    Array(Vec<Value>),
    /// An object, in source order, each key once (a repeated key keeps its first place
    /// and its last value, as in most JSON readers).
    Object(Map),
}

/// An object's entries in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Map(pub Vec<(String, Value)>);

/// Most fields one object may have (keeps duplicate checks cheap on hostile input).
pub const MAX_FIELDS: usize = 2000;
/// Deepest nesting accepted.
const MAX_DEPTH: usize = 128;

impl Map {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets `key`, keeping its place when present.
    pub fn insert(&mut self, key: &str, value: Value) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key.to_string(), value)),
        }
    }

    /// Whether it has no fields.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (String, Value)>, fn(&'a (String, Value)) -> (&'a String, &'a Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl Value {
    /// The field `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => m.get(key),
            _ => None,
        }
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The items of a list.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// A number that is a whole number `0..=u64::MAX` (written `4`, `4.0` or `4e0`).
    pub fn as_whole(&self) -> Option<u64> {
        let Value::Number(text) = self else { return None };
        whole_number(text)
    }

    /// Parses JSON text.
    pub fn parse(text: &str) -> Result<Value, SyntaxError> {
        let mut p = Parser { s: text.as_bytes(), at: 0, depth: 0 };
        p.skip_ws();
        let v = p.value()?;
        p.skip_ws();
        if p.at < p.s.len() {
            return Err(p.error("trailing characters"));
        }
        Ok(v)
    }
}

/// Why JSON text could not be read, and where (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What was wrong.
    pub what: &'static str,
    /// Line of the problem.
    pub line: usize,
    /// Column of the problem.
    pub column: usize,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at line {} column {}", self.what, self.line, self.column)
    }
}

/// The value of a JSON number's text when it is a whole number that fits a `u64`.
fn whole_number(text: &str) -> Option<u64> {
    let (mantissa, exp) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    if let Some(magnitude) = mantissa.strip_prefix('-') {
        // Only -0 is a whole number we accept.
        return magnitude.bytes().all(|b| b == b'0' || b == b'.').then_some(0);
    }
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
    let mut exp = exp as i64 - frac.len() as i64;
    while exp < 0 {
        // Dropping a trailing zero keeps the value; anything else is a fraction.
        match digits.last() {
            Some(0) => {
                digits.pop();
                exp += 1;
            }
            Some(_) => return None,
            None => return Some(0),
        }
    }
    let mut n: u64 = 0;
    for d in digits.into_iter().chain(std::iter::repeat_n(0, exp.min(40) as usize)) {
        n = n.checked_mul(10)?.checked_add(d as u64)?;
    }
    Some(n)
}

struct Parser<'a> {
    s: &'a [u8],
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, what: &'static str) -> SyntaxError {
        let before = &self.s[..self.at.min(self.s.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = before[start..].iter().filter(|&&b| (b & 0xc0) != 0x80).count() + 1;
        SyntaxError { what, line, column }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, word: &[u8]) -> bool {
        if self.s[self.at..].starts_with(word) {
            self.at += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Result<Value, SyntaxError> {
        match self.peek() {
            None => Err(self.error("unexpected end of input")),
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ if self.eat(b"true") => Ok(Value::Bool(true)),
            _ if self.eat(b"false") => Ok(Value::Bool(false)),
            _ if self.eat(b"null") => Ok(Value::Null),
            _ => Err(self.error("expected a value")),
        }
    }

    fn nested(&mut self, read: fn(&mut Self) -> Result<Value, SyntaxError>) -> Result<Value, SyntaxError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.depth += 1;
        self.at += 1;
        let v = read(self);
        self.depth -= 1;
        v
    }

    /// After `[`.
    fn array(&mut self) -> Result<Value, SyntaxError> {
        let mut items = Vec::new();
        self.skip_ws();
        if self.eat(b"]") {
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            self.skip_ws();
            if self.eat(b"]") {
                return Ok(Value::Array(items));
            }
            if !self.eat(b",") {
                return Err(self.error("expected `,` or `]`"));
            }
        }
    }

    /// After `{`.
    fn object(&mut self) -> Result<Value, SyntaxError> {
        let mut map = Map::default();
        self.skip_ws();
        if self.eat(b"}") {
            return Ok(Value::Object(map));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a field name in quotes"));
            }
            let key = self.string()?;
            self.skip_ws();
            if !self.eat(b":") {
                return Err(self.error("expected `:`"));
            }
            self.skip_ws();
            let value = self.value()?;
            if map.0.len() >= MAX_FIELDS {
                return Err(self.error("too many fields in one object"));
            }
            map.insert(&key, value);
            self.skip_ws();
            if self.eat(b"}") {
                return Ok(Value::Object(map));
            }
            if !self.eat(b",") {
                return Err(self.error("expected `,` or `}`"));
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Value, SyntaxError> {
        let start = self.at;
        self.eat(b"-");
        let int_start = self.at;
        let n = self.digits();
        if n == 0 || (n > 1 && self.s[int_start] == b'0') {
            return Err(self.error("invalid number"));
        }
        if self.eat(b".") && self.digits() == 0 {
            return Err(self.error("invalid number"));
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        // The slice is ASCII digits and signs only.
        Ok(Value::Number(std::str::from_utf8(&self.s[start..self.at]).unwrap_or("0").to_string()))
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut n = 0;
        for _ in 0..4 {
            let d =
                self.peek().and_then(|b| (b as char).to_digit(16)).ok_or_else(|| self.error("invalid \\u escape"))?;
            n = n * 16 + d;
            self.at += 1;
        }
        Ok(n)
    }

    /// At `"`.
    fn string(&mut self) -> Result<String, SyntaxError> {
        self.at += 1;
        let mut out = Vec::new();
        loop {
            let Some(b) = self.peek() else { return Err(self.error("unterminated text")) };
            self.at += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let Some(e) = self.peek() else { return Err(self.error("unterminated text")) };
                    self.at += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&hi) && self.eat(b"\\u") {
                                let lo = self.hex4()?;
                                if !(0xdc00..0xe000).contains(&lo) {
                                    return Err(self.error("invalid \\u escape"));
                                }
                                0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                            } else {
                                hi
                            };
                            char::from_u32(code).ok_or_else(|| self.error("invalid \\u escape"))?
                        }
                        _ => return Err(self.error("invalid escape")),
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0..=0x1f => return Err(self.error("control character in text")),
                _ => out.push(b),
            }
        }
        // The input is a `str` and escapes add whole chars, so this is valid UTF-8.
        Ok(String::from_utf8(out).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_of_value() {
        let text = r#"{"a":[1,-2.5e3,true,null,"x\"\\\n\u00e9\ud83d\ude00"],"b":{},"c":[]}"#;
        let v = Value::parse(text).unwrap();
        let a = v.get("a").unwrap().as_array().unwrap();
        assert_eq!(a[0].as_whole(), Some(1));
        assert_eq!(a[1], Value::Number("-2.5e3".into()), "numbers keep their source text");
        assert_eq!((&a[2], &a[3]), (&Value::Bool(true), &Value::Null));
        assert_eq!(a[4].as_str(), Some("x\"\\\n\u{e9}\u{1f600}"));
        assert_eq!(v.get("b"), Some(&Value::Object(Map::default())));
        assert_eq!(v.get("c"), Some(&Value::Array(vec![])));
    }

    #[test]
    fn whole_numbers() {
        let w = |t: &str| Value::parse(t).unwrap().as_whole();
        assert_eq!(w("4"), Some(4));
        assert_eq!(w("4.0"), Some(4));
        assert_eq!(w("4.50e1"), Some(45));
        assert_eq!(w("4e2"), Some(400));
        assert_eq!(w("0"), Some(0));
        assert_eq!(w("-0"), Some(0));
        assert_eq!(w("4.5"), None);
        assert_eq!(w("-1"), None);
        assert_eq!(w("1e400"), None);
        assert_eq!(w("18446744073709551615"), Some(u64::MAX));
        assert_eq!(w("18446744073709551616"), None);
        assert_eq!(w("\"4\""), None);
    }

    #[test]
    fn repeated_key_keeps_place_and_last_value() {
        let v = Value::parse(r#"{"a":1,"b":2,"a":3}"#).unwrap();
        let Value::Object(m) = &v else { panic!("an object") };
        assert_eq!(m.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!((v.get("a").unwrap().as_whole(), v.get("b").unwrap().as_whole()), (Some(3), Some(2)));
    }

    #[test]
    fn errors_say_where() {
        let e = Value::parse("{\n  \"a\": tru }").unwrap_err();
        assert_eq!((e.what, e.line, e.column), ("expected a value", 2, 8));
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"\u{1}\"", "[1] x", "\"\\q\"", "{1:2}", "1e"] {
            assert!(Value::parse(bad).is_err(), "{bad:?} should fail");
        }
        assert!(Value::parse(&"[".repeat(200)).is_err());
    }
}
