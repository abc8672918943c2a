//! Never panic on odd inputs (ASL-TOP-07/08, ASL-OPEN-02).

use asl_runtime::handler::handler_fn;
use asl_runtime::{Value, json};

asl_runtime::asl!(ResultPathOnScalar = {
    "StartAt": "Put",
    "States": { "Put": { "Type": "Pass", "Result": 1, "ResultPath": "$.x", "End": true } }
});

/// ResultPath into a non-object raw input is an error, not a panic (ASL-IO-07, ASL-OPEN-02:
/// the error name is unverified, so only failure is checked).
#[tokio::test(start_paused = true)]
async fn result_path_into_non_object_input_fails_asl_io_07() {
    let m = ResultPathOnScalar::new(());
    for input in [
        json!("foo"),
        json!(5),
        json!(null),
        json!([1, 2]),
        json!(true),
    ] {
        assert!(m.run(input.clone()).await.is_err(), "{input}");
    }
    // Bare values are valid state data (ASL-TOP-08).
    assert_eq!(m.run(json!({})).await.unwrap(), json!({ "x": 1 }));
}

asl_runtime::asl!(OddNumbers = {
    "StartAt": "Route",
    "States": {
        "Route": {
            "Type": "Choice",
            "Choices": [
                { "Variable": "$.kind", "StringEquals": "wait", "Next": "WaitN" },
                { "Variable": "$.kind", "StringEquals": "timeout", "Next": "Call" },
                { "Variable": "$.kind", "StringEquals": "add", "Next": "Add" },
                { "Variable": "$.kind", "StringEquals": "range", "Next": "Range" },
                { "Variable": "$.kind", "StringEquals": "map", "Next": "MapN" }
            ],
            "Default": "Compare"
        },
        "WaitN": { "Type": "Wait", "SecondsPath": "$.n", "End": true },
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "TimeoutSecondsPath": "$.n",
            "End": true
        },
        "Add": { "Type": "Pass", "Parameters": { "v.$": "States.MathAdd($.n, 1)" }, "End": true },
        "Range": { "Type": "Pass", "Parameters": { "v.$": "States.ArrayRange(0, $.n, 1)" }, "End": true },
        "MapN": {
            "Type": "Map",
            "ItemsPath": "$.n",
            "MaxConcurrencyPath": "$.n",
            "ItemProcessor": { "StartAt": "I", "States": { "I": { "Type": "Pass", "End": true } } },
            "End": true
        },
        "Compare": {
            "Type": "Choice",
            "Choices": [ { "Variable": "$.n", "NumericGreaterThan": 0, "Next": "Pos" } ],
            "Default": "Pos"
        },
        "Pos": { "Type": "Succeed" }
    }
});

/// Huge and non-integral numbers in `…Path` fields and intrinsics fail cleanly
/// (ASL-SUB-38, ASL-TK-04, ASL-FN-07/16, ASL-Q-11, ASL-MAP-05).
#[tokio::test(start_paused = true)]
async fn huge_numbers_give_errors_not_panics_asl_top_08() {
    let m = OddNumbers::with_dynamic(handler_fn(|_, _| async { Ok(json!("called")) }));
    let huge = json!(1.7976931348623157e308);
    let over_u64 = serde_json::from_str::<Value>("18446744073709551616").unwrap();
    for (kind, n) in [
        ("wait", huge.clone()),
        ("wait", over_u64.clone()),
        ("wait", json!(i64::MIN)),
        ("timeout", huge.clone()),
        ("timeout", json!(-5)),
        ("timeout", json!(0)),
        ("add", huge.clone()),
        ("add", json!(i64::MAX)),
        ("range", json!(1_000_000_000)),
        ("range", huge.clone()),
        ("map", huge.clone()),
    ] {
        let r = m.run(json!({ "kind": kind, "n": n })).await;
        assert!(r.is_err(), "{kind} with {n}: {r:?}");
    }
    // Comparisons with extreme numbers are just comparisons.
    for n in [huge, over_u64, json!(u64::MAX), json!(i64::MIN)] {
        m.run(json!({ "kind": "compare", "n": n })).await.unwrap();
    }
}

asl_runtime::asl!(DeepInput = {
    "StartAt": "Scan",
    "States": {
        "Scan": { "Type": "Pass", "InputPath": "$..leaf", "ResultPath": "$.found", "Next": "Call" },
        "Call": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "ResultPath": "$.echo", "End": true }
    }
});

/// Deeply nested input (1,000 levels, Jackson's default nesting limit) is scanned, passed to a
/// task and merged without stack overflow (ASL-TOP-07).
#[tokio::test(start_paused = true)]
async fn deep_nesting_does_not_panic_asl_top_07() {
    let mut v = json!({ "leaf": 1 });
    for _ in 0..1_000 {
        v = json!({ "a": v });
    }
    let m = DeepInput::with_dynamic(handler_fn(|input, _| async move { Ok(input) }));
    let out = m.run(v).await.unwrap();
    assert_eq!(out["found"], json!([1]));
    assert!(out["echo"]["a"].is_object());
}

asl_runtime::asl!(OddInputs = {
    "StartAt": "Shape",
    "States": {
        "Shape": { "Type": "Pass", "Parameters": { "a.$": "$.a", "j.$": "States.StringToJson($.s)", "g.$": "States.ArrayGetItem($.arr, 5)" }, "End": true }
    }
});

/// Non-object inputs, bad intrinsic arguments and out-of-range indexes give errors, not panics
/// (ASL-FN-02/08, ASL-PATH-07, ASL-OPEN-01).
#[tokio::test(start_paused = true)]
async fn odd_inputs_give_errors_not_panics_asl_path_07_fn_02_08() {
    let m = OddInputs::new(());
    for input in [
        json!(null),
        json!("text"),
        json!([1, 2, 3]),
        json!(42),
        json!({ "a": 1, "s": "{not json", "arr": [1, 2, 3, 4, 5, 6] }),
        json!({ "a": 1, "s": "1", "arr": [1] }),
        json!({ "a": 1, "s": "1", "arr": "not an array" }),
        json!({ "a": 1, "s": 5, "arr": [1, 2, 3, 4, 5, 6] }),
    ] {
        assert!(m.run(input.clone()).await.is_err(), "{input}");
    }
    assert_eq!(
        m.run(json!({ "a": 1, "s": "[2]", "arr": [0, 1, 2, 3, 4, 5] }))
            .await
            .unwrap(),
        json!({ "a": 1, "j": [2], "g": 5 })
    );
}
