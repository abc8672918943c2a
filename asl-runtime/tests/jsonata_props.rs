//! The JSONata evaluator on arbitrary input: no expression and no data makes it panic, overflow
//! the stack or run out of memory; deep recursion, huge sequences, long strings and endless
//! loops end in errors with AWS's limits (ASL-JA-12), as `States.QueryEvaluationError`.

use std::time::Duration;

use asl_runtime::Value;
use asl_runtime::jsonata::{Limits, Outcome, evaluate, evaluate_in_full};
use proptest::prelude::*;

/// Evaluates `expr` with AWS's limits (a shorter time limit, to keep the test quick).
fn eval(expr: &str, input: Option<&Value>) -> Result<Outcome, (String, String)> {
    let ast = asl_syntax::jsonata::parse(expr).map_err(|e| (e.code.to_string(), e.message))?;
    let limits = Limits {
        time_limit: Some(Duration::from_millis(200)),
        ..Limits::default()
    };
    evaluate(&ast, input, &|_| None, limits, 0.0).map_err(|e| (e.code.to_string(), e.message))
}

fn code(expr: &str) -> String {
    match eval(expr, None) {
        Err((code, _)) => code,
        Ok(v) => panic!("{expr} evaluated to {v:?}, expected an error"),
    }
}

/// ASL-JA-12: a non-tail recursion deeper than AWS's bound is an error, not a stack overflow,
/// however deep it tries to go.
#[test]
fn deep_recursion_is_an_error() {
    assert_eq!(
        code("($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(1000000))"),
        "U1001"
    );
    // AWS's recorded case: a 200-term sum nests too deeply.
    let sum = vec!["1"; 200].join("+");
    assert_eq!(code(&sum), "U1001");
    let short = vec!["1"; 50].join("+");
    assert!(matches!(eval(&short, None), Ok(Outcome::Value(v)) if v == 50));
    // A tail call does not nest: it runs until the time limit.
    assert_eq!(code("($f := function($n){ $f($n + 1) }; $f(0))"), "U1001");
}

/// ASL-JA-12: AWS's memory bound, at the boundaries measured on AWS.
#[test]
fn huge_ranges_and_long_strings_are_errors() {
    assert!(matches!(
        eval("[1..873782] ~> $count()", None),
        Ok(Outcome::Value(v)) if v == 873_782
    ));
    assert_eq!(code("[1..873783] ~> $count()"), "U1002");
    assert_eq!(code("$sum([1..900000])"), "U1002");
    assert_eq!(code("[1..10000000000]"), "D2014");
    let doubling = |n: u32| {
        format!(
            "($p := function($s, $n) {{ $n = 0 ? $s : $p($s & $s, $n - 1) }}; $length($p('x', {n})))"
        )
    };
    assert!(matches!(eval(&doubling(22), None), Ok(Outcome::Value(v)) if v == 4_194_304));
    assert_eq!(code(&doubling(23)), "U1002");
    assert_eq!(code("$pad('', 100000000)"), "U1002");
    assert_eq!(
        code("($s := $pad('', 1000000); $join([$s, $s, $s, $s, $s, $s, $s, $s]))"),
        "U1002"
    );
}

/// Tokens of JSONata, to make arbitrary (mostly invalid, often valid) expressions from.
const TOKENS: &[&str] = &[
    "$",
    "$$",
    "$x",
    "$f",
    "a",
    "b",
    "`c d`",
    "*",
    "**",
    "%",
    ".",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    ":",
    ",",
    ";",
    "1",
    "0",
    "-1",
    "2.5",
    "1e300",
    "'s'",
    "\"t\"",
    "true",
    "null",
    "+",
    "-",
    "/",
    "&",
    "=",
    "!=",
    "<",
    ">=",
    "and",
    "or",
    "in",
    "?",
    "..",
    "~>",
    ":=",
    "#$i",
    "@$v",
    "^(",
    "<",
    ">",
    "|",
    "function($v){",
    "$count(",
    "$map(",
    "$sort(",
    "$string(",
    "$keys(",
    "$reduce(",
    "$substring(",
    "$replace(",
    "$split(",
    "$match(",
    "/a+/i",
    "$merge(",
    "$each(",
    "$lookup(",
    "$spread(",
    "$zip(",
    "$append(",
    "$single(",
    "$sift(",
    "$pad(",
    "$formatNumber(",
    "$fromMillis(",
    "$number(",
    "$partition(",
    "$range(",
    "$random(",
    "$hash(",
    "$parse(",
    "$distinct(",
    "$shuffle(",
    "$exists(",
    "$type(",
    "$error(",
];

