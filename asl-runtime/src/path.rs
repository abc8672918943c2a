//! JSONPath evaluation (ASL-PATH-*, ASL-IO-*, ASL-SUB-05), Jayway semantics.
//!
//! * [`select`]: what InputPath, OutputPath, payload `.$` values and Assign read. A definite
//!   path yields its value or a [`PathMiss`]; an indefinite one yields an array of every match
//!   in document order, possibly empty, never a miss (ASL-PATH-06/07). AWS lets Jayway throw
//!   and turns the exception into `[]` for indefinite paths: `$.item.items[*]` on `{}` is `[]`
//!   (conformance `base/test_json_path_array_wildcard_or_slice_with_no_input`), although
//!   Jayway itself throws "Missing property" there.
//! * [`get`]: borrowed lookup of a definite path, for Choice `Variable` (no allocation).
//! * [`set`]: ResultPath writes (ASL-IO-07).
//!
//! [`PathMiss`] reproduces Jayway's exception texts, which AWS puts in its causes:
//!
//! | situation (definite path) | Jayway text |
//! |---|---|
//! | last member missing, or an index out of bounds anywhere | `No results for path: $['a']['b']` (the whole normalised path) |
//! | a member before the last missing | `Missing property in path $['a']` (up to and including it) |
//! | a member step on a non-object (incl. `null`) | `Expected to find an object with property ['b'] in path $['a'] but found 'java.lang.Integer'. This is not a json object according to the JsonProvider: '…'.` |
//! | an index step on `null` | `The path $['a'] is null` |
//! | an index step on a non-array | `Filter: [0]['b'] can only be applied to arrays. Current context is: {k=v}` |
//!
//! The first two are recorded from AWS; the Java class and provider names of the last three
//! are a best guess (Jayway's `JacksonJsonProvider`) and unverified.

use std::borrow::Cow;
use std::cmp::Ordering;

use asl_syntax::path::{
    CompareOp, Filter, Function, Operand, Path, Root, Segment, Selector, Slice,
};
use std::sync::Arc;

use crate::value::java::{self, string_cmp};
use crate::value::{Map, Number, Value, num, str_of};
use crate::{Env, StateError};

/// The JSON provider class Jayway names in "Expected to find an object…" (unverified guess).
const PROVIDER_CLASS: &str = "com.jayway.jsonpath.spi.json.JacksonJsonProvider";

/// Why a definite path selected nothing; renders AWS's cause texts.
#[derive(Clone, Debug, PartialEq)]
pub struct PathMiss {
    /// The path as written (`$.a.b`).
    pub path: Cow<'static, str>,
    /// Which Jayway exception, with what its message needs.
    pub kind: MissKind,
}

/// The Jayway exception behind a [`PathMiss`]; see the module docs for the texts.
#[derive(Clone, Debug, PartialEq)]
pub enum MissKind {
    /// `No results for path: <normalised>`.
    NoResults {
        /// The whole path, normalised (`$['a']['b']`).
        normalized: String,
    },
    /// `Missing property in path <eval_path>`.
    MissingProperty {
        /// The normalised path up to and including the missing member.
        eval_path: String,
    },
    /// A member step met a non-object.
    NotAnObject {
        /// The member step, normalised (`['b']`).
        fragment: String,
        /// The normalised path up to the value that is not an object.
        eval_path: String,
        /// The Java class of that value (`java.lang.Integer`, or `null`).
        found: &'static str,
    },
    /// `The path <eval_path> is null` (index step on `null`).
    NullArray {
        /// The normalised path up to the `null`.
        eval_path: String,
    },
    /// An index step met a non-array.
    NotAnArray {
        /// The steps from the index on, normalised (`[0]['b']`).
        fragment: String,
        /// The value met, as Java's `toString` renders it (`{k=v}`).
        context: String,
    },
    /// `$name` is not a defined variable.
    UnknownVariable {
        /// The variable's name, without `$`.
        name: String,
    },
    /// A function step could not be applied.
    Function {
        /// The whole message.
        message: String,
    },
}

impl PathMiss {
    /// Jayway's exception message.
    pub fn jayway_message(&self) -> String {
        match &self.kind {
            MissKind::NoResults { normalized } => format!("No results for path: {normalized}"),
            MissKind::MissingProperty { eval_path } => {
                format!("Missing property in path {eval_path}")
            }
            MissKind::NotAnObject {
                fragment,
                eval_path,
                found,
            } => format!(
                "Expected to find an object with property {fragment} in path {eval_path} but found '{found}'. \
                 This is not a json object according to the JsonProvider: '{PROVIDER_CLASS}'."
            ),
            MissKind::NullArray { eval_path } => format!("The path {eval_path} is null"),
            MissKind::NotAnArray { fragment, context } => {
                format!(
                    "Filter: {fragment} can only be applied to arrays. Current context is: {context}"
                )
            }
            MissKind::UnknownVariable { name } => format!("No results for path: ${name}"),
            MissKind::Function { message } => message.clone(),
        }
    }

