//! Functions: lambdas, the built-in library, partial applications, regular expressions,
//! transforms and `~>` chains, and jsonata-js's function signatures (`<s-nn?:s>`,
//! `signature.js`), which check and complete the arguments of every call.

use std::rc::Rc;
use std::sync::OnceLock;

use asl_syntax::jsonata::Expr;

use super::Error;
use super::eval::{Eval, FrameRef};
use super::value::JValue;

/// A function value.
pub(crate) enum Func<'e> {
    /// `function($a, $b)<sig>{ body }`, with the frame and context item it closed over.
    Lambda(Lambda<'e>),
    /// A function of the standard library.
    Native(&'static Native),
    /// `$f(?, 2)` of a library function: the bound arguments, `None` for each `?`.
    PartialNative {
        native: &'static Native,
        args: Vec<Option<JValue<'e>>>,
    },
    /// `/re/flags`: a matcher function (`$match`, `$replace`, `$split`, `$contains` use it).
    Regex(std::sync::Arc<Regex>),
    /// `| pattern | update, delete |`: a function of one object.
    Transform { node: &'e Expr, env: FrameRef<'e> },
    /// `f ~> g` of two functions: `function($x){ g(f($x)) }`.
    Chain(JValue<'e>, JValue<'e>),
}

/// A lambda closure.
pub(crate) struct Lambda<'e> {
    pub params: Vec<&'e str>,
    pub body: &'e Expr,
    pub env: FrameRef<'e>,
    pub input: JValue<'e>,
    pub signature: Option<Rc<Signature>>,
}

/// A compiled JSONata regular expression.
pub(crate) type Regex = fancy_regex::Regex;

/// The implementation of a library function: the evaluator (for higher-order functions and
/// the evaluation's clock), the arguments after signature validation, and the context item.
pub(crate) type NativeFn =
    for<'e> fn(&mut Eval<'e, '_>, Vec<JValue<'e>>, &JValue<'e>) -> Result<JValue<'e>, Error>;

/// A library function.
pub(crate) struct Native {
    /// The name, without `$`.
    pub name: &'static str,
    /// jsonata-js's signature, e.g. `<s-nn?:s>`.
    pub signature: &'static str,
    /// The number of parameters jsonata-js's implementation declares (its `length`): the arity
    /// higher-order functions see, and the parameters of a partial application.
    pub arity: usize,
    pub imp: NativeFn,
}

impl Native {
    /// The parsed signature.
    pub fn signature(&'static self) -> &'static Signature {
        // One parse per library function, for the life of the process.
        static CACHE: OnceLock<std::sync::Mutex<Vec<(usize, &'static Signature)>>> =
            OnceLock::new();
        let key = self as *const Native as usize;
        let cache = CACHE.get_or_init(Default::default);
        let mut c = cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, s)) = c.iter().find(|(k, _)| *k == key) {
            return s;
        }
        let sig: &'static Signature = Box::leak(Box::new(
            Signature::parse(self.signature).expect("library signatures are valid"),
        ));
        c.push((key, sig));
        sig
    }
}

impl<'e> Func<'e> {
    /// jsonata-js `getFunctionArity`.
    pub fn arity(&self) -> usize {
        match self {
            Func::Lambda(l) => l.params.len(),
            Func::Native(n) => n.arity,
            Func::PartialNative { args, .. } => args.iter().filter(|a| a.is_none()).count(),
            Func::Regex(_) => 2,
            Func::Transform { .. } => 1,
            Func::Chain(..) => 1,
        }
    }
}

/// One parameter of a signature.
#[derive(Clone, Debug)]
struct Param {
    /// The regex of the parameter's symbols (`[sm]`, `[asnblfom]`, …) and its quantifier.
    regex: String,
    /// The type letter, or `(…)` for a choice.
    kind: String,
    /// `-`: the context item stands in when the argument is missing.
    context: bool,
    /// The symbols the context item may have.
    context_class: String,
    /// `a<n>`: the item type of an array parameter.
    subtype: Option<String>,
}

/// A parsed function signature.
#[derive(Debug)]
pub(crate) struct Signature {
    params: Vec<Param>,
    regex: fancy_regex::Regex,
}

