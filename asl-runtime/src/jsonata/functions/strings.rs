//! The string, number-formatting, encoding and date/time functions of the library, ported
//! from jsonata-js 2.0.6 (`functions.js`), plus AWS's `$hash`, `$uuid` and `$parse`
//! (ASL-JA-14), and the closure a regex literal evaluates to (jsonata-js `evaluateRegex`).
//!
//! Each function gets its arguments after signature validation and returns undefined for an
//! undefined first argument, as jsonata-js does. Strings follow JavaScript's semantics where
//! it shows: `$length`, `$substring` and `$pad` count code points (jsonata-js
//! `stringToArray`), and the offsets a matcher reports (`start`, `end`, `$match`'s `index`)
//! are UTF-16 code units, as `RegExp.exec` reports them. Integer parameters (`$substring`'s
//! start and length, `$pad`'s width, the limits of `$match`, `$replace` and `$split`) are
//! rounded down (ASL-JA-15).
//!
//! The picture-driven functions delegate to [`super::super::format`] (`$formatNumber`,
//! `$formatBase`, `$formatInteger`, `$parseInteger`) and [`super::super::datetime`]
//! (`$fromMillis`, `$toMillis`, `$now`, `$millis`), which the evaluation's clock
//! (`Eval::now_millis`) drives.
//!
//! Matchers (`$match`, `$contains`, `$replace`, `$split`) are regex literals or user
//! functions. A regex is run here directly, with JavaScript's `lastIndex` rules: after a
//! match the search resumes at its end, and a later match of the empty string is `D1004`. A
//! user function ("custom matcher") is called with the string and must return undefined or
//! an object `{match, start, end, groups, next}` (`T1010` otherwise); `next` is called with no
//! argument for the following match.
//!
//! Differences from jsonata-js, all where jsonata-js itself crashes or JavaScript strings
//! differ from Rust's:
//! * a regex called as a function (`/a/("banana")`, [`regex_exec`]) returns
//!   `{match, start, end, groups}` without jsonata-js's `next` function (a function value
//!   inside the result would need a function kind of its own); the matchers above iterate
//!   without it. A replacement function likewise receives `{match, start, end, groups}`;
//! * a capture group that did not take part in a match is undefined in `groups` (as in
//!   JavaScript); inside a JSON result it is left out of the array rather than `null`;
//! * `$split(s, "")` splits into code points (JavaScript splits UTF-16 code units, cutting
//!   characters outside the BMP in two); offsets of a custom matcher that fall inside a
//!   surrogate pair are rounded to the end of the character;
//! * where jsonata-js fails with a JavaScript `TypeError` (a matcher argument that is
//!   undefined, a custom matcher object without a numeric `start`, a replacement that is a
//!   function while the pattern is a string, an undefined picture), the error is `T0410`,
//!   `T1010` or `D3012` as fits; a custom matcher whose `next` is not a function ends the
//!   matches;
//! * a regex that exceeds the backtracking limit fails with `U1001` (the time-out AWS would
//!   report), where JavaScript would just keep going;
//! * a result that JavaScript would make `NaN` (`$number("0x1g")`, a `$parseInteger` that
//!   does not parse) fails with `D1001`, as every non-finite number does here.
//!
//! AWS's additions (ASL-JA-14, ASL-SUB-50), whose failures jsonata-js has no code for; both
//! use `D3141`, jsonata-js's "message only" code:
//! * `$hash(value [, algorithm])`: the lowercase hex digest of the UTF-8 bytes of `value`,
//!   with `MD5`, `SHA-1`, `SHA-256` (the default), `SHA-384` or `SHA-512`, the names
//!   `States.Hash` takes (ASL-FN-13); another name is `D3141`;
//! * `$uuid()`: a random version 4 UUID, lowercase and hyphenated;
//! * `$parse(json)`: `JSON.parse`; text that is not JSON is `D3141` with the parser's message.
//!   Numbers become JavaScript numbers (`1.0` is `1`).

use std::cell::OnceCell;

use super::super::Error;
use super::super::datetime;
use super::super::eval::{Eval, json_text, make_object};
use super::super::format;
use super::super::func::Regex;
use super::super::value::{JValue, json_number};
use super::{as_regex, int_arg, stringify};
use crate::value::{Map, Str, Value};

/// The code of AWS's additions' failures (`$hash`'s algorithm, `$parse`'s JSON).
const AWS_ERROR: &str = "D3141";

/// JavaScript's longest string, in UTF-16 code units (V8 on 64-bit hosts).
const MAX_STRING_UNITS: f64 = 536_870_888.0;

// ---------------------------------------------------------------------------------------------
// Argument helpers
// ---------------------------------------------------------------------------------------------

fn arg<'a, 'e>(args: &'a [JValue<'e>], i: usize) -> Option<&'a JValue<'e>> {
    args.get(i).filter(|a| !a.is_undefined())
}

