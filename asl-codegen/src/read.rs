//! Rust tokens → spanned JSON, so `asl! { … }` can underline the exact token at fault.
//!
//! Every JSON value read from tokens gets a [`Span`] whose `lo` indexes a table of
//! `proc_macro2::Span`s kept in [`TokenSource`].

use asl_syntax::diag::{Code, Diagnostic, Diagnostics};
use asl_syntax::json::{self, Kind, MAX_DEPTH, Member, Value};
use asl_syntax::span::Span;
use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use std::iter::Peekable;

/// The token spans behind the `Span`s of a definition written as tokens.
#[derive(Default)]
pub struct TokenSource {
    /// One `proc_macro2::Span` per token read, indexed by a [`Span`]'s `lo`; index 0 is the whole
    /// definition.
    pub spans: Vec<proc_macro2::Span>,
}

impl TokenSource {
    fn add(&mut self, s: proc_macro2::Span) -> Span {
        let i = self.spans.len() as u32;
        self.spans.push(s);
        Span::new(i, i + 1)
    }

    /// The token a [`Span`] points at (the call site for a dummy span).
    pub fn span(&self, s: Span) -> proc_macro2::Span {
        if s.is_dummy() && self.spans.is_empty() {
            return proc_macro2::Span::call_site();
        }
        self.spans
            .get(s.lo as usize)
            .copied()
            .unwrap_or_else(proc_macro2::Span::call_site)
    }
}

/// Reads one JSON value from `tokens` (the whole stream must be that one value).
pub fn read_tokens(
    tokens: TokenStream,
    whole: proc_macro2::Span,
    src: &mut TokenSource,
    diags: &mut Diagnostics,
) -> Option<Value> {
    // Span 0 is reserved for "the whole definition" so that DUMMY diagnostics land somewhere.
    src.add(whole);
    let mut it = tokens.into_iter().peekable();
    let v = value(&mut it, src, diags, 0)?;
    if let Some(extra) = it.next() {
        let s = src.add(extra.span());
        diags.push(Diagnostic::error(
            Code::InvalidJsonDescription,
            "unexpected tokens after the JSON value",
            s,
        ));
        return None;
    }
    Some(v)
}

type Tokens = Peekable<proc_macro2::token_stream::IntoIter>;

fn err(
    src: &mut TokenSource,
    diags: &mut Diagnostics,
    at: proc_macro2::Span,
    msg: impl Into<String>,
) {
    let s = src.add(at);
    diags.push(Diagnostic::error(Code::InvalidJsonDescription, msg, s));
}

fn value(
    it: &mut Tokens,
    src: &mut TokenSource,
    diags: &mut Diagnostics,
    depth: usize,
) -> Option<Value> {
    let Some(tt) = it.next() else {
        err(
            src,
            diags,
            proc_macro2::Span::call_site(),
            "expected a JSON value",
        );
        return None;
    };
    if depth > MAX_DEPTH {
        let s = src.add(tt.span());
        diags.push(Diagnostic::error(
            Code::TooDeeplyNested,
            format!("the definition nests arrays and objects more than {MAX_DEPTH} levels deep"),
            s,
        ));
        return None;
    }
    match tt {
        TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
            let span = src.add(g.span());
            let mut inner = g.stream().into_iter().peekable();
            let mut members = Vec::new();
            while inner.peek().is_some() {
                let key_tt = inner.next()?;
                let key_span = src.add(key_tt.span());
                let key = match string_literal(&key_tt) {
                    Some(k) => k,
                    None => {
                        diags.push(Diagnostic::error(
                            Code::InvalidJsonDescription,
                            "expected a string key (object keys are written in double quotes)",
                            key_span,
                        ));
                        return None;
                    }
                };
                match inner.next() {
                    Some(TokenTree::Punct(p)) if p.as_char() == ':' => {}
                    Some(other) => {
                        err(src, diags, other.span(), "expected ':' after the key");
                        return None;
                    }
                    None => {
                        err(
                            src,
                            diags,
                            key_tt.span(),
                            "expected ':' and a value after the key",
                        );
                        return None;
                    }
                }
                let v = value(&mut inner, src, diags, depth + 1)?;
                members.push(Member {
                    key,
                    key_span,
                    value: v,
                });
                if !comma(&mut inner, src, diags, "}")? {
                    break;
                }
            }
            json::check_duplicate_keys(&members, diags);
            Some(Value::new(Kind::Object(members), span))
        }
        TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket => {
            let span = src.add(g.span());
            let mut inner = g.stream().into_iter().peekable();
            let mut items = Vec::new();
            while inner.peek().is_some() {
                items.push(value(&mut inner, src, diags, depth + 1)?);
                if !comma(&mut inner, src, diags, "]")? {
                    break;
                }
            }
            Some(Value::new(Kind::Array(items), span))
        }
        TokenTree::Group(g) if g.delimiter() == Delimiter::None => {
            // A `$var:expr` substitution from a declarative macro: read through it.
            let mut inner = g.stream().into_iter().peekable();
            value(&mut inner, src, diags, depth)
        }
        TokenTree::Ident(i) => {
            let span = src.add(i.span());
            let kind = match i.to_string().as_str() {
                "true" => Kind::Bool(true),
                "false" => Kind::Bool(false),
                "null" => Kind::Null,
                other => {
                    diags.push(Diagnostic::error(
                        Code::InvalidJsonDescription,
                        format!("expected a JSON value, found `{other}`"),
                        span,
                    ));
                    return None;
                }
            };
            Some(Value::new(kind, span))
        }
        TokenTree::Punct(p) if p.as_char() == '-' && p.spacing() == Spacing::Alone => {
            let Some(TokenTree::Literal(l)) = it.next() else {
                err(src, diags, p.span(), "expected a number after '-'");
                return None;
            };
            let span = src.add(l.span());
            number(&format!("-{l}"), span, diags).map(|n| Value::new(Kind::Number(n), span))
        }
        TokenTree::Literal(l) => {
            let tt = TokenTree::Literal(l.clone());
            let span = src.add(l.span());
            if let Some(s) = string_literal(&tt) {
                return Some(Value::new(Kind::String(s), span));
            }
            number(&l.to_string(), span, diags).map(|n| Value::new(Kind::Number(n), span))
        }
        other => {
            let s = other.to_string();
            err(
                src,
                diags,
                other.span(),
                format!("expected a JSON value, found `{s}`"),
            );
            None
        }
    }
}