fn expression() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 1..24).prop_map(|t| t.join(" "))
}

/// Well-formed expressions, nested.
fn well_formed() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "$",
        "a",
        "a.b",
        "a[0]",
        "*",
        "**.b",
        "1",
        "'s'",
        "[1,2,3]",
        "{'k': 1}",
        "$x",
        "null",
        "a.b.%",
        "a#$i[$i > 0]",
        "a@$v.b",
    ])
    .prop_map(str::to_string);
    leaf.prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                inner.clone(),
                prop::sample::select(vec!["+", "&", "=", "<", "and", "~>", "in"])
            )
                .prop_map(|(a, b, op)| format!("({a} {op} {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}[{b}]")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}.{b}")),
            inner.clone().prop_map(|a| format!("$count({a})")),
            inner
                .clone()
                .prop_map(|a| format!("$map({a}, function($v, $i){{ $v }})")),
            inner.clone().prop_map(|a| format!("$string({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}{{{b}: {a}}}")),
            inner.clone().prop_map(|a| format!("{a}^(>$)")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}; {b})")),
            inner.clone().prop_map(|a| format!("| {a} | {{'z': 1}} |")),
            inner.prop_map(|a| format!("$x := {a}")),
        ]
    })
}

fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        (-1000i64..1000).prop_map(serde_json::Value::from),
        (-1e6f64..1e6).prop_map(serde_json::Value::from),
        "[a-c]{0,3}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::from),
            prop::collection::btree_map("[a-c]", inner, 0..5)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Expressions of the plain shapes the evaluator answers without its machinery (literals,
/// variables, member paths, arithmetic, comparisons, `&`, `and`/`or`, object constructors,
/// `$merge`), and a few just outside them.
fn plain() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "a", "a.b", "b.c.a", "$x", "$x.a", "$y", "$merge", "1", "2.5", "-3", "'s'", "'b'", "true",
        "false", "null", "$", "a[0]", "[1]",
    ])
    .prop_map(str::to_string);
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                inner.clone(),
                prop::sample::select(vec![
                    "+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "&", "and", "or"
                ])
            )
                .prop_map(|(a, b, op)| format!("({a} {op} {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{{'k': {a}, 'l': {b}}}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{{'k': {a}, 'k': {b}}}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("$merge([{a}, {b}])")),
            inner.prop_map(|a| format!("$merge([{a}])")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// The shortcut for plain expressions gives what the evaluator gives, value or error, on
    /// arbitrary data and variables.
    #[test]
    fn plain_expressions_answer_as_the_evaluator(
        expr in plain(),
        data in json(),
        x in json(),
        y in json(),
    ) {
        let Ok(ast) = asl_syntax::jsonata::parse(&expr) else { return Ok(()) };
        let (data, x, y) = (Value::from(&data), Value::from(&x), Value::from(&y));
        let globals = |name: &str| match name {
            "x" => Some(x.clone()),
            "y" => Some(y.clone()),
            _ => None,
        };
        let limits = Limits::default();
        for input in [Some(&data), None] {
            let fast = evaluate(&ast, input, &globals, limits, 0.0);
            let full = evaluate_in_full(&ast, input, &globals, limits, 0.0, None);
            prop_assert_eq!(&fast, &full, "{} on {:?}", expr, input);
        }
    }

    /// Arbitrary token soup: parsed or refused, evaluated or failed, never a panic.
    #[test]
    fn arbitrary_expressions_never_panic(expr in expression(), data in json()) {
        let data = Value::from(&data);
        let _ = eval(&expr, Some(&data));
    }

    /// Well-formed nested expressions on arbitrary data: a value or a JSONata error.
    #[test]
    fn well_formed_expressions_never_panic(expr in well_formed(), data in json()) {
        let data = Value::from(&data);
        match eval(&expr, Some(&data)) {
            Ok(_) => {}
            Err((code, _)) => prop_assert!(
                code.len() == 5 || code == "RangeError",
                "unexpected error code {code} for {expr}"
            ),
        }
    }
}
