//! The front end's view of JSONata strings: is a string an expression (ASL-JA-02), does it
//! parse, and does it keep to what ASL allows (ASL-VAL-23, ASL-JA-05).

use crate::jsonata;

/// How a string in a JSONata-capable field reads.
pub enum Split<'a> {
    /// `{% … %}`: the text between the delimiters.
    Expression(&'a str),
    /// A plain string (whitespace around the delimiters makes a literal, ASL-SUB-46).
    Literal,
    /// Starts with `{%` but does not end with `%}` (or the reverse).
    Malformed(String),
}

/// Classifies a string of a JSONata-capable field ([`jsonata::split_template`]).
pub fn split(s: &str) -> Split<'_> {
    match jsonata::split_template(s) {
        jsonata::Template::Expression(e) => Split::Expression(e),
        jsonata::Template::Literal => Split::Literal,
        jsonata::Template::Malformed(why) => Split::Malformed(why.to_string()),
    }
}

/// Parses an expression and applies ASL's restrictions on what it may read; a syntax error
/// comes with its byte offset in `expr`.
pub fn check(expr: &str) -> Result<jsonata::Expr, (String, Option<usize>)> {
    let e = jsonata::parse(expr)
        .map_err(|e| (format!("{} ({})", e.message, e.code), Some(e.offset)))?;
    check_refs(&e).map_err(|m| (m, None))?;
    check_regexes(&e)?;
    Ok(e)
}

/// Every regular expression of the expression compiles with the engine that will run it
/// (jsonata-js builds them when it parses, so an invalid one is a syntax error there too).
fn check_regexes(e: &jsonata::Expr) -> Result<(), (String, Option<usize>)> {
    let mut bad = None;
    jsonata::walk(e, &mut |x| {
        if bad.is_none()
            && let jsonata::ExprKind::Regex { pattern, flags } = &x.kind
            && let Err(why) = crate::regex::compile_js(pattern, flags)
        {
            bad = Some((why, Some(x.pos)));
        }
    });
    match bad {
        Some(b) => Err(b),
        None => Ok(()),
    }
}

/// ASL's restrictions on what an expression may read (ASL-JA-05, ASL-SUB-48).
fn check_refs(e: &jsonata::Expr) -> Result<(), String> {
    let refs = jsonata::references(e);
    // ASL-JA-05 / ASL-SUB-48: there is no implicit input document.
    if refs.root {
        return Err("'$$' is not available in ASL: use $states.input or $states.context".into());
    }
    if refs.top_context {
        return Err("'$' at the top level has no value in ASL: use $states.input".into());
    }
    if let Some(n) = refs.top_names.iter().next() {
        return Err(format!(
            "the field name '{n}' reads an implicit input that ASL does not provide: write $states.input.{n}"
        ));
    }
    Ok(())
}

/// A call the front end can prove fails whenever it runs, with the byte offset of the call
/// in the expression.
pub struct CallProblem {
    /// What is wrong, and the runtime error it will raise.
    pub message: String,
    /// Byte offset of the called name (its `$`) in the expression text.
    pub offset: usize,
}

