//! Distributed Map: ASL-DMAP-01/03/05, ASL-EV-09, ASL-CTX-08, ASL-MAP-05. Each item is a
//! child execution with its own context and history; the parent records a Map Run.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use asl_runtime::handler::handler_fn;
use asl_runtime::{Options, TaskError, Value, json};
use tokio::time::{Instant, sleep};

use crate::common::{failure, kinds, opts, secs};

asl_runtime::asl!(DistributedWork = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "Label": "Work",
            "ItemsPath": "$.items",
            "MaxConcurrencyPath": "$.max",
            "ToleratedFailureCountPath": "$.tolerated",
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" },
                "StartAt": "Work",
                "States": {
                    "Work": {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::lambda:invoke",
                        "Parameters": {
                            "item.$": "$",
                            "execution.$": "$$.Execution.Id",
                            "machine.$": "$$.StateMachine.Name"
                        },
                        "End": true
                    }
                }
            },
            "End": true
        }
    }
});

/// What the children saw.
#[derive(Default)]
struct Probe {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    executions: Mutex<Vec<String>>,
}

/// Each item is `{"sleep": s}` (or `{"sleep": s, "fail": true}`); the child sleeps s seconds.
fn work(p: &Arc<Probe>) -> DistributedWork {
    let p = p.clone();
    DistributedWork::with_dynamic(handler_fn(move |input: Value, ctx| {
        let p = p.clone();
        async move {
            p.executions
                .lock()
                .unwrap()
                .push(input["execution"].as_str().unwrap_or("").to_owned());
            // Every child is an execution of its own: its name is the Task context's.
            assert!(
                input["execution"]
                    .as_str()
                    .unwrap_or("")
                    .ends_with(&*ctx.execution_name)
            );
            let now = p.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            p.max_in_flight.fetch_max(now, Ordering::SeqCst);
            sleep(secs(input["item"]["sleep"].as_u64().unwrap_or(0))).await;
            p.in_flight.fetch_sub(1, Ordering::SeqCst);
            if input["item"]["fail"] == true {
                Err(TaskError::new("ItemError", "this item fails"))
            } else {
                Ok(json!({ "machine": input["machine"], "slept": input["item"]["sleep"] }))
            }
        }
    }))
}

fn items(s: &[u64]) -> Vec<Value> {
    s.iter().map(|s| json!({ "sleep": s })).collect()
}

fn named() -> Options {
    Options {
        execution_id: Some("arn:aws:states:eu-west-1:123456789012:execution:Parent:exec-1".into()),
        state_machine_name: Some("Parent".into()),
        ..opts()
    }
}

/// Children are executions of `<machine>/<label>` in the parent's region and account, each
/// with its own ARN; the parent's history shows the Map Run, not the children's states
/// (ASL-DMAP-01, ASL-CTX-08, ASL-EV-09).
#[tokio::test(start_paused = true)]
async fn children_are_executions_and_the_parent_sees_a_map_run_asl_dmap_01_ev_09() {
    let p = Arc::new(Probe::default());
    let run = work(&p)
        .execute(
            json!({ "items": items(&[1, 2, 3]), "max": 0, "tolerated": 0 }),
            &named(),
        )
        .await;
    assert_eq!(
        run.result.as_ref().unwrap(),
        &json!([
            { "machine": "Parent/Work", "slept": 1 },
            { "machine": "Parent/Work", "slept": 2 },
            { "machine": "Parent/Work", "slept": 3 }
        ])
    );
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapRunStarted",
            "MapRunSucceeded",
            "MapStateSucceeded",
            "MapStateExited",
            "ExecutionSucceeded"
        ]
    );
    let executions = p.executions.lock().unwrap().clone();
    assert_eq!(executions.len(), 3);
    for e in &executions {
        assert!(
            e.starts_with("arn:aws:states:eu-west-1:123456789012:execution:Parent/Work:"),
            "{e}"
        );
    }
    let mut unique = executions.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 3, "each child has its own ARN");
}

/// MaxConcurrency bounds the children running at once; absent or 0, all run (ASL-MAP-05).
#[tokio::test(start_paused = true)]
async fn max_concurrency_bounds_the_children_asl_map_05() {
    let p = Arc::new(Probe::default());
    let t0 = Instant::now();
    work(&p)
        .run(json!({ "items": items(&[1, 1, 1, 1, 1]), "max": 2, "tolerated": 0 }))
        .await
        .unwrap();
    assert_eq!(p.max_in_flight.load(Ordering::SeqCst), 2);
    assert_eq!(t0.elapsed(), secs(3));

    let p = Arc::new(Probe::default());
    let t0 = Instant::now();
    work(&p)
        .run(json!({ "items": items(&[1, 1, 1, 1, 1]), "max": 0, "tolerated": 0 }))
        .await
        .unwrap();
    assert_eq!(p.max_in_flight.load(Ordering::SeqCst), 5);
    assert_eq!(t0.elapsed(), secs(1));
}

