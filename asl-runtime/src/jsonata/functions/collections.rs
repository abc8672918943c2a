//! The aggregation, numeric, boolean, array, object and higher-order functions of the
//! library: jsonata-js 2.0.6's `functions.js` one for one (`sum` … `sift`, `foldLeft` as
//! `$reduce`), plus AWS's additions `$partition`, `$range` and the seeded `$random`
//! (ASL-JA-14).
//!
//! Every function receives its arguments after signature validation (an `a` parameter holds an
//! array or undefined, a `-` parameter the context item when the argument was left out) and
//! follows jsonata-js: undefined in, undefined out; results jsonata-js builds with
//! `createSequence()` are sequences (a singleton unwraps), plain JavaScript arrays are plain
//! arrays. A function argument is called as jsonata-js calls the closure it wraps it in
//! (`evaluateFunction`): `apply(func, args, null)`, so the context a library function sees
//! when called back is `null`.

use std::collections::{HashMap, HashSet};

use super::super::Error;
use super::super::eval::{self, Eval};
use super::super::format::jsonata_round;
use super::super::value::{JValue, deep_equal, json_number};
use super::{call_hof, int_arg};
use crate::value::{Str, Value};

type Res<'e> = Result<JValue<'e>, Error>;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The items of an array-like value (JSON arrays, evaluator-built arrays, tuple streams);
/// `None` for anything else.
fn array_items<'e>(v: &JValue<'e>) -> Option<Vec<JValue<'e>>> {
    match v {
        JValue::Tuples(t) => Some(t.iter().map(|t| t.at.clone()).collect()),
        other => other.items().map(|i| i.iter().collect()),
    }
}

/// The items of a validated `a` argument (an array, or undefined: no items).
fn seq<'e>(v: &JValue<'e>) -> Vec<JValue<'e>> {
    match array_items(v) {
        Some(items) => items,
        None if v.is_undefined() => Vec::new(),
        None => vec![v.clone()],
    }
}

/// Argument `i`, undefined when it was not given.
fn arg<'e>(args: &[JValue<'e>], i: usize) -> JValue<'e> {
    args.get(i).cloned().unwrap_or_default()
}

/// A number argument (validated `n`), `None` when undefined.
fn num_arg(args: &[JValue<'_>], i: usize) -> Option<f64> {
    args.get(i).and_then(JValue::as_f64)
}

/// An index as a JSON number.
fn index<'e>(i: usize) -> JValue<'e> {
    JValue::Json(Value::Number(json_number(i as f64)))
}

/// JavaScript truthiness (what `if (await comp(a, b))` tests in `fn.sort`): unlike JSONata's
/// `$boolean`, every array and object is true, even an empty one.
fn js_truthy(v: &JValue<'_>) -> bool {
    match v {
        JValue::Undefined => false,
        JValue::Json(Value::Null) => false,
        JValue::Json(Value::Bool(b)) => *b,
        JValue::Json(Value::Number(n)) => n.as_f64().is_some_and(|x| x != 0.0 && !x.is_nan()),
        JValue::Json(Value::String(s)) => !s.is_empty(),
        _ => true,
    }
}

/// The `null` context jsonata-js's argument closures apply functions with.
fn null<'e>() -> JValue<'e> {
    JValue::Json(Value::Null)
}

// ---------------------------------------------------------------------------------------------
// Aggregation
// ---------------------------------------------------------------------------------------------

/// `$sum(array)`: the total of an array of numbers (`0` for an empty one), undefined for
/// undefined.
pub(crate) fn sum<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let a = arg(&args, 0);
    if a.is_undefined() {
        return Ok(JValue::Undefined);
    }
    let total = seq(&a)
        .iter()
        .filter_map(JValue::as_f64)
        .fold(0.0, |t, x| t + x);
    JValue::num(total)
}

/// `$count(array)`: the number of items, `0` for undefined.
pub(crate) fn count<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    JValue::num(seq(&arg(&args, 0)).len() as f64)
}

/// `Math.max` / `Math.min` over an array of numbers; undefined for undefined or empty.
fn extreme<'e>(args: &[JValue<'e>], pick: fn(f64, f64) -> f64) -> Res<'e> {
    let items = seq(&arg(args, 0));
    let mut nums = items.iter().filter_map(JValue::as_f64);
    let Some(first) = nums.next() else {
        return Ok(JValue::Undefined);
    };
    JValue::num(nums.fold(first, pick))
}

/// `$max(array)`: the largest number; undefined for undefined or an empty array.
pub(crate) fn max<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    extreme(&args, f64::max)
}

