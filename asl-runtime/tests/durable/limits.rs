//! Stopping an execution, and the bounds AWS puts on one: 25,000 history events (ASL-Q-02),
//! a year for Standard and five minutes for Express (ASL-WF-02).

use std::time::Duration;

use asl_runtime::engine::Engine;
use asl_runtime::json;
use asl_runtime::store::{MemoryStore, Status};

use crate::t0;

asl_runtime::asl! {
    pub Spin = {
        "StartAt": "Count",
        "States": {
            "Count": { "Type": "Pass", "Parameters": { "n.$": "States.MathAdd($.n, 1)" }, "Next": "Again" },
            "Again": { "Type": "Choice",
                       "Choices": [{ "Variable": "$.n", "NumericLessThan": 1000000, "Next": "Count" }],
                       "Default": "Done" },
            "Done": { "Type": "Succeed" }
        }
    }
}

asl_runtime::asl! {
    pub Sleepy = {
        "StartAt": "Nap",
        "States": {
            "Nap": { "Type": "Wait", "Seconds": 3600, "Next": "Done" },
            "Done": { "Type": "Succeed" }
        }
    }
}

asl_runtime::asl! {
    #[asl(express)]
    pub QuickNap = {
        "StartAt": "Nap",
        "States": {
            "Nap": { "Type": "Wait", "Seconds": 600, "Next": "Done" },
            "Done": { "Type": "Succeed" }
        }
    }
}

/// A loop that never ends fails when its history is full: the 25,000th event is
/// `ExecutionFailed`, with AWS's cause (ASL-Q-02).
#[tokio::test(start_paused = true)]
async fn a_history_of_25000_events_fails_the_execution() {
    let engine = Engine::new(MemoryStore::new()).with_tokio_clock(t0());
    let sm = engine.register("Spin", Spin::new(()));
    let x = engine.start_execution(&sm, None, r#"{"n": 0}"#).unwrap();
    let done = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(done.status, Status::Failed);
    assert_eq!(done.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        done.cause.as_deref(),
        Some("The execution reached the maximum number of history events (25000).")
    );
    assert_eq!(done.events, 25_000);
    let last = engine.store().events(&x.execution_arn, 25_000, 1).unwrap();
    assert_eq!(last[0].kind, "ExecutionFailed");
}

/// `StopExecution` closes a running execution as ABORTED with the caller's error and cause;
/// its timer is cancelled; stopping it again changes nothing.
#[tokio::test(start_paused = true)]
async fn stop_execution_aborts_it() {
    let engine = Engine::new(MemoryStore::new()).with_tokio_clock(t0());
    let sm = engine.register("Sleepy", Sleepy::new(()));
    let x = engine.start_execution(&sm, None, "{}").unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let stopped = engine
        .stop_execution(&x.execution_arn, Some("Manual"), Some("probe"))
        .unwrap();
    let rec = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(rec.status, Status::Aborted);
    assert_eq!(rec.error.as_deref(), Some("Manual"));
    assert_eq!(rec.cause.as_deref(), Some("probe"));
    assert_eq!(rec.stop_date, Some(stopped));
    // Long after the Wait would have ended, nothing changed.
    tokio::time::sleep(Duration::from_secs(7200)).await;
    let again = engine.stop_execution(&x.execution_arn, None, None).unwrap();
    assert_eq!(again, stopped);
    let rec = engine.describe_execution(&x.execution_arn).unwrap();
    assert_eq!(
        (rec.status, rec.error.as_deref()),
        (Status::Aborted, Some("Manual"))
    );
    let kinds = crate::event_kinds(&engine, &x.execution_arn);
    assert_eq!(
        kinds,
        ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"]
    );
    assert_eq!(
        engine
            .stop_execution("arn:none", None, None)
            .unwrap_err()
            .name(),
        "ExecutionDoesNotExist"
    );
    assert_eq!(engine.load(), (0, 0));
}

/// An Express execution ends after five minutes with `States.Timeout` (ASL-WF-02).
#[tokio::test(start_paused = true)]
async fn an_express_execution_lasts_five_minutes_at_most() {
    let start = tokio::time::Instant::now();
    let out = QuickNap::new(())
        .execute(json!({}), &Default::default())
        .await;
    let e = out.result.unwrap_err();
    assert_eq!(e.error.as_deref(), Some("States.Timeout"));
    assert_eq!(start.elapsed(), Duration::from_secs(300));
    assert_eq!(
        out.history.last().map(|e| e.kind),
        Some("ExecutionTimedOut")
    );
}
