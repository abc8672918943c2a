//! The 18 intrinsic functions (ASL-FN-01 … ASL-FN-18), evaluated at run time on a call the
//! front end parsed and checked ([`asl_syntax::intrinsic`]).
//!
//! Error names: AWS's name for a failing intrinsic (bad argument type, index out of range,
//! invalid JSON, …) is not pinned by any recorded case (ASL-OPEN-01). The spec says
//! `States.IntrinsicFailure`; AWS is reported to raise `States.Runtime` (ASL-FN-00g), which is
//! what LocalStack does. We raise `States.Runtime` (uncatchable, never retried) with a cause
//! naming the function and the problem.

use crate::value::java::{self, round as java_round};
use crate::value::{Map, Number, Value};
use crate::{Env, StateError};
use asl_syntax::intrinsic::{Arg, Call, Func, HASH_ALGORITHMS, MAX_STRING_CHARS};
use asl_syntax::path::Path;
use std::borrow::Cow;

/// How a path argument is looked up: the runtime's JSONPath engine, or a stand-in in tests.
pub type Select<'s> = &'s dyn Fn(&Path, &Env<'_>) -> Result<Value, StateError>;

/// Evaluates an intrinsic call against `env` (ASL-FN-*).
pub fn eval(call: &Call, env: &Env<'_>) -> Result<Value, StateError> {
    eval_with(call, env, &select_path)
}

/// Evaluates a call whose result must be a string: a Fail state's `ErrorPath`/`CausePath`
/// (ASL-FN-00a, ASL-FL-02).
pub fn eval_string(call: &Call, env: &Env<'_>) -> Result<String, StateError> {
    eval_string_with(call, env, &select_path)
}

/// [`eval`] with another path lookup.
pub fn eval_with(call: &Call, env: &Env<'_>, select: Select<'_>) -> Result<Value, StateError> {
    Evaluator { env, select }.call(call)
}

/// [`eval_string`] with another path lookup.
pub fn eval_string_with(
    call: &Call,
    env: &Env<'_>,
    select: Select<'_>,
) -> Result<String, StateError> {
    match eval_with(call, env, select)? {
        Value::String(s) => Ok(s.to_string()),
        other => Err(fail(
            call.func,
            format!(
                "the result must be a string, but it is {}",
                other.to_json_string()
            ),
        )),
    }
}

/// The lookup [`eval`] uses: the runtime's JSONPath engine. A path that selects nothing fails
/// the call with `States.Runtime` and Jayway's text (`Invalid path '$.x' : No results for path:
/// $['x']`); AWS's exact cause for a path inside an intrinsic is not recorded.
fn select_path(path: &Path, env: &Env<'_>) -> Result<Value, StateError> {
    crate::path::select(path, env).map_err(|miss| StateError::runtime(miss.invalid_path_cause()))
}

/// A `States.Runtime` error about `func` (ASL-FN-00g, ASL-OPEN-01).
fn fail(func: Func, problem: impl std::fmt::Display) -> StateError {
    StateError::runtime(format!("The function '{}' failed: {problem}", func.name()))
}

struct Evaluator<'e, 's> {
    env: &'e Env<'e>,
    select: Select<'s>,
}

impl Evaluator<'_, '_> {
    fn arg(&self, arg: &Arg) -> Result<Value, StateError> {
        Ok(match arg {
            Arg::Null => Value::Null,
            Arg::Bool(b) => Value::Bool(*b),
            Arg::Int(i) => Value::from(*i),
            Arg::Float(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Arg::String(raw) => Value::from(asl_syntax::intrinsic::unescape(raw)),
            Arg::Path(p) => (self.select)(p, self.env)?,
            Arg::Call(c) => self.call(c)?,
        })
    }

    fn call(&self, call: &Call) -> Result<Value, StateError> {
        let f = call.func;
        let (min, max) = f.arity();
        if call.args.len() < min || max.is_some_and(|m| call.args.len() > m) {
            return Err(fail(
                f,
                format!("wrong number of arguments: {}", call.args.len()),
            ));
        }
        if f == Func::Format {
            return self.format(call);
        }
        // Arguments on the stack for the usual arities (no allocation per call).
        let mut a = Args {
            func: f,
            values: ArgValues::new(),
        };
        for arg in call.args.iter() {
            a.values.push(self.arg(arg)?);
        }
        Ok(match f {
            Func::Format => unreachable!("handled above"),
            Func::StringToJson => string_to_json(f, a.string(0)?)?,
            Func::JsonToString => Value::from(a.get(0).to_json_string()),
            Func::Array => Value::array(std::mem::take(&mut a.values).into_vec()),
            Func::ArrayPartition => {
                let arr = a.array(0)?;
                let n = a.int(1)?;
                if n <= 0 {
                    return Err(fail(
                        f,
                        format!("the chunk size must be a positive integer, found {n}"),
                    ));
                }
                let n = usize::try_from(n).unwrap_or(usize::MAX);
                arr.chunks(n).map(|c| Value::array(c.to_vec())).collect()
            }
            Func::ArrayContains => Value::Bool(a.array(0)?.iter().any(|v| v.eq_by_value(a.get(1)))),
            Func::ArrayRange => array_range(f, a.int(0)?, a.int(1)?, a.int(2)?)?,
            Func::ArrayGetItem => {
                let arr = a.array(0)?;
                let i = a.int(1)?;
                usize::try_from(i)
                    .ok()
                    .and_then(|i| arr.get(i))
                    .cloned()
                    .ok_or_else(|| {
                        fail(
                            f,
                            format!(
                                "the index {i} is out of range for an array of length {}",
                                arr.len()
                            ),
                        )
                    })?
            }
            Func::ArrayLength => Value::from(a.array(0)?.len()),
            Func::ArrayUnique => {
                let mut out: Vec<Value> = Vec::new();
                for v in a.array(0)? {
                    if !out.iter().any(|o| o.eq_by_value(v)) {
                        out.push(v.clone());
                    }
                }
                Value::array(out)
            }
            Func::Base64Encode => {
                use base64::Engine;
                let s = a.limited_string(0)?;
                Value::from(base64::engine::general_purpose::STANDARD.encode(s))
            }
            Func::Base64Decode => base64_decode(f, a.limited_string(0)?)?,
            Func::Hash => {
                let data = match a.get(0) {
                    Value::String(s) => Cow::Borrowed(s.as_str()),
                    other => Cow::Owned(other.to_json_string()),
                };
                if data.chars().count() > MAX_STRING_CHARS {
                    return Err(fail(
                        f,
                        format!("the data must have at most {MAX_STRING_CHARS} characters"),
                    ));
                }
                Value::from(hash(f, a.string(1)?, data.as_bytes())?)
            }
            Func::JsonMerge => {
                let deep = match a.get(2) {
                    Value::Bool(b) => *b,
                    other => {
                        return Err(fail(
                            f,
                            format!(
                                "the third argument must be a boolean, found {}",
                                other.type_name()
                            ),
                        ));
                    }
                };
                if deep {
                    return Err(fail(
                        f,
                        "deep merging is not supported; the third argument must be false",
                    ));
                }
                let mut merged = a.object(0)?.clone();
                for (k, v) in a.object(1)? {
                    merged.insert(k.clone(), v.clone());
                }
                Value::object(merged)
            }
            Func::MathRandom => {
                let seed = if a.values.len() > 2 {
                    Some(a.int(2)?)
                } else {
                    None
                };
                math_random(f, a.int(0)?, a.int(1)?, seed, self.env.draws)?
            }
            Func::MathAdd => {
                let (x, y) = (a.int32(0)?, a.int32(1)?);
                Value::from(x + y)
            }
            Func::StringSplit => {
                let (s, delims) = (a.string(0)?, a.string(1)?);
                s.split(|c| delims.contains(c))
                    .filter(|t| !t.is_empty())
                    .map(Value::from)
                    .collect()
            }
            Func::Uuid => Value::from(match self.env.draws {
                Some(d) => d.next_uuid(),
                None => uuid::Uuid::new_v4().to_string(),
            }),
        })
    }

    /// `States.Format` (ASL-FN-01, ASL-SUB-14/15). A literal template is used as written, so
    /// `\{}` is text, not a placeholder; a template from data goes through the same reading.
    fn format(&self, call: &Call) -> Result<Value, StateError> {
        let f = call.func;
        let template: Cow<'_, str> = match &call.args[0] {
            Arg::String(raw) => Cow::Borrowed(raw),
            other => match self.arg(other)? {
                Value::String(s) => Cow::Owned(s.to_string()),
                v => {
                    return Err(fail(
                        f,
                        format!("the template must be a string, but it is {}", v.type_name()),
                    ));
                }
            },
        };
        let values = call.args[1..]
            .iter()
            .map(|a| self.arg(a))
            .collect::<Result<Vec<_>, _>>()?;
        render_format(&template, &values)
            .map(Value::from)
            .map_err(|e| fail(f, e))
    }
}

/// Fills the `{}` placeholders of a `States.Format` template. `\x` stands for `x` (only
/// `\'` `\{` `\}` `\\` reach here from a literal; from data any other `\x` is kept as
/// written); a dangling `\` is an error (ASL-FN-00c).
fn render_format(template: &str, values: &[Value]) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 16 * values.len());
    let mut next = values.iter();
    let mut chars = template.chars().peekable();
    let mut placeholders = 0;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('\'' | '{' | '}' | '\\')) => out.push(e),
                Some(e) => {
                    out.push('\\');
                    out.push(e);
                }
                None => return Err("the template ends with a dangling '\\'".into()),
            },
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                placeholders += 1;
                match next.next() {
                    Some(v) => java::write_string(v, &mut out),
                    None => {
                        return Err(format!(
                            "the template has more '{{}}' placeholders than the {} value(s) given",
                            values.len()
                        ));
                    }
                }
            }
            c => out.push(c),
        }
    }
    if placeholders != values.len() {
        return Err(format!(
            "the template has {placeholders} '{{}}' placeholder(s) but {} value(s) were given",
            values.len()
        ));
    }
    Ok(out)
}