/// `$min(array)`: the smallest number; undefined for undefined or an empty array.
pub(crate) fn min<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    extreme(&args, f64::min)
}

/// `$average(array)`: the mean; undefined for undefined or an empty array.
pub(crate) fn average<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let items = seq(&arg(&args, 0));
    if items.is_empty() {
        return Ok(JValue::Undefined);
    }
    let total = items
        .iter()
        .filter_map(JValue::as_f64)
        .fold(0.0, |t, x| t + x);
    JValue::num(total / items.len() as f64)
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/// A function of one number, undefined for undefined.
fn unary<'e>(args: &[JValue<'e>], f: fn(f64) -> f64) -> Res<'e> {
    match num_arg(args, 0) {
        Some(x) => JValue::num(f(x)),
        None => Ok(JValue::Undefined),
    }
}

/// `$floor(number)`.
pub(crate) fn floor<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    unary(&args, f64::floor)
}

/// `$ceil(number)`.
pub(crate) fn ceil<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    unary(&args, f64::ceil)
}

/// `$abs(number)`.
pub(crate) fn abs<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    unary(&args, f64::abs)
}

/// `$round(number, precision?)`: half to even at `precision` decimal places (negative: to
/// tens, hundreds, …), as jsonata-js shifts the decimal point in the number's text. A
/// fractional precision is rounded down (ASL-JA-15).
pub(crate) fn round<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let Some(x) = num_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    // `if (precision)`: undefined and 0 both mean none.
    let precision = num_arg(&args, 1).map_or(0, |p| int_arg(p) as i64);
    JValue::num(jsonata_round(x, precision))
}

/// `$sqrt(number)`; `D3060` for a negative number.
pub(crate) fn sqrt<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let Some(x) = num_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    if x < 0.0 {
        return Err(Error::new(
            "D3060",
            format!(
                "The sqrt function cannot be applied to a negative number: {}",
                eval::json_text(&args[0])
            ),
        ));
    }
    JValue::num(x.sqrt())
}

/// `$power(base, exponent)` (`Math.pow`); `D3061` when the result is not a finite number.
pub(crate) fn power<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let Some(base) = num_arg(&args, 0) else {
        return Ok(JValue::Undefined);
    };
    let exp = num_arg(&args, 1);
    let result = exp.map_or(f64::NAN, |e| js_pow(base, e));
    if !result.is_finite() {
        return Err(Error::new(
            "D3061",
            format!(
                "The power function has resulted in a value that cannot be represented as a JSON number: base={}, exponent={}",
                eval::json_text(&args[0]),
                eval::json_text(&arg(&args, 1))
            ),
        ));
    }
    JValue::num(result)
}

/// JavaScript's `Math.pow` (C's `pow` except that `1 ** ±Infinity` and `(-1) ** ±Infinity`
/// are NaN; the exponent is finite here, so they coincide).
fn js_pow(base: f64, exp: f64) -> f64 {
    if exp.is_nan() || (base.abs() == 1.0 && exp.is_infinite()) {
        return f64::NAN;
    }
    base.powf(exp)
}

/// `$random(seed?)`, AWS's version (ASL-JA-14, ASL-SUB-50), the replacement for
/// `States.MathRandom`: unlike jsonata-js's `$random()` it takes an optional seed, and a seed
/// gives the same number every time. Unseeded: uniform in `[0, 1)` (jsonata-js's
/// `Math.random()`). Seeded: the first `nextDouble()` of a `java.util.Random(seed)`, so
/// `$random(42)` is `0.7275636800328681` and `$random(0)` `0.730967787376657`, the values
/// floci-io/floci#2662 measured on AWS. A fractional seed is rounded down (ASL-JA-15); a
/// second argument or a non-number is `T0410` (signature `<n?:n>`).
///
/// Not recorded for replay: the unseeded draw comes from the thread's generator.
pub(crate) fn random<'e>(
    ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    match num_arg(&args, 0) {
        // `as` saturates, like Java's `(long)` cast.
        Some(seed) => JValue::num(java_next_double(int_arg(seed) as i64)),
        None => JValue::num(ev.random_f64()),
    }
}

/// `new java.util.Random(seed).nextDouble()`.
fn java_next_double(seed: i64) -> f64 {
    const MULTIPLIER: i64 = 0x5_DEEC_E66D;
    const MASK: i64 = (1 << 48) - 1;
    let mut state = (seed ^ MULTIPLIER) & MASK;
    let mut next = |bits: u32| -> i64 {
        state = state.wrapping_mul(MULTIPLIER).wrapping_add(0xB) & MASK;
        i64::from((state >> (48 - bits)) as i32)
    };
    let hi = next(26);
    let lo = next(27);
    ((hi << 27) + lo) as f64 * (1.0 / (1u64 << 53) as f64)
}

