//! DynamoDB, SQS, SNS, EventBridge and S3 integrations end to end against a moto server,
//! through `DynamicHandler::call` as a machine calls them.

mod common;

use common::{err, integrations, ok};
use serde_json::json;

#[tokio::test]
async fn dynamodb_round_trip() {
    let h = integrations();
    let table = common::unique("orders");
    ok(
        &h,
        "arn:aws:states:::aws-sdk:dynamodb:createTable",
        json!({
            "TableName": table,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    )
    .await;

    let put = ok(
        &h,
        "arn:aws:states:::dynamodb:putItem",
        json!({
            "TableName": table, "Item": {"id": {"S": "id1"}, "data": {"S": "HelloWorld"}}
        }),
    )
    .await;
    // The optimized integration's result carries the SDK's metadata, members sorted.
    assert_eq!(put["SdkHttpMetadata"]["HttpStatusCode"], 200);
    assert!(put["SdkResponseMetadata"]["RequestId"].is_string());
    let keys: Vec<&String> = put.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["SdkHttpMetadata", "SdkResponseMetadata"]);

    let got = ok(
        &h,
        "arn:aws:states:::dynamodb:getItem",
        json!({
            "TableName": table, "Key": {"id": {"S": "id1"}}
        }),
    )
    .await;
    assert_eq!(
        got["Item"],
        json!({"id": {"S": "id1"}, "data": {"S": "HelloWorld"}})
    );

    let updated = ok(
        &h,
        "arn:aws:states:::dynamodb:updateItem",
        json!({
            "TableName": table, "Key": {"id": {"S": "id1"}},
            "UpdateExpression": "SET S = :s",
            "ExpressionAttributeValues": {":s": {"S": "HelloWorldUpdated"}},
            "ReturnValues": "UPDATED_NEW"
        }),
    )
    .await;
    assert_eq!(
        updated["Attributes"],
        json!({"S": {"S": "HelloWorldUpdated"}})
    );

    let q = ok(
        &h,
        "arn:aws:states:::aws-sdk:dynamodb:query",
        json!({
            "TableName": table, "KeyConditionExpression": "id = :id",
            "ExpressionAttributeValues": {":id": {"S": "id1"}}
        }),
    )
    .await;
    assert_eq!(q["Count"], 1);
    assert_eq!(q["Items"][0]["data"], json!({"S": "HelloWorld"}));
    // SDK integrations return the API's result alone, members sorted as recorded on AWS.
    assert!(q.get("SdkHttpMetadata").is_none());
    let keys: Vec<&String> = q.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["Count", "Items", "ScannedCount"]);

    ok(
        &h,
        "arn:aws:states:::dynamodb:deleteItem",
        json!({
            "TableName": table, "Key": {"id": {"S": "id1"}}
        }),
    )
    .await;
    let gone = ok(
        &h,
        "arn:aws:states:::aws-sdk:dynamodb:getItem",
        json!({
            "TableName": table, "Key": {"id": {"S": "id1"}}
        }),
    )
    .await;
    assert_eq!(gone, json!({}));
}