fn str_arg<'a>(args: &'a [JValue<'_>], i: usize) -> Option<&'a str> {
    args.get(i).and_then(JValue::as_str)
}

fn num_arg(args: &[JValue<'_>], i: usize) -> Option<f64> {
    args.get(i).and_then(JValue::as_f64)
}

/// An integer parameter, rounded down (ASL-JA-15).
fn int_param(args: &[JValue<'_>], i: usize) -> Option<f64> {
    num_arg(args, i).map(int_arg)
}

/// The `T0410` of a required argument that is undefined (jsonata-js crashes with a
/// `TypeError` there).
fn missing(index: usize, function: &str) -> Error {
    Error::new(
        "T0410",
        format!("Argument {index} of function {function} does not match function signature"),
    )
}

/// JavaScript `String.prototype.length` of `s`.
fn len16(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// JavaScript's white space and line terminators (`String.prototype.trim`, `Number`).
fn js_space(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{d}'
            | ' '
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
            | '\u{feff}'
    )
}

/// JavaScript truthiness.
fn truthy(v: &JValue<'_>) -> bool {
    match v {
        JValue::Undefined | JValue::Json(Value::Null) => false,
        JValue::Json(Value::Bool(b)) => *b,
        JValue::Json(Value::Number(n)) => n.as_f64().is_some_and(|x| x != 0.0),
        JValue::Json(Value::String(s)) => !s.is_empty(),
        _ => true,
    }
}

/// A string as `JSON.stringify` writes it (for messages).
fn quoted(s: &str) -> String {
    let mut out = String::new();
    super::write_string(&mut out, s);
    out
}

/// `[start, end)` of JavaScript's `Array.prototype.slice` over `n` items (NaN counts as 0,
/// negative values from the end).
fn slice_bounds(n: usize, start: f64, end: Option<f64>) -> (usize, usize) {
    let n = n as f64;
    let rel = |x: f64| {
        let x = if x.is_nan() { 0.0 } else { x.trunc() };
        if x < 0.0 { (n + x).max(0.0) } else { x.min(n) }
    };
    let a = rel(start);
    let b = end.map_or(n, rel);
    if b <= a {
        (a as usize, a as usize)
    } else {
        (a as usize, b as usize)
    }
}

// ---------------------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------------------

/// `$string(arg [, prettify])`: strings as they are, functions `""`, anything else as
/// `JSON.stringify` writes it with numbers to 15 significant digits (indented by two with
/// `prettify`).
pub(crate) fn string<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let pretty = args.get(1).and_then(JValue::as_bool).unwrap_or(false);
    let Some(v) = arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    Ok(match v {
        JValue::Json(Value::String(_)) => v.clone(),
        JValue::Func(_) => JValue::str(""),
        JValue::Array(a) if a.outer_wrapper && !a.items.is_empty() => {
            JValue::str(stringify(&a.items[0], pretty)?)
        }
        other => JValue::str(stringify(other, pretty)?),
    })
}

/// `$substring(str, start [, length])`, in code points; a negative start counts from the end.
pub(crate) fn substring<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let Some(s) = str_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    // An undefined start behaves as JavaScript's `undefined` does in the arithmetic: NaN.
    let mut start = int_param(&args, 1).unwrap_or(f64::NAN);
    let length = int_param(&args, 2);
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len() as f64;
    if n + start < 0.0 {
        start = 0.0;
    }
    let (a, b) = match length {
        Some(len) => {
            if len <= 0.0 {
                return Ok(JValue::str(""));
            }
            let end = if start >= 0.0 {
                start + len
            } else {
                n + start + len
            };
            slice_bounds(chars.len(), start, Some(end))
        }
        None => slice_bounds(chars.len(), start, None),
    };
    Ok(JValue::str(chars[a..b].iter().collect::<String>()))
}

/// The needle of `$substringBefore`/`$substringAfter`: JavaScript's `indexOf` converts an
/// undefined argument to the string `"undefined"`.
fn needle<'a>(args: &'a [JValue<'_>]) -> &'a str {
    str_arg(args, 1).unwrap_or("undefined")
}

/// `$substringBefore(str, chars)`: the part before the first `chars`, or all of `str`.
pub(crate) fn substring_before<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let Some(s) = str_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    Ok(match s.find(needle(&args)) {
        Some(pos) => JValue::str(&s[..pos]),
        None => args[0].clone(),
    })
}

/// `$substringAfter(str, chars)`: the part after the first `chars`, or all of `str`.
pub(crate) fn substring_after<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let Some(s) = str_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    let chars = needle(&args);
    Ok(match s.find(chars) {
        Some(pos) => JValue::str(&s[pos + chars.len()..]),
        None => args[0].clone(),
    })
}

/// `$lowercase(str)` (JavaScript `toLowerCase`: Unicode's full mappings).
pub(crate) fn lowercase<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    Ok(str_arg(&args, 0).map_or(JValue::Undefined, |s| JValue::str(s.to_lowercase())))
}

/// `$uppercase(str)` (JavaScript `toUpperCase`: Unicode's full mappings).
pub(crate) fn uppercase<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    Ok(str_arg(&args, 0).map_or(JValue::Undefined, |s| JValue::str(s.to_uppercase())))
}

/// `$length(str)`: the number of code points.
pub(crate) fn length<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    match str_arg(&args, 0) {
        Some(s) => JValue::num(s.chars().count() as f64),
        None => Ok(JValue::Undefined),
    }
}

/// `$trim(str)`: runs of spaces, tabs, carriage returns and line feeds become one space, and
/// a leading and a trailing space go.
pub(crate) fn trim<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let Some(s) = str_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    let mut out = String::with_capacity(s.len());
    let mut in_space = false;
    for c in s.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    let out = out.strip_prefix(' ').unwrap_or(&out);
    let out = out.strip_suffix(' ').unwrap_or(out);
    Ok(JValue::str(out))
}

/// `$pad(str, width [, char])`: padded with `char` (default a space) to `|width|` code points,
/// on the right for a positive width, on the left for a negative one.
pub(crate) fn pad<'e>(
    ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let Some(s) = str_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    let width = int_param(&args, 1).unwrap_or(f64::NAN);
    let fill = match str_arg(&args, 2) {
        Some(c) if !c.is_empty() => c,
        _ => " ",
    };
    let pad_length = width.abs() - s.chars().count() as f64;
    // NaN (an undefined width) leaves the string as it is, as in JavaScript.
    if pad_length.is_nan() || pad_length <= 0.0 {
        return Ok(args[0].clone());
    }
    if pad_length * (len16(fill) as f64) + len16(s) as f64 > MAX_STRING_UNITS {
        return Err(Error::new("RangeError", "Invalid string length"));
    }
    ev.check_bytes(pad_length as usize * fill.len() + s.len())?;
    // jsonata-js repeats `char` padLength times, then keeps padLength code points.
    let padding: String = fill.chars().cycle().take(pad_length as usize).collect();
    Ok(JValue::str(if width > 0.0 {
        format!("{s}{padding}")
    } else {
        format!("{padding}{s}")
    }))
}

/// `$join(strings [, separator])`.
pub(crate) fn join<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let Some(strs) = arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    let sep = str_arg(&args, 1).unwrap_or("");
    let mut out = String::new();
    let mut items: Vec<JValue<'e>> = Vec::new();
    strs.clone().push_flat(&mut items);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        match item.as_str() {
            Some(s) => out.push_str(s),
            // Signature validation lets only strings through; jsonata-js would write
            // anything else with `toString`.
            None => out.push_str(&json_text(item)),
        }
    }
    Ok(JValue::str(out))
}

// ---------------------------------------------------------------------------------------------
// Matchers: regex literals and custom matcher functions
// ---------------------------------------------------------------------------------------------

/// A subject string with JavaScript's UTF-16 offsets available.
struct Text<'s> {
    s: &'s str,
    /// Byte offset of each UTF-16 code unit, and of the end (built on first use; the second
    /// unit of a surrogate pair maps to the end of its character).
    table: OnceCell<Vec<usize>>,
}

impl<'s> Text<'s> {
    fn new(s: &'s str) -> Text<'s> {
        Text {
            s,
            table: OnceCell::new(),
        }
    }

    fn table(&self) -> &[usize] {
        self.table.get_or_init(|| {
            let mut t = Vec::with_capacity(self.s.len() + 1);
            for (b, c) in self.s.char_indices() {
                t.push(b);
                if c.len_utf16() == 2 {
                    t.push(b + c.len_utf8());
                }
            }
            t.push(self.s.len());
            t
        })
    }

    /// `length` in UTF-16 code units.
    fn len16(&self) -> usize {
        if self.s.is_ascii() {
            self.s.len()
        } else {
            self.table().len() - 1
        }
    }

    /// The UTF-16 offset of a byte offset (on a character boundary).
    fn units_at(&self, byte: usize) -> usize {
        if self.s.is_ascii() {
            byte
        } else {
            self.table()
                .partition_point(|&b| b <= byte)
                .saturating_sub(1)
        }
    }

    /// The byte offset of a UTF-16 offset as `String.prototype.substring` reads it
    /// (truncated, NaN as 0, clamped to the string).
    fn byte_at(&self, units: f64) -> usize {
        let u = if units.is_nan() { 0.0 } else { units.trunc() };
        let u = u.clamp(0.0, self.len16() as f64) as usize;
        if self.s.is_ascii() {
            u
        } else {
            self.table()[u]
        }
    }

    /// `substring` between two byte offsets (swapped when reversed, as JavaScript does).
    fn between(&self, a: usize, b: usize) -> &'s str {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        &self.s[a..b]
    }
}

