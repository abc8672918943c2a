//! The build-script front door, shaped like prost-build: configure, then `compile()`.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     asl_codegen::Builder::new().dir("machines").compile()?;
//!     Ok(())
//! }
//! // src/lib.rs:  include!(concat!(env!("OUT_DIR"), "/machines.rs"));
//! ```

use crate::{Compiled, emit};
use asl_syntax::CheckOptions;
use asl_syntax::ast::MachineType;
use asl_syntax::source::Source;
use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::fmt;
use std::path::{Path, PathBuf};

/// Compiles `.asl.json` files into one Rust file in `OUT_DIR`.
#[derive(Clone, Debug, Default)]
pub struct Builder {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    out_file: Option<String>,
    express: Vec<String>,
    methods: Vec<(String, String, String)>,
    emit_cargo: bool,
}

/// What went wrong: every diagnostic of every file, rendered rustc-style.
#[derive(Debug)]
pub struct BuildError {
    /// Every diagnostic, rendered rustc-style (no color), or the I/O error text.
    pub rendered: String,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rendered)
    }
}

impl std::error::Error for BuildError {}

/// Compiles every `*.asl.json` file in `dir` into `$OUT_DIR/machines.rs`.
pub fn compile_dir(dir: impl AsRef<Path>) -> Result<PathBuf, BuildError> {
    Builder::new().dir(dir).compile()
}

impl Builder {
    /// A builder with no inputs, writing `$OUT_DIR/machines.rs` and printing
    /// `cargo:rerun-if-changed` lines.
    pub fn new() -> Self {
        Builder {
            emit_cargo: true,
            ..Default::default()
        }
    }

    /// Adds one definition file. The machine is named after the file (`order-flow.asl.json`
    /// → `OrderFlow`).
    pub fn file(mut self, path: impl AsRef<Path>) -> Self {
        self.files.push(path.as_ref().to_path_buf());
        self
    }

    /// Adds every `*.asl.json` file of a directory (not recursive), in name order.
    pub fn dir(mut self, path: impl AsRef<Path>) -> Self {
        self.dirs.push(path.as_ref().to_path_buf());
        self
    }

    /// Checks the named machine as an Express workflow (ASL-VAL-25).
    pub fn express(mut self, machine: impl Into<String>) -> Self {
        self.express.push(machine.into());
        self
    }

    /// Names the handler method of Task state `state` of machine `machine` (its Rust name,
    /// e.g. `OrderFlow` for `order-flow.asl.json`): by default a state's method is its name in
    /// snake case, and a state whose name gives a method another Task state already has gets
    /// a numbered one (`describe_db_instances_2`) with a warning.
    pub fn method(
        mut self,
        machine: impl Into<String>,
        state: impl Into<String>,
        method: impl Into<String>,
    ) -> Self {
        self.methods
            .push((machine.into(), state.into(), method.into()));
        self
    }

    /// Where to write (default: `$OUT_DIR`).
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// The output file name (default `machines.rs`).
    pub fn out_file(mut self, name: impl Into<String>) -> Self {
        self.out_file = Some(name.into());
        self
    }

    /// Whether to print `cargo:rerun-if-changed` lines (default on; off outside build scripts).
    pub fn emit_rerun_if_changed(mut self, on: bool) -> Self {
        self.emit_cargo = on;
        self
    }

