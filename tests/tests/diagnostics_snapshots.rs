//! Snapshots of the rustc-style report (`asl_syntax::render::render`, color off) for
//! representative mistakes, and of the state graph in DOT and Mermaid.
//!
//! Update with `INSTA_UPDATE=always cargo test -p asl-tests --test diagnostics_snapshots` (or
//! `cargo insta review`), then read the `.snap` files: the caret must sit under the token at
//! fault.

use asl_syntax::source::Source;
use asl_syntax::{graph, render};

fn report(name: &str, text: &str) -> String {
    let src = Source::new(name, text);
    let checked = asl_syntax::compile_source(&src, &Default::default());
    render::render(&src, &checked.diagnostics, false)
}

macro_rules! case {
    ($test:ident, $text:expr) => {
        #[test]
        fn $test() {
            let name = concat!(stringify!($test), ".asl.json");
            let rendered = report(name, $text);
            insta::assert_snapshot!(rendered);
        }
    };
}

case!(
    missing_next_target,
    r#"{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Next": "B"}
  }
}"#
);

case!(
    unreachable_state,
    r#"{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "End": true},
    "Orphan": {"Type": "Succeed"}
  }
}"#
);

case!(
    duplicate_keys,
    r#"{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Result": 1, "Result": 2, "End": true}
  }
}"#
);

case!(
    duplicate_state_names,
    r#"{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "End": true},
    "A": {"Type": "Succeed"}
  }
}"#
);

case!(
    bad_jsonpath_in_input_path,
    r#"{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "InputPath": "$.items[", "End": true}
  }
}"#
);

case!(
    bad_intrinsic_arity,
    r#"{
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Pass",
      "Parameters": {"sum.$": "States.MathAdd(1)"},
      "End": true
    }
  }
}"#
);

case!(
    choice_operand_wrong_type,
    r#"{
  "StartAt": "C",
  "States": {
    "C": {
      "Type": "Choice",
      "Choices": [{"Variable": "$.n", "NumericEquals": "5", "Next": "D"}],
      "Default": "D"
    },
    "D": {"Type": "Succeed"}
  }
}"#
);

case!(
    unterminated_string,
    "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Succeed\", \"Comment\": \"oops}\n  }\n}\n"
);

case!(
    unterminated_string_at_eof,
    "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Succeed\", \"Comment\": \"oops"
);

case!(
    fail_error_and_error_path,
    r#"{
  "StartAt": "F",
  "States": {
    "F": {"Type": "Fail", "Error": "Oops", "ErrorPath": "$.error"}
  }
}"#
);

case!(
    warning_no_dollar,
    r#"{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Parameters": {"id": "$.order.id"}, "End": true}
  }
}"#
);

case!(empty_definition, "  \n");

case!(
    jsonata_calls,
    r#"{
  "QueryLanguage": "JSONata",
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Output": {"a": "{% $uppercas('x') %}", "b": "{% $substring(1, 'x') %}", "c": "{% $eval('1') %}"}, "End": true}
  }
}"#
);

case!(
    jsonata_syntax_error,
    r#"{
  "QueryLanguage": "JSONata",
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Output": {"total": "{% $states.input.price * * 2 %}"}, "End": true}
  }
}"#
);

case!(
    unassigned_variable,
    r#"{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Assign": {"total": 1}, "Next": "B"},
    "B": {"Type": "Pass", "Parameters": {"t.$": "$total", "c.$": "$count"}, "End": true}
  }
}"#
);

#[test]
fn json_answer() {
    let src = Source::new(
        "m.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x": "$.y"}, "Next": "B"}}}"#,
    );
    let checked = asl_syntax::compile_source(&src, &Default::default());
    let json = serde_json::to_string_pretty(&render::to_json(&checked.diagnostics)).unwrap();
    insta::assert_snapshot!(json);
}

/// A Choice (with a compound rule and a Default), a Catch, a Parallel with two branches, a Map,
/// and names that need escaping.
const GRAPH: &str = r#"{
  "StartAt": "Is \"big\"?",
  "States": {
    "Is \"big\"?": {
      "Type": "Choice",
      "Choices": [
        {"Variable": "$.i", "NumericLessThan": 10000, "Next": "Fan out"},
        {
          "And": [
            {"Variable": "$.kind", "StringEquals": "a<b>"},
            {"Not": {"Variable": "$.when", "TimestampLessThan": "2020-01-01T00:00:00Z"}}
          ],
          "Next": "Each item"
        }
      ],
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
    "Each item": {
      "Type": "Map",
      "ItemProcessor": {
        "StartAt": "Work",
        "States": {"Work": {"Type": "Pass", "End": true}}
      },
      "Next": "Done"
    },
    "Failed": {"Type": "Fail", "Error": "Boom"},
    "Done": {"Type": "Succeed"}
  }
}"#;

fn graph_machine() -> asl_syntax::ast::Machine {
    let checked =
        asl_syntax::compile_source(&Source::new("graph.asl.json", GRAPH), &Default::default());
    assert!(
        !checked.diagnostics.has_errors(),
        "{:?}",
        checked.diagnostics
    );
    checked.machine.unwrap()
}

#[test]
fn graph_dot() {
    let dot = graph::to_dot(&graph_machine());
    insta::assert_snapshot!(dot);
}

#[test]
fn graph_mermaid() {
    let mermaid = graph::to_mermaid(&graph_machine());
    insta::assert_snapshot!(mermaid);
}
