//! The conformance runner: every case of `testdata/conformance/cases` (and of the directories
//! in `ASL_CONFORMANCE_DIRS`), compiled by `build.rs`, run in paused tokio time with its
//! recorded mocks, compared with what AWS did (conformance/README.md, "How a runner must treat
//! each field").
//!
//! Prints `conformance: N passed, M failed, K skipped`, each skip with its reason, and each
//! failure with the difference. Skipped are only the cases that need features of later
//! milestones: Distributed Map. Callback (`.waitForTaskToken`) and
//! activity Tasks run: the handler's return value is what the callback delivers.

use asl_conformance::runner::{self, case_name};
use asl_conformance::{CASES, Case};

enum Outcome {
    Pass { events_match: Option<bool> },
    Fail(String),
    Skip(&'static str),
}

fn run_case(case: &Case) -> Outcome {
    let v = match runner::read_case(case.file) {
        Ok(v) => v,
        Err(e) => return Outcome::Fail(e),
    };
    let expect = &v["expect"];
    if runner::is_invalid(&v) {
        return match case.compiled {
            Err(_) => Outcome::Pass { events_match: None },
            Ok(_) => Outcome::Fail(format!(
                "AWS rejects the definition ({}), asl accepts it",
                expect["error"].as_str().unwrap_or("")
            )),
        };
    }
    if let Some(reason) = runner::skip_reason(&v["definition"]) {
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
    let run = match runner::run(machine, &v) {
        Ok(r) => r,
        Err(e) => return Outcome::Fail(e),
    };
    if let Err(diff) = runner::judge(expect, &run.result) {
        return Outcome::Fail(diff);
    }
    Outcome::Pass {
        events_match: runner::events_match(expect, &run),
    }
}

fn main() {
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let (mut events_ok, mut events_checked) = (0, 0);
    let mut skips: Vec<(String, &str)> = Vec::new();
    let mut failures = Vec::new();
    let mut event_diffs = Vec::new();
    for case in CASES {
        let name = case_name(case.file);
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
