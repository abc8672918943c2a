//! Input/output pipeline: ASL-IO-01..08, ASL-SUB-01/02/03.

use std::sync::{Arc, Mutex};

use asl_runtime::handler::handler_fn;
use asl_runtime::json;

use crate::common::{failure, kinds, opts, prefix};

asl_runtime::asl!(IoMerge = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "InputPath": "$.order",
            "Parameters": { "id.$": "$.id", "nested": { "qty.$": "$.qty", "fixed": 7 } },
            "ResultSelector": { "total.$": "$.Payload.total", "tag": "sel" },
            "ResultPath": "$.result",
            "End": true
        }
    }
});

/// InputPath → Parameters → task → ResultSelector → ResultPath; the result is merged into the
/// RAW input, not into the InputPath-filtered one (ASL-IO-01/02/03/05/07, ASL-SUB-02).
#[tokio::test(start_paused = true)]
async fn io_pipeline_merges_result_into_raw_input_asl_io_01_07_sub_02() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let m = IoMerge::with_dynamic(handler_fn(move |input, _ctx| {
        s.lock().unwrap().push(input);
        async { Ok(json!({ "Payload": { "total": 30, "noise": true }, "StatusCode": 200 })) }
    }));
    let input = json!({ "order": { "id": "o1", "qty": 3 }, "other": "kept" });
    let out = m.run(input).await.unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        vec![json!({ "id": "o1", "nested": { "qty": 3, "fixed": 7 } })],
        "the task sees InputPath then Parameters"
    );
    assert_eq!(
        out,
        json!({
            "order": { "id": "o1", "qty": 3 },
            "other": "kept",
            "result": { "total": 30, "tag": "sel" }
        })
    );
}

asl_runtime::asl!(IoOutputPath = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "InputPath": "$.order",
            "ResultPath": "$.result",
            "OutputPath": "$.other",
            "End": true
        }
    }
});

/// OutputPath applies to the ResultPath output, which still holds the raw input
/// (ASL-IO-08, ASL-SUB-02).
#[tokio::test(start_paused = true)]
async fn output_path_applies_to_result_path_output_asl_io_08() {
    let m = IoOutputPath::with_dynamic(handler_fn(|_, _| async { Ok(json!(1)) }));
    let out = m
        .run(json!({ "order": { "id": 1 }, "other": { "o": true } }))
        .await
        .unwrap();
    assert_eq!(out, json!({ "o": true }));
}

asl_runtime::asl!(ResultPathNull = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "InputPath": "$.a",
            "ResultPath": null,
            "Next": "Absent"
        },
        "Absent": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Next": "Dollar"
        },
        "Dollar": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "ResultPath": "$",
            "End": true
        }
    }
});

/// ResultPath `null` keeps the raw input (not the InputPath output) and discards the result;
/// absent and `"$"` both replace the input by the result (ASL-SUB-01, ASL-IO-07).
#[tokio::test(start_paused = true)]
async fn result_path_null_vs_absent_vs_dollar_asl_sub_01() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let m = ResultPathNull::with_dynamic(handler_fn(move |input, ctx| {
        s.lock().unwrap().push((ctx.state, input));
        let out = json!({ "from": ctx.state });
        async move { Ok(out) }
    }));
    let out = m.run(json!({ "a": { "x": 1 }, "b": 2 })).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        vec![
            ("Call", json!({ "x": 1 })),
            // null: Call's output is its raw input, result dropped
            ("Absent", json!({ "a": { "x": 1 }, "b": 2 })),
            // absent: Absent's output is its result
            ("Dollar", json!({ "from": "Absent" })),
        ]
    );
    assert_eq!(out, json!({ "from": "Dollar" }));
}

asl_runtime::asl!(ResultPathDeep = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "ResultPath": "$.x.y.z",
            "Next": "Overwrite"
        },
        "Overwrite": {
            "Type": "Pass",
            "Result": "new",
            "ResultPath": "$.keep.old",
            "End": true
        }
    }
});

/// A ResultPath creates missing intermediate objects and overwrites an existing field
/// (ASL-IO-07).
#[tokio::test(start_paused = true)]
async fn result_path_creates_intermediates_and_overwrites_asl_io_07() {
    let m = ResultPathDeep::with_dynamic(handler_fn(|_, _| async { Ok(json!([1, 2])) }));
    let out = m
        .run(json!({ "keep": { "old": "value", "other": 1 } }))
        .await
        .unwrap();
    assert_eq!(
        out,
        json!({ "keep": { "old": "new", "other": 1 }, "x": { "y": { "z": [1, 2] } } })
    );
}

asl_runtime::asl!(NullPaths = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "InputPath": null,
            "OutputPath": null,
            "End": true
        }
    }
});

/// InputPath `null` gives the task `{}`; OutputPath `null` gives `{}` (ASL-SUB-03,
/// ASL-IO-02, ASL-IO-08, ASL-PATH-10).
#[tokio::test(start_paused = true)]
async fn input_path_and_output_path_null_give_empty_object_asl_sub_03() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let m = NullPaths::with_dynamic(handler_fn(move |input, _| {
        s.lock().unwrap().push(input);
        async { Ok(json!({ "result": 1 })) }
    }));
    let out = m.run(json!({ "a": 1 })).await.unwrap();
    assert_eq!(*seen.lock().unwrap(), vec![json!({})]);
    assert_eq!(out, json!({}));
}

asl_runtime::asl!(MissingInputPath = {
    "StartAt": "pass",
    "States": {
        "pass": { "Type": "Pass", "OutputPath": "$.NoSuchOutputPath", "End": true }
    }
});

/// A definite OutputPath matching nothing is States.Runtime with Jayway's text
/// (ASL-IO-08, ASL-PATH-07; conformance `scenarios__test_invalid_jsonpath__ST.INVALID_JSONPATH_IN_OUTPUTPATH`).
#[tokio::test(start_paused = true)]
async fn missing_output_path_is_runtime_asl_io_08_path_07() {
    let m = MissingInputPath::new(());
    let run = m.execute(json!({ "int-literal": 0 }), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    assert_eq!(
        cause.unwrap(),
        format!(
            "{}Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']",
            prefix("pass", 2)
        )
    );
    assert_eq!(
        kinds(&run),
        ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]
    );
}
