//! JSONPath paths and reference paths (ASL-PATH-*), Jayway dialect.
//!
//! AWS Step Functions is a Java service that evaluates paths with Jayway JsonPath
//! (ASL-PATH-01), so this parser follows Jayway's tokenizer:
//!
//! * roots: `$` (state input), `$$` (context object, ASL-PATH-02), `$name` (workflow variable,
//!   ASL-PATH-03);
//! * segments: `.name`, `['name']` / `["name"]`, `[n]`, `[-n]`, `[*]`, `.*`, slices
//!   `[a:b:c]`, unions `[0,1]` / `['a','b']`, deep scan `..name` / `..*` / `..[…]`, filters
//!   `[?(…)]`;
//! * a final function step `.length()`, `.size()`, `.min()`, `.max()`, `.avg()`, `.stddev()`,
//!   `.sum()`, `.keys()`, `.first()`, `.last()`.
//!
//! Dot-notation member names end at `.`, `[` or `(` (a function) like Jayway's
//! `readPropertyOrFunctionToken`, so `$.detail.bucket-name` is accepted; a space is an error
//! ("use bracket notation"). Quoted bracket names are taken **verbatim**: a backslash only stops
//! the next character from closing the string, it is not unescaped. That is what AWS does
//! (conformance case `scenarios/test_escape_sequence_parsing[ESCAPE_SEQUENCES_JSONPATH]`:
//! `$['Test\""Name"']` selects the key `Test\""Name"`).
//!
//! The AST only holds `Cow<'static, …>` so generated code can write a [`Path`] as a `static`.

use std::borrow::Cow;
use std::fmt;

/// A parsed path. Built by [`parse`] at compile time, or as a `static` by generated code
/// (every `Cow` borrowed), and evaluated by `asl_runtime::path`.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// The path as written, for error messages (`Invalid path '$.x' : …`).
    pub source: Cow<'static, str>,
    /// Where the path starts: `$`, `10514` or a variable.
    pub root: Root,
    /// The steps after the root, in order.
    pub segments: Cow<'static, [Segment]>,
    /// A final Jayway function step (`$.items.length()`).
    pub function: Option<Function>,
}

/// The document a path starts from.
#[derive(Clone, Debug, PartialEq)]
pub enum Root {
    /// `$`: the state's data.
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable.
    Variable(Cow<'static, str>),
}

/// One step of a path.
#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    /// `.name`, `[…]`: select among the children of each current node.
    Child(Selector),
    /// `..name`, `..*`, `..[…]`: deep scan, the selector applied to every node below (and
    /// including) each current node, in document order.
    Descendant(Selector),
}

/// What a segment selects.
#[derive(Clone, Debug, PartialEq)]
pub enum Selector {
    /// `.name` or `['name']`.
    Name(Cow<'static, str>),
    /// `['a','b']`: several members. As the last segment Jayway merges them into one object
    /// (definite); elsewhere each present member is a match (indefinite).
    Names(Cow<'static, [Cow<'static, str>]>),
    /// `[n]`; negative counts from the end.
    Index(i64),
    /// `[0,1]`.
    Indexes(Cow<'static, [i64]>),
    /// `[start:end:step]`.
    Slice(Slice),
    /// `*` or `[*]`.
    Wildcard,
    /// `[?(…)]`.
    Filter(Filter),
}

/// `[start:end:step]`, every part optional.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slice {
    /// The first index taken; negative counts from the end.
    pub start: Option<i64>,
    /// The index to stop before; negative counts from the end.
    pub end: Option<i64>,
    /// The stride (default 1); negative walks backwards.
    pub step: Option<i64>,
}

/// A filter expression (`[?(…)]`).
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// `a || b || …` (at least two members).
    Or(Cow<'static, [Filter]>),
    /// `a && b && …` (at least two members).
    And(Cow<'static, [Filter]>),
    /// `!a`: exactly one member.
    Not(Cow<'static, [Filter]>),
    /// `@.isbn`: the operand path matches something (a `null` value counts).
    Exists(Operand),
    /// `left op right`.
    Compare {
        /// The operator.
        op: CompareOp,
        /// The left-hand operand.
        left: Operand,
        /// The right-hand operand.
        right: Operand,
    },
}

/// Comparison operators of filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    /// `==`
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
    /// `=~ /regex/flags`.
    Matches,
}

impl CompareOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Matches => "=~",
        }
    }
}

