//! JSONata expressions (`{% … %}`, ASL-JA-*): a parser for the JSONata 2.0.6 grammar (the
//! version AWS Step Functions runs, ASL-JA-03) and the ASL-level helpers around it.
//!
//! * [`split_template`] decides whether a string value is an expression (ASL-JA-02,
//!   ASL-SUB-46);
//! * [`parse`] turns the text between the delimiters into an [`Expr`], or a [`JsonataError`]
//!   carrying JSONata's own error code (`S0202`, …) and the byte offset of the problem;
//! * [`references`] lists what an expression reads (`$states.*`, workflow variables, the
//!   forbidden top-level context `$`, bare field names and `$$`, ASL-JA-04/05, ASL-SUB-48).
//!
//! The parser follows jsonata-js `parser.js` (a Pratt parser followed by a post-processing pass
//! that flattens `.` chains into paths of steps); both stages run at once here, so the AST is
//! the *post-processed* one. Errors that jsonata-js raises in its post-processing pass
//! (`S0207`, `S0209`, `S0210`, `S0213`, `S0215`, `S0216`, `S0217`) are held back until the whole
//! expression has parsed, as jsonata-js does, so a syntax error further right wins.
//!
//! The parent operator `%` is resolved at parse time, as jsonata-js does (its `seekParent` /
//! `resolveAncestry`): each [`ExprKind::Parent`] gets a slot label, the step whose input it
//! stands for gets that label as its [`Step::ancestor`], and the steps, blocks and paths the
//! search went through are marked `tuple`. A `%` that cannot be resolved is error `S0217`.
//!
//! The AST is plain data (only `Cow<'static, …>`, no `Box`/`Vec`/`Rc`), so generated code can
//! write it as a `static`: a single child is a one-element slice.
//!
//! Not JSONata 2.0.6, so rejected like AWS does: the `?:` (default) and `??` (coalescing)
//! operators of JSONata 2.1.0 (July 2025). [`parse_with`] accepts them on request.

mod ancestry;
pub mod builtins;
mod lexer;
mod parser;
mod refs;
pub mod signature;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::fmt;

pub use refs::{Refs, bound_names, references, walk};

/// A string of the AST.
pub type Str = Cow<'static, str>;
/// A list of child expressions (a single child is a one-element slice).
pub type Exprs = Cow<'static, [Expr]>;

/// How deeply expressions may nest (parentheses, brackets, operands of prefix operators, …)
/// before [`parse`] gives up with "expression nests too deeply". Keeps the parser's recursion
/// (and the recursion of `Drop`, `Clone`, evaluation) far from the end of any thread's stack.
pub const MAX_NESTING: u32 = 200;
/// Bound on the depth of the built tree, which also grows along left-associative chains such as
/// `1+1+1+…` (each `+` nests the previous sum one level deeper).
pub const MAX_DEPTH: u32 = 500;

/// A JSONata syntax error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonataError {
    /// JSONata's error code (`S0101` … `S0302`), or `S0299` (not a JSONata code) when the
    /// expression nests more deeply than [`MAX_NESTING`] / [`MAX_DEPTH`].
    pub code: &'static str,
    /// JSONata's message for the code, with the token filled in.
    pub message: String,
    /// Byte offset in the expression text (the text between `{%` and `%}`) of the token or
    /// character at fault; the length of the text for an unexpected end.
    pub offset: usize,
}

impl fmt::Display for JsonataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (at offset {})",
            self.code, self.message, self.offset
        )
    }
}

impl std::error::Error for JsonataError {}

/// A node of the (post-processed) JSONata syntax tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// Byte offset in the expression text of the token that made this node (the operator of a
    /// binary expression, the `(` of a call, the first token of a path).
    pub pos: usize,
    /// What the node is.
    pub kind: ExprKind,
}

