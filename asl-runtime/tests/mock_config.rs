//! A machine driven end to end by AWS Step Functions Local's MockConfigFile format: the test
//! case picks a mocked response per Task state, responses are chosen per invocation ("0",
//! "1-2"), and a Retry consumes them in order.

use asl_runtime::mock::MockConfig;
use asl_runtime::{Options, json};

asl_runtime::asl! {
    LambdaSqsIntegration = {
        "StartAt": "LambdaState",
        "States": {
            "LambdaState": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": { "Payload.$": "$", "FunctionName": "HelloWorldFunction" },
                "Retry": [{ "ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 3 }],
                "ResultSelector": { "body.$": "$.Payload.body" },
                "Next": "SQSState"
            },
            "SQSState": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": { "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/myQueue", "MessageBody.$": "$.body" },
                "End": true
            }
        }
    }
}

/// Shaped like the example of the AWS developer guide ("Using mocked service integrations").
const CONFIG: &str = r#"{
  "StateMachines": {
    "LambdaSQSIntegration": {
      "TestCases": {
        "HappyPath": { "LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess" },
        "RetryPath": { "LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess" },
        "NoSqsMock": { "LambdaState": "MockedLambdaSuccess" }
      }
    }
  },
  "MockedResponses": {
    "MockedLambdaSuccess": {
      "0": { "Return": { "StatusCode": 200, "Payload": { "StatusCode": 200, "body": "Hello from Lambda!" } } }
    },
    "MockedLambdaRetry": {
      "0": { "Throw": { "Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready." } },
      "1-2": { "Throw": { "Error": "Lambda.TimeoutException", "Cause": "Lambda timed out." } },
      "3": { "Return": { "StatusCode": 200, "Payload": { "StatusCode": 200, "body": "Hello from Lambda!" } } }
    },
    "MockedSQSSuccess": {
      "0": { "Return": { "MD5OfMessageBody": "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51", "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51" } }
    }
  }
}"#;

#[tokio::test(start_paused = true)]
async fn happy_path_returns_the_mocked_results() {
    let config = MockConfig::parse(CONFIG).unwrap();
    let mocks = config
        .test_case("LambdaSQSIntegration", "HappyPath")
        .unwrap();
    let machine = LambdaSqsIntegration::with_dynamic(mocks);
    let out = machine.run(json!({"name": "x"})).await.unwrap();
    assert_eq!(out["MessageId"], "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51");
}

/// Invocations 0, 1 and 2 throw, 3 returns: three retries at 2, 4, 8 s (ASL-RT-08).
#[tokio::test(start_paused = true)]
async fn retry_path_consumes_responses_by_invocation() {
    let config = MockConfig::parse(CONFIG).unwrap();
    let mocks = config
        .test_case("LambdaSQSIntegration", "RetryPath")
        .unwrap();
    let machine = LambdaSqsIntegration::with_dynamic(mocks);
    let start = tokio::time::Instant::now();
    let run = machine.execute(json!({}), &Options::default()).await;
    assert!(run.result.is_ok(), "{:?}", run.result);
    assert_eq!(start.elapsed(), std::time::Duration::from_secs(2 + 4 + 8));
    let failed = run
        .history
        .iter()
        .filter(|e| e.kind == "TaskFailed")
        .count();
    assert_eq!(failed, 3);
}

/// A Task state the test case does not mock fails the execution (AWS: "If you do not
/// specify a mocked response, the state machine execution will fail").
#[tokio::test(start_paused = true)]
async fn unmocked_state_fails_the_execution() {
    let config = MockConfig::parse(CONFIG).unwrap();
    let mocks = config
        .test_case("LambdaSQSIntegration", "NoSqsMock")
        .unwrap();
    let machine = LambdaSqsIntegration::with_dynamic(mocks);
    let err = machine.run(json!({})).await.unwrap_err();
    assert_eq!(err.error.as_deref(), Some(asl_runtime::mock::MOCK_MISSING));
}
