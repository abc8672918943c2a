//! Callbacks (`.waitForTaskToken`) in durable executions (ASL-TK-03, ASL-TK-09, ASL-SUB-27):
//! the handler delivers the token and returns; the outcome comes from `SendTaskSuccess` or
//! `SendTaskFailure`, from this engine or from another one over the same store; heartbeats
//! push the heartbeat deadline back; and every error answer of those calls.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_runtime::engine::Engine;
use asl_runtime::handler::handler_fn;
use asl_runtime::store::{MemoryStore, SqliteStore, Status, Store};
use asl_runtime::{TaskContext, Value, json};

use crate::t0;

asl_runtime::asl! {
    pub Approval = {
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": { "MessageBody": { "order.$": "$.order", "token.$": "$$.Task.Token" } },
                "TimeoutSeconds": 3600,
                "HeartbeatSeconds": 60,
                "ResultPath": "$.decision",
                "Catch": [{ "ErrorEquals": ["Rejected"], "ResultPath": "$.error", "Next": "Refused" }],
                "Next": "Done"
            },
            "Refused": { "Type": "Fail", "Error": "OrderRefused", "CausePath": "$.error.Cause" },
            "Done": { "Type": "Succeed" }
        }
    }
}

/// An engine whose `Ask` handler "sends the message": it keeps the token it was given.
fn engine(store: Arc<dyn Store>) -> (Engine, String, Arc<Mutex<Vec<String>>>) {
    let tokens = Arc::new(Mutex::new(Vec::new()));
    let t = tokens.clone();
    let engine = Engine::with_store(store).with_tokio_clock(t0());
    let arn = engine.register(
        "Approval",
        Approval::with_dynamic(handler_fn(move |input: Value, _cx: TaskContext| {
            let t = t.clone();
            async move {
                let token = input["MessageBody"]["token"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned();
                t.lock().unwrap().push(token);
                Ok(json!({ "MessageId": "m-1" }))
            }
        })),
    );
    (engine, arn, tokens)
}

async fn token_of(tokens: &Mutex<Vec<String>>) -> String {
    for _ in 0..100 {
        if let Some(t) = tokens.lock().unwrap().last() {
            return t.clone();
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no token was delivered");
}

fn kinds(engine: &Engine, arn: &str) -> Vec<String> {
    engine
        .store()
        .events(arn, 1, 0)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

/// The execution waits (a day here) until `SendTaskSuccess`; the output is the callback's.
#[tokio::test(start_paused = true)]
async fn send_task_success_completes_the_task() {
    let (engine, sm, tokens) = engine(Arc::new(MemoryStore::new()));
    let x = engine
        .start_execution(&sm, Some("o-1"), r#"{"order": 42}"#)
        .unwrap();
    let token = token_of(&tokens).await;
    for _ in 0..24 {
        // Heartbeats keep it alive past HeartbeatSeconds.
        tokio::time::sleep(Duration::from_secs(50)).await;
        engine.send_task_heartbeat(&token).unwrap();
    }
    assert_eq!(
        engine.describe_execution(&x.execution_arn).unwrap().status,
        Status::Running
    );
    // Waiting on nothing but the callback, it is not in memory.
    assert_eq!(engine.load(), (0, 1));
    engine
        .send_task_success(&token, r#"{"approved": true}"#)
        .unwrap();
    let done = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(done.status, Status::Succeeded);
    assert_eq!(
        serde_json::from_str::<Value>(done.output.as_deref().unwrap()).unwrap(),
        json!({"order": 42, "decision": {"approved": true}})
    );
    assert_eq!(
        kinds(&engine, &x.execution_arn),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSubmitted",
            "TaskSucceeded",
            "TaskStateExited",
            "SucceedStateEntered",
            "SucceedStateExited",
            "ExecutionSucceeded"
        ]
    );
    // The handler was called once: delivering the token.
    assert_eq!(tokens.lock().unwrap().len(), 1);
    // The task is closed: a second outcome is refused.
    assert_eq!(
        engine.send_task_success(&token, "{}").unwrap_err().name(),
        "TaskTimedOut"
    );
    assert_eq!(
        engine
            .send_task_failure(&token, Some("E"), None)
            .unwrap_err()
            .name(),
        "TaskTimedOut"
    );
    assert_eq!(
        engine.send_task_heartbeat(&token).unwrap_err().name(),
        "TaskTimedOut"
    );
}

/// `SendTaskFailure` fails the task with its error and cause; Catch sees them.
#[tokio::test(start_paused = true)]
async fn send_task_failure_fails_the_task() {
    let (engine, sm, tokens) = engine(Arc::new(MemoryStore::new()));
    let x = engine
        .start_execution(&sm, None, r#"{"order": 7}"#)
        .unwrap();
    let token = token_of(&tokens).await;
    engine
        .send_task_failure(&token, Some("Rejected"), Some("out of stock"))
        .unwrap();
    let done = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(done.status, Status::Failed);
    assert_eq!(done.error.as_deref(), Some("OrderRefused"));
    assert_eq!(done.cause.as_deref(), Some("out of stock"));
}

/// No heartbeat within HeartbeatSeconds of the last one: `States.Timeout` (ASL-SUB-27), at
/// exactly that moment.
#[tokio::test(start_paused = true)]
async fn a_missed_heartbeat_times_the_task_out() {
    let (engine, sm, tokens) = engine(Arc::new(MemoryStore::new()));
    let started = tokio::time::Instant::now();
    let x = engine
        .start_execution(&sm, None, r#"{"order": 1}"#)
        .unwrap();
    let token = token_of(&tokens).await;
    tokio::time::sleep(Duration::from_secs(45)).await;
    engine.send_task_heartbeat(&token).unwrap();
    let done = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(done.status, Status::Failed);
    assert_eq!(done.error.as_deref(), Some("States.Timeout"));
    let events = engine.store().events(&x.execution_arn, 1, 0).unwrap();
    let timed_out = events.iter().find(|e| e.kind == "TaskTimedOut").unwrap();
    // 45 s + 60 s after the start, within the engine's 200 ms check.
    let at = timed_out.timestamp.duration_since(t0()).as_secs_f64();
    assert!((105.0..105.3).contains(&at), "timed out at {at} s");
    assert!(started.elapsed() < Duration::from_secs(106));
    // Too late now.
    assert_eq!(
        engine.send_task_success(&token, "{}").unwrap_err().name(),
        "TaskTimedOut"
    );
}

/// Every error answer of the callback calls, and bad input never changes the store.
#[tokio::test(start_paused = true)]
async fn callback_errors() {
    let (engine, sm, tokens) = engine(Arc::new(MemoryStore::new()));
    let x = engine
        .start_execution(&sm, None, r#"{"order": 1}"#)
        .unwrap();
    let token = token_of(&tokens).await;
    let bad = [
        (
            engine.send_task_success("no-such-token", "{}"),
            "InvalidToken",
        ),
        (engine.send_task_success("", "{}"), "InvalidToken"),
        (
            engine.send_task_success(&"x".repeat(1025), "{}"),
            "InvalidToken",
        ),
        (
            engine.send_task_failure("no-such-token", None, None),
            "InvalidToken",
        ),
        (engine.send_task_heartbeat("no-such-token"), "InvalidToken"),
        (
            engine.send_task_success(&token, "{not json"),
            "InvalidOutput",
        ),
        (
            engine.send_task_success(&token, &format!("\"{}\"", "a".repeat(300_000))),
            "InvalidOutput",
        ),
    ];
    for (r, name) in bad {
        assert_eq!(r.unwrap_err().name(), name);
    }
    // None of that touched the waiting task.
    assert_eq!(
        engine.describe_execution(&x.execution_arn).unwrap().status,
        Status::Running
    );
    engine.send_task_success(&token, r#""ok""#).unwrap();
    let done = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(done.status, Status::Succeeded);
}

/// A second process (another engine over the same SQLite file) approves; the first one,
/// which has the execution parked, picks the outcome up and finishes it. Then a third
/// process opened later resumes nothing: the execution is closed.
#[tokio::test(start_paused = true)]
async fn an_outcome_sent_from_another_process_resumes_the_execution() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("asl.db");
    let (first, sm, tokens) = engine(Arc::new(SqliteStore::open(&path).unwrap()));
    let x = first
        .start_execution(&sm, Some("cross"), r#"{"order": 5}"#)
        .unwrap();
    let token = token_of(&tokens).await;
    tokio::time::sleep(Duration::from_secs(30)).await;
    let (second, _, _) = engine(Arc::new(SqliteStore::open(&path).unwrap()));
    second
        .send_task_success(&token, r#"{"by": "second"}"#)
        .unwrap();
    let done = first.wait(&x.execution_arn).await.unwrap();
    assert_eq!(done.status, Status::Succeeded);
    assert_eq!(
        serde_json::from_str::<Value>(done.output.as_deref().unwrap()).unwrap()["decision"],
        json!({"by": "second"})
    );
    let (third, _, _) = engine(Arc::new(SqliteStore::open(&path).unwrap()));
    assert_eq!(third.resume().unwrap(), 0);
}

/// A process dies while its execution waits for a callback; a new process resumes it from
/// the file without delivering the token again, and the callback still completes it.
#[tokio::test(start_paused = true)]
async fn a_parked_execution_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("asl.db");
    let arn;
    let token;
    {
        let (first, sm, tokens) = engine(Arc::new(SqliteStore::open(&path).unwrap()));
        arn = first
            .start_execution(&sm, Some("restart"), r#"{"order": 9}"#)
            .unwrap()
            .execution_arn;
        token = token_of(&tokens).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        // The engine is dropped: the "process" is gone. (A new process takes a dead one's
        // executions over at once, the crash-recovery test shows; within one process the
        // lease has to run out first.)
    }
    // (Each test engine's clock starts at t0 when it is made: make it before time passes.)
    let (second, _, tokens) = engine(Arc::new(SqliteStore::open(&path).unwrap()));
    tokio::time::sleep(Duration::from_secs(31)).await;
    assert_eq!(second.resume().unwrap(), 1);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        tokens.lock().unwrap().is_empty(),
        "the token was delivered again"
    );
    second.send_task_success(&token, r#"{"ok": 1}"#).unwrap();
    assert_eq!(second.wait(&arn).await.unwrap().status, Status::Succeeded);
}

/// A token belongs to one task of one execution: answering it completes that task only, and
/// the other execution's task still waits for its own token.
#[tokio::test(start_paused = true)]
async fn a_token_answers_only_its_own_execution() {
    let (engine, sm, tokens) = engine(Arc::new(MemoryStore::new()));
    let a = engine
        .start_execution(&sm, Some("a"), r#"{"order": 1}"#)
        .unwrap();
    let token_a = token_of(&tokens).await;
    let b = engine
        .start_execution(&sm, Some("b"), r#"{"order": 2}"#)
        .unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let token_b = tokens.lock().unwrap().last().cloned().unwrap();
    assert_ne!(token_a, token_b);
    engine.send_task_success(&token_a, r#""for a""#).unwrap();
    assert_eq!(
        engine.wait(&a.execution_arn).await.unwrap().status,
        Status::Succeeded
    );
    assert_eq!(
        engine.describe_execution(&b.execution_arn).unwrap().status,
        Status::Running
    );
    // A's token, again: closed. B is untouched by it.
    assert_eq!(
        engine
            .send_task_success(&token_a, r#""for b""#)
            .unwrap_err()
            .name(),
        "TaskTimedOut"
    );
    engine.send_task_success(&token_b, r#""for b""#).unwrap();
    let done = engine.wait(&b.execution_arn).await.unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(done.output.as_deref().unwrap()).unwrap()["decision"],
        json!("for b")
    );
}

/// Handlers chosen at run time, held as trait objects, are handlers.
#[tokio::test(start_paused = true)]
async fn boxed_and_shared_handlers_are_handlers() {
    use asl_runtime::DynamicHandler;
    let boxed: Box<dyn DynamicHandler> = Box::new(handler_fn(|_: Value, _: TaskContext| async {
        Ok(json!({ "MessageId": "boxed" }))
    }));
    let shared: Arc<dyn DynamicHandler> = Arc::new(handler_fn(|_: Value, _: TaskContext| async {
        Ok(json!({ "MessageId": "shared" }))
    }));
    for machine in [
        Approval::with_dynamic(boxed),
        Approval::with_dynamic(shared),
    ] {
        // In memory, the handler's answer stands for the callback's.
        let out = machine.run(json!({"order": 3})).await.unwrap();
        assert!(out["decision"]["MessageId"].is_string(), "{out}");
    }
}

/// Two engines over one file: only the holder of an execution's lease runs it; when the
/// holder stops renewing (its process is gone), another engine adopts the execution once
/// the lease runs out (30 s), and finishes it.
#[tokio::test(start_paused = true)]
async fn one_engine_at_a_time_runs_an_execution() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("asl.db");
    let (first, sm, tokens) = engine(Arc::new(SqliteStore::open(&path).unwrap()));
    let x = first
        .start_execution(&sm, Some("leased"), r#"{"order": 8}"#)
        .unwrap();
    let token = token_of(&tokens).await;
    let (second, _, second_tokens) = engine(Arc::new(SqliteStore::open(&path).unwrap()));
    assert_eq!(second.resume().unwrap(), 0, "the first engine holds it");
    drop(first);
    tokio::time::sleep(Duration::from_secs(31)).await;
    assert_eq!(second.resume().unwrap(), 1, "the lease ran out");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        second_tokens.lock().unwrap().is_empty(),
        "the token was delivered again"
    );
    second.send_task_success(&token, r#""adopted""#).unwrap();
    assert_eq!(
        second.wait(&x.execution_arn).await.unwrap().status,
        Status::Succeeded
    );
}

/// `DeleteStateMachine` while an execution waits for a callback, unloaded: new executions are
/// refused, and the outcome still resumes the execution, which finishes (AWS lets the
/// executions of a machine it deletes run to their end).
#[tokio::test(start_paused = true)]
async fn a_parked_execution_of_a_withdrawn_machine_still_finishes() {
    let (engine, sm, tokens) = engine(Arc::new(MemoryStore::new()));
    let x = engine
        .start_execution(&sm, Some("withdrawn"), r#"{"order": 4}"#)
        .unwrap();
    let token = token_of(&tokens).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(engine.load(), (0, 1), "parked");
    engine.unregister(&sm);
    let refused = engine
        .start_execution(&sm, Some("late"), r#"{"order": 5}"#)
        .unwrap_err();
    assert_eq!(refused.name(), "StateMachineDoesNotExist");
    engine.send_task_success(&token, r#""yes""#).unwrap();
    let done = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(done.status, Status::Succeeded);
    assert_eq!(
        serde_json::from_str::<Value>(done.output.as_deref().unwrap()).unwrap()["decision"],
        json!("yes")
    );
}
