//! The runtime's JSON value: subtrees shared, not copied.
//!
//! A [`Value`] is a JSON document whose strings, arrays and objects sit behind reference
//! counts. Copying a subtree from one state's data to the next — `"tags.$": "$.meta.tags"`,
//! a Map iteration's item, a Parallel branch's input — is a reference-count increment, never a
//! deep copy. A change goes through [`Value::as_object_mut`] / [`Value::as_array_mut`], which
//! copy a shared container first (copy on write), so no other holder ever sees it.
//!
//! Strings and object keys are [`Str`]s ([`smol_str::SmolStr`]): up to 23 bytes inline,
//! longer ones shared, and the keys the compiler writes into a machine's statics used in place
//! without allocation. Objects are [`Map`]s, which keep insertion order as AWS does and hash
//! with foldhash.
//!
//! Numbers are [`serde_json::Number`]s, and `serde_json::Value` converts both ways with
//! [`From`]; any `Serialize`/`Deserialize` type converts with [`to_value`] and [`from_value`].
//! [`json!`](crate::json) builds a value from JSON syntax.
//!
//! The value rules the runtime applies live here too: [`num`] (numbers compared by value),
//! [`java`] (Java's string order, `toString` and `java.util.Random`, where AWS's Java shows),
//! [`Value::type_name`] and [`Value::eq_by_value`].

pub mod java;
mod map;
pub mod num;
mod serde_impl;

use std::fmt;
use std::sync::Arc;

pub use map::Map;
pub use num::Number;
pub use serde_impl::{from_value, to_value};
/// A string of a [`Value`], and an object key: cheap to clone, small ones inline.
pub use smol_str::SmolStr as Str;

/// A JSON value whose strings, arrays and objects are shared (see the [module](self) docs).
#[derive(Clone, Default, PartialEq, Eq)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(Str),
    /// An array, shared.
    Array(Arc<Vec<Value>>),
    /// An object, shared.
    Object(Arc<Map>),
}

static NULL: Value = Value::Null;

/// A [`Str`] for text the compiler wrote into a static (used in place, no allocation), or
/// copied when it was built at run time.
#[allow(clippy::ptr_arg)] // the `Cow` says whether the text is `'static`
#[inline]
pub fn str_of(s: &std::borrow::Cow<'static, str>) -> Str {
    match s {
        std::borrow::Cow::Borrowed(b) => Str::new_static(b),
        std::borrow::Cow::Owned(o) => Str::new(o),
    }
}

impl Value {
    /// An array value.
    #[inline]
    pub fn array(items: Vec<Value>) -> Value {
        Value::Array(Arc::new(items))
    }

    /// An object value.
    #[inline]
    pub fn object(map: Map) -> Value {
        Value::Object(Arc::new(map))
    }

    /// A string value that uses `s` in place, without allocation.
    #[inline]
    pub const fn from_static(s: &'static str) -> Value {
        Value::String(Str::new_static(s))
    }

    /// Whether the value is `null`.
    #[inline]
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether the value is `true` or `false`.
    #[inline]
    pub fn is_boolean(&self) -> bool {
        matches!(self, Value::Bool(_))
    }

