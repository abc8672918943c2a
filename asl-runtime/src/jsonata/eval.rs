//! The evaluator: jsonata-js 2.0.6's `evaluate` over the syntax trees the front end parsed
//! at build time (`asl_syntax::jsonata::Expr`), step for step — paths of steps with stages,
//! sequences and their singleton rules, tuple streams for `@`, `#` and `%`, group-by and
//! object constructors, order-by, transforms, lambdas with closures, partial application,
//! `~>` and tail calls.
//!
//! Evaluation is synchronous (jsonata-js awaits only its own functions, and AWS registers no
//! asynchronous ones). Recursion is bounded twice: a depth count (jsonata-js's "stack
//! overflow", `U1001`) and the stack itself, which grows on the heap when an expression
//! recurses deeply, so no expression can overflow the thread's stack. A time limit is checked
//! every few thousand steps.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

use asl_syntax::jsonata::{BinaryOp, Expr, ExprKind, Pair, SortTerm, Stage, Step};

use super::Error;
use super::func::{Func, Lambda, Signature};
use super::functions;
use super::value::{Array, JValue, Name, Tuple, deep_equal};
use crate::value::{Map, Str, Value, str_of};

/// A frame of variable bindings.
pub(crate) struct Frame<'e> {
    parent: Option<FrameRef<'e>>,
    binds: RefCell<Vec<(Name<'e>, JValue<'e>)>>,
}

/// A shared frame.
pub(crate) type FrameRef<'e> = Rc<Frame<'e>>;

impl<'e> Frame<'e> {
    fn lookup(&self, name: Name<'e>) -> Option<JValue<'e>> {
        let mut frame = self;
        loop {
            if let Some((_, v)) = frame.binds.borrow().iter().rev().find(|(n, _)| *n == name) {
                return Some(v.clone());
            }
            frame = frame.parent.as_deref()?;
        }
    }
}

/// Limits of one evaluation. The default is what AWS enforces (ASL-JA-12), as measured on
/// AWS (floci-io/floci#2737): a nesting of evaluation deeper than about 100 fails ("Stack
/// overflow error"), `[1..873782]` is accepted and `[1..873783]` refused, a string of 2^22
/// characters accepted and 2^23 refused ("memory limit exceeded"), and an evaluation may run
/// for a second.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of evaluation (each node evaluated inside another counts one, as
    /// jsonata-js's test harness counts `depth`), `U1001` beyond.
    pub max_depth: u32,
    /// Longest an evaluation may run, `U1001` beyond.
    pub time_limit: Option<Duration>,
    /// The most memory one value built by the evaluation may hold, counting 8 bytes an item of
    /// an array and a byte a character of a string; `U1002` beyond.
    pub max_bytes: Option<usize>,
}

/// AWS's memory bound: 873,782 numbers of 8 bytes (see [`Limits`]).
const AWS_MAX_BYTES: usize = 873_782 * 8;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 100,
            time_limit: Some(Duration::from_secs(1)),
            max_bytes: Some(AWS_MAX_BYTES),
        }
    }
}

impl Limits {
    /// No bound on depth (beyond one that keeps the stack safe), time or memory: jsonata-js's
    /// own behaviour, for running its test suite.
    pub fn unbounded() -> Limits {
        Limits {
            max_depth: 100_000,
            time_limit: None,
            max_bytes: None,
        }
    }
}

/// `U1002`: a value over [`Limits::max_bytes`].
fn memory_exceeded() -> Error {
    Error::new(
        "U1002",
        "Expression evaluation memory limit exceeded: Check for excessive memory usage",
    )
}

/// The bindings the evaluation starts with (`$states`, workflow variables, a test's
/// bindings): looked up after the expression's own frames, before the library.
pub type Globals<'g> = &'g dyn Fn(&str) -> Option<Value>;

/// One evaluation.
pub(crate) struct Eval<'e, 'g> {
    globals: Globals<'g>,
    limits: Limits,
    depth: u32,
    ticks: u32,
    /// When the clock was first read: at the 1,024th step, so that a short evaluation never
    /// reads it (the limit then counts from a few microseconds in).
    started: Option<Instant>,
    /// The evaluation's clock for `$now()` and `$millis()`, in milliseconds since the epoch.
    pub now_millis: f64,
    /// The root input (`$$`).
    root: JValue<'e>,
    /// Where `$random()`, `$shuffle` and `$uuid()` draw from: a durable visit's recorded
    /// sequence (so a replay draws the same), or the OS.
    draws: Option<&'g crate::intrinsics::Draws>,
    /// Frames that hold functions, whose bindings are cleared at the end (a function bound in
    /// the frame it closes over is a reference cycle).
    cyclic: Vec<Weak<Frame<'e>>>,
}

impl Drop for Eval<'_, '_> {
    fn drop(&mut self) {
        for f in self.cyclic.drain(..) {
            if let Some(f) = f.upgrade() {
                f.binds.borrow_mut().clear();
            }
        }
    }
}

/// What applying a function gave: a value, or a call in tail position to make next.
enum Applied<'e> {
    Value(JValue<'e>),
    Tail {
        proc: JValue<'e>,
        args: Vec<JValue<'e>>,
        name: &'e str,
    },
}

type Res<T> = Result<T, Error>;

fn position(mut e: Error, pos: usize) -> Error {
    if e.position.is_none() {
        e.position = Some(pos);
    }
    e
}

/// A node's `keepArray` flag.
fn keep_array(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Path {
            keep_singleton_array,
            ..
        } => *keep_singleton_array,
        ExprKind::Predicate { keep_array, .. } => *keep_array,
        ExprKind::Apply { lhs, rhs } => keep_array(Expr::one(lhs)) || keep_array(Expr::one(rhs)),
        _ => false,
    }
}

/// The name a call is made by (jsonata-js `procName`), for messages.
fn proc_name(procedure: &Expr) -> &str {
    match &procedure.kind {
        ExprKind::Variable(v) => v,
        ExprKind::Path { steps, .. } => match steps.first().map(|s| &s.expr.kind) {
            Some(ExprKind::Name(n)) | Some(ExprKind::Variable(n)) => n,
            _ => "",
        },
        _ => "",
    }
}

impl<'e, 'g> Eval<'e, 'g> {
    pub fn new(
        globals: Globals<'g>,
        limits: Limits,
        now_millis: f64,
        draws: Option<&'g crate::intrinsics::Draws>,
    ) -> Eval<'e, 'g> {
        Eval {
            draws,
            globals,
            limits,
            depth: 0,
            ticks: 0,
            started: None,
            now_millis,
            root: JValue::Undefined,
            cyclic: Vec::new(),
        }
    }

