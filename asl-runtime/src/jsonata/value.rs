//! The values a JSONata evaluation works with.
//!
//! JSON data stays a [`Value`] ([`JValue::Json`]): the state input, variables and every part
//! of them are shared, never copied into another representation, and a path into them is a
//! borrowed lookup. What JSON cannot hold gets a variant of its own: *undefined* (no value,
//! JSONata's empty sequence), arrays built by the evaluator with jsonata-js's flags (a
//! *sequence*, keep-singleton, the constructor flag `cons`, the outer wrapper of an array
//! input), objects holding functions, functions, and the tuple streams of paths with `@`,
//! `#` and `%`.
//!
//! Numbers are JSON numbers, always finite: an operation whose result is not finite fails
//! with `D1001` where it is made (jsonata-js fails at the first *use* of it, which for a
//! result that has to become JSON is the same failure, see the suite notes). Integral results
//! are stored as integers so they print as JSON integers.

use std::rc::Rc;

use super::Error;
use super::func::Func;
use crate::value::{Map, Number, Str, Value};

/// A JSONata value; `'e` is the lifetime of the expression tree (lambdas keep their bodies).
#[derive(Clone, Default)]
pub(crate) enum JValue<'e> {
    /// No value (jsonata-js `undefined`, an empty sequence).
    #[default]
    Undefined,
    /// JSON data (never an evaluator-built array with flags).
    Json(Value),
    /// An array the evaluator built, with its flags.
    Array(Rc<Array<'e>>),
    /// An object that holds a function (or another non-JSON value) somewhere.
    Object(Rc<Object<'e>>),
    /// A function.
    Func(Rc<Func<'e>>),
    /// A tuple stream (a path with `@`, `#` or `%` bindings).
    Tuples(Rc<Vec<Tuple<'e>>>),
}

/// An evaluator-built array (jsonata-js arrays with their non-enumerable flags).
#[derive(Clone, Default)]
pub(crate) struct Array<'e> {
    pub items: Vec<JValue<'e>>,
    /// A sequence (flattened into paths, singleton unwrapped).
    pub sequence: bool,
    /// A singleton stays an array (`[]` in the expression).
    pub keep_singleton: bool,
    /// Built by an array constructor at the start or end of a path: not flattened.
    pub cons: bool,
    /// The one-element sequence wrapping an array input.
    pub outer_wrapper: bool,
}

/// An object with a member JSON cannot hold, in insertion order.
pub(crate) type Object<'e> = Vec<(Str, JValue<'e>)>;

/// A binding name of a tuple or frame: a variable, or the label of a `%` ancestor.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Name<'e> {
    Var(&'e str),
    Ancestor(u32),
}

/// One tuple of a tuple stream: the context item `@` and the bindings made along the path.
#[derive(Clone, Default)]
pub(crate) struct Tuple<'e> {
    pub at: JValue<'e>,
    pub binds: Vec<(Name<'e>, JValue<'e>)>,
}

impl<'e> Tuple<'e> {
    pub fn set(&mut self, name: Name<'e>, value: JValue<'e>) {
        match self.binds.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.binds.push((name, value)),
        }
    }
}

/// A borrowed view of anything array-like.
#[derive(Clone, Copy)]
pub(crate) enum Items<'a, 'e> {
    Json(&'a [Value]),
    J(&'a [JValue<'e>]),
}

impl<'a, 'e> Items<'a, 'e> {
    pub fn len(&self) -> usize {
        match self {
            Items::Json(v) => v.len(),
            Items::J(v) => v.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn get(&self, i: usize) -> Option<JValue<'e>> {
        match self {
            Items::Json(v) => v.get(i).map(|v| JValue::Json(v.clone())),
            Items::J(v) => v.get(i).cloned(),
        }
    }
    pub fn iter(self) -> impl DoubleEndedIterator<Item = JValue<'e>> + ExactSizeIterator + 'a {
        let (a, b) = match self {
            Items::Json(v) => (Some(v.iter().map(|v| JValue::Json(v.clone()))), None),
            Items::J(v) => (None, Some(v.iter().cloned())),
        };
        EitherIter { a, b }
    }
}

struct EitherIter<A, B> {
    a: Option<A>,
    b: Option<B>,
}

impl<T, A: Iterator<Item = T>, B: Iterator<Item = T>> Iterator for EitherIter<A, B> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        match (&mut self.a, &mut self.b) {
            (Some(a), _) => a.next(),
            (_, Some(b)) => b.next(),
            _ => None,
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match (&self.a, &self.b) {
            (Some(a), _) => a.size_hint(),
            (_, Some(b)) => b.size_hint(),
            _ => (0, Some(0)),
        }
    }
}

