//! Map: ASL-MAP-03..08, ASL-SUB-06/41/42/43.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use asl_runtime::handler::handler_fn;
use asl_runtime::{Options, TaskError, Value, json};
use tokio::time::{Instant, sleep};

use crate::common::{assert_sequential_ids, error_name, failure, kinds, opts, prefix, secs};

asl_runtime::asl!(MapSelector = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemSelector": {
                "index.$": "$$.Map.Item.Index",
                "value.$": "$$.Map.Item.Value",
                "tag.$": "$.tag"
            },
            "ItemProcessor": {
                "StartAt": "Inner",
                "States": { "Inner": { "Type": "Pass", "End": true } }
            },
            "End": true
        }
    }
});

/// ItemSelector sees `$` = the Map's effective input and `$$.Map.Item.Index/Value`
/// (ASL-MAP-03, ASL-SUB-06, ASL-CTX-10, ASL-SUB-07).
#[tokio::test(start_paused = true)]
async fn map_item_selector_context_and_input_asl_map_03_sub_06() {
    let out = MapSelector::new(())
        .run(json!({ "items": ["a", { "b": 1 }], "tag": "T" }))
        .await
        .unwrap();
    assert_eq!(
        out,
        json!([
            { "index": 0, "value": "a", "tag": "T" },
            { "index": 1, "value": { "b": 1 }, "tag": "T" }
        ])
    );
}

asl_runtime::asl!(MapParameters = {
    "StartAt": "MapState",
    "States": {
        "MapState": {
            "Type": "Map",
            "MaxConcurrency": 1,
            "Parameters": { "constantValue": "constant", "mapValue.$": "$$.Map.Item.Value", "fromInput.$": "$" },
            "ItemProcessor": {
                "StartAt": "IteratorInner",
                "States": { "IteratorInner": { "Type": "Pass", "End": true } },
                "ProcessorConfig": { "Mode": "INLINE" }
            },
            "Next": "Finish"
        },
        "Finish": { "Type": "Succeed" }
    }
});

/// Map `Parameters` is per item, like ItemSelector; output and history as AWS recorded them
/// (ASL-SUB-06, ASL-EV-08; conformance `scenarios__test_map_state_config_inline_parameters`).
#[tokio::test(start_paused = true)]
async fn map_parameters_are_per_item_conformance_inline_parameters() {
    let run = MapParameters::new(())
        .execute(json!(["Hello", "World"]), &opts())
        .await;
    assert_eq!(
        run.result.as_ref().unwrap(),
        &json!([
            { "constantValue": "constant", "mapValue": "Hello", "fromInput": ["Hello", "World"] },
            { "constantValue": "constant", "mapValue": "World", "fromInput": ["Hello", "World"] }
        ])
    );
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapIterationStarted",
            "PassStateEntered",
            "PassStateExited",
            "MapIterationSucceeded",
            "MapIterationStarted",
            "PassStateEntered",
            "PassStateExited",
            "MapIterationSucceeded",
            "MapStateSucceeded",
            "MapStateExited",
            "SucceedStateEntered",
            "SucceedStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_sequential_ids(&run);
}

asl_runtime::asl!(MapContextInside = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemProcessor": {
                "StartAt": "Inner",
                "States": { "Inner": { "Type": "Pass", "Parameters": { "i.$": "$$.Map.Item.Index" }, "End": true } }
            },
            "End": true
        }
    }
});

/// `$$.Map.Item` is only visible in ItemSelector, not in the iteration's own states
/// (ASL-SUB-06, ASL-CTX-10).
#[tokio::test(start_paused = true)]
async fn map_item_context_not_visible_inside_iteration_asl_ctx_10() {
    let r = MapContextInside::new(()).run(json!([1])).await;
    assert_eq!(error_name(&r), Some("States.Runtime"));
}

asl_runtime::asl!(MapWork = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrencyPath": "$.max",
            "ItemProcessor": {
                "StartAt": "Work",
                "States": { "Work": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } }
            },
            "End": true
        }
    }
});