    /// Evaluates a whole expression against `input` (jsonata-js `evaluate(input, bindings)`).
    pub fn run(&mut self, expr: &'e Expr, input: JValue<'e>) -> Res<JValue<'e>> {
        self.root = input.clone();
        let input = match input {
            JValue::Json(Value::Array(_)) => JValue::Array(Rc::new(Array {
                items: vec![input],
                sequence: true,
                outer_wrapper: true,
                ..Array::default()
            })),
            other => other,
        };
        let env = Rc::new(Frame {
            parent: None,
            binds: RefCell::new(Vec::new()),
        });
        self.eval(expr, &input, &env)
    }

    /// A number uniform in `[0, 1)` from the evaluation's draws.
    pub fn random_f64(&self) -> f64 {
        match self.draws {
            Some(d) => d.next_f64(),
            None => rand::random::<f64>(),
        }
    }

    /// A random UUID from the evaluation's draws.
    pub fn random_uuid(&self) -> String {
        match self.draws {
            Some(d) => d.next_uuid(),
            None => uuid::Uuid::new_v4().to_string(),
        }
    }

    /// Fails with the memory limit's error when a value of `bytes` (counted as
    /// [`Limits::max_bytes`] counts) would exceed it: for library functions to check before
    /// they build a large value.
    pub fn check_bytes(&self, bytes: usize) -> Res<()> {
        match self.limits.max_bytes {
            Some(max) if bytes > max => Err(memory_exceeded()),
            _ => Ok(()),
        }
    }

    fn new_frame(&self, parent: &FrameRef<'e>) -> FrameRef<'e> {
        Rc::new(Frame {
            parent: Some(parent.clone()),
            binds: RefCell::new(Vec::new()),
        })
    }

    fn bind(&mut self, frame: &FrameRef<'e>, name: Name<'e>, value: JValue<'e>) {
        if value.holds_function() {
            self.cyclic.push(Rc::downgrade(frame));
        }
        let mut binds = frame.binds.borrow_mut();
        match binds.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => binds.push((name, value)),
        }
    }

    /// A variable: the expression's frames, then the globals, then the library.
    fn lookup(&self, env: &FrameRef<'e>, name: &'e str) -> JValue<'e> {
        if let Some(v) = env.lookup(Name::Var(name)) {
            return v;
        }
        if let Some(v) = (self.globals)(name) {
            return JValue::Json(v);
        }
        match functions::lookup(name) {
            Some(native) => JValue::Func(Rc::new(Func::Native(native))),
            None => JValue::Undefined,
        }
    }

    fn tick(&mut self) -> Res<()> {
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks.is_multiple_of(1024)
            && let Some(limit) = self.limits.time_limit
            && self.started.get_or_insert_with(Instant::now).elapsed() > limit
        {
            return Err(Error::new(
                "U1001",
                "Expression evaluation timeout: Check for infinite loop",
            ));
        }
        Ok(())
    }

    /// jsonata-js `evaluate`.
    pub fn eval(
        &mut self,
        expr: &'e Expr,
        input: &JValue<'e>,
        env: &FrameRef<'e>,
    ) -> Res<JValue<'e>> {
        self.eval_node(expr, input, env, keep_array(expr))
    }

    fn eval_node(
        &mut self,
        expr: &'e Expr,
        input: &JValue<'e>,
        env: &FrameRef<'e>,
        keep: bool,
    ) -> Res<JValue<'e>> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            self.depth -= 1;
            return Err(stack_overflow());
        }
        // The stack is checked every few levels: each check keeps a red zone far larger than
        // what the levels in between can use.
        let r = self.tick().and_then(|()| {
            if self.depth.is_multiple_of(STACK_CHECK_EVERY) {
                stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
                    self.eval_kind(expr, input, env)
                })
            } else {
                self.eval_kind(expr, input, env)
            }
        });
        self.depth -= 1;
        let mut result = r?;
        if let Some(max) = self.limits.max_bytes
            && held_bytes(&result) > max
        {
            return Err(memory_exceeded());
        }
        if let JValue::Array(a) = &mut result
            && a.sequence
        {
            if keep {
                Rc::make_mut(a).keep_singleton = true;
            }
            match a.items.len() {
                0 => return Ok(JValue::Undefined),
                1 if !a.keep_singleton => return Ok(a.items[0].clone()),
                _ => {}
            }
        }
        Ok(result)
    }

    fn eval_kind(
        &mut self,
        expr: &'e Expr,
        input: &JValue<'e>,
        env: &FrameRef<'e>,
    ) -> Res<JValue<'e>> {
        Ok(match &expr.kind {
            ExprKind::Path { .. } => self.path(expr, input, env, None)?,
            ExprKind::Binary { op, lhs, rhs } => self
                .binary(*op, Expr::one(lhs), Expr::one(rhs), input, env)
                .map_err(|e| position(e, expr.pos))?,
            ExprKind::Negate(operand) => {
                let v = self.eval(Expr::one(operand), input, env)?;
                match &v {
                    JValue::Undefined => JValue::Undefined,
                    _ => match v.as_f64() {
                        Some(x) => JValue::num(-x)?,
                        None => {
                            return Err(position(
                                Error::new(
                                    "D1002",
                                    format!("Cannot negate a non-numeric value: {}", json_text(&v)),
                                ),
                                expr.pos,
                            ));
                        }
                    },
                }
            }
            ExprKind::Array { items, cons_array } => {
                let mut out: Vec<JValue<'e>> = Vec::with_capacity(items.len());
                for item in items.iter() {
                    let v = self.eval(item, input, env)?;
                    if v.is_undefined() {
                        continue;
                    }
                    if matches!(item.kind, ExprKind::Array { .. }) {
                        out.push(v);
                    } else {
                        v.push_flat(&mut out);
                    }
                }
                JValue::Array(Rc::new(Array {
                    items: out,
                    cons: *cons_array,
                    ..Array::default()
                }))
            }
            ExprKind::Object(pairs) => self.group(pairs, input.clone(), env, expr.pos)?,
            ExprKind::Name(name) => lookup_field(input, name),
            ExprKind::String(s) => JValue::Json(Value::String(str_of(s))),
            ExprKind::Number(n) => JValue::num(*n)?,
            ExprKind::Bool(b) => JValue::bool(*b),
            ExprKind::Null => JValue::Json(Value::Null),
            ExprKind::Wildcard => wildcard(input),
            ExprKind::Descendant => descendants(input),
            ExprKind::Parent { label } => env.lookup(Name::Ancestor(*label)).unwrap_or_default(),
            ExprKind::Condition {
                cond,
                then,
                otherwise,
            } => {
                let c = self.eval(Expr::one(cond), input, env)?;
                if boolean(&c) {
                    self.eval(Expr::one(then), input, env)?
                } else if let Some(e) = otherwise.first() {
                    self.eval(e, input, env)?
                } else {
                    JValue::Undefined
                }
            }
            ExprKind::Default { op, lhs, rhs } => {
                let l = self.eval(Expr::one(lhs), input, env)?;
                let use_lhs = match op {
                    asl_syntax::jsonata::DefaultOp::Elvis => boolean(&l),
                    asl_syntax::jsonata::DefaultOp::Coalesce => !l.is_undefined(),
                };
                if use_lhs {
                    l
                } else {
                    self.eval(Expr::one(rhs), input, env)?
                }
            }
            ExprKind::Block { exprs, .. } => {
                let frame = self.new_frame(env);
                let mut result = JValue::Undefined;
                for e in exprs.iter() {
                    result = self.eval(e, input, &frame)?;
                }
                result
            }
            ExprKind::Bind { name, value } => {
                let v = self.eval(Expr::one(value), input, env)?;
                self.bind(env, Name::Var(name), v.clone());
                v
            }
            ExprKind::Regex { pattern, flags } => {
                let re = asl_syntax::regex::compile_js(pattern, flags)
                    .map_err(|e| position(Error::new("S0302", e), expr.pos))?;
                JValue::Func(Rc::new(Func::Regex(re)))
            }
            ExprKind::Call {
                procedure,
                args,
                partial,
            } => {
                if *partial {
                    self.partial(Expr::one(procedure), args, input, env, expr.pos)?
                } else {
                    self.call(Expr::one(procedure), args, None, input, env, expr.pos)?
                }
            }
            ExprKind::Variable(name) => match name.as_ref() {
                "" => match input {
                    JValue::Array(a) if a.outer_wrapper => {
                        a.items.first().cloned().unwrap_or_default()
                    }
                    other => other.clone(),
                },
                "$" => self.root.clone(),
                n => self.lookup(env, n),
            },
            ExprKind::Lambda {
                params,
                signature,
                body,
            } => {
                let signature = match signature {
                    Some(s) => Some(Rc::new(
                        Signature::parse(s).map_err(|e| position(e, expr.pos))?,
                    )),
                    None => None,
                };
                JValue::Func(Rc::new(Func::Lambda(Lambda {
                    params: params.iter().map(|p| p.as_ref()).collect(),
                    body: Expr::one(body),
                    env: env.clone(),
                    input: input.clone(),
                    signature,
                })))
            }
            ExprKind::Apply { lhs, rhs } => {
                let mut rhs = Expr::one(rhs);
                // `f(x)[]`: a call flagged to keep an array is still a call (jsonata-js
                // keeps the flag on the function node).
                if let ExprKind::Predicate {
                    expr: inner,
                    filters,
                    ..
                } = &rhs.kind
                    && filters.is_empty()
                    && matches!(Expr::one(inner).kind, ExprKind::Call { partial: false, .. })
                {
                    rhs = Expr::one(inner);
                }
                let l = self.eval(Expr::one(lhs), input, env)?;
                if let ExprKind::Call {
                    procedure,
                    args,
                    partial: false,
                } = &rhs.kind
                {
                    self.call(Expr::one(procedure), args, Some(l), input, env, rhs.pos)?
                } else {
                    let f = self.eval(rhs, input, env)?;
                    if !f.is_function() {
                        return Err(position(
                            Error::new(
                                "T2006",
                                "The right side of the function application operator ~> must be a function",
                            ),
                            expr.pos,
                        ));
                    }
                    if l.is_function() {
                        JValue::Func(Rc::new(Func::Chain(l, f)))
                    } else {
                        self.apply(&f, vec![l], input, "")?
                    }
                }
            }
            ExprKind::Transform { .. } => JValue::Func(Rc::new(Func::Transform {
                node: expr,
                env: env.clone(),
            })),
            ExprKind::Predicate {
                expr: inner,
                filters,
                ..
            } => {
                // jsonata-js: one node with predicates (and `keepArray`), so the inner value
                // reaches the predicates before any singleton is unwrapped, and the
                // Predicate node's epilogue is the only one.
                let mut r = self.eval_kind(Expr::one(inner), input, env)?;
                for f in filters.iter() {
                    r = self.filter(f, r, env)?;
                }
                r
            }
            ExprKind::Group { expr: inner, pairs } => {
                let inner = Expr::one(inner);
                if matches!(inner.kind, ExprKind::Path { .. }) {
                    self.path(inner, input, env, Some((pairs, expr.pos)))?
                } else {
                    let r = self.eval_kind(inner, input, env)?;
                    self.group(pairs, r, env, expr.pos)?
                }
            }
            ExprKind::Sort { terms } => {
                let seq = match input {
                    JValue::Array(_) | JValue::Json(Value::Array(_)) => input.clone(),
                    other => JValue::sequence(vec![other.clone()]),
                };
                self.sort(terms, seq, env, expr.pos)?
            }
            ExprKind::Placeholder => JValue::Undefined,
        })
    }

    // -----------------------------------------------------------------------------------------
    // Paths
    // -----------------------------------------------------------------------------------------

    /// jsonata-js `evaluatePath` (with the group-by of a grouped path).
    fn path(
        &mut self,
        expr: &'e Expr,
        input: &JValue<'e>,
        env: &FrameRef<'e>,
        group: Option<(&'e [Pair], usize)>,
    ) -> Res<JValue<'e>> {
        let ExprKind::Path {
            steps,
            keep_singleton_array,
            tuple: path_tuple,
        } = &expr.kind
        else {
            return self.eval(expr, input, env);
        };
        // jsonata-js: `@` applied to something other than a path (`$@$i`, `(a.b)@$x`) binds
        // nothing and makes no path: the expression is evaluated as it is.
        if let [step] = &steps[..]
            && step.focus.is_some()
            && step.index.is_none()
            && step.stages.is_empty()
            && !matches!(step.expr.kind, ExprKind::Name(_))
        {
            return self.eval_node(&step.expr, input, env, step.keep_array);
        }
        if group.is_none()
            && !*keep_singleton_array
            && !*path_tuple
            && let Some(v) = self.plain_path(steps, input, env)
        {
            return Ok(v);
        }
        let first_is_variable = steps
            .first()
            .is_some_and(|s| matches!(s.expr.kind, ExprKind::Variable(_)));
        let mut input_seq: Vec<JValue<'e>> = match input.items() {
            Some(items) if !first_is_variable => items.iter().collect(),
            _ => vec![input.clone()],
        };
        let mut result = JValue::Undefined;
        let mut tuples: Option<Vec<Tuple<'e>>> = None;
        let mut is_tuple = false;
        let last = steps.len().saturating_sub(1);
        for (i, step) in steps.iter().enumerate() {
            if step.tuple {
                is_tuple = true;
            }
            let cons_first = i == 0
                && matches!(
                    step.expr.kind,
                    ExprKind::Array {
                        cons_array: true,
                        ..
                    }
                );
            if cons_first {
                let seq = JValue::sequence(input_seq.clone());
                result = self.eval_node(&step.expr, &seq, env, step.keep_array)?;
            } else if is_tuple {
                tuples = Some(self.tuple_step(step, &input_seq, tuples.take(), env)?);
            } else {
                result = self.step(step, &input_seq, env, i == last)?;
            }
            if !is_tuple && result.items().is_none_or(|it| it.is_empty()) {
                // jsonata-js: `resultSequence === undefined || resultSequence.length === 0`
                if result.items().is_some() || result.is_undefined() {
                    break;
                }
            }
            if step.focus.is_none() {
                input_seq = match result.items() {
                    Some(items) => items.iter().collect(),
                    None => vec![result.clone()],
                };
            }
        }
        let mut tuple_stream = None;
        if is_tuple {
            let t = Rc::new(tuples.unwrap_or_default());
            result = if *path_tuple {
                JValue::Tuples(t.clone())
            } else {
                JValue::sequence(t.iter().map(|t| t.at.clone()).collect())
            };
            tuple_stream = Some(t);
        }
        if *keep_singleton_array {
            result = match result {
                JValue::Array(a) if a.cons && !a.sequence => JValue::Array(Rc::new(Array {
                    items: vec![JValue::Array(a)],
                    sequence: true,
                    keep_singleton: true,
                    ..Array::default()
                })),
                JValue::Array(mut a) => {
                    Rc::make_mut(&mut a).keep_singleton = true;
                    JValue::Array(a)
                }
                JValue::Json(Value::Array(a)) => JValue::Array(Rc::new(Array {
                    items: a.iter().cloned().map(JValue::Json).collect(),
                    keep_singleton: true,
                    ..Array::default()
                })),
                other => other,
            };
        }
        if let Some((pairs, pos)) = group {
            let grouped = match tuple_stream {
                Some(t) => JValue::Tuples(t),
                None => result,
            };
            result = self.group(pairs, grouped, env, pos)?;
        }
        Ok(result)
    }

    /// A path of plain names from a variable or a name (`$states.input.order.id`) over single
    /// objects, navigated directly without building sequences: the value jsonata-js's general
    /// route gives on such data. `None` for any other path, or when an array lies on the way
    /// (the general route maps and flattens it).
    fn plain_path(
        &mut self,
        steps: &'e [Step],
        input: &JValue<'e>,
        env: &FrameRef<'e>,
    ) -> Option<JValue<'e>> {
        let (first, rest) = steps.split_first()?;
        if !first.is_plain()
            || !rest
                .iter()
                .all(|s| s.is_plain() && matches!(s.expr.kind, ExprKind::Name(_)))
        {
            return None;
        }
        let mut cur = match &first.expr.kind {
            ExprKind::Variable(v) if !v.is_empty() && v != "$" => self.lookup(env, v),
            ExprKind::Name(n) if input.members().is_some() => lookup_field(input, n),
            _ => return None,
        };
        for step in rest {
            let ExprKind::Name(n) = &step.expr.kind else {
                return None;
            };
            match &cur {
                JValue::Undefined => return Some(JValue::Undefined),
                v if v.is_array() => return None,
                v if v.members().is_some() => cur = lookup_field(v, n),
                // A name on a scalar or a function selects nothing.
                _ => return Some(JValue::Undefined),
            }
        }
        match cur {
            JValue::Array(_) | JValue::Tuples(_) => None,
            v => Some(v),
        }
    }

    /// jsonata-js `evaluateStep`.
    fn step(
        &mut self,
        step: &'e Step,
        input: &[JValue<'e>],
        env: &FrameRef<'e>,
        last: bool,
    ) -> Res<JValue<'e>> {
        if let ExprKind::Sort { terms } = &step.expr.kind {
            let sorted = self.sort(terms, JValue::sequence(input.to_vec()), env, step.expr.pos)?;
            return self.stages(&step.stages, sorted, env);
        }
        let mut results: Vec<JValue<'e>> = Vec::with_capacity(input.len());
        for item in input {
            let mut res = self.eval_node(&step.expr, item, env, step.keep_array)?;
            for stage in step.stages.iter() {
                if let Stage::Filter(p) = stage {
                    res = self.filter(p, res, env)?;
                }
            }
            if !res.is_undefined() {
                results.push(res);
            }
        }
        if last && results.len() == 1 && results[0].is_array() && !results[0].is_sequence() {
            return Ok(results.pop().unwrap_or_default());
        }
        let mut out = Vec::with_capacity(results.len());
        for res in results {
            let cons = res.flags().is_some_and(|a| a.cons);
            if !res.is_array() || cons {
                out.push(res);
            } else {
                res.push_flat(&mut out);
            }
        }
        Ok(JValue::sequence(out))
    }

    fn stages(
        &mut self,
        stages: &'e [Stage],
        input: JValue<'e>,
        env: &FrameRef<'e>,
    ) -> Res<JValue<'e>> {
        let mut result = input;
        for stage in stages {
            match stage {
                Stage::Filter(p) => result = self.filter(p, result, env)?,
                Stage::Index { name, .. } => {
                    if let JValue::Tuples(t) = &mut result {
                        let t = Rc::make_mut(t);
                        for (i, tuple) in t.iter_mut().enumerate() {
                            tuple.set(Name::Var(name), JValue::num(i as f64)?);
                        }
                    }
                }
            }
        }
        Ok(result)
    }

    fn frame_from_tuple(&self, env: &FrameRef<'e>, tuple: &Tuple<'e>) -> FrameRef<'e> {
        Rc::new(Frame {
            parent: Some(env.clone()),
            binds: RefCell::new(tuple.binds.clone()),
        })
    }

    /// jsonata-js `evaluateTupleStep`.
    fn tuple_step(
        &mut self,
        step: &'e Step,
        input: &[JValue<'e>],
        tuples: Option<Vec<Tuple<'e>>>,
        env: &FrameRef<'e>,
    ) -> Res<Vec<Tuple<'e>>> {
        if let ExprKind::Sort { terms } = &step.expr.kind {
            let result = match tuples {
                Some(t) => self.sort(terms, JValue::Tuples(Rc::new(t)), env, step.expr.pos)?,
                None => {
                    let sorted =
                        self.sort(terms, JValue::sequence(input.to_vec()), env, step.expr.pos)?;
                    let mut out = Vec::new();
                    for (i, s) in sorted.into_vec().into_iter().enumerate() {
                        let mut t = Tuple {
                            at: s,
                            binds: Vec::new(),
                        };
                        if let Some(index) = &step.index {
                            t.set(Name::Var(index), JValue::num(i as f64)?);
                        }
                        out.push(t);
                    }
                    JValue::Tuples(Rc::new(out))
                }
            };
            let result = self.stages(&step.stages, result, env)?;
            return Ok(into_tuples(result));
        }
        let tuples = tuples.unwrap_or_else(|| {
            input
                .iter()
                .map(|i| Tuple {
                    at: i.clone(),
                    binds: Vec::new(),
                })
                .collect()
        });
        let mut result: Vec<Tuple<'e>> = Vec::new();
        for tb in &tuples {
            let step_env = self.frame_from_tuple(env, tb);
            let res = self.eval_node(&step.expr, &tb.at, &step_env, step.keep_array)?;
            match res {
                JValue::Undefined => {}
                JValue::Tuples(ts) => {
                    for r in ts.iter() {
                        let mut tuple = tb.clone();
                        tuple.at = r.at.clone();
                        for (n, v) in &r.binds {
                            tuple.set(*n, v.clone());
                        }
                        result.push(tuple);
                    }
                }
                res => {
                    let items: Vec<JValue<'e>> = match res.items() {
                        Some(items) => items.iter().collect(),
                        None => vec![res],
                    };
                    for (bb, r) in items.into_iter().enumerate() {
                        let mut tuple = tb.clone();
                        if let Some(focus) = &step.focus {
                            tuple.set(Name::Var(focus), r);
                            tuple.at = tb.at.clone();
                        } else {
                            tuple.at = r;
                        }
                        if let Some(index) = &step.index {
                            tuple.set(Name::Var(index), JValue::num(bb as f64)?);
                        }
                        if let Some(label) = step.ancestor {
                            tuple.set(Name::Ancestor(label), tb.at.clone());
                        }
                        result.push(tuple);
                    }
                }
            }
        }
        let result = self.stages(&step.stages, JValue::Tuples(Rc::new(result)), env)?;
        Ok(into_tuples(result))
    }

    /// jsonata-js `evaluateFilter`.
    fn filter(&mut self, pred: &'e Expr, input: JValue<'e>, env: &FrameRef<'e>) -> Res<JValue<'e>> {
        if let JValue::Tuples(tuples) = &input {
            let n = tuples.len();
            let mut out: Vec<Tuple<'e>> = Vec::new();
            if let ExprKind::Number(x) = pred.kind {
                if let Some(i) = index_of(x, n) {
                    out.push(tuples[i].clone());
                }
            } else {
                for (index, tuple) in tuples.iter().enumerate() {
                    let frame = self.frame_from_tuple(env, tuple);
                    let res = self.eval(pred, &tuple.at, &frame)?;
                    if self.selects(&res, index, n) {
                        out.push(tuple.clone());
                    }
                }
            }
            return Ok(JValue::Tuples(Rc::new(out)));
        }
        let items: Vec<JValue<'e>> = match input.items() {
            Some(items) => items.iter().collect(),
            None => vec![input],
        };
        let n = items.len();
        if let ExprKind::Number(x) = pred.kind {
            if let Some(i) = index_of(x, n) {
                let item = &items[i];
                if item.is_undefined() {
                    return Ok(JValue::sequence(Vec::new()));
                }
                if item.is_array() {
                    return Ok(item.clone());
                }
                return Ok(JValue::sequence(vec![item.clone()]));
            }
            return Ok(JValue::sequence(Vec::new()));
        }
        let mut out = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let res = self.eval(pred, item, env)?;
            if self.selects(&res, index, n) {
                out.push(item.clone());
            }
        }
        Ok(JValue::sequence(out))
    }

    /// Whether a predicate's value selects the item at `index` of `n`.
    fn selects(&self, res: &JValue<'e>, index: usize, n: usize) -> bool {
        if let Some(x) = res.as_f64() {
            return index_of(x, n) == Some(index);
        }
        if let Some(items) = res.items()
            && items.iter().all(|v| v.as_f64().is_some())
        {
            return items
                .iter()
                .any(|v| v.as_f64().and_then(|x| index_of(x, n)) == Some(index));
        }
        boolean(res)
    }

    // -----------------------------------------------------------------------------------------
    // Operators
    // -----------------------------------------------------------------------------------------

    fn binary(
        &mut self,
        op: BinaryOp,
        lhs: &'e Expr,
        rhs: &'e Expr,
        input: &JValue<'e>,
        env: &FrameRef<'e>,
    ) -> Res<JValue<'e>> {
        let l = self.eval(lhs, input, env)?;
        match op {
            BinaryOp::And => {
                let b = boolean(&l) && boolean(&self.eval(rhs, input, env)?);
                return Ok(JValue::bool(b));
            }
            BinaryOp::Or => {
                let b = boolean(&l) || boolean(&self.eval(rhs, input, env)?);
                return Ok(JValue::bool(b));
            }
            _ => {}
        }
        let r = self.eval(rhs, input, env)?;
        let token = op.as_str();
        match op {
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
                let a = match &l {
                    JValue::Undefined => None,
                    v => Some(v.as_f64().ok_or_else(|| {
                        Error::new(
                            "T2001",
                            format!("The left side of the \"{token}\" operator must evaluate to a number"),
                        )
                        .with_token(token)
                    })?),
                };
                let b = match &r {
                    JValue::Undefined => None,
                    v => Some(v.as_f64().ok_or_else(|| {
                        Error::new(
                            "T2002",
                            format!("The right side of the \"{token}\" operator must evaluate to a number"),
                        )
                        .with_token(token)
                    })?),
                };
                let (Some(a), Some(b)) = (a, b) else {
                    return Ok(JValue::Undefined);
                };
                let x = match op {
                    BinaryOp::Add => a + b,
                    BinaryOp::Sub => a - b,
                    BinaryOp::Mul => a * b,
                    BinaryOp::Div => a / b,
                    _ => a % b,
                };
                JValue::num(x)
            }
            BinaryOp::Eq | BinaryOp::Ne => {
                if l.is_undefined() || r.is_undefined() {
                    return Ok(JValue::bool(false));
                }
                let eq = deep_equal(&l, &r);
                Ok(JValue::bool(if op == BinaryOp::Eq { eq } else { !eq }))
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let comparable = |v: &JValue<'_>| {
                    v.is_undefined() || v.as_str().is_some() || v.as_f64().is_some()
                };
                if !comparable(&l) || !comparable(&r) {
                    let bad = if comparable(&l) { &r } else { &l };
                    let _ = bad;
                    return Err(Error::new(
                        "T2010",
                        format!("The expressions either side of operator \"{token}\" must evaluate to numeric or string values"),
                    )
                    .with_token(token));
                }
                if l.is_undefined() || r.is_undefined() {
                    return Ok(JValue::Undefined);
                }
                let ord = match (&l, &r) {
                    _ if l.as_f64().is_some() && r.as_f64().is_some() => {
                        l.as_f64().partial_cmp(&r.as_f64())
                    }
                    _ if l.as_str().is_some() && r.as_str().is_some() => Some(js_string_cmp(
                        l.as_str().unwrap_or(""),
                        r.as_str().unwrap_or(""),
                    )),
                    _ => {
                        return Err(Error::new(
                            "T2009",
                            format!(
                                "The values {} and {} either side of operator \"{token}\" must be of the same data type",
                                json_text(&l),
                                json_text(&r)
                            ),
                        )
                        .with_token(token));
                    }
                };
                use std::cmp::Ordering::*;
                let b = match (op, ord) {
                    (_, None) => false,
                    (BinaryOp::Lt, Some(o)) => o == Less,
                    (BinaryOp::Le, Some(o)) => o != Greater,
                    (BinaryOp::Gt, Some(o)) => o == Greater,
                    (_, Some(o)) => o != Less,
                };
                Ok(JValue::bool(b))
            }
            BinaryOp::Concat => {
                let mut s = String::new();
                if !l.is_undefined() {
                    s.push_str(&string(&l)?);
                }
                if !r.is_undefined() {
                    s.push_str(&string(&r)?);
                }
                Ok(JValue::str(s))
            }
            BinaryOp::Range => range(&l, &r, self.limits.max_bytes),
            BinaryOp::In => {
                if l.is_undefined() || r.is_undefined() {
                    return Ok(JValue::bool(false));
                }
                let found = match r.items() {
                    Some(items) => items.iter().any(|v| strict_equal(&v, &l)),
                    None => strict_equal(&r, &l),
                };
                Ok(JValue::bool(found))
            }
            BinaryOp::And | BinaryOp::Or => Ok(JValue::Undefined),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Objects: constructors and group-by; order-by
    // -----------------------------------------------------------------------------------------

    /// jsonata-js `evaluateGroupExpression`.
    fn group(
        &mut self,
        pairs: &'e [Pair],
        input: JValue<'e>,
        env: &FrameRef<'e>,
        pos: usize,
    ) -> Res<JValue<'e>> {
        // The common case, `{'a': …, 'b': …}` over one item: every key a distinct literal, so
        // each pair is its own group holding that item (what the general code below computes,
        // without the grouping).
        if !matches!(input, JValue::Tuples(_))
            && input.items().is_none()
            && pairs.len() <= 16
            && let Some(keys) = literal_keys(pairs)
        {
            let mut members: Vec<(Str, JValue<'e>)> = Vec::with_capacity(pairs.len());
            for (key, pair) in keys.into_iter().zip(pairs) {
                let v = self.eval(&pair.value, &input, env)?;
                if !v.is_undefined() {
                    members.push((str_of(key), v));
                }
            }
            return Ok(make_object(members));
        }
        enum Data<'e> {
            Items(JValue<'e>),
            Tuples(Vec<Tuple<'e>>),
        }
        struct Group<'e> {
            key: Str,
            data: Data<'e>,
            index: usize,
        }
        let mut groups: Vec<Group<'e>> = Vec::new();
        let mut find: hashbrown::HashMap<Str, usize, foldhash::fast::RandomState> =
            hashbrown::HashMap::default();
        let reduce = matches!(input, JValue::Tuples(_));
        let mut push_key =
            |this: &mut Self, key: JValue<'e>, item: Data<'e>, index: usize| -> Res<()> {
                let _ = this;
                let key = match key {
                    JValue::Undefined => return Ok(()),
                    JValue::Json(Value::String(s)) => s,
                    other => {
                        return Err(position(
                            Error::new(
                                "T1003",
                                format!(
                                    "Key in object structure must evaluate to a string; got: {}",
                                    json_text(&other)
                                ),
                            ),
                            pos,
                        ));
                    }
                };
                match find.get(&key) {
                    Some(&g) => {
                        let group = &mut groups[g];
                        if group.index != index {
                            return Err(position(
                                Error::new(
                                    "D1009",
                                    format!(
                                        "Multiple key definitions evaluate to same key: \"{key}\""
                                    ),
                                ),
                                pos,
                            ));
                        }
                        match (&mut group.data, item) {
                            (Data::Tuples(t), Data::Tuples(u)) => t.extend(u),
                            (Data::Items(v), Data::Items(w)) => {
                                *v = append(std::mem::take(v), w);
                            }
                            _ => {}
                        }
                    }
                    None => {
                        find.insert(key.clone(), groups.len());
                        groups.push(Group {
                            key,
                            data: item,
                            index,
                        });
                    }
                }
                Ok(())
            };
        if let JValue::Tuples(tuples) = &input {
            for tuple in tuples.iter() {
                let frame = self.frame_from_tuple(env, tuple);
                for (i, pair) in pairs.iter().enumerate() {
                    let key = self.eval(&pair.key, &tuple.at, &frame)?;
                    push_key(self, key, Data::Tuples(vec![tuple.clone()]), i)?;
                }
            }
        } else {
            let items: Vec<JValue<'e>> = match input.items() {
                Some(items) if !items.is_empty() => items.iter().collect(),
                Some(_) => vec![JValue::Undefined],
                None => vec![input.clone()],
            };
            for item in &items {
                for (i, pair) in pairs.iter().enumerate() {
                    let key = self.eval(&pair.key, item, env)?;
                    push_key(self, key, Data::Items(item.clone()), i)?;
                }
            }
        }
        let _ = reduce;
        let mut members: Vec<(Str, JValue<'e>)> = Vec::with_capacity(groups.len());
        for g in groups {
            let value_expr = &pairs[g.index].value;
            let v = match g.data {
                Data::Items(context) => self.eval(value_expr, &context, env)?,
                Data::Tuples(tuples) => {
                    let tuple = reduce_tuples(tuples);
                    let frame = self.frame_from_tuple(env, &tuple);
                    self.eval(value_expr, &tuple.at, &frame)?
                }
            };
            if !v.is_undefined() {
                members.push((g.key, v));
            }
        }
        Ok(make_object(members))
    }

    /// jsonata-js `evaluateSortExpression` (a stable merge sort, as `fn.sort`).
    fn sort(
        &mut self,
        terms: &'e [SortTerm],
        input: JValue<'e>,
        env: &FrameRef<'e>,
        pos: usize,
    ) -> Res<JValue<'e>> {
        let is_tuple = matches!(input, JValue::Tuples(_));
        let len = match &input {
            JValue::Tuples(t) => t.len(),
            other => other.items().map_or(0, |i| i.len()),
        };
        if len <= 1 {
            return Ok(input);
        }
        // The sort keys of each item, one per term.
        let mut keys: Vec<Vec<JValue<'e>>> = Vec::with_capacity(len);
        match &input {
            JValue::Tuples(t) => {
                for tuple in t.iter() {
                    let frame = self.frame_from_tuple(env, tuple);
                    let mut k = Vec::with_capacity(terms.len());
                    for term in terms {
                        k.push(self.eval(&term.expr, &tuple.at, &frame)?);
                    }
                    keys.push(k);
                }
            }
            other => {
                for item in other.items().into_iter().flat_map(|i| i.iter()) {
                    let mut k = Vec::with_capacity(terms.len());
                    for term in terms {
                        k.push(self.eval(&term.expr, &item, env)?);
                    }
                    keys.push(k);
                }
            }
        }
        let greater = |a: usize, b: usize| -> Res<bool> {
            for (t, term) in terms.iter().enumerate() {
                let (x, y) = (&keys[a][t], &keys[b][t]);
                if x.is_undefined() {
                    if y.is_undefined() {
                        continue;
                    }
                    return Ok(true);
                }
                if y.is_undefined() {
                    return Ok(false);
                }
                let scalar = |v: &JValue<'_>| v.as_str().is_some() || v.as_f64().is_some();
                if !scalar(x) || !scalar(y) {
                    return Err(position(
                        Error::new(
                            "T2008",
                            "The expressions within an order-by clause must evaluate to numeric or string values",
                        ),
                        pos,
                    ));
                }
                let ord = match (x.as_f64(), y.as_f64(), x.as_str(), y.as_str()) {
                    (Some(p), Some(q), _, _) => {
                        p.partial_cmp(&q).unwrap_or(std::cmp::Ordering::Equal)
                    }
                    (_, _, Some(p), Some(q)) => js_string_cmp(p, q),
                    _ => {
                        return Err(position(
                            Error::new(
                                "T2007",
                                format!(
                                    "Type mismatch when comparing values {} and {} in order-by clause",
                                    json_text(x),
                                    json_text(y)
                                ),
                            ),
                            pos,
                        ));
                    }
                };
                let ord = if term.descending { ord.reverse() } else { ord };
                match ord {
                    std::cmp::Ordering::Equal => continue,
                    std::cmp::Ordering::Greater => return Ok(true),
                    std::cmp::Ordering::Less => return Ok(false),
                }
            }
            Ok(false)
        };
        let order = merge_sort((0..len).collect(), &greater)?;
        Ok(match input {
            JValue::Tuples(t) => {
                JValue::Tuples(Rc::new(order.into_iter().map(|i| t[i].clone()).collect()))
            }
            other => {
                let items: Vec<JValue<'e>> = other.into_vec();
                let _ = is_tuple;
                JValue::array(order.into_iter().map(|i| items[i].clone()).collect())
            }
        })
    }

    // -----------------------------------------------------------------------------------------
    // Functions
    // -----------------------------------------------------------------------------------------

    /// jsonata-js `evaluateFunction`; `context` is the left side of `~>`.
    fn call(
        &mut self,
        procedure: &'e Expr,
        args: &'e [Expr],
        context: Option<JValue<'e>>,
        input: &JValue<'e>,
        env: &FrameRef<'e>,
        pos: usize,
    ) -> Res<JValue<'e>> {
        let proc = self.eval(procedure, input, env)?;
        let name = proc_name(procedure);
        if proc.is_undefined()
            && let ExprKind::Path { steps, .. } = &procedure.kind
            && let Some(ExprKind::Name(n)) = steps.first().map(|s| &s.expr.kind)
            && !self.lookup(env, n).is_undefined()
        {
            return Err(position(
                Error::new(
                    "T1005",
                    format!("Attempted to invoke a non-function. Did you mean ${n}?"),
                )
                .with_token(n),
                pos,
            ));
        }
        let mut values = Vec::with_capacity(args.len() + 1);
        if let Some(c) = context {
            values.push(c);
        }
        for a in args {
            values.push(self.eval(a, input, env)?);
        }
        self.apply(&proc, values, input, name)
            .map_err(|e| position(e, pos).with_token(name))
    }

    /// jsonata-js `evaluatePartialApplication`.
    fn partial(
        &mut self,
        procedure: &'e Expr,
        args: &'e [Expr],
        input: &JValue<'e>,
        env: &FrameRef<'e>,
        pos: usize,
    ) -> Res<JValue<'e>> {
        let mut values: Vec<Option<JValue<'e>>> = Vec::with_capacity(args.len());
        for a in args {
            if matches!(a.kind, ExprKind::Placeholder) {
                values.push(None);
            } else {
                values.push(Some(self.eval(a, input, env)?));
            }
        }
        let proc = self.eval(procedure, input, env)?;
        if proc.is_undefined()
            && let ExprKind::Path { steps, .. } = &procedure.kind
            && let Some(ExprKind::Name(n)) = steps.first().map(|s| &s.expr.kind)
            && !self.lookup(env, n).is_undefined()
        {
            return Err(position(
                Error::new(
                    "T1007",
                    format!("Attempted to partially apply a non-function. Did you mean ${n}?"),
                )
                .with_token(n),
                pos,
            ));
        }
        let f = match proc.as_func().map(|f| &**f) {
            Some(Func::Lambda(l)) => {
                let frame = self.new_frame(&l.env);
                let mut unbound = Vec::new();
                for (i, p) in l.params.iter().enumerate() {
                    match values.get(i) {
                        Some(None) => unbound.push(*p),
                        Some(Some(v)) => self.bind(&frame, Name::Var(p), v.clone()),
                        None => self.bind(&frame, Name::Var(p), JValue::Undefined),
                    }
                }
                Func::Lambda(Lambda {
                    params: unbound,
                    body: l.body,
                    env: frame,
                    input: l.input.clone(),
                    signature: None,
                })
            }
            Some(Func::PartialNative {
                native,
                args: bound,
            }) => {
                let mut supplied = values.into_iter();
                let args = bound
                    .iter()
                    .map(|a| match a {
                        Some(v) => Some(v.clone()),
                        None => supplied.next().unwrap_or(Some(JValue::Undefined)),
                    })
                    .collect();
                Func::PartialNative { native, args }
            }
            Some(Func::Native(n)) => {
                let mut bound = values;
                bound.resize(n.arity.max(bound.len()), Some(JValue::Undefined));
                Func::PartialNative {
                    native: n,
                    args: bound,
                }
            }
            _ => {
                return Err(position(
                    Error::new("T1008", "Attempted to partially apply a non-function")
                        .with_token(proc_name(procedure)),
                    pos,
                ));
            }
        };
        Ok(JValue::Func(Rc::new(f)))
    }

    /// Applies a function to arguments (jsonata-js `apply`, with its tail-call trampoline).
    /// `name` is the name it was called by, for messages.
    pub fn apply(
        &mut self,
        proc: &JValue<'e>,
        args: Vec<JValue<'e>>,
        input: &JValue<'e>,
        name: &'e str,
    ) -> Res<JValue<'e>> {
        let mut next = self.apply_inner(proc, args, input, name)?;
        loop {
            match next {
                Applied::Value(v) => return Ok(v),
                Applied::Tail { proc, args, name } => {
                    self.tick()?;
                    next = self.apply_inner(&proc, args, input, name)?;
                }
            }
        }
    }

    fn apply_inner(
        &mut self,
        proc: &JValue<'e>,
        args: Vec<JValue<'e>>,
        input: &JValue<'e>,
        name: &'e str,
    ) -> Res<Applied<'e>> {
        let Some(f) = proc.as_func() else {
            return Err(Error::new("T1006", "Attempted to invoke a non-function"));
        };
        let f = f.clone();
        match &*f {
            Func::Lambda(l) => {
                let args = match &l.signature {
                    Some(sig) => sig.validate(args, input, name)?,
                    None => args,
                };
                let frame = self.new_frame(&l.env);
                let mut args = args.into_iter();
                for p in &l.params {
                    let v = args.next().unwrap_or_default();
                    self.bind(&frame, Name::Var(p), v);
                }
                self.eval_tail(l.body, &l.input, &frame)
            }
            Func::Native(n) => {
                let args = n.signature().validate(
                    args,
                    input,
                    if name.is_empty() { n.name } else { name },
                )?;
                (n.imp)(self, args, input).map(Applied::Value)
            }
            Func::PartialNative {
                native,
                args: bound,
            } => {
                let mut supplied = args.into_iter();
                let full: Vec<JValue<'e>> = bound
                    .iter()
                    .map(|a| match a {
                        Some(v) => v.clone(),
                        None => supplied.next().unwrap_or_default(),
                    })
                    .collect();
                // jsonata-js calls the implementation directly here, without the signature;
                // the library functions rely on it, so it is applied without the context.
                let full = native.signature().validate(
                    trim_undefined(full),
                    &JValue::Undefined,
                    native.name,
                )?;
                (native.imp)(self, full, input).map(Applied::Value)
            }
            Func::Regex(re) => {
                let s = args
                    .first()
                    .and_then(|a| a.as_str())
                    .unwrap_or("")
                    .to_owned();
                let from = args.get(1).and_then(|a| a.as_f64()).unwrap_or(0.0) as usize;
                Ok(Applied::Value(functions::regex_exec(re, &s, from)?))
            }
            Func::Transform { node, env } => {
                let obj = args.into_iter().next().unwrap_or_default();
                self.transform(node, obj, env).map(Applied::Value)
            }
            Func::Chain(first, second) => {
                let v = self.apply(first, args, input, "")?;
                Ok(Applied::Tail {
                    proc: second.clone(),
                    args: vec![v],
                    name: "",
                })
            }
        }
    }

    /// Evaluates a lambda body, leaving a call in tail position to the trampoline
    /// (jsonata-js `tailCallOptimize`).
    fn eval_tail(
        &mut self,
        expr: &'e Expr,
        input: &JValue<'e>,
        env: &FrameRef<'e>,
    ) -> Res<Applied<'e>> {
        if !matches!(
            expr.kind,
            ExprKind::Call { partial: false, .. }
                | ExprKind::Condition { .. }
                | ExprKind::Block { .. }
        ) {
            return self.eval(expr, input, env).map(Applied::Value);
        }
        // Counted as one evaluation, as jsonata-js evaluates the node (a thunk for a call).
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            self.depth -= 1;
            return Err(stack_overflow());
        }
        let r = self.tick().and_then(|()| {
            stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
                self.eval_tail_kind(expr, input, env)
            })
        });
        self.depth -= 1;
        r
    }

    fn eval_tail_kind(
        &mut self,
        expr: &'e Expr,
        input: &JValue<'e>,
        env: &FrameRef<'e>,
    ) -> Res<Applied<'e>> {
        match &expr.kind {
            ExprKind::Call {
                procedure,
                args,
                partial: false,
            } => {
                let procedure = Expr::one(procedure);
                let proc = self.eval(procedure, input, env)?;
                let mut values = Vec::with_capacity(args.len());
                for a in args.iter() {
                    values.push(self.eval(a, input, env)?);
                }
                if !proc.is_function() {
                    return self
                        .apply_inner(&proc, values, input, proc_name(procedure))
                        .map_err(|e| position(e, expr.pos));
                }
                Ok(Applied::Tail {
                    proc,
                    args: values,
                    name: proc_name(procedure),
                })
            }
            ExprKind::Condition {
                cond,
                then,
                otherwise,
            } => {
                let c = self.eval(Expr::one(cond), input, env)?;
                if boolean(&c) {
                    self.eval_tail(Expr::one(then), input, env)
                } else if let Some(e) = otherwise.first() {
                    self.eval_tail(e, input, env)
                } else {
                    Ok(Applied::Value(JValue::Undefined))
                }
            }
            ExprKind::Block { exprs, .. } if !exprs.is_empty() => {
                let frame = self.new_frame(env);
                let (last, init) = exprs.split_last().expect("not empty");
                for e in init {
                    self.eval(e, input, &frame)?;
                }
                self.eval_tail(last, input, &frame)
            }
            _ => self.eval(expr, input, env).map(Applied::Value),
        }
    }

    /// jsonata-js `evaluateTransformExpression`'s transformer.
    fn transform(
        &mut self,
        node: &'e Expr,
        obj: JValue<'e>,
        env: &FrameRef<'e>,
    ) -> Res<JValue<'e>> {
        let ExprKind::Transform {
            pattern,
            update,
            delete,
        } = &node.kind
        else {
            return Ok(JValue::Undefined);
        };
        if obj.is_undefined() {
            return Ok(JValue::Undefined);
        }
        // The copy to change: a deep copy (jsonata-js `$clone`, JSON.parse(JSON.stringify)),
        // so every object in it is distinct and a match is found again by identity.
        let Some(root) = obj.to_json() else {
            return Ok(JValue::Undefined);
        };
        let mut root = deep_copy(&root);
        let matches = self.eval(Expr::one(pattern), &JValue::Json(root.clone()), env)?;
        let mut paths: Vec<Vec<Seg>> = Vec::new();
        {
            let wanted: Vec<*const Map> = matches
                .into_vec()
                .iter()
                .filter_map(|m| match m {
                    JValue::Json(Value::Object(o)) => Some(std::sync::Arc::as_ptr(o)),
                    _ => None,
                })
                .collect();
            let mut found: hashbrown::HashMap<*const Map, Vec<Seg>> = hashbrown::HashMap::new();
            locate(&root, &mut Vec::new(), &wanted, &mut found);
            for w in &wanted {
                if let Some(p) = found.get(w) {
                    paths.push(p.clone());
                }
            }
        }
        for path in paths {
            // The match as it is now (earlier updates may have changed it).
            let Some(current) = navigate(&root, &path).cloned() else {
                continue;
            };
            let m = JValue::Json(current);
            let upd = self.eval(Expr::one(update), &m, env)?;
            let upd_members: Option<Vec<(Str, Value)>> = match &upd {
                JValue::Undefined => None,
                v if v.is_object() => Some(
                    v.members()
                        .into_iter()
                        .flat_map(|m| m.iter())
                        .filter_map(|(k, v)| v.to_json().map(|v| (k, v)))
                        .collect(),
                ),
                _ => {
                    return Err(position(
                        Error::new(
                            "T2011",
                            format!(
                                "The insert/update clause of the transform expression must evaluate to an object: {}",
                                json_text(&upd)
                            ),
                        ),
                        Expr::one(update).pos,
                    ));
                }
            };
            if let Some(Value::Object(obj)) = navigate_mut(&mut root, &path)
                && let Some(u) = &upd_members
            {
                let obj = std::sync::Arc::make_mut(obj);
                for (k, v) in u {
                    obj.insert(k.clone(), v.clone());
                }
            }
            if let Some(d) = delete.first() {
                let m = match navigate(&root, &path) {
                    Some(v) => JValue::Json(v.clone()),
                    None => m,
                };
                let dv = self.eval(d, &m, env)?;
                if !dv.is_undefined() {
                    let list: Vec<JValue<'e>> = match dv.items() {
                        Some(items) => items.iter().collect(),
                        None => vec![dv.clone()],
                    };
                    if list.iter().any(|s| s.as_str().is_none()) {
                        return Err(position(
                            Error::new(
                                "T2012",
                                format!(
                                    "The delete clause of the transform expression must evaluate to a string or array of strings: {}",
                                    json_text(&dv)
                                ),
                            ),
                            d.pos,
                        ));
                    }
                    if let Some(Value::Object(obj)) = navigate_mut(&mut root, &path) {
                        let obj = std::sync::Arc::make_mut(obj);
                        for k in list.iter().filter_map(|s| s.as_str()) {
                            obj.remove(k);
                        }
                    }
                }
            }
        }
        Ok(JValue::Json(root))
    }
}