    /// The cause for InputPath, OutputPath, `…Path` fields etc. (without the driver's
    /// `An error occurred while executing the state …` prefix):
    /// `Invalid path '$.x' : No results for path: $['x']`.
    pub fn invalid_path_cause(&self) -> String {
        format!("Invalid path '{}' : {}", self.path, self.jayway_message())
    }

    /// The cause for a payload-template field (`Parameters`, `ResultSelector`, `ItemSelector`,
    /// ASL-SUB-04): `The JSONPath '$.x' specified for the field 'x.$' could not be found in the
    /// input '{"a":1}'` (input as compact JSON).
    pub fn field_cause(&self, field: &str, input: &Value) -> String {
        format!(
            "The JSONPath '{}' specified for the field '{}' could not be found in the input '{}'",
            self.path,
            field,
            input.to_json_string()
        )
    }

    /// The cause for a Choice `Variable`/`…Path` operand that matched nothing (ASL-SUB-30).
    pub fn choice_cause(&self) -> String {
        crate::choice::missing_variable_cause(&self.path)
    }
}

impl From<PathMiss> for StateError {
    /// `States.Runtime` with [`PathMiss::invalid_path_cause`].
    fn from(m: PathMiss) -> StateError {
        StateError::runtime(m.invalid_path_cause())
    }
}

/// The document a path's root designates.
fn root_value<'v>(path: &Path, env: &Env<'v>) -> Option<&'v Value> {
    match &path.root {
        Root::Input => Some(env.input),
        Root::Context => Some(env.context),
        Root::Variable(name) => env.vars.and_then(|m| m.get(name.as_ref())),
    }
}

/// Borrowed lookup of a definite path (ASL-CH-05 `Variable`, reference paths): `None` when
/// nothing matches, when the variable is undefined, or when the path is not definite (use
/// [`select`] for those). Never allocates.
pub fn get<'v>(path: &Path, env: &Env<'v>) -> Option<&'v Value> {
    if path.function.is_some() {
        return None;
    }
    let root = root_value(path, env)?;
    get_in(root, &path.segments)
}

/// [`get`] on an explicit document.
pub fn get_in<'v>(root: &'v Value, segments: &[Segment]) -> Option<&'v Value> {
    let mut cur = root;
    for seg in segments {
        cur = match seg {
            Segment::Child(Selector::Name(n)) => cur.as_object()?.get(n.as_ref())?,
            Segment::Child(Selector::Index(i)) => {
                let a = cur.as_array()?;
                a.get(effective_index(*i, a.len())?)?
            }
            _ => return None,
        };
    }
    Some(cur)
}

fn effective_index(i: i64, len: usize) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let k = if i < 0 { len + i } else { i };
    if (0..len).contains(&k) {
        usize::try_from(k).ok()
    } else {
        None
    }
}

/// Evaluates a path (ASL-PATH-06/07, ASL-SUB-05): a definite path gives its value (or a
/// [`PathMiss`] with Jayway's message); an indefinite one gives a `Value::Array` of all matches
/// in document order (possibly empty; never a miss). A final function step (`length()`) is
/// applied to the definite value, or to the array of matches.
pub fn select(path: &Path, env: &Env) -> Result<Value, PathMiss> {
    // The common case, a definite path that matches: one borrowed walk, then one clone.
    if let Some(v) = get(path, env) {
        return Ok(v.clone());
    }
    let Some(root) = root_value(path, env) else {
        let name = match &path.root {
            Root::Variable(n) => n.to_string(),
            _ => String::new(),
        };
        return Err(PathMiss {
            path: path.source.clone(),
            kind: MissKind::UnknownVariable { name },
        });
    };
    let value = if path.segments_definite() {
        match definite(root, path) {
            Ok(v) => v.into_owned(),
            Err(kind) => {
                return Err(PathMiss {
                    path: path.source.clone(),
                    kind,
                });
            }
        }
    } else {
        let mut out = Vec::new();
        collect(&path.segments, root, root, &mut out);
        Value::array(out.into_iter().map(Cow::into_owned).collect())
    };
    match path.function {
        None => Ok(value),
        Some(f) => apply_function(f, &value).map_err(|message| PathMiss {
            path: path.source.clone(),
            kind: MissKind::Function { message },
        }),
    }
}