    /// Whether the value is a number.
    #[inline]
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    /// Whether the value is a string.
    #[inline]
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    /// Whether the value is an array.
    #[inline]
    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    /// Whether the value is an object.
    #[inline]
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// The boolean, if the value is one.
    #[inline]
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if the value is one.
    #[inline]
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The number as an `f64`, if the value is a number.
    #[inline]
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number()?.as_f64()
    }

    /// The number as an `i64`, if the value is an integer in its range.
    #[inline]
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number()?.as_i64()
    }

    /// The number as a `u64`, if the value is an integer in its range.
    #[inline]
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number()?.as_u64()
    }

    /// Whether the value is an integer that fits an `i64`.
    #[inline]
    pub fn is_i64(&self) -> bool {
        self.as_number().is_some_and(Number::is_i64)
    }

    /// Whether the value is an integer that fits a `u64`.
    #[inline]
    pub fn is_u64(&self) -> bool {
        self.as_number().is_some_and(Number::is_u64)
    }

    /// Whether the value is a number that is not an integer (or is out of integer range).
    #[inline]
    pub fn is_f64(&self) -> bool {
        self.as_number().is_some_and(Number::is_f64)
    }

    /// The string, if the value is one.
    #[inline]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The items, if the value is an array.
    #[inline]
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The members, if the value is an object.
    #[inline]
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The items to change, if the value is an array; a shared array is copied first.
    #[inline]
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(a) => Some(Arc::make_mut(a)),
            _ => None,
        }
    }

    /// The members to change, if the value is an object; a shared object is copied first.
    #[inline]
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(m) => Some(Arc::make_mut(m)),
            _ => None,
        }
    }

    /// Member `key` of an object or item `key` of an array (`None` for anything else).
    #[inline]
    pub fn get<I: ValueIndex>(&self, key: I) -> Option<&Value> {
        key.index_into(self)
    }

    /// Member `key` of an object or item `key` of an array, to change (copy on write).
    #[inline]
    pub fn get_mut<I: ValueIndex>(&mut self, key: I) -> Option<&mut Value> {
        key.index_into_mut(self)
    }

    /// The value at a JSON Pointer (RFC 6901: `""` is the whole value, `/a/0` member `a`'s
    /// first item, `~1` and `~0` stand for `/` and `~`).
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        rest.split('/').try_fold(self, |v, token| {
            let token = token.replace("~1", "/").replace("~0", "~");
            match v {
                Value::Object(m) => m.get(token.as_str()),
                Value::Array(a) => {
                    if token.len() > 1 && token.starts_with('0') || token.starts_with('+') {
                        return None;
                    }
                    a.get(token.parse::<usize>().ok()?)
                }
                _ => None,
            }
        })
    }

    /// Takes the value out, leaving `null`.
    #[inline]
    pub fn take(&mut self) -> Value {
        std::mem::take(self)
    }

    /// The JSON type's name with its article, as error causes name it: `null`, `a boolean`,
    /// `a number`, `a string`, `an array`, `an object`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// Deep equality with numbers compared by value (`1` equals `1.0`, ASL-FN-06, ASL-FN-10);
    /// object members in any order. `==` compares numbers by representation, as
    /// `serde_json::Value` does.
    pub fn eq_by_value(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Number(x), Value::Number(y)) => num::eq(x, y),
            (Value::Array(x), Value::Array(y)) => {
                Arc::ptr_eq(x, y)
                    || (x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| p.eq_by_value(q)))
            }
            (Value::Object(x), Value::Object(y)) => {
                Arc::ptr_eq(x, y)
                    || (x.len() == y.len()
                        && x.iter()
                            .all(|(k, v)| y.get(k.as_str()).is_some_and(|w| v.eq_by_value(w))))
            }
            _ => self == other,
        }
    }

    /// An upper bound of the length of the value's compact JSON text, in one walk that does not
    /// look inside strings: a string of n bytes counts as 6n + 2 (every byte escaped as
    /// `\u00XX`), a number as 24. The payload quota checks this first (ASL-SUB-54).
    pub fn json_len_bound(&self) -> usize {
        self.len_bound(&|s| s.len().saturating_mul(6).saturating_add(2))
    }

    /// A tighter bound than [`Value::json_len_bound`], at the price of reading the strings of
    /// up to 32 bytes (counted exactly); the quota's second test before it serializes.
    pub(crate) fn json_len_bound_tight(&self) -> usize {
        self.len_bound(&|s| {
            if s.len() > 32 {
                return s.len().saturating_mul(6).saturating_add(2);
            }
            // serde_json's escapes: `\"` `\\` `\b` `\f` `\n` `\r` `\t`, `\u00XX` for other
            // control characters; every other byte as is.
            2 + s
                .bytes()
                .map(|b| match b {
                    b'"' | b'\\' | 0x08 | 0x0c | b'\n' | b'\r' | b'\t' => 2,
                    0..=0x1f => 6,
                    _ => 1,
                })
                .sum::<usize>()
        })
    }

    fn len_bound(&self, string: &impl Fn(&str) -> usize) -> usize {
        match self {
            Value::Null => 4,
            Value::Bool(b) => 4 + usize::from(!*b),
            Value::Number(_) => 24,
            Value::String(s) => string(s),
            Value::Array(a) => {
                2 + a.len().saturating_sub(1) + a.iter().map(|v| v.len_bound(string)).sum::<usize>()
            }
            Value::Object(m) => {
                2 + m.len().saturating_sub(1)
                    + m.iter()
                        .map(|(k, v)| string(k) + 1 + v.len_bound(string))
                        .sum::<usize>()
            }
        }
    }

    /// Compact JSON text (no spaces), as AWS writes values into causes and events.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string(self).expect("a Value always serializes")
    }
}

/// What [`Value::get`] takes: a `&str` key or a `usize` index.
pub trait ValueIndex: private::Sealed {
    #[doc(hidden)]
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value>;
    #[doc(hidden)]
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value>;
}

mod private {
    pub trait Sealed {}
    impl Sealed for usize {}
    impl Sealed for str {}
    impl Sealed for String {}
    impl<T: Sealed + ?Sized> Sealed for &T {}
}