/// One regex match, in bytes.
struct Hit {
    start: usize,
    end: usize,
    groups: Vec<Option<(usize, usize)>>,
}

/// `RegExp.exec` from byte offset `from` (`lastIndex`).
fn exec(re: &Regex, s: &str, from: usize) -> Result<Option<Hit>, Error> {
    if from > s.len() {
        return Ok(None);
    }
    match re.captures_from_pos(s, from) {
        Ok(Some(c)) => {
            let Some(m) = c.get(0) else { return Ok(None) };
            let groups = (1..c.len())
                .map(|i| c.get(i).map(|g| (g.start(), g.end())))
                .collect();
            Ok(Some(Hit {
                start: m.start(),
                end: m.end(),
                groups,
            }))
        }
        Ok(None) => Ok(None),
        Err(e) => Err(Error::new(
            "U1001",
            format!("Expression evaluation timeout: Check for infinite loop ({e})"),
        )),
    }
}

fn zero_length_match() -> Error {
    Error::new("D1004", "Regular expression matches zero length string")
}

fn bad_matcher(function: &str) -> Error {
    Error::new(
        "T1010",
        format!(
            "The matcher function argument passed to function {function} does not return the correct object structure"
        ),
    )
}

/// A match a matcher found (jsonata-js's `{match, start, end, groups, next}`).
enum Found<'e> {
    /// A regex match.
    Regex(Hit),
    /// What a custom matcher returned (an object of the right structure), and its `next`.
    Custom {
        object: JValue<'e>,
        next: Option<JValue<'e>>,
    },
}

