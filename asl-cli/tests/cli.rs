//! The `asl` binary, run on temporary files: exit codes, the JSON answer, graph output.

use std::path::PathBuf;
use std::process::{Command, Output};

const OK: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#;

const BROKEN: &str = r#"{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Next": "B"},
    "C": {"Type": "Succeed"}
  }
}"#;

const WARNS: &str = r#"{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Parameters": {"x": "$.foo"}, "End": true}
  }
}"#;

/// A Choice, a Catch and a Parallel.
const GRAPH: &str = r#"{
  "StartAt": "Check",
  "States": {
    "Check": {
      "Type": "Choice",
      "Choices": [{"Variable": "$.i", "NumericLessThan": 10000, "Next": "Fan out"}],
      "Default": "Done"
    },
    "Fan out": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": true}}},
        {"StartAt": "Right", "States": {"Right": {"Type": "Wait", "Seconds": 1, "End": true}}}
      ],
      "Catch": [{"ErrorEquals": ["States.Timeout", "States.TaskFailed"], "Next": "Failed"}],
      "Next": "Done"
    },
    "Failed": {"Type": "Fail", "Error": "Boom"},
    "Done": {"Type": "Succeed"}
  }
}"#;

/// Writes `text` to a fresh file under the test target's temporary directory.
fn file(name: &str, text: &str) -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("asl-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn asl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asl"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("run asl")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn path(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn check_ok_is_silent_and_exits_0() {
    let f = file("ok.asl.json", OK);
    let o = asl(&["check", path(&f)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    assert_eq!(stdout(&o), "");
}

#[test]
fn check_errors_exit_1_with_rustc_style_report() {
    let f = file("broken.asl.json", BROKEN);
    let o = asl(&["check", path(&f)]);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(err.contains("error[MISSING_TRANSITION_TARGET]"), "{err}");
    assert!(err.contains("broken.asl.json:4:35"), "{err}");
    assert!(err.contains("= note: at /States/A/Next"), "{err}");
    assert!(err.contains("has 2 errors"), "{err}");
    // Never colored when stderr is not a terminal.
    assert!(!err.contains('\x1b'), "{err}");
    assert_eq!(stdout(&o), "");
}

#[test]
fn warnings_do_not_fail() {
    let f = file("warns.asl.json", WARNS);
    let o = asl(&["check", path(&f)]);
    assert_eq!(code(&o), 0);
    let err = stderr(&o);
    assert!(err.contains("warning[NO_DOLLAR]"), "{err}");
    assert!(err.contains("has 1 warning"), "{err}");
}

#[test]
fn color_always_colors() {
    let f = file("broken-color.asl.json", BROKEN);
    let o = asl(&["check", "--color=always", path(&f)]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains('\x1b'));
}

#[test]
fn json_single_file_is_the_aws_answer() {
    let f = file("broken-json.asl.json", BROKEN);
    let o = asl(&["check", "--format", "json", path(&f)]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["result"], "FAIL");
    assert_eq!(v["truncated"], false);
    let d = v["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 2);
    assert_eq!(
        d[0],
        serde_json::json!({
            "severity": "ERROR",
            "code": "MISSING_TRANSITION_TARGET",
            "message": d[0]["message"].clone(),
            "location": "/States/A/Next"
        })
    );
    assert!(d[0]["message"].as_str().unwrap().contains('B'));
    assert_eq!(stderr(&o), "");

    let f = file("ok-json.asl.json", OK);
    let o = asl(&["check", "--format=json", path(&f)]);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"result": "OK", "diagnostics": [], "truncated": false})
    );
}

#[test]
fn json_several_files_are_keyed_by_name() {
    let a = file("multi-ok.asl.json", OK);
    let b = file("multi-warn.asl.json", WARNS);
    let c = file("multi-broken.asl.json", BROKEN);
    let o = asl(&["check", "--format", "json", path(&a), path(&b), path(&c)]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let m = v.as_object().unwrap();
    assert_eq!(m.len(), 3);
    assert_eq!(m[path(&a)]["result"], "OK");
    assert_eq!(m[path(&b)]["result"], "OK");
    assert_eq!(m[path(&b)]["diagnostics"][0]["severity"], "WARNING");
    assert_eq!(m[path(&b)]["diagnostics"][0]["code"], "NO_DOLLAR");
    assert_eq!(m[path(&c)]["result"], "FAIL");
}

#[test]
fn express_flag_is_passed_on() {
    let sync = r#"{"StartAt": "T", "States": {"T": {"Type": "Task",
        "Resource": "arn:aws:states:::ecs:runTask.sync", "End": true}}}"#;
    let f = file("sync.asl.json", sync);
    assert_eq!(code(&asl(&["check", path(&f)])), 0);
    assert_eq!(code(&asl(&["check", "--express", path(&f)])), 1);
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(code(&asl(&[])), 2);
    assert_eq!(code(&asl(&["frobnicate"])), 2);
    assert_eq!(code(&asl(&["check"])), 2);
    let f = file("usage.asl.json", OK);
    assert_eq!(code(&asl(&["check", "--format", "yaml", path(&f)])), 2);
    assert_eq!(code(&asl(&["check", "--bogus", path(&f)])), 2);
    assert_eq!(code(&asl(&["graph", "--format", "json", path(&f)])), 2);

    let o = asl(&["check", "/nonexistent/definitely-missing.json"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("cannot read"), "{}", stderr(&o));
    // An unreadable file wins over a file with errors.
    let b = file("io-broken.asl.json", BROKEN);
    assert_eq!(code(&asl(&["check", path(&b), "/nonexistent/x.json"])), 2);
}

#[test]
fn help_texts() {
    let o = asl(&["--help"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("Usage: asl <COMMAND>"));
    for cmd in ["check", "graph", "expand"] {
        let o = asl(&[cmd, "--help"]);
        assert_eq!(code(&o), 0);
        assert!(
            stdout(&o).contains(&format!("Usage: asl {cmd}")),
            "{}",
            stdout(&o)
        );
        let o = asl(&["help", cmd]);
        assert!(stdout(&o).contains(&format!("Usage: asl {cmd}")));
    }
    assert!(stdout(&asl(&["check", "-h"])).contains("--format <FORMAT>"));
    assert!(stdout(&asl(&["--version"])).starts_with("asl "));
}

#[test]
fn expand_prints_the_generated_module() {
    let f = file("order-flow.asl.json", OK);
    let o = asl(&["expand", path(&f)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("// @generated"), "{out}");
    assert!(out.contains("pub mod order_flow {"), "{out}");
    assert!(out.contains("pub use order_flow::OrderFlow;"), "{out}");
    assert!(out.contains("pub trait Handler"), "{out}");
}

#[test]
fn expand_reports_errors_and_exits_1() {
    let f = file(
        "bad-expand.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}"#,
    );
    let o = asl(&["expand", path(&f)]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("MISSING_TRANSITION_TARGET"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn graph_dot() {
    let f = file("graph.asl.json", GRAPH);
    let o = asl(&["graph", path(&f)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let dot = stdout(&o);
    assert!(dot.starts_with("digraph "), "{dot}");
    // Nodes: n0 Check, n1 Fan out, n4 Failed, n5 Done, then n2 Left, n3 Right.
    for line in [
        r#"n0 [label="Check", shape=diamond"#,
        r#"n1 [label="Fan out""#,
        "start0 -> n0;",
        r#"n0 -> n1 [label="$.i < 10000"];"#,
        r#"n0 -> n3 [label="default"];"#,
        "n1 -> n3;",
        r#"n1 -> n2 [label="States.Timeout, States.TaskFailed", style=dashed"#,
        "subgraph cluster_n1 {",
        "subgraph cluster_n1_0 {",
        "subgraph cluster_n1_1 {",
        r#"n1 -> start1 [label="Branch 1", style=dotted"#,
        r#"n1 -> start2 [label="Branch 2", style=dotted"#,
        "start1 -> n4;",
        "n4 -> stop1;",
        "start2 -> n5;",
        "n5 -> stop2;",
        "n2 -> stop0;",
        "n3 -> stop0;",
    ] {
        assert!(dot.contains(line), "missing `{line}` in\n{dot}");
    }
}

#[test]
fn graph_mermaid() {
    let f = file("graph-m.asl.json", GRAPH);
    let o = asl(&["graph", "--format", "mermaid", path(&f)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let m = stdout(&o);
    assert!(m.starts_with("flowchart TD\n"), "{m}");
    for line in [
        r#"n0{"Check"}"#,
        r#"n1[["Fan out"]]"#,
        "start0 --> n0",
        r#"n0 -->|"$.i #lt; 10000"| n1"#,
        r#"n0 -->|"default"| n3"#,
        r#"n1 -.->|"States.Timeout, States.TaskFailed"| n2"#,
        r#"subgraph cluster_n1 ["Fan out (Parallel)"]"#,
        r#"subgraph cluster_n1_0 ["Branch 1"]"#,
        r#"n1 -.-|"Branch 2"| start2"#,
        "n3 --> stop0",
    ] {
        assert!(m.contains(line), "missing `{line}` in\n{m}");
    }
}

#[test]
fn graph_refuses_definitions_with_errors() {
    let f = file("graph-broken.asl.json", BROKEN);
    let o = asl(&["graph", path(&f)]);
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("error[MISSING_TRANSITION_TARGET]"));
}

/// Two Task states whose names give one handler method.
const SHARED_METHOD: &str = r#"{
  "StartAt": "Charge card",
  "States": {
    "Charge card": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "charge-card"},
    "charge-card": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}
  }
}"#;

#[test]
fn method_names_are_checked_and_chosen_as_the_compiler_does() {
    let f = file("shared-method.asl.json", SHARED_METHOD);
    let o = asl(&["check", path(&f)]);
    assert_eq!(code(&o), 0, "a warning only");
    assert!(
        stderr(&o).contains(
            "both become the handler method `charge_card`: the second is named `charge_card_2`"
        ),
        "{}",
        stderr(&o)
    );
    let o = asl(&["expand", path(&f)]);
    assert!(stdout(&o).contains("fn charge_card_2("), "{}", stdout(&o));
    let o = asl(&["expand", "--method", "charge-card=settle", path(&f)]);
    assert!(stdout(&o).contains("fn settle("), "{}", stdout(&o));
    let o = asl(&["check", "--method", "charge-card=settle", path(&f)]);
    assert!(!stderr(&o).contains("handler method"), "{}", stderr(&o));
    assert_eq!(code(&asl(&["check", "--method", "nonsense", path(&f)])), 2);
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = asl(&["completions", shell]);
        assert_eq!(code(&o), 0, "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        for word in ["check", "graph", "expand", "format", "express"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    assert_eq!(code(&asl(&["completions", "tcsh"])), 2);
}