/// One step from a value to a member or item.
#[derive(Clone, Debug)]
enum Seg {
    Key(Str),
    Index(usize),
}

/// A deep copy in which every array and object is a new allocation.
fn deep_copy(v: &Value) -> Value {
    match v {
        Value::Array(a) => Value::array(a.iter().map(deep_copy).collect()),
        Value::Object(m) => {
            let mut out = Map::with_capacity(m.len());
            for (k, v) in m.iter() {
                out.insert(k.clone(), deep_copy(v));
            }
            Value::object(out)
        }
        other => other.clone(),
    }
}

/// Records the path to each object of `wanted` found in `v`.
fn locate(
    v: &Value,
    path: &mut Vec<Seg>,
    wanted: &[*const Map],
    found: &mut hashbrown::HashMap<*const Map, Vec<Seg>>,
) {
    match v {
        Value::Object(m) => {
            let p = std::sync::Arc::as_ptr(m);
            if wanted.contains(&p) {
                found.entry(p).or_insert_with(|| path.clone());
            }
            for (k, c) in m.iter() {
                path.push(Seg::Key(k.clone()));
                locate(c, path, wanted, found);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                path.push(Seg::Index(i));
                locate(c, path, wanted, found);
                path.pop();
            }
        }
        _ => {}
    }
}