// ---------------------------------------------------------------------------------------------
// Booleans
// ---------------------------------------------------------------------------------------------

/// `$boolean(value)`: JSONata's effective boolean value; undefined for undefined.
pub(crate) fn boolean<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let v = arg(&args, 0);
    if v.is_undefined() {
        return Ok(JValue::Undefined);
    }
    Ok(JValue::bool(eval::boolean(&v)))
}

/// `$not(value)`: the negated effective boolean value; undefined for undefined.
pub(crate) fn not<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let v = arg(&args, 0);
    if v.is_undefined() {
        return Ok(JValue::Undefined);
    }
    Ok(JValue::bool(!eval::boolean(&v)))
}

/// `$exists(value)`: whether the value is defined.
pub(crate) fn exists<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    Ok(JValue::bool(!arg(&args, 0).is_undefined()))
}

// ---------------------------------------------------------------------------------------------
// Arrays
// ---------------------------------------------------------------------------------------------

/// `$append(a, b)`: `fn.append` (a plain array of both, arrays flattened one level).
pub(crate) fn append<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    Ok(eval::append(arg(&args, 0), arg(&args, 1)))
}

/// `$reverse(array)`: a plain array in reverse order (the argument itself when it has at most
/// one item).
pub(crate) fn reverse<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let a = arg(&args, 0);
    let items = seq(&a);
    if a.is_undefined() || items.len() <= 1 {
        return Ok(a);
    }
    Ok(JValue::array(items.into_iter().rev().collect()))
}

/// jsonata-js `fn.sort`'s merge sort: stable, the left half sorted before the right, and
/// `greater(l, r)` true taking the right item first.
fn merge_sort<'e>(
    items: Vec<JValue<'e>>,
    greater: &mut dyn FnMut(&JValue<'e>, &JValue<'e>) -> Result<bool, Error>,
) -> Result<Vec<JValue<'e>>, Error> {
    if items.len() <= 1 {
        return Ok(items);
    }
    let mut left = items;
    let right = left.split_off(left.len() / 2);
    let left = merge_sort(left, greater)?;
    let right = merge_sort(right, greater)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut l = left.into_iter().peekable();
    let mut r = right.into_iter().peekable();
    while let (Some(a), Some(b)) = (l.peek(), r.peek()) {
        if greater(a, b)? {
            out.extend(r.next());
        } else {
            out.extend(l.next());
        }
    }
    out.extend(l);
    out.extend(r);
    Ok(out)
}

/// `$sort(array, comparator?)`: a plain sorted array. Without a comparator the items must be
/// all numbers or all strings (`D3070`), compared with JavaScript's `>`; a comparator
/// `function($l, $r)` returning a truthy value puts `$r` first.
pub(crate) fn sort<'e>(
    ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let a = arg(&args, 0);
    let items = seq(&a);
    if a.is_undefined() || items.len() <= 1 {
        return Ok(a);
    }
    let comparator = arg(&args, 1);
    let sorted = if comparator.is_undefined() {
        let numbers = items.iter().all(|v| v.as_f64().is_some());
        let strings = items.iter().all(|v| v.as_str().is_some());
        if !numbers && !strings {
            return Err(Error::new(
                "D3070",
                "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function",
            ));
        }
        merge_sort(items, &mut |x, y| {
            Ok(match (x.as_f64(), y.as_f64()) {
                (Some(p), Some(q)) => p > q,
                _ => match (x.as_str(), y.as_str()) {
                    (Some(p), Some(q)) => eval::js_string_cmp(p, q).is_gt(),
                    _ => false,
                },
            })
        })?
    } else {
        let context = null();
        merge_sort(items, &mut |x, y| {
            let r = ev.apply(&comparator, vec![x.clone(), y.clone()], &context, "")?;
            Ok(js_truthy(&r))
        })?
    };
    Ok(JValue::array(sorted))
}

/// `$shuffle(array)`: a plain array in random order (the inside-out Fisher–Yates shuffle of
/// jsonata-js); the argument itself when it has at most one item.
pub(crate) fn shuffle<'e>(
    ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let a = arg(&args, 0);
    let items = seq(&a);
    if a.is_undefined() || items.len() <= 1 {
        return Ok(a);
    }
    let mut out: Vec<JValue<'e>> = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let j = ((ev.random_f64() * (i + 1) as f64).floor() as usize).min(i);
        if j == i {
            out.push(item);
        } else {
            let moved = std::mem::replace(&mut out[j], item);
            out.push(moved);
        }
    }
    Ok(JValue::array(out))
}