/// The node kinds, mirroring jsonata-js's post-processed AST.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `"…"` / `'…'` (escapes resolved). In a path step it becomes a [`ExprKind::Name`].
    String(Str),
    /// A number literal; a unary minus applied to a literal is folded in (`-1`).
    Number(f64),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `/pattern/flags`; `flags` is a subset of `im` as written (jsonata-js adds `g`).
    Regex {
        /// The text between the slashes.
        pattern: Str,
        /// The flags after the closing slash.
        flags: Str,
    },
    /// `$name`. The context item `$` is `Variable("")`; the root `$$` is `Variable("$")`.
    Variable(Str),
    /// A field name (also a backquoted `` `name` ``, or a string literal used as a step). Only
    /// found as the expression of a [`Step`]: a bare name is a one-step [`ExprKind::Path`].
    Name(Str),
    /// `*`: the values of all fields.
    Wildcard,
    /// `**`: all descendants.
    Descendant,
    /// `%`: the parent of the current context item (jsonata-js: a `parent` node with a slot).
    /// It evaluates to the value bound under `label` in the tuple the step is evaluated in:
    /// the step this `%` refers to carries the same number as its [`Step::ancestor`], and binds
    /// its input item under it. jsonata-js writes the label `'!' + n`; this is `n`. Two `%`
    /// that refer to the same step share the label of the first one resolved.
    Parent {
        /// The slot label (`0`, `1`, … in the order jsonata-js creates the slots, then shared as
        /// described above).
        label: u32,
    },
    /// `?` in the arguments of a partial application.
    Placeholder,
    /// A location path `a.b[0].$f()`.
    Path {
        /// The steps, in order.
        steps: Cow<'static, [Step]>,
        /// Some step (or the whole path) was written with `[]`: keep singleton arrays.
        keep_singleton_array: bool,
        /// jsonata-js `tuple` on a path: a `%` outside the path refers to one of its steps (the
        /// path is, say, the last expression of a block that is a step), so the path yields
        /// its tuple stream (with the ancestor bindings) rather than plain values.
        tuple: bool,
    },
    /// Predicates (`[expr]`) and/or `[]` attached to an expression that is not a path
    /// (`$x[0]`, `(a.b)[0]`, `[1,2][0]`). jsonata-js: a node with `predicate` (and
    /// `keepArray`). Inside a path these become the stages of the step instead.
    Predicate {
        /// One element: the filtered expression.
        expr: Exprs,
        /// The predicate expressions, applied in order.
        filters: Exprs,
        /// Written with `[]`.
        keep_array: bool,
    },
    /// Group-by `expr{key: value, …}` (jsonata-js: `group` on a node). When `expr` is a path,
    /// the grouping applies to the result of the whole path, including steps written after it.
    Group {
        /// One element: the grouped expression.
        expr: Exprs,
        /// The `key: value` pairs between the braces.
        pairs: Cow<'static, [Pair]>,
    },
    /// Order-by `^(<a, >b)`: always a step of a path (after the sorted steps).
    Sort {
        /// The sort keys, most significant first.
        terms: Cow<'static, [SortTerm]>,
    },
    /// A binary operator.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// One element: the left operand.
        lhs: Exprs,
        /// One element: the right operand.
        rhs: Exprs,
    },
    /// Unary minus of a non-literal.
    Negate(Exprs),
    /// Array constructor `[a, b, 1..5]` (ranges are [`BinaryOp::Range`] items).
    Array {
        /// The items, in order.
        items: Exprs,
        /// jsonata-js `consarray`: the constructor is the first or last step of a path (or
        /// such a path is inside a block), so its result is not flattened.
        cons_array: bool,
    },
    /// Object constructor `{k: v, …}`.
    Object(Cow<'static, [Pair]>),
    /// `(a; b; c)`.
    Block {
        /// The expressions, in order; the last one gives the value.
        exprs: Exprs,
        /// jsonata-js `consarray` on blocks.
        cons_array: bool,
        /// jsonata-js `tuple` on a block: a `%` outside the block was resolved through its last
        /// expression. When the block is the expression of a [`Step`], that step's
        /// [`Step::tuple`] is set too (in jsonata-js the step and the block are one node).
        tuple: bool,
    },
    /// `$name := value` (`name` without `$`).
    Bind {
        /// The variable's name, without `$`.
        name: Str,
        /// One element: the bound expression.
        value: Exprs,
    },
    /// `cond ? then : else` (`otherwise` has zero or one element).
    Condition {
        /// One element: the condition.
        cond: Exprs,
        /// One element: the value when the condition is truthy.
        then: Exprs,
        /// Zero or one element: the value otherwise.
        otherwise: Exprs,
    },
    /// `lhs ?: rhs` / `lhs ?? rhs` (JSONata 2.1 only, see [`ParseOptions`]). jsonata-js
    /// represents these as conditions; they are kept apart here so `lhs` is evaluated once.
    Default {
        /// `?:` or `??`.
        op: DefaultOp,
        /// One element: the value tested.
        lhs: Exprs,
        /// One element: the fallback.
        rhs: Exprs,
    },
    /// `lhs ~> rhs`.
    Apply {
        /// One element: the value passed on.
        lhs: Exprs,
        /// One element: the function it is passed to.
        rhs: Exprs,
    },
    /// A function call `f(a, b)`, or a partial application `f(?, b)` when `partial`.
    Call {
        /// One element: the function called.
        procedure: Exprs,
        /// The arguments, in order.
        args: Exprs,
        /// Some argument is a `?` placeholder.
        partial: bool,
    },
    /// `function($a, $b)<sig>{ body }` (also `λ`).
    Lambda {
        /// Parameter names without `$`.
        params: Cow<'static, [Str]>,
        /// The signature as written, `<` and `>` included (not validated).
        signature: Option<Str>,
        /// One element: the body.
        body: Exprs,
    },
    /// `| pattern | update [, delete] |` (`delete` has zero or one element).
    Transform {
        /// One element: selects the values to transform.
        pattern: Exprs,
        /// One element: the object merged into each selected value.
        update: Exprs,
        /// Zero or one element: the field names removed from each.
        delete: Exprs,
    },
}

