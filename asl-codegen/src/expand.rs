//! The `asl!` macro's front door: `[attrs] [vis] Name = <definition>` where the definition is
//! JSON written as tokens, a string literal, or `file "path"`.

use crate::read::{TokenSource, read_tokens};
use crate::{Compiled, emit};
use asl_syntax::ast::MachineType;
use asl_syntax::diag::Diagnostics;
use asl_syntax::source::Source;
use asl_syntax::{CheckOptions, compile_value};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use std::path::{Path, PathBuf};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Ident, LitStr, Token, Visibility};

/// Where the invoking source file lives, to resolve `file "…"` (the proc macro passes it; the
/// manifest directory is the fallback).
#[derive(Clone, Debug, Default)]
pub struct CallSite {
    /// The directory of the file invoking `asl!`; `None` falls back to `CARGO_MANIFEST_DIR`.
    pub source_dir: Option<PathBuf>,
}

struct MacroInput {
    attrs: Vec<Attribute>,
    vis: Visibility,
    name: Ident,
    body: Body,
}

enum Body {
    Tokens(proc_macro2::Group),
    Str(LitStr),
    File(Ident, LitStr),
}

impl Parse for MacroInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let name: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        let body = if input.peek(LitStr) {
            Body::Str(input.parse()?)
        } else if input.peek(Ident) {
            let kw: Ident = input.parse()?;
            if kw != "file" {
                return Err(syn::Error::new(
                    kw.span(),
                    "expected `{ … }`, a string literal, or `file \"path\"`",
                ));
            }
            Body::File(kw, input.parse()?)
        } else {
            match input.parse::<TokenTree>()? {
                TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => Body::Tokens(g),
                other => {
                    return Err(syn::Error::new(
                        other.span(),
                        "expected the definition: `{ … }` JSON, a string literal, or `file \"path\"`",
                    ));
                }
            }
        };
        if !input.is_empty() {
            input.parse::<Option<Token![;]>>()?;
        }
        if !input.is_empty() {
            return Err(
                input.error("unexpected tokens after the definition; write one machine per `asl!`")
            );
        }
        Ok(MacroInput {
            attrs,
            vis,
            name,
            body,
        })
    }
}

/// Options given as `#[asl(express)]`, `#[asl(standard)]` and
/// `#[asl(methods("State name" = method_name, …))]` on the machine.
fn options(attrs: &[Attribute]) -> syn::Result<(CheckOptions, Vec<&Attribute>)> {
    let mut opts = CheckOptions::default();
    let mut rest = Vec::new();
    for a in attrs {
        if a.path().is_ident("asl") {
            a.parse_nested_meta(|m| {
                if m.path.is_ident("express") {
                    opts.machine_type = MachineType::Express;
                    Ok(())
                } else if m.path.is_ident("standard") {
                    opts.machine_type = MachineType::Standard;
                    Ok(())
                } else if m.path.is_ident("methods") {
                    // `methods("State name" = method_name, …)`: handler method names.
                    let content;
                    syn::parenthesized!(content in m.input);
                    while !content.is_empty() {
                        let state: syn::LitStr = content.parse()?;
                        content.parse::<syn::Token![=]>()?;
                        let method: syn::Ident = syn::ext::IdentExt::parse_any(&content)?;
                        opts.methods.push((state.value(), method.to_string()));
                        if content.is_empty() {
                            break;
                        }
                        content.parse::<syn::Token![,]>()?;
                    }
                    Ok(())
                } else {
                    Err(m.error("unknown option: expected `express`, `standard` or `methods(\"State\" = name, …)`"))
                }
            })?;
        } else {
            rest.push(a);
        }
    }
    Ok((opts, rest))
}

