//! Durable Standard executions over the SQLite store, beside the same machine run in memory
//! (`machine.run(input)`, no store) in the same process and run.
//!
//! ```text
//! durable chain [--concurrency C] [--executions N] [--durability process|powerloss]
//!               [--repeats R] [--dir DIR] [--no-baseline]
//! durable parked [--executions N] [--durability process|powerloss] [--dir DIR]
//! ```
//!
//! `chain` runs `testdata/bench/task-chain.asl.json` (100 Tasks in sequence, each handler
//! answers `{"Payload": {"n": <its Payload.n>}}`) with C executions in flight at a time until
//! N have run, R times after a warm-up, on a tokio runtime with 2 worker threads; then the
//! same in memory. A transition is one state entered: 100 per execution.
//!
//! `parked` starts N executions of a one-state `.waitForTaskToken` machine, waits until the
//! engine reports all of them parked (unloaded from memory, held in the store), reads the
//! resident memory, then completes them all with `SendTaskSuccess`.
//!
//! Each prints one JSON line per figure (stdout) and a readable summary (stderr). The store is
//! a temporary SQLite file under DIR (default: the system's temp directory), which must be a
//! real disk, not tmpfs: its filesystem is printed. fsyncs are counted from outside, e.g.
//! `perf stat -e syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync` (see BENCHMARKS.md).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use asl_bench::{TaskChain, bench_dir};
use asl_runtime::engine::Engine;
use asl_runtime::handler::BoxFuture;
use asl_runtime::store::{Durability, SqliteStore, Status};
use asl_runtime::{DynamicHandler, TaskContext, TaskResult, Value, json};

asl_runtime::asl! {
    pub Parked = {
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": { "QueueUrl": "approvals", "MessageBody": { "order.$": "$.order", "token.$": "$$.Task.Token" } },
                "End": true
            }
        }
    }
}

/// The task-chain handler: `{"Payload": {"n": <its Payload.n>}}`.
struct Step;

impl DynamicHandler for Step {
    fn call<'a>(&'a self, input: Value, _cx: &'a TaskContext) -> BoxFuture<'a, TaskResult> {
        Box::pin(async move { Ok(json!({ "Payload": { "n": input["Payload"]["n"].clone() } })) })
    }
}

/// The callback handler: "sends the message", i.e. keeps the token, and returns.
struct Deliver(Arc<Mutex<Vec<Arc<str>>>>);

impl DynamicHandler for Deliver {
    fn call<'a>(&'a self, _input: Value, cx: &'a TaskContext) -> BoxFuture<'a, TaskResult> {
        if let Some(t) = &cx.task_token {
            self.0.lock().unwrap().push(t.clone());
        }
        Box::pin(async { Ok(json!({ "MessageId": "m" })) })
    }
}

const TRANSITIONS: u64 = 100;

struct Args {
    mode: String,
    concurrency: usize,
    executions: usize,
    durability: Durability,
    repeats: usize,
    dir: PathBuf,
    baseline: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: durable chain [--concurrency C] [--executions N] [--durability process|powerloss] \
         [--repeats R] [--dir DIR] [--no-baseline]\n       \
         durable parked [--executions N] [--durability process|powerloss] [--dir DIR]"
    );
    std::process::exit(2);
}

fn args() -> Args {
    let mut it = std::env::args().skip(1);
    let mode = it.next().unwrap_or_else(|| usage());
    if mode != "chain" && mode != "parked" {
        usage();
    }
    let mut a = Args {
        concurrency: 1,
        executions: if mode == "chain" { 200 } else { 10_000 },
        mode,
        durability: Durability::Process,
        repeats: 3,
        dir: std::env::temp_dir(),
        baseline: true,
    };
    while let Some(flag) = it.next() {
        if flag == "--no-baseline" {
            a.baseline = false;
            continue;
        }
        let value = it.next().unwrap_or_else(|| usage());
        let num = || value.parse::<usize>().unwrap_or_else(|_| usage());
        match flag.as_str() {
            "--concurrency" => a.concurrency = num().max(1),
            "--executions" => a.executions = num(),
            "--repeats" => a.repeats = num().max(1),
            "--dir" => a.dir = PathBuf::from(&value),
            "--durability" => {
                a.durability = match value.as_str() {
                    "process" => Durability::Process,
                    "powerloss" => Durability::PowerLoss,
                    _ => usage(),
                }
            }
            _ => usage(),
        }
    }
    a
}

