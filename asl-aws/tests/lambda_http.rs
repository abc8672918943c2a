//! Lambda Invoke and the HTTP Task against a local HTTP server speaking the Lambda Invoke API
//! (moto runs functions only in Docker), and the transport failures: connection refused and
//! call timeouts.

mod common;

use std::time::Duration;

use asl_aws::Integrations;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{any, post};
use common::{err, ok};
use serde_json::json;

async fn invoke(
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let version = [("x-amz-executed-version", "$LATEST")];
    // Lambda takes a name or a function ARN.
    let name = name.rsplit(':').next().unwrap_or_default().to_owned();
    match name.as_str() {
        "echo" => (version, body).into_response(),
        "whoami" => (version, json!({"authorization": auth, "type": headers.get("x-amz-invocation-type").and_then(|v| v.to_str().ok())}).to_string()).into_response(),
        "fail" => (
            [("x-amz-executed-version", "$LATEST"), ("x-amz-function-error", "Unhandled")],
            r#"{"errorMessage":"boom","errorType":"CustomError","stackTrace":[]}"#,
        )
            .into_response(),
        "anonymous-fail" => ([("x-amz-function-error", "Unhandled")], r#"{"errorMessage":"x"}"#).into_response(),
        other => (
            StatusCode::NOT_FOUND,
            [("x-amzn-errortype", "ResourceNotFoundException"), ("x-amzn-requestid", "req-1")],
            json!({"Type": "User", "Message": format!("Function not found: arn:aws:lambda:us-east-1:123456789012:function:{other}")}).to_string(),
        )
            .into_response(),
    }
}

async fn echo(
    method: axum::http::Method,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    (
        [("content-type", "application/json"), ("x-extra", "1")],
        json!({
            "method": method.as_str(),
            "query": q,
            "contentType": headers.get("content-type").and_then(|v| v.to_str().ok()),
            "body": String::from_utf8_lossy(&body),
        })
        .to_string(),
    )
}

async fn server() -> String {
    let app = Router::new()
        .route("/2015-03-31/functions/{name}/invocations", post(invoke))
        .route("/echo", any(echo))
        .route(
            "/missing",
            any(|| async { (StatusCode::NOT_FOUND, "no such thing") }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn integrations(url: &str) -> Integrations {
    Integrations::new(&common::config()).with_service_endpoint("lambda", url)
}

#[tokio::test]
async fn lambda_invoke_forms() {
    let url = server().await;
    let h = integrations(&url);
    let out = ok(
        &h,
        "arn:aws:states:::lambda:invoke",
        json!({"FunctionName": "echo", "Payload": {"order": 1}}),
    )
    .await;
    assert_eq!(out["Payload"], json!({"order": 1}));
    assert_eq!(out["StatusCode"], 200);
    assert_eq!(out["ExecutedVersion"], "$LATEST");
    assert_eq!(out["SdkHttpMetadata"]["HttpStatusCode"], 200);
    let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "ExecutedVersion",
            "Payload",
            "SdkHttpMetadata",
            "SdkResponseMetadata",
            "StatusCode"
        ]
    );

    // The legacy function ARN: the input is the payload, the result the function's.
    let out = ok(
        &h,
        "arn:aws:lambda:us-east-1:123456789012:function:echo",
        json!({"a": [1, 2]}),
    )
    .await;
    assert_eq!(out, json!({"a": [1, 2]}));
    let out = ok(
        &h,
        "arn:aws:states:::aws-sdk:lambda:invoke",
        json!({"FunctionName": "echo", "Payload": "\"text\""}),
    )
    .await;
    assert_eq!(out["Payload"], "text");
    assert!(out.get("SdkHttpMetadata").is_none());

    // Signed with the configuration's credentials, for Lambda, with the invocation type.
    let out = ok(&h, "arn:aws:states:::lambda:invoke.waitForTaskToken", json!({"FunctionName": "whoami", "InvocationType": "Event", "Payload": {"token": "token-1"}})).await;
    let auth = out["Payload"]["authorization"].as_str().unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=testing/"),
        "{auth}"
    );
    assert!(auth.contains("/us-east-1/lambda/aws4_request"), "{auth}");
    assert_eq!(out["Payload"]["type"], "Event");
}

#[tokio::test]
async fn lambda_errors() {
    let url = server().await;
    let h = integrations(&url);
    for resource in [
        "arn:aws:states:::lambda:invoke",
        "arn:aws:lambda:us-east-1:123456789012:function:fail",
    ] {
        let e = err(&h, resource, json!({"FunctionName": "fail"})).await;
        assert_eq!(e.error, "CustomError");
        assert_eq!(
            e.cause.as_deref(),
            Some(r#"{"errorMessage":"boom","errorType":"CustomError","stackTrace":[]}"#)
        );
    }
    let e = err(
        &h,
        "arn:aws:states:::lambda:invoke",
        json!({"FunctionName": "anonymous-fail"}),
    )
    .await;
    assert_eq!(e.error, "Lambda.Unknown");
    let e = err(
        &h,
        "arn:aws:states:::lambda:invoke",
        json!({"FunctionName": "nope"}),
    )
    .await;
    assert_eq!(e.error, "Lambda.ResourceNotFoundException");
    assert_eq!(
        e.cause.as_deref(),
        Some(
            "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: req-1; Proxy: null)"
        )
    );
    let e = err(&h, "arn:aws:states:::lambda:invoke", json!({"Payload": {}})).await;
    assert_eq!(e.error, "States.Runtime");
}

#[tokio::test]
async fn http_task() {
    let url = server().await;
    let h = integrations(&url);
    let out = ok(&h, "arn:aws:states:::http:invoke", json!({
        "ApiEndpoint": format!("{url}/echo"), "Method": "GET", "QueryParameters": {"q": "a b", "n": 1}
    })).await;
    assert_eq!(out["StatusCode"], 200);
    assert_eq!(out["StatusText"], "OK");
    assert_eq!(out["ResponseBody"]["method"], "GET");
    assert_eq!(out["ResponseBody"]["query"], "q=a+b&n=1");
    assert_eq!(out["Headers"]["x-extra"], json!(["1"]));

    let out = ok(&h, "arn:aws:states:::http:invoke", json!({
        "ApiEndpoint": format!("{url}/echo"), "Method": "POST", "RequestBody": {"a": ["x", "y"], "b": "c"},
        "Transform": {"RequestBodyEncoding": "URL_ENCODED", "RequestEncodingOptions": {"ArrayFormat": "BRACKETS"}}
    })).await;
    assert_eq!(out["ResponseBody"]["body"], "a%5B%5D=x&a%5B%5D=y&b=c");
    assert_eq!(
        out["ResponseBody"]["contentType"],
        "application/x-www-form-urlencoded"
    );
    let out = ok(
        &h,
        "arn:aws:states:::http:invoke",
        json!({
            "ApiEndpoint": format!("{url}/echo"), "Method": "PUT", "RequestBody": {"a": 1}
        }),
    )
    .await;
    assert_eq!(out["ResponseBody"]["body"], r#"{"a":1}"#);

    let e = err(
        &h,
        "arn:aws:states:::http:invoke",
        json!({"ApiEndpoint": format!("{url}/missing"), "Method": "GET"}),
    )
    .await;
    assert_eq!(e.error, "States.Http.StatusCode.404");
    let cause: serde_json::Value = serde_json::from_str(&e.cause.unwrap()).unwrap();
    assert_eq!(cause["ResponseBody"], "no such thing");
    let e = err(
        &h,
        "arn:aws:states:::http:invoke",
        json!({"ApiEndpoint": "ftp://x", "Method": "GET"}),
    )
    .await;
    assert_eq!(e.error, "States.Runtime");
}

#[tokio::test]
async fn transport_failures_are_distinct() {
    // A port nobody listens on: connection refused.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let h = Integrations::new(&common::config()).with_endpoint(&closed);
    let e = err(
        &h,
        "arn:aws:states:::aws-sdk:dynamodb:listTables",
        json!({}),
    )
    .await;
    assert_eq!(e.error, "DynamoDb.SdkClientException");
    assert!(e.cause.unwrap().contains(&closed));
    let e = err(
        &h,
        "arn:aws:states:::http:invoke",
        json!({"ApiEndpoint": format!("{closed}/x"), "Method": "GET"}),
    )
    .await;
    assert_eq!(e.error, "States.TaskFailed");

    // A server that accepts and never answers: the call timeout.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = silent.accept().await {
            held.push(s);
        }
    });
    let h = Integrations::new(&common::config())
        .with_endpoint(&url)
        .with_call_timeout(Duration::from_millis(300));
    let e = err(
        &h,
        "arn:aws:states:::dynamodb:getItem",
        json!({"TableName": "t", "Key": {}}),
    )
    .await;
    assert_eq!(e.error, "DynamoDB.ApiCallTimeoutException");
}
