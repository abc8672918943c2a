//! RedriveExecution (ASL-WF-06, ASL-RT-10): a failed execution runs again from where it
//! stopped; finished states, branches and iterations are not run again; the state that
//! failed gets fresh retry counters; the history goes on with `ExecutionRedriven`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use asl_runtime::engine::Engine;
use asl_runtime::handler::handler_fn;
use asl_runtime::store::{MemoryStore, Status};
use asl_runtime::{StateError, TaskContext, Value, json};

use crate::t0;

asl_runtime::asl! {
    pub Ship = {
        "StartAt": "Charge",
        "States": {
            "Charge": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                        "ResultPath": "$.charge", "Next": "Items" },
            "Items": {
                "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1, "ResultPath": "$.shipped",
                "ItemProcessor": {
                    "ProcessorConfig": { "Mode": "INLINE" },
                    "StartAt": "Send",
                    "States": {
                        "Send": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                  "Retry": [{ "ErrorEquals": ["Down"], "MaxAttempts": 1, "IntervalSeconds": 1 }],
                                  "End": true }
                    }
                },
                "Next": "Done"
            },
            "Done": { "Type": "Succeed" }
        }
    }
}

/// Calls per (state, input); `Send` of item 2 fails while `broken`.
type Calls = Arc<Mutex<BTreeMap<String, usize>>>;

fn machine(calls: Calls, broken: Arc<AtomicBool>) -> Ship {
    Ship::with_dynamic(handler_fn(move |input: Value, cx: TaskContext| {
        let calls = calls.clone();
        let broken = broken.clone();
        async move {
            *calls
                .lock()
                .unwrap()
                .entry(format!("{}:{input}", cx.state))
                .or_default() += 1;
            if cx.state == "Send" && input == json!(2) && broken.load(Ordering::SeqCst) {
                return Err(StateError::new("Down", "the carrier is down"));
            }
            Ok(json!({ "ok": input }))
        }
    }))
}

#[tokio::test(start_paused = true)]
async fn a_redrive_runs_only_what_failed() {
    let calls: Calls = Arc::default();
    let broken = Arc::new(AtomicBool::new(true));
    let engine = Engine::new(MemoryStore::new()).with_tokio_clock(t0());
    let sm = engine.register("Ship", machine(calls.clone(), broken.clone()));
    let x = engine
        .start_execution(&sm, Some("s"), r#"{"items": [0, 1, 2, 3]}"#)
        .unwrap();
    let failed = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(
        (failed.status, failed.error.as_deref()),
        (Status::Failed, Some("Down"))
    );
    assert_eq!(failed.redrive_count, 0);
    // Running or succeeded executions cannot be redriven; this one can, once fixed.
    broken.store(false, Ordering::SeqCst);
    engine.redrive_execution(&x.execution_arn).unwrap();
    assert_eq!(
        engine
            .redrive_execution(&x.execution_arn)
            .unwrap_err()
            .name(),
        "ExecutionNotRedrivable"
    );
    let done = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(
        done.status,
        Status::Succeeded,
        "{:?} {:?}",
        done.error,
        done.cause
    );
    assert_eq!(done.redrive_count, 1);
    assert_eq!(
        serde_json::from_str::<Value>(done.output.as_deref().unwrap()).unwrap()["shipped"],
        json!([{"ok": 0}, {"ok": 1}, {"ok": 2}, {"ok": 3}])
    );
    // Charge and the finished iterations ran once; item 2 twice before the redrive (one
    // retry) and once after it (fresh counters); item 3 only after it.
    let calls = calls.lock().unwrap().clone();
    assert_eq!(
        calls,
        BTreeMap::from([
            ("Charge:{\"items\":[0,1,2,3]}".to_string(), 1),
            ("Send:0".to_string(), 1),
            ("Send:1".to_string(), 1),
            ("Send:2".to_string(), 3),
            ("Send:3".to_string(), 1),
        ])
    );
    let kinds = crate::event_kinds(&engine, &x.execution_arn);
    let redriven = kinds.iter().position(|k| k == "ExecutionRedriven").unwrap();
    assert_eq!(kinds[redriven - 1], "ExecutionFailed");
    assert_eq!(kinds.last().map(String::as_str), Some("ExecutionSucceeded"));
    assert_eq!(kinds.iter().filter(|k| *k == "ExecutionStarted").count(), 1);
    assert_eq!(
        engine
            .redrive_execution(&x.execution_arn)
            .unwrap_err()
            .name(),
        "ExecutionNotRedrivable"
    );
    assert_eq!(
        engine.redrive_execution("arn:none").unwrap_err().name(),
        "ExecutionDoesNotExist"
    );
}

/// An aborted execution is redriven from where it was stopped.
#[tokio::test(start_paused = true)]
async fn an_aborted_execution_is_redriven() {
    let calls: Calls = Arc::default();
    let engine = Engine::new(MemoryStore::new()).with_tokio_clock(t0());
    let sm = engine.register(
        "Ship",
        machine(calls.clone(), Arc::new(AtomicBool::new(false))),
    );
    let x = engine
        .start_execution(&sm, None, r#"{"items": [5]}"#)
        .unwrap();
    engine
        .stop_execution(&x.execution_arn, Some("Oops"), None)
        .unwrap();
    engine.redrive_execution(&x.execution_arn).unwrap();
    let done = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(done.status, Status::Succeeded);
    assert_eq!(done.redrive_count, 1);
}

asl_runtime::asl! {
    pub Count = {
        "StartAt": "Work",
        "States": {
            "Work": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Report" },
            "Report": { "Type": "Pass", "Parameters": { "redrives.$": "$$.Execution.RedriveCount" }, "End": true }
        }
    }
}

/// `$$.Execution.RedriveCount` counts the redrives (ASL-CTX-06).
#[tokio::test(start_paused = true)]
async fn the_context_counts_redrives() {
    let broken = Arc::new(AtomicBool::new(true));
    let b = broken.clone();
    let engine = Engine::new(MemoryStore::new()).with_tokio_clock(t0());
    let sm = engine.register(
        "Count",
        Count::with_dynamic(handler_fn(move |input: Value, _cx: TaskContext| {
            let fail = b.load(Ordering::SeqCst);
            async move {
                if fail {
                    return Err(StateError::new("Down", "not yet"));
                }
                Ok(input)
            }
        })),
    );
    let x = engine.start_execution(&sm, None, "{}").unwrap();
    assert_eq!(
        engine.wait(&x.execution_arn).await.unwrap().status,
        Status::Failed
    );
    engine.redrive_execution(&x.execution_arn).unwrap();
    assert_eq!(
        engine.wait(&x.execution_arn).await.unwrap().status,
        Status::Failed
    );
    broken.store(false, Ordering::SeqCst);
    engine.redrive_execution(&x.execution_arn).unwrap();
    let done = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(done.status, Status::Succeeded);
    assert_eq!(done.output.as_deref(), Some(r#"{"redrives":2}"#));
}
