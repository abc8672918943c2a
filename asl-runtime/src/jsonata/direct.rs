//! The plain cases first: a walk over the expression that answers the simple shapes most
//! state fields are written in — literals, variables, member paths from a variable
//! (`$states.input.a.b`), arithmetic and comparisons on numbers and strings, `and`/`or` on
//! booleans, object constructors with literal keys, `$merge` of objects — straight on
//! [`Value`]s, without the evaluator's frames, sequences and checks.
//!
//! It gives up (`None`) wherever JSONata's answer is anything but the plain one: a missing
//! member, an array to map over, an operand of another type, a name bound to something else.
//! The evaluator then runs the expression from the start and gives the answer or the error
//! exactly; nothing here has a side effect, so giving up costs only the time spent. The
//! operations are those of the lowered states ([`super::lowered`]), whose differential tests
//! hold them to the evaluator's answers.

use asl_syntax::jsonata::{BinaryOp, Expr, ExprKind, Pair, Step};

use super::Globals;
use super::lowered;
use crate::value::{Map, Value, str_of};

/// Deepest nesting walked; deeper expressions go to the evaluator, which counts the depth.
const MAX_DEPTH: u32 = 24;

/// The value of `expr` when it keeps to the plain shapes, `None` otherwise. `max_bytes` is the
/// evaluator's memory bound: a value over it is left for the evaluator to refuse.
pub(crate) fn eval(
    expr: &Expr,
    input: Option<&Value>,
    globals: Globals<'_>,
    max_bytes: Option<usize>,
) -> Option<Value> {
    // An array input is a sequence to map over.
    let input = match input {
        Some(Value::Array(_)) => return None,
        other => other,
    };
    // The commonest condition and counter, `$i < 10000` and `$i + 1`: two numbers, no
    // value built but the answer.
    if let ExprKind::Binary { op, lhs, rhs } = &expr.kind
        && let (Some(x), Some(y)) = (
            number_leaf(Expr::one(lhs), globals),
            number_leaf(Expr::one(rhs), globals),
        )
    {
        return numeric(*op, x, y);
    }
    Direct {
        input,
        globals,
        max_bytes,
    }
    .eval(expr, 0)
}

/// A number literal, or a variable (not the context or root) holding a number.
#[inline]
fn number_leaf(e: &Expr, globals: Globals<'_>) -> Option<f64> {
    match &e.kind {
        ExprKind::Number(n) => Some(*n),
        ExprKind::Variable(name) if !name.is_empty() && name != "$" => match globals(name)? {
            Value::Number(n) => n.as_f64(),
            _ => None,
        },
        _ => None,
    }
}

struct Direct<'a> {
    /// The context item: the evaluation's input (never an array).
    input: Option<&'a Value>,
    globals: Globals<'a>,
    max_bytes: Option<usize>,
}

