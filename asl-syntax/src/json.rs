//! The spanned JSON model every front door produces, and the text reader.
//!
//! `serde_json` is not used for reading definitions because it forgets where values were
//! written and silently keeps the last of two duplicate keys; both matter to a compiler.
//! The token reader (in `asl-codegen`) produces the same [`Value`] from Rust tokens.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::span::Span;

/// Deepest nesting of arrays and objects accepted. Every pass after reading recurses over the
/// value, so the limit is what keeps a hostile definition from overflowing the stack.
/// AWS answers `TOO_DEEPLY_NESTED` past its own (undocumented) limit.
pub const MAX_DEPTH: usize = 400;

/// A JSON value that remembers where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// What the value is.
    pub kind: Kind,
    /// Where the value is written.
    pub span: Span,
}

/// The kind of a JSON value, with its contents.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as `serde_json` holds it.
    Number(serde_json::Number),
    /// A string, escapes decoded.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object: its members in source order (duplicate keys are reported by the readers).
    Object(Vec<Member>),
}

/// One `"key": value` pair of an object, in source order.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// The key, escapes decoded.
    pub key: String,
    /// Where the key is written.
    pub key_span: Span,
    /// The value.
    pub value: Value,
}

impl Value {
    /// A value of `kind` written at `span`.
    pub fn new(kind: Kind, span: Span) -> Self {
        Value { kind, span }
    }

    /// The string, if the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if the value is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The number, if the value is one.
    pub fn as_number(&self) -> Option<&serde_json::Number> {
        match &self.kind {
            Kind::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The number as an `f64`, if the value is one.
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number().and_then(|n| n.as_f64())
    }

    /// The value as an integer, if it is a JSON number with no fractional part
    /// (`3` and `3.0` both count, as they do for AWS's Jackson-based validator).
    pub fn as_i64(&self) -> Option<i64> {
        let n = self.as_number()?;
        if let Some(i) = n.as_i64() {
            return Some(i);
        }
        let f = n.as_f64()?;
        (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64)
    }

    /// The elements, if the value is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The members, if the value is an object.
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            Kind::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Whether the value is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }

