//! What the straight-line code of lowered JSONata states calls (`machine::Step`): the few
//! operations of the JSONata subset the compiler lowers, each giving `None` where JSONata's
//! answer is anything but the plain one (an array to map over, a missing field, a type
//! error), so the state runs again through the evaluator, which gives the answer or the error
//! exactly. Not for use outside generated code.

use crate::value::Value;

/// `v.name` for an object `v`: the member, or `None` (missing, or `v` not an object: an array
/// would be mapped over, which the evaluator does).
#[inline]
pub fn field<'v>(v: &'v Value, name: &str) -> Option<&'v Value> {
    match v {
        Value::Object(m) => m.get(name),
        _ => None,
    }
}

/// A workflow variable's value.
#[inline]
pub fn var<'v>(vars: &'v crate::value::Map, name: &str) -> Option<&'v Value> {
    vars.get(name)
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

/// `a + b`, `a - b`, … on two numbers (`op` one of `+ - * / %`), as JSONata computes it
/// (doubles; an integral result stays an integer).
#[inline]
pub fn arith(op: u8, a: &Value, b: &Value) -> Option<Value> {
    let (x, y) = (num(a)?, num(b)?);
    let r = match op {
        b'+' => x + y,
        b'-' => x - y,
        b'*' => x * y,
        b'/' => x / y,
        _ => x % y,
    };
    super::value::number(r).ok()
}

/// `a < b` and the other orderings on two numbers or two strings (`op` one of `<`, `l`
/// (`<=`), `>`, `g` (`>=`)); `None` for anything else.
#[inline]
pub fn order(op: u8, a: &Value, b: &Value) -> Option<bool> {
    use std::cmp::Ordering::*;
    let o = match (a, b) {
        (Value::Number(_), Value::Number(_)) => num(a)?.partial_cmp(&num(b)?)?,
        (Value::String(x), Value::String(y)) => super::eval::js_string_cmp(x, y),
        _ => return None,
    };
    Some(match op {
        b'<' => o == Less,
        b'l' => o != Greater,
        b'>' => o == Greater,
        _ => o != Less,
    })
}

/// `a = b` on two scalars (numbers by value); `None` for containers.
#[inline]
pub fn equal(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => Some(num(a)? == num(b)?),
        (Value::Array(_) | Value::Object(_), _) | (_, Value::Array(_) | Value::Object(_)) => None,
        _ => Some(a == b),
    }
}

/// A number of the expression (finite: the parser refuses others).
#[inline]
pub fn number(x: f64) -> Value {
    Value::Number(super::value::json_number(x))
}

/// Whether a lowered state's `Assign` of `values` to `keys` is surely within the size limits
/// (ASL-VAR-10): each value and all of them under 256 KiB, and too few variables in all to
/// pass 10 MiB. Otherwise the state runs through its descriptor, which measures exactly.
pub fn assign_fits(vars: &crate::value::Map, keys: &[&str], values: &[Value]) -> bool {
    use crate::driver::{MAX_ASSIGN_BYTES, MAX_TOTAL_BYTES, MAX_VARIABLE_BYTES};
    let mut total = 0usize;
    for v in values {
        let len = v.json_len_bound();
        if len > MAX_VARIABLE_BYTES {
            return false;
        }
        total += len;
    }
    let count = vars.len() + keys.iter().filter(|k| !vars.contains_key(k)).count();
    total <= MAX_ASSIGN_BYTES && count * MAX_VARIABLE_BYTES <= MAX_TOTAL_BYTES
}
