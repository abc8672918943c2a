//! A Distributed Map over moto's S3 (ASL-DMAP-02/04): items read from a CSV object, each
//! child writing its row to DynamoDB through the integrations, the results written back to
//! S3 by the ResultWriter — the runtime's object store is `asl_aws::S3`.

mod common;

use std::sync::Arc;

use asl_runtime::objects::ObjectStore;
use asl_runtime::{Options, json};
use common::{integrations, ok, unique};

asl_runtime::asl!(Import = {
    "StartAt": "Rows",
    "States": {
        "Rows": {
            "Type": "Map",
            "Label": "Rows",
            "MaxConcurrency": 8,
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": { "InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW" },
                "Parameters": { "Bucket.$": "$.bucket", "Key": "people.csv" }
            },
            "ItemSelector": { "table.$": "$.table", "row.$": "$$.Map.Item.Value" },
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
                "StartAt": "Save",
                "States": {
                    "Save": {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::dynamodb:putItem",
                        "Parameters": {
                            "TableName.$": "$.table",
                            "Item": { "id": { "S.$": "$.row.id" }, "name": { "S.$": "$.row.name" } }
                        },
                        "ResultSelector": { "saved.$": "$.SdkHttpMetadata.HttpStatusCode" },
                        "End": true
                    }
                }
            },
            "ResultWriter": {
                "Resource": "arn:aws:states:::s3:putObject",
                "Parameters": { "Bucket.$": "$.results", "Prefix": "imports" }
            },
            "End": true
        }
    }
});