/// Observations of one MapWork run.
#[derive(Default)]
struct MapProbe {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    started: Mutex<Vec<u32>>,
    finished: Mutex<Vec<u32>>,
}

/// Each item is `{"sleep": s}` (or `{"sleep": s, "fail": true}`); the task sleeps s seconds.
fn map_machine(p: &Arc<MapProbe>) -> MapWork {
    let p = p.clone();
    MapWork::with_dynamic(handler_fn(move |input: Value, ctx| {
        let p = p.clone();
        async move {
            let i = ctx.location[0];
            p.started.lock().unwrap().push(i);
            let now = p.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            p.max_in_flight.fetch_max(now, Ordering::SeqCst);
            sleep(secs(input["sleep"].as_u64().unwrap_or(0))).await;
            p.in_flight.fetch_sub(1, Ordering::SeqCst);
            p.finished.lock().unwrap().push(i);
            if input["fail"] == true {
                Err(TaskError::new("ItemError", format!("item {i}")))
            } else {
                Ok(json!({ "item": i }))
            }
        }
    }))
}

fn sleeps(s: &[u64]) -> Vec<Value> {
    s.iter().map(|s| json!({ "sleep": s })).collect()
}

/// Results keep item order whatever the completion order; unbounded concurrency runs all
/// items at once (ASL-MAP-04, ASL-SUB-41/42).
#[tokio::test(start_paused = true)]
async fn map_results_in_item_order_asl_map_04_sub_41() {
    let p = Arc::new(MapProbe::default());
    let t0 = Instant::now();
    let out = map_machine(&p)
        .run(json!({ "items": sleeps(&[3, 1, 2]), "max": 0 }))
        .await
        .unwrap();
    assert_eq!(out, json!([{ "item": 0 }, { "item": 1 }, { "item": 2 }]));
    assert_eq!(*p.finished.lock().unwrap(), vec![1, 2, 0]);
    assert_eq!(t0.elapsed(), secs(3));
}

/// MaxConcurrency 1 is sequential in item order: elapsed = sum (ASL-MAP-05, ASL-SUB-41).
#[tokio::test(start_paused = true)]
async fn map_max_concurrency_1_is_sequential_asl_map_05_sub_41() {
    let p = Arc::new(MapProbe::default());
    let t0 = Instant::now();
    map_machine(&p)
        .run(json!({ "items": sleeps(&[3, 1, 2]), "max": 1 }))
        .await
        .unwrap();
    assert_eq!(t0.elapsed(), secs(6));
    assert_eq!(*p.started.lock().unwrap(), vec![0, 1, 2]);
    assert_eq!(p.max_in_flight.load(Ordering::SeqCst), 1);
}

/// MaxConcurrency 2 bounds the iterations in flight (ASL-MAP-05).
#[tokio::test(start_paused = true)]
async fn map_max_concurrency_2_bounds_in_flight_asl_map_05() {
    let p = Arc::new(MapProbe::default());
    let t0 = Instant::now();
    map_machine(&p)
        .run(json!({ "items": sleeps(&[1, 1, 1, 1, 1]), "max": 2 }))
        .await
        .unwrap();
    assert_eq!(p.max_in_flight.load(Ordering::SeqCst), 2);
    assert_eq!(t0.elapsed(), secs(3));
}

/// MaxConcurrency 0 means unlimited, not zero (ASL-SUB-42).
#[tokio::test(start_paused = true)]
async fn map_max_concurrency_0_is_unbounded_asl_sub_42() {
    let p = Arc::new(MapProbe::default());
    let t0 = Instant::now();
    map_machine(&p)
        .run(json!({ "items": sleeps(&[1, 1, 1, 1, 1]), "max": 0 }))
        .await
        .unwrap();
    assert_eq!(p.max_in_flight.load(Ordering::SeqCst), 5);
    assert_eq!(t0.elapsed(), secs(1));
}

