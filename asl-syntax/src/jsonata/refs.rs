//! What an expression reads: `$states.*`, workflow variables and the forbidden implicit input
//! (ASL-JA-04, ASL-JA-05, ASL-SUB-48).

use std::collections::BTreeSet;

use super::{Expr, ExprKind, Stage, Step};

/// The references of one expression, collected by [`references`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Refs {
    /// `$states.input`
    pub states_input: bool,
    /// `$states.result` (only in Output/Assign of Task, Map, Parallel).
    pub states_result: bool,
    /// `$states.errorOutput` (only in a Catcher's Output/Assign).
    pub states_error_output: bool,
    /// `$states.context`
    pub states_context: bool,
    /// `$states` used otherwise than as `$states.<field>` (whole, or with `*`, a predicate, …):
    /// it may read any field.
    pub states_whole: bool,
    /// Other fields read from `$states` (`$states.foo`): there is no such field.
    pub states_other: BTreeSet<String>,
    /// `$states` bound with `:=` (or as a lambda parameter / `@`/`#` variable): it can never be
    /// assigned (ASL-JA-04).
    pub states_assigned: bool,
    /// Free variables other than `$states` (workflow variables), without `$`, excluding those
    /// bound inside the expression (`:=`, lambda parameters, `@$v`, `#$i`) and those only
    /// called as functions.
    pub variables: BTreeSet<String>,
    /// Variables called as functions (`$count(…)`): built-in functions (or `$eval`).
    pub functions: BTreeSet<String>,
    /// The context item `$` at the top level (no implicit input document, ASL-JA-05).
    pub top_context: bool,
    /// A bare field name, `*`, `**` or `%` at the top level, names listed (`*`/`**`/`%` as such).
    pub top_names: BTreeSet<String>,
    /// `$$` anywhere (forbidden, ASL-JA-05).
    pub root: bool,
}

impl Refs {
    /// ASL-JA-05 / ASL-SUB-48: reads the implicit input (top-level `$`, bare names, `$$`).
    pub fn reads_implicit_input(&self) -> bool {
        self.top_context || self.root || !self.top_names.is_empty()
    }
}

/// Collects what `expr` references.
pub fn references(expr: &Expr) -> Refs {
    let mut w = Walker {
        refs: Refs::default(),
        bound: BTreeSet::new(),
    };
    collect_bound(expr, &mut w.bound);
    w.expr(expr, true);
    w.refs.variables.retain(|v| !w.bound.contains(v));
    w.refs
}

/// Every variable name bound anywhere in `expr` (`:=`, lambda parameters, `@$v`, `#$i`),
/// without `$`: a deliberately coarse scope model.
pub fn bound_names(expr: &Expr) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    collect_bound(expr, &mut out);
    out
}

/// Calls `f` on `expr` and every expression inside it.
pub fn walk(expr: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(expr);
    each_child(expr, &mut |c| walk(c, f));
}

/// Every name bound anywhere in the expression (a deliberately coarse scope model).
fn collect_bound(e: &Expr, out: &mut BTreeSet<String>) {
    each_child(e, &mut |c| collect_bound(c, out));
    match &e.kind {
        ExprKind::Bind { name, .. } => {
            out.insert(name.to_string());
        }
        ExprKind::Lambda { params, .. } => out.extend(params.iter().map(|p| p.to_string())),
        ExprKind::Path { steps, .. } => {
            for s in steps.iter() {
                out.extend(s.focus.iter().chain(s.index.iter()).map(|v| v.to_string()));
                for st in s.stages.iter() {
                    if let Stage::Index { name, .. } = st {
                        out.insert(name.to_string());
                    }
                }
            }
        }
        _ => {}
    }
}

/// Calls `f` on every direct child expression.
pub(super) fn each_child(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    match &e.kind {
        ExprKind::String(_)
        | ExprKind::Number(_)
        | ExprKind::Bool(_)
        | ExprKind::Null
        | ExprKind::Regex { .. }
        | ExprKind::Variable(_)
        | ExprKind::Name(_)
        | ExprKind::Wildcard
        | ExprKind::Descendant
        | ExprKind::Parent { .. }
        | ExprKind::Placeholder => {}
        ExprKind::Path { steps, .. } => steps.iter().for_each(|s| step_children(s, f)),
        ExprKind::Predicate { expr, filters, .. } => expr.iter().chain(filters.iter()).for_each(f),
        ExprKind::Group { expr, pairs } => {
            expr.iter().for_each(&mut *f);
            pairs.iter().for_each(|p| {
                f(&p.key);
                f(&p.value)
            });
        }
        ExprKind::Sort { terms } => terms.iter().for_each(|t| f(&t.expr)),
        ExprKind::Binary { lhs, rhs, .. }
        | ExprKind::Default { lhs, rhs, .. }
        | ExprKind::Apply { lhs, rhs } => lhs.iter().chain(rhs.iter()).for_each(f),
        ExprKind::Negate(x) => x.iter().for_each(f),
        ExprKind::Array { items, .. } => items.iter().for_each(f),
        ExprKind::Object(pairs) => pairs.iter().for_each(|p| {
            f(&p.key);
            f(&p.value)
        }),
        ExprKind::Block { exprs, .. } => exprs.iter().for_each(f),
        ExprKind::Bind { value, .. } => value.iter().for_each(f),
        ExprKind::Condition {
            cond,
            then,
            otherwise,
        } => cond
            .iter()
            .chain(then.iter())
            .chain(otherwise.iter())
            .for_each(f),
        ExprKind::Call {
            procedure, args, ..
        } => procedure.iter().chain(args.iter()).for_each(f),
        ExprKind::Lambda { body, .. } => body.iter().for_each(f),
        ExprKind::Transform {
            pattern,
            update,
            delete,
        } => pattern
            .iter()
            .chain(update.iter())
            .chain(delete.iter())
            .for_each(f),
    }
}

