//! JSONata states as straight-line code: Pass and Choice states whose expressions keep to a
//! small subset — literals, workflow variables, `$states.input` member paths, arithmetic,
//! comparisons, `and`/`or`, object constructors with literal keys and
//! `$merge([$states.input, {…}])` — compile into the machine's `step` function, reading the
//! input and the variables in place (`asl_runtime::jsonata::lowered`). Anything where JSONata's
//! answer is not the plain one (an array to map over, a missing field, a type error) makes the
//! state run through the evaluator instead, which gives the answer or the error exactly; an
//! `Assign` is written only once the whole state has succeeded.

use asl_syntax::ast::{Condition, QueryLanguage, State, StateKind};
use asl_syntax::jsonata::{BinaryOp, Expr, ExprKind, Step};
use asl_syntax::template::{Num, Template};
use proc_macro2::TokenStream;
use quote::quote;

/// A lowered JSONata expression.
pub enum JPlan<'a> {
    Null,
    Bool(bool),
    Number(f64),
    String(&'a str),
    /// A workflow variable.
    Var(&'a str),
    /// `$states.input` and member names after it.
    Input(Vec<&'a str>),
    /// `+ - * / %` on numbers.
    Arith(u8, Box<JPlan<'a>>, Box<JPlan<'a>>),
    /// `< <= > >=` on numbers or strings.
    Order(u8, Box<JPlan<'a>>, Box<JPlan<'a>>),
    /// `=` (false) or `!=` (true) on scalars.
    Equal(bool, Box<JPlan<'a>>, Box<JPlan<'a>>),
    /// An object constructor with distinct literal keys.
    Object(Vec<(&'a str, JPlan<'a>)>),
}

/// A lowered JSONata-mode template (an `Output`, an `Assign` value).
pub enum TPlan<'a> {
    /// A literal (no expression inside).
    Literal(&'a Template),
    /// `{% … %}`.
    Expr(JPlan<'a>),
    /// `{% $merge([$states.input, {…}]) %}`: the input with these members set.
    MergeInput(Vec<(&'a str, JPlan<'a>)>),
    /// An object of templates.
    Object(Vec<(&'a str, TPlan<'a>)>),
    /// An array of templates.
    Array(Vec<TPlan<'a>>),
}

/// How a JSONata state runs as straight-line code.
pub enum Plan<'a> {
    /// A Pass state: its `Output` (`None`: the input) and its `Assign`.
    Pass {
        output: Option<TPlan<'a>>,
        assign: Vec<(&'a str, TPlan<'a>)>,
    },
    /// A Choice state with no `Output` or `Assign`: its conditions and their targets, then the
    /// default.
    Choice {
        rules: Vec<(JPlan<'a>, &'a str)>,
        default: Option<&'a str>,
    },
}

/// Largest expression (in nodes) lowered.
const MAX_NODES: usize = 48;

/// The plan of a JSONata Pass or Choice state, if it keeps to the subset.
pub fn plan(s: &State) -> Option<Plan<'_>> {
    if s.query_language != QueryLanguage::Jsonata {
        return None;
    }
    let mut budget = MAX_NODES;
    match &s.kind {
        StateKind::Pass(_) => {
            let output = match &s.output {
                Some(t) => Some(template(&t.value, &mut budget)?),
                None => None,
            };
            let assign = match &s.assign {
                None => Vec::new(),
                Some(t) => match &t.value {
                    Template::Object(fields) => fields
                        .iter()
                        .map(|f| Some((f.key.as_ref(), template(&f.value, &mut budget)?)))
                        .collect::<Option<_>>()?,
                    _ => return None,
                },
            };
            // `$merge` over the input writes into it: the Assign values must not read it
            // after, so they are computed first; both read the entry values only.
            Some(Plan::Pass { output, assign })
        }
        StateKind::Choice(c) => {
            if s.assign.is_some() || s.output.is_some() {
                return None;
            }
            let mut rules = Vec::new();
            for r in &c.choices {
                if r.assign.is_some() || r.output.is_some() {
                    return None;
                }
                let cond = match &r.condition {
                    Condition::Jsonata(t) => match &t.value {
                        Template::Bool(b) => JPlan::Bool(*b),
                        Template::Jsonata(p) => expr(p.expr(), &mut budget)?,
                        _ => return None,
                    },
                    _ => return None,
                };
                rules.push((cond, r.next.value.as_str()));
            }
            Some(Plan::Choice {
                rules,
                default: c.default.as_ref().map(|d| d.value.as_str()),
            })
        }
        _ => None,
    }
}

fn spend(budget: &mut usize) -> Option<()> {
    *budget = budget.checked_sub(1)?;
    Some(())
}

fn template<'a>(t: &'a Template, budget: &mut usize) -> Option<TPlan<'a>> {
    spend(budget)?;
    Some(match t {
        Template::Jsonata(p) => match merge_input(p.expr(), budget) {
            Some(members) => TPlan::MergeInput(members),
            None => TPlan::Expr(expr(p.expr(), budget)?),
        },
        Template::Object(fields) => {
            let mut out = Vec::with_capacity(fields.len());
            for f in fields.iter() {
                if out.iter().any(|(k, _)| *k == f.key.as_ref()) {
                    return None;
                }
                out.push((f.key.as_ref(), template(&f.value, budget)?));
            }
            TPlan::Object(out)
        }
        Template::Array(items) => TPlan::Array(
            items
                .iter()
                .map(|i| template(i, budget))
                .collect::<Option<_>>()?,
        ),
        Template::Null | Template::Bool(_) | Template::Number(_) | Template::String(_) => {
            TPlan::Literal(t)
        }
        Template::Path(_) | Template::Call(_) => return None,
    })
}