/// An empty array gives `[]` and no iteration events (ASL-SUB-43, ASL-MAP-08).
#[tokio::test(start_paused = true)]
async fn map_empty_array_gives_empty_result_asl_sub_43_map_08() {
    let p = Arc::new(MapProbe::default());
    let run = map_machine(&p)
        .execute(json!({ "items": [], "max": 1 }), &opts())
        .await;
    assert_eq!(run.result.as_ref().unwrap(), &json!([]));
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapStateSucceeded",
            "MapStateExited",
            "ExecutionSucceeded"
        ]
    );
}

/// An iteration failure fails the Map with that iteration's error (ASL-MAP-06, ASL-SUB-24).
#[tokio::test(start_paused = true)]
async fn map_iteration_failure_fails_map_with_its_error_asl_map_06() {
    let p = Arc::new(MapProbe::default());
    let items = json!([{ "sleep": 1 }, { "sleep": 1, "fail": true }]);
    let r = map_machine(&p)
        .run(json!({ "items": items, "max": 0 }))
        .await;
    assert_eq!(failure(&r), (Some("ItemError"), Some("item 1")));
}

/// A failing iteration aborts the others at once: the Map fails at the failure time and the
/// slower iteration is cancelled (ASL-MAP-06, ASL-SUB-26).
#[tokio::test(start_paused = true)]
async fn map_iteration_failure_aborts_siblings_at_once_asl_map_06_sub_26() {
    let p = Arc::new(MapProbe::default());
    let items = json!([{ "sleep": 10 }, { "sleep": 1, "fail": true }]);
    let t0 = Instant::now();
    let r = map_machine(&p)
        .run(json!({ "items": items, "max": 0 }))
        .await;
    assert_eq!(error_name(&r), Some("ItemError"));
    assert_eq!(t0.elapsed(), secs(1));
    assert_eq!(
        *p.finished.lock().unwrap(),
        vec![1],
        "item 0 was not aborted"
    );
}

/// The aborted iteration is recorded: MapIterationFailed for the failing one, then
/// MapIterationAborted for the other (ASL-MAP-06, ASL-EV-08).
#[tokio::test(start_paused = true)]
async fn map_iteration_failure_records_aborted_iteration_asl_map_06_ev_08() {
    let p = Arc::new(MapProbe::default());
    let items = json!([{ "sleep": 10 }, { "sleep": 1, "fail": true }]);
    let run = map_machine(&p)
        .execute(json!({ "items": items, "max": 0 }), &opts())
        .await;
    assert_eq!(error_name(&run.result), Some("ItemError"));
    let k = kinds(&run);
    assert_eq!(
        k.iter().filter(|k| **k == "MapIterationFailed").count(),
        1,
        "{k:?}"
    );
    assert_eq!(
        k.iter().filter(|k| **k == "MapIterationAborted").count(),
        1,
        "{k:?}"
    );
    assert!(!k.contains(&"MapIterationSucceeded"), "{k:?}");
    assert!(k.ends_with(&["MapStateFailed", "ExecutionFailed"]), "{k:?}");
}

/// A missing ItemsPath is States.Runtime (ASL-MAP-02, ASL-ERR-15).
#[tokio::test(start_paused = true)]
async fn map_items_path_missing_is_runtime_asl_map_02_err_15() {
    let p = Arc::new(MapProbe::default());
    let run = map_machine(&p).execute(json!({ "max": 1 }), &opts()).await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.Runtime"));
    assert!(cause.unwrap().starts_with(&prefix("Each", 2)), "{cause:?}");
}

asl_runtime::asl!(MapRetryLegacy = {
    "StartAt": "StartState",
    "States": {
        "StartState": { "Type": "Pass", "Result": [1], "ResultPath": "$.arr", "Next": "MapState" },
        "MapState": {
            "Type": "Map",
            "ResultPath": null,
            "InputPath": "$.arr",
            "MaxConcurrency": 1,
            "Iterator": {
                "StartAt": "HandleItemFail",
                "States": {
                    "HandleItemFail": { "Type": "Fail", "Error": "HandleItemFailError", "Cause": "HandleItemFailCause" }
                }
            },
            "Retry": [ { "ErrorEquals": ["HandleItemFailError"], "MaxAttempts": 2 } ],
            "Next": "Final"
        },
        "Final": { "Type": "Pass", "End": true }
    }
});

