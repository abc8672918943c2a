//! A Rust program that serves its own compiled state machine over the Step Functions API,
//! with its typed handlers: any client (the AWS CLI, boto3, an SDK in any language) starts
//! and watches executions that run this program's Rust code.
//!
//! ```text
//! cargo run --example serve                      # listens on 127.0.0.1:8083 (ASL_PORT: another)
//! aws stepfunctions --endpoint-url http://127.0.0.1:8083 start-execution \
//!     --state-machine-arn arn:aws:states:us-east-1:123456789012:stateMachine:Greeting \
//!     --input '{"name": "Ada"}'
//! aws stepfunctions --endpoint-url http://127.0.0.1:8083 describe-execution --execution-arn …
//! ```
//!
//! The console is at http://127.0.0.1:8083/. Executions are kept in `serve-example.db`.

use asl_runtime::{TaskContext, TaskResult, Value, json};

asl_runtime::asl! {
    pub Greeting = {
        "Comment": "Greets someone, in Rust",
        "StartAt": "Greet",
        "States": {
            "Greet": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greet",
                       "ResultPath": "$.greeting", "Next": "Done" },
            "Done": { "Type": "Succeed" }
        }
    }
}

/// The Rust behind the Task state: the compiler checks it implements every Task.
struct Greeter;

impl greeting::Handler for Greeter {
    async fn greet(&self, input: Value, cx: TaskContext) -> TaskResult {
        let name = input["name"].as_str().unwrap_or("stranger");
        Ok(json!({ "text": format!("Hello, {name}!"), "execution": cx.execution_name.as_ref() }))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = asl_server::Server::open("serve-example.db")?;
    let arn = server.machine("Greeting", Greeting::new(Greeter))?;
    server.start()?;
    let port: u16 = std::env::var("ASL_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8083);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("serving {arn} on http://{}", listener.local_addr()?);
    server.serve(listener).await?;
    Ok(())
}