impl<T, A: DoubleEndedIterator<Item = T>, B: DoubleEndedIterator<Item = T>> DoubleEndedIterator
    for EitherIter<A, B>
{
    fn next_back(&mut self) -> Option<T> {
        match (&mut self.a, &mut self.b) {
            (Some(a), _) => a.next_back(),
            (_, Some(b)) => b.next_back(),
            _ => None,
        }
    }
}

impl<T, A: ExactSizeIterator<Item = T>, B: ExactSizeIterator<Item = T>> ExactSizeIterator
    for EitherIter<A, B>
{
}

/// A borrowed view of anything object-like.
#[derive(Clone, Copy)]
pub(crate) enum Members<'a, 'e> {
    Json(&'a Map),
    J(&'a [(Str, JValue<'e>)]),
}

impl<'a, 'e> Members<'a, 'e> {
    pub fn len(&self) -> usize {
        match self {
            Members::Json(m) => m.len(),
            Members::J(m) => m.len(),
        }
    }
    pub fn get(&self, key: &str) -> Option<JValue<'e>> {
        match self {
            Members::Json(m) => m.get(key).map(|v| JValue::Json(v.clone())),
            Members::J(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()),
        }
    }
    pub fn iter(self) -> Box<dyn Iterator<Item = (Str, JValue<'e>)> + 'a> {
        match self {
            Members::Json(m) => {
                Box::new(m.iter().map(|(k, v)| (k.clone(), JValue::Json(v.clone()))))
            }
            Members::J(m) => Box::new(m.iter().cloned()),
        }
    }
    pub fn keys(self) -> Box<dyn Iterator<Item = Str> + 'a> {
        match self {
            Members::Json(m) => Box::new(m.keys().cloned()),
            Members::J(m) => Box::new(m.iter().map(|(k, _)| k.clone())),
        }
    }
}

/// A finite number as a JSON number: integral values as integers (so they print as `3`).
pub(crate) fn number(x: f64) -> Result<Value, Error> {
    if !x.is_finite() {
        return Err(Error::d1001(x));
    }
    Ok(Value::Number(json_number(x)))
}

/// `x` (finite) as a JSON number, integral values as integers.
pub(crate) fn json_number(x: f64) -> Number {
    const SAFE: f64 = 9_007_199_254_740_992.0; // 2^53
    if x.fract() == 0.0 && x.abs() <= SAFE {
        if x == 0.0 {
            // -0 prints as 0 in JSON.stringify
            return Number::from(0i64);
        }
        Number::from(x as i64)
    } else {
        Number::from_f64(x).unwrap_or_else(|| Number::from(0i64))
    }
}

