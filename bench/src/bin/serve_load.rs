//! Load on a Step Functions API endpoint over HTTP, from concurrent clients: `bench/serve.sh`
//! runs it against `asl serve` and against moto's server in the same run.
//!
//! ```text
//! serve_load --endpoint http://127.0.0.1:8083 --action StartSyncExecution \
//!            --arn ARN [--input JSON] [--clients 16] [--seconds 5] [--label NAME]
//! ```
//!
//! Each client sends its next request when the previous answer is in (HTTP/1.1 keep-alive,
//! hyper's client). Prints one JSON line: requests per second, latency percentiles (ms),
//! errors and the first error seen. A request whose execution name must be unique gets a
//! fresh one.

use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

struct Args {
    endpoint: String,
    action: String,
    arn: String,
    input: String,
    clients: usize,
    seconds: f64,
    label: String,
}

fn args() -> Args {
    let mut a = Args {
        endpoint: String::new(),
        action: "StartSyncExecution".into(),
        arn: String::new(),
        input: "{}".into(),
        clients: 16,
        seconds: 5.0,
        label: String::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--endpoint" => a.endpoint = value(),
            "--action" => a.action = value(),
            "--arn" => a.arn = value(),
            "--input" => a.input = value(),
            "--clients" => a.clients = value().parse().expect("--clients N"),
            "--seconds" => a.seconds = value().parse().expect("--seconds S"),
            "--label" => a.label = value(),
            other => panic!("unknown argument {other}"),
        }
    }
    assert!(
        !a.endpoint.is_empty() && !a.arn.is_empty(),
        "--endpoint and --arn are needed"
    );
    a
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() {
    let a = args();
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(a.clients)
        .build_http();
    let deadline = Instant::now() + Duration::from_secs_f64(a.seconds);
    let mut tasks = Vec::new();
    for c in 0..a.clients {
        let client = client.clone();
        let (endpoint, action, arn, input) = (
            a.endpoint.clone(),
            a.action.clone(),
            a.arn.clone(),
            a.input.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            let mut first_error: Option<String> = None;
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let body = serde_json::json!({
                    "stateMachineArn": arn,
                    "name": format!("load-{}-{c}-{n}", std::process::id()),
                    "input": input,
                })
                .to_string();
                let req = hyper::Request::post(&endpoint)
                    .header("content-type", "application/x-amz-json-1.0")
                    .header("x-amz-target", format!("AWSStepFunctions.{action}"))
                    .header("authorization", "AWS4-HMAC-SHA256 Credential=test/20261201/us-east-1/states/aws4_request, SignedHeaders=host, Signature=0")
                    .body(Full::new(Bytes::from(body)))
                    .expect("request");
                let t = Instant::now();
                let r = client.request(req).await;
                let ok = match r {
                    Ok(resp) => {
                        let status = resp.status();
                        let bytes = resp.into_body().collect().await.map(|b| b.to_bytes());
                        let text = bytes.map(|b| String::from_utf8_lossy(&b).into_owned());
                        match (status.is_success(), text) {
                            (true, Ok(t)) if !t.contains("\"FAILED\"") => true,
                            (_, Ok(t)) => {
                                first_error.get_or_insert(format!("{status}: {t}"));
                                false
                            }
                            (_, Err(e)) => {
                                first_error.get_or_insert(e.to_string());
                                false
                            }
                        }
                    }
                    Err(e) => {
                        first_error.get_or_insert(e.to_string());
                        false
                    }
                };
                if ok {
                    latencies.push(t.elapsed());
                } else {
                    errors += 1;
                }
            }
            (latencies, errors, first_error)
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    for t in tasks {
        let (l, e, f) = t.await.expect("client task");
        all.extend(l);
        errors += e;
        if first_error.is_none() {
            first_error = f;
        }
    }
    let elapsed = started.elapsed().as_secs_f64().max(a.seconds);
    all.sort();
    let pct = |p: f64| -> f64 {
        if all.is_empty() {
            return f64::NAN;
        }
        let i = ((all.len() as f64 - 1.0) * p).round() as usize;
        all[i].as_secs_f64() * 1000.0
    };
    println!(
        "{}",
        serde_json::json!({
            "label": a.label,
            "action": a.action,
            "clients": a.clients,
            "ok": all.len(),
            "errors": errors,
            "per_second": all.len() as f64 / elapsed,
            "p50_ms": pct(0.50),
            "p99_ms": pct(0.99),
            "max_ms": pct(1.0),
            "first_error": first_error,
        })
    );
}
