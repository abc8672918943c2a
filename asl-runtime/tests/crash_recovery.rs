//! Crash recovery of durable Standard executions under SIGKILL, in real processes.
//!
//! `crash_recovery_under_sigkill` runs this test binary again as a child (`child_worker`)
//! that resumes and starts executions of machines with Tasks, Retry (with backoff and
//! jitter), Catch, Wait, Choice loops, Parallel and Map over one SQLite file, and kills it
//! with SIGKILL at random moments, at least 200 times (`CRASH_KILLS`), then lets one last
//! child finish. Every handler call is logged outside the process (one appended line per
//! call, written when the call starts). Then, over the final file and the log:
//!
//! - every execution closed as an uninterrupted run closes it: status, output or error;
//! - its history ids are 1..n, no `(kind, key)` event is written twice, and its events are
//!   those of an uninterrupted durable run;
//! - no Task attempt whose outcome was recorded is called again (in a later process, or twice
//!   in the process that recorded it): that would be a duplicated call;
//! - every call's attempt has its outcome recorded under the call's idempotency key (so an
//!   attempt in flight at a kill was dispatched again with the same key), with the same input
//!   each time, and its `…Scheduled` event was written before the call.
//!
//! It prints `crash-recovery: K kills, E executions, L lost, D duplicated calls`.
//! `CRASH_SEED` sets the seed of the kill intervals (printed on failure).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use asl_runtime::__private::jiff::Timestamp;
use asl_runtime::engine::Engine;
use asl_runtime::handler::{DynamicHandler, handler_fn};
use asl_runtime::store::{HistoryRecord, MemoryStore, SqliteStore, Status, Store};
use asl_runtime::{ExecutionError, StateError, TaskContext, TaskResult, Value, json};
use rand::{Rng, SeedableRng};

asl_runtime::asl! {
    pub Chain = {
        "StartAt": "Init",
        "States": {
            "Init": { "Type": "Pass", "Parameters": { "id.$": "$.id", "n": 0 }, "Next": "Charge" },
            "Charge": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Retry": [{ "ErrorEquals": ["Busy"], "IntervalSeconds": 1, "MaxAttempts": 3,
                            "BackoffRate": 1.5, "JitterStrategy": "FULL" }],
                "ResultPath": "$.charge", "Next": "Pause"
            },
            "Pause": { "Type": "Wait", "Seconds": 1, "Next": "Step" },
            "Step": {
                "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:step",
                "Parameters": { "n.$": "$.n", "id.$": "$.id" },
                "Retry": [{ "ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 2 }],
                "ResultPath": "$.n", "Next": "Again"
            },
            "Again": {
                "Type": "Choice",
                "Choices": [{ "Variable": "$.n", "NumericLessThan": 4, "Next": "Step" }],
                "Default": "Done"
            },
            "Done": { "Type": "Succeed" }
        }
    }
}

asl_runtime::asl! {
    pub Fan = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel", "ResultPath": "$.fan", "Next": "Sum",
                "Branches": [
                    { "StartAt": "Left", "States": {
                        "Left": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                  "Retry": [{ "ErrorEquals": ["Busy"], "IntervalSeconds": 1,
                                              "MaxAttempts": 3, "BackoffRate": 1.5 }],
                                  "End": true } } },
                    { "StartAt": "Mid", "States": {
                        "Mid": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Nap" },
                        "Nap": { "Type": "Wait", "Seconds": 1, "Next": "Mid2" },
                        "Mid2": { "Type": "Task",
                                  "Resource": "arn:aws:lambda:us-east-1:123456789012:function:mid2",
                                  "End": true } } },
                    { "StartAt": "Inner", "States": {
                        "Inner": {
                            "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "End": true,
                            "ItemProcessor": {
                                "ProcessorConfig": { "Mode": "INLINE" },
                                "StartAt": "Square",
                                "States": {
                                    "Square": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                                "End": true }
                                }
                            }
                        } } }
                ]
            },
            "Sum": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                     "ResultPath": "$.sum", "End": true }
        }
    }
}