fn navigate<'v>(mut v: &'v Value, path: &[Seg]) -> Option<&'v Value> {
    for seg in path {
        v = match (seg, v) {
            (Seg::Key(k), Value::Object(m)) => m.get(k)?,
            (Seg::Index(i), Value::Array(a)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

fn navigate_mut<'v>(mut v: &'v mut Value, path: &[Seg]) -> Option<&'v mut Value> {
    for seg in path {
        v = match (seg, v) {
            (Seg::Key(k), Value::Object(m)) => std::sync::Arc::make_mut(m).get_mut(k)?,
            (Seg::Index(i), Value::Array(a)) => std::sync::Arc::make_mut(a).get_mut(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

fn into_tuples(v: JValue<'_>) -> Vec<Tuple<'_>> {
    match v {
        JValue::Tuples(t) => Rc::try_unwrap(t).unwrap_or_else(|t| (*t).clone()),
        other => other
            .into_vec()
            .into_iter()
            .map(|at| Tuple {
                at,
                binds: Vec::new(),
            })
            .collect(),
    }
}

/// jsonata-js `reduceTupleStream`.
fn reduce_tuples(tuples: Vec<Tuple<'_>>) -> Tuple<'_> {
    let mut it = tuples.into_iter();
    let mut result = it.next().unwrap_or_default();
    for t in it {
        result.at = append(std::mem::take(&mut result.at), t.at);
        for (n, v) in t.binds {
            match result.binds.iter_mut().find(|(m, _)| *m == n) {
                Some(slot) => slot.1 = append(std::mem::take(&mut slot.1), v),
                None => result.binds.push((n, v)),
            }
        }
    }
    result
}

/// What a value holds for [`Limits::max_bytes`] (its top level: the items of an array, the
/// characters of a string).
fn held_bytes(v: &JValue<'_>) -> usize {
    match v {
        JValue::Json(Value::String(s)) => s.len(),
        JValue::Json(Value::Array(a)) => a.len() * 8,
        JValue::Array(a) => a.items.len() * 8,
        JValue::Tuples(t) => t.len() * 8,
        _ => 0,
    }
}

/// Evaluation levels between two checks of the stack.
const STACK_CHECK_EVERY: u32 = 8;
/// The stack left at a check below which a new segment is allocated: room for
/// [`STACK_CHECK_EVERY`] levels of evaluation even in unoptimised builds.
const STACK_RED_ZONE: usize = 512 * 1024;
/// The size of each stack segment allocated on the heap.
const STACK_SEGMENT: usize = 4 * 1024 * 1024;

fn stack_overflow() -> Error {
    Error::new(
        "U1001",
        "Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive.",
    )
}

/// The index `x` (floored, negative from the end) selects in a sequence of `n`.
fn index_of(x: f64, n: usize) -> Option<usize> {
    let mut i = x.floor();
    if i < 0.0 {
        i += n as f64;
    }
    if i >= 0.0 && i < n as f64 {
        Some(i as usize)
    } else {
        None
    }
}

fn merge_sort<F: Fn(usize, usize) -> Res<bool>>(v: Vec<usize>, greater: &F) -> Res<Vec<usize>> {
    if v.len() <= 1 {
        return Ok(v);
    }
    let mid = v.len() / 2;
    let left = merge_sort(v[..mid].to_vec(), greater)?;
    let right = merge_sort(v[mid..].to_vec(), greater)?;
    let mut out = Vec::with_capacity(v.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        if greater(left[i], right[j])? {
            out.push(right[j]);
            j += 1;
        } else {
            out.push(left[i]);
            i += 1;
        }
    }
    out.extend_from_slice(&left[i..]);
    out.extend_from_slice(&right[j..]);
    Ok(out)
}

/// An object from its members: JSON when every member is, else an object of JSONata values.
/// The keys of an object constructor's pairs when every key is a string literal and no two
/// are the same.
fn literal_keys(pairs: &[Pair]) -> Option<Vec<&asl_syntax::jsonata::Str>> {
    let mut keys: Vec<&asl_syntax::jsonata::Str> = Vec::with_capacity(pairs.len());
    for pair in pairs {
        let ExprKind::String(k) = &pair.key.kind else {
            return None;
        };
        if keys.contains(&k) {
            return None;
        }
        keys.push(k);
    }
    Some(keys)
}

pub(crate) fn make_object<'e>(members: Vec<(Str, JValue<'e>)>) -> JValue<'e> {
    if members.iter().any(|(_, v)| v.holds_function()) {
        return JValue::Object(Rc::new(members));
    }
    let mut map = Map::with_capacity(members.len());
    for (k, v) in members {
        if let Some(v) = v.to_json() {
            map.insert(k, v);
        }
    }
    JValue::Json(Value::object(map))
}

/// jsonata-js `fn.lookup` of a field name.
pub(crate) fn lookup_field<'e>(input: &JValue<'e>, key: &str) -> JValue<'e> {
    match input {
        JValue::Json(Value::Object(m)) => {
            m.get(key).cloned().map_or(JValue::Undefined, JValue::Json)
        }
        JValue::Object(m) => m
            .iter()
            .find(|(k, _)| k == key)
            .map_or(JValue::Undefined, |(_, v)| v.clone()),
        _ => match input.items() {
            Some(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    let r = lookup_field(&item, key);
                    if r.is_undefined() {
                        continue;
                    }
                    if r.is_array() {
                        r.push_flat(&mut out);
                    } else {
                        out.push(r);
                    }
                }
                JValue::sequence(out)
            }
            None => JValue::Undefined,
        },
    }
}

fn wildcard<'e>(input: &JValue<'e>) -> JValue<'e> {
    let input = match input {
        JValue::Array(a) if a.outer_wrapper && !a.items.is_empty() => &a.items[0],
        other => other,
    };
    let mut out = Vec::new();
    // An array is an object to `Object.keys`: its items are its values.
    if let Some(items) = input.items() {
        for v in items.iter() {
            if v.is_array() {
                flatten(v, &mut out);
            } else {
                out.push(v);
            }
        }
    } else if let Some(members) = input.members() {
        for (_, v) in members.iter() {
            if v.is_array() {
                flatten(v, &mut out);
            } else {
                out.push(v);
            }
        }
    }
    JValue::sequence(out)
}