/// A failed child within ToleratedFailureCount leaves its error output in its slot; one more
/// fails the Map Run with `States.ExceedToleratedFailureThreshold`, and the children still
/// running stop (ASL-DMAP-05).
#[tokio::test(start_paused = true)]
async fn tolerated_failures_asl_dmap_05() {
    let failing = |s: u64| json!({ "sleep": s, "fail": true });
    let p = Arc::new(Probe::default());
    let run = work(&p)
        .execute(
            json!({ "items": [failing(1), { "sleep": 2 }], "max": 0, "tolerated": 1 }),
            &opts(),
        )
        .await;
    // The machine's name defaults to the compiled machine's Rust name.
    assert_eq!(
        run.result.unwrap(),
        json!([
            { "Error": "ItemError", "Cause": "this item fails" },
            { "machine": "DistributedWork/Work", "slept": 2 }
        ])
    );

    let p = Arc::new(Probe::default());
    let t0 = Instant::now();
    let run = work(&p)
        .execute(
            json!({ "items": [failing(1), failing(2), { "sleep": 100 }], "max": 0, "tolerated": 1 }),
            &opts(),
        )
        .await;
    assert_eq!(
        failure(&run.result),
        (
            Some("States.ExceedToleratedFailureThreshold"),
            Some("The specified tolerated failure threshold was exceeded")
        )
    );
    // The second failure ends the Map Run at once: the 100-second child is stopped.
    assert_eq!(t0.elapsed(), secs(2));
    assert_eq!(
        kinds(&run),
        [
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapRunStarted",
            "MapRunFailed",
            "MapStateFailed",
            "ExecutionFailed"
        ]
    );

    // Without a tolerance, one failed child fails the Map Run.
    let p = Arc::new(Probe::default());
    let run = work(&p)
        .run(json!({ "items": [{ "sleep": 1 }, failing(1)], "max": 0, "tolerated": 0 }))
        .await;
    assert_eq!(
        failure(&run).0,
        Some("States.ExceedToleratedFailureThreshold")
    );
}

asl_runtime::asl!(Batched = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemSelector": { "v.$": "$$.Map.Item.Value" },
            "ItemBatcher": {
                "MaxItemsPerBatchPath": "$.perBatch",
                "MaxInputBytesPerBatch": 70,
                "BatchInput": { "job.$": "$.job" }
            },
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
                "StartAt": "Echo",
                "States": { "Echo": { "Type": "Pass", "End": true } }
            },
            "End": true
        }
    }
});

/// ItemBatcher: each child gets `{"BatchInput", "Items"}` with at most MaxItemsPerBatch
/// items and MaxInputBytesPerBatch bytes of input (ASL-DMAP-03).
#[tokio::test(start_paused = true)]
async fn item_batcher_groups_items_asl_dmap_03() {
    let out = Batched::new(())
        .run(json!({ "items": [1, 2, 3, 4, 5], "perBatch": 2, "job": "j" }))
        .await
        .unwrap();
    let batch = |items: Value| json!({ "BatchInput": { "job": "j" }, "Items": items });
    assert_eq!(
        out,
        json!([
            batch(json!([{ "v": 1 }, { "v": 2 }])),
            batch(json!([{ "v": 3 }, { "v": 4 }])),
            batch(json!([{ "v": 5 }]))
        ])
    );
    // `{"BatchInput":{"job":"j"},"Items":[{"v":1},{"v":2},{"v":3},{"v":4}]}` is 67 bytes;
    // with a fifth item it would be 75, over 70.
    let items: Vec<Value> = (1..=5).map(|v| json!(v)).collect();
    let out = Batched::new(())
        .run(json!({ "items": items, "perBatch": 10, "job": "j" }))
        .await
        .unwrap();
    let sizes: Vec<usize> = out
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["Items"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [4, 1]);
    for b in out.as_array().unwrap() {
        assert!(b.to_string().len() <= 70, "{b}");
    }
}

asl_runtime::asl!(ExpressChildren = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ToleratedFailurePercentage": 50,
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
                "StartAt": "Hold",
                "States": { "Hold": { "Type": "Wait", "SecondsPath": "$", "End": true } }
            },
            "End": true
        }
    }
});

/// Express children run five minutes at most (ASL-WF-02): a longer one times out and counts
/// as failed, here within a 50 % tolerance (ASL-DMAP-05).
#[tokio::test(start_paused = true)]
async fn express_children_time_out_after_five_minutes_asl_wf_02() {
    let t0 = Instant::now();
    let out = ExpressChildren::new(())
        .run(json!([10, 400]))
        .await
        .unwrap();
    assert_eq!(out, json!([10, { "Error": "States.Timeout", "Cause": "" }]));
    assert_eq!(t0.elapsed(), secs(300));
}