/// `$distinct(array)`: the items without duplicates (deep equality), first occurrences in
/// order; a sequence stays a sequence. A non-array, or an array of at most one item, is
/// returned as it is.
pub(crate) fn distinct<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let a = arg(&args, 0);
    let Some(items) = array_items(&a) else {
        return Ok(a);
    };
    if items.len() <= 1 {
        return Ok(a);
    }
    // Scalars are found through a hash set (deep equality is plain equality for them, numbers
    // by value); containers, which are never equal to a scalar, by deep equality.
    let mut scalars: HashSet<ScalarKey> = HashSet::new();
    let mut containers: Vec<JValue<'e>> = Vec::new();
    let mut out: Vec<JValue<'e>> = Vec::new();
    for v in items {
        let first = match ScalarKey::of(&v) {
            Some(k) => scalars.insert(k),
            None if containers.iter().any(|w| deep_equal(&v, w)) => false,
            None => {
                containers.push(v.clone());
                true
            }
        };
        if first {
            out.push(v);
        }
    }
    Ok(if a.is_sequence() {
        JValue::sequence(out)
    } else {
        JValue::array(out)
    })
}

/// A JSON scalar as a hash key with `$distinct`'s equality.
#[derive(PartialEq, Eq, Hash)]
enum ScalarKey {
    Null,
    Bool(bool),
    /// The bits of the number, `-0` as `0`.
    Number(u64),
    String(Str),
}

impl ScalarKey {
    fn of(v: &JValue<'_>) -> Option<ScalarKey> {
        Some(match v {
            JValue::Json(Value::Null) => ScalarKey::Null,
            JValue::Json(Value::Bool(b)) => ScalarKey::Bool(*b),
            JValue::Json(Value::Number(n)) => {
                let x = n.as_f64()?;
                ScalarKey::Number(if x == 0.0 { 0 } else { x.to_bits() })
            }
            JValue::Json(Value::String(s)) => ScalarKey::String(s.clone()),
            _ => return None,
        })
    }
}

/// `$zip(array, …)`: a plain array of plain arrays, the i-th holding the i-th item of each
/// argument, as long as the shortest argument (an undefined argument is empty).
pub(crate) fn zip<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let lists: Vec<Vec<JValue<'e>>> = args
        .iter()
        .map(|a| array_items(a).unwrap_or_default())
        .collect();
    let len = lists.iter().map(Vec::len).min().unwrap_or(0);
    let out = (0..len)
        .map(|i| JValue::array(lists.iter().map(|l| l[i].clone()).collect()))
        .collect();
    Ok(JValue::array(out))
}

// ---------------------------------------------------------------------------------------------
// Objects
// ---------------------------------------------------------------------------------------------

/// The keys `fn.keys` finds: an object's own, or for an array the union of its items' keys in
/// order of first appearance.
fn keys_of(v: &JValue<'_>) -> Vec<Str> {
    if let Some(items) = array_items(v) {
        let mut seen: HashSet<Str> = HashSet::new();
        let mut out = Vec::new();
        for item in &items {
            for k in keys_of(item) {
                if seen.insert(k.clone()) {
                    out.push(k);
                }
            }
        }
        return out;
    }
    match v.members() {
        Some(m) => m.keys().collect(),
        None => Vec::new(),
    }
}

/// `$keys(object)`: a sequence of the keys (of every object of an array, each once).
pub(crate) fn keys<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let keys = keys_of(&arg(&args, 0));
    Ok(JValue::sequence(
        keys.into_iter().map(JValue::str).collect(),
    ))
}

/// `$lookup(object, key)`: the value of `key` (of every object of an array, as a sequence).
pub(crate) fn lookup<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let key = arg(&args, 1);
    // `input[undefined]` reads the member named "undefined".
    let key = key.as_str().unwrap_or("undefined");
    Ok(eval::lookup_field(&arg(&args, 0), key))
}

/// `fn.spread` of one value.
fn spread_value<'e>(v: JValue<'e>) -> JValue<'e> {
    if let Some(items) = array_items(&v) {
        // `result = append(result, spread(item))` from an empty sequence: the first defined
        // item turns it into a plain array (`concat`).
        let mut result = JValue::sequence(Vec::new());
        for item in items {
            result = eval::append(result, spread_value(item));
        }
        return result;
    }
    match v.members() {
        Some(m) => {
            let out = m
                .iter()
                .map(|(k, val)| eval::make_object(vec![(k, val)]))
                .collect();
            JValue::sequence(out)
        }
        None => v,
    }
}