/// `$merge([$states.input, {literal keys: …}])`.
fn merge_input<'a>(e: &'a Expr, budget: &mut usize) -> Option<Vec<(&'a str, JPlan<'a>)>> {
    let ExprKind::Call {
        procedure,
        args,
        partial: false,
    } = &e.kind
    else {
        return None;
    };
    if !matches!(&Expr::one(procedure).kind, ExprKind::Variable(v) if v == "merge") {
        return None;
    }
    let [arg] = &args[..] else { return None };
    let ExprKind::Array { items, .. } = &arg.kind else {
        return None;
    };
    let [first, second] = &items[..] else {
        return None;
    };
    if !matches!(input_path(first)?.as_slice(), []) {
        return None;
    }
    match expr(second, budget)? {
        JPlan::Object(members) => Some(members),
        _ => None,
    }
}

/// `$states.input` followed by member names, as the names.
fn input_path(e: &Expr) -> Option<Vec<&str>> {
    let ExprKind::Path {
        steps,
        keep_singleton_array: false,
        tuple: false,
    } = &e.kind
    else {
        return None;
    };
    if !steps.iter().all(Step::is_plain) {
        return None;
    }
    let [states, input, rest @ ..] = &steps[..] else {
        return None;
    };
    if !matches!(&states.expr.kind, ExprKind::Variable(v) if v == "states")
        || !matches!(&input.expr.kind, ExprKind::Name(n) if n == "input")
    {
        return None;
    }
    rest.iter()
        .map(|s| match &s.expr.kind {
            ExprKind::Name(n) => Some(n.as_ref()),
            _ => None,
        })
        .collect()
}

fn expr<'a>(e: &'a Expr, budget: &mut usize) -> Option<JPlan<'a>> {
    spend(budget)?;
    Some(match &e.kind {
        ExprKind::Null => JPlan::Null,
        ExprKind::Bool(b) => JPlan::Bool(*b),
        ExprKind::Number(n) => JPlan::Number(*n),
        ExprKind::String(s) => JPlan::String(s),
        ExprKind::Variable(v) if !v.is_empty() && v != "$" && v != "states" => JPlan::Var(v),
        ExprKind::Path { .. } => JPlan::Input(input_path(e)?),
        ExprKind::Binary { op, lhs, rhs } => {
            let (l, r) = (
                Box::new(expr(Expr::one(lhs), budget)?),
                Box::new(expr(Expr::one(rhs), budget)?),
            );
            match op {
                BinaryOp::Add => JPlan::Arith(b'+', l, r),
                BinaryOp::Sub => JPlan::Arith(b'-', l, r),
                BinaryOp::Mul => JPlan::Arith(b'*', l, r),
                BinaryOp::Div => JPlan::Arith(b'/', l, r),
                BinaryOp::Mod => JPlan::Arith(b'%', l, r),
                BinaryOp::Lt => JPlan::Order(b'<', l, r),
                BinaryOp::Le => JPlan::Order(b'l', l, r),
                BinaryOp::Gt => JPlan::Order(b'>', l, r),
                BinaryOp::Ge => JPlan::Order(b'g', l, r),
                BinaryOp::Eq => JPlan::Equal(false, l, r),
                BinaryOp::Ne => JPlan::Equal(true, l, r),
                _ => return None,
            }
        }
        ExprKind::Object(pairs) => {
            let mut members = Vec::with_capacity(pairs.len());
            for p in pairs.iter() {
                let ExprKind::String(k) = &p.key.kind else {
                    return None;
                };
                if members.iter().any(|(m, _)| *m == k.as_ref()) {
                    return None;
                }
                members.push((k.as_ref(), expr(&p.value, budget)?));
            }
            JPlan::Object(members)
        }
        _ => return None,
    })
}

