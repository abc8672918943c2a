//! The Pratt parser (jsonata-js `parser.js`) with its post-processing pass done inline.

use std::borrow::Cow;

use super::ancestry;
use super::lexer::{Lexer, Tok, Token, error};
use super::{
    BinaryOp, DefaultOp, Expr, ExprKind, Exprs, JsonataError, MAX_DEPTH, MAX_NESTING, Pair,
    ParseOptions, SortTerm, Stage, Step,
};

type Res<T> = Result<T, JsonataError>;

fn list(v: Vec<Expr>) -> Exprs {
    Cow::Owned(v)
}

fn one(e: Expr) -> Exprs {
    Cow::Owned(vec![e])
}

fn take_one(list: Exprs) -> Expr {
    list.into_owned().into_iter().next().unwrap_or(Expr {
        pos: 0,
        kind: ExprKind::Null,
    })
}

fn num_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e21 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn tok_text(t: &Tok) -> String {
    match t {
        Tok::Op(op) => (*op).to_string(),
        Tok::Name(n) => n.clone(),
        Tok::Var(v) => format!("${v}"),
        Tok::Str(s) => s.clone(),
        Tok::Num(n) => num_text(*n),
        Tok::Bool(b) => b.to_string(),
        Tok::Null => "null".to_string(),
        Tok::Regex(p, f) => format!("/{p}/{f}"),
        Tok::End => "(end)".to_string(),
    }
}

/// Left binding power (jsonata-js `operators`; symbols defined without one have 0).
fn lbp(t: &Tok) -> u32 {
    match t {
        Tok::Op(op) => match *op {
            "." => 75,
            "[" | "(" | "@" | "#" => 80,
            "{" => 70,
            "?" => 20,
            "+" | "-" | "&" => 50,
            "*" | "/" | "%" => 60,
            "=" | "<" | ">" | "^" | "!=" | "<=" | ">=" | "~>" | "in" | "?:" | "??" => 40,
            "and" => 30,
            "or" => 25,
            ":=" => 10,
            _ => 0,
        },
        _ => 0,
    }
}

fn binary_op(op: &str) -> Option<BinaryOp> {
    Some(match op {
        "+" => BinaryOp::Add,
        "-" => BinaryOp::Sub,
        "*" => BinaryOp::Mul,
        "/" => BinaryOp::Div,
        "%" => BinaryOp::Mod,
        "=" => BinaryOp::Eq,
        "!=" => BinaryOp::Ne,
        "<" => BinaryOp::Lt,
        "<=" => BinaryOp::Le,
        ">" => BinaryOp::Gt,
        ">=" => BinaryOp::Ge,
        "&" => BinaryOp::Concat,
        "and" => BinaryOp::And,
        "or" => BinaryOp::Or,
        "in" => BinaryOp::In,
        _ => return None,
    })
}

fn step(expr: Expr) -> Step {
    Step {
        expr,
        stages: Cow::Borrowed(&[]),
        focus: None,
        index: None,
        tuple: false,
        ancestor: None,
        keep_array: false,
    }
}

/// A node as a path step: predicates of a non-path node become the step's stages.
fn into_step(e: Expr) -> Step {
    match e.kind {
        ExprKind::Predicate {
            expr,
            filters,
            keep_array,
        } => {
            let mut s = step(take_one(expr));
            s.stages = Cow::Owned(
                filters
                    .into_owned()
                    .into_iter()
                    .map(Stage::Filter)
                    .collect(),
            );
            s.keep_array = keep_array;
            s
        }
        _ => step(e),
    }
}

fn is_lambda_keyword(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Path { steps, .. } if steps.len() == 1 => {
            let s = &steps[0];
            s.stages.is_empty()
                && s.focus.is_none()
                && s.index.is_none()
                && !s.keep_array
                && matches!(&s.expr.kind, ExprKind::Name(n) if n == "function" || n == "\u{3BB}")
        }
        _ => false,
    }
}

fn is_op(t: &Token, op: &str) -> bool {
    matches!(&t.tok, Tok::Op(o) if *o == op)
}

