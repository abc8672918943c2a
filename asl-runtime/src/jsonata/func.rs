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
        let text = asl_syntax::jsonata::builtins::signature(self.name).unwrap_or("<x*>");
        let sig: &'static Signature = Box::leak(Box::new(
            Signature::parse(text).expect("library signatures are valid"),
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

pub(crate) use asl_syntax::jsonata::signature::Signature as Syntax;

/// A parsed function signature (the front end's parse) with the runtime's validation.
#[derive(Debug)]
pub(crate) struct Signature {
    sig: Syntax,
}

impl std::ops::Deref for Signature {
    type Target = Syntax;
    fn deref(&self) -> &Syntax {
        &self.sig
    }
}

impl Signature {
    /// Parses `<…>`; `S0401`/`S0402` for what jsonata-js refuses.
    pub fn parse(sig: &str) -> Result<Signature, Error> {
        Syntax::parse(sig)
            .map(|sig| Signature { sig })
            .map_err(|(code, message)| Error::new(code, message))
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
