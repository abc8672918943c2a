//! The conformance cases of `testdata/conformance`, each compiled by `build.rs` through
//! `asl_codegen::Builder` into a machine of this crate. The runner is `tests/conformance.rs`.

#![allow(clippy::all)]

/// One recorded case.
#[derive(Debug)]
pub struct Case {
    /// The `*.case.json` file.
    pub file: &'static str,
    /// The compiled machine, or the compiler's rejection (rendered diagnostics).
    pub compiled: Result<fn() -> &'static asl_runtime::machine::Machine, &'static str>,
}

include!(concat!(env!("OUT_DIR"), "/cases.rs"));
