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

// --- ItemReader (ASL-DMAP-02) ---------------------------------------------------------------

use asl_runtime::objects::MemoryObjects;

asl_runtime::asl!(ReadCsv = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": { "InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW" },
                "Parameters": { "Bucket": "data", "Key.$": "$.key" }
            },
            "ItemSelector": { "row.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index" },
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
                "StartAt": "Echo",
                "States": { "Echo": { "Type": "Pass", "End": true } }
            },
            "End": true
        }
    }
});

/// Options whose Distributed Maps read from `objects`.
fn with_objects(objects: MemoryObjects) -> Options {
    Options {
        objects: Some(Arc::new(objects)),
        ..opts()
    }
}

/// A CSV object: the first row names the fields, each further record is an item of text
/// values; quoted fields keep their commas, quotes and newlines, and records split across
/// the body's chunks are read whole (ASL-DMAP-02).
#[tokio::test(start_paused = true)]
async fn a_csv_object_is_read_row_by_row_asl_dmap_02() {
    let csv =
        "id,name,note\r\n1,Ada,\"likes \"\"maths\"\", logic\"\n2,Grace,\"two\nlines\"\n3,Linus,\n";
    // Three-byte chunks: every record and most fields straddle a chunk boundary.
    let objects = MemoryObjects::new().chunk(3);
    objects.insert("data", "people.csv", csv);
    let run = ReadCsv::new(())
        .execute(json!({ "key": "people.csv" }), &with_objects(objects))
        .await;
    assert_eq!(
        run.result.as_ref().unwrap(),
        &json!([
            { "row": { "id": "1", "name": "Ada", "note": "likes \"maths\", logic" }, "index": 0 },
            { "row": { "id": "2", "name": "Grace", "note": "two\nlines" }, "index": 1 },
            { "row": { "id": "3", "name": "Linus", "note": "" }, "index": 2 }
        ])
    );
    assert_eq!(
        kinds(&run)[..5],
        [
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapRunStarted",
            "MapRunSucceeded"
        ]
    );
}

/// A missing object, or no object store at all, fails the Map with `States.ItemReaderFailed`
/// after the Map Run started (ASL-DMAP-02).
#[tokio::test(start_paused = true)]
async fn an_unreadable_object_is_item_reader_failed_asl_dmap_02() {
    let objects = MemoryObjects::new();
    objects.create_bucket("data");
    let run = ReadCsv::new(())
        .execute(json!({ "key": "missing.csv" }), &with_objects(objects))
        .await;
    let (error, cause) = failure(&run.result);
    assert_eq!(error, Some("States.ItemReaderFailed"));
    assert!(cause.unwrap().contains("S3.NoSuchKey"), "{cause:?}");
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
    let run = ReadCsv::new(())
        .execute(json!({ "key": "people.csv" }), &opts())
        .await;
    assert_eq!(failure(&run.result).0, Some("States.ItemReaderFailed"));
}

asl_runtime::asl!(ReadOther = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {
                    "InputType": "CSV",
                    "CSVHeaderLocation": "GIVEN",
                    "CSVHeaders": ["a", "b"],
                    "CSVDelimiter": "PIPE",
                    "MaxItems": 2
                },
                "Parameters": { "Bucket": "data", "Key": "pipes.csv" }
            },
            "ResultPath": "$.csv",
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
                "StartAt": "Echo",
                "States": { "Echo": { "Type": "Pass", "End": true } }
            },
            "Next": "Lines"
        },
        "Lines": {
            "Type": "Map",
            "ResultPath": "$.lines",
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": { "InputType": "JSONL" },
                "Parameters": { "Bucket": "data", "Key": "events.jsonl" }
            },
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
                "StartAt": "Echo2",
                "States": { "Echo2": { "Type": "Pass", "End": true } }
            },
            "Next": "Pointer"
        },
        "Pointer": {
            "Type": "Map",
            "ResultPath": "$.pointed",
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": { "InputType": "JSON", "ItemsPointer": "/data/items" },
                "Parameters": { "Bucket": "data", "Key": "doc.json" }
            },
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
                "StartAt": "Echo3",
                "States": { "Echo3": { "Type": "Pass", "End": true } }
            },
            "Next": "Listing"
        },
        "Listing": {
            "Type": "Map",
            "ResultPath": "$.listed",
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:listObjectsV2",
                "Parameters": { "Bucket": "data", "Prefix": "logs/" }
            },
            "ItemSelector": { "key.$": "$$.Map.Item.Value.Key", "size.$": "$$.Map.Item.Value.Size" },
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
                "StartAt": "Echo4",
                "States": { "Echo4": { "Type": "Pass", "End": true } }
            },
            "End": true
        }
    }
});

