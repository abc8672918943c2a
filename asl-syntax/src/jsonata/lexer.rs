//! The JSONata tokenizer (jsonata-js `tokenizer`).

use super::JsonataError;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// An operator or punctuation, including the keywords `and`, `or`, `in`.
    Op(&'static str),
    Name(String),
    /// `$name` (without `$`).
    Var(String),
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    Regex(String, String),
    End,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    /// Byte offset of the first character.
    pub start: usize,
}

/// Two-character operators, longest match first.
const DOUBLE: &[&str] = &["..", ":=", "!=", ">=", "<=", "**", "~>"];
/// JSONata 2.1 operators, only with `ParseOptions::default_operators`.
const DOUBLE_21: &[&str] = &["?:", "??"];
/// Single-character operators (these also end a name).
const SINGLE: &[&str] = &[
    ".", "[", "]", "{", "}", "(", ")", ",", "@", "#", ";", ":", "?", "+", "-", "*", "/", "%", "|",
    "=", "<", ">", "^", "&", "!", "~",
];

fn single(c: char) -> Option<&'static str> {
    let mut buf = [0u8; 4];
    let s: &str = c.encode_utf8(&mut buf);
    SINGLE.iter().copied().find(|op| *op == s)
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{0B}')
}

pub(crate) fn error(code: &'static str, offset: usize, token: &str) -> JsonataError {
    let message = match code {
        "S0101" => "String literal must be terminated by a matching quote".to_string(),
        "S0102" => format!("Number out of range: {token}"),
        "S0103" => format!("Unsupported escape sequence: \\{token}"),
        "S0104" => "The escape sequence \\u must be followed by 4 hex digits".to_string(),
        "S0105" => "Quoted property name must be terminated with a backquote (`)".to_string(),
        "S0106" => "Comment has no closing tag".to_string(),
        "S0201" => format!("Syntax error: {token}"),
        "S0203" => format!("Expected {token} before end of expression"),
        "S0208" => format!(
            "Parameter {token} of function definition must be a variable name (start with $)"
        ),
        "S0204" => format!("Unknown operator: {token}"),
        "S0207" => "Unexpected end of expression".to_string(),
        "S0209" => "A predicate cannot follow a grouping expression in a step".to_string(),
        "S0210" => "Each step can only have one grouping expression".to_string(),
        "S0211" => format!("The symbol {token} cannot be used as a unary operator"),
        "S0212" => "The left side of := must be a variable name (start with $)".to_string(),
        "S0213" => {
            format!("The literal value {token} cannot be used as a step within a path expression")
        }
        "S0214" => format!("The right side of {token} must be a variable name (start with $)"),
        "S0215" => "A context variable binding must precede any predicates on a step".to_string(),
        "S0216" => {
            "A context variable binding must precede the 'order-by' clause on a step".to_string()
        }
        "S0217" => "The object representing the 'parent' cannot be derived from this expression"
            .to_string(),
        "S0299" => "expression nests too deeply".to_string(),
        "S0301" => "Empty regular expressions are not allowed".to_string(),
        "S0401" => "Type parameters can only be applied to functions and arrays".to_string(),
        "S0402" => "Choice groups containing parameterized types are not supported".to_string(),
        "S0302" => "No terminating / in regular expression".to_string(),
        _ => token.to_string(),
    };
    JsonataError {
        code,
        message,
        offset,
    }
}