fn flatten<'e>(v: JValue<'e>, out: &mut Vec<JValue<'e>>) {
    match v.items() {
        Some(items) => {
            for i in items.iter() {
                flatten(i, out);
            }
        }
        None => out.push(v),
    }
}

fn descendants<'e>(input: &JValue<'e>) -> JValue<'e> {
    if input.is_undefined() {
        return JValue::Undefined;
    }
    let mut out = Vec::new();
    fn recurse<'e>(v: &JValue<'e>, out: &mut Vec<JValue<'e>>) {
        match v.items() {
            Some(items) => {
                for i in items.iter() {
                    recurse(&i, out);
                }
            }
            None => {
                out.push(v.clone());
                if let Some(m) = v.members() {
                    for (_, c) in m.iter() {
                        recurse(&c, out);
                    }
                }
            }
        }
    }
    recurse(input, &mut out);
    if out.len() == 1 {
        out.pop().unwrap_or_default()
    } else {
        JValue::sequence(out)
    }
}

/// jsonata-js `evaluateRangeExpression`.
fn range<'e>(l: &JValue<'e>, r: &JValue<'e>, max_bytes: Option<usize>) -> Res<JValue<'e>> {
    let int = |v: &JValue<'_>| v.as_f64().filter(|x| x.fract() == 0.0);
    if !l.is_undefined() && int(l).is_none() {
        return Err(Error::new(
            "T2003",
            "The left side of the range operator (..) must evaluate to an integer",
        ));
    }
    if !r.is_undefined() && int(r).is_none() {
        return Err(Error::new(
            "T2004",
            "The right side of the range operator (..) must evaluate to an integer",
        ));
    }
    let (Some(a), Some(b)) = (int(l), int(r)) else {
        return Ok(JValue::Undefined);
    };
    if a > b {
        return Ok(JValue::Undefined);
    }
    let size = b - a + 1.0;
    if size > 1e7 {
        return Err(Error::new(
            "D2014",
            format!(
                "The size of the sequence allocated by the range operator (..) must not exceed 1e6.  Attempted to allocate {}.",
                super::format::js_number_to_string(size)
            ),
        ));
    }
    if max_bytes.is_some_and(|m| size * 8.0 > m as f64) {
        return Err(memory_exceeded());
    }
    let mut items = Vec::with_capacity(size as usize);
    let mut x = a;
    while x <= b {
        items.push(JValue::Json(Value::Number(super::value::json_number(x))));
        x += 1.0;
    }
    Ok(JValue::sequence(items))
}

