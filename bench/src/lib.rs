//! The three benchmark workloads of `testdata/bench` and their JSONata forms, compiled by
//! `build.rs` through `asl_codegen::Builder`, beside hand-written Rust doing the same JSON work:
//! the baseline a compiler should approach. A JSONata form (`pass-chain-jsonata`, …) does the
//! same JSON work as its JSONPath form and shares its baseline (`tests/jsonata_forms.rs`).
//!
//! `cargo bench -p asl-bench` measures them; `BENCHMARKS.md` has the figures. [`jsonata`] holds
//! the JSONata expressions of the JSONata forms, timed alone against jsonata-js
//! (`src/bin/jsonata.rs`, `jsonata-node/run.mjs`).

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
/// pass-chain in JSONata: each state's `Output` is `$merge([$states.input, {'acc': {…}}])`.
pub const PASS_CHAIN_JSONATA: Workload = Workload {
    name: "pass-chain-jsonata",
    transitions: 100,
};
/// choice-loop in JSONata: the counter is a workflow variable (`Assign`, `Condition`).
pub const CHOICE_LOOP_JSONATA: Workload = Workload {
    name: "choice-loop-jsonata",
    transitions: 20_003,
};
/// map-fanout in JSONata: `Items`, `Output` and `Condition` expressions.
pub const MAP_FANOUT_JSONATA: Workload = Workload {
    name: "map-fanout-jsonata",
    transitions: 30_001,
};

/// The JSONPath workloads.
pub const JSONPATH: [&Workload; 3] = [&PASS_CHAIN, &CHOICE_LOOP, &MAP_FANOUT];
/// Every workload, each JSONata form after its JSONPath form.
pub const ALL: [&Workload; 6] = [
    &PASS_CHAIN,
    &PASS_CHAIN_JSONATA,
    &CHOICE_LOOP,
    &CHOICE_LOOP_JSONATA,
    &MAP_FANOUT,
    &MAP_FANOUT_JSONATA,
];

impl Workload {
    /// The workload called `name`.
    pub fn named(name: &str) -> Option<&'static Workload> {
        ALL.into_iter().find(|w| w.name == name)
    }

    /// Whether this is the JSONata form of a workload.
    pub fn is_jsonata(&self) -> bool {
        self.name.ends_with("-jsonata")
    }

    /// The name of the JSONPath form (the workload itself for a JSONPath workload): the one
    /// whose baseline and output this workload shares.
    pub fn jsonpath_form(&self) -> &'static str {
        self.name.strip_suffix("-jsonata").unwrap_or(self.name)
    }
}

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
    let run = execute_compiled(w, input, &fast_options()).await;
    run.result.unwrap_or_else(|e| panic!("{}: {e}", w.name))
}

/// Runs a compiled workload once with `options`: its outcome and history.
pub async fn execute_compiled(
    w: &Workload,
    input: Value,
    options: &Options,
) -> asl_runtime::Execution {
    match w.name {
        "pass-chain" => PassChain::default().execute(input, options).await,
        "choice-loop" => ChoiceLoop::default().execute(input, options).await,
        "map-fanout" => MapFanout::default().execute(input, options).await,
        "pass-chain-jsonata" => PassChainJsonata::default().execute(input, options).await,
        "choice-loop-jsonata" => ChoiceLoopJsonata::default().execute(input, options).await,
        "map-fanout-jsonata" => MapFanoutJsonata::default().execute(input, options).await,
        other => panic!("unknown workload {other}"),
    }
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

    /// The baseline of `w` (a JSONata form's is its JSONPath form's).
    pub fn run(w: &Workload, input: Value) -> Value {
        match w.jsonpath_form() {
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
        for w in ALL {
            let compiled = rt.block_on(run_compiled(w, Value::from(&input(w))));
            assert_eq!(compiled, baseline::run(w, input(w)), "{}", w.name);
        }
    }
}

/// The JSONata expressions of the JSONata workloads, each with the bindings it sees when the
/// workload runs (`jsonata-cases.json`, shared with `jsonata-node/run.mjs`): the expression is
/// read from the definition at a JSON pointer, so that it cannot drift from what the workload
/// evaluates.
pub mod jsonata {
    use std::path::PathBuf;

    use asl_runtime::{Map, Value};
    use asl_syntax::jsonata::{Expr, Template, parse, split_template};

    /// One expression and its bindings.
    pub struct Case {
        /// Its name (`pass-chain S050 Output`).
        pub name: String,
        /// The definition it comes from.
        pub definition: String,
        /// The text between `{%` and `%}`.
        pub text: String,
        /// The tree, parsed once.
        pub expr: Expr,
        /// `$states`: `{"input": <the state input>}`, as jsonata-js is given it.
        pub states: Value,
        /// `$states.input` alone.
        pub input: Value,
        /// The workflow variables bound beside `$states`.
        pub variables: Map,
        /// How many times one execution of the workload evaluates it.
        pub per_execution: u64,
    }

    /// `bench/jsonata-cases.json`.
    pub fn cases_file() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("jsonata-cases.json")
    }

    /// The cases, their expressions read from the definitions of [`super::bench_dir`].
    pub fn cases() -> Vec<Case> {
        let read = |path: PathBuf| -> serde_json::Value {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        };
        let list = read(cases_file());
        let dir = super::bench_dir();
        list.as_array()
            .expect("an array of cases")
            .iter()
            .map(|c| {
                let name = c["case"].as_str().expect("case").to_owned();
                let definition = c["definition"].as_str().expect("definition").to_owned();
                let doc = read(dir.join(format!("{definition}.asl.json")));
                let pointer = c["pointer"].as_str().expect("pointer");
                let field = doc
                    .pointer(pointer)
                    .and_then(|v| v.as_str())
                    .unwrap_or_else(|| panic!("{name}: no string at {pointer} in {definition}"));
                let Template::Expression(text) = split_template(field) else {
                    panic!("{name}: {field:?} is not a JSONata expression");
                };
                let expr = parse(text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
                let input = match c.get("states_input_file").and_then(|f| f.as_str()) {
                    Some(f) => read(dir.join(f)),
                    None => c["states_input"].clone(),
                };
                let input = Value::from(&input);
                let mut states = Map::with_capacity(1);
                states.insert("input", input.clone());
                let mut variables = Map::new();
                if let Some(vars) = c.get("variables").and_then(|v| v.as_object()) {
                    for (k, v) in vars {
                        variables.insert(k.as_str(), Value::from(v));
                    }
                }
                Case {
                    name,
                    definition,
                    text: text.to_owned(),
                    expr,
                    states: Value::object(states),
                    input,
                    variables,
                    per_execution: c["per_execution"].as_u64().unwrap_or(1),
                }
            })
            .collect()
    }
}

/// Runs `f` for `budget` after a warm-up of a fifth of it, in batches of calls long enough
/// (≈ 100 µs) that reading the clock costs nothing measurable, in five equal blocks; returns
/// the calls made and the seconds per call of the fastest block (as `timing` does).
pub fn time_per_call(budget: std::time::Duration, mut f: impl FnMut()) -> (u64, f64) {
    use std::time::Instant;
    let warm = Instant::now();
    let mut calls = 0u64;
    while warm.elapsed() < budget / 5 {
        f();
        calls += 1;
    }
    let per = warm.elapsed().as_secs_f64() / calls as f64;
    let batch = ((100e-6 / per) as u64).max(1);
    let mut total = 0u64;
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < budget / 5 {
            for _ in 0..batch {
                f();
            }
            n += batch;
        }
        total += n;
        best = best.min(start.elapsed().as_secs_f64() / n as f64);
    }
    (total, best)
}