    /// Looks a key up in an object (first occurrence; duplicates are rejected by the readers).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?
            .iter()
            .find(|m| m.key == key)
            .map(|m| &m.value)
    }

    /// The JSON type name used in diagnostics.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "boolean",
            Kind::Number(_) => "number",
            Kind::String(_) => "string",
            Kind::Array(_) => "array",
            Kind::Object(_) => "object",
        }
    }

    /// Converts to a plain `serde_json::Value`, keeping key order.
    pub fn to_json(&self) -> serde_json::Value {
        // Iterative would be nicer, but depth is bounded by MAX_DEPTH.
        match &self.kind {
            Kind::Null => serde_json::Value::Null,
            Kind::Bool(b) => serde_json::Value::Bool(*b),
            Kind::Number(n) => serde_json::Value::Number(n.clone()),
            Kind::String(s) => serde_json::Value::String(s.clone()),
            Kind::Array(a) => serde_json::Value::Array(a.iter().map(Value::to_json).collect()),
            Kind::Object(m) => serde_json::Value::Object(
                m.iter()
                    .map(|m| (m.key.clone(), m.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Reports duplicate keys in one object (serde_json would silently keep the last one).
/// Shared by the text and token readers.
pub fn check_duplicate_keys(members: &[Member], diags: &mut Diagnostics) {
    for (i, m) in members.iter().enumerate() {
        if let Some(first) = members[..i].iter().find(|p| p.key == m.key) {
            diags.push(
                Diagnostic::error(
                    Code::SchemaValidationFailed,
                    format!("duplicate key '{}'", m.key),
                    m.key_span,
                )
                .with_note(first.key_span, "first defined here"),
            );
        }
    }
}

/// Reads JSON text (RFC 8259, nothing lenient) into a spanned [`Value`].
///
/// Errors are `INVALID_JSON_DESCRIPTION` diagnostics with a byte span; reading stops at the first
/// syntax error (there is no sensible recovery in JSON), but duplicate keys are all reported.
pub fn parse_text(text: &str, diags: &mut Diagnostics) -> Option<Value> {
    let mut p = TextParser {
        src: text.as_bytes(),
        text,
        pos: 0,
        diags,
    };
    p.skip_ws();
    if p.pos == p.src.len() {
        p.diags.push(Diagnostic::error(
            Code::SchemaValidationFailed,
            "Definition must be a valid JSON object",
            Span::new(0, text.len() as u32),
        ));
        return None;
    }
    let v = p.value(0)?;
    p.skip_ws();
    if p.pos != p.src.len() {
        let at = p.pos;
        p.err(
            at,
            at + 1,
            "unexpected trailing characters after the JSON value",
        );
        return None;
    }
    Some(v)
}

struct TextParser<'a, 'd> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    diags: &'d mut Diagnostics,
}

impl TextParser<'_, '_> {
    fn err(&mut self, lo: usize, hi: usize, msg: impl Into<String>) {
        let hi = hi.min(self.src.len()).max(lo);
        self.diags.push(Diagnostic::error(
            Code::InvalidJsonDescription,
            msg,
            Span::new(lo as u32, hi as u32),
        ));
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.src.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn describe_here(&self) -> String {
        match self.text[self.pos..].chars().next() {
            None => "end of input".to_string(),
            Some(c) => format!("'{}'", c.escape_debug()),
        }
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            let at = self.pos;
            self.diags.push(Diagnostic::error(
                Code::TooDeeplyNested,
                format!(
                    "the definition nests arrays and objects more than {MAX_DEPTH} levels deep"
                ),
                Span::new(at as u32, at as u32 + 1),
            ));
            return None;
        }
        self.skip_ws();
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'{') => return self.object(depth),
            Some(b'[') => return self.array(depth),
            Some(b'"') => Kind::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => Kind::Number(self.number()?),
            Some(b't') => self.keyword("true", Kind::Bool(true))?,
            Some(b'f') => self.keyword("false", Kind::Bool(false))?,
            Some(b'n') => self.keyword("null", Kind::Null)?,
            _ => {
                let found = self.describe_here();
                let end = self.pos
                    + self.text[self.pos..]
                        .chars()
                        .next()
                        .map_or(0, char::len_utf8);
                self.err(
                    self.pos,
                    end,
                    format!("expected a JSON value, found {found}"),
                );
                return None;
            }
        };
        Some(Value::new(kind, Span::new(start as u32, self.pos as u32)))
    }

    fn keyword(&mut self, word: &str, kind: Kind) -> Option<Kind> {
        if self.src[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Some(kind)
        } else {
            let end = self.src[self.pos..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .map_or(self.src.len(), |n| self.pos + n);
            let found = String::from_utf8_lossy(&self.src[self.pos..end]).into_owned();
            self.err(
                self.pos,
                end,
                format!("expected a JSON value, found '{found}'"),
            );
            None
        }
    }

    fn number(&mut self) -> Option<serde_json::Number> {
        let start = self.pos;
        let s = self.src;
        let mut i = self.pos;
        if s.get(i) == Some(&b'-') {
            i += 1;
        }
        match s.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while let Some(b'0'..=b'9') = s.get(i) {
                    i += 1;
                }
            }
            _ => {
                self.err(start, i + 1, "invalid number");
                return None;
            }
        }
        if s.get(i) == Some(&b'.') {
            i += 1;
            let d = i;
            while let Some(b'0'..=b'9') = s.get(i) {
                i += 1;
            }
            if d == i {
                self.err(start, i + 1, "invalid number: expected digits after '.'");
                return None;
            }
        }
        if let Some(b'e' | b'E') = s.get(i) {
            i += 1;
            if let Some(b'+' | b'-') = s.get(i) {
                i += 1;
            }
            let d = i;
            while let Some(b'0'..=b'9') = s.get(i) {
                i += 1;
            }
            if d == i {
                self.err(
                    start,
                    i + 1,
                    "invalid number: expected digits in the exponent",
                );
                return None;
            }
        }
        self.pos = i;
        let lit = &self.text[start..i];
        match parse_number(lit) {
            Some(n) => Some(n),
            None => {
                self.err(start, i, format!("number {lit} is out of range"));
                None
            }
        }
    }

    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let run = self.pos;
            while let Some(&b) = self.src.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run..self.pos]);
            match self.peek() {
                None => {
                    self.err(start, self.src.len(), "unterminated string");
                    return None;
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Some(out);
                }
                Some(b'\\') => {
                    let esc = self.pos;
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let hi = self.hex4(esc)?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                if self.src[self.pos..].starts_with(b"\\u") {
                                    self.pos += 2;
                                    let lo = self.hex4(esc)?;
                                    if (0xDC00..0xE000).contains(&lo) {
                                        char::from_u32(
                                            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00),
                                        )
                                    } else {
                                        None
                                    }
                                } else {
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            match c {
                                Some(c) => {
                                    out.push(c);
                                    continue;
                                }
                                None => {
                                    self.err(
                                        esc,
                                        self.pos,
                                        "invalid unicode escape (unpaired surrogate)",
                                    );
                                    return None;
                                }
                            }
                        }
                        _ => {
                            let end = (self.pos + 1).min(self.src.len());
                            self.err(esc, end, "invalid escape sequence in string");
                            return None;
                        }
                    };
                    self.pos += 1;
                    out.push(c);
                }
                Some(_) => {
                    self.err(
                        self.pos,
                        self.pos + 1,
                        "control character in string must be escaped",
                    );
                    return None;
                }
            }
        }
    }

    fn hex4(&mut self, esc: usize) -> Option<u32> {
        let digits = self.src.get(self.pos..self.pos + 4);
        let v = digits
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
            .and_then(|d| u32::from_str_radix(std::str::from_utf8(d).ok()?, 16).ok());
        match v {
            Some(v) => {
                self.pos += 4;
                Some(v)
            }
            None => {
                self.err(
                    esc,
                    (self.pos + 4).min(self.src.len()),
                    "invalid unicode escape",
                );
                None
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Value> {
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Some(Value::new(
                Kind::Array(items),
                Span::new(start as u32, self.pos as u32),
            ));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Some(Value::new(
                        Kind::Array(items),
                        Span::new(start as u32, self.pos as u32),
                    ));
                }
                _ => {
                    let found = self.describe_here();
                    self.err(
                        self.pos,
                        self.pos + 1,
                        format!("expected ',' or ']' in array, found {found}"),
                    );
                    return None;
                }
            }
        }
    }

    fn object(&mut self, depth: usize) -> Option<Value> {
        let start = self.pos;
        self.pos += 1;
        let mut members: Vec<Member> = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Some(Value::new(
                Kind::Object(members),
                Span::new(start as u32, self.pos as u32),
            ));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                let found = self.describe_here();
                self.err(
                    self.pos,
                    self.pos + 1,
                    format!("expected a string key in object, found {found}"),
                );
                return None;
            }
            let kstart = self.pos;
            let key = self.string()?;
            let key_span = Span::new(kstart as u32, self.pos as u32);
            self.skip_ws();
            if self.peek() != Some(b':') {
                let found = self.describe_here();
                self.err(
                    self.pos,
                    self.pos + 1,
                    format!("expected ':' after object key, found {found}"),
                );
                return None;
            }
            self.pos += 1;
            let value = self.value(depth + 1)?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    check_duplicate_keys(&members, self.diags);
                    return Some(Value::new(
                        Kind::Object(members),
                        Span::new(start as u32, self.pos as u32),
                    ));
                }
                _ => {
                    let found = self.describe_here();
                    self.err(
                        self.pos,
                        self.pos + 1,
                        format!("expected ',' or '}}' in object, found {found}"),
                    );
                    return None;
                }
            }
        }
    }
}