fn durability_name(d: Durability) -> &'static str {
    match d {
        Durability::Process => "process",
        Durability::PowerLoss => "powerloss",
    }
}

/// The filesystem type and device holding `path` (the longest mount point above it).
fn filesystem(path: &Path) -> String {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap_or_default();
    mounts
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            (f.len() >= 3 && path.starts_with(f[1]))
                .then(|| (f[1].len(), format!("{} {}", f[2], f[0])))
        })
        .max_by_key(|(n, _)| *n)
        .map_or_else(|| "unknown".into(), |(_, s)| s)
}

/// `VmRSS` and `VmHWM` of this process, in bytes.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Gives freed heap back to the OS (glibc keeps it otherwise), to tell what is held from what
/// the allocator merely kept.
fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu", not(feature = "mimalloc")))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: glibc's malloc_trim has no preconditions.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Bytes this process handed to `write`-family syscalls so far (`wchar` of /proc/self/io).
fn written() -> u64 {
    std::fs::read_to_string("/proc/self/io")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("wchar:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

fn mb(b: u64) -> f64 {
    b as f64 / 1e6
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn store_dir(a: &Args) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("asl-durable-")
        .tempdir_in(&a.dir)
        .unwrap_or_else(|e| panic!("cannot create a directory in {}: {e}", a.dir.display()));
    let fs = filesystem(dir.path());
    if fs.starts_with("tmpfs") || fs.starts_with("ramfs") {
        eprintln!(
            "warning: {} is on {fs}: fsyncs cost nothing there; use --dir on a disk",
            dir.path().display()
        );
    }
    dir
}

/// What a batch of executions did.
#[derive(Default)]
struct Batch {
    seconds: f64,
    events: u64,
    failed: usize,
}

/// N durable executions of task-chain, `concurrency` in flight at a time.
async fn durable_batch(engine: &Engine, sm: &str, input: &Arc<str>, n: usize, c: usize) -> Batch {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..c.min(n) {
        let (engine, sm, input, next) =
            (engine.clone(), sm.to_owned(), input.clone(), next.clone());
        set.spawn(async move {
            let (mut events, mut failed) = (0, 0);
            while next.fetch_add(1, Ordering::Relaxed) < n {
                let x = engine
                    .start_execution(&sm, None, &input)
                    .expect("StartExecution");
                let rec = engine.wait(&x.execution_arn).await.expect("wait");
                events += rec.events;
                if rec.status != Status::Succeeded
                    || rec
                        .output
                        .as_deref()
                        .and_then(|o| serde_json::from_str::<Value>(o).ok())
                        != Some(json!({ "Payload": { "n": 100 } }))
                {
                    failed += 1;
                }
            }
            (events, failed)
        });
    }
    let mut b = Batch::default();
    while let Some(r) = set.join_next().await {
        let (events, failed) = r.expect("worker");
        b.events += events;
        b.failed += failed;
    }
    b.seconds = start.elapsed().as_secs_f64();
    b
}

/// N in-memory executions (`machine.run(input)`), `concurrency` in flight at a time.
async fn memory_batch(machine: &Arc<TaskChain>, input: &Value, n: usize, c: usize) -> Batch {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..c.min(n) {
        let (machine, input, next) = (machine.clone(), input.clone(), next.clone());
        set.spawn(async move {
            let mut failed = 0;
            while next.fetch_add(1, Ordering::Relaxed) < n {
                let out = machine.run(input.clone()).await;
                if out.ok() != Some(json!({ "Payload": { "n": 100 } })) {
                    failed += 1;
                }
            }
            failed
        });
    }
    let mut b = Batch::default();
    while let Some(r) = set.join_next().await {
        b.failed += r.expect("worker");
    }
    b.seconds = start.elapsed().as_secs_f64();
    b
}

fn chain(a: &Args) {
    let text = std::fs::read_to_string(bench_dir().join("task-chain.input.json"))
        .expect("task-chain.input.json");
    let input: Value = serde_json::from_str(&text).expect("task-chain input");
    let input_text: Arc<str> = serde_json::to_string(&input).expect("json").into();
    let rt = runtime();
    let (n, c) = (a.executions, a.concurrency);
    let durability = durability_name(a.durability);

    let dir = store_dir(a);
    let fs = filesystem(dir.path());
    let store =
        SqliteStore::open_with(dir.path().join("asl.db"), a.durability).expect("open store");
    let engine = Engine::new(store);
    let sm = engine.register("TaskChain", TaskChain::with_dynamic(Step));

    let written_before = written();
    let warm = rt.block_on(durable_batch(
        &engine,
        &sm,
        &input_text,
        warm_count(n, c),
        c,
    ));
    assert_eq!(warm.failed, 0, "durable task-chain executions failed");
    let mut best = f64::INFINITY;
    let mut runs = Vec::new();
    let mut events = 0;
    for _ in 0..a.repeats {
        let b = rt.block_on(durable_batch(&engine, &sm, &input_text, n, c));
        assert_eq!(b.failed, 0, "durable task-chain executions failed");
        best = best.min(b.seconds);
        events = b.events;
        runs.push(b.seconds);
    }
    let durable_tps = if n == 0 {
        0.0
    } else {
        n as f64 * TRANSITIONS as f64 / best
    };
    let total = (warm_count(n, c) + n * a.repeats) as u64;
    let bytes_written = written() - written_before;
    println!(
        "{}",
        json!({
            "mode": "chain", "engine": "durable", "durability": durability, "filesystem": fs,
            "concurrency": c, "executions": n, "repeats_seconds": runs, "best_seconds": best,
            "transitions_per_second": durable_tps,
            "events_per_execution": if n == 0 { 0.0 } else { events as f64 / n as f64 },
            "executions_total": total, "transitions_total": total * TRANSITIONS,
            "bytes_written_per_transition": bytes_written as f64 / (total * TRANSITIONS).max(1) as f64,
        })
    );
    drop(engine);

    if !a.baseline || n == 0 {
        eprintln!(
            "durable ({durability}, {fs}) c={c}: {durable_tps:.0} transitions/s (best of {:?} s)",
            runs
        );
        return;
    }
    // The same machine in memory, same shape; batches of k×N so each lasts ≥ 0.2 s.
    let machine = Arc::new(TaskChain::with_dynamic(Step));
    let probe = rt.block_on(memory_batch(&machine, &input, n, c));
    assert_eq!(probe.failed, 0, "in-memory task-chain executions failed");
    let k = ((0.2 / probe.seconds).ceil() as usize).clamp(1, 10_000);
    let mut mem_best = f64::INFINITY;
    let mut mem_runs = Vec::new();
    for _ in 0..a.repeats {
        let b = rt.block_on(memory_batch(&machine, &input, n * k, c));
        assert_eq!(b.failed, 0);
        mem_best = mem_best.min(b.seconds / k as f64);
        mem_runs.push(b.seconds / k as f64);
    }
    let mem_tps = n as f64 * TRANSITIONS as f64 / mem_best;
    println!(
        "{}",
        json!({
            "mode": "chain", "engine": "in-memory", "concurrency": c, "executions": n * k,
            "repeats_seconds_per_n": mem_runs, "best_seconds_per_n": mem_best,
            "transitions_per_second": mem_tps,
            "in_memory_over_durable": mem_tps / durable_tps,
        })
    );
    eprintln!(
        "task-chain c={c} n={n}: durable ({durability}, {fs}) {durable_tps:.0} transitions/s; \
         in memory {mem_tps:.0}/s; in memory is {:.1}× faster ({:.1} µs vs {:.2} µs per transition)",
        mem_tps / durable_tps,
        1e6 / durable_tps,
        1e6 / mem_tps,
    );
}

/// The warm-up: one round of the batch shape, at least 10 executions, at most N (none for
/// N = 0, which measures the setup alone, e.g. its fsyncs).
fn warm_count(n: usize, c: usize) -> usize {
    c.max(10).min(n)
}

fn parked(a: &Args) {
    let n = a.executions;
    let rt = runtime();
    let dir = store_dir(a);
    let fs = filesystem(dir.path());
    let durability = durability_name(a.durability);
    let tokens = Arc::new(Mutex::new(Vec::with_capacity(n)));
    let store =
        SqliteStore::open_with(dir.path().join("asl.db"), a.durability).expect("open store");
    let engine = Engine::new(store);
    let sm = engine.register("Parked", Parked::with_dynamic(Deliver(tokens.clone())));
    let (rss_before, _) = memory();

    let (started, parked_at, arns) = rt.block_on(async {
        let t = Instant::now();
        let mut arns = Vec::with_capacity(n);
        for i in 0..n {
            let x = engine
                .start_execution(&sm, None, &format!(r#"{{"order": {i}}}"#))
                .expect("StartExecution");
            arns.push(x.execution_arn);
        }
        let started = t.elapsed();
        loop {
            let (loaded, parked) = engine.load();
            if loaded == 0 && parked == n {
                break;
            }
            if t.elapsed() > Duration::from_secs(300) {
                panic!("not all parked: {loaded} in memory, {parked} parked");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        (started, t.elapsed(), arns)
    });
    assert_eq!(
        tokens.lock().unwrap().len(),
        n,
        "every handler delivered its token"
    );
    let (rss_parked, hwm) = memory();
    trim_heap();
    let (rss_trimmed, _) = memory();
    let db_bytes: u64 = std::fs::read_dir(dir.path())
        .map(|d| {
            d.filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);

    let all: Vec<Arc<str>> = std::mem::take(&mut *tokens.lock().unwrap());
    let resumed = rt.block_on(async {
        let t = Instant::now();
        for token in &all {
            engine
                .send_task_success(token, r#"{"approved": true}"#)
                .expect("SendTaskSuccess");
        }
        let sent = t.elapsed();
        for arn in &arns {
            let rec = engine.wait(arn).await.expect("wait");
            assert_eq!(rec.status, Status::Succeeded, "{arn}");
        }
        (sent, t.elapsed())
    });
    assert_eq!(engine.load(), (0, 0));
    println!(
        "{}",
        json!({
            "mode": "parked", "durability": durability, "filesystem": fs, "executions": n,
            "rss_before_bytes": rss_before, "rss_parked_bytes": rss_parked,
            "rss_parked_after_malloc_trim_bytes": rss_trimmed, "peak_rss_bytes": hwm,
            "bytes_per_parked_execution": (rss_parked.saturating_sub(rss_before)) as f64 / n.max(1) as f64,
            "store_bytes": db_bytes,
            "start_seconds": started.as_secs_f64(), "all_parked_seconds": parked_at.as_secs_f64(),
            "send_task_success_seconds": resumed.0.as_secs_f64(),
            "all_completed_seconds": resumed.1.as_secs_f64(),
            "resumes_per_second": n as f64 / resumed.1.as_secs_f64(),
        })
    );
    eprintln!(
        "{n} parked ({durability}, {fs}): RSS {:.1} MB (before {:.1} MB, after malloc_trim {:.1} MB, peak {:.1} MB), \
         store {:.1} MB; started in {:.2} s, all parked after {:.2} s ({:.0}/s); \
         SendTaskSuccess × {n} in {:.2} s, all completed after {:.2} s ({:.0} resumes/s)",
        mb(rss_parked),
        mb(rss_before),
        mb(rss_trimmed),
        mb(hwm),
        mb(db_bytes),
        started.as_secs_f64(),
        parked_at.as_secs_f64(),
        n as f64 / parked_at.as_secs_f64(),
        resumed.0.as_secs_f64(),
        resumed.1.as_secs_f64(),
        n as f64 / resumed.1.as_secs_f64(),
    );
}

fn main() {
    let a = args();
    match a.mode.as_str() {
        "chain" => chain(&a),
        _ => parked(&a),
    }
}
