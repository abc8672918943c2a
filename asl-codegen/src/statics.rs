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
            let j = jsonata_parsed(j);
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

/// A parsed `{% … %}` expression as a constant (`s::jsonata::Parsed { text, tree }`).
pub fn jsonata_parsed(p: &asl_syntax::jsonata::Parsed) -> TokenStream {
    let text = cow_str(&p.text);
    let tree = cow_slice([jsonata_expr(p.expr())]);
    quote!(s::jsonata::Parsed { text: #text, tree: #tree })
}

/// A JSONata syntax tree as a constant expression (`s::jsonata::Expr { … }`), so the
/// runtime evaluates the tree the compiler parsed and never parses at run time.
pub fn jsonata_expr(e: &asl_syntax::jsonata::Expr) -> TokenStream {
    use asl_syntax::jsonata::ExprKind as K;
    let pos = e.pos;
    let exprs = |list: &[asl_syntax::jsonata::Expr]| cow_slice(list.iter().map(jsonata_expr));
    let pairs = |list: &[asl_syntax::jsonata::Pair]| {
        cow_slice(list.iter().map(|p| {
            let (k, v) = (jsonata_expr(&p.key), jsonata_expr(&p.value));
            quote!(s::jsonata::Pair { key: #k, value: #v })
        }))
    };
    let kind = match &e.kind {
        K::String(v) => {
            let v = cow_str(v);
            quote!(String(#v))
        }
        K::Number(n) => {
            let n = f64_lit(*n);
            quote!(Number(#n))
        }
        K::Bool(b) => quote!(Bool(#b)),
        K::Null => quote!(Null),
        K::Regex { pattern, flags } => {
            let (p, f) = (cow_str(pattern), cow_str(flags));
            quote!(Regex { pattern: #p, flags: #f })
        }
        K::Variable(v) => {
            let v = cow_str(v);
            quote!(Variable(#v))
        }
        K::Name(v) => {
            let v = cow_str(v);
            quote!(Name(#v))
        }
        K::Wildcard => quote!(Wildcard),
        K::Descendant => quote!(Descendant),
        K::Parent { label } => quote!(Parent { label: #label }),
        K::Placeholder => quote!(Placeholder),
        K::Path {
            steps,
            keep_singleton_array,
            tuple,
        } => {
            let steps = cow_slice(steps.iter().map(jsonata_step));
            quote!(Path { steps: #steps, keep_singleton_array: #keep_singleton_array, tuple: #tuple })
        }
        K::Predicate {
            expr,
            filters,
            keep_array,
        } => {
            let (x, f) = (exprs(expr), exprs(filters));
            quote!(Predicate { expr: #x, filters: #f, keep_array: #keep_array })
        }
        K::Group { expr, pairs: p } => {
            let (x, p) = (exprs(expr), pairs(p));
            quote!(Group { expr: #x, pairs: #p })
        }
        K::Sort { terms } => {
            let terms = cow_slice(terms.iter().map(|t| {
                let d = t.descending;
                let x = jsonata_expr(&t.expr);
                quote!(s::jsonata::SortTerm { descending: #d, expr: #x })
            }));
            quote!(Sort { terms: #terms })
        }
        K::Binary { op, lhs, rhs } => {
            let op = debug_ident(op);
            let (l, r) = (exprs(lhs), exprs(rhs));
            quote!(Binary { op: s::jsonata::BinaryOp::#op, lhs: #l, rhs: #r })
        }
        K::Negate(x) => {
            let x = exprs(x);
            quote!(Negate(#x))
        }
        K::Array { items, cons_array } => {
            let items = exprs(items);
            quote!(Array { items: #items, cons_array: #cons_array })
        }
        K::Object(p) => {
            let p = pairs(p);
            quote!(Object(#p))
        }
        K::Block {
            exprs: list,
            cons_array,
            tuple,
        } => {
            let list = exprs(list);
            quote!(Block { exprs: #list, cons_array: #cons_array, tuple: #tuple })
        }
        K::Bind { name, value } => {
            let (n, v) = (cow_str(name), exprs(value));
            quote!(Bind { name: #n, value: #v })
        }
        K::Condition {
            cond,
            then,
            otherwise,
        } => {
            let (c, t, o) = (exprs(cond), exprs(then), exprs(otherwise));
            quote!(Condition { cond: #c, then: #t, otherwise: #o })
        }
        K::Default { op, lhs, rhs } => {
            let op = debug_ident(op);
            let (l, r) = (exprs(lhs), exprs(rhs));
            quote!(Default { op: s::jsonata::DefaultOp::#op, lhs: #l, rhs: #r })
        }
        K::Apply { lhs, rhs } => {
            let (l, r) = (exprs(lhs), exprs(rhs));
            quote!(Apply { lhs: #l, rhs: #r })
        }
        K::Call {
            procedure,
            args,
            partial,
        } => {
            let (p, a) = (exprs(procedure), exprs(args));
            quote!(Call { procedure: #p, args: #a, partial: #partial })
        }
        K::Lambda {
            params,
            signature,
            body,
        } => {
            let params = cow_slice(params.iter().map(|p| cow_str(p)));
            let sig = opt(signature.as_ref(), |s| cow_str(s));
            let body = exprs(body);
            quote!(Lambda { params: #params, signature: #sig, body: #body })
        }
        K::Transform {
            pattern,
            update,
            delete,
        } => {
            let (p, u, d) = (exprs(pattern), exprs(update), exprs(delete));
            quote!(Transform { pattern: #p, update: #u, delete: #d })
        }
    };
    quote!(s::jsonata::Expr { pos: #pos, kind: s::jsonata::ExprKind::#kind })
}

fn jsonata_step(st: &asl_syntax::jsonata::Step) -> TokenStream {
    use asl_syntax::jsonata::Stage;
    let expr = jsonata_expr(&st.expr);
    let stages = cow_slice(st.stages.iter().map(|s| match s {
        Stage::Filter(e) => {
            let e = jsonata_expr(e);
            quote!(s::jsonata::Stage::Filter(#e))
        }
        Stage::Index { name, pos } => {
            let n = cow_str(name);
            quote!(s::jsonata::Stage::Index { name: #n, pos: #pos })
        }
    }));
    let focus = opt(st.focus.as_ref(), |f| cow_str(f));
    let index = opt(st.index.as_ref(), |f| cow_str(f));
    let ancestor = opt(st.ancestor.as_ref(), |a| quote!(#a));
    let (tuple, keep) = (st.tuple, st.keep_array);
    quote!(s::jsonata::Step {
        expr: #expr,
        stages: #stages,
        focus: #focus,
        index: #index,
        ancestor: #ancestor,
        tuple: #tuple,
        keep_array: #keep,
    })
}
