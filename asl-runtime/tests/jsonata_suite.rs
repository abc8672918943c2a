//! The JSONata reference implementation's own test suite (jsonata-js v2.0.6, what AWS runs,
//! ASL-JA-03), from `testdata/jsonata-suite`, run through asl's parser and evaluator.
//!
//! Prints `jsonata-suite: N passed, M failed, K skipped`. Every case that does not pass is
//! listed in `tests/jsonata-suite-exceptions.txt` with its reason (an AWS difference with its
//! ASL-REFERENCE ID, or a named gap); the test fails when a case fails that is not listed,
//! when a listed case passes (so the list stays true), or when fewer than 99 % pass.
//!
//! `JSONATA_SUITE_GROUP=<prefix>` runs the groups whose name starts with it, and
//! `JSONATA_SUITE_VERBOSE=1` prints each failure.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use asl_runtime::Value;
use asl_runtime::jsonata::{Limits, Outcome, evaluate};

struct Case {
    name: String,
    body: serde_json::Value,
}

fn cases(root: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    let mut groups: Vec<PathBuf> = std::fs::read_dir(root.join("groups"))
        .expect("testdata/jsonata-suite/groups")
        .map(|e| e.expect("entry").path())
        .collect();
    groups.sort();
    for group in groups {
        let gname = group.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&group)
            .expect("group")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for f in files {
            let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&f).expect("case file");
            // A case holding a lone UTF-16 surrogate (`"\uD800"`) is not JSON a Rust string
            // can hold; it fails with that reason.
            let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| {
                serde_json::json!({ "unreadable": format!("the case is not JSON Rust can read: {e}") })
            });
            // `expr-file`: the expression is in a file beside the case.
            let with_expr = |mut body: serde_json::Value| {
                if let Some(file) = body.get("expr-file").and_then(|f| f.as_str()) {
                    let text = std::fs::read_to_string(group.join(file)).expect("expr-file");
                    body["expr"] = serde_json::Value::String(text);
                }
                body
            };
            match v {
                serde_json::Value::Array(list) => {
                    for (i, body) in list.into_iter().map(with_expr).enumerate() {
                        out.push(Case {
                            name: format!("{gname}/{stem}[{i}]"),
                            body,
                        });
                    }
                }
                body => out.push(Case {
                    name: format!("{gname}/{stem}"),
                    body: with_expr(body),
                }),
            }
        }
    }
    out
}

/// Equality of JSON values with numbers compared as doubles (the suite's numbers are
/// JavaScript numbers) and object members in any order.
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            x == y || ((x - y).abs() <= 1e-12 * x.abs().max(y.abs()))
        }
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

enum Verdict {
    Pass,
    Fail(String),
}

