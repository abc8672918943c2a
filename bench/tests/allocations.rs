//! Allocation discipline on the hot path (debug or release alike): a counting global allocator
//! pins how many allocations each workload makes per transition, so that a change that adds
//! one fails here, not months later in a benchmark. A state that passes its input through
//! unchanged allocates nothing.
//!
//! The limits are what the code does today; lower them when it does better.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use asl_bench::{CHOICE_LOOP, MAP_FANOUT, PASS_CHAIN, Workload, fast_options, input, run_compiled};
use asl_runtime::Value;

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f` (the test binary runs its tests one at a time: see `main`).
fn count(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    f();
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

fn per_transition(w: &Workload) -> f64 {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let doc = Value::from(&input(w));
    // Warm up (lazily built statics, the runtime's first task).
    rt.block_on(run_compiled(w, doc.clone()));
    let n = count(|| {
        std::hint::black_box(rt.block_on(run_compiled(w, doc.clone())));
    });
    n as f64 / w.transitions as f64
}

asl_runtime::asl! {
    PassThrough = {
        "StartAt": "A",
        "States": {
            "A": { "Type": "Pass", "Next": "B" },
            "B": { "Type": "Pass", "InputPath": "$", "ResultPath": "$", "OutputPath": "$", "Next": "C" },
            "C": { "Type": "Choice", "Choices": [
                { "Variable": "$.n", "NumericGreaterThan": 0, "Next": "D" }
            ], "Default": "D" },
            "D": { "Type": "Pass", "ResultPath": null, "Next": "E" },
            "E": { "Type": "Succeed" }
        }
    }
}

fn main() {
    // One test at a time, on this thread: the counter is global.
    // Measured: pass-chain 2.05 (each state's 4-member object: its vector and its Arc; the
    // `$.acc` write is in place), choice-loop 1.0 (Inc's `{"i": n}`: vector and Arc; the
    // Choice nothing), map-fanout 0.667 (Prep's `{v, kind}` per item; High/Low's static
    // strings nothing).
    let limits = [
        (&PASS_CHAIN, 2.06),
        (&CHOICE_LOOP, 1.001),
        (&MAP_FANOUT, 0.67),
    ];
    let mut failed = false;
    for (w, limit) in limits {
        let got = per_transition(w);
        println!(
            "{}: {got:.3} allocations per transition (limit {limit})",
            w.name
        );
        failed |= got > limit;
    }

    // A state that passes its input through allocates nothing: five such states (Pass with
    // no fields, Pass with `$` paths, Choice, Pass with `ResultPath: null`, Succeed) cost
    // what one execution's fixed setup costs, with or without a hundred more of them.
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let machine = PassThrough::new(());
    let doc = asl_runtime::json!({"n": 1, "payload": {"big": [1, 2, 3], "text": "a string long enough to be shared"}});
    let run = |m: &PassThrough| {
        let out = rt.block_on(m.execute(doc.clone(), &fast_options()));
        assert_eq!(out.result.as_ref().ok(), Some(&doc));
    };
    run(&machine);
    let execution = count(|| run(&machine));
    println!("pass-through: {execution} allocations for one execution of 5 pass-through states");
    // The execution's own setup (its scope future, the execution record): no per-state cost.
    let fixed = 2;
    if execution > fixed {
        println!("pass-through states allocate: {execution} > {fixed}");
        failed = true;
    }
    assert!(!failed, "allocation limits exceeded (see above)");
}
