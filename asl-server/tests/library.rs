//! The server as a library: a program serves its compiled machines with its typed handlers,
//! and answers Tasks of definitions created over the API with handlers it registers. Calls go
//! through `Server::call`, the entry every HTTP request takes (the HTTP side is tested with
//! real clients in asl-cli/tests/serve.rs).

use asl_runtime::handler::handler_fn;
use asl_runtime::{TaskContext, TaskResult, Value, json};
use asl_server::Server;

asl_runtime::asl! {
    pub Greeting = {
        "StartAt": "Greet",
        "States": {
            "Greet": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greet",
                       "ResultPath": "$.greeting", "End": true }
        }
    }
}

struct Greeter;

impl greeting::Handler for Greeter {
    async fn greet(&self, input: Value, _cx: TaskContext) -> TaskResult {
        Ok(json!(format!(
            "Hello, {}!",
            input["name"].as_str().unwrap_or("?")
        )))
    }
}

async fn finished(server: &Server, arn: &str) -> serde_json::Value {
    server.engine().wait(arn).await.unwrap();
    server
        .call(
            "DescribeExecution",
            &serde_json::json!({ "executionArn": arn }),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn a_compiled_machine_is_served_with_its_typed_handlers() {
    let server = Server::in_memory();
    let arn = server.machine("Greeting", Greeting::new(Greeter)).unwrap();
    server.start().unwrap();
    let described = server
        .call(
            "DescribeStateMachine",
            &serde_json::json!({ "stateMachineArn": arn }),
        )
        .await
        .unwrap();
    assert_eq!(described["name"], "Greeting");
    assert_eq!(described["type"], "STANDARD");
    let definition: serde_json::Value =
        serde_json::from_str(described["definition"].as_str().unwrap()).unwrap();
    assert_eq!(definition["StartAt"], "Greet");
    let started = server
        .call(
            "StartExecution",
            &serde_json::json!({ "stateMachineArn": arn, "input": "{\"name\": \"Ada\"}" }),
        )
        .await
        .unwrap();
    let done = finished(&server, started["executionArn"].as_str().unwrap()).await;
    assert_eq!(done["status"], "SUCCEEDED");
    let output: serde_json::Value = serde_json::from_str(done["output"].as_str().unwrap()).unwrap();
    assert_eq!(
        output,
        serde_json::json!({ "name": "Ada", "greeting": "Hello, Ada!" })
    );
}

#[tokio::test]
async fn a_registered_handler_answers_a_resource_of_a_created_definition() {
    let server = Server::in_memory();
    let resource = "arn:aws:lambda:us-east-1:123456789012:function:double";
    server.handler(
        resource,
        handler_fn(|input: Value, _cx: TaskContext| async move {
            Ok(json!(input["n"].as_i64().unwrap_or(0) * 2))
        }),
    );
    server.start().unwrap();
    let definition = serde_json::json!({
        "StartAt": "Double",
        "States": { "Double": { "Type": "Task", "Resource": resource, "End": true } }
    });
    let created = server
        .call(
            "CreateStateMachine",
            &serde_json::json!({
                "name": "Doubler",
                "definition": definition.to_string(),
                "roleArn": "arn:aws:iam::123456789012:role/r",
            }),
        )
        .await
        .unwrap();
    let started = server
        .call(
            "StartExecution",
            &serde_json::json!({ "stateMachineArn": created["stateMachineArn"], "input": "{\"n\": 21}" }),
        )
        .await
        .unwrap();
    let done = finished(&server, started["executionArn"].as_str().unwrap()).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(done["output"], "42");
}

#[tokio::test]
async fn unknown_actions_and_bad_bodies_are_errors_of_the_api() {
    let server = Server::in_memory();
    let e = server
        .call("MakeCoffee", &serde_json::json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.name, "UnknownOperationException");
    let e = server
        .call("DescribeExecution", &serde_json::json!([]))
        .await
        .unwrap_err();
    assert_eq!(e.name, "SerializationException");
    let e = server
        .call(
            "DescribeExecution",
            &serde_json::json!({ "executionArn": 7 }),
        )
        .await
        .unwrap_err();
    assert_eq!(e.name, "SerializationException");
    let e = server
        .call(
            "CreateStateMachine",
            &serde_json::json!({ "name": "X", "definition": "{", "roleArn": "arn:aws:iam::1:role/r" }),
        )
        .await
        .unwrap_err();
    assert_eq!(e.name, "InvalidDefinition");
    assert!(
        e.message.contains("INVALID_JSON_DESCRIPTION"),
        "{}",
        e.message
    );
}