asl_runtime::asl! {
    pub Batch = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 3,
                "ItemSelector": { "v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index", "id.$": "$.id" },
                "ItemProcessor": {
                    "ProcessorConfig": { "Mode": "INLINE" },
                    "StartAt": "Work",
                    "States": {
                        "Work": {
                            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                            "Retry": [{ "ErrorEquals": ["Busy"], "IntervalSeconds": 1, "MaxAttempts": 2,
                                        "BackoffRate": 1.5, "JitterStrategy": "FULL" }],
                            "Catch": [{ "ErrorEquals": ["Bad"], "ResultPath": "$.error", "Next": "Patch" }],
                            "ResultPath": "$.w", "Next": "Rest"
                        },
                        "Patch": { "Type": "Pass", "Result": -1, "ResultPath": "$.w", "Next": "Rest" },
                        "Rest": { "Type": "Wait", "Seconds": 1, "Next": "Finish" },
                        "Finish": { "Type": "Task",
                                    "Resource": "arn:aws:lambda:us-east-1:123456789012:function:finish",
                                    "End": true }
                    }
                },
                "ResultPath": "$.results", "Next": "Total"
            },
            "Total": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true }
        }
    }
}

asl_runtime::asl! {
    pub Doomed = {
        "StartAt": "Prep",
        "States": {
            "Prep": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                      "ResultPath": "$.prep", "Next": "Doom" },
            "Doom": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Retry": [{ "ErrorEquals": ["Broken"], "IntervalSeconds": 1, "MaxAttempts": 2,
                            "BackoffRate": 1.5 }],
                "Next": "Never"
            },
            "Never": { "Type": "Succeed" }
        }
    }
}

const MACHINES: [&str; 4] = ["Chain", "Fan", "Batch", "Doomed"];
const EXECUTIONS: usize = 40;
const ACCOUNT: &str = "arn:aws:states:us-east-1:123456789012";

/// One execution of the fixed set.
struct Spec {
    machine: &'static str,
    name: String,
    input: String,
}

impl Spec {
    fn arn(&self) -> String {
        format!("{ACCOUNT}:execution:{}:{}", self.machine, self.name)
    }
}