impl<'e> Found<'e> {
    fn member(&self, key: &str) -> JValue<'e> {
        match self {
            Found::Custom { object, .. } => object
                .members()
                .and_then(|m| m.get(key))
                .unwrap_or_default(),
            Found::Regex(_) => JValue::Undefined,
        }
    }

    /// `match`.
    fn matched(&self, text: &Text<'_>) -> JValue<'e> {
        match self {
            Found::Regex(h) => JValue::str(&text.s[h.start..h.end]),
            Found::Custom { .. } => self.member("match"),
        }
    }

    /// `start` (UTF-16 offset).
    fn start(&self, text: &Text<'_>) -> Result<JValue<'e>, Error> {
        match self {
            Found::Regex(h) => JValue::num(text.units_at(h.start) as f64),
            Found::Custom { .. } => Ok(self.member("start")),
        }
    }

    /// `groups`.
    fn groups(&self, text: &Text<'_>) -> JValue<'e> {
        match self {
            Found::Regex(h) => JValue::array(
                h.groups
                    .iter()
                    .map(|g| g.map_or(JValue::Undefined, |(a, b)| JValue::str(&text.s[a..b])))
                    .collect(),
            ),
            Found::Custom { .. } => self.member("groups"),
        }
    }

    /// The match object as a replacement function sees it.
    fn object(&self, text: &Text<'_>) -> Result<JValue<'e>, Error> {
        match self {
            Found::Regex(h) => Ok(make_object(vec![
                (Str::new_static("match"), self.matched(text)),
                (Str::new_static("start"), self.start(text)?),
                (
                    Str::new_static("end"),
                    JValue::num(text.units_at(h.end) as f64)?,
                ),
                (Str::new_static("groups"), self.groups(text)),
            ])),
            Found::Custom { object, .. } => Ok(object.clone()),
        }
    }

    /// The byte offset of a numeric member of a custom match.
    fn offset(&self, text: &Text<'_>, key: &str, function: &str) -> Result<usize, Error> {
        match self.member(key).as_f64() {
            Some(x) => Ok(text.byte_at(x)),
            None => Err(bad_matcher(function)),
        }
    }

    /// `[start, end)` in bytes (for `$split`).
    fn span(&self, text: &Text<'_>, function: &str) -> Result<(usize, usize), Error> {
        match self {
            Found::Regex(h) => Ok((h.start, h.end)),
            Found::Custom { .. } => Ok((
                self.offset(text, "start", function)?,
                self.offset(text, "end", function)?,
            )),
        }
    }

    /// `start` and `start + match.length` in bytes (for `$replace`), and `match`.
    fn replaced(&self, text: &Text<'_>, function: &str) -> Result<(usize, usize, String), Error> {
        match self {
            Found::Regex(h) => Ok((h.start, h.end, text.s[h.start..h.end].to_owned())),
            Found::Custom { .. } => {
                let (Some(start), Some(m)) = (
                    self.member("start").as_f64(),
                    self.member("match").as_str().map(str::to_owned),
                ) else {
                    return Err(bad_matcher(function));
                };
                let end = start + len16(&m) as f64;
                Ok((text.byte_at(start), text.byte_at(end), m))
            }
        }
    }
}

/// A matcher argument: a regex literal or a function.
enum Matcher<'a, 'e> {
    Regex(&'a Regex),
    Func(&'a JValue<'e>),
}

impl<'a, 'e> Matcher<'a, 'e> {
    /// The matcher of a `(sf)` / `f` argument that is not a string.
    fn of(v: Option<&'a JValue<'e>>, index: usize, function: &str) -> Result<Self, Error> {
        match v {
            Some(v) => match as_regex(v) {
                Some(re) => Ok(Matcher::Regex(re)),
                None if v.is_function() => Ok(Matcher::Func(v)),
                None => Err(missing(index, function)),
            },
            None => Err(missing(index, function)),
        }
    }

    /// jsonata-js `evaluateMatcher` on a custom matcher's result: undefined (no match), or an
    /// object of the right structure.
    fn custom(v: JValue<'e>, function: &str) -> Result<Option<Found<'e>>, Error> {
        if v.is_undefined() {
            return Ok(None);
        }
        let Some(m) = v.members() else {
            return Err(bad_matcher(function));
        };
        let start = m.get("start").and_then(|s| s.as_f64());
        let groups = m.get("groups").filter(JValue::is_array);
        let next = m.get("next").filter(JValue::is_function);
        if start.is_none() && groups.is_none() && next.is_none() {
            return Err(bad_matcher(function));
        }
        Ok(Some(Found::Custom { object: v, next }))
    }

    /// The first match in `text`.
    fn first(
        &self,
        ev: &mut Eval<'e, '_>,
        text: &Text<'_>,
        input: &JValue<'e>,
        function: &str,
    ) -> Result<Option<Found<'e>>, Error> {
        match self {
            Matcher::Regex(re) => Ok(exec(re, text.s, 0)?.map(Found::Regex)),
            Matcher::Func(f) => {
                let r = ev.apply(f, vec![JValue::str(text.s)], input, "")?;
                Matcher::custom(r, function)
            }
        }
    }

    /// The match after `prev` (jsonata-js's `next`).
    fn next(
        &self,
        ev: &mut Eval<'e, '_>,
        text: &Text<'_>,
        prev: &Found<'e>,
        input: &JValue<'e>,
        function: &str,
    ) -> Result<Option<Found<'e>>, Error> {
        match (self, prev) {
            (Matcher::Regex(re), Found::Regex(h)) => {
                // `lastIndex` is the end of the previous match.
                if h.end >= text.s.len() {
                    return Ok(None);
                }
                match exec(re, text.s, h.end)? {
                    Some(n) if n.start == n.end => Err(zero_length_match()),
                    other => Ok(other.map(Found::Regex)),
                }
            }
            (_, Found::Custom { next: Some(f), .. }) => {
                let r = ev.apply(f, vec![JValue::Undefined], input, "")?;
                Matcher::custom(r, function)
            }
            _ => Ok(None),
        }
    }
}

/// A regex called as a function, `re(str [, from])` (jsonata-js `evaluateRegex`'s closure):
/// the first match at or after UTF-16 offset `from`, as `{match, start, end, groups}`, or
/// undefined. Unlike jsonata-js's result, this one has no `next` function (see the module
/// docs); the library's matchers iterate without it.
pub(crate) fn regex_exec<'e>(re: &Regex, s: &str, from: usize) -> Result<JValue<'e>, Error> {
    let text = Text::new(s);
    if from > text.len16() {
        return Ok(JValue::Undefined);
    }
    match exec(re, s, text.byte_at(from as f64))? {
        Some(hit) => Found::Regex(hit).object(&text),
        None => Ok(JValue::Undefined),
    }
}

/// `$match(str, pattern [, limit])`: `{match, index, groups}` of each match, at most `limit`.
pub(crate) fn match_<'e>(
    ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    const NAME: &str = "match";
    let Some(s) = str_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    let limit = int_param(&args, 2);
    if limit.is_some_and(|l| l < 0.0) {
        return Err(Error::new(
            "D3040",
            "Third argument of match function must evaluate to a positive number",
        ));
    }
    let mut out = Vec::new();
    if limit.is_none_or(|l| l > 0.0) {
        let matcher = Matcher::of(args.get(1), 2, NAME)?;
        let text = Text::new(s);
        let mut count = 0.0;
        let mut found = matcher.first(ev, &text, input, NAME)?;
        while let Some(m) = found.take() {
            if limit.is_some_and(|l| count >= l) {
                break;
            }
            out.push(make_object(vec![
                (Str::new_static("match"), m.matched(&text)),
                (Str::new_static("index"), m.start(&text)?),
                (Str::new_static("groups"), m.groups(&text)),
            ]));
            found = matcher.next(ev, &text, &m, input, NAME)?;
            count += 1.0;
        }
    }
    Ok(JValue::sequence(out))
}

/// `$contains(str, pattern)`: whether `str` contains the string or a match of the pattern.
pub(crate) fn contains<'e>(
    ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    const NAME: &str = "contains";
    let Some(s) = str_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    if let Some(token) = str_arg(&args, 1) {
        return Ok(JValue::bool(s.contains(token)));
    }
    Ok(JValue::bool(match Matcher::of(args.get(1), 2, NAME)? {
        Matcher::Regex(re) => exec(re, s, 0)?.is_some(),
        Matcher::Func(f) => {
            let r = ev.apply(f, vec![JValue::str(s)], input, "")?;
            // Any defined result counts (a falsy one too); a truthy one must have the
            // structure of a match.
            if truthy(&r) {
                Matcher::custom(r, NAME)?;
                true
            } else {
                !r.is_undefined()
            }
        }
    }))
}

/// The text `$replace` puts in place of a match for a replacement string: `$0` the match,
/// `$n` group n (as many digits as there are groups allow), `$$` a dollar sign, any other
/// `$` itself (jsonata-js's replacer, digit for digit).
fn substitute(replacement: &str, matched: &str, groups: &[JValue<'_>]) -> String {
    let r: Vec<char> = replacement.chars().collect();
    let find = |from: usize| (from..r.len()).find(|&i| r[i] == '$');
    let mut out = String::new();
    let mut position = 0;
    let mut index = find(0);
    while let Some(i) = index {
        if position >= r.len() {
            break;
        }
        out.extend(&r[position..i]);
        position = i + 1;
        match r.get(position) {
            Some('$') => {
                out.push('$');
                position += 1;
            }
            Some('0') => {
                out.push_str(matched);
                position += 1;
            }
            _ => {
                // `Math.floor(Math.log(n) * Math.LOG10E) + 1`, rounding error included (two
                // digits for 1000 groups).
                let max_digits = if groups.is_empty() {
                    1
                } else {
                    ((groups.len() as f64).ln() * std::f64::consts::LOG10_E).floor() as usize + 1
                };
                let take = |from: usize, n: usize| -> String {
                    r[from..(from + n).min(r.len())].iter().collect()
                };
                let mut n = parse_int(&take(position, max_digits));
                if max_digits > 1 && n.is_some_and(|n| n > groups.len() as f64) {
                    n = parse_int(&take(position, max_digits - 1));
                }
                match n {
                    Some(n) => {
                        if !groups.is_empty()
                            && n >= 1.0
                            && let Some(g) = groups.get(n as usize - 1).and_then(JValue::as_str)
                        {
                            out.push_str(g);
                        }
                        position += format::js_number_to_string(n).len();
                    }
                    None => out.push('$'),
                }
            }
        }
        index = find(position);
    }
    if position < r.len() {
        out.extend(&r[position..]);
    }
    out
}

/// JavaScript `parseInt(s, 10)`: optional white space and sign, then digits; `None` for NaN.
fn parse_int(s: &str) -> Option<f64> {
    let t = s.trim_start_matches(js_space);
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let v: f64 = digits.parse().ok()?;
    // `(-0).toString()` is "0", so the sign never counts towards the digits consumed.
    Some(if neg { -v } else { v })
}

/// `$replace(str, pattern, replacement [, limit])`: the first `limit` matches replaced by a
/// string (with `$n` references) or by what a function returns for each match object.
pub(crate) fn replace<'e>(
    ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    const NAME: &str = "replace";
    let Some(s) = str_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    if str_arg(&args, 1) == Some("") {
        return Err(Error::new(
            "D3010",
            "Second argument of replace function cannot be an empty string",
        ));
    }
    let limit = int_param(&args, 3);
    if limit.is_some_and(|l| l < 0.0) {
        return Err(Error::new(
            "D3011",
            "Fourth argument of replace function must evaluate to a positive number",
        ));
    }
    let non_string = || {
        Error::new(
            "D3012",
            "Attempted to replace a matched string with a non-string value",
        )
    };
    if limit == Some(0.0) {
        return Ok(args[0].clone());
    }
    let replacement = args.get(2).cloned().unwrap_or_default();
    if let Some(pattern) = str_arg(&args, 1) {
        let with = match &replacement {
            JValue::Json(Value::String(r)) => r.as_str(),
            // JavaScript's `+=` writes undefined as "undefined".
            JValue::Undefined => "undefined",
            _ => return Err(non_string()),
        };
        let mut out = String::with_capacity(s.len());
        let mut position = 0;
        let mut count = 0.0;
        while let Some(i) = s[position..].find(pattern) {
            if limit.is_some_and(|l| count >= l) {
                break;
            }
            let index = position + i;
            out.push_str(&s[position..index]);
            out.push_str(with);
            position = index + pattern.len();
            count += 1.0;
        }
        out.push_str(&s[position..]);
        return Ok(JValue::str(out));
    }
    let matcher = Matcher::of(args.get(1), 2, NAME)?;
    let text = Text::new(s);
    let mut out = String::with_capacity(s.len());
    let mut position = 0;
    let mut count = 0.0;
    let mut found = matcher.first(ev, &text, input, NAME)?;
    if found.is_none() {
        return Ok(args[0].clone());
    }
    while let Some(m) = found.take() {
        if limit.is_some_and(|l| count >= l) {
            break;
        }
        let (start, end, matched) = m.replaced(&text, NAME)?;
        out.push_str(text.between(position, start));
        match &replacement {
            JValue::Json(Value::String(r)) => {
                let groups = match m.groups(&text) {
                    g if g.is_array() => g.into_vec(),
                    _ => return Err(bad_matcher(NAME)),
                };
                out.push_str(&substitute(r, &matched, &groups));
            }
            // A function (an undefined replacement is T1006 here).
            f => {
                let obj = m.object(&text)?;
                match ev.apply(f, vec![obj], input, "")? {
                    JValue::Json(Value::String(r)) => out.push_str(&r),
                    _ => return Err(non_string()),
                }
            }
        }
        position = end;
        count += 1.0;
        found = matcher.next(ev, &text, &m, input, NAME)?;
    }
    out.push_str(&s[position.min(s.len())..]);
    Ok(JValue::str(out))
}

/// `$split(str, separator [, limit])`: the parts between the separators (a string or a
/// matcher), at most `limit` of them.
pub(crate) fn split<'e>(
    ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    const NAME: &str = "split";
    let Some(s) = str_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    let limit = int_param(&args, 2);
    if limit.is_some_and(|l| l < 0.0) {
        return Err(Error::new(
            "D3020",
            "Third argument of split function must evaluate to a positive number",
        ));
    }
    let mut out: Vec<JValue<'e>> = Vec::new();
    if limit == Some(0.0) {
        return Ok(JValue::array(out));
    }
    if let Some(sep) = str_arg(&args, 1) {
        // `String.prototype.split` takes `ToUint32(limit)` parts.
        let max = limit.map_or(u32::MAX as usize, |l| (l % 4_294_967_296.0) as usize);
        if sep.is_empty() {
            out.extend(s.chars().take(max).map(|c| JValue::str(c.to_string())));
        } else {
            out.extend(s.split(sep).take(max).map(JValue::str));
        }
        return Ok(JValue::array(out));
    }
    let matcher = Matcher::of(args.get(1), 2, NAME)?;
    let text = Text::new(s);
    let mut count = 0.0;
    let mut found = matcher.first(ev, &text, input, NAME)?;
    if found.is_none() {
        out.push(args[0].clone());
        return Ok(JValue::array(out));
    }
    let mut start = 0;
    while let Some(m) = found.take() {
        if limit.is_some_and(|l| count >= l) {
            break;
        }
        let (a, b) = m.span(&text, NAME)?;
        out.push(JValue::str(text.between(start, a)));
        start = b;
        found = matcher.next(ev, &text, &m, input, NAME)?;
        count += 1.0;
    }
    if limit.is_none_or(|l| count < l) {
        out.push(JValue::str(&s[start.min(s.len())..]));
    }
    Ok(JValue::array(out))
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/// Whether `s` matches jsonata-js's `/^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/`.
fn is_decimal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let from = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > from
    };
    if b.first() == Some(&b'-') {
        i += 1;
    }
    if !digits(&mut i) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

