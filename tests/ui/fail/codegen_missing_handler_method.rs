// Every Task state is a method of the generated handler trait: leaving one out is a compile
// error naming the method.
use asl_runtime::{TaskContext, TaskResult, Value};

asl_runtime::asl! {
    Flow = {
        "StartAt": "Validate",
        "States": {
            "Validate": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Ship" },
            "Ship": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true }
        }
    }
}

struct Handlers;

impl flow::Handler for Handlers {
    async fn validate(&self, input: Value, _ctx: TaskContext) -> TaskResult {
        Ok(input)
    }
}

fn main() {
    let _ = Flow::new(Handlers);
}
