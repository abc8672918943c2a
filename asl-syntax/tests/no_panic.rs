//! Property tests over read + parse + check: no input panics or overflows the stack
//! (ASL-VAL-01, ASL-VAL-26). CI runs these with a bounded number of cases.

use asl_syntax::source::Source;
use asl_syntax::{CheckOptions, compile_source};
use proptest::prelude::*;

fn check(text: &str) {
    let src = Source::new("fuzz.asl.json", text);
    let checked = compile_source(&src, &CheckOptions::default());
    // Every diagnostic's span stays inside the text.
    for d in checked.diagnostics.iter() {
        assert!(d.span.hi as usize <= text.len(), "{d:?}");
        assert!(d.span.lo <= d.span.hi, "{d:?}");
    }
}

const KEYS: &[&str] = &[
    "StartAt",
    "States",
    "Type",
    "Next",
    "End",
    "Resource",
    "Parameters",
    "ResultPath",
    "InputPath",
    "OutputPath",
    "ResultSelector",
    "Choices",
    "Default",
    "Variable",
    "NumericEquals",
    "StringMatches",
    "And",
    "Or",
    "Not",
    "Branches",
    "ItemProcessor",
    "Iterator",
    "ItemsPath",
    "Retry",
    "Catch",
    "ErrorEquals",
    "Seconds",
    "Timestamp",
    "SecondsPath",
    "Error",
    "CausePath",
    "QueryLanguage",
    "Assign",
    "Output",
    "Arguments",
    "Condition",
    "a.$",
    "x",
    "TimeoutSeconds",
    "HeartbeatSeconds",
    "MaxConcurrency",
    "ProcessorConfig",
    "Mode",
    "Label",
    "Credentials",
];
const STRINGS: &[&str] = &[
    "Task",
    "Pass",
    "Choice",
    "Wait",
    "Succeed",
    "Fail",
    "Parallel",
    "Map",
    "A",
    "B",
    "$",
    "$.a",
    "$$.Execution.Id",
    "$.a[*]",
    "$..b",
    "$.a[?(@.x > 1)]",
    "States.Format('{}', $.a)",
    "States.MathAdd($.i, 1)",
    "States.ALL",
    "{% $states.input %}",
    "{% 1 + %}",
    "JSONata",
    "JSONPath",
    "arn:aws:states:::lambda:invoke",
    "DISTRIBUTED",
    "2016-03-14T01:59:00Z",
    "$['a b']",
    "States.Array(",
    "\\",
    "{%",
    "%}",
];

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        (-5i64..100_000).prop_map(|n| n.into()),
        (-1e3f64..1e3).prop_map(|f| serde_json::json!(f)),
        prop::sample::select(STRINGS).prop_map(|s| serde_json::Value::String(s.into())),
    ];
    leaf.prop_recursive(8, 128, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|kv| {
                serde_json::Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

/// A small valid machine the mutation test starts from.
const SEED: &str = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"x.$":"States.Format('{}', $.a)"},"Retry":[{"ErrorEquals":["States.ALL"]}],"Catch":[{"ErrorEquals":["E"],"Next":"C"}],"Next":"B"},"B":{"Type":"Choice","Choices":[{"And":[{"Variable":"$.n","NumericLessThan":3},{"Not":{"Variable":"$.s","StringMatches":"a*"}}],"Next":"C"}],"Default":"C"},"C":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"D","States":{"D":{"Type":"Wait","Seconds":1,"End":true}}},"End":true}}}"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
        check(&s);
    }

    #[test]
    fn asl_shaped_json_never_panics(v in json_value()) {
        check(&v.to_string());
        let wrapped = serde_json::json!({"StartAt": "A", "States": {"A": v}});
        check(&wrapped.to_string());
    }

    #[test]
    fn mutated_definitions_never_panic(at in 0usize..SEED.len(), len in 0usize..8, insert in "\\PC{0,6}") {
        let mut s = SEED.to_string();
        let at = (0..=at).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
        let end = (at + len).min(s.len());
        let end = (end..=s.len()).find(|&i| s.is_char_boundary(i)).unwrap_or(s.len());
        s.replace_range(at..end, &insert);
        check(&s);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for depth in [1_000, 100_000] {
        let text = format!(
            r#"{{"StartAt":"A","States":{{"A":{{"Type":"Pass","Result":{}1{},"End":true}}}}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let src = Source::new("deep.asl.json", text);
        let checked = compile_source(&src, &CheckOptions::default());
        assert!(
            checked
                .diagnostics
                .iter()
                .any(|d| d.code == asl_syntax::diag::Code::TooDeeplyNested)
        );
    }
}

#[test]
fn nested_parallels_within_the_limit_are_checked() {
    // 60 nested Parallel states (~240 JSON levels): valid, and checked without overflow.
    let mut inner = r#"{"StartAt":"S0","States":{"S0":{"Type":"Succeed"}}}"#.to_string();
    for i in 1..60 {
        inner = format!(
            r#"{{"StartAt":"P{i}","States":{{"P{i}":{{"Type":"Parallel","Branches":[{inner}],"End":true}}}}}}"#
        );
    }
    let src = Source::new("nested.asl.json", inner);
    let checked = compile_source(&src, &CheckOptions::default());
    assert!(
        !checked.diagnostics.has_errors(),
        "{:?}",
        checked.diagnostics
    );
}

#[test]
fn one_megabyte_definition() {
    // ASL-Q-04: definitions up to 1 MB. 5,000 Pass states in a chain.
    let mut states = Vec::new();
    let n = 5_000;
    for i in 0..n {
        let next = if i + 1 == n {
            r#""End":true"#.to_string()
        } else {
            format!(r#""Next":"State number {}""#, i + 1)
        };
        states.push(format!(
            r#""State number {i}":{{"Type":"Pass","Comment":"{}","Parameters":{{"i":{i},"p.$":"$.a.b[0]"}},"ResultPath":"$.r",{next}}}"#,
            "x".repeat(100)
        ));
    }
    let text = format!(
        r#"{{"StartAt":"State number 0","States":{{{}}}}}"#,
        states.join(",")
    );
    assert!(text.len() > 1_000_000, "{}", text.len());
    let src = Source::new("big.asl.json", text);
    let checked = compile_source(&src, &CheckOptions::default());
    assert!(
        !checked.diagnostics.has_errors(),
        "{:?}",
        checked.diagnostics.iter().next()
    );
    assert_eq!(checked.machine.unwrap().scope.states.len(), n);
}