/// The binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `&`
    Concat,
    /// `and`
    And,
    /// `or`
    Or,
    /// `in`
    In,
    /// `..` (only inside an array constructor)
    Range,
}

impl BinaryOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Concat => "&",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
            BinaryOp::In => "in",
            BinaryOp::Range => "..",
        }
    }
}

/// `?:` or `??`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultOp {
    /// `a ?: b`: `a` unless it is falsy (`condition = then = a`).
    Elvis,
    /// `a ?? b`: `a` unless it is undefined (`condition = $exists(a)`).
    Coalesce,
}

/// One step of a [`ExprKind::Path`].
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The step: a [`ExprKind::Name`], wildcard, descendant, parent, variable, call, block,
    /// constructor, [`ExprKind::Sort`], …
    pub expr: Expr,
    /// Predicates and `#$i` bindings written after the step, in order.
    pub stages: Cow<'static, [Stage]>,
    /// `@$v`: bind the context item to `$v` (without `$`).
    pub focus: Option<Str>,
    /// `#$i` written directly after the step (before any predicate), without `$`.
    pub index: Option<Str>,
    /// jsonata-js `tuple`: the step is evaluated as part of a tuple stream, because it has
    /// `@`/`#`, is the [`Step::ancestor`] of some `%`, or is a block a `%` was resolved
    /// through (later steps of the path follow it into the tuple stream).
    pub tuple: bool,
    /// jsonata-js `ancestor.label`: the label of the `%` ([`ExprKind::Parent`]) that refers to
    /// this step; evaluating the step binds its input item under it. Only on a step whose
    /// expression is a [`ExprKind::Name`] or [`ExprKind::Wildcard`] (possibly with predicates
    /// or a group-by around it), and then `tuple` is set.
    pub ancestor: Option<u32>,
    /// Written with `[]`.
    pub keep_array: bool,
}

impl Step {
    /// A step that only looks a name (or the like) up: no predicate, no `#`/`@` binding, no
    /// `%` referring to it, not part of a tuple stream, no `[]`. A path of such steps over
    /// objects is plain member access, which evaluators can take without sequences.
    pub fn is_plain(&self) -> bool {
        self.stages.is_empty()
            && self.focus.is_none()
            && self.index.is_none()
            && self.ancestor.is_none()
            && !self.tuple
            && !self.keep_array
    }
}

/// A stage of a [`Step`].
#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    /// `[expr]`
    Filter(Expr),
    /// `#$name` after a predicate (name without `$`), with its position.
    Index {
        /// The variable's name, without `$`.
        name: Str,
        /// Byte offset of the `#` in the expression text.
        pos: usize,
    },
}

/// `key: value` of an object constructor or group-by.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    /// The key expression.
    pub key: Expr,
    /// The value expression.
    pub value: Expr,
}

