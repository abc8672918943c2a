//! Intrinsic function calls `States.Xxx(...)` (ASL-FN-*), parsed at compile time.
//!
//! The AST is data that generated code holds in a `static`: every string is a
//! `Cow<'static, str>` and every list a `Cow<'static, [_]>`, so a nested call is just another
//! [`Arg::Call`] inside its parent's argument slice.
//!
//! ```
//! use asl_syntax::intrinsic::{parse, Func};
//! let call = parse("States.MathAdd(1, 2)").unwrap();
//! assert_eq!(call.func, Func::MathAdd);
//! assert!(parse("States.MathAdd(1, 2, 3)").is_err());
//! ```
//!
//! What is checked here (and reported by the checker as compile errors): the syntax (ASL-FN-00b),
//! string escapes (ASL-FN-00c), nesting depth (ASL-FN-00d), the function name, the number of
//! arguments, and the type of every argument whose type is known without running the machine
//! (literals and the results of nested calls).

use crate::path::{self, Path, PathError};
use std::borrow::Cow;
use std::fmt;

/// Deepest nesting of calls in one field, the outermost call included (ASL-FN-00d).
pub const MAX_NESTING: usize = 10;

/// The 18 intrinsic functions (ASL-FN-01 … ASL-FN-18).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Func {
    /// `States.Format` (ASL-FN-01).
    Format,
    /// `States.StringToJson` (ASL-FN-02).
    StringToJson,
    /// `States.JsonToString` (ASL-FN-03).
    JsonToString,
    /// `States.Array` (ASL-FN-04).
    Array,
    /// `States.ArrayPartition` (ASL-FN-05).
    ArrayPartition,
    /// `States.ArrayContains` (ASL-FN-06).
    ArrayContains,
    /// `States.ArrayRange` (ASL-FN-07).
    ArrayRange,
    /// `States.ArrayGetItem` (ASL-FN-08).
    ArrayGetItem,
    /// `States.ArrayLength` (ASL-FN-09).
    ArrayLength,
    /// `States.ArrayUnique` (ASL-FN-10).
    ArrayUnique,
    /// `States.Base64Encode` (ASL-FN-11).
    Base64Encode,
    /// `States.Base64Decode` (ASL-FN-12).
    Base64Decode,
    /// `States.Hash` (ASL-FN-13).
    Hash,
    /// `States.JsonMerge` (ASL-FN-14).
    JsonMerge,
    /// `States.MathRandom` (ASL-FN-15).
    MathRandom,
    /// `States.MathAdd` (ASL-FN-16).
    MathAdd,
    /// `States.StringSplit` (ASL-FN-17).
    StringSplit,
    /// `States.UUID` (ASL-FN-18).
    Uuid,
}

/// The JSON type an argument must have, or a call returns, as far as it is known statically.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// Not known statically (a path, or a function returning various types).
    Any,
    /// A JSON string.
    String,
    /// A JSON number.
    Number,
    /// A JSON boolean.
    Bool,
    /// A JSON array.
    Array,
    /// A JSON object.
    Object,
    /// JSON `null`.
    Null,
}

impl Ty {
    fn describe(self) -> &'static str {
        match self {
            Ty::Any => "any value",
            Ty::String => "a string",
            Ty::Number => "a number",
            Ty::Bool => "a boolean",
            Ty::Array => "an array",
            Ty::Object => "an object",
            Ty::Null => "null",
        }
    }
}

impl Func {
    /// Every function, in the order of the AWS documentation.
    pub const ALL: [Func; 18] = [
        Func::Format,
        Func::StringToJson,
        Func::JsonToString,
        Func::Array,
        Func::ArrayPartition,
        Func::ArrayContains,
        Func::ArrayRange,
        Func::ArrayGetItem,
        Func::ArrayLength,
        Func::ArrayUnique,
        Func::Base64Encode,
        Func::Base64Decode,
        Func::Hash,
        Func::JsonMerge,
        Func::MathRandom,
        Func::MathAdd,
        Func::StringSplit,
        Func::Uuid,
    ];

