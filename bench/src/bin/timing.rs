//! Times the compiled workloads and their baselines in one warm process, in the same shape as
//! `interp/run.mjs` times the interpreter, so `compare.sh` can put them side by side. Each
//! JSONata form is timed right after its JSONPath form and the baseline they share.
//!
//! ```text
//! timing [--seconds N] [WORKLOAD…]  one JSON line per (engine, workload); all six by default
//! timing --once WORKLOAD            run one execution (for /usr/bin/time -v peak memory)
//! timing --count WORKLOAD N         run N executions (for perf stat / perf record)
//! ```

use std::time::{Duration, Instant};

use asl_bench::{ALL, Workload, baseline, input, run_compiled};
use asl_runtime::Value;

fn workload(name: &str) -> Option<&'static Workload> {
    Workload::named(name)
}

/// Runs `f` repeatedly for `budget` after a warm-up, in five equal blocks; returns the runs
/// and the seconds per run of the fastest block (this machine is a shared VM: the minimum is
/// the estimate least disturbed by neighbours).
fn time(budget: Duration, mut f: impl FnMut()) -> (u64, f64) {
    let warm = Instant::now();
    while warm.elapsed() < budget / 5 {
        f();
    }
    let mut total = 0u64;
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let start = Instant::now();
        let mut runs = 0u64;
        while start.elapsed() < budget / 5 {
            f();
            runs += 1;
        }
        total += runs;
        best = best.min(start.elapsed().as_secs_f64() / runs as f64);
    }
    (total, best)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime");
    if let [flag, name] = args.as_slice()
        && flag == "--once"
    {
        let Some(w) = workload(name) else {
            eprintln!("unknown workload {name}");
            std::process::exit(2);
        };
        let out = rt.block_on(run_compiled(w, Value::from(&input(w))));
        println!("{}", serde_json::to_string(&out).map_or(0, |s| s.len()));
        return;
    }
    if let [flag, name, n] = args.as_slice()
        && flag == "--count"
    {
        // A fixed amount of work, for instruction counts (`perf stat`).
        let (Some(w), Ok(n)) = (workload(name), n.parse::<u32>()) else {
            eprintln!("usage: timing --count WORKLOAD N");
            std::process::exit(2);
        };
        let data = input(w);
        for _ in 0..n {
            std::hint::black_box(rt.block_on(run_compiled(w, Value::from(&data))));
        }
        return;
    }
    let mut seconds = 5.0;
    let mut chosen = Vec::new();
    let mut rest = args.iter();
    while let Some(a) = rest.next() {
        if a == "--seconds" {
            seconds = rest.next().and_then(|n| n.parse().ok()).unwrap_or(5.0);
        } else if let Some(w) = workload(a) {
            chosen.push(w);
        } else {
            eprintln!("unknown workload {a}");
            std::process::exit(2);
        }
    }
    if chosen.is_empty() {
        chosen = ALL.to_vec();
    }
    let budget = Duration::from_secs_f64(seconds);
    for w in chosen {
        let data = input(w);
        // Each run starts from its own deep copy of the input, as the baseline's does (a
        // shared input would let the compiled machine skip the copy).
        let (runs, per) = time(budget, || {
            let out = rt.block_on(run_compiled(w, Value::from(&data)));
            std::hint::black_box(out);
        });
        report("asl (compiled)", w, runs, per);
        // A JSONata form shares its JSONPath form's baseline, timed with that form.
        if !w.is_jsonata() {
            let (runs, per) = time(budget, || {
                std::hint::black_box(baseline::run(w, data.clone()));
            });
            report("hand-written Rust", w, runs, per);
        }
    }
}

fn report(engine: &str, w: &Workload, runs: u64, per: f64) {
    println!(
        "{}",
        serde_json::json!({
            "engine": engine,
            "workload": w.name,
            "runs": runs,
            "seconds_per_run": per,
            "transitions": w.transitions,
        })
    );
}
