//! Choice rule operators (ASL-CH-*, ASL-CHOP-*, ASL-SUB-30..35).
//!
//! Generated code looks the `Variable` up with [`crate::path::get`] (borrowed, no clone), fails
//! with [`missing_variable_cause`] when it is absent (every operator but `IsPresent`,
//! ASL-CH-12 / ASL-SUB-30), and then calls one of the functions below with the literal operand
//! as a typed constant. Each is a couple of branches: no allocation, no cloning.
//!
//! Every operator returns `false` when the value (or a `…Path` operand) is not of the
//! operator's type (ASL-CH-13 / ASL-SUB-31); JSON booleans are not numbers.
//!
//! Number literals are passed as `f64`; integers in the data are compared with them exactly
//! (not through a lossy `as f64`), so `1 == 1.0` and `2^53 + 1 > 2^53` (ASL-SUB-32).
//! Timestamp literals are passed as a [`Timestamp`] (generated code can build one with
//! `Timestamp::constant`), and compared by instant (ASL-SUB-34).

use std::cmp::Ordering;

use asl_syntax::ast::{Cmp, Op, Operand, Rule, Test};

use crate::value::Value;
use crate::value::java::string_cmp;
use crate::value::num::{cmp as number_cmp, cmp_f64 as number_cmp_f64};
use jiff::Timestamp;

use crate::timestamp;

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/// The `…Path` twin of a comparison: both operands are values of the data.
type PathOp = fn(&Value, &Value) -> bool;

/// `StringMatches` pattern matching (ASL-CH-07 / ASL-SUB-35): `*` matches any run of characters
/// (including none); `\*` is a literal star and `\\` a literal backslash; every other character,
/// `?` and `[` included, is literal. A dangling `\` (invalid pattern, rejected at compile time)
/// matches a literal backslash here. Greedy-with-last-star backtracking: O(n·m) worst case, no
/// exponential blow-up.
pub fn string_matches_pattern(value: &str, pattern: &str) -> bool {
    // `None` is a wildcard, `Some(c)` a literal character.
    let toks: Vec<Option<char>> = pattern_tokens(pattern).collect();
    let v: Vec<char> = value.chars().collect();
    let (mut vi, mut ti) = (0usize, 0usize);
    // After a mismatch, resume after the last star, consuming one more value character.
    let mut star: Option<(usize, usize)> = None; // (token after the star, value index)
    while vi < v.len() {
        match toks.get(ti) {
            Some(Some(c)) if *c == v[vi] => {
                vi += 1;
                ti += 1;
            }
            Some(None) => {
                star = Some((ti + 1, vi));
                ti += 1;
            }
            _ => match star {
                Some((after, at)) => {
                    ti = after;
                    vi = at + 1;
                    star = Some((after, at + 1));
                }
                None => return false,
            },
        }
    }
    toks[ti.min(toks.len())..].iter().all(Option::is_none)
}

/// Pattern tokens: `None` for a wildcard `*`, `Some(c)` for a literal character.
fn pattern_tokens(pattern: &str) -> impl Iterator<Item = Option<char>> + '_ {
    let mut chars = pattern.chars();
    std::iter::from_fn(move || {
        let c = chars.next()?;
        Some(match c {
            '*' => None,
            '\\' => Some(chars.next().unwrap_or('\\')),
            c => Some(c),
        })
    })
}

/// Whether a `StringMatches` pattern is well formed: every `\` escapes `*` or `\` (ASL-CH-07).
pub fn is_valid_pattern(pattern: &str) -> bool {
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && !matches!(chars.next(), Some('*' | '\\')) {
            return false;
        }
    }
    true
}

/// The instant of a value that is a string in the ASL timestamp profile (ASL-WT-05).
pub fn timestamp_of(v: &Value) -> Option<Timestamp> {
    match v {
        Value::String(s) => timestamp::parse(s),
        _ => None,
    }
}

/// Whether a value is a string holding a valid ASL timestamp.
pub fn is_timestamp_value(v: &Value) -> bool {
    timestamp_of(v).is_some()
}

/// The cause AWS gives when a Choice rule's `Variable` (or `…Path` operand) matches nothing
/// (ASL-CH-12 / ASL-SUB-30); the driver adds the `An error occurred while executing the state…`
/// prefix. Note: no space before the colon, unlike the `Invalid path '…' : …` causes of
/// InputPath/OutputPath.
pub fn missing_variable_cause(path_source: &str) -> String {
    format!(
        "Invalid path '{path_source}': The choice state's condition path references an invalid value."
    )
}

// ---------------------------------------------------------------------------------------------
// Operators. `v` is the Variable's value; literal operands are typed constants, `…_path`
// operands the value the path twin selected.
// ---------------------------------------------------------------------------------------------

