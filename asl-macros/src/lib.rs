//! `asl!`: a shim over [`asl_codegen::expand_with`]; all logic lives in the compiler library.

use proc_macro::TokenStream;

/// Compiles an Amazon States Language definition, checked while `cargo build` runs.
///
/// ```ignore
/// asl_runtime::asl! {
///     pub Hello = {
///         "StartAt": "Greet",
///         "States": { "Greet": { "Type": "Pass", "Result": "hello", "End": true } }
///     }
/// }
/// asl_runtime::asl!(pub Order = file "machines/order.asl.json");   // relative to this file
/// asl_runtime::asl!(pub Tiny = r#"{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#);
/// ```
///
/// `#[asl(express)]` before the name checks the machine as an Express workflow.
/// Every mistake is a compile error on the token at fault (or, for string and file forms, with
/// `--> file:line:col` and an excerpt).
#[proc_macro]
pub fn asl(input: TokenStream) -> TokenStream {
    let call_site = asl_codegen::CallSite {
        source_dir: proc_macro::Span::call_site()
            .local_file()
            .and_then(|f| f.parent().map(|d| d.to_path_buf()))
            .map(|d| {
                // `local_file` is relative to the directory rustc runs in (the workspace root
                // under Cargo); make it absolute so `include_str!` works from anywhere.
                if d.is_absolute() {
                    d
                } else {
                    std::env::current_dir().map(|c| c.join(&d)).unwrap_or(d)
                }
            }),
    };
    asl_codegen::expand_with(input.into(), &call_site).into()
}
