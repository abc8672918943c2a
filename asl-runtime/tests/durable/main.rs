//! Durable Standard executions in paused time (ASL-WF-01..07): a run over a store gives the
//! same output and events as an in-memory run, and a run cut off at any instant and resumed
//! from its store finishes the same, without calling again a Task whose result was recorded,
//! re-dispatching an attempt in flight with its idempotency key, and keeping its timers.

mod activities;
mod callbacks;
mod distributed;
mod limits;
mod redrive;
mod revisions;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_runtime::__private::jiff::{SignedDuration, Timestamp};
use asl_runtime::engine::{Compiled, Engine};
use asl_runtime::handler::handler_fn;
use asl_runtime::store::{ExecutionRecord, MemoryStore, NewExecution, Status, Store};
use asl_runtime::{StateError, TaskContext, Value, json};

asl_runtime::asl! {
    pub Order = {
        "StartAt": "Prepare",
        "States": {
            "Prepare": { "Type": "Pass", "Parameters": { "items.$": "$.items", "id.$": "$.id" }, "Next": "Charge" },
            "Charge": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Retry": [{ "ErrorEquals": ["Busy"], "IntervalSeconds": 2, "MaxAttempts": 3,
                            "BackoffRate": 2, "JitterStrategy": "FULL" }],
                "ResultPath": "$.charge", "Next": "Pause"
            },
            "Pause": { "Type": "Wait", "Seconds": 60, "Next": "Fan" },
            "Fan": {
                "Type": "Parallel", "ResultPath": "$.fan", "Next": "Done",
                "Branches": [
                    { "StartAt": "Ship", "States": {
                        "Ship": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } } },
                    { "StartAt": "Each", "States": {
                        "Each": {
                            "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "End": true,
                            "ItemProcessor": {
                                "ProcessorConfig": { "Mode": "INLINE" },
                                "StartAt": "Work",
                                "States": {
                                    "Work": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                              "TimeoutSeconds": 30, "Next": "Rest" },
                                    "Rest": { "Type": "Wait", "Seconds": 5, "End": true }
                                }
                            }
                        } } }
                ]
            },
            "Done": { "Type": "Succeed" }
        }
    }
}

/// One handler call: the attempt's idempotency key, its input, and the virtual time.
#[derive(Clone, Debug)]
struct Call {
    key: String,
    input: Value,
}

/// Deterministic work with a side-effect log: `Charge` is busy on its first attempt, `Work`
/// takes 3 s per item, `Ship` 1 s.
fn machine(log: Arc<Mutex<Vec<Call>>>) -> Order {
    Order::with_dynamic(handler_fn(move |input: Value, cx: TaskContext| {
        let log = log.clone();
        async move {
            log.lock().unwrap().push(Call {
                key: cx.idempotency_key.as_deref().unwrap_or("").to_owned(),
                input: input.clone(),
            });
            match cx.state {
                "Charge" if cx.retry_count == 0 => Err(StateError::new("Busy", "try later")),
                "Charge" => Ok(json!({ "charged": input["id"] })),
                "Ship" => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    Ok(json!("shipped"))
                }
                _ => {
                    tokio::time::sleep(Duration::from_secs(3)).await;
                    Ok(json!(input.as_i64().unwrap_or(0) * 2))
                }
            }
        }
    }))
}

pub(crate) fn t0() -> Timestamp {
    "2025-03-01T12:00:00Z".parse().unwrap()
}