    /// The full name, `States.Format`.
    pub fn name(self) -> &'static str {
        match self {
            Func::Format => "States.Format",
            Func::StringToJson => "States.StringToJson",
            Func::JsonToString => "States.JsonToString",
            Func::Array => "States.Array",
            Func::ArrayPartition => "States.ArrayPartition",
            Func::ArrayContains => "States.ArrayContains",
            Func::ArrayRange => "States.ArrayRange",
            Func::ArrayGetItem => "States.ArrayGetItem",
            Func::ArrayLength => "States.ArrayLength",
            Func::ArrayUnique => "States.ArrayUnique",
            Func::Base64Encode => "States.Base64Encode",
            Func::Base64Decode => "States.Base64Decode",
            Func::Hash => "States.Hash",
            Func::JsonMerge => "States.JsonMerge",
            Func::MathRandom => "States.MathRandom",
            Func::MathAdd => "States.MathAdd",
            Func::StringSplit => "States.StringSplit",
            Func::Uuid => "States.UUID",
        }
    }

    /// Looks a function up by its full name (`States.Format`); names are case-sensitive.
    pub fn from_name(name: &str) -> Option<Func> {
        Func::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Fewest and most arguments (`None`: no upper bound).
    pub fn arity(self) -> (usize, Option<usize>) {
        match self {
            Func::Format => (1, None),
            Func::Array => (0, None),
            Func::Uuid => (0, Some(0)),
            Func::StringToJson
            | Func::JsonToString
            | Func::ArrayLength
            | Func::ArrayUnique
            | Func::Base64Encode
            | Func::Base64Decode => (1, Some(1)),
            Func::ArrayPartition
            | Func::ArrayContains
            | Func::ArrayGetItem
            | Func::Hash
            | Func::MathAdd
            | Func::StringSplit => (2, Some(2)),
            Func::ArrayRange | Func::JsonMerge => (3, Some(3)),
            Func::MathRandom => (2, Some(3)),
        }
    }

    /// Whether AWS accepts the function where a string is needed: a Fail state's
    /// `ErrorPath`/`CausePath` (ASL-FN-00a, ASL-FL-02): Format, JsonToString, ArrayGetItem,
    /// Base64Encode, Base64Decode, Hash, UUID. (ArrayGetItem is on AWS's list although the item
    /// may be of any type; the runtime checks the value, see `asl_runtime::intrinsics`.)
    pub fn returns_string(self) -> bool {
        self.returns() == Ty::String || self == Func::ArrayGetItem
    }

    /// The JSON type of the result, when it does not depend on the data.
    pub fn returns(self) -> Ty {
        match self {
            Func::Format
            | Func::JsonToString
            | Func::Base64Encode
            | Func::Base64Decode
            | Func::Hash
            | Func::Uuid => Ty::String,
            // ArrayGetItem returns an element: any type (see `returns_string`).
            Func::StringToJson | Func::ArrayGetItem => Ty::Any,
            Func::Array
            | Func::ArrayPartition
            | Func::ArrayRange
            | Func::ArrayUnique
            | Func::StringSplit => Ty::Array,
            Func::ArrayContains => Ty::Bool,
            Func::ArrayLength | Func::MathRandom | Func::MathAdd => Ty::Number,
            Func::JsonMerge => Ty::Object,
        }
    }

    /// The type the `i`-th argument must have.
    pub fn param(self, i: usize) -> Ty {
        match (self, i) {
            (Func::Format, 0) => Ty::String,
            (Func::StringToJson, _) => Ty::String,
            (Func::ArrayPartition, 0)
            | (Func::ArrayContains, 0)
            | (Func::ArrayGetItem, 0)
            | (Func::ArrayLength, _)
            | (Func::ArrayUnique, _) => Ty::Array,
            (Func::ArrayPartition, 1) | (Func::ArrayGetItem, 1) => Ty::Number,
            (Func::ArrayRange, _) | (Func::MathRandom, _) | (Func::MathAdd, _) => Ty::Number,
            (Func::Base64Encode, _) | (Func::Base64Decode, _) => Ty::String,
            (Func::Hash, 1) => Ty::String,
            (Func::JsonMerge, 0) | (Func::JsonMerge, 1) => Ty::Object,
            (Func::JsonMerge, 2) => Ty::Bool,
            (Func::StringSplit, _) => Ty::String,
            _ => Ty::Any,
        }
    }
}

impl fmt::Display for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One intrinsic function call.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The function called.
    pub func: Func,
    /// The arguments, in order.
    pub args: Cow<'static, [Arg]>,
}

/// One argument of a call.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// The `null` literal.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer literal that fits an `i64`.
    Int(i64),
    /// Any other number literal (a fraction, an exponent, or a very large integer).
    Float(f64),
    /// A `'single-quoted'` string literal: the text between the quotes **as written**, with
    /// its escapes (`\'` `\{` `\}` `\\`, ASL-FN-00c) still in place, because `States.Format`
    /// must tell an escaped `\{}` from a placeholder. The parser has checked every escape;
    /// [`Arg::string_value`] gives the decoded text.
    String(Cow<'static, str>),
    /// `$…`, `$$…` or `$var…`.
    Path(Path),
    /// A nested call.
    Call(Call),
}

impl Arg {
    /// The decoded text of a string literal (`None` for other arguments).
    pub fn string_value(&self) -> Option<Cow<'_, str>> {
        match self {
            Arg::String(raw) => Some(unescape(raw)),
            _ => None,
        }
    }

    /// The JSON type of the argument's value, as far as it is known statically.
    pub fn ty(&self) -> Ty {
        match self {
            Arg::Null => Ty::Null,
            Arg::Bool(_) => Ty::Bool,
            Arg::Int(_) | Arg::Float(_) => Ty::Number,
            Arg::String(_) => Ty::String,
            Arg::Path(_) => Ty::Any,
            Arg::Call(c) => c.func.returns(),
        }
    }

    /// The value of a number literal.
    pub fn number(&self) -> Option<f64> {
        match self {
            Arg::Int(i) => Some(*i as f64),
            Arg::Float(f) => Some(*f),
            _ => None,
        }
    }
}