/// `fn.append`.
pub(crate) fn append<'e>(a: JValue<'e>, b: JValue<'e>) -> JValue<'e> {
    if a.is_undefined() {
        return b;
    }
    if b.is_undefined() {
        return a;
    }
    // `arg1.concat(arg2)`: a plain array (concat keeps none of the sequence flags).
    let mut out = Vec::new();
    if a.is_array() {
        a.push_flat(&mut out);
    } else {
        out.push(a);
    }
    if b.is_array() {
        b.push_flat(&mut out);
    } else {
        out.push(b);
    }
    JValue::array(out)
}

/// JavaScript `===` (jsonata-js's `in`): scalars by value, containers by identity.
fn strict_equal<'e>(a: &JValue<'e>, b: &JValue<'e>) -> bool {
    match (a, b) {
        (JValue::Json(x), JValue::Json(y)) => match (x, y) {
            (Value::Number(p), Value::Number(q)) => p.as_f64() == q.as_f64(),
            (Value::Array(p), Value::Array(q)) => std::sync::Arc::ptr_eq(p, q),
            (Value::Object(p), Value::Object(q)) => std::sync::Arc::ptr_eq(p, q),
            _ => x == y,
        },
        (JValue::Func(f), JValue::Func(g)) => Rc::ptr_eq(f, g),
        (JValue::Array(p), JValue::Array(q)) => Rc::ptr_eq(p, q),
        (JValue::Object(p), JValue::Object(q)) => Rc::ptr_eq(p, q),
        _ => false,
    }
}

