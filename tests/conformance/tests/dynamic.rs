//! The differential runner for machines compiled at run time
//! (`asl_runtime::dynamic::DynamicMachine`): every conformance case's definition, the very
//! text `build.rs` gave the compiler, is compiled again at run time and must give
//!
//! - the same descriptor as the compiled machine, field by field (but for what only compiled
//!   machines have: lowered states, and the JSONPath Choice rules in code rather than data);
//! - the same outcome (status, output, error, cause) as the compiled machine, and the outcome
//!   AWS recorded (the conformance runner's judgement);
//! - the same history (event ids, types and states) as the compiled machine;
//! - for definitions the compiler rejects (AWS's INVALID cases among them): a rejection, with
//!   the same diagnostics rendered the same way.
//!
//! Skipped: the cases the conformance runner skips (Distributed Map). Prints
//! `dynamic: N passed, M failed, K skipped` and fails when M > 0.

use asl_conformance::runner::{self, case_name};
use asl_conformance::{CASES, Case, DEFS_DIR};
use asl_runtime::dynamic::DynamicMachine;
use asl_runtime::machine::{ChoiceRule, Kind, Machine};
use asl_runtime::{ExecutionError, Value};
use asl_syntax::CheckOptions;
use asl_syntax::ast::MachineType;
use asl_syntax::diag::{Diagnostic, Diagnostics};
use asl_syntax::source::Source;