/// A term of an order-by `^( … )`.
#[derive(Clone, Debug, PartialEq)]
pub struct SortTerm {
    /// Written with `>`.
    pub descending: bool,
    /// The sort key.
    pub expr: Expr,
}

/// Options of [`parse_with`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Accept the `?:` and `??` operators of JSONata 2.1.0. AWS runs 2.0.6, which does not have
    /// them, so [`parse`] leaves this off.
    pub default_operators: bool,
}

/// Parses a JSONata 2.0.6 expression (the text between `{%` and `%}`).
///
/// Never panics, and bounds its recursion ([`MAX_NESTING`], [`MAX_DEPTH`]).
pub fn parse(expr: &str) -> Result<Expr, JsonataError> {
    parse_with(expr, ParseOptions::default())
}

/// [`parse`] with options.
pub fn parse_with(expr: &str, options: ParseOptions) -> Result<Expr, JsonataError> {
    // A short expression cannot nest deeply; a longer one is parsed on a thread of its own with
    // a stack sized for MAX_NESTING levels even in unoptimised builds (several KiB a level),
    // whatever stack the caller has left.
    const INLINE_LEN: usize = 32;
    const STACK: usize = 16 << 20;
    let run = || parser::Parser::new(expr, options).parse();
    if expr.len() <= INLINE_LEN {
        return run();
    }
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .stack_size(STACK)
            .spawn_scoped(scope, run)
        {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Err(JsonataError {
                    code: "S0299",
                    message: "internal error in the JSONata parser".into(),
                    offset: 0,
                })
            }),
            Err(_) => run(),
        }
    })
}

/// A `{% … %}` expression of a definition, parsed at build time: its text (AWS quotes it in
/// error causes, ASL-JA-16) and its tree, which generated code holds in a `static`.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The text between the delimiters, as written.
    pub text: Str,
    /// One element: the parsed expression.
    pub tree: Exprs,
}

impl Parsed {
    /// Parses `text` ([`parse`]).
    pub fn new(text: &str) -> Result<Parsed, JsonataError> {
        Ok(Parsed {
            text: Cow::Owned(text.to_owned()),
            tree: Cow::Owned(vec![parse(text)?]),
        })
    }

    /// The expression.
    pub fn expr(&self) -> &Expr {
        Expr::one(&self.tree)
    }
}

/// How a string in a JSONata-capable field reads (ASL-JA-02).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Template<'a> {
    /// `{%…%}`: the text between the delimiters, untrimmed.
    Expression(&'a str),
    /// Any other string: a literal.
    Literal,
    /// Starts with `{%` but does not end with `%}`, or ends with `%}` but does not start with
    /// `{%`: a validation error (the reason says which).
    Malformed(&'static str),
}

/// ASL-JA-02 / ASL-SUB-46: a string is an expression iff it starts with `{%` and ends with `%}`
/// exactly — leading or trailing whitespace makes it a literal (AWS: conformance case
/// `outputdecl/test_base_cases[BASE_LITERALS]` outputs `" {% states.input %} "` unchanged).
/// The inner text needs no spaces (`{%10%}` is an expression: AWS-deployed workflows write
/// `{%$lowercase(…) %}` and `{% $states.input%}`); it is returned untrimmed, as JSONata ignores
/// the whitespace around an expression. A string with only one of the delimiters is
/// [`Template::Malformed`] (asl-validator fixtures `invalid-jsonata-surround-syntax-no-open` /
/// `-no-close`).
pub fn split_template(s: &str) -> Template<'_> {
    let open = s.starts_with("{%");
    let close = s.ends_with("%}");
    match (open, close) {
        (true, true) if s.len() >= 4 => Template::Expression(&s[2..s.len() - 2]),
        (true, _) => {
            Template::Malformed("a JSONata expression that starts with '{%' must end with '%}'")
        }
        (false, true) => {
            Template::Malformed("a JSONata expression that ends with '%}' must start with '{%'")
        }
        (false, false) => Template::Literal,
    }
}

impl Expr {
    /// The only element of a one-child list (`lhs`, `operand`, …); a placeholder `null` if
    /// the list is empty (never the case for trees built by [`parse`]).
    pub fn one(list: &Exprs) -> &Expr {
        const NULL: Expr = Expr {
            pos: 0,
            kind: ExprKind::Null,
        };
        list.first().unwrap_or(&NULL)
    }
}