/// Retry on a Map re-runs all iterations; the outcome is the last error (ASL-MAP-07,
/// ASL-SUB-25; conformance `scenarios__test_map_state_retry_legacy`).
#[tokio::test(start_paused = true)]
async fn map_retry_reruns_iterations_asl_map_07() {
    let run = MapRetryLegacy::new(()).execute(json!({}), &opts()).await;
    assert_eq!(
        failure(&run.result),
        (Some("HandleItemFailError"), Some("HandleItemFailCause"))
    );
    assert_eq!(
        kinds(&run)
            .iter()
            .filter(|k| **k == "MapIterationStarted")
            .count(),
        3
    );
}

/// The recorded history of a retried Map: MapStateFailed only once, at the end
/// (ASL-EV-08; conformance `scenarios__test_map_state_retry_legacy`).
#[tokio::test(start_paused = true)]
async fn map_retry_history_matches_aws_asl_ev_08() {
    let run = MapRetryLegacy::new(()).execute(json!({}), &opts()).await;
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "MapStateEntered",
            "MapStateStarted",
            "MapIterationStarted",
            "FailStateEntered",
            "MapIterationFailed",
            "MapStateStarted",
            "MapIterationStarted",
            "FailStateEntered",
            "MapIterationFailed",
            "MapStateStarted",
            "MapIterationStarted",
            "FailStateEntered",
            "MapIterationFailed",
            "MapStateFailed",
            "ExecutionFailed"
        ]
    );
}

asl_runtime::asl! {
    ItemContext = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": {
                    "value.$": "$$.Map.Item.Value",
                    "original.$": "$$.Execution.Input.tag",
                    "whole.$": "$$.Execution.Name"
                },
                "ItemProcessor": { "StartAt": "Echo", "States": { "Echo": { "Type": "Pass", "End": true } } },
                "End": true
            }
        }
    }
}

/// ASL-CTX-02/10: inside an ItemSelector `$$` holds both `Map.Item` and the execution's
/// original input (the context object carries the input only where a path can reach it).
#[tokio::test(start_paused = true)]
async fn item_selector_sees_map_item_and_execution_input_asl_ctx_10() {
    let options = Options {
        execution_name: Some("exec-1".into()),
        ..Options::default()
    };
    let run = ItemContext::new(())
        .execute(json!({"items": [1, 2], "tag": "t"}), &options)
        .await;
    assert_eq!(
        run.result.unwrap(),
        json!([
            {"value": 1, "original": "t", "whole": "exec-1"},
            {"value": 2, "original": "t", "whole": "exec-1"}
        ])
    );
}

asl_runtime::asl! {
    Tolerant = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Map",
                "ToleratedFailureCount": 1,
                "ItemProcessor": {
                    "StartAt": "Check",
                    "States": {
                        "Check": {
                            "Type": "Choice",
                            "Choices": [{ "Variable": "$.bad", "BooleanEquals": true, "Next": "Bad" }],
                            "Default": "Good"
                        },
                        "Bad": { "Type": "Fail", "Error": "ItemFailed" },
                        "Good": { "Type": "Pass", "End": true }
                    }
                },
                "End": true
            }
        }
    }
}

/// ASL-DMAP-05, ASL-ERR-11: failures up to ToleratedFailureCount let the Map succeed; one
/// more fails it with States.ExceedToleratedFailureThreshold.
#[tokio::test(start_paused = true)]
async fn tolerated_failure_count_threshold_asl_dmap_05() {
    let machine = Tolerant::new(());
    let one_bad = json!([{"bad": true}, {"bad": false}, {"bad": false}]);
    let out = machine.run(one_bad).await.unwrap();
    assert_eq!(out.as_array().map(Vec::len), Some(3));
    assert_eq!(out[1], json!({"bad": false}));
    let two_bad = json!([{"bad": true}, {"bad": true}, {"bad": false}]);
    let err = machine.run(two_bad).await.unwrap_err();
    assert_eq!(
        err.error.as_deref(),
        Some("States.ExceedToleratedFailureThreshold")
    );
}
