//! The conformance cases of `testdata/conformance`, each compiled by `build.rs` through
//! `asl_codegen::Builder` into a machine of this crate, and what the runners share
//! ([`runner`]). The runners are `tests/conformance.rs` (the compiled machines) and
//! `tests/dynamic.rs` (the same definitions compiled at run time, against the compiled ones).

pub mod runner;

/// One recorded case.
#[derive(Debug)]
pub struct Case {
    /// The `*.case.json` file.
    pub file: &'static str,
    /// The machine's name (`C0001`): its definition is `DEFS_DIR/<name>.asl.json`.
    pub name: &'static str,
    /// The compiled machine, or the compiler's rejection (rendered diagnostics).
    pub compiled: Result<fn() -> &'static asl_runtime::machine::Machine, &'static str>,
}

/// Where `build.rs` wrote each case's definition (`<name>.asl.json`, pretty-printed JSON):
/// the text the compiler read, and the source name in its diagnostics.
pub const DEFS_DIR: &str = concat!(env!("OUT_DIR"), "/defs");

/// The generated machines (public, as `Builder` output is) and the table of cases.
#[doc(hidden)]
#[allow(clippy::all)]
pub mod cases {
    use super::Case;
    include!(concat!(env!("OUT_DIR"), "/cases.rs"));
}

pub use cases::CASES;
