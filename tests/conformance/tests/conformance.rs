//! The conformance runner: every case of `testdata/conformance/cases` (and of the directories
//! in `ASL_CONFORMANCE_DIRS`), compiled by `build.rs`, run in paused tokio time with its
//! recorded mocks, compared with what AWS did (conformance/README.md, "How a runner must treat
//! each field").
//!
//! Prints `conformance: N passed, M failed, K skipped`, each skip with its reason, and each
//! failure with the difference. Skipped are only the cases that need features of later
//! milestones: Distributed Map. Callback (`.waitForTaskToken`) and
//! activity Tasks run: the handler's return value is what the callback delivers.

use asl_conformance::{CASES, Case};
use asl_runtime::handler::Dynamic;
use asl_runtime::mock::Mocks;
use asl_runtime::{Options, Value};

/// Why a case cannot run yet, from its definition.
fn skip_reason(def: &Value) -> Option<&'static str> {
    let text = def.to_string();
    if text.contains("\"DISTRIBUTED\"") || text.contains("\"ItemReader\"") {
        return Some("Distributed Map");
    }
    None
}

/// Numbers by value, objects regardless of key order (README step 5).
fn json_eq(a: &Value, b: &Value) -> bool {
    a.eq_by_value(b)
}

enum Outcome {
    Pass { events_match: Option<bool> },
    Fail(String),
    Skip(&'static str),
}

fn run_case(case: &Case) -> Outcome {
    let text = match std::fs::read_to_string(case.file) {
        Ok(t) => t,
        Err(e) => return Outcome::Fail(format!("cannot read: {e}")),
    };
    let v: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return Outcome::Fail(format!("not JSON: {e}")),
    };
    let expect = &v["expect"];
    let status = expect["status"].as_str().unwrap_or("");
    if status == "INVALID" {
        return match case.compiled {
            Err(_) => Outcome::Pass { events_match: None },
            Ok(_) => Outcome::Fail(format!(
                "AWS rejects the definition ({}), asl accepts it",
                expect["error"].as_str().unwrap_or("")
            )),
        };
    }
    if let Some(reason) = skip_reason(&v["definition"]) {
        return Outcome::Skip(reason);
    }
    let machine = match case.compiled {
        Ok(m) => m(),
        Err(msg) => {
            return Outcome::Fail(format!(
                "AWS accepts the definition, asl rejects it:\n{msg}"
            ));
        }
    };
    let mocks = match Mocks::from_case_json(&v["mocks"]) {
        Ok(m) => m,
        Err(e) => return Outcome::Fail(format!("bad mocks: {e}")),
    };
    let ctx = &v["context"];
    let s = |p: &str| ctx.pointer(p).and_then(Value::as_str).map(str::to_string);
    let options = Options {
        execution_name: s("/Execution/Name"),
        execution_id: s("/Execution/Id"),
        role_arn: s("/Execution/RoleArn"),
        state_machine_name: s("/StateMachine/Name"),
        state_machine_id: s("/StateMachine/Id"),
        seed: Some(7),
        ..Options::default()
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("tokio runtime");
    let input = v["input"].clone();
    let run = rt.block_on(asl_runtime::driver::run(
        machine,
        &Dynamic(&mocks),
        input,
        &options,
    ));
    let unmocked = mocks.unmocked();
    if !unmocked.is_empty() {
        return Outcome::Fail(format!(
            "called Task states AWS did not call (no mock): {unmocked:?}"
        ));
    }
    let got = match &run.result {
        Ok(out) => format!("SUCCEEDED {out}"),
        Err(e) => format!("FAILED error={:?} cause={:?}", e.error, e.cause),
    };
    let ok = match (status, &run.result) {
        ("SUCCEEDED", Ok(out)) => json_eq(out, &expect["output"]),
        ("FAILED", Err(e)) => {
            e.error.as_deref() == expect["error"].as_str()
                && match expect.get("cause") {
                    None => true,
                    Some(c) => e.cause.as_deref() == c.as_str(),
                }
        }
        _ => false,
    };
    if !ok {
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
        return Outcome::Fail(format!("expected {want}\n     got {got}"));
    }
    let events_match = expect.get("events").and_then(Value::as_array).map(|want| {
        let got: Vec<&str> = run.history.iter().map(|e| e.kind).collect();
        let want: Vec<&str> = want.iter().filter_map(Value::as_str).collect();
        got == want
    });
    Outcome::Pass { events_match }
}

fn main() {
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let (mut events_ok, mut events_checked) = (0, 0);
    let mut skips: Vec<(String, &str)> = Vec::new();
    let mut failures = Vec::new();
    let mut event_diffs = Vec::new();
    for case in CASES {
        let name = std::path::Path::new(case.file).file_name().map_or_else(
            || case.file.to_string(),
            |f| f.to_string_lossy().into_owned(),
        );
        match run_case(case) {
            Outcome::Pass { events_match } => {
                passed += 1;
                if let Some(m) = events_match {
                    events_checked += 1;
                    if m {
                        events_ok += 1;
                    } else {
                        event_diffs.push(name);
                    }
                }
            }
            Outcome::Fail(why) => {
                failed += 1;
                failures.push(format!("FAIL {name}\n     {why}"));
            }
            Outcome::Skip(reason) => {
                skipped += 1;
                skips.push((name, reason));
            }
        }
    }
    for (name, reason) in &skips {
        println!("skip {name}: needs {reason}");
    }
    for f in &failures {
        println!("{f}");
    }
    if std::env::var_os("ASL_CONFORMANCE_EVENTS").is_some() {
        for n in &event_diffs {
            println!("events differ: {n}");
        }
    }
    println!(
        "history: {events_ok} of {events_checked} recorded event sequences reproduced exactly"
    );
    println!("conformance: {passed} passed, {failed} failed, {skipped} skipped");
    if failed > 0 {
        eprintln!("{failed} conformance cases failed (listed above)");
        std::process::exit(1);
    }
}
