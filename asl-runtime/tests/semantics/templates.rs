//! Payload templates: ASL-SUB-04/05, ASL-PT-03/04/06.

use std::sync::atomic::Ordering;
use std::time::Duration;

use asl_runtime::json;
use tokio::time::Instant;

use crate::common::{counted, failure, opts, prefix};

asl_runtime::asl!(DollarKeys = {
    "StartAt": "Shape",
    "States": {
        "Shape": {
            "Type": "Pass",
            "Parameters": {
                "top.$": "$.a",
                "obj": { "inner.$": "$.b.c", "lit": 5 },
                "arr": [ { "inArray.$": "$.a" }, "plain", 3 ],
                "name.$": "$$.State.Name",
                "fmt.$": "States.Format('{}-{}', $.a, $.b.c)"
            },
            "End": true
        }
    }
});

/// `.$` keys are renamed and evaluated at every depth, including objects inside arrays;
/// context paths and intrinsics are evaluated; plain values are copied (ASL-SUB-04, ASL-PT-03).
#[tokio::test(start_paused = true)]
async fn dollar_keys_renamed_at_every_depth_asl_sub_04_pt_03() {
    let out = DollarKeys::new(())
        .run(json!({ "a": "A", "b": { "c": 2 } }))
        .await
        .unwrap();
    assert_eq!(
        out,
        json!({
            "top": "A",
            "obj": { "inner": 2, "lit": 5 },
            "arr": [ { "inArray": "A" }, "plain", 3 ],
            "name": "Shape",
            "fmt": "A-2"
        })
    );
}

#[allow(deprecated)] // the compiler warns NO_DOLLAR (ASL-VAL-28) on the literal "$.a"
mod no_dollar {
    asl_runtime::asl!(pub NoDollar = {
        "StartAt": "Shape",
        "States": {
            "Shape": { "Type": "Pass", "Parameters": { "literal": "$.a" }, "End": true }
        }
    });
}

/// A key without `.$` is copied literally even if its value looks like a path (ASL-PT-04).
#[tokio::test(start_paused = true)]
async fn plain_key_with_path_like_value_is_literal_asl_pt_04() {
    let out = no_dollar::NoDollar::new(())
        .run(json!({ "a": 1 }))
        .await
        .unwrap();
    assert_eq!(out, json!({ "literal": "$.a" }));
}

asl_runtime::asl!(MissingParam = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": { "x.$": "$.x" },
            "Retry": [ { "ErrorEquals": ["States.ALL"] } ],
            "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Caught" } ],
            "End": true
        },
        "Caught": { "Type": "Pass", "End": true }
    }
});

/// A `.$` path matching nothing is States.Runtime (not ParameterPathFailure) with AWS's field
/// cause, is neither retried nor caught, and the task is never called (ASL-PT-06, ASL-SUB-04,
/// ASL-SUB-29, ASL-RT-13).
#[tokio::test(start_paused = true)]
async fn missing_parameter_path_is_uncatchable_runtime_asl_pt_06_sub_04() {
    let (calls, handler) = counted(Ok(json!({})));
    let m = MissingParam::with_dynamic(handler);
    let t0 = Instant::now();
    let run = m.execute(json!({ "a": 1 }), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    assert_eq!(
        cause.unwrap(),
        format!(
            "{}The JSONPath '$.x' specified for the field 'x.$' could not be found in the input '{{\"a\":1}}'",
            prefix("Call", 2)
        )
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    assert_eq!(t0.elapsed(), Duration::ZERO, "no retry delay");
    assert!(!run.states_entered().contains(&"Caught"));
}

asl_runtime::asl!(Indefinite = {
    "StartAt": "Shape",
    "States": {
        "Shape": {
            "Type": "Pass",
            "Parameters": {
                "ids.$": "$.items[*].id",
                "tail.$": "$.items[1:]",
                "one.$": "$.items[?(@.id == 2)].id",
                "none.$": "$.missing[*]",
                "deep.$": "$..id"
            },
            "End": true
        }
    }
});

/// An indefinite path (wildcard, slice, filter, deep scan) yields an array, even for one match,
/// and `[]` rather than an error for no match (ASL-SUB-05, ASL-PATH-06/07).
#[tokio::test(start_paused = true)]
async fn indefinite_paths_yield_arrays_asl_sub_05() {
    let out = Indefinite::new(())
        .run(json!({ "items": [ { "id": 1 }, { "id": 2 } ] }))
        .await
        .unwrap();
    assert_eq!(
        out,
        json!({
            "ids": [1, 2],
            "tail": [ { "id": 2 } ],
            "one": [2],
            "none": [],
            "deep": [1, 2]
        })
    );
}