/// After a member or item: `,` (returns true, more may follow) or the end of the group.
fn comma(
    it: &mut Tokens,
    src: &mut TokenSource,
    diags: &mut Diagnostics,
    close: &str,
) -> Option<bool> {
    match it.next() {
        None => Some(false),
        Some(TokenTree::Punct(p)) if p.as_char() == ',' => {
            if it.peek().is_none() {
                err(
                    src,
                    diags,
                    p.span(),
                    "trailing comma: JSON does not allow a comma before the closing bracket",
                );
                return None;
            }
            Some(true)
        }
        Some(other) => {
            err(
                src,
                diags,
                other.span(),
                format!("expected ',' or '{close}'"),
            );
            None
        }
    }
}

/// The value of a Rust string literal token (`"…"` or `r"…"`), if it is one.
fn string_literal(tt: &TokenTree) -> Option<String> {
    let TokenTree::Literal(l) = tt else {
        return None;
    };
    match syn::Lit::new(l.clone()) {
        syn::Lit::Str(s) if s.suffix().is_empty() => Some(s.value()),
        _ => None,
    }
}

fn number(text: &str, span: Span, diags: &mut Diagnostics) -> Option<serde_json::Number> {
    match json::parse_number(text) {
        Some(n) => Some(n),
        None => {
            diags.push(Diagnostic::error(
                Code::InvalidJsonDescription,
                format!("`{text}` is not a JSON number"),
                span,
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn read(ts: TokenStream) -> (Option<Value>, Diagnostics) {
        let mut d = Diagnostics::default();
        let mut src = TokenSource::default();
        let v = read_tokens(ts, proc_macro2::Span::call_site(), &mut src, &mut d);
        (v, d)
    }

    #[test]
    fn reads_json_from_tokens() {
        let (v, d) = read(quote! { {"a": [1, -2.5, "x\n", true, null], "b": {}} });
        assert!(d.is_empty(), "{d:?}");
        let v = v.unwrap();
        assert_eq!(
            v.to_json(),
            serde_json::json!({"a": [1, -2.5, "x\n", true, null], "b": {}})
        );
    }

    #[test]
    fn rejects_non_json_tokens() {
        for ts in [
            quote! { {a: 1} },
            quote! { {"a": 1,} },
            quote! { {"a" 1} },
            quote! { [1 2] },
            quote! { {"a": 1u8} },
            quote! { {"a": 'c'} },
        ] {
            let (v, d) = read(ts.clone());
            assert!(v.is_none() || d.has_errors(), "{ts}");
        }
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let (_, d) = read(quote! { {"a": 1, "a": 2} });
        assert!(d.has_errors());
    }
}