/// Given CSV headers with another delimiter and MaxItems; JSON Lines; a JSON document with
/// ItemsPointer; the objects under a prefix (ASL-DMAP-02).
#[tokio::test(start_paused = true)]
async fn item_reader_formats_asl_dmap_02() {
    let objects = MemoryObjects::new().chunk(5);
    objects.insert("data", "pipes.csv", "1|x\n2|y\n3|z\n");
    objects.insert(
        "data",
        "events.jsonl",
        "{\"e\": 1}\n\n{\"e\": [2]}\r\n\"three\"",
    );
    objects.insert(
        "data",
        "doc.json",
        r#"{"data": {"items": [true, null, {"k": 1}]}}"#,
    );
    objects.insert("data", "logs/a.txt", "hello");
    objects.insert("data", "logs/b.txt", "");
    objects.insert("data", "other/c.txt", "x");
    let out = ReadOther::new(())
        .execute(json!({}), &with_objects(objects))
        .await
        .result
        .unwrap();
    assert_eq!(
        out,
        json!({
            "csv": [{ "a": "1", "b": "x" }, { "a": "2", "b": "y" }],
            "lines": [{ "e": 1 }, { "e": [2] }, "three"],
            "pointed": [true, null, { "k": 1 }],
            "listed": [{ "key": "logs/a.txt", "size": 5 }, { "key": "logs/b.txt", "size": 0 }]
        })
    );
}

asl_runtime::asl!(CsvAsRecorded = {
    "StartAt": "MapState",
    "States": {
        "MapState": {
            "Type": "Map",
            "MaxConcurrency": 1,
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": { "InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW" },
                "Parameters": { "Bucket.$": "$.Bucket", "Key.$": "$.Key" }
            },
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" },
                "StartAt": "PassItem",
                "States": { "PassItem": { "Type": "Pass", "End": true } }
            },
            "End": true
        }
    }
});

/// The CSV rules as AWS recorded them (LocalStack's AWS-validated snapshots
/// `test_map_item_reader_base_csv_headers_first_line`, `..._first_row_extra_fields`,
/// `..._typed_headers`, `..._duplicate_headers`): every value is text, a missing field is `""`,
/// an extra one is dropped, a line of spaces is a record, the last newline ends no record, an
/// empty header name is a name, and the members come in AWS's order (ASL-DMAP-02).
#[tokio::test(start_paused = true)]
async fn csv_items_as_aws_recorded_them_asl_dmap_02() {
    let read = |csv: &'static str| async move {
        let objects = MemoryObjects::new().chunk(4);
        objects.insert("b", "k.csv", csv);
        let run = CsvAsRecorded::new(())
            .execute(
                json!({ "Bucket": "b", "Key": "k.csv" }),
                &with_objects(objects),
            )
            .await;
        (run.result.clone(), kinds(&run))
    };
    let (out, _) =
        read("Col1,Col2,Col3\nValue1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n").await;
    assert_eq!(
        out.unwrap().to_string(),
        r#"[{"Col1":"Value1","Col2":"Value2","Col3":"Value3"},{"Col1":"Value4","Col2":"Value5","Col3":"Value6"},{"Col1":"","Col2":"","Col3":""},{"Col1":"true","Col2":"1","Col3":"'HelloWorld'"},{"Col1":"Null","Col2":"None","Col3":""},{"Col1":"   ","Col2":"","Col3":""}]"#
    );
    let (out, _) = read("H1,\nValue4,Value5\n,\ntrue,1\n").await;
    assert_eq!(
        out.unwrap().to_string(),
        r#"[{"":"Value5","H1":"Value4"},{"":"","H1":""},{"":"1","H1":"true"}]"#
    );
    let (out, _) = read("0,True,{}\nValue4,Value5,Value6\n").await;
    assert_eq!(
        out.unwrap().to_string(),
        r#"[{"0":"Value4","{}":"Value6","True":"Value5"}]"#
    );
    let (out, events) = read("H1,H1,H3\na,b,c\n").await;
    assert_eq!(
        failure(&out),
        (
            Some("States.ItemReaderFailed"),
            Some("CSV headers cannot contain duplicates.")
        )
    );
    assert_eq!(
        events[3..],
        [
            "MapRunStarted",
            "MapRunFailed",
            "MapStateFailed",
            "ExecutionFailed"
        ]
    );
}