fn run_case(root: &Path, case: &serde_json::Value) -> Verdict {
    if let Some(why) = case.get("unreadable").and_then(|w| w.as_str()) {
        return Verdict::Fail(why.to_string());
    }
    let expr = case["expr"].as_str().unwrap_or_default();
    let input: Option<Value> = if let Some(d) = case.get("data") {
        Some(Value::from(d))
    } else {
        match case.get("dataset") {
            Some(serde_json::Value::String(name)) => {
                let text =
                    std::fs::read_to_string(root.join("datasets").join(format!("{name}.json")))
                        .expect("dataset");
                Some(Value::from(
                    serde_json::from_str::<serde_json::Value>(&text).expect("dataset JSON"),
                ))
            }
            _ => None,
        }
    };
    let bindings: BTreeMap<String, Value> = case
        .get("bindings")
        .and_then(|b| b.as_object())
        .map(|m| m.iter().map(|(k, v)| (k.clone(), Value::from(v))).collect())
        .unwrap_or_default();
    let globals = |name: &str| bindings.get(name).cloned();
    // The case's own limits (jsonata-js's test harness: `timelimit` in ms, `depth` in nested
    // evaluations); ten seconds otherwise.
    let limits = Limits {
        time_limit: Some(Duration::from_millis(
            case.get("timelimit")
                .and_then(|t| t.as_u64())
                .unwrap_or(10_000),
        )),
        max_depth: case
            .get("depth")
            .and_then(|d| d.as_u64())
            .map_or(Limits::unbounded().max_depth, |d| d as u32),
        // jsonata-js has no memory bound (AWS's, ASL-JA-12, is tested with the runtime).
        max_bytes: None,
    };
    let expected_code = case
        .get("code")
        .or_else(|| case.get("error").and_then(|e| e.get("code")))
        .and_then(|c| c.as_str());
    let parsed = asl_syntax::jsonata::parse(expr);
    let outcome = match parsed {
        Err(e) => Err((e.code.to_string(), e.message)),
        Ok(ast) => {
            let now = 1_700_000_000_000.0;
            evaluate(&ast, input.as_ref(), &globals, limits, now)
                .map_err(|e| (e.code.to_string(), e.message))
        }
    };
    match (outcome, expected_code) {
        (Err((code, _)), Some(want)) if code == want => Verdict::Pass,
        (Err((code, msg)), Some(want)) => {
            Verdict::Fail(format!("error {code} ({msg}), expected {want}"))
        }
        (Err((code, msg)), None) => Verdict::Fail(format!("error {code}: {msg}")),
        (Ok(got), Some(want)) => Verdict::Fail(format!("got {got:?}, expected error {want}")),
        (Ok(got), None) => {
            if case.get("undefinedResult").and_then(|u| u.as_bool()) == Some(true) {
                return match got {
                    Outcome::Undefined => Verdict::Pass,
                    other => Verdict::Fail(format!("got {other:?}, expected undefined")),
                };
            }
            let Some(want) = case.get("result") else {
                return Verdict::Fail("case has no expected result".into());
            };
            match got {
                Outcome::Value(v) => {
                    let v = serde_json::Value::from(&v);
                    if same(&v, want) {
                        Verdict::Pass
                    } else {
                        Verdict::Fail(format!("got {v}, expected {want}"))
                    }
                }
                other => Verdict::Fail(format!("got {other:?}, expected {want}")),
            }
        }
    }
}

/// The listed exceptions: `group/case  reason` per line, `#` comments.
fn exceptions(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((name, why)) => (name.to_string(), why.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

#[test]
fn jsonata_suite() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.join("../testdata/jsonata-suite");
    let listed = exceptions(&manifest.join("tests/jsonata-suite-exceptions.txt"));
    let filter = std::env::var("JSONATA_SUITE_GROUP").ok();
    let verbose = std::env::var_os("JSONATA_SUITE_VERBOSE").is_some();
    let (mut passed, mut failed, mut skipped) = (0usize, 0usize, 0usize);
    let mut unlisted = Vec::new();
    let mut now_passing = Vec::new();
    for case in cases(&root) {
        if let Some(f) = &filter
            && !case.name.starts_with(f.as_str())
        {
            continue;
        }
        // Run each case on a thread of its own, so that a panic is a failure of that case.
        let body = case.body.clone();
        let root2 = root.clone();
        let verdict = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || run_case(&root2, &body))
            .expect("thread")
            .join()
            .unwrap_or_else(|_| Verdict::Fail("panicked".into()));
        match verdict {
            Verdict::Pass => {
                passed += 1;
                if listed.contains_key(&case.name) {
                    now_passing.push(case.name.clone());
                }
            }
            Verdict::Fail(why) => {
                if listed.contains_key(&case.name) {
                    skipped += 1;
                } else {
                    failed += 1;
                    unlisted.push((case.name.clone(), why.clone()));
                }
                if verbose {
                    println!(
                        "FAIL {}: {}\n     expr: {}",
                        case.name, why, case.body["expr"]
                    );
                }
            }
        }
    }
    for (name, why) in &unlisted {
        println!("unlisted failure {name}: {why}");
    }
    for name in &now_passing {
        println!("listed but passes: {name}");
    }
    println!("jsonata-suite: {passed} passed, {failed} failed, {skipped} skipped");
    if filter.is_none() {
        let total = passed + failed + skipped;
        assert!(
            passed * 100 >= total * 99,
            "fewer than 99 % of the suite pass: {passed} of {total}"
        );
        assert!(
            unlisted.is_empty(),
            "{} failures not listed",
            unlisted.len()
        );
        assert!(
            now_passing.is_empty(),
            "{} listed cases pass",
            now_passing.len()
        );
    }
}
