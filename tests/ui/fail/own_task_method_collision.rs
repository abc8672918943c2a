// own check: two Task states, one handler method
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "Charge card",
        "States": {
            "Charge card": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Next": "charge-card"
            },
            "charge-card": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "End": true
            }
        }
    }
}

fn main() {}
