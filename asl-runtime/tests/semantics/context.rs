//! Context object: ASL-CTX-01..09, ASL-SUB-52.

use std::sync::{Arc, Mutex};

use asl_runtime::handler::handler_fn;
use asl_runtime::{Options, TaskContext, TaskError, Value, json};

use crate::common::{opts, ts};

asl_runtime::asl!(ContextFields = {
    "StartAt": "First",
    "States": {
        "First": {
            "Type": "Pass",
            "Parameters": {
                "name.$": "$$.Execution.Name",
                "id.$": "$$.Execution.Id",
                "input.$": "$$.Execution.Input",
                "start.$": "$$.Execution.StartTime",
                "state.$": "$$.State.Name",
                "entered.$": "$$.State.EnteredTime",
                "retry.$": "$$.State.RetryCount",
                "machine.$": "$$.StateMachine.Name",
                "machineId.$": "$$.StateMachine.Id"
            },
            "ResultPath": "$.first",
            "Next": "Nap"
        },
        "Nap": { "Type": "Wait", "Seconds": 10, "Next": "Later" },
        "Later": {
            "Type": "Pass",
            "Parameters": { "entered.$": "$$.State.EnteredTime", "start.$": "$$.Execution.StartTime" },
            "ResultPath": "$.later",
            "End": true
        }
    }
});

/// Context object fields; StartTime/EnteredTime in ms precision with trailing zeros dropped;
/// EnteredTime after a 10 s Wait is start + 10 s (ASL-CTX-01/02/03/05/07/08, ASL-SUB-52).
#[tokio::test(start_paused = true)]
async fn context_object_fields_asl_ctx_01_to_08_sub_52() {
    let o = Options {
        start_time: Some(ts("2024-05-06T07:08:09.120Z")),
        execution_name: Some("exec-ctx".into()),
        execution_id: Some("arn:aws:states:eu-west-1:123:execution:SM:exec-ctx".into()),
        state_machine_name: Some("SM".into()),
        state_machine_id: Some("arn:aws:states:eu-west-1:123:stateMachine:SM".into()),
        ..Default::default()
    };
    let input = json!({ "in": [1, "two"] });
    let out = ContextFields::new(())
        .execute(input.clone(), &o)
        .await
        .result
        .unwrap();
    assert_eq!(
        out["first"],
        json!({
            "name": "exec-ctx",
            "id": "arn:aws:states:eu-west-1:123:execution:SM:exec-ctx",
            "input": { "in": [1, "two"] },
            "start": "2024-05-06T07:08:09.12Z",
            "state": "First",
            "entered": "2024-05-06T07:08:09.12Z",
            "retry": 0,
            "machine": "SM",
            "machineId": "arn:aws:states:eu-west-1:123:stateMachine:SM"
        })
    );
    assert_eq!(
        out["later"],
        json!({ "entered": "2024-05-06T07:08:19.12Z", "start": "2024-05-06T07:08:09.12Z" })
    );
    // Whole seconds drop the fraction entirely.
    let out = ContextFields::new(())
        .execute(input, &opts())
        .await
        .result
        .unwrap();
    assert_eq!(out["first"]["start"], json!("2024-01-01T00:00:00Z"));
    assert_eq!(out["later"]["entered"], json!("2024-01-01T00:00:10Z"));
    assert_eq!(out["first"]["name"], json!("exec-1"));
}

asl_runtime::asl!(ContextTask = {
    "StartAt": "Plain",
    "States": {
        "Plain": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": { "ctx.$": "$$" },
            "ResultPath": "$.plain",
            "Next": "Callback"
        },
        "Callback": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": { "token.$": "$$.Task.Token" },
            "ResultPath": "$.callback",
            "End": true
        }
    }
});

/// A plain Task's context has no `Task` key; a callback Task gets `$$.Task.Token`; the
/// TaskContext carries the execution name (ASL-CTX-09, ASL-TK-09).
#[tokio::test(start_paused = true)]
async fn context_task_token_only_for_callback_tasks_asl_ctx_09() {
    let names = Arc::new(Mutex::new(Vec::new()));
    let n = names.clone();
    let m = ContextTask::with_dynamic(handler_fn(move |input: Value, ctx| {
        n.lock().unwrap().push(ctx.execution_name.to_string());
        async move { Ok(input) }
    }));
    let out = m.execute(json!({}), &opts()).await.result.unwrap();
    assert!(out["plain"]["ctx"].get("Task").is_none(), "{out}");
    assert_eq!(out["plain"]["ctx"]["State"]["Name"], json!("Plain"));
    let token = out["callback"]["token"].as_str().unwrap();
    assert!(!token.is_empty());
    assert_eq!(*names.lock().unwrap(), vec!["exec-1", "exec-1"]);
}

asl_runtime::asl! {
    CallbackToken = {
        "StartAt": "Wait For Approval",
        "States": {
            "Wait For Approval": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": { "MessageBody": { "token.$": "$$.Task.Token" } },
                "Retry": [{ "ErrorEquals": ["Again"], "IntervalSeconds": 1, "MaxAttempts": 1 }],
                "End": true
            }
        }
    }
}

/// ASL-CTX-09, ASL-SUB-51: a callback Task sees its token in `$$.Task.Token` and in
/// `TaskContext::task_token`, the same one, and a new one per attempt; the handler's result is
/// what the callback delivers.
#[tokio::test(start_paused = true)]
async fn callback_task_token_per_attempt_asl_ctx_09() {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let handler = asl_runtime::handler::handler_fn(move |input: Value, ctx: TaskContext| {
        let log = log.clone();
        async move {
            let token = ctx.task_token.as_deref().unwrap_or("").to_string();
            assert_eq!(input["MessageBody"]["token"], json!(token));
            let attempt = ctx.retry_count;
            log.lock().unwrap().push(token);
            if attempt == 0 {
                Err(TaskError::new("Again", "first attempt"))
            } else {
                Ok(json!({"approved": true}))
            }
        }
    });
    let out = CallbackToken::with_dynamic(handler)
        .run(json!({}))
        .await
        .unwrap();
    assert_eq!(out, json!({"approved": true}));
    let tokens = seen.lock().unwrap().clone();
    assert_eq!(tokens.len(), 2);
    assert!(!tokens[0].is_empty());
    assert_ne!(tokens[0], tokens[1]);
}
