//! What the conformance runners share (`tests/conformance.rs` runs the compiled machines,
//! `tests/dynamic.rs` the same definitions compiled at run time): reading a case, the
//! execution options and mocks it records, one run in paused tokio time, and the judgement
//! of an outcome against the case's `expect` (conformance/README.md, "How a runner must treat
//! each field").

use asl_runtime::driver::Execution;
use asl_runtime::handler::Dynamic;
use asl_runtime::machine::Machine;
use asl_runtime::mock::Mocks;
use asl_runtime::{ExecutionError, Options, Value};

/// A case file, parsed.
pub fn read_case(file: &str) -> Result<Value, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))
}

/// Why a case cannot run yet, from its definition: only the features of later milestones
/// (a Distributed Map's S3 ItemReader and ResultWriter).
pub fn skip_reason(def: &Value) -> Option<&'static str> {
    let text = def.to_string();
    if text.contains("\"ItemReader\"") || text.contains("\"ResultWriter\"") {
        return Some("a Distributed Map's S3 ItemReader or ResultWriter");
    }
    None
}

/// Whether AWS rejected the case's definition (`expect.status` is `INVALID`).
pub fn is_invalid(case: &Value) -> bool {
    case["expect"]["status"].as_str() == Some("INVALID")
}

/// The options of a run: the recorded context's names and ids, a fixed jitter seed.
pub fn options(case: &Value) -> Options {
    let ctx = &case["context"];
    let s = |p: &str| ctx.pointer(p).and_then(Value::as_str).map(str::to_string);
    Options {
        execution_name: s("/Execution/Name"),
        execution_id: s("/Execution/Id"),
        role_arn: s("/Execution/RoleArn"),
        state_machine_name: s("/StateMachine/Name"),
        state_machine_id: s("/StateMachine/Id"),
        seed: Some(7),
        ..Options::default()
    }
}

/// Runs `machine` on the case's input with its recorded mocks (fresh ones each run: they
/// count calls), in paused time. Fails when the mocks are malformed or a Task state AWS did
/// not call was called.
pub fn run(machine: &'static Machine, case: &Value) -> Result<Execution, String> {
    let mocks = Mocks::from_case_json(&case["mocks"]).map_err(|e| format!("bad mocks: {e}"))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("tokio runtime");
    let run = rt.block_on(asl_runtime::driver::run(
        machine,
        &Dynamic(&mocks),
        case["input"].clone(),
        &options(case),
    ));
    let unmocked = mocks.unmocked();
    if !unmocked.is_empty() {
        return Err(format!(
            "called Task states AWS did not call (no mock): {unmocked:?}"
        ));
    }
    Ok(run)
}

/// An outcome as the reports print it.
pub fn describe(result: &Result<Value, ExecutionError>) -> String {
    match result {
        Ok(out) => format!("SUCCEEDED {out}"),
        Err(e) => format!("FAILED error={:?} cause={:?}", e.error, e.cause),
    }
}

/// Whether an outcome is what AWS recorded: the status, then the output (numbers by value,
/// objects regardless of key order: README step 5) or the error and, when recorded, the cause.
/// `Err` says what was expected and what came.
pub fn judge(expect: &Value, result: &Result<Value, ExecutionError>) -> Result<(), String> {
    let status = expect["status"].as_str().unwrap_or("");
    let ok = match (status, result) {
        ("SUCCEEDED", Ok(out)) => out.eq_by_value(&expect["output"]),
        ("FAILED", Err(e)) => {
            e.error.as_deref() == expect["error"].as_str()
                && match expect.get("cause") {
                    None => true,
                    Some(c) => e.cause.as_deref() == c.as_str(),
                }
        }
        _ => false,
    };
    if ok {
        return Ok(());
    }
    let want = match status {
        "SUCCEEDED" => format!("SUCCEEDED {}", expect["output"]),
        _ => format!(
            "FAILED error={} cause={}",
            expect["error"],
            expect
                .get("cause")
                .map_or("(unchecked)".into(), |c| c.to_string())
        ),
    };
    Err(format!("expected {want}\n     got {}", describe(result)))
}

/// Whether the run's event types are the recorded sequence, when the case records one.
pub fn events_match(expect: &Value, run: &Execution) -> Option<bool> {
    expect.get("events").and_then(Value::as_array).map(|want| {
        let got: Vec<&str> = run.history.iter().map(|e| e.kind).collect();
        let want: Vec<&str> = want.iter().filter_map(Value::as_str).collect();
        got == want
    })
}

/// The case file's name, for reports.
pub fn case_name(file: &str) -> String {
    std::path::Path::new(file)
        .file_name()
        .map_or_else(|| file.to_string(), |f| f.to_string_lossy().into_owned())
}
