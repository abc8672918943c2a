//! Choice: ASL-CH-02/04/12/13, ASL-SUB-30/31/36, ASL-IO-10.

use asl_runtime::json;

use crate::common::{error_name, failure, opts, prefix};

asl_runtime::asl!(ChoiceMissing = {
    "StartAt": "Decide",
    "States": {
        "Decide": {
            "Type": "Choice",
            "Choices": [ { "Variable": "$.x", "NumericEquals": 1, "Next": "One" } ],
            "Default": "Other"
        },
        "One": { "Type": "Succeed" },
        "Other": { "Type": "Succeed" }
    }
});

/// A missing Variable fails the execution with States.Runtime for any operator but IsPresent
/// (ASL-SUB-30, ASL-CH-12).
#[tokio::test(start_paused = true)]
async fn choice_missing_variable_is_runtime_asl_sub_30() {
    let run = ChoiceMissing::new(()).execute(json!({}), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    assert_eq!(
        cause.unwrap(),
        format!(
            "{}Invalid path '$.x': The choice state's condition path references an invalid value.",
            prefix("Decide", 2)
        )
    );
}

asl_runtime::asl!(ChoiceTypes = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Choice",
            "Choices": [
                { "Variable": "$.s", "NumericEquals": 1, "Next": "Numeric" },
                { "Variable": "$.n", "BooleanEquals": true, "Next": "Boolean" },
                { "Variable": "$.b", "NumericEquals": 1, "Next": "BoolAsNumber" },
                { "Variable": "$.s", "TimestampEquals": "2016-03-14T01:59:00Z", "Next": "Timestamp" },
                { "Variable": "$.n", "StringEquals": "1", "Next": "String" },
                { "Variable": "$.nul", "IsPresent": true, "Next": "Present" }
            ],
            "Default": "None"
        },
        "Numeric": { "Type": "Pass", "Result": "Numeric", "End": true },
        "Boolean": { "Type": "Pass", "Result": "Boolean", "End": true },
        "BoolAsNumber": { "Type": "Pass", "Result": "BoolAsNumber", "End": true },
        "Timestamp": { "Type": "Pass", "Result": "Timestamp", "End": true },
        "String": { "Type": "Pass", "Result": "String", "End": true },
        "Present": { "Type": "Pass", "Result": "Present", "End": true },
        "None": { "Type": "Pass", "Result": "None", "End": true }
    }
});

/// Type mismatches are false, not errors; JSON booleans are not numbers; IsPresent is false
/// on a missing path (ASL-SUB-31, ASL-CH-08/11/13, ASL-CHOP-13).
#[tokio::test(start_paused = true)]
async fn choice_type_mismatch_is_false_asl_sub_31() {
    let m = ChoiceTypes::new(());
    let input = json!({ "s": "1", "n": 1, "b": true, "nul": null });
    assert_eq!(m.run(input).await.unwrap(), json!("Present"));
    let input = json!({ "s": "1", "n": 1, "b": true });
    assert_eq!(m.run(input).await.unwrap(), json!("None"));
}

asl_runtime::asl!(ChoiceShortCircuit = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Choice",
            "Choices": [
                {
                    "And": [
                        { "Variable": "$.x", "IsPresent": true },
                        { "Variable": "$.x", "NumericGreaterThan": 1 }
                    ],
                    "Next": "BigX"
                },
                {
                    "Or": [
                        { "Variable": "$.y", "IsPresent": false },
                        { "Variable": "$.y", "NumericEquals": 0 }
                    ],
                    "Next": "NoY"
                },
                {
                    "Not": { "Variable": "$.y", "NumericEquals": 3 },
                    "Next": "YNot3"
                }
            ],
            "Default": "Other"
        },
        "BigX": { "Type": "Pass", "Result": "BigX", "End": true },
        "NoY": { "Type": "Pass", "Result": "NoY", "End": true },
        "YNot3": { "Type": "Pass", "Result": "YNot3", "End": true },
        "Other": { "Type": "Pass", "Result": "Other", "End": true }
    }
});

/// And/Or evaluate left to right and short-circuit, so an IsPresent guard protects a later
/// rule on a missing path (ASL-SUB-36, ASL-CH-04, ASL-CHOP-16/17).
#[tokio::test(start_paused = true)]
async fn choice_and_or_short_circuit_guards_missing_path_asl_sub_36() {
    let m = ChoiceShortCircuit::new(());
    for (input, expected) in [
        (json!({}), "NoY"),
        (json!({ "x": 5 }), "BigX"),
        (json!({ "x": "str" }), "NoY"),
        (json!({ "y": 0 }), "NoY"),
        (json!({ "y": 4 }), "YNot3"),
        (json!({ "y": 3 }), "Other"),
    ] {
        assert_eq!(
            m.run(input.clone()).await.unwrap(),
            json!(expected),
            "{input}"
        );
    }
}

asl_runtime::asl!(ChoiceNoDefault = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Choice",
            "Choices": [ { "Variable": "$.v", "StringEquals": "a", "Next": "A" } ]
        },
        "A": { "Type": "Succeed" }
    }
});

/// No rule matched and no Default: States.NoChoiceMatched (ASL-CH-02, ASL-ERR-09).
#[tokio::test(start_paused = true)]
async fn choice_no_match_without_default_asl_ch_02_err_09() {
    let m = ChoiceNoDefault::new(());
    assert_eq!(
        error_name(&m.run(json!({ "v": "b" })).await),
        Some("States.NoChoiceMatched")
    );
    assert_eq!(
        m.run(json!({ "v": "a" })).await.unwrap(),
        json!({ "v": "a" })
    );
}

asl_runtime::asl!(ChoiceIo = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Choice",
            "InputPath": "$.inner",
            "OutputPath": "$.payload",
            "Choices": [ { "Variable": "$.v", "NumericEquals": 1, "Next": "Done" } ],
            "Default": "Done"
        },
        "Done": { "Type": "Succeed" }
    }
});

/// Choice output is OutputPath(InputPath(input)); rules read the effective input
/// (ASL-IO-10, ASL-CH-16).
#[tokio::test(start_paused = true)]
async fn choice_output_is_output_path_of_input_path_asl_io_10() {
    let out = ChoiceIo::new(())
        .run(json!({ "inner": { "v": 1, "payload": { "p": true } }, "outer": 0 }))
        .await
        .unwrap();
    assert_eq!(out, json!({ "p": true }));
}