/// Decodes the escapes of a string literal's source text: `\x` becomes `x`. (Only `\'` `\{`
/// `\}` `\\` pass the parser; a dangling `\` is kept.)
pub fn unescape(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\\') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.push(chars.next().unwrap_or('\\'));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Java's `Math.round` (floor(x + 0.5), half toward +∞), which AWS applies wherever an
/// intrinsic needs an integer (ASL-FN-00f, ASL-SUB-16). Not Rust's `f64::round`.
pub fn java_round(x: f64) -> f64 {
    let f = x.floor();
    if x - f >= 0.5 { f + 1.0 } else { f }
}

/// The number of `{}` placeholders in a `States.Format` template as written (escapes still in
/// place: `\{}` is not a placeholder). `None` when the template ends with a dangling `\`.
pub fn count_placeholders(raw: &str) -> Option<usize> {
    let b = raw.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < b.len() {
        match b[i] {
            b'\\' if i + 1 >= b.len() => return None,
            b'\\' => i += 2,
            b'{' if b.get(i + 1) == Some(&b'}') => {
                n += 1;
                i += 2;
            }
            _ => i += 1,
        }
    }
    Some(n)
}

/// Why an intrinsic call was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntrinsicError {
    /// What is wrong.
    pub message: String,
    /// Byte offset in the call text.
    pub offset: usize,
}

impl fmt::Display for IntrinsicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at offset {})", self.message, self.offset)
    }
}

impl std::error::Error for IntrinsicError {}

/// Whether a `.$` value is meant as an intrinsic call rather than a path: `States.` then a
/// name then `(`.
pub fn looks_like_call(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("States.") else {
        return false;
    };
    let name_len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
    name_len > 0 && rest.as_bytes().get(name_len) == Some(&b'(')
}

/// Parses and checks one intrinsic call, e.g. `States.Format('{}', $.a)`.
pub fn parse(text: &str) -> Result<Call, IntrinsicError> {
    parse_with(text, &path::parse)
}

/// [`parse`] with another path parser (tests, and front ends that pre-parse paths).
#[doc(hidden)]
pub fn parse_with(
    text: &str,
    path_parser: &dyn Fn(&str) -> Result<Path, PathError>,
) -> Result<Call, IntrinsicError> {
    let mut p = Parser {
        src: text,
        pos: 0,
        path_parser,
    };
    let call = p.call(1)?;
    p.skip_ws();
    if p.pos < text.len() {
        return Err(p.err("unexpected text after the closing ')' of the intrinsic call"));
    }
    Ok(call)
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    path_parser: &'a dyn Fn(&str) -> Result<Path, PathError>,
}

