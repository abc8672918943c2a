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

asl_runtime::asl!(TooBig = {
    "QueryLanguage": "JSONata",
    "StartAt": "Make",
    "States": {
        "Make": {
            "Type": "Pass",
            "Assign": { "blob": "{% $join($map([1..27000], function($i) { '0123456789' })) %}" },
            "Next": "After"
        },
        "After": { "Type": "Pass", "Output": "{% $length($blob) %}", "End": true }
    }
});

asl_runtime::asl!(TooMuch = {
    "QueryLanguage": "JSONata",
    "StartAt": "Make",
    "States": {
        "Make": {
            "Type": "Pass",
            "Assign": {
                "a": "{% $join($map([1..14000], function($i) { '0123456789' })) %}",
                "b": "{% $join($map([1..14000], function($i) { '0123456789' })) %}"
            },
            "End": true
        }
    }
});

asl_runtime::asl!(JustUnder = {
    "QueryLanguage": "JSONata",
    "StartAt": "Make",
    "States": {
        "Make": {
            "Type": "Pass",
            "Assign": { "blob": "{% $join($map([1..26000], function($i) { '0123456789' })) %}" },
            "Next": "After"
        },
        "After": { "Type": "Pass", "Output": "{% $length($blob) %}", "End": true }
    }
});