impl ValueIndex for usize {
    #[inline]
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        v.as_array()?.get(*self)
    }
    #[inline]
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        v.as_array_mut()?.get_mut(*self)
    }
}

impl ValueIndex for str {
    #[inline]
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        v.as_object()?.get(self)
    }
    #[inline]
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        v.as_object_mut()?.get_mut(self)
    }
}

impl ValueIndex for String {
    #[inline]
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        self.as_str().index_into(v)
    }
    #[inline]
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        self.as_str().index_into_mut(v)
    }
}

impl<T: ValueIndex + ?Sized> ValueIndex for &T {
    #[inline]
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        (**self).index_into(v)
    }
    #[inline]
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        (**self).index_into_mut(v)
    }
}

impl<I: ValueIndex> std::ops::Index<I> for Value {
    type Output = Value;
    /// Member or item `key`, or `null` when there is none (as `serde_json`'s index does).
    #[inline]
    fn index(&self, key: I) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl fmt::Display for Value {
    /// JSON text: compact, or indented with `{:#}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = if f.alternate() {
            serde_json::to_string_pretty(self)
        } else {
            serde_json::to_string(self)
        };
        f.write_str(&text.map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Value {
    /// JSON text, so test failures show documents as JSON.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

// --- Conversions -------------------------------------------------------------------------

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

macro_rules! from_integer {
    ($($t:ty)*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Value {
                Value::Number(Number::from(n))
            }
        }
    )*};
}
from_integer!(i8 i16 i32 i64 isize u8 u16 u32 u64 usize);

impl From<f64> for Value {
    /// A number, or `null` for NaN and the infinities (as `serde_json`).
    fn from(f: f64) -> Value {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::Number(n)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(Str::new(s))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(Str::from(s))
    }
}

impl From<Str> for Value {
    fn from(s: Str) -> Value {
        Value::String(s)
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::String(Str::new(s))
    }
}

impl From<std::borrow::Cow<'_, str>> for Value {
    fn from(s: std::borrow::Cow<'_, str>) -> Value {
        Value::String(Str::new(s))
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Value {
        Value::array(items)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::object(m)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    /// The value, or `null` for `None`.
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

impl FromIterator<Value> for Value {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Value {
        Value::array(iter.into_iter().collect())
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(n),
            serde_json::Value::String(s) => Value::String(Str::from(s)),
            serde_json::Value::Array(a) => Value::array(a.into_iter().map(Value::from).collect()),
            serde_json::Value::Object(m) => {
                Value::object(m.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
            }
        }
    }
}

impl From<&serde_json::Value> for Value {
    fn from(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.clone()),
            serde_json::Value::String(s) => Value::String(Str::new(s)),
            serde_json::Value::Array(a) => Value::array(a.iter().map(Value::from).collect()),
            serde_json::Value::Object(m) => Value::object(
                m.iter()
                    .map(|(k, v)| (k.as_str(), Value::from(v)))
                    .collect(),
            ),
        }
    }
}

impl From<&Value> for serde_json::Value {
    fn from(v: &Value) -> serde_json::Value {
        match v {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Value::Number(n.clone()),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(a) => serde_json::Value::Array(a.iter().map(Into::into).collect()),
            Value::Object(m) => serde_json::Value::Object(
                m.iter()
                    .map(|(k, v)| (k.to_string(), serde_json::Value::from(v)))
                    .collect(),
            ),
        }
    }
}

impl From<Value> for serde_json::Value {
    fn from(v: Value) -> serde_json::Value {
        serde_json::Value::from(&v)
    }
}

impl PartialEq<serde_json::Value> for Value {
    fn eq(&self, other: &serde_json::Value) -> bool {
        match (self, other) {
            (Value::Null, serde_json::Value::Null) => true,
            (Value::Bool(a), serde_json::Value::Bool(b)) => a == b,
            (Value::Number(a), serde_json::Value::Number(b)) => a == b,
            (Value::String(a), serde_json::Value::String(b)) => a == b,
            (Value::Array(a), serde_json::Value::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
            }
            (Value::Object(a), serde_json::Value::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.get(k.as_str()).is_some_and(|w| v == w))
            }
            _ => false,
        }
    }
}

