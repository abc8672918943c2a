//! Payload templates (ASL-PT-*) and literal JSON, as data that generated code can hold in a
//! `static`: every string is a `Cow<'static, str>`, every list a `Cow<'static, [_]>`.
//!
//! One type serves `Parameters`, `ResultSelector`, `ItemSelector`, `Assign`, `Arguments`,
//! `Output` and literal JSON such as a Pass state's `Result`: a literal subtree is just a
//! template without dynamic leaves.

use crate::intrinsic::Call;
use crate::path::Path;
use std::borrow::Cow;

/// A string of a template.
pub type Str = Cow<'static, str>;

/// A payload template or literal JSON value (ASL-PT): JSON with dynamic leaves.
#[derive(Clone, Debug, PartialEq)]
pub enum Template {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(Num),
    /// A literal string (never evaluated, even if it looks like a path, ASL-PT-04).
    String(Str),
    /// An array, in order.
    Array(Cow<'static, [Template]>),
    /// Fields in source order; keys already stripped of their `.$` suffix.
    Object(Cow<'static, [Field]>),
    /// `"key.$": "$.path"` (also `$$.ctx` and `$var`).
    Path(Path),
    /// `"key.$": "States.Format(...)"`.
    Call(Call),
    /// A JSONata `{% … %}` string in a JSONata state, parsed.
    Jsonata(crate::jsonata::Parsed),
}

/// One field of a template object.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The key, without its `.$` suffix.
    pub key: Str,
    /// The value.
    pub value: Template,
}

/// A JSON number as written: integers stay integers (`3` and `3.0` print differently).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    /// A non-negative integer.
    PosInt(u64),
    /// A negative integer.
    NegInt(i64),
    /// Any other number (a fraction, an exponent, or an integer too large for 64 bits).
    Float(f64),
}

impl Num {
    /// The number as written in `n`.
    pub fn from_json(n: &serde_json::Number) -> Num {
        if let Some(u) = n.as_u64() {
            Num::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            Num::NegInt(i)
        } else {
            Num::Float(n.as_f64().unwrap_or(0.0))
        }
    }

    /// The number back as JSON.
    pub fn to_json(self) -> serde_json::Number {
        match self {
            Num::PosInt(u) => u.into(),
            Num::NegInt(i) => i.into(),
            // Non-finite floats cannot be written in JSON, so they never reach here.
            Num::Float(f) => serde_json::Number::from_f64(f).unwrap_or_else(|| 0.into()),
        }
    }

    /// The number as an `f64` (large integers lose precision).
    pub fn as_f64(self) -> f64 {
        match self {
            Num::PosInt(u) => u as f64,
            Num::NegInt(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

impl Template {
    /// Whether the template has no dynamic leaf (so it evaluates to a constant).
    pub fn is_static(&self) -> bool {
        match self {
            Template::Path(_) | Template::Call(_) | Template::Jsonata(_) => false,
            Template::Array(items) => items.iter().all(Template::is_static),
            Template::Object(fields) => fields.iter().all(|f| f.value.is_static()),
            _ => true,
        }
    }

    /// The constant value of a static template (dynamic leaves become `null`).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Template::Null | Template::Path(_) | Template::Call(_) | Template::Jsonata(_) => {
                Value::Null
            }
            Template::Bool(b) => Value::Bool(*b),
            Template::Number(n) => Value::Number(n.to_json()),
            Template::String(s) => Value::String(s.to_string()),
            Template::Array(items) => Value::Array(items.iter().map(Template::to_json).collect()),
            Template::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|f| (f.key.to_string(), f.value.to_json()))
                    .collect(),
            ),
        }
    }

    /// Builds a literal template from spanned JSON, evaluating nothing (`.$` keys are kept as
    /// written, as AWS does for a Pass state's `Result`, ASL-PT-07).
    pub fn literal(v: &crate::json::Value) -> Template {
        use crate::json::Kind;
        match &v.kind {
            Kind::Null => Template::Null,
            Kind::Bool(b) => Template::Bool(*b),
            Kind::Number(n) => Template::Number(Num::from_json(n)),
            Kind::String(s) => Template::String(Cow::Owned(s.clone())),
            Kind::Array(a) => Template::Array(a.iter().map(Template::literal).collect()),
            Kind::Object(m) => Template::Object(
                m.iter()
                    .map(|m| Field {
                        key: Cow::Owned(m.key.clone()),
                        value: Template::literal(&m.value),
                    })
                    .collect(),
            ),
        }
    }

    /// Calls `f` on every path and intrinsic call inside, depth first.
    pub fn visit_dynamic(&self, f: &mut dyn FnMut(&Template)) {
        match self {
            Template::Array(items) => items.iter().for_each(|t| t.visit_dynamic(f)),
            Template::Object(fields) => fields.iter().for_each(|t| t.value.visit_dynamic(f)),
            Template::Path(_) | Template::Call(_) | Template::Jsonata(_) => f(self),
            _ => {}
        }
    }
}
