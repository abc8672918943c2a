//! Each JSONata workload does the same JSON work as its JSONPath form: same input document,
//! same number of transitions, same output. Their timings and the baseline they share
//! (`baseline::run`) are then comparable.

use asl_bench::{ALL, JSONPATH, Workload, input, run_compiled};
use asl_runtime::Value;

fn run(w: &Workload) -> Value {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    rt.block_on(run_compiled(w, Value::from(&input(w))))
}

#[test]
fn jsonata_forms_compute_what_their_jsonpath_forms_compute() {
    for w in JSONPATH {
        let j = Workload::named(&format!("{}-jsonata", w.name)).expect("JSONata form");
        assert_eq!(j.jsonpath_form(), w.name);
        assert_eq!(j.transitions, w.transitions, "{}", j.name);
        assert_eq!(
            input(j),
            input(w),
            "{}: not the same input document",
            j.name
        );
        assert_eq!(
            run(j),
            run(w),
            "{}: not the same output as {}",
            j.name,
            w.name
        );
    }
}

#[test]
fn the_transitions_are_counted_right() {
    // The states entered, from the history of one execution.
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    for w in ALL {
        let options = asl_runtime::Options {
            history: true,
            ..asl_bench::fast_options()
        };
        let exec = rt.block_on(asl_bench::execute_compiled(
            w,
            Value::from(&input(w)),
            &options,
        ));
        assert!(exec.result.is_ok(), "{}: {:?}", w.name, exec.result);
        let entered = exec
            .history
            .iter()
            .filter(|e| e.kind.ends_with("StateEntered"))
            .count() as u64;
        assert_eq!(entered, w.transitions, "{}", w.name);
    }
}
