//! Parallel: ASL-PAR-02..05, ASL-SUB-24/25/26, ASL-IO-13.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use asl_runtime::handler::handler_fn;
use asl_runtime::{TaskError, Value, json};
use tokio::time::{Instant, sleep};

use crate::common::{DropFlag, error_name, failure, kinds, opts, secs};

asl_runtime::asl!(ParallelOrder = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "InputPath": "$.in",
            "Parameters": { "base.$": "$.base" },
            "Branches": [
                { "StartAt": "B0", "States": { "B0": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } } },
                { "StartAt": "B1", "States": { "B1": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } } },
                { "StartAt": "B2", "States": { "B2": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } } }
            ],
            "End": true
        }
    }
});

/// Results are in declaration order although branch 0 finishes last; branches run
/// concurrently (elapsed = max, not sum) and all get the same effective input
/// (ASL-PAR-02/03, ASL-IO-13).
#[tokio::test(start_paused = true)]
async fn parallel_results_in_declaration_order_and_concurrent_asl_par_02_03() {
    let done = Arc::new(Mutex::new(Vec::new()));
    let d = done.clone();
    let m = ParallelOrder::with_dynamic(handler_fn(move |input: Value, ctx| {
        let d = d.clone();
        async move {
            let delay = match ctx.state {
                "B0" => 3,
                "B1" => 1,
                _ => 2,
            };
            sleep(secs(delay)).await;
            d.lock().unwrap().push(ctx.state);
            Ok(json!({ "branch": ctx.state, "input": input, "location": ctx.location.to_vec() }))
        }
    }));
    let t0 = Instant::now();
    let out = m
        .run(json!({ "in": { "base": 10, "x": 0 } }))
        .await
        .unwrap();
    assert_eq!(t0.elapsed(), secs(3));
    assert_eq!(*done.lock().unwrap(), vec!["B1", "B2", "B0"]);
    assert_eq!(
        out,
        json!([
            { "branch": "B0", "input": { "base": 10 }, "location": [0] },
            { "branch": "B1", "input": { "base": 10 }, "location": [1] },
            { "branch": "B2", "input": { "base": 10 }, "location": [2] }
        ])
    );
}

asl_runtime::asl!(ParallelFail = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                { "StartAt": "Slow", "States": { "Slow": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } } },
                {
                    "StartAt": "Pause",
                    "States": {
                        "Pause": { "Type": "Wait", "Seconds": 2, "Next": "Boom" },
                        "Boom": { "Type": "Fail", "Error": "FailureType", "Cause": "branch 1 failed" }
                    }
                }
            ],
            "End": true
        }
    }
});

/// A failing branch fails the Parallel with the branch's own error (not States.BranchFailed)
/// at the failure time, and the slower sibling is cancelled (ASL-PAR-04, ASL-SUB-24/26,
/// ASL-FL-03).
#[tokio::test(start_paused = true)]
async fn parallel_branch_failure_propagates_and_cancels_siblings_asl_par_04_sub_24_26() {
    let finished = Arc::new(AtomicBool::new(false));
    let dropped = Arc::new(AtomicBool::new(false));
    let (f, d) = (finished.clone(), dropped.clone());
    let m = ParallelFail::with_dynamic(handler_fn(move |_, _| {
        let (f, d) = (f.clone(), d.clone());
        async move {
            let _guard = DropFlag(d);
            sleep(secs(10)).await;
            f.store(true, Ordering::SeqCst);
            Ok(json!("slow"))
        }
    }));
    let t0 = Instant::now();
    let run = m.execute(json!({}), &opts()).await;
    assert_eq!(
        failure(&run.result),
        (Some("FailureType"), Some("branch 1 failed"))
    );
    assert_eq!(t0.elapsed(), secs(2));
    assert!(dropped.load(Ordering::SeqCst), "sibling future not dropped");
    sleep(secs(30)).await;
    assert!(
        !finished.load(Ordering::SeqCst),
        "sibling ran to completion"
    );
}

/// When a branch fails, the running sibling Task is recorded as aborted and the Parallel as
/// failed (ASL-EV-07, ASL-PAR-04).
#[tokio::test(start_paused = true)]
async fn parallel_failure_records_aborted_sibling_asl_ev_07() {
    let m = ParallelFail::with_dynamic(handler_fn(|_, _| async {
        sleep(secs(10)).await;
        Ok(json!("slow"))
    }));
    let run = m.execute(json!({}), &opts()).await;
    assert_eq!(error_name(&run.result), Some("FailureType"));
    let events: Vec<(&str, Option<&str>)> = run.history.iter().map(|e| (e.kind, e.state)).collect();
    assert!(
        events.contains(&("ParallelStateFailed", Some("Fan"))),
        "{events:?}"
    );
    assert!(
        events.contains(&("TaskStateAborted", Some("Slow"))),
        "{events:?}"
    );
    assert!(
        !events.contains(&("TaskSucceeded", Some("Slow"))),
        "{events:?}"
    );
    assert_eq!(kinds(&run).last(), Some(&"ExecutionFailed"));
}

asl_runtime::asl!(ParallelCatch = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                { "StartAt": "Boom", "States": { "Boom": { "Type": "Fail", "Error": "FailureType", "Cause": "c" } } }
            ],
            "Catch": [ { "ErrorEquals": ["FailureType"], "ResultPath": "$.error", "Next": "Handled" } ],
            "End": true
        },
        "Handled": { "Type": "Pass", "End": true }
    }
});

/// A Catch on the Parallel matches the branch's Fail error name (ASL-FL-03, ASL-PAR-05).
#[tokio::test(start_paused = true)]
async fn parallel_catch_matches_branch_fail_error_asl_fl_03_par_05() {
    let out = ParallelCatch::new(()).run(json!({ "k": 1 })).await.unwrap();
    assert_eq!(
        out,
        json!({ "k": 1, "error": { "Error": "FailureType", "Cause": "c" } })
    );
}

asl_runtime::asl!(ParallelRetry = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                { "StartAt": "Good", "States": { "Good": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } } },
                { "StartAt": "Flaky", "States": { "Flaky": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } } }
            ],
            "Retry": [ { "ErrorEquals": ["E"], "IntervalSeconds": 1, "MaxAttempts": 1 } ],
            "End": true
        }
    }
});

/// Retry on a Parallel re-runs every branch, not just the failed one (ASL-PAR-05,
/// ASL-SUB-25, ASL-RT-11).
#[tokio::test(start_paused = true)]
async fn parallel_retry_reruns_all_branches_asl_par_05_sub_25() {
    let good = Arc::new(AtomicUsize::new(0));
    let flaky = Arc::new(AtomicUsize::new(0));
    let (g, f) = (good.clone(), flaky.clone());
    let m = ParallelRetry::with_dynamic(handler_fn(move |_, ctx| {
        let (g, f) = (g.clone(), f.clone());
        async move {
            if ctx.state == "Good" {
                Ok(json!(g.fetch_add(1, Ordering::SeqCst) + 1))
            } else if f.fetch_add(1, Ordering::SeqCst) == 0 {
                Err(TaskError::new("E", "first"))
            } else {
                Ok(json!("flaky ok"))
            }
        }
    }));
    let t0 = Instant::now();
    let out = m.run(json!({})).await.unwrap();
    assert_eq!(out, json!([2, "flaky ok"]));
    assert_eq!(good.load(Ordering::SeqCst), 2);
    assert_eq!(flaky.load(Ordering::SeqCst), 2);
    assert_eq!(t0.elapsed(), secs(1));
}
