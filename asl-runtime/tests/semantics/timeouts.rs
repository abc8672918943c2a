//! Timeouts: ASL-TK-02/03/04, ASL-ERR-03, ASL-TOP-05.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use asl_runtime::handler::handler_fn;
use asl_runtime::mock::Mocks;
use asl_runtime::{Value, json};
use tokio::time::{Instant, sleep};

use crate::common::{DropFlag, error_name, failure, kinds, opts, secs};

asl_runtime::asl!(TaskTimeout = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "TimeoutSeconds": 5,
            "End": true
        }
    }
});

/// A handler running past TimeoutSeconds fails with States.Timeout exactly at the timeout,
/// and its future is dropped (ASL-TK-02, ASL-ERR-03, ASL-EV-03).
#[tokio::test(start_paused = true)]
async fn task_timeout_fails_exactly_at_timeout_asl_tk_02() {
    let finished = Arc::new(AtomicBool::new(false));
    let dropped = Arc::new(AtomicBool::new(false));
    let (f, d) = (finished.clone(), dropped.clone());
    let m = TaskTimeout::with_dynamic(handler_fn(move |_, _| {
        let (f, d) = (f.clone(), d.clone());
        async move {
            let _guard = DropFlag(d);
            sleep(secs(60)).await;
            f.store(true, Ordering::SeqCst);
            Ok(json!("late"))
        }
    }));
    let t0 = Instant::now();
    let run = m.execute(json!({}), &opts()).await;
    assert_eq!(error_name(&run.result), Some("States.Timeout"));
    assert_eq!(t0.elapsed(), secs(5));
    assert!(dropped.load(Ordering::SeqCst));
    sleep(secs(120)).await;
    assert!(!finished.load(Ordering::SeqCst));
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskTimedOut",
            "ExecutionFailed"
        ]
    );
}

asl_runtime::asl!(TimeoutPath = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "TimeoutSecondsPath": "$.t",
            "End": true
        }
    }
});

/// TimeoutSecondsPath reads the timeout from the input (ASL-TK-04).
#[tokio::test(start_paused = true)]
async fn timeout_seconds_path_asl_tk_04() {
    let m = TimeoutPath::with_dynamic(handler_fn(|input: Value, _| async move {
        sleep(secs(input["sleep"].as_u64().unwrap_or(0))).await;
        Ok(json!("done"))
    }));
    let t0 = Instant::now();
    let r = m.run(json!({ "t": 3, "sleep": 10 })).await;
    assert_eq!(error_name(&r), Some("States.Timeout"));
    assert_eq!(t0.elapsed(), secs(3));
    let r = m.run(json!({ "t": 3, "sleep": 2 })).await;
    assert_eq!(r.unwrap(), json!("done"));
}

asl_runtime::asl!(HeartbeatPathMissing = {
    "StartAt": "task",
    "States": {
        "task": {
            "Type": "Task",
            "HeartbeatSecondsPath": "$.NoSuchTimeoutSecondsPath",
            "Resource": "arn:aws:states:::aws-sdk:s3:listBuckets.waitForTaskToken",
            "Parameters": {},
            "End": true
        }
    }
});

/// A missing HeartbeatSecondsPath is States.Runtime before the task is scheduled
/// (ASL-TK-04; conformance `scenarios__test_invalid_jsonpath__ST.INVALID_JSONPATH_IN_HEARTBEATSECONDSPATH`).
#[tokio::test(start_paused = true)]
async fn missing_heartbeat_seconds_path_is_runtime_asl_tk_04() {
    let m = HeartbeatPathMissing::with_dynamic(Mocks::new());
    let run = m.execute(json!({ "int-literal": 0 }), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    assert_eq!(
        cause,
        Some(
            "An error occurred while executing the state 'task' (entered at the event id #2). \
             Invalid path '$.NoSuchTimeoutSecondsPath' : No results for path: $['NoSuchTimeoutSecondsPath']"
        )
    );
    assert_eq!(
        kinds(&run),
        ["ExecutionStarted", "TaskStateEntered", "ExecutionFailed"]
    );
}

asl_runtime::asl!(Heartbeat = {
    "StartAt": "Wait for callback",
    "States": {
        "Wait for callback": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "HeartbeatSeconds": 2,
            "TimeoutSeconds": 10,
            "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Caught" } ],
            "End": true
        },
        "Caught": { "Type": "Pass", "End": true }
    }
});

/// A missed heartbeat is reported as States.Timeout, with Error Output Cause "" (ASL-TK-03,
/// ASL-SUB-27, ASL-SUB-09).
#[tokio::test(start_paused = true)]
async fn heartbeat_expiry_is_states_timeout_asl_tk_03_sub_27() {
    let m = Heartbeat::with_dynamic(handler_fn(|_, _| async {
        sleep(secs(5)).await;
        Ok(json!("late"))
    }));
    let t0 = Instant::now();
    let out = m.run(json!({})).await.unwrap();
    assert_eq!(t0.elapsed(), secs(2));
    assert_eq!(out, json!({ "Error": "States.Timeout", "Cause": "" }));
}

asl_runtime::asl!(RetryTimeout = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "TimeoutSeconds": 2,
            "Retry": [ { "ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 1 } ],
            "End": true
        }
    }
});

/// States.Timeout is retriable: timeout at 2 s, 1 s backoff, second attempt succeeds
/// (ASL-ERR-03, ASL-RT-09).
#[tokio::test(start_paused = true)]
async fn timeout_is_retried_asl_err_03() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let m = RetryTimeout::with_dynamic(handler_fn(move |_, _| {
        let n = c.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            if n == 1 {
                sleep(secs(30)).await;
            }
            Ok(json!(n))
        }
    }));
    let t0 = Instant::now();
    assert_eq!(m.run(json!({})).await.unwrap(), json!(2));
    assert_eq!(t0.elapsed(), secs(3));
}

asl_runtime::asl!(ExecutionTimeout = {
    "TimeoutSeconds": 5,
    "StartAt": "Nap",
    "States": {
        "Nap": { "Type": "Wait", "Seconds": 10, "End": true }
    }
});

/// The machine's TimeoutSeconds fails the execution with States.Timeout when exceeded
/// (ASL-TOP-05, ASL-ERR-03, ASL-EV-11).
#[tokio::test(start_paused = true)]
async fn execution_timeout_seconds_asl_top_05() {
    let t0 = Instant::now();
    let run = ExecutionTimeout::new(()).execute(json!({}), &opts()).await;
    assert_eq!(error_name(&run.result), Some("States.Timeout"));
    assert_eq!(t0.elapsed(), secs(5));
    assert_eq!(kinds(&run).last(), Some(&"ExecutionTimedOut"));
}

asl_runtime::asl! {
    ForeverLoop = {
        "TimeoutSeconds": 1,
        "StartAt": "Spin",
        "States": {
            "Spin": { "Type": "Pass", "Next": "Again" },
            "Again": { "Type": "Choice", "Choices": [{ "Variable": "$.stop", "IsPresent": true, "Next": "Done" }], "Default": "Spin" },
            "Done": { "Type": "Succeed" }
        }
    }
}

/// A loop of synchronous states yields to the scheduler now and then, so the execution
/// timeout still ends it (ASL-ERR-03, ASL-TOP TimeoutSeconds). Real time: paused time only
/// advances when the runtime is idle, which a spinning execution never is.
#[tokio::test]
async fn a_synchronous_loop_still_hits_the_execution_timeout() {
    let err = ForeverLoop::new(()).run(json!({})).await.unwrap_err();
    assert_eq!(err.error.as_deref(), Some("States.Timeout"));
}