/// Whether `s` matches jsonata-js's `/^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][0-1]+)$/`
/// (the anchors bind to the first and last alternatives only).
fn has_radix_prefix(s: &str) -> bool {
    let b = s.as_bytes();
    let run = |from: usize, ok: fn(u8) -> bool| {
        b[from.min(b.len())..]
            .iter()
            .take_while(|&&c| ok(c))
            .count()
    };
    let hex = b.len() > 2
        && b[0] == b'0'
        && matches!(b[1], b'x' | b'X')
        && run(2, |c| c.is_ascii_hexdigit()) > 0;
    let octal = (0..b.len().saturating_sub(2)).any(|i| {
        b[i] == b'0'
            && matches!(b[i + 1], b'o' | b'O')
            && run(i + 2, |c| (b'0'..=b'7').contains(&c)) > 0
    });
    let binary = {
        // The run of binary digits that ends the string, preceded by `0b`.
        let ones = b
            .iter()
            .rev()
            .take_while(|&&c| c == b'0' || c == b'1')
            .count();
        let at = b.len() - ones;
        ones > 0 && at >= 2 && matches!(b[at - 1], b'b' | b'B') && b[at - 2] == b'0'
    };
    hex || octal || binary
}

/// JavaScript `Number(s)` for a string with a radix prefix: the value of a whole `0x…`,
/// `0o…` or `0b…` literal (white space around allowed), NaN for anything else.
fn radix_number(s: &str) -> f64 {
    let t = s.trim_matches(js_space);
    let b = t.as_bytes();
    if b.len() < 3 || b[0] != b'0' {
        return f64::NAN;
    }
    let radix = match b[1] {
        b'x' | b'X' => 16,
        b'o' | b'O' => 8,
        b'b' | b'B' => 2,
        _ => return f64::NAN,
    };
    let digits = &t[2..];
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return f64::NAN;
    }
    match u128::from_str_radix(digits, radix) {
        Ok(v) => v as f64,
        // Wider than 128 bits: accumulate (rounded at each step).
        Err(_) => digits
            .chars()
            .filter_map(|c| c.to_digit(radix))
            .fold(0.0, |acc, d| acc * f64::from(radix) + f64::from(d)),
    }
}

/// `$number(arg)`: numbers as they are, `true` 1, `false` 0, strings in JSON's number syntax
/// (or `0x`/`0o`/`0b` literals) parsed; anything else `D3030`.
pub(crate) fn number<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let Some(v) = arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    let cannot = || {
        Error::new(
            "D3030",
            format!("Unable to cast value to a number: {}", json_text(v)),
        )
    };
    match v {
        JValue::Json(Value::Number(_)) => Ok(v.clone()),
        JValue::Json(Value::Bool(b)) => JValue::num(if *b { 1.0 } else { 0.0 }),
        JValue::Json(Value::String(s)) => {
            if is_decimal(s) {
                match s.parse::<f64>() {
                    Ok(x) if x.is_finite() => JValue::num(x),
                    _ => Err(cannot()),
                }
            } else if has_radix_prefix(s) {
                JValue::num(radix_number(s))
            } else {
                Err(cannot())
            }
        }
        _ => Err(cannot()),
    }
}