macro_rules! string_ops {
    ($table:ident; $( $(#[$doc:meta])* $cmp:ident: $lit:ident, $path:ident, |$o:ident| $test:expr; )*) => {$(
        $(#[$doc])*
        #[inline]
        pub fn $lit(v: &Value, operand: &str) -> bool {
            match v {
                Value::String(s) => { let $o = string_cmp(s, operand); $test }
                _ => false,
            }
        }
        $(#[$doc])*
        /// (`…Path` twin: both values must be strings.)
        #[inline]
        pub fn $path(v: &Value, operand: &Value) -> bool {
            match (v, operand) {
                (Value::String(s), Value::String(t)) => { let $o = string_cmp(s, t); $test }
                _ => false,
            }
        }
    )*
        /// Each comparison's literal form and `…Path` twin, for rules evaluated as data.
        fn $table(c: Cmp) -> (fn(&Value, &str) -> bool, PathOp) {
            match c { $(Cmp::$cmp => ($lit, $path),)* }
        }
    };
}

string_ops! {
    string_op;
    /// `StringEquals` (ASL-CHOP-01): identical code-unit sequences.
    Eq: string_equals, string_equals_path, |o| o == Ordering::Equal;
    /// `StringLessThan` (ASL-CHOP-02): Java `compareTo` < 0.
    Lt: string_less_than, string_less_than_path, |o| o == Ordering::Less;
    /// `StringGreaterThan` (ASL-CHOP-02): Java `compareTo` > 0.
    Gt: string_greater_than, string_greater_than_path, |o| o == Ordering::Greater;
    /// `StringLessThanEquals` (ASL-CHOP-03): Java `compareTo` ≤ 0.
    Le: string_less_than_equals, string_less_than_equals_path, |o| o != Ordering::Greater;
    /// `StringGreaterThanEquals` (ASL-CHOP-03): Java `compareTo` ≥ 0.
    Ge: string_greater_than_equals, string_greater_than_equals_path, |o| o != Ordering::Less;
}

/// `StringMatches` (ASL-CHOP-04): the value is a string matching the `*` glob. No path twin.
#[inline]
pub fn string_matches(v: &Value, pattern: &str) -> bool {
    match v {
        Value::String(s) => string_matches_pattern(s, pattern),
        _ => false,
    }
}

macro_rules! numeric_ops {
    ($table:ident; $( $(#[$doc:meta])* $cmp:ident: $lit:ident, $path:ident, |$o:ident| $test:expr; )*) => {$(
        $(#[$doc])*
        #[inline]
        pub fn $lit(v: &Value, operand: f64) -> bool {
            match v {
                Value::Number(n) => match number_cmp_f64(n, operand) { Some($o) => $test, None => false },
                _ => false,
            }
        }
        $(#[$doc])*
        /// (`…Path` twin: both values must be numbers.)
        #[inline]
        pub fn $path(v: &Value, operand: &Value) -> bool {
            match (v, operand) {
                (Value::Number(a), Value::Number(b)) => match number_cmp(a, b) { Some($o) => $test, None => false },
                _ => false,
            }
        }
    )*
        /// Each comparison's literal form and `…Path` twin, for rules evaluated as data.
        fn $table(c: Cmp) -> (fn(&Value, f64) -> bool, PathOp) {
            match c { $(Cmp::$cmp => ($lit, $path),)* }
        }
    };
}

numeric_ops! {
    numeric_op;
    /// `NumericEquals` (ASL-CHOP-05): equal by value (`1` = `1.0`, ASL-SUB-32).
    Eq: numeric_equals, numeric_equals_path, |o| o == Ordering::Equal;
    /// `NumericLessThan` (ASL-CHOP-06).
    Lt: numeric_less_than, numeric_less_than_path, |o| o == Ordering::Less;
    /// `NumericGreaterThan` (ASL-CHOP-06).
    Gt: numeric_greater_than, numeric_greater_than_path, |o| o == Ordering::Greater;
    /// `NumericLessThanEquals` (ASL-CHOP-07).
    Le: numeric_less_than_equals, numeric_less_than_equals_path, |o| o != Ordering::Greater;
    /// `NumericGreaterThanEquals` (ASL-CHOP-07).
    Ge: numeric_greater_than_equals, numeric_greater_than_equals_path, |o| o != Ordering::Less;
}

/// `BooleanEquals` (ASL-CHOP-08): the value is a boolean equal to the operand.
#[inline]
pub fn boolean_equals(v: &Value, operand: bool) -> bool {
    matches!(v, Value::Bool(b) if *b == operand)
}

/// `BooleanEqualsPath` (ASL-CHOP-08): both values booleans and equal.
#[inline]
pub fn boolean_equals_path(v: &Value, operand: &Value) -> bool {
    matches!((v, operand), (Value::Bool(a), Value::Bool(b)) if a == b)
}

macro_rules! timestamp_ops {
    ($table:ident; $( $(#[$doc:meta])* $cmp:ident: $lit:ident, $path:ident, |$o:ident| $test:expr; )*) => {$(
        $(#[$doc])*
        #[inline]
        pub fn $lit(v: &Value, operand: Timestamp) -> bool {
            match timestamp_of(v) {
                Some(t) => { let $o = t.cmp(&operand); $test }
                None => false,
            }
        }
        $(#[$doc])*
        /// (`…Path` twin: both values must be valid timestamps.)
        #[inline]
        pub fn $path(v: &Value, operand: &Value) -> bool {
            match (timestamp_of(v), timestamp_of(operand)) {
                (Some(t), Some(u)) => { let $o = t.cmp(&u); $test }
                _ => false,
            }
        }
    )*
        /// Each comparison's literal form and `…Path` twin, for rules evaluated as data.
        fn $table(c: Cmp) -> (fn(&Value, Timestamp) -> bool, PathOp) {
            match c { $(Cmp::$cmp => ($lit, $path),)* }
        }
    };
}

timestamp_ops! {
    timestamp_op;
    /// `TimestampEquals` (ASL-CHOP-09): same instant.
    Eq: timestamp_equals, timestamp_equals_path, |o| o == Ordering::Equal;
    /// `TimestampLessThan` (ASL-CHOP-10): earlier.
    Lt: timestamp_less_than, timestamp_less_than_path, |o| o == Ordering::Less;
    /// `TimestampGreaterThan` (ASL-CHOP-10): later.
    Gt: timestamp_greater_than, timestamp_greater_than_path, |o| o == Ordering::Greater;
    /// `TimestampLessThanEquals` (ASL-CHOP-11).
    Le: timestamp_less_than_equals, timestamp_less_than_equals_path, |o| o != Ordering::Greater;
    /// `TimestampGreaterThanEquals` (ASL-CHOP-11).
    Ge: timestamp_greater_than_equals, timestamp_greater_than_equals_path, |o| o != Ordering::Less;
}

/// `IsNull` (ASL-CHOP-12): (value is JSON `null`) == operand.
#[inline]
pub fn is_null(v: &Value, operand: bool) -> bool {
    v.is_null() == operand
}

/// `IsPresent` (ASL-CHOP-13): (the Variable matched) == operand. Takes the lookup result; the
/// only operator that never fails on a missing path. A present `null` is present.
#[inline]
pub fn is_present(v: Option<&Value>, operand: bool) -> bool {
    v.is_some() == operand
}

/// `IsNumeric` (ASL-CHOP-14): (value is a JSON number) == operand; booleans are not numbers.
#[inline]
pub fn is_numeric(v: &Value, operand: bool) -> bool {
    v.is_number() == operand
}

/// `IsString` (ASL-CHOP-14).
#[inline]
pub fn is_string(v: &Value, operand: bool) -> bool {
    v.is_string() == operand
}

/// `IsBoolean` (ASL-CHOP-14).
#[inline]
pub fn is_boolean(v: &Value, operand: bool) -> bool {
    v.is_boolean() == operand
}

/// `IsTimestamp` (ASL-CHOP-15): (value is a string in the ASL timestamp profile) == operand.
#[inline]
pub fn is_timestamp(v: &Value, operand: bool) -> bool {
    is_timestamp_value(v) == operand
}

// ---------------------------------------------------------------------------------------------
// Variable lookup for generated Choice code.
// ---------------------------------------------------------------------------------------------

/// The `States.Runtime` error for a `Variable` (or `…Path` operand) that selected nothing
/// (ASL-SUB-30).
#[cold]
pub fn missing(path_source: &str) -> crate::StateError {
    crate::StateError::runtime(missing_variable_cause(path_source))
}

/// Looks a `Variable` up: borrowed for definite paths, an array of matches for indefinite
/// ones; an error when a definite path matches nothing.
pub fn variable<'v>(
    path: &asl_syntax::path::Path,
    env: &crate::Env<'v>,
) -> Result<std::borrow::Cow<'v, Value>, crate::StateError> {
    if path.is_definite() {
        crate::path::get(path, env)
            .map(std::borrow::Cow::Borrowed)
            .ok_or_else(|| missing(&path.source))
    } else {
        crate::path::select(path, env)
            .map(std::borrow::Cow::Owned)
            .map_err(|_| missing(&path.source))
    }
}

/// Whether a `Variable` matches anything (`IsPresent`, ASL-CHOP-13).
pub fn present(path: &asl_syntax::path::Path, env: &crate::Env<'_>) -> bool {
    if path.is_definite() {
        crate::path::get(path, env).is_some()
    } else {
        crate::path::select(path, env).is_ok()
    }
}

/// `States.NoChoiceMatched` (ASL-ERR-09). No recorded case pins AWS's cause text, so none is
/// invented.
#[cold]
pub fn no_choice_matched() -> crate::StateError {
    crate::StateError {
        error: "States.NoChoiceMatched".into(),
        cause: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Rules as data: machines built at run time (`crate::dynamic`) have no generated Choice code;
// the driver evaluates their rules here, with the same operator functions and the same lookups
// the generated code calls, in the same order.
// ---------------------------------------------------------------------------------------------

/// The index of the first JSONPath rule that matches (ASL-CH-01), for a Choice state whose
/// rules carry their data ([`crate::machine::ChoiceRule::rule`]); `None` when none does. A rule
/// without data never matches (generated code writes `false` for it). Errors as
/// [`eval_rule`].
pub fn choose(
    rules: &[crate::machine::ChoiceRule],
    env: &crate::Env<'_>,
) -> Result<Option<u32>, crate::StateError> {
    for (k, r) in rules.iter().enumerate() {
        if let Some(rule) = r.rule
            && eval_rule(rule, env)?
        {
            return Ok(Some(k as u32));
        }
    }
    Ok(None)
}

/// Whether a JSONPath Choice rule matches `env` (`$` the Choice's effective input, ASL-CH-14).
/// `And`, `Or` and `Not` short-circuit left to right (ASL-CHOP-16/17, ASL-SUB-36), so an
/// `IsPresent` guard protects the rules after it. Fails with `States.Runtime` and AWS's cause
/// ([`missing_variable_cause`]) when the `Variable` or a `…Path` operand selects nothing, for
/// every operator but `IsPresent` (ASL-CH-12, ASL-SUB-30); a value of the wrong type makes the
/// test false, not an error (ASL-CH-13, ASL-SUB-31).
pub fn eval_rule(rule: &Rule, env: &crate::Env<'_>) -> Result<bool, crate::StateError> {
    Ok(match rule {
        Rule::And(rules, _) => {
            for r in rules {
                if !eval_rule(r, env)? {
                    return Ok(false);
                }
            }
            true
        }
        Rule::Or(rules, _) => {
            for r in rules {
                if eval_rule(r, env)? {
                    return Ok(true);
                }
            }
            false
        }
        Rule::Not(r, _) => !eval_rule(r, env)?,
        Rule::Test(t) => eval_test(t, env)?,
    })
}

/// One data-test: the `Variable`'s value (then a `…Path` operand's), then the operator.
fn eval_test(t: &Test, env: &crate::Env<'_>) -> Result<bool, crate::StateError> {
    let var = &t.variable.value;
    if t.op == Op::IsPresent {
        // The one operator a missing Variable does not fail (ASL-CHOP-13).
        return Ok(present(var, env) == matches!(t.operand, Operand::Bool(true)));
    }
    let v = variable(var, env)?;
    let v = &*v;
    if let Operand::Path(p) = &t.operand {
        let o = variable(p, env)?;
        let o = &*o;
        return Ok(match t.op {
            Op::String(c) => string_op(c).1(v, o),
            Op::Numeric(c) => numeric_op(c).1(v, o),
            Op::Timestamp(c) => timestamp_op(c).1(v, o),
            Op::Boolean => boolean_equals_path(v, o),
            // No `…Path` twin: the front end gives these no path operand.
            _ => false,
        });
    }
    Ok(match (t.op, &t.operand) {
        (Op::String(c), Operand::String(s)) => string_op(c).0(v, s),
        (Op::StringMatches, Operand::String(s)) => string_matches(v, s),
        (Op::Numeric(c), Operand::Number(n)) => numeric_op(c).0(v, n.as_f64()),
        // Validated by the front end; the generated code's constant is the epoch otherwise.
        (Op::Timestamp(c), Operand::Timestamp(ts)) => timestamp_op(c).0(
            v,
            asl_syntax::timestamp::parse(ts).unwrap_or(Timestamp::UNIX_EPOCH),
        ),
        (Op::Boolean, Operand::Bool(b)) => boolean_equals(v, *b),
        (Op::IsNull, Operand::Bool(b)) => is_null(v, *b),
        (Op::IsNumeric, Operand::Bool(b)) => is_numeric(v, *b),
        (Op::IsString, Operand::Bool(b)) => is_string(v, *b),
        (Op::IsBoolean, Operand::Bool(b)) => is_boolean(v, *b),
        (Op::IsTimestamp, Operand::Bool(b)) => is_timestamp(v, *b),
        // An operand of another type than its operator's: the front end gives none.
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn ts(s: &str) -> Timestamp {
        timestamp::parse(s).unwrap()
    }

    /// The Variable values the choice_operators conformance cases feed to every operator.
    fn zoo() -> Vec<Value> {
        vec![
            json!(null),
            json!(""),
            json!(" "),
            json!("HelloWorld"),
            json!("2012-10-09T19:00:55"),
            json!("2012-10-09T19:00:55Z"),
            json!("2012-10-09T19:00:55+01:00"),
            json!("2023-02-24"),
            json!(0),
            json!(0.0),
            json!(1),
            json!(1.1),
            json!([]),
            json!([""]),
            json!({}),
            json!({"A": 0}),
            json!(true),
            json!(false),
        ]
    }

    #[test]
    fn choice_string_cmp_is_utf16_order_asl_sub_33() {
        // U+10000 (surrogates D800 DC00) sorts before U+E000 in Java, after it in Rust.
        let (hi, pua) = ("\u{10000}", "\u{E000}");
        assert_eq!(hi.cmp(pua), Ordering::Greater);
        assert_eq!(string_cmp(hi, pua), Ordering::Less);
        assert_eq!(string_cmp("a\u{10000}", "a\u{FFFF}"), Ordering::Less);
        assert_eq!(string_cmp("A", "AB"), Ordering::Less);
        assert_eq!(string_cmp("", ""), Ordering::Equal);
        assert_eq!(string_cmp("b", "a\u{10000}"), Ordering::Greater);
        assert!(string_less_than(&json!("\u{10000}"), "\u{E000}"));
    }

    #[test]
    fn choice_string_ops_cases_asl_chop_01_03() {
        // recorded: StringGreaterThan "A " on "A" false; "ABC" on "AB" false; "" on "" false
        assert!(!string_greater_than(&json!("A"), "A "));
        assert!(!string_greater_than(&json!("AB"), "ABC"));
        assert!(!string_greater_than(&json!(""), ""));
        assert!(string_greater_than_equals(&json!(""), ""));
        assert!(string_less_than(&json!("A"), "AB"));
        assert!(!string_less_than(&json!("AB"), "A"));
        assert!(string_less_than_equals(&json!("A"), "AB"));
        assert!(!string_equals(&json!("\t\n"), "\t\r\n"));
        assert!(!string_equals(&json!(" "), "     "));
        assert!(string_equals(&json!("Hello"), "Hello"));
        assert!(string_equals_path(&json!("Hello"), &json!("Hello")));
        assert!(string_greater_than_equals_path(&json!("AB"), &json!("A")));
        assert!(!string_less_than_path(&json!(""), &json!("")));
        // type mismatch is false (ASL-CH-13)
        for v in zoo().into_iter().filter(|v| !v.is_string()) {
            assert!(!string_equals(&v, "HelloWorld"), "{v}");
            assert!(!string_less_than_equals_path(&v, &json!("x")), "{v}");
            assert!(!string_matches(&v, "*"), "{v}");
        }
        assert!(!string_equals_path(&json!("a"), &json!(1)));
    }

    #[test]
    fn choice_string_matches_asl_sub_35() {
        assert!(string_matches(&json!("log-2024.txt"), "log-*.txt"));
        assert!(string_matches(&json!(""), "*"));
        assert!(string_matches(&json!("abc"), "a*b*c*"));
        assert!(!string_matches(&json!("abd"), "a*c"));
        // only * is special
        assert!(string_matches(&json!("a?c"), "a?c"));
        assert!(!string_matches(&json!("abc"), "a?c"));
        assert!(string_matches(&json!("[x]"), "[x]"));
        assert!(!string_matches(&json!("x"), "[x]"));
        // escapes: \* literal star, \\ literal backslash
        assert!(string_matches(&json!("a*b"), r"a\*b"));
        assert!(!string_matches(&json!("axb"), r"a\*b"));
        assert!(string_matches(&json!(r"a\b"), r"a\\b"));
        assert!(string_matches(&json!(r"a\xyz"), r"a\\*"));
        assert!(is_valid_pattern(r"a\*\\"));
        assert!(!is_valid_pattern(r"a\b"));
        assert!(!is_valid_pattern("a\\"));
        // non-ASCII characters are single characters
        assert!(string_matches(&json!("é🎉x"), "*x"));
        assert!(string_matches(&json!("é🎉x"), "é*"));
        // no exponential blow-up
        let v = json!("a".repeat(5_000));
        let pat = format!("{}b", "a*".repeat(200));
        assert!(!string_matches(&v, &pat));
    }

    #[test]
    fn choice_numeric_ops_cases_asl_chop_05_07() {
        // recorded: NumericEquals 0.0 on 0 true; 0 on 0.0 true; 1 on 1.0 (path) true; 1.0 on 1.1 false
        assert!(numeric_equals(&json!(0), 0.0));
        assert!(numeric_equals(&json!(0.0), 0.0));
        assert!(numeric_equals(&json!(2.22), 2.22));
        assert!(!numeric_equals(&json!(1.1), 1.0));
        assert!(numeric_equals_path(&json!(1), &json!(1.0)));
        assert!(numeric_equals_path(&json!(0.0), &json!(0)));
        assert!(!numeric_equals_path(&json!(1), &json!(0.0)));
        assert!(numeric_less_than(&json!(0), 1.0));
        assert!(!numeric_less_than(&json!(1), 1.0));
        assert!(numeric_less_than_equals(&json!(0.0), 0.0));
        assert!(numeric_greater_than(&json!(1), 0.0));
        assert!(numeric_greater_than_equals(&json!(0.0), 0.0));
        assert!(!numeric_greater_than_path(&json!(0.0), &json!(0)));
        assert!(numeric_greater_than_equals_path(&json!(1), &json!(0)));
        assert!(!numeric_less_than_path(&json!(1), &json!(1)));
        // exact integer comparison beyond 2^53 (ASL-SUB-32)
        let big = json!(9_007_199_254_740_993_i64); // 2^53 + 1
        assert!(numeric_greater_than(&big, 9_007_199_254_740_992.0));
        assert!(!numeric_equals(&big, 9_007_199_254_740_992.0));
        assert!(numeric_greater_than_path(
            &json!(u64::MAX),
            &json!(i64::MAX)
        ));
        assert!(numeric_less_than_path(&json!(-1), &json!(u64::MAX)));
        assert!(numeric_less_than(&json!(-3), -2.5));
        assert!(numeric_greater_than(&json!(-2), -2.5));
        assert!(numeric_less_than(&json!(u64::MAX), 1e30));
        // booleans and everything else are not numbers (ASL-SUB-31)
        for v in zoo().into_iter().filter(|v| !v.is_number()) {
            assert!(!numeric_equals(&v, 1.0), "{v}");
            assert!(!numeric_equals(&v, 0.0), "{v}");
            assert!(!numeric_equals_path(&v, &json!(1)), "{v}");
            assert!(!numeric_equals_path(&json!(1), &v), "{v}");
        }
    }

    #[test]
    fn choice_boolean_equals_asl_chop_08() {
        assert!(boolean_equals(&json!(true), true));
        assert!(boolean_equals(&json!(false), false));
        assert!(!boolean_equals(&json!(false), true));
        assert!(boolean_equals_path(&json!(false), &json!(false)));
        assert!(!boolean_equals_path(&json!(false), &json!(true)));
        for v in zoo().into_iter().filter(|v| !v.is_boolean()) {
            assert!(!boolean_equals(&v, true), "{v}");
            assert!(!boolean_equals(&v, false), "{v}");
            assert!(!boolean_equals_path(&v, &json!(false)), "{v}");
        }
    }

    #[test]
    fn choice_timestamp_ops_asl_chop_09_11() {
        let t55 = ts("2012-10-09T19:00:55Z");
        let t56 = ts("2012-10-09T19:00:56Z");
        assert!(timestamp_equals(&json!("2012-10-09T19:00:55Z"), t55));
        assert!(!timestamp_equals(&json!("2012-10-09T19:00:55Z"), t56));
        assert!(timestamp_greater_than(&json!("2012-10-09T19:00:56Z"), t55));
        assert!(!timestamp_greater_than_equals(
            &json!("2012-10-09T19:00:55Z"),
            t56
        ));
        assert!(timestamp_less_than(&json!("2012-10-09T19:00:55Z"), t56));
        assert!(!timestamp_less_than(&json!("2012-10-09T19:00:55Z"), t55));
        assert!(timestamp_less_than_equals(
            &json!("2012-10-09T19:00:55Z"),
            t55
        ));
        assert!(!timestamp_less_than_equals_path(
            &json!("2012-10-09T19:00:56Z"),
            &json!("2012-10-09T19:00:55Z")
        ));
        assert!(timestamp_equals_path(
            &json!("2012-10-09T19:00:55Z"),
            &json!("2012-10-09T19:00:55Z")
        ));
        // by instant, not lexically (ASL-SUB-34)
        assert!(timestamp_equals(&json!("2012-10-09T20:00:55+01:00"), t55));
        assert!(timestamp_equals_path(
            &json!("2012-10-09T19:00:55.000Z"),
            &json!("2012-10-09T19:00:55Z")
        ));
        // non-timestamps are false
        for v in zoo().into_iter().filter(|v| !is_timestamp_value(v)) {
            assert!(!timestamp_equals(&v, t55), "{v}");
            assert!(
                !timestamp_equals_path(&v, &json!("2012-10-09T19:00:55Z")),
                "{v}"
            );
            assert!(
                !timestamp_equals_path(&json!("2012-10-09T19:00:55Z"), &v),
                "{v}"
            );
        }
    }

    #[test]
    fn choice_type_tests_asl_chop_12_15() {
        for v in zoo() {
            assert_eq!(is_null(&v, true), v.is_null(), "{v}");
            assert_eq!(is_null(&v, false), !v.is_null(), "{v}");
            assert_eq!(is_numeric(&v, true), v.is_number(), "{v}");
            assert_eq!(is_string(&v, true), v.is_string(), "{v}");
            assert_eq!(is_boolean(&v, true), v.is_boolean(), "{v}");
            assert!(is_present(Some(&v), true));
            assert!(!is_present(Some(&v), false));
        }
        // recorded: IsBoolean false on false → false; IsNumeric true on 0.0 → true; IsString true on [] → false
        assert!(!is_boolean(&json!(false), false));
        assert!(is_numeric(&json!(0.0), true));
        assert!(!is_string(&json!([]), true));
        assert!(is_present(None, false));
        assert!(!is_present(None, true));
        assert!(is_timestamp(&json!("2012-10-09T19:00:55Z"), true));
        assert!(is_timestamp(&json!("2012-10-09T19:00:55+01:00"), true));
        assert!(is_timestamp(&json!("2012-10-09T19:00:55"), false));
        assert!(is_timestamp(&json!("2023-02-24"), false));
        assert!(is_timestamp(&json!(0), false));
    }

    #[test]
    fn choice_missing_variable_cause_asl_sub_30() {
        assert_eq!(
            missing_variable_cause("$.value"),
            "Invalid path '$.value': The choice state's condition path references an invalid value."
        );
    }

    // --- Rules as data (`eval_rule`, `choose`): machines built at run time ---------------

    /// The JSONPath rule `members` (a rule object's members, without `Next`), as the front
    /// end parses it.
    fn rule(members: &str) -> Rule {
        let def = format!(
            r#"{{"StartAt": "C", "States": {{
                "C": {{"Type": "Choice", "Choices": [{{{members}, "Next": "E"}}], "Default": "E"}},
                "E": {{"Type": "Succeed"}}}}}}"#
        );
        let src = asl_syntax::source::Source::new("rule.asl.json", def);
        let checked = asl_syntax::compile_source(&src, &Default::default());
        let m = checked
            .ok()
            .unwrap_or_else(|| panic!("{members}: {:?}", checked.diagnostics));
        let asl_syntax::ast::StateKind::Choice(ch) = &m.scope.states[0].kind else {
            unreachable!()
        };
        match &ch.choices[0].condition {
            asl_syntax::ast::Condition::Rule(r) => r.clone(),
            c => panic!("not a JSONPath rule: {c:?}"),
        }
    }

    /// Evaluates `members` on `input` (no variables, an empty context).
    fn eval_on(members: &str, input: Value) -> Result<bool, crate::StateError> {
        let ctx = json!({});
        eval_rule(&rule(members), &crate::Env::new(&input, &ctx))
    }

    /// Evaluates each data-test of `cases` (`Variable Operator operand`, the operand as JSON)
    /// on `input`: it must not fail, and give its answer.
    fn check(input: Value, cases: &[(&str, bool)]) {
        for (test, want) in cases {
            let mut parts = test.splitn(3, ' ');
            let (var, op) = (parts.next().unwrap(), parts.next().unwrap());
            let members = format!(r#""Variable": "{var}", "{op}": {}"#, parts.next().unwrap());
            let got = eval_on(&members, input.clone()).unwrap_or_else(|e| panic!("{test}: {e}"));
            assert_eq!(got, *want, "{test} on {input}");
        }
    }

    #[test]
    fn rule_data_string_family_asl_chop_01_04() {
        check(
            json!({"s": "AB", "t": "A", "n": 1, "star": "A*"}),
            &[
                (r#"$.s StringEquals "AB""#, true),
                (r#"$.s StringEquals "ab""#, false),
                (r#"$.s StringGreaterThan "A""#, true),
                (r#"$.t StringLessThan "AB""#, true),
                (r#"$.s StringLessThanEquals "AB""#, true),
                (r#"$.t StringGreaterThanEquals "A""#, true),
                // `…Path` twins compare two values of the data (ASL-CH-14).
                (r#"$.s StringGreaterThanPath "$.t""#, true),
                (r#"$.t StringLessThanEqualsPath "$.s""#, true),
                (r#"$.s StringEqualsPath "$.t""#, false),
                // A non-string is false, not an error (ASL-CH-13, ASL-SUB-31).
                (r#"$.n StringEquals "1""#, false),
                (r#"$.s StringEqualsPath "$.n""#, false),
                // Only `*` is special; `\*` is a literal star (ASL-CH-07, ASL-SUB-35).
                (r#"$.s StringMatches "A*""#, true),
                (r#"$.s StringMatches "A?""#, false),
                (r#"$.star StringMatches "A\\*""#, true),
                (r#"$.s StringMatches "A\\*""#, false),
                (r#"$.n StringMatches "*""#, false),
            ],
        );
        // Java order: U+10000 sorts before U+E000 (ASL-SUB-33).
        check(
            json!({"a": "\u{10000}", "b": "\u{E000}"}),
            &[(r#"$.a StringLessThanPath "$.b""#, true)],
        );
    }

    #[test]
    fn rule_data_numeric_family_asl_chop_05_07() {
        check(
            json!({"one": 1, "onef": 1.0, "two": 2.5, "b": true, "s": "1"}),
            &[
                ("$.one NumericEquals 1.0", true),
                ("$.onef NumericEquals 1", true),
                (r#"$.one NumericEqualsPath "$.onef""#, true),
                ("$.one NumericLessThan 2.5", true),
                ("$.two NumericLessThan 2.5", false),
                ("$.two NumericLessThanEquals 2.5", true),
                ("$.two NumericGreaterThan -3", true),
                ("$.two NumericGreaterThanEquals 2.5", true),
                (r#"$.two NumericGreaterThanPath "$.one""#, true),
                (r#"$.one NumericGreaterThanEqualsPath "$.two""#, false),
                (r#"$.one NumericLessThanPath "$.two""#, true),
                (r#"$.one NumericLessThanEqualsPath "$.onef""#, true),
                // Booleans and numeric strings are not numbers (ASL-CH-08, ASL-SUB-31).
                ("$.b NumericEquals 1", false),
                ("$.s NumericEquals 1", false),
                (r#"$.one NumericEqualsPath "$.s""#, false),
            ],
        );
        // Exact beyond 2^53 (ASL-SUB-32).
        check(
            json!({"n": 9_007_199_254_740_993_i64, "m": 9_007_199_254_740_992_i64}),
            &[(r#"$.n NumericGreaterThanPath "$.m""#, true)],
        );
    }

    #[test]
    fn rule_data_boolean_asl_chop_08() {
        check(
            json!({"y": true, "n": false, "z": 0}),
            &[
                ("$.y BooleanEquals true", true),
                ("$.n BooleanEquals true", false),
                (r#"$.n BooleanEqualsPath "$.n""#, true),
                (r#"$.y BooleanEqualsPath "$.n""#, false),
                ("$.z BooleanEquals false", false),
            ],
        );
    }

    #[test]
    fn rule_data_timestamp_family_asl_chop_09_11() {
        let at = "2012-10-09T19:00:55Z";
        let later = "2012-10-09T19:00:56Z";
        check(
            json!({"a": at, "a1": "2012-10-09T20:00:55+01:00", "b": later, "bad": "2012-10-09"}),
            &[
                // By instant, not by text (ASL-SUB-34).
                (&format!(r#"$.a1 TimestampEquals "{at}""#), true),
                (r#"$.a TimestampEqualsPath "$.a1""#, true),
                (&format!(r#"$.a TimestampLessThan "{later}""#), true),
                (r#"$.b TimestampGreaterThanPath "$.a""#, true),
                (&format!(r#"$.a TimestampLessThanEquals "{at}""#), true),
                (
                    &format!(r#"$.b TimestampGreaterThanEquals "{later}""#),
                    true,
                ),
                (r#"$.a TimestampLessThanPath "$.a1""#, false),
                (r#"$.a TimestampLessThanEqualsPath "$.b""#, true),
                // Not a timestamp: false (ASL-CH-10).
                (r#"$.b TimestampGreaterThanEqualsPath "$.bad""#, false),
                (&format!(r#"$.bad TimestampEquals "{at}""#), false),
            ],
        );
    }

    #[test]
    fn rule_data_type_tests_asl_chop_12_15() {
        check(
            json!({"z": null, "n": 0, "s": "x", "b": false, "ts": "2012-10-09T19:00:55Z"}),
            &[
                ("$.z IsNull true", true),
                ("$.n IsNull false", true),
                ("$.n IsNumeric true", true),
                ("$.b IsNumeric false", true),
                ("$.s IsString true", true),
                ("$.b IsBoolean true", true),
                ("$.b IsBoolean false", false),
                ("$.ts IsTimestamp true", true),
                ("$.s IsTimestamp false", true),
                // IsPresent never fails; a present null is present (ASL-CHOP-13, ASL-CH-12).
                ("$.z IsPresent true", true),
                ("$.missing IsPresent false", true),
                ("$.missing IsPresent true", false),
                ("$.s.deeper[0] IsPresent true", false),
            ],
        );
    }

    #[test]
    fn rule_data_boolean_rules_short_circuit_asl_chop_16_17_asl_sub_36() {
        let i = json!({"x": 1});
        // The IsPresent guard keeps the missing Variable from failing.
        let guarded = r#""And": [
            {"Variable": "$.y", "IsPresent": true},
            {"Variable": "$.y", "NumericEquals": 1}]"#;
        assert_eq!(eval_on(guarded, i.clone()), Ok(false));
        let first = r#""Or": [
            {"Variable": "$.x", "NumericEquals": 1},
            {"Variable": "$.y", "NumericEquals": 1}]"#;
        assert_eq!(eval_on(first, i.clone()), Ok(true));
        // Without short-circuit the second test's error surfaces.
        let second = r#""Or": [
            {"Variable": "$.x", "NumericEquals": 2},
            {"Variable": "$.y", "NumericEquals": 1}]"#;
        assert!(eval_on(second, i.clone()).is_err());
        let not = r#""Not": {"Variable": "$.x", "NumericEquals": 2}"#;
        assert_eq!(eval_on(not, i.clone()), Ok(true));
        let nested = r#""And": [
            {"Not": {"Variable": "$.x", "IsNull": true}},
            {"Or": [{"Variable": "$.x", "StringEquals": "1"}, {"Variable": "$.x", "NumericLessThanEquals": 1}]}]"#;
        assert_eq!(eval_on(nested, i), Ok(true));
    }

    #[test]
    fn rule_data_missing_paths_fail_asl_ch_12_asl_sub_30() {
        let i = json!({"x": 1});
        let cases = [
            (r#""Variable": "$.nope", "NumericEquals": 1"#, "$.nope"),
            // The operand of a `…Path` twin too; the Variable is looked up first.
            (
                r#""Variable": "$.x", "NumericEqualsPath": "$.limit""#,
                "$.limit",
            ),
            (r#""Variable": "$.a", "StringEqualsPath": "$.b""#, "$.a"),
            // Every type test but IsPresent fails on a missing Variable.
            (r#""Variable": "$.nope", "IsNull": false"#, "$.nope"),
            (r#""Variable": "$.nope", "IsNumeric": false"#, "$.nope"),
            (r#""Variable": "$.nope", "IsString": false"#, "$.nope"),
            (r#""Variable": "$.nope", "IsBoolean": false"#, "$.nope"),
            (r#""Variable": "$.nope", "IsTimestamp": false"#, "$.nope"),
            (r#""Variable": "$.x.y", "StringMatches": "*""#, "$.x.y"),
        ];
        for (members, path) in cases {
            let e = eval_on(members, i.clone()).unwrap_err();
            assert_eq!(e.error, "States.Runtime", "{members}");
            let want = missing_variable_cause(path);
            assert_eq!(e.cause.as_deref(), Some(want.as_str()), "{members}");
        }
        // An indefinite path selects an array (possibly empty), never a miss.
        check(
            json!({"list": []}),
            &[("$.list[*].n NumericEquals 1", false)],
        );
    }

    #[test]
    fn rule_data_context_and_variables_asl_ch_14() {
        let input = json!({"n": 5});
        let ctx = json!({"Execution": {"Name": "run-1"}, "State": {"RetryCount": 0}});
        let mut vars = crate::Map::new();
        vars.insert("limit", json!({"max": 10}));
        let env = crate::Env {
            input: &input,
            context: &ctx,
            vars: Some(&vars),
            draws: None,
        };
        let r = |m: &str| eval_rule(&rule(m), &env);
        assert!(r(r#""Variable": "$$.Execution.Name", "StringEquals": "run-1""#).unwrap());
        assert!(r(r#""Variable": "$.n", "NumericLessThanPath": "$limit.max""#).unwrap());
        assert!(r(r#""Variable": "$limit.max", "NumericGreaterThanPath": "$.n""#).unwrap());
        assert!(r(r#""Variable": "$limit", "IsPresent": true"#).unwrap());
        assert!(r(r#""Variable": "$$.State.RetryCount", "NumericEquals": 0"#).unwrap());
        let e = r(r#""Variable": "$$.Map.Item.Index", "NumericEquals": 0"#).unwrap_err();
        assert_eq!(
            e.cause.as_deref(),
            Some(missing_variable_cause("$$.Map.Item.Index").as_str())
        );
        let e = r(r#""Variable": "$.n", "NumericEqualsPath": "$limit.min""#).unwrap_err();
        assert_eq!(
            e.cause.as_deref(),
            Some(missing_variable_cause("$limit.min").as_str())
        );
    }

    #[test]
    fn rule_data_choose_first_match_asl_ch_01() {
        let a: &'static Rule =
            Box::leak(Box::new(rule(r#""Variable": "$.x", "NumericEquals": 2"#)));
        let b: &'static Rule = Box::leak(Box::new(rule(r#""Variable": "$.x", "IsNumeric": true"#)));
        let mk = |rule| crate::machine::ChoiceRule {
            next: 0,
            condition: None,
            rule,
            assign: None,
            output: None,
        };
        let rules = [mk(None), mk(Some(a)), mk(Some(b)), mk(Some(b))];
        let ctx = json!({});
        let at = |x: Value| choose(&rules, &crate::Env::new(&x, &ctx));
        // A rule without data never matches; the first matching rule wins.
        assert_eq!(at(json!({"x": 2})), Ok(Some(1)));
        assert_eq!(at(json!({"x": 3})), Ok(Some(2)));
        assert_eq!(at(json!({"x": "3"})), Ok(None));
        assert!(at(json!({})).is_err());
    }
}