/// Expands `asl!`. Never panics: every problem becomes a `compile_error!` at its token.
pub fn expand_with(input: TokenStream, call_site: &CallSite) -> TokenStream {
    let input: MacroInput = match syn::parse2(input) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let (opts, attrs) = match options(&input.attrs) {
        Ok(o) => o,
        Err(e) => return e.to_compile_error(),
    };
    let name = &input.name;
    let (compiled, errors, tracked) = match &input.body {
        Body::Tokens(g) => {
            let mut diags = Diagnostics::default();
            let mut src = TokenSource::default();
            let whole = TokenStream::from(TokenTree::Group(g.clone()));
            let value = read_tokens(whole, g.span(), &mut src, &mut diags);
            let json = value
                .as_ref()
                .map(|v| v.to_json().to_string())
                .unwrap_or_default();
            let checked = match value {
                Some(v) => compile_value(&v, &opts, diags),
                None => asl_syntax::Checked {
                    machine: None,
                    diagnostics: diags,
                },
            };
            let compiled = Compiled::from_checked(name.to_string(), checked, json, &opts);
            let errors = token_errors(&compiled.diagnostics, &src);
            (compiled, errors, None)
        }
        Body::Str(lit) => {
            let src = Source::new("<string literal>", lit.value());
            let compiled = Compiled::from_source(name.to_string(), &src, &opts);
            let errors = text_errors(&compiled.diagnostics, &src, lit.span());
            (compiled, errors, None)
        }
        Body::File(kw, lit) => {
            let rel = lit.value();
            let path = resolve(&rel, call_site);
            match std::fs::read_to_string(&path) {
                Err(e) => {
                    let msg = format!("cannot read `{}`: {e}", path.display());
                    let span = kw.span().join(lit.span()).unwrap_or(lit.span());
                    return quote_spanned! {span=> ::core::compile_error!(#msg); };
                }
                Ok(text) => {
                    let src = Source::new(path.display().to_string(), text);
                    let compiled = Compiled::from_source(name.to_string(), &src, &opts);
                    let errors = text_errors(&compiled.diagnostics, &src, lit.span());
                    (compiled, errors, Some(path))
                }
            }
        }
    };
    let body = emit::machine(&compiled, &input.vis, name, &attrs);
    // Cargo rebuilds the crate when a file read by `include_str!` changes.
    let track = tracked.map(|p| {
        let p = p.display().to_string();
        quote! { const _: &str = ::core::include_str!(#p); }
    });
    quote! {
        #errors
        #track
        #body
    }
}

fn resolve(rel: &str, call_site: &CallSite) -> PathBuf {
    let p = Path::new(rel);
    if p.is_absolute() {
        return p.to_path_buf();
    }
    if let Some(dir) = &call_site.source_dir {
        return dir.join(p);
    }
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    manifest.join(p)
}

/// A warning at `span`: the use of a `#[deprecated]` item, the one way a stable proc macro can
/// make rustc warn at a token (so `#![deny(deprecated)]` turns asl's warnings into errors).
fn warning_at(span: proc_macro2::Span, note: &str) -> TokenStream {
    let usage = quote_spanned! {span=> asl_warning };
    quote! {
        const _: () = {
            #[deprecated(note = #note)]
            #[allow(non_camel_case_types)]
            struct asl_warning;
            let _ = #usage;
        };
    }
}

/// One `compile_error!` per error, spanned on the offending token, and one warning per
/// warning ([`warning_at`]).
fn token_errors(diags: &Diagnostics, src: &TokenSource) -> TokenStream {
    diags
        .iter()
        .map(|d| {
            let span = src.span(d.span);
            if !d.is_error() {
                return warning_at(span, &d.to_string());
            }
            let mut msg = d.to_string();
            if let Some(h) = &d.help {
                msg.push_str(&format!("\nhelp: {h}"));
            }
            for (_, note) in &d.notes {
                msg.push_str(&format!("\nnote: {note}"));
            }
            quote_spanned! {span=> ::core::compile_error!(#msg); }
        })
        .collect()
}

/// Errors and warnings of a string or file definition, at the literal: the message carries
/// `--> file:line:col` and an excerpt, since a proc macro on stable cannot point inside a
/// literal or another file.
fn text_errors(diags: &Diagnostics, src: &Source, span: proc_macro2::Span) -> TokenStream {
    diags
        .iter()
        .map(|d| {
            let msg = crate::render_for_macro(src, d);
            if d.is_error() {
                quote_spanned! {span=> ::core::compile_error!(#msg); }
            } else {
                warning_at(span, &msg)
            }
        })
        .collect()
}
