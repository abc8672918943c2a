//! The Step Functions integration on this engine (ASL-TK): a Task with Resource
//! `arn:aws:states:::states:startExecution` starts an execution of another state machine the
//! server knows; `.sync` waits for it and answers DescribeExecution's fields (input and
//! output as JSON text), `.sync:2` the same with input and output as JSON. A child that does
//! not succeed fails the Task with `States.TaskFailed`, its description as the cause.
//!
//! In a durable parent, a child started without a `Name` is named after the Task attempt's
//! idempotency key, so an attempt dispatched again after a restart finds the child it started
//! (StartExecution of a running name with the same input is that execution) instead of
//! starting a second one.

use asl_runtime::engine::{ApiError, Engine};
use asl_runtime::handler::TaskContext;
use asl_runtime::store::{ExecutionRecord, Status};
use asl_runtime::{StateError, Value};
use serde_json::{Map, json};

/// How a `states:startExecution` Task waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wait {
    /// Starts it and goes on.
    No,
    /// `.sync`: waits; input and output as JSON text.
    Text,
    /// `.sync:2`: waits; input and output as JSON.
    Json,
}

/// The way a Resource starts an execution on this engine, if it does.
pub(crate) fn start_execution(resource: &str) -> Option<Wait> {
    match resource {
        "arn:aws:states:::states:startExecution" => Some(Wait::No),
        "arn:aws:states:::states:startExecution.sync" => Some(Wait::Text),
        "arn:aws:states:::states:startExecution.sync:2" => Some(Wait::Json),
        _ => None,
    }
}

/// The exception the Java SDK Step Functions uses raises for an API error, and its cause.
fn api_failure(e: &ApiError) -> StateError {
    let name = e.name();
    StateError::new(
        format!("StepFunctions.{name}Exception"),
        format!(
            "{e} (Service: AWSStepFunctions; Status Code: 400; Error Code: {name}; Request ID: {}; Proxy: null)",
            uuid::Uuid::new_v4()
        ),
    )
}

/// Runs the Task: starts the child and, for `.sync`, waits for its end.
pub(crate) async fn run(
    engine: &Engine,
    wait: Wait,
    input: Value,
    ctx: &TaskContext,
) -> Result<Value, StateError> {
    let params = serde_json::Value::from(&input);
    let machine = params["StateMachineArn"].as_str().ok_or_else(|| {
        StateError::runtime("The states:startExecution parameters have no StateMachineArn")
    })?;
    let child_input = match &params["Input"] {
        serde_json::Value::Null => "{}".to_owned(),
        v => v.to_string(),
    };
    let name = match params["Name"].as_str() {
        Some(n) => Some(n.to_owned()),
        // Durable parents: the same child on every dispatch of this attempt.
        None => ctx
            .idempotency_key
            .as_deref()
            .map(|key| uuid::Uuid::new_v3(&uuid::Uuid::NAMESPACE_URL, key.as_bytes()).to_string()),
    };
    let started = match engine.start_execution(machine, name.as_deref(), &child_input) {
        Ok(s) => s,
        // Dispatched again after a restart, the attempt finds the child it started, ended.
        Err(ApiError::ExecutionAlreadyExists(_)) if params["Name"].is_null() && name.is_some() => {
            let arn = machine.replacen(":stateMachine:", ":execution:", 1)
                + ":"
                + name.as_deref().unwrap_or_default();
            let e = engine
                .describe_execution(&arn)
                .map_err(|e| api_failure(&e))?;
            asl_runtime::engine::StartExecutionOutput {
                execution_arn: e.arn,
                start_date: e.start_date,
            }
        }
        Err(e) => return Err(api_failure(&e)),
    };
    if wait == Wait::No {
        return Ok(Value::from(json!({
            "ExecutionArn": started.execution_arn,
            "StartDate": started.start_date.as_millisecond(),
        })));
    }
    let done = engine
        .wait(&started.execution_arn)
        .await
        .map_err(|e| api_failure(&e))?;
    let described = description(&done, wait == Wait::Json);
    if done.status == Status::Succeeded {
        Ok(Value::from(described))
    } else {
        Err(StateError::new("States.TaskFailed", described.to_string()))
    }
}

/// DescribeExecution's fields in PascalCase, as the `.sync` integrations answer them.
fn description(e: &ExecutionRecord, json_io: bool) -> serde_json::Value {
    let io = |text: &str| {
        if json_io {
            serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
        } else {
            serde_json::Value::from(text)
        }
    };
    let mut m = Map::new();
    if let Some(cause) = &e.cause {
        m.insert("Cause".into(), json!(cause));
    }
    if let Some(error) = &e.error {
        m.insert("Error".into(), json!(error));
    }
    m.insert("ExecutionArn".into(), json!(e.arn));
    m.insert("Input".into(), io(&e.input));
    m.insert("InputDetails".into(), json!({ "Included": true }));
    m.insert("Name".into(), json!(e.name));
    if let Some(out) = &e.output {
        m.insert("Output".into(), io(out));
        m.insert("OutputDetails".into(), json!({ "Included": true }));
    }
    m.insert("RedriveCount".into(), json!(e.redrive_count));
    let (status, reason) = match e.status {
        Status::Succeeded => (
            "NOT_REDRIVABLE",
            Some("Execution is SUCCEEDED and cannot be redriven"),
        ),
        _ => ("REDRIVABLE", None),
    };
    m.insert("RedriveStatus".into(), json!(status));
    if let Some(r) = reason {
        m.insert("RedriveStatusReason".into(), json!(r));
    }
    m.insert("StartDate".into(), json!(e.start_date.as_millisecond()));
    m.insert("StateMachineArn".into(), json!(e.state_machine_arn));
    m.insert("Status".into(), json!(e.status.as_str()));
    if let Some(stop) = e.stop_date {
        m.insert("StopDate".into(), json!(stop.as_millisecond()));
    }
    serde_json::Value::Object(m)
}