asl_runtime::asl!(Sourced = {
    "StartAt": "MapState",
    "States": {
        "MapState": {
            "Type": "Map",
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": { "InputType": "JSON", "MaxItemsPath": "$.max" },
                "Parameters": { "Bucket": "b", "Key": "items.json" }
            },
            "ItemsPath": "$.ignored",
            "ItemSelector": {
                "source.$": "$$.Map.Item.Source",
                "index.$": "$$.Map.Item.Index",
                "value.$": "$$.Map.Item.Value"
            },
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
                "StartAt": "PassItem",
                "States": { "PassItem": { "Type": "Pass", "End": true } }
            },
            "End": true
        }
    }
});

/// `$$.Map.Item.Source` names the object; ItemsPath is ignored beside an ItemReader;
/// MaxItemsPath: 0 reads all, a negative count fails the Map Run (recorded text), a
/// fraction is not a count (ASL-DMAP-02, ASL-CTX-10).
#[tokio::test(start_paused = true)]
async fn item_source_and_max_items_asl_dmap_02() {
    let run = |max: Value| async move {
        let objects = MemoryObjects::new();
        objects.insert("b", "items.json", "[10, 20, 30]");
        Sourced::new(())
            .execute(json!({ "max": max }), &with_objects(objects))
            .await
    };
    let item = |i: usize, v: i64| json!({ "source": "S3://b/items.json", "index": i, "value": v });
    assert_eq!(
        run(json!(2)).await.result.unwrap(),
        json!([item(0, 10), item(1, 20)])
    );
    assert_eq!(
        run(json!(0)).await.result.unwrap(),
        json!([item(0, 10), item(1, 20), item(2, 30)])
    );
    let negative = run(json!(-1)).await;
    assert_eq!(
        failure(&negative.result),
        (
            Some("States.ItemReaderFailed"),
            Some("field MaxItems must be positive")
        )
    );
    assert!(kinds(&negative).contains(&"MapRunFailed"));
    let fraction = run(json!(1.5)).await;
    assert_eq!(failure(&fraction.result).0, Some("States.Runtime"));
    assert!(!kinds(&fraction).contains(&"MapRunStarted"));
}

// --- ResultWriter (ASL-DMAP-04) -------------------------------------------------------------

asl_runtime::asl!(Export = {
    "StartAt": "MapState",
    "States": {
        "MapState": {
            "Type": "Map",
            "Label": "Doubles",
            "MaxConcurrency": 1,
            "ToleratedFailureCount": 1,
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" },
                "StartAt": "Check",
                "States": {
                    "Check": {
                        "Type": "Choice",
                        "Choices": [{ "Variable": "$", "NumericGreaterThan": 2, "Next": "TooBig" }],
                        "Default": "Double"
                    },
                    "TooBig": { "Type": "Fail", "Error": "Item.TooBig", "Cause": "over 2" },
                    "Double": { "Type": "Pass", "Parameters": { "n.$": "States.MathAdd($, $)" }, "End": true }
                }
            },
            "ResultWriter": {
                "Resource": "arn:aws:states:::s3:putObject",
                "Parameters": { "Bucket": "results", "Prefix": "jobs" }
            },
            "End": true
        }
    }
});

