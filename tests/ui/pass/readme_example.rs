// The README's first example, kept compiling (trybuild also runs it).
use asl_runtime::{json, TaskContext, TaskError, TaskResult, Value};

asl_runtime::asl! {
    pub OrderFlow = {
        "StartAt": "Validate",
        "States": {
            "Validate": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Ship" },
            "Ship":     { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                          "Retry": [{ "ErrorEquals": ["Busy"], "MaxAttempts": 3 }],
                          "End": true }
        }
    }
}

struct Services;

impl order_flow::Handler for Services {          // one method per Task state;
    async fn validate(&self, input: Value, _: TaskContext) -> TaskResult {   // a missing one
        Ok(input)                                                            // is a compile error
    }
    async fn ship(&self, input: Value, ctx: TaskContext) -> TaskResult {
        if ctx.retry_count == 0 {
            return Err(TaskError::new("Busy", "try again"));   // retried after 1 s
        }
        Ok(json!({ "shipped": input }))
    }
}

#[tokio::main]
async fn main() {
    let out = OrderFlow::new(Services).run(json!({"order": 42})).await;
    println!("{out:?}");   // Ok({"shipped": {"order": 42}}), or Err(ExecutionError { error, cause })
}
