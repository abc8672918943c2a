//! Catch: ASL-CT-03/04/05, ASL-SUB-08/09/18/19.

use std::sync::atomic::Ordering;
use std::time::Duration;

use asl_runtime::handler::handler_fn;
use asl_runtime::mock::{MockResponse, Mocks};
use asl_runtime::{TaskError, Value, json};
use tokio::time::{Instant, sleep};

use crate::common::{bare_error, counted, failure, kinds, opts, prefix, secs};

asl_runtime::asl!(CatchDefault = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "ResultSelector": { "never.$": "$.nothing" },
            "OutputPath": "$.nothing",
            "Catch": [ { "ErrorEquals": ["E"], "Next": "Handler" } ],
            "End": true
        },
        "Handler": { "Type": "Pass", "End": true }
    }
});

/// Error Output is always `{Error, Cause}` with `""` when there is no cause; the default
/// catcher ResultPath replaces the input; ResultSelector and OutputPath are not applied on the
/// catch path (ASL-CT-04/05, ASL-SUB-08/09, ASL-IO-14).
#[tokio::test(start_paused = true)]
async fn catch_error_output_default_result_path_skips_output_path_asl_ct_04_sub_08_09() {
    let m = CatchDefault::with_dynamic(handler_fn(|_, _| async { Err(bare_error("E")) }));
    let out = m.run(json!({ "in": 1 })).await.unwrap();
    assert_eq!(out, json!({ "Error": "E", "Cause": "" }));
}

asl_runtime::asl!(CatchResultPaths = {
    "StartAt": "Route",
    "States": {
        "Route": {
            "Type": "Choice",
            "Choices": [ { "Variable": "$.mode", "StringEquals": "null", "Next": "KeepRaw" } ],
            "Default": "Merge"
        },
        "KeepRaw": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "InputPath": "$.sub",
            "Catch": [ { "ErrorEquals": ["E"], "ResultPath": null, "Next": "Done" } ],
            "End": true
        },
        "Merge": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "InputPath": "$.sub",
            "Catch": [ { "ErrorEquals": ["E"], "ResultPath": "$.err", "Next": "Done" } ],
            "End": true
        },
        "Done": { "Type": "Pass", "End": true }
    }
});

/// Catcher ResultPath `null` keeps the raw input; `"$.err"` merges the Error Output into the
/// raw (not InputPath-filtered) input (ASL-CT-05, ASL-SUB-08).
#[tokio::test(start_paused = true)]
async fn catch_result_path_null_and_merge_into_raw_input_asl_ct_05() {
    let m = CatchResultPaths::with_dynamic(handler_fn(|_, _| async {
        Err::<Value, _>(TaskError::new("E", "why"))
    }));
    let raw = json!({ "mode": "null", "sub": { "x": 1 } });
    assert_eq!(m.run(raw.clone()).await.unwrap(), raw);
    let out = m
        .run(json!({ "mode": "merge", "sub": { "x": 1 } }))
        .await
        .unwrap();
    assert_eq!(
        out,
        json!({ "mode": "merge", "sub": { "x": 1 }, "err": { "Error": "E", "Cause": "why" } })
    );
}

asl_runtime::asl!(CatchOrder = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Catch": [
                { "ErrorEquals": ["Other"], "Next": "WrongOther" },
                { "ErrorEquals": ["E", "Also"], "Next": "First" },
                { "ErrorEquals": ["E"], "Next": "Second" },
                { "ErrorEquals": ["States.ALL"], "Next": "All" }
            ],
            "End": true
        },
        "WrongOther": { "Type": "Pass", "Result": "WrongOther", "End": true },
        "First": { "Type": "Pass", "Result": "First", "End": true },
        "Second": { "Type": "Pass", "Result": "Second", "End": true },
        "All": { "Type": "Pass", "Result": "All", "End": true }
    }
});

/// The first catcher (array order) whose ErrorEquals matches wins; matching is exact and
/// case-sensitive (ASL-CT-03, ASL-ERR-18).
#[tokio::test(start_paused = true)]
async fn first_matching_catcher_wins_asl_ct_03() {
    let m = CatchOrder::with_dynamic(handler_fn(|input: Value, _| {
        let e = input["e"].as_str().unwrap_or("").to_string();
        async move { Err::<Value, _>(TaskError::new(e, "c")) }
    }));
    assert_eq!(m.run(json!({ "e": "E" })).await.unwrap(), json!("First"));
    assert_eq!(m.run(json!({ "e": "Also" })).await.unwrap(), json!("First"));
    assert_eq!(m.run(json!({ "e": "e" })).await.unwrap(), json!("All"));
}