/// A lowered expression as Rust of type `V` inside a function returning `Option`, with
/// `input: &V` and `vars: &Map` in scope.
pub fn expr_tokens(p: &JPlan<'_>) -> TokenStream {
    let l = quote!(::asl_runtime::jsonata::lowered);
    match p {
        JPlan::Null => quote!(V::Null),
        JPlan::Bool(b) => quote!(V::Bool(#b)),
        JPlan::Number(n) => {
            let n = crate::statics::f64_lit(*n);
            quote!(#l::number(#n))
        }
        JPlan::String(s) => quote!(V::from_static(#s)),
        JPlan::Var(v) => quote!(#l::var(vars, #v)?.clone()),
        JPlan::Input(names) => {
            let steps = names.iter().map(|n| quote!(let v = #l::field(v, #n)?;));
            quote!({ let v = input; #(#steps)* v.clone() })
        }
        JPlan::Arith(op, a, b) => {
            let (a, b) = (expr_tokens(a), expr_tokens(b));
            quote!(#l::arith(#op, &#a, &#b)?)
        }
        JPlan::Order(op, a, b) => {
            let (a, b) = (expr_tokens(a), expr_tokens(b));
            quote!(V::Bool(#l::order(#op, &#a, &#b)?))
        }
        JPlan::Equal(ne, a, b) => {
            let (a, b) = (expr_tokens(a), expr_tokens(b));
            quote!(V::Bool(#l::equal(&#a, &#b)? != #ne))
        }
        JPlan::Object(members) => object_tokens(members),
    }
}

fn object_tokens(members: &[(&str, JPlan<'_>)]) -> TokenStream {
    if members.is_empty() {
        return quote!(V::object(::asl_runtime::Map::new()));
    }
    let n = members.len();
    let inserts = members.iter().map(|(k, v)| {
        let v = expr_tokens(v);
        quote!(o.push_absent(::asl_runtime::value::Str::new_static(#k), #v);)
    });
    quote!({
        let mut o = ::asl_runtime::Map::with_capacity(#n);
        #(#inserts)*
        V::object(o)
    })
}

fn literal_tokens(t: &Template) -> TokenStream {
    match t {
        Template::Null => quote!(V::Null),
        Template::Bool(b) => quote!(V::Bool(#b)),
        Template::Number(n) => match *n {
            Num::PosInt(u) => quote!(V::from(#u)),
            Num::NegInt(i) => quote!(V::from(#i)),
            Num::Float(f) => {
                let f = crate::statics::f64_lit(f);
                quote!(V::from(#f))
            }
        },
        Template::String(s) => {
            let s = s.as_ref();
            quote!(V::from_static(#s))
        }
        _ => quote!(V::Null),
    }
}

/// A lowered template as Rust of type `V` (not [`TPlan::MergeInput`], which writes the input
/// and is emitted by [`emit`]).
fn template_tokens(t: &TPlan<'_>) -> TokenStream {
    match t {
        TPlan::Literal(t) => literal_tokens(t),
        TPlan::Expr(e) => expr_tokens(e),
        TPlan::MergeInput(members) => {
            // Nested: the merge builds a copy (the input itself stays as it is).
            let obj = object_tokens(members);
            quote!({
                let V::Object(base) = input else { return None };
                let mut o = (**base).clone();
                let V::Object(add) = #obj else { return None };
                for (k, v) in add.iter() {
                    o.insert(k.clone(), v.clone());
                }
                V::object(o)
            })
        }
        TPlan::Object(fields) if fields.is_empty() => {
            quote!(V::object(::asl_runtime::Map::new()))
        }
        TPlan::Object(fields) => {
            let n = fields.len();
            let inserts = fields.iter().map(|(k, v)| {
                let v = template_tokens(v);
                quote!(o.push_absent(::asl_runtime::value::Str::new_static(#k), #v);)
            });
            quote!({
                let mut o = ::asl_runtime::Map::with_capacity(#n);
                #(#inserts)*
                V::object(o)
            })
        }
        TPlan::Array(items) => {
            let items = items.iter().map(template_tokens);
            quote!(V::array(::std::vec![#(#items),*]))
        }
    }
}

/// The `step` arm of a lowered JSONata state; `target` resolves a state name to its index.
pub fn emit(idx: u32, plan: &Plan<'_>, target: &dyn Fn(&str) -> TokenStream) -> TokenStream {
    match plan {
        Plan::Pass { output, assign } => {
            let keys: Vec<&str> = assign.iter().map(|(k, _)| *k).collect();
            let values = assign.iter().map(|(_, v)| template_tokens(v));
            let n = assign.len();
            // Everything is computed from the entry values before anything is written.
            let (out_ty, out_expr, finish) = match output {
                // No Output: the input passes through unchanged.
                None => (
                    quote!(()),
                    quote!(()),
                    quote!(let _ = out; let value = input; let size = m::Size::Grown(0);),
                ),
                Some(TPlan::MergeInput(members)) => {
                    let k = members.len();
                    let vals = members.iter().map(|(_, v)| expr_tokens(v));
                    let keys: Vec<&str> = members.iter().map(|(k, _)| *k).collect();
                    // The bytes a member can add: its key (escaped, quoted), colon and comma.
                    let key_bytes: Vec<usize> = keys.iter().map(|k| k.len() * 6 + 4).collect();
                    (
                        quote!([V; #k]),
                        quote!([#(#vals),*]),
                        quote! {
                            // `$merge([$states.input, {…}])`: the input with the members set,
                            // in place when the input is not shared; the output is the input
                            // grown by at most the new members' size.
                            let mut value = input;
                            let Some(obj) = value.as_object_mut() else {
                                return m::Step::Slow(value);
                            };
                            let mut grown = 0usize;
                            let keys: [(&'static str, usize); #k] = [#((#keys, #key_bytes)),*];
                            for ((k, kb), v) in keys.into_iter().zip(out) {
                                grown += kb + v.json_len_bound();
                                obj.insert(::asl_runtime::value::Str::new_static(k), v);
                            }
                            let size = m::Size::Grown(grown);
                        },
                    )
                }
                Some(t) => (
                    quote!(V),
                    template_tokens(t),
                    quote!(let value = out; let size = m::Size::Unknown;),
                ),
            };
            let fits = if n > 0 {
                quote! {
                    if !::asl_runtime::jsonata::lowered::assign_fits(vars, &[#(#keys),*], &assigned) {
                        return m::Step::Slow(input);
                    }
                }
            } else {
                quote!()
            };
            let write = if n > 0 {
                quote! {
                    let map = ::std::sync::Arc::make_mut(vars);
                    for (k, v) in [#(#keys),*].into_iter().zip(assigned) {
                        map.insert(::asl_runtime::value::Str::new_static(k), v);
                    }
                }
            } else {
                quote!(let _ = assigned;)
            };
            quote! {
                #idx => {
                    fn values(
                        input: &V,
                        vars: &::asl_runtime::Map,
                    ) -> ::core::option::Option<(#out_ty, [V; #n])> {
                        let _ = (input, vars);
                        ::core::option::Option::Some((#out_expr, [#(#values),*]))
                    }
                    let ::core::option::Option::Some((out, assigned)) = values(&input, vars) else {
                        return m::Step::Slow(input);
                    };
                    #fits
                    #finish
                    #write
                    m::Step::Output { value, size }
                }
            }
        }
        Plan::Choice { rules, default } => {
            let tests = rules.iter().map(|(cond, next)| {
                let c = expr_tokens(cond);
                let t = target(next);
                quote! {
                    {
                        let test = |input: &V, vars: &::asl_runtime::Map| -> ::core::option::Option<bool> {
                            let _ = (input, vars);
                            match #c { V::Bool(b) => ::core::option::Option::Some(b), _ => ::core::option::Option::None }
                        };
                        match test(&input, vars) {
                            ::core::option::Option::Some(true) => return m::Step::Choose(#t, input),
                            ::core::option::Option::Some(false) => {}
                            ::core::option::Option::None => return m::Step::Slow(input),
                        }
                    }
                }
            });
            let fallback = match default {
                Some(d) => {
                    let t = target(d);
                    quote!(m::Step::Choose(#t, input))
                }
                None => quote!(m::Step::Slow(input)),
            };
            quote! {
                #idx => {
                    #(#tests)*
                    #fallback
                }
            }
        }
    }
}