/// An operand of a filter comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// `@…`: relative to the node being filtered.
    Current(Cow<'static, [Segment]>),
    /// `$…`: relative to the document root.
    Root(Cow<'static, [Segment]>),
    /// A string literal.
    Str(Cow<'static, str>),
    /// A number literal.
    Num(f64),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `/pattern/flags`, kept as text and checked by [`crate::regex`] when parsed.
    Regex {
        /// The text between the slashes.
        pattern: Cow<'static, str>,
        /// The flags after the closing slash, as written (a subset of
        /// [`crate::regex::JSONPATH_FLAGS`]).
        flags: Cow<'static, str>,
    },
}

impl Operand {
    /// Whether the operand is a path (`@…` or `$…`) rather than a literal.
    pub fn is_path(&self) -> bool {
        matches!(self, Operand::Current(_) | Operand::Root(_))
    }
}

/// Jayway functions allowed as the final step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    /// `length()`: elements of an array, members of an object, or UTF-16 units of a string.
    Length,
    /// `size()`: the same as `length()`.
    Size,
    /// `min()` of the numbers of an array.
    Min,
    /// `max()` of the numbers of an array.
    Max,
    /// `avg()` of the numbers of an array.
    Avg,
    /// `stddev()` (population) of the numbers of an array.
    Stddev,
    /// `sum()` of the numbers of an array.
    Sum,
    /// `keys()` of an object.
    Keys,
    /// `first()` element of an array.
    First,
    /// `last()` element of an array.
    Last,
}

impl Function {
    /// The function's name, without `()`.
    pub fn name(self) -> &'static str {
        match self {
            Function::Length => "length",
            Function::Size => "size",
            Function::Min => "min",
            Function::Max => "max",
            Function::Avg => "avg",
            Function::Stddev => "stddev",
            Function::Sum => "sum",
            Function::Keys => "keys",
            Function::First => "first",
            Function::Last => "last",
        }
    }

    fn from_name(name: &str) -> Option<Function> {
        Some(match name {
            "length" => Function::Length,
            "size" => Function::Size,
            "min" => Function::Min,
            "max" => Function::Max,
            "avg" => Function::Avg,
            "stddev" => Function::Stddev,
            "sum" => Function::Sum,
            "keys" => Function::Keys,
            "first" => Function::First,
            "last" => Function::Last,
            _ => return None,
        })
    }
}

/// Why a path was rejected.
#[derive(Clone, Debug, PartialEq)]
pub struct PathError {
    /// What is wrong.
    pub message: String,
    /// Byte offset in the path text.
    pub offset: usize,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for PathError {}

impl Segment {
    /// Jayway's definiteness of this step; `is_last` matters for `['a','b']` (merge case).
    pub fn is_definite(&self, is_last: bool) -> bool {
        match self {
            Segment::Child(Selector::Name(_) | Selector::Index(_)) => true,
            Segment::Child(Selector::Names(_)) => is_last,
            _ => false,
        }
    }
}

impl Path {
    /// A path of the given root and steps (no function). For tests and generated code.
    pub fn new(
        source: impl Into<Cow<'static, str>>,
        root: Root,
        segments: impl Into<Cow<'static, [Segment]>>,
    ) -> Path {
        Path {
            source: source.into(),
            root,
            segments: segments.into(),
            function: None,
        }
    }

    /// Jayway's definition: every step selects at most one node (member names, one index, a
    /// trailing `['a','b']` merge), and there is no function step. Definite paths fail when
    /// nothing matches; indefinite ones yield an array (ASL-PATH-06/07, ASL-SUB-05).
    pub fn is_definite(&self) -> bool {
        self.function.is_none() && self.segments_definite()
    }

    /// Definiteness of the steps alone, ignoring a function step.
    pub fn segments_definite(&self) -> bool {
        let n = self.segments.len();
        self.segments
            .iter()
            .enumerate()
            .all(|(i, s)| s.is_definite(i + 1 == n))
    }

    /// ASL-PATH-04 Reference Path: only single member names (dot or bracket) and single
    /// integer indexes (`$.a.b`, `$['a']['b']`, `$.a[0][2]`); no `@ , : ?`, wildcards, deep
    /// scan or functions. Negative indexes are accepted: the spec does not exclude `-` and such
    /// a path still designates one node. The root is not checked here (ResultPath additionally
    /// forbids `$$` and variables, ASL-PATH-09).
    pub fn is_reference(&self) -> bool {
        self.function.is_none()
            && self
                .segments
                .iter()
                .all(|s| matches!(s, Segment::Child(Selector::Name(_) | Selector::Index(_))))
    }

    /// Whether this is the bare root (`$`, `$$` or `$name`).
    pub fn is_root_only(&self) -> bool {
        self.segments.is_empty() && self.function.is_none()
    }

