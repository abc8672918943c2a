//! `asl!`: forwards to `asl_codegen::expand`.
use proc_macro::TokenStream;

/// Compiles an Amazon States Language definition into a Rust module.
#[proc_macro]
pub fn asl(input: TokenStream) -> TokenStream {
    asl_codegen::expand(input.into()).into()
}