/// `$formatNumber(number, picture [, options])` ([`format::format_number`]).
pub(crate) fn format_number<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let Some(value) = num_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    let picture = str_arg(&args, 1).ok_or_else(|| missing(2, "formatNumber"))?;
    let options = arg(&args, 2).and_then(JValue::to_json);
    Ok(JValue::str(format::format_number(
        value,
        picture,
        options.as_ref(),
    )?))
}

/// `$formatBase(number [, radix])` ([`format::format_base`]; both rounded as jsonata-js
/// rounds them).
pub(crate) fn format_base<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let Some(value) = num_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    Ok(JValue::str(format::format_base(value, num_arg(&args, 1))?))
}

/// `$formatInteger(number, picture)` ([`format::format_integer`]).
pub(crate) fn format_integer<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let Some(value) = num_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    let picture = str_arg(&args, 1).ok_or_else(|| missing(2, "formatInteger"))?;
    Ok(JValue::str(format::format_integer(value, picture)?))
}

/// `$parseInteger(string, picture)` ([`format::parse_integer`]).
pub(crate) fn parse_integer<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let Some(value) = str_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    let picture = str_arg(&args, 1).ok_or_else(|| missing(2, "parseInteger"))?;
    match format::parse_integer(value, picture)? {
        Some(x) => JValue::num(x),
        None => Ok(JValue::Undefined),
    }
}

// ---------------------------------------------------------------------------------------------
// Encodings
// ---------------------------------------------------------------------------------------------

/// `$base64encode(str)`: Node's `Buffer.from(str, 'binary').toString('base64')`, i.e. each
/// UTF-16 code unit taken as one byte (its low eight bits).
pub(crate) fn base64encode<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    use base64::Engine as _;
    let Some(s) = str_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    let bytes: Vec<u8> = s.encode_utf16().map(|u| (u & 0xff) as u8).collect();
    Ok(JValue::str(
        base64::engine::general_purpose::STANDARD.encode(bytes),
    ))
}

/// `$base64decode(str)`: Node's `Buffer.from(str, 'base64').toString('binary')`: characters
/// outside the alphabet skipped, URL-safe `-`/`_` accepted, decoding stopped at the first `=`,
/// and each byte read as the code point of the same value.
pub(crate) fn base64decode<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    let Some(s) = str_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    let mut clean: Vec<u8> = Vec::with_capacity(s.len());
    for c in s.bytes() {
        match c {
            b'=' => break,
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => clean.push(c),
            b'-' => clean.push(b'+'),
            b'_' => clean.push(b'/'),
            _ => {}
        }
    }
    if clean.len() % 4 == 1 {
        clean.pop();
    }
    let bytes = LENIENT.decode(&clean).unwrap_or_default();
    Ok(JValue::str(
        bytes.iter().map(|&b| char::from(b)).collect::<String>(),
    ))
}

/// The characters `encodeURIComponent` leaves alone besides ASCII letters and digits.
const COMPONENT_UNESCAPED: &[u8] = b"-_.!~*'()";
/// The characters `encodeURI` leaves alone besides ASCII letters and digits.
const URI_UNESCAPED: &[u8] = b"-_.!~*'();/?:@&=+$,#";
/// The characters `decodeURI` leaves escaped.
const URI_RESERVED: &[u8] = b";/?:@&=+$,#";

/// JavaScript's `Encode`: every other character as `%XX` escapes of its UTF-8 bytes.
fn encode_uri(s: &str, unescaped: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || (c.is_ascii() && unescaped.contains(&(c as u8))) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// JavaScript's `Decode`: `%XX` escapes of UTF-8 sequences decoded, except those of the
/// characters in `reserved`; `None` where JavaScript throws `URIError`.
fn decode_uri(s: &str, reserved: &[u8]) -> Option<String> {
    let b = s.as_bytes();
    let hex = |i: usize| -> Option<u8> {
        let h = b.get(i..i + 2)?;
        let h = std::str::from_utf8(h).ok()?;
        u8::from_str_radix(h, 16)
            .ok()
            .filter(|_| h.bytes().all(|c| c.is_ascii_hexdigit()))
    };
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let first = hex(i + 1)?;
        if first < 0x80 {
            if reserved.contains(&first) {
                out.extend_from_slice(&b[i..i + 3]);
            } else {
                out.push(first);
            }
            i += 3;
            continue;
        }
        let n = first.leading_ones() as usize;
        if n == 1 || n > 4 {
            return None;
        }
        let mut octets = vec![first];
        let mut j = i + 3;
        for _ in 1..n {
            if b.get(j) != Some(&b'%') {
                return None;
            }
            let o = hex(j + 1)?;
            if o & 0xc0 != 0x80 {
                return None;
            }
            octets.push(o);
            j += 3;
        }
        // Overlong forms, surrogates and values above U+10FFFF are URIErrors too.
        std::str::from_utf8(&octets).ok()?;
        out.extend_from_slice(&octets);
        i = j;
    }
    String::from_utf8(out).ok()
}

fn malformed_url(function: &str, s: &str) -> Error {
    Error::new(
        "D3140",
        format!("Malformed URL passed to ${function}(): {}", quoted(s)),
    )
}

/// `$encodeUrlComponent(str)` (JavaScript `encodeURIComponent`).
pub(crate) fn encode_url_component<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    Ok(str_arg(&args, 0).map_or(JValue::Undefined, |s| {
        JValue::str(encode_uri(s, COMPONENT_UNESCAPED))
    }))
}

/// `$encodeUrl(str)` (JavaScript `encodeURI`).
pub(crate) fn encode_url<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    Ok(str_arg(&args, 0).map_or(JValue::Undefined, |s| {
        JValue::str(encode_uri(s, URI_UNESCAPED))
    }))
}

/// `$decodeUrlComponent(str)` (JavaScript `decodeURIComponent`; `D3140` for a malformed
/// escape).
pub(crate) fn decode_url_component<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let Some(s) = str_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    decode_uri(s, b"")
        .map(JValue::str)
        .ok_or_else(|| malformed_url("decodeUrlComponent", s))
}

/// `$decodeUrl(str)` (JavaScript `decodeURI`, which leaves the escapes of `;/?:@&=+$,#`;
/// `D3140` for a malformed escape).
pub(crate) fn decode_url<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let Some(s) = str_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    decode_uri(s, URI_RESERVED)
        .map(JValue::str)
        .ok_or_else(|| malformed_url("decodeUrl", s))
}

// ---------------------------------------------------------------------------------------------
// Dates and times
// ---------------------------------------------------------------------------------------------