/// `$spread(object)`: one single-member object per member (of every object of an array);
/// anything else is returned as it is.
pub(crate) fn spread<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    Ok(spread_value(arg(&args, 0)))
}

/// `$merge(array)`: one object with the members of all, later ones overriding earlier ones
/// (in the position the key first took).
pub(crate) fn merge<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let a = arg(&args, 0);
    if a.is_undefined() {
        return Ok(JValue::Undefined);
    }
    let mut members: Vec<(Str, JValue<'e>)> = Vec::new();
    let mut position: HashMap<Str, usize> = HashMap::new();
    for obj in seq(&a) {
        let Some(m) = obj.members() else { continue };
        for (k, v) in m.iter() {
            match position.get(&k) {
                Some(&i) => members[i].1 = v,
                None => {
                    position.insert(k.clone(), members.len());
                    members.push((k, v));
                }
            }
        }
    }
    Ok(eval::make_object(members))
}

/// `$each(object, function)`: a sequence of `function(value, key?, object?)` for each member,
/// undefined results left out.
pub(crate) fn each<'e>(
    ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let obj = arg(&args, 0);
    let func = arg(&args, 1);
    let Some(members) = obj.members() else {
        return Ok(JValue::Undefined);
    };
    let members: Vec<(Str, JValue<'e>)> = members.iter().collect();
    let context = null();
    let mut out = Vec::new();
    for (k, v) in members {
        let r = call_hof(ev, &func, vec![v, JValue::str(k), obj.clone()], &context)?;
        if !r.is_undefined() {
            out.push(r);
        }
    }
    Ok(JValue::sequence(out))
}

/// `$sift(object, function)`: the members for which `function(value, key?, object?)` is true;
/// undefined when none is.
pub(crate) fn sift<'e>(
    ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let obj = arg(&args, 0);
    let func = arg(&args, 1);
    let Some(members) = obj.members() else {
        return Ok(JValue::Undefined);
    };
    let members: Vec<(Str, JValue<'e>)> = members.iter().collect();
    if !members.is_empty() && !func.is_function() {
        return Err(Error::new("T1006", "Attempted to invoke a non-function"));
    }
    let context = null();
    let mut out = Vec::new();
    for (k, v) in members {
        let r = call_hof(
            ev,
            &func,
            vec![v.clone(), JValue::str(k.clone()), obj.clone()],
            &context,
        )?;
        if eval::boolean(&r) {
            out.push((k, v));
        }
    }
    if out.is_empty() {
        return Ok(JValue::Undefined);
    }
    Ok(eval::make_object(out))
}

/// `$error(message?)`: fails with `D3137` and the message (`$error() function evaluated`
/// when there is none).
pub(crate) fn error<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let message = arg(&args, 0);
    let message = message
        .as_str()
        .filter(|m| !m.is_empty())
        .unwrap_or("$error() function evaluated");
    Err(Error::new("D3137", message))
}

/// `$assert(condition, message?)`: fails with `D3141` and the message (`$assert() statement
/// failed` when there is none) unless the condition is true; undefined otherwise.
pub(crate) fn assert<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    if arg(&args, 0).as_bool() == Some(true) {
        return Ok(JValue::Undefined);
    }
    let message = arg(&args, 1);
    let message = message
        .as_str()
        .filter(|m| !m.is_empty())
        .unwrap_or("$assert() statement failed");
    Err(Error::new("D3141", message))
}

/// `$type(value)`: `"null"`, `"number"`, `"string"`, `"boolean"`, `"array"`, `"function"` or
/// `"object"`; undefined for undefined.
pub(crate) fn type_<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let name = match arg(&args, 0) {
        JValue::Undefined => return Ok(JValue::Undefined),
        JValue::Json(Value::Null) => "null",
        JValue::Json(Value::Number(_)) => "number",
        JValue::Json(Value::String(_)) => "string",
        JValue::Json(Value::Bool(_)) => "boolean",
        JValue::Json(Value::Array(_)) | JValue::Array(_) | JValue::Tuples(_) => "array",
        JValue::Func(_) => "function",
        JValue::Json(Value::Object(_)) | JValue::Object(_) => "object",
    };
    Ok(JValue::str(name))
}

// ---------------------------------------------------------------------------------------------
// Higher-order functions
// ---------------------------------------------------------------------------------------------

/// `$map(array, function)`: a sequence of `function(item, index?, array?)`, undefined results
/// left out.
pub(crate) fn map<'e>(
    ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let a = arg(&args, 0);
    if a.is_undefined() {
        return Ok(JValue::Undefined);
    }
    let func = arg(&args, 1);
    let context = null();
    let mut out = Vec::new();
    for (i, item) in seq(&a).into_iter().enumerate() {
        let r = call_hof(ev, &func, vec![item, index(i), a.clone()], &context)?;
        if !r.is_undefined() {
            out.push(r);
        }
    }
    Ok(JValue::sequence(out))
}