fn step_children(s: &Step, f: &mut dyn FnMut(&Expr)) {
    f(&s.expr);
    for st in s.stages.iter() {
        if let Stage::Filter(e) = st {
            f(e);
        }
    }
}

struct Walker {
    refs: Refs,
    bound: BTreeSet<String>,
}

impl Walker {
    /// `top`: `e` is evaluated against the (non-existent) input document.
    fn expr(&mut self, e: &Expr, top: bool) {
        match &e.kind {
            ExprKind::Variable(v) => self.variable(v, top),
            ExprKind::Name(n) if top => {
                self.refs.top_names.insert(n.to_string());
            }
            ExprKind::Wildcard if top => {
                self.refs.top_names.insert("*".into());
            }
            ExprKind::Descendant if top => {
                self.refs.top_names.insert("**".into());
            }
            ExprKind::Parent { .. } if top => {
                self.refs.top_names.insert("%".into());
            }
            ExprKind::Path { steps, .. } => self.path(steps, top),
            ExprKind::Predicate { expr, filters, .. } => {
                expr.iter().for_each(|x| self.expr(x, top));
                filters.iter().for_each(|x| self.expr(x, false));
            }
            ExprKind::Group { expr, pairs } => {
                expr.iter().for_each(|x| self.expr(x, top));
                for p in pairs.iter() {
                    self.expr(&p.key, false);
                    self.expr(&p.value, false);
                }
            }
            ExprKind::Sort { terms } => terms.iter().for_each(|t| self.expr(&t.expr, false)),
            ExprKind::Transform {
                pattern,
                update,
                delete,
            } => pattern
                .iter()
                .chain(update.iter())
                .chain(delete.iter())
                .for_each(|x| self.expr(x, false)),
            ExprKind::Call {
                procedure, args, ..
            } => {
                match &Expr::one(procedure).kind {
                    ExprKind::Variable(v) if !v.is_empty() && v != "$" && v != "states" => {
                        self.refs.functions.insert(v.to_string());
                    }
                    _ => procedure.iter().for_each(|x| self.expr(x, top)),
                }
                args.iter().for_each(|x| self.expr(x, top));
            }
            ExprKind::Bind { name, value } => {
                if name == "states" {
                    self.refs.states_assigned = true;
                }
                value.iter().for_each(|x| self.expr(x, top));
            }
            ExprKind::Lambda { params, body, .. } => {
                if params.iter().any(|p| p == "states") {
                    self.refs.states_assigned = true;
                }
                body.iter().for_each(|x| self.expr(x, top));
            }
            _ => each_child(e, &mut |c| self.expr(c, top)),
        }
    }

    fn variable(&mut self, v: &str, top: bool) {
        match v {
            "" => self.refs.top_context |= top,
            "$" => self.refs.root = true,
            "states" => self.refs.states_whole = true,
            _ => {
                self.refs.variables.insert(v.to_string());
            }
        }
    }

    fn path(&mut self, steps: &[Step], top: bool) {
        for (i, s) in steps.iter().enumerate() {
            if s.focus.as_deref() == Some("states")
                || s.index.as_deref() == Some("states")
                || s.stages
                    .iter()
                    .any(|st| matches!(st, Stage::Index { name, .. } if name == "states"))
            {
                self.refs.states_assigned = true;
            }
            let states_field = i == 0
                && matches!(&s.expr.kind, ExprKind::Variable(v) if v == "states")
                && s.stages.is_empty()
                && steps
                    .get(1)
                    .is_some_and(|n| matches!(n.expr.kind, ExprKind::Name(_)));
            if states_field {
                if let ExprKind::Name(field) = &steps[1].expr.kind {
                    match field.as_ref() {
                        "input" => self.refs.states_input = true,
                        "result" => self.refs.states_result = true,
                        "errorOutput" => self.refs.states_error_output = true,
                        "context" => self.refs.states_context = true,
                        other => {
                            self.refs.states_other.insert(other.to_string());
                        }
                    }
                }
            } else {
                self.expr(&s.expr, top && i == 0);
            }
            for st in s.stages.iter() {
                if let Stage::Filter(f) = st {
                    self.expr(f, false);
                }
            }
        }
    }
}
