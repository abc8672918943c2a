//! `cargo bench -p asl-bench`: each workload compiled (through build.rs) in its JSONPath and
//! JSONata forms, and the hand-written baseline they share, throughput in transitions (states
//! entered) per second; then the JSONata evaluator alone on each expression of the JSONata
//! forms (`jsonata-cases.json`).

use asl_bench::{JSONPATH, Workload, baseline, input, jsonata, run_compiled};
use asl_runtime::Value;
use asl_runtime::jsonata::{Limits, evaluate};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

fn workload(c: &mut Criterion, w: &Workload) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime");
    let data = input(w);
    let jsonata_form = Workload::named(&format!("{}-jsonata", w.name)).expect("JSONata form");
    let mut g = c.benchmark_group(w.name);
    g.throughput(Throughput::Elements(w.transitions));
    g.bench_function("compiled", |b| {
        b.iter_batched(
            || Value::from(&data),
            |i| rt.block_on(run_compiled(w, i)),
            BatchSize::SmallInput,
        )
    });
    // The JSONata form's input file is the same document (tests/jsonata_forms.rs).
    g.bench_function("compiled-jsonata", |b| {
        b.iter_batched(
            || Value::from(&data),
            |i| rt.block_on(run_compiled(jsonata_form, i)),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("baseline", |b| {
        b.iter_batched(
            || data.clone(),
            |i| baseline::run(w, i),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn evaluator(c: &mut Criterion) {
    let mut g = c.benchmark_group("jsonata-eval");
    for case in jsonata::cases() {
        let globals = |name: &str| -> Option<Value> {
            if name == "states" {
                return Some(case.states.clone());
            }
            case.variables.get(name).cloned()
        };
        g.bench_function(&case.name, |b| {
            b.iter(|| evaluate(&case.expr, None, &globals, Limits::default(), 0.0))
        });
    }
    g.finish();
}

fn benches(c: &mut Criterion) {
    for w in JSONPATH {
        workload(c, w);
    }
    evaluator(c);
}

criterion_group!(workloads, benches);
criterion_main!(workloads);