pub(crate) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    default_operators: bool,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str, default_operators: bool) -> Self {
        Lexer {
            src,
            pos: 0,
            default_operators,
        }
    }

    pub fn len(&self) -> usize {
        self.src.len()
    }

    pub fn source(&self) -> &'a str {
        self.src
    }

    /// Continues lexing at byte offset `pos` (after a raw scan by the parser).
    pub fn set_pos(&mut self, pos: usize) {
        self.pos = pos;
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// The next token. `regex`: a `/` starts a regular expression (prefix position).
    pub fn next(&mut self, regex: bool) -> Result<Token, JsonataError> {
        loop {
            while let Some(c) = self.peek() {
                if is_space(c) {
                    self.pos += c.len_utf8();
                } else {
                    break;
                }
            }
            if self.rest().starts_with("/*") {
                let start = self.pos;
                match self.src[start + 2..].find("*/") {
                    Some(end) => self.pos = start + 2 + end + 2,
                    None => return Err(error("S0106", start, "")),
                }
                continue;
            }
            break;
        }
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Ok(Token {
                tok: Tok::End,
                start,
            });
        };
        if regex && c == '/' {
            self.pos += 1;
            return self.regex(start);
        }
        let mut ops = DOUBLE.iter().copied().chain(
            if self.default_operators {
                DOUBLE_21
            } else {
                &[]
            }
            .iter()
            .copied(),
        );
        if let Some(op) = ops.find(|op| self.rest().starts_with(op)) {
            self.pos += 2;
            return Ok(Token {
                tok: Tok::Op(op),
                start,
            });
        }
        if let Some(op) = single(c) {
            self.pos += 1;
            return Ok(Token {
                tok: Tok::Op(op),
                start,
            });
        }
        if c == '"' || c == '\'' {
            self.pos += 1;
            return self.string(c, start);
        }
        if c.is_ascii_digit() {
            return self.number(start);
        }
        if c == '`' {
            let from = start + 1;
            return match self.src[from..].find('`') {
                Some(end) => {
                    self.pos = from + end + 1;
                    Ok(Token {
                        tok: Tok::Name(self.src[from..from + end].to_string()),
                        start,
                    })
                }
                None => Err(error("S0105", self.src.len(), "")),
            };
        }
        // a name or variable: up to whitespace or a single-character operator
        let end = self
            .rest()
            .find(|ch: char| is_space(ch) || single(ch).is_some())
            .map_or(self.src.len(), |i| self.pos + i);
        let word = &self.src[start..end];
        self.pos = end;
        let tok = if let Some(var) = word.strip_prefix('$') {
            Tok::Var(var.to_string())
        } else {
            match word {
                "and" => Tok::Op("and"),
                "or" => Tok::Op("or"),
                "in" => Tok::Op("in"),
                "true" => Tok::Bool(true),
                "false" => Tok::Bool(false),
                "null" => Tok::Null,
                _ => Tok::Name(word.to_string()),
            }
        };
        Ok(Token { tok, start })
    }

    fn regex(&mut self, start: usize) -> Result<Token, JsonataError> {
        let body = self.pos;
        let bytes = self.src.as_bytes();
        let mut depth: i64 = 0;
        let mut i = body;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'/' && depth == 0 {
                let mut backslashes = 0;
                while i > body + backslashes && bytes[i - 1 - backslashes] == b'\\' {
                    backslashes += 1;
                }
                if backslashes % 2 == 0 {
                    let pattern = &self.src[body..i];
                    if pattern.is_empty() {
                        return Err(error("S0301", i, ""));
                    }
                    let mut j = i + 1;
                    while j < bytes.len() && (bytes[j] == b'i' || bytes[j] == b'm') {
                        j += 1;
                    }
                    self.pos = j;
                    return Ok(Token {
                        tok: Tok::Regex(pattern.to_string(), self.src[i + 1..j].to_string()),
                        start,
                    });
                }
            }
            let escaped = i > 0 && bytes[i - 1] == b'\\';
            if matches!(b, b'(' | b'[' | b'{') && !escaped {
                depth += 1;
            }
            if matches!(b, b')' | b']' | b'}') && !escaped {
                depth -= 1;
            }
            i += 1;
        }
        Err(error("S0302", self.src.len(), ""))
    }

    fn string(&mut self, quote: char, start: usize) -> Result<Token, JsonataError> {
        let mut out = String::new();
        let mut pending_high: Option<u32> = None;
        let mut chars = self.src[self.pos..].char_indices();
        let base = self.pos;
        while let Some((i, c)) = chars.next() {
            if c != '\\'
                && let Some(_high) = pending_high.take()
            {
                out.push('\u{FFFD}');
            }
            if c == '\\' {
                let Some((j, e)) = chars.next() else { break };
                let simple = match e {
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '/' => Some('/'),
                    'b' => Some('\u{8}'),
                    'f' => Some('\u{C}'),
                    'n' => Some('\n'),
                    'r' => Some('\r'),
                    't' => Some('\t'),
                    _ => None,
                };
                if let Some(s) = simple {
                    if pending_high.take().is_some() {
                        out.push('\u{FFFD}');
                    }
                    out.push(s);
                } else if e == 'u' {
                    let hex = self
                        .src
                        .get(base + j + 1..base + j + 5)
                        .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
                    let Some(hex) = hex else {
                        return Err(error("S0104", base + j, ""));
                    };
                    let unit = u32::from_str_radix(hex, 16).unwrap_or(0xFFFD);
                    for _ in 0..4 {
                        chars.next();
                    }
                    // JavaScript strings are UTF-16: pair surrogates, replace lone ones
                    match (pending_high.take(), unit) {
                        (Some(high), 0xDC00..=0xDFFF) => {
                            let cp = 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00);
                            out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                        }
                        (prev, _) => {
                            if prev.is_some() {
                                out.push('\u{FFFD}');
                            }
                            match unit {
                                0xD800..=0xDBFF => pending_high = Some(unit),
                                _ => out.push(char::from_u32(unit).unwrap_or('\u{FFFD}')),
                            }
                        }
                    }
                } else {
                    return Err(error("S0103", base + j, &e.to_string()));
                }
            } else if c == quote {
                self.pos = base + i + 1;
                return Ok(Token {
                    tok: Tok::Str(out),
                    start,
                });
            } else {
                out.push(c);
            }
        }
        Err(error("S0101", self.src.len(), ""))
    }

    fn number(&mut self, start: usize) -> Result<Token, JsonataError> {
        // -?(0|([1-9][0-9]*))(\.[0-9]+)?([Ee][-+]?[0-9]+)?  (the sign is an operator here)
        let b = self.src.as_bytes();
        let digits = |mut i: usize| {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            i
        };
        let mut i = if b[start] == b'0' {
            start + 1
        } else {
            digits(start)
        };
        if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
            i = digits(i + 1);
        }
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            let mut j = i + 1;
            if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                j += 1;
            }
            if j < b.len() && b[j].is_ascii_digit() {
                i = digits(j);
            }
        }
        let text = &self.src[start..i];
        self.pos = i;
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Token {
                tok: Tok::Num(n),
                start,
            }),
            _ => Err(error("S0102", start, text)),
        }
    }
}