impl Signature {
    /// Parses `<…>`; `S0401`/`S0402` for what jsonata-js refuses.
    pub fn parse(sig: &str) -> Result<Signature, Error> {
        let chars: Vec<char> = sig.chars().collect();
        let mut params: Vec<Param> = Vec::new();
        let mut pos = 1;
        let new = |regex: String, kind: String| Param {
            regex,
            kind,
            context: false,
            context_class: String::new(),
            subtype: None,
        };
        let closing = |start: usize, open: char, close: char| {
            let mut depth = 1;
            let mut p = start;
            while p + 1 < chars.len() {
                p += 1;
                if chars[p] == close {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                } else if chars[p] == open {
                    depth += 1;
                }
            }
            p
        };
        while pos < chars.len() {
            let c = chars[pos];
            if c == ':' {
                break;
            }
            match c {
                's' | 'n' | 'b' | 'l' | 'o' => params.push(new(format!("[{c}m]"), c.to_string())),
                'a' => params.push(new("[asnblfom]".into(), "a".into())),
                'f' => params.push(new("f".into(), "f".into())),
                'j' => params.push(new("[asnblom]".into(), "j".into())),
                'x' => params.push(new("[asnblfom]".into(), "x".into())),
                '-' => {
                    if let Some(p) = params.last_mut() {
                        p.context = true;
                        p.context_class = p.regex.clone();
                        p.regex.push('?');
                    }
                }
                '?' | '+' => {
                    if let Some(p) = params.last_mut() {
                        p.regex.push(c);
                    }
                }
                '(' => {
                    let end = closing(pos, '(', ')');
                    let choice: String = chars[pos + 1..end.min(chars.len())].iter().collect();
                    if choice.contains('<') {
                        return Err(Error::new(
                            "S0402",
                            "Choice groups containing parameterized types are not supported",
                        ));
                    }
                    params.push(new(format!("[{choice}m]"), format!("({choice})")));
                    pos = end;
                }
                '<' => {
                    let is_param = params
                        .last()
                        .is_some_and(|p| p.kind == "a" || p.kind == "f");
                    if !is_param {
                        return Err(Error::new(
                            "S0401",
                            "Type parameters can only be applied to functions and arrays",
                        ));
                    }
                    let end = closing(pos, '<', '>');
                    let sub: String = chars[pos + 1..end.min(chars.len())].iter().collect();
                    if let Some(p) = params.last_mut() {
                        p.subtype = Some(sub);
                    }
                    pos = end;
                }
                _ => {}
            }
            pos += 1;
        }
        let pattern = format!(
            "^{}$",
            params
                .iter()
                .map(|p| format!("({})", p.regex))
                .collect::<String>()
        );
        let regex = fancy_regex::Regex::new(&pattern)
            .map_err(|e| Error::new("S0401", format!("invalid signature {sig}: {e}")))?;
        Ok(Signature { params, regex })
    }

    /// Checks `args` against the signature: fills in the context item for a missing `-`
    /// parameter, wraps a single value given for an array parameter, and fails with
    /// `T0410`/`T0411`/`T0412` as jsonata-js does. `name` is the function's name for messages.
    pub fn validate<'e>(
        &self,
        args: Vec<JValue<'e>>,
        context: &JValue<'e>,
        name: &str,
    ) -> Result<Vec<JValue<'e>>, Error> {
        let supplied: String = args.iter().map(JValue::symbol).collect();
        let caps = match self.regex.captures(&supplied) {
            Ok(Some(c)) => c,
            _ => return Err(self.validation_error(&args, &supplied, name)),
        };
        let mut out = Vec::with_capacity(self.params.len());
        let mut arg_index = 0;
        for (i, param) in self.params.iter().enumerate() {
            let matched = caps.get(i + 1).map_or("", |m| m.as_str());
            if matched.is_empty() {
                if param.context {
                    let sym = context.symbol();
                    if class_matches(&param.context_class, sym) {
                        out.push(context.clone());
                    } else {
                        return Err(Error::new(
                            "T0411",
                            format!(
                                "Context value is not a compatible type with argument {} of function {name}",
                                arg_index + 1
                            ),
                        ));
                    }
                } else {
                    out.push(args.get(arg_index).cloned().unwrap_or_default());
                    arg_index += 1;
                }
                continue;
            }
            for single in matched.chars() {
                let arg = args.get(arg_index).cloned().unwrap_or_default();
                if param.kind == "a" {
                    if single == 'm' {
                        out.push(JValue::Undefined);
                    } else {
                        let mut ok = true;
                        if let Some(sub) = &param.subtype {
                            if single != 'a' && matched != sub.as_str() {
                                ok = false;
                            } else if single == 'a'
                                && let Some(items) = arg.items()
                                && !items.is_empty()
                            {
                                let first = items.get(0).map_or('m', |v| v.symbol());
                                ok = sub.starts_with(first)
                                    && items.iter().all(|v| v.symbol() == first);
                            }
                        }
                        if !ok {
                            let ty = match param.subtype.as_deref().and_then(|s| s.chars().next()) {
                                Some('a') => "arrays",
                                Some('b') => "booleans",
                                Some('f') => "functions",
                                Some('n') => "numbers",
                                Some('o') => "objects",
                                Some('s') => "strings",
                                _ => "undefined",
                            };
                            return Err(Error::new(
                                "T0412",
                                format!(
                                    "Argument {} of function {name} must be an array of {ty}",
                                    arg_index + 1
                                ),
                            ));
                        }
                        if single != 'a' {
                            out.push(JValue::array(vec![arg]));
                        } else {
                            out.push(arg);
                        }
                    }
                } else {
                    out.push(arg);
                }
                arg_index += 1;
            }
        }
        Ok(out)
    }

    fn validation_error(&self, args: &[JValue<'_>], supplied: &str, name: &str) -> Error {
        let mut partial = String::from("^");
        let mut good_to = 0;
        for p in &self.params {
            partial.push_str(&p.regex);
            let m = fancy_regex::Regex::new(&partial)
                .ok()
                .and_then(|re| re.find(supplied).ok().flatten());
            match m {
                None => break,
                Some(m) => good_to = m.end(),
            }
        }
        let _ = args;
        Error::new(
            "T0410",
            format!(
                "Argument {} of function {name} does not match function signature",
                good_to + 1
            ),
        )
    }
}

/// Whether a symbol belongs to a parameter's class (`[sm]`, `f`, …).
fn class_matches(class: &str, sym: char) -> bool {
    if let Some(inner) = class.strip_prefix('[') {
        inner.trim_end_matches(']').contains(sym)
    } else {
        class.starts_with(sym)
    }
}
