//! History: ASL-EV-01..08, ASL-SUB-44.

use asl_runtime::handler::handler_fn;
use asl_runtime::mock::{MockResponse, Mocks};
use asl_runtime::{TaskError, Value, json};

use crate::common::{assert_sequential_ids, error_name, kinds, opts};

asl_runtime::asl!(HistoryBasic = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": { "Type": "Pass", "Next": "Invoke" },
        "Invoke": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Done" },
        "Done": { "Type": "Succeed" }
    }
});

/// Pass → Task (optimised integration) → Succeed: event kinds, state names, ids 1..n
/// (ASL-EV-01/02/03).
#[tokio::test(start_paused = true)]
async fn history_pass_task_succeed_asl_ev_01_02_03() {
    let m = HistoryBasic::with_dynamic(handler_fn(|_, _| async { Ok(json!({})) }));
    let run = m.execute(json!({}), &opts()).await;
    run.result.as_ref().unwrap();
    let events: Vec<(&str, Option<&str>)> = run.history.iter().map(|e| (e.kind, e.state)).collect();
    assert_eq!(
        events,
        [
            ("ExecutionStarted", None),
            ("PassStateEntered", Some("Prepare")),
            ("PassStateExited", Some("Prepare")),
            ("TaskStateEntered", Some("Invoke")),
            ("TaskScheduled", Some("Invoke")),
            ("TaskStarted", Some("Invoke")),
            ("TaskSucceeded", Some("Invoke")),
            ("TaskStateExited", Some("Invoke")),
            ("SucceedStateEntered", Some("Done")),
            ("SucceedStateExited", Some("Done")),
            ("ExecutionSucceeded", None),
        ]
    );
    assert_sequential_ids(&run);
    assert_eq!(run.states_entered(), ["Prepare", "Invoke", "Done"]);
}

asl_runtime::asl!(HistoryLegacyLambda = {
    "StartAt": "Invoke",
    "States": {
        "Invoke": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:111111111111:function:my-function",
            "Retry": [ { "ErrorEquals": ["States.ALL"], "MaxAttempts": 1 } ],
            "End": true
        }
    }
});

/// A legacy Lambda ARN records LambdaFunction* events; a retried attempt is Failed then a new
/// Scheduled, with no new TaskStateEntered (ASL-EV-04/06).
#[tokio::test(start_paused = true)]
async fn history_legacy_lambda_and_retry_asl_ev_04_06() {
    let m = HistoryLegacyLambda::with_dynamic(Mocks::new().with(
        "Invoke",
        vec![
            MockResponse::throw("Lambda.Unknown", "first"),
            MockResponse::Return(json!("ok")),
        ],
    ));
    let run = m.execute(json!({}), &opts()).await;
    assert_eq!(run.result.as_ref().unwrap(), &json!("ok"));
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionFailed",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_sequential_ids(&run);
}

asl_runtime::asl!(HistoryCatch = {
    "StartAt": "Invoke",
    "States": {
        "Invoke": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [ { "ErrorEquals": ["States.ALL"], "MaxAttempts": 1 } ],
            "Catch": [ { "ErrorEquals": ["Caught"], "Next": "Handle" } ],
            "End": true
        },
        "Handle": { "Type": "Pass", "End": true }
    }
});

/// A caught error exits the state (TaskStateExited) before the catcher's target is entered;
/// an uncaught one ends with ExecutionFailed and no TaskStateExited (ASL-EV-06).
#[tokio::test(start_paused = true)]
async fn history_caught_and_uncaught_errors_asl_ev_06() {
    let m = HistoryCatch::with_dynamic(handler_fn(|input: Value, _| async move {
        let e = input["e"].as_str().unwrap_or("").to_string();
        Err::<Value, _>(TaskError::new(e, "c"))
    }));
    let run = m.execute(json!({ "e": "Caught" }), &opts()).await;
    run.result.as_ref().unwrap();
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskFailed",
            "TaskScheduled",
            "TaskStarted",
            "TaskFailed",
            "TaskStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    let run = m.execute(json!({ "e": "Uncaught" }), &opts()).await;
    assert_eq!(error_name(&run.result), Some("Uncaught"));
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskFailed",
            "TaskScheduled",
            "TaskStarted",
            "TaskFailed",
            "ExecutionFailed"
        ]
    );
}

asl_runtime::asl!(HistoryParallel = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Branches": [ { "StartAt": "Only", "States": { "Only": { "Type": "Pass", "End": true } } } ],
            "End": true
        }
    }
});

/// Parallel: Entered → Started → branch events → Exited, with no ParallelStateSucceeded
/// (ASL-EV-07, ASL-SUB-44).
#[tokio::test(start_paused = true)]
async fn history_parallel_has_no_parallel_state_succeeded_asl_ev_07_sub_44() {
    let run = HistoryParallel::new(()).execute(json!({}), &opts()).await;
    assert_eq!(run.result.as_ref().unwrap(), &json!([{}]));
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "ParallelStateEntered",
            "ParallelStateStarted",
            "PassStateEntered",
            "PassStateExited",
            "ParallelStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_sequential_ids(&run);
}

asl_runtime::asl!(HistoryWait = {
    "StartAt": "Nap",
    "States": {
        "Nap": { "Type": "Wait", "Seconds": 1, "Next": "Check" },
        "Check": {
            "Type": "Choice",
            "Choices": [ { "Variable": "$.go", "BooleanEquals": true, "Next": "Done" } ],
            "Default": "Done"
        },
        "Done": { "Type": "Succeed" }
    }
});

/// Wait and Choice record Entered/Exited pairs (ASL-EV-02).
#[tokio::test(start_paused = true)]
async fn history_wait_and_choice_asl_ev_02() {
    let run = HistoryWait::new(())
        .execute(json!({ "go": true }), &opts())
        .await;
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "WaitStateEntered",
            "WaitStateExited",
            "ChoiceStateEntered",
            "ChoiceStateExited",
            "SucceedStateEntered",
            "SucceedStateExited",
            "ExecutionSucceeded"
        ]
    );
}