/// With a ResultWriter the children's records go to `<Prefix>/<mapRunId>/SUCCEEDED_0.json`
/// and `FAILED_0.json`, listed by `manifest.json`, and the Map's output says where (shapes as
/// AWS writes them, ASL-DMAP-04).
#[tokio::test(start_paused = true)]
async fn result_writer_writes_files_and_a_manifest_asl_dmap_04() {
    let objects = Arc::new(MemoryObjects::new());
    objects.create_bucket("results");
    let options = Options {
        objects: Some(objects.clone()),
        ..named()
    };
    let out = Export::new(())
        .execute(json!({ "items": [1, 3, 2] }), &options)
        .await
        .result
        .unwrap();
    let run_arn = out["MapRunArn"].as_str().unwrap().to_owned();
    assert!(
        run_arn.starts_with("arn:aws:states:eu-west-1:123456789012:mapRun:Parent/Doubles:"),
        "{run_arn}"
    );
    let id = run_arn.rsplit(':').next().unwrap();
    let manifest_key = format!("jobs/{id}/manifest.json");
    assert_eq!(
        out["ResultWriterDetails"],
        json!({ "Bucket": "results", "Key": manifest_key })
    );
    let read = |key: &str| -> Value {
        serde_json::from_slice(&objects.object("results", key).expect(key)).unwrap()
    };
    let manifest = read(&manifest_key);
    let succeeded_key = format!("jobs/{id}/SUCCEEDED_0.json");
    let failed_key = format!("jobs/{id}/FAILED_0.json");
    let size = |k: &str| objects.object("results", k).unwrap().len();
    assert_eq!(
        manifest,
        json!({
            "DestinationBucket": "results",
            "MapRunArn": run_arn,
            "ResultFiles": {
                "FAILED": [{ "Key": failed_key, "Size": size(&failed_key) }],
                "PENDING": [],
                "SUCCEEDED": [{ "Key": succeeded_key, "Size": size(&succeeded_key) }]
            }
        })
    );
    let succeeded = read(&succeeded_key);
    let records = succeeded.as_array().unwrap();
    assert_eq!(records.len(), 2);
    let first = &records[0];
    let keys: Vec<&str> = first.as_object().unwrap().keys().map(|k| &**k).collect();
    assert_eq!(
        keys,
        [
            "ExecutionArn",
            "Input",
            "InputDetails",
            "Name",
            "Output",
            "OutputDetails",
            "RedriveCount",
            "RedriveStatus",
            "RedriveStatusReason",
            "StartDate",
            "StateMachineArn",
            "Status",
            "StopDate"
        ]
    );
    assert_eq!(first["Input"], json!("1"));
    assert_eq!(first["Output"], json!("{\"n\":2}"));
    assert_eq!(first["Status"], json!("SUCCEEDED"));
    assert_eq!(
        first["StateMachineArn"],
        json!("arn:aws:states:eu-west-1:123456789012:stateMachine:Parent/Doubles")
    );
    let name = first["Name"].as_str().unwrap();
    assert_eq!(
        first["ExecutionArn"],
        json!(format!(
            "arn:aws:states:eu-west-1:123456789012:execution:Parent/Doubles:{name}"
        ))
    );
    assert_eq!(records[1]["Output"], json!("{\"n\":4}"));
    let failed = read(&failed_key);
    let f = &failed[0];
    assert_eq!(
        (&f["Status"], &f["Error"], &f["Cause"], &f["RedriveStatus"]),
        (
            &json!("FAILED"),
            &json!("Item.TooBig"),
            &json!("over 2"),
            &json!("REDRIVABLE_BY_MAP_RUN")
        )
    );
    assert!(f.get("Output").is_none() && f.get("RedriveStatusReason").is_none());
}

asl_runtime::asl!(Flatten = {
    "StartAt": "MapState",
    "States": {
        "MapState": {
            "Type": "Map",
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
                "StartAt": "Pair",
                "States": { "Pair": { "Type": "Pass", "Parameters": { "pair.$": "States.Array($, $)" }, "OutputPath": "$.pair", "End": true } }
            },
            "ResultWriter": { "WriterConfig": { "Transformation": "FLATTEN", "OutputType": "JSON" } },
            "Next": "Lines"
        },
        "Lines": {
            "Type": "Map",
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
                "StartAt": "Same",
                "States": { "Same": { "Type": "Pass", "End": true } }
            },
            "ResultWriter": {
                "Resource": "arn:aws:states:::s3:putObject",
                "Parameters": { "Bucket": "results", "Prefix": "" },
                "WriterConfig": { "Transformation": "COMPACT", "OutputType": "JSONL" }
            },
            "End": true
        }
    }
});