asl_runtime::asl!(RuntimeUncatchable = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "InputPath": "$.missing",
            "Retry": [
                { "ErrorEquals": ["States.Runtime"] },
                { "ErrorEquals": ["States.ALL"] }
            ],
            "Catch": [
                { "ErrorEquals": ["States.Runtime"], "Next": "Caught" },
                { "ErrorEquals": ["States.ALL"], "Next": "Caught" }
            ],
            "End": true
        },
        "Caught": { "Type": "Pass", "End": true }
    }
});

/// States.Runtime (a bad InputPath) is neither retried nor caught, even when named, and
/// States.ALL does not match it (ASL-SUB-19, ASL-RT-13, ASL-CT-08, ASL-ERR-01/15).
#[tokio::test(start_paused = true)]
async fn states_runtime_not_caught_even_when_named_asl_sub_19() {
    let (calls, handler) = counted(Ok(json!({})));
    let m = RuntimeUncatchable::with_dynamic(handler);
    let t0 = Instant::now();
    let run = m.execute(json!({ "a": 1 }), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    assert_eq!(
        cause.unwrap(),
        format!(
            "{}Invalid path '$.missing' : No results for path: $['missing']",
            prefix("Call", 2)
        )
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    assert_eq!(t0.elapsed(), Duration::ZERO);
    assert_eq!(
        kinds(&run),
        ["ExecutionStarted", "TaskStateEntered", "ExecutionFailed"]
    );
}

asl_runtime::asl!(CatchStatesRuntime = {
    "Comment": "CATCH_STATE_RUNTIME",
    "StartAt": "RaiseRuntime",
    "States": {
        "RaiseRuntime": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:111111111111:function:lambda_func_541b3168",
            "OutputPath": "$.no.such.result.path",
            "Catch": [ { "ErrorEquals": ["States.Runtime"], "Next": "CaughtRuntime" } ],
            "Next": "Final"
        },
        "CaughtRuntime": { "Type": "Pass", "End": true },
        "Final": { "Type": "Pass", "End": true }
    }
});

/// An OutputPath failure after a successful call is States.Runtime, not caught by a catcher
/// naming it (conformance `scenarios__test_catch_states_runtime`; ASL-SUB-19, ASL-EV-04/06).
#[tokio::test(start_paused = true)]
async fn output_path_failure_after_success_not_caught_conformance_catch_states_runtime() {
    let m = CatchStatesRuntime::with_dynamic(
        Mocks::new().with("RaiseRuntime", vec![MockResponse::Return(json!({}))]),
    );
    let run = m.execute(json!({}), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    assert_eq!(
        cause,
        Some(
            "An error occurred while executing the state 'RaiseRuntime' (entered at the event id #2). \
             Invalid path '$.no.such.result.path' : Missing property in path $['no']"
        )
    );
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionSucceeded",
            "ExecutionFailed"
        ]
    );
}

asl_runtime::asl!(TaskFailedWildcard = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "TimeoutSeconds": 2,
            "Catch": [
                { "ErrorEquals": ["States.TaskFailed"], "Next": "TaskFailed" },
                { "ErrorEquals": ["States.ALL"], "Next": "All" }
            ],
            "End": true
        },
        "TaskFailed": { "Type": "Pass", "End": true },
        "All": { "Type": "Pass", "End": true }
    }
});

/// States.TaskFailed matches a custom error but not States.Timeout (ASL-SUB-18, ASL-ERR-02).
#[tokio::test(start_paused = true)]
async fn task_failed_matches_custom_error_not_timeout_asl_sub_18() {
    let m = TaskFailedWildcard::with_dynamic(handler_fn(|input: Value, _| async move {
        if input["mode"] == "timeout" {
            sleep(secs(10)).await;
            Ok(json!("late"))
        } else {
            Err(TaskError::new("Custom.Error", "c"))
        }
    }));
    let run = m.execute(json!({ "mode": "fail" }), &opts()).await;
    assert_eq!(run.states_entered(), ["Call", "TaskFailed"]);
    assert_eq!(
        run.result.unwrap(),
        json!({ "Error": "Custom.Error", "Cause": "c" })
    );
    let run = m.execute(json!({ "mode": "timeout" }), &opts()).await;
    assert_eq!(run.states_entered(), ["Call", "All"]);
    assert_eq!(
        run.result.unwrap(),
        json!({ "Error": "States.Timeout", "Cause": "" })
    );
}