fn specs() -> Vec<Spec> {
    (0..EXECUTIONS)
        .map(|i| {
            let machine = MACHINES[i % MACHINES.len()];
            let items: Vec<usize> = (i..i + 4 + i % 5).collect();
            Spec {
                machine,
                name: format!("{}-{i:02}", machine.to_lowercase()),
                input: json!({ "id": i, "items": items }).to_string(),
            }
        })
        .collect()
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

/// The Tasks' work: a function of the state, the input and the retry count only.
fn work(state: &str, input: &Value, retry: u32) -> TaskResult {
    let busy = || Err(StateError::new("Busy", "try again"));
    match state {
        "Charge" => {
            let id = int(&input["id"]);
            if retry == 0 || (retry == 1 && id % 2 == 0) {
                return busy();
            }
            Ok(json!({ "charged": id, "attempts": retry + 1 }))
        }
        "Step" => {
            let (n, id) = (int(&input["n"]), int(&input["id"]));
            if retry == 0 && (n + id) % 3 == 0 {
                return Err(StateError::new("Flaky", format!("step {n}")));
            }
            Ok(json!(n + 1))
        }
        "Left" if retry < 2 => busy(),
        "Left" => Ok(json!({ "left": input["id"], "tries": retry + 1 })),
        "Mid" => Ok(json!({ "mid": input["items"].as_array().map_or(0, Vec::len) })),
        "Mid2" => Ok(json!({ "mid2": int(&input["mid"]) * 10 })),
        "Square" => Ok(json!(int(input) * int(input))),
        "Sum" => {
            let squares: i64 = input["fan"][2].as_array().unwrap().iter().map(int).sum();
            Ok(json!(squares + int(&input["fan"][1]["mid2"])))
        }
        "Work" => {
            let (v, i) = (int(&input["v"]), int(&input["i"]));
            if v % 5 == 0 {
                return Err(StateError::new("Bad", format!("item {v}")));
            }
            if retry == 0 && v % 3 == 0 {
                return busy();
            }
            Ok(json!(v * v + i))
        }
        "Finish" => Ok(json!({ "i": input["i"], "w": input["w"], "id": input["id"] })),
        "Total" => {
            let ws: i64 = input["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| int(&r["w"]))
                .sum();
            Ok(json!({ "total": ws, "n": input["results"].as_array().unwrap().len() }))
        }
        "Prep" => Ok(json!({ "prep": input["id"] })),
        "Doom" => Err(StateError::new(
            "Broken",
            format!("doomed {} at retry {retry}", input["id"]),
        )),
        other => panic!("no such Task state: {other}"),
    }
}

/// The handler of the uninterrupted reference runs.
fn pure_handler() -> Arc<dyn DynamicHandler> {
    Arc::new(handler_fn(|input: Value, cx: TaskContext| {
        let r = work(cx.state, &input, cx.retry_count);
        async move { r }
    }))
}

/// The child's handler: logs the call before anything else, takes 0–50 ms, then works.
fn logging_handler(log: Arc<File>, generation: usize) -> Arc<dyn DynamicHandler> {
    Arc::new(handler_fn(move |input: Value, cx: TaskContext| {
        let line = format!(
            "{generation}\t{}\t{}\t{input}\n",
            cx.idempotency_key.as_deref().unwrap_or("-"),
            cx.state
        );
        // One write of the whole line to a file opened for appending: lines never interleave.
        (&*log)
            .write_all(line.as_bytes())
            .expect("writing the call log");
        let r = work(cx.state, &input, cx.retry_count);
        let pause = Duration::from_millis(rand::random_range(0..=50));
        async move {
            tokio::time::sleep(pause).await;
            r
        }
    }))
}

fn register_all(engine: &Engine, h: &Arc<dyn DynamicHandler>) {
    engine.register("Chain", Chain::with_dynamic(h.clone()));
    engine.register("Fan", Fan::with_dynamic(h.clone()));
    engine.register("Batch", Batch::with_dynamic(h.clone()));
    engine.register("Doomed", Doomed::with_dynamic(h.clone()));
}

async fn run_in_memory(machine: &str, input: Value) -> Result<Value, ExecutionError> {
    let h = pure_handler();
    match machine {
        "Chain" => Chain::with_dynamic(h).run(input).await,
        "Fan" => Fan::with_dynamic(h).run(input).await,
        "Batch" => Batch::with_dynamic(h).run(input).await,
        "Doomed" => Doomed::with_dynamic(h).run(input).await,
        other => panic!("no such machine: {other}"),
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The child process: resumes what the last one left, starts the first `CRASH_STARTS`
/// executions (those that exist are left alone), waits for them all. With `CRASH_LINGER` it
/// then stays until it is killed, so that every child of the kill phase is killed.
#[test]
#[ignore = "run by crash_recovery_under_sigkill as its child process"]
fn child_worker() {
    let (Some(db), Some(log), Some(generation)) =
        (env("CRASH_DB"), env("CRASH_LOG"), env("CRASH_GEN"))
    else {
        panic!(
            "child_worker is the child process of crash_recovery_under_sigkill, which sets \
             CRASH_DB, CRASH_LOG and CRASH_GEN; it does nothing on its own"
        );
    };
    let generation: usize = generation.parse().expect("CRASH_GEN");
    let starts: usize =
        env("CRASH_STARTS").map_or(EXECUTIONS, |s| s.parse().expect("CRASH_STARTS"));
    let log = Arc::new(
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("opening the call log"),
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let engine = Engine::open(&db).expect("opening the store");
        register_all(&engine, &logging_handler(log, generation));
        engine.resume().expect("resume");
        let specs = specs();
        let mut arns = Vec::new();
        for s in specs.iter().take(starts) {
            let sm = engine.state_machine_arn(s.machine);
            match engine.start_execution(&sm, Some(&s.name), &s.input) {
                Ok(started) => {
                    assert_eq!(started.execution_arn, s.arn());
                    arns.push(started.execution_arn);
                }
                Err(e) if e.name() == "ExecutionAlreadyExists" => arns.push(s.arn()),
                Err(e) => panic!("starting {}: {e}", s.name),
            }
        }
        for arn in &arns {
            let rec = engine.wait(arn).await.expect("wait");
            assert_ne!(
                rec.status,
                Status::Running,
                "generation {generation}: {arn} stopped without closing"
            );
        }
    });
    if env("CRASH_LINGER").is_some() {
        std::thread::sleep(Duration::from_secs(60));
    }
}

/// What an uninterrupted run gives for one execution.
struct Expected {
    result: Result<Value, ExecutionError>,
    events: BTreeSet<(String, String)>,
}

/// The uninterrupted runs: in memory (the output), and durable over a memory store (the
/// events), both in paused time.
fn expected(specs: &[Spec]) -> Vec<Expected> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    rt.block_on(async {
        let engine = Engine::new(MemoryStore::new())
            .with_tokio_clock("2025-03-01T12:00:00Z".parse().unwrap());
        register_all(&engine, &pure_handler());
        for s in specs {
            let sm = engine.state_machine_arn(s.machine);
            engine
                .start_execution(&sm, Some(&s.name), &s.input)
                .unwrap();
        }
        let mut out = Vec::new();
        for s in specs {
            let rec = engine.wait(&s.arn()).await.unwrap();
            let result = run_in_memory(s.machine, serde_json::from_str(&s.input).unwrap()).await;
            match &result {
                Ok(v) => {
                    assert_eq!(rec.status, Status::Succeeded, "{}", s.name);
                    assert_eq!(&parse(rec.output.as_deref().unwrap()), v, "{}", s.name);
                }
                Err(e) => {
                    assert_eq!(rec.status, Status::Failed, "{}", s.name);
                    assert_eq!(rec.error, e.error, "{}", s.name);
                }
            }
            let events = engine
                .store()
                .events(&s.arn(), 1, 0)
                .unwrap()
                .into_iter()
                .map(|e| (e.kind, e.key))
                .collect();
            out.push(Expected { result, events });
        }
        out
    })
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn spawn_child(
    generation: usize,
    starts: usize,
    linger: bool,
    db: &Path,
    log: &Path,
    errors: &File,
) -> Child {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    if linger {
        cmd.env("CRASH_LINGER", "1");
    }
    cmd.args(["--exact", "child_worker", "--ignored", "--nocapture"])
        .env("CRASH_DB", db)
        .env("CRASH_LOG", log)
        .env("CRASH_GEN", generation.to_string())
        .env("CRASH_STARTS", starts.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(errors.try_clone().unwrap())
        .spawn()
        .expect("spawning the child")
}

/// One logged handler call.
struct Call {
    generation: usize,
    state: String,
    input: Value,
}

const OUTCOMES: [&str; 6] = [
    "TaskSucceeded",
    "TaskFailed",
    "TaskTimedOut",
    "LambdaFunctionSucceeded",
    "LambdaFunctionFailed",
    "LambdaFunctionTimedOut",
];
const SCHEDULED: [&str; 2] = ["TaskScheduled", "LambdaFunctionScheduled"];

#[test]
fn crash_recovery_under_sigkill() {
    let target: usize = env("CRASH_KILLS").map_or(200, |k| k.parse().expect("CRASH_KILLS"));
    let seed: u64 = env("CRASH_SEED").map_or(0x5eed_c0de, |s| s.parse().expect("CRASH_SEED"));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("executions.db");
    let log = dir.path().join("calls.log");
    let errors_path = dir.path().join("children.stderr");
    let errors = File::create(&errors_path).unwrap();
    let specs = specs();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut problems: Vec<String> = Vec::new();

    // Generation g starts at starts[g] and covers [starts[g], starts[g + 1]).
    let mut starts: Vec<Timestamp> = Vec::new();
    let mut kills = 0;
    // Executions are started a few at a time over the kill phase, so kills land in every
    // part of every machine's life. Each child of this phase stays until it is killed.
    let spread = (target * 9 / 10).max(1);
    for generation in 0..target {
        let n = (1 + generation * EXECUTIONS / spread).min(EXECUTIONS);
        starts.push(Timestamp::now());
        let mut child = spawn_child(generation, n, true, &db, &log, &errors);
        std::thread::sleep(Duration::from_millis(rng.random_range(20..=150)));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.signal() == Some(9) {
            kills += 1;
        } else {
            problems.push(format!(
                "generation {generation} ended before it was killed: {status}"
            ));
        }
    }

    // The last child runs to the end.
    let generation = starts.len();
    starts.push(Timestamp::now());
    let mut child = spawn_child(generation, EXECUTIONS, false, &db, &log, &errors);
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the final run (generation {generation}) did not finish in 120 s (seed {seed}); \
                 children's stderr:\n{}",
                std::fs::read_to_string(&errors_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if !status.success() {
        problems.push(format!(
            "the final run (generation {generation}) failed: {status}"
        ));
    }
    let stderr = std::fs::read_to_string(&errors_path).unwrap_or_default();
    for line in stderr.lines().filter(|l| l.starts_with("asl: ")) {
        problems.push(format!("a child reported: {line}"));
    }
    let gen_of = |t: Timestamp| starts.partition_point(|s| *s <= t).checked_sub(1);

    // The call log, by idempotency key.
    let mut calls: HashMap<String, Vec<Call>> = HashMap::new();
    let text = std::fs::read_to_string(&log).unwrap();
    for line in text.lines() {
        let mut f = line.splitn(4, '\t');
        let (Some(g), Some(key), Some(state), Some(input)) =
            (f.next(), f.next(), f.next(), f.next())
        else {
            problems.push(format!("malformed call log line: {line:?}"));
            continue;
        };
        let (Ok(generation), Ok(input)) = (g.parse(), serde_json::from_str(input)) else {
            problems.push(format!("malformed call log line: {line:?}"));
            continue;
        };
        calls.entry(key.to_owned()).or_default().push(Call {
            generation,
            state: state.to_owned(),
            input,
        });
    }

    let want = expected(&specs);
    let store = SqliteStore::open(&db).unwrap();
    let mut lost: Vec<String> = Vec::new();
    let mut duplicated: Vec<String> = Vec::new();
    let mut outcome_keys: BTreeSet<String> = BTreeSet::new();
    let mut scheduled_in: HashMap<String, usize> = HashMap::new();
    for (s, want) in specs.iter().zip(&want) {
        let arn = s.arn();
        let Some(rec) = store.execution(&arn).unwrap() else {
            lost.push(format!("{}: missing", s.name));
            continue;
        };
        let matches = match &want.result {
            Ok(v) => {
                rec.status == Status::Succeeded
                    && rec.output.as_deref().map(parse).as_ref() == Some(v)
            }
            Err(e) => rec.status == Status::Failed && rec.error == e.error && rec.cause == e.cause,
        };
        if !matches {
            let want = match &want.result {
                Ok(v) => format!("SUCCEEDED output {v}"),
                Err(e) => format!("FAILED error {:?} cause {:?}", e.error, e.cause),
            };
            lost.push(format!(
                "{}: {} output {:?} error {:?} cause {:?}; want {want}",
                s.name,
                rec.status.as_str(),
                rec.output,
                rec.error,
                rec.cause,
            ));
        }
        let events: Vec<HistoryRecord> = store.events(&arn, 1, 0).unwrap();
        if let Some((i, e)) = events
            .iter()
            .enumerate()
            .find(|(i, e)| e.id != *i as u64 + 1)
        {
            problems.push(format!("{}: event #{} has id {}", s.name, i + 1, e.id));
        }
        if events.len() as u64 != rec.events {
            problems.push(format!(
                "{}: {} events, the record counts {}",
                s.name,
                events.len(),
                rec.events
            ));
        }
        let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
        for e in &events {
            *seen.entry((e.kind.clone(), e.key.clone())).or_default() += 1;
        }
        for ((kind, key), n) in seen.iter().filter(|(_, n)| **n > 1) {
            problems.push(format!("{}: {kind} at {key:?} written {n} times", s.name));
        }
        let got: BTreeSet<_> = seen.into_keys().collect();
        if got != want.events {
            problems.push(format!(
                "{}: events differ from an uninterrupted run: extra {:?}, missing {:?}",
                s.name,
                got.difference(&want.events).collect::<Vec<_>>(),
                want.events.difference(&got).collect::<Vec<_>>()
            ));
        }
        for e in &events {
            let is_outcome = OUTCOMES.contains(&e.kind.as_str());
            if !is_outcome && !SCHEDULED.contains(&e.kind.as_str()) {
                continue;
            }
            let state = e
                .details
                .as_ref()
                .and_then(|d| d["name"].as_str())
                .unwrap_or_else(|| panic!("{}: {} #{} names no state", s.name, e.kind, e.id));
            let key = format!("{arn}/{state}/{}", e.key);
            let Some(g) = gen_of(e.timestamp) else {
                problems.push(format!(
                    "{}: event #{} predates the first run",
                    s.name, e.id
                ));
                continue;
            };
            if !is_outcome {
                scheduled_in.insert(key, g);
                continue;
            }
            // The attempt's outcome was recorded by generation g: it was called there once,
            // and never again.
            let attempt_calls = calls.get(&key).map_or(&[][..], Vec::as_slice);
            let same = attempt_calls.iter().filter(|c| c.generation == g).count();
            let later: Vec<usize> = attempt_calls
                .iter()
                .filter(|c| c.generation > g)
                .map(|c| c.generation)
                .collect();
            if same == 0 {
                problems.push(format!(
                    "{key}: {} recorded by generation {g}, which did not call it",
                    e.kind
                ));
            }
            for _ in 1..same {
                duplicated.push(format!(
                    "{key}: called again in generation {g}, which recorded it"
                ));
            }
            for l in later {
                duplicated.push(format!(
                    "{key}: recorded by generation {g}, called again in {l}"
                ));
            }
            if !outcome_keys.insert(key.clone()) {
                problems.push(format!("{key}: two outcomes"));
            }
        }
    }
    // Every call is an attempt with a recorded outcome, under the same key each time it was
    // dispatched, with the same input; its scheduling was written before it was called.
    let mut redispatched = 0;
    for (key, cs) in &calls {
        if !outcome_keys.contains(key) {
            problems.push(format!(
                "{key}: called in generations {:?} ({}), no outcome recorded under that key",
                cs.iter().map(|c| c.generation).collect::<Vec<_>>(),
                cs[0].state
            ));
        }
        if cs.iter().any(|c| c.input != cs[0].input) {
            problems.push(format!(
                "{key}: dispatched with different inputs: {:?}",
                cs.iter().map(|c| c.input.to_string()).collect::<Vec<_>>()
            ));
        }
        match scheduled_in.get(key) {
            Some(&g) => {
                if let Some(c) = cs.iter().find(|c| c.generation < g) {
                    problems.push(format!(
                        "{key}: called in generation {} before its scheduling was written (by {g})",
                        c.generation
                    ));
                }
            }
            None => problems.push(format!("{key}: called, never scheduled")),
        }
        if cs.iter().any(|c| c.generation != cs[0].generation) {
            redispatched += 1;
        }
    }
    if redispatched == 0 {
        problems.push("no attempt was in flight at a kill: the test did not test that".into());
    }

    // Written to stdout directly, not with `println!`, which the test harness captures: the
    // line shows in every `cargo test` run, passing or not.
    let _ = writeln!(
        std::io::stdout(),
        "crash-recovery: {kills} kills, {} executions, {} lost, {} duplicated calls",
        specs.len(),
        lost.len(),
        duplicated.len()
    );
    assert!(
        lost.is_empty() && duplicated.is_empty() && problems.is_empty(),
        "seed {seed}\nlost:\n  {}\nduplicated calls:\n  {}\nother problems:\n  {}\nchildren's stderr:\n{}",
        lost.join("\n  "),
        duplicated.join("\n  "),
        problems.join("\n  "),
        stderr
    );
    assert!(kills >= target, "{kills} kills, {target} wanted");
}
