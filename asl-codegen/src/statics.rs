//! Compile-time values written out as Rust constant expressions: the pre-parsed paths, payload
//! templates and intrinsic calls of `asl_syntax` as expressions of the same types, every `Cow`
//! borrowed, so generated code holds them in `static`s.
//!
//! The generated module imports `asl_syntax` as `s` and `std::borrow::Cow` as `Cow`.

use asl_syntax::intrinsic::{Arg, Call};
use asl_syntax::path::{Filter, Operand, Path, Root, Segment, Selector, Slice};
use asl_syntax::template::{Num, Template};
use proc_macro2::{Ident, Span};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// An enum variant's identifier from its `Debug` name.
fn debug_ident(x: impl std::fmt::Debug) -> Ident {
    Ident::new(&format!("{x:?}"), Span::call_site())
}

fn cow_str(s: &str) -> TokenStream {
    quote!(Cow::Borrowed(#s))
}

fn cow_slice(items: impl IntoIterator<Item = TokenStream>) -> TokenStream {
    let items = items.into_iter();
    quote!(Cow::Borrowed(&[#(#items),*]))
}

pub fn f64_lit(x: f64) -> TokenStream {
    if x.is_finite() {
        let l = Literal::f64_suffixed(x);
        quote!(#l)
    } else if x.is_nan() {
        quote!(f64::NAN)
    } else if x > 0.0 {
        quote!(f64::INFINITY)
    } else {
        quote!(f64::NEG_INFINITY)
    }
}

pub fn path(p: &Path) -> TokenStream {
    let source = cow_str(&p.source);
    let root = match &p.root {
        Root::Input => quote!(s::path::Root::Input),
        Root::Context => quote!(s::path::Root::Context),
        Root::Variable(v) => {
            let v = cow_str(v);
            quote!(s::path::Root::Variable(#v))
        }
    };
    let segments = segments(&p.segments);
    let function = match p.function {
        Some(f) => {
            let f = debug_ident(f);
            quote!(Some(s::path::Function::#f))
        }
        None => quote!(None),
    };
    quote!(s::path::Path { source: #source, root: #root, segments: #segments, function: #function })
}

fn segments(segs: &[Segment]) -> TokenStream {
    cow_slice(segs.iter().map(|s| match s {
        Segment::Child(sel) => {
            let sel = selector(sel);
            quote!(s::path::Segment::Child(#sel))
        }
        Segment::Descendant(sel) => {
            let sel = selector(sel);
            quote!(s::path::Segment::Descendant(#sel))
        }
    }))
}

fn selector(sel: &Selector) -> TokenStream {
    match sel {
        Selector::Name(n) => {
            let n = cow_str(n);
            quote!(s::path::Selector::Name(#n))
        }
        Selector::Names(ns) => {
            let ns = cow_slice(ns.iter().map(|n| cow_str(n)));
            quote!(s::path::Selector::Names(#ns))
        }
        Selector::Index(i) => quote!(s::path::Selector::Index(#i)),
        Selector::Indexes(is) => {
            let is = is.iter();
            quote!(s::path::Selector::Indexes(Cow::Borrowed(&[#(#is),*])))
        }
        Selector::Slice(Slice { start, end, step }) => {
            let o = |x: &Option<i64>| match x {
                Some(v) => quote!(Some(#v)),
                None => quote!(None),
            };
            let (a, b, c) = (o(start), o(end), o(step));
            quote!(s::path::Selector::Slice(s::path::Slice { start: #a, end: #b, step: #c }))
        }
        Selector::Wildcard => quote!(s::path::Selector::Wildcard),
        Selector::Filter(f) => {
            let f = filter(f);
            quote!(s::path::Selector::Filter(#f))
        }
    }
}

fn filter(f: &Filter) -> TokenStream {
    match f {
        Filter::Or(fs) => {
            let fs = cow_slice(fs.iter().map(filter));
            quote!(s::path::Filter::Or(#fs))
        }
        Filter::And(fs) => {
            let fs = cow_slice(fs.iter().map(filter));
            quote!(s::path::Filter::And(#fs))
        }
        Filter::Not(fs) => {
            let fs = cow_slice(fs.iter().map(filter));
            quote!(s::path::Filter::Not(#fs))
        }
        Filter::Exists(o) => {
            let o = operand(o);
            quote!(s::path::Filter::Exists(#o))
        }
        Filter::Compare { op, left, right } => {
            let op = debug_ident(op);
            let (l, r) = (operand(left), operand(right));
            quote!(s::path::Filter::Compare { op: s::path::CompareOp::#op, left: #l, right: #r })
        }
    }
}

fn operand(o: &Operand) -> TokenStream {
    match o {
        Operand::Current(segs) => {
            let segs = segments(segs);
            quote!(s::path::Operand::Current(#segs))
        }
        Operand::Root(segs) => {
            let segs = segments(segs);
            quote!(s::path::Operand::Root(#segs))
        }
        Operand::Str(v) => {
            let v = cow_str(v);
            quote!(s::path::Operand::Str(#v))
        }
        Operand::Num(n) => {
            let n = f64_lit(*n);
            quote!(s::path::Operand::Num(#n))
        }
        Operand::Bool(b) => quote!(s::path::Operand::Bool(#b)),
        Operand::Null => quote!(s::path::Operand::Null),
        Operand::Regex { pattern, flags } => {
            let (p, f) = (cow_str(pattern), cow_str(flags));
            quote!(s::path::Operand::Regex { pattern: #p, flags: #f })
        }
    }
}

pub fn num(n: Num) -> TokenStream {
    match n {
        Num::PosInt(u) => quote!(s::template::Num::PosInt(#u)),
        Num::NegInt(i) => quote!(s::template::Num::NegInt(#i)),
        Num::Float(f) => {
            let f = f64_lit(f);
            quote!(s::template::Num::Float(#f))
        }
    }
}

pub fn template(t: &Template) -> TokenStream {
    match t {
        Template::Null => quote!(s::template::Template::Null),
        Template::Bool(b) => quote!(s::template::Template::Bool(#b)),
        Template::Number(n) => {
            let n = num(*n);
            quote!(s::template::Template::Number(#n))
        }
        Template::String(v) => {
            let v = cow_str(v);
            quote!(s::template::Template::String(#v))
        }
        Template::Array(items) => {
            let items = cow_slice(items.iter().map(template));
            quote!(s::template::Template::Array(#items))
        }
        Template::Object(fields) => {
            let fields = cow_slice(fields.iter().map(|f| {
                let k = cow_str(&f.key);
                let v = template(&f.value);
                quote!(s::template::Field { key: #k, value: #v })
            }));
            quote!(s::template::Template::Object(#fields))
        }
        Template::Path(p) => {
            let p = path(p);
            quote!(s::template::Template::Path(#p))
        }
        Template::Call(c) => {
            let c = call(c);
            quote!(s::template::Template::Call(#c))
        }
        Template::Jsonata(j) => {
            let j = cow_str(j);
            quote!(s::template::Template::Jsonata(#j))
        }
    }
}

pub fn call(c: &Call) -> TokenStream {
    let func = debug_ident(c.func);
    let args = cow_slice(c.args.iter().map(arg));
    quote!(s::intrinsic::Call { func: s::intrinsic::Func::#func, args: #args })
}

fn arg(a: &Arg) -> TokenStream {
    match a {
        Arg::Null => quote!(s::intrinsic::Arg::Null),
        Arg::Bool(b) => quote!(s::intrinsic::Arg::Bool(#b)),
        Arg::Int(i) => quote!(s::intrinsic::Arg::Int(#i)),
        Arg::Float(f) => {
            let f = f64_lit(*f);
            quote!(s::intrinsic::Arg::Float(#f))
        }
        Arg::String(v) => {
            let v = cow_str(v);
            quote!(s::intrinsic::Arg::String(#v))
        }
        Arg::Path(p) => {
            let p = path(p);
            quote!(s::intrinsic::Arg::Path(#p))
        }
        Arg::Call(c) => {
            let c = call(c);
            quote!(s::intrinsic::Arg::Call(#c))
        }
    }
}

/// `Some(expr)` / `None`.
pub fn opt<T>(v: Option<&T>, f: impl Fn(&T) -> TokenStream) -> TokenStream {
    match v {
        Some(v) => {
            let t = f(v);
            quote!(Some(#t))
        }
        None => quote!(None),
    }
}
