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

use crate::value::Value;
use crate::value::java::string_cmp;
use crate::value::num::{cmp as number_cmp, cmp_f64 as number_cmp_f64};
use jiff::Timestamp;

use crate::timestamp;

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

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
    ($( $(#[$doc:meta])* $lit:ident, $path:ident, |$o:ident| $test:expr; )*) => {$(
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
    )*};
}

string_ops! {
    /// `StringEquals` (ASL-CHOP-01): identical code-unit sequences.
    string_equals, string_equals_path, |o| o == Ordering::Equal;
    /// `StringLessThan` (ASL-CHOP-02): Java `compareTo` < 0.
    string_less_than, string_less_than_path, |o| o == Ordering::Less;
    /// `StringGreaterThan` (ASL-CHOP-02): Java `compareTo` > 0.
    string_greater_than, string_greater_than_path, |o| o == Ordering::Greater;
    /// `StringLessThanEquals` (ASL-CHOP-03): Java `compareTo` ≤ 0.
    string_less_than_equals, string_less_than_equals_path, |o| o != Ordering::Greater;
    /// `StringGreaterThanEquals` (ASL-CHOP-03): Java `compareTo` ≥ 0.
    string_greater_than_equals, string_greater_than_equals_path, |o| o != Ordering::Less;
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
    ($( $(#[$doc:meta])* $lit:ident, $path:ident, |$o:ident| $test:expr; )*) => {$(
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
    )*};
}

numeric_ops! {
    /// `NumericEquals` (ASL-CHOP-05): equal by value (`1` = `1.0`, ASL-SUB-32).
    numeric_equals, numeric_equals_path, |o| o == Ordering::Equal;
    /// `NumericLessThan` (ASL-CHOP-06).
    numeric_less_than, numeric_less_than_path, |o| o == Ordering::Less;
    /// `NumericGreaterThan` (ASL-CHOP-06).
    numeric_greater_than, numeric_greater_than_path, |o| o == Ordering::Greater;
    /// `NumericLessThanEquals` (ASL-CHOP-07).
    numeric_less_than_equals, numeric_less_than_equals_path, |o| o != Ordering::Greater;
    /// `NumericGreaterThanEquals` (ASL-CHOP-07).
    numeric_greater_than_equals, numeric_greater_than_equals_path, |o| o != Ordering::Less;
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
    ($( $(#[$doc:meta])* $lit:ident, $path:ident, |$o:ident| $test:expr; )*) => {$(
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
    )*};
}

timestamp_ops! {
    /// `TimestampEquals` (ASL-CHOP-09): same instant.
    timestamp_equals, timestamp_equals_path, |o| o == Ordering::Equal;
    /// `TimestampLessThan` (ASL-CHOP-10): earlier.
    timestamp_less_than, timestamp_less_than_path, |o| o == Ordering::Less;
    /// `TimestampGreaterThan` (ASL-CHOP-10): later.
    timestamp_greater_than, timestamp_greater_than_path, |o| o == Ordering::Greater;
    /// `TimestampLessThanEquals` (ASL-CHOP-11).
    timestamp_less_than_equals, timestamp_less_than_equals_path, |o| o != Ordering::Greater;
    /// `TimestampGreaterThanEquals` (ASL-CHOP-11).
    timestamp_greater_than_equals, timestamp_greater_than_equals_path, |o| o != Ordering::Less;
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
}