    /// The normalised Jayway form with `$` as root, as Jayway prints it in its messages
    /// (`$['a']['b'][0]`). The context root prints as `$` too: AWS strips the first `$` of a
    /// `$$` path and hands the rest to Jayway (ASL-PATH-02).
    pub fn jayway_string(&self) -> String {
        let mut s = String::from("$");
        for seg in self.segments.iter() {
            write_segment(&mut s, seg);
        }
        if let Some(f) = self.function {
            s.push('.');
            s.push_str(f.name());
            s.push_str("()");
        }
        s
    }
}

/// Appends the Jayway fragment of one segment (`['a']`, `[0]`, `[*]`, `..['a']`, `[?]`).
pub fn write_segment(out: &mut String, seg: &Segment) {
    match seg {
        Segment::Child(sel) => write_selector(out, sel),
        Segment::Descendant(sel) => {
            out.push_str("..");
            write_selector(out, sel);
        }
    }
}

/// Appends the Jayway fragment of one selector.
pub fn write_selector(out: &mut String, sel: &Selector) {
    use std::fmt::Write as _;
    match sel {
        Selector::Name(n) => {
            out.push_str("['");
            out.push_str(n);
            out.push_str("']");
        }
        Selector::Names(ns) => {
            out.push('[');
            for (i, n) in ns.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('\'');
                out.push_str(n);
                out.push('\'');
            }
            out.push(']');
        }
        Selector::Index(i) => {
            let _ = write!(out, "[{i}]");
        }
        Selector::Indexes(is) => {
            out.push('[');
            for (k, i) in is.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{i}");
            }
            out.push(']');
        }
        Selector::Slice(Slice { start, end, step }) => {
            out.push('[');
            if let Some(a) = start {
                let _ = write!(out, "{a}");
            }
            out.push(':');
            if let Some(b) = end {
                let _ = write!(out, "{b}");
            }
            if let Some(c) = step {
                let _ = write!(out, ":{c}");
            }
            out.push(']');
        }
        Selector::Wildcard => out.push_str("[*]"),
        Selector::Filter(_) => out.push_str("[?]"),
    }
}

/// Root as written (`$`, `$$`, `$name`) followed by the normalised Jayway steps
/// (`$$['Execution']['Id']`); parses back to an equal path (apart from `source`) unless it holds a
/// filter, which Jayway prints as `[?]`.
impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.root {
            Root::Input => f.write_str("$")?,
            Root::Context => f.write_str("$$")?,
            Root::Variable(v) => write!(f, "${v}")?,
        }
        let mut s = String::new();
        for seg in self.segments.iter() {
            write_segment(&mut s, seg);
        }
        f.write_str(&s)?;
        if let Some(func) = self.function {
            write!(f, ".{}()", func.name())?;
        }
        Ok(())
    }
}

/// Parses a JSONPath in AWS's (Jayway's) dialect.
pub fn parse(text: &str) -> Result<Path, PathError> {
    // Jayway trims the path before compiling it; AWS's own samples rely on it
    // (`"$$.Execution.Name "`).
    let text = text.trim();
    let mut p = Parser {
        src: text,
        b: text.as_bytes(),
        pos: 0,
    };
    let root = p.root()?;
    let (segments, function) = p.steps(false)?;
    if p.pos < p.b.len() {
        return Err(p.err("unexpected character after the path"));
    }
    Ok(Path {
        source: Cow::Owned(text.to_owned()),
        root,
        segments: Cow::Owned(segments),
        function,
    })
}

struct Parser<'s> {
    src: &'s str,
    b: &'s [u8],
    pos: usize,
}

fn err_at(message: impl Into<String>, offset: usize) -> PathError {
    PathError {
        message: message.into(),
        offset,
    }
}

/// Characters that end a dot-notation name inside a filter (besides `.`, `[`, `(`).
fn ends_filter_name(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\n' | b'\r' | b')' | b'=' | b'!' | b'<' | b'>' | b'&' | b'|' | b',' | b']'
    )
}