impl Direct<'_> {
    fn eval(&self, e: &Expr, depth: u32) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        Some(match &e.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Number(n) => lowered::number(*n),
            ExprKind::String(s) => self.held(Value::String(str_of(s)))?,
            ExprKind::Variable(name) => self.held(self.var(name)?)?,
            ExprKind::Path {
                steps,
                keep_singleton_array: false,
                tuple: false,
            } => self.held(self.path(steps)?)?,
            ExprKind::Binary { op, lhs, rhs } => {
                let a = self.operand(Expr::one(lhs), depth + 1)?;
                let b = self.operand(Expr::one(rhs), depth + 1)?;
                match (a, b) {
                    (Operand::Num(x), Operand::Num(y)) => numeric(*op, x, y)?,
                    (a, b) => self.held(binary(*op, &a.value(), &b.value())?)?,
                }
            }
            ExprKind::Object(pairs) => self.object(pairs, depth)?,
            ExprKind::Call {
                procedure,
                args,
                partial: false,
            } => self.call(Expr::one(procedure), args, depth)?,
            _ => return None,
        })
    }

    /// An object constructor with literal keys.
    #[inline(never)]
    fn object(&self, pairs: &[Pair], depth: u32) -> Option<Value> {
        let mut m = Map::with_capacity(pairs.len());
        for p in pairs {
            let ExprKind::String(k) = &p.key.kind else {
                return None;
            };
            // Two pairs with one key are D1009, for the evaluator to report.
            if m.contains_key(k) {
                return None;
            }
            let v = self.eval(&p.value, depth + 1)?;
            m.push_absent(str_of(k), v);
        }
        Some(Value::object(m))
    }

    /// `v`, unless it holds more than the memory bound (strings and arrays are what count).
    #[inline]
    fn held(&self, v: Value) -> Option<Value> {
        match (&v, self.max_bytes) {
            (Value::String(s), Some(max)) if s.len() > max => None,
            (Value::Array(a), Some(max)) if a.len() * 8 > max => None,
            _ => Some(v),
        }
    }

    /// An operand of a binary operator: numbers as they are, so that `$i < 10000` builds no
    /// value for the literal.
    fn operand(&self, e: &Expr, depth: u32) -> Option<Operand> {
        let v = match &e.kind {
            ExprKind::Number(n) => return Some(Operand::Num(*n)),
            ExprKind::Variable(name) => self.var(name)?,
            _ => self.eval(e, depth)?,
        };
        Some(match v {
            Value::Number(n) => Operand::Num(n.as_f64()?),
            v => Operand::Value(self.held(v)?),
        })
    }

    /// A variable the evaluation was given (`$states`, a workflow variable); not the context
    /// (`$`), the root (`$$`) or a function of the library.
    fn var(&self, name: &str) -> Option<Value> {
        if name.is_empty() || name == "$" {
            return None;
        }
        let v = (self.globals)(name)?;
        // An array from a variable is a sequence to JSONata in places: left to the evaluator.
        (!matches!(v, Value::Array(_))).then_some(v)
    }

    /// `$v.a.b` or `a.b` (from the input): members of objects, one after another; the last
    /// may be any value.
    fn path(&self, steps: &[Step]) -> Option<Value> {
        let (first, rest) = steps.split_first()?;
        if !steps.iter().all(Step::is_plain) {
            return None;
        }
        // Walked by reference: only the value found is copied (a reference count).
        let root;
        let mut v = match &first.expr.kind {
            ExprKind::Variable(name) => {
                root = self.var(name)?;
                &root
            }
            ExprKind::Name(n) => lowered::field(self.input?, n)?,
            _ => return None,
        };
        for step in rest {
            let ExprKind::Name(n) = &step.expr.kind else {
                return None;
            };
            v = lowered::field(v, n)?;
        }
        Some(v.clone())
    }

    /// `$merge([a, b, …])` of objects; any other call goes to the evaluator.
    #[inline(never)]
    fn call(&self, procedure: &Expr, args: &[Expr], depth: u32) -> Option<Value> {
        let ExprKind::Variable(name) = &procedure.kind else {
            return None;
        };
        // A variable of that name would shadow the function.
        if name != "merge" || (self.globals)(name).is_some() {
            return None;
        }
        let [arg] = args else { return None };
        let ExprKind::Array { items, .. } = &arg.kind else {
            return None;
        };
        let mut out: Option<Value> = None;
        for item in items.iter() {
            if matches!(item.kind, ExprKind::Array { .. }) {
                return None;
            }
            let v = self.eval(item, depth + 1)?;
            let Value::Object(add) = v else { return None };
            match &mut out {
                None => out = Some(Value::Object(add)),
                Some(o) => {
                    let m = o.as_object_mut()?;
                    for (k, v) in add.iter() {
                        m.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        // `$merge([])` is `{}`.
        Some(out.unwrap_or_else(|| Value::object(Map::new())))
    }
}

enum Operand {
    Num(f64),
    Value(Value),
}

impl Operand {
    fn value(self) -> Value {
        match self {
            Operand::Num(n) => lowered::number(n),
            Operand::Value(v) => v,
        }
    }
}

/// An operator on two numbers, as JSONata computes it (doubles; `=` by value).
fn numeric(op: BinaryOp, x: f64, y: f64) -> Option<Value> {
    let r = match op {
        BinaryOp::Add => x + y,
        BinaryOp::Sub => x - y,
        BinaryOp::Mul => x * y,
        BinaryOp::Div => x / y,
        BinaryOp::Mod => x % y,
        BinaryOp::Lt => return Some(Value::Bool(x < y)),
        BinaryOp::Le => return Some(Value::Bool(x <= y)),
        BinaryOp::Gt => return Some(Value::Bool(x > y)),
        BinaryOp::Ge => return Some(Value::Bool(x >= y)),
        BinaryOp::Eq => return Some(Value::Bool(x == y)),
        BinaryOp::Ne => return Some(Value::Bool(x != y)),
        _ => return None,
    };
    // A non-finite result is D1001, for the evaluator to report.
    r.is_finite()
        .then(|| Value::Number(super::value::json_number(r)))
}

fn binary(op: BinaryOp, a: &Value, b: &Value) -> Option<Value> {
    Some(match op {
        BinaryOp::Add => lowered::arith(b'+', a, b)?,
        BinaryOp::Sub => lowered::arith(b'-', a, b)?,
        BinaryOp::Mul => lowered::arith(b'*', a, b)?,
        BinaryOp::Div => lowered::arith(b'/', a, b)?,
        BinaryOp::Mod => lowered::arith(b'%', a, b)?,
        BinaryOp::Lt => Value::Bool(lowered::order(b'<', a, b)?),
        BinaryOp::Le => Value::Bool(lowered::order(b'l', a, b)?),
        BinaryOp::Gt => Value::Bool(lowered::order(b'>', a, b)?),
        BinaryOp::Ge => Value::Bool(lowered::order(b'g', a, b)?),
        BinaryOp::Eq => Value::Bool(lowered::equal(a, b)?),
        BinaryOp::Ne => Value::Bool(!lowered::equal(a, b)?),
        BinaryOp::Concat => {
            let (Value::String(x), Value::String(y)) = (a, b) else {
                return None;
            };
            let mut s = String::with_capacity(x.len() + y.len());
            s.push_str(x);
            s.push_str(y);
            Value::String(s.into())
        }
        BinaryOp::And | BinaryOp::Or => {
            let (Value::Bool(x), Value::Bool(y)) = (a, b) else {
                return None;
            };
            Value::Bool(if op == BinaryOp::And {
                *x && *y
            } else {
                *x || *y
            })
        }
        _ => return None,
    })
}