/// Walks a definite path, producing Jayway's exception on a miss.
fn definite<'v>(root: &'v Value, path: &Path) -> Result<Cow<'v, Value>, MissKind> {
    let segs: &[Segment] = &path.segments;
    // Fast path: no allocation on success.
    if let Some(v) = get_in(root, segs) {
        return Ok(Cow::Borrowed(v));
    }
    let mut cur = root;
    let mut eval = String::from("$");
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        match seg {
            Segment::Child(Selector::Name(n)) => {
                let Value::Object(m) = cur else {
                    return Err(MissKind::NotAnObject {
                        fragment: format!("['{n}']"),
                        eval_path: eval,
                        found: java::class_name(cur),
                    });
                };
                eval.push_str("['");
                eval.push_str(n);
                eval.push_str("']");
                match m.get(n.as_ref()) {
                    Some(v) => cur = v,
                    None if last => {
                        return Err(MissKind::NoResults {
                            normalized: path.jayway_string(),
                        });
                    }
                    None => return Err(MissKind::MissingProperty { eval_path: eval }),
                }
            }
            Segment::Child(Selector::Names(names)) => {
                let Value::Object(m) = cur else {
                    let mut fragment = String::new();
                    asl_syntax::path::write_selector(
                        &mut fragment,
                        &Selector::Names(names.clone()),
                    );
                    return Err(MissKind::NotAnObject {
                        fragment,
                        eval_path: eval,
                        found: java::class_name(cur),
                    });
                };
                return Ok(Cow::Owned(merge(m, names)));
            }
            Segment::Child(Selector::Index(k)) => {
                let a = match cur {
                    Value::Null => return Err(MissKind::NullArray { eval_path: eval }),
                    Value::Array(a) => a,
                    other => {
                        let mut fragment = String::new();
                        for s in &segs[i..] {
                            asl_syntax::path::write_segment(&mut fragment, s);
                        }
                        if let Some(f) = path.function {
                            fragment.push('.');
                            fragment.push_str(f.name());
                            fragment.push_str("()");
                        }
                        return Err(MissKind::NotAnArray {
                            fragment,
                            context: java::to_string(other),
                        });
                    }
                };
                match effective_index(*k, a.len()) {
                    Some(idx) => cur = &a[idx],
                    // Jayway swallows IndexOutOfBoundsException: nothing matched.
                    None => {
                        return Err(MissKind::NoResults {
                            normalized: path.jayway_string(),
                        });
                    }
                }
                eval.push_str(&format!("[{k}]"));
            }
            _ => {
                return Err(MissKind::NoResults {
                    normalized: path.jayway_string(),
                });
            }
        }
    }
    Ok(Cow::Borrowed(cur))
}

/// Jayway's multi-property selection (`$['a','b']`): the named members that are present.
fn merge(m: &Map, names: &[Cow<'static, str>]) -> Value {
    names
        .iter()
        .filter_map(|n| m.get(n.as_ref()).map(|v| (str_of(n), v.clone())))
        .collect::<Map>()
        .into()
}

/// Collects the matches of `segs` below `node`, in document order. Misses are silent.
fn collect<'v>(segs: &[Segment], node: &'v Value, root: &'v Value, out: &mut Vec<Cow<'v, Value>>) {
    let Some((seg, rest)) = segs.split_first() else {
        out.push(Cow::Borrowed(node));
        return;
    };
    match seg {
        Segment::Child(Selector::Names(names)) if rest.is_empty() => {
            // Jayway's multi-property merge case.
            if let Value::Object(m) = node {
                out.push(Cow::Owned(merge(m, names)));
            }
        }
        Segment::Child(sel) => child(sel, node, root, &mut |v| collect(rest, v, root, out)),
        Segment::Descendant(sel) => {
            let mut hits = Vec::new();
            descend(sel, rest.is_empty(), node, root, &mut hits);
            for h in hits {
                match h {
                    Cow::Borrowed(v) => collect(rest, v, root, out),
                    owned => out.push(owned),
                }
            }
        }
    }
}

/// Applies a child selector to one node.
fn child<'v>(sel: &Selector, node: &'v Value, root: &'v Value, f: &mut dyn FnMut(&'v Value)) {
    match sel {
        Selector::Name(n) => {
            if let Some(v) = node.as_object().and_then(|m| m.get(n.as_ref())) {
                f(v)
            }
        }
        Selector::Names(names) => {
            if let Value::Object(m) = node {
                for n in names.iter() {
                    if let Some(v) = m.get(n.as_ref()) {
                        f(v)
                    }
                }
            }
        }
        Selector::Index(i) => {
            if let Value::Array(a) = node
                && let Some(k) = effective_index(*i, a.len())
            {
                f(&a[k])
            }
        }
        Selector::Indexes(is) => {
            if let Value::Array(a) = node {
                for i in is.iter() {
                    if let Some(k) = effective_index(*i, a.len()) {
                        f(&a[k])
                    }
                }
            }
        }
        Selector::Slice(s) => {
            if let Value::Array(a) = node {
                for k in slice_indices(*s, a.len()) {
                    f(&a[k])
                }
            }
        }
        Selector::Wildcard => match node {
            Value::Object(m) => m.values().for_each(f),
            Value::Array(a) => a.iter().for_each(f),
            _ => {}
        },
        Selector::Filter(flt) => match node {
            Value::Array(a) => {
                for v in a.iter() {
                    if accept(flt, v, root) {
                        f(v)
                    }
                }
            }
            // Jayway applies a filter to an object itself.
            Value::Object(_) if accept(flt, node, root) => f(node),
            _ => {}
        },
    }
}