    fn inputs(&self) -> Result<Vec<PathBuf>, BuildError> {
        let mut out = self.files.clone();
        for d in &self.dirs {
            if self.emit_cargo {
                println!("cargo:rerun-if-changed={}", d.display());
            }
            let rd = std::fs::read_dir(d).map_err(|e| BuildError {
                rendered: format!("cannot read directory {}: {e}", d.display()),
            })?;
            let mut found: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with(".asl.json"))
                .collect();
            found.sort();
            out.extend(found);
        }
        Ok(out)
    }

    /// Generates the Rust code for every input (all errors of all files are reported).
    pub fn generate(&self) -> Result<String, BuildError> {
        let mut tokens = TokenStream::new();
        let mut rendered = String::new();
        let mut names: Vec<String> = Vec::new();
        for path in self.inputs()? {
            if self.emit_cargo {
                println!("cargo:rerun-if-changed={}", path.display());
            }
            let text = std::fs::read_to_string(&path).map_err(|e| BuildError {
                rendered: format!("cannot read {}: {e}", path.display()),
            })?;
            let name = machine_name(&path);
            if names.contains(&name) {
                rendered.push_str(&format!(
                    "error: two definitions are both named `{name}` ({})\n",
                    path.display()
                ));
                continue;
            }
            names.push(name.clone());
            let mut opts = CheckOptions::default();
            if self.express.contains(&name) {
                opts.machine_type = MachineType::Express;
            }
            opts.methods = self
                .methods
                .iter()
                .filter(|(m, _, _)| *m == name)
                .map(|(_, state, method)| (state.clone(), method.clone()))
                .collect();
            let src = Source::new(path.display().to_string(), text);
            let compiled = Compiled::from_source(name.clone(), &src, &opts);
            if compiled.has_errors() {
                rendered.push_str(&crate::render(&src, &compiled.diagnostics));
                continue;
            }
            let ident = format_ident!("{}", name);
            let vis: syn::Visibility = syn::parse_quote!(pub);
            tokens.extend(emit::machine(&compiled, &vis, &ident, &[]));
        }
        if !rendered.is_empty() {
            return Err(BuildError { rendered });
        }
        format_file(tokens)
    }

    /// Generates and writes the output file (only when its bytes change, so Cargo does not
    /// rebuild for nothing). Returns its path.
    pub fn compile(&self) -> Result<PathBuf, BuildError> {
        let code = self.generate()?;
        let dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| BuildError {
                    rendered: "OUT_DIR is not set: call Builder::out_dir outside build scripts"
                        .into(),
                })?,
        };
        let out = dir.join(self.out_file.as_deref().unwrap_or("machines.rs"));
        if std::fs::read_to_string(&out).ok().as_deref() != Some(code.as_str()) {
            std::fs::write(&out, code).map_err(|e| BuildError {
                rendered: format!("cannot write {}: {e}", out.display()),
            })?;
        }
        Ok(out)
    }
}

/// Formats generated items as a file with the `@generated` header.
fn format_file(tokens: TokenStream) -> Result<String, BuildError> {
    let file: syn::File = syn::parse2(quote! { #tokens }).map_err(|e| BuildError {
        rendered: format!("internal error: generated code does not parse: {e}"),
    })?;
    Ok(format!(
        "// @generated by asl-codegen. Do not edit.\n\n{}",
        prettyplease::unparse(&file)
    ))
}

/// The Rust code for one definition held in memory (what `asl expand` prints): the machine
/// `name`, public, formatted. On errors, the diagnostics rendered rustc-style.
pub fn generate_source(
    name: &str,
    src: &Source,
    opts: &CheckOptions,
) -> Result<String, BuildError> {
    let compiled = Compiled::from_source(name.to_string(), src, opts);
    if compiled.has_errors() {
        return Err(BuildError {
            rendered: crate::render(src, &compiled.diagnostics),
        });
    }
    let ident = syn::parse_str::<syn::Ident>(name).map_err(|_| BuildError {
        rendered: format!("error: `{name}` is not a Rust identifier"),
    })?;
    let vis: syn::Visibility = syn::parse_quote!(pub);
    format_file(emit::machine(&compiled, &vis, &ident, &[]))
}

/// The machine name for a definition file: `order-flow.asl.json` → `OrderFlow`.
pub fn machine_name(path: &Path) -> String {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = file
        .strip_suffix(".asl.json")
        .or_else(|| file.strip_suffix(".json"))
        .unwrap_or(&file);
    let n = stem.to_upper_camel_case();
    if n.is_empty() || n.starts_with(|c: char| c.is_ascii_digit()) {
        format!("M{n}")
    } else {
        n
    }
}
