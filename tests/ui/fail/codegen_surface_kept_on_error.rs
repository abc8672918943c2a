// A definition with an error still gets its public surface (handler trait, machine type), so
// the code using it reports nothing more: one mistake, one error.
use asl_runtime::{TaskContext, TaskResult, Value};

asl_runtime::asl! {
    Flow = {
        "StartAt": "Validate",
        "States": {
            "Validate": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Shipp" },
            "Ship": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true }
        }
    }
}

struct Handlers;

impl flow::Handler for Handlers {
    async fn validate(&self, input: Value, _ctx: TaskContext) -> TaskResult {
        Ok(input)
    }
    async fn ship(&self, input: Value, _ctx: TaskContext) -> TaskResult {
        Ok(input)
    }
}

fn main() {
    let _ = Flow::new(Handlers);
}
