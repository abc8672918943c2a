//! The Amazon States Language front end, free of `syn` so it can be fuzzed and reused by the
//! runtime: a spanned JSON reader, the typed AST of every ASL construct, parsers for JSONPath
//! paths, intrinsic function calls and JSONata expressions, and every static rule AWS enforces
//! (plus some it does not), reported as [`diag::Diagnostic`]s.
//!
//! ```ignore
//! let src = asl_syntax::source::Source::new("m.asl.json", r#"{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#);
//! let checked = asl_syntax::compile_source(&src, &Default::default());
//! assert!(!checked.diagnostics.has_errors());
//! ```ignore

pub mod diag;
pub mod intrinsic;
pub mod json;
pub mod jsonata;
pub mod path;
pub mod source;
pub mod span;
