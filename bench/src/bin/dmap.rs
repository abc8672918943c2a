//! A Distributed Map over a large CSV object in S3 (moto's, on 127.0.0.1): items read by the
//! ItemReader as the object streams in, one Express child per item (a Pass state), results
//! written back by the ResultWriter (COMPACT, JSON Lines) in parts.
//!
//! ```text
//! dmap --endpoint http://127.0.0.1:PORT [--items N] [--concurrency C] [--batch B]
//! ```
//!
//! Uploads `items.csv` (N rows, `id,name,value`) in parts unless the bucket has it, runs the
//! map once, checks the manifest, and prints one JSON line: items, seconds, items per second,
//! and the process's peak resident memory (`VmHWM`) before and after the run. The map runs
//! on a tokio runtime with 2 worker threads.

use std::sync::Arc;
use std::time::Instant;

use asl_aws::S3;
use asl_runtime::dynamic::DynamicMachine;
use asl_runtime::objects::ObjectStore;
use asl_runtime::{Options, json};
use asl_syntax::CheckOptions;

const DEFINITION: &str = r#"{
  "StartAt": "Map",
  "States": {
    "Map": {
      "Type": "Map",
      "Label": "Rows",
      "MaxConcurrencyPath": "$.concurrency",
      "ItemReader": {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": { "InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW" },
        "Parameters": { "Bucket.$": "$.bucket", "Key": "items.csv" }
      },
      "ItemProcessor": {
        "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
        "StartAt": "Touch",
        "States": { "Touch": { "Type": "Pass", "Parameters": { "id.$": "$.id", "ok": true }, "End": true } }
      },
      "ResultWriter": {
        "Resource": "arn:aws:states:::s3:putObject",
        "Parameters": { "Bucket.$": "$.bucket", "Prefix": "results" },
        "WriterConfig": { "Transformation": "COMPACT", "OutputType": "JSONL" }
      },
      "End": true
    }
  }
}"#;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// This process's peak resident memory, in MiB (`VmHWM` of /proc/self/status).
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let endpoint = arg(&args, "--endpoint").expect("--endpoint http://127.0.0.1:PORT (moto)");
    let items: usize = arg(&args, "--items").map_or(1_000_000, |n| n.parse().expect("--items N"));
    let concurrency: u64 =
        arg(&args, "--concurrency").map_or(1000, |n| n.parse().expect("--concurrency C"));
    let bucket = arg(&args, "--bucket").unwrap_or_else(|| format!("dmap-{items}"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async move {
        let config = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(
                    aws_credential_types::Credentials::new(
                        "testing", "testing", None, None, "bench",
                    ),
                ),
            )
            .build();
        let aws = asl_aws::Integrations::new(&config).with_endpoint(endpoint);
        let s3: S3 = aws.s3().clone();
        let _ = s3.client().create_bucket().bucket(&bucket).send().await;
        let have = s3
            .client()
            .head_object()
            .bucket(&bucket)
            .key("items.csv")
            .send()
            .await
            .is_ok();
        if !have {
            let t = Instant::now();
            let mut up = s3.upload(&bucket, "items.csv", Some("text/csv"), 8 * 1024 * 1024);
            up.write(b"id,name,value\n").await.expect("upload");
            let mut chunk = String::with_capacity(1 << 20);
            for i in 0..items {
                chunk.push_str(&format!("{i},item-{i},{}\n", i % 997));
                if chunk.len() >= 1 << 20 {
                    up.write(chunk.as_bytes()).await.expect("upload");
                    chunk.clear();
                }
            }
            up.write(chunk.as_bytes()).await.expect("upload");
            up.finish().await.expect("upload");
            eprintln!(
                "uploaded items.csv ({items} rows) in {:.1}s",
                t.elapsed().as_secs_f64()
            );
        }

        let machine = DynamicMachine::compile("Bench", DEFINITION, &CheckOptions::default())
            .unwrap_or_else(|d| panic!("the definition compiles: {d:?}"));
        let objects: Arc<dyn ObjectStore> = Arc::new(s3.clone());
        let options = Options {
            objects: Some(objects),
            history: false,
            ..Options::default()
        };
        let bound = machine.with_dynamic(aws);
        let before = peak_rss_mib();
        let t = Instant::now();
        let run = bound
            .execute(
                json!({ "bucket": bucket, "concurrency": concurrency }),
                &options,
            )
            .await;
        let secs = t.elapsed().as_secs_f64();
        let after = peak_rss_mib();
        let out = run
            .result
            .unwrap_or_else(|e| panic!("the map failed: {e:?}"));
        // The manifest lists the result files; their lines are the children's outputs.
        let key = out["ResultWriterDetails"]["Key"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        let manifest = s3
            .client()
            .get_object()
            .bucket(&bucket)
            .key(&key)
            .send()
            .await
            .expect("the manifest");
        let manifest: serde_json::Value = serde_json::from_slice(
            &manifest
                .body
                .collect()
                .await
                .expect("the manifest's body")
                .into_bytes(),
        )
        .expect("the manifest is JSON");
        let written: u64 = manifest["ResultFiles"]["SUCCEEDED"]
            .as_array()
            .map_or(0, |f| f.iter().filter_map(|f| f["Size"].as_u64()).sum());
        println!(
            "{}",
            serde_json::json!({
                "items": items,
                "concurrency": concurrency,
                "seconds": secs,
                "items_per_second": items as f64 / secs,
                "peak_rss_mib_before": before,
                "peak_rss_mib_after": after,
                "result_bytes": written,
            })
        );
    });
}