/// The types of an execution's recorded events, in order.
pub(crate) fn event_kinds(engine: &Engine, execution_arn: &str) -> Vec<String> {
    engine
        .store()
        .events(execution_arn, 1, 0)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

const INPUT: &str = r#"{"id": 7, "items": [1, 2, 3, 4, 5]}"#;

fn new_execution(store: &dyn Store) -> ExecutionRecord {
    let arn = "arn:aws:states:us-east-1:123456789012:execution:Order:o-1";
    store
        .insert_execution(&NewExecution {
            arn: arn.into(),
            name: "o-1".into(),
            state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:Order".into(),
            input: INPUT.into(),
            start_date: t0(),
            seed: 99,
            revision_id: None,
            lease: None,
            tags: Vec::new(),
        })
        .unwrap();
    store.execution(arn).unwrap().unwrap()
}

/// Runs (or resumes) the execution as a process started `elapsed` after the execution's start.
async fn run(m: &Order, store: &Arc<dyn Store>, elapsed: Duration) -> Result<(), String> {
    let rec = store
        .execution("arn:aws:states:us-east-1:123456789012:execution:Order:o-1")
        .unwrap()
        .unwrap();
    let now = t0() + SignedDuration::try_from(elapsed).unwrap();
    asl_runtime::driver::run_durable(m.descriptor(), &*m.dispatcher(), store.clone(), rec, now)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn history(store: &dyn Store, arn: &str) -> Vec<(u64, String, String)> {
    store
        .events(arn, 1, 0)
        .unwrap()
        .into_iter()
        .map(|e| (e.id, e.kind, e.key))
        .collect()
}

/// The uninterrupted durable run: its output, its history, its calls.
async fn uninterrupted() -> (ExecutionRecord, Vec<(u64, String, String)>, Vec<Call>) {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let rec = new_execution(&*store);
    let log = Arc::new(Mutex::new(Vec::new()));
    let m = machine(log.clone());
    run(&m, &store, Duration::ZERO).await.unwrap();
    let calls = log.lock().unwrap().clone();
    (
        store.execution(&rec.arn).unwrap().unwrap(),
        history(&*store, &rec.arn),
        calls,
    )
}

/// A durable run gives what an in-memory run gives: output, and the same event types in the
/// same order (ASL-EV-01), with contiguous ids.
#[tokio::test(start_paused = true)]
async fn durable_run_matches_the_in_memory_run() {
    let (rec, events, calls) = uninterrupted().await;
    let log = Arc::new(Mutex::new(Vec::new()));
    let memory = machine(log.clone())
        .execute(serde_json::from_str(INPUT).unwrap(), &Default::default())
        .await;
    assert_eq!(rec.status, Status::Succeeded);
    assert_eq!(
        serde_json::from_str::<Value>(rec.output.as_deref().unwrap()).unwrap(),
        memory.result.unwrap()
    );
    assert_eq!(
        events.iter().map(|e| e.1.as_str()).collect::<Vec<_>>(),
        memory.history.iter().map(|e| e.kind).collect::<Vec<_>>()
    );
    assert!(events.iter().enumerate().all(|(i, e)| e.0 == i as u64 + 1));
    // Every attempt carries its own key: 2 Charge attempts, Ship, 5 Work items.
    let keys: BTreeSet<_> = calls.iter().map(|c| c.key.clone()).collect();
    assert_eq!(keys.len(), 8, "{keys:#?}");
    assert!(keys.iter().all(|k| k.starts_with(&rec.arn)), "{keys:#?}");
}

/// The process dies at every second of the execution's life (and again in the middle of the
/// resumed run); each time the execution is resumed from the store and ends as the
/// uninterrupted run did. No Task whose outcome was recorded is called again; an attempt in
/// flight is dispatched again with the same key and input; the events are the same set, ids
/// contiguous, none twice.
#[tokio::test(start_paused = true)]
async fn resumed_at_any_instant_the_execution_ends_as_if_uninterrupted() {
    let (want, want_events, _) = uninterrupted().await;
    let want_set: BTreeSet<_> = want_events
        .iter()
        .map(|e| (e.1.clone(), e.2.clone()))
        .collect();
    // The uninterrupted run lasts about 2 (backoff, jittered) + 60 + 9 + 10 s.
    let mut checked_outcomes = 0;
    for cut in 0..90u64 {
        for second_cut in [None, Some(4u64)] {
            let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
            let rec = new_execution(&*store);
            let log = Arc::new(Mutex::new(Vec::new()));
            let m = machine(log.clone());
            let start = tokio::time::Instant::now();
            // Killed at `cut` seconds: the future is dropped where it stands.
            let first = tokio::time::timeout(
                Duration::from_secs(cut) + Duration::from_millis(500),
                run(&m, &store, Duration::ZERO),
            )
            .await;
            let mut recorded_before: BTreeMap<String, usize> = BTreeMap::new();
            if first.is_err() {
                // Down for 10 s: timers whose moment passed fire at once. (Longer, and the
                // 30 s timeout of a Work attempt in flight would expire, as it should.)
                tokio::time::advance(Duration::from_secs(10)).await;
                let calls_at_crash = log.lock().unwrap().len();
                for (_, kind, key) in history(&*store, &rec.arn) {
                    if kind == "TaskSucceeded" || kind == "TaskFailed" {
                        *recorded_before.entry(key).or_default() += 1;
                    }
                }
                let mut elapsed = start.elapsed();
                if let Some(c2) = second_cut {
                    let r = tokio::time::timeout(Duration::from_secs(c2), run(&m, &store, elapsed))
                        .await;
                    if r.is_err() {
                        tokio::time::advance(Duration::from_secs(5)).await;
                    }
                    elapsed = start.elapsed();
                }
                let r = store.execution(&rec.arn).unwrap().unwrap();
                if r.status == Status::Running {
                    run(&m, &store, elapsed).await.unwrap();
                }
                let calls = log.lock().unwrap().clone();
                // Attempts re-dispatched after the crash: same key and same input as before.
                for c in &calls[calls_at_crash..] {
                    if let Some(before) = calls[..calls_at_crash].iter().find(|b| b.key == c.key) {
                        assert_eq!(before.input, c.input, "cut {cut}: {}", c.key);
                    }
                }
            }
            let got = store.execution(&rec.arn).unwrap().unwrap();
            assert_eq!(
                got.status, want.status,
                "cut {cut}: {:?} {:?}",
                got.error, got.cause
            );
            assert_eq!(got.output, want.output, "cut {cut}");
            let events = history(&*store, &rec.arn);
            assert!(
                events.iter().enumerate().all(|(i, e)| e.0 == i as u64 + 1),
                "cut {cut}: ids not contiguous"
            );
            let set: BTreeSet<_> = events.iter().map(|e| (e.1.clone(), e.2.clone())).collect();
            assert_eq!(set.len(), events.len(), "cut {cut}: an event twice");
            assert_eq!(set, want_set, "cut {cut}");
            // A Task whose outcome was recorded before the crash is not called after it.
            let calls = log.lock().unwrap().clone();
            for key in recorded_before.keys() {
                let attempt_key = format!("{}/", rec.arn);
                let n = calls
                    .iter()
                    .filter(|c| {
                        c.key.starts_with(&attempt_key) && c.key.ends_with(&format!("/{key}"))
                    })
                    .count();
                assert_eq!(n, 1, "cut {cut}: {key} called {n} times");
                checked_outcomes += 1;
            }
        }
    }
    assert!(
        checked_outcomes > 500,
        "only {checked_outcomes} recorded outcomes checked"
    );
}

/// A 30-day Wait survives restarts: it fires 30 days after the state was entered, however
/// often the process restarts in between, and at once if it came due while the process was
/// down.
#[tokio::test(start_paused = true)]
async fn a_thirty_day_wait_fires_on_time_across_restarts() {
    asl_runtime::asl! {
        pub Month = {
            "StartAt": "Hold",
            "States": {
                "Hold": { "Type": "Wait", "Seconds": 2592000, "Next": "Stamp" },
                "Stamp": { "Type": "Pass", "Parameters": { "at.$": "$$.State.EnteredTime" }, "End": true }
            }
        }
    }
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let arn = "arn:aws:states:us-east-1:123456789012:execution:Month:m";
    store
        .insert_execution(&NewExecution {
            arn: arn.into(),
            name: "m".into(),
            state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:Month".into(),
            input: "{}".into(),
            start_date: t0(),
            seed: 1,
            revision_id: None,
            lease: None,
            tags: Vec::new(),
        })
        .unwrap();
    let m = Month::new(());
    let day = Duration::from_secs(86_400);
    // Three processes, each living ten days.
    for k in 0..3u32 {
        let rec = store.execution(arn).unwrap().unwrap();
        let now = t0() + SignedDuration::try_from(day * 10 * k).unwrap();
        let r = tokio::time::timeout(
            day * 10 - Duration::from_secs(1),
            asl_runtime::driver::run_durable(
                m.descriptor(),
                &*m.dispatcher(),
                store.clone(),
                rec,
                now,
            ),
        )
        .await;
        assert!(r.is_err(), "process {k}: the wait ended early");
        assert_eq!(
            store.execution(arn).unwrap().unwrap().status,
            Status::Running
        );
    }
    // The fourth process starts 40 days after the start: the timer fires at once.
    let rec = store.execution(arn).unwrap().unwrap();
    let now = t0() + SignedDuration::try_from(day * 40).unwrap();
    let before = tokio::time::Instant::now();
    asl_runtime::driver::run_durable(m.descriptor(), &*m.dispatcher(), store.clone(), rec, now)
        .await
        .unwrap();
    assert_eq!(before.elapsed(), Duration::ZERO);
    let done = store.execution(arn).unwrap().unwrap();
    assert_eq!(done.status, Status::Succeeded);
    assert_eq!(
        done.output.as_deref(),
        Some(r#"{"at":"2025-04-10T12:00:00Z"}"#)
    );
    let waits: Vec<_> = store
        .events(arn, 1, 0)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind.starts_with("Wait"))
        .map(|e| (e.kind, e.timestamp))
        .collect();
    assert_eq!(
        waits,
        [
            ("WaitStateEntered".to_string(), t0()),
            (
                "WaitStateExited".to_string(),
                t0() + SignedDuration::from_hours(40 * 24)
            ),
        ]
    );
}

/// The execution API over a store: start, name idempotency as AWS has it, describe, list,
/// history in pages, and its errors.
#[tokio::test(start_paused = true)]
async fn the_execution_api() {
    let engine = Engine::new(MemoryStore::new());
    let log = Arc::new(Mutex::new(Vec::new()));
    let arn = engine.register("Order", machine(log));
    let a = engine.start_execution(&arn, Some("a"), INPUT).unwrap();
    // Same name and input while it runs: the same execution.
    let again = engine.start_execution(&arn, Some("a"), INPUT).unwrap();
    assert_eq!(again, a);
    // Other input: ExecutionAlreadyExists.
    let e = engine.start_execution(&arn, Some("a"), "{}").unwrap_err();
    assert_eq!(e.name(), "ExecutionAlreadyExists");
    let done = engine.wait(&a.execution_arn).await.unwrap();
    assert_eq!(done.status, Status::Succeeded);
    // Closed: the same name and input is taken too.
    let e = engine.start_execution(&arn, Some("a"), INPUT).unwrap_err();
    assert_eq!(e.name(), "ExecutionAlreadyExists");
    assert_eq!(
        engine
            .start_execution(&arn, Some("bad name"), INPUT)
            .unwrap_err()
            .name(),
        "InvalidName"
    );
    assert_eq!(
        engine
            .start_execution(&arn, Some("b"), "{not json")
            .unwrap_err()
            .name(),
        "InvalidExecutionInput"
    );
    assert_eq!(
        engine
            .start_execution(
                "arn:aws:states:us-east-1:123456789012:stateMachine:Nope",
                None,
                "{}"
            )
            .unwrap_err()
            .name(),
        "StateMachineDoesNotExist"
    );
    assert_eq!(
        engine.describe_execution("arn:nope").unwrap_err().name(),
        "ExecutionDoesNotExist"
    );
    // History: pages of 10, forwards and in reverse, covering every event once.
    let total = done.events as usize;
    for reverse in [false, true] {
        let mut ids = Vec::new();
        let mut token = None;
        loop {
            let page = engine
                .get_execution_history(&a.execution_arn, reverse, 10, token.as_deref(), true)
                .unwrap();
            assert!(page.items.len() <= 10);
            ids.extend(page.items.iter().map(|e| e.id));
            match page.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        let mut want: Vec<u64> = (1..=total as u64).collect();
        if reverse {
            want.reverse();
        }
        assert_eq!(ids, want, "reverse {reverse}");
    }
    assert_eq!(
        engine
            .get_execution_history(&a.execution_arn, false, 10, Some("x"), true)
            .unwrap_err()
            .name(),
        "InvalidToken"
    );
    let first = engine
        .get_execution_history(&a.execution_arn, false, 1, None, true)
        .unwrap();
    assert_eq!(first.items[0].kind, "ExecutionStarted");
    assert_eq!(
        first.items[0].details.as_ref().unwrap()["input"],
        json!(INPUT)
    );
    // State events carry their input and output (AWS's StateEntered/StateExited details).
    let page = engine
        .get_execution_history(&a.execution_arn, false, 3, None, true)
        .unwrap();
    let details = |i: usize| page.items[i].details.clone().unwrap();
    assert_eq!(page.items[1].kind, "PassStateEntered");
    assert_eq!(details(1)["name"], json!("Prepare"));
    assert_eq!(
        details(1)["input"],
        json!(r#"{"id":7,"items":[1,2,3,4,5]}"#)
    );
    assert_eq!(page.items[2].kind, "PassStateExited");
    assert_eq!(
        details(2)["output"],
        json!(r#"{"items":[1,2,3,4,5],"id":7}"#)
    );
    // Without data: the same events, no input.
    let bare = engine
        .get_execution_history(&a.execution_arn, false, 1, None, false)
        .unwrap();
    assert_eq!(bare.items[0].kind, "ExecutionStarted");
    assert!(
        bare.items[0]
            .details
            .as_ref()
            .unwrap()
            .get("input")
            .is_none()
    );
    assert_eq!(
        engine
            .get_execution_history("arn:nope", false, 0, None, true)
            .unwrap_err()
            .name(),
        "ExecutionDoesNotExist"
    );
    assert_eq!(
        engine
            .list_executions(&asl_runtime::store::ListQuery {
                next_token: Some("bogus"),
                ..Default::default()
            })
            .unwrap_err()
            .name(),
        "InvalidToken"
    );
    assert_eq!(
        engine
            .list_executions(&asl_runtime::store::ListQuery {
                state_machine_arn: Some("arn:aws:states:us-east-1:123456789012:stateMachine:Nope"),
                ..Default::default()
            })
            .unwrap_err()
            .name(),
        "StateMachineDoesNotExist"
    );
    // Listing by status.
    let b = engine.start_execution(&arn, None, INPUT).unwrap();
    let running = engine
        .list_executions(&asl_runtime::store::ListQuery {
            state_machine_arn: Some(&arn),
            status: Some(Status::Running),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(running.items.len(), 1);
    assert_eq!(running.items[0].arn, b.execution_arn);
    engine.wait(&b.execution_arn).await.unwrap();
}

/// A handler that panics stops its execution's run without closing it (the engine's
/// `wait` returns it RUNNING, nothing hangs); a resume calls the attempt again.
#[tokio::test(start_paused = true)]
async fn a_panicking_handler_leaves_the_execution_resumable() {
    let calls = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let c = calls.clone();
    let m = Order::with_dynamic(handler_fn(move |input: Value, _cx: TaskContext| {
        let n = c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async move {
            if n == 0 {
                panic!("bug in a handler");
            }
            Ok(input)
        }
    }));
    let engine = Engine::new(MemoryStore::new()).with_tokio_clock(t0());
    let sm = engine.register("Order", m);
    let x = engine.start_execution(&sm, None, INPUT).unwrap();
    let first = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(first.status, Status::Running);
    assert_eq!(engine.resume().unwrap(), 1);
    let done = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(done.status, Status::Succeeded);
}

asl_runtime::asl! {
    pub Ids = {
        "StartAt": "Draw",
        "States": {
            "Draw": { "Type": "Pass",
                      "Parameters": { "id.$": "States.UUID()", "n.$": "States.MathRandom(1, 1000000)" },
                      "Next": "DrawJsonata" },
            "DrawJsonata": { "Type": "Pass", "QueryLanguage": "JSONata",
                      "Output": "{% $merge([$states.input, { 'u': $uuid(), 'r': $random(), 's': $shuffle([1, 2, 3, 4, 5, 6, 7, 8]), 't': $now() }]) %}",
                      "Next": "Use" },
            "Use": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true }
        }
    }
}

/// `States.UUID` and `States.MathRandom`, and JSONata's `$uuid()`, `$random()`, `$shuffle` and
/// `$now()`, drawn before a crash are drawn the same after it: the attempt in flight is
/// dispatched again with the same input (ASL-FN, ASL-JA-14, durable replay).
#[tokio::test(start_paused = true)]
async fn draws_are_the_same_after_a_restart() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let m = Ids::with_dynamic(handler_fn(move |input: Value, _cx: TaskContext| {
        s.lock().unwrap().push(input.clone());
        async move {
            tokio::time::sleep(Duration::from_secs(10)).await;
            Ok(input)
        }
    }));
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let mut arns = Vec::new();
    for (name, seed) in [("a", 1u64), ("b", 2)] {
        let arn = format!("arn:aws:states:us-east-1:123456789012:execution:Ids:{name}");
        store
            .insert_execution(&NewExecution {
                arn: arn.clone(),
                name: name.into(),
                state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:Ids".into(),
                input: "{}".into(),
                start_date: t0(),
                seed,
                revision_id: None,
                lease: None,
                tags: Vec::new(),
            })
            .unwrap();
        let rec = store.execution(&arn).unwrap().unwrap();
        // Killed while the task runs, then resumed.
        let first = tokio::time::timeout(
            Duration::from_secs(5),
            asl_runtime::driver::run_durable(
                m.descriptor(),
                &*m.dispatcher(),
                store.clone(),
                rec,
                t0(),
            ),
        )
        .await;
        assert!(first.is_err());
        let rec = store.execution(&arn).unwrap().unwrap();
        asl_runtime::driver::run_durable(
            m.descriptor(),
            &*m.dispatcher(),
            store.clone(),
            rec,
            t0(),
        )
        .await
        .unwrap();
        arns.push(arn);
    }
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[0], seen[1], "execution a drew again after the restart");
    assert_eq!(seen[2], seen[3], "execution b drew again after the restart");
    assert_ne!(
        seen[0]["id"], seen[2]["id"],
        "two executions drew the same UUID"
    );
    assert_eq!(seen[0]["id"].as_str().unwrap().len(), 36);
    assert_ne!(
        seen[0]["u"], seen[2]["u"],
        "two executions drew the same $uuid()"
    );
    assert_ne!(
        seen[0]["r"], seen[2]["r"],
        "two executions drew the same $random()"
    );
    assert_eq!(seen[0]["u"].as_str().unwrap().len(), 36);
    let out = store.execution(&arns[0]).unwrap().unwrap().output.unwrap();
    let out = serde_json::from_str::<Value>(&out).unwrap();
    // The drawn double goes through the output's JSON text: compared apart, by value.
    let (a, b) = (out["r"].as_f64().unwrap(), seen[0]["r"].as_f64().unwrap());
    assert!((a - b).abs() < 1e-15, "{a} != {b}");
    for key in ["id", "n", "u", "s", "t"] {
        assert_eq!(out[key], seen[0][key], "{key}");
    }
}

/// Many executions at once over one SQLite file: their appends are gathered into shared
/// transactions (group commit), and every history still comes out whole and in order.
#[tokio::test(start_paused = true)]
async fn concurrent_executions_share_commits_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(dir.path().join("asl.db"))
        .unwrap()
        .with_tokio_clock(t0());
    let (want, want_events, _) = uninterrupted().await;
    let sm = engine.register("Order", machine(Arc::new(Mutex::new(Vec::new()))));
    let started: Vec<_> = (0..50)
        .map(|i| {
            engine
                .start_execution(&sm, Some(&format!("o-{i}")), INPUT)
                .unwrap()
        })
        .collect();
    for x in &started {
        let done = engine.wait(&x.execution_arn).await.unwrap();
        assert_eq!(done.status, Status::Succeeded);
        assert_eq!(done.output, want.output);
        let events = history(&**engine.store(), &x.execution_arn);
        assert!(events.iter().enumerate().all(|(i, e)| e.0 == i as u64 + 1));
        assert_eq!(events.len(), want_events.len());
    }
}

asl_runtime::asl! {
    pub Steps = {
        "StartAt": "One",
        "States": {
            "One": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                     "Retry": [{ "ErrorEquals": ["Busy"], "IntervalSeconds": 3, "MaxAttempts": 2 }],
                     "Next": "Hold" },
            "Hold": { "Type": "Wait", "Seconds": 10, "Next": "Check" },
            "Check": { "Type": "Choice",
                       "Choices": [{ "Variable": "$.n", "NumericLessThan": 3, "Next": "One" }],
                       "Default": "Two" },
            "Two": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true }
        }
    }
}

/// Without concurrency, the history of a run cut off at any second and resumed is the
/// uninterrupted run's, event for event: same types, same ids, same order.
#[tokio::test(start_paused = true)]
async fn a_resumed_sequential_history_is_the_uninterrupted_one() {
    let m = Steps::with_dynamic(handler_fn(|input: Value, cx: TaskContext| async move {
        tokio::time::sleep(Duration::from_secs(2)).await;
        if cx.state == "One" && cx.retry_count == 0 {
            return Err(StateError::new("Busy", "again"));
        }
        let n = input["n"].as_i64().unwrap_or(0);
        Ok(json!({ "n": n + 1 }))
    }));
    let dispatch = m.dispatcher();
    let run_until = |cut: Option<u64>| {
        let (m, dispatch) = (&m, &dispatch);
        async move {
            let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
            let arn = "arn:aws:states:us-east-1:123456789012:execution:Steps:s";
            store
                .insert_execution(&NewExecution {
                    arn: arn.into(),
                    name: "s".into(),
                    state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:Steps"
                        .into(),
                    input: r#"{"n": 0}"#.into(),
                    start_date: t0(),
                    seed: 3,
                    revision_id: None,
                    lease: None,
                    tags: Vec::new(),
                })
                .unwrap();
            let start = tokio::time::Instant::now();
            let go = |elapsed: Duration| {
                let rec = store.execution(arn).unwrap().unwrap();
                let now = t0() + SignedDuration::try_from(elapsed).unwrap();
                asl_runtime::driver::run_durable(
                    m.descriptor(),
                    &**dispatch,
                    store.clone(),
                    rec,
                    now,
                )
            };
            if let Some(c) = cut {
                let first = tokio::time::timeout(Duration::from_secs(c), go(Duration::ZERO)).await;
                if first.is_ok() {
                    return None;
                }
            }
            go(start.elapsed()).await.unwrap();
            let rec = store.execution(arn).unwrap().unwrap();
            Some((rec.output, history(&*store, arn)))
        }
    };
    let (want_output, want) = run_until(None).await.unwrap();
    let mut cuts = 0;
    for cut in 1..80 {
        let Some((output, got)) = run_until(Some(cut)).await else {
            break;
        };
        assert_eq!(output, want_output, "cut {cut}");
        assert_eq!(got, want, "cut {cut}");
        cuts += 1;
    }
    assert!(cuts > 40, "only {cuts} cuts fell inside the run");
}

asl_runtime::asl! {
    pub Assigning = {
        "StartAt": "Set",
        "States": {
            "Set": {
                "Type": "Pass",
                "Assign": { "count": 2, "who.$": "$.name", "tags.$": "$.tags", "lit": "x" },
                "Next": "Use"
            },
            "Use": {
                "Type": "Pass",
                "QueryLanguage": "JSONata",
                "Output": "{% $who & ' ' & $string($count) %}",
                "End": true
            }
        }
    }
}

/// ASL-VAR-11: a state's `…StateExited` event carries `assignedVariables`, each value as its
/// JSON text; a state that assigns nothing has none.
#[tokio::test(start_paused = true)]
async fn state_exited_events_carry_the_assigned_variables_asl_var_11() {
    let engine = Engine::new(MemoryStore::new()).with_tokio_clock(t0());
    let sm = engine.register("Assigning", Assigning::new(()));
    let x = engine
        .start_execution(&sm, None, r#"{"name": "ada", "tags": ["a", "b"]}"#)
        .unwrap();
    let done = engine.wait(&x.execution_arn).await.unwrap();
    assert_eq!(done.status, Status::Succeeded);
    assert_eq!(done.output.as_deref(), Some(r#""ada 2""#));
    let page = engine
        .get_execution_history(&x.execution_arn, false, 100, None, true)
        .unwrap();
    let exited: Vec<_> = page
        .items
        .iter()
        .filter(|e| e.kind == "PassStateExited")
        .map(|e| e.details.clone().unwrap())
        .collect();
    assert_eq!(exited.len(), 2);
    assert_eq!(
        exited[0]["assignedVariables"],
        json!({ "count": "2", "who": "\"ada\"", "tags": "[\"a\",\"b\"]", "lit": "\"x\"" })
    );
    assert!(exited[1].get("assignedVariables").is_none());
}
