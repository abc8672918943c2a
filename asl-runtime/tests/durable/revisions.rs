//! State machine revisions: an execution runs, to its end, the revision of its machine's
//! definition it started with, across a restart and whatever the machine became since; new
//! executions run the current revision. A machine withdrawn (`DeleteStateMachine`) takes no
//! new executions, and those that run go on.

use std::sync::Arc;
use std::time::Duration;

use asl_runtime::__private::jiff::SignedDuration;
use asl_runtime::engine::Engine;
use asl_runtime::store::{MemoryStore, SqliteStore, Status, Store};

use crate::t0;

asl_runtime::asl! {
    pub FlowA = {
        "StartAt": "Hold",
        "States": {
            "Hold": { "Type": "Wait", "Seconds": 60, "Next": "Say" },
            "Say": { "Type": "Pass", "Result": "A", "End": true }
        }
    }
}

asl_runtime::asl! {
    pub FlowB = {
        "StartAt": "Hold",
        "States": {
            "Hold": { "Type": "Wait", "Seconds": 60, "Next": "Say" },
            "Say": { "Type": "Pass", "Result": "B", "End": true }
        }
    }
}

/// A process: a runtime of its own in paused time, whose executions die with it.
fn process() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
}

/// An execution parked on a Wait of revision A; the machine is updated to revision B; the
/// process dies. The next process registers both, A as an old revision and B as current: the
/// execution finishes running A, a new one runs B.
#[test]
fn an_execution_runs_the_revision_it_started_with_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("asl.db");
    let first = process();
    let arn = first.block_on(async {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).unwrap());
        let engine = Engine::with_store(store).with_tokio_clock(t0());
        let sm = engine.register_revision("Flow", "rev-a", FlowA::new(()), true);
        assert_eq!(
            sm,
            "arn:aws:states:us-east-1:123456789012:stateMachine:Flow"
        );
        let x = engine.start_execution(&sm, Some("old"), "{}").unwrap();
        tokio::time::sleep(Duration::from_secs(10)).await;
        let rec = engine.describe_execution(&x.execution_arn).unwrap();
        assert_eq!(rec.status, Status::Running);
        assert_eq!(rec.revision_id.as_deref(), Some("rev-a"));
        let kinds = crate::event_kinds(&engine, &x.execution_arn);
        assert_eq!(kinds, ["ExecutionStarted", "WaitStateEntered"]);
        // UpdateStateMachine: B is current from now on.
        engine.register_revision("Flow", "rev-b", FlowB::new(()), true);
        x.execution_arn
    });
    // The process is gone (a SIGKILL): its tasks with it.
    drop(first);

    // The next process starts 50 s after the first: the first one's lease has run out (it
    // renewed it until 40 s at most), 10 s of the Wait are left.
    let second = process();
    second.block_on(async {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).unwrap());
        let engine =
            Engine::with_store(store).with_tokio_clock(t0() + SignedDuration::from_secs(50));
        engine.register_revision("Flow", "rev-a", FlowA::new(()), false);
        let sm = engine.register_revision("Flow", "rev-b", FlowB::new(()), true);
        assert_eq!(engine.resume().unwrap(), 1);
        let done = engine.wait(&arn).await.unwrap();
        assert_eq!(done.status, Status::Succeeded);
        assert_eq!(done.output.as_deref(), Some(r#""A""#), "ran revision B");
        assert_eq!(done.revision_id.as_deref(), Some("rev-a"));
        assert_eq!(
            done.stop_date,
            Some(t0() + SignedDuration::from_secs(60)),
            "the Wait counted from its recorded start"
        );
        // A new execution runs the current revision, and records it.
        let y = engine.start_execution(&sm, Some("new"), "{}").unwrap();
        let done = engine.wait(&y.execution_arn).await.unwrap();
        assert_eq!(done.output.as_deref(), Some(r#""B""#));
        assert_eq!(done.revision_id.as_deref(), Some("rev-b"));
    });
}

/// Without its revision registered, an execution runs the machine's current registration
/// (the engine knows no better); a machine registered without revisions records none.
#[tokio::test(start_paused = true)]
async fn an_unknown_revision_falls_back_to_the_current_machine() {
    let engine = Engine::new(MemoryStore::new()).with_tokio_clock(t0());
    let sm = engine.register("Flow", FlowA::new(()));
    let x = engine.start_execution(&sm, Some("plain"), "{}").unwrap();
    let done = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(
        (done.output.as_deref(), done.revision_id),
        (Some(r#""A""#), None)
    );
}

/// `DeleteStateMachine`: new executions are refused, one that runs finishes; registering
/// the machine again makes it available again.
#[tokio::test(start_paused = true)]
async fn an_unregistered_machine_takes_no_new_executions_and_running_ones_finish() {
    let engine = Engine::new(MemoryStore::new()).with_tokio_clock(t0());
    let sm = engine.register_revision("Flow", "rev-a", FlowA::new(()), true);
    let x = engine.start_execution(&sm, Some("running"), "{}").unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    engine.unregister(&sm);
    let refused = engine.start_execution(&sm, Some("late"), "{}").unwrap_err();
    assert_eq!(refused.name(), "StateMachineDoesNotExist");
    let done = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(
        (done.status, done.output.as_deref()),
        (Status::Succeeded, Some(r#""A""#))
    );
    engine.register_revision("Flow", "rev-b", FlowB::new(()), true);
    let y = engine.start_execution(&sm, Some("late"), "{}").unwrap();
    let done = engine.wait(&y.execution_arn).await.unwrap();
    assert_eq!(done.output.as_deref(), Some(r#""B""#));
}

asl_runtime::asl! {
    pub WorkOne = {
        "StartAt": "Work",
        "States": {
            "Work": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Say" },
            "Say": { "Type": "Pass", "Result": "one", "End": true }
        }
    }
}

asl_runtime::asl! {
    pub WorkTwo = {
        "StartAt": "Work",
        "States": {
            "Work": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Say" },
            "Say": { "Type": "Pass", "Result": "two", "End": true }
        }
    }
}

/// A redrive runs the revision the execution started with (AWS: "Redriven executions use
/// the same state machine definition"), and is refused once the machine is deleted.
#[tokio::test(start_paused = true)]
async fn a_redrive_runs_the_revision_the_execution_started_with() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let broken = Arc::new(AtomicBool::new(true));
    let handler = |broken: Arc<AtomicBool>| {
        asl_runtime::handler::handler_fn(move |_: asl_runtime::Value, _| {
            let broken = broken.load(Ordering::SeqCst);
            async move {
                if broken {
                    Err(asl_runtime::StateError::new("Down", "not yet"))
                } else {
                    Ok(asl_runtime::json!("worked"))
                }
            }
        })
    };
    let engine = Engine::new(MemoryStore::new()).with_tokio_clock(t0());
    let sm = engine.register_revision(
        "Work",
        "rev-1",
        WorkOne::with_dynamic(handler(broken.clone())),
        true,
    );
    let x = engine.start_execution(&sm, Some("x"), "{}").unwrap();
    let failed = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(failed.error.as_deref(), Some("Down"));
    broken.store(false, Ordering::SeqCst);
    engine.register_revision(
        "Work",
        "rev-2",
        WorkTwo::with_dynamic(handler(broken.clone())),
        true,
    );
    engine.redrive_execution(&x.execution_arn).unwrap();
    let done = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(
        (
            done.status,
            done.output.as_deref(),
            done.revision_id.as_deref()
        ),
        (Status::Succeeded, Some(r#""one""#), Some("rev-1"))
    );

    // Deleted: a failed execution of it is not redrivable.
    broken.store(true, Ordering::SeqCst);
    let y = engine.start_execution(&sm, Some("y"), "{}").unwrap();
    let failed = engine.wait(&y.execution_arn).await.unwrap();
    assert_eq!(failed.revision_id.as_deref(), Some("rev-2"));
    engine.unregister(&sm);
    let refused = engine.redrive_execution(&y.execution_arn).unwrap_err();
    assert_eq!(refused.name(), "ExecutionNotRedrivable", "{refused}");
}