#[tokio::test]
async fn dynamodb_errors_are_named_as_step_functions_names_them() {
    let h = integrations();
    let e = err(
        &h,
        "arn:aws:states:::dynamodb:putItem",
        json!({
            "TableName": "no-such-table", "Item": {"id": {"S": "x"}}
        }),
    )
    .await;
    assert_eq!(e.error, "DynamoDB.ResourceNotFoundException");
    let cause = e.cause.unwrap();
    assert!(cause.contains("(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ResourceNotFoundException; Request ID: "), "{cause}");
    assert!(cause.ends_with("; Proxy: null)"), "{cause}");

    let e = err(
        &h,
        "arn:aws:states:::aws-sdk:dynamodb:putItem",
        json!({
            "TableName": "no-such-table", "Item": {"id": {"S": "x"}}
        }),
    )
    .await;
    assert_eq!(e.error, "DynamoDb.ResourceNotFoundException");
    let cause = e.cause.unwrap();
    assert!(
        cause.contains("(Service: DynamoDb, Status Code: 400, Request ID: "),
        "{cause}"
    );

    let table = common::unique("cond");
    ok(
        &h,
        "arn:aws:states:::aws-sdk:dynamodb:createTable",
        json!({
            "TableName": table,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    )
    .await;
    let item = json!({"TableName": table, "Item": {"id": {"S": "a"}}, "ConditionExpression": "attribute_not_exists(id)"});
    ok(&h, "arn:aws:states:::dynamodb:putItem", item.clone()).await;
    let e = err(&h, "arn:aws:states:::dynamodb:putItem", item.clone()).await;
    assert_eq!(e.error, "DynamoDB.ConditionalCheckFailedException");
    let e = err(&h, "arn:aws:states:::aws-sdk:dynamodb:putItem", item).await;
    assert_eq!(e.error, "DynamoDb.ConditionalCheckFailedException");

    // An error code the model does not list: the SDK's base exception.
    let e = err(
        &h,
        "arn:aws:states:::dynamodb:updateItem",
        json!({
            "TableName": table, "Key": {"id": {"S": "a"}}, "UpdateExpression": "SET"
        }),
    )
    .await;
    assert_eq!(e.error, "DynamoDB.AmazonDynamoDBException", "{e}");
    let cause = e.cause.unwrap();
    assert!(cause.contains("Error Code: ValidationException"), "{cause}");
}

#[tokio::test]
async fn sqs_send_message_arrives() {
    let h = integrations();
    let created = ok(
        &h,
        "arn:aws:states:::aws-sdk:sqs:createQueue",
        json!({"QueueName": common::unique("q")}),
    )
    .await;
    let url = created["QueueUrl"].as_str().unwrap().to_owned();

    let sent = ok(
        &h,
        "arn:aws:states:::sqs:sendMessage",
        json!({
            "QueueUrl": url, "MessageBody": {"order": 42, "items": ["a"]}
        }),
    )
    .await;
    assert!(sent["MessageId"].is_string());
    assert!(sent["MD5OfMessageBody"].is_string());
    assert_eq!(sent["SdkHttpMetadata"]["HttpStatusCode"], 200);

    // The callback form sends the message the runtime built (token included).
    ok(
        &h,
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        json!({
            "QueueUrl": url, "MessageBody": {"TaskToken": "token-1"}
        }),
    )
    .await;

    let got = ok(
        &h,
        "arn:aws:states:::aws-sdk:sqs:receiveMessage",
        json!({
            "QueueUrl": url, "MaxNumberOfMessages": 10
        }),
    )
    .await;
    let bodies: Vec<&str> = got["Messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["Body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            r#"{"order":42,"items":["a"]}"#,
            r#"{"TaskToken":"token-1"}"#
        ]
    );

    let e = err(&h, "arn:aws:states:::sqs:sendMessage", json!({
        "QueueUrl": format!("{}/123456789012/no-such-queue", common::moto().url), "MessageBody": "x"
    })).await;
    assert_eq!(e.error, "SQS.QueueDoesNotExistException", "{e}");
    let e = err(
        &h,
        "arn:aws:states:::aws-sdk:sqs:getQueueUrl",
        json!({"QueueName": "no-such-queue"}),
    )
    .await;
    assert_eq!(e.error, "Sqs.QueueDoesNotExistException", "{e}");
}

#[tokio::test]
async fn sns_publish() {
    let h = integrations();
    let topic = ok(
        &h,
        "arn:aws:states:::aws-sdk:sns:createTopic",
        json!({"Name": common::unique("t")}),
    )
    .await;
    let arn = topic["TopicArn"].as_str().unwrap().to_owned();
    let listed = ok(&h, "arn:aws:states:::aws-sdk:sns:listTopics", json!({})).await;
    assert!(
        listed["Topics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["TopicArn"] == arn),
        "{listed}"
    );

    // Delivered to a subscribed queue: the message is really published.
    let q = ok(
        &h,
        "arn:aws:states:::aws-sdk:sqs:createQueue",
        json!({"QueueName": common::unique("sub")}),
    )
    .await;
    let qurl = q["QueueUrl"].as_str().unwrap().to_owned();
    let attrs = ok(
        &h,
        "arn:aws:states:::aws-sdk:sqs:getQueueAttributes",
        json!({"QueueUrl": qurl, "AttributeNames": ["QueueArn"]}),
    )
    .await;
    let qarn = attrs["Attributes"]["QueueArn"].as_str().unwrap().to_owned();
    ok(&h, "arn:aws:states:::aws-sdk:sns:subscribe", json!({
        "TopicArn": arn, "Protocol": "sqs", "Endpoint": qarn, "Attributes": {"RawMessageDelivery": "true"}
    })).await;

    let published = ok(
        &h,
        "arn:aws:states:::sns:publish",
        json!({
            "TopicArn": arn, "Message": {"hello": "world"},
            "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "greeting"}}
        }),
    )
    .await;
    assert!(published["MessageId"].is_string());
    assert_eq!(published["SdkHttpMetadata"]["HttpStatusCode"], 200);
    let got = ok(
        &h,
        "arn:aws:states:::aws-sdk:sqs:receiveMessage",
        json!({"QueueUrl": qurl}),
    )
    .await;
    assert_eq!(got["Messages"][0]["Body"], r#"{"hello":"world"}"#);

    let e = err(
        &h,
        "arn:aws:states:::sns:publish",
        json!({
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:no-such-topic", "Message": "x"
        }),
    )
    .await;
    assert_eq!(e.error, "SNS.NotFoundException", "{e}");
    assert!(
        e.cause
            .unwrap()
            .contains("(Service: AmazonSNS; Status Code: 404; Error Code: NotFound;")
    );
    let e = err(
        &h,
        "arn:aws:states:::aws-sdk:sns:getTopicAttributes",
        json!({
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:no-such-topic"
        }),
    )
    .await;
    assert_eq!(e.error, "Sns.NotFoundException", "{e}");
}

#[tokio::test]
async fn eventbridge_put_events() {
    let h = integrations();
    let out = ok(
        &h,
        "arn:aws:states:::events:putEvents",
        json!({
            "Entries": [{"Source": "asl.test", "DetailType": "Order", "Detail": {"order": 1}}]
        }),
    )
    .await;
    assert_eq!(out["FailedEntryCount"], 0);
    assert!(out["Entries"][0]["EventId"].is_string());
    assert!(out.get("SdkHttpMetadata").is_none());

    let e = err(&h, "arn:aws:states:::events:putEvents", json!({
        "Entries": [{"Source": "asl.test", "DetailType": "Order", "Detail": "{}"}, {"DetailType": "Order", "Detail": "{}"}]
    })).await;
    assert_eq!(e.error, "EventBridge.FailedEntry");
    let cause: serde_json::Value = serde_json::from_str(&e.cause.unwrap()).unwrap();
    assert_eq!(cause["FailedEntryCount"], 1);

    let buses = ok(
        &h,
        "arn:aws:states:::aws-sdk:eventbridge:listEventBuses",
        json!({}),
    )
    .await;
    assert_eq!(buses["EventBuses"][0]["Name"], "default");
}

#[tokio::test]
async fn s3_actions() {
    let h = integrations();
    let bucket = common::unique("bucket");
    ok(
        &h,
        "arn:aws:states:::aws-sdk:s3:createBucket",
        json!({"Bucket": bucket}),
    )
    .await;
    let put = ok(
        &h,
        "arn:aws:states:::aws-sdk:s3:putObject",
        json!({"Bucket": bucket, "Key": "a.txt", "Body": "binary data"}),
    )
    .await;
    assert_eq!(put["ETag"], "\"e1a49b59e0c42e4fd3735ad644f25d57\"");

    let got = ok(
        &h,
        "arn:aws:states:::aws-sdk:s3:getObject",
        json!({"Bucket": bucket, "Key": "a.txt"}),
    )
    .await;
    assert_eq!(got["Body"], "binary data");
    assert_eq!(got["ContentLength"], 11);
    let keys: Vec<&String> = got.as_object().unwrap().keys().collect();
    assert_eq!(keys.last().map(|k| k.as_str()), Some("Body"));

    let head = ok(
        &h,
        "arn:aws:states:::aws-sdk:s3:headObject",
        json!({"Bucket": bucket, "Key": "a.txt"}),
    )
    .await;
    assert_eq!(head["ContentLength"], 11);
    ok(
        &h,
        "arn:aws:states:::aws-sdk:s3:copyObject",
        json!({"Bucket": bucket, "Key": "b.txt", "CopySource": format!("{bucket}/a.txt")}),
    )
    .await;
    let v2 = ok(
        &h,
        "arn:aws:states:::aws-sdk:s3:listObjectsV2",
        json!({"Bucket": bucket}),
    )
    .await;
    let keys: Vec<&str> = v2["Contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["Key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["a.txt", "b.txt"]);
    assert_eq!(v2["KeyCount"], 2);
    ok(
        &h,
        "arn:aws:states:::aws-sdk:s3:deleteObject",
        json!({"Bucket": bucket, "Key": "a.txt"}),
    )
    .await;
    let v1 = ok(
        &h,
        "arn:aws:states:::aws-sdk:s3:listObjects",
        json!({"Bucket": bucket}),
    )
    .await;
    assert_eq!(v1["Contents"].as_array().unwrap().len(), 1);
    let buckets = ok(&h, "arn:aws:states:::aws-sdk:s3:listBuckets", json!({})).await;
    assert!(
        buckets["Buckets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["Name"] == bucket.as_str())
    );

    let e = err(
        &h,
        "arn:aws:states:::aws-sdk:s3:getObject",
        json!({"Bucket": bucket, "Key": "missing"}),
    )
    .await;
    assert_eq!(e.error, "S3.NoSuchKeyException");
    assert!(
        e.cause
            .unwrap()
            .contains("(Service: S3, Status Code: 404, Request ID: ")
    );
    let e = err(
        &h,
        "arn:aws:states:::aws-sdk:s3:headObject",
        json!({"Bucket": bucket, "Key": "missing"}),
    )
    .await;
    assert_eq!(e.error, "S3.NoSuchKeyException");
    let e = err(
        &h,
        "arn:aws:states:::aws-sdk:s3:listObjects",
        json!({"Bucket": "no-such-bucket-asl"}),
    )
    .await;
    assert_eq!(e.error, "S3.NoSuchBucketException");
    let e = err(
        &h,
        "arn:aws:states:::aws-sdk:s3:getObject",
        json!({"Bucket": bucket}),
    )
    .await;
    assert_eq!(e.error, "States.Runtime");
}

#[tokio::test]
async fn s3_streaming_api() {
    let h = integrations();
    let s3 = h.s3();
    let bucket = common::unique("stream");
    ok(
        &h,
        "arn:aws:states:::aws-sdk:s3:createBucket",
        json!({"Bucket": bucket}),
    )
    .await;

    // 11 MiB in 5 MiB parts: three parts, memory bounded by one.
    let data: Vec<u8> = (0..11 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let mut up = s3.upload(
        &bucket,
        "big.bin",
        Some("application/octet-stream"),
        asl_aws::s3::MIN_PART_SIZE,
    );
    for chunk in data.chunks(700_000) {
        up.write(chunk).await.unwrap();
    }
    up.finish().await.unwrap();
    let mut body = s3.get_object_stream(&bucket, "big.bin").await.unwrap();
    assert_eq!(body.content_length, Some(data.len() as i64));
    let mut read = Vec::new();
    while let Some(chunk) = body.next_chunk().await {
        read.extend_from_slice(&chunk.unwrap());
    }
    assert!(
        read == data,
        "the object read back differs from the one written"
    );

    // A small upload is one PutObject.
    let mut small = s3.upload(&bucket, "small.txt", None, 0);
    small.write(b"hello").await.unwrap();
    small.finish().await.unwrap();
    s3.put_object(&bucket, "p/1", bytes::Bytes::from_static(b"1"), None)
        .await
        .unwrap();
    for k in ["p/2", "p/3", "p/4", "p/5"] {
        s3.put_object(
            &bucket,
            k,
            bytes::Bytes::from_static(b"x"),
            Some("text/plain"),
        )
        .await
        .unwrap();
    }
    let mut pages = s3.list_objects_v2(&bucket, Some("p/")).page_size(2);
    let mut sizes = Vec::new();
    let mut keys = Vec::new();
    while let Some(page) = pages.next_page().await {
        let page = page.unwrap();
        sizes.push(page.len());
        keys.extend(page.into_iter().map(|o| o.key));
    }
    assert_eq!(sizes, [2, 2, 1]);
    assert_eq!(keys, ["p/1", "p/2", "p/3", "p/4", "p/5"]);

    let e = s3
        .get_object_stream("no-such-bucket-asl", "k")
        .await
        .unwrap_err();
    assert_eq!(e.error, "S3.NoSuchBucketException");
    let mut missing = s3.list_objects_v2("no-such-bucket-asl", None);
    assert_eq!(
        missing.next_page().await.unwrap().unwrap_err().error,
        "S3.NoSuchBucketException"
    );
    assert!(missing.next_page().await.is_none());
}

#[tokio::test]
async fn unknown_resources_are_not_answered() {
    let h = integrations();
    assert!(!asl_aws::handles(
        "arn:aws:states:::aws-sdk:dynamodb:noSuchAction"
    ));
    let e = err(
        &h,
        "arn:aws:states:::aws-sdk:dynamodb:noSuchAction",
        json!({}),
    )
    .await;
    assert_eq!(e.error, "States.Runtime");
    assert!(
        e.cause
            .unwrap()
            .contains("arn:aws:states:::aws-sdk:dynamodb:noSuchAction is not recognized")
    );
    let e = err(&h, "arn:aws:states:::dynamodb:putItem", json!([1])).await;
    assert_eq!(e.error, "States.Runtime");
}
