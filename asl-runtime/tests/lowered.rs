//! Lowered states (straight-line code, `machine::Step`) compute exactly what the descriptors
//! compute: the same machine is run twice on arbitrary inputs, once as compiled and once with
//! its step function replaced by `no_step`, and the outputs, errors, causes and histories
//! must be equal. Inputs of every type reach every fallback (a missing path, a non-number
//! for `States.MathAdd`, an unwritable ResultPath, no Choice rule matching).

use asl_runtime::driver::{Execution, run};
use asl_runtime::handler::{Owned, handler_fn};
use asl_runtime::machine::{Machine, no_step};
use asl_runtime::{Options, Value};
use proptest::prelude::*;

asl_runtime::asl! {
    Lowered = {
        "StartAt": "Shape",
        "States": {
            "Shape": {
                "Type": "Pass",
                "Parameters": {
                    "n.$": "$.n", "first.$": "$.arr[0]", "deep.$": "$.o.x", "all.$": "$.arr[*]",
                    "len.$": "$.arr.length()", "lit": {"k": [1, "two", null, true, 2.5, -7]},
                    "sum.$": "States.MathAdd($.n, 1)", "fmt.$": "States.Format('{}-{}', $.n, $.s)",
                    "empty": {}
                },
                "ResultPath": "$.shaped",
                "Next": "Decide"
            },
            "Decide": {
                "Type": "Choice",
                "Choices": [
                    { "Variable": "$.shaped.n", "NumericGreaterThan": 3, "Next": "Add" },
                    { "Variable": "$.s", "StringMatches": "a*", "Next": "Keep" },
                    { "Variable": "$.s", "IsString": false, "Next": "Const" }
                ]
            },
            "Add": {
                "Type": "Pass",
                "Parameters": { "i.$": "States.MathAdd($.shaped.sum, $.n)" },
                "Next": "Drop"
            },
            "Drop": { "Type": "Pass", "Parameters": { "x.$": "$.i" }, "ResultPath": null, "Next": "Index" },
            "Index": { "Type": "Pass", "Result": "written", "ResultPath": "$.i", "Next": "Done" },
            "Keep": { "Type": "Pass", "InputPath": "$", "Next": "Into" },
            "Into": { "Type": "Pass", "Parameters": { "v.$": "$.s" }, "ResultPath": "$.arr[1]", "Next": "Done" },
            "Const": { "Type": "Pass", "Result": { "c": "L", "n": -3 }, "ResultPath": "$.c.d", "Next": "Done" },
            "Done": { "Type": "Succeed" }
        }
    }
}

/// The compiled machine with its lowered code switched off.
fn descriptors_only(m: &'static Machine) -> &'static Machine {
    Box::leak(Box::new(Machine {
        name: m.name,
        definition: m.definition,
        states: m.states,
        start: m.start,
        timeout_seconds: m.timeout_seconds,
        express: m.express,
        keeps_input: m.keeps_input,
        choose: m.choose,
        step: no_step,
        tasks: m.tasks,
    }))
}

fn execute(m: &'static Machine, input: Value) -> Execution {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let handler = Owned(handler_fn(|_, _| async { Ok(Value::Null) }));
    rt.block_on(run(m, &handler, input, &Options::default()))
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-5i64..10).prop_map(Value::from),
        Just(Value::from(i64::from(i32::MAX))),
        (-1e3f64..1e3).prop_map(Value::from),
        "[ab*x]{0,4}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::array),
            prop::collection::vec((prop_oneof![Just("x"), Just("c"), Just("i")], inner), 0..3)
                .prop_map(|kv| Value::object(kv.into_iter().collect())),
        ]
    })
}

fn input() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => (json(), json(), json(), json()).prop_map(|(n, s, arr, o)| {
            asl_runtime::json!({"n": n, "s": s, "arr": arr, "o": o})
        }),
        1 => json(),
    ]
}

