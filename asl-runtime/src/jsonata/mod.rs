//! JSONata evaluation (ASL-JA-*): the runtime side of the expressions the front end parses at
//! build time ([`asl_syntax::jsonata`]).
//!
//! Work in progress (issue "JSONata and variables"): the standard library's formatting
//! functions ([`format`](mod@format)) and date/time functions ([`datetime`]) come first, as plain
//! functions with JSONata 2.0.6's semantics and error codes, each checked against every case
//! of the reference suite that calls it with literal arguments; the evaluator over the syntax
//! trees follows and calls them. Still to settle when it does: one error code for the inputs
//! on which jsonata-js itself crashes (`format` says `RangeError`, `datetime` maps it to
//! `D3137`). `datetime` formats and parses its integer components with `format`'s picture
//! machinery.

pub mod datetime;
mod direct;
mod eval;
pub mod format;
mod func;
mod functions;
#[doc(hidden)]
pub mod lowered;
mod value;

pub use eval::{Globals, Limits};

use std::fmt;

use asl_syntax::jsonata::Expr;

use crate::value::Value;

/// What an expression evaluated to.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// A JSON value.
    Value(Value),
    /// Nothing (JSONata's *undefined*, an empty sequence).
    Undefined,
    /// A function, which JSON cannot hold (ASL-JA-11: "unsupported result type").
    Function,
}

/// Evaluates a parsed expression against `input` (`None`: no input, as jsonata-js's
/// `evaluate(undefined)`), with `globals` bound (`$states`, workflow variables) and the
/// evaluation's clock `now_millis` (for `$now()` and `$millis()`, milliseconds since the epoch).
pub fn evaluate(
    expr: &Expr,
    input: Option<&Value>,
    globals: Globals<'_>,
    limits: Limits,
    now_millis: f64,
) -> Result<Outcome, Error> {
    evaluate_with_draws(expr, input, globals, limits, now_millis, None)
}

/// [`evaluate`] with `$random()`, `$shuffle` and `$uuid()` drawing from `draws` (a durable
/// state visit's recorded sequence, so a replay evaluates to the same values).
pub fn evaluate_with_draws(
    expr: &Expr,
    input: Option<&Value>,
    globals: Globals<'_>,
    limits: Limits,
    now_millis: f64,
    draws: Option<&crate::intrinsics::Draws>,
) -> Result<Outcome, Error> {
    // The plain shapes need none of the evaluator's machinery (`direct.rs`).
    if let Some(v) = direct::eval(expr, input, globals, limits.max_bytes) {
        return Ok(Outcome::Value(v));
    }
    evaluate_in_full(expr, input, globals, limits, now_millis, draws)
}

/// [`evaluate_with_draws`] without the shortcut for plain expressions: every node through the
/// evaluator. For the tests that hold the shortcut to the evaluator's answers.
#[doc(hidden)]
pub fn evaluate_in_full(
    expr: &Expr,
    input: Option<&Value>,
    globals: Globals<'_>,
    limits: Limits,
    now_millis: f64,
    draws: Option<&crate::intrinsics::Draws>,
) -> Result<Outcome, Error> {
    let mut ev = eval::Eval::new(globals, limits, now_millis, draws);
    let input = input
        .cloned()
        .map_or(value::JValue::Undefined, value::JValue::Json);
    let result = ev.run(expr, input)?;
    Ok(match result {
        value::JValue::Undefined => Outcome::Undefined,
        v if v.holds_function() => Outcome::Function,
        v => match v.to_json() {
            Some(v) => Outcome::Value(v),
            None => Outcome::Undefined,
        },
    })
}

/// A JSONata evaluation error: the reference implementation's code (`D3030`, `T0410`, …)
/// and its message, with the values filled in as jsonata-js fills them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// jsonata-js's error code.
    pub code: &'static str,
    /// jsonata-js's message for the code.
    pub message: String,
    /// Byte offset in the expression of the token at fault, where known.
    pub position: Option<usize>,
    /// The token at fault (an operator, a function's name), where known.
    pub token: Option<String>,
}

impl Error {
    /// An error with `code` and `message`.
    pub fn new(code: &'static str, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
            position: None,
            token: None,
        }
    }

    /// `D1001`: a number that is not finite.
    pub(crate) fn d1001(x: f64) -> Error {
        Error::new(
            "D1001",
            format!("Number out of range: {}", format::js_number_to_string(x)),
        )
    }

    /// Sets the token at fault unless one is set.
    pub(crate) fn with_token(mut self, token: &str) -> Error {
        if self.token.is_none() && !token.is_empty() {
            self.token = Some(token.to_owned());
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}