/// Deep scan: `sel` applied to `node` and every node below it, pre-order (Jayway's walk).
fn descend<'v>(
    sel: &Selector,
    leaf: bool,
    node: &'v Value,
    root: &'v Value,
    out: &mut Vec<Cow<'v, Value>>,
) {
    match sel {
        // Jayway: an object is yielded itself when the filter accepts it; arrays are walked.
        Selector::Filter(flt) => {
            if node.is_object() && accept(flt, node, root) {
                out.push(Cow::Borrowed(node));
            }
        }
        Selector::Names(names) if leaf => {
            if let Value::Object(m) = node
                && names.iter().all(|n| m.contains_key(n.as_ref()))
            {
                out.push(Cow::Owned(merge(m, names)));
            }
        }
        _ => child(sel, node, root, &mut |v| out.push(Cow::Borrowed(v))),
    }
    match node {
        Value::Object(m) => m.values().for_each(|v| descend(sel, leaf, v, root, out)),
        Value::Array(a) => a.iter().for_each(|v| descend(sel, leaf, v, root, out)),
        _ => {}
    }
}

/// Indices of `[start:end:step]` over an array of `len` (Python/RFC 9535 semantics; negative
/// bounds count from the end, bounds are clamped).
fn slice_indices(s: Slice, len: usize) -> Vec<usize> {
    let n = len as i64;
    let step = s.step.unwrap_or(1);
    if step == 0 || n == 0 {
        return Vec::new();
    }
    let norm = |i: i64| if i < 0 { n + i } else { i };
    let mut out = Vec::new();
    if step > 0 {
        let lo = s.start.map(norm).unwrap_or(0).clamp(0, n);
        let hi = s.end.map(norm).unwrap_or(n).clamp(0, n);
        let mut i = lo;
        while i < hi {
            out.push(i as usize);
            i += step;
        }
    } else {
        let hi = s.start.map(norm).unwrap_or(n - 1).clamp(-1, n - 1);
        let lo = s.end.map(norm).unwrap_or(-1).clamp(-1, n - 1);
        let mut i = hi;
        while i > lo {
            out.push(i as usize);
            i += step;
        }
    }
    out
}

// ---- filters ----

fn accept(f: &Filter, cur: &Value, root: &Value) -> bool {
    match f {
        Filter::Or(items) => items.iter().any(|g| accept(g, cur, root)),
        Filter::And(items) => items.iter().all(|g| accept(g, cur, root)),
        Filter::Not(items) => !items.iter().all(|g| accept(g, cur, root)),
        Filter::Exists(op) => operand(op, cur, root).is_some(),
        Filter::Compare { op, left, right } => {
            let l = operand(left, cur, root);
            if *op == CompareOp::Matches {
                let Operand::Regex { pattern, flags } = right else {
                    return false;
                };
                let text = match l.as_deref() {
                    Some(Value::String(s)) => s.to_string(),
                    Some(Value::Number(n)) => n.to_string(),
                    Some(Value::Bool(b)) => b.to_string(),
                    _ => return false,
                };
                // Java's `Matcher.matches()`: the whole text (ASL-PATH filters, Jayway).
                return asl_syntax::regex::full_match(pattern, flags, &text);
            }
            let r = operand(right, cur, root);
            compare(*op, l.as_deref(), r.as_deref())
        }
    }
}

fn operand<'v>(op: &Operand, cur: &'v Value, root: &'v Value) -> Option<Cow<'v, Value>> {
    let (segs, base) = match op {
        Operand::Current(s) => (s, cur),
        Operand::Root(s) => (s, root),
        Operand::Str(s) => return Some(Cow::Owned(Value::String(str_of(s)))),
        Operand::Num(n) => return Number::from_f64(*n).map(|n| Cow::Owned(Value::Number(n))),
        Operand::Bool(b) => return Some(Cow::Owned(Value::Bool(*b))),
        Operand::Null => return Some(Cow::Owned(Value::Null)),
        Operand::Regex { .. } => return None,
    };
    let n = segs.len();
    if segs
        .iter()
        .enumerate()
        .all(|(i, s)| s.is_definite(i + 1 == n))
    {
        if let Some(v) = get_in(base, segs) {
            return Some(Cow::Borrowed(v));
        }
        // merge case or miss
        if matches!(segs.last(), Some(Segment::Child(Selector::Names(_)))) {
            let mut out = Vec::new();
            collect(segs, base, root, &mut out);
            return out.pop();
        }
        None
    } else {
        let mut out = Vec::new();
        collect(segs, base, root, &mut out);
        Some(Cow::Owned(Value::array(
            out.into_iter().map(Cow::into_owned).collect(),
        )))
    }
}

/// Jayway's relational evaluators: `==` by value for numbers, exact for strings, booleans,
/// `null` and structures; `<`… for number/number and string/string (Java `compareTo`); a
/// missing side makes every operator false except `!=`.
fn compare(op: CompareOp, l: Option<&Value>, r: Option<&Value>) -> bool {
    let eq = || match (l, r) {
        (Some(Value::Number(a)), Some(Value::Number(b))) => num::cmp(a, b) == Some(Ordering::Equal),
        (Some(a), Some(b)) => a == b,
        _ => false,
    };
    let ord = || match (l, r) {
        (Some(Value::Number(a)), Some(Value::Number(b))) => num::cmp(a, b),
        (Some(Value::String(a)), Some(Value::String(b))) => Some(string_cmp(a, b)),
        _ => None,
    };
    match op {
        CompareOp::Eq => eq(),
        CompareOp::Ne => !eq(),
        CompareOp::Lt => ord() == Some(Ordering::Less),
        CompareOp::Le => matches!(ord(), Some(Ordering::Less | Ordering::Equal)),
        CompareOp::Gt => ord() == Some(Ordering::Greater),
        CompareOp::Ge => matches!(ord(), Some(Ordering::Greater | Ordering::Equal)),
        CompareOp::Matches => false,
    }
}