/// Parses a JSON number literal the way `serde_json` does (integers stay integers).
pub fn parse_number(lit: &str) -> Option<serde_json::Number> {
    match serde_json::from_str::<serde_json::Value>(lit) {
        Ok(serde_json::Value::Number(n)) => Some(n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> (Option<Value>, Diagnostics) {
        let mut d = Diagnostics::default();
        let v = parse_text(s, &mut d);
        (v, d)
    }

    #[test]
    fn spans_point_at_values() {
        let src = r#"{"a": [1, "x", true]}"#;
        let (v, d) = read(src);
        assert!(d.is_empty());
        let v = v.unwrap();
        let arr = v.get("a").unwrap();
        let x = &arr.as_array().unwrap()[1];
        assert_eq!(&src[x.span.lo as usize..x.span.hi as usize], "\"x\"");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let (_, d) = read(r#"{"a": 1, "b": 2, "a": 3}"#);
        assert_eq!(d.len(), 1);
        assert!(
            d.iter()
                .next()
                .unwrap()
                .message
                .contains("duplicate key 'a'")
        );
    }

    #[test]
    fn escapes_and_surrogates() {
        let (v, d) = read(r#""a\n\u00e9\ud83d\ude00\/""#);
        assert!(d.is_empty());
        assert_eq!(v.unwrap().as_str(), Some("a\né😀/"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = "[".repeat(100_000);
        let (v, d) = read(&src);
        assert!(v.is_none());
        assert_eq!(d.iter().next().unwrap().code, Code::TooDeeplyNested);
    }

    #[test]
    fn malformed_inputs_report_errors() {
        for s in [
            "{",
            "{\"a\" 1}",
            "[1,]",
            "01",
            "1.",
            "\"abc",
            "tru",
            "{}x",
            "-",
            "\"\\x\"",
        ] {
            let (v, d) = read(s);
            assert!(v.is_none(), "{s}");
            assert!(!d.is_empty(), "{s}");
        }
    }
}
