//! The three benchmark workloads of `testdata/bench`, compiled by `build.rs` through
//! `asl_codegen::Builder`, beside hand-written Rust doing the same JSON work: the baseline a
//! compiler should approach.
//!
//! `cargo bench -p asl-bench` measures both; `BENCHMARKS.md` has the figures.

use std::path::PathBuf;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use asl_runtime::{Options, Value};
use serde_json::json;

include!(concat!(env!("OUT_DIR"), "/machines.rs"));

/// One workload: its definition's name, input, and the transitions one execution makes
/// (a transition = one state entered).
pub struct Workload {
    pub name: &'static str,
    pub transitions: u64,
}

pub const PASS_CHAIN: Workload = Workload {
    name: "pass-chain",
    transitions: 100,
};
pub const CHOICE_LOOP: Workload = Workload {
    name: "choice-loop",
    transitions: 20_003,
};
pub const MAP_FANOUT: Workload = Workload {
    name: "map-fanout",
    transitions: 30_001,
};

/// The repository's `testdata/bench` directory (or `$ASL_TESTDATA_DIR/bench`).
pub fn bench_dir() -> PathBuf {
    match std::env::var_os("ASL_TESTDATA_DIR") {
        Some(d) => PathBuf::from(d).join("bench"),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/bench"),
    }
}

/// A workload's input document, as `serde_json` reads it (the baseline's value type;
/// `Value::from(&doc)` gives the compiled machines theirs).
pub fn input(w: &Workload) -> serde_json::Value {
    let path = bench_dir().join(format!("{}.input.json", w.name));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Options for measuring: no history kept (as for an Express execution).
pub fn fast_options() -> Options {
    Options {
        history: false,
        execution_name: Some("bench".into()),
        ..Options::default()
    }
}

/// Runs a compiled workload once on the current runtime.
pub async fn run_compiled(w: &Workload, input: Value) -> Value {
    let options = fast_options();
    let run = match w.name {
        "pass-chain" => PassChain::default().execute(input, &options).await,
        "choice-loop" => ChoiceLoop::default().execute(input, &options).await,
        _ => MapFanout::default().execute(input, &options).await,
    };
    run.result.unwrap_or_else(|e| panic!("{}: {e}", w.name))
}

/// Hand-written equivalents: the same JSON values built and read, no interpretation.
pub mod baseline {
    use super::*;
    use serde_json::Value;

    /// pass-chain: 100 × `Parameters {step, name.$, prev.$, tags.$}` with `ResultPath $.acc`.
    pub fn pass_chain(mut input: Value) -> Value {
        for step in 1..=100u64 {
            let acc = &input["acc"];
            let params = json!({
                "step": step,
                "name": acc["name"].clone(),
                "prev": acc["step"].clone(),
                "tags": input["meta"]["tags"].clone(),
            });
            if let Value::Object(m) = &mut input {
                m.insert("acc".into(), params);
            }
        }
        input
    }

    /// choice-loop: `{i: 0}`, then 10,000 × (`i < 10000`? → `{i: i + 1}`).
    pub fn choice_loop(_input: Value) -> Value {
        let mut v = json!({ "i": 0 });
        loop {
            let i = v["i"].as_i64().unwrap_or(0);
            if (i as f64) >= 10_000.0 {
                return v;
            }
            v = json!({ "i": i + 1 });
        }
    }

    /// map-fanout: per item `{v, kind: "item"}`, then `"H"` when `v >= 5000` else `"L"`;
    /// the bands array written at `$.bands` and selected as the output.
    pub fn map_fanout(input: Value) -> Value {
        let items = input["items"].as_array().cloned().unwrap_or_default();
        let bands: Vec<Value> = items
            .into_iter()
            .map(|item| {
                let prep = json!({ "v": item["v"].clone(), "kind": "item" });
                let high = prep["v"].as_f64().is_some_and(|v| v >= 5000.0);
                Value::String(if high { "H" } else { "L" }.into())
            })
            .collect();
        let mut out = input;
        if let Value::Object(m) = &mut out {
            m.insert("bands".into(), Value::Array(bands));
        }
        out["bands"].take()
    }

    pub fn run(w: &Workload, input: Value) -> Value {
        match w.name {
            "pass-chain" => pass_chain(input),
            "choice-loop" => choice_loop(input),
            _ => map_fanout(input),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The baselines compute what the compiled machines compute.
    #[test]
    fn baselines_agree_with_the_compiled_machines() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        for w in [&PASS_CHAIN, &CHOICE_LOOP, &MAP_FANOUT] {
            let compiled = rt.block_on(run_compiled(w, Value::from(&input(w))));
            assert_eq!(compiled, baseline::run(w, input(w)), "{}", w.name);
        }
    }
}
