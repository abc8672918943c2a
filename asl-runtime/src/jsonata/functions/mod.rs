//! The standard library: jsonata-js 2.0.6's functions (`functions.js`, `datetime.js`) with
//! their signatures, minus `$eval` and plus AWS's additions (ASL-JA-13, ASL-JA-14), and with
//! AWS's rule that integer parameters are rounded down (ASL-JA-15).
//!
//! Each function receives its arguments after signature validation (so a `-` parameter
//! already holds the context item and an `a` parameter an array), exactly as jsonata-js's
//! implementations do.

mod collections;
mod strings;

use std::fmt::Write as _;

use super::Error;
use super::eval::Eval;
use super::func::{Native, NativeFn, Regex};
use super::value::JValue;
use crate::value::Value;

pub(crate) use strings::regex_exec;

macro_rules! natives {
    ($($name:literal, $arity:literal, $imp:path;)*) => {
        /// Every library function, by name (signatures: `asl_syntax::jsonata::builtins`).
        static NATIVES: &[Native] = &[
            $(Native { name: $name, arity: $arity, imp: $imp as NativeFn },)*
        ];
    };
}

natives! {
    // Aggregation and numbers.
    "sum", 1, collections::sum;
    "count", 1, collections::count;
    "max", 1, collections::max;
    "min", 1, collections::min;
    "average", 1, collections::average;
    "number", 1, strings::number;
    "floor", 1, collections::floor;
    "ceil", 1, collections::ceil;
    "round", 2, collections::round;
    "abs", 1, collections::abs;
    "sqrt", 1, collections::sqrt;
    "power", 2, collections::power;
    "random", 1, collections::random;
    // Strings.
    "string", 1, strings::string;
    "substring", 3, strings::substring;
    "substringBefore", 2, strings::substring_before;
    "substringAfter", 2, strings::substring_after;
    "lowercase", 1, strings::lowercase;
    "uppercase", 1, strings::uppercase;
    "length", 1, strings::length;
    "trim", 1, strings::trim;
    "pad", 3, strings::pad;
    "match", 3, strings::match_;
    "contains", 2, strings::contains;
    "replace", 4, strings::replace;
    "split", 3, strings::split;
    "join", 2, strings::join;
    "formatNumber", 3, strings::format_number;
    "formatBase", 2, strings::format_base;
    "formatInteger", 2, strings::format_integer;
    "parseInteger", 2, strings::parse_integer;
    "base64encode", 1, strings::base64encode;
    "base64decode", 1, strings::base64decode;
    "encodeUrlComponent", 1, strings::encode_url_component;
    "encodeUrl", 1, strings::encode_url;
    "decodeUrlComponent", 1, strings::decode_url_component;
    "decodeUrl", 1, strings::decode_url;
    // Dates and times.
    "now", 2, strings::now;
    "millis", 0, strings::millis;
    "toMillis", 2, strings::to_millis;
    "fromMillis", 3, strings::from_millis;
    // Booleans.
    "boolean", 1, collections::boolean;
    "not", 1, collections::not;
    "exists", 1, collections::exists;
    // Arrays.
    "append", 2, collections::append;
    "reverse", 1, collections::reverse;
    "sort", 2, collections::sort;
    "shuffle", 1, collections::shuffle;
    "distinct", 1, collections::distinct;
    "zip", 0, collections::zip;
    // Objects.
    "keys", 1, collections::keys;
    "lookup", 2, collections::lookup;
    "spread", 1, collections::spread;
    "merge", 1, collections::merge;
    "each", 2, collections::each;
    "sift", 2, collections::sift;
    "error", 1, collections::error;
    "assert", 2, collections::assert;
    "type", 1, collections::type_;
    // Higher-order functions.
    "map", 2, collections::map;
    "filter", 2, collections::filter;
    "single", 2, collections::single;
    "reduce", 3, collections::reduce;
    // AWS's additions (ASL-JA-14).
    "partition", 2, collections::partition;
    "range", 3, collections::range;
    "hash", 2, strings::hash;
    "uuid", 0, strings::uuid;
    "parse", 1, strings::parse;
}

/// The library function `name` (without `$`).
///
/// The list and [`asl_syntax::jsonata::builtins::BUILTINS`] name the same functions (a test
/// checks it).
pub(crate) fn lookup(name: &str) -> Option<&'static Native> {
    NATIVES.iter().find(|n| n.name == name)
}

/// `JSON.stringify` as jsonata-js's `$string` calls it: numbers to 15 significant digits,
/// functions as `""`, members whose value is undefined left out; `pretty` indents by two.
pub(crate) fn stringify(v: &JValue<'_>, pretty: bool) -> Result<String, Error> {
    let mut out = String::new();
    write_value(&mut out, v, pretty, 0)?;
    Ok(out)
}