enum Outcome {
    /// Ran alike, or (`Rejected`) rejected alike.
    Pass,
    Rejected,
    Fail(String),
    Skip(&'static str),
}

/// The front end's options for a case, as `build.rs` sets them.
fn check_options(case: &Value) -> CheckOptions {
    CheckOptions {
        machine_type: match case["machine_type"].as_str() {
            Some("EXPRESS") => MachineType::Express,
            _ => MachineType::Standard,
        },
        ..CheckOptions::default()
    }
}

/// Diagnostics as the build script renders them (`Builder`: rustc style, no color, the
/// definition file as the source name).
fn rendered(src: &Source, list: Vec<Diagnostic>) -> String {
    let mut diags = Diagnostics::default();
    for d in list {
        diags.push(d);
    }
    asl_syntax::render::render(src, &diags, false)
}

fn run_case(case: &Case) -> Outcome {
    let v = match runner::read_case(case.file) {
        Ok(v) => v,
        Err(e) => return Outcome::Fail(e),
    };
    let def_file = format!("{DEFS_DIR}/{}.asl.json", case.name);
    let text = match std::fs::read_to_string(&def_file) {
        Ok(t) => t,
        Err(e) => return Outcome::Fail(format!("cannot read {def_file}: {e}")),
    };
    let dynamic = DynamicMachine::compile(case.name, &text, &check_options(&v));
    let (compiled, dynamic) = match (case.compiled, dynamic) {
        (Err(msg), Err(diags)) => {
            let got = rendered(&Source::new(def_file, text), diags);
            return if got != msg {
                Outcome::Fail(format!(
                    "both reject it, with other diagnostics:\n--- compiled\n{msg}\n--- dynamic\n{got}"
                ))
            } else if runner::is_invalid(&v) {
                Outcome::Rejected
            } else {
                Outcome::Fail("AWS accepts the definition, asl rejects it (both ways)".into())
            };
        }
        (Ok(_), Err(diags)) => {
            let got = rendered(&Source::new(def_file, text), diags);
            return Outcome::Fail(format!(
                "compiled at build time, rejected at run time:\n{got}"
            ));
        }
        (Err(_), Ok(_)) => {
            return Outcome::Fail("rejected at build time, compiled at run time".into());
        }
        (Ok(m), Ok(d)) => (m(), d),
    };
    if runner::is_invalid(&v) {
        return Outcome::Fail("AWS rejects the definition, asl accepts it".into());
    }
    if let Some(reason) = runner::skip_reason(&v["definition"]) {
        return Outcome::Skip(reason);
    }
    if let Err(diff) = same_descriptor(compiled, dynamic.descriptor()) {
        return Outcome::Fail(format!("descriptors differ: {diff}"));
    }
    let want = match runner::run(compiled, &v) {
        Ok(r) => r,
        Err(e) => return Outcome::Fail(format!("compiled: {e}")),
    };
    let got = match runner::run(dynamic.descriptor(), &v) {
        Ok(r) => r,
        Err(e) => return Outcome::Fail(format!("dynamic: {e}")),
    };
    if !same_result(&want.result, &got.result) {
        return Outcome::Fail(format!(
            "compiled {}\n     dynamic {}",
            runner::describe(&want.result),
            runner::describe(&got.result)
        ));
    }
    if let Err(diff) = runner::judge(&v["expect"], &got.result) {
        return Outcome::Fail(diff);
    }
    if want.history != got.history {
        let at = want
            .history
            .iter()
            .zip(&got.history)
            .position(|(a, b)| a != b)
            .unwrap_or(want.history.len().min(got.history.len()));
        return Outcome::Fail(format!(
            "histories differ at event {} of {}/{}: compiled {:?}, dynamic {:?}",
            at + 1,
            want.history.len(),
            got.history.len(),
            want.history.get(at),
            got.history.get(at)
        ));
    }
    Outcome::Pass
}

/// Equal outputs to the letter (key order and number forms too), or equal errors and causes.
fn same_result(a: &Result<Value, ExecutionError>, b: &Result<Value, ExecutionError>) -> bool {
    match (a, b) {
        (Ok(x), Ok(y)) => x.to_json_string() == y.to_json_string(),
        (Err(x), Err(y)) => x == y,
        _ => false,
    }
}

/// The compiled and the dynamic descriptor, field by field. The trees (paths, templates,
/// intrinsic calls, JSONata) are compared through `Debug`, which shows borrowed and owned
/// `Cow`s alike. What differs by design: `lowered` (never for dynamic machines), `choose` and
/// `step` (functions), and a JSONPath Choice rule's data (`None` when compiled, the rule when
/// dynamic).
fn same_descriptor(c: &'static Machine, d: &'static Machine) -> Result<(), String> {
    fn dbg(x: impl std::fmt::Debug) -> String {
        format!("{x:?}")
    }
    let differ = |place: String, fields: Vec<(&str, String, String)>| {
        for (what, x, y) in fields {
            if x != y {
                return Err(format!(
                    "{place}{what}:\n       compiled {x}\n       dynamic  {y}"
                ));
            }
        }
        Ok(())
    };
    differ(
        String::new(),
        vec![
            ("name", dbg(c.name), dbg(d.name)),
            ("definition", dbg(c.definition), dbg(d.definition)),
            ("start", dbg(c.start), dbg(d.start)),
            ("timeout", dbg(c.timeout_seconds), dbg(d.timeout_seconds)),
            ("express", dbg(c.express), dbg(d.express)),
            ("keeps_input", dbg(c.keeps_input), dbg(d.keeps_input)),
            ("tasks", dbg(c.tasks), dbg(d.tasks)),
            ("states", dbg(c.states.len()), dbg(d.states.len())),
        ],
    )?;
    for (i, (a, b)) in c.states.iter().zip(d.states).enumerate() {
        let place = format!("state #{i} `{}` ", a.name);
        let mut fields = vec![
            ("name", dbg(a.name), dbg(b.name)),
            ("next", dbg(a.next), dbg(b.next)),
            ("InputPath", dbg(&a.input_path), dbg(&b.input_path)),
            ("OutputPath", dbg(&a.output_path), dbg(&b.output_path)),
            ("uses_context", dbg(a.uses_context), dbg(b.uses_context)),
            ("context_input", dbg(a.context_input), dbg(b.context_input)),
            ("lowered", dbg(false), dbg(b.lowered)),
            ("jsonata", dbg(a.jsonata), dbg(b.jsonata)),
            ("Assign", dbg(&a.assign), dbg(&b.assign)),
            ("Output", dbg(&a.output), dbg(&b.output)),
        ];
        match (&a.kind, &b.kind) {
            (Kind::Choice(x), Kind::Choice(y)) => {
                fields.push(("Default", dbg(x.default), dbg(y.default)));
                fields.push(("rules", dbg(x.rules.len()), dbg(y.rules.len())));
                for (r, s) in x.rules.iter().zip(y.rules) {
                    let show = |r: &ChoiceRule| dbg((r.next, &r.condition, &r.assign, &r.output));
                    fields.push(("rule", show(r), show(s)));
                    // A JSONPath rule carries its data; a JSONata one its condition.
                    let jsonpath = r.rule.is_none() && r.condition.is_none();
                    fields.push(("rule data", dbg(jsonpath), dbg(s.rule.is_some())));
                }
            }
            (x, y) => fields.push(("kind", dbg(x), dbg(y))),
        }
        differ(place, fields)?;
    }
    Ok(())
}

fn main() {
    let (mut passed, mut failed, mut skipped, mut rejected) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    let mut skips = Vec::new();
    for case in CASES {
        let name = case_name(case.file);
        match run_case(case) {
            Outcome::Pass => passed += 1,
            Outcome::Rejected => {
                passed += 1;
                rejected += 1;
            }
            Outcome::Fail(why) => {
                failed += 1;
                failures.push(format!("FAIL {name}\n     {why}"));
            }
            Outcome::Skip(reason) => {
                skipped += 1;
                skips.push(format!("skip {name}: needs {reason}"));
            }
        }
    }
    for s in &skips {
        println!("{s}");
    }
    for f in &failures {
        println!("{f}");
    }
    println!(
        "dynamic: {} ran alike, {rejected} rejected alike (AWS's INVALID cases)",
        passed - rejected
    );
    println!("dynamic: {passed} passed, {failed} failed, {skipped} skipped");
    if failed > 0 {
        eprintln!("{failed} cases differ between compiled and dynamic machines (listed above)");
        std::process::exit(1);
    }
}
