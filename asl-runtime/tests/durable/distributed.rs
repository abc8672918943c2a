//! Distributed Map in durable executions (ASL-DMAP-01, ASL-EV-09): the Map Run is recorded in
//! the store with its counts and result, and a replay (here: the execution resumed after it
//! was unloaded waiting for a callback) takes the result from there instead of running the
//! children again.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use asl_runtime::engine::Engine;
use asl_runtime::handler::handler_fn;
use asl_runtime::store::{MemoryStore, SqliteStore, Status, Store};
use asl_runtime::{TaskContext, Value, json};

use crate::{event_kinds, t0};

asl_runtime::asl! {
    pub FanOut = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Map",
                "Label": "Squares",
                "ItemsPath": "$.items",
                "MaxConcurrency": 2,
                "ItemProcessor": {
                    "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" },
                    "StartAt": "Square",
                    "States": {
                        "Square": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true }
                    }
                },
                "ResultPath": "$.squares",
                "Next": "Ask"
            },
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": { "token.$": "$$.Task.Token" },
                "ResultPath": "$.approval",
                "End": true
            }
        }
    }
}

async fn fan_out(store: Arc<dyn Store>) {
    let squares = Arc::new(AtomicUsize::new(0));
    let token = Arc::new(std::sync::Mutex::new(None::<String>));
    let (s, t) = (squares.clone(), token.clone());
    let engine = Engine::with_store(store.clone()).with_tokio_clock(t0());
    let sm = engine.register(
        "FanOut",
        FanOut::with_dynamic(handler_fn(move |input: Value, cx: TaskContext| {
            let (s, t) = (s.clone(), t.clone());
            async move {
                if cx.state == "Ask" {
                    *t.lock().unwrap() = input["token"].as_str().map(str::to_owned);
                    return Ok(json!({}));
                }
                s.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_secs(1)).await;
                let n = input.as_i64().unwrap_or(0);
                Ok(json!(n * n))
            }
        })),
    );
    let x = engine
        .start_execution(&sm, Some("fan-1"), r#"{"items": [1, 2, 3]}"#)
        .unwrap();
    let token = loop {
        if let Some(t) = token.lock().unwrap().clone() {
            break t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // Waiting on the callback only, the execution is unloaded.
    for _ in 0..10 {
        if engine.load() == (0, 1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(engine.load(), (0, 1));
    assert_eq!(squares.load(Ordering::SeqCst), 3);

    let runs = store.map_runs(&x.execution_arn).unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run.status, Status::Succeeded);
    assert!(
        run.arn
            .starts_with("arn:aws:states:us-east-1:123456789012:mapRun:FanOut/Squares:"),
        "{}",
        run.arn
    );
    assert_eq!((run.counts.succeeded, run.counts.total), (3, 3));
    assert_eq!((run.counts.pending, run.counts.failed), (0, 0));
    assert_eq!(run.max_concurrency, 2);
    // Two at a time, one second each: the second pair ends at 2 s.
    assert_eq!(
        run.stop_date.unwrap().duration_since(run.start_date),
        asl_runtime::__private::jiff::SignedDuration::from_secs(2)
    );
    let started = store
        .events(&x.execution_arn, 1, 0)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == "MapRunStarted")
        .unwrap();
    assert_eq!(
        started.details.unwrap()["mapRunArn"].as_str(),
        Some(run.arn.as_str())
    );

    // Resumed by the callback, the execution replays from its start: the Map Run's result
    // comes from the store, its children do not run again.
    engine.send_task_success(&token, r#"{"ok": true}"#).unwrap();
    let done = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(done.status, Status::Succeeded);
    assert_eq!(
        serde_json::from_str::<Value>(done.output.as_deref().unwrap()).unwrap(),
        json!({ "items": [1, 2, 3], "squares": [1, 4, 9], "approval": { "ok": true } })
    );
    assert_eq!(squares.load(Ordering::SeqCst), 3);
    assert_eq!(
        event_kinds(&engine, &x.execution_arn),
        [
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapRunStarted",
            "MapRunSucceeded",
            "MapStateSucceeded",
            "MapStateExited",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSubmitted",
            "TaskSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_map_run_is_recorded_and_not_run_again_on_replay_memory() {
    fan_out(Arc::new(MemoryStore::new())).await;
}

#[tokio::test(start_paused = true)]
async fn a_map_run_is_recorded_and_not_run_again_on_replay_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    fan_out(Arc::new(
        SqliteStore::open(dir.path().join("asl.db")).unwrap(),
    ))
    .await;
}

/// A Map Run that failed is redriven with its execution: `MapRunRedriven`, the children run
/// again, the same Map Run ends this time (ASL-WF-06, ASL-EV-11).
#[tokio::test(start_paused = true)]
async fn a_failed_map_run_is_redriven() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let broken = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let calls = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (b, c) = (broken.clone(), calls.clone());
    let engine = Engine::with_store(store.clone()).with_tokio_clock(t0());
    let sm = engine.register(
        "FanOut",
        FanOut::with_dynamic(handler_fn(move |input: Value, cx: TaskContext| {
            let (b, c) = (b.clone(), c.clone());
            async move {
                if cx.state == "Ask" {
                    return Err(asl_runtime::TaskError::new("NoAsk", "not here"));
                }
                let n = input.as_i64().unwrap_or(0);
                c.lock().unwrap().push(n);
                if n == 2 && b.load(Ordering::SeqCst) {
                    return Err(asl_runtime::TaskError::new("Broken", "item 2"));
                }
                Ok(json!(n * n))
            }
        })),
    );
    let x = engine
        .start_execution(&sm, Some("fan-r"), r#"{"items": [1, 2, 3]}"#)
        .unwrap();
    let done = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(done.status, Status::Failed);
    assert_eq!(
        done.error.as_deref(),
        Some("States.ExceedToleratedFailureThreshold")
    );
    let run = store.map_runs(&x.execution_arn).unwrap().remove(0);
    assert_eq!(run.status, Status::Failed);

    broken.store(false, Ordering::SeqCst);
    engine.redrive_execution(&x.execution_arn).unwrap();
    let done = engine.wait(&x.execution_arn).await.unwrap();
    // The Map succeeds this time; the execution then fails at Ask, as that Task always does.
    assert_eq!(done.error.as_deref(), Some("NoAsk"));
    let kinds = event_kinds(&engine, &x.execution_arn);
    let redriven = kinds.iter().position(|k| k == "ExecutionRedriven").unwrap();
    assert_eq!(
        kinds[redriven..redriven + 4],
        [
            "ExecutionRedriven",
            "MapRunRedriven",
            "MapRunSucceeded",
            "MapStateSucceeded"
        ]
    );
    let runs = store.map_runs(&x.execution_arn).unwrap();
    assert_eq!(runs.len(), 1, "the same Map Run, redriven");
    assert_eq!(runs[0].arn, run.arn);
    assert_eq!(runs[0].status, Status::Succeeded);
    assert_eq!(runs[0].result.as_deref(), Some("[1,4,9]"));
    // Only the child that failed ran again; the others kept their results (each child is an
    // execution of its own, redriven or not).
    let mut seen = calls.lock().unwrap().clone();
    seen.sort();
    assert_eq!(seen, [1, 2, 2, 3]);
}

asl_runtime::asl! {
    pub Batches = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Map",
                "ItemBatcher": { "MaxItemsPerBatch": 2 },
                "ItemProcessor": {
                    "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
                    "StartAt": "Echo",
                    "States": { "Echo": { "Type": "Pass", "End": true } }
                },
                "End": true
            }
        }
    }
}

/// With an ItemBatcher the Map Run counts its children (batches) and its items apart
/// (DescribeMapRun's executionCounts and itemCounts).
#[tokio::test(start_paused = true)]
async fn batches_and_items_are_counted_apart() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let engine = Engine::with_store(store.clone()).with_tokio_clock(t0());
    let sm = engine.register("Batches", Batches::new(()));
    let x = engine
        .start_execution(&sm, Some("b-1"), "[1, 2, 3, 4, 5]")
        .unwrap();
    assert_eq!(
        engine.wait(&x.execution_arn).await.unwrap().status,
        Status::Succeeded
    );
    let run = store.map_runs(&x.execution_arn).unwrap().remove(0);
    assert_eq!((run.counts.total, run.counts.succeeded), (3, 3));
    assert_eq!((run.item_counts.total, run.item_counts.succeeded), (5, 5));
}