/// `$now([picture [, timezone]])`: the evaluation's timestamp, formatted
/// ([`datetime::now`]).
pub(crate) fn now<'e>(
    ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    Ok(JValue::str(datetime::now(
        ev.now_millis,
        str_arg(&args, 0),
        str_arg(&args, 1),
    )?))
}

/// `$millis()`: the evaluation's timestamp in milliseconds since the epoch.
pub(crate) fn millis<'e>(
    ev: &mut Eval<'e, '_>,
    _args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    JValue::num(datetime::millis(ev.now_millis))
}

/// `$toMillis(timestamp [, picture])` ([`datetime::to_millis_at`] with the evaluation's
/// timestamp): undefined when the timestamp does not match the picture.
pub(crate) fn to_millis<'e>(
    ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let Some(ts) = str_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    match datetime::to_millis_at(ts, str_arg(&args, 1), ev.now_millis)? {
        Some(ms) => JValue::num(ms),
        None => Ok(JValue::Undefined),
    }
}

/// `$fromMillis(millis [, picture [, timezone]])` ([`datetime::from_millis`]).
pub(crate) fn from_millis<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let Some(ms) = num_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    Ok(JValue::str(datetime::from_millis(
        ms,
        str_arg(&args, 1),
        str_arg(&args, 2),
    )?))
}

// ---------------------------------------------------------------------------------------------
// AWS's additions (ASL-JA-14)
// ---------------------------------------------------------------------------------------------

/// `$hash(value [, algorithm])`: the lowercase hex digest of `value`'s UTF-8 bytes with
/// `MD5`, `SHA-1`, `SHA-256` (the default), `SHA-384` or `SHA-512`; `D3141` for another
/// algorithm.
pub(crate) fn hash<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    use sha2::Digest as _;
    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
    let Some(data) = str_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    let data = data.as_bytes();
    let algorithm = str_arg(&args, 1).unwrap_or("SHA-256");
    Ok(JValue::str(match algorithm {
        "MD5" => hex(&md5::Md5::digest(data)),
        "SHA-1" => hex(&sha1::Sha1::digest(data)),
        "SHA-256" => hex(&sha2::Sha256::digest(data)),
        "SHA-384" => hex(&sha2::Sha384::digest(data)),
        "SHA-512" => hex(&sha2::Sha512::digest(data)),
        other => {
            return Err(Error::new(
                AWS_ERROR,
                format!(
                    "Unsupported hash algorithm {} passed to $hash(): use one of {}",
                    quoted(other),
                    asl_syntax::intrinsic::HASH_ALGORITHMS.join(", ")
                ),
            ));
        }
    }))
}

/// `$uuid()`: a random version 4 UUID (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`).
pub(crate) fn uuid<'e>(
    ev: &mut Eval<'e, '_>,
    _args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    Ok(JValue::str(ev.random_uuid()))
}

/// A parsed JSON value with its numbers as JavaScript numbers (integral ones as integers).
fn from_json(v: serde_json::Value) -> Result<Value, Error> {
    Ok(match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            if !x.is_finite() {
                return Err(Error::d1001(x));
            }
            Value::Number(json_number(x))
        }
        serde_json::Value::String(s) => Value::String(Str::from(s)),
        serde_json::Value::Array(a) => {
            Value::array(a.into_iter().map(from_json).collect::<Result<_, _>>()?)
        }
        serde_json::Value::Object(o) => {
            let mut map = Map::with_capacity(o.len());
            for (k, v) in o {
                map.insert(k, from_json(v)?);
            }
            Value::object(map)
        }
    })
}

/// `$parse(json)`: `JSON.parse`; `D3141` with the parser's message for text that is not JSON.
pub(crate) fn parse<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let Some(s) = str_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    let v: serde_json::Value = serde_json::from_str(s).map_err(|e| {
        Error::new(
            AWS_ERROR,
            format!("The argument of $parse() is not valid JSON: {e}"),
        )
    })?;
    Ok(JValue::Json(from_json(v)?))
}

#[cfg(test)]
mod tests {
    use super::super::super::{Error, Limits, Outcome, evaluate};
    use crate::value::Value;

    fn run(expr: &str) -> Result<Outcome, Error> {
        let e = asl_syntax::jsonata::parse(expr).expect("expression parses");
        let globals = |_: &str| None::<Value>;
        evaluate(&e, None, &globals, Limits::default(), 1_700_000_000_000.0)
    }

    fn ok(expr: &str) -> serde_json::Value {
        match run(expr) {
            Ok(Outcome::Value(v)) => serde_json::Value::from(&v),
            other => panic!("{expr}: {other:?}"),
        }
    }