/// ASL-VAR-10: a variable's value may take 256 KiB of JSON text, and all values of one Assign
/// together as much; beyond, the state fails (`States.Runtime`: the name AWS gives is not
/// recorded) and no variable is set.
#[tokio::test(start_paused = true)]
async fn variable_size_limits_asl_var_10() {
    // 260,002 bytes of JSON text: under the limit, and the value is there after.
    let run = JustUnder::new(()).execute(json!({}), &opts()).await;
    assert_eq!(run.result.unwrap(), json!(260_000));

    // 270,002 bytes for one variable.
    let run = TooBig::new(()).execute(json!({}), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    assert_eq!(
        cause.unwrap(),
        format!(
            "{}The variable 'blob' has a value with a size exceeding the limit of 262144 bytes.",
            prefix("Make", 2)
        )
    );
    assert_eq!(
        kinds(&run),
        ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]
    );

    // Two values of 140,002 bytes: each is allowed, together they are not.
    let run = TooMuch::new(()).execute(json!({}), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    assert_eq!(
        cause.unwrap(),
        format!(
            "{}The values assigned by the state have a size exceeding the limit of 262144 bytes.",
            prefix("Make", 2)
        )
    );
}

// 42 variables of 255,002 bytes each would pass 10 MiB; 41 do not.
asl_runtime::asl!(TooMany = {
    "QueryLanguage": "JSONata",
    "StartAt": "Init",
    "States": {
        "Init": { "Type": "Pass", "Assign": { "b": "{% $join($map([1..25500], function($i) { '0123456789' })) %}" }, "Next": "S01" },
        "S01": { "Type": "Pass", "Assign": { "v01": "{% $b %}" }, "Next": "S02" },
        "S02": { "Type": "Pass", "Assign": { "v02": "{% $b %}" }, "Next": "S03" },
        "S03": { "Type": "Pass", "Assign": { "v03": "{% $b %}" }, "Next": "S04" },
        "S04": { "Type": "Pass", "Assign": { "v04": "{% $b %}" }, "Next": "S05" },
        "S05": { "Type": "Pass", "Assign": { "v05": "{% $b %}" }, "Next": "S06" },
        "S06": { "Type": "Pass", "Assign": { "v06": "{% $b %}" }, "Next": "S07" },
        "S07": { "Type": "Pass", "Assign": { "v07": "{% $b %}" }, "Next": "S08" },
        "S08": { "Type": "Pass", "Assign": { "v08": "{% $b %}" }, "Next": "S09" },
        "S09": { "Type": "Pass", "Assign": { "v09": "{% $b %}" }, "Next": "S10" },
        "S10": { "Type": "Pass", "Assign": { "v10": "{% $b %}" }, "Next": "S11" },
        "S11": { "Type": "Pass", "Assign": { "v11": "{% $b %}" }, "Next": "S12" },
        "S12": { "Type": "Pass", "Assign": { "v12": "{% $b %}" }, "Next": "S13" },
        "S13": { "Type": "Pass", "Assign": { "v13": "{% $b %}" }, "Next": "S14" },
        "S14": { "Type": "Pass", "Assign": { "v14": "{% $b %}" }, "Next": "S15" },
        "S15": { "Type": "Pass", "Assign": { "v15": "{% $b %}" }, "Next": "S16" },
        "S16": { "Type": "Pass", "Assign": { "v16": "{% $b %}" }, "Next": "S17" },
        "S17": { "Type": "Pass", "Assign": { "v17": "{% $b %}" }, "Next": "S18" },
        "S18": { "Type": "Pass", "Assign": { "v18": "{% $b %}" }, "Next": "S19" },
        "S19": { "Type": "Pass", "Assign": { "v19": "{% $b %}" }, "Next": "S20" },
        "S20": { "Type": "Pass", "Assign": { "v20": "{% $b %}" }, "Next": "S21" },
        "S21": { "Type": "Pass", "Assign": { "v21": "{% $b %}" }, "Next": "S22" },
        "S22": { "Type": "Pass", "Assign": { "v22": "{% $b %}" }, "Next": "S23" },
        "S23": { "Type": "Pass", "Assign": { "v23": "{% $b %}" }, "Next": "S24" },
        "S24": { "Type": "Pass", "Assign": { "v24": "{% $b %}" }, "Next": "S25" },
        "S25": { "Type": "Pass", "Assign": { "v25": "{% $b %}" }, "Next": "S26" },
        "S26": { "Type": "Pass", "Assign": { "v26": "{% $b %}" }, "Next": "S27" },
        "S27": { "Type": "Pass", "Assign": { "v27": "{% $b %}" }, "Next": "S28" },
        "S28": { "Type": "Pass", "Assign": { "v28": "{% $b %}" }, "Next": "S29" },
        "S29": { "Type": "Pass", "Assign": { "v29": "{% $b %}" }, "Next": "S30" },
        "S30": { "Type": "Pass", "Assign": { "v30": "{% $b %}" }, "Next": "S31" },
        "S31": { "Type": "Pass", "Assign": { "v31": "{% $b %}" }, "Next": "S32" },
        "S32": { "Type": "Pass", "Assign": { "v32": "{% $b %}" }, "Next": "S33" },
        "S33": { "Type": "Pass", "Assign": { "v33": "{% $b %}" }, "Next": "S34" },
        "S34": { "Type": "Pass", "Assign": { "v34": "{% $b %}" }, "Next": "S35" },
        "S35": { "Type": "Pass", "Assign": { "v35": "{% $b %}" }, "Next": "S36" },
        "S36": { "Type": "Pass", "Assign": { "v36": "{% $b %}" }, "Next": "S37" },
        "S37": { "Type": "Pass", "Assign": { "v37": "{% $b %}" }, "Next": "S38" },
        "S38": { "Type": "Pass", "Assign": { "v38": "{% $b %}" }, "Next": "S39" },
        "S39": { "Type": "Pass", "Assign": { "v39": "{% $b %}" }, "Next": "S40" },
        "S40": { "Type": "Pass", "Assign": { "v40": "{% $b %}" }, "Next": "S41" },
        "S41": { "Type": "Pass", "Assign": { "v41": "{% $b %}" }, "End": true }
    }
});

/// ASL-VAR-10: all variables of an execution together may take 10 MiB; the Assign that would
/// pass it fails.
#[tokio::test(start_paused = true)]
async fn variables_of_an_execution_take_at_most_10_mib_asl_var_10() {
    let run = TooMany::new(()).execute(json!({}), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    // Init, then S01…S40 entered and exited; S41 is entered at event 84.
    assert_eq!(
        cause.unwrap(),
        format!(
            "{}The variables of the execution have a size exceeding the limit of 10485760 bytes.",
            prefix("S41", 84)
        )
    );
}