#[test]
fn the_lowered_states_are_the_pass_and_choice_states() {
    let m = Lowered::machine();
    let lowered: Vec<&str> = m
        .states
        .iter()
        .filter(|s| s.lowered)
        .map(|s| s.name)
        .collect();
    assert_eq!(
        lowered,
        [
            "Shape", "Decide", "Add", "Drop", "Index", "Keep", "Into", "Const"
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(768))]

    #[test]
    fn lowered_code_answers_as_the_descriptors(input in input()) {
        let m = Lowered::machine();
        let fast = execute(m, input.clone());
        let slow = execute(descriptors_only(m), input);
        prop_assert_eq!(&fast.result, &slow.result);
        let events = |e: &Execution| e.history.iter().map(|e| (e.id, e.kind, e.state)).collect::<Vec<_>>();
        prop_assert_eq!(events(&fast), events(&slow));
    }
}

/// Each fallback is reached, and answers as the descriptors do (ASL-PT-06, ASL-FN-16,
/// ASL-IO-07, ASL-CH-11).
#[test]
fn fallbacks_report_as_the_descriptors() {
    let m = Lowered::machine();
    let cases = [
        // Succeeds through Add, Drop, Index.
        (
            asl_runtime::json!({"n": 5, "s": "b", "arr": [1, 2], "o": {"x": 1}}),
            None,
        ),
        // `$.o.x` selects nothing: States.Runtime from Shape.
        (
            asl_runtime::json!({"n": 5, "s": "b", "arr": [1], "o": {}}),
            Some("States.Runtime"),
        ),
        // MathAdd of a string.
        (
            asl_runtime::json!({"n": "5", "s": "b", "arr": [1], "o": {"x": 1}}),
            Some("States.Runtime"),
        ),
        // ResultPath `$.arr[1]` out of bounds.
        (
            asl_runtime::json!({"n": 1, "s": "ab", "arr": [1], "o": {"x": 1}}),
            Some("States.ResultPathMatchFailure"),
        ),
        // No Choice rule matches.
        (
            asl_runtime::json!({"n": 1, "s": "b", "arr": [1], "o": {"x": 1}}),
            Some("States.NoChoiceMatched"),
        ),
    ];
    for (input, error) in cases {
        let fast = execute(m, input.clone());
        let slow = execute(descriptors_only(m), input.clone());
        assert_eq!(fast.result, slow.result, "{input}");
        assert_eq!(
            fast.result.as_ref().err().and_then(|e| e.error.as_deref()),
            error,
            "{input}: {:?}",
            fast.result
        );
    }
}

asl_runtime::asl! {
    Doubling = {
        "StartAt": "Grow",
        "States": {
            "Grow": {
                "Type": "Pass",
                "Parameters": { "x.$": "$.big", "y.$": "$.big" },
                "ResultPath": "$.big",
                "Next": "Again"
            },
            "Again": {
                "Type": "Choice",
                "Choices": [{ "Variable": "$.big", "IsPresent": true, "Next": "Grow" }],
                "Default": "Done"
            },
            "Done": { "Type": "Succeed" }
        }
    }
}

/// Lowered states keep a bound of their data's size instead of measuring every output; the
/// quota still fails the state that crosses it, as the descriptors do (ASL-IO-09).
#[test]
fn growing_data_meets_the_quota_at_the_same_state() {
    let m = Doubling::machine();
    let input = asl_runtime::json!({"big": "0123456789"});
    let fast = execute(m, input.clone());
    let slow = execute(descriptors_only(m), input);
    let err = fast
        .result
        .as_ref()
        .expect_err("the data outgrows the quota");
    assert_eq!(err.error.as_deref(), Some("States.DataLimitExceeded"));
    assert_eq!(fast.result, slow.result);
    assert_eq!(fast.history.len(), slow.history.len());
    // The 14th doubling holds 2^14 copies of the string (over 300 KB with the objects).
    let grows = |e: &Execution| e.states_entered().iter().filter(|s| **s == "Grow").count();
    assert_eq!(grows(&fast), 14);
    assert_eq!(grows(&slow), 14);
}