// ---- functions ----

fn apply_function(f: Function, v: &Value) -> Result<Value, String> {
    let nums = |name: &str| -> Result<Vec<f64>, String> {
        let Value::Array(a) = v else {
            return Err(format!(
                "Aggregation function {name}() can only be applied to arrays"
            ));
        };
        let ns: Vec<f64> = a.iter().filter_map(Value::as_f64).collect();
        if ns.is_empty() {
            return Err(
                "Aggregation function attempted to calculate value using empty array".into(),
            );
        }
        Ok(ns)
    };
    let num = |x: f64| {
        Number::from_f64(x)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    };
    Ok(match f {
        Function::Length | Function::Size => match v {
            Value::Array(a) => Value::from(a.len()),
            Value::Object(m) => Value::from(m.len()),
            Value::String(s) => Value::from(s.encode_utf16().count()),
            other => {
                return Err(format!(
                    "length operation cannot be applied to {}",
                    java::class_name(other)
                ));
            }
        },
        Function::Sum => num(nums("sum")?.iter().sum()),
        Function::Avg => {
            let ns = nums("avg")?;
            num(ns.iter().sum::<f64>() / ns.len() as f64)
        }
        Function::Min => num(nums("min")?.into_iter().fold(f64::INFINITY, f64::min)),
        Function::Max => num(nums("max")?.into_iter().fold(f64::NEG_INFINITY, f64::max)),
        Function::Stddev => {
            let ns = nums("stddev")?;
            let n = ns.len() as f64;
            let mean = ns.iter().sum::<f64>() / n;
            num((ns.iter().map(|x| x * x).sum::<f64>() / n - mean * mean)
                .max(0.0)
                .sqrt())
        }
        Function::Keys => match v {
            Value::Object(m) => m.keys().cloned().map(Value::String).collect(),
            _ => return Err("keys() can only be applied to objects".into()),
        },
        Function::First | Function::Last => match v {
            Value::Array(a) => {
                let e = if f == Function::First {
                    a.first()
                } else {
                    a.last()
                };
                e.cloned()
                    .ok_or_else(|| format!("{}() cannot be applied to an empty array", f.name()))?
            }
            _ => return Err(format!("{}() can only be applied to arrays", f.name())),
        },
    })
}

// ---- ResultPath ----

/// Writes `value` into `target` at a ResultPath (ASL-IO-07). `$` replaces the whole target;
/// otherwise member steps create missing intermediate objects and overwrite existing fields
/// (keeping their position), and index steps overwrite an existing array element.
///
/// Unwritable targets (ASL-OPEN-02, unverified against AWS; no conformance case records it):
/// a member step on a non-object (a string raw input, `null`, an array), an index step on a
/// non-array or out of bounds, and an index step below a member that had to be created fail
/// with `States.ResultPathMatchFailure` (the spec's name) and the cause
/// `Unable to apply ResultPath '<path>' to input <compact JSON>`; `target` is left unchanged.
/// A path that is not a reference path on `$` (checked at compile time) fails with
/// `States.Runtime`.
pub fn set(target: &mut Value, path: &Path, value: Value) -> Result<(), StateError> {
    if path.root != Root::Input || !path.is_reference() {
        return Err(StateError::runtime(format!(
            "Invalid path '{}' : ResultPath must be a reference path on '$'",
            path.source
        )));
    }
    let segs: &[Segment] = &path.segments;
    if !settable(target, segs) {
        return Err(StateError::new(
            "States.ResultPathMatchFailure",
            format!(
                "Unable to apply ResultPath '{}' to input {}",
                path.source,
                target.to_json_string()
            ),
        ));
    }
    let mut cur = target;
    for seg in segs {
        cur = match (seg, cur) {
            (Segment::Child(Selector::Name(n)), Value::Object(m)) => {
                Arc::make_mut(m).get_or_insert_with(str_of(n), || Value::object(Map::new()))
            }
            (Segment::Child(Selector::Index(i)), Value::Array(a)) => {
                let a = Arc::make_mut(a);
                let len = a.len();
                match effective_index(*i, len) {
                    Some(k) => &mut a[k],
                    None => unreachable!("checked by settable"),
                }
            }
            _ => unreachable!("checked by settable"),
        };
    }
    *cur = value;
    Ok(())
}