/// `$filter(array, function)`: a sequence of the items for which `function(item, index?,
/// array?)` is true.
pub(crate) fn filter<'e>(
    ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let a = arg(&args, 0);
    if a.is_undefined() {
        return Ok(JValue::Undefined);
    }
    let func = arg(&args, 1);
    let context = null();
    let mut out = Vec::new();
    for (i, item) in seq(&a).into_iter().enumerate() {
        let r = call_hof(ev, &func, vec![item.clone(), index(i), a.clone()], &context)?;
        if eval::boolean(&r) {
            out.push(item);
        }
    }
    Ok(JValue::sequence(out))
}

/// `$single(array, function?)`: the one item for which `function(item, index?, array?)` is
/// true (every item without a function); `D3138` for more than one, `D3139` for none.
pub(crate) fn single<'e>(
    ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let a = arg(&args, 0);
    if a.is_undefined() {
        return Ok(JValue::Undefined);
    }
    let func = arg(&args, 1);
    let context = null();
    let mut found: Option<JValue<'e>> = None;
    for (i, item) in seq(&a).into_iter().enumerate() {
        let matches = if func.is_undefined() {
            true
        } else {
            let r = call_hof(ev, &func, vec![item.clone(), index(i), a.clone()], &context)?;
            eval::boolean(&r)
        };
        if matches {
            if found.is_some() {
                return Err(Error::new(
                    "D3138",
                    "The $single() function expected exactly 1 matching result.  Instead it matched more.",
                ));
            }
            found = Some(item);
        }
    }
    found.ok_or_else(|| {
        Error::new(
            "D3139",
            "The $single() function expected exactly 1 matching result.  Instead it matched 0.",
        )
    })
}

/// `$reduce(array, function, init?)` (jsonata-js `foldLeft`): `function(acc, item, index?,
/// array?)` from the left, starting from `init` or the first item; `D3050` when the function
/// takes fewer than two parameters.
pub(crate) fn reduce<'e>(
    ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let a = arg(&args, 0);
    if a.is_undefined() {
        return Ok(JValue::Undefined);
    }
    let func = arg(&args, 1);
    let arity = func.as_func().map_or(0, |f| f.arity());
    if arity < 2 {
        return Err(Error::new(
            "D3050",
            "The second argument of reduce function must be a function with at least two arguments",
        ));
    }
    let items = seq(&a);
    let init = arg(&args, 2);
    let (mut acc, start) = if init.is_undefined() && !items.is_empty() {
        (items[0].clone(), 1)
    } else {
        (init, 0)
    };
    let context = null();
    for (i, item) in items.iter().enumerate().skip(start) {
        let mut call = vec![acc, item.clone()];
        if arity >= 3 {
            call.push(index(i));
        }
        if arity >= 4 {
            call.push(a.clone());
        }
        acc = ev.apply(&func, call, &context, "")?;
    }
    Ok(acc)
}

// ---------------------------------------------------------------------------------------------
// AWS's additions (ASL-JA-14)
// ---------------------------------------------------------------------------------------------

/// `$partition(array, size?)`, AWS's replacement for `States.ArrayPartition`: the array in
/// chunks of `size` items, the last one shorter when the items run out, as a plain array. The
/// developer guide's example: `$partition([1,2,3,4,5,6,7,8,9], 3)` →
/// `[[1,2,3],[4,5,6],[7,8,9]]`. Not a sequence: AWS answers `$partition([0], 1)` with `[[0]]`
/// (LocalStack's AWS-validated snapshot `test_array_jsonata`). The edge cases follow
/// floci-io/floci#2676, which measured them on AWS: a missing size gives the whole array as
/// one chunk, an empty array or a size of 0 gives undefined, a negative size fails with
/// `D3137` "Second argument must be zero or greater", and a first argument that is not an
/// array (`null` included) fails with `T0412`, so the signature takes `x` where jsonata-js's
/// `a` would wrap a single value. A fractional size is rounded down (ASL-JA-15; floci reports
/// truncation towards zero, which differs only for negative sizes: `-0.5` is undefined there,
/// `D3137` here).
pub(crate) fn partition<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let a = arg(&args, 0);
    if a.is_undefined() {
        return Ok(JValue::Undefined);
    }
    let Some(items) = array_items(&a) else {
        return Err(Error::new(
            "T0412",
            "Argument 1 of function partition must be an array of undefined",
        ));
    };
    if items.is_empty() {
        return Ok(JValue::Undefined);
    }
    let Some(size) = num_arg(&args, 1) else {
        return Ok(JValue::array(vec![JValue::array(items)]));
    };
    let size = int_arg(size);
    if size < 0.0 {
        return Err(Error::new(
            "D3137",
            "Second argument must be zero or greater",
        ));
    }
    if size == 0.0 {
        return Ok(JValue::Undefined);
    }
    let size = if size >= items.len() as f64 {
        items.len()
    } else {
        size as usize
    };
    let chunks = items
        .chunks(size)
        .map(|c| JValue::array(c.to_vec()))
        .collect();
    Ok(JValue::array(chunks))
}