#[tokio::test]
async fn a_csv_in_s3_is_imported_and_the_results_written_back() {
    let aws = Arc::new(integrations());
    let (bucket, results, table) = (unique("dmap-in"), unique("dmap-out"), unique("people"));
    for b in [&bucket, &results] {
        ok(
            &aws,
            "arn:aws:states:::aws-sdk:s3:createBucket",
            json!({ "Bucket": b }).into(),
        )
        .await;
    }
    ok(
        &aws,
        "arn:aws:states:::aws-sdk:dynamodb:createTable",
        serde_json::json!({
            "TableName": table,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    )
    .await;
    let rows = 120;
    let csv: String = std::iter::once("id,name\n".to_owned())
        .chain((0..rows).map(|i| format!("p{i},\"Person, number {i}\"\n")))
        .collect();
    let s3 = aws.s3().clone();
    s3.put(&bucket, "people.csv", csv.into_bytes())
        .await
        .unwrap();

    let objects: Arc<dyn ObjectStore> = Arc::new(s3.clone());
    let options = Options {
        objects: Some(objects),
        ..Options::default()
    };
    let run = Import::with_dynamic(aws.clone())
        .execute(
            json!({ "bucket": bucket, "results": results, "table": table }),
            &options,
        )
        .await;
    let out = run.result.expect("the import succeeds");
    let manifest_key = out["ResultWriterDetails"]["Key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(manifest_key.starts_with("imports/") && manifest_key.ends_with("/manifest.json"));

    // Every row is in the table.
    let scan = ok(
        &aws,
        "arn:aws:states:::aws-sdk:dynamodb:scan",
        serde_json::json!({ "TableName": table, "Select": "COUNT" }),
    )
    .await;
    assert_eq!(scan["Count"], rows);
    let got = ok(
        &aws,
        "arn:aws:states:::dynamodb:getItem",
        serde_json::json!({ "TableName": table, "Key": {"id": {"S": "p7"}} }),
    )
    .await;
    assert_eq!(got["Item"]["name"]["S"], "Person, number 7");

    // The manifest lists one SUCCEEDED file with a record per row.
    let read = |key: String| {
        let s3 = s3.clone();
        let results = results.clone();
        async move {
            let mut body = s3.get_object_stream(&results, &key).await.unwrap();
            let mut bytes = Vec::new();
            while let Some(chunk) = body.next_chunk().await {
                bytes.extend_from_slice(&chunk.unwrap());
            }
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
        }
    };
    let manifest = read(manifest_key).await;
    let files = manifest["ResultFiles"]["SUCCEEDED"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert!(
        manifest["ResultFiles"]["FAILED"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let records = read(files[0]["Key"].as_str().unwrap().to_owned()).await;
    let records = records.as_array().unwrap();
    assert_eq!(records.len(), rows);
    assert!(
        records
            .iter()
            .all(|r| r["Status"] == "SUCCEEDED" && r["Output"] == "{\"saved\":200}")
    );
}

#[tokio::test]
async fn a_missing_bucket_is_item_reader_failed() {
    let aws = Arc::new(integrations());
    let objects: Arc<dyn ObjectStore> = Arc::new(aws.s3().clone());
    let options = Options {
        objects: Some(objects),
        ..Options::default()
    };
    let run = Import::with_dynamic(aws.clone())
        .execute(
            json!({ "bucket": unique("no-such-bucket"), "results": "r", "table": "t" }),
            &options,
        )
        .await;
    let e = run.result.unwrap_err();
    assert_eq!(e.error.as_deref(), Some("States.ItemReaderFailed"));
    assert!(
        e.cause.as_deref().unwrap_or("").contains("S3.NoSuchBucket"),
        "{:?}",
        e.cause
    );
}

asl_runtime::asl!(Million = {
    "StartAt": "Map",
    "States": {
        "Map": {
            "Type": "Map",
            "Label": "Rows",
            "MaxConcurrency": 1000,
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": { "InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW" },
                "Parameters": { "Bucket.$": "$.bucket", "Key": "items.csv" }
            },
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
                "StartAt": "Touch",
                "States": { "Touch": { "Type": "Pass", "Parameters": { "id.$": "$.id" }, "End": true } }
            },
            "ResultWriter": {
                "Resource": "arn:aws:states:::s3:putObject",
                "Parameters": { "Bucket.$": "$.bucket", "Prefix": "results" },
                "WriterConfig": { "Transformation": "COMPACT", "OutputType": "JSONL" }
            },
            "End": true
        }
    }
});

/// This process's peak resident memory in MiB (`VmHWM`).
fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// A million rows in one CSV object of moto's S3: every row is a child's input and a line of
/// the results written back, and memory stays bounded (the object is read as it streams,
/// the results written in parts): the whole test process peaks under 200 MiB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_items_in_bounded_memory() {
    const ROWS: usize = 1_000_000;
    let aws = Arc::new(integrations());
    let bucket = unique("million");
    ok(
        &aws,
        "arn:aws:states:::aws-sdk:s3:createBucket",
        json!({ "Bucket": bucket }).into(),
    )
    .await;
    let s3 = aws.s3().clone();
    let mut up = s3.upload(&bucket, "items.csv", Some("text/csv"), 8 * 1024 * 1024);
    up.write(b"id,name\n").await.unwrap();
    let mut chunk = String::new();
    for i in 0..ROWS {
        chunk.push_str(&format!("{i},item-{i}\n"));
        if chunk.len() > 1 << 20 {
            up.write(chunk.as_bytes()).await.unwrap();
            chunk.clear();
        }
    }
    up.write(chunk.as_bytes()).await.unwrap();
    up.finish().await.unwrap();

    let objects: Arc<dyn ObjectStore> = Arc::new(s3.clone());
    let options = Options {
        objects: Some(objects),
        history: false,
        ..Options::default()
    };
    let out = Million::with_dynamic(aws.clone())
        .execute(json!({ "bucket": bucket }), &options)
        .await
        .result
        .expect("the map succeeds");
    let peak = peak_rss_mib();
    assert!(peak < 200, "peak resident memory {peak} MiB");

    // The results: one line per row, each the child's output.
    let key = out["ResultWriterDetails"]["Key"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut body = s3.get_object_stream(&bucket, &key).await.unwrap();
    let mut manifest = Vec::new();
    while let Some(c) = body.next_chunk().await {
        manifest.extend_from_slice(&c.unwrap());
    }
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    let mut lines = 0usize;
    let mut last = Vec::new();
    for file in manifest["ResultFiles"]["SUCCEEDED"].as_array().unwrap() {
        let mut body = s3
            .get_object_stream(&bucket, file["Key"].as_str().unwrap())
            .await
            .unwrap();
        while let Some(c) = body.next_chunk().await {
            let c = c.unwrap();
            lines += c.iter().filter(|&&b| b == b'\n').count();
            last = c.to_vec();
        }
    }
    assert_eq!(lines, ROWS);
    assert!(last.ends_with(b"}\n"), "each line is an output");
}

/// S3 as the object store lists page by page: 1,005 objects (two pages of ListObjectsV2)
/// under a prefix are 1,005 items with AWS's listing fields (ASL-DMAP-02).
#[tokio::test]
async fn a_listing_of_s3_pages_through() {
    let aws = integrations();
    let bucket = unique("listing");
    ok(
        &aws,
        "arn:aws:states:::aws-sdk:s3:createBucket",
        json!({ "Bucket": bucket }).into(),
    )
    .await;
    let s3 = aws.s3().clone();
    for i in 0..1005 {
        s3.put(&bucket, &format!("logs/{i:04}.txt"), b"hello".to_vec())
            .await
            .unwrap();
    }
    s3.put(&bucket, "other/x.txt", b"x".to_vec()).await.unwrap();
    let (mut token, mut items) = (None, Vec::new());
    loop {
        let page = s3.list(&bucket, "logs/", token.take()).await.unwrap();
        items.extend(page.objects);
        match page.next {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(items.len(), 1005);
    assert_eq!(items[0].key, "logs/0000.txt");
    assert_eq!(items[0].size, 5);
    assert!(items[0].etag.starts_with('"') && items[0].last_modified > 1_600_000_000);
}
