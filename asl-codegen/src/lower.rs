//! Lowering decisions: what each state becomes in the generated code. `emit` writes the
//! tokens; the choices are made here and in [`asl_syntax::layout`] (the descriptor's
//! decisions, shared with the runtime's dynamic machines: unsupported states, what a state
//! reads of `$$`, Task resource types, the state index layout).
//!
//! - [`step_plan`]: the Pass and Choice states of a simple shape that run as straight-line
//!   Rust (`asl_runtime::machine::Step`), and how each of their values is computed; every
//!   other state is read from its static descriptor.

use asl_syntax::ast::{self, State, StateKind, Tri};
use asl_syntax::intrinsic::{Arg, Call, Func};
use asl_syntax::layout::{self, unsupported, uses_context};
use asl_syntax::path::{Path, Root, Segment, Selector};
use asl_syntax::template::{Num, Template};

/// Whether a state reads or writes workflow variables, or uses JSONata: such a state runs
/// through its descriptors (the lowered code knows neither).
fn uses_variables_or_jsonata(s: &State) -> bool {
    if s.query_language == ast::QueryLanguage::Jsonata || s.assign.is_some() {
        return true;
    }
    if let StateKind::Choice(c) = &s.kind
        && c.choices.iter().any(|r| r.assign.is_some())
    {
        return true;
    }
    let mut vars = false;
    s.visit_paths(&mut |p| vars |= matches!(p.root, Root::Variable(_)));
    vars
}

/// How a lowered state runs (see `asl_runtime::machine::Step`).
pub enum StepPlan<'a> {
    /// A Pass state: its result, and where it goes.
    Pass {
        /// The result: the input itself, or a computed value.
        result: Option<Expr<'a>>,
        /// Where the result goes.
        result_path: ResultPlan<'a>,
        /// An upper bound of the result's JSON length when it does not depend on the input
        /// (literals and numbers only), so the runtime need not measure it.
        result_bound: Option<usize>,
    },
    /// A Choice state: the machine's Choice function, its input passed through.
    Choice,
    /// A JSONata Pass or Choice state (`lower_jsonata`).
    Jsonata(crate::lower_jsonata::Plan<'a>),
}

/// A lowered Pass state's `ResultPath`.
pub enum ResultPlan<'a> {
    /// Absent or `$`: the result is the output.
    Replace,
    /// `null`: the input is the output.
    Discard,
    /// A reference path: the result is written into the input there.
    Set(&'a Path),
}

