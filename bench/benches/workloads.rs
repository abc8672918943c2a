//! `cargo bench -p asl-bench`: each workload compiled (through build.rs) and its hand-written
//! baseline, throughput in transitions (states entered) per second.

use asl_bench::{CHOICE_LOOP, MAP_FANOUT, PASS_CHAIN, Workload, baseline, input, run_compiled};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

fn workload(c: &mut Criterion, w: &Workload) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime");
    let data = input(w);
    let mut g = c.benchmark_group(w.name);
    g.throughput(Throughput::Elements(w.transitions));
    g.bench_function("compiled", |b| {
        b.iter_batched(
            || asl_runtime::Value::from(&data),
            |i| rt.block_on(run_compiled(w, i)),
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

fn benches(c: &mut Criterion) {
    for w in [&PASS_CHAIN, &CHOICE_LOOP, &MAP_FANOUT] {
        workload(c, w);
    }
}

criterion_group!(workloads, benches);
criterion_main!(workloads);