impl Parser<'_> {
    fn err(&self, message: impl Into<String>) -> IntrinsicError {
        IntrinsicError {
            message: message.into(),
            offset: self.pos,
        }
    }

    fn err_at(&self, offset: usize, message: impl Into<String>) -> IntrinsicError {
        IntrinsicError {
            message: message.into(),
            offset,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn call(&mut self, depth: usize) -> Result<Call, IntrinsicError> {
        let start = self.pos;
        if depth > MAX_NESTING {
            return Err(self.err(format!(
                "intrinsic calls are nested more than {MAX_NESTING} deep (ASL-FN-00d)"
            )));
        }
        if !self.src[self.pos..].starts_with("States.") {
            return Err(self.err("an intrinsic function call must start with 'States.'"));
        }
        self.pos += "States.".len();
        let name_start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
            self.pos += 1;
        }
        let name = &self.src[start..self.pos];
        if self.pos == name_start {
            return Err(self.err("expected a function name after 'States.'"));
        }
        let func = Func::from_name(name).ok_or_else(|| {
            let mut msg = format!("unknown intrinsic function '{name}'");
            if let Some(s) = suggest(name) {
                msg.push_str(&format!("; did you mean '{s}'?"));
            } else {
                let all: Vec<_> = Func::ALL.iter().map(|f| f.name()).collect();
                msg.push_str(&format!("; the functions are {}", all.join(", ")));
            }
            self.err_at(start, msg)
        })?;
        if self.peek() != Some(b'(') {
            return Err(self.err(format!("expected '(' after '{name}'")));
        }
        self.pos += 1;
        let mut args = Vec::new();
        let mut arg_offsets = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b')') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                arg_offsets.push(self.pos);
                args.push(self.arg(depth)?);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    Some(_) => return Err(self.err("expected ',' or ')' after an argument")),
                    None => return Err(self.err(format!("missing ')' to close '{name}('"))),
                }
            }
        }
        check(func, &args, &arg_offsets, start)?;
        Ok(Call {
            func,
            args: Cow::Owned(args),
        })
    }

    fn arg(&mut self, depth: usize) -> Result<Arg, IntrinsicError> {
        let rest = &self.src[self.pos..];
        match self.peek() {
            None => Err(self.err("missing argument and ')'")),
            Some(b'\'') => self.string(),
            Some(b'$') => self.path(),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b',' | b')') => Err(self.err("empty argument")),
            _ if rest.starts_with("States.") => Ok(Arg::Call(self.call(depth + 1)?)),
            _ => {
                for (kw, arg) in [
                    ("true", Arg::Bool(true)),
                    ("false", Arg::Bool(false)),
                    ("null", Arg::Null),
                ] {
                    if rest.starts_with(kw) && self.ends_token(self.pos + kw.len()) {
                        self.pos += kw.len();
                        return Ok(arg);
                    }
                }
                Err(self.err(
                    "expected an argument: a 'string', a number, true, false, null, a path ($…) or an intrinsic call",
                ))
            }
        }
    }

    fn ends_token(&self, at: usize) -> bool {
        matches!(
            self.src.as_bytes().get(at),
            None | Some(b',' | b')' | b' ' | b'\t' | b'\n' | b'\r')
        )
    }

    fn string(&mut self) -> Result<Arg, IntrinsicError> {
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        let b = self.src.as_bytes();
        loop {
            match b.get(self.pos) {
                None => {
                    return Err(self.err_at(open, "unterminated string literal: missing closing '"));
                }
                Some(b'\'') => break,
                Some(b'\\') => match b.get(self.pos + 1) {
                    Some(b'\'' | b'{' | b'}' | b'\\') => self.pos += 2,
                    None => return Err(self.err("dangling '\\' at the end of the string literal")),
                    Some(_) => {
                        return Err(self.err(
                            "invalid escape in a string literal: only \\' \\{ \\} and \\\\ are allowed (ASL-FN-00c)",
                        ));
                    }
                },
                Some(_) => self.pos += 1,
            }
        }
        let raw = self.src[start..self.pos].to_owned();
        self.pos += 1;
        Ok(Arg::String(Cow::Owned(raw)))
    }

    fn number(&mut self) -> Result<Arg, IntrinsicError> {
        let start = self.pos;
        let b = self.src.as_bytes();
        let digits = |p: &mut usize| {
            let s = *p;
            while b.get(*p).is_some_and(u8::is_ascii_digit) {
                *p += 1;
            }
            *p - s
        };
        let mut p = self.pos;
        if b.get(p) == Some(&b'-') {
            p += 1;
        }
        let int_start = p;
        let n = digits(&mut p);
        let bad = |at: usize| IntrinsicError {
            message: format!("invalid number literal '{}'", token_at(self.src, start)),
            offset: at,
        };
        if n == 0 || (n > 1 && b[int_start] == b'0') {
            return Err(bad(start));
        }
        let mut float = false;
        if b.get(p) == Some(&b'.') {
            p += 1;
            float = true;
            if digits(&mut p) == 0 {
                return Err(bad(start));
            }
        }
        if matches!(b.get(p), Some(b'e' | b'E')) {
            p += 1;
            float = true;
            if matches!(b.get(p), Some(b'+' | b'-')) {
                p += 1;
            }
            if digits(&mut p) == 0 {
                return Err(bad(start));
            }
        }
        if !self.ends_token(p) {
            return Err(bad(start));
        }
        let text = &self.src[start..p];
        self.pos = p;
        if let (false, Ok(i)) = (float, text.parse::<i64>()) {
            return Ok(Arg::Int(i));
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Arg::Float(f)),
            _ => Err(self.err_at(start, format!("number literal '{text}' is out of range"))),
        }
    }

    /// A path runs to the first `,` or `)` outside brackets, parentheses and quotes.
    fn path(&mut self) -> Result<Arg, IntrinsicError> {
        let start = self.pos;
        let b = self.src.as_bytes();
        let (mut brackets, mut parens, mut quote) = (0usize, 0usize, None::<u8>);
        let mut p = self.pos;
        while p < b.len() {
            let c = b[p];
            if let Some(q) = quote {
                if c == b'\\' {
                    p += 1;
                } else if c == q {
                    quote = None;
                }
            } else {
                match c {
                    b'\'' | b'"' if brackets > 0 || parens > 0 => quote = Some(c),
                    b'[' => brackets += 1,
                    b']' => brackets = brackets.saturating_sub(1),
                    b'(' => parens += 1,
                    b')' if parens > 0 => parens -= 1,
                    b',' | b')' if brackets == 0 => break,
                    _ => {}
                }
            }
            p += 1;
        }
        let p = p.min(b.len());
        let text = self.src[start..p].trim_end_matches([' ', '\t', '\n', '\r']);
        self.pos = start + text.len();
        match (self.path_parser)(text) {
            Ok(path) => Ok(Arg::Path(path)),
            Err(e) => Err(self.err_at(
                start + e.offset.min(text.len()),
                format!("invalid path argument '{text}': {}", e.message),
            )),
        }
    }
}