/// A value computed by straight-line code. Each fails (`None` in the generated code, and the
/// state runs through its descriptor) exactly where the descriptor's evaluation would fail.
pub enum Expr<'a> {
    Null,
    Bool(bool),
    Number(Num),
    String(&'a str),
    Array(Vec<Expr<'a>>),
    /// Built in place: keys used from the static text. `distinct` when no key repeats (after
    /// `.$` is stripped), so members are appended without a lookup.
    Object(Vec<(&'a str, Expr<'a>)>, bool),
    /// A definite path of member names and non-negative indexes over `$`: a borrowed lookup,
    /// then a reference-count copy.
    Direct(Vec<Key<'a>>),
    /// Any other JSONPath: the runtime's selector on the static path.
    Select(&'a Path),
    /// `States.MathAdd` as a call with its checks.
    MathAdd(Box<Expr<'a>>, Box<Expr<'a>>),
    /// Any other intrinsic: the runtime's evaluator on the static call.
    Call(&'a Call),
}

/// One step of a [`Expr::Direct`] path.
pub enum Key<'a> {
    Name(&'a str),
    Index(usize),
}

/// Largest template (in nodes) lowered to straight-line code; larger ones stay static data,
/// which keeps a machine's code small (DESIGN.md, "Why thin code").
const MAX_NODES: usize = 32;

/// Whether and how `s` runs as straight-line code: a Pass or Choice state that reads no `$$`,
/// with InputPath and OutputPath the identity, whose templates are small.
pub fn step_plan(s: &State) -> Option<StepPlan<'_>> {
    if unsupported(s).is_none()
        && !uses_context(s)
        && let Some(p) = crate::lower_jsonata::plan(s)
    {
        return Some(StepPlan::Jsonata(p));
    }
    if unsupported(s).is_some()
        || uses_variables_or_jsonata(s)
        || uses_context(s)
        || !is_identity(&s.input_path)
        || !is_identity(&s.output_path)
    {
        return None;
    }
    match &s.kind {
        StateKind::Choice(_) => Some(StepPlan::Choice),
        StateKind::Pass(p) => {
            let mut budget = MAX_NODES;
            let result = match (&p.result, &p.parameters) {
                (Some(r), _) => Some(expr(&r.value, &mut budget)?),
                (None, Some(t)) => Some(expr(&t.value, &mut budget)?),
                (None, None) => None,
            };
            let result_path = match &p.result_path {
                t if is_identity(t) => ResultPlan::Replace,
                Tri::Null(_) => ResultPlan::Discard,
                Tri::Value(path) if path.value.root == Root::Input && path.value.is_reference() => {
                    ResultPlan::Set(&path.value)
                }
                _ => return None,
            };
            let result_bound = result.as_ref().and_then(max_json_len);
            Some(StepPlan::Pass {
                result,
                result_path,
                result_bound,
            })
        }
        _ => None,
    }
}

/// Outputs up to this size (a quarter of the 256 KiB quota) are not measured at run time
/// (`asl_runtime::machine::Size::SMALL`).
pub const SMALL_BYTES: usize = 64 * 1024;

/// An upper bound of the JSON text length of a value, if it does not depend on the input.
fn max_json_len(e: &Expr) -> Option<usize> {
    Some(match e {
        Expr::Null | Expr::Bool(_) => 5,
        // Numbers print in at most 24 characters; an int sum in at most 11.
        Expr::Number(_) | Expr::MathAdd(..) => 24,
        // Every character escaped as `\uXXXX`, and the quotes.
        Expr::String(s) => s.len() * 6 + 2,
        Expr::Array(items) => {
            items.iter().map(max_json_len).sum::<Option<usize>>()? + items.len() + 2
        }
        Expr::Object(fields, _) => {
            fields
                .iter()
                .map(|(k, v)| Some(k.len() * 6 + 3 + max_json_len(v)?))
                .sum::<Option<usize>>()?
                + fields.len()
                + 2
        }
        Expr::Direct(_) | Expr::Select(_) | Expr::Call(_) => return None,
    })
}

/// Absent, or `$`.
pub fn is_identity(t: &Tri<Path>) -> bool {
    matches!(layout::io_path(t), layout::IoPath::Identity)
}

fn expr<'a>(t: &'a Template, budget: &mut usize) -> Option<Expr<'a>> {
    *budget = budget.checked_sub(1)?;
    Some(match t {
        Template::Null => Expr::Null,
        Template::Bool(b) => Expr::Bool(*b),
        Template::Number(n) => Expr::Number(*n),
        Template::String(s) => Expr::String(s),
        Template::Array(items) => Expr::Array(
            items
                .iter()
                .map(|t| expr(t, budget))
                .collect::<Option<_>>()?,
        ),
        Template::Object(fields) => {
            let distinct = fields
                .iter()
                .enumerate()
                .all(|(i, f)| fields[..i].iter().all(|g| g.key != f.key));
            Expr::Object(
                fields
                    .iter()
                    .map(|f| Some((f.key.as_ref(), expr(&f.value, budget)?)))
                    .collect::<Option<_>>()?,
                distinct,
            )
        }
        Template::Path(p) => path_expr(p)?,
        Template::Call(c) => call_expr(c),
        Template::Jsonata(_) => return None,
    })
}

fn path_expr(p: &Path) -> Option<Expr<'_>> {
    if p.root != Root::Input {
        return None;
    }
    if p.function.is_some() {
        return Some(Expr::Select(p));
    }
    let keys: Option<Vec<Key<'_>>> = p
        .segments
        .iter()
        .map(|seg| match seg {
            Segment::Child(Selector::Name(n)) => Some(Key::Name(n.as_ref())),
            Segment::Child(Selector::Index(i)) => usize::try_from(*i).ok().map(Key::Index),
            _ => None,
        })
        .collect();
    Some(match keys {
        Some(keys) => Expr::Direct(keys),
        None => Expr::Select(p),
    })
}

fn call_expr(c: &Call) -> Expr<'_> {
    fn arg(a: &Arg) -> Option<Expr<'_>> {
        match a {
            Arg::Int(i) => Some(Expr::Number(match u64::try_from(*i) {
                Ok(u) => Num::PosInt(u),
                Err(_) => Num::NegInt(*i),
            })),
            Arg::Path(p) if p.root == Root::Input => path_expr(p),
            _ => None,
        }
    }
    if c.func == Func::MathAdd
        && let [a, b] = &c.args[..]
        && let (Some(a), Some(b)) = (arg(a), arg(b))
    {
        return Expr::MathAdd(Box::new(a), Box::new(b));
    }
    Expr::Call(c)
}