pub(crate) struct Parser<'a> {
    lx: Lexer<'a>,
    node: Token,
    nesting: u32,
    depth: u32,
    /// The first error of jsonata-js's post-processing pass, raised once the parse succeeds.
    deferred: Option<JsonataError>,
    /// How many `%` (parent) nodes were made: without any, the ancestry pass has nothing to do.
    parents: u32,
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str, options: ParseOptions) -> Self {
        Parser {
            lx: Lexer::new(src, options.default_operators),
            node: Token {
                tok: Tok::End,
                start: 0,
            },
            nesting: 0,
            depth: 0,
            deferred: None,
            parents: 0,
        }
    }

    pub fn parse(self) -> Res<Expr> {
        let src = self.lx.source();
        let (mut expr, parents) = self.parse_tree()?;
        if parents > 0 {
            ancestry::resolve(&mut expr, src).map_err(|f| error("S0217", f.pos, f.token))?;
        }
        Ok(expr)
    }

    /// The tree before the parent operators are resolved, and how many `%` it has.
    pub(super) fn parse_tree(mut self) -> Res<(Expr, u32)> {
        self.advance(true)?;
        let expr = self.expression(0)?;
        if self.node.tok != Tok::End {
            return Err(error("S0201", self.node.start, &tok_text(&self.node.tok)));
        }
        if let Some(err) = self.deferred {
            return Err(err);
        }
        Ok((expr, self.parents))
    }

    fn defer(&mut self, code: &'static str, offset: usize, token: &str) {
        if self.deferred.is_none() {
            self.deferred = Some(error(code, offset, token));
        }
    }

    /// Reads the next token; `regex`: a `/` there starts a regular expression.
    fn advance(&mut self, regex: bool) -> Res<()> {
        let t = self.lx.next(regex)?;
        if matches!(t.tok, Tok::Op("!") | Tok::Op("~")) {
            return Err(error("S0204", t.start, &tok_text(&t.tok)));
        }
        self.node = t;
        Ok(())
    }

    /// Checks that the current token is `op` and reads the next one.
    fn expect(&mut self, op: &str, regex: bool) -> Res<()> {
        if !is_op(&self.node, op) {
            return Err(if self.node.tok == Tok::End {
                error("S0203", self.node.start, op)
            } else {
                JsonataError {
                    code: "S0202",
                    message: format!("Expected {op}, got {}", tok_text(&self.node.tok)),
                    offset: self.node.start,
                }
            });
        }
        self.advance(regex)
    }

    fn take(&mut self) -> Token {
        std::mem::replace(
            &mut self.node,
            Token {
                tok: Tok::End,
                start: self.lx.len(),
            },
        )
    }

    fn too_deep(&self) -> JsonataError {
        error("S0299", self.node.start, "")
    }

    fn expression(&mut self, rbp: u32) -> Res<Expr> {
        self.nesting += 1;
        let saved = self.depth;
        self.depth += 1;
        if self.nesting > MAX_NESTING || self.depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        let t = self.take();
        self.advance(false)?;
        let mut left = self.nud(t)?;
        while rbp < lbp(&self.node.tok) {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(self.too_deep());
            }
            let t = self.take();
            self.advance(true)?;
            left = self.led(t, left)?;
        }
        self.depth = saved;
        self.nesting -= 1;
        Ok(left)
    }

    #[inline(never)]
    fn nud(&mut self, t: Token) -> Res<Expr> {
        let pos = t.start;
        let kind = match t.tok {
            Tok::Num(n) => ExprKind::Number(n),
            Tok::Str(s) => ExprKind::String(s.into()),
            Tok::Bool(b) => ExprKind::Bool(b),
            Tok::Null => ExprKind::Null,
            Tok::Regex(p, f) => ExprKind::Regex {
                pattern: p.into(),
                flags: f.into(),
            },
            Tok::Var(v) => ExprKind::Variable(v.into()),
            Tok::Name(n) => return Ok(name_path(n, pos)),
            Tok::Op(kw @ ("and" | "or" | "in")) => return Ok(name_path(kw.to_string(), pos)),
            Tok::End => {
                self.defer("S0207", pos, "");
                ExprKind::Null
            }
            Tok::Op("-") => return self.negate(pos),
            Tok::Op("*") => ExprKind::Wildcard,
            Tok::Op("**") => ExprKind::Descendant,
            Tok::Op("%") => {
                self.parents += 1;
                ExprKind::Parent { label: 0 }
            }
            Tok::Op("(") => self.block()?,
            Tok::Op("[") => self.array()?,
            Tok::Op("{") => ExprKind::Object(self.pairs()?),
            Tok::Op("|") => self.transform()?,
            Tok::Op(op) => return Err(error("S0211", pos, op)),
        };
        Ok(Expr { pos, kind })
    }

    #[inline(never)]
    fn block(&mut self) -> Res<ExprKind> {
        let mut exprs = Vec::new();
        while !is_op(&self.node, ")") {
            exprs.push(self.expression(0)?);
            if !is_op(&self.node, ";") {
                break;
            }
            self.advance(true)?;
        }
        self.expect(")", false)?;
        let cons_array = exprs.iter().any(|e| match &e.kind {
            ExprKind::Array { cons_array, .. } => *cons_array,
            ExprKind::Path { steps, .. } => steps.first().is_some_and(|s| {
                matches!(
                    s.expr.kind,
                    ExprKind::Array {
                        cons_array: true,
                        ..
                    }
                )
            }),
            _ => false,
        });
        Ok(ExprKind::Block {
            exprs: list(exprs),
            cons_array,
            tuple: false,
        })
    }

    #[inline(never)]
    fn array(&mut self) -> Res<ExprKind> {
        let mut items = Vec::new();
        if !is_op(&self.node, "]") {
            loop {
                let mut item = self.expression(0)?;
                if is_op(&self.node, "..") {
                    let rpos = self.node.start;
                    self.advance(true)?;
                    let rhs = self.expression(0)?;
                    item = Expr {
                        pos: rpos,
                        kind: ExprKind::Binary {
                            op: BinaryOp::Range,
                            lhs: one(item),
                            rhs: one(rhs),
                        },
                    };
                }
                items.push(item);
                if !is_op(&self.node, ",") {
                    break;
                }
                self.advance(true)?;
            }
        }
        self.expect("]", false)?;
        Ok(ExprKind::Array {
            items: list(items),
            cons_array: false,
        })
    }

    #[inline(never)]
    fn transform(&mut self) -> Res<ExprKind> {
        let pattern = self.expression(0)?;
        self.expect("|", true)?;
        let update = self.expression(0)?;
        let mut delete = Vec::new();
        if is_op(&self.node, ",") {
            self.advance(true)?;
            delete.push(self.expression(0)?);
        }
        self.expect("|", true)?;
        Ok(ExprKind::Transform {
            pattern: one(pattern),
            update: one(update),
            delete: list(delete),
        })
    }

    #[inline(never)]
    fn negate(&mut self, pos: usize) -> Res<Expr> {
        let operand = self.expression(70)?;
        Ok(match operand.kind {
            ExprKind::Number(n) => Expr {
                pos: operand.pos,
                kind: ExprKind::Number(-n),
            },
            _ => Expr {
                pos,
                kind: ExprKind::Negate(one(operand)),
            },
        })
    }

    /// `k: v, …}` after a `{`.
    fn pairs(&mut self) -> Res<Cow<'static, [Pair]>> {
        let mut pairs = Vec::new();
        if !is_op(&self.node, "}") {
            loop {
                let key = self.expression(0)?;
                self.expect(":", true)?;
                let value = self.expression(0)?;
                pairs.push(Pair { key, value });
                if !is_op(&self.node, ",") {
                    break;
                }
                self.advance(true)?;
            }
        }
        self.expect("}", false)?;
        Ok(Cow::Owned(pairs))
    }

    #[inline(never)]
    fn led(&mut self, t: Token, left: Expr) -> Res<Expr> {
        let pos = t.start;
        let Tok::Op(op) = t.tok else {
            // only operators have a binding power
            return Err(error("S0201", pos, &tok_text(&t.tok)));
        };
        match op {
            "." => self.led_dot(left),
            "[" => self.led_filter(left, pos),
            "{" => self.led_group(left, pos),
            "(" => self.call(left, pos),
            "^" => self.led_sort(left, pos),
            ":=" => self.led_bind(left, pos),
            "@" | "#" => self.led_tuple(left, op, pos),
            "?" => self.led_condition(left, pos),
            _ => self.led_binary(left, op, pos),
        }
    }

    #[inline(never)]
    fn led_dot(&mut self, left: Expr) -> Res<Expr> {
        let rhs = self.expression(75)?;
        Ok(self.join(left, rhs))
    }

    #[inline(never)]
    fn led_filter(&mut self, left: Expr, pos: usize) -> Res<Expr> {
        if is_op(&self.node, "]") {
            self.advance(true)?;
            return Ok(keep_array(left));
        }
        let pred = self.expression(0)?;
        self.expect("]", false)?;
        Ok(self.filter(left, pred, pos))
    }

    #[inline(never)]
    fn led_group(&mut self, left: Expr, pos: usize) -> Res<Expr> {
        let pairs = self.pairs()?;
        if matches!(left.kind, ExprKind::Group { .. }) {
            self.defer("S0210", pos, "");
            return Ok(left);
        }
        Ok(Expr {
            pos,
            kind: ExprKind::Group {
                expr: one(left),
                pairs,
            },
        })
    }

    #[inline(never)]
    fn led_sort(&mut self, left: Expr, pos: usize) -> Res<Expr> {
        self.expect("(", true)?;
        let mut terms = Vec::new();
        loop {
            let mut descending = false;
            if is_op(&self.node, "<") {
                self.advance(true)?;
            } else if is_op(&self.node, ">") {
                descending = true;
                self.advance(true)?;
            }
            let expr = self.expression(0)?;
            terms.push(SortTerm { descending, expr });
            if !is_op(&self.node, ",") {
                break;
            }
            self.advance(true)?;
        }
        self.expect(")", true)?;
        let sort = Expr {
            pos,
            kind: ExprKind::Sort {
                terms: Cow::Owned(terms),
            },
        };
        Ok(self.on_path(left, |_, steps| steps.push(step(sort))))
    }

    #[inline(never)]
    fn led_bind(&mut self, left: Expr, pos: usize) -> Res<Expr> {
        let ExprKind::Variable(name) = left.kind else {
            return Err(error("S0212", left.pos, ""));
        };
        let value = self.expression(9)?;
        Ok(Expr {
            pos,
            kind: ExprKind::Bind {
                name,
                value: one(value),
            },
        })
    }

    #[inline(never)]
    fn led_tuple(&mut self, left: Expr, op: &'static str, pos: usize) -> Res<Expr> {
        let rhs = self.expression(80)?;
        let ExprKind::Variable(name) = rhs.kind else {
            return Err(error("S0214", rhs.pos, op));
        };
        Ok(self.on_path(left, |p, steps| {
            let Some(last) = steps.last_mut() else { return };
            if op == "@" {
                if !last.stages.is_empty() {
                    p.defer("S0215", pos, "");
                } else if matches!(last.expr.kind, ExprKind::Sort { .. }) {
                    p.defer("S0216", pos, "");
                }
                last.focus = Some(name);
            } else if last.stages.is_empty() {
                last.index = Some(name);
            } else {
                last.stages.to_mut().push(Stage::Index { name, pos });
            }
            last.tuple = true;
        }))
    }

    #[inline(never)]
    fn led_condition(&mut self, left: Expr, pos: usize) -> Res<Expr> {
        let then = self.expression(0)?;
        let mut otherwise = Vec::new();
        if is_op(&self.node, ":") {
            self.advance(true)?;
            otherwise.push(self.expression(0)?);
        }
        Ok(Expr {
            pos,
            kind: ExprKind::Condition {
                cond: one(left),
                then: one(then),
                otherwise: list(otherwise),
            },
        })
    }

    #[inline(never)]
    fn led_binary(&mut self, left: Expr, op: &'static str, pos: usize) -> Res<Expr> {
        let kind = match op {
            "?:" | "??" => {
                let rhs = self.expression(0)?;
                let op = if op == "?:" {
                    DefaultOp::Elvis
                } else {
                    DefaultOp::Coalesce
                };
                ExprKind::Default {
                    op,
                    lhs: one(left),
                    rhs: one(rhs),
                }
            }
            "~>" => ExprKind::Apply {
                lhs: one(left),
                rhs: one(self.expression(40)?),
            },
            _ => {
                let Some(bop) = binary_op(op) else {
                    return Err(error("S0201", pos, op));
                };
                let rhs = self.expression(lbp(&Tok::Op(op)))?;
                ExprKind::Binary {
                    op: bop,
                    lhs: one(left),
                    rhs: one(rhs),
                }
            }
        };
        Ok(Expr { pos, kind })
    }

    #[inline(never)]
    fn call(&mut self, left: Expr, pos: usize) -> Res<Expr> {
        let mut args = Vec::new();
        let mut partial = false;
        if !is_op(&self.node, ")") {
            loop {
                if is_op(&self.node, "?") {
                    partial = true;
                    args.push(Expr {
                        pos: self.node.start,
                        kind: ExprKind::Placeholder,
                    });
                    self.advance(true)?;
                } else {
                    args.push(self.expression(0)?);
                }
                if !is_op(&self.node, ",") {
                    break;
                }
                self.advance(true)?;
            }
        }
        self.expect(")", false)?;
        if !is_lambda_keyword(&left) {
            return Ok(Expr {
                pos,
                kind: ExprKind::Call {
                    procedure: one(left),
                    args: list(args),
                    partial,
                },
            });
        }
        let mut params = Vec::new();
        for (i, arg) in args.into_iter().enumerate() {
            match arg.kind {
                ExprKind::Variable(v) => params.push(v),
                _ => return Err(error("S0208", arg.pos, &(i + 1).to_string())),
            }
        }
        let mut signature = None;
        if is_op(&self.node, "<") {
            let src = self.lx.source();
            let start = self.node.start;
            let mut depth = 0usize;
            let mut end = None;
            for (i, c) in src[start..].char_indices() {
                match c {
                    '<' => depth += 1,
                    '>' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(start + i + 1);
                            break;
                        }
                    }
                    '{' => break,
                    _ => {}
                }
            }
            let Some(end) = end else {
                let at = src[start..].find('{').map_or(src.len(), |i| start + i);
                return Err(if at == src.len() {
                    error("S0203", at, ">")
                } else {
                    JsonataError {
                        code: "S0202",
                        message: "Expected >, got {".to_string(),
                        offset: at,
                    }
                });
            };
            let sig = &src[start..end];
            // jsonata-js parses the signature before it expects the body's `{`.
            if let Err((code, _)) = super::signature::Signature::parse(sig) {
                return Err(error(code, start, sig));
            }
            signature = Some(sig.to_string().into());
            self.lx.set_pos(end);
            self.advance(true)?;
        }
        self.expect("{", true)?;
        let body = self.expression(0)?;
        self.expect("}", true)?;
        Ok(Expr {
            pos,
            kind: ExprKind::Lambda {
                params: Cow::Owned(params),
                signature,
                body: one(body),
            },
        })
    }

    /// Applies `f` to the steps of `left` as a path (a group-by on a path stays outside it; a
    /// non-path becomes a one-step path).
    fn on_path(&mut self, left: Expr, f: impl FnOnce(&mut Self, &mut Vec<Step>)) -> Expr {
        match left.kind {
            ExprKind::Path {
                steps,
                keep_singleton_array,
                ..
            } => {
                let mut steps = steps.into_owned();
                f(self, &mut steps);
                Expr {
                    pos: left.pos,
                    kind: ExprKind::Path {
                        steps: Cow::Owned(steps),
                        keep_singleton_array,
                        tuple: false,
                    },
                }
            }
            ExprKind::Group { expr, pairs }
                if matches!(Expr::one(&expr).kind, ExprKind::Path { .. }) =>
            {
                let inner = self.on_path(take_one(expr), f);
                Expr {
                    pos: left.pos,
                    kind: ExprKind::Group {
                        expr: one(inner),
                        pairs,
                    },
                }
            }
            _ => {
                let pos = left.pos;
                let mut steps = vec![into_step(left)];
                f(self, &mut steps);
                Expr {
                    pos,
                    kind: ExprKind::Path {
                        steps: Cow::Owned(steps),
                        keep_singleton_array: false,
                        tuple: false,
                    },
                }
            }
        }
    }

    /// `left.rhs`
    fn join(&mut self, left: Expr, rhs: Expr) -> Expr {
        if let ExprKind::Group { expr, pairs } = &left.kind
            && matches!(Expr::one(expr).kind, ExprKind::Path { .. })
        {
            let inner = self.join(take_one(expr.clone()), rhs);
            return Expr {
                pos: left.pos,
                kind: ExprKind::Group {
                    expr: one(inner),
                    pairs: pairs.clone(),
                },
            };
        }
        let pos = left.pos;
        let (mut steps, mut keep) = match left.kind {
            ExprKind::Path {
                steps,
                keep_singleton_array,
                ..
            } => (steps.into_owned(), keep_singleton_array),
            _ => (vec![into_step(left)], false),
        };
        match rhs.kind {
            ExprKind::Path {
                steps: more,
                keep_singleton_array,
                ..
            } => {
                steps.extend(more.into_owned());
                keep |= keep_singleton_array;
            }
            _ => steps.push(into_step(rhs)),
        }
        for s in &mut steps {
            // jsonata-js looks at the step node itself, with its predicates and group-by
            in_wrappers(&mut s.expr, &mut |e| match &e.kind {
                ExprKind::String(name) => e.kind = ExprKind::Name(name.clone()),
                ExprKind::Number(n) => {
                    let text = num_text(*n);
                    self.defer("S0213", e.pos, &text);
                }
                ExprKind::Bool(b) => self.defer("S0213", e.pos, &b.to_string()),
                ExprKind::Null => self.defer("S0213", e.pos, "null"),
                _ => {}
            });
        }
        keep |= steps.iter().any(|s| s.keep_array);
        if let Some(ExprKind::Array { cons_array, .. }) =
            steps.first_mut().map(|s| &mut s.expr.kind)
        {
            *cons_array = true;
        }
        if let Some(ExprKind::Array { cons_array, .. }) = steps.last_mut().map(|s| &mut s.expr.kind)
        {
            *cons_array = true;
        }
        Expr {
            pos,
            kind: ExprKind::Path {
                steps: Cow::Owned(steps),
                keep_singleton_array: keep,
                tuple: false,
            },
        }
    }

    /// `left[pred]`
    fn filter(&mut self, left: Expr, pred: Expr, pos: usize) -> Expr {
        match left.kind {
            ExprKind::Path { .. } => self.on_path(left, |p, steps| {
                let Some(last) = steps.last_mut() else { return };
                if matches!(last.expr.kind, ExprKind::Group { .. }) {
                    p.defer("S0209", pos, "");
                }
                last.stages.to_mut().push(Stage::Filter(pred));
            }),
            // a group-by on a node that is no path (for jsonata-js, `@` on a node leaves it one)
            ExprKind::Group { ref expr, .. }
                if !matches!(&Expr::one(expr).kind,
                    ExprKind::Path { steps, .. } if !ancestry::stands_for_step(steps)) =>
            {
                self.defer("S0209", pos, "");
                left
            }
            ExprKind::Group { .. } => self.on_path(left, |_, steps| {
                if let Some(last) = steps.last_mut() {
                    last.stages.to_mut().push(Stage::Filter(pred));
                }
            }),
            ExprKind::Predicate {
                expr,
                filters,
                keep_array,
            } => {
                let mut filters = filters.into_owned();
                filters.push(pred);
                Expr {
                    pos: left.pos,
                    kind: ExprKind::Predicate {
                        expr,
                        filters: list(filters),
                        keep_array,
                    },
                }
            }
            _ => {
                let lpos = left.pos;
                Expr {
                    pos: lpos,
                    kind: ExprKind::Predicate {
                        expr: one(left),
                        filters: one(pred),
                        keep_array: false,
                    },
                }
            }
        }
    }
}