impl<'s> Parser<'s> {
    fn err(&self, message: impl Into<String>) -> PathError {
        err_at(message, self.pos)
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.b.get(self.pos + k).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn root(&mut self) -> Result<Root, PathError> {
        if !self.eat(b'$') {
            return Err(self.err("a path must start with '$'"));
        }
        if self.eat(b'$') {
            return Ok(Root::Context);
        }
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                let start = self.pos;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'_') {
                    self.pos += 1;
                }
                Ok(Root::Variable(Cow::Owned(
                    self.src[start..self.pos].to_owned(),
                )))
            }
            None | Some(b'.' | b'[') => Ok(Root::Input),
            Some(_) => Err(self.err("expected '.', '[' or a variable name after '$'")),
        }
    }

    /// Steps until the end of the path (or, in a filter, until a character that cannot
    /// continue a path).
    fn steps(&mut self, in_filter: bool) -> Result<(Vec<Segment>, Option<Function>), PathError> {
        let mut segs = Vec::new();
        loop {
            match self.peek() {
                None => return Ok((segs, None)),
                Some(b'.') => {
                    let dot = self.pos;
                    if self.peek_at(1) == Some(b'.') {
                        self.pos += 2;
                        match self.peek() {
                            None => return Err(err_at("a path must not end with '..'", dot)),
                            Some(b'.') => return Err(self.err("unexpected '.' after '..'")),
                            Some(b'*') => {
                                self.pos += 1;
                                segs.push(Segment::Descendant(Selector::Wildcard));
                            }
                            Some(b'[') => {
                                let sel = self.bracket()?;
                                segs.push(Segment::Descendant(sel));
                            }
                            Some(_) => {
                                let name_at = self.pos;
                                let name = self.dot_name(in_filter)?;
                                if self.peek() == Some(b'(') {
                                    return Err(err_at("a function cannot follow '..'", name_at));
                                }
                                segs.push(Segment::Descendant(Selector::Name(Cow::Owned(name))));
                            }
                        }
                    } else {
                        self.pos += 1;
                        match self.peek() {
                            None => return Err(err_at("a path must not end with '.'", dot)),
                            Some(b'*') => {
                                self.pos += 1;
                                segs.push(Segment::Child(Selector::Wildcard));
                            }
                            Some(b'[') => {
                                let sel = self.bracket()?;
                                segs.push(Segment::Child(sel));
                            }
                            Some(_) => {
                                let name_at = self.pos;
                                let name = self.dot_name(in_filter)?;
                                if self.peek() == Some(b'(') {
                                    if in_filter {
                                        return Err(err_at(
                                            "functions are not supported inside filters",
                                            name_at,
                                        ));
                                    }
                                    let f = self.function(&name, name_at)?;
                                    return Ok((segs, Some(f)));
                                }
                                segs.push(Segment::Child(Selector::Name(Cow::Owned(name))));
                            }
                        }
                    }
                }
                Some(b'[') => {
                    let sel = self.bracket()?;
                    segs.push(Segment::Child(sel));
                }
                Some(_) if in_filter => return Ok((segs, None)),
                Some(_) => return Err(self.err("expected '.' or '['")),
            }
        }
    }

    /// A dot-notation member name: everything up to `.`, `[`, `(` or the end (Jayway).
    fn dot_name(&mut self, in_filter: bool) -> Result<String, PathError> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c == b'.' || c == b'[' || c == b'(' {
                break;
            }
            if in_filter && ends_filter_name(c) {
                break;
            }
            if c == b' ' {
                return Err(
                    self.err("use bracket notation ['my prop'] for member names containing blanks")
                );
            }
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.err("empty member name"));
        }
        Ok(self.src[start..self.pos].to_owned())
    }

    fn function(&mut self, name: &str, name_at: usize) -> Result<Function, PathError> {
        let Some(f) = Function::from_name(name) else {
            return Err(err_at(format!("unknown function '{name}()'"), name_at));
        };
        // at '('
        self.pos += 1;
        self.skip_ws();
        if !self.eat(b')') {
            return Err(self.err(format!(
                "function '{name}()' takes no arguments; expected ')'"
            )));
        }
        if self.pos < self.b.len() {
            return Err(self.err("a function must be the last step of a path"));
        }
        Ok(f)
    }

    /// `[ … ]`, at the `[`.
    fn bracket(&mut self) -> Result<Selector, PathError> {
        let open = self.pos;
        self.pos += 1;
        self.skip_ws();
        let sel = match self.peek() {
            None => return Err(err_at("expected ']' to close the bracket", open)),
            Some(b'*') => {
                self.pos += 1;
                Selector::Wildcard
            }
            Some(b'?') => {
                self.pos += 1;
                self.skip_ws();
                if !self.eat(b'(') {
                    return Err(self.err("expected '(' after '?' in a filter"));
                }
                let f = self.filter_or()?;
                self.skip_ws();
                if !self.eat(b')') {
                    return Err(self.err("expected ')' to close the filter"));
                }
                Selector::Filter(f)
            }
            Some(b'\'' | b'"') => {
                let mut names = Vec::new();
                loop {
                    self.skip_ws();
                    let q = match self.peek() {
                        Some(q @ (b'\'' | b'"')) => q,
                        _ => return Err(self.err("expected a quoted member name")),
                    };
                    names.push(Cow::Owned(self.quoted(q)?));
                    self.skip_ws();
                    if !self.eat(b',') {
                        break;
                    }
                }
                if names.len() == 1 {
                    Selector::Name(names.pop().unwrap_or_default())
                } else {
                    Selector::Names(Cow::Owned(names))
                }
            }
            Some(c) if c == b'-' || c == b':' || c.is_ascii_digit() => self.indexes_or_slice()?,
            Some(b']') => return Err(self.err("empty brackets")),
            Some(_) => {
                return Err(self.err(
                    "expected a quoted name, an index, a slice, '*' or a filter in brackets",
                ));
            }
        };
        self.skip_ws();
        if !self.eat(b']') {
            return Err(self.err("expected ']' to close the bracket"));
        }
        Ok(sel)
    }

    /// A quoted string at its opening quote `q`; returned verbatim (see module docs).
    fn quoted(&mut self, q: u8) -> Result<String, PathError> {
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        loop {
            match self.peek() {
                None => return Err(err_at("unterminated quoted string", open)),
                Some(b'\\') => {
                    self.pos += 1;
                    if self.peek().is_none() {
                        return Err(err_at("unterminated quoted string", open));
                    }
                    // Skip one whole character (may be multi-byte).
                    self.pos += utf8_len(self.b[self.pos]);
                }
                Some(c) if c == q => {
                    let s = self.src.get(start..self.pos).unwrap_or_default().to_owned();
                    self.pos += 1;
                    return Ok(s);
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    fn int(&mut self) -> Result<Option<i64>, PathError> {
        self.skip_ws();
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = self.pos;
        while matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.pos == digits {
            if self.pos != start {
                return Err(self.err("expected digits after '-'"));
            }
            return Ok(None);
        }
        let text = &self.src[start..self.pos];
        text.parse::<i64>()
            .map(Some)
            .map_err(|_| err_at("index out of range", start))
    }

    fn indexes_or_slice(&mut self) -> Result<Selector, PathError> {
        let first_at = self.pos;
        let first = self.int()?;
        self.skip_ws();
        if self.peek() == Some(b':') {
            self.pos += 1;
            let end = self.int()?;
            self.skip_ws();
            let step = if self.eat(b':') {
                let at = self.pos;
                let s = self.int()?;
                if s == Some(0) {
                    return Err(err_at("slice step must not be 0", at));
                }
                s
            } else {
                None
            };
            return Ok(Selector::Slice(Slice {
                start: first,
                end,
                step,
            }));
        }
        let Some(first) = first else {
            return Err(err_at("expected an index", first_at));
        };
        let mut all = vec![first];
        loop {
            self.skip_ws();
            if !self.eat(b',') {
                break;
            }
            match self.int()? {
                Some(i) => all.push(i),
                None => return Err(self.err("expected an index after ','")),
            }
        }
        Ok(if all.len() == 1 {
            Selector::Index(first)
        } else {
            Selector::Indexes(Cow::Owned(all))
        })
    }

    // ---- filters ----

    fn filter_or(&mut self) -> Result<Filter, PathError> {
        let mut items = vec![self.filter_and()?];
        loop {
            self.skip_ws();
            if self.peek() == Some(b'|') && self.peek_at(1) == Some(b'|') {
                self.pos += 2;
                items.push(self.filter_and()?);
            } else {
                break;
            }
        }
        Ok(if items.len() == 1 {
            items.pop().expect("one item")
        } else {
            Filter::Or(Cow::Owned(items))
        })
    }

    fn filter_and(&mut self) -> Result<Filter, PathError> {
        let mut items = vec![self.filter_unary()?];
        loop {
            self.skip_ws();
            if self.peek() == Some(b'&') && self.peek_at(1) == Some(b'&') {
                self.pos += 2;
                items.push(self.filter_unary()?);
            } else {
                break;
            }
        }
        Ok(if items.len() == 1 {
            items.pop().expect("one item")
        } else {
            Filter::And(Cow::Owned(items))
        })
    }

    fn filter_unary(&mut self) -> Result<Filter, PathError> {
        self.skip_ws();
        match self.peek() {
            Some(b'!') if self.peek_at(1) != Some(b'=') => {
                self.pos += 1;
                let inner = self.filter_unary()?;
                Ok(Filter::Not(Cow::Owned(vec![inner])))
            }
            Some(b'(') => {
                self.pos += 1;
                let inner = self.filter_or()?;
                self.skip_ws();
                if !self.eat(b')') {
                    return Err(self.err("expected ')' to close the group"));
                }
                Ok(inner)
            }
            _ => self.filter_relation(),
        }
    }

    fn filter_relation(&mut self) -> Result<Filter, PathError> {
        let left_at = self.pos;
        let left = self.operand()?;
        self.skip_ws();
        let op_at = self.pos;
        let op = match (self.peek(), self.peek_at(1)) {
            (Some(b'='), Some(b'=')) => Some((CompareOp::Eq, 2)),
            (Some(b'!'), Some(b'=')) => Some((CompareOp::Ne, 2)),
            (Some(b'<'), Some(b'=')) => Some((CompareOp::Le, 2)),
            (Some(b'>'), Some(b'=')) => Some((CompareOp::Ge, 2)),
            (Some(b'='), Some(b'~')) => Some((CompareOp::Matches, 2)),
            (Some(b'<'), _) => Some((CompareOp::Lt, 1)),
            (Some(b'>'), _) => Some((CompareOp::Gt, 1)),
            (Some(b'='), _) => {
                return Err(self.err("expected '==' (a single '=' is not an operator)"));
            }
            (Some(c), _) if c.is_ascii_alphabetic() => {
                let start = self.pos;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphabetic()) {
                    self.pos += 1;
                }
                return Err(err_at(
                    format!(
                        "unsupported filter operator '{}'",
                        &self.src[start..self.pos]
                    ),
                    start,
                ));
            }
            _ => None,
        };
        let Some((op, len)) = op else {
            if left.is_path() {
                return Ok(Filter::Exists(left));
            }
            return Err(err_at(
                "expected a comparison operator after a literal",
                op_at.max(left_at),
            ));
        };
        self.pos += len;
        self.skip_ws();
        let right_at = self.pos;
        let right = self.operand()?;
        if op == CompareOp::Matches && !matches!(right, Operand::Regex { .. }) {
            return Err(err_at("'=~' needs a /regex/ on its right", right_at));
        }
        if op != CompareOp::Matches && matches!(right, Operand::Regex { .. }) {
            return Err(err_at("a /regex/ can only follow '=~'", right_at));
        }
        if matches!(left, Operand::Regex { .. }) {
            return Err(err_at("a /regex/ can only follow '=~'", left_at));
        }
        Ok(Filter::Compare { op, left, right })
    }

    fn operand(&mut self) -> Result<Operand, PathError> {
        self.skip_ws();
        let at = self.pos;
        match self.peek() {
            None => Err(self.err("expected a filter operand")),
            Some(b'@') => {
                self.pos += 1;
                let (segs, _) = self.steps(true)?;
                Ok(Operand::Current(Cow::Owned(segs)))
            }
            Some(b'$') => {
                self.pos += 1;
                if matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'$') {
                    return Err(self.err("only '$' and '@' paths are supported inside filters"));
                }
                let (segs, _) = self.steps(true)?;
                Ok(Operand::Root(Cow::Owned(segs)))
            }
            Some(q @ (b'\'' | b'"')) => Ok(Operand::Str(Cow::Owned(self.quoted(q)?))),
            Some(b'/') => {
                self.pos += 1;
                let start = self.pos;
                loop {
                    match self.peek() {
                        None => return Err(err_at("unterminated regular expression", at)),
                        Some(b'\\') => {
                            self.pos += 1;
                            if let Some(c) = self.peek() {
                                self.pos += utf8_len(c);
                            }
                        }
                        Some(b'/') => break,
                        Some(_) => self.pos += 1,
                    }
                }
                let pattern = self.src.get(start..self.pos).unwrap_or_default().to_owned();
                self.pos += 1;
                let mut flags = String::new();
                while let Some(c) = self.peek() {
                    match c {
                        c if crate::regex::JSONPATH_FLAGS.contains(c as char) => flags.push(c as char),
                        c if c.is_ascii_alphabetic() => {
                            return Err(self.err(format!("unknown regex flag '{}'", c as char)));
                        }
                        _ => break,
                    }
                    self.pos += 1;
                }
                // The engine that will run it must accept it (Java syntax it lacks, a typo).
                if let Err(e) = crate::regex::compile_full(&pattern, &flags) {
                    return Err(err_at(e, start));
                }
                Ok(Operand::Regex { pattern: Cow::Owned(pattern), flags: Cow::Owned(flags) })
            }
            Some(c) if c == b'-' || c.is_ascii_digit() => {
                let start = self.pos;
                if c == b'-' {
                    self.pos += 1;
                }
                while matches!(self.peek(), Some(c) if c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-')) {
                    self.pos += 1;
                }
                let text = &self.src[start..self.pos];
                match text.parse::<f64>() {
                    Ok(n) if n.is_finite() => Ok(Operand::Num(n)),
                    _ => Err(err_at(format!("invalid number '{text}'"), start)),
                }
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.pos;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'-') {
                    self.pos += 1;
                }
                match &self.src[start..self.pos] {
                    "true" => Ok(Operand::Bool(true)),
                    "false" => Ok(Operand::Bool(false)),
                    "null" => Ok(Operand::Null),
                    // Deployed AWS samples compare with bare words (`[?(@.Name==Receipt)]`), so
                    // AWS takes an unquoted word as a string.
                    w => Ok(Operand::Str(Cow::Owned(w.to_owned()))),
                }
            }
            Some(_) => Err(self.err("expected a filter operand ('@…', '$…', a string, a number, true, false, null or /regex/)")),
        }
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Path {
        parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn name(s: &'static str) -> Segment {
        Segment::Child(Selector::Name(Cow::Borrowed(s)))
    }

    #[test]
    fn path_roots_asl_path_02_03() {
        assert_eq!(p("$").root, Root::Input);
        assert!(p("$").is_root_only());
        assert_eq!(p("$$").root, Root::Context);
        let c = p("$$.Execution.Id");
        assert_eq!(c.root, Root::Context);
        assert_eq!(c.segments.as_ref(), &[name("Execution"), name("Id")]);
        let v = p("$order.total");
        assert_eq!(v.root, Root::Variable("order".into()));
        assert_eq!(v.segments.as_ref(), &[name("total")]);
        let x = p("$x[0]");
        assert_eq!(x.root, Root::Variable("x".into()));
        assert_eq!(x.segments.as_ref(), &[Segment::Child(Selector::Index(0))]);
    }

    #[test]
    fn path_static_construction() {
        static SEGS: [Segment; 2] = [
            Segment::Child(Selector::Name(Cow::Borrowed("a"))),
            Segment::Child(Selector::Index(-1)),
        ];
        static P: Path = Path {
            source: Cow::Borrowed("$.a[-1]"),
            root: Root::Input,
            segments: Cow::Borrowed(&SEGS),
            function: None,
        };
        assert_eq!(parse("$.a[-1]").unwrap(), P);
    }

    #[test]
    fn path_dot_names_are_liberal_like_jayway_asl_path_05() {
        assert_eq!(p("$.detail.bucket-name").segments[1], name("bucket-name"));
        assert_eq!(p("$.a$b").segments[0], name("a$b"));
        assert_eq!(p("$.ü").segments[0], name("ü"));
        let e = parse("$.a b").unwrap_err();
        assert!(e.message.contains("bracket"), "{e:?}");
        assert_eq!(e.offset, 3);
    }

    #[test]
    fn path_brackets_and_quotes() {
        assert_eq!(p("$['a b']").segments[0], name("a b"));
        assert_eq!(p("$[\"a.b\"]").segments[0], name("a.b"));
        assert_eq!(p("$[ 'a' ]").segments[0], name("a"));
        // verbatim: backslash only protects the quote (AWS ESCAPE_SEQUENCES_JSONPATH case)
        assert_eq!(
            p(r#"$['Test\""Name"']"#).segments[0],
            name(r#"Test\""Name""#)
        );
        assert_eq!(p(r"$['it\'s']").segments[0], name(r"it\'s"));
        let u = p("$['a','b']");
        assert_eq!(
            u.segments[0],
            Segment::Child(Selector::Names(
                vec![Cow::Borrowed("a"), Cow::Borrowed("b")].into()
            ))
        );
    }

    #[test]
    fn path_indexes_slices_wildcards() {
        assert_eq!(p("$[-1]").segments[0], Segment::Child(Selector::Index(-1)));
        assert_eq!(
            p("$[0, 1]").segments[0],
            Segment::Child(Selector::Indexes(vec![0, 1].into()))
        );
        assert_eq!(
            p("$[1:5:2]").segments[0],
            Segment::Child(Selector::Slice(Slice {
                start: Some(1),
                end: Some(5),
                step: Some(2)
            }))
        );
        assert_eq!(
            p("$[:1]").segments[0],
            Segment::Child(Selector::Slice(Slice {
                start: None,
                end: Some(1),
                step: None
            }))
        );
        assert_eq!(
            p("$[1:]").segments[0],
            Segment::Child(Selector::Slice(Slice {
                start: Some(1),
                end: None,
                step: None
            }))
        );
        assert_eq!(
            p("$[:]").segments[0],
            Segment::Child(Selector::Slice(Slice {
                start: None,
                end: None,
                step: None
            }))
        );
        assert_eq!(p("$.*").segments[0], Segment::Child(Selector::Wildcard));
        assert_eq!(p("$[*]").segments[0], Segment::Child(Selector::Wildcard));
        assert_eq!(
            p("$..name").segments[0],
            Segment::Descendant(Selector::Name("name".into()))
        );
        assert_eq!(
            p("$..*").segments[0],
            Segment::Descendant(Selector::Wildcard)
        );
        assert_eq!(
            p("$..[0]").segments[0],
            Segment::Descendant(Selector::Index(0))
        );
        assert_eq!(p("$.['a']").segments[0], name("a"));
    }

    #[test]
    fn path_filters() {
        let f = p("$.book[?(@.price < 10)]");
        let Segment::Child(Selector::Filter(Filter::Compare { op, left, right })) = &f.segments[1]
        else {
            panic!("{f:?}")
        };
        assert_eq!(*op, CompareOp::Lt);
        assert_eq!(*left, Operand::Current(vec![name("price")].into()));
        assert_eq!(*right, Operand::Num(10.0));
        let e = p("$[?(@.isbn)]");
        assert!(matches!(
            &e.segments[0],
            Segment::Child(Selector::Filter(Filter::Exists(_)))
        ));
        let c = p("$[?(@.a == 'x' && (@.b > 2 || !@.c))]");
        let Segment::Child(Selector::Filter(Filter::And(items))) = &c.segments[0] else {
            panic!("{c:?}")
        };
        assert_eq!(items.len(), 2);
        assert!(
            matches!(&items[1], Filter::Or(o) if o.len() == 2 && matches!(&o[1], Filter::Not(_)))
        );
        let r = p("$[?(@.name =~ /foo.*/i)]");
        let Segment::Child(Selector::Filter(Filter::Compare { right, .. })) = &r.segments[0] else {
            panic!()
        };
        assert_eq!(
            *right,
            Operand::Regex {
                pattern: "foo.*".into(),
                flags: "i".into()
            }
        );
        let rootop = p("$.a[?(@.x >= $.min)]");
        let Segment::Child(Selector::Filter(Filter::Compare { right, .. })) = &rootop.segments[1]
        else {
            panic!()
        };
        assert_eq!(*right, Operand::Root(vec![name("min")].into()));
        assert!(p("$[?(@.a != null)]").segments.len() == 1);
        assert!(p("$[?(@['a b'] == true)]").segments.len() == 1);
        assert!(p("$[?(@.a==-1.5e2)]").segments.len() == 1);
    }

    #[test]
    fn path_functions() {
        let f = p("$.items.length()");
        assert_eq!(f.function, Some(Function::Length));
        assert_eq!(f.segments.len(), 1);
        assert!(!f.is_definite());
        assert!(f.segments_definite());
        assert!(
            parse("$.items.nope()")
                .unwrap_err()
                .message
                .contains("unknown function")
        );
        assert!(parse("$.items.length().x").is_err());
        assert!(parse("$.items.length(1)").is_err());
    }

    #[test]
    fn path_definite_and_reference_asl_path_04_06() {
        for s in [
            "$",
            "$.a",
            "$.a.b[0]",
            "$['a']['b']",
            "$.a[-1]",
            "$['a','b']",
            "$$.Execution.Id",
        ] {
            assert!(p(s).is_definite(), "{s}");
        }
        for s in [
            "$.a[*]",
            "$.a[1:]",
            "$..a",
            "$.a[0,1]",
            "$['a','b'].c",
            "$[?(@.a)]",
            "$.a.length()",
            "$.*",
        ] {
            assert!(!p(s).is_definite(), "{s}");
        }
        for s in ["$", "$.a.b", "$['a']['b']", "$.a[0][2]", "$.a[-1]"] {
            assert!(p(s).is_reference(), "{s}");
        }
        for s in [
            "$.a[*]",
            "$.a[0,1]",
            "$['a','b']",
            "$.a[1:2]",
            "$..a",
            "$[?(@.a)]",
            "$.a.length()",
        ] {
            assert!(!p(s).is_reference(), "{s}");
        }
    }

    #[test]
    fn path_display_is_jayway_normalised() {
        assert_eq!(
            p("$.NoSuchOutputPath").jayway_string(),
            "$['NoSuchOutputPath']"
        );
        assert_eq!(p("$.a.b[0]").jayway_string(), "$['a']['b'][0]");
        assert_eq!(p("$$.Execution.Id").jayway_string(), "$['Execution']['Id']");
        assert_eq!(
            p("$.a[*]..b[1:3][?(@.x)]").jayway_string(),
            "$['a'][*]..['b'][1:3][?]"
        );
        assert_eq!(p("$.a.length()").jayway_string(), "$['a'].length()");
        assert_eq!(p("$$.a").to_string(), "$$['a']");
        assert_eq!(p("$v.a[0,1]").to_string(), "$v['a'][0,1]");
        // Display round-trips
        for s in [
            "$.a.b[0]",
            "$..x[*]",
            "$['a','b']",
            "$[1:5:2]",
            "$$.Map.Item.Value",
            "$var[0]['k']",
        ] {
            let once = p(s);
            let again = p(&once.to_string());
            assert_eq!(once.segments, again.segments, "{s}");
            assert_eq!(once.root, again.root);
        }
    }

    #[test]
    fn path_errors_have_offsets() {
        let cases: &[(&str, &str, usize)] = &[
            ("", "start with '$'", 0),
            ("a", "start with '$'", 0),
            ("$.", "end with '.'", 1),
            ("$..", "end with '..'", 1),
            ("$.a[", "expected ']'", 3),
            ("$.a[0", "expected ']'", 5),
            ("$['a'", "expected ']'", 5),
            ("$['a", "unterminated", 2),
            ("$[]", "empty brackets", 2),
            ("$[?(@.a == 1]", "expected ')'", 12),
            ("$[?(@.a = 1)]", "'=='", 8),
            ("$[?(@.a in [1])]", "unsupported filter operator 'in'", 8),
            ("$#", "after '$'", 1),
            ("$.a..", "end with '..'", 3),
            ("$[1:2:0]", "step", 6),
            ("$[99999999999999999999]", "out of range", 2),
        ];
        for (src, msg, off) in cases {
            let e = parse(src).expect_err(src);
            assert!(e.message.contains(msg), "{src}: {e:?}");
            assert_eq!(e.offset, *off, "{src}: {e:?}");
            assert!(
                e.message.starts_with(|c: char| c.is_ascii_lowercase()),
                "lower-case: {e:?}"
            );
        }
    }

    #[test]
    fn path_parser_never_panics() {
        let seeds = [
            "$.a.b[0]",
            "$['a','b'][1:2:3]",
            "$..[?(@.price < 10 && (@.x || !@.y) && @.z =~ /a\\/b/i)]",
            "$$.Execution.Input['k']",
            "$var.x[-1].length()",
            "$[\"q\\\"x\"][*]..*",
            "$[?(@.a == 'é' || $.b >= -1e3)]",
            "$.ü[0,1,2]",
        ];
        for s in seeds {
            for end in 0..=s.len() {
                if let Some(prefix) = s.get(..end) {
                    let _ = parse(prefix);
                }
            }
        }
        // pseudo-random byte soup from an alphabet of path characters (xorshift, no deps)
        let alphabet = b"$.[]'\"()?@*:,-0123456789ab =<>!&|~/\\\xc3\xa9";
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut buf = Vec::new();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 24) as usize;
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                buf.push(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            let s = String::from_utf8_lossy(&buf);
            let with_root = format!("${s}");
            let _ = parse(&s);
            let _ = parse(&with_root);
        }
    }
}