/// JavaScript's `<` on strings: UTF-16 code unit order.
pub(crate) fn js_string_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// jsonata-js `fn.boolean` (undefined is false).
pub(crate) fn boolean(v: &JValue<'_>) -> bool {
    match v {
        JValue::Undefined => false,
        JValue::Func(_) => false,
        JValue::Json(Value::Null) => false,
        JValue::Json(Value::Bool(b)) => *b,
        JValue::Json(Value::Number(n)) => n.as_f64() != Some(0.0),
        JValue::Json(Value::String(s)) => !s.is_empty(),
        JValue::Json(Value::Object(m)) => !m.is_empty(),
        JValue::Object(m) => !m.is_empty(),
        JValue::Json(Value::Array(a)) => match a.len() {
            0 => false,
            1 => boolean(&JValue::Json(a[0].clone())),
            _ => a.iter().any(|v| boolean(&JValue::Json(v.clone()))),
        },
        JValue::Array(a) => match a.items.len() {
            0 => false,
            1 => boolean(&a.items[0]),
            _ => a.items.iter().any(boolean),
        },
        JValue::Tuples(t) => t.iter().any(|t| boolean(&t.at)),
    }
}

/// Drops trailing undefined arguments (a partial application binds every parameter).
fn trim_undefined(mut args: Vec<JValue<'_>>) -> Vec<JValue<'_>> {
    while args.last().is_some_and(JValue::is_undefined) {
        args.pop();
    }
    args
}

/// jsonata-js `fn.string` (no prettify): strings as they are, functions `""`, anything
/// else as `JSON.stringify` writes it with numbers to 15 significant digits.
pub(crate) fn string(v: &JValue<'_>) -> Res<String> {
    Ok(match v {
        JValue::Json(Value::String(s)) => s.to_string(),
        JValue::Func(_) => String::new(),
        JValue::Array(a) if a.outer_wrapper && !a.items.is_empty() => {
            super::functions::stringify(&a.items[0], false)?
        }
        other => super::functions::stringify(other, false)?,
    })
}

/// A value as jsonata-js writes it into error messages (`JSON.stringify`).
pub(crate) fn json_text(v: &JValue<'_>) -> String {
    match v {
        JValue::Undefined => "undefined".into(),
        other => super::functions::stringify(other, false).unwrap_or_default(),
    }
}
