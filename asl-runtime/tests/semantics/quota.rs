//! Payload quota: ASL-IO-09, ASL-SUB-54, ASL-ERR-16.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use asl_runtime::handler::handler_fn;
use asl_runtime::json;
use tokio::time::Instant;

use crate::common::{error_name, failure, kinds, opts, text};

asl_runtime::asl!(BigPass = {
    "StartAt": "Big",
    "States": {
        "Big": { "Type": "Pass", "Parameters": { "s.$": "$.s", "t": "x" }, "End": true }
    }
});

/// The quota is 262,144 bytes of UTF-8 JSON: exactly at the limit passes, one byte over fails
/// with AWS's cause; bytes, not characters, count (ASL-IO-09, ASL-SUB-54, ASL-Q-01;
/// conformance `error_handling__test_start_large_input`).
#[tokio::test(start_paused = true)]
async fn state_output_quota_is_262144_utf8_bytes_asl_sub_54() {
    let m = BigPass::new(());
    // Output `{"s":"<n>","t":"x"}` is n + 16 bytes.
    let at_limit = 262_144 - 16;
    let out = m.run(json!({ "s": text(at_limit) })).await.unwrap();
    assert_eq!(serde_json::to_string(&out).unwrap().len(), 262_144);

    let run = m.execute(json!({ "s": text(at_limit + 1) }), &opts()).await;
    assert_eq!(
        failure(&run.result),
        (
            Some("States.DataLimitExceeded"),
            Some(
                "The state/task 'Big' returned a result with a size exceeding the maximum number of bytes service limit."
            )
        )
    );
    assert_eq!(
        kinds(&run),
        ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]
    );

    // 131,070 two-byte characters: 262,156 bytes but only 131,086 characters.
    let r = m.run(json!({ "s": "é".repeat(131_070) })).await;
    assert_eq!(error_name(&r), Some("States.DataLimitExceeded"));
}

asl_runtime::asl!(BigInBranch = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                { "StartAt": "Big", "States": { "Big": { "Type": "Pass", "Parameters": { "a.$": "$.s", "b.$": "$.s" }, "End": true } } }
            ],
            "Retry": [ { "ErrorEquals": ["States.ALL"] } ],
            "Catch": [
                { "ErrorEquals": ["States.DataLimitExceeded"], "Next": "Caught" },
                { "ErrorEquals": ["States.ALL"], "Next": "Caught" }
            ],
            "End": true
        },
        "Caught": { "Type": "Pass", "End": true }
    }
});

/// A state output over the quota is terminal: not retried, not caught even when named
/// (ASL-IO-09, ASL-SUB-54, ASL-CT-08, ASL-ERR-16).
#[tokio::test(start_paused = true)]
async fn state_output_over_quota_is_not_caught_asl_io_09_ct_08() {
    let t0 = Instant::now();
    let run = BigInBranch::new(())
        .execute(json!({ "s": text(200_000) }), &opts())
        .await;
    assert_eq!(
        failure(&run.result),
        (
            Some("States.DataLimitExceeded"),
            Some(
                "The state/task 'Big' returned a result with a size exceeding the maximum number of bytes service limit."
            )
        )
    );
    assert_eq!(t0.elapsed(), Duration::ZERO, "not retried");
    assert!(!run.states_entered().contains(&"Caught"));
}

asl_runtime::asl!(BigTaskResult = {
    "Comment": "TASK_SERVICE_LAMBDA_INVOKE_CATCH_ALL",
    "StartAt": "InvokeLambda",
    "States": {
        "InvokeLambda": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": { "FunctionName.$": "$.FunctionName", "Payload.$": "$.Payload" },
            "Next": "ProcessResult",
            "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "HandleGeneralError" } ]
        },
        "ProcessResult": { "Type": "Pass", "End": true },
        "HandleGeneralError": { "Type": "Pass", "End": true }
    }
});

/// A task *result* over the quota is a catchable States.DataLimitExceeded (conformance
/// `error_handling__test_service_task_lambada_catch_state_all_data_limit_exceeded_on_large_utf8_response`;
/// ASL-SUB-54).
#[tokio::test(start_paused = true)]
async fn task_result_over_quota_is_catchable_conformance_data_limit() {
    let m = BigTaskResult::with_dynamic(handler_fn(|_, _| async {
        Ok(json!({ "Payload": "é".repeat(140_000) }))
    }));
    let run = m
        .execute(
            json!({ "FunctionName": "lambda_func_83d4f9c9", "Payload": null }),
            &opts(),
        )
        .await;
    assert_eq!(
        run.result.as_ref().unwrap(),
        &json!({
            "Error": "States.DataLimitExceeded",
            "Cause": "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes service limit."
        })
    );
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskFailed",
            "TaskStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
}

asl_runtime::asl!(BigTaskInput = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": { "a.$": "$.s", "b.$": "$.s" },
            "End": true
        }
    }
});

/// The task input after Parameters is subject to the quota too: the task is not called
/// (ASL-SUB-54, ASL-ERR-16, ASL-IO-09).
#[tokio::test(start_paused = true)]
async fn task_input_over_quota_after_parameters_asl_sub_54() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let m = BigTaskInput::with_dynamic(handler_fn(move |_, _| {
        c.fetch_add(1, Ordering::SeqCst);
        async { Ok(json!("ok")) }
    }));
    let r = m.run(json!({ "s": text(200_000) })).await;
    assert_eq!(error_name(&r), Some("States.DataLimitExceeded"));
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}