impl PartialEq<Value> for serde_json::Value {
    fn eq(&self, other: &Value) -> bool {
        other == self
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<String> for Value {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == Some(other.as_str())
    }
}

impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

macro_rules! eq_number {
    ($($t:ty => $as:ident as $w:ty),*) => {$(
        impl PartialEq<$t> for Value {
            fn eq(&self, other: &$t) -> bool {
                self.$as() == Some(<$w>::from(*other))
            }
        }
    )*};
}
eq_number!(i32 => as_i64 as i64, i64 => as_i64 as i64, u32 => as_u64 as u64, u64 => as_u64 as u64, f64 => as_f64 as f64);

impl std::str::FromStr for Value {
    type Err = serde_json::Error;
    /// Parses JSON text.
    #[inline]
    fn from_str(s: &str) -> Result<Value, serde_json::Error> {
        serde_json::from_str(s)
    }
}

/// Builds a [`Value`] from JSON syntax, as `serde_json::json!` does (interpolated
/// expressions must implement `Serialize`).
#[macro_export]
macro_rules! json {
    ($($json:tt)+) => {
        $crate::Value::from($crate::__private::serde_json::json!($($json)+))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_share_and_changes_copy_on_write() {
        let doc = json!({"meta": {"tags": ["a", "b", "c"]}, "n": 1});
        let tags = doc["meta"]["tags"].clone();
        let (Value::Array(a), Value::Array(b)) = (&tags, &doc["meta"]["tags"]) else {
            panic!("arrays expected")
        };
        assert!(Arc::ptr_eq(a, b), "a copy shares its subtree");
        let mut changed = tags.clone();
        changed.as_array_mut().unwrap().push(json!("d"));
        assert_eq!(tags, json!(["a", "b", "c"]), "the original is unchanged");
        assert_eq!(changed, json!(["a", "b", "c", "d"]));
    }

    #[test]
    fn converts_to_and_from_serde_json_in_order() {
        let s = serde_json::json!({"z": 1, "a": [true, null, 2.5, "long string beyond twenty-three bytes"]});
        let v = Value::from(&s);
        assert_eq!(v, s);
        assert_eq!(serde_json::Value::from(&v), s);
        assert_eq!(v.to_json_string(), s.to_string());
        assert_eq!(format!("{v:#}"), format!("{s:#}"));
        let parsed: Value = v.to_json_string().parse().unwrap();
        assert_eq!(parsed, v);
        assert_eq!(v.as_object().unwrap().keys().next().unwrap(), "z");
    }

    #[test]
    fn equality_by_value_asl_fn_06() {
        assert!(json!({"a": [1, {"b": 2}]}).eq_by_value(&json!({"a": [1.0, {"b": 2.0}]})));
        assert_ne!(json!(1), json!(1.0), "`==` compares representations");
        assert!(!json!([1]).eq_by_value(&json!([1, 1])));
    }

    #[test]
    fn typed_values_convert_both_ways() {
        #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
        enum Kind {
            Plain,
            Tagged { n: u8 },
        }
        #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
        struct Order {
            id: String,
            qty: u32,
            price: f64,
            note: Option<String>,
            tags: Vec<String>,
            kinds: Vec<Kind>,
            pair: (i64, bool),
            counts: std::collections::BTreeMap<u32, char>,
        }
        let o = Order {
            id: "A-1".into(),
            qty: 3,
            price: 9.5,
            note: None,
            tags: vec!["x".into()],
            kinds: vec![Kind::Plain, Kind::Tagged { n: 7 }],
            pair: (-1, true),
            counts: [(2, 'b'), (10, 'z')].into_iter().collect(),
        };
        let v = to_value(&o).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"id": "A-1", "qty": 3, "price": 9.5, "note": null, "tags": ["x"],
                "kinds": ["Plain", {"Tagged": {"n": 7}}], "pair": [-1, true],
                "counts": {"2": "b", "10": "z"}})
        );
        assert_eq!(to_value(&o).unwrap(), serde_json::to_value(&o).unwrap());
        assert_eq!(from_value::<Order>(v.clone()).unwrap(), o);
        let err = from_value::<Order>(json!({"id": 1})).unwrap_err();
        assert!(err.to_string().contains("invalid type"), "{err}");
    }

    #[test]
    fn json_pointer_rfc_6901() {
        let v = json!({"a/b": [10, {"~k": true}], "": 1});
        assert_eq!(v.pointer(""), Some(&v));
        assert_eq!(v.pointer("/a~1b/0"), Some(&json!(10)));
        assert_eq!(v.pointer("/a~1b/1/~0k"), Some(&json!(true)));
        assert_eq!(v.pointer("/"), Some(&json!(1)));
        assert_eq!(v.pointer("/a~1b/01"), None);
        assert_eq!(v.pointer("a"), None);
    }

    #[test]
    fn removal_keeps_member_order() {
        let mut v = json!({"a": 1, "b": 2, "c": 3});
        v.as_object_mut().unwrap().remove("a");
        assert_eq!(v.to_json_string(), r#"{"b":2,"c":3}"#);
    }
}
