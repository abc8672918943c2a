//! The asl compiler: Amazon States Language definitions to Rust.
//!
//! One pipeline (read → parse → check → emit) behind three front doors: the `asl!` macro
//! ([`expand`]), build scripts ([`Builder`]) and the `asl` CLI. The front end lives in
//! [`asl_syntax`]; this crate turns its checked AST into tokens.

#![warn(missing_docs)]

mod builder;
mod emit;
mod expand;
mod lower;
mod lower_jsonata;
pub mod read;
mod statics;

pub use builder::{BuildError, Builder, compile_dir, generate_source, machine_name};
pub use expand::{CallSite, expand_with};

use asl_syntax::Checked;
use asl_syntax::ast::Machine;
use asl_syntax::diag::{Diagnostic, Diagnostics};
use asl_syntax::source::Source;
use proc_macro2::TokenStream;

/// Expands the input of `asl!` (resolving `file "…"` against the manifest directory).
pub fn expand(input: TokenStream) -> TokenStream {
    expand_with(input, &CallSite::default())
}

/// A machine after the front end.
pub struct Compiled {
    /// The Rust name of the machine (`OrderFlow`).
    pub name: String,
    /// The parsed AST, or `None` when the definition could not be parsed into one.
    pub machine: Option<Machine>,
    /// Every diagnostic of the front end, errors and warnings.
    pub diagnostics: Diagnostics,
    /// Handler method names chosen by the user (`(state, method)`).
    pub methods: Vec<(String, String)>,
    /// The definition as compact JSON.
    pub definition_json: String,
    /// Compiled as an Express machine.
    pub express: bool,
}

impl Compiled {
    fn from_checked(
        name: String,
        checked: Checked,
        definition_json: String,
        opts: &asl_syntax::CheckOptions,
    ) -> Self {
        Compiled {
            name,
            machine: checked.machine,
            diagnostics: checked.diagnostics,
            methods: opts.methods.clone(),
            definition_json,
            express: opts.machine_type == asl_syntax::ast::MachineType::Express,
        }
    }

    /// Reads, parses and checks definition text.
    pub fn from_source(name: String, src: &Source, opts: &asl_syntax::CheckOptions) -> Self {
        let checked = asl_syntax::compile_source(src, opts);
        let json = asl_syntax::layout::compact_json(&src.text);
        Compiled::from_checked(name, checked, json, opts)
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }
}

/// One diagnostic for a `compile_error!` message: `CODE: message at /pointer`, then
/// `--> file:line:col` and an excerpt (rustc adds the leading `error: `).
pub fn render_for_macro(src: &Source, d: &Diagnostic) -> String {
    let full = asl_syntax::render::render_diagnostic(src, d, false);
    let rest = full.split_once('\n').map_or("", |(_, r)| r);
    format!("{d}\n{}", rest.trim_end())
}

/// Diagnostics as rustc-style text (no color).
pub fn render(src: &Source, diags: &Diagnostics) -> String {
    asl_syntax::render::render(src, diags, false)
}
