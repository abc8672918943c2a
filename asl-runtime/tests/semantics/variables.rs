//! Workflow variables (ASL-VAR-*) and JSONata states (ASL-JA-*): snapshot semantics, scopes,
//! rule and catcher Assign, `$states`, the result checks of fields and AWS's error texts.
// `Scopes` reads a branch's variable after the branch on purpose (ASL_UNASSIGNED_VARIABLE).
#![allow(deprecated)]

use asl_runtime::json;

use crate::common::{failure, kinds, opts, prefix};

asl_runtime::asl!(Snapshot = {
    "QueryLanguage": "JSONata",
    "StartAt": "Init",
    "States": {
        "Init": { "Type": "Pass", "Assign": { "x": 3, "a": 6 }, "Next": "Swap" },
        "Swap": {
            "Type": "Pass",
            "Assign": { "x": "{% $a %}", "nextX": "{% $x %}" },
            "Output": { "seenX": "{% $x %}" },
            "Next": "Done"
        },
        "Done": { "Type": "Pass", "Output": "{% [$x, $nextX] %}", "End": true }
    }
});

/// ASL-VAR-04, ASL-JA-08: every right-hand side and the Output see the values at entry.
#[tokio::test(start_paused = true)]
async fn assign_is_evaluated_on_the_entry_snapshot_asl_var_04() {
    let run = Snapshot::new(()).execute(json!({}), &opts()).await;
    assert_eq!(run.result.unwrap(), json!([6, 3]));
}

asl_runtime::asl!(Scopes = {
    "StartAt": "Init",
    "States": {
        "Init": { "Type": "Pass", "Assign": { "outer": "o" }, "Next": "Fan" },
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "B1",
                    "States": {
                        "B1": { "Type": "Pass", "Assign": { "inner": 1 }, "Next": "B2" },
                        "B2": {
                            "Type": "Pass",
                            "Parameters": { "outer.$": "$outer", "inner.$": "$inner" },
                            "End": true
                        }
                    }
                }
            ],
            "Next": "After"
        },
        "After": {
            "Type": "Pass",
            "QueryLanguage": "JSONata",
            "Output": { "branch": "{% $states.input[0] %}", "inner": "{% $exists($inner) %}" },
            "End": true
        }
    }
});

/// ASL-VAR-06/08: a branch reads the outer scope's variables, and its own die with it.
#[tokio::test(start_paused = true)]
async fn branches_read_outer_variables_and_theirs_die_with_them_asl_var_06() {
    let run = Scopes::new(()).execute(json!({}), &opts()).await;
    assert_eq!(
        run.result.unwrap(),
        json!({ "branch": { "outer": "o", "inner": 1 }, "inner": false })
    );
}

asl_runtime::asl!(RuleAssign = {
    "StartAt": "Decide",
    "States": {
        "Decide": {
            "Type": "Choice",
            "Choices": [
                { "Variable": "$.n", "NumericEquals": 1, "Assign": { "path": "one" }, "Next": "Out" }
            ],
            "Assign": { "path": "state", "n.$": "$.n" },
            "Default": "Out"
        },
        "Out": { "Type": "Pass", "Parameters": { "path.$": "$path" }, "End": true }
    }
});

/// ASL-VAR-05, ASL-CH-15: the chosen rule's Assign takes the place of the state's; with no
/// rule chosen the state's runs (conformance `assign__test_assign_in_choice_state__CORRECT`).
#[tokio::test(start_paused = true)]
async fn chosen_rule_assign_replaces_the_states_asl_var_05() {
    let m = RuleAssign::new(());
    let one = m.execute(json!({ "n": 1 }), &opts()).await;
    assert_eq!(one.result.unwrap(), json!({ "path": "one" }));
    let other = m.execute(json!({ "n": 2 }), &opts()).await;
    assert_eq!(other.result.unwrap(), json!({ "path": "state" }));
}

asl_runtime::asl!(Limits = {
    "QueryLanguage": "JSONata",
    "StartAt": "Big",
    "States": {
        "Big": { "Type": "Pass", "Output": { "r": "{% [1..900000] ~> $count() %}" }, "End": true }
    }
});

/// ASL-JA-12, ASL-EV-10: AWS's memory bound, its cause text (recorded on AWS), and the
/// EvaluationFailed event.
#[tokio::test(start_paused = true)]
async fn evaluation_limits_fail_with_aws_text_asl_ja_12() {
    let run = Limits::new(()).execute(json!({}), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.QueryEvaluationError"));
    assert_eq!(
        cause.unwrap(),
        format!(
            "{}The JSONata expression '[1..900000] ~> $count()' specified for the field 'Output/r' threw an error during evaluation: Expression evaluation memory limit exceeded: Check for excessive memory usage",
            prefix("Big", 2)
        )
    );
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "PassStateEntered",
            "EvaluationFailed",
            "ExecutionFailed"
        ]
    );
}

asl_runtime::asl!(Caught = {
    "QueryLanguage": "JSONata",
    "StartAt": "Work",
    "States": {
        "Work": {
            "Type": "Parallel",
            "Branches": [
                { "StartAt": "Boom", "States": { "Boom": { "Type": "Fail", "Error": "E", "Cause": "{% 'because ' & $states.input.why %}" } } }
            ],
            "Assign": { "never": true },
            "Catch": [
                {
                    "ErrorEquals": ["States.ALL"],
                    "Assign": { "err": "{% $states.errorOutput.Error %}" },
                    "Output": { "input": "{% $states.input.why %}", "cause": "{% $states.errorOutput.Cause %}" },
                    "Next": "After"
                }
            ],
            "End": true
        },
        "After": { "Type": "Pass", "Output": "{% [$err, $states.input.cause, $exists($never)] %}", "End": true }
    }
});

/// ASL-JA-17, ASL-CT-07: a catcher's Output and Assign see `$states.errorOutput`; the state's
/// own Assign does not run.
#[tokio::test(start_paused = true)]
async fn catcher_output_and_assign_see_the_error_output_asl_ja_17() {
    let run = Caught::new(())
        .execute(json!({ "why": "x" }), &opts())
        .await;
    assert_eq!(run.result.unwrap(), json!(["E", "because x", false]));
}

asl_runtime::asl!(ItemsType = {
    "QueryLanguage": "JSONata",
    "StartAt": "M",
    "States": {
        "M": {
            "Type": "Map",
            "Items": "{% $states.input.items %}",
            "ItemSelector": { "v": "{% $states.context.Map.Item.Value %}", "i": "{% $states.context.Map.Item.Index %}" },
            "ItemProcessor": { "StartAt": "P", "States": { "P": { "Type": "Pass", "End": true } } },
            "End": true
        }
    }
});

/// ASL-JA-10, ASL-JA-19: `Items` must give an array (AWS's text for anything else), and the
/// ItemSelector sees `$states.context.Map.Item`.
#[tokio::test(start_paused = true)]
async fn map_items_must_be_an_array_asl_ja_19() {
    let m = ItemsType::new(());
    let ok = m.execute(json!({ "items": ["a", "b"] }), &opts()).await;
    assert_eq!(
        ok.result.unwrap(),
        json!([{ "v": "a", "i": 0 }, { "v": "b", "i": 1 }])
    );
    let bad = m.execute(json!({ "items": { "k": 1 } }), &opts()).await;
    let (error, cause) = failure(&bad.result);
    assert_eq!(error, Some("States.QueryEvaluationError"));
    assert_eq!(
        cause.unwrap(),
        format!(
            "{}The JSONata expression '$states.input.items' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'object' for value: {{\"k\":1}}",
            prefix("M", 2)
        )
    );
}