/// The most items `$range` makes (as the range operator `..` allows, `D2014`); AWS has no cap
/// of its own but an evaluation-wide memory limit (ASL-JA-12).
const RANGE_MAX: i128 = 10_000_000;

/// `$range(start, end, step)`, AWS's replacement for `States.ArrayRange`: `start`,
/// `start + step`, … up to and including `end` when a step lands on it (the developer guide's
/// `$range(0, 10, 2)` → `[0,2,4,6,8,10]`; ASL-JA-14), counting down for a negative step. A
/// sequence: AWS answers `$range(1, 9, 9)` with `1` (LocalStack's AWS-validated snapshot
/// `test_array_jsonata`). Following floci-io/floci#2676's measurements on AWS: a missing or
/// zero step, or one pointing away from `end`, gives undefined, and there is no 1000-item cap
/// (that is `States.ArrayRange`'s); AWS's evaluation-wide memory limit (ASL-JA-12) is not a
/// `$range` matter, so this only refuses what the range operator refuses (`D2014`). An
/// undefined `start` or `end` gives undefined (unmeasured). Fractional arguments are rounded
/// down (ASL-JA-15; floci reports truncation towards zero, `$range(-1.7, 2, 1)` →
/// `[-1,0,1,2]` on AWS, which differs for negative arguments).
pub(crate) fn range<'e>(
    _ev: &mut Eval<'e, '_>,
    args: Vec<JValue<'e>>,
    _input: &JValue<'e>,
) -> Res<'e> {
    let (Some(start), Some(end), Some(step)) =
        (num_arg(&args, 0), num_arg(&args, 1), num_arg(&args, 2))
    else {
        return Ok(JValue::Undefined);
    };
    // `as` saturates; integers beyond 2^63 are not useful bounds anyway.
    let (start, end, step) = (
        i128::from(int_arg(start) as i64),
        i128::from(int_arg(end) as i64),
        i128::from(int_arg(step) as i64),
    );
    if step == 0 || (step > 0 && start > end) || (step < 0 && start < end) {
        return Ok(JValue::Undefined);
    }
    let n = (end - start) / step + 1;
    if n > RANGE_MAX {
        return Err(Error::new(
            "D2014",
            format!(
                "The size of the sequence allocated by the range operator (..) must not exceed 1e6.  Attempted to allocate {n}."
            ),
        ));
    }
    let items = (0..n)
        .map(|i| JValue::Json(Value::Number(json_number((start + i * step) as f64))))
        .collect();
    Ok(JValue::sequence(items))
}

#[cfg(test)]
mod tests {
    use crate::jsonata::{Limits, Outcome, evaluate};
    use crate::value::Value;