fn write_value(out: &mut String, v: &JValue<'_>, pretty: bool, level: usize) -> Result<(), Error> {
    match v {
        JValue::Undefined => out.push_str("null"),
        JValue::Func(_) => out.push_str("\"\""),
        JValue::Json(j) => write_json(out, j, pretty, level),
        JValue::Array(_) | JValue::Tuples(_) => {
            let items: Vec<JValue<'_>> = match v {
                JValue::Tuples(t) => t.iter().map(|t| t.at.clone()).collect(),
                other => other.clone().into_vec(),
            };
            write_seq(out, items.len(), pretty, level, '[', ']', |out, i| {
                let item = &items[i];
                if item.is_undefined() {
                    out.push_str("null");
                    Ok(())
                } else {
                    write_value(out, item, pretty, level + 1)
                }
            })?;
        }
        JValue::Object(m) => {
            let members: Vec<_> = m.iter().filter(|(_, v)| !v.is_undefined()).collect();
            write_seq(out, members.len(), pretty, level, '{', '}', |out, i| {
                let (k, v) = members[i];
                write_string(out, k);
                out.push(':');
                if pretty {
                    out.push(' ');
                }
                write_value(out, v, pretty, level + 1)
            })?;
        }
    }
    Ok(())
}

fn write_seq(
    out: &mut String,
    n: usize,
    pretty: bool,
    level: usize,
    open: char,
    close: char,
    mut item: impl FnMut(&mut String, usize) -> Result<(), Error>,
) -> Result<(), Error> {
    out.push(open);
    if n == 0 {
        out.push(close);
        return Ok(());
    }
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        if pretty {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', 2 * (level + 1)));
        }
        item(out, i)?;
    }
    if pretty {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', 2 * level));
    }
    out.push(close);
    Ok(())
}

fn write_json(out: &mut String, v: &Value, pretty: bool, level: usize) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number_text(n.as_f64().unwrap_or(0.0))),
        Value::String(s) => write_string(out, s),
        Value::Array(a) => {
            let _ = write_seq(out, a.len(), pretty, level, '[', ']', |out, i| {
                write_json(out, &a[i], pretty, level + 1);
                Ok(())
            });
        }
        Value::Object(m) => {
            let _ = write_seq(out, m.len(), pretty, level, '{', '}', |out, i| {
                if let Some((k, v)) = m.get_index(i) {
                    write_string(out, k);
                    out.push(':');
                    if pretty {
                        out.push(' ');
                    }
                    write_json(out, v, pretty, level + 1);
                }
                Ok(())
            });
        }
    }
}

/// A number as `$string` writes it: `Number(x.toPrecision(15))` in JavaScript's format.
pub(crate) fn number_text(x: f64) -> String {
    let rounded: f64 = format!("{x:.14e}").parse().unwrap_or(x);
    super::format::js_number_to_string(rounded)
}

/// A JSON string literal as `JSON.stringify` writes it.
pub(crate) fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// An integer parameter as AWS reads it: rounded down (ASL-JA-15).
pub(crate) fn int_arg(x: f64) -> f64 {
    x.floor()
}

/// The regex of a matcher argument, if it is one.
pub(crate) fn as_regex<'a>(v: &'a JValue<'_>) -> Option<&'a Regex> {
    match v {
        JValue::Func(f) => match &**f {
            super::func::Func::Regex(r) => Some(r),
            _ => None,
        },
        _ => None,
    }
}

/// Applies a function argument of a higher-order function with as many of `args` as it
/// takes (jsonata-js `hofFuncArgs`).
pub(crate) fn call_hof<'e>(
    ev: &mut Eval<'e, '_>,
    func: &JValue<'e>,
    mut args: Vec<JValue<'e>>,
    input: &JValue<'e>,
) -> Result<JValue<'e>, Error> {
    let arity = func.as_func().map_or(1, |f| f.arity()).max(1);
    args.truncate(arity);
    ev.apply(func, args, input, "")
}

#[cfg(test)]
mod tests {
    use asl_syntax::jsonata::builtins::BUILTINS;

    /// The front end's list of the library is the runtime's.
    #[test]
    fn the_library_is_the_front_ends() {
        for (name, _) in BUILTINS {
            assert!(
                super::lookup(name).is_some(),
                "${name} has no implementation"
            );
        }
        for n in super::NATIVES {
            assert!(
                BUILTINS.iter().any(|(b, _)| *b == n.name),
                "${} is not in the front end's list",
                n.name
            );
        }
    }
}
