//! The Amazon States Language front end, free of `syn` so it can be fuzzed and reused by the
//! runtime: a spanned JSON reader, the typed AST of every ASL construct, parsers for JSONPath
//! paths, intrinsic function calls and JSONata expressions, and every static rule AWS enforces
//! (plus some it does not), reported as [`diag::Diagnostic`]s.
//!
//! ```
//! let src = asl_syntax::source::Source::new("m.asl.json", r#"{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#);
//! let checked = asl_syntax::compile_source(&src, &Default::default());
//! assert!(!checked.diagnostics.has_errors());
//! ```

#![warn(missing_docs)]

pub mod ast;
pub mod check;
pub mod diag;
pub mod graph;
pub mod ident;
pub mod intrinsic;
pub mod json;
pub mod jsonata;
pub mod jsonata_check;
pub mod layout;
pub mod parse;
pub mod path;
pub mod regex;
pub mod render;
pub mod source;
pub mod span;
pub mod template;
pub mod timestamp;

/// Test-only access to the repository's `testdata/`.
#[cfg(test)]
pub(crate) mod testdata {
    use std::path::{Path, PathBuf};

    /// `testdata/` at the repository root, or `ASL_TESTDATA_DIR`. Panics, saying how to get
    /// the data, when it is missing: a test without its data must fail, not pass.
    pub fn dir() -> PathBuf {
        let d = std::env::var_os("ASL_TESTDATA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata"));
        assert!(
            d.join("conformance/cases").is_dir(),
            "test data missing at {}: run the tests from a clone of the repository (it carries \
             testdata/), or set ASL_TESTDATA_DIR to a copy",
            d.display()
        );
        d
    }

    /// Every `*.json` file of `testdata/<sub>`, sorted; panics when the folder is missing.
    pub fn json_files(sub: &str) -> Vec<PathBuf> {
        let d = dir().join(sub);
        let mut v: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        v.sort();
        v
    }
}

use ast::{Machine, MachineType};
use diag::Diagnostics;

/// What the front end produces: the AST (when the definition could be read at all) and every
/// diagnostic, errors and warnings, sorted by position.
#[derive(Debug)]
pub struct Checked {
    /// The AST, or `None` when the definition is empty, not JSON, or not an object.
    pub machine: Option<Machine>,
    /// Every diagnostic, errors and warnings, sorted by position.
    pub diagnostics: Diagnostics,
}

impl Checked {
    /// The machine, if there are no errors.
    pub fn ok(&self) -> Option<&Machine> {
        if self.diagnostics.has_errors() {
            None
        } else {
            self.machine.as_ref()
        }
    }
}

/// Front-end options.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Standard (default) or Express: Express forbids `.sync`, `.waitForTaskToken`,
    /// activities and Distributed Map (ASL-VAL-25).
    pub machine_type: MachineType,
    /// Handler method names chosen by the user, as `(state name, method name)` pairs; other
    /// Task states get [`ident::method_name`] of their name.
    pub methods: Vec<(String, String)>,
}

/// Parses and checks an already-read definition.
pub fn compile_value(
    value: &json::Value,
    opts: &CheckOptions,
    mut diagnostics: Diagnostics,
) -> Checked {
    let machine = parse::parse_machine(value, &mut diagnostics);
    if let Some(m) = &machine {
        check::check_machine(m, opts, &mut diagnostics);
    }
    diagnostics.sort();
    Checked {
        machine,
        diagnostics,
    }
}

/// Reads, parses and checks definition text.
pub fn compile_source(src: &source::Source, opts: &CheckOptions) -> Checked {
    let mut diagnostics = Diagnostics::default();
    if src.text.trim().is_empty() {
        diagnostics.push(diag::Diagnostic::error(
            diag::Code::MissingDescription,
            "the definition is empty",
            span::Span::DUMMY,
        ));
        return Checked {
            machine: None,
            diagnostics,
        };
    }
    match json::parse_text(&src.text, &mut diagnostics) {
        Some(v) => compile_value(&v, opts, diagnostics),
        None => Checked {
            machine: None,
            diagnostics,
        },
    }
}