/// `States.StringToJson` (ASL-FN-02): blank text is `null`; `-0` is `0`.
fn string_to_json(f: Func, s: &str) -> Result<Value, StateError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(Value::Null);
    }
    let v: Value = serde_json::from_str(t)
        .map_err(|e| fail(f, format!("the string is not valid JSON: {e}")))?;
    Ok(normalize_negative_zero(v))
}

/// Jackson reads the integer `-0` as `0`; serde_json reads it as the float `-0.0`.
fn normalize_negative_zero(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Number(n)
                if n.is_f64() && n.as_f64().is_some_and(|x| x == 0.0 && x.is_sign_negative()) =>
            {
                *v = Value::from(0);
            }
            Value::Array(_) => v.as_array_mut().into_iter().flatten().for_each(walk),
            Value::Object(_) => v
                .as_object_mut()
                .into_iter()
                .for_each(|m| m.values_mut().for_each(walk)),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

/// Most items `States.ArrayRange` may return (ASL-FN-07).
const MAX_RANGE_ITEMS: i128 = 1000;

/// `States.ArrayRange(first, last, step)`: inclusive of `last` when a step lands on it.
fn array_range(f: Func, first: i64, last: i64, step: i64) -> Result<Value, StateError> {
    if step == 0 {
        return Err(fail(f, "the step must not be 0"));
    }
    let (a, b, s) = (i128::from(first), i128::from(last), i128::from(step));
    let count = if (s > 0 && b >= a) || (s < 0 && b <= a) {
        (b - a) / s + 1
    } else {
        0
    };
    if count > MAX_RANGE_ITEMS {
        return Err(fail(
            f,
            format!("the range has {count} items; at most {MAX_RANGE_ITEMS} are allowed"),
        ));
    }
    Ok((0..count)
        .map(|k| Value::from((a + k * s) as i64))
        .collect())
}

/// `States.Base64Decode` (ASL-FN-12): the standard alphabet, padding optional (as Java's
/// `Base64.getDecoder()`); the bytes are read as UTF-8.
fn base64_decode(f: Func, s: &str) -> Result<Value, StateError> {
    use base64::Engine;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let bytes = LENIENT
        .decode(s)
        .map_err(|e| fail(f, format!("the input is not valid Base64: {e}")))?;
    Ok(Value::from(String::from_utf8_lossy(&bytes)))
}

/// `States.Hash` (ASL-FN-13): lowercase hex digest.
fn hash(f: Func, alg: &str, data: &[u8]) -> Result<String, StateError> {
    use sha2::Digest;
    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
    Ok(match alg {
        "MD5" => hex(&md5::Md5::digest(data)),
        "SHA-1" => hex(&sha1::Sha1::digest(data)),
        "SHA-256" => hex(&sha2::Sha256::digest(data)),
        "SHA-384" => hex(&sha2::Sha384::digest(data)),
        "SHA-512" => hex(&sha2::Sha512::digest(data)),
        _ => {
            return Err(fail(
                f,
                format!(
                    "unknown hash algorithm '{alg}'; use one of {}",
                    HASH_ALGORITHMS.join(", ")
                ),
            ));
        }
    })
}

/// `States.MathRandom(start, end[, seed])` (ASL-FN-15): `start` inclusive, `end` exclusive as
/// the AWS guide says (ASL-OPEN-12; LocalStack includes `end`). With a seed the value is
/// `start + new java.util.Random(seed).nextInt(end - start)`, so a seed always gives the same
/// number, and the same one a Java implementation would give.
fn math_random(
    f: Func,
    start: i64,
    end: i64,
    seed: Option<i64>,
    draws: Option<&Draws>,
) -> Result<Value, StateError> {
    if end <= start {
        return Err(fail(
            f,
            format!("the end ({end}) must be greater than the start ({start})"),
        ));
    }
    let Some(Ok(bound)) = end.checked_sub(start).map(i32::try_from) else {
        return Err(fail(f, "the range between start and end is too large"));
    };
    let offset = match seed {
        Some(seed) => java::Random::new(seed).next_int(bound),
        None => match draws {
            // `bound` is positive and below 2^31: the modulo's bias is below 2^-32.
            Some(d) => (d.next_u64() % bound as u64) as i32,
            None => rand::random_range(0..bound),
        },
    };
    Ok(Value::from(start + i64::from(offset)))
}

/// The evaluated arguments of one call, with typed accessors that fail as AWS does.
type ArgValues = smallvec::SmallVec<[Value; 4]>;

struct Args {
    func: Func,
    values: ArgValues,
}

const NULL: Value = Value::Null;

impl Args {
    fn get(&self, i: usize) -> &Value {
        self.values.get(i).unwrap_or(&NULL)
    }

    fn wrong(&self, i: usize, want: &str) -> StateError {
        fail(
            self.func,
            format!(
                "argument {} must be {want}, but it is {}",
                i + 1,
                self.get(i).type_name()
            ),
        )
    }

    fn string(&self, i: usize) -> Result<&str, StateError> {
        match self.get(i) {
            Value::String(s) => Ok(s),
            _ => Err(self.wrong(i, "a string")),
        }
    }

    fn limited_string(&self, i: usize) -> Result<&str, StateError> {
        let s = self.string(i)?;
        if s.chars().count() > MAX_STRING_CHARS {
            return Err(fail(
                self.func,
                format!("the input must have at most {MAX_STRING_CHARS} characters"),
            ));
        }
        Ok(s)
    }

    fn array(&self, i: usize) -> Result<&Vec<Value>, StateError> {
        match self.get(i) {
            Value::Array(a) => Ok(a),
            _ => Err(self.wrong(i, "an array")),
        }
    }

    fn object(&self, i: usize) -> Result<&Map, StateError> {
        match self.get(i) {
            Value::Object(m) => Ok(m),
            _ => Err(self.wrong(i, "an object")),
        }
    }

    /// An integer argument: non-integers are rounded with Java's `Math.round`
    /// (ASL-FN-00f, ASL-SUB-16).
    fn int(&self, i: usize) -> Result<i64, StateError> {
        let Value::Number(n) = self.get(i) else {
            return Err(self.wrong(i, "a number"));
        };
        integer(n).ok_or_else(|| {
            fail(
                self.func,
                format!("argument {} is out of range: {n}", i + 1),
            )
        })
    }

    /// An integer in Java's `int` range (MathAdd, ASL-FN-16).
    fn int32(&self, i: usize) -> Result<i64, StateError> {
        let v = self.int(i)?;
        if !is_int32(v) {
            return Err(fail(
                self.func,
                format!(
                    "argument {} must be between -2147483648 and 2147483647, found {v}",
                    i + 1
                ),
            ));
        }
        Ok(v)
    }
}

/// An integer argument's value: non-integers rounded with Java's `Math.round` (ASL-FN-00f,
/// ASL-SUB-16); `None` out of `i64` range.
fn integer(n: &Number) -> Option<i64> {
    if let Some(v) = n.as_i64() {
        return Some(v);
    }
    let r = java_round(n.as_f64().unwrap_or(f64::NAN));
    (r.is_finite() && r >= i64::MIN as f64 && r <= i64::MAX as f64).then_some(r as i64)
}

fn is_int32(v: i64) -> bool {
    i32::try_from(v).is_ok()
}

/// `States.MathAdd` on evaluated arguments, for lowered code (ASL-FN-16): the sum, or `None`
/// wherever [`eval`] fails (an argument that is not a number or not in Java's `int` range),
/// so that the state runs through its descriptor and fails with the evaluator's cause.
pub fn math_add(x: &Value, y: &Value) -> Option<Value> {
    let int32 = |v: &Value| match v {
        Value::Number(n) => integer(n).filter(|&i| is_int32(i)),
        _ => None,
    };
    Some(Value::from(int32(x)? + int32(y)?))
}

/// A deterministic source of draws for one state visit: the `n`-th draw is a fixed function
/// of the execution's seed, the visit's key and `n`, so a durable execution replayed after a
/// restart draws what it drew before.
#[derive(Debug)]
pub struct Draws {
    seed: u64,
    key: String,
    n: std::sync::atomic::AtomicU32,
}

impl Draws {
    /// The draws of the point `key` of an execution with `seed`.
    pub fn new(seed: u64, key: String) -> Draws {
        Draws {
            seed,
            key,
            n: std::sync::atomic::AtomicU32::new(0),
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&self) -> u64 {
        let n = self.n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        mix(self.seed, &self.key, n)
    }

    /// The next number uniform in `[0, 1)` (53 random bits).
    pub fn next_f64(&self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The next random (version 4) UUID.
    pub fn next_uuid(&self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }
}

/// SplitMix64 over FNV-1a of `key` and `n`: a fixed function, the same in every process and
/// every build.
pub(crate) fn mix(seed: u64, key: &str, n: u32) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes().chain(n.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut z = seed ^ h;
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use asl_syntax::intrinsic::parse;

    fn run_ctx(text: &str, input: &Value, context: &Value) -> Result<Value, StateError> {
        let call = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        eval(
            &call,
            &Env {
                input,
                context,
                vars: None,
                draws: None,
            },
        )
    }

    fn run(text: &str, input: Value) -> Result<Value, StateError> {
        run_ctx(text, &input, &Value::Null)
    }

    fn ok(text: &str, input: Value) -> Value {
        run(text, input).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn err(text: &str, input: Value) -> StateError {
        match run(text, input) {
            Ok(v) => panic!("{text} should fail, gave {v}"),
            Err(e) => e,
        }
    }

    #[test]
    fn format_asl_fn_01_sub_15() {
        let obj = json!({"Arg1": 1, "Arg2": [], "s": "x", "n": null, "o": {"a": [1.5, "b"]}});
        assert_eq!(
            ok("States.Format('v={}', $)", obj),
            "v={Arg1=1, Arg2=[], s=x, n=null, o={a=[1.5, b]}}"
        );
        assert_eq!(
            ok(
                "States.Format('{} {} {} {}', $.a, $.b, $.c, $.d)",
                json!({"a": "", "b": 1.1, "c": null, "d": true})
            ),
            " 1.1 null true"
        );
        assert_eq!(ok("States.Format('{}', 'it\\'s')", json!({})), "it's");
        // Escaped braces are text (ASL-SUB-14).
        assert_eq!(ok(r"States.Format('\{}{}\\', 1)", json!({})), r"{}1\");
        // Template from data.
        assert_eq!(
            ok(
                "States.Format($.t, $.v)",
                json!({"t": "It's {}!", "v": "Pikachu"})
            ),
            "It's Pikachu!"
        );
        let e = err("States.Format($.t, $.v)", json!({"t": "{} {}", "v": 1}));
        assert_eq!(e.error, "States.Runtime");
        err("States.Format($.t)", json!({"t": "dangling \\"}));
        err("States.Format($.t)", json!({"t": 1}));
    }

    #[test]
    fn json_string_conversions_asl_fn_02_03() {
        assert_eq!(ok("States.StringToJson($)", json!("")), Value::Null);
        assert_eq!(ok("States.StringToJson($)", json!(" ")), Value::Null);
        assert_eq!(ok("States.StringToJson($)", json!("-0")), json!(0));
        assert_eq!(
            ok("States.StringToJson($)", json!("-0")).to_json_string(),
            "0"
        );
        assert_eq!(
            ok("States.StringToJson($)", json!("{\"a\": [1, 2.5]}")),
            json!({"a": [1, 2.5]})
        );
        err("States.StringToJson($)", json!("{"));
        err("States.StringToJson($)", json!(1));
        assert_eq!(
            ok("States.JsonToString($)", json!({"b": 1, "a": [1, "x"]})),
            "{\"b\":1,\"a\":[1,\"x\"]}"
        );
        assert_eq!(ok("States.JsonToString($)", json!("s")), "\"s\"");
    }

    #[test]
    fn arrays_asl_fn_04_to_10() {
        assert_eq!(ok("States.Array()", json!(null)), json!([]));
        assert_eq!(
            ok(
                "States.Array(1, 'a', true, null, 2.5, $.x)",
                json!({"x": {"k": 1}})
            ),
            json!([1, "a", true, null, 2.5, {"k": 1}])
        );
        assert_eq!(
            ok("States.ArrayPartition($, 2)", json!([1, 2, 3, 4, 5])),
            json!([[1, 2], [3, 4], [5]])
        );
        assert_eq!(
            ok("States.ArrayPartition($, 2.5)", json!([1, 2, 3])),
            json!([[1, 2, 3]])
        );
        err("States.ArrayPartition($.a, $.n)", json!({"a": [1], "n": 0}));
        err("States.ArrayPartition($.a, 1)", json!({"a": "x"}));
        assert_eq!(
            ok("States.ArrayContains($, 1.0)", json!([3, 1])),
            json!(true)
        );
        assert_eq!(
            ok(
                "States.ArrayContains($.a, $.v)",
                json!({"a": [{"x": [1]}], "v": {"x": [1.0]}})
            ),
            json!(true)
        );
        assert_eq!(ok("States.ArrayContains($, '1')", json!([1])), json!(false));
        assert_eq!(
            ok("States.ArrayRange(0, 10, 3)", json!(null)),
            json!([0, 3, 6, 9])
        );
        assert_eq!(ok("States.ArrayRange(1, 9, 9)", json!(null)), json!([1]));
        assert_eq!(
            ok("States.ArrayRange(5, 1, -2)", json!(null)),
            json!([5, 3, 1])
        );
        assert_eq!(ok("States.ArrayRange(5, 1, 2)", json!(null)), json!([]));
        assert_eq!(
            ok("States.ArrayRange(0.5, 2.4, 1)", json!(null)),
            json!([1, 2])
        );
        assert_eq!(
            ok("States.ArrayRange(1, 1000, 1)", json!(null))
                .as_array()
                .unwrap()
                .len(),
            1000
        );
        err("States.ArrayRange($.a, 1000, 1)", json!({"a": 0}));
        err("States.ArrayRange(1, 2, $.s)", json!({"s": 0}));
        assert_eq!(ok("States.ArrayGetItem($, 1)", json!([1, 2])), json!(2));
        assert_eq!(ok("States.ArrayGetItem($, 0.5)", json!([1, 2])), json!(2));
        err("States.ArrayGetItem($, 2)", json!([1, 2]));
        err("States.ArrayGetItem($.a, $.i)", json!({"a": [1], "i": -1}));
        assert_eq!(ok("States.ArrayLength($)", json!([1, [2], {}])), json!(3));
        err("States.ArrayLength($)", json!({}));
        assert_eq!(
            ok(
                "States.ArrayUnique($)",
                json!([1, 2, 1.0, "1", [1], [1], {"a": 1}, {"a": 1}, null, null])
            ),
            json!([1, 2, "1", [1], {"a": 1}, null])
        );
    }

    #[test]
    fn base64_asl_fn_11_12() {
        assert_eq!(
            ok("States.Base64Encode($)", json!("Data to encode")),
            "RGF0YSB0byBlbmNvZGU="
        );
        assert_eq!(ok("States.Base64Encode($)", json!("")), "");
        assert_eq!(ok("States.Base64Encode($)", json!("é")), "w6k=");
        assert_eq!(
            ok("States.Base64Decode($)", json!("RGF0YSB0byBlbmNvZGU=")),
            "Data to encode"
        );
        assert_eq!(
            ok("States.Base64Decode($)", json!("RGF0YSB0byBlbmNvZGU")),
            "Data to encode"
        );
        err("States.Base64Decode($)", json!("!!!"));
        err("States.Base64Encode($)", json!("a".repeat(10_001)));
        ok("States.Base64Encode($)", json!("a".repeat(10_000)));
        err("States.Base64Encode($)", json!(1));
    }

    #[test]
    fn hash_asl_fn_13() {
        let h = |alg: &str| ok(&format!("States.Hash($, '{alg}')"), json!("input data"));
        assert_eq!(h("MD5"), "812f45842bc6d66ee14572ce20db8e86");
        assert_eq!(h("SHA-1"), "aaff4a450a104cd177d28d18d74485e8cae074b7");
        assert_eq!(
            h("SHA-256"),
            "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"
        );
        err("States.Hash($.d, $.a)", json!({"d": "x", "a": "SHA-2"}));
        // Non-string data is stringified as JSON.
        assert_eq!(
            ok("States.Hash($, 'MD5')", json!({"a": 1})),
            ok("States.Hash('{\"a\":1}', 'MD5')", json!(null))
        );
    }

    #[test]
    fn json_merge_asl_fn_14() {
        let input =
            json!({"a": {"a": {"a1": 1}, "b": 2, "d": 3}, "b": {"a": {"a3": 1}, "c": 3, "d": 4}});
        assert_eq!(
            ok("States.JsonMerge($.a, $.b, false)", input.clone()),
            json!({"a": {"a3": 1}, "b": 2, "d": 4, "c": 3})
        );
        err(
            "States.JsonMerge($.a, $.b, $.t)",
            json!({"a": {}, "b": {}, "t": true}),
        );
        err(
            "States.JsonMerge($.a, $.b, false)",
            json!({"a": {}, "b": []}),
        );
    }

    #[test]
    fn math_asl_fn_15_16() {
        for (a, b, r) in [
            (1.49, 1.5, 3),
            (-1.5, 0.0, -1),
            (-1.51, 0.0, -2),
            (0.5, 0.0, 1),
            (2.5, 0.0, 3),
            (-0.5, 0.0, 0),
            (-0.5, 0.5, 1),
            (-3.5, 0.0, -3),
            (-1.49, -1.5, -2),
        ] {
            assert_eq!(
                ok("States.MathAdd($.a, $.b)", json!({"a": a, "b": b})),
                json!(r),
                "{a} + {b}"
            );
        }
        assert_eq!(
            ok("States.MathAdd(2147483647, 1)", json!(null)),
            json!(2147483648_i64)
        );
        err("States.MathAdd($.a, 1)", json!({"a": 2147483648_i64}));
        err("States.MathAdd($.a, 1)", json!({"a": "1"}));
        for _ in 0..200 {
            let v = ok("States.MathRandom(1, 3)", json!(null)).as_i64().unwrap();
            assert!((1..3).contains(&v));
        }
        let a = ok("States.MathRandom(0, 1000, 42)", json!(null));
        assert_eq!(a, ok("States.MathRandom(0, 1000, 42)", json!(null)));
        err("States.MathRandom($.a, 1)", json!({"a": 1}));
    }

    #[test]
    fn string_split_asl_fn_17() {
        let split = |s: &str, d: &str| ok("States.StringSplit($.s, $.d)", json!({"s": s, "d": d}));
        assert_eq!(split(",,,,", ","), json!([]));
        assert_eq!(split(", , ,", ","), json!([" ", " "]));
        assert_eq!(
            split("This.is+a,test=string", ".+,="),
            json!(["This", "is", "a", "test", "string"])
        );
        assert_eq!(split("abc", ""), json!(["abc"]));
        assert_eq!(split("", ","), json!([]));
        assert_eq!(
            ok("States.StringSplit('Hello\nWorld', '\n')", json!(null)),
            json!(["Hello", "World"])
        );
    }

    #[test]
    fn uuid_asl_fn_18() {
        let u = ok("States.UUID()", json!(null));
        let u = u.as_str().unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert_ne!(
            ok("States.UUID()", json!(null)),
            ok("States.UUID()", json!(null))
        );
    }

    #[test]
    fn string_results_for_fail_states() {
        let call = parse("States.Format('{}', $.e)").unwrap();
        let input = json!({"e": "boom", "a": [1, "x"]});
        let env = Env {
            input: &input,
            context: &Value::Null,
            vars: None,
            draws: None,
        };
        assert_eq!(eval_string(&call, &env).unwrap(), "boom");
        let call = parse("States.ArrayGetItem($.a, 0)").unwrap();
        assert_eq!(
            eval_string(&call, &env).unwrap_err().error,
            "States.Runtime"
        );
        let call = parse("States.ArrayGetItem($.a, 1)").unwrap();
        assert_eq!(eval_string(&call, &env).unwrap(), "x");
    }

    #[test]
    fn path_miss_is_runtime_error() {
        let e = err("States.Format('{}', $.missing)", json!({}));
        assert_eq!(e.error, "States.Runtime");
    }

    // ---- conformance-driven test -------------------------------------------------------

    /// Evaluates a JSONPath payload template (only `.$` keys with intrinsic calls or paths).
    fn template(t: &Value, env: &Env<'_>) -> Result<Value, String> {
        match t {
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, v) in m.iter() {
                    if let Some(key) = k.strip_suffix(".$") {
                        let s = v.as_str().ok_or("non-string .$ value")?;
                        let val = if asl_syntax::intrinsic::looks_like_call(s) {
                            let call = parse(s).map_err(|e| format!("parse {s}: {e}"))?;
                            eval(&call, env).map_err(|e| format!("eval {s}: {e}"))?
                        } else {
                            let p = asl_syntax::path::parse(s)
                                .map_err(|e| format!("path {s}: {}", e.message))?;
                            select_path(&p, env).map_err(|e| e.to_string())?
                        };
                        out.insert(key.to_owned(), val);
                    } else {
                        out.insert(k.clone(), template(v, env)?);
                    }
                }
                Ok(Value::object(out))
            }
            Value::Array(a) => a
                .iter()
                .map(|v| template(v, env))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::array),
            v => Ok(v.clone()),
        }
    }

    #[test]
    fn conformance_cases() {
        // The repository's testdata/ (or ASL_TESTDATA_DIR); missing data fails the test.
        let dir = std::env::var_os("ASL_TESTDATA_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata"))
            .join("conformance/cases");
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
            panic!(
                "{}: {e}: run the tests from a clone of the repository (it carries testdata/), \
                 or set ASL_TESTDATA_DIR to a copy",
                dir.display()
            )
        });
        let mut files: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("intrinsic_functions__"))
            })
            .collect();
        files.sort();
        let (mut verified, mut skipped, mut failed) = (0, Vec::new(), Vec::new());
        for f in &files {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            let case: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
            let def = &case["definition"];
            let states = def["States"].as_object().unwrap();
            let state = &states[def["StartAt"].as_str().unwrap()];
            let simple = states.len() == 1
                && state["Type"] == "Pass"
                && def.get("QueryLanguage").is_none()
                && state.get("QueryLanguage").is_none()
                && state.get("Parameters").is_some()
                && state
                    .as_object()
                    .unwrap()
                    .keys()
                    .all(|k| ["Type", "Parameters", "End", "Comment"].contains(&k.as_str()))
                && case["expect"]["status"] == "SUCCEEDED";
            if !simple {
                skipped.push(name);
                continue;
            }
            let context = case.get("context").cloned().unwrap_or(Value::Null);
            let env = Env {
                input: &case["input"],
                context: &context,
                vars: None,
                draws: None,
            };
            match template(&state["Parameters"], &env) {
                Ok(out) if out.eq_by_value(&case["expect"]["output"]) => verified += 1,
                Ok(out) => failed.push(format!(
                    "{name}: got {out}, expected {}",
                    case["expect"]["output"]
                )),
                Err(e) => failed.push(format!("{name}: {e}")),
            }
        }
        eprintln!(
            "intrinsic conformance: {} files, {verified} verified, {} skipped (JSONata or not a single Pass), {} failed",
            files.len(),
            skipped.len(),
            failed.len()
        );
        assert!(failed.is_empty(), "{failed:#?}");
        assert!(verified >= 80, "only {verified} verified");
    }
}
