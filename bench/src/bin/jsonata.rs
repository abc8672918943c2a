//! Times asl's JSONata evaluator alone on the expressions of the JSONata workloads
//! (`bench/jsonata-cases.json`), as `jsonata-node/run.mjs` times jsonata-js 2.0.6 on the same
//! expressions and bindings, so that `compare.sh` can put them side by side.
//!
//! ```text
//! jsonata [--seconds N]     one JSON line per (engine, case)
//! jsonata --count CASE N    evaluate case number CASE (0-based) N times (for perf record)
//! ```
//!
//! Two engines:
//! - `asl evaluator`: `asl_runtime::jsonata::evaluate(&expr, None, &globals, Limits::default(),
//!   0.0)` on the tree parsed once, the globals answering `states` with a `$states` built once
//!   (`{"input": …}`) and the variables from a map: exactly the bindings jsonata-js is given.
//! - `asl Query::eval`: the same expression through `asl_runtime::query::Query` as the driver
//!   evaluates a state's field: a `Query` per evaluation, which builds its `$states` (input and
//!   context) on first use, checks the result and keeps the field's name for errors.
//! - `hand-written Rust`: what the expression computes, written directly on `asl_runtime::Value`
//!   with the same bindings (borrowed lookups, shared values): the floor that code generated for
//!   the expression (a lowering, as JSONPath Pass and Choice states have) would approach.

use std::time::Duration;

use asl_bench::jsonata::{Case, cases};
use asl_bench::time_per_call;
use asl_runtime::jsonata::{Limits, Outcome, evaluate};
use asl_runtime::query::Query;
use asl_runtime::{Map, Value};
use asl_syntax::jsonata::Parsed;

fn eval_bare(c: &Case) -> Outcome {
    let globals = |name: &str| -> Option<Value> {
        if name == "states" {
            return Some(c.states.clone());
        }
        c.variables.get(name).cloned()
    };
    evaluate(&c.expr, None, &globals, Limits::default(), 0.0)
        .unwrap_or_else(|e| panic!("{}: {e:?}", c.name))
}

/// A context object of the shape the driver gives `$states.context` (shared, not copied).
fn context() -> Value {
    Value::from(&serde_json::json!({
        "Execution": {
            "Id": "arn:aws:states:us-east-1:123456789012:execution:bench:bench",
            "Input": {},
            "Name": "bench",
            "RoleArn": "arn:aws:iam::123456789012:role/bench",
            "StartTime": "2026-11-30T12:00:00.000Z",
            "RedriveCount": 0
        },
        "State": { "EnteredTime": "2026-11-30T12:00:00.000Z", "Name": "S", "RetryCount": 0 },
        "StateMachine": {
            "Id": "arn:aws:states:us-east-1:123456789012:stateMachine:bench",
            "Name": "bench"
        }
    }))
}

fn eval_query(c: &Case, p: &Parsed, ctx: &Value, vars: Option<&Map>) -> Value {
    let q = Query::new("S", 2, &c.input, ctx, vars, 0.0);
    q.eval(p, "Output")
        .unwrap_or_else(|e| panic!("{}: {e:?}", c.name))
}

/// The expression written by hand, by case name; `None` for a case without one.
fn hand_written(c: &Case) -> Option<Value> {
    let input = &c.input;
    let var = |n: &str| c.variables.get(n).and_then(Value::as_f64);
    Some(match c.name.as_str() {
        // $merge([$states.input, {'acc': {'step': 50, 'name': …acc.name, 'prev': …acc.step,
        // 'tags': …meta.tags}}])
        "pass-chain S050 Output" => {
            let acc = input.get("acc");
            let field = |v: Option<&Value>, k: &str| v.and_then(|v| v.get(k)).cloned();
            let mut m = Map::with_capacity(4);
            m.insert("step", Value::from(50u64));
            if let Some(v) = field(acc, "name") {
                m.insert("name", v);
            }
            if let Some(v) = field(acc, "step") {
                m.insert("prev", v);
            }
            if let Some(v) = field(input.get("meta"), "tags") {
                m.insert("tags", v);
            }
            let mut out = input.as_object().cloned().unwrap_or_default();
            out.insert("acc", Value::object(m));
            Value::object(out)
        }
        "choice-loop Check Condition" => Value::Bool(var("i")? < 10000.0),
        "choice-loop Inc Assign" => Value::from(var("i")? as i64 + 1),
        "map-fanout Fan Items" => input.get("items")?.clone(),
        "map-fanout Prep Output.v" => input.get("v")?.clone(),
        "map-fanout Classify Condition" => Value::Bool(input.get("v")?.as_f64()? >= 5000.0),
        _ => return None,
    })
}

fn outcome_json(o: &Outcome) -> String {
    match o {
        Outcome::Value(v) => v.to_json_string(),
        Outcome::Undefined => "undefined".into(),
        Outcome::Function => "function".into(),
    }
}

fn report(engine: &str, c: &Case, calls: u64, per: f64, result: &str) {
    println!(
        "{}",
        serde_json::json!({
            "engine": engine,
            "case": c.name,
            "definition": c.definition,
            "expression": c.text.trim(),
            "evals": calls,
            "ns_per_eval": per * 1e9,
            "per_execution": c.per_execution,
            "result_bytes": result.len(),
            "result_head": result.chars().take(80).collect::<String>(),
        })
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cases = cases();
    if let [flag, k, n] = args.as_slice()
        && flag == "--count"
    {
        let (Ok(k), Ok(n)) = (k.parse::<usize>(), n.parse::<u64>()) else {
            eprintln!("usage: jsonata --count CASE N");
            std::process::exit(2);
        };
        let c = &cases[k];
        for _ in 0..n {
            std::hint::black_box(eval_bare(c));
        }
        return;
    }
    let seconds = match args.as_slice() {
        [flag, n] if flag == "--seconds" => n.parse().unwrap_or(2.0),
        _ => 2.0,
    };
    let budget = Duration::from_secs_f64(seconds);
    let ctx = context();
    for c in &cases {
        let result = outcome_json(&eval_bare(c));
        let (calls, per) = time_per_call(budget, || {
            std::hint::black_box(eval_bare(c));
        });
        report("asl evaluator", c, calls, per, &result);

        let p = Parsed::new(&c.text).unwrap_or_else(|e| panic!("{}: {e:?}", c.name));
        let vars = (!c.variables.is_empty()).then_some(&c.variables);
        let result = eval_query(c, &p, &ctx, vars).to_json_string();
        let (calls, per) = time_per_call(budget, || {
            std::hint::black_box(eval_query(c, &p, &ctx, vars));
        });
        report("asl Query::eval", c, calls, per, &result);

        if let Some(v) = hand_written(c) {
            let result = v.to_json_string();
            let (calls, per) = time_per_call(budget, || {
                std::hint::black_box(hand_written(std::hint::black_box(c)));
            });
            report("hand-written Rust", c, calls, per, &result);
        }
    }
}