fn settable(target: &Value, segs: &[Segment]) -> bool {
    let mut cur = target;
    for (i, seg) in segs.iter().enumerate() {
        match (seg, cur) {
            (Segment::Child(Selector::Name(n)), Value::Object(m)) => match m.get(n.as_ref()) {
                Some(v) => cur = v,
                // Created from here on: only member steps can follow.
                None => {
                    return segs[i + 1..]
                        .iter()
                        .all(|s| matches!(s, Segment::Child(Selector::Name(_))));
                }
            },
            (Segment::Child(Selector::Index(k)), Value::Array(a)) => {
                match effective_index(*k, a.len()) {
                    Some(idx) => cur = &a[idx],
                    None => return false,
                }
            }
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use asl_syntax::path::parse;

    fn env<'a>(input: &'a Value, context: &'a Value, vars: Option<&'a Map>) -> Env<'a> {
        Env {
            vars,
            ..Env::new(input, context)
        }
    }

    fn sel(path: &str, input: &Value) -> Result<Value, PathMiss> {
        let ctx = json!({});
        select(&parse(path).unwrap(), &env(input, &ctx, None))
    }

    fn miss(path: &str, input: &Value) -> PathMiss {
        sel(path, input).expect_err(path)
    }

    fn store() -> Value {
        json!({
            "store": {
                "book": [
                    {"category": "reference", "author": "Nigel Rees", "title": "Sayings", "price": 8.95},
                    {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword", "price": 12.99},
                    {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553", "price": 8.99},
                    {"category": "fiction", "author": "J. R. R. Tolkien", "title": "LOTR", "isbn": "0-395", "price": 22.99}
                ],
                "bicycle": {"color": "red", "price": 19.95}
            },
            "expensive": 10
        })
    }

    #[test]
    fn path_select_definite_asl_path_07() {
        let s = store();
        assert_eq!(sel("$.store.bicycle.color", &s).unwrap(), json!("red"));
        assert_eq!(sel("$.store.book[-1].title", &s).unwrap(), json!("LOTR"));
        assert_eq!(
            sel("$['store']['bicycle']['price']", &s).unwrap(),
            json!(19.95)
        );
        assert_eq!(sel("$", &json!("raw")).unwrap(), json!("raw"));
        // conformance base/test_json_path_array_access
        let items = json!({"items": (0..11).map(|i| json!({"item_key": i})).collect::<Vec<_>>()});
        assert_eq!(sel("$.items[10]", &items).unwrap(), json!({"item_key": 10}));
        assert_eq!(sel("$.items[0]", &items).unwrap(), json!({"item_key": 0}));
        // a present null is a value, not a miss
        assert_eq!(sel("$.a", &json!({"a": null})).unwrap(), json!(null));
        // trailing union of names merges (Jayway, definite)
        assert_eq!(
            sel("$.store.bicycle['color','nope','price']", &s).unwrap(),
            json!({"color": "red", "price": 19.95})
        );
    }

    #[test]
    fn path_select_indefinite_yields_arrays_asl_sub_05() {
        let s = store();
        assert_eq!(
            sel("$.store.book[*].author", &s)
                .unwrap()
                .as_array()
                .unwrap()
                .len(),
            4
        );
        assert_eq!(sel("$..author", &s).unwrap()[3], json!("J. R. R. Tolkien"));
        assert_eq!(
            sel("$.store.book[0,1].price", &s).unwrap(),
            json!([8.95, 12.99])
        );
        assert_eq!(
            sel("$.store.book[1:3].title", &s).unwrap(),
            json!(["Sword", "Moby Dick"])
        );
        assert_eq!(
            sel("$.store.book[:1].title", &s).unwrap(),
            json!(["Sayings"])
        );
        assert_eq!(
            sel("$.store.book[-2:].title", &s).unwrap(),
            json!(["Moby Dick", "LOTR"])
        );
        assert_eq!(
            sel("$.store.book[::2].title", &s).unwrap(),
            json!(["Sayings", "Moby Dick"])
        );
        assert_eq!(
            sel("$.store.book[::-1].price", &s).unwrap(),
            json!([22.99, 8.99, 12.99, 8.95])
        );
        assert_eq!(
            sel("$.store.book[?(@.price < 10)].title", &s).unwrap(),
            json!(["Sayings", "Moby Dick"])
        );
        assert_eq!(
            sel("$.store.book[?(@.isbn)].title", &s).unwrap(),
            json!(["Moby Dick", "LOTR"])
        );
        assert_eq!(
            sel("$.store.book[?(!@.isbn)].title", &s).unwrap(),
            json!(["Sayings", "Sword"])
        );
        assert_eq!(
            sel(
                "$.store.book[?(@.category == 'fiction' && @.price > 20)].title",
                &s
            )
            .unwrap(),
            json!(["LOTR"])
        );
        assert_eq!(
            sel(
                "$.store.book[?(@.price > $.expensive || @.author =~ /.*rees/i)].title",
                &s
            )
            .unwrap(),
            json!(["Sayings", "Sword", "LOTR"])
        );
        assert_eq!(
            sel("$.store.book[?(@.isbn != '0-553')].title", &s)
                .unwrap()
                .as_array()
                .unwrap()
                .len(),
            3
        );
        assert_eq!(
            sel("$..book[?(@.price == 8.99)].title", &s).unwrap(),
            json!(["Moby Dick"])
        );
        assert_eq!(sel("$.store.*", &s).unwrap().as_array().unwrap().len(), 2);
        assert_eq!(
            sel("$..price", &s).unwrap(),
            json!([8.95, 12.99, 8.99, 22.99, 19.95])
        );
        assert_eq!(sel("$..[0].title", &s).unwrap(), json!(["Sayings"]));
        let deep = json!({"a": {"b": 1, "c": [2, {"d": 3}]}});
        assert_eq!(
            sel("$..*", &deep).unwrap(),
            json!([{"b": 1, "c": [2, {"d": 3}]}, 1, [2, {"d": 3}], 2, {"d": 3}, 3])
        );
        // conformance base/test_json_path_array_wildcard_or_slice_with_no_input: all []
        for p in [
            "$.item.items[*]",
            "$.item.items[1:5]",
            "$.item.items[1:5].itemValue",
            "$.item.items[1:]",
            "$.items[1:].itemValue",
            "$.items[:1].itemValue",
            "$.items[1:]",
            "$.items[:1]",
            "$[*]",
        ] {
            assert_eq!(sel(p, &json!({})).unwrap(), json!([]), "{p}");
        }
    }

    #[test]
    fn path_functions_jayway() {
        let s = store();
        assert_eq!(sel("$.store.book.length()", &s).unwrap(), json!(4));
        assert_eq!(sel("$.store.bicycle.size()", &s).unwrap(), json!(2));
        assert_eq!(
            sel("$.store.book[*].price.max()", &s).unwrap(),
            json!(22.99)
        );
        assert_eq!(sel("$.store.book[*].price.min()", &s).unwrap(), json!(8.95));
        assert_eq!(sel("$.n.sum()", &json!({"n": [1, 2]})).unwrap(), json!(3.0));
        assert_eq!(sel("$.n.avg()", &json!({"n": [1, 2]})).unwrap(), json!(1.5));
        assert_eq!(
            sel("$.store.bicycle.keys()", &s).unwrap(),
            json!(["color", "price"])
        );
        assert_eq!(sel("$.n.first()", &json!({"n": [1, 2]})).unwrap(), json!(1));
        assert!(matches!(
            miss("$.n.length()", &json!({"n": 5})).kind,
            MissKind::Function { .. }
        ));
        assert!(matches!(
            miss("$.m.length()", &json!({})).kind,
            MissKind::NoResults { .. }
        ));
    }

    #[test]
    fn path_miss_causes_pinned_to_aws_texts() {
        // scenarios/test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_OUTPUTPATH]
        let m = miss("$.NoSuchOutputPath", &json!({"int-literal": 0}));
        assert_eq!(
            m.invalid_path_cause(),
            "Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']"
        );
        // scenarios/test_catch_states_runtime
        let m = miss("$.no.such.result.path", &json!({"Payload": 1}));
        assert_eq!(
            m.invalid_path_cause(),
            "Invalid path '$.no.such.result.path' : Missing property in path $['no']"
        );
        // leaf missing below a present member: the whole path
        let m = miss("$.a.b", &json!({"a": {}}));
        assert_eq!(m.jayway_message(), "No results for path: $['a']['b']");
        // index out of bounds anywhere: no results
        let m = miss("$.a[5].b", &json!({"a": [1]}));
        assert_eq!(m.jayway_message(), "No results for path: $['a'][5]['b']");
        let m = miss("$.a[0]", &json!({"a": null}));
        assert_eq!(m.jayway_message(), "The path $['a'] is null");
        let m = miss("$.a[0].b", &json!({"a": {"k": 1}}));
        assert_eq!(
            m.jayway_message(),
            "Filter: [0]['b'] can only be applied to arrays. Current context is: {k=1}"
        );
        let m = miss("$.a.b", &json!({"a": 5}));
        assert_eq!(
            m.jayway_message(),
            "Expected to find an object with property ['b'] in path $['a'] but found 'java.lang.Integer'. \
             This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JacksonJsonProvider'."
        );
        let m = miss("$.a.b", &json!({"a": null}));
        assert!(m.jayway_message().contains("but found 'null'"));
        // payload template field (ASL-SUB-04)
        let m = miss("$.application.address", &json!({"flagged": false}));
        assert_eq!(
            m.field_cause("address.$", &json!({"flagged": false})),
            "The JSONPath '$.application.address' specified for the field 'address.$' could not be found in the input '{\"flagged\":false}'"
        );
        assert_eq!(
            m.choice_cause(),
            "Invalid path '$.application.address': The choice state's condition path references an invalid value."
        );
        let e: StateError = miss("$.x", &json!({})).into();
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.cause.as_deref(),
            Some("Invalid path '$.x' : No results for path: $['x']")
        );
    }

    #[test]
    fn path_roots_context_and_variables_asl_path_02_03() {
        let input = json!({"a": 1});
        let ctx = json!({"Execution": {"Id": "arn:x"}});
        let mut vars = Map::new();
        vars.insert("order", json!({"total": 42, "items": [1, 2]}));
        let e = env(&input, &ctx, Some(&vars));
        assert_eq!(
            select(&parse("$$.Execution.Id").unwrap(), &e).unwrap(),
            json!("arn:x")
        );
        assert_eq!(
            select(&parse("$order.total").unwrap(), &e).unwrap(),
            json!(42)
        );
        assert_eq!(
            select(&parse("$order.items[*]").unwrap(), &e).unwrap(),
            json!([1, 2])
        );
        assert_eq!(get(&parse("$order.items[1]").unwrap(), &e), Some(&json!(2)));
        assert_eq!(get(&parse("$.a").unwrap(), &e), Some(&json!(1)));
        assert_eq!(get(&parse("$.b").unwrap(), &e), None);
        assert_eq!(get(&parse("$.a[*]").unwrap(), &e), None);
        let m = select(&parse("$nosuch.x").unwrap(), &e).unwrap_err();
        assert_eq!(
            m.kind,
            MissKind::UnknownVariable {
                name: "nosuch".into()
            }
        );
        let m = select(&parse("$$.Execution.Nope").unwrap(), &e).unwrap_err();
        assert_eq!(
            m.invalid_path_cause(),
            "Invalid path '$$.Execution.Nope' : No results for path: $['Execution']['Nope']"
        );
    }

    #[test]
    fn path_get_on_static_path() {
        static SEGS: [Segment; 1] = [Segment::Child(Selector::Name(Cow::Borrowed("i")))];
        static P: Path = Path {
            source: Cow::Borrowed("$.i"),
            root: Root::Input,
            segments: Cow::Borrowed(&SEGS),
            function: None,
        };
        let input = json!({"i": 9999});
        let ctx = json!({});
        let v = get(&P, &env(&input, &ctx, None)).unwrap();
        assert!(crate::choice::numeric_less_than(v, 10000.0));
    }

    #[test]
    fn path_set_result_path_asl_io_07() {
        let mut t = json!({"a": 1, "r": 0, "z": 2});
        set(&mut t, &parse("$.r").unwrap(), json!("x")).unwrap();
        assert_eq!(t, json!({"a": 1, "r": "x", "z": 2}));
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"a":1,"r":"x","z":2}"#,
            "position kept"
        );
        set(&mut t, &parse("$.new.deep.er").unwrap(), json!(true)).unwrap();
        assert_eq!(t["new"], json!({"deep": {"er": true}}));
        let mut arr = json!({"l": [1, 2, 3]});
        set(&mut arr, &parse("$.l[1]").unwrap(), json!("b")).unwrap();
        set(&mut arr, &parse("$.l[-1]").unwrap(), json!("c")).unwrap();
        assert_eq!(arr, json!({"l": [1, "b", "c"]}));
        let mut whole = json!({"a": 1});
        set(&mut whole, &parse("$").unwrap(), json!([1])).unwrap();
        assert_eq!(whole, json!([1]));
        // ASL-OPEN-02: non-object raw input
        let mut s = json!("foo");
        let e = set(&mut s, &parse("$.x").unwrap(), json!(1)).unwrap_err();
        assert_eq!(e.error, "States.ResultPathMatchFailure");
        assert_eq!(
            e.cause.as_deref(),
            Some("Unable to apply ResultPath '$.x' to input \"foo\"")
        );
        assert_eq!(s, json!("foo"));
        for (input, p) in [
            (json!({"a": 5}), "$.a.b"),
            (json!({"a": null}), "$.a.b"),
            (json!({"l": [1]}), "$.l[3]"),
            (json!({}), "$.l[0]"),
            (json!({}), "$.n.l[0].x"),
            (json!([1]), "$.a"),
        ] {
            let mut t = input.clone();
            let e = set(&mut t, &parse(p).unwrap(), json!(1)).unwrap_err();
            assert_eq!(e.error, "States.ResultPathMatchFailure", "{p}");
            assert_eq!(t, input, "unchanged: {p}");
        }
        let e = set(&mut json!({}), &parse("$.a[*]").unwrap(), json!(1)).unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        let e = set(&mut json!({}), &parse("$$.a").unwrap(), json!(1)).unwrap_err();
        assert_eq!(e.error, "States.Runtime");
    }

    #[test]
    fn path_filter_regex_is_java_matches() {
        let doc = json!({"items": [
            {"name": "ac"}, {"name": "bc"}, {"name": "xbc"}, {"name": "ABC"}, {"name": 123}
        ]});
        let names = |p: &str| sel(p, &doc).unwrap();
        // Groups and alternation (the earlier matcher's gap), the whole text as Java's
        // `Matcher.matches()`.
        assert_eq!(
            names("$.items[?(@.name =~ /(a|b)c/)].name"),
            json!(["ac", "bc"])
        );
        assert_eq!(names("$.items[?(@.name =~ /abc/i)].name"), json!(["ABC"]));
        assert_eq!(names("$.items[?(@.name =~ /[0-9]{3}/)].name"), json!([123]));
        assert_eq!(
            names("$.items[?(@.name =~ /.*c/)].name"),
            json!(["ac", "bc", "xbc"])
        );
    }

    #[test]
    fn path_regex_that_cannot_run_is_a_parse_error() {
        let e = parse("$.items[?(@.name =~ /(unclosed/)]").unwrap_err();
        assert!(
            e.message.contains("invalid regular expression"),
            "{}",
            e.message
        );
    }
}