    fn eval(expr: &str) -> Result<Outcome, crate::jsonata::Error> {
        let ast = asl_syntax::jsonata::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e:?}"));
        evaluate(&ast, None, &|_| None, Limits::default(), 0.0)
    }

    fn value(expr: &str) -> Value {
        match eval(expr) {
            Ok(Outcome::Value(v)) => v,
            other => panic!("{expr}: {other:?}"),
        }
    }

    fn json(text: &str) -> Value {
        Value::from(&serde_json::from_str::<serde_json::Value>(text).expect("JSON"))
    }

    fn code(expr: &str) -> &'static str {
        match eval(expr) {
            Err(e) => e.code,
            other => panic!("{expr}: expected an error, got {other:?}"),
        }
    }

    fn undefined(expr: &str) {
        assert_eq!(eval(expr), Ok(Outcome::Undefined), "{expr}");
    }

    #[test]
    fn random_seeded_is_java_util_random() {
        assert_eq!(value("$random(42)"), json("0.7275636800328681"));
        assert_eq!(value("$random(0)"), json("0.730967787376657"));
        assert_eq!(value("$random(7)"), json("0.7306990420600421"));
        // A fractional seed is rounded down (ASL-JA-15).
        assert_eq!(value("$random(42.9)"), json("0.7275636800328681"));
        assert_eq!(value("$random(42) = $random(42)"), Value::Bool(true));
    }

    #[test]
    fn random_unseeded_is_in_unit_interval() {
        for _ in 0..100 {
            let Value::Number(n) = value("$random()") else {
                panic!("not a number")
            };
            let x = n.as_f64().expect("f64");
            assert!((0.0..1.0).contains(&x), "{x}");
        }
        assert_eq!(code("$random(1, 2)"), "T0410");
        assert_eq!(code("$random('a')"), "T0410");
    }

    #[test]
    fn range_is_end_inclusive() {
        assert_eq!(value("$range(0, 6, 2)"), json("[0,2,4,6]"));
        assert_eq!(value("$range(0, 10, 2)"), json("[0,2,4,6,8,10]"));
        assert_eq!(value("$range(0, 9, 3)"), json("[0,3,6,9]"));
        assert_eq!(value("$range(0, 10, 3)"), json("[0,3,6,9]"));
        assert_eq!(value("$range(1, 9, 2)"), json("[1,3,5,7,9]"));
        assert_eq!(value("$range(10, 0, -2)"), json("[10,8,6,4,2,0]"));
        // A single item is a singleton sequence: AWS answers `$range(1, 9, 9)` with `1`.
        assert_eq!(value("$range(1, 9, 9)"), json("1"));
        assert_eq!(value("[$range(3, 3, 1)]"), json("[3]"));
        assert_eq!(value("$count($range(1, 200000, 1))"), json("200000"));
    }

    #[test]
    fn range_edge_cases() {
        undefined("$range(5, 1, 1)");
        undefined("$range(1, 5, -1)");
        undefined("$range(1, 5, 0)");
        undefined("$range(1, 5)");
        assert_eq!(code("$range(1)"), "T0410");
        assert_eq!(code("$range('a', 2, 1)"), "T0410");
    }

    #[test]
    fn range_rounds_fractional_arguments_down() {
        assert_eq!(value("$range(1.7, 5, 1)"), json("[1,2,3,4,5]"));
        assert_eq!(value("$range(0, 6.9, 2.5)"), json("[0,2,4,6]"));
    }

    #[test]
    fn partition_chunks() {
        assert_eq!(
            value("$partition([1,2,3,4,5,6,7,8,9], 3)"),
            json("[[1,2,3],[4,5,6],[7,8,9]]")
        );
        assert_eq!(
            value("$partition([1,2,3,4,5], 2)"),
            json("[[1,2],[3,4],[5]]")
        );
        assert_eq!(value("$partition([1,2,3,4], 4)"), json("[[1,2,3,4]]"));
        assert_eq!(value("$partition([1,2,3,4], 9)"), json("[[1,2,3,4]]"));
        // A plain array: AWS answers `$partition([0], 1)` with `[[0]]`.
        assert_eq!(value("$partition([0], 1)"), json("[[0]]"));
        assert_eq!(value("$partition([0, 1], 1)"), json("[[0],[1]]"));
        assert_eq!(value("$partition([1,2,3])"), json("[[1,2,3]]"));
    }

    #[test]
    fn partition_edge_cases() {
        undefined("$partition([], 2)");
        undefined("$partition([1,2,3], 0)");
        undefined("$partition(nothing, 2)");
        assert_eq!(code("$partition([1,2,3], -1)"), "D3137");
        assert_eq!(code("$partition(null, 2)"), "T0412");
        assert_eq!(code("$partition(5, 2)"), "T0412");
        assert_eq!(code("$partition([1], 'a')"), "T0410");
        assert_eq!(code("$partition([1], 1, 1)"), "T0410");
    }

    #[test]
    fn partition_rounds_fractional_size_down() {
        assert_eq!(
            value("$partition([1,2,3,4,5], 2.9)"),
            json("[[1,2],[3,4],[5]]")
        );
        undefined("$partition([1,2,3], 0.5)");
    }

    #[test]
    fn distinct_uses_deep_equality() {
        assert_eq!(
            value(r#"$distinct([1, 1.0, 0, "1", [1], [1], {"a": 1}, {"a": 1}, null, null, 2])"#),
            json(r#"[1, 0, "1", [1], {"a": 1}, null, 2]"#)
        );
    }

    #[test]
    fn round_precision_is_rounded_down() {
        assert_eq!(value("$round(3.14159, 2.7)"), json("3.14"));
        assert_eq!(value("$round(2.5)"), json("2"));
        assert_eq!(value("$round(3.5)"), json("4"));
    }
}