    fn code(expr: &str) -> &'static str {
        match run(expr) {
            Err(e) => e.code,
            other => panic!("{expr}: expected an error, got {other:?}"),
        }
    }

    fn undefined(expr: &str) -> bool {
        matches!(run(expr), Ok(Outcome::Undefined))
    }

    #[test]
    fn hash_digests_known_strings() {
        // Same digests as `States.Hash` (ASL-FN-13).
        assert_eq!(
            ok("$hash('input data', 'SHA-1')"),
            "aaff4a450a104cd177d28d18d74485e8cae074b7"
        );
        assert_eq!(
            ok("$hash('abc', 'MD5')"),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(
            ok("$hash('abc')"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(ok("$hash('abc', 'SHA-256')"), ok("$hash('abc')"));
        assert_eq!(
            ok("$hash('abc', 'SHA-384')"),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
        );
        assert_eq!(
            ok("$hash('abc', 'SHA-512')"),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
        assert!(undefined("$hash($missing)"));
        assert_eq!(code("$hash('abc', 'sha256')"), "D3141");
        assert_eq!(code("$hash(1)"), "T0410");
    }

    #[test]
    fn uuid_is_random_v4() {
        let a = ok("$uuid()");
        let s = a.as_str().expect("a string");
        assert_eq!(s.len(), 36);
        assert_eq!(s.as_bytes()[14], b'4');
        assert!(matches!(s.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
        assert_ne!(a, ok("$uuid()"));
    }

    #[test]
    fn parse_reads_json() {
        assert_eq!(
            ok(r#"$parse('{"a": [1, 2.0, "x", null, true]}')"#),
            serde_json::json!({"a": [1, 2, "x", null, true]})
        );
        assert_eq!(ok(r#"$parse('"s"')"#), "s");
        assert_eq!(ok(r#"$parse(' 12.5 ')"#), 12.5);
        assert_eq!(ok(r#"$parse('{"b":1}').b + 1"#), 2);
        assert!(undefined("$parse($missing)"));
        assert_eq!(code("$parse('{bad')"), "D3141");
        assert_eq!(code("$parse('')"), "D3141");
        assert_eq!(code("$parse('1e400')"), "D3141");
    }

    #[test]
    fn regex_as_function() {
        assert_eq!(
            ok(r#"($re := /a(n)?/; $re("banana"))"#),
            serde_json::json!({"match": "an", "start": 1, "end": 3, "groups": ["n"]})
        );
        assert_eq!(ok(r#"($re := /a/; $re("banana", 2).start)"#), 3);
        assert!(undefined(r#"($re := /x/; $re("banana"))"#));
        // Offsets are UTF-16 code units, as in JavaScript.
        assert_eq!(ok(r#"($re := /b/; $re("𝄞ab").start)"#), 3);
    }

    #[test]
    fn matchers_report_utf16_offsets() {
        assert_eq!(
            ok(r#"$match("𝄞a𝄞a", /a/).index"#),
            serde_json::json!([2, 5])
        );
        assert_eq!(
            ok(r#"$replace("é-é", /-/, function($m){ $string($m.start) })"#),
            "é1é"
        );
    }

    #[test]
    fn zero_length_matches() {
        // The first match may be empty; a later one is D1004 (JavaScript's lastIndex).
        assert_eq!(ok(r#"$replace("", /x*/, "-")"#), "-");
        assert_eq!(code(r#"$replace("abc", /x*/, "-")"#), "D1004");
        assert_eq!(code(r#"$split("abc", /x*/, 1)"#), "D1004");
        assert_eq!(ok(r#"$match("abc", /c$/).index"#), 2);
    }

    #[test]
    fn replace_and_split_edges() {
        assert_eq!(ok(r#"$replace("abc", "b", $missing)"#), "aundefinedc");
        assert_eq!(code(r#"$replace("abc", "b", function($m){"x"})"#), "D3012");
        assert_eq!(code(r#"$replace("abc", $missing, "x")"#), "T0410");
        assert_eq!(ok(r#"$replace("a.b.c", ".", "$0")"#), "a$0b$0c");
        assert_eq!(ok(r#"$replace("abc", /(b)/, "[$1$2$$]")"#), "a[b$]c");
        assert_eq!(
            ok(r#"$split("a1b2c", /\d/)"#),
            serde_json::json!(["a", "b", "c"])
        );
        assert_eq!(
            ok(r#"$split("a1b2c", /\d/, 2)"#),
            serde_json::json!(["a", "b"])
        );
        assert_eq!(ok(r#"$split("", ",")"#), serde_json::json!([""]));
        assert_eq!(ok(r#"$split("", "")"#), serde_json::json!([]));
        assert_eq!(ok(r#"$contains("abc", /B/i)"#), true);
        assert_eq!(code(r#"$contains("abc", $uppercase)"#), "T1010");
    }

    /// The custom matcher of the suite's `matchers` group.
    const MATCHER: &str = "$gen := function($ch) { $m := function($str, $offset) {( \
        $before := $substringBefore($str, $ch); \
        $start := $length($before) + ($exists($offset) ? $offset : 0); \
        $end := $start + $length($ch); \
        $before != $str and $length($ch) > 0 ? { 'match': $ch, 'start': $start, 'end': $end, \
          'groups': [], 'next': function() {$m($substringAfter($str, $ch), $end)} } )} };";

    #[test]
    fn custom_matchers() {
        let with = |body: &str| ok(&format!("({MATCHER} {body})"));
        assert_eq!(
            with("$replace('abracadabra', $gen('a'), '-')"),
            "-br-c-d-br-"
        );
        assert_eq!(
            with("$replace('abracadabra', $gen('a'), '-', 2)"),
            "-br-cadabra"
        );
        assert_eq!(
            with("$replace('abracadabra', $gen('b'), function($m){ $uppercase($m.match) })"),
            "aBracadaBra"
        );
        assert_eq!(
            with("$split('abracadabra', $gen('a'))"),
            serde_json::json!(["", "br", "c", "d", "br", ""])
        );
        assert_eq!(with("$contains('abc', $gen('c'))"), true);
        assert_eq!(with("$contains('abc', $gen('x'))"), false);
        assert!(undefined(&format!("({MATCHER} $match('abc', $gen('x')))")));
    }

    #[test]
    fn number_parsing() {
        assert_eq!(ok("$number('0x1F')"), 31);
        assert_eq!(ok("$number('0b101')"), 5);
        assert_eq!(ok("$number('0o17')"), 15);
        assert_eq!(ok("$number('0x1F ')"), 31);
        assert_eq!(code("$number(' 0x1F')"), "D3030");
        assert_eq!(code("$number('0x1G')"), "D1001");
        assert_eq!(code("$number('1.')"), "D3030");
        assert_eq!(code("$number('+1')"), "D3030");
        assert_eq!(ok("$number('-0')"), 0);
    }

    #[test]
    fn encodings() {
        assert_eq!(ok("$base64encode('é')"), "6Q==");
        assert_eq!(ok("$base64decode('6Q==')"), "é");
        assert_eq!(ok("$base64decode('aGVs bG8')"), "hello");
        assert_eq!(ok("$base64decode('aGVsbG8=ignored')"), "hello");
        assert_eq!(ok("$encodeUrlComponent('a b/é')"), "a%20b%2F%C3%A9");
        assert_eq!(ok("$encodeUrl('a b/é?x=1#y')"), "a%20b/%C3%A9?x=1#y");
        assert_eq!(ok("$decodeUrl('%2F%20%C3%A9')"), "%2F é");
        assert_eq!(ok("$decodeUrlComponent('%2F%20%C3%A9')"), "/ é");
        assert_eq!(code("$decodeUrlComponent('%C0%AF')"), "D3140");
        assert_eq!(code("$decodeUrlComponent('%ZZ')"), "D3140");
    }

    #[test]
    fn strings_round_integer_params_down() {
        assert_eq!(ok("$substring('hello', 1.9, 2.9)"), "el");
        assert_eq!(ok("$substring('hello', -1.5)"), "lo");
        assert_eq!(ok("$pad('a', 2.9, '*')"), "a*");
        assert_eq!(ok("$pad('a', -3, '💩')"), "💩💩a");
        assert_eq!(ok("$trim(' \t a \n b ')"), "a b");
        assert_eq!(ok("$length('𝄞')"), 1);
        assert_eq!(ok("$uppercase('straße')"), "STRASSE");
        assert_eq!(ok("$substringBefore('a-b', $missing)"), "a-b");
    }

    #[test]
    fn dates_use_the_evaluation_clock() {
        assert_eq!(ok("$millis()"), 1_700_000_000_000u64);
        assert_eq!(ok("$now()"), "2023-11-14T22:13:20.000Z");
        assert_eq!(ok("$now('[Y0001]', '+0100')"), "2023");
        assert_eq!(ok("$fromMillis(0)"), "1970-01-01T00:00:00.000Z");
        assert_eq!(ok("$toMillis('1970-01-01T00:00:01Z')"), 1000);
        assert!(undefined("$toMillis('x', '[Y]')"));
    }

    #[test]
    fn string_prettify() {
        assert_eq!(
            ok("$string([1,{'a':2}], true)"),
            "[\n  1,\n  {\n    \"a\": 2\n  }\n]"
        );
        assert_eq!(ok("$string(0.1 + 0.2)"), "0.3");
    }
}