/// WriterConfig alone transforms the output (FLATTEN: array outputs joined); with a Resource,
/// COMPACT writes the outputs only, and JSONL a line each (ASL-DMAP-04).
#[tokio::test(start_paused = true)]
async fn writer_config_transforms_results_asl_dmap_04() {
    let objects = Arc::new(MemoryObjects::new());
    objects.create_bucket("results");
    let options = Options {
        objects: Some(objects.clone()),
        ..opts()
    };
    let out = Flatten::new(())
        .execute(json!(["a", "b"]), &options)
        .await
        .result
        .unwrap();
    let key = out["ResultWriterDetails"]["Key"].as_str().unwrap();
    let id = out["MapRunArn"]
        .as_str()
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap();
    assert_eq!(key, format!("{id}/manifest.json"));
    let lines = objects
        .object("results", &format!("{id}/SUCCEEDED_0.json"))
        .unwrap();
    // The first Map's output, flattened: four items, one line each in the second.
    assert_eq!(
        String::from_utf8(lines).unwrap(),
        "\"a\"\n\"a\"\n\"b\"\n\"b\"\n"
    );
}

asl_runtime::asl!(Inventory = {
    "StartAt": "MapState",
    "States": {
        "MapState": {
            "Type": "Map",
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": { "InputType": "MANIFEST" },
                "Parameters": { "Bucket": "inventory", "Key": "source/config/2024-01-01T00-00Z/manifest.json" }
            },
            "ItemSelector": { "item.$": "$$.Map.Item.Value", "from.$": "$$.Map.Item.Source" },
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
                "StartAt": "PassItem",
                "States": { "PassItem": { "Type": "Pass", "End": true } }
            },
            "End": true
        }
    }
});

/// An S3 inventory: the manifest lists gzip CSV data files without a header row; each row is
/// an item of text values named by the manifest's `fileSchema`, in AWS's member order
/// (AWS's documented example), read file after file (ASL-DMAP-02).
#[tokio::test(start_paused = true)]
async fn an_s3_inventory_is_read_file_by_file_asl_dmap_02() {
    fn gz(text: &str) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(text.as_bytes()).unwrap();
        e.finish().unwrap()
    }
    let objects = MemoryObjects::new().chunk(7);
    objects.insert(
        "inventory",
        "source/config/2024-01-01T00-00Z/manifest.json",
        r#"{"sourceBucket":"source","destinationBucket":"arn:aws:s3:::inventory","version":"2016-11-30",
            "fileFormat":"CSV","fileSchema":"Bucket, Key, Size, LastModifiedDate",
            "files":[{"key":"source/config/data/a.csv.gz","size":1,"MD5checksum":"x"},
                     {"key":"source/config/data/b.csv.gz","size":1,"MD5checksum":"y"}]}"#,
    );
    objects.insert(
        "inventory",
        "source/config/data/a.csv.gz",
        gz("\"source\",\"csvDataset/titles.csv\",\"3399671\",\"2022-11-16T00:29:32.000Z\"\n"),
    );
    objects.insert(
        "inventory",
        "source/config/data/b.csv.gz",
        gz("\"source\",\"csvDataset/\",\"0\",\"2022-11-16T00:29:30.000Z\"\n\"source\",\"x.json\",\"12\",\"2022-11-17T00:00:00.000Z\"\n"),
    );
    let out = Inventory::new(())
        .execute(json!({}), &with_objects(objects))
        .await
        .result
        .unwrap();
    let items = out.as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(
        items[0]["item"].to_string(),
        r#"{"LastModifiedDate":"2022-11-16T00:29:32.000Z","Bucket":"source","Size":"3399671","Key":"csvDataset/titles.csv"}"#
    );
    assert_eq!(
        items[0]["from"],
        json!("S3://inventory/source/config/data/a.csv.gz")
    );
    assert_eq!(items[2]["item"]["Key"], json!("x.json"));
    assert_eq!(
        items[2]["from"],
        json!("S3://inventory/source/config/data/b.csv.gz")
    );
}