impl<'e> JValue<'e> {
    /// A number value (`D1001` if not finite).
    pub fn num(x: f64) -> Result<JValue<'e>, Error> {
        number(x).map(JValue::Json)
    }
    /// A string value.
    pub fn str(s: impl Into<Str>) -> JValue<'e> {
        JValue::Json(Value::String(s.into()))
    }
    pub fn bool(b: bool) -> JValue<'e> {
        JValue::Json(Value::Bool(b))
    }

    /// A plain array of the items (no flags).
    pub fn array(items: Vec<JValue<'e>>) -> JValue<'e> {
        JValue::Array(Rc::new(Array {
            items,
            ..Array::default()
        }))
    }
    /// A sequence of the items.
    pub fn sequence(items: Vec<JValue<'e>>) -> JValue<'e> {
        JValue::Array(Rc::new(Array {
            items,
            sequence: true,
            ..Array::default()
        }))
    }

    pub fn is_undefined(&self) -> bool {
        matches!(self, JValue::Undefined)
    }
    pub fn is_function(&self) -> bool {
        matches!(self, JValue::Func(_))
    }
    pub fn is_array(&self) -> bool {
        matches!(
            self,
            JValue::Array(_) | JValue::Json(Value::Array(_)) | JValue::Tuples(_)
        )
    }
    pub fn is_object(&self) -> bool {
        matches!(self, JValue::Object(_) | JValue::Json(Value::Object(_)))
    }
    /// A sequence (jsonata-js `isSequence`).
    pub fn is_sequence(&self) -> bool {
        match self {
            JValue::Array(a) => a.sequence,
            JValue::Tuples(_) => true,
            _ => false,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            JValue::Json(Value::Number(n)) => n.as_f64(),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            JValue::Json(Value::String(s)) => Some(s),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            JValue::Json(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }
    pub fn as_func(&self) -> Option<&Rc<Func<'e>>> {
        match self {
            JValue::Func(f) => Some(f),
            _ => None,
        }
    }
    /// The items of an array.
    pub fn items(&self) -> Option<Items<'_, 'e>> {
        match self {
            JValue::Json(Value::Array(a)) => Some(Items::Json(a)),
            JValue::Array(a) => Some(Items::J(&a.items)),
            _ => None,
        }
    }
    /// The members of an object.
    pub fn members(&self) -> Option<Members<'_, 'e>> {
        match self {
            JValue::Json(Value::Object(m)) => Some(Members::Json(m)),
            JValue::Object(m) => Some(Members::J(m)),
            _ => None,
        }
    }
    /// The flags of an evaluator-built array.
    pub fn flags(&self) -> Option<&Array<'e>> {
        match self {
            JValue::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The items as a vector (a non-array is a one-item vector, undefined none).
    pub fn into_vec(self) -> Vec<JValue<'e>> {
        match self {
            JValue::Undefined => Vec::new(),
            JValue::Array(a) => match Rc::try_unwrap(a) {
                Ok(a) => a.items,
                Err(a) => a.items.clone(),
            },
            JValue::Json(Value::Array(a)) => a.iter().cloned().map(JValue::Json).collect(),
            other => vec![other],
        }
    }

    /// jsonata-js `typeof`-based signature symbol (`signature.js` `getSymbol`).
    pub fn symbol(&self) -> char {
        match self {
            JValue::Undefined => 'm',
            JValue::Func(_) => 'f',
            JValue::Array(_) | JValue::Tuples(_) => 'a',
            JValue::Object(_) => 'o',
            JValue::Json(v) => match v {
                Value::Null => 'l',
                Value::Bool(_) => 'b',
                Value::Number(_) => 'n',
                Value::String(_) => 's',
                Value::Array(_) => 'a',
                Value::Object(_) => 'o',
            },
        }
    }

    /// The value as JSON: sequences and arrays become arrays, functions `""` inside
    /// containers (as `JSON.stringify` drops them from objects, `null` in arrays… see
    /// [`to_json_for_output`]), undefined `None`.
    pub fn to_json(&self) -> Option<Value> {
        match self {
            JValue::Undefined => None,
            JValue::Json(v) => Some(v.clone()),
            JValue::Array(a) => {
                let items = a.items.iter().filter_map(|v| v.to_json()).collect();
                Some(Value::array(items))
            }
            JValue::Tuples(t) => {
                let items = t.iter().filter_map(|t| t.at.to_json()).collect();
                Some(Value::array(items))
            }
            JValue::Object(m) => {
                let mut map = Map::with_capacity(m.len());
                for (k, v) in m.iter() {
                    if let Some(v) = v.to_json() {
                        map.insert(k.clone(), v);
                    }
                }
                Some(Value::object(map))
            }
            JValue::Func(_) => None,
        }
    }

    /// Whether the value holds a function anywhere.
    pub fn holds_function(&self) -> bool {
        match self {
            JValue::Func(_) => true,
            JValue::Array(a) => a.items.iter().any(|v| v.holds_function()),
            JValue::Object(m) => m.iter().any(|(_, v)| v.holds_function()),
            JValue::Tuples(t) => t.iter().any(|t| t.at.holds_function()),
            _ => false,
        }
    }

    /// Appends the value to a list of items (`fn.append`'s flattening of one argument).
    pub fn push_flat(self, out: &mut Vec<JValue<'e>>) {
        match self {
            JValue::Undefined => {}
            JValue::Array(a) => match Rc::try_unwrap(a) {
                Ok(a) => out.extend(a.items),
                Err(a) => out.extend(a.items.iter().cloned()),
            },
            JValue::Json(Value::Array(a)) => out.extend(a.iter().cloned().map(JValue::Json)),
            JValue::Tuples(t) => out.extend(t.iter().map(|t| t.at.clone())),
            v => out.push(v),
        }
    }
}

impl<'e> From<Value> for JValue<'e> {
    fn from(v: Value) -> JValue<'e> {
        JValue::Json(v)
    }
}

/// JSONata's deep equality (`utils.isDeepEqual`): numbers by value, arrays item by item,
/// objects member by member in any order; functions equal only to themselves.
pub(crate) fn deep_equal<'e>(a: &JValue<'e>, b: &JValue<'e>) -> bool {
    match (a, b) {
        (JValue::Json(x), JValue::Json(y)) => json_equal(x, y),
        (JValue::Undefined, JValue::Undefined) => true,
        (JValue::Func(f), JValue::Func(g)) => Rc::ptr_eq(f, g),
        _ => {
            if let (Some(x), Some(y)) = (a.items(), b.items()) {
                return x.len() == y.len()
                    && x.iter().zip(y.iter()).all(|(p, q)| deep_equal(&p, &q));
            }
            if let (Some(x), Some(y)) = (a.members(), b.members()) {
                return x.len() == y.len()
                    && x.iter()
                        .all(|(k, v)| y.get(&k).is_some_and(|w| deep_equal(&v, &w)));
            }
            false
        }
    }
}

fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            std::sync::Arc::ptr_eq(x, y)
                || (x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| json_equal(p, q)))
        }
        (Value::Object(x), Value::Object(y)) => {
            std::sync::Arc::ptr_eq(x, y)
                || (x.len() == y.len()
                    && x.iter()
                        .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w))))
        }
        _ => a == b,
    }
}