/// Calls of the library that fail whenever they run: an unknown function (`T1006`; `$eval`,
/// which AWS removed, included, ASL-JA-13), a library function given too few or too many
/// arguments, or literal arguments of the wrong type (`T0410`). Names bound inside the
/// expression (`:=`, lambda parameters) are the user's and are not checked.
pub fn check_calls(expr: &jsonata::Expr) -> Vec<CallProblem> {
    use jsonata::ExprKind;
    let bound = jsonata::bound_names(expr);
    // Calls on the right of `~>` get the left side as their first argument.
    let mut applied: Vec<*const jsonata::Expr> = Vec::new();
    jsonata::walk(expr, &mut |e| {
        if let ExprKind::Apply { rhs, .. } = &e.kind {
            let mut r = jsonata::Expr::one(rhs);
            // `f(x)[]` is still the call.
            if let ExprKind::Predicate {
                expr: inner,
                filters,
                ..
            } = &r.kind
                && filters.is_empty()
            {
                r = jsonata::Expr::one(inner);
            }
            applied.push(r as *const jsonata::Expr);
        }
    });
    let mut out = Vec::new();
    let mut visit = |e: &jsonata::Expr| {
        let ExprKind::Call {
            procedure,
            args,
            partial: false,
        } = &e.kind
        else {
            return;
        };
        let ExprKind::Variable(name) = &jsonata::Expr::one(procedure).kind else {
            return;
        };
        if name.is_empty() || name == "$" || bound.contains(name.as_ref()) {
            return;
        }
        let Some(sig) = jsonata::builtins::parsed(name) else {
            let hint = if name == "eval" {
                " (AWS removed $eval, ASL-JA-13)".to_string()
            } else {
                match jsonata::builtins::BUILTINS
                    .iter()
                    .map(|(n, _)| *n)
                    .filter(|n| strsim::jaro_winkler(n, name) > 0.85)
                    .max_by(|a, b| {
                        strsim::jaro_winkler(a, name).total_cmp(&strsim::jaro_winkler(b, name))
                    }) {
                    Some(n) => format!(" (did you mean ${n}?)"),
                    None => String::new(),
                }
            };
            out.push(CallProblem {
                message: format!(
                    "${name} is not a function of the JSONata library{hint}: the call fails with T1006 (Attempted to invoke a non-function)"
                ),
                offset: jsonata::Expr::one(procedure).pos,
            });
            return;
        };
        let (min, max) = sig.arity();
        let piped = applied.contains(&(e as *const jsonata::Expr));
        let n = args.len() + usize::from(piped);
        if n < min || max.is_some_and(|m| n > m) {
            let expected = match max {
                Some(m) if m == min => format!("{min}"),
                Some(m) => format!("{min} to {m}"),
                None => format!("at least {min}"),
            };
            out.push(CallProblem {
                message: format!(
                    "${name} takes {expected} argument{}, given {n}: the call fails with T0410",
                    if expected == "1" { "" } else { "s" }
                ),
                offset: jsonata::Expr::one(procedure).pos,
            });
            return;
        }
        // Every argument a literal: the signature decides now.
        let symbols: Option<String> = if piped {
            None
        } else {
            args.iter().map(literal_symbol).collect()
        };
        if let Some(symbols) = symbols
            && !sig.accepts(&symbols)
        {
            out.push(CallProblem {
                message: format!(
                    "the arguments of ${name} do not match its signature {}: the call fails with T0410",
                    jsonata::builtins::signature(name).unwrap_or("")
                ),
                offset: jsonata::Expr::one(procedure).pos,
            });
        }
    };
    jsonata::walk(expr, &mut visit);
    out
}

/// The signature symbol of a literal argument (`None` for anything computed).
fn literal_symbol(e: &jsonata::Expr) -> Option<char> {
    use jsonata::ExprKind;
    match &e.kind {
        ExprKind::String(_) => Some('s'),
        ExprKind::Number(_) => Some('n'),
        ExprKind::Bool(_) => Some('b'),
        ExprKind::Null => Some('l'),
        ExprKind::Lambda { .. } | ExprKind::Regex { .. } => Some('f'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(e: &str) -> usize {
        check_calls(&jsonata::parse(e).expect("parses")).len()
    }

    #[test]
    fn calls_that_always_fail_are_found() {
        assert_eq!(problems("$count()"), 1, "arity");
        assert_eq!(
            problems("[1, 2] ~> $count()"),
            0,
            "the left of ~> is the first argument"
        );
        assert_eq!(problems("[1, 2] ~> $count(3)"), 1);
        assert_eq!(problems("$substring(1, 'x')"), 1, "literal types");
        assert_eq!(problems("$substring('abc', 1)"), 0);
        assert_eq!(problems("$eval('1')"), 1, "AWS removed $eval");
        assert_eq!(problems("$uppercas('x')"), 1, "unknown");
        assert_eq!(
            problems("($f := function(){ 1 }; $f())"),
            0,
            "bound by the expression"
        );
        assert_eq!(
            problems("$states.input.$uppercase()"),
            0,
            "the context fills `s-`"
        );
    }

    #[test]
    fn regular_expressions_are_compiled_when_checked() {
        assert!(check("$match($states.input.s, /a(b|c)+d/i)").is_ok());
        let (msg, at) = check("$match($states.input.s, /[z-a]/)").unwrap_err();
        assert!(msg.contains("invalid regular expression"), "{msg}");
        assert_eq!(at, Some(24));
    }
}
