//! Fail: ASL-FL-01/02/03.

use asl_runtime::{Options, json};

use crate::common::{failure, kinds, opts, prefix};

asl_runtime::asl!(FailLiteral = {
    "StartAt": "Stop",
    "States": { "Stop": { "Type": "Fail", "Error": "MyError", "Cause": "my cause" } }
});

/// Fail ends the execution with its literal Error and Cause (ASL-FL-01, ASL-EV-02).
#[tokio::test(start_paused = true)]
async fn fail_literal_error_and_cause_asl_fl_01() {
    let run = FailLiteral::new(()).execute(json!({}), &opts()).await;
    assert_eq!(failure(&run.result), (Some("MyError"), Some("my cause")));
    assert_eq!(
        kinds(&run),
        ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]
    );
}

asl_runtime::asl!(FailBare = {
    "StartAt": "Stop",
    "States": { "Stop": { "Type": "Fail" } }
});

/// A Fail without Error or Cause gives neither (ASL-FL-01; conformance
/// `scenarios__test_map_state_catch_empty_fail` records error and cause null).
#[tokio::test(start_paused = true)]
async fn fail_without_error_gives_none_asl_fl_01() {
    let r = FailBare::new(()).run(json!({})).await;
    assert_eq!(failure(&r), (None, None));
}

asl_runtime::asl!(FailContext = {
    "StartAt": "StartState",
    "States": { "StartState": { "Type": "Fail", "ErrorPath": "$$.State.Name", "CausePath": "$$.StateMachine.Name" } }
});

/// ErrorPath/CausePath read the context object (ASL-FL-02, ASL-CTX-07/08; conformance
/// `context_object__test_error_cause_path`).
#[tokio::test(start_paused = true)]
async fn fail_error_path_cause_path_from_context_asl_fl_02() {
    let o = Options {
        state_machine_name: Some("statemachine_create_and_record_execution_8a7f1555".into()),
        ..opts()
    };
    let run = FailContext::new(()).execute(json!({}), &o).await;
    assert_eq!(
        failure(&run.result),
        (
            Some("StartState"),
            Some("statemachine_create_and_record_execution_8a7f1555")
        )
    );
}

asl_runtime::asl!(FailIntrinsic = {
    "Comment": "RAISE_FAILURE_PATH_INTRINSIC",
    "StartAt": "FailState",
    "States": {
        "FailState": {
            "Type": "Fail",
            "ErrorPath": "States.Format('{}', $.Error)",
            "CausePath": "States.Format('This is a custom error message for {}, caused by {}.', $.Error, $.Cause)"
        }
    }
});

/// ErrorPath/CausePath may be string intrinsics (ASL-FL-02, ASL-FN-01; conformance
/// `base__test_state_fail_intrinsic`).
#[tokio::test(start_paused = true)]
async fn fail_intrinsic_in_error_path_and_cause_path_asl_fl_02() {
    let r = FailIntrinsic::new(())
        .run(json!({ "Error": "error string", "Cause": "cause string" }))
        .await;
    assert_eq!(
        failure(&r),
        (
            Some("error string"),
            Some("This is a custom error message for error string, caused by cause string.")
        )
    );
}

asl_runtime::asl!(FailPathMissing = {
    "StartAt": "pass",
    "States": {
        "pass": { "Type": "Pass", "Next": "fail", "Parameters": { "Error": "error-value" } },
        "fail": { "Type": "Fail", "ErrorPath": "$.ErrorX" }
    }
});

/// A missing ErrorPath is States.Runtime naming the field (ASL-FL-02; conformance
/// `scenarios__test_invalid_jsonpath__INVALID_JSONPATH_IN_ERRORPATH`).
#[tokio::test(start_paused = true)]
async fn fail_missing_error_path_is_runtime_asl_fl_02() {
    let run = FailPathMissing::new(())
        .execute(json!({ "int-literal": 0 }), &opts())
        .await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    let cause = cause.unwrap();
    assert!(cause.starts_with(&prefix("fail", 4)), "{cause}");
    assert!(
        cause.contains(
            "The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found"
        ),
        "{cause}"
    );
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "FailStateEntered",
            "ExecutionFailed"
        ]
    );
}