asl_runtime::asl! {
    pub Slow = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Map",
                "Label": "Slow",
                "MaxConcurrency": 1,
                "ItemProcessor": {
                    "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" },
                    "StartAt": "Work",
                    "States": {
                        "Work": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Twice" },
                        "Twice": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true }
                    }
                },
                "End": true
            }
        }
    }
}

/// Standard children are durable executions: the process dies in the middle of a Map Run,
/// the parent is resumed, and it finds its children in the store — the finished ones answer
/// from their records, the one in flight resumes where it stopped (its recorded Task is not
/// called again, the attempt in flight is dispatched again with its idempotency key), the
/// others start. Each child has its own history (ASL-DMAP-01, ASL-WF-01).
#[tokio::test(start_paused = true)]
async fn standard_children_survive_a_crash_exactly_once() {
    use asl_runtime::engine::Compiled;
    use asl_runtime::store::NewExecution;
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let calls = Arc::new(std::sync::Mutex::new(Vec::<(String, String)>::new()));
    let c = calls.clone();
    let m = Slow::with_dynamic(handler_fn(move |input: Value, cx: TaskContext| {
        let c = c.clone();
        async move {
            c.lock().unwrap().push((
                cx.state.to_owned(),
                cx.idempotency_key.as_deref().unwrap_or("").to_owned(),
            ));
            tokio::time::sleep(Duration::from_secs(10)).await;
            Ok(input)
        }
    }));
    let arn = "arn:aws:states:us-east-1:123456789012:execution:Slow:s-1";
    store
        .insert_execution(&NewExecution {
            arn: arn.into(),
            name: "s-1".into(),
            state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:Slow".into(),
            input: "[1, 2, 3]".into(),
            start_date: t0(),
            seed: 9,
            revision_id: None,
            lease: None,
            tags: Vec::new(),
        })
        .unwrap();
    let dispatch = m.dispatcher();
    let run = |now| {
        let rec = store.execution(arn).unwrap().unwrap();
        asl_runtime::driver::run_durable(m.descriptor(), &*dispatch, store.clone(), rec, now)
    };
    // 45 s: child 1 done (20 s), child 2 done (40 s), child 3 in its first Task.
    let cut = tokio::time::timeout(Duration::from_secs(45), run(t0())).await;
    assert!(
        cut.is_err(),
        "the process dies in the middle of the Map Run"
    );
    let before = calls.lock().unwrap().len();
    assert_eq!(before, 5);
    run(t0() + asl_runtime::__private::jiff::SignedDuration::from_secs(45))
        .await
        .unwrap();
    let done = store.execution(arn).unwrap().unwrap();
    assert_eq!(done.status, Status::Succeeded);
    assert_eq!(done.output.as_deref(), Some("[1,2,3]"));

    let calls = calls.lock().unwrap().clone();
    // 6 Tasks in all, plus the one in flight at the crash dispatched again with its key.
    assert_eq!(calls.len(), 7, "{calls:#?}");
    let keys: std::collections::BTreeSet<&String> = calls.iter().map(|c| &c.1).collect();
    assert_eq!(keys.len(), 6, "one key per Task attempt: {calls:#?}");
    assert_eq!(
        calls[4], calls[5],
        "the attempt in flight, dispatched again"
    );

    // Three children, each an execution of Slow/Slow with its own history.
    let children: Vec<_> = store
        .list_executions(&asl_runtime::store::ListQuery {
            state_machine_arn: Some("arn:aws:states:us-east-1:123456789012:stateMachine:Slow/Slow"),
            ..Default::default()
        })
        .unwrap()
        .items;
    assert_eq!(children.len(), 3);
    for child in &children {
        assert_eq!(child.status, Status::Succeeded);
        let kinds: Vec<String> = store
            .events(&child.arn, 1, 0)
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds.iter().filter(|k| *k == "ExecutionStarted").count(), 1);
        assert_eq!(kinds.iter().filter(|k| *k == "TaskSucceeded").count(), 2);
    }
}
