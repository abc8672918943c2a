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
pub mod format;

use std::fmt;

/// A JSONata evaluation error: the reference implementation's code (`D3030`, `T0410`, …)
/// and its message, with the values filled in as jsonata-js fills them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// jsonata-js's error code.
    pub code: &'static str,
    /// jsonata-js's message for the code.
    pub message: String,
}

impl Error {
    /// An error with `code` and `message`.
    pub fn new(code: &'static str, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}