/// Applies `f` to the node inside the group-by and predicate wrappers of `e`.
fn in_wrappers(e: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
    match &mut e.kind {
        ExprKind::Group { expr, .. } | ExprKind::Predicate { expr, .. } if !expr.is_empty() => {
            in_wrappers(&mut expr.to_mut()[0], f)
        }
        _ => f(e),
    }
}

fn name_path(name: String, pos: usize) -> Expr {
    let s = step(Expr {
        pos,
        kind: ExprKind::Name(name.into()),
    });
    Expr {
        pos,
        kind: ExprKind::Path {
            steps: Cow::Owned(vec![s]),
            keep_singleton_array: false,
            tuple: false,
        },
    }
}

/// `left[]`
fn keep_array(left: Expr) -> Expr {
    let pos = left.pos;
    match left.kind {
        ExprKind::Path { steps, .. } => {
            let mut steps = steps.into_owned();
            if let Some(last) = steps.last_mut() {
                last.keep_array = true;
            }
            Expr {
                pos,
                kind: ExprKind::Path {
                    steps: Cow::Owned(steps),
                    keep_singleton_array: true,
                    tuple: false,
                },
            }
        }
        ExprKind::Group { expr, pairs }
            if matches!(Expr::one(&expr).kind, ExprKind::Path { .. }) =>
        {
            let inner = take_one(expr);
            let inner = match inner.kind {
                ExprKind::Path { steps, .. } => Expr {
                    pos: inner.pos,
                    kind: ExprKind::Path {
                        steps,
                        keep_singleton_array: true,
                        tuple: false,
                    },
                },
                _ => inner,
            };
            Expr {
                pos,
                kind: ExprKind::Group {
                    expr: one(inner),
                    pairs,
                },
            }
        }
        ExprKind::Predicate { expr, filters, .. } => Expr {
            pos,
            kind: ExprKind::Predicate {
                expr,
                filters,
                keep_array: true,
            },
        },
        kind => Expr {
            pos,
            kind: ExprKind::Predicate {
                expr: one(Expr { pos, kind }),
                filters: Cow::Borrowed(&[]),
                keep_array: true,
            },
        },
    }
}
