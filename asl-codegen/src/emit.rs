//! Tokens for one compiled machine.
//!
//! This milestone emits the machine's public surface (its type, the checked definition and
//! its state names); the step function, handler trait and descriptors come with the code
//! generator (see ARCHITECTURE.md).

use crate::Compiled;
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, Ident, Visibility};

pub fn machine(c: &Compiled, vis: &Visibility, name: &Ident, attrs: &[&Attribute]) -> TokenStream {
    let definition = &c.definition_json;
    let states = c
        .machine
        .as_ref()
        .map(|m| {
            m.all_states()
                .into_iter()
                .map(|s| s.name.value.clone())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let doc = format!(" The state machine `{name}`, checked at compile time.");
    quote! {
        #[doc = #doc]
        #(#attrs)*
        #[derive(Clone, Copy, Debug, Default)]
        #vis struct #name;

        impl #name {
            /// The definition as compiled (compact JSON, key order kept).
            pub const DEFINITION: &'static str = #definition;
            /// Every state name, nested states included, depth first in source order.
            pub const STATES: &'static [&'static str] = &[#(#states),*];
        }
    }
}