asl_runtime::asl! {
    LoweredJsonata = {
        "QueryLanguage": "JSONata",
        "StartAt": "Init",
        "States": {
            "Init": { "Type": "Pass", "Assign": { "i": 0, "limit": "{% $states.input.n %}" }, "Next": "Shape" },
            "Shape": {
                "Type": "Pass",
                "Output": "{% $merge([$states.input, {'acc': {'n': $states.input.n, 'deep': $states.input.o.x, 'sum': $states.input.n + 1, 'lim': $limit}}]) %}",
                "Next": "Check"
            },
            "Check": {
                "Type": "Choice",
                "Choices": [
                    { "Condition": "{% $i < $limit %}", "Next": "Inc" },
                    { "Condition": "{% $states.input.s = 'ab' %}", "Next": "Const" }
                ],
                "Default": "Out"
            },
            "Inc": { "Type": "Pass", "Assign": { "i": "{% $i + 1 %}" }, "Output": "{% $merge([$states.input, {'i': $i, 'k': 'lit'}]) %}", "Next": "Check2" },
            "Check2": { "Type": "Choice", "Choices": [{ "Condition": "{% $i >= 3 %}", "Next": "Out" }], "Default": "Check" },
            "Const": { "Type": "Pass", "Output": [1, "two", null, true, { "x": "{% $states.input.s %}" }], "Next": "Out" },
            "Out": { "Type": "Pass", "Output": { "i": "{% $i %}", "last": "{% $states.input %}" }, "End": true }
        }
    }
}

#[test]
fn the_lowered_jsonata_states_are_the_pass_and_choice_states() {
    let m = LoweredJsonata::machine();
    let lowered: Vec<&str> = m
        .states
        .iter()
        .filter(|s| s.lowered)
        .map(|s| s.name)
        .collect();
    assert_eq!(
        lowered,
        ["Init", "Shape", "Check", "Inc", "Check2", "Const", "Out"]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// JSONata states as straight-line code answer as the evaluator does: outputs, errors,
    /// causes, histories, and the variables they assign (read back by later states).
    #[test]
    fn lowered_jsonata_answers_as_the_evaluator(input in input()) {
        let m = LoweredJsonata::machine();
        let fast = execute(m, input.clone());
        let slow = execute(descriptors_only(m), input);
        prop_assert_eq!(&fast.result, &slow.result);
        let events = |e: &Execution| e.history.iter().map(|e| (e.id, e.kind, e.state)).collect::<Vec<_>>();
        prop_assert_eq!(events(&fast), events(&slow));
    }
}

/// The lowered JSONata states' fallbacks: a missing member (undefined, left out of its
/// object), a type error, a non-object input to `$merge`.
#[test]
fn lowered_jsonata_fallbacks_report_as_the_evaluator() {
    let m = LoweredJsonata::machine();
    let cases = [
        (asl_runtime::json!({"n": 2, "s": "b", "o": {"x": 1}}), None),
        (asl_runtime::json!({"n": 0, "s": "ab", "o": {"x": 1}}), None),
        // A member that is undefined is left out of an object constructor, no error.
        (asl_runtime::json!({"n": 2, "s": "b", "o": {}}), None),
        (
            asl_runtime::json!({"n": "2", "s": "b", "o": {"x": 1}}),
            Some("States.QueryEvaluationError"),
        ),
        (
            asl_runtime::json!([1, 2]),
            Some("States.QueryEvaluationError"),
        ),
    ];
    for (input, error) in cases {
        let fast = execute(m, input.clone());
        let slow = execute(descriptors_only(m), input.clone());
        assert_eq!(fast.result, slow.result, "{input}");
        assert_eq!(
            fast.result.as_ref().err().and_then(|e| e.error.as_deref()),
            error,
            "{input}: {:?}",
            fast.result
        );
    }
}