fn token_at(src: &str, start: usize) -> &str {
    let rest = &src[start..];
    let end = rest
        .find([',', ')', ' ', '\t', '\n', '\r'])
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The closest known name, when it is close enough to be a likely typo.
fn suggest(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    Func::ALL
        .iter()
        .map(|f| {
            (
                edit_distance(&lower, &f.name().to_ascii_lowercase()),
                f.name(),
            )
        })
        .min()
        .filter(|(d, _)| *d <= 3)
        .map(|(_, n)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn ordinal(i: usize) -> &'static str {
    [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth",
    ]
    .get(i)
    .copied()
    .unwrap_or("next")
}

/// Static checks of one call: arity, argument types, and the values of literal arguments.
fn check(
    func: Func,
    args: &[Arg],
    offsets: &[usize],
    call_at: usize,
) -> Result<(), IntrinsicError> {
    let name = func.name();
    let (min, max) = func.arity();
    if args.len() < min || max.is_some_and(|m| args.len() > m) {
        let expected = match max {
            Some(m) if m == min => format!("{m} argument{}", if m == 1 { "" } else { "s" }),
            Some(m) => format!("{min} to {m} arguments"),
            None => format!("at least {min} argument{}", if min == 1 { "" } else { "s" }),
        };
        return Err(IntrinsicError {
            message: format!("{name} takes {expected}, found {}", args.len()),
            offset: call_at,
        });
    }
    let at = |i: usize| offsets.get(i).copied().unwrap_or(call_at);
    let fail = |i: usize, msg: String| {
        Err(IntrinsicError {
            message: msg,
            offset: at(i),
        })
    };

    for (i, arg) in args.iter().enumerate() {
        let want = func.param(i);
        let have = arg.ty();
        if want != Ty::Any && have != Ty::Any && want != have {
            let what = match arg {
                Arg::Call(c) => format!("{} (the result of {})", have.describe(), c.func.name()),
                _ => format!("{} literal", have.describe()),
            };
            return fail(
                i,
                format!(
                    "the {} argument of {name} must be {}, found {what}",
                    ordinal(i),
                    want.describe()
                ),
            );
        }
    }

    let int_lit = |a: &Arg| a.number().map(java_round);
    match func {
        Func::Format => {
            if let Arg::String(raw) = &args[0] {
                match count_placeholders(raw) {
                    None => {
                        return fail(
                            0,
                            "the template of States.Format ends with a dangling '\\'".into(),
                        );
                    }
                    Some(n) if n != args.len() - 1 => {
                        return fail(
                            0,
                            format!(
                                "the template of States.Format has {n} '{{}}' placeholder{} but {} value{} follow{}",
                                if n == 1 { "" } else { "s" },
                                args.len() - 1,
                                if args.len() == 2 { "" } else { "s" },
                                if args.len() == 2 { "s" } else { "" },
                            ),
                        );
                    }
                    Some(_) => {}
                }
            }
        }
        Func::ArrayPartition if int_lit(&args[1]).is_some_and(|n| n <= 0.0) => {
            return fail(
                1,
                format!(
                    "the chunk size of States.ArrayPartition must be a positive integer, found {}",
                    fmt_num(&args[1])
                ),
            );
        }
        Func::ArrayGetItem if int_lit(&args[1]).is_some_and(|n| n < 0.0) => {
            return fail(
                1,
                format!(
                    "the index of States.ArrayGetItem must not be negative, found {}",
                    fmt_num(&args[1])
                ),
            );
        }
        Func::ArrayRange => {
            if int_lit(&args[2]) == Some(0.0) {
                return fail(2, "the step of States.ArrayRange must not be 0".into());
            }
            if let (Some(a), Some(b), Some(s)) =
                (int_lit(&args[0]), int_lit(&args[1]), int_lit(&args[2]))
            {
                let count = if (s > 0.0 && b >= a) || (s < 0.0 && b <= a) {
                    ((b - a) / s).floor() + 1.0
                } else {
                    0.0
                };
                if count > 1000.0 {
                    return fail(
                        0,
                        format!(
                            "States.ArrayRange would return {count} items; at most 1000 are allowed"
                        ),
                    );
                }
            }
        }
        Func::MathAdd => {
            for (i, a) in args.iter().enumerate() {
                if int_lit(a).is_some_and(|n| !(i32::MIN as f64..=i32::MAX as f64).contains(&n)) {
                    return fail(
                        i,
                        format!(
                            "the arguments of States.MathAdd must be between -2147483648 and 2147483647, found {}",
                            fmt_num(a)
                        ),
                    );
                }
            }
        }
        Func::MathRandom => {
            if let (Some(a), Some(b)) = (int_lit(&args[0]), int_lit(&args[1]))
                && a >= b
            {
                return fail(
                    1,
                    "the end of States.MathRandom must be greater than its start".into(),
                );
            }
        }
        Func::Hash => {
            if let Some(alg) = args[1]
                .string_value()
                .filter(|a| !HASH_ALGORITHMS.contains(&&**a))
            {
                return fail(
                    1,
                    format!(
                        "unknown hash algorithm '{alg}' for States.Hash; use one of {}",
                        HASH_ALGORITHMS.join(", ")
                    ),
                );
            }
            if args[0]
                .string_value()
                .is_some_and(|s| s.chars().count() > MAX_STRING_CHARS)
            {
                return fail(
                    0,
                    format!(
                        "the data of States.Hash must have at most {MAX_STRING_CHARS} characters"
                    ),
                );
            }
        }
        Func::Base64Encode | Func::Base64Decode
            if args[0]
                .string_value()
                .is_some_and(|s| s.chars().count() > MAX_STRING_CHARS) =>
        {
            return fail(
                0,
                format!("the argument of {name} must have at most {MAX_STRING_CHARS} characters"),
            );
        }
        Func::JsonMerge => {
            if let Arg::Bool(true) = args[2] {
                return fail(2, "States.JsonMerge supports only shallow merging: its third argument must be false".into());
            }
        }
        _ => {}
    }
    Ok(())
}

fn fmt_num(a: &Arg) -> String {
    match a {
        Arg::Int(i) => i.to_string(),
        Arg::Float(f) => f.to_string(),
        _ => String::new(),
    }
}

/// The algorithms `States.Hash` accepts (ASL-FN-13).
pub const HASH_ALGORITHMS: [&str; 5] = ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// Limit on the strings Base64Encode, Base64Decode and Hash accept (ASL-FN-11..13).
pub const MAX_STRING_CHARS: usize = 10_000;

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Call, IntrinsicError> {
        parse(text)
    }

    fn ok(text: &str) -> Call {
        p(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn err(text: &str) -> String {
        match p(text) {
            Ok(c) => panic!("{text} should be rejected, parsed as {c:?}"),
            Err(e) => e.message,
        }
    }

    #[test]
    fn names_round_trip() {
        for f in Func::ALL {
            assert_eq!(Func::from_name(f.name()), Some(f));
        }
        assert_eq!(Func::from_name("States.UUID"), Some(Func::Uuid));
        assert_eq!(Func::from_name("States.Uuid"), None);
        let strings: Vec<_> = Func::ALL
            .into_iter()
            .filter(|f| f.returns_string())
            .collect();
        // ASL-FL-02: the functions allowed in ErrorPath/CausePath.
        assert_eq!(
            strings,
            [
                Func::Format,
                Func::JsonToString,
                Func::ArrayGetItem,
                Func::Base64Encode,
                Func::Base64Decode,
                Func::Hash,
                Func::Uuid
            ]
        );
    }

    #[test]
    fn literals_asl_fn_00b() {
        let c =
            ok("States.Array('a', -1, 2.5, 1e3, -0.5E-2, true, false, null, 12345678901234567890)");
        assert_eq!(c.func, Func::Array);
        assert_eq!(
            &*c.args,
            &[
                Arg::String("a".into()),
                Arg::Int(-1),
                Arg::Float(2.5),
                Arg::Float(1000.0),
                Arg::Float(-0.005),
                Arg::Bool(true),
                Arg::Bool(false),
                Arg::Null,
                Arg::Float(12345678901234567890.0),
            ][..]
        );
        assert_eq!(ok("States.Array()").args.len(), 0);
        assert_eq!(ok("States.Array(  )").args.len(), 0);
        assert_eq!(ok("States.UUID()").func, Func::Uuid);
        assert_eq!(ok("States.Array( 1 ,\n\t2 )").args.len(), 2);
        for bad in [
            "States.Array(01)",
            "States.Array(1.)",
            "States.Array(.5)",
            "States.Array(+1)",
            "States.Array(1e)",
            "States.Array(-)",
            "States.Array(1e999)",
            "States.Array(truex)",
            "States.Array(True)",
            "States.Array(abc)",
        ] {
            err(bad);
        }
    }

    #[test]
    fn syntax_errors() {
        for bad in [
            "States.Array(",
            "States.Array(1,",
            "States.Array(1,)",
            "States.Array(,1)",
            "States.Array(1 2)",
            "States.Array(1))",
            "States.Array(1) x",
            "States.Array",
            "States.",
            "States. ",
            "States.JsonToString($",
            "States.StringToJson $.escaped)",
            "JsonToString($)",
            "  States.Format($.template, $.firstName)",
            "States\nJsonToString($)",
            "States.Array('abc)",
            "States.Array('abc\\')",
        ] {
            err(bad);
        }
        // Trailing blanks after the call are harmless.
        ok("States.Array(1)  ");
    }

    #[test]
    fn looks_like_call_decides_call_vs_path() {
        assert!(looks_like_call("States.Format('x')"));
        assert!(looks_like_call("States.JsonToString($"));
        assert!(!looks_like_call("States.StringToJson $.escaped)"));
        assert!(!looks_like_call(" States.Array()"));
        assert!(!looks_like_call("$.States.Array()"));
        assert!(!looks_like_call("States.(1)"));
    }

    #[test]
    fn string_escapes_asl_fn_00c() {
        let c = ok(r"States.Format('a\'b\{\}c\\d {}', 1)");
        assert_eq!(c.args[0], Arg::String(r"a\'b\{\}c\\d {}".into()));
        assert_eq!(c.args[0].string_value().unwrap(), r"a'b{}c\d {}");
        // A raw newline (from the JSON escape `\n`) is just a character (test_escape_sequence).
        let c = ok("States.StringSplit('Hello\nWorld', '\n')");
        assert_eq!(c.args[1].string_value().unwrap(), "\n");
        // Recorded AWS rejections (ESCAPE_SEQUENCES_ILLEGAL_INTRINSIC_FUNCTION{,_2}).
        err(r#"States.StringToJson('{"text":"An \"escaped double quote\" here"}')"#);
        err(r#"States.Format('He said, \"Hello, {}!\"', 'Test \"Name\" Here')"#);
        err(r"States.Format('line\nbreak')");
        // Unescaped braces that are not a placeholder are plain text.
        ok(r#"States.StringToJson('{"a":1}')"#);
    }

    #[test]
    fn paths_asl_fn_00e() {
        let c = ok("States.Format('{} {}', $.a['x,y'], $.b[?(@.c == 'd)')])");
        let Arg::Path(p1) = &c.args[1] else { panic!() };
        assert_eq!(p1.source, "$.a['x,y']");
        let Arg::Path(p2) = &c.args[2] else { panic!() };
        assert_eq!(p2.source, "$.b[?(@.c == 'd)')]");
        let c = ok("States.Array($, $$.Execution.Id, $var.x ,$.abc.['def ghi'], $.a.length())");
        let srcs: Vec<_> = c
            .args
            .iter()
            .map(|a| match a {
                Arg::Path(p) => p.source.to_string(),
                _ => panic!(),
            })
            .collect();
        assert_eq!(
            srcs,
            [
                "$",
                "$$.Execution.Id",
                "$var.x",
                "$.abc.['def ghi']",
                "$.a.length()"
            ]
        );
    }

    #[test]
    fn nesting_asl_fn_00d() {
        let nest = |n: usize| format!("{}1{}", "States.Array(".repeat(n), ")".repeat(n));
        ok(&nest(MAX_NESTING));
        assert!(err(&nest(MAX_NESTING + 1)).contains("nested"));
        // Deep garbage must not overflow the stack.
        err(&"States.Array(".repeat(100_000));
        let c = ok(
            "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))",
        );
        assert_eq!(c.func, Func::ArrayGetItem);
    }

    #[test]
    fn unknown_function_suggests() {
        let m = err("States.Formt('x')");
        assert!(m.contains("did you mean 'States.Format'"), "{m}");
        let m = err("States.Xyz($.result)");
        assert!(
            m.contains("States.Format") && m.contains("States.UUID"),
            "{m}"
        );
        // `States.Default` is not an AWS intrinsic (the 18 are listed in the AWS guide).
        err("States.Default($.a, 10)");
        err("States.format('x')");
    }

    #[test]
    fn arity() {
        assert_eq!(
            err("States.MathAdd(1, 2, 3)"),
            "States.MathAdd takes 2 arguments, found 3"
        );
        assert_eq!(
            err("States.UUID(1)"),
            "States.UUID takes 0 arguments, found 1"
        );
        assert_eq!(
            err("States.Format()"),
            "States.Format takes at least 1 argument, found 0"
        );
        assert_eq!(
            err("States.MathRandom(1)"),
            "States.MathRandom takes 2 to 3 arguments, found 1"
        );
        ok("States.MathRandom(1, 10)");
        ok("States.MathRandom(1, 10, 7)");
    }

    #[test]
    fn literal_types() {
        // asl-validator__invalid-math-add.json
        let m = err("States.MathAdd(1,'-1')");
        assert!(
            m.contains("must be a number, found a string literal"),
            "{m}"
        );
        err("States.MathAdd(1, null)");
        err("States.MathAdd(2147483648, 1)");
        ok("States.MathAdd(-2147483648, 2147483647)");
        ok("States.MathAdd($.a, -1)");
        ok("States.MathAdd(1.5, 2)");
        err("States.MathAdd(States.Format('1'), 1)");
        ok("States.MathAdd(States.ArrayGetItem($.a, 0), States.ArrayLength($.b))");
        err("States.ArrayLength('abc')");
        err("States.ArrayLength(States.Format('x'))");
        ok("States.ArrayLength(States.StringSplit('a,b', ','))");
        err("States.ArrayPartition($.a, 0)");
        err("States.ArrayPartition($.a, -2)");
        err("States.ArrayPartition($.a, 0.4)");
        ok("States.ArrayPartition($.a, 0.5)");
        err("States.ArrayGetItem($.a, -1)");
        err("States.ArrayRange(1, 10, 0)");
        ok("States.ArrayRange(1, 1000, 1)");
        err("States.ArrayRange(0, 1000, 1)");
        ok("States.ArrayRange(10, 1, 1)");
        err("States.Hash('x', 'SHA-2')");
        err("States.Hash('x', 'sha-256')");
        for alg in HASH_ALGORITHMS {
            ok(&format!("States.Hash($.x, '{alg}')"));
        }
        err("States.Hash('x', 256)");
        ok("States.Hash(1, $.alg)");
        err(&format!("States.Base64Encode('{}')", "a".repeat(10_001)));
        ok(&format!("States.Base64Encode('{}')", "a".repeat(10_000)));
        err("States.JsonMerge($.a, $.b, true)");
        err("States.JsonMerge($.a, $.b, 'false')");
        err("States.JsonMerge($.a, 'x', false)");
        ok("States.JsonMerge($.a, $.b, false)");
        ok("States.JsonMerge($.a, $.b, $.deep)");
        err("States.StringSplit(1, ',')");
        err("States.StringToJson(1)");
        err("States.MathRandom(5, 5)");
        err("States.Format(1)");
        err("States.Format(null)");
    }

    #[test]
    fn format_placeholders_asl_fn_01() {
        ok("States.Format('{} and {}', 1, 2)");
        ok("States.Format('no placeholder')");
        ok(r"States.Format('\{} and {}', 1)");
        ok(r"States.Format('{{}}', 1)");
        let m = err("States.Format('{} and {}', 1)");
        assert!(m.contains("2 '{}' placeholders but 1 value follows"), "{m}");
        err("States.Format('{}')");
        err("States.Format('x', 1)");
        // A template from a path is checked at run time.
        ok("States.Format($.t, 1, 2, 3)");
        assert_eq!(count_placeholders(r"a{}b\{}{\}{}"), Some(2));
        assert_eq!(count_placeholders("\\"), None);
    }

    #[test]
    fn java_round_asl_fn_00f() {
        for (x, r) in [
            (0.5, 1.0),
            (-0.5, 0.0),
            (-1.5, -1.0),
            (-2.5, -2.0),
            (1.49, 1.0),
            (1.5, 2.0),
            (-1.51, -2.0),
            (0.49999999999999994, 0.0),
            (-3.5, -3.0),
        ] {
            assert_eq!(java_round(x), r, "{x}");
        }
    }

    /// Every string under a key ending in `.$` (or ErrorPath/CausePath) that starts with `States.`.
    fn intrinsic_strings(v: &serde_json::Value, key: &str, out: &mut Vec<String>) {
        match v {
            // A Pass state's `Result` is static: its `.$` keys are not evaluated (ASL-PT-07).
            serde_json::Value::Object(m) => m
                .iter()
                .filter(|(k, _)| *k != "Result")
                .for_each(|(k, v)| intrinsic_strings(v, k, out)),
            serde_json::Value::Array(a) => a.iter().for_each(|v| intrinsic_strings(v, key, out)),
            serde_json::Value::String(s)
                if s.starts_with("States.")
                    && (key.ends_with(".$") || key == "ErrorPath" || key == "CausePath") =>
            {
                out.push(s.clone())
            }
            _ => {}
        }
    }

    /// The real-world corpus and the validator's valid fixtures must not be wrongly rejected.
    /// The only expected rejection: sfn-agent's web-search agent calls `States.Default`, which
    /// is not an AWS intrinsic function (and writes `\n` inside a literal, an illegal escape).
    #[test]
    fn corpus_intrinsics_parse() {
        use crate::testdata::json_files;
        let mut files = json_files("corpus/real-world");
        files.extend(json_files("corpus/validator/valid"));
        files.extend(
            json_files("corpus/validator/invalid")
                .into_iter()
                .filter(|p| p.to_string_lossy().contains("statelint__states-")),
        );
        let (mut n, mut rejected) = (0, Vec::new());
        for f in &files {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(
                &std::fs::read_to_string(f).unwrap_or_default(),
            ) else {
                continue;
            };
            let mut calls = Vec::new();
            intrinsic_strings(&v, "", &mut calls);
            for c in calls {
                n += 1;
                if let Err(e) = p(&c) {
                    rejected.push(format!(
                        "{}: {c}: {e}",
                        f.file_name().unwrap().to_string_lossy()
                    ));
                }
            }
        }
        assert!(n > 250, "only {n} intrinsic calls found");
        // Paths the path parser rejects are its business (asl-validator's
        // valid-current-value-predicate.json has a bare word in a filter: `== FooBar`).
        rejected.retain(|r| !r.contains("invalid path argument"));
        let unexpected: Vec<_> = rejected
            .iter()
            .filter(|r| !r.starts_with("sfn-agent__step-functions__web-search-agent.json"))
            .collect();
        assert!(unexpected.is_empty(), "{unexpected:#?}");
        assert_eq!(rejected.len(), 7, "{rejected:#?}");
    }

    #[test]
    fn conformance_intrinsics() {
        let mut n = 0;
        for f in crate::testdata::json_files("conformance/cases") {
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
            let mut calls = Vec::new();
            intrinsic_strings(&v["definition"], "", &mut calls);
            let invalid = v["expect"]["status"] == "INVALID"
                && v["expect"]["error"]
                    .as_str()
                    .is_some_and(|e| e.contains("valid intrinsic function"));
            for c in calls {
                n += 1;
                assert_eq!(p(&c).is_err(), invalid, "{}: {c}", f.display());
            }
        }
        assert!(n > 100);
    }

    #[test]
    fn validator_invalid_fixtures() {
        for bad in [
            "States.MathAdd(1,'-1')",
            "States.JsonToString($",
            "States.Xyz($.result)",
            r#"States.Format('He said, \"Hello, {}!\"', 'Test \"Name\" Here')"#,
        ] {
            err(bad);
        }
    }

    /// Never panic, whatever the input (prefixes, suffixes, splices, random bytes).
    #[test]
    fn never_panics() {
        let samples = [
            "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))",
            r"States.Format('a\'b\{\}c\\d {} é ✓', $.a['x,y'], -1.5e3, true, null)",
            "States.Hash($.a[?(@.b == ')')], 'SHA-256')",
            "States.JsonMerge($.a, $.b, false)",
            "States.Array('日本', $var.x, $$, 0, -0, 1E+2)",
        ];
        for s in samples {
            for (i, _) in s.char_indices() {
                let _ = p(&s[..i]);
                let _ = p(&s[i..]);
                let _ = looks_like_call(&s[i..]);
                let _ = parse(&s[..i]);
            }
        }
        let alphabet: Vec<char> = "States.Format()$,'\\{}[]\"@?-0123456789eE. truefalsn\u{e9}\n"
            .chars()
            .collect();
        let mut seed: u64 = 0x1234_5678;
        for _ in 0..20_000 {
            let len = (seed >> 33) as usize % 40;
            let mut s = String::from(if seed.is_multiple_of(3) {
                ""
            } else {
                "States."
            });
            for _ in 0..len {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                s.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
            }
            let _ = p(&s);
            let _ = unescape(&s);
            let _ = count_placeholders(&s);
        }
    }
}
